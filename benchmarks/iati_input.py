"""Build a large IATI import input by cycling the real files of tests/iati/real/.

    python benchmarks/iati_input.py 20000 OUTDIR     writes OUTDIR/cycled-<name>.xml

Each real file's activities are repeated, in turn, until there are COUNT in all;
every copy gets a unique iati-identifier (the original with `-B<n>`) and so does
its other-identifier (so ids do not all collide). One output file per real file,
with that file's root element (its version and language), so every version
family is in the mix. Nothing here is committed as data: the benchmark builds it.
"""

from __future__ import annotations

import copy
import itertools
import sys
from pathlib import Path

from lxml import etree

REAL = Path(__file__).resolve().parent.parent / "tests" / "iati" / "real"


def build(count: int, folder: Path) -> list[Path]:
    sources = sorted(REAL.glob("*.xml"))
    roots = {path: etree.parse(str(path)).getroot() for path in sources}
    outputs = {path: [] for path in sources}
    pool = [(path, a) for path, root in roots.items() for a in root.iter("iati-activity")]
    for n, (path, activity) in enumerate(itertools.islice(itertools.cycle(pool), count)):
        outputs[path].append((n, activity))
    written = []
    for path, activities in outputs.items():
        root = roots[path]
        # A file whose root is one iati-activity gets an iati-activities root around the copies.
        single = root.tag == "iati-activity"
        out = (
            etree.Element("iati-activities")
            if single
            else etree.Element(root.tag, dict(root.attrib))
        )
        for n, activity in activities:
            clone = copy.deepcopy(activity)
            identifier = clone.find("iati-identifier")
            identifier.text = f"{(identifier.text or '').strip()}-B{n}"
            for other in clone.findall("other-identifier"):
                if other.get("ref"):
                    other.set("ref", f"{other.get('ref')}-B{n}")
            out.append(clone)
        target = folder / f"cycled-{path.name}"
        etree.ElementTree(out).write(str(target), encoding="utf-8", xml_declaration=True)
        written.append(target)
    return written


if __name__ == "__main__":
    count, folder = int(sys.argv[1]), Path(sys.argv[2])
    folder.mkdir(parents=True, exist_ok=True)
    for path in build(count, folder):
        print(path, f"{path.stat().st_size / 1e6:.1f} MB")
