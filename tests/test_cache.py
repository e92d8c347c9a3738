"""The cache of validated registry files: never stale, survives damage and concurrency, no pickle."""

import json
import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projreg import RegistryError, load_registry
from projreg.model import schema
from projreg.registry import cache

from .conftest import examples

REGISTRY = textwrap.dedent("""\
    projects:
      - id: A-1
        title: First
        countries: [Georgia]
        start: July 2014
        donors: [{name: European Commission, instrument: ENPI}]
""")


@pytest.fixture
def registry_file(tmp_path):
    path = tmp_path / "registry.yaml"
    path.write_text(REGISTRY, encoding="utf-8")
    return path


def entries():
    return sorted(cache.folder().glob("*.json"))


def payload(entry):
    """An entry's JSON: the line after the seal."""
    return json.loads(entry.read_bytes().partition(b"\n")[2])


TITLE = [f.name for f in schema.PROJECT].index("title")


def test_a_valid_file_is_cached_as_json_and_read_back(registry_file):
    first = load_registry(registry_file)
    (entry,) = entries()
    data = payload(entry)  # plain JSON, not pickle
    assert data["projects"][0][0] == "A-1"
    second = load_registry(registry_file)
    assert second.projects == first.projects
    assert second.projects[0].start.precision == "month"


def test_the_cached_copy_is_what_is_read(registry_file):
    load_registry(registry_file)
    (entry,) = entries()
    # Rewritten with the folder's own key, the entry is believed: the cache is really read.
    plant(entry, "From the cache")
    assert load_registry(registry_file).projects[0].title == "From the cache"
    # ... unless the cache is bypassed.
    assert load_registry(registry_file, use_cache=False).projects[0].title == "First"


def test_an_edited_entry_is_not_believed(registry_file):
    load_registry(registry_file)
    (entry,) = entries()
    header, _, body = entry.read_bytes().partition(b"\n")
    data = json.loads(body)
    data["projects"][0][TITLE] = "Planted"
    entry.write_bytes(header + b"\n" + json.dumps(data).encode())
    assert load_registry(registry_file).projects[0].title == "First"


def test_entries_others_could_write_are_not_believed(registry_file):
    load_registry(registry_file)
    (entry,) = entries()
    assert cache.folder().stat().st_mode & 0o777 == 0o700
    assert (cache.folder() / ".key").stat().st_mode & 0o777 == 0o600
    entry.chmod(0o666)
    assert cache.load(entry.stem) is None
    entry.chmod(0o600)
    assert cache.load(entry.stem) is not None


def test_an_edited_file_is_never_served_stale(registry_file):
    load_registry(registry_file)
    stat = registry_file.stat()
    # Same size, same modification time: only the content tells the edit apart.
    registry_file.write_text(REGISTRY.replace("First", "Fir5t"), encoding="utf-8")
    os.utime(registry_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert registry_file.stat().st_size == stat.st_size
    assert load_registry(registry_file).projects[0].title == "Fir5t"


def test_an_edit_that_breaks_the_file_is_reported(registry_file):
    load_registry(registry_file)
    registry_file.write_text(REGISTRY.replace("July 2014", "Jly 2014"), encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        load_registry(registry_file)
    assert caught.value.errors[0].line == 5


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{not json",
        b"\x80\x81",
        b'{"format": 1}',
        b'{"format": 1, "file": "x", "projects": [{"id": 1}], "organisations": [], "notes": []}',
        b"[]",
        b"null",
    ],
)
def test_a_damaged_entry_is_rebuilt_not_crashed_on(registry_file, damage):
    load_registry(registry_file)
    (entry,) = entries()
    entry.write_bytes(damage)
    assert load_registry(registry_file).projects[0].title == "First"
    assert payload(entry)["projects"][0][TITLE] == "First"


def test_no_cache_writes_nothing(run, registry_file):
    assert run("--no-cache", "--registry", str(registry_file), "list").exit_code == 0
    assert entries() == []
    assert run("--registry", str(registry_file), "list").exit_code == 0
    assert len(entries()) == 1


def test_a_cache_that_cannot_be_written_costs_nothing_but_speed(
    registry_file, tmp_path, monkeypatch
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("PROJREG_CACHE_DIR", str(blocker / "cache"))
    assert load_registry(registry_file).projects[0].id == "A-1"


def test_files_with_warnings_only_are_cached_with_them(tmp_path):
    path = tmp_path / "warn.yaml"
    path.write_text("projects:\n  - {id: A, title: x, countries: [Georgia, GE]}\n")
    cold = load_registry(path).warnings
    assert cold  # a warning: loads, and is cached with its warning
    assert len(entries()) == 1
    assert load_registry(path).warnings == cold


def test_a_file_with_duplicate_ids_is_not_cached(tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text("projects:\n  - {id: A, title: x}\n  - {id: a, title: y}\n")
    for _ in range(2):
        with pytest.raises(RegistryError) as caught:
            load_registry(path)
        assert caught.value.errors[0].line == 3  # found again, with its position
    assert entries() == []


_LOAD_TITLES = (
    "import json, sys; from projreg import load_registry;"
    " print(json.dumps([p.title for p in load_registry(sys.argv[1]).projects]))"
)


def test_runs_at_the_same_time_share_the_cache_safely(registry_file):
    big = "projects:\n" + "".join(
        f"  - {{id: P-{n}, title: Project {n}, countries: [Armenia], start: 2018-0{n % 9 + 1}}}\n"
        for n in range(3000)
    )
    registry_file.write_text(big, encoding="utf-8")
    # Four processes (a bare interpreter each, not a copy of this one) fill one cache at once.
    env = {**os.environ, "PROJREG_CACHE_DIR": str(cache.folder())}
    command = [sys.executable, "-c", _LOAD_TITLES, str(registry_file)]
    workers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE) for _ in range(4)]
    results = [json.loads(worker.communicate(timeout=120)[0]) for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * 4
    assert all(r == results[0] for r in results) and len(results[0]) == 3000
    with ThreadPoolExecutor(4) as pool:
        titles = list(pool.map(lambda _: len(load_registry(registry_file).projects), range(8)))
    assert titles == [3000] * 8
    assert len(entries()) == 1
    assert not list(cache.folder().glob("*.tmp"))  # no temporary file left behind


scalars = st.sampled_from(
    ["1_000", "0b101", "0O17", "0o17", "0x1F", "+12", "1e3", "NO", "yes", "~", "null", "2018",
     "2018-06", "June 2018", "'quoted'", '"dq"', "Georgia", "GE", "a: b", "- x", "!!str 12",
     "&a x", "*a", "\t", "x\ty", "[1, 2]", "{a: 1}", "12:30", ".5", "-", "''"]
)  # fmt: skip
fields = st.sampled_from(
    ["id", "title", "acronym", "countries", "start", "end", "duration_months", "donors", "notes"]
)


@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.dictionaries(fields, scalars, min_size=1, max_size=5), min_size=1, max_size=3))
def test_the_fast_parser_and_the_careful_one_agree(tmp_path, projects):
    lines = ["projects:"]
    for project in projects:
        lines.append("  - " + "\n    ".join(f"{key}: {value}" for key, value in project.items()))
    path = tmp_path / "r.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fast, careful = outcomes(path)
    assert fast == careful


def outcomes(path):
    """What the fast parser and the careful one make of a file: projects, or error headlines."""
    found = []
    for fast in (True, False):
        try:
            found.append(("ok", load_registry(path, use_cache=False, fast=fast).projects))
        except RegistryError as error:
            found.append(("error", [p.headline() for p in error.errors]))
    return found


RICH = textwrap.dedent("""\
    organisations:
      - {name: European Commission, aliases: [EC], part_of: European Union, note: An institution}
    source: a test
    projects:
      - id: R-1
        title: Everything
        iati_id: XM-1
        components: [{title: One, description: First part}]
        implementers: [{name: ICMPD, role: lead}, {ref: XM-NO-NAME}]
        donors: [{name: EC, department: DG, instrument: ENI, ref: XI-1}]
        countries: [Georgia, Kosovo]
        transaction_countries: [Armenia]
        regions: [Central Asia]
        start: 2019-03-15
        end: June 2021
        planned_start: 2019
        sectors: [{code: '15210', vocabulary: '1', name: Security, percentage: 62.5}]
        budgets: [{value: 1500000, currency: EUR, start: 2019-01, end: 2019-12-31}]
        links: [{text: Page, url: 'https://example.org', kind: website}]
        notes: [a note]
""")


@pytest.mark.parametrize("orjson_available", [True, False])
def test_every_kind_of_field_survives_the_cache(tmp_path, monkeypatch, orjson_available):
    if not orjson_available:
        monkeypatch.setitem(__import__("sys").modules, "orjson", None)  # import orjson fails
    path = tmp_path / "rich.yaml"
    path.write_text(RICH, encoding="utf-8")
    fresh = load_registry(path, use_cache=False)
    load_registry(path)  # stores
    assert len(entries()) == 1
    cached = load_registry(path)
    assert cached.projects == fresh.projects
    assert cached.organisations == fresh.organisations
    assert cached.source_notes == fresh.source_notes
    assert cached.projects[0].end.precision == "month"
    assert cached.projects[0].budgets[0].start.precision == "month"


BLOCKS = [
    "summary: >-\n      one\n      two\n\n      three\n",
    "summary: >\n      one\n        indented more\n      back\n",
    "summary: |\n      line one  \n      line two\n",
    "summary: |+\n      kept\n\n",
    "summary: |-\n      stripped\n",
    'summary: "escapes \\u00e9 \\t tab \\\\ slash"\n',
    "summary: 'it''s quoted'\n",
    "summary: plain text # and a comment\n",
    "summary: Türkiye, Moldova – “quotes” ’\n",
    "summary: >-\n      a very long line that is folded\n      onto the next one\n",
    "notes:\n      - first\n      -   second with spaces\n",
    "summary: key: value\n",
]


@pytest.mark.parametrize("snippet", BLOCKS)
def test_both_parsers_read_block_and_quoted_text_alike(tmp_path, snippet):
    path = tmp_path / "r.yaml"
    path.write_text(
        "projects:\n  - id: A\n    title: x\n    " + snippet.replace("\n      ", "\n      "),
        encoding="utf-8",
    )
    fast, careful = outcomes(path)
    assert fast == careful


def test_both_parsers_read_the_seed_registry_alike():
    assert load_registry(use_cache=False, fast=True) == load_registry(use_cache=False, fast=False)


def reseal(entry, change) -> None:
    """Rewrite entry's body with change(body), sealed again with the folder's own key (as
    its owner could)."""
    secret = (cache.folder() / ".key").read_bytes()
    body = change(entry.read_bytes().partition(b"\n")[2])
    entry.write_bytes(cache._MAGIC + cache._mac(secret, body) + b"\n" + body)


def plant(entry, title):
    """Rewrite entry with a new title, sealed with the folder's own key (as its owner could)."""

    def retitle(body: bytes) -> bytes:
        was = json.dumps(json.loads(body)["projects"][0][TITLE]).encode()  # ASCII here
        return body.replace(was, json.dumps(title).encode(), 1)  # one row a line, as written

    reseal(entry, retitle)


FIELD = {f.name: n for n, f in enumerate(schema.PROJECT)}


def _reshaped(change):
    """A body change: the first project's row (a line of its own) passed through change."""

    def reshape(body: bytes) -> bytes:
        head, row, rest = body.split(b"\n", 2)
        values = json.loads(row)
        change(values)
        return b"\n".join((head, json.dumps(values).encode(), rest))

    return reshape


@pytest.mark.parametrize(
    "change",
    [
        lambda row: row.__setitem__(FIELD["summary"], 5),  # an optional text
        lambda row: row.__setitem__(FIELD["title"], None),  # a required one
        lambda row: row.__setitem__(FIELD["title"], ["First"]),
        lambda row: row[FIELD["donors"]][0].__setitem__(0, 5),  # a record's text
        lambda row: row[FIELD["donors"]][0].__setitem__(3, {"ENPI": 1}),
        lambda row: row[FIELD["donors"]][0].append(None),  # a record of the wrong width
        lambda row: row.__setitem__(FIELD["start"], "2014"),  # a date
        lambda row: row.__setitem__(FIELD["countries"], "GE"),
        lambda row: row.__setitem__(FIELD["id"], 5),  # the first field
        lambda row: row.__setitem__(FIELD["budgets"], [["1000", 5, None, None, None]]),
    ],
    ids=[
        "summary",
        "title-null",
        "title-list",
        "donor-name",
        "instrument",
        "width",
        "date",
        "texts",
        "id",
        "budget-currency",  # a budget's currency: a record's only text
    ],
)
def test_a_sealed_entry_of_the_wrong_shape_is_not_believed(registry_file, change):
    """The seal says who wrote an entry, the shape check what it holds: a value of another
    kind than the format's is never served, even under the folder's own seal."""
    load_registry(registry_file)
    (entry,) = entries()
    reseal(entry, _reshaped(lambda row: None))
    assert cache.load(entry.stem) is not None  # resealed unchanged: believed
    reseal(entry, _reshaped(change))
    assert cache.load(entry.stem) is None
    (project,) = load_registry(registry_file).projects  # read from the YAML again
    assert (project.title, project.summary, project.donors[0].name) == (
        "First", None, "European Commission",
    )  # fmt: skip
    assert str(project.start) == "2014-07" and project.countries == ("GE",)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_an_entry_owned_by_another_user_is_ignored(registry_file):
    load_registry(registry_file)
    (entry,) = entries()
    plant(entry, "Planted")
    assert load_registry(registry_file).projects[0].title == "Planted"  # the plant is well made
    os.chown(entry, 4242, -1)  # ... but another user owns it now
    assert cache.load(entry.stem) is None
    assert load_registry(registry_file).projects[0].title == "First"


def test_a_cache_folder_others_can_write_to_is_not_used(registry_file):
    load_registry(registry_file)
    (entry,) = entries()
    plant(entry, "Planted")
    for mode in (0o770, 0o707):  # group- or world-writable
        cache.folder().chmod(mode)
        assert cache.load(entry.stem) is None
        assert load_registry(registry_file).projects[0].title == "First"
    entry.unlink()
    load_registry(registry_file)
    assert entries() == []  # nor is anything written there


def test_a_warm_run_equals_a_cold_run_on_data_no_one_here_wrote(run, tmp_path):
    from pathlib import Path

    real = sorted((Path(__file__).parent / "iati" / "real").glob("*.xml"))
    imported = tmp_path / "imported.yaml"
    assert run("import-iati", *map(str, real), "-o", str(imported)).exit_code == 0
    for registry in (None, imported):
        cold = load_registry(registry, use_cache=False)
        load_registry(registry)  # fills the cache
        warm = load_registry(registry)
        assert warm.projects == cold.projects and warm.organisations == cold.organisations
        arguments = ["list", "--fields", "all", "--json"]
        if registry is not None:
            arguments = ["--registry", str(registry), *arguments]
        assert run(*arguments).stdout == run("--no-cache", *arguments).stdout
