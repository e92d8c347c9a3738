"""Partial dates: parsing, precision and the periods they name."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projreg.model.dates import DateError, PartialDate, parse_date
from tests.conftest import any_text


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("July 2014", PartialDate(2014, 7), "month"),
        ("June 2015", PartialDate(2015, 6), "month"),
        ("1 January 2019", PartialDate(2019, 1, 1), "day"),
        ("30 June 2020", PartialDate(2020, 6, 30), "day"),
        ("2018", PartialDate(2018), "year"),
        ("2018-06", PartialDate(2018, 6), "month"),
        ("2018-06-01", PartialDate(2018, 6, 1), "day"),
        ("  September   2017 ", PartialDate(2017, 9), "month"),
        ("Jan 2016", PartialDate(2016, 1), "month"),
    ],
)
def test_parse_keeps_precision(text, expected, precision):
    date = parse_date(text)
    assert date == expected
    assert date.precision == precision


@pytest.mark.parametrize(
    "text",
    ["2018-13-45", "2018-13", "2019-02-29", "June", "99", "", "not a date", "2018 10:30", "0000"],
)
def test_bad_dates_raise_date_error(text):
    with pytest.raises(DateError):
        parse_date(text)


def test_bad_date_message_names_the_problem():
    with pytest.raises(DateError, match="month 13"):
        parse_date("2018-13-45")


def test_month_end_covers_the_whole_month():
    end = parse_date("June 2018")
    assert end.last_day() == dt.date(2018, 6, 30)
    assert parse_date("February 2020").last_day() == dt.date(2020, 2, 29)
    assert parse_date("July 2014").first_day() == dt.date(2014, 7, 1)


def test_year_names_the_whole_year():
    year = parse_date("2018")
    assert (year.first_day(), year.last_day()) == (dt.date(2018, 1, 1), dt.date(2018, 12, 31))


def test_iso_and_human_forms():
    assert parse_date("July 2014").iso() == "2014-07"
    assert parse_date("1 January 2019").iso() == "2019-01-01"
    assert parse_date("2014-07").human() == "July 2014"
    assert parse_date("2019-01-01").human() == "1 January 2019"


@given(any_text(max_size=40))
def test_any_text_gives_a_date_or_a_date_error(text):
    try:
        date = parse_date(text)
    except DateError:
        return
    assert isinstance(date, PartialDate)
    assert date.first_day() <= date.last_day()


@given(st.dates(min_value=dt.date(1000, 1, 1)), st.sampled_from(["year", "month", "day"]))
def test_iso_round_trip(day, precision):
    date = PartialDate(
        day.year,
        day.month if precision != "year" else None,
        day.day if precision == "day" else None,
    )
    assert parse_date(date.iso()) == date
    assert parse_date(date.human()) == date
