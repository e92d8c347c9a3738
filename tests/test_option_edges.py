"""Options at their edges: completion of fixed values, booleans alike in every format,
--limit saying what it left out, --reverse, --started-in / --ended-in."""

from __future__ import annotations

import pytest

from projreg import load_registry
from projreg.model.dates import parse_date
from projreg.query.filters import Filters, select
from projreg.render.terminal import Terminal

from .conftest import TODAY
from .test_formats import complete

OTHER = "projects:\n  - {id: ELSEWHERE-1, title: Elsewhere, start: 2018-03, end: 2018-09}\n"
PUBLISHER = ["--reporting-org-ref", "XM-X", "--reporting-org-name", "X", "--reporting-org-type", "10"]  # fmt: skip


@pytest.mark.parametrize(
    ("words", "offered"),
    [
        (("list", "--status", "o"), ["ongoing"]),
        (("list", "--sort", "s"), ["start"]),
        (("active", "--sort", ""), ["id", "start", "end", "title"]),
        (("list", "-f", "j"), ["json"]),
        (("report", "--by", "d"), ["donor"]),
        (("list", "--color", "a"), ["auto", "always"]),
        (("check", "-f", ""), ["text", "json"]),
        (("export", "-f", ""), ["iati-xml", "json", "csv", "sqlite"]),
    ],
)
def test_fixed_values_are_completed_never_file_names(words, offered):
    assert complete(*words) == offered


def test_booleans_read_the_same_in_every_format(run):
    csv_rows = run("timeline", "-f", "csv").stdout.splitlines()
    assert csv_rows[0] == "id,start,end,open_end"
    assert csv_rows[1] == "PRAGUE-PROCESS,2009-04,,true"
    assert "EAP-IBM-CABUIPRO,2014-07,2017-06,false" in csv_rows
    assert "\ttrue" in run("timeline").stdout
    assert '"open_end": true' in run("timeline", "--json").stdout


def test_limit_says_how_many_it_left_out(run):
    result = run("list", "--limit", "2")
    assert len(result.stdout.splitlines()) == 2
    assert result.stderr == "Showing 2 of 8 projects (--limit).\n"
    assert run("list", "--limit", "8").stderr == ""
    run.terminal = Terminal(stdout_tty=True, width=120, no_color=True)
    assert (
        run("list", "--limit", "2").stdout.splitlines()[-1] == "Showing 2 of 8 projects (--limit)."
    )


def test_reverse_sorts_latest_first_and_keeps_unknown_dates_last(run, registry):
    ids = run("list", "--sort", "start", "--reverse", "--fields", "id").stdout.split()
    assert ids[:2] == ["RESTART", "ENIGMMA-2"] and ids[-1] == "PP-DATA"
    assert run("list", "--reverse", "--fields", "id", "--limit", "1").stdout == "RESTART\n"
    selection = select(registry, sort="end", reverse=True)
    assert selection.matches[0].project.id == "ENIGMMA-2"
    assert {m.project.id for m in selection.matches[-2:]} == {"PP-DATA", "PRAGUE-PROCESS"}


def test_started_in_and_ended_in_a_period(run, registry):
    def ids(**filters):
        selection = select(registry, Filters(today=TODAY, **filters))
        return [m.project.id for m in selection.matches], [p.id for p in selection.undetermined]

    assert ids(ended_in=parse_date("2018")) == (["BOMCA-9", "MIBMA"], ["PP-DATA"])
    assert ids(started_in=parse_date("2016-01")) == (["MIBMA", "MOBILAZE"], ["PP-DATA"])
    assert ids(started_in=parse_date("2019-01")) == (["RESTART"], ["PP-DATA"])
    result = run("list", "--ended-in", "2018", "--fields", "id")
    assert result.stdout == "BOMCA-9\nMIBMA\n"
    assert result.stderr == "Not shown, dates unknown: PP-DATA\n"
    assert run("report", "--by", "year", "--started-in", "2016").exit_code == 0
    assert run("list", "--ended-in", "2018-13").exit_code == 2


def test_a_period_coarser_than_the_date_cannot_answer(write):
    path = write(
        "projects:\n"
        "  - {id: YEAR, title: a, start: 2018, end: 2019}\n"
        "  - {id: DAY, title: b, start: 2018-06-15, end: 2030-01-01}\n"
        "  - {id: OPEN, title: c, start: 2015-02}\n"
    )
    registry = load_registry(path)

    def ids(**filters):
        selection = select(registry, Filters(today=TODAY, **filters))
        return [m.project.id for m in selection.matches], [p.id for p in selection.undetermined]

    assert ids(started_in=parse_date("2018-06")) == (["DAY"], ["YEAR"])
    assert ids(started_in=parse_date("2018")) == (["DAY", "YEAR"], [])
    # OPEN gives no end: whether it ended in March 2019 is not known (issue 24), though it
    # cannot have ended before it started.
    assert ids(ended_in=parse_date("2019-03")) == ([], ["YEAR", "OPEN"])
    assert ids(ended_in=parse_date("2014")) == ([], [])
    assert ids(ended_in=parse_date("2031")) == ([], ["OPEN"])  # it may end by then


def test_projects_with_unknown_dates_are_named_in_a_line_not_a_page(run, write):
    path = write(
        "projects:\n"
        + "".join(f"  - {{id: U-{i:02d}, title: Undated}}\n" for i in range(25))
        + "  - {id: D-1, title: Dated, start: 2018, end: 2019}\n"
    )
    result = run("--registry", str(path), "active", "--on", "2018-06", "-f", "tsv")
    named = ", ".join(f"U-{i:02d}" for i in range(20))
    assert result.stdout.startswith("D-1\t")
    assert result.stderr == f"Dates unknown: {named} and 5 more\n"
