"""Rewrite the table listing at the end of docs/sqlite.md from store.layout()."""

from pathlib import Path

from projreg.query.store import _INDEXES, layout

DOC = Path(__file__).resolve().parent.parent / "docs" / "sqlite.md"
HEADING = "## The tables\n"

text = DOC.read_text(encoding="utf-8")
statements = ";\n".join([*layout(), *_INDEXES]) + ";"
DOC.write_text(
    text[: text.index(HEADING)] + f"{HEADING}\n```sql\n{statements}\n```\n", encoding="utf-8"
)
