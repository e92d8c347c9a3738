"""Right answers on anyone's registry: nothing misread, nothing dropped, one rule everywhere
(issue 11, "Wrong answers, silently")."""

from __future__ import annotations

import pytest

from projreg.dates import DateError, PartialDate, parse_date
from projreg.lint import check
from projreg.terminal import Terminal

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
