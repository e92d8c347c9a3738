"""Print, for every real IATI file in tests/iati/real/, what projreg holds, changes or loses.

    python scripts/iati_table.py

One table per file: each fact counted by tests/iati_facts.py (lxml, independent of
projreg) in the source, in projreg's import, and in projreg's export read back; then
"held", "changed: why" or "lost: why" for the import and the export (the reasons are
tests/iati_compare.py's EXPLAINED list, which tests/test_iati_proof.py checks).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.iati_compare import compare  # noqa: E402
from tests.iati_facts import _cell  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        for path in sorted((ROOT / "tests" / "iati" / "real").glob("*.xml")):
            print(f"\n### {path.name}\n")
            print("| fact | source | import | export | import verdict | export verdict |")
            print("| --- | --- | --- | --- | --- | --- |")
            for row in compare(path, Path(folder)):
                cells = [_cell(row.source), _cell(row.imported), _cell(row.exported)]
                print(
                    f"| {row.fact} | "
                    + " | ".join(cells)
                    + f" | {row.import_verdict} | {row.export_verdict} |"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
