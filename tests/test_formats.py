"""Output formats of every command, in terminal mode and in pipe mode, parsed back."""

import csv
import io
import json
import re

import pytest
import yaml
from typer.testing import CliRunner

from projreg import load_registry
from projreg.cli import app
from projreg.model.fields import LIST_FIELDS, SHOW_FIELDS
from projreg.model.project import STATUSES
from projreg.render.terminal import Terminal

COMMANDS = {
    "list": ["list", "--country", "Georgia"],
    "active": ["active", "--on", "2018-06-01"],
    "show": ["show", "ENIGMMA-2"],
}
GEORGIA = ["EAP-IBM-CABUIPRO", "ENIGMMA-2", "PP-DATA", "PRAGUE-PROCESS"]
ACTIVE = ["PRAGUE-PROCESS", "BOMCA-9", "MIBMA", "MOBILAZE", "ENIGMMA-2"]
EXPECTED_IDS = {"list": GEORGIA, "active": ACTIVE, "show": ["ENIGMMA-2"]}


@pytest.fixture(params=["pipe", "terminal"])
def mode(request, run):
    run.terminal = Terminal(stdout_tty=request.param == "terminal")
    return request.param


def ids_of(records):
    return [r["id"] for r in records]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_json(run, mode, command):
    result = run(*COMMANDS[command], "-f", "json")
    data = json.loads(result.stdout)
    if command == "show":
        assert isinstance(data, dict)
        assert list(data) == list(SHOW_FIELDS)
        assert data["start"] == "2017-09"
        assert data["start_precision"] == "month"
        assert data["duration_months"] is None
    else:
        assert ids_of(data) == EXPECTED_IDS[command]
        assert all(list(r)[: len(SHOW_FIELDS)] == list(SHOW_FIELDS) for r in data)


def test_json_shorthand_and_unknown_is_null(run):
    data = json.loads(run("show", "PP-DATA", "--json").stdout)
    assert (data["start"], data["end"], data["start_precision"]) == (None, None, None)
    assert data["status"] == "unknown"
    assert data["duration_months"] == 36


def test_json_day_precision(run):
    data = json.loads(run("show", "RESTART", "--json").stdout)
    assert (data["start"], data["start_precision"]) == ("2019-01-01", "day")


@pytest.mark.parametrize("command", list(COMMANDS))
def test_tsv(run, mode, command):
    result = run(*COMMANDS[command], "-f", "tsv")
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert "\x1b" not in result.stdout
    if command == "show":  # key<TAB>value; list items repeat the key, records number it
        keys = [re.sub(r"\[\d+\]\..*", "", r[0]) for r in rows]
        assert list(dict.fromkeys(keys)) == list(SHOW_FIELDS)
        assert all(len(r) == 2 for r in rows)
    else:
        assert [r[0] for r in rows] == EXPECTED_IDS[command]
        width = len(LIST_FIELDS) + (command == "list")  # list --country adds "match"
        assert {len(r) for r in rows} == {width}


def test_pipe_default_is_tsv_and_terminal_default_is_table(run, monkeypatch):
    run.terminal = Terminal(stdout_tty=False)
    piped = run("list", "--country", "Georgia").stdout
    assert [line.split("\t")[0] for line in piped.splitlines()] == GEORGIA
    run.terminal = Terminal(stdout_tty=True)
    table = run("list", "--country", "Georgia").stdout
    assert "Coverage" in table.splitlines()[0] and "\t" not in table


@pytest.mark.parametrize("command", list(COMMANDS))
def test_csv(run, mode, command):
    rows = list(csv.reader(io.StringIO(run(*COMMANDS[command], "-f", "csv").stdout)))
    header, body = rows[0], rows[1:]
    if command == "show":  # field,value: one row per scalar and per list item
        assert header == ["field", "value"]
        assert ["manager", "Violeta Wagner"] in body
        keys = [re.sub(r"\[\d+\]\..*", "", r[0]) for r in body]
        assert list(dict.fromkeys(keys)) == list(SHOW_FIELDS)
    else:
        assert header[: len(LIST_FIELDS)] == list(LIST_FIELDS)
        assert [r[0] for r in body] == EXPECTED_IDS[command]


def test_csv_keeps_paragraphs(run):
    rows = dict(csv.reader(io.StringIO(run("show", "ENIGMMA-2", "-f", "csv").stdout)))
    assert rows["summary"].count("\n") == 2


@pytest.mark.parametrize("command", list(COMMANDS))
def test_markdown(run, mode, command):
    lines = run(*COMMANDS[command], "-f", "markdown").stdout.splitlines()
    assert all(line.startswith("|") and line.endswith("|") for line in lines)
    assert set(lines[1]) <= set("|-")
    if command != "show":
        assert [line.split(" | ")[0].lstrip("| ") for line in lines[2:]] == EXPECTED_IDS[command]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_yaml(run, mode, command):
    data = yaml.safe_load(run(*COMMANDS[command], "-f", "yaml").stdout)
    if command == "show":
        assert data["id"] == "ENIGMMA-2"
        assert len(data["components"]) == 4
    else:
        assert ids_of(data["projects"]) == EXPECTED_IDS[command]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_table(run, mode, command):
    result = run(*COMMANDS[command], "-f", "table")
    assert result.exit_code == 0
    for project_id in EXPECTED_IDS[command]:
        assert project_id in result.stdout
    assert "\t" not in result.stdout


@pytest.mark.parametrize("command", list(COMMANDS))
def test_fields_choose_and_order_columns_in_every_format(run, command):
    args = [*COMMANDS[command], "--fields", "end,id"]
    data = json.loads(run(*args, "--json").stdout)
    first = data if command == "show" else data[0]
    assert list(first) == ["end", "id"]
    rows = list(csv.reader(io.StringIO(run(*args, "-f", "csv").stdout)))
    if command == "show":
        assert [r[0] for r in rows[1:]] == ["end", "id"]
    else:
        assert rows[0] == ["end", "id"]
    if command != "show":
        row = run(*args, "-f", "tsv").stdout.splitlines()[0].split("\t")
        assert row[1] == EXPECTED_IDS[command][0]
        records = yaml.safe_load(run(*args, "-f", "yaml").stdout)
        assert list(records[0]) == ["end", "id"]


def test_yaml_output_is_a_registry_that_round_trips(run, tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(run("list", "-f", "yaml").stdout, encoding="utf-8")
    original, copy = load_registry(), load_registry(path)
    by_id = {p.id: p for p in original.projects}
    assert [p.id for p in copy.projects] == sorted(by_id)  # list sorts by id
    for project in copy.projects:
        assert project == by_id[project.id]
    assert copy.organisations == original.organisations
    again = run("--registry", str(path), "list", "-f", "json", "--today", "2020-01-01").stdout
    assert again == run("list", "-f", "json", "--today", "2020-01-01").stdout


def test_yaml_of_a_filtered_list_loads_as_that_selection(run, tmp_path):
    path = tmp_path / "az.yaml"
    path.write_text(
        run("list", "--country", "az", "--direct", "-f", "yaml").stdout, encoding="utf-8"
    )
    assert [p.id for p in load_registry(path).projects] == [
        "EAP-IBM-CABUIPRO",
        "MOBILAZE",
        "RESTART",
    ]


def test_colour(run):
    coloured = run("list", "-f", "table", "--color", "always").stdout
    assert "\x1b[" in coloured
    plain = run("list", "-f", "table", "--color", "never").stdout
    assert "\x1b[" not in plain
    forced = run("list", "-f", "table", "--color", "always", env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" in forced  # an explicit --color always outranks NO_COLOR


def test_no_color_and_dumb_terminal_are_respected():
    runner = CliRunner()
    coloured = runner.invoke(app, ["list", "-f", "table"], env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[36m" in coloured  # ids are cyan on a colour terminal
    for env in ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, {"TERM": "dumb", "FORCE_COLOR": "1"}):
        result = runner.invoke(app, ["list", "-f", "table"], env=env)
        # NO_COLOR forbids colour; bold (a style, not a colour) may stay.
        assert "\x1b[36m" not in result.stdout, env


def test_table_fits_the_terminal_width(run):
    for width in (60, 100):
        result = run("show", "ENIGMMA-2", "-f", "table", env={"COLUMNS": str(width)})
        lines = result.stdout.splitlines()
        assert max(len(line) for line in lines) <= width
        # Long text wraps rather than being cut: its last words are still there.
        assert "exchange visits to Georgia (4)." in " ".join(" ".join(lines).split())


def complete(*words):
    env = {
        "_PROJREG_COMPLETE": "complete_bash",
        "COMP_WORDS": " ".join(["projreg", *words]),
        "COMP_CWORD": str(len(words)),
    }
    return CliRunner().invoke(app, [], env=env, prog_name="projreg").stdout.splitlines()


def test_completion_reads_the_registry_in_use(write):
    assert complete("show", "EN") == ["ENIGMMA-2"]
    assert complete("list", "--country", "Geo") == ["Georgia"]
    # our own region first, then the IATI (OECD DAC) region of that name
    offered = complete("list", "--region", "Cen")  # ours, the DAC's, the UN M49's
    assert sorted(offered) == ["Central America", "Central Asia", "Central Asia, regional"]
    assert complete("list", "--donor", "Eu") == ["European Commission", "European Union"]
    assert complete("list", "--agency", "UN") == ["UNDP"]
    other = write("projects:\n  - {id: ENDLESS, title: x}\n")
    assert complete("--registry", str(other), "show", "EN") == ["ENDLESS"]


DAY = r"\d{4}-\d\d(-\d\d)?"
TABLES = [
    ["list"],
    ["list", "--country", "Azerbaijan"],  # the README's first command
    ["list", "--country", "az", "--fields", "id,title,donors,implementers,countries,start,end"],
    ["report", "--by", "country"],
    ["active", "--on", "2018"],
]


@pytest.mark.parametrize("args", TABLES)
def test_tables_are_one_line_per_row_and_never_break_a_word(run, args):
    """At 60, 80, 120 and 200 columns: every row on one line within the width; ids, dates
    and statuses whole; text either whole words or cut at the end with "…"."""
    piped = run(*args).stdout.splitlines()
    words = {w.strip(",;()") for line in piped for w in line.replace("\t", " ").split()}
    first_column = [line.split("\t")[0] for line in piped]
    for width in (60, 80, 120, 200):
        run.terminal = Terminal(stdout_tty=True, width=width, no_color=True)
        lines = run(*args).stdout.splitlines()
        header = next(i for i, line in enumerate(lines) if line.split()[0] in ("ID", "Country"))
        assert header <= 1, lines  # a title, the header, then one line per row
        body = lines[header + 1 : header + 1 + len(piped)]
        assert all(len(line) <= width for line in lines), width
        assert [line.split("  ")[0] for line in body] == first_column
        for line in body:
            for token in line.split():
                token = token.strip(",;()")
                assert token.endswith("…") or token in words or token == "—", (width, token)
        if width >= 80:  # every date and status stands whole
            for row, line in zip(piped, body, strict=True):
                short = [v for v in row.split("\t") if v in STATUSES or re.fullmatch(DAY, v)]
                assert all(v in line.split() for v in short), (width, line)


def test_a_narrow_terminal_leaves_out_low_value_columns_first(run):
    run.terminal = Terminal(stdout_tty=True, width=80, no_color=True)
    result = run("list", "--country", "Azerbaijan")
    header = result.stdout.splitlines()[0].split()
    assert header == ["ID", "Title", "Start", "End", "Status"]
    assert "Partnership" in result.stdout or "Partners…" in result.stdout
    assert "Partners|hip" not in result.stdout and "Azerbaij\n" not in result.stdout
    assert "Not shown here: Coverage, Match" in result.stderr
    run.terminal = Terminal(stdout_tty=True, width=200, no_color=True)
    assert run("list", "--country", "Azerbaijan").stdout.split()[:7] == [
        "ID", "Title", "Coverage", "Start", "End", "Status", "Match"
    ]  # fmt: skip


def test_table_widths_count_terminal_cells_for_wide_characters():
    from projreg.render.output import Output, emit_rows

    rows = [
        {"id": "A-1", "title": "東京の国境管理プロジェクト" * 4, "status": "ongoing"},
        {"id": "B-2", "title": "Border 🛂 management " * 6, "status": "completed"},
    ]
    out = Output("table", "never", Terminal(stdout_tty=True, width=60))
    buffer = io.StringIO()
    out.write = buffer.write
    emit_rows(out, rows, ["id", "title", "status"])
    from rich.cells import cell_len

    lines = buffer.getvalue().splitlines()
    assert len(lines) == 3 and all(cell_len(line) <= 60 for line in lines)
    assert [line.split()[-1] for line in lines[1:]] == ["ongoing", "completed"]


def test_colour_marks_only_the_id_column_and_header(run):
    run.terminal = Terminal(stdout_tty=True, width=120)
    lines = run("list").stdout.splitlines()
    assert lines[0].startswith("\x1b[1m")
    assert lines[1].startswith("\x1b[36mBOMCA-9\x1b[0m")
    assert "\x1b[" not in lines[1].split("\x1b[0m", 1)[1]


def test_lists_show_the_dates_that_answer_planned_ones_marked(run, write):
    path = write(
        """
        projects:
          - {id: P-1, title: Planned only, planned_start: 2019-01-01, planned_end: 2030-12-31}
          - {id: A-1, title: Actual start, start: 2018-03, planned_end: 2021}
        """
    )
    rows = [line.split("\t") for line in run("--registry", str(path), "list").stdout.splitlines()]
    assert rows[0][:5] == ["A-1", "Actual start", "", "2018-03", "2021 (planned)"]
    assert rows[1][:5] == [
        "P-1",
        "Planned only",
        "",
        "2019-01-01 (planned)",
        "2030-12-31 (planned)",
    ]
    # JSON keeps the stored fields apart: start is the actual start, or null.
    data = json.loads(run("--registry", str(path), "list", "--json").stdout)
    assert [(r["start"], r["planned_start"], r["dates_basis"]) for r in data] == [
        ("2018-03", None, "mixed"),
        (None, "2019-01-01", "planned"),
    ]
    run.terminal = Terminal(stdout_tty=True, width=120, no_color=True)
    table = run("--registry", str(path), "list").stdout
    assert "2019-01-01 (planned)" in table and "Start" in table.splitlines()[0]


def test_how_projects_matched_is_said_when_the_match_column_is_left_out(run):
    run.terminal = Terminal(stdout_tty=True, width=80, no_color=True)
    result = run("list", "--country", "Azerbaijan")
    assert "Match" not in result.stdout.splitlines()[0]
    assert "Via Eastern Partnership: PP-DATA, PRAGUE-PROCESS" in result.stdout
    run.terminal = Terminal(stdout_tty=True, width=200, no_color=True)
    wide = run("list", "--country", "Azerbaijan").stdout
    assert "Match" in wide.splitlines()[0] and "Via Eastern Partnership:" not in wide
