"""The module paths of 0.x before the layer folders, kept importable for one release.

`import projreg.dates` still works and warns that the module is now projreg.model.dates;
the four old modules whose names are now folders (projreg.model, projreg.query,
projreg.render, projreg.iati) hand out their old names through the folder's __getattr__.
CHANGELOG.md lists the moves. Remove this module in the next release.
"""

from __future__ import annotations

import importlib
import sys
import warnings

MOVED = {
    # old path -> new path
    "projreg.cache": "projreg.registry.cache",
    "projreg.chart": "projreg.render.chart",
    "projreg.dataexport": "projreg.render.dataexport",
    "projreg.dates": "projreg.model.dates",
    "projreg.decode": "projreg.registry.decode",
    "projreg.diff": "projreg.query.diff",
    "projreg.encode": "projreg.registry.encode",
    "projreg.fetching": "projreg.iati.fetching",
    "projreg.fields": "projreg.model.fields",
    "projreg.fileproblems": "projreg.registry.fileproblems",
    "projreg.files": "projreg.registry.files",
    "projreg.formatschema": "projreg.registry.formatschema",
    "projreg.frozen": "projreg.model.frozen",
    "projreg.geo": "projreg.model.geo",
    "projreg.iati_client": "projreg.iati.client",
    "projreg.iati_transactions": "projreg.iati.transactions",
    "projreg.kinds": "projreg.registry.kinds",
    "projreg.lint": "projreg.registry.lint",
    "projreg.load": "projreg.registry.load",
    "projreg.match": "projreg.model.match",
    "projreg.money": "projreg.model.money",
    "projreg.newproject": "projreg.registry.newproject",
    "projreg.overview": "projreg.query.overview",
    "projreg.pager": "projreg.render.pager",
    "projreg.problems": "projreg.model.problems",
    "projreg.reports": "projreg.query.reports",
    "projreg.schema": "projreg.model.schema",
    "projreg.site": "projreg.render.site",
    "projreg.store": "projreg.query.store",
    "projreg.sync": "projreg.iati.sync",
    "projreg.synonyms": "projreg.model.synonyms",
    "projreg.terminal": "projreg.render.terminal",
    "projreg.text": "projreg.model.text",
    "projreg.worldmap": "projreg.render.worldmap",
    "projreg.yamlsafe": "projreg.registry.yamlsafe",
}
# Old modules whose names are now folders: folder -> the module that holds the old contents.
FOLDERS = {
    "projreg.iati": "projreg.iati.activities",
    "projreg.model": "projreg.model.project",
    "projreg.query": "projreg.query.filters",
    "projreg.render": "projreg.render.output",
}


def _warn(old: str, new: str) -> None:
    warnings.warn(
        f"{old} is now {new}; the old path goes in the next release",
        DeprecationWarning,
        stacklevel=3,
    )


class _Finder:
    """Finds a module at its old path and hands out the module at its new one (a meta path
    finder; asked only after the real finders have found nothing)."""

    def find_spec(self, name, path=None, target=None):
        new = MOVED.get(name)
        if new is None:
            return None
        import importlib.util

        return importlib.util.spec_from_loader(name, _Loader(name, new))


class _Loader:
    def __init__(self, old: str, new: str):
        self.old, self.new = old, new

    def create_module(self, spec):
        _warn(self.old, self.new)
        return importlib.import_module(self.new)

    def exec_module(self, module) -> None:
        """The module was run at its new path already."""


def attribute(folder: str, name: str):
    """An old module's name asked of the folder that took its place (projreg.query.select)."""
    import importlib.util

    if importlib.util.find_spec(f"{folder}.{name}") is not None:
        raise AttributeError(name)  # a module of the folder: imported as such, no warning
    new = FOLDERS[folder]
    value = getattr(importlib.import_module(new), name)  # AttributeError: not one of its names
    _warn(f"{folder}.{name}", f"{new}.{name}")
    return value


def install() -> None:
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.append(_Finder())
