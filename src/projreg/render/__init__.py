"""Showing answers: terminal and pipe output, charts, the map, the site, data exports."""


def __getattr__(name: str):
    """projreg.render was a module until 0.x: its names are still handed out, with a warning."""
    from projreg import _moved

    return _moved.attribute(__name__, name)
