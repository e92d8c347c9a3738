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

from .version import __version__

_EXPORTS = {
    # data
    "Registry": "model",
    "Project": "model",
    "Participant": "schema",
    "Organisation": "schema",
    "Budget": "schema",
    "Transaction": "schema",
    "Relation": "schema",
    "Sector": "schema",
    "Published": "schema",
    "Link": "schema",
    "Component": "schema",
    "PartialDate": "dates",
    "parse_date": "dates",
    # loading and checking
    "load_registry": "load",
    "check": "lint",
    "Problem": "problems",
    # querying and reporting
    "Filters": "query",
    "select": "query",
    "group_by": "reports",
    "timeline": "reports",
    "stats": "reports",
    # IATI
    "import_iati": "iati",
    "to_iati_xml": "iati",
    "Publisher": "iati",
    "export_activities": "iati",
    "ExportOptions": "iati",
    # errors
    "ProjregError": "errors",
    "UsageError": "errors",
    "NotFound": "errors",
    "RegistryError": "problems",
    "UnknownProject": "model",
    "AmbiguousProject": "model",
    "DateError": "dates",
    "IatiError": "iati",
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
