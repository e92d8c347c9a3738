"""Date filters at their edges: the first and last day of every period, at year, month
and day precision, projects without an end, one-day ranges, and dates that are refused.

Expectations come from what the README and docs/registry-format.md say the filters mean:
a start begins on the first day of what it names, an end lasts until the last day;
--active-on and --between mean overlap; --started-in and --ended-in mean "within that
period", and a date coarser than the period cannot tell, so the project is set apart as
undetermined, never counted ("date filters never guess").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from projreg.model.dates import MONTH_NAMES, DateError, PartialDate, parse_date
from projreg.model.project import Project, Registry
from projreg.query.filters import FilterError, Filters, select

TODAY = dt.date(2026, 11, 27)
YES, NO, UNKNOWN = "yes", "no", "unknown"


def answer(project: Project, today: dt.date = TODAY, **filters) -> str:
    """yes (matched), no (left out) or unknown (set apart) for one project."""
    selection = select(Registry((project,)), Filters(today=today, **filters))
    assert len(selection.matches) + len(selection.undetermined) <= 1
    if selection.matches:
        return YES
    return UNKNOWN if selection.undetermined else NO


def project(start=None, end=None, planned_start=None, planned_end=None, id="P-1") -> Project:
    def made(text):
        return parse_date(text) if text else None

    return Project(
        id=id,
        title=id,
        start=made(start),
        end=made(end),
        planned_start=made(planned_start),
        planned_end=made(planned_end),
    )


def d(text: str) -> PartialDate:
    return parse_date(text)


# One project per precision, all running from the first day of March to the last day
# of June 2018 (the year one: 2016 to 2018): the edges are the same days whatever the
# precision they were written at.
DAY_PROJECT = project("2018-03-01", "2018-06-30")
MONTH_PROJECT = project("2018-03", "2018-06")
WORDS_PROJECT = project("1 March 2018", "June 2018")
YEAR_PROJECT = project("2016", "2018")


@pytest.mark.parametrize("running", [DAY_PROJECT, MONTH_PROJECT, WORDS_PROJECT])
@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2018-02-28", NO),  # the day before the start
        ("2018-03-01", YES),  # the first day
        ("2018-06-30", YES),  # the last day
        ("2018-07-01", NO),  # the day after the end
        ("2018-02", NO),
        ("2018-03", YES),
        ("2018-06", YES),
        ("2018-07", NO),
        ("2017", NO),
        ("2018", YES),
        ("2019", NO),
        ("2017-12-31", NO),
        ("2019-01-01", NO),
    ],
)
def test_active_on_the_first_and_last_day(running, on, expected):
    assert answer(running, active_on=d(on)) == expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2015-12-31", NO),
        ("2016-01-01", YES),
        ("2015-12", NO),
        ("2016-01", YES),
        ("2015", NO),
        ("2016", YES),
        ("2018-12-31", YES),
        ("2018-12", YES),
        ("2018", YES),
        ("2019-01-01", NO),
        ("2019-01", NO),
        ("2019", NO),
    ],
)
def test_active_on_a_project_written_in_years(on, expected):
    assert answer(YEAR_PROJECT, active_on=d(on)) == expected


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        # One-day ranges on each edge.
        ("2018-02-28", "2018-02-28", NO),
        ("2018-03-01", "2018-03-01", YES),
        ("2018-06-30", "2018-06-30", YES),
        ("2018-07-01", "2018-07-01", NO),
        # Ranges that end on the first day or start on the last.
        ("2017-01-01", "2018-03-01", YES),
        ("2017-01-01", "2018-02-28", NO),
        ("2018-06-30", "2020-12-31", YES),
        ("2018-07-01", "2020-12-31", NO),
        # A range around the whole project, and one inside it.
        ("2017", "2019", YES),
        ("2018-04-10", "2018-04-11", YES),
        # Months and years as either end.
        ("2018-01", "2018-02", NO),
        ("2018-01", "2018-03", YES),
        ("2018-06", "2018-09", YES),
        ("2018-07", "2018-09", NO),
        ("2017", "2017", NO),
        ("2018", "2018", YES),
        ("2019", "2019", NO),
        ("2010", "2018-02", NO),
        ("2018-07", "2030", NO),
    ],
)
@pytest.mark.parametrize("running", [DAY_PROJECT, MONTH_PROJECT, WORDS_PROJECT])
def test_between_is_overlap_at_the_edges(running, first, last, expected):
    assert answer(running, between=(d(first), d(last))) == expected


@pytest.mark.parametrize(
    ("first", "last"), [("2018-06-15", "2018-06-15"), ("2018-06", "2018-06-15"), ("2018", "2018")]
)
def test_a_range_of_one_day_or_period_is_accepted(first, last):
    assert answer(project("2018-06-15", "2018-06-15"), between=(d(first), d(last))) == YES


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("2018-06-16", "2018-06-15"),
        ("2018-07", "2018-06"),
        ("2019", "2018"),
        ("2018-07-01", "2018-06"),
    ],
)
def test_a_range_that_ends_before_it_starts_is_refused(first, last):
    with pytest.raises(FilterError, match="ends before it starts"):
        select(Registry((DAY_PROJECT,)), Filters(between=(d(first), d(last)), today=TODAY))


# A project that started and has no end may still run: it overlaps every later range.
ONGOING = project("2018-03-15")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"active_on": d("2018-03-14")}, NO),
        ({"active_on": d("2018-03-15")}, YES),
        ({"active_on": d("2018-03")}, YES),
        ({"active_on": d("2018-02")}, NO),
        ({"active_on": d("2017")}, NO),
        ({"active_on": d("9999-12-31")}, YES),
        ({"between": (d("2010"), d("2018-03-14"))}, NO),
        ({"between": (d("2010"), d("2018-03-15"))}, YES),
        ({"between": (d("2030"), d("2031"))}, YES),
    ],
)
def test_a_project_without_an_end_runs_on(filters, expected):
    assert answer(ONGOING, **filters) == expected


@pytest.mark.parametrize(
    "filters",
    [
        {"active_on": d("2018")},
        {"between": (d("1000"), d("9999"))},
        {"started_in": d("2018")},
        {"ended_in": d("2018")},
    ],
)
def test_a_project_without_dates_is_set_apart(filters):
    assert answer(project(), **filters) == UNKNOWN


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"active_on": d("2018-07-01")}, NO),  # after its end: it cannot be running
        ({"active_on": d("2018-06-30")}, UNKNOWN),  # on its last day, but had it started?
        ({"active_on": d("2010")}, UNKNOWN),
        ({"between": (d("2018-07"), d("2019"))}, NO),
        ({"between": (d("2018-06"), d("2019"))}, UNKNOWN),
    ],
)
def test_a_project_with_only_an_end_answers_only_after_it(filters, expected):
    assert answer(project(end="2018-06"), **filters) == expected


STARTED = [
    # (start as written, period asked, answer)
    ("2018-01-01", "2018", YES),
    ("2018-01-01", "2018-01", YES),
    ("2018-01-01", "2018-01-01", YES),
    ("2018-01-01", "2017", NO),
    ("2018-01-01", "2017-12", NO),
    ("2018-01-01", "2017-12-31", NO),
    ("2018-01-01", "2018-01-02", NO),
    ("2018-12-31", "2018", YES),
    ("2018-12-31", "2018-12", YES),
    ("2018-12-31", "2018-12-31", YES),
    ("2018-12-31", "2018-12-30", NO),
    ("2018-12-31", "2019", NO),
    ("2018-12-31", "2019-01", NO),
    ("2018-12-31", "2019-01-01", NO),
    ("2018-06", "2018-06", YES),
    ("2018-06", "2018", YES),
    ("2018-06", "2018-05", NO),
    ("2018-06", "2018-07", NO),
    ("2018-06", "2018-05-31", NO),
    ("2018-06", "2018-07-01", NO),
    # A start coarser than the period cannot tell: never guessed either way.
    ("2018-06", "2018-06-01", UNKNOWN),
    ("2018-06", "2018-06-30", UNKNOWN),
    ("2018", "2018", YES),
    ("2018", "2018-01", UNKNOWN),
    ("2018", "2018-12", UNKNOWN),
    ("2018", "2018-06", UNKNOWN),
    ("2018", "2018-01-01", UNKNOWN),
    ("2018", "2018-12-31", UNKNOWN),
    ("2018", "2017", NO),
    ("2018", "2017-12", NO),
    ("2018", "2017-12-31", NO),
    ("2018", "2019", NO),
    ("2018", "2019-01", NO),
    ("2018", "2019-01-01", NO),
]


@pytest.mark.parametrize(("start", "period", "expected"), STARTED)
def test_started_in_at_every_precision(start, period, expected):
    assert answer(project(start, "2030"), started_in=d(period)) == expected
    # the planned start answers when there is no actual one
    assert answer(project(planned_start=start), started_in=d(period)) == expected


def test_started_in_prefers_the_actual_start_to_the_planned_one():
    both = project("2018-06-30", planned_start="2018-01-01")
    assert answer(both, started_in=d("2018-06")) == YES
    assert answer(both, started_in=d("2018-01")) == NO


@pytest.mark.parametrize(("end", "period", "expected"), STARTED)
def test_ended_in_at_every_precision(end, period, expected):
    assert answer(project("1999", end), ended_in=d(period)) == expected
    assert answer(project(planned_end=end), ended_in=d(period)) == expected


def test_a_project_ending_on_the_last_day_of_a_month_ended_in_that_month():
    ended = project("2016-01-01", "2018-06-30")
    assert answer(ended, ended_in=d("2018-06")) == YES
    assert answer(ended, ended_in=d("2018")) == YES
    assert answer(ended, ended_in=d("2018-06-30")) == YES
    assert answer(ended, ended_in=d("2018-07")) == NO


def test_ended_in_prefers_the_actual_end_to_the_planned_one():
    both = project("2016", "2018-06-30", planned_end="2019-01-01")
    assert answer(both, ended_in=d("2018-06")) == YES
    assert answer(both, ended_in=d("2019")) == NO


@pytest.mark.parametrize(
    ("period", "today", "expected", "stated"),
    [
        # A period over before today: an ongoing project (so stated) had not ended in it;
        # without a stated status, whether it ended since cannot be known.
        ("2018", dt.date(2019, 1, 1), NO, UNKNOWN),
        ("2018-12", dt.date(2019, 1, 1), NO, UNKNOWN),
        ("2018-12-31", dt.date(2019, 1, 1), NO, UNKNOWN),
        # A period that lasts until today or later: it may yet end in it.
        ("2018", dt.date(2018, 12, 31), UNKNOWN, UNKNOWN),
        ("2018-12", dt.date(2018, 12, 31), UNKNOWN, UNKNOWN),
        ("2018-12-31", dt.date(2018, 12, 31), UNKNOWN, UNKNOWN),
        ("2018", dt.date(2018, 6, 1), UNKNOWN, UNKNOWN),
        # A period before its start: it cannot have ended then.
        ("2018-03-14", dt.date(2018, 1, 1), NO, NO),
        ("2018-02", dt.date(2018, 1, 1), NO, NO),
        ("2017", dt.date(2017, 1, 1), NO, NO),
        # The period that holds its first day (not over): unknown.
        ("2018-03-15", dt.date(2018, 1, 1), UNKNOWN, UNKNOWN),
        ("2018-03", dt.date(2018, 1, 1), UNKNOWN, UNKNOWN),
    ],
)
def test_ended_in_for_a_project_without_an_end(period, today, expected, stated):
    ongoing = dataclasses.replace(ONGOING, activity_status="ongoing")
    assert answer(ongoing, today=today, ended_in=d(period)) == expected
    assert answer(ONGOING, today=today, ended_in=d(period)) == stated


def test_started_in_for_a_project_without_a_start_is_unknown():
    assert answer(project(end="2018"), started_in=d("2018")) == UNKNOWN


def test_date_filters_and_together():
    running = project("2018-03-01", "2018-06-30")
    assert answer(running, active_on=d("2018-04"), started_in=d("2018-03")) == YES
    assert answer(running, active_on=d("2018-04"), started_in=d("2018-04")) == NO
    assert answer(running, started_in=d("2018-03"), ended_in=d("2018-06-30")) == YES
    # one filter that says no outweighs one that cannot tell
    assert answer(project("2018"), started_in=d("2018-06"), ended_in=d("2017")) == NO


# Through the command line: the same meaning, read from -f json and -f tsv.
REGISTRY = """\
projects:
  - {id: DAYS, title: Days, start: 2018-03-01, end: 2018-06-30}
  - {id: MONTHS, title: Months, start: 2018-03, end: June 2018}
  - {id: YEAR, title: Year, start: 2018}
  - {id: NONE, title: No dates}
"""


@pytest.mark.parametrize(
    ("args", "listed", "apart"),
    [
        (["--active-on", "2018-06-30"], {"DAYS", "MONTHS", "YEAR"}, {"NONE"}),
        (["--active-on", "2018-07-01"], {"YEAR"}, {"NONE"}),
        (["--between", "2018-07-01", "2018-07-01"], {"YEAR"}, {"NONE"}),
        (["--between", "2018-02-28", "2018-03-01"], {"DAYS", "MONTHS", "YEAR"}, {"NONE"}),
        (["--started-in", "2018-03"], {"DAYS", "MONTHS"}, {"YEAR", "NONE"}),
        (["--started-in", "2018"], {"DAYS", "MONTHS", "YEAR"}, {"NONE"}),
        (["--ended-in", "2018-06"], {"DAYS", "MONTHS"}, {"NONE"}),
        (["--ended-in", "2018-06-30"], {"DAYS"}, {"MONTHS", "NONE"}),
    ],
)
def test_the_command_line_gives_the_same_answers(run, write, args, listed, apart):
    path = str(write(REGISTRY))
    result = run("--registry", path, "list", *args, "--today", "2026-11-27", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert {p["id"] for p in json.loads(result.stdout)} == listed
    for name in apart:
        assert name in result.stderr
    for name in listed:
        assert name not in result.stderr
    tsv = run("--registry", path, "list", *args, "--today", "2026-11-27", "-f", "tsv")
    assert {line.split("\t")[0] for line in tsv.stdout.splitlines()} == listed


@pytest.mark.parametrize(
    "args",
    [
        ["--active-on", "2018-00"],
        ["--active-on", "2018-06-00"],
        ["--started-in", "0999"],
        ["--ended-in", "10000"],
        ["--between", "2018-07", "2018-06"],
    ],
)
def test_the_command_line_refuses_impossible_dates_as_usage_errors(run, write, args):
    result = run("--registry", str(write(REGISTRY)), "list", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and result.stderr.strip()


# Parsing: each month word gives its own month.
MONTH_WORDS = [
    (word, number)
    for number, name in enumerate(MONTH_NAMES, 1)
    # a list, not a set: every xdist worker must collect the same tests in the same order
    for word in dict.fromkeys(
        [name, name[:3], name.upper(), name.lower(), name[:3].lower(), name[:3] + "."]
    )
] + [("Sept", 9), ("Sept.", 9), ("sept", 9), ("SEPT.", 9)]


@pytest.mark.parametrize(("word", "number"), MONTH_WORDS)
def test_every_month_word_gives_its_month(word, number):
    assert parse_date(f"{word} 2019") == PartialDate(2019, number)
    assert parse_date(f"1 {word} 2019") == PartialDate(2019, number, 1)
    assert parse_date(f"{word} 2, 2019") == PartialDate(2019, number, 2)
    assert parse_date(f"28 {word}, 2019") == PartialDate(2019, number, 28)


@pytest.mark.parametrize(
    "word", ["Janu", "Febr", "Marc", "Apri", "Augu", "Octo", "Dece", "Ju", "Sep-"]
)
def test_other_shortenings_are_not_months(word):
    with pytest.raises(DateError):
        parse_date(f"{word} 2019")


def test_month_names_are_the_calendar_months():
    # Independent of the module: the calendar's own English names, in order.
    assert [dt.date(2019, n, 1).strftime("%B") for n in range(1, 13)] == list(MONTH_NAMES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("September 2019", PartialDate(2019, 9)),
        ("sep 2019", PartialDate(2019, 9)),
        ("Sept. 2019", PartialDate(2019, 9)),
        ("31 December 2019", PartialDate(2019, 12, 31)),
        ("February 29, 2020", PartialDate(2020, 2, 29)),
        ("1000", PartialDate(1000)),
        ("1000-01-01", PartialDate(1000, 1, 1)),
        ("9999", PartialDate(9999)),
        ("9999-12", PartialDate(9999, 12)),
        ("9999-12-31", PartialDate(9999, 12, 31)),
        ("December 9999", PartialDate(9999, 12)),
        ("2018-6", PartialDate(2018, 6)),
        ("2018-6-1", PartialDate(2018, 6, 1)),
    ],
)
def test_dates_at_the_edges_of_what_is_accepted(text, expected):
    date = parse_date(text)
    assert date == expected
    assert (date.year, date.month, date.day) == tuple(expected)


@pytest.mark.parametrize(
    ("date", "first", "last"),
    [
        (PartialDate(1000), dt.date(1000, 1, 1), dt.date(1000, 12, 31)),
        (PartialDate(9999), dt.date(9999, 1, 1), dt.date(9999, 12, 31)),
        (PartialDate(9999, 12), dt.date(9999, 12, 1), dt.date(9999, 12, 31)),
        (PartialDate(2019, 2), dt.date(2019, 2, 1), dt.date(2019, 2, 28)),
        (PartialDate(2000, 2), dt.date(2000, 2, 1), dt.date(2000, 2, 29)),
        (PartialDate(1900, 2), dt.date(1900, 2, 1), dt.date(1900, 2, 28)),
        (PartialDate(2018, 11), dt.date(2018, 11, 1), dt.date(2018, 11, 30)),
        (PartialDate(2018, 12, 31), dt.date(2018, 12, 31), dt.date(2018, 12, 31)),
    ],
)
def test_first_and_last_day_of_a_period(date, first, last):
    assert (date.first_day(), date.last_day()) == (first, last)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2018-00", "month 0 is not between 1 and 12"),
        ("2018-13", "month 13 is not between 1 and 12"),
        ("2018-06-00", "day 0 is not in 2018-06"),
        ("2018-06-31", "day 31 is not in 2018-06"),
        ("2019-02-29", "day 29 is not in 2019-02"),
        ("0 June 2018", "day 0 is not in 2018-06"),
        ("31 June 2018", "day 31 is not in 2018-06"),
        ("June 0, 2018", "day 0 is not in 2018-06"),
        ("June 31, 2018", "day 31 is not in 2018-06"),
        ("0999", "year 0999 is before 1000"),
        ("0999-12-31", "year 0999 is before 1000"),
        ("June 0999", "year 0999 is before 1000"),
        ("0000", "year 0000 is before 1000"),
    ],
)
def test_impossible_parts_are_date_errors_that_say_which(text, message):
    with pytest.raises(DateError, match=message) as caught:
        parse_date(text)
    assert repr(text) in str(caught.value)
    assert caught.value.hint


@pytest.mark.parametrize(
    ("year", "month", "day"),
    [
        (0, None, None),
        (10000, None, None),
        (-1, None, None),
        (2018, 0, None),
        (2018, 13, None),
        (2018, 6, 0),
        (2018, 6, 31),
        (2018, None, 1),
        (2019, 2, 29),
    ],
)
def test_partial_dates_check_their_parts(year, month, day):
    with pytest.raises(DateError):
        PartialDate(year, month, day)


def test_partial_dates_at_the_ends_of_the_range_are_made():
    assert PartialDate(1).year == 1 and PartialDate(9999, 12, 31).day == 31
    assert PartialDate(2020, 2, 29).last_day() == dt.date(2020, 2, 29)


# Every branch of parse_date that refuses: a DateError (never a TypeError or a
# ValueError of another kind), its message, and a hint saying what to write.
@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        (None, "expected a date as text", "write a year"),
        (2018, "expected a date as text", "write a year"),
        (b"2018", "expected a date as text", "write a year"),
        ("", "empty date", "write a year"),
        ("  \t ", "empty date", "write a year"),
        (
            "01/06/2018",
            "could be read as more than one date",
            "2018-06-01 (1 June 2018) or 2018-01-06",
        ),
        ("2018.06", "cannot be misread", "write it in ISO form: 2018-06 (June 2018)"),
        ("13/06/2018", "cannot be misread", "2018-06-13 (13 June 2018)"),
        ("2018-Q2", "cannot be misread", "--between 2018-04 2018-06"),
        ("Q4 2018", "cannot be misread", "--between 2018-10 2018-12"),
        ("2018 q1", "cannot be misread", "start: 2018-01 / end: 2018-03"),
        ("-2018", "cannot be misread", "dates have no sign: write 2018"),
        ("+2018", "cannot be misread", "write a year"),
        ("June 18", "has no four-digit year", "write a year"),
        ("June", "has no four-digit year", "write a year"),
        ("99", "has no four-digit year", "write a year"),
        ("2018 10:30", "is not a date", "write a year"),
        ("Juen 2018", "is not a date", "did you mean 'June 2018' (2018-06)?"),
        ("1 Decmber 2018", "is not a date", "did you mean '1 December 2018' (2018-12-01)?"),
        ("Xyz 2018", "is not a date", "write a year"),
        ("10000", "has no four-digit year", "write a year"),
        # digits and separators: only a day, a month and a year, the year at one end
        ("01/02/03/2018", "is not a date", "write a year"),
        ("06/2018/01", "is not a date", "write a year"),
        ("2018/2019", "is not a date", "write a year"),
        ("01/01/2018", "cannot be misread", "write it in ISO form: 2018-01-01 (1 January 2018)"),
        ("13/06/1000", "cannot be misread", "1000-06-13 (13 June 1000)"),
        ("1000-Q1", "cannot be misread", "--between 1000-01 1000-03"),
    ],
)
def test_every_refusal_is_a_date_error_with_a_hint(text, message, hint):
    with pytest.raises(DateError) as caught:
        parse_date(text)
    assert type(caught.value) is DateError
    assert message in str(caught.value)
    assert hint in caught.value.hint
    if "cannot be misread" in message and "ISO form" in caught.value.hint:
        assert " or " not in caught.value.hint  # one reading offered, not the same one twice


@pytest.mark.parametrize("text", ["0000-Q1", "Q2 0999", "0999 Q4"])
def test_a_quarter_before_the_first_year_is_refused_naming_it(text):
    with pytest.raises(DateError) as caught:
        parse_date(text)
    assert repr(text) in str(caught.value)
    assert "0999-" not in caught.value.hint and "0000-" not in caught.value.hint
    assert caught.value.hint


def test_reverse_sorts_by_id_and_title_the_other_way_round():
    # some with dates, some without: sorting by id or title never looks at dates
    made = [
        Project(id=i, title=t, start=d(start) if start else None, end=d(end) if end else None)
        for i, t, start, end in [
            ("b-2", "alpha", "2018", None),
            ("A-1", "Charlie", "2014", "2015"),
            ("c-3", "bravo", "2010", "2012"),
            ("D-4", "Delta", None, None),
        ]
    ]
    registry = Registry(tuple(made))

    def order(sort, reverse):
        return [m.project.id for m in select(registry, sort=sort, reverse=reverse).matches]

    assert order("id", False) == ["A-1", "b-2", "c-3", "D-4"]
    assert order("id", True) == ["D-4", "c-3", "b-2", "A-1"]
    assert order("title", False) == ["b-2", "c-3", "A-1", "D-4"]
    assert order("title", True) == ["D-4", "A-1", "c-3", "b-2"]
