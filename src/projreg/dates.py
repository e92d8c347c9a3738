"""Partial dates: a date that knows its precision (year, month or day).

"2018" names the whole year, "2018-06" or "June 2018" the whole month, and
"2018-06-01" or "1 June 2018" one day. A period's start begins on the first day
of what it names and its end lasts until the last day, so a project ending in
"June 2018" is still running on 2018-06-30.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

YEAR, MONTH, DAY = "year", "month", "day"
_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
# "July 2014", "Jul 2014", "1 January 2019": the common forms, without dateutil's cost.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_MONTHS = {
    name.casefold(): number
    for number, full in enumerate(MONTH_NAMES, 1)
    for name in (full, full[:3], "Sept" if number == 9 else full[:3])
}
_WORDS = re.compile(r"(?:(\d{1,2}) )?([A-Za-z]+)\.? (\d{4})")
_FOUR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")
# Two defaults that differ in every field: what the text leaves out shows up
# as a difference between the two parses.
_DEFAULT_A = dt.datetime(2000, 1, 1)
_DEFAULT_B = dt.datetime(2004, 12, 28)


def days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.date(year, month, 1)).days


class DateError(ValueError):
    """Text that does not name a year, a month or a day."""


class _DateFields(NamedTuple):
    year: int
    month: int | None = None
    day: int | None = None


class PartialDate(_DateFields):
    """A year, a month or a day; immutable, and checked when made."""

    __slots__ = ()

    def __new__(cls, year: int, month: int | None = None, day: int | None = None):
        if day is not None and month is None:
            raise DateError("a day needs a month")
        if not 1 <= year <= 9999:
            raise DateError(f"year {year} is out of range")
        if month is not None and not 1 <= month <= 12:
            raise DateError(f"month {month} is not between 1 and 12")
        if day is not None and not 1 <= day <= days_in_month(year, month):
            raise DateError(f"day {day} is not in {year}-{month:02d}")
        return super().__new__(cls, year, month, day)

    def __repr__(self) -> str:
        return f"PartialDate({self.iso()})"

    @property
    def precision(self) -> str:
        if self.day is not None:
            return DAY
        return MONTH if self.month is not None else YEAR

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        if self.day is not None:
            return dt.date(self.year, self.month, self.day)
        month = self.month or 12
        return dt.date(self.year, month, days_in_month(self.year, month))

    def iso(self) -> str:
        """ISO 8601 at the date's own precision: 2018, 2018-06 or 2018-06-01."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def human(self) -> str:
        """The date as people write it: 2018, June 2018, 1 June 2018."""
        if self.month is None:
            return str(self.year)
        month = MONTH_NAMES[self.month - 1]
        if self.day is None:
            return f"{month} {self.year}"
        return f"{self.day} {month} {self.year}"

    def __str__(self) -> str:
        return self.iso()

    @classmethod
    def from_date(cls, day: dt.date) -> PartialDate:
        return cls(day.year, day.month, day.day)


def parse_date(text: str) -> PartialDate:
    """Parse "2018", "2018-06", "July 2014" or "1 January 2019" into a PartialDate.

    Raises DateError, with a message fit for a user, for anything else.
    """
    if not isinstance(text, str):
        raise DateError(f"expected a date as text, got {text!r}")
    text = " ".join(text.split())
    if not text:
        raise DateError("empty date")
    iso = _ISO.fullmatch(text)
    if iso:
        year, month, day = (int(part) if part else None for part in iso.groups())
        try:
            return PartialDate(year, month, day)
        except DateError as error:
            raise DateError(f"{text!r}: {error}") from None
    words = _WORDS.fullmatch(text)
    if words and words.group(2).casefold() in _MONTHS:
        day, month, year = words.groups()
        try:
            return PartialDate(int(year), _MONTHS[month.casefold()], int(day) if day else None)
        except DateError as error:
            raise DateError(f"{text!r}: {error}") from None
    if not _FOUR_DIGITS.search(text):
        raise DateError(f"{text!r} has no four-digit year")
    from dateutil import parser  # only text that is not ISO pays for dateutil

    try:
        a = parser.parse(text, default=_DEFAULT_A)
        b = parser.parse(text, default=_DEFAULT_B)
    except (ValueError, OverflowError) as error:
        raise DateError(f"{text!r} is not a date ({error})") from None
    if (a.hour, a.minute, a.second, a.microsecond) != (0, 0, 0, 0):
        raise DateError(f"{text!r} has a time of day; give a date")
    if a.year != b.year:
        raise DateError(f"{text!r} has no year")
    if a.month != b.month:
        if a.day == b.day:
            raise DateError(f"{text!r} has a day but no month")
        return PartialDate(a.year)
    if a.day != b.day:
        return PartialDate(a.year, a.month)
    return PartialDate(a.year, a.month, a.day)
