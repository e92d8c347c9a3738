"""Build a large IATI import input by cycling real publishers' files.

    python benchmarks/iati_input.py 20000 OUTDIR [--one] [SOURCE.xml...]

Each real file's activities are repeated, in turn, until there are COUNT in all;
every copy gets a unique iati-identifier (the original with `-B<n>`) and so does
its other-identifier (so ids do not all collide). By default one output file per
real file, with that file's root element (its version and language), so every
version family is in the mix; `--one` writes a single file, as a fetch of many
publishers' pages gives. The sources default to tests/iati/real/ and
tests/iati/corpus/ (publishers' files with their origins; never the generator).
Nothing here is committed as data: the benchmark builds it.
"""

from __future__ import annotations

import copy
import itertools
import sys
from pathlib import Path

from lxml import etree

TESTS = Path(__file__).resolve().parent.parent / "tests" / "iati"
REAL = TESTS / "real"
CORPUS = TESTS / "corpus"


def sources() -> list[Path]:
    """The real files: tests/iati/real and tests/iati/corpus (gzipped; lxml reads gzip)."""
    return sorted(REAL.glob("*.xml")) + sorted(CORPUS.glob("*.xml.gz"))


def _pool(paths):
    roots = {path: etree.parse(str(path)).getroot() for path in paths}
    pool = []
    for path, root in roots.items():
        found = [root] if root.tag == "iati-activity" else root.findall("iati-activity")
        pool += [(path, a) for a in found]
    return roots, pool


def _copy(activity, n: int):
    clone = copy.deepcopy(activity)
    identifier = clone.find("iati-identifier")
    if identifier is not None:
        identifier.text = f"{(identifier.text or '').strip()}-B{n}"
    for other in clone.findall("other-identifier"):
        if other.get("ref"):
            other.set("ref", f"{other.get('ref')}-B{n}")
    return clone


def build(count: int, folder: Path, paths=None, one: bool = False) -> list[Path]:
    """Files holding COUNT activities cycled from paths (default: sources())."""
    roots, pool = _pool(paths or sources())
    chosen = list(itertools.islice(itertools.cycle(pool), count))
    if one:
        target = folder / f"cycled-{count}.xml"
        with etree.xmlfile(str(target), encoding="utf-8") as out:
            out.write_declaration()
            with out.element("iati-activities", version="2.03"):
                for n, (_path, activity) in enumerate(chosen):
                    out.write(_copy(activity, n))
        return [target]
    outputs = {path: [] for path in roots}
    for n, (path, activity) in enumerate(chosen):
        outputs[path].append(_copy(activity, n))
    written = []
    for path, activities in outputs.items():
        if not activities:
            continue
        root = roots[path]
        # A file whose root is one iati-activity gets an iati-activities root around the copies.
        single = root.tag == "iati-activity"
        out = (
            etree.Element("iati-activities")
            if single
            else etree.Element(root.tag, dict(root.attrib), nsmap=root.nsmap)
        )
        out.extend(activities)
        target = folder / f"cycled-{path.name.removesuffix('.gz')}"
        etree.ElementTree(out).write(str(target), encoding="utf-8", xml_declaration=True)
        written.append(target)
    return written


if __name__ == "__main__":
    args = sys.argv[1:]
    one = "--one" in args
    args = [a for a in args if a != "--one"]
    count, folder = int(args[0]), Path(args[1])
    folder.mkdir(parents=True, exist_ok=True)
    for path in build(count, folder, [Path(p) for p in args[2:]] or None, one):
        print(path, f"{path.stat().st_size / 1e6:.1f} MB")
