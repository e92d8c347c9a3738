"""What people mean: the words they write for the format's fields and values.

A table beside the schema (schema.py names the fields; this says what else people call
them), read only when a person is shown an error: `status: finished` is the field
`activity_status` with the value `completed`, which no spelling distance finds (`status`
is closest to `start`). Keys are folded (`meant_key`): case, spaces, hyphens and
underscores aside. tests/test_first_answers.py checks that every target is a field or a
value the format accepts.
"""

from __future__ import annotations

import re

# Field names people write -> the field of a project (or of a budget, a participant...).
FIELDS = {
    "status": "activity_status", "state": "activity_status", "project status": "activity_status",
    "phase": "activity_status", "stage": "activity_status",
    "start date": "start", "begin": "start", "begins": "start", "began": "start",
    "started": "start", "starts": "start", "from": "start", "since": "start",
    "actual start": "start", "start year": "start", "date from": "start",
    "end date": "end", "finish": "end", "finished": "end", "finish date": "end",
    "ended": "end", "ends": "end", "until": "end", "to": "end", "till": "end",
    "actual end": "end", "end year": "end", "date to": "end", "close date": "end",
    "closing date": "end", "completion date": "end",
    "planned start date": "planned_start", "expected start": "planned_start",
    "planned end date": "planned_end", "expected end": "planned_end", "deadline": "planned_end",
    "country": "countries", "recipient country": "countries", "recipient countries": "countries",
    "location": "countries", "locations": "countries", "nation": "countries",
    "region": "regions", "recipient region": "regions", "area": "regions",
    "donor": "donors", "funder": "donors", "funders": "donors", "funded by": "donors",
    "funding": "donors", "sponsor": "donors", "sponsors": "donors", "financed by": "donors",
    "implementer": "implementers", "implementing agency": "implementers",
    "implementing agencies": "implementers", "agency": "implementers",
    "agencies": "implementers", "implemented by": "implementers",
    "implementing partner": "implementers", "implementing partners": "implementers",
    "implementing organisation": "implementers", "implementing organization": "implementers",
    "name": "title", "project name": "title", "project title": "title",
    "description": "summary", "abstract": "summary", "overview": "summary", "about": "summary",
    "goal": "objective", "aim": "objective", "overall objective": "objective",
    "objectives": "specific_objectives", "specific objective": "specific_objectives",
    "duration": "duration_months", "months": "duration_months", "length": "duration_months",
    "budget": "budgets", "amount": "budgets", "cost": "budgets", "funds": "budgets",
    "sector": "sectors", "link": "links", "url": "links", "website": "links",
    "document": "links", "documents": "links", "note": "notes", "comment": "notes",
    "comments": "notes", "remarks": "notes", "iati identifier": "iati_id",
    "iati": "iati_id", "short name": "acronym", "abbreviation": "acronym",
    "project manager": "manager", "contact": "manager", "program": "programme",
    "parent": "programme", "beneficiaries": "final_beneficiaries",
    "target group": "target_groups", "component": "components",
    "publisher": "reporting_org", "reporting organisation": "reporting_org",
    "partners": "programme_partners",
}  # fmt: skip
# The same for the parts of a record (a budget, an organisation), where FIELDS' meaning is
# not allowed: `amount` in a budget is its value.
PARTS = {
    "amount": "value", "sum": "value", "total": "value", "currency code": "currency",
    "alias": "aliases", "other names": "aliases", "parent": "part_of",
    "member of": "part_of", "organisation": "name", "organization": "name",
}  # fmt: skip

# Values people write for a field with fixed choices (and for --status) -> the value.
STATUSES = {
    "finished": "completed", "complete": "completed", "closed": "completed",
    "done": "completed", "ended": "completed", "over": "completed", "concluded": "completed",
    "past": "completed", "expired": "completed",
    "active": "ongoing", "running": "ongoing", "current": "ongoing", "in progress": "ongoing",
    "implementation": "ongoing", "implementing": "ongoing", "live": "ongoing",
    "started": "ongoing", "underway": "ongoing", "on going": "ongoing",
    "pipeline": "planned", "upcoming": "planned", "future": "planned", "proposed": "planned",
    "pending": "planned", "forthcoming": "planned", "not started": "planned",
    "canceled": "cancelled", "abandoned": "cancelled", "withdrawn": "cancelled",
    "dropped": "cancelled", "paused": "suspended", "on hold": "suspended",
    "halted": "suspended", "frozen": "suspended", "finalization": "finalisation",
    "finalising": "finalisation", "finalizing": "finalisation", "closing": "finalisation",
    "open": "no end given", "open ended": "no end given", "no end": "no end given",
    "undated": "unknown", "not known": "unknown",
}  # fmt: skip
VALUES = {
    "activity_status": STATUSES,
    "type": {"initial": "original", "first": "original", "updated": "revised", "amended": "revised"},
    "kind": {"web": "website", "site": "website", "homepage": "website", "pdf": "document",
             "report": "document", "file": "document"},
    "role": {"leader": "lead", "lead partner": "lead", "coordinator": "lead",
             "co implementer": "co-implementing", "member": "consortium-member"},
}  # fmt: skip


def meant_key(text: str) -> str:
    """Text as the tables' keys are written: lower case, one space between words."""
    return " ".join(re.split(r"[\s_\-]+", str(text).casefold())).strip()


def field_meant(name: str, allowed) -> str | None:
    """The field a name means, when it is one of `allowed`; None when the table does not say."""
    key = meant_key(name)
    for table in (FIELDS, PARTS):
        if table.get(key) in allowed:
            return table[key]
    return None


def value_meant(field: str, value: str, allowed) -> str | None:
    """The value of `field` a text means (`finished` -> `completed`), when it is allowed."""
    meant = VALUES.get(field, {}).get(meant_key(value))
    return meant if meant in allowed else None
