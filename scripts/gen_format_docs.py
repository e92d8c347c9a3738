"""Write the field tables of docs/registry-format.md from the format's one table (schema.py).

    python scripts/gen_format_docs.py          rewrite the tables
    python scripts/gen_format_docs.py --check  exit 1 if they are out of date

The tables sit between `<!-- schema:NAME -->` and `<!-- /schema -->` markers; the prose
around them is written by hand. tests/test_docs.py runs the check.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "registry-format.md"
REGION = re.compile(r"(<!-- schema:(\w+) -->\n).*?(<!-- /schema -->)", re.DOTALL)


def type_words(field) -> str:
    from projreg.model import schema

    kind = field.kind
    if kind == schema.CHOICE:
        words = "one of " + ", ".join(f"`{c}`" for c in field.choices)
    elif kind == schema.RECORDS:
        if field.record is schema.Participant:
            words = "list of organisations"
        elif field.name == "projects":
            words = "list of projects"
        else:
            words = "list of `{" + ", ".join(p.name for p in field.parts) + "}`"
    else:
        words = {
            schema.TEXT: "text",
            schema.TEXTS: "list of text",
            schema.DATE: "date",
            schema.COUNT: "whole number",
            schema.COUNTRIES: "list of countries",
            schema.REGIONS: "list of regions",
            schema.DECIMAL: "exact number",
            schema.NUMBER: "number",
            schema.MAPPING: "mapping",
        }[kind]
    return words + (", required" if field.required else "")


def example(field) -> str:
    text = field.example
    if not text or text.startswith("`"):
        return text
    return f"`{text}`"


def table(name: str) -> str:
    from projreg.model import schema

    if name == "project":
        rows = ["| field | type | meaning | example | IATI 2.03 concept |", "|---|---|---|---|---|"]
        rows += [
            f"| `{f.name}` | {type_words(f)} | {f.doc} | {example(f)} | {f.iati} |"
            for f in schema.PROJECT
        ]
    elif name == "participant":
        people = [f for f in schema.PROJECT if f.record is schema.Participant]
        parts = {}
        for field in people:
            for part in field.parts:
                parts.setdefault(part.name, (part, []))[1].append(field.name)
        rows = ["| field | type | meaning | in |", "|---|---|---|---|"]
        for part, owners in parts.values():
            where = "all" if len(owners) == len(people) else ", ".join(f"`{o}`" for o in owners)
            rows.append(f"| `{part.name}` | {type_words(part)} | {part.doc} | {where} |")
    else:
        fields = {"top": schema.TOP, "organisation": schema.ORGANISATION}[name]
        rows = ["| field | type | meaning |", "|---|---|---|"]
        rows += [f"| `{f.name}` | {type_words(f)} | {f.doc} |" for f in fields]
    return "\n".join(rows) + "\n"


def render(text: str) -> str:
    return REGION.sub(lambda m: m.group(1) + table(m.group(2)) + m.group(3), text)


def main(argv: list[str]) -> int:
    current = DOCS.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in argv:
        if fresh != current:
            print("docs/registry-format.md is out of date: run python scripts/gen_format_docs.py")
            return 1
        return 0
    DOCS.write_text(fresh, encoding="utf-8")
    print(f"wrote {DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
