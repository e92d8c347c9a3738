"""Count facts in IATI activity XML files, independently of projreg.

This module exists to check projreg's IATI import and export against a second reader: it uses
lxml only and imports nothing from projreg, so a bug in projreg's parser cannot hide in both.
It reads IATI 1.0x (text directly in elements, role and date-type words) and 2.0x (narrative
children, codes) alike, and counts rather than interprets: codes are kept as they appear, except
where IATI itself defines the 1.0x word for a 2.0x code (organisation roles, activity-date types,
budget types), which are normalised to the code.

``facts(path)`` returns a dict; see ``KEYS`` for its keys.  ``python tests/iati_facts.py FILE...``
prints the counts as a table.
"""

from __future__ import annotations

import sys
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# IATI 1.0x words and the 2.0x codes that replaced them (OrganisationRole, ActivityDateType,
# BudgetType codelists).
ROLE_CODES = {"funding": "1", "accountable": "2", "extending": "3", "implementing": "4"}
DATE_CODES = {"start-planned": "1", "start-actual": "2", "end-planned": "3", "end-actual": "4"}
BUDGET_CODES = {"original": "1", "revised": "2"}
# The 1.0x sector vocabulary words and their 2.0x codes (SectorVocabulary codelist).
SECTOR_VOCABULARY_CODES = {"dac": "1", "dac-3": "2"}

KEYS = {
    "version": "iati-activities/@version, or None",
    "activities": "number of iati-activity elements",
    "activities_with_title": "activities with at least one non-empty title text",
    "titles": "non-empty title texts: 2.0x narratives, or the 1.0x title's own text",
    "title_languages": "Counter of the titles' languages (narrative, title or activity xml:lang)",
    "participating_orgs": "Counter of participating-org by role code (1.0x words normalised)",
    "participating_org_names": "participating-orgs with a non-empty name",
    "recipient_countries": "distinct activity-level recipient-country codes, summed over activities",
    "recipient_regions": "Counter of activity-level recipient-region by vocabulary (default '1')",
    "region_only_activities": "activities with a recipient-region and no recipient-country",
    "transaction_recipient_countries": "transaction-level recipient-country elements",
    "transaction_recipient_regions": "transaction-level recipient-region elements",
    "activity_dates": "Counter of activity-date by type code (1.0x words normalised)",
    "activity_statuses": "Counter of activity-status by code (every element, even a repeated one)",
    "sectors": "Counter of activity-level sector by @vocabulary as written ('' when absent)",
    "budgets": "Counter of budget by type code (default '1'; Original/Revised normalised)",
    "budget_totals": "dict currency -> Decimal sum of budget values (value/@currency, else the "
    "activity's default-currency, else '')",
    "bad_values": "budget value texts that do not parse as decimals",
    "transactions": "number of transaction elements",
    "descriptions": "Counter of activity-level description by @type as written ('' when absent)",
    "bad_percentages": "@percentage values anywhere in activities that do not parse as decimals",
}


def _text(el) -> list[str]:
    """The non-empty texts of an element: its narratives (2.0x), else its own text (1.0x)."""
    narratives = el.findall("narrative")
    if narratives:
        return [n.text.strip() for n in narratives if n.text and n.text.strip()]
    text = "".join(el.itertext()).strip()
    return [text] if text else []


def _decimal(text: str | None) -> Decimal | None:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def facts(path: str | Path) -> dict:
    """Count the facts in one IATI activity file (see ``KEYS``)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.parse(str(path), parser).getroot()
    f: dict = {
        "version": root.get("version"),
        "activities": 0,
        "activities_with_title": 0,
        "titles": 0,
        "title_languages": Counter(),
        "participating_orgs": Counter(),
        "participating_org_names": 0,
        "recipient_countries": 0,
        "recipient_regions": Counter(),
        "region_only_activities": 0,
        "transaction_recipient_countries": 0,
        "transaction_recipient_regions": 0,
        "activity_dates": Counter(),
        "activity_statuses": Counter(),
        "sectors": Counter(),
        "budgets": Counter(),
        "budget_totals": {},
        "bad_values": [],
        "transactions": 0,
        "descriptions": Counter(),
        "bad_percentages": [],
    }
    for act in root.iter("iati-activity"):
        f["activities"] += 1
        act_lang = (act.get(XML_LANG) or "").lower()
        currency = act.get("default-currency") or ""

        titled = False
        for title in act.findall("title"):
            narratives = title.findall("narrative")
            if narratives:
                for n in narratives:
                    if n.text and n.text.strip():
                        lang = n.get(XML_LANG) or title.get(XML_LANG) or act_lang
                        f["title_languages"][lang.lower()] += 1
                        f["titles"] += 1
                        titled = True
            elif _text(title):
                f["title_languages"][(title.get(XML_LANG) or act_lang).lower()] += 1
                f["titles"] += 1
                titled = True
        f["activities_with_title"] += titled

        for org in act.findall("participating-org"):
            role = (org.get("role") or "").strip()
            f["participating_orgs"][ROLE_CODES.get(role.lower(), role)] += 1
            f["participating_org_names"] += bool(_text(org))

        countries = {(c.get("code") or "").strip() for c in act.findall("recipient-country")}
        f["recipient_countries"] += len(countries)
        regions = act.findall("recipient-region")
        for r in regions:
            f["recipient_regions"][r.get("vocabulary") or "1"] += 1
        f["region_only_activities"] += bool(regions) and not countries

        for d in act.findall("activity-date"):
            kind = (d.get("type") or "").strip()
            f["activity_dates"][DATE_CODES.get(kind.lower(), kind)] += 1
        for s in act.findall("activity-status"):
            f["activity_statuses"][s.get("code") or ""] += 1
        for s in act.findall("sector"):
            f["sectors"][s.get("vocabulary") or ""] += 1
        for d in act.findall("description"):
            f["descriptions"][d.get("type") or ""] += 1

        for b in act.findall("budget"):
            kind = (b.get("type") or "1").strip()
            f["budgets"][BUDGET_CODES.get(kind.lower(), kind)] += 1
            value = b.find("value")
            if value is None:
                continue
            amount = _decimal(value.text)
            if amount is None:
                f["bad_values"].append(value.text)
                continue
            cur = value.get("currency") or currency
            f["budget_totals"][cur] = f["budget_totals"].get(cur, Decimal(0)) + amount

        for t in act.findall("transaction"):
            f["transactions"] += 1
            f["transaction_recipient_countries"] += len(t.findall("recipient-country"))
            f["transaction_recipient_regions"] += len(t.findall("recipient-region"))

        for el in act.iter():
            pct = el.get("percentage") if isinstance(el.tag, str) else None
            if pct is not None and _decimal(pct) is None:
                f["bad_percentages"].append(pct)
    return f


def _day(element) -> str | None:
    """An element's date as published: its iso-date (the day part), else its text."""
    if element is None:
        return None
    text = (element.get("iso-date") or "".join(element.itertext())).strip()
    return text[:10] or None


def _code(element, words: dict, default: str = "") -> str:
    kind = (element.get("type") or element.get("code") or default).strip()
    return words.get(kind.lower(), kind)


def _code_of(text: str | None, words: dict | None = None) -> str:
    code = (text or "").strip()
    return (words or {}).get(code.lower(), code)


def _shares(elements, key) -> dict:
    """{key(element): percentage as a Decimal, or None when not given} of place elements."""
    return {key(el): _decimal(el.get("percentage")) for el in elements}


def activity_values(act) -> dict:
    """The values of one activity, as published (see ``values``)."""
    currency = (act.get("default-currency") or "").strip() or None
    status = act.find("activity-status")
    dates: dict[str, list[str]] = {}
    for d in act.findall("activity-date"):
        dates.setdefault(_code(d, DATE_CODES), []).append(_day(d))
    budgets = []
    for b in act.findall("budget"):
        value = b.find("value")
        budgets.append(
            (
                _code(b, BUDGET_CODES, "1"),
                _day(b.find("period-start")),
                _day(b.find("period-end")),
                _decimal(value.text) if value is not None else None,
                ((value.get("currency") if value is not None else None) or "").strip() or currency,
            )
        )
    transactions = []
    for t in act.findall("transaction"):
        value, kind = t.find("value"), t.find("transaction-type")
        transactions.append(
            (
                _code(kind, {}) if kind is not None else None,
                _day(t.find("transaction-date")),
                _decimal(value.text) if value is not None else None,
                ((value.get("currency") if value is not None else None) or "").strip() or currency,
                (value.get("value-date") or "")[:10] or None if value is not None else None,
            )
        )
    return {
        "identifier": (act.findtext("iati-identifier") or "").strip(),
        "currency": currency,
        "status": (status.get("code") or "").strip() if status is not None else None,
        "countries": _shares(
            act.findall("recipient-country"), lambda el: (el.get("code") or "").strip().upper()
        ),
        "regions": _shares(
            act.findall("recipient-region"),
            lambda el: ((el.get("vocabulary") or "1").strip(), (el.get("code") or "").strip()),
        ),
        "sectors": _shares(
            act.findall("sector"),
            lambda el: (
                _code_of(el.get("vocabulary"), SECTOR_VOCABULARY_CODES),
                _code_of(el.get("code")),
            ),
        ),
        "dates": {kind: sorted(days, key=str) for kind, days in dates.items()},
        "budgets": sorted(budgets, key=str),
        "transactions": sorted(transactions, key=str),
    }


def values(path: str | Path) -> dict[str, dict]:
    """Each activity's values by its identifier (a repeated identifier gets ``#2``, ``#3``):
    identifier, default currency, status code, countries and regions and sectors with their
    percentages (Decimal, or None when not given), dates by type code (a list: the days
    published for that type), budgets (type, period start and end, value, currency) and
    transactions (type, date, value, currency, value-date), each sorted."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.parse(str(path), parser).getroot()
    found: dict[str, dict] = {}
    for act in root.iter("iati-activity"):
        one = activity_values(act)
        key, n = one["identifier"], 1
        while key in found:
            n += 1
            key = f"{one['identifier']}#{n}"
        found[key] = one
    return found


def _cell(value) -> str:
    if isinstance(value, Counter):
        return " ".join(f"{k or '-'}:{v}" for k, v in sorted(value.items())) or "-"
    if isinstance(value, dict):
        return " ".join(f"{k or '-'}:{v}" for k, v in sorted(value.items())) or "-"
    if isinstance(value, list):
        return " ".join(repr(v) for v in value) or "-"
    return str(value)


def main(argv: list[str]) -> int:
    """Print one row per fact and one column per file."""
    if not argv:
        print(__doc__.strip().splitlines()[0])
        print("usage: python tests/iati_facts.py FILE...")
        return 2
    table = {Path(p).name: facts(p) for p in argv}
    width = max(len(k) for k in KEYS)
    for name, f in table.items():
        print(f"== {name}")
        for key in KEYS:
            print(f"  {key:<{width}}  {_cell(f[key])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
