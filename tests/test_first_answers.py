"""Issue 24: answers a new user gets from a registry of their own, in an 80-column terminal.

One test (or a few) per row of the issue's table: dates at the precision they were written,
open ends told honestly, hints by meaning, the ISO date to type, errors wrapped at word
boundaries, periods said as periods, the map's countries by name, the UN M49 regions.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from projreg.render.terminal import Terminal

from .conftest import TODAY

DATES = """
projects:
  - {id: DAY, title: Day start, countries: [Mali], start: 1 June 2020, end: 2022}
  - {id: YEAR, title: Year start, countries: [Niger], start: 2022, end: 2023-06}
  - {id: OPEN, title: No end, countries: [Senegal], start: 2019-03}
  - {id: SAID, title: Stated, countries: [Ghana], start: 2019-03, activity_status: ongoing}
  - {id: LATER, title: Not yet, countries: [Benin], start: 2030}
"""


def test_timeline_records_give_each_date_at_the_precision_it_was_written(run, write):
    path = write(DATES)
    rows = json.loads(run("timeline", "-f", "json", "--registry", str(path)).stdout)
    dates = {row["id"]: (row["start"], row["end"]) for row in rows}
    assert dates["DAY"] == ("2020-06-01", "2022")
    assert dates["YEAR"] == ("2022", "2023-06")
    assert dates["OPEN"] == ("2019-03", None)
    text = run("timeline", "-f", "csv", "--registry", str(path)).stdout
    table = {row["id"]: row for row in csv.DictReader(io.StringIO(text))}
    assert (table["DAY"]["start"], table["DAY"]["end"]) == ("2020-06-01", "2022")
    assert table["YEAR"]["start"] == "2022"
    tsv = run("timeline", "-f", "tsv", "--registry", str(path)).stdout
    assert "DAY\t2020-06-01\t2022\tfalse" in tsv.splitlines()


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "yaml"])
def test_every_format_of_list_keeps_the_written_precision(run, write, fmt):
    path = write(DATES)
    args = ("list", "-f", fmt, "--fields", "id,start,end,starts,ends", "--registry", str(path))
    out = run(*args).stdout
    assert "2020-06-01" in out and "2022-01" not in out and "2020-06\n" not in out
    assert "2023-06" in out and "2023-06-30" not in out


def _statuses(run, path, *args) -> dict:
    rows = json.loads(
        run("list", "-f", "json", "--fields", "id,status", "--registry", str(path), *args).stdout
    )
    return {row["id"]: row["status"] for row in rows}


def test_a_project_with_no_end_is_not_called_ongoing_from_its_dates(run, write):
    path = write(DATES)
    today = ("--today", TODAY.isoformat())
    statuses = _statuses(run, path, *today)
    assert statuses["OPEN"] == "no end given"  # started, no end: not known to run
    assert statuses["SAID"] == "ongoing"  # the status the source states is kept
    assert statuses["LATER"] == "planned"
    assert statuses["DAY"] == statuses["YEAR"] == "completed"
    # The status is a filter value like any other, and the summaries count it apart.
    chosen = _statuses(run, path, "--status", "no end given", *today)
    assert list(chosen) == ["OPEN"]
    assert list(_statuses(run, path, "--status", "ongoing", *today)) == ["SAID"]
    summary = json.loads(run("stats", "--json", "--registry", str(path), *today).stdout)
    assert (summary["ongoing"], summary["no end given"]) == (1, 1)
    assert summary["last_end"] is None  # two projects give no end: the last end is unknown
    run.terminal = Terminal(stdout_tty=True, width=80, no_color=True)
    table = run("list", "--registry", str(path), *today).stdout
    (line,) = [line for line in table.splitlines() if line.startswith("OPEN ")]
    assert line.rstrip().endswith("no end given") and "ongoing" not in line


def test_a_project_with_no_end_is_not_said_to_have_ended_or_not(run, write):
    path = write(DATES)
    result = run("list", "--ended-in", "2024", "--fields", "id", "--registry", str(path))
    assert result.stdout == ""
    assert result.stderr == "Not shown, dates unknown: OPEN\n"  # SAID is stated ongoing


def test_a_field_written_by_its_meaning_gets_a_hint_by_meaning(run, write):
    path = write(
        """
        projects:
          - {id: A, title: Alpha, start: 2020, status: finished}
          - {id: B, title: Beta, start: 2020, activity_status: active}
          - {id: C, title: Gamma, budgets: [{amount: 5, currency: EUR}]}
        """
    )
    result = run("check", str(path))
    assert result.exit_code == 1
    hints = [line.strip() for line in result.stderr.splitlines() if "hint:" in line]
    assert "'start'" not in hints[0]  # the closest spelling is not what was meant
    assert hints[0].startswith("hint: did you mean 'activity_status'? write")
    assert "'activity_status: completed'" in hints[0]
    from projreg.model.schema import RECORDED_STATUSES

    assert all(status in hints[0] for status in RECORDED_STATUSES)
    assert hints[1].startswith("hint: did you mean 'ongoing'?")
    assert "did you mean 'value'?" in result.stderr  # a budget's amount is its value


def test_a_status_written_by_its_meaning_is_suggested_on_the_command_line(run):
    result = run("list", "--status", "finished")
    assert result.exit_code == 2
    assert "unknown status 'finished'; did you mean 'completed'?" in result.stderr
    assert "did you mean 'no end given'?" in run("list", "--status", "open-ended").stderr
    fields = run("list", "--fields", "id,finish")
    assert fields.exit_code == 2 and "did you mean 'end' for 'finish'?" in fields.stderr


def test_the_readme_lists_every_status_the_code_accepts():
    from pathlib import Path

    from projreg.model.project import STATUSES

    readme = Path(__file__).parent.parent / "README.md"
    (sentence,) = [p for p in readme.read_text().split("\n\n") if "--status STATUS" in p]
    assert all(f"`{s}`" in sentence or f'`"{s}"`' in sentence for s in STATUSES)


@pytest.mark.parametrize("status", ["ongoing", "no end given", "finalisation", "unknown"])
def test_each_status_the_readme_names_is_accepted(run, status):
    assert run("list", "--status", status).exit_code == 0


def test_every_synonym_means_a_field_or_a_value_the_format_takes():
    from projreg.model import schema, synonyms
    from projreg.model.project import STATUSES

    parts = {p.name for f in (*schema.PROJECT, *schema.TOP) for p in f.parts}
    assert set(synonyms.FIELDS.values()) <= set(schema.NAMES)
    assert set(synonyms.PARTS.values()) <= parts
    assert set(synonyms.STATUSES.values()) <= set(STATUSES)
    choices = {p.name: p.choices for f in schema.PROJECT for p in (f, *f.parts) if p.choices}
    for field, table in synonyms.VALUES.items():
        assert set(table.values()) <= set(choices[field]) | set(STATUSES), field
    # A synonym is never itself a field's name: a field is its own meaning.
    assert not set(synonyms.FIELDS) & {synonyms.meant_key(n) for n in schema.NAMES}


@pytest.mark.parametrize(
    ("written", "typed"), [("15/03/2019", "2019-03-15"), ("2019.03.15", "2019-03-15")]
)
def test_new_gives_the_exact_iso_date_to_type(run, write, written, typed):
    path = write("projects:\n  - {id: A, title: Alpha, start: 2020}\n")
    result = run("new", str(path), "--id", "B", "--title", "Beta", "--start", written)
    assert result.exit_code == 2
    assert f"write it in ISO form: {typed}" in result.stderr
    assert "2018" not in result.stderr  # not the generic example


def test_new_still_refuses_an_ambiguous_date_and_guesses_none(run, write):
    path = write("projects:\n  - {id: A, title: Alpha, start: 2020}\n")
    before = path.read_text()
    result = run("new", str(path), "--id", "B", "--title", "Beta", "--start", "03/04/2019")
    assert result.exit_code == 2
    assert "could be read as more than one date" in result.stderr
    assert "2019-04-03" in result.stderr and "2019-03-04" in result.stderr
    assert path.read_text() == before


@pytest.mark.parametrize(
    ("on", "said"),
    [
        ("2023", "active in 2023"),
        ("2023-06", "active in June 2023"),
        ("2023-06-01", "active on 1 June 2023"),
    ],
)
def test_active_on_a_year_or_a_month_speaks_of_a_period(run, write, on, said):
    path = write("projects:\n  - {id: A, title: Alpha, start: 2022, end: 2024}\n")
    run.terminal = Terminal(stdout_tty=True, width=80, no_color=True)
    result = run("active", "--on", on, "--registry", str(path))
    assert result.stdout.splitlines()[0] == f"1 project {said}"


def test_the_maps_text_lists_countries_with_as_many_projects_by_name(run, write):
    path = write(
        """
        projects:
          - {id: A, title: Alpha, countries: [Zambia, Côte d'Ivoire, Albania, Kyrgyzstan, Kazakhstan]}
          - {id: B, title: Beta, countries: [Zambia]}
        """
    )
    rows = json.loads(run("map", "--json", "--registry", str(path)).stdout)
    names = [row["country"] for row in rows]
    assert names == ["Zambia", "Albania", "Côte d'Ivoire", "Kazakhstan", "Kyrgyzstan"]
    run.terminal = Terminal(stdout_tty=True, width=80, no_color=True)
    table = run("map", "--registry", str(path)).stdout.splitlines()
    assert [line.split("  ")[0] for line in table[1:6]] == names


def test_the_maps_countries_too_small_to_draw_are_named_in_order_of_name(run, write, tmp_path):
    from lxml import etree

    small = ["Tuvalu", "Monaco", "Malta", "Maldives", "Liechtenstein", "Bahrain", "Andorra"]
    path = write(f"projects:\n  - {{id: A, title: Alpha, countries: [{', '.join(small)}]}}\n")
    svg = tmp_path / "map.svg"
    assert run("map", "-o", str(svg), "--registry", str(path)).exit_code == 0
    text = " ".join(" ".join(etree.parse(str(svg)).getroot().itertext()).split())
    listed = text.split("Not drawn (too small for this map, or unknown): ")[1].split(" Country")[0]
    assert [name.strip() for name in listed.split(",")] == sorted(small)


LONG = """
projects:
  - id: A-PROJECT-WITH-A-RATHER-LONG-IDENTIFIER
    title: Alpha
    start: 2020
    status: finished
    activity_status: active
  - {id: B, title: A title long enough to take this line past eighty columns, start: 2020, finish: 2021}
"""


def _words(text: str) -> list[str]:
    """The words of the messages, the quoted lines of the file (cut to fit) aside."""
    import re

    return [
        w for line in text.splitlines() if not re.match(r" +\d* \|", line) for w in line.split()
    ]


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_errors_wrap_at_word_boundaries_to_the_terminal_keeping_the_place_first(
    run, write, width, monkeypatch
):
    monkeypatch.chdir(write(LONG).parent)  # `projreg check registry.yaml`, as a user types it
    piped = run("check", "registry.yaml").stderr
    run.terminal = Terminal(stderr_tty=True, width=width)
    shown = run("check", "registry.yaml").stderr
    assert all(len(line) <= width for line in shown.splitlines()), shown
    assert _words(shown) == _words(piped)  # the same words, none cut
    for headline in (line for line in piped.splitlines() if ": error: " in line):
        place = headline.split(": error: ")[0]
        assert any(line.startswith(f"{place}: error:") for line in shown.splitlines())
        assert place.startswith("registry.yaml:")
    if width < 120:  # the long hint took more than one line, each a whole word apart
        assert len(shown.splitlines()) > len(piped.splitlines())


def test_a_pipe_gets_each_error_on_one_line(run, write):
    path = write(LONG)
    piped = run("check", str(path)).stderr.splitlines()
    hints = [line for line in piped if line.startswith("  hint: ")]
    assert len(hints) == 3 and max(len(h) for h in hints) > 100


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--active-on", "03/04/2019"),  # click's usage error
        ("list", "--status", "finished"),  # projreg's usage error
        ("new", "registry.yaml", "--id", "B", "--title", "Beta", "--start", "15/03/2019"),
    ],
)
def test_command_line_errors_wrap_at_word_boundaries_too(run, write, args, monkeypatch):
    monkeypatch.chdir(write("projects:\n  - {id: A, title: Alpha, start: 2020}\n").parent)
    piped = run(*args).stderr
    run.terminal = Terminal(stderr_tty=True, width=60)
    shown = run(*args).stderr
    assert max(len(line) for line in piped.splitlines()) > 60
    assert all(len(line) <= 60 for line in shown.splitlines()), shown
    assert _words(shown) == _words(piped)


PLACES = """
projects:
  - {id: MALI, title: In Mali, countries: [Mali], start: 2020}
  - {id: NIGER, title: In Niger, countries: [Niger], start: 2021}
  - {id: CAMEROON, title: In Cameroon, countries: [Cameroon], start: 2020}
  - {id: KYRGYZ, title: In Kyrgyzstan, countries: [Kyrgyzstan], start: 2020}
"""


@pytest.mark.parametrize("name", ["Western Africa", "West Africa", "western africa"])
def test_a_standard_region_works_without_the_registry_defining_it(run, write, name):
    path = write(PLACES)
    result = run("list", "--region", name, "--fields", "id,match", "--registry", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "MALI\tvia Mali\nNIGER\tvia Niger\n"  # Cameroon: Middle Africa
    assert "Western Africa, the UN M49 intermediate region 011" in result.stderr


def test_a_standard_region_answers_every_filtering_command(run, write):
    path = write(PLACES)
    region = ("--region", "Sub-Saharan Africa", "--registry", str(path))
    rows = json.loads(run("report", "--by", "country", "--json", *region).stdout)
    assert {row["group"] for row in rows} == {"Mali", "Niger", "Cameroon"}
    assert json.loads(run("stats", "--json", *region).stdout)["projects"] == 3
    assert run("list", "--region", "Eastern Europe", "--registry", str(path)).stdout == ""


def test_projregs_own_region_wins_and_the_output_says_so(run, write):
    path = write(PLACES)
    result = run("list", "--region", "Central Asia", "--fields", "id", "--registry", str(path))
    assert result.stdout == "KYRGYZ\n"
    assert "projreg's own Central Asia (5 countries), not the UN M49 sub-region 143" in (
        result.stderr
    )
    unknown = run("list", "--region", "Westrn Afrika", "--registry", str(path))
    assert unknown.exit_code == 2 and "did you mean 'Western Africa'" in unknown.stderr


def test_the_m49_table_is_whole_and_every_country_in_it_is_known():
    import csv as csv_module
    from pathlib import Path

    import pycountry

    import projreg

    table = Path(projreg.__file__).parent / "data" / "un-m49.tsv"
    with table.open(encoding="utf-8", newline="") as handle:
        rows = {row["code"]: row for row in csv_module.DictReader(handle, delimiter="\t")}
    countries = [row for row in rows.values() if row["level"] == "4"]
    assert len(countries) >= 240
    for row in countries:  # the alpha-2 codes projreg reads are ISO's for the published alpha-3
        assert pycountry.countries.get(alpha_3=row["iso3"]).alpha_2 == row["iso2"]
    for row in rows.values():  # every area is part of the world
        seen = row
        while seen["code"] != "001":
            seen = rows[seen["parent"]]
    regions = {row["name"] for row in rows.values() if row["level"] in "123"}
    assert {"Africa", "Americas", "Asia", "Europe", "Oceania", "Western Africa"} <= regions
