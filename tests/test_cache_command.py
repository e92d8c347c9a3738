"""Old cache entries are pruned; `projreg cache info` and `cache clear`."""

import os
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from projreg import load_registry
from projreg.registry import cache

from .conftest import examples

REGISTRY = "projects:\n  - {id: A-1, title: First, countries: [Georgia]}\n"


def test_old_entries_are_pruned_keeping_the_newest_few_per_file(write):
    other = write(REGISTRY, "other.yaml")
    load_registry(other)
    path = write(REGISTRY)
    for edit in range(cache.KEEP + 3):
        path.write_text(REGISTRY + f"# edit {edit}\n", encoding="utf-8")
        load_registry(path)
    mine = [e for e in cache.entries() if e.registry == str(path)]
    assert len(mine) == cache.KEEP
    raw = path.read_bytes()
    assert mine[0].name == cache.key(str(path), raw)  # the newest is the file as it is now
    # Another file's entry is not its to prune.
    assert [e.registry for e in cache.entries()].count(str(other)) == 1


def test_what_a_killed_run_left_half_written_is_removed_after_an_hour(write):
    path = write(REGISTRY)
    load_registry(path)
    folder = cache.folder()
    stale, fresh = folder / ".abc-def.123.db.tmp", folder / ".abc-def.456.db.tmp"
    for left in (stale, fresh):
        left.write_bytes(b"half a database")
    hour_ago = os.stat(fresh).st_mtime - 3700
    os.utime(stale, (hour_ago, hour_ago))
    path.write_text(REGISTRY + "# edited\n", encoding="utf-8")
    load_registry(path)  # a new entry: the cache prunes
    assert not stale.exists()
    assert fresh.exists()  # may be another run's, writing now


def test_cache_info_names_the_folder_entries_and_registries(run, write):
    path = write(REGISTRY)
    assert run("--registry", str(path), "list").exit_code == 0
    result = run("cache", "info")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"folder\t{cache.folder()}"
    assert lines[1].startswith("entries\t1\t")
    assert lines[2].startswith(f"{path}\t1 entry\t")


def test_cache_clear_removes_every_entry(run, write):
    path = write(REGISTRY)
    run("--registry", str(path), "list")
    run("list")
    result = run("cache", "clear")
    assert result.exit_code == 0 and "removed 2 entries" in result.stderr
    assert cache.entries() == []
    assert run("cache", "info").stdout.splitlines()[1] == "entries\t0\t0 B"
    # The cache still works afterwards.
    assert run("--registry", str(path), "list", "-f", "tsv").stdout.startswith("A-1\t")
    assert len(cache.entries()) == 1


def test_a_remembered_file_identity_never_hides_an_edit(write, monkeypatch):
    monkeypatch.setattr(cache, "_SETTLED_NS", 0)  # remember at once (normally: after 2 s)
    path = write(REGISTRY)
    assert load_registry(path).projects[0].title == "First"
    assert cache.known_key(str(path)) == cache.key(str(path), path.read_bytes())
    # Same size, same modification time: only the change time tells the edit.
    info = path.stat()
    path.write_text(REGISTRY.replace("First", "Fixst"), encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size
    assert cache.known_key(str(path)) is None
    assert load_registry(path).projects[0].title == "Fixst"


def test_a_file_just_written_is_hashed_again_next_time(write):
    path = write(REGISTRY)
    load_registry(path)
    assert cache.known_key(str(path)) is None  # too recent to trust its identity


def test_a_file_with_warnings_only_is_cached_with_its_warnings(write):
    path = write("projects:\n  - {id: A-1, title: First, countries: [Georgia, Georgia]}\n")
    cold = load_registry(path)
    assert [w.severity for w in cold.warnings] == ["warning"]
    assert [e.registry for e in cache.entries()] == [str(path)]
    warm = load_registry(path)
    assert warm.warnings == cold.warnings and warm.projects == cold.projects


def test_the_fast_parser_takes_real_links_and_refuses_number_forms():
    from projreg.registry import yamlsafe

    # From tests/iati/real/dfid-al-2.01.xml, imported: a "0B" inside a link is text.
    assert not yamlsafe._needs_care("url: https://docs.google.com/file/d/0B_DU6p5-acbveDFMektMc\n")
    for text in ("a: 0b101\n", "a: [1_000]\n", '{"a":0B1}\n', "- -0O17\n", "a: 1.5_0\n"):
        assert yamlsafe._needs_care(text), text


NUMBER_FORMS = (
    r"(?:^|[ \t\r\n\[\]{},:?-])[+-]?[\d.][\d.]*_\d",
    r"(?:^|[ \t\r\n\[\]{},:?-])[+-]?0[bBO]",
)


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet="0bBO_15.+- \t\n:[]{},?ax", max_size=16))
def test_the_number_form_scan_finds_what_the_patterns_find(text):
    from projreg.registry import yamlsafe

    expected = any(re.search(p, text, re.M) for p in NUMBER_FORMS)
    assert yamlsafe._number_form(text) == expected


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet=st.sampled_from("!&*ab -:[]{},\t\n\r\x0b\x1c\x85\xa0\u2003x"), max_size=12))
def test_the_tag_scan_finds_what_the_pattern_finds(text):
    from projreg.registry import yamlsafe

    expected = re.search(r"(?:^|[\s\[\]{},:-])[!&*]\S", text) is not None
    assert yamlsafe._tag_or_alias(text) == expected
