"""A large file read a few hundred projects at a time means what it means read whole.

yamlsafe.load_fast_in_pieces parses a registry's projects list in pieces, so that a
helper never holds a whole file's parsed tree (a gigabyte at 100,000 real-shaped
projects); the cache entry is then written and read a slice at a time. The reference is
load_fast on the whole text: the pieces must give exactly its data, or decline (then the
file is read whole, as before)."""

import os
import re
import signal
import textwrap
from pathlib import Path

import pytest
import yaml_rs
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from projreg import load_registry
from projreg.registry import cache, yamlsafe
from projreg.registry.encode import to_registry, to_yaml
from projreg.registry.load import _cache_in_pieces, _validate_and_cache

from .conftest import examples
from .test_cache import reseal
from .test_roundtrip import registries

REAL = Path(__file__).parent / "iati" / "real"


def pieced(text: str, size: int):
    """The data the pieces give, or None when they decline."""
    parsed = yamlsafe.load_fast_in_pieces(text, size)
    if parsed is yamlsafe.NOT_FAST:
        return None
    head, pieces = parsed
    try:
        items = [item for piece in pieces for item in piece]
    except yamlsafe.NotInPieces:
        return None
    return {**head, "projects": items}


def same_or_declined(text: str, size: int) -> bool:
    """True when the pieces read text (and then they read it as load_fast does)."""
    got = pieced(text, size)
    if got is None:
        return False
    whole = yamlsafe.load_fast(text)
    assert whole is not yamlsafe.NOT_FAST, "the pieces read what the whole text refuses"
    assert got == whole
    assert list(got) == list(whole)  # the keys in the file's order
    return True


READ = {
    "at the margin": """\
        projects:
        - id: A-1
          title: One
        - id: A-2
          title: Two
        - {id: A-3, title: Three}
        """,
    "indented, comments and blank lines between": """\
        # a registry
        source: hand-kept
        projects:
          # first
          - id: A-1
            title: One

        # a comment at the margin inside the list
          - id: A-2   # trailing
            title: Two
              # deeper
          - id: A-3
            title: Three
        organisations:
          - name: European Union
        """,
    "block texts, kept and folded": """\
        projects:
          - id: A-1
            title: One
            summary: |+
              - not an item
                - nor this

          - id: A-2
            title: >-
              folded
              text
          - id: A-3
            title: Three
        """,
    "lists inside items, indentless too": """\
        projects:
        - id: A-1
          title: One
          countries:
          - Armenia
          - Georgia
          regions: [Central Asia,
            Eastern Partnership]
        - id: A-2
          title: Two
          donors:
            - name: European Union
        """,
    "empty block texts, the last ones of pieces": """\
        projects:
        - a: |
        - b: >+

        - c: |
        organisations:
        - name: European Union
        """,
    "an empty block text at the very end": "projects:\n- title: x\n  summary: |\n",
    "an item on the line after its dash": """\
        projects:
        -
          id: A-1
          title: One
        - id: A-2
          title: "Two, quoted
            over two lines"
        """,
}

DECLINED = {
    "a quoted text running over a dash at the margin": """\
        projects:
        - id: A-1
          title: "One
        - id: A-2"
        - id: A-3
          title: Three
        """,
    "a flow list running over a dash": """\
        projects:
        - id: A-1
          title: One
          countries: [Armenia,
        - Georgia]
        """,
    "a key between the list's indentation and the margin": """\
        projects:
           - id: A-1
             title: One
          - id: A-2
            title: Two
        """,
    "two projects keys": """\
        projects:
        - {id: A-1, title: One}
        projects:
        - {id: A-2, title: Two}
        """,
    "the list on the key's line": """\
        projects: [{id: A-1, title: One}, {id: A-2, title: Two}]
        """,
    "a comment on the key's line": """\
        projects:  # all of them
        - {id: A-1, title: One}
        """,
    "a second document": """\
        projects:
        - {id: A-1, title: One}
        ---
        projects:
        - {id: A-2, title: Two}
        """,
    # (found by review) a quoted text or a flow collection opened before the key runs over
    # it in the whole text: the key and the list are not what they look like.
    "a quoted text over the key, the key again quoted": (
        'organisations:\n- {name: "EU\nprojects:\n- id: A-1\n  title: One\n"}\n"projects":\n'
    ),
    "a flow mapping over the key": '{a: "x\nprojects:\n- y\n", projects: ~}\n',
    "a flow mapping around the key, which the whole text refuses": (
        "{source: x,\nprojects:\n- {id: A-1, title: One}\n}\n"
    ),
    "a flow mapping inside a value over the key": 'a: {x: "1\nprojects:\n- y\n"}\n"projects":\n',
    "a tab before an item": "projects:\n- {id: A-1, title: One}\n\t- {id: A-2, title: Two}\n",
    "CRLF line ends": "projects:\r\n- {id: A-1, title: One}\r\n\r\n- {id: A-2, title: Two}\r\n",
    "an anchor and alias": """\
        projects:
        - &a {id: A-1, title: One}
        - *a
        """,
}


@pytest.mark.parametrize("size", [1, 2, 500])
@pytest.mark.parametrize("name", READ)
def test_pieces_read_what_the_whole_text_says(name, size):
    assert same_or_declined(textwrap.dedent(READ[name]), size)


@pytest.mark.parametrize("size", [1, 2, 500])
@pytest.mark.parametrize("name", DECLINED)
def test_text_the_pieces_could_misread_is_read_whole(name, size):
    text = textwrap.dedent(DECLINED[name])
    if name not in ("a tab before an item", "CRLF line ends"):
        assert not same_or_declined(text, size)
    else:
        same_or_declined(text, size)  # either way, never a different reading


lines_added = st.lists(
    st.tuples(
        st.integers(0, 400),
        st.sampled_from(["", "#", "# -", "- x", "-", "---", "...", "a: 1", '"', "[", "|"]),
        st.integers(0, 6),
    ),
    max_size=4,
)


@settings(max_examples=examples(120), deadline=None)
@given(registries, st.integers(0, 4), lines_added, st.integers(1, 3))
def test_pieces_read_any_registry_as_the_whole_text_does(generated, indent, added, size):
    """Any registry as projreg writes it, its list indented and lines added anywhere
    (comments, dashes, quotes, markers): the pieces read the same data, or decline."""
    text = to_yaml({"projects": [to_registry(p) for p in generated]})
    head, rest = text.split("projects:\n", 1)
    lines = [" " * indent + line if line else line for line in rest.split("\n")]
    for at, line, spaces in added:
        lines.insert(at % (len(lines) + 1), " " * spaces + line)
    same_or_declined(head + "projects:\n" + "\n".join(lines), size)


@settings(max_examples=examples(100), deadline=None)
@given(registries, st.integers(0, 4), st.integers(1, 3))
def test_pieces_read_registries_projreg_writes(generated, indent, size):
    """...and they do read them, whenever the fast parser reads the whole text: the pieces
    are not a path that always declines."""
    text = to_yaml({"projects": [to_registry(p) for p in generated]})
    head, rest = text.split("projects:\n", 1)
    rest = "\n".join(" " * indent + line if line else line for line in rest.split("\n"))
    text = head + "projects:\n" + rest
    assume(yamlsafe.load_fast(text) is not yamlsafe.NOT_FAST)  # (tags, odd numbers...)
    assert same_or_declined(text, size)


def imported(name: str) -> str:
    from projreg.iati import activities as iati

    path = REAL / name
    return iati.registry_text(iati.import_files([str(path)]), [str(path)])


@pytest.mark.parametrize("name", sorted(p.name for p in REAL.glob("*.xml")))
def test_pieces_read_real_imports_as_the_whole_text_does(name):
    text = imported(name)
    assert same_or_declined(text, 3)


def test_pieces_read_the_bundled_registry_as_the_whole_text_does():
    from projreg.registry.load import BUNDLED

    assert same_or_declined(BUNDLED.read_text(encoding="utf-8"), 2)


# --- a file cached in pieces --------------------------------------------------------------


def test_a_file_cached_in_pieces_loads_as_one_cached_whole(tmp_path, monkeypatch):
    """And the parser never sees the whole file: only pieces of it."""
    path = tmp_path / "real.yaml"
    path.write_text(imported("dfid-al-2.01.xml"), encoding="utf-8")
    whole = load_registry(path, use_cache=False)
    assert len(whole.projects) > 3
    seen = []
    loads = yaml_rs.loads
    monkeypatch.setattr(yaml_rs, "loads", lambda text, **kw: seen.append(text) or loads(text, **kw))
    monkeypatch.setattr(yamlsafe, "PIECE", 2)
    monkeypatch.setattr(yamlsafe.load_fast_in_pieces, "__defaults__", (2,))
    assert _cache_in_pieces(str(path)) is True
    assert len(seen) > 2 and max(map(len, seen)) < len(path.read_text(encoding="utf-8")) / 2
    monkeypatch.setattr(yaml_rs, "loads", lambda *a, **kw: pytest.fail("read, not cached"))
    assert load_registry(path) == whole


def test_a_file_the_pieces_decline_is_still_validated_and_cached(tmp_path):
    path = tmp_path / "odd.yaml"
    path.write_text(textwrap.dedent(DECLINED["a quoted text running over a dash at the margin"]))
    assert _cache_in_pieces(str(path)) is None
    assert _validate_and_cache(str(path)) is True
    assert load_registry(path) == load_registry(path, use_cache=False)


def test_a_file_with_an_error_is_not_cached_in_pieces(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("projects:\n- {id: A-1, title: One}\n- {id: A-2, title: Two, start: 2019-13}\n")
    assert _cache_in_pieces(str(path)) is None
    assert _validate_and_cache(str(path)) is False
    assert not list(cache.folder().glob("*.json"))


def test_an_entry_is_read_a_slice_at_a_time_as_it_is_read_whole(tmp_path):
    path = tmp_path / "real.yaml"
    path.write_text(imported("dfid-al-2.01.xml"), encoding="utf-8")
    registry = load_registry(path)
    (entry,) = [p.stem for p in cache.folder().glob("*.json")]
    parts, *_ = cache.load_in_parts(entry, 2)
    parts = list(parts)
    assert {len(projects) for projects, _ in parts[:-1]} == {2}
    assert [p for projects, _ in parts for p in projects] == list(registry.projects)
    assert cache.load(entry)[0] == list(registry.projects)


def two_projects_cached(tmp_path):
    """A registry of two projects, loaded once; (its path, its cache entry)."""
    path = tmp_path / "two.yaml"
    path.write_text("projects:\n- {id: A-1, title: One}\n- {id: A-2, title: Two}\n")
    load_registry(path)
    (entry,) = cache.folder().glob("*.json")
    return path, entry


def test_an_entry_not_one_row_a_line_is_not_believed(tmp_path):
    import json

    path, entry = two_projects_cached(tmp_path)
    reseal(entry, lambda body: json.dumps(json.loads(body)).encode())  # on one line
    assert cache.load(entry.stem) is None
    assert cache.load_in_parts(entry.stem) is None
    assert [p.id for p in load_registry(path).projects] == ["A-1", "A-2"]


def test_a_damaged_row_stops_the_slices(tmp_path):
    _, entry = two_projects_cached(tmp_path)
    reseal(entry, lambda body: re.sub(rb'\n\["A-2"', b'\n["A-2",', body))  # sealed, not JSON
    parts, *_ = cache.load_in_parts(entry.stem, 1)
    assert [p.id for p in next(parts)[0]] == ["A-1"]
    with pytest.raises(cache.UNREADABLE):
        next(parts)
    assert cache.load(entry.stem) is None


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registries)
def test_an_entry_written_in_parts_reads_back_as_written(generated):
    from dataclasses import replace

    from projreg.model.project import Origin
    from projreg.registry.load import FileContents

    projects = [replace(p, origin=Origin("x.yaml", n)) for n, p in enumerate(generated, 1)]
    entry = "0" * 16 + "-" + "1" * 40
    cache.store(entry, FileContents(projects, [], ["a note"], (), ()))
    parts, organisations, notes, warnings = cache.load_in_parts(entry, 1)
    parts = list(parts)
    assert [p for read, _ in parts for p in read] == projects
    # The rows as the entry holds them are what the database keeps (store._add_private).
    assert [row for _, rows in parts for row in rows] == [
        cache.dumps(cache.plain(p)).decode() for p in projects
    ]
    assert (organisations, notes, warnings) == ([], ["a note"], ())


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="file-size limits are POSIX")
def test_a_full_disk_costs_the_cache_not_the_answer(tmp_path):
    """(found by review) A write that fails (here: a file-size limit) is not an error."""
    import resource
    import subprocess
    import sys

    path = tmp_path / "registry.yaml"
    items = "".join(f"- {{id: A-{n}, title: Project {n} {'x' * 200}}}\n" for n in range(12))
    # More than the limit, less than a write buffer: the failing write is the last flush.
    path.write_text("projects:\n" + items, encoding="utf-8")
    command = [sys.executable, "-m", "projreg", "--registry", str(path), "list", "-f", "tsv"]

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))

    # Not the run's shared bytecode folder (conftest): under the limit, Python itself would
    # leave compiled modules cut short there for every later process to trip on.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPYCACHEPREFIX"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    full = subprocess.run(command, capture_output=True, text=True, preexec_fn=small_files, env=env)
    expected = load_registry(path, use_cache=False)
    assert full.returncode == 0, full.stderr
    assert [line.split("\t")[0] for line in full.stdout.splitlines()] == sorted(
        (p.id for p in expected.projects), key=str.casefold
    )
    assert not list(cache.folder().glob(".*.tmp"))  # nothing half-written left behind


def test_an_entry_that_cannot_be_put_in_place_leaves_nothing_behind(tmp_path):
    """(found by review) The rename fails: the temporary file goes too."""
    path = tmp_path / "registry.yaml"
    path.write_text("projects:\n- {id: A-1, title: One}\n")
    load_registry(path)
    (entry,) = cache.folder().glob("*.json")
    entry.unlink()
    entry.mkdir()  # where the entry would go
    for _ in range(3):
        assert [p.id for p in load_registry(path).projects] == ["A-1"]
    assert not list(cache.folder().glob(".*.tmp"))


def test_a_cache_that_cannot_be_written_is_not_said_to_hold_the_file(tmp_path, monkeypatch):
    path = tmp_path / "registry.yaml"
    path.write_text("projects:\n- {id: A-1, title: One}\n- {id: A-2, title: Two}\n")
    monkeypatch.setattr(cache, "_trusted", lambda path: False)  # as a folder others can write
    assert _cache_in_pieces(str(path)) is None
