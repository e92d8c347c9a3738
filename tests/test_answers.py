"""Right answers on anyone's registry: nothing misread, nothing dropped, one rule everywhere
(issue 11, "Wrong answers, silently")."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from projreg import load_registry
from projreg.model import geo
from projreg.model.dates import DateError, PartialDate, parse_date
from projreg.model.problems import RegistryError
from projreg.model.project import Project, Registry
from projreg.query.filters import Filters, select
from projreg.query.reports import group_by
from projreg.registry.lint import check
from projreg.render.terminal import Terminal
from tests.conftest import examples

ONE = """
projects:
  - id: A-1
    title: First
    start: {start}
"""


# --- 1. dates that could be misread are refused, never guessed -----------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018", PartialDate(2018)),
        ("2018-06", PartialDate(2018, 6)),
        ("2018-06-01", PartialDate(2018, 6, 1)),
        ("June 2018", PartialDate(2018, 6)),
        ("Jun 2018", PartialDate(2018, 6)),
        ("1 June 2018", PartialDate(2018, 6, 1)),
        ("June 1, 2018", PartialDate(2018, 6, 1)),
    ],
)
def test_unambiguous_dates_are_read(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("01/06/2018", "2018-06-01 (1 June 2018) or 2018-01-06 (6 January 2018)"),
        ("18/06/2018", "write it in ISO form: 2018-06-18 (18 June 2018)"),
        ("01.06.2018", "2018-06-01 (1 June 2018) or 2018-01-06 (6 January 2018)"),
        ("2018.06", "write it in ISO form: 2018-06 (June 2018)"),
        ("-2018", "dates have no sign: write 2018"),
        ("0001", "write the four-digit year"),
        ("0218-06", "write the four-digit year"),
        ("2018-Q2", "--between 2018-04 2018-06"),
        ("2018Q2", "--between 2018-04 2018-06"),
        ("Q4 2018", "--between 2018-10 2018-12"),
        ("Jnue 2018", "did you mean 'June 2018' (2018-06)?"),
    ],
)
def test_dates_that_could_be_misread_are_refused_with_the_iso_form(text, hint):
    with pytest.raises(DateError) as caught:
        parse_date(text)
    assert hint in caught.value.hint
    assert "Unknown string format" not in str(caught.value)


@pytest.mark.parametrize("text", ["01/06/2018", "18/06/2018", "2018.06", "-2018", "2018-Q2"])
def test_active_on_refuses_day_month_dates_with_exit_2(run, text):
    result = run("active", "--on", text)
    assert result.exit_code == 2
    assert (
        "ISO form" in result.stderr or "--between" in result.stderr or "write 2018" in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_active_on_01_06_2018_shows_both_readings(run):
    result = run("active", "--on", "01/06/2018")
    assert "2018-06-01 (1 June 2018) or 2018-01-06 (6 January 2018)" in " ".join(
        result.stderr.split()
    )


def test_heading_shows_the_parsed_date(run):
    result = run("active", "--on", "June 1, 2018", terminal=Terminal(stdout_tty=True, width=120))
    assert result.exit_code == 0
    assert "active on 1 June 2018" in result.stdout


@pytest.mark.parametrize(
    ("start", "hint"),
    [
        ("'01.06.2018'", "2018-06-01 (1 June 2018) or 2018-01-06 (6 January 2018)"),
        ("'2018.06'", "2018-06 (June 2018)"),
        ("-2018", "write 2018"),
        ("2018-Q2", "start: 2018-04 / end: 2018-06"),
    ],
)
def test_check_locates_a_date_that_could_be_misread(write, run, start, hint):
    path = write(ONE.format(start=start))
    problems = check(path)
    assert [(p.line, p.column, p.field, p.severity) for p in problems] == [
        (4, 12, "start", "error")
    ]
    assert hint in problems[0].hint
    result = run("check", "--strict", str(path))
    assert result.exit_code == 1
    assert f"{path}:4:12: error: A-1: start:" in result.stderr


# --- 6. check reports everything in one run, and agrees with the other commands ----------

FOUR_MISTAKES = """
projects:
  - id: A-1
    title: First
    start: 2018-06
    end: 2018-05
  - id: A-2
    title: Second
    countries: [Gorgia]
  - id: A-3
    title: Third
    start: 2018-13
  - id: A-1
    title: Fourth
    start: 2018
    end: 2019
    activity_status: ongoing
"""


def test_check_reports_four_mistakes_and_the_warnings_in_one_run(write, run):
    path = write(FOUR_MISTAKES)
    problems = check(path)
    assert [(p.line, p.severity, p.field) for p in problems] == [
        (5, "error", "end"),
        (8, "error", "countries"),
        (11, "error", "start"),
        (12, "error", "id"),
        (16, "warning", "activity_status"),
    ]
    result = run("check", str(path))
    assert result.exit_code == 1
    assert result.stderr.count(": error: ") == 4
    assert result.stderr.count(": warning: ") == 1


@pytest.mark.parametrize(
    "ids", [("ENIGMMA-2", "enigmma 2"), ("ENIGMMA-2", "ENIGMMA_2"), ("enigmma 2", "ENIGMMA_2")]
)
def test_ids_equal_to_show_are_duplicates_in_one_file(write, run, ids):
    path = write(f"projects:\n  - id: {ids[0]}\n    title: One\n  - id: {ids[1]}\n    title: Two\n")
    expected = (
        f"{path}:4:5: error: {ids[1]}: id: id {ids[1]!r} is the same as {ids[0]!r} to `show`, "
        f"first defined at {path}:2"
    )
    for args in (("check", str(path)), ("--registry", str(path), "list")):
        result = run(*args)
        assert result.exit_code == 1
        assert expected in result.stderr


def test_ids_equal_to_show_are_duplicates_across_files(tmp_path, run):
    (tmp_path / "a.yaml").write_text("projects:\n  - id: ENIGMMA-2\n    title: One\n")
    (tmp_path / "b.yaml").write_text("projects:\n  - id: ENIGMMA_2\n    title: Two\n")
    (tmp_path / "c.yaml").write_text("projects:\n  - id: enigmma 2\n    title: Three\n")
    for args in (("check", str(tmp_path)), ("--registry", str(tmp_path), "list")):
        result = run(*args)
        assert result.exit_code == 1
        assert f"{tmp_path}/b.yaml:2:5: error: ENIGMMA_2: id: id 'ENIGMMA_2'" in result.stderr
        assert f"{tmp_path}/c.yaml:2:5: error: enigmma 2: id: id 'enigmma 2'" in result.stderr
        assert f"first defined at {tmp_path}/a.yaml:2" in result.stderr


def test_a_large_plain_registry_passes_check_as_it_passes_list(write, run, monkeypatch):
    from projreg.registry import yamlsafe

    # The node limit, made small so that a small plain file is "large" to it.
    monkeypatch.setattr(yamlsafe, "MAX_EXPANDED_NODES", 500)
    projects = "".join(f"  - id: P-{i}\n    title: Project {i}\n" for i in range(300))
    path = write("projects:\n" + projects)
    assert check(path) == []
    assert run("--registry", str(path), "list").exit_code == 0
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    bomb += "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nprojects: []\n"
    problems = check(write(bomb, "bomb.yaml"))
    assert "aliases expand this document" in problems[0].message


@pytest.mark.parametrize(
    ("text", "message", "location"),
    [
        (
            "projects:\n  - id: A-1\n    title: Fir\u2028st\n",
            "line separator U+2028 in the text",
            "3:15",
        ),
        ("%YAML 2.0\n---\nprojects:\n  - id: A-1\n    title: First\n", "incompatible", "1:1"),
    ],
)
def test_check_and_list_agree_on_what_yaml_readers_disagree_on(write, run, text, message, location):
    path = write(text)
    for args in (("check", str(path)), ("--registry", str(path), "list")):
        result = run(*args)
        assert result.exit_code == 1, args
        assert f"{path}:{location}: error: " in result.stderr
        assert message in result.stderr


# --- 2. invisible characters: warned, refused in ids, visible, ignored by matching -------

LOOK_ALIKES = {
    "soft hyphen": "Europ\u00adean Union",
    "tag character": "European Union\U000e0041",
    "Hangul filler": "European\u3164Union",
    "Hangul choseong filler": "\u115fEuropean Union",
    "Mongolian vowel separator": "European\u180e Union",
    "variation selector": "European Union\ufe0f",
    "zero-width space": "Euro\u200bpean Union",
}


def look_alike_registry(write, name):
    return write(
        f"""
        projects:
          - id: A-1
            title: First
            donors: [European Union]
          - id: A-2
            title: Second
            donors: ["{name.encode("unicode_escape").decode()}"]
        """
    )


@pytest.mark.parametrize("name", list(LOOK_ALIKES.values()), ids=list(LOOK_ALIKES))
def test_check_warns_on_look_alike_names(write, name):
    problems = check(look_alike_registry(write, name))
    invisible = [p for p in problems if "invisible characters (" in p.message]
    assert [(p.severity, p.project, p.field, p.line) for p in invisible] == [
        ("warning", "A-2", "donors", 7)
    ]


@pytest.mark.parametrize("name", list(LOOK_ALIKES.values()), ids=list(LOOK_ALIKES))
def test_donor_matching_ignores_invisible_characters(write, run, name):
    path = look_alike_registry(write, name)
    result = run("--registry", str(path), "list", "--donor", "European Union", "-f", "json")
    assert [p["id"] for p in json.loads(result.stdout)] == ["A-1", "A-2"]


@pytest.mark.parametrize("name", list(LOOK_ALIKES.values()), ids=list(LOOK_ALIKES))
def test_report_by_donor_shows_look_alikes_apart(write, run, name):
    path = look_alike_registry(write, name)
    for terminal in (Terminal(stdout_tty=True, width=120), Terminal()):
        result = run("--registry", str(path), "report", "--by", "donor", terminal=terminal)
        lines = [line for line in result.stdout.splitlines() if "Union" in line]
        assert len(lines) == 2
        assert "\\" in lines[0] + lines[1]  # the invisible character, escaped


def test_title_with_invisible_characters_is_warned(write):
    path = write('projects:\n  - id: A-1\n    title: "Europ\\u00adean project"\n')
    problems = check(path)
    assert [(p.severity, p.field, p.line, p.column) for p in problems] == [
        ("warning", "title", 3, 12)
    ]


@pytest.mark.parametrize("project_id", ["A\\u00ad1", "A\\n1", "A-1\\U000e0041", "A\\u200b1"])
def test_ids_with_invisible_characters_or_newlines_are_errors(write, run, project_id):
    path = write(f'projects:\n  - id: "{project_id}"\n    title: First\n')
    problems = check(path)
    assert [(p.severity, p.field, p.line, p.column) for p in problems] == [("error", "id", 2, 9)]
    result = run("--registry", str(path), "list")
    assert result.exit_code == 1


def test_a_newline_in_a_title_does_not_forge_table_rows(write, run):
    path = write(
        'projects:\n  - id: A-1\n    title: "Real\\nB-2         Forged"\n    start: 2018\n'
    )
    for terminal in (Terminal(stdout_tty=True, width=120), Terminal()):
        result = run("--registry", str(path), "list", terminal=terminal)
        body = [line for line in result.stdout.splitlines() if "Real" in line or "Forged" in line]
        assert len(body) == 1
        assert "Real B-2 Forged" in body[0]


@pytest.mark.parametrize(
    "character", ["\u00ad", "\U000e0041", "\u3164", "\u115f", "\u180e", "\ufe0f", "\u200b"]
)
def test_terminal_output_escapes_invisible_characters(character):
    from projreg.model.text import visible

    assert character not in visible(f"a{character}b")


# --- 4. matching: one rule for --donor, --agency and --search ------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--donor", "German"), ["RESTART"]),
        (("--donor", "germany"), ["RESTART"]),
        (("--donor", "Federal Republic"), ["RESTART"]),
        (("--agency", "ICMP"), ["EAP-IBM-CABUIPRO", "ENIGMMA-2", "MIBMA", "MOBILAZE", "RESTART"]),
        (
            ("--agency", "international centre for migration"),
            ["EAP-IBM-CABUIPRO", "ENIGMMA-2", "MIBMA", "MOBILAZE", "RESTART"],
        ),
        (("--agency", "SMSA"), ["RESTART"]),  # State Migration Service of Azerbaijan
        (("--agency", "fróntex"), ["EAP-IBM-CABUIPRO"]),
        (("--search", "immigr"), ["EAP-IBM-CABUIPRO"]),
        (("--search", "igration"), []),  # the middle of a word is not a match
    ],
)
def test_one_matching_rule(run, args, expected):
    result = run("list", *args, "-f", "json")
    assert result.exit_code == 0
    assert [p["id"] for p in json.loads(result.stdout)] == expected


def test_acronyms_come_from_names_and_aliases(write, run):
    path = write(
        """
        projects:
          - id: A-1
            title: First
            implementers: [International Centre for Migration Policy Development]
        """
    )
    result = run("--registry", str(path), "list", "--agency", "ICMPD", "-f", "json")
    assert [p["id"] for p in json.loads(result.stdout)] == ["A-1"]


def test_search_matches_word_beginnings_not_middles(run):
    starts = json.loads(run("list", "--search", "migr", "-f", "json").stdout)
    assert starts  # migration, migrants...
    middle = run("list", "--search", "igrat", "-f", "json")
    assert json.loads(middle.stdout) == []


@pytest.mark.parametrize("option", ["--donor", "--agency", "--search"])
@pytest.mark.parametrize("value", ["", "  ", "-"])
def test_an_empty_value_is_a_usage_error(run, option, value):
    result = run("list", option, value)
    assert result.exit_code == 2
    assert "give a name or a word" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--donor", "Gremany"),
            "no donor matches 'Gremany'; closest: Federal Republic of Germany",
        ),
        (("--agency", "UNPD"), "no agency matches 'UNPD'; closest: UNDP"),
        (("--donor", "zzzz"), "no donor matches 'zzzz'"),
    ],
)
@pytest.mark.parametrize("command", ["list", "report --by donor", "stats", "timeline"])
def test_an_unknown_organisation_is_said_with_the_closest_names(run, args, message, command):
    result = run(*command.split(), *args)
    assert result.exit_code == 0
    assert message in result.stderr


def test_a_known_organisation_with_no_match_here_says_nothing(run):
    result = run("list", "--donor", "Germany", "--country", "Georgia")
    assert result.exit_code == 0
    assert result.stderr == ""


# --- 3. a report row counts exactly what the matching list returns --------------------------

TODAY = dt.date(2026, 11, 27)


def assert_rows_agree_with_list(registry):
    for by, filter_name in (("country", "countries"), ("region", "regions")):
        for row in group_by(by, registry.projects, TODAY):
            if row["group"].startswith("("):
                continue
            listed = select(registry, Filters(**{filter_name: (row["group"],)}, today=TODAY))
            assert sorted(row["ids"]) == sorted(p.id for p in listed.projects), (by, row)
            direct = [m for m in listed.matches if not m.via]
            via_field = "via_region" if by == "country" else "via_country"
            assert (row["direct"], row[via_field]) == (
                len(direct),
                len(listed.matches) - len(direct),
            )


def test_report_rows_agree_with_list_on_the_bundled_registry(registry):
    assert_rows_agree_with_list(registry)


COUNTRY_CODES = ["GE", "AM", "AZ", "UA", "KZ", "RS", "TR", "DE", "NO", "CH", "XK"]
REGION_NAMES = [r.name for r in geo.REGIONS]


@settings(max_examples=examples(80), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(COUNTRY_CODES), unique=True, max_size=4),
            st.lists(st.sampled_from(REGION_NAMES), unique=True, max_size=2),
        ),
        max_size=8,
    )
)
def test_report_rows_agree_with_list_on_generated_registries(places):
    projects = tuple(
        Project(f"P-{i}", f"Project {i}", countries=tuple(countries), regions=tuple(regions))
        for i, (countries, regions) in enumerate(places)
    )
    assert_rows_agree_with_list(Registry(projects))


def test_report_by_country_counts_georgia_as_list_does(run):
    listed = run("list", "--country", "Georgia").stdout.splitlines()
    rows = json.loads(run("report", "--by", "country", "--json").stdout)
    georgia = next(r for r in rows if r["group"] == "Georgia")
    assert georgia["projects"] == len(listed) == 4
    assert (georgia["direct"], georgia["via_region"]) == (2, 2)


@pytest.mark.parametrize(
    ("args", "years"),
    [
        (("--between", "2016", "2018"), ["2016", "2017", "2018"]),
        (("--between", "2016-06", "2017-01-15"), ["2016", "2017"]),
        (("--active-on", "2018-06"), ["2018"]),
    ],
)
def test_report_by_year_shows_only_the_years_asked(run, args, years):
    result = run("report", "--by", "year", *args, "--json")
    groups = [r["group"] for r in json.loads(result.stdout)]
    assert groups == years


# --- 5. numbers: refused with a located message, or kept exactly; warm equals cold ----------


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("sectors: [{code: '1', percentage: .nan}]", "percentage: nan is not a number"),
        ("sectors: [{code: '1', percentage: -.inf}]", "percentage: -inf is not a number"),
        ("sectors: [{code: '1', percentage: 1e400}]", "percentage: inf is not a number"),
        (
            "sectors: [{code: '1', percentage: 99999999999999999999999}]",
            "not a percentage from 0 to 100",
        ),
        ("budgets: [{value: .inf}]", "value: inf is not a number"),
        ("budgets: [{value: .NaN}]", "value: nan is not a number"),
        ("duration_months: 123456789012345678901234567890", "expected a whole number of months"),
    ],
)
def test_numbers_the_cache_cannot_hold_are_refused_with_a_location(write, run, entry, message):
    path = write(f"projects:\n  - id: A-1\n    title: First\n    {entry}\n")
    problems = check(path)
    assert [(p.line, p.severity) for p in problems] == [(4, "error")]
    assert message in problems[0].message
    for _ in range(2):  # cold, then with whatever the cache holds
        result = run("--registry", str(path), "show", "A-1")
        assert result.exit_code == 1
        assert message in result.stderr


def test_long_amounts_are_kept_exactly_cold_and_warm(write, run):
    path = write(
        """
        projects:
          - id: A-1
            title: First
            budgets:
              - {value: 123456789012345678901234567890.5}
              - {value: 0.1000000000000000055511151231257827}
              - {value: 1500000.55}
        """
    )
    outputs = [run("--registry", str(path), "show", "A-1", "--json").stdout for _ in range(2)]
    assert outputs[0] == outputs[1]
    values = [b["value"] for b in json.loads(outputs[0])["budgets"]]
    assert values == [
        "123456789012345678901234567890.5",
        "0.1000000000000000055511151231257827",
        1500000.55,
    ]


SAFE_TEXT = (
    st.text(
        st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)
SAFE_ID = st.from_regex(
    r"[A-Z][A-Z0-9]{0,6}", fullmatch=True, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)


def _value(field, valid=False):
    from projreg.model import schema

    kind = field.kind
    if kind == schema.TEXT:
        return SAFE_TEXT
    if kind == schema.TEXTS:
        return st.lists(SAFE_TEXT, max_size=2).map(tuple)
    if kind == schema.DATE:
        return st.builds(
            lambda d, p: PartialDate(d.year, d.month if p > 0 else None, d.day if p > 1 else None),
            st.dates(min_value=dt.date(1000, 1, 1)),
            st.integers(0, 2),
        )
    if kind == schema.COUNT:
        return (
            st.integers(1, 600)
            if valid
            else st.one_of(st.integers(1, 600), st.integers(2**63 - 2, 2**70))
        )
    if kind == schema.CHOICE:
        return st.sampled_from(field.choices)
    if kind == schema.COUNTRIES:
        return st.lists(st.sampled_from(COUNTRY_CODES), unique=True, max_size=2).map(tuple)
    if kind == schema.REGIONS:
        return st.lists(st.sampled_from(REGION_NAMES), unique=True, max_size=2).map(tuple)
    if kind == schema.DECIMAL:
        return st.decimals(allow_nan=False, allow_infinity=False, places=3)
    if kind == schema.NUMBER:
        if valid:
            return st.one_of(st.floats(0, 100), st.integers(0, 100))
        return st.one_of(st.floats(), st.integers(-(2**70), 2**70))
    if kind == schema.RECORDS:
        # A valid record has its required parts, and the first of `needs_one_of`.
        needed = {p.name for p in field.parts if p.required}
        if valid:
            needed.update(field.needs_one_of[:1])
        parts = {
            p.name: (_value(p, valid) if p.name in needed else st.none() | _value(p, valid))
            for p in field.parts
        }
        return st.lists(st.fixed_dictionaries(parts).map(lambda d: field.record(**d)), max_size=2)
    raise AssertionError(kind)


def _project(valid=False):
    from projreg.model import schema

    optional = {
        f.name: st.one_of(st.just(f.empty), _value(f, valid))
        for f in schema.PROJECT
        if not f.required
    }

    def make(i, t, values):
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
        for first, last in (("start", "end"), ("planned_start", "planned_end")):
            a, b = values[first], values[last]
            if valid and a and b and b.last_day() < a.first_day():
                values[first], values[last] = b, a  # an end before its start is refused
        return Project(i, t, **values)

    return st.builds(
        make,
        SAFE_ID,
        SAFE_TEXT,
        st.fixed_dictionaries(optional),
    )


def _outcome(path, **options):
    from projreg.model.problems import RegistryError

    try:
        registry = load_registry(path, **options)
    except RegistryError as error:
        return [p.message for p in error.errors]
    return registry.projects


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(_project(), min_size=1, max_size=3, unique_by=lambda p: p.id.casefold()))
def test_warm_runs_equal_cold_runs_for_anything_the_format_holds(tmp_path_factory, projects):
    from projreg.registry.encode import registry_document, to_yaml

    folder = tmp_path_factory.mktemp("numbers")
    path = folder / "registry.yaml"
    path.write_text(to_yaml(registry_document(None, projects)), encoding="utf-8")
    careful = _outcome(path, use_cache=False, fast=False)
    cold = _outcome(path, use_cache=False)
    first = _outcome(path)  # fills the cache
    warm = _outcome(path)  # reads it
    assert careful == cold == first == warm
    outputs = [_list_json(path, *extra) for extra in (["--no-cache"], [], [])]
    assert outputs[0] == outputs[1] == outputs[2]


def _list_json(path, *extra):
    from typer.testing import CliRunner

    from projreg.cli import app

    result = CliRunner().invoke(
        app, ["--registry", str(path), "list", "-f", "json", "--today", "2026-11-27", *extra]
    )
    return result.exit_code, result.stdout, result.stderr


# --- 7. piped show carries every fact, one item per line ----------------------------------


def registry_facts(project) -> list[tuple[str, str]]:
    """(key, text) for every scalar and list item of the project's registry entry."""
    from projreg.registry.encode import to_registry

    facts = []
    for name, value in to_registry(project).items():
        if not isinstance(value, list):
            facts.append((name, str(value)))
            continue
        for index, item in enumerate(value, 1):
            if isinstance(item, dict):
                facts += [(f"{name}[{index}].{part}", str(v)) for part, v in item.items()]
            else:
                facts.append((name, str(item)))
    return facts


def piped_show(path, project_id, fmt):
    import csv
    import io

    from typer.testing import CliRunner

    from projreg.cli import app

    args = ["show", project_id, "-f", fmt, "--today", "2026-11-27"]
    if path is not None:
        args = ["--registry", str(path), *args]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    if fmt == "tsv":
        return [tuple(line.split("\t", 1)) for line in result.stdout.splitlines()]
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["field", "value"]
    return [tuple(row) for row in rows[1:]]


def assert_show_carries_every_fact(path, project):
    from projreg.model.text import flat, visible

    for fmt, shown in (("tsv", flat), ("csv", visible)):
        lines = piped_show(path, project.id, fmt)
        for key, text in registry_facts(project):
            assert (key, shown(text)) in lines, (fmt, key, text)


def test_piped_show_carries_every_fact_of_the_bundled_registry(registry):
    for project in registry.projects:
        assert_show_carries_every_fact(None, project)


def test_markdown_show_has_one_row_per_item(run):
    result = run("show", "ENIGMMA-2", "-f", "markdown")
    assert "| components[4].description | COMPONENT 4 fosters" in result.stdout
    assert "| links[2].kind | document |" in result.stdout


def test_piped_show_keeps_items_that_contain_semicolons(write):
    path = write(
        """
        projects:
          - id: A-1
            title: First
            target_groups: ["migrants; refugees", asylum seekers]
            links: [{text: Site, url: "https://example.org/a;b", kind: website}]
        """
    )
    lines = piped_show(path, "A-1", "tsv")
    assert ("target_groups", "migrants; refugees") in lines
    assert ("target_groups", "asylum seekers") in lines
    assert ("links[1].url", "https://example.org/a;b") in lines
    assert ("links[1].kind", "website") in lines


@settings(max_examples=examples(20), deadline=None)
@given(_project(valid=True))
def test_piped_show_carries_every_fact_of_generated_projects(tmp_path_factory, project):
    from projreg.registry.encode import registry_document, to_yaml

    path = tmp_path_factory.mktemp("show") / "registry.yaml"
    path.write_text(to_yaml(registry_document(None, [project])), encoding="utf-8")
    try:
        loaded = load_registry(path, use_cache=False).projects[0]
    except RegistryError:  # e.g. an end before the start: not a registry show can read
        assume(False)
    assert_show_carries_every_fact(path, loaded)


# --- 8. the registry's own words ----------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("list", "--country", "Türkiye"),
        ("list", "-f", "json"),
        ("list", "-f", "yaml"),
        ("list", "-f", "csv"),
        ("show", "PRAGUE-PROCESS"),
        ("show", "PP-DATA", "--json"),
        ("report", "--by", "country"),
        ("map",),
        ("export", "-f", "csv"),
        ("export", "-f", "json"),
    ],
)
def test_outputs_keep_the_registry_spelling_cold_and_warm(run, args):
    for _ in range(2):  # cold, then from the cache
        result = run(*args)
        assert result.exit_code == 0
        assert "Turkey" in result.stdout
        assert "Türkiye" not in result.stdout
    table = run(*args, terminal=Terminal(stdout_tty=True, width=200))
    if "-f" not in args and "--json" not in args:
        assert "Türkiye" not in table.stdout  # (a long coverage may be cut before Turkey)


@pytest.mark.parametrize("name", ["Turkey", "Türkiye", "turkiye", "TR"])
def test_both_names_match(run, name):
    result = run("list", "--country", name, "--fields", "id")
    assert result.stdout.split() == ["PP-DATA", "PRAGUE-PROCESS"]


def test_yaml_written_back_keeps_turkey(run, tmp_path, registry):
    path = tmp_path / "copy.yaml"
    path.write_text(run("list", "-f", "yaml").stdout, encoding="utf-8")
    assert "Türkiye" not in path.read_text(encoding="utf-8")
    copy = load_registry(path)
    assert [p.country_name("TR") for p in copy.projects if "TR" in p.countries] == ["Turkey"] * 2


def test_a_registry_that_writes_turkiye_shows_turkiye(write, run):
    path = write("projects:\n  - id: A-1\n    title: First\n    countries: [Türkiye, GE]\n")
    for _ in range(2):
        result = run("--registry", str(path), "show", "A-1", "--fields", "countries")
        assert result.stdout.splitlines() == ["countries\tTürkiye", "countries\tGeorgia"]


def test_fields_all_lists_every_field(run):
    from projreg.model.fields import FIELDS

    rows = json.loads(run("list", "--fields", "all", "--json").stdout)
    assert list(rows[0]) == list(FIELDS)
    header = run("list", "--fields", "all", "-f", "csv").stdout.splitlines()[0]
    assert header.split(",") == list(FIELDS)


def test_the_site_keeps_the_registry_spelling(registry, tmp_path):
    from projreg.render.site import _Site

    site = _Site(registry, list(registry.projects), TODAY, "Projects")
    assert site.country_name("TR") == "Turkey"
    assert "Turkey" in json.dumps(site.index_data(), ensure_ascii=False)


def test_organisation_names_with_invisible_characters_are_warned(write, run):
    path = write(
        """
        organisations:
          - name: "Europ\\u00adean Union"
            aliases: ["E\\u200bU"]
        projects:
          - id: A-1
            title: First
        """
    )
    problems = check(path)
    assert [(p.line, p.severity, p.field) for p in problems] == [
        (2, "warning", "organisations"),
        (2, "warning", "organisations"),
    ]
    assert run("--registry", str(path), "list").exit_code == 0
