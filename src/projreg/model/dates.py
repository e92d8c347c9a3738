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
# "July 2014", "Jul 2014", "1 January 2019", "June 1, 2018": the month is a word, so
# day and month cannot be swapped.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_MONTHS = {
    name.casefold(): number
    for number, full in enumerate(MONTH_NAMES, 1)
    for name in (full, full[:3], "Sept" if number == 9 else full[:3])
}
_WORDS = re.compile(r"(?:(\d{1,2}) )?([A-Za-z]+)\.?,? (\d{4})")
_AMERICAN = re.compile(r"([A-Za-z]+)\.? (\d{1,2}),? (\d{4})")
_QUARTER = re.compile(r"(\d{4}) ?-? ?[Qq]([1-4])|[Qq]([1-4]) ?-? ?(\d{4})")
_NUMBERS = re.compile(r"[+-]?\d+")
FIRST_YEAR = 1000  # a year before this in a registry of aid projects is a typo (0218, 0001)


def days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.date(year, month, 1)).days


class DateError(ValueError):
    """Text that does not name a year, a month or a day; .hint says how to write it.

    The hint may be given as a function: it is then worked out only when someone
    reads it (a person shown the error), never for dates an import just sets aside.
    """

    def __init__(self, message: str, hint=""):
        super().__init__(message)
        self._hint = hint

    @property
    def hint(self) -> str:
        if callable(self._hint):
            self._hint = self._hint()
        return self._hint


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
        if day is not None and month is not None and not 1 <= day <= days_in_month(year, month):
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
        month = self.month or 12
        if self.day is not None:
            return dt.date(self.year, month, self.day)
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

    def when(self) -> str:
        """The date as the time something happens in: 'on 1 June 2018', 'in June 2018',
        'in 2023' (a month or a year is a period, not a day)."""
        return f"{'on' if self.day is not None else 'in'} {self.human()}"

    def __str__(self) -> str:
        return self.iso()

    @classmethod
    def from_date(cls, day: dt.date) -> PartialDate:
        return cls(day.year, day.month, day.day)


def parse_date(text: str) -> PartialDate:
    """Parse a date that can be read only one way into a PartialDate.

    Accepted: ISO 8601 "2018", "2018-06", "2018-06-01", and dates whose month is a
    word: "June 2018", "Jun 2018", "1 June 2018", "June 1, 2018". Years run from
    1000 to 9999. Everything else is refused with DateError, whose hint shows the
    ISO form when the text has one: "01/06/2018" could be 1 June or 6 January, so
    it is refused and both readings are offered, never guessed.
    """
    if not isinstance(text, str):
        raise DateError("expected a date as text", _HINT)
    text = " ".join(text.split())
    if not text:
        raise DateError("empty date", _HINT)
    iso = _ISO.fullmatch(text)
    if iso:
        year_text, month_text, day_text = iso.groups()
        month = int(month_text) if month_text else None
        return _made(text, int(year_text), month, int(day_text) if day_text else None)
    words = _WORDS.fullmatch(text)
    american = _AMERICAN.fullmatch(text)
    if words and words.group(2).casefold() in _MONTHS:
        day_text, month_name, year_text = words.groups()
        day = int(day_text) if day_text else None
        return _made(text, int(year_text), _MONTHS[month_name.casefold()], day)
    if american and american.group(1).casefold() in _MONTHS:
        month_name, day_text, year_text = american.groups()
        return _made(text, int(year_text), _MONTHS[month_name.casefold()], int(day_text))
    readings = _readings(text)
    if len(readings) > 1:
        message = f"{text!r} could be read as more than one date"
    elif readings or _QUARTER.fullmatch(text) or text.startswith(("-", "+")):
        message = f"{text!r} is not a date in a form that cannot be misread"
    elif not re.search(r"(?<!\d)\d{4}(?!\d)", text):
        message = f"{text!r} has no four-digit year"
    else:
        message = f"{text!r} is not a date"
    raise DateError(message, lambda: _refusal_hint(text, readings))


_HINT = "write a year (2018), a month (2018-06 or June 2018) or a day (2018-06-01 or 1 June 2018)"


def _made(text: str, year: int, month: int | None, day: int | None) -> PartialDate:
    if year < FIRST_YEAR:
        raise DateError(
            f"{text!r}: year {year:04d} is before {FIRST_YEAR}",
            "write the four-digit year, e.g. 2018",
        )
    try:
        return PartialDate(year, month, day)
    except DateError as error:
        raise DateError(f"{text!r}: {error}", _HINT) from None


def _readings(text: str) -> list[PartialDate]:
    """The dates digits-and-separators text could mean: 01/06/2018 is 2018-06-01 or 2018-01-06."""
    numbers = _NUMBERS.findall(text)
    if re.sub(r"[\d\s./-]", "", text) or not 2 <= len(numbers) <= 3:
        return []
    years = [i for i, n in enumerate(numbers) if len(n.lstrip("+-")) == 4]
    if len(years) != 1 or years[0] not in (0, len(numbers) - 1):
        return []
    year = int(numbers.pop(years[0]).lstrip("+-"))
    rest = [int(n.lstrip("+-")) for n in numbers]
    orders = [(rest[0], None)] if len(rest) == 1 else [(rest[1], rest[0]), (rest[0], rest[1])]
    found = []
    for month, day in orders:
        try:
            date = PartialDate(year, month, day)
        except DateError:
            continue
        if date not in found and year >= FIRST_YEAR:
            found.append(date)
    return found


def _refusal_hint(text: str, readings: list[PartialDate]) -> str:
    quarter = _QUARTER.fullmatch(text)
    if quarter and int(quarter.group(1) or quarter.group(4)) < FIRST_YEAR:
        return "write the four-digit year, e.g. 2018"
    if quarter:
        year = int(quarter.group(1) or quarter.group(4))
        number = int(quarter.group(2) or quarter.group(3))
        first, last = PartialDate(year, 3 * number - 2), PartialDate(year, 3 * number)
        return (
            f"a quarter is three months: use --between {first} {last} on the command line, "
            f"or start: {first} / end: {last} in a registry"
        )
    if text.startswith("-") and _ISO.fullmatch(text[1:]):
        return f"dates have no sign: write {text[1:]}"
    if readings:
        shown = " or ".join(f"{d.iso()} ({d.human()})" for d in readings)
        return f"write it in ISO form: {shown}"
    import difflib

    for word in re.findall(r"[A-Za-z]+", text):
        close = difflib.get_close_matches(word.casefold(), list(_MONTHS), n=1, cutoff=0.6)
        if close and word.casefold() not in _MONTHS:
            fixed = text.replace(word, MONTH_NAMES[_MONTHS[close[0]] - 1])
            try:
                return f"did you mean {fixed!r} ({parse_date(fixed).iso()})?"
            except DateError:
                break
    return _HINT
