"""projreg's version, in a leaf module so that anything may read it without importing the package."""

__version__ = "0.2.0"
