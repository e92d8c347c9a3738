"""Projects as records: the named fields that every output format shows.

A field's value is plain data (text, number, list, mapping or None) ready for
JSON; `as_text` flattens it for tables, TSV and CSV. `to_registry` turns a
project back into the mapping the registry file holds, so YAML output loads
again as a registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

from . import geo
from .model import Component, Link, Participant, Project
from .registry import PROJECT_FIELDS


class Context(NamedTuple):
    """What a record needs beyond the project: the day for status, how it matched."""

    today: dt.date
    via: tuple[str, ...] = ()


def _compact(items) -> list[dict]:
    """Records as dicts of their known fields (shallow: dates stay PartialDates)."""
    return [{k: v for k, v in x._asdict().items() if v is not None} for x in items]


def _date(value) -> str | None:
    return value.iso() if value else None


def _budget(budget) -> dict:
    return {k: (_date(v) if k in ("start", "end") else v) for k, v in _compact([budget])[0].items()}


FIELDS: dict[str, Callable[[Project, Context], object]] = {
    "id": lambda p, c: p.id,
    "iati_id": lambda p, c: p.iati_id,
    "acronym": lambda p, c: p.acronym,
    "title": lambda p, c: p.title,
    "summary": lambda p, c: p.summary,
    "objective": lambda p, c: p.objective,
    "specific_objectives": lambda p, c: list(p.specific_objectives),
    "components": lambda p, c: _compact(p.components),
    "target_groups": lambda p, c: list(p.target_groups),
    "final_beneficiaries": lambda p, c: list(p.final_beneficiaries),
    "implementers": lambda p, c: _compact(p.implementers),
    "donors": lambda p, c: _compact(p.donors),
    "programme_partners": lambda p, c: _compact(p.programme_partners),
    "extending": lambda p, c: _compact(p.extending),
    "accountable": lambda p, c: _compact(p.accountable),
    "programme": lambda p, c: p.programme,
    "countries": lambda p, c: [geo.country_name(code) for code in p.countries],
    "country_codes": lambda p, c: list(p.countries),
    "transaction_countries": lambda p, c: [geo.country_name(x) for x in p.transaction_countries],
    "regions": lambda p, c: list(p.regions),
    "period": lambda p, c: period_text(p),
    "start": lambda p, c: _date(p.start),
    "start_precision": lambda p, c: p.start.precision if p.start else None,
    "end": lambda p, c: _date(p.end),
    "end_precision": lambda p, c: p.end.precision if p.end else None,
    "planned_start": lambda p, c: _date(p.planned_start),
    "planned_end": lambda p, c: _date(p.planned_end),
    "duration_months": lambda p, c: p.duration_months,
    "months": lambda p, c: p.months(),
    "status": lambda p, c: p.status_on(c.today),
    "activity_status": lambda p, c: p.activity_status,
    "sectors": lambda p, c: _compact(p.sectors),
    "budgets": lambda p, c: [_budget(b) for b in p.budgets],
    "manager": lambda p, c: p.manager,
    "links": lambda p, c: _compact(p.links),
    "notes": lambda p, c: list(p.notes),
    "coverage": lambda p, c: [*p.regions, *(geo.country_name(code) for code in p.countries)],
    "via": lambda p, c: list(c.via),
    "match": lambda p, c: f"via {', '.join(c.via)}" if c.via else "direct",
}

_RECORD_LISTS = (
    "components", "links", "implementers", "donors", "programme_partners", "extending",
    "accountable", "sectors",
)  # fmt: skip

LABELS = {
    "id": "ID",
    "iati_id": "IATI identifier",
    "country_codes": "Codes",
    "duration_months": "Duration (months)",
    "months": "Months",
    "via": "Via",
}

LIST_FIELDS = ("id", "title", "coverage", "start", "end", "status")
# What `show` prints: everything, the short facts first on a terminal page.
PAGE_FIELDS = (
    "id", "acronym", "title", "status", "period", "duration_months", "countries", "regions",
    "donors", "implementers", "programme_partners", "extending", "accountable", "programme",
    "manager", "iati_id", "planned_start", "planned_end", "sectors", "budgets",
    "transaction_countries", "summary",
    "objective", "specific_objectives", "components", "target_groups", "final_beneficiaries",
    "links", "notes",
)  # fmt: skip
SHOW_FIELDS = tuple(f for f in FIELDS if f not in ("via", "match", "period", "coverage"))


def period_text(project: Project) -> str:
    """The dates as a reader says them: 'July 2014 – June 2017', 'from April 2009, no end'."""
    start, end = project.start, project.end
    if start and end:
        return f"{start.human()} – {end.human()} ({project.months()} months)"
    if start:
        return f"from {start.human()}, no end given"
    if end:
        return f"start unknown – {end.human()}"
    return "dates unknown"


def label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def record(project: Project, names, context: Context) -> dict:
    """The project as {field: value} for the named fields, in that order."""
    return {name: FIELDS[name](project, context) for name in names}


def as_text(value, separator: str = "; ") -> str:
    """A field value as one piece of text; '' for unknown."""
    if value is None:
        return ""
    if isinstance(value, list):
        return separator.join(as_text(v, separator) for v in value)
    if isinstance(value, dict):
        return _describe(value)
    return str(value)


def _describe(item: dict) -> str:
    if "code" in item:  # a sector
        return " ".join(str(x) for x in (item.get("name") or item["code"], _percent(item)) if x)
    if "value" in item:  # a budget
        period = " – ".join(str(item[k]) for k in ("start", "end") if item.get(k))
        amount = f"{item['value']:,} {item.get('currency') or ''}".strip()
        return f"{amount} ({period})" if period else amount
    if "name" in item or "ref" in item:
        return Participant(**{"name": None, **item}).describe()
    if "description" in item or ("title" in item and "text" not in item):
        component = Component(**item)
        return component.title or component.description or ""
    return Link(**item).describe()


def _percent(item: dict) -> str:
    return f"({item['percentage']:g}%)" if item.get("percentage") is not None else ""


def to_registry(project: Project) -> dict:
    """The project as its registry entry: only the fields it has, in the documented order."""
    out = {}
    for name in PROJECT_FIELDS:
        value = getattr(project, name)
        if name in ("countries", "transaction_countries"):
            value = [geo.country_name(code) for code in value]
        elif name in ("start", "end", "planned_start", "planned_end"):
            value = _date(value)
        elif name == "budgets":
            value = [_budget(b) for b in value]
        elif name in _RECORD_LISTS:
            value = _compact(value)
        elif isinstance(value, tuple):
            value = list(value)
        if value not in (None, [], ""):
            out[name] = value
    return out
