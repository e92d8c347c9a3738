"""Rewrite Project's typed fields in src/projreg/model/project.py from schema.PROJECT.

The schema table is the one place a field is declared; this script writes the
annotated attributes an editor completes and a type checker reads.
tests/test_schema.py fails when the class and the table disagree.

    python scripts/gen_model.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from projreg.model import schema

MODEL = Path(__file__).resolve().parent.parent / "src" / "projreg" / "model" / "project.py"
BEGIN = "    # BEGIN fields: generated from schema.PROJECT by scripts/gen_model.py; do not edit\n"
END = "    # END fields\n"

_SCALAR = {
    schema.TEXT: "str",
    schema.CHOICE: "str",
    schema.DATE: "PartialDate",
    schema.COUNT: "int",
    schema.DECIMAL: "Decimal",
    schema.NUMBER: "float",
}
_LISTS = {schema.TEXTS: "str", schema.COUNTRIES: "str", schema.REGIONS: "str"}


def annotation(field: schema.Field) -> str:
    """The Python type of a field's value, as Project declares it."""
    if field.kind == schema.RECORDS:
        return f"tuple[schema.{field.record.__name__}, ...]"
    if field.kind in _LISTS:
        return f"tuple[{_LISTS[field.kind]}, ...]"
    plain = _SCALAR[field.kind]
    return plain if field.required else f"{plain} | None"


def fields_block() -> str:
    """The generated lines: required fields first (a dataclass wants them before defaults)."""
    ordered = sorted(schema.PROJECT, key=lambda f: not f.required)
    lines = [
        f"    {f.name}: {annotation(f)}" + ("" if f.required else f" = {f.empty!r}") + "\n"
        for f in ordered
    ]
    return BEGIN + "".join(lines) + END


def rewritten(text: str) -> str:
    """model.py's text with the generated block replaced by what the table says now."""
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + fields_block() + tail


if __name__ == "__main__":
    old = MODEL.read_text(encoding="utf-8")
    new = rewritten(old)
    if new != old:
        MODEL.write_text(new, encoding="utf-8")
        print(f"rewrote {MODEL}", file=sys.stderr)
