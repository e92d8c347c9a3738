"""The SQLite store: `export -f sqlite`, and warm queries answered in SQL exactly as query.select."""

import sqlite3
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projreg import Filters, load_registry, select
from projreg.model.dates import PartialDate
from projreg.model.fields import LIST_FIELDS, Context, record, tsv_cells
from projreg.model.project import STATUSES, Origin, Participant, Project, Registry
from projreg.model.schema import RECORDED_STATUSES, Organisation
from projreg.query import store
from projreg.query.store import Store, write
from projreg.registry import cache

from .conftest import TODAY, examples


@pytest.fixture
def stored(monkeypatch):
    """Every registry, however small, gets an SQLite store in the cache."""
    monkeypatch.setattr(store, "STORE_MIN", 0)


def ids(text: str) -> list[str]:
    return [line.split("\t")[0] for line in text.splitlines() if line]


def test_export_sqlite_answers_the_readme_questions_as_the_cli_does(run, tmp_path):
    path = tmp_path / "registry.db"
    result = run("export", "-f", "sqlite", "-o", str(path))
    assert result.exit_code == 0, result.stderr
    db = sqlite3.connect(path)
    in_azerbaijan = [
        r[0]
        for r in db.execute(
            "SELECT id FROM projects WHERE key IN (SELECT project FROM countries WHERE code = 'AZ')"
            " OR key IN (SELECT r.project FROM regions r JOIN region_countries rc"
            " ON rc.region = r.name WHERE rc.code = 'AZ') ORDER BY id"
        )
    ]
    cli = ids(run("list", "--country", "Azerbaijan", "-f", "tsv", "--fields", "id").stdout)
    assert in_azerbaijan == sorted(cli) and len(cli) == 5
    active = {
        r[0]
        for r in db.execute(
            "SELECT id FROM projects WHERE first_day <= '2018-06-01'"
            " AND (last_day IS NULL OR last_day >= '2018-06-01')"
        )
    }
    cli = ids(run("active", "--on", "2018-06-01", "-f", "tsv", "--fields", "id").stdout)
    assert active == set(cli) and len(cli) == 5
    by_donor = db.execute(
        "SELECT o.name, count(DISTINCT pa.project) FROM participations pa"
        " JOIN organisations o ON o.id = pa.organisation WHERE pa.field = 'donors'"
        " GROUP BY o.name"
    ).fetchall()
    report = run("report", "--by", "donor", "-f", "tsv").stdout.splitlines()
    named = {tuple(line.split("\t")[:2]) for line in report if not line.startswith("(")}
    assert {(name, str(count)) for name, count in by_donor} == named
    # Dates keep their precision.
    assert ("2014-07", "month") in db.execute("SELECT start, start_precision FROM projects")


def test_export_sqlite_keeps_budgets_exact_and_needs_a_file(run, write, tmp_path):
    registry = write("""
        projects:
          - id: A
            title: A
            budgets: [{value: 1500000.10, currency: EUR, start: 2019-01, end: 2019-12}]
    """)
    path = tmp_path / "out.db"
    assert run("export", "--registry", str(registry), "-f", "sqlite").exit_code == 2
    assert (
        run("export", "--registry", str(registry), "-f", "sqlite", "-o", str(path)).exit_code == 0
    )
    db = sqlite3.connect(path)
    (budget,) = load_registry(registry).projects[0].budgets
    assert db.execute("SELECT value, typeof(value), start_precision FROM budgets").fetchall() == [
        (str(budget.value), "text", "month")
    ]
    again = run("export", "--registry", str(registry), "-f", "sqlite", "-o", str(path))
    assert again.exit_code == 1 and "--force" in again.stderr


def test_a_warm_list_is_answered_from_the_store(run, write, stored):
    path = write("""
        projects:
          - {id: B-1, title: Second, countries: [Armenia], start: 2016, end: 2019}
          - {id: a-2, title: First, regions: [Eastern Partnership], start: 2017-03}
          - {id: C-3, title: Third, countries: [France]}
    """)
    args = (
        "--registry",
        str(path),
        "list",
        "--country",
        "Armenia",
        "--active-on",
        "2018",
        "-f",
        "tsv",
    )
    cold = run(*args)
    (entry,) = [e for e in cache.entries() if e.registry]
    assert entry.registry == str(path)
    warm = run(*args)
    assert warm.stdout == cold.stdout and "via Eastern Partnership" in warm.stdout
    assert ids(warm.stdout) == ["a-2", "B-1"]
    # The store really answers: a registry loaded from YAML or JSON is never asked.
    import projreg.registry.load as load

    def refuse(*args, **kwargs):
        raise AssertionError("loaded the whole registry")

    original = load.load_registry
    load.load_registry = refuse
    try:
        assert run(*args).stdout == cold.stdout
    finally:
        load.load_registry = original


def test_a_warm_list_of_the_default_fields_makes_no_project(run, write, stored, monkeypatch):
    path = write("""
        projects:
          - {id: B-1, title: Second, countries: [Armenia], start: 2016, end: 2019}
          - {id: a-2, title: "Tab\\tin title", regions: [Eastern Partnership], start: 2017-03}
          - {id: C-3, title: Third, countries: [France], activity_status: finalisation}
    """)
    for fmt in ("tsv", "table", "csv", "json"):
        for question in (("--country", "Armenia"), ("--status", "finalisation"), ()):
            args = ("--registry", str(path), "list", *question, "-f", fmt)
            if fmt == "json":
                args += ("--fields", "id,title,coverage,starts,ends,status")
            cold = run(*args, "--no-cache")
            assert cold.exit_code == 0, cold.stderr
            run(*args)  # the cache and its store
            with monkeypatch.context() as patched:
                patched.setattr(cache, "project_row", lambda *a: pytest.fail("made a project"))
                refusing_to_load(patched)  # and never loaded the registry instead
                warm = run(*args)
            assert warm.stdout == cold.stdout and warm.stderr == cold.stderr, (fmt, question)


def test_a_damaged_store_is_not_believed(run, write, stored):
    path = write("projects:\n  - {id: A-1, title: First, countries: [Armenia]}\n")
    args = ("--registry", str(path), "list", "-f", "tsv", "--fields", "id,title")
    first = run(*args).stdout
    (db,) = cache.folder().glob("*.db")
    connection = sqlite3.connect(db)
    connection.execute("UPDATE projreg_listing SET id = 'PLANTED', tsv = 'PLANTED'")
    connection.commit()
    connection.close()
    assert run(*args).stdout == first


# --- both paths give the same answer ---------------------------------------------------------

COUNTRIES = ["AM", "AZ", "GE", "KZ", "FR", "RS"]
REGIONS = ["Eastern Partnership", "Central Asia", "European Union"]
DONORS = [
    Participant("European Commission", instrument="ENI"),
    Participant("European Union"),
    Participant("Swiss Confederation", department="State Secretariat for Migration"),
    Participant(None, ref="XM-DAC-7"),
]
AGENCIES = [Participant("ICMPD", "lead"), Participant("IOM", "partner"), Participant("UNDP")]
years = st.integers(2010, 2022)
dates = st.one_of(
    st.none(),
    years.map(PartialDate),
    st.tuples(years, st.integers(1, 12)).map(lambda d: PartialDate(*d)),
    st.tuples(years, st.integers(1, 12), st.integers(1, 28)).map(lambda d: PartialDate(*d)),
)


@st.composite
def registries(draw):
    projects = []
    # The country names as the file wrote them: one file, so the same for all its projects.
    written = draw(st.sampled_from([None, {"GE": "Sakartvelo"}]))
    for number in range(draw(st.integers(0, 8))):
        projects.append(
            Project(
                id=draw(st.sampled_from(["p", "P", "Q", "é", "z"])) + f"-{number}",
                title=draw(
                    st.sampled_from(["Border", "border work", "Asylum", "Éa", "Tab\tand\nline"])
                ),
                countries=tuple(
                    draw(st.lists(st.sampled_from(COUNTRIES), max_size=3, unique=True))
                ),
                regions=tuple(draw(st.lists(st.sampled_from(REGIONS), max_size=2, unique=True))),
                donors=tuple(draw(st.lists(st.sampled_from(DONORS), max_size=2))),
                implementers=tuple(draw(st.lists(st.sampled_from(AGENCIES), max_size=2))),
                start=draw(dates),
                end=draw(dates),
                planned_start=draw(dates),
                planned_end=draw(dates),
                activity_status=draw(st.sampled_from([None, *RECORDED_STATUSES])),
                notes=tuple(
                    draw(st.lists(st.sampled_from(["migration data", "visa"]), max_size=1))
                ),
                origin=Origin("generated.yaml", number + 1),
                written_names=written,
            )
        )
    organisations = (Organisation("European Commission", ("EC",), "European Union"),)
    return Registry(tuple(projects), organisations)


filters = st.builds(
    Filters,
    countries=st.lists(st.sampled_from(["Armenia", "Georgia", "France"]), max_size=2).map(tuple),
    regions=st.lists(st.sampled_from(REGIONS), max_size=1).map(tuple),
    donors=st.lists(st.sampled_from(["European Union", "swiss", "XM-DAC-7", "EC"]), max_size=2).map(
        tuple
    ),
    agencies=st.lists(st.sampled_from(["ICMPD", "iom"]), max_size=1).map(tuple),
    active_on=dates,
    between=st.one_of(
        st.none(), st.tuples(st.just(PartialDate(2012)), st.just(PartialDate(2016, 6)))
    ),
    statuses=st.lists(
        st.sampled_from(["ongoing", "completed", "planned", "unknown", "cancelled"]), max_size=2
    ).map(tuple),
    search=st.lists(st.sampled_from(["border", "migration", "éa"]), max_size=1).map(tuple),
    direct=st.booleans(),
    today=st.just(TODAY),
)


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    registries(),
    filters,
    st.sampled_from(["id", "start", "end", "title"]),
    st.sampled_from([None, 2]),
    st.booleans(),
)
def test_the_store_answers_as_select_does(tmp_path, registry, chosen, sort, limit, reverse):
    path = tmp_path / f"{abs(hash((registry, chosen, sort, limit, reverse)))}.db"
    path.unlink(missing_ok=True)
    write(path, registry, private=True)
    store = Store.open(path)
    try:
        expected = select(registry, chosen, sort=sort, limit=limit, reverse=reverse)
        got = store.select(chosen, sort=sort, limit=limit, reverse=reverse)
    finally:
        store.close()
    if got is None:  # --donor/--agency, --started-in/--ended-in: the registry answers
        return
    assert [(m.project.id, m.via) for m in got.matches] == [
        (m.project.id, m.via) for m in expected.matches
    ]
    assert [p.id for p in got.undetermined] == [p.id for p in expected.undetermined]
    assert got == expected  # the projects themselves, field by field, and the total


# The filters the store answers itself (not --donor, --agency: the registry answers those).
listed_filters = st.builds(
    Filters,
    countries=st.lists(st.sampled_from(["Armenia", "Georgia", "France"]), max_size=2).map(tuple),
    regions=st.lists(st.sampled_from(REGIONS), max_size=1).map(tuple),
    active_on=dates,
    between=st.one_of(
        st.none(), st.tuples(st.just(PartialDate(2012)), st.just(PartialDate(2016, 6)))
    ),
    statuses=st.lists(st.sampled_from(list(STATUSES)), max_size=2).map(tuple),
    search=st.lists(st.sampled_from(["border", "migration", "éa"]), max_size=1).map(tuple),
    direct=st.booleans(),
    today=st.just(TODAY),
)

LISTED = [
    LIST_FIELDS,
    (*LIST_FIELDS, "match"),
    ("id", "status", "via"),
    ("match", "coverage", "title", "id"),
]


@settings(
    max_examples=examples(80),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    registries(),
    listed_filters,
    st.sampled_from(LISTED),
    st.sampled_from(["id", "start", "end", "title"]),
    st.sampled_from([None, 2]),
    st.booleans(),
)
def test_the_store_lists_what_select_and_record_print(
    tmp_path, registry, chosen, names, sort, limit, reverse
):
    """The ready-made rows and TSV lines equal the records of query.select's projects."""
    path = tmp_path / f"{abs(hash((registry, chosen, names, sort, limit, reverse)))}.db"
    path.unlink(missing_ok=True)
    write(path, registry, private=True)
    store = Store.open(path)
    try:
        rows = store.listing(chosen, names, sort, limit, reverse)
        lines = store.listing(chosen, names, sort, limit, reverse, tsv=True)
    finally:
        store.close()
    if rows is None:  # --donor/--agency, --started-in/--ended-in: the registry answers
        return
    expected = select(registry, chosen, sort=sort, limit=limit, reverse=reverse)
    records = [record(m.project, names, Context(TODAY, m.via)) for m in expected.matches]
    assert rows.rows == records
    assert "".join(lines.rows) == "".join(tsv_cells(r, names) + "\n" for r in records)
    assert rows.total == lines.total == expected.count
    assert rows.undetermined == [p.id for p in expected.undetermined]


def test_the_store_lists_nothing_it_does_not_keep(tmp_path, registry):
    path = tmp_path / "bundled.db"
    write(path, registry, private=True)
    store = Store.open(path)
    assert store.listing(Filters(today=TODAY), ("id", "donors")) is None
    assert store.listing(Filters(today=TODAY), LIST_FIELDS) is not None
    store.close()


def test_the_store_answers_as_select_on_the_bundled_registry(tmp_path, registry):
    path = tmp_path / "bundled.db"
    write(path, registry, private=True)
    store = Store.open(path)
    asked = [
        Filters(countries=("Azerbaijan",), today=TODAY),
        Filters(active_on=PartialDate(2018, 6, 1), today=TODAY),
        Filters(donors=("European Union",), today=TODAY),
        Filters(regions=("Central Asia",), statuses=("completed",), today=TODAY),
        Filters(search=("border",), between=(PartialDate(2015), PartialDate(2016)), today=TODAY),
    ]
    for chosen in asked:
        got = store.select(chosen, "start")  # None: the registry answers (--donor, --agency)
        assert got is None if chosen.donors else got == select(registry, chosen, "start")
    store.close()


def test_docs_show_the_layout_as_it_is():
    from pathlib import Path

    from projreg.query.store import _INDEXES, layout

    text = (Path(__file__).parent.parent / "docs" / "sqlite.md").read_text(encoding="utf-8")
    # python scripts/gen_sqlite_docs.py rewrites it
    assert ";\n".join([*layout(), *_INDEXES]) + ";" in text


def test_the_store_finds_projects_as_registry_get_does(tmp_path, registry):
    path = tmp_path / "bundled.db"
    write(path, registry, private=True)
    store = Store.open(path)
    asked = [p.id for p in registry.projects] + [p.acronym for p in registry.projects if p.acronym]
    for text in [*asked, "bomca 9", "enigmma2", "Mobilaze"]:
        assert store.get(text) == registry.get(text), text
    assert store.get("no such project") is None
    store.close()


def test_show_answers_from_the_store_and_misses_still_suggest(run, write, stored):
    path = write("""
        projects:
          - {id: BOMCA-9, title: Border Management in Central Asia, acronym: BOMCA}
          - {id: A-2, title: Other}
    """)
    cold = run("--registry", str(path), "show", "bomca 9", "-f", "tsv")
    assert run("--registry", str(path), "show", "bomca 9", "-f", "tsv").stdout == cold.stdout
    assert "Border Management" in cold.stdout
    miss = run("--registry", str(path), "show", "BOMCA-8")
    assert miss.exit_code == 1 and "did you mean BOMCA-9" in miss.stderr


def test_country_names_are_looked_up_as_geo_does(tmp_path, registry):
    from projreg.model import geo

    path = tmp_path / "bundled.db"
    write(path, registry, private=True)
    store = Store.open(path)
    for text in [
        "Azerbaijan",
        "az",
        "AZE",
        "moldova",
        "Republic of Moldova",
        "Kosovo",
        "France",
        "Türkiye",
    ]:
        assert store._country_code(text) == geo.country_code(text), text
    store.close()


def test_filters_the_store_does_not_answer_are_answered_by_the_registry(run, write, stored):
    path = write("""
        projects:
          - {id: A-1, title: First, start: 2017-03, end: 2018-06}
          - {id: B-2, title: Second, start: 2019, end: 2020}
    """)
    args = ("--registry", str(path), "list", "--started-in", "2017", "-f", "tsv")
    cold = run(*args).stdout
    assert run(*args).stdout == cold and ids(cold) == ["A-1"]
    assert (
        Store.open(next(cache.folder().glob("*.db"))).select(Filters(started_in=PartialDate(2017)))
        is None
    )


# --- folders, and registries too large to hold whole -------------------------------------------

FIRST = """
organisations:
  - {name: European Commission, part_of: European Union}
projects:
  - {id: A-1, title: First, countries: [Armenia], start: 2016, end: 2019,
     donors: [{name: European Commission}]}
  - {id: A-2, title: Second, regions: [Eastern Partnership], start: 2017-03}
"""
SECOND = """
projects:
  - {id: B-1, title: Third, countries: [Turkey, Georgia], start: 2018-06-01}
  - {id: B-2, title: Fourth, countries: [France], activity_status: cancelled}
"""
QUESTIONS = [
    ("list", "--country", "Armenia", "-f", "tsv"),
    ("list", "--country", "Türkiye", "-f", "json"),
    ("list", "--search", "fourth", "-f", "tsv"),
    ("active", "--on", "2018-07", "-f", "tsv"),
    ("show", "B-1", "-f", "tsv"),
    ("list", "--status", "cancelled", "-f", "table"),
]


def folder(tmp_path, *texts):
    import textwrap

    where = tmp_path / "registry"
    where.mkdir()
    for number, text in enumerate(texts, 1):
        (where / f"part-{number}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return where


def answer(result) -> tuple:
    return result.stdout, result.stderr, result.exit_code


def refusing_to_load(monkeypatch):
    import projreg.registry.load as load

    def refuse(*args, **kwargs):
        raise AssertionError("loaded the whole registry")

    monkeypatch.setattr(load, "load_registry", refuse)


def test_a_folder_registry_is_answered_from_its_database(run, tmp_path, stored, monkeypatch):
    where = folder(tmp_path, FIRST, SECOND)
    expected = {q: run("--registry", str(where), *q, "--no-cache") for q in QUESTIONS}
    for question in QUESTIONS:
        run("--registry", str(where), *question)  # the files' entries, then the database
    (db,) = cache.folder().glob("*.db")
    with monkeypatch.context() as patched:
        refusing_to_load(patched)
        for question, cold in expected.items():
            warm = run("--registry", str(where), *question)
            assert answer(warm) == answer(cold), question
    store = Store.open(db)
    assert store.get("B-2").origin.file == str(where / "part-2.yaml")  # each project's own file
    store.close()
    info = run("cache", "info").stdout
    assert str(where) in info


def test_a_large_registry_is_written_into_its_database_before_the_first_answer(
    run, tmp_path, monkeypatch
):
    """Above store.BUILD_FIRST the registry is taken in a file at a time, helper processes
    validating the next files meanwhile: the whole registry is never loaded at once."""
    from projreg.registry import load

    where = folder(tmp_path, FIRST, SECOND, "projects:\n  - {id: C-1, title: Fifth}\n")
    expected = {q: run("--registry", str(where), *q, "--no-cache") for q in QUESTIONS}
    monkeypatch.setattr(store, "BUILD_FIRST", 0)
    helped = []
    helper = load._helper
    monkeypatch.setattr(load, "_helper", lambda file: helped.append(helper(file)) or helped[-1])
    refusing_to_load(monkeypatch)
    for question, cold in expected.items():
        first = run("--registry", str(where), *question)
        assert answer(first) == answer(cold), question
    assert helped == [True, True]  # the files after the first (this process takes it), once
    assert len(list(cache.folder().glob("*.db"))) == 1


def test_a_helper_that_cannot_run_leaves_the_files_to_this_process(run, tmp_path, monkeypatch):
    from projreg.registry import load

    where = folder(tmp_path, FIRST, SECOND)
    cold = run("--registry", str(where), "list", "-f", "tsv", "--no-cache")
    monkeypatch.setattr(store, "BUILD_FIRST", 0)
    monkeypatch.setattr(load, "_HELPER", "import sys; sys.exit(1)")
    refusing_to_load(monkeypatch)
    assert run("--registry", str(where), "list", "-f", "tsv").stdout == cold.stdout
    assert len(list(cache.folder().glob("*.db"))) == 1


@pytest.mark.parametrize(
    "broken",
    [
        "projects:\n  - {id: C-1, title: Fifth, start: 2019-13}\n",  # an error in a file
        "projects:\n  - {id: a 1, title: Fifth}\n",  # an id another file has, to `show`
    ],
)
def test_errors_in_a_large_registry_are_reported_as_in_any_other(
    run, tmp_path, monkeypatch, broken
):
    where = folder(tmp_path, FIRST, broken, SECOND)
    cold = run("--registry", str(where), "list", "-f", "tsv", "--no-cache")
    assert cold.exit_code == 1 and str(where / "part-2.yaml") in cold.stderr
    monkeypatch.setattr(store, "BUILD_FIRST", 0)
    for _ in range(2):
        again = run("--registry", str(where), "list", "-f", "tsv")
        assert answer(again) == answer(cold)
    assert not list(cache.folder().glob("*.db"))


def test_a_registry_s_own_country_names_stay_its_own(tmp_path):
    """A database's spellings ("Turkey") are its projects', never every registry's after it."""
    from projreg.model import geo

    written = {"GE": "Sakartvelo"}
    projects = (
        Project(id="A-1", title="A", countries=("GE",), origin=Origin("a.yaml", 1)),
        Project(id="B-1", title="B", countries=("GE",), origin=Origin("b.yaml", 1)),
    )
    projects = (replace(projects[0], written_names=written), projects[1])
    path = tmp_path / "two.db"
    write(path, Registry(projects), private=True)
    store = Store.open(path)
    try:
        found = {m.project.id: m.project for m in store.select(Filters(today=TODAY)).matches}
    finally:
        store.close()
    assert found["A-1"].country_name("GE") == "Sakartvelo"  # its file's spelling
    assert found["B-1"].country_name("GE") == "Georgia"
    assert geo.country_name("GE") == "Georgia"  # and nobody else's


def test_a_database_is_named_after_what_was_loaded_not_what_the_file_now_holds(
    write, stored, tmp_path
):
    """Another run caches an edited file while this one still holds the old registry: the
    old registry must not be sealed under the new content's name."""
    import os
    import subprocess
    import sys
    import time

    path = write("projects:\n  - {id: OLD-1, title: Before}\n")
    past = time.time() - 10  # settled: its identity is remembered, as a real file's is
    os.utime(path, (past, past))
    loaded = load_registry(path)
    path.write_text("projects:\n  - {id: NEW-1, title: After}\n", encoding="utf-8")
    os.utime(path, (past + 5, past + 5))
    other = subprocess.run(
        [sys.executable, "-m", "projreg", "--registry", str(path), "list", "-f", "tsv"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert other.stdout.startswith("NEW-1"), other.stderr
    store.remember(path, loaded)  # this run, after answering from what it loaded
    assert not list(cache.folder().glob("*.db"))


def test_the_cache_database_keeps_only_what_its_queries_read(tmp_path, registry):
    """Of the shared layout, the place tables; each project is whole in projreg_rows."""
    path = tmp_path / "bundled.db"
    write(path, registry, private=True)
    db = sqlite3.connect(path)
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    db.close()
    assert {t for t in tables if not t.startswith("projreg_")} == {"countries", "regions"}
    store = Store.open(path)
    assert store.get("ENIGMMA-2") == registry.get("ENIGMMA-2")
    store.close()
