"""projreg: query a registry of migration and border-management projects.

The library API: load a registry, then filter and read its projects.

    >>> from projreg import load_registry
    >>> registry = load_registry()
    >>> registry.get("enigmma2").title
    'Sustaining Migration Management in Georgia'

Names are imported on first use (PEP 562), so that `import projreg` stays cheap
for the command line.
"""

__version__ = "0.1.0"

_EXPORTS = {
    "DateError": "dates",
    "PartialDate": "dates",
    "parse_date": "dates",
    "Organisation": "model",
    "Participant": "model",
    "Project": "model",
    "Registry": "model",
    "UnknownProject": "model",
    "Problem": "registry",
    "RegistryError": "registry",
    "load_registry": "registry",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'projreg' has no attribute {name!r}")
