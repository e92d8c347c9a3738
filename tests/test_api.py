"""The library as documented: docs/api.md's walk-through runs (doctest), and the public
names are importable from the package."""

import doctest
import tempfile
from pathlib import Path

import projreg

API = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def test_the_walk_through_runs(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # its mkdtemp(): not left behind
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


def test_a_registry_error_says_what_is_wrong_in_str_and_repr(tmp_path):
    import pytest

    path = tmp_path / "r.yaml"
    path.write_text("projects:\n  - id: A-1\n    title: A\n    start: 2019-13\n", encoding="utf-8")
    with pytest.raises(projreg.RegistryError) as caught:
        projreg.load_registry(path, use_cache=False)
    assert (
        str(caught.value)
        == f"{path}:4:12: error: A-1: start: '2019-13': month 13 is not between 1 and 12"
    )
    assert repr(caught.value).startswith("RegistryError(1 errors; the first: ")
    assert "2019-13" in repr(caught.value)
