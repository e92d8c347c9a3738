"""The registry format as a JSON Schema, generated from the format's table (schema.py).

Editors that speak yaml-language-server (VS Code's YAML extension, Neovim, Helix)
validate and complete a registry file while it is typed. The schema
says what a schema can: field names, kinds, choices, required fields, the
shapes of dates and amounts. What only `projreg check` knows is listed in its
description (CHECK_ONLY) and in the README.

Draft-07, the draft editors support best. Like the format, every list also
accepts a single value, and an optional field may be left empty (null).
"""

from __future__ import annotations

from projreg.model import geo, schema
from projreg.model.schema import Field

DRAFT = "http://json-schema.org/draft-07/schema#"

# The rules a JSON Schema cannot express: `projreg check` applies them.
CHECK_ONLY = (
    "a date names a real year, month or day (no 2018-13, no 30 February)",
    "country names and codes are ISO 3166 names or codes, or names people write (Turkey, Kosovo)",
    "region names are regions projreg knows",
    "ids are unique across the registry's files",
    "a project does not end before it starts (start/end, planned_start/planned_end)",
    "no key appears twice in one mapping, no merge keys, no YAML tags",
)

_NOT_BLANK = {"type": "string", "pattern": r"\S"}
# The forms the registry's date reader takes without guessing: ISO at year, month or
# day precision, and "July 2014" / "1 July 2014" with English month names.
_MONTH = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
ISO_DATE = r"^\s*[0-9]{4}(-[0-9]{1,2}(-[0-9]{1,2})?)?\s*$"
# JavaScript regular expressions have no inline (?i:...): spell out both cases.
WORDS_DATE = (
    r"^\s*([0-9]{1,2}\s+)?("
    + "|".join("".join(f"[{c.upper()}{c.lower()}]" for c in name) for name in _MONTH.split("|"))
    + r")\.?\s+[0-9]{4}\s*$"
)
_DATE = {
    "description": (
        "a year (2018), a month (2018-06, June 2018) or a day (2018-06-01, 1 June 2018). "
        "projreg check also reads a few other written forms with an unambiguous four-digit "
        "year (e.g. '1st June 2018'); this schema asks for these common ones. "
        "Only projreg check knows whether the date exists (2018-13 does not)."
    ),
    "anyOf": [
        {"type": "integer", "minimum": 1000, "maximum": 9999},
        {"type": "string", "pattern": ISO_DATE},
        {"type": "string", "pattern": WORDS_DATE},
    ],
}


def _one_or_list(item: dict) -> dict:
    """A list of items; one item alone counts as a list of one, as in the format."""
    return {"anyOf": [{"type": "array", "items": item}, item]}


def _record(field: Field, parts: tuple[Field, ...]) -> dict:
    properties = {p.name: _value(p) for p in parts}
    item: dict = {"type": "object", "properties": properties, "additionalProperties": False}
    required = [p.name for p in parts if p.required]
    if required:
        item["required"] = required
    if field.needs_one_of:
        item["anyOf"] = [
            {"required": [name], "properties": {name: _NOT_BLANK}} for name in field.needs_one_of
        ]
    if field.shorthand:
        return {"anyOf": [{**_NOT_BLANK, "description": f"the {field.shorthand} alone"}, item]}
    return item


def _kind(field: Field) -> dict:
    kind = field.kind
    if kind == schema.TEXT:
        return dict(_NOT_BLANK) if field.required else {"type": "string"}
    if kind == schema.TEXTS:
        return _one_or_list(_NOT_BLANK)
    if kind == schema.DATE:
        return {"$ref": "#/definitions/date"}
    if kind == schema.COUNT:
        return {"type": "integer", "minimum": 1}
    if kind == schema.CHOICE:
        return {"enum": list(field.choices)}
    if kind == schema.COUNTRIES:
        return _one_or_list({"type": "string", "description": "a country name or ISO code"})
    if kind == schema.REGIONS:
        known = ", ".join(r.name for r in geo.REGIONS)
        return _one_or_list({"type": "string", "description": f"a region: {known}"})
    if kind == schema.RECORDS:
        if field.name == "projects":
            return _one_or_list({"$ref": "#/definitions/project"})
        return _one_or_list(_record(field, field.parts))
    if kind == schema.DECIMAL:
        return {
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": r"^\s*-?[0-9]+(\.[0-9]+)?\s*$"},
            ]
        }
    if kind == schema.NUMBER:
        return {"type": "number"}
    if kind == schema.MAPPING:
        return {"type": "object"}
    raise ValueError(f"no JSON Schema for kind {kind!r}")


def _value(field: Field) -> dict:
    """A field's value: its kind, its doc, and null allowed where the format allows it."""
    value = _kind(field)
    if not field.required or field.kind == schema.RECORDS:
        # An empty optional field (`summary:`) counts as absent; `projects:` as no projects.
        choices = value["anyOf"] if list(value) == ["anyOf"] else [value]
        value = {"anyOf": [*choices, {"type": "null"}]}
    doc = field.doc[0].upper() + field.doc[1:] if field.doc else ""
    if field.example:
        doc += f". Example: {field.example.replace('`', '')}"
    return {"description": doc, **value} if doc else value


def _object(fields: tuple[Field, ...]) -> dict:
    return {
        "type": "object",
        "properties": {f.name: _value(f) for f in fields},
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }


def json_schema() -> dict:
    """The JSON Schema of a registry file."""
    only = "".join(f"\n- {rule}" for rule in CHECK_ONLY)
    return {
        "$schema": DRAFT,
        "title": "projreg registry",
        "description": (
            "A projreg registry file: migration and border-management projects "
            "(see docs/registry-format.md). Generated from projreg's schema.py by "
            "`projreg schema`. Rules only `projreg check` knows:" + only
        ),
        **_object(schema.TOP),
        "definitions": {
            "project": {"description": "One project.", **_object(schema.PROJECT)},
            "date": _DATE,
        },
    }


def schema_text() -> str:
    """The schema as the JSON text `projreg schema` prints and docs/projects.schema.json holds."""
    import json

    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
