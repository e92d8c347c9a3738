"""projreg: query a registry of migration and border-management projects.

The library API: load a registry, then filter and read its projects.

    >>> from projreg import load_registry
    >>> registry = load_registry()
    >>> registry.get("enigmma2").title
    'Sustaining Migration Management in Georgia'
"""

from .dates import DateError, PartialDate, parse_date
from .model import Organisation, Participant, Project, Registry, UnknownProject
from .registry import Problem, RegistryError, load_registry

__version__ = "0.1.0"

__all__ = [
    "DateError",
    "Organisation",
    "PartialDate",
    "Participant",
    "Problem",
    "Project",
    "Registry",
    "RegistryError",
    "UnknownProject",
    "load_registry",
    "parse_date",
]
