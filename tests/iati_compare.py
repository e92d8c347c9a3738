"""Compare what a real IATI file says (tests/iati_facts.py, lxml) with what projreg imports
and with what it exports (the export read back by iati_facts too).

``compare(path)`` gives one Row per fact: the source's count, the import's, the export's,
and for each stage "held" or the reason from ``EXPLAINED`` (a difference without one is
"UNEXPLAINED"). ``python scripts/iati_table.py`` prints the table; tests/test_iati_proof.py
fails on an unexplained difference.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from .iati_facts import facts

TODAY = dt.date(2026, 11, 27)
PLACEHOLDER = "No description was published."
STATUS_CODES = {
    "planned": "1",
    "ongoing": "2",
    "finalisation": "3",
    "completed": "4",
    "cancelled": "5",
    "suspended": "6",
}
FACTS = (
    "activities",
    "activities_with_title",
    "titles",
    "participating_orgs",
    "recipient_countries",
    "recipient_regions",
    "region_only_activities",
    "transaction_recipient_countries",
    "transaction_recipient_regions",
    "activity_dates",
    "activity_statuses",
    "sectors",
    "budgets",
    "budget_totals",
    "descriptions",
)

# (file, fact, stage) -> why the count differs. Stage is "import" or "export".
EXPLAINED = {
    ("iati-standard-example-1.04.xml", "sectors", "import"): "the 1.0x vocabulary word DAC is 2.03 code 1",
    ("iati-standard-example-1.04.xml", "sectors", "export"): "the 1.0x vocabulary word DAC is written as 2.03 code 1",
    ("iati-standard-example-2.03.xml", "titles", "export"): "lost as titles: projreg holds one title; the French and Spanish ones are kept in notes (Title (fr): ...) and exported as description type 4",
    ("iati-standard-example-2.03.xml", "transaction_recipient_countries", "export"): "lost: projreg exports no transactions; the transaction's country (TM) is kept in transaction_countries but has no transaction to go on",
    ("iati-standard-example-2.03.xml", "transaction_recipient_regions", "export"): "lost: projreg exports no transactions; the transaction's region (616) is kept in notes",
    ("iati-standard-example-2.03.xml", "descriptions", "export"): "notes (the other-language titles and descriptions, the publisher's own region, the transaction's region) are exported as description type 4",
    ("dfid-al-2.01.xml", "descriptions", "import"): "untyped descriptions are type 1 (General), IATI's default",
    ("dfid-al-2.01.xml", "descriptions", "export"): "untyped descriptions are written as type 1 (General), IATI's default",
    ("dfid-region189-1.01.xml", "descriptions", "import"): "untyped 1.0x descriptions are type 1 (General)",
    ("dfid-region189-1.01.xml", "descriptions", "export"): "untyped descriptions written as type 1; the 9 activities without one (IATI 2.03 requires one) get --placeholder-description's text, or are left out and named without it",
    ("tearfund-cd-noversion.xml", "sectors", "import"): "the 1.0x vocabulary word DAC is 2.03 code 1",
    ("tearfund-cd-noversion.xml", "sectors", "export"): "the 1.0x vocabulary word DAC is written as 2.03 code 1",
    ("unops-jp-activity.xml", "sectors", "import"): "the 1.0x vocabulary word DAC is 2.03 code 1",
    ("unops-jp-activity.xml", "sectors", "export"): "the 1.0x vocabulary word DAC is written as 2.03 code 1",
    ("worldbank-zw-1.01.xml", "activity_statuses", "import"): "lost: the activity gives two statuses (3, then 2); IATI allows one, projreg keeps the first",
    ("worldbank-zw-1.01.xml", "activity_statuses", "export"): "lost: the second of two statuses (IATI allows one)",
    ("worldbank-zw-1.01.xml", "sectors", "import"): "lost as a sector: vocabulary WBSector has no IATI 2.03 code; kept in notes with its code, name, vocabulary and percentage",
    ("worldbank-zw-1.01.xml", "sectors", "export"): "lost as a sector (WBSector has no 2.03 code; never written as an invalid @vocabulary); its note is exported as description type 4",
    ("worldbank-zw-1.01.xml", "descriptions", "import"): "the 1.0x type General is type 1",
    ("worldbank-zw-1.01.xml", "descriptions", "export"): "General written as type 1; the WBSector note as type 4",
}  # fmt: skip


class Row(NamedTuple):
    fact: str
    source: object
    imported: object
    exported: object
    import_verdict: str
    export_verdict: str


def _counter(items) -> Counter:
    return Counter(i for i in items if i is not None)


def counts_of_projects(projects, skipped: int = 0) -> dict:
    """The facts of imported projects, in iati_facts' shape (codes as 2.03 codes)."""
    out: dict = {}
    out["activities"] = len(projects) + skipped
    out["activities_with_title"] = len(projects)
    out["titles"] = sum(1 + sum(n.startswith("Title (") for n in p.notes) for p in projects)
    out["participating_orgs"] = Counter()
    for p in projects:
        out["participating_orgs"]["1"] += len(p.donors)
        out["participating_orgs"]["2"] += len(p.accountable) + len(p.programme_partners)
        out["participating_orgs"]["3"] += len(p.extending)
        out["participating_orgs"]["4"] += len(p.implementers)
    out["participating_orgs"] = +out["participating_orgs"]
    out["recipient_countries"] = sum(len(p.countries) for p in projects)
    regions = Counter()
    for p in projects:
        for name in p.regions:
            regions["1" if name.endswith((", regional", "unspecified")) else "99"] += 1
        for kept in p.published:  # regions in other vocabularies, kept as published
            if kept.field == "regions":
                regions[kept.vocabulary or "1"] += 1
    out["recipient_regions"] = regions
    out["region_only_activities"] = sum(bool(p.regions) and not p.countries for p in projects)
    out["transaction_recipient_countries"] = sum(len(p.transaction_countries) for p in projects)
    out["transaction_recipient_regions"] = sum(
        n.startswith("Transaction recipient region") for p in projects for n in p.notes
    )
    dates = Counter()
    for p in projects:
        for code, date in (
            ("1", p.planned_start),
            ("2", p.start),
            ("3", p.planned_end),
            ("4", p.end),
        ):
            dates[code] += date is not None
    out["activity_dates"] = +dates
    out["activity_statuses"] = _counter(STATUS_CODES.get(p.activity_status) for p in projects)
    out["sectors"] = Counter(s.vocabulary or "" for p in projects for s in p.sectors)
    budget_types = {"original": "1", "revised": "2", None: ""}
    out["budgets"] = Counter(budget_types[b.type] for p in projects for b in p.budgets)
    totals: dict = {}
    for p in projects:
        for b in p.budgets:
            totals[b.currency or ""] = totals.get(b.currency or "", Decimal(0)) + b.value
    out["budget_totals"] = totals
    descriptions = Counter()
    for p in projects:
        descriptions["1"] += len(p.summary.split("\n")) if p.summary else 0
        descriptions["2"] += bool(p.objective) + len(p.specific_objectives)
        descriptions["3"] += len(p.target_groups)
    out["descriptions"] = +descriptions
    return out


def compare(path: Path, tmp: Path) -> list[Row]:
    from projreg.iati import Publisher, import_files, to_iati_xml

    source = facts(path)
    result = import_files([path])
    imported = counts_of_projects(result.projects, len(result.skipped))
    export = to_iati_xml(result.projects, Publisher("XM-X", "X", "40", "XM-X"), TODAY, PLACEHOLDER)
    written = tmp / f"{path.stem}-export.xml"
    written.write_text(export.text, encoding="utf-8")
    exported = facts(written)
    rows = []
    for fact in FACTS:
        a, b, c = source[fact], imported[fact], exported[fact]
        if (
            fact == "budgets"
        ):  # untyped is type 1 to iati_facts (IATI's default); projreg keeps "not said"
            b = Counter({k or "1": v for k, v in b.items()})
        rows.append(
            Row(
                fact,
                a,
                b,
                c,
                _verdict(path.name, fact, "import", a, b),
                _verdict(path.name, fact, "export", a, c),
            )
        )
    return rows


def _same(a, b) -> bool:
    if isinstance(a, (Counter, dict)) or isinstance(b, (Counter, dict)):
        return {k: v for k, v in dict(a).items() if v} == {k: v for k, v in dict(b).items() if v}
    return a == b


def _verdict(name: str, fact: str, stage: str, a, b) -> str:
    if _same(a, b):
        return "held"
    reason = EXPLAINED.get((name, fact, stage))
    if reason is None:
        return "UNEXPLAINED"
    return reason if reason.startswith("lost") else f"changed: {reason}"
