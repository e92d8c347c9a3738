"""Output fields: what each field of a record shows, its label, and which columns stay whole.

Every field of the format (schema.PROJECT) is an output field, as plain data
(text, number, list, mapping or None) ready for JSON; a few more are worked out
(status, period, coverage, how a project matched). `as_text` flattens a value
for tables, TSV and CSV.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

from projreg.model import geo, money, schema
from projreg.model.project import CONTRADICTS, Project
from projreg.model.schema import Component, Link, Participant
from projreg.model.text import flat


class Context(NamedTuple):
    """What a record needs beyond the project: the day for status, how it matched."""

    today: dt.date
    via: tuple[str, ...] = ()


def match_text(via) -> str:
    """The match field: "direct", or the places a project matched through ("via X, Y")."""
    return f"via {', '.join(via)}" if via else "direct"


def _date(value) -> str | None:
    return value.iso() if value else None


def _plain(field: schema.Field, value):
    """A field's value as plain data for JSON: the format's own shape, dates as ISO text."""
    if field.kind == schema.DATE:
        return _date(value)
    if field.kind == schema.COUNTRIES:
        return [geo.country_name(code) for code in value]
    if field.kind in (schema.TEXTS, schema.REGIONS):
        return list(value)
    if field.kind == schema.RECORDS:
        return [
            {
                p.name: _plain(p, getattr(item, p.name))
                for p in field.parts
                if getattr(item, p.name) is not None
            }
            for item in value
        ]
    return value


def _stored(field: schema.Field) -> Callable[[Project, Context], object]:
    name = field.name
    if field.kind == schema.COUNTRIES:  # in the registry's own words
        return lambda p, c: [p.country_name(code) for code in getattr(p, name)]
    return lambda p, c: _plain(field, getattr(p, name))


FIELDS: dict[str, Callable[[Project, Context], object]] = {
    f.name: _stored(f) for f in schema.PROJECT
}
# Worked out from the stored fields, in the place where a reader looks for them.
FIELDS.update(
    {
        "country_codes": lambda p, c: list(p.countries),
        "period": lambda p, c: period_text(p),
        "start_precision": lambda p, c: p.start.precision if p.start else None,
        "end_precision": lambda p, c: p.end.precision if p.end else None,
        "dates_basis": lambda p, c: p.dates_basis(),
        "starts": lambda p, c: p.starts(),
        "ends": lambda p, c: p.ends(),
        "months": lambda p, c: p.months(),
        "status": lambda p, c: p.status_on(c.today),
        "coverage": lambda p, c: [*p.regions, *(p.country_name(code) for code in p.countries)],
        "budget_totals": lambda p, c: money.budget_totals((p,)),
        "transaction_totals": lambda p, c: money.transaction_totals(p.transactions),
        "via": lambda p, c: list(c.via),
        "match": lambda p, c: match_text(c.via),
    }
)

LABELS = {
    "id": "ID",
    "iati_id": "IATI identifier",
    "country_codes": "Codes",
    "duration_months": "Duration (months)",
    "months": "Months",
    "via": "Via",
    # A report by place: how many name it, how many reach it through a region or a country.
    "direct": "Direct",
    "via_region": "Via region",
    "via_country": "Via country",
    "starts": "Start",
    "ends": "End",
}

# Tables list the dates that answer date questions: actual ones, else planned ones, marked.
# The first five are the project's alone; status depends on the day (the SQLite store keeps
# the first five ready to print, see store.py).
PROJECT_LIST_FIELDS = ("id", "title", "coverage", "starts", "ends")
LIST_FIELDS = (*PROJECT_LIST_FIELDS, "status")
# Fields that describe how a project matched a query, not the project.
QUERY_FIELDS = ("via", "match")
# What `show` prints: everything, the short facts first on a terminal page.
_PAGE_FIRST = (
    "id", "acronym", "title", "status", "period", "duration_months", "countries", "regions",
    "donors", "implementers", "programme_partners", "extending", "accountable", "programme",
    "manager", "iati_id", "planned_start", "planned_end", "sectors", "budgets",
    "budget_totals", "transactions", "transaction_totals", "transaction_countries", "summary",
)  # fmt: skip
PAGE_FIELDS = (*_PAGE_FIRST, *(n for n in schema.NAMES if n not in (*_PAGE_FIRST, "start", "end")))
# What JSON and YAML show of a project: every stored field, each worked-out one beside its source.
_BESIDE = {
    "countries": ("country_codes",),
    "start": ("start_precision",),
    "end": ("end_precision",),
    "planned_end": ("dates_basis",),
    "duration_months": ("months", "status"),
    "budgets": ("budget_totals",),
    "transactions": ("transaction_totals",),
}
SHOW_FIELDS = tuple(n for f in schema.NAMES for n in (f, *_BESIDE.get(f, ())))

# Columns that never wrap in a table; the others share the remaining width.
SHORT_FIELDS = frozenset(
    {
        "id", "start", "end", "starts", "ends", "planned_start", "planned_end", "status", "activity_status",
        "start_precision", "end_precision", "dates_basis", "duration_months", "months",
        "country_codes", "projects", "earliest_start", "latest_end", "project_months", "direct",
        "via_region", "via_country", "group",
        # Money: a total cut short would read as another amount.
        "budget", "committed", "disbursed", "spent",
    }
)  # fmt: skip


def period_text(project: Project) -> str:
    """The dates as a reader says them: 'July 2014 – June 2017', 'from April 2009, no end'."""
    start, end = project.start or project.planned_start, project.end or project.planned_end
    basis = project.dates_basis()
    planned = " (planned)" if basis == "planned" else ""
    if basis == "mixed":  # say which of the two is the plan
        planned = " (planned start)" if project.start is None else " (planned end)"
    if start and end and project.dates_contradict():
        return f"{start.human()} – {end.human()} {CONTRADICTS}{planned}"
    if start and end:
        return f"{start.human()} – {end.human()} ({project.months()} months){planned}"
    if start:
        return f"from {start.human()}, no end given{planned}"
    if end:
        return f"start unknown – {end.human()}{planned}"
    return "dates unknown"


def label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def record(project: Project, names, context: Context) -> dict:
    """The project as {field: value} for the named fields, in that order."""
    return {name: FIELDS[name](project, context) for name in names}


def as_text(value, separator: str = "; ") -> str:
    """A field value as one piece of text; '' for unknown."""
    if value.__class__ is str:  # most values
        return value
    if value is None:
        return ""
    if isinstance(value, bool):  # as JSON writes them, in every format
        return "true" if value else "false"
    if isinstance(value, list):
        return separator.join(as_text(v, separator) for v in value)
    if isinstance(value, dict):
        return describe(value)
    return str(value)


def tsv_cells(record: dict, names) -> str:
    """The record's named values as one line of TSV, without its newline."""
    return "\t".join(flat(as_text(record[name])) for name in names)


def key_values(record: dict) -> list[tuple[str, str]]:
    """A record as (key, text) pairs that carry every fact, for piped `show` (gh `pr view`).

    A scalar is one pair; a list gives one pair per item under the same key; a list of
    records gives one pair per part, keyed `donors[1].name`, `donors[1].instrument`
    (1-based). An empty list or an unknown value is one pair with empty text.
    """
    pairs = []
    for name, value in record.items():
        if isinstance(value, list) and value:
            for index, item in enumerate(value, 1):
                if isinstance(item, dict):
                    pairs += [(f"{name}[{index}].{part}", as_text(v)) for part, v in item.items()]
                else:
                    pairs.append((name, as_text(item)))
        else:
            pairs.append((name, as_text(value)))
    return pairs


def describe(item: dict) -> str:
    """One record (organisation, sector, budget, link, component) as a line of text."""
    if "field" in item:  # a value kept as published
        return f"{item['field']}: {item.get('value', '')}" + (
            f" ({item['problem']})" if item.get("problem") else ""
        )
    if "code" in item:  # a sector
        return " ".join(str(x) for x in (item.get("name") or item["code"], _percent(item)) if x)
    if "value" in item and item.get("type") not in (None, *schema.BUDGET_TYPES):
        return _transaction(item)
    if "currency" in item and item["currency"] is None:  # a total of amounts without one
        return f"{_amount(item['value'])} (currency not given)"
    if "value" in item:  # a budget
        period = " – ".join(str(item[k]) for k in ("start", "end") if item.get(k))
        amount = f"{_amount(item['value'])} {item.get('currency') or ''}".strip()
        kind = f", {item['type']}" if item.get("type") else ""  # an original and a revised one
        return (
            f"{amount} ({period}{kind})"
            if period
            else f"{amount} ({item['type']})"
            if kind
            else amount
        )
    if set(item) == {"ref", "type"} and item["type"] in schema.RELATION_TYPES:  # related activity
        return f"{item['ref']} ({item['type']})"
    if "name" in item or "ref" in item:
        return Participant(**{"name": None, **item}).describe()
    if "description" in item or ("title" in item and "text" not in item):
        component = Component(**item)
        return component.title or component.description or ""
    return Link(**item).describe()


def _transaction(item: dict) -> str:
    """A transaction, or a total of one type: "2011-03-22 disbursement 500,000 GBP, to IOM"."""
    amount = f"{_amount(item['value'])} {item.get('currency') or '(currency not given)'}"
    text = " ".join(x for x in (item.get("date"), item["type"], amount) if x)
    provider = item.get("provider") or item.get("provider_ref")
    receiver = item.get("receiver") or item.get("receiver_ref")
    return (
        text + (f", from {provider}" if provider else "") + (f", to {receiver}" if receiver else "")
    )


def _amount(value) -> str:
    """An exact amount with thousands separators: 1,166,170.55."""
    from decimal import Decimal  # only where amounts are shown: not at every start

    if isinstance(value, Decimal):
        whole, _, cents = str(value).partition(".")
        return (
            f"{int(whole):,}" + (f".{cents}" if cents else "")
            if whole.lstrip("-").isdigit()
            else str(value)
        )
    return f"{value:,}"


def _percent(item: dict) -> str:
    return f"({item['percentage']:g}%)" if item.get("percentage") is not None else ""
