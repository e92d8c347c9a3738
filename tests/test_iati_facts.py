"""The real IATI corpus in tests/iati/real and the independent fact checker agree with themselves.

tests/iati_facts.py reads with lxml; these tests count again with xml.etree (a second reader) and
check that the corpus README names every file with the commit it was taken from.
"""

import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("lxml")

from tests.iati_facts import KEYS, facts

REAL = Path(__file__).parent / "iati" / "real"
FILES = sorted(REAL.glob("*.xml"))


def test_corpus_is_there():
    assert len(FILES) >= 5


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_facts_agree_with_a_second_reader(path):
    f = facts(path)
    assert set(f) == set(KEYS)
    root = ET.parse(path).getroot()
    assert root.tag in ("iati-activities", "iati-activity")  # a single activity as the root too
    acts = [root] if root.tag == "iati-activity" else root.findall("iati-activity")
    assert f["activities"] == len(acts) > 0
    assert f["version"] == root.get("version")
    assert (
        0
        <= f["activities_with_title"]
        <= f["activities"]
        <= f["titles"] + (f["activities"] - f["activities_with_title"])
    )
    assert sum(f["budgets"].values()) == sum(len(a.findall("budget")) for a in acts)
    assert f["transactions"] == sum(len(a.findall("transaction")) for a in acts)
    assert sum(f["sectors"].values()) == sum(len(a.findall("sector")) for a in acts)
    assert sum(f["descriptions"].values()) == sum(len(a.findall("description")) for a in acts)
    assert sum(f["activity_dates"].values()) == sum(len(a.findall("activity-date")) for a in acts)
    statuses = Counter(s.get("code") or "" for a in acts for s in a.findall("activity-status"))
    assert f["activity_statuses"] == statuses
    orgs = sum(len(a.findall("participating-org")) for a in acts)
    assert sum(f["participating_orgs"].values()) == orgs >= f["participating_org_names"]
    regions = sum(len(a.findall("recipient-region")) for a in acts)
    assert sum(f["recipient_regions"].values()) == regions
    assert f["region_only_activities"] <= f["activities"]
    # 1.0x words are normalised to the 2.0x codes IATI defines for them.
    assert set(f["participating_orgs"]) <= {"1", "2", "3", "4"}
    assert set(f["activity_dates"]) <= {"1", "2", "3", "4"}


def test_readme_lists_every_file_with_its_commit():
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in readme.splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0].endswith(".xml"):
            rows.setdefault(cells[0], line)  # the provenance table comes first
    for path in FILES:
        assert path.name in rows, f"{path.name} is not in {REAL / 'README.md'}"
        assert re.search(r"\b[0-9a-f]{40}\b", rows[path.name]), f"{path.name} has no commit"
