"""`projreg new` keeps every byte of 30 hand-kept layouts (tests/new_layouts/, written by
its make.py): only the new entry is added, in the file's own style (issue 26). PyYAML's own
safe_load, not projreg's reader, checks that the old data is all still there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

LAYOUTS = sorted((Path(__file__).parent / "new_layouts").glob("*.yaml"))
OPTIONS = ["--id", "NEW-9", "--title", "New \u202e title", "-c", "Georgia", "-d", "Donor; Other"]
BREAK = re.compile("\r\n|\r|\n")


def test_there_are_thirty_layouts():
    assert len(LAYOUTS) == 30


def _changed_span(old: str, new: str) -> tuple[str, str]:
    """What was removed from old and inserted in its place to make new."""
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(old), len(new)) - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda p: p.stem)
def test_new_keeps_every_byte_of_the_layout(run, tmp_path, layout):
    path = tmp_path / "registry.yaml"
    old_bytes = layout.read_bytes()
    path.write_bytes(old_bytes)
    result = run("new", str(path), *OPTIONS)
    assert result.exit_code == 0, result.stderr
    old, new = old_bytes.decode("utf-8"), path.read_bytes().decode("utf-8")
    # Only an empty list's `~` or `[]` may go: the list it stood for now holds the entry.
    old_kept = re.sub(r"^projects: (~|\[\])", "projects:", old, flags=re.M)
    removed, inserted = _changed_span(old_kept, new)
    assert removed == "", (removed, inserted)
    assert "NEW-9" in inserted and "\u202e" not in inserted  # escaped, visible in review
    file_breaks = set(BREAK.findall(old))
    assert set(BREAK.findall(inserted)) <= file_breaks or not file_breaks
    before = yaml.load(old.lstrip("\ufeff"), Loader=yaml.CSafeLoader)  # libyaml
    after = yaml.load(new.lstrip("\ufeff"), Loader=yaml.CSafeLoader)
    added = after["projects"].pop()
    assert after == {**before, "projects": before["projects"] or []}
    assert added["id"] == "NEW-9" and added["title"] == "New \u202e title"
    assert added["countries"] == ["Georgia"] and added["donors"] == ["Donor", "Other"]
    assert run("check", str(path)).exit_code == 0


def test_a_crlf_file_gets_a_crlf_entry_and_a_cr_file_a_cr_entry(run, tmp_path):
    for name, newline in (("02-crlf", "\r\n"), ("03-cr-only", "\r")):
        path = tmp_path / f"{name}.yaml"
        old = (Path(__file__).parent / "new_layouts" / f"{name}.yaml").read_bytes()
        path.write_bytes(old)
        assert run("new", str(path), "--id", "X-1", "--title", "X").exit_code == 0
        added = path.read_bytes()[len(old) :].decode()
        assert added == f"  - id: X-1{newline}    title: X{newline}"
