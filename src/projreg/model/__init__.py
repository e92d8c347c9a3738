"""The record and its rules: the format's one table (schema), Project, dates, places,
the matching rule, located problems, output fields. Imports nothing above it."""


def __getattr__(name: str):
    """projreg.model was a module until 0.x: its names are still handed out, with a warning."""
    from projreg import _moved

    return _moved.attribute(__name__, name)
