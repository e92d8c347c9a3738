"""The registry's data: frozen dataclasses for projects, the organisations
that take part in them, and the registry that holds them.

Date logic that answers "was this project running then?" lives here too,
because it is what a Project means: unknown dates give None, never False.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import field
from typing import NamedTuple

from .dates import PartialDate
from .frozen import frozen

# Projects and partial dates are frozen dataclasses; the small records inside a project
# are NamedTuples: immutable too, and much cheaper to define and to create.

STATUSES = ("ongoing", "completed", "planned", "unknown", "cancelled", "suspended")
RECORDED_STATUSES = ("planned", "ongoing", "completed", "cancelled", "suspended")
IMPLEMENTER_ROLES = ("lead", "partner", "co-implementing", "consortium-lead", "consortium-member")
LINK_KINDS = ("website", "document")


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


class Participant(NamedTuple):
    """An organisation taking part in a project: a donor, an implementer or a partner."""

    name: str | None  # None only when the source gives an identifier (ref) and no name
    role: str | None = None
    department: str | None = None
    instrument: str | None = None
    ref: str | None = None

    def describe(self) -> str:
        """One line for a reader: name, then department, instrument and role."""
        name = self.name or f"[{self.ref}]"
        extras = [x for x in (self.department, self.instrument, self.role) if x]
        return f"{name} ({'; '.join(extras)})" if extras else name


class Link(NamedTuple):
    text: str | None = None
    url: str | None = None
    kind: str | None = None

    def describe(self) -> str:
        if self.text and self.url:
            return f"{self.text} <{self.url}>"
        return self.text or self.url or ""


class Sector(NamedTuple):
    """What the project is about, in a sector vocabulary (IATI sector)."""

    code: str
    vocabulary: str | None = None
    name: str | None = None
    percentage: float | None = None


class Budget(NamedTuple):
    """An amount for a period (IATI budget)."""

    value: float
    currency: str | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None


class Component(NamedTuple):
    title: str | None = None
    description: str | None = None


class Organisation(NamedTuple):
    """Registry-wide facts about an organisation: other names, and what it is part of."""

    name: str
    aliases: tuple[str, ...] = ()
    part_of: str | None = None
    note: str | None = None


@frozen
class Project:
    id: str
    title: str
    iati_id: str | None = None
    acronym: str | None = None
    summary: str | None = None
    objective: str | None = None
    specific_objectives: tuple[str, ...] = ()
    components: tuple[Component, ...] = ()
    target_groups: tuple[str, ...] = ()
    final_beneficiaries: tuple[str, ...] = ()
    implementers: tuple[Participant, ...] = ()
    donors: tuple[Participant, ...] = ()
    programme_partners: tuple[Participant, ...] = ()
    extending: tuple[Participant, ...] = ()
    accountable: tuple[Participant, ...] = ()
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
    sectors: tuple[Sector, ...] = ()
    budgets: tuple[Budget, ...] = ()
    manager: str | None = None
    links: tuple[Link, ...] = ()
    notes: tuple[str, ...] = ()
    origin: Origin | None = field(default=None, compare=False, repr=False)

    def overlaps(self, first: dt.date, last: dt.date) -> bool | None:
        """Was the project running on any day from first to last? None when unknown.

        A project with a start and no end is ongoing. With no start, only an
        end before the range can answer (False); anything else is unknown.
        """
        if self.end is not None and self.end.last_day() < first:
            return False
        if self.start is None:
            return None
        return self.start.first_day() <= last

    def status_on(self, today: dt.date) -> str:
        """ongoing, completed or planned relative to today, or unknown."""
        if self.activity_status in ("cancelled", "suspended"):
            return self.activity_status
        if self.end is not None and self.end.last_day() < today:
            return "completed"
        if self.start is not None:
            return "planned" if self.start.first_day() > today else "ongoing"
        return self.activity_status or "unknown"

    def months(self) -> int | None:
        """Whole calendar months from start to end, counting both; None without both."""
        if self.start is None or self.end is None:
            return None
        first, last = self.start.first_day(), self.end.last_day()
        return (last.year - first.year) * 12 + last.month - first.month + 1


def id_key(text: str) -> str:
    """Ids and acronyms compare without case, spaces or punctuation: 'bomca 9' == 'BOMCA-9'."""
    return re.sub(r"[\W_]+", "", text.casefold())


class UnknownProject(LookupError):
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
        """The project whose id or acronym matches text (see id_key); raises UnknownProject."""
        key = id_key(text)
        for project in self.projects:
            if id_key(project.id) == key:
                return project
        for project in self.projects:
            if project.acronym and id_key(project.acronym) == key:
                return project
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
