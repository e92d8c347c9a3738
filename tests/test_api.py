"""The library as documented: docs/api.md's walk-through runs (doctest), and the public
names are importable from the package."""

import doctest
from pathlib import Path

import projreg

API = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def test_the_walk_through_runs():
    result = doctest.testfile(
        str(API), module_relative=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 20
    assert result.failed == 0


def test_the_public_names():
    for name in projreg.__all__:
        assert getattr(projreg, name) is not None, name
    for name in (
        "load_registry",
        "select",
        "Filters",
        "group_by",
        "timeline",
        "stats",
        "check",
        "import_iati",
        "to_iati_xml",
        "Registry",
        "Project",
        "PartialDate",
        "Problem",
    ):
        assert name in projreg.__all__
