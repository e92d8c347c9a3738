"""Answering questions: filters, reports, diffs, and the SQLite store that answers
filters in SQL."""


def __getattr__(name: str):
    """projreg.query was a module until 0.x: its names are still handed out, with a warning."""
    from projreg import _moved

    return _moved.attribute(__name__, name)
