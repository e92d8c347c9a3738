"""projreg: query a registry of migration and border-management projects.

The library is the whole pipeline, the command line one client of it:

    >>> from projreg import load_registry, select, Filters
    >>> registry = load_registry()
    >>> registry.get("enigmma2").title
    'Sustaining Migration Management in Georgia'
    >>> [p.id for p in select(registry, Filters(countries=("Armenia",), direct=True)).projects]
    ['EAP-IBM-CABUIPRO', 'MIBMA']

docs/api.md walks through it. Names are imported on first use (PEP 562), so
that `import projreg` stays cheap for the command line.
"""

from projreg import _moved
from projreg.version import __version__

_moved.install()  # the module paths before the layer folders, for one release

_EXPORTS = {
    # data
    "Registry": "model.project",
    "Project": "model.project",
    "Participant": "model.schema",
    "Organisation": "model.schema",
    "Budget": "model.schema",
    "Transaction": "model.schema",
    "Relation": "model.schema",
    "Sector": "model.schema",
    "Published": "model.schema",
    "Link": "model.schema",
    "Component": "model.schema",
    "PartialDate": "model.dates",
    "parse_date": "model.dates",
    # loading and checking
    "load_registry": "registry.load",
    "check": "registry.lint",
    "Problem": "model.problems",
    # querying and reporting
    "Filters": "query.filters",
    "select": "query.filters",
    "group_by": "query.reports",
    "timeline": "query.reports",
    "stats": "query.reports",
    # IATI
    "import_iati": "iati.activities",
    "to_iati_xml": "iati.activities",
    "Publisher": "iati.activities",
    "export_activities": "iati.activities",
    "ExportOptions": "iati.activities",
    # errors
    "ProjregError": "errors",
    "UsageError": "errors",
    "NotFound": "errors",
    "RegistryError": "model.problems",
    "UnknownProject": "model.project",
    "AmbiguousProject": "model.project",
    "DateError": "model.dates",
    "IatiError": "iati.activities",
}
_RENAMED = {"import_iati": "import_files"}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        value = getattr(module, _RENAMED.get(name, name))
        globals()[name] = value
        return value
    raise AttributeError(f"module 'projreg' has no attribute {name!r}")
