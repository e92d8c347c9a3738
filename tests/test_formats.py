"""Output formats of every command, in terminal mode and in pipe mode, parsed back."""

import csv
import io
import json

import pytest
import yaml
from typer.testing import CliRunner

from projreg import load_registry
from projreg.cli import app
from projreg.fields import LIST_FIELDS, SHOW_FIELDS
from projreg.terminal import Terminal

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
    if command == "show":
        assert [r[0] for r in rows] == list(SHOW_FIELDS)
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
    assert "─" in table and "Coverage" in table and "\t" not in table


@pytest.mark.parametrize("command", list(COMMANDS))
def test_csv(run, mode, command):
    rows = list(csv.reader(io.StringIO(run(*COMMANDS[command], "-f", "csv").stdout)))
    header, body = rows[0], rows[1:]
    if command == "show":
        assert header == list(SHOW_FIELDS)
        assert len(body) == 1
        assert body[0][header.index("manager")] == "Violeta Wagner"
    else:
        assert header[: len(LIST_FIELDS)] == list(LIST_FIELDS)
        assert [r[0] for r in body] == EXPECTED_IDS[command]


def test_csv_keeps_paragraphs(run):
    rows = list(csv.DictReader(io.StringIO(run("show", "ENIGMMA-2", "-f", "csv").stdout)))
    assert rows[0]["summary"].count("\n") == 2


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
    header = next(csv.reader(io.StringIO(run(*args, "-f", "csv").stdout)))
    assert header == ["end", "id"]
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
    assert complete("list", "--region", "Cen") == ["Central Asia"]
    assert complete("list", "--donor", "Eu") == ["European Commission", "European Union"]
    assert complete("list", "--agency", "UN") == ["UNDP"]
    other = write("projects:\n  - {id: ENDLESS, title: x}\n")
    assert complete("--registry", str(other), "show", "EN") == ["ENDLESS"]


@pytest.mark.parametrize("width", [60, 80, 100, 120, 200])
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["list"], ["EAP-IBM-CABUIPRO", "PRAGUE-PROCESS", "2019-01-01", "completed"]),
        (["list", "--country", "az"], ["EAP-IBM-CABUIPRO", "2020-06-30", "via"]),
        (["report", "--by", "country"], ["EAP-IBM-CABUIPRO,", "PRAGUE-PROCESS", "2020-06-30"]),
        (["active", "--on", "2018"], ["PRAGUE-PROCESS", "BOMCA-9", "2015-06", "completed"]),
    ],
)
def test_tables_never_cut_ids_or_dates(run, width, args, words):
    result = run(*args, "-f", "table", env={"COLUMNS": str(width)})
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    text = " ".join(lines)
    if width >= 80:  # from 80 columns on, every id, date and status stands whole on one line
        for word in words:
            assert word in text.split(), (word, width)
    assert "…" not in text  # nothing is cut: what does not fit is folded
