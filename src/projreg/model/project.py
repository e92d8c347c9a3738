"""The registry's data: projects, and the registry that holds them.

Project is built from the format's one table (schema.PROJECT): a field added
there is a field of Project. Date logic that answers "was this project running
then?" lives here too, because it is what a Project means: unknown dates give
None, never False.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from projreg.errors import NotFound
from projreg.model import geo, schema
from projreg.model.dates import PartialDate
from projreg.model.frozen import frozen_repr
from projreg.model.schema import (  # noqa: F401  (the small records are part of the model's API)
    IMPLEMENTER_ROLES,
    LINK_KINDS,
    RECORDED_STATUSES,
    Budget,
    Component,
    Link,
    Organisation,
    Participant,
    Published,
    Relation,
    Sector,
    Transaction,
)

# What a list can be sorted by (query.select): the id, the dates that answer date
# questions, the title.
SORT_KEYS = ("id", "start", "end", "title")
# A project that started and gives no end, with no status stated: the dates cannot say
# whether it still runs, so its status says what is known (DESIGN.md: never "ongoing").
NO_END = "no end given"
STATUSES = (
    "ongoing", "completed", "planned", NO_END, "unknown", "cancelled", "suspended", "finalisation",
)  # fmt: skip
# Recorded statuses that the dates cannot tell, so they answer as recorded (finalisation: done,
# accounts still open).
# The order statuses are drawn in (swim lanes, the overview's parts): what runs, then what
# is done, then what never ran.
STATUS_ORDER = (
    "ongoing",
    "no end given",
    "planned",
    "finalisation",
    "completed",
    "unknown",
    "cancelled",
    "suspended",
)
STATUSES_NOT_FROM_DATES = ("cancelled", "suspended", "finalisation")
# The marker of dates that contradict (an end before the start, as a publisher wrote them).
CONTRADICTS = "(!)"
CONTRADICTS_NOTE = (
    "(!) the end is before the start, as published: the end answers date questions "
    "and the start is set aside"
)


class Origin(NamedTuple):
    """Where a record was read: for error messages, not for comparison."""

    file: str
    line: int
    column: int = 1
    # (line, column) of each field's value, and of list items as "field[i]".
    positions: dict | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"

    def of(self, name: str) -> tuple[int, int]:
        """Where a field (or "field[i]") was written; the project's own place if unknown."""
        return (self.positions or {}).get(name) or (self.line, self.column)


def _answering(actual, planned) -> str | None:
    if actual:
        return actual.iso()
    return f"{planned.iso()} (planned)" if planned else None


@frozen_repr
@dataclass(frozen=True, repr=False)
class Project:
    """A project of the registry: one attribute per field of schema.PROJECT, and what its
    dates mean."""

    # BEGIN fields: generated from schema.PROJECT by scripts/gen_model.py; do not edit
    id: str
    title: str
    iati_id: str | None = None
    acronym: str | None = None
    summary: str | None = None
    objective: str | None = None
    specific_objectives: tuple[str, ...] = ()
    components: tuple[schema.Component, ...] = ()
    target_groups: tuple[str, ...] = ()
    final_beneficiaries: tuple[str, ...] = ()
    implementers: tuple[schema.Participant, ...] = ()
    donors: tuple[schema.Participant, ...] = ()
    programme_partners: tuple[schema.Participant, ...] = ()
    extending: tuple[schema.Participant, ...] = ()
    accountable: tuple[schema.Participant, ...] = ()
    reporting_org: tuple[schema.Participant, ...] = ()
    programme: str | None = None
    countries: tuple[str, ...] = ()
    transaction_countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    start: PartialDate | None = None
    end: PartialDate | None = None
    planned_start: PartialDate | None = None
    planned_end: PartialDate | None = None
    duration_months: int | None = None
    activity_status: str | None = None
    sectors: tuple[schema.Sector, ...] = ()
    budgets: tuple[schema.Budget, ...] = ()
    transactions: tuple[schema.Transaction, ...] = ()
    hierarchy: int | None = None
    related_activities: tuple[schema.Relation, ...] = ()
    manager: str | None = None
    links: tuple[schema.Link, ...] = ()
    notes: tuple[str, ...] = ()
    published: tuple[schema.Published, ...] = ()
    dataset: str | None = None
    # END fields
    origin: Origin | None = field(default=None, compare=False, repr=False)
    # The country names as the registry wrote them (code -> "Turkey"), shared by a file's
    # projects: outputs show the registry's own words, not ISO's.
    written_names: dict[str, str] | None = field(default=None, compare=False, repr=False)

    def first_day(self) -> dt.date | None:
        """The first day it runs: the actual start, else the planned one; None if unknown.

        When the dates contradict (an end before the start, kept as a publisher wrote
        them), the end answers and the start is set aside: None.
        """
        start = self.start or self.planned_start
        if start is None or self.dates_contradict():
            return None
        return start.first_day()

    def dates_contradict(self) -> bool:
        """Does the end that answers come before the start that answers (as published)?"""
        start, end = self.start or self.planned_start, self.end or self.planned_end
        return bool(start and end and end.last_day() < start.first_day())

    def last_day(self) -> dt.date | None:
        """The last day it runs: the actual end, else the planned one; None if open or unknown."""
        end = self.end or self.planned_end
        return end.last_day() if end else None

    def starts(self) -> str | None:
        """The start that answers date questions, as text: the actual one, else the planned
        one, marked "(planned)"."""
        return _answering(self.start, self.planned_start)

    def ends(self) -> str | None:
        """The end that answers date questions, as text (see starts); marked (!) when it is
        before the start."""
        text = _answering(self.end, self.planned_end)
        return f"{text} {CONTRADICTS}" if text and self.dates_contradict() else text

    def dates_basis(self) -> str | None:
        """Which dates answer date questions: "actual", "planned", "mixed", or None."""
        kinds = {
            "actual" if actual else "planned"
            for actual, planned in ((self.start, self.planned_start), (self.end, self.planned_end))
            if actual or planned
        }
        return None if not kinds else kinds.pop() if len(kinds) == 1 else "mixed"

    def overlaps(self, first: dt.date, last: dt.date) -> bool | None:
        """Was the project running on any day from first to last? None when unknown.

        Actual dates answer, planned ones when there are none (as the IATI Datastore
        does). A project with a start and no end may still run, so it overlaps every
        later range. With no start, only an end before the range can answer (False);
        anything else is unknown.
        """
        end = self.last_day()
        if end is not None and end < first:
            return False
        start = self.first_day()
        if start is None:
            return None
        return start <= last

    def status_on(self, today: dt.date) -> str:
        """ongoing, completed or planned relative to today; else what is known.

        A project that started and gives no end is never ongoing from its dates alone:
        its stated status answers (kept as the source states it), else NO_END.
        """
        if self.activity_status in STATUSES_NOT_FROM_DATES:
            return self.activity_status
        end, start = self.last_day(), self.first_day()
        if end is not None and end < today:
            return "completed"
        if start is not None and start > today:
            return "planned"
        if start is not None and end is not None:
            return "ongoing"
        return self.activity_status or (NO_END if start is not None else "unknown")

    def country_name(self, code: str) -> str:
        """The country's name as the registry wrote it, else its short English name."""
        written = self.written_names
        return (written and written.get(code)) or geo.country_name(code)

    def months(self) -> int | None:
        """Whole calendar months from start to end, counting both; None without both."""
        if self.dates_contradict():
            return None
        first, last = self.first_day(), self.last_day()
        if first is None or last is None:
            return None
        return (last.year - first.year) * 12 + last.month - first.month + 1


def written_country_names(projects) -> dict[str, str]:
    """code -> the name the registry wrote for it ("Turkey"), the first file's spelling first."""
    written: dict[str, str] = {}
    files = {id(p.written_names): p.written_names for p in projects if p.written_names}
    for names in files.values():
        written = {**names, **written}
    return written


def id_key(text: str) -> str:
    """Ids and acronyms compare without case, spaces or punctuation: 'bomca 9' == 'BOMCA-9'.

    The text is NFKC-normalised first, as dates are read: fullwidth `ＥＮＩＧＭＭＡ２` is ENIGMMA2.
    """
    import unicodedata

    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


class AmbiguousProject(NotFound):
    """A loose query (case, spaces, punctuation aside) that matches several projects."""

    def __init__(self, text: str, projects):
        self.text, self.ids = text, [p.id for p in projects]
        shown = "; ".join(f"{p.id} ({p.title})" for p in projects[:10])
        more = f"; and {len(projects) - 10} more" if len(projects) > 10 else ""
        super().__init__(
            f"{text!r} matches {len(projects)} projects: {shown}{more}; give one of these ids"
        )


class UnknownProject(NotFound):
    def __init__(self, text: str, suggestions: list[str]):
        self.text, self.suggestions = text, suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no project {text!r}{hint}")


class Registry(NamedTuple):
    projects: tuple[Project, ...]
    organisations: tuple[Organisation, ...] = ()
    sources: tuple[str, ...] = ()
    source_notes: tuple[str, ...] = ()
    warnings: tuple = ()  # Problems found on loading: suspicious, but not errors

    def get(self, text: str) -> Project:
        """The project whose id, IATI identifier or acronym matches text.

        An exact id or IATI identifier first; then loosely (see id_key): id, then IATI
        identifier, then acronym. Raises AmbiguousProject when a loose match finds
        several projects, UnknownProject when it finds none.
        """
        exact = text.strip()
        for attribute in ("id", "iati_id"):  # identity is exact: an exact id answers first
            for project in self.projects:
                if getattr(project, attribute) == exact:
                    return project
        key = id_key(text)
        for attribute in ("id", "iati_id", "acronym"):
            found = [p for p in self.projects if (getattr(p, attribute) or None) is not None]
            found = [p for p in found if id_key(getattr(p, attribute)) == key]
            if len(found) > 1:  # two published identifiers are two projects: ask which
                raise AmbiguousProject(text, found)
            if found:
                return found[0]
        import difflib

        names = {id_key(p.id): p.id for p in self.projects}
        names.update({id_key(p.acronym): p.id for p in self.projects if p.acronym})
        close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.6)
        contained = [names[k] for k in names if key and (key in k or k in key)]
        suggestions = list(dict.fromkeys([names[k] for k in close] + contained))[:3]
        raise UnknownProject(text, suggestions)

    def organisation(self, name: str) -> Organisation | None:
        key = " ".join(name.casefold().split())
        for org in self.organisations:
            if key in (" ".join(n.casefold().split()) for n in (org.name, *org.aliases)):
                return org
        return None

    def names_of(self, name: str) -> list[str]:
        """Every name an organisation goes by, and the names of what it is part of."""
        names, seen = [], set()
        pending = [name]
        while pending:
            current = pending.pop()
            if current.casefold() in seen:
                continue
            seen.add(current.casefold())
            names.append(current)
            org = self.organisation(current)
            if org:
                pending.extend((org.name, *org.aliases))
                if org.part_of:
                    pending.append(org.part_of)
        return names
