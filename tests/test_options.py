"""Options declared once (options.py): every filtering command takes every filter, every
printing command every output option, every registry-reading command --registry anywhere;
and output fits terminals of 60, 80, 120 and 200 columns."""

import pytest

from projreg.options import FILTER_OPTIONS, OUTPUT_OPTIONS
from projreg.render.terminal import Terminal

EXPORT = [
    "export",
    "--reporting-org-ref",
    "XM-X",
    "--reporting-org-name",
    "X",
    "--reporting-org-type",
    "40",
]
FILTERING = {
    "list": ["list"],
    "active": ["active", "--on", "2018"],
    "report": ["report", "--by", "donor"],
    "timeline": ["timeline"],
    "stats": ["stats"],
    "map": ["map"],
    "export": EXPORT,
}
PRINTING = {name: args for name, args in FILTERING.items() if name != "export"}
PRINTING["show"] = ["show", "ENIGMMA-2"]

# A valid value for each filter, by its parameter name; the test fails when a filter is added
# to options.FILTER_OPTIONS without one here.
SAMPLES = {
    "country": ["--country", "Georgia"],
    "region": ["--region", "Central Asia"],
    "donor": ["--donor", "European Union"],
    "agency": ["--agency", "ICMPD"],
    "active_on": ["--active-on", "2018"],
    "between": ["--between", "2016", "2018"],
    "started_in": ["--started-in", "2016"],
    "ended_in": ["--ended-in", "2018"],
    "status": ["--status", "completed"],
    "search": ["--search", "migration"],
    "direct": ["--country", "Georgia", "--direct"],
    "today": ["--today", "2026-11-27"],
}


def flag_of(parameter) -> str:
    """The long flag of a declared option (Typer keeps the first name as the default)."""
    return parameter.annotation.__metadata__[0].default


def test_every_filter_has_a_sample():
    assert {p.name for p in FILTER_OPTIONS} == set(SAMPLES)


@pytest.mark.parametrize("command", list(FILTERING))
def test_every_filtering_command_takes_every_filter(run, command):
    for name, sample in SAMPLES.items():
        result = run(*FILTERING[command], *sample)
        assert result.exit_code == 0, (command, name, result.stderr)
        assert "No such option" not in result.stderr
    help_text = run(*FILTERING[command][:1], "--help").stdout
    for parameter in FILTER_OPTIONS:
        assert flag_of(parameter) in help_text, (command, flag_of(parameter))


@pytest.mark.parametrize("command", list(PRINTING))
def test_every_printing_command_takes_every_output_option(run, command):
    for option in (["-f", "json"], ["--json"], ["--color", "never"], ["-f", "tsv"]):
        result = run(*PRINTING[command], *option)
        assert result.exit_code == 0, (command, option, result.stderr)
    help_text = run(PRINTING[command][0], "--help").stdout
    for parameter in OUTPUT_OPTIONS:
        assert flag_of(parameter) in help_text, (command, flag_of(parameter))


@pytest.mark.parametrize("command", [*PRINTING, "export"])
def test_registry_works_before_and_after_the_command(run, write, command):
    path = write(
        "projects:\n  - {id: ENIGMMA-2, title: Only one, start: 2017, end: 2018, donors: [EU]}\n"
    )
    args = (PRINTING | FILTERING)[command]
    before = run("--registry", str(path), *args)
    after = run(*args, "--registry", str(path))
    assert before.exit_code == after.exit_code == 0, (before.stderr, after.stderr)
    assert before.stdout == after.stdout
    assert "Only one" in run(*args, "--registry", str(path), "--json").stdout or command in (
        "report",
        "timeline",
        "stats",
        "map",
        "export",
    )


@pytest.mark.parametrize("width", [60, 80, 120, 200])
@pytest.mark.parametrize("command", list(PRINTING))
def test_output_fits_the_terminal(run, command, width):
    result = run(
        *PRINTING[command],
        "--today",
        "2026-11-27",
        terminal=Terminal(stdout_tty=True, width=width, no_color=True),
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines, command
    assert max(len(line) for line in lines) <= width, (command, width)


def test_a_usage_error_exits_2_and_a_lookup_error_1(run):
    assert run("list", "--status", "finished").exit_code == 2
    assert run("list", "--country", "Atlantis").exit_code == 2
    assert run("show", "NO-SUCH-PROJECT").exit_code == 1
    result = run("list", "--fields", "nope")
    assert result.exit_code == 2 and "available fields" in result.stderr
