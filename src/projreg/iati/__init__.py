"""IATI: activity XML in and out."""


def __getattr__(name: str):
    """projreg.iati was a module until 0.x: its names are still handed out, with a warning."""
    from projreg import _moved

    return _moved.attribute(__name__, name)
