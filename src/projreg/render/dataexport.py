"""The registry as data files for other tools: JSON, and CSV a spreadsheet opens.

JSON holds one record per project, the same records as `projreg show --json`
(every field of the format, plus status, country codes and date precision).
CSV comes as tables: one row per project with the main fields (lists joined
with "; "), a long-form table with one row per organisation taking part in
a project, for pivot tables and joins, and one row per transaction (amounts as
exact decimal text, never converted).

Spreadsheets run a cell that starts with =, +, -, @ (or a tab or carriage
return) as a formula. With `safe`, such cells get a leading single quote, which
spreadsheets show as text; the data changes, so it is asked for, not the default.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from projreg.model.fields import SHOW_FIELDS, Context, record
from projreg.model.project import Project
from projreg.model.schema import FIELDS, PEOPLE

PROJECT_COLUMNS = (
    "id", "acronym", "title", "status", "activity_status", "start", "end", "planned_start",
    "planned_end", "duration_months", "months", "countries", "country_codes", "regions",
    "donors", "implementers", "programme", "manager", "iati_id",
)  # fmt: skip
PARTICIPATION_COLUMNS = ("project_id", "role", "name", "ref", "department", "instrument", "detail")
# Each field of organisations, as the role written in the participations table.
ROLES = {
    "donors": "donor",
    "implementers": "implementer",
    "programme_partners": "programme partner",
    "extending": "extending",
    "accountable": "accountable",
    "reporting_org": "reporting organisation",
}
assert set(ROLES) == set(PEOPLE), "a new kind of participant needs a role name here"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# One row per transaction, its parts in the format's order (amounts exact, days as ISO).
_TRANSACTION_PARTS = FIELDS["transactions"].parts
TRANSACTION_COLUMNS = ("project_id", *(part.name for part in _TRANSACTION_PARTS))


def json_records(projects, today: dt.date) -> list[dict]:
    """Each project as `show --json` gives it."""
    context = Context(today)
    return [record(p, SHOW_FIELDS, context) for p in projects]


def _names(participants) -> str:
    return "; ".join(p.name or f"[{p.ref}]" for p in participants)


def project_row(project: Project, today: dt.date) -> list:
    values = {
        "id": project.id,
        "acronym": project.acronym,
        "title": project.title,
        "status": project.status_on(today),
        "activity_status": project.activity_status,
        "duration_months": project.duration_months,
        "months": project.months(),
        "countries": "; ".join(project.country_name(c) for c in project.countries),
        "country_codes": "; ".join(project.countries),
        "regions": "; ".join(project.regions),
        "donors": _names(project.donors),
        "implementers": _names(project.implementers),
        "programme": project.programme,
        "manager": project.manager,
        "iati_id": project.iati_id,
    }
    for name in ("start", "end", "planned_start", "planned_end"):
        date = getattr(project, name)
        values[name] = date.iso() if date else None
    return [values[c] for c in PROJECT_COLUMNS]


def participation_rows(projects) -> list[list]:
    return [
        [project.id, ROLES[field], p.name, p.ref, p.department, p.instrument, p.role]
        for project in projects
        for field in PEOPLE  # in the format's order: implementers, then donors, ...
        for p in getattr(project, field)
    ]


def transaction_rows(projects) -> list[list]:
    return [
        [project.id, *(_cell(getattr(t, part.name)) for part in _TRANSACTION_PARTS)]
        for project in projects
        for t in project.transactions
    ]


def _cell(value):
    return value.iso() if hasattr(value, "iso") else value


def transactions_csv(projects, safe: bool = False) -> str:
    return csv_text(TRANSACTION_COLUMNS, transaction_rows(projects), safe)


def _safe(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_text(columns, rows, safe: bool = False) -> str:
    """CSV with a header row; unknown values are empty cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180, what spreadsheets expect
    writer.writerow(columns)
    for row in rows:
        cells = ["" if v is None else str(v) for v in row]
        writer.writerow([_safe(c) for c in cells] if safe else cells)
    return buffer.getvalue()


def projects_csv(projects, today: dt.date, safe: bool = False) -> str:
    return csv_text(PROJECT_COLUMNS, [project_row(p, today) for p in projects], safe)


def participations_csv(projects, safe: bool = False) -> str:
    return csv_text(PARTICIPATION_COLUMNS, participation_rows(projects), safe)
