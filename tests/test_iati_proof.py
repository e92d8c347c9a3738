"""The proof: for every real IATI file, the independent counter (tests/iati_facts.py) agrees
with what projreg imports and exports, or the difference is an explained one."""

from pathlib import Path

import pytest

from .iati_compare import EXPLAINED, compare

REAL = sorted((Path(__file__).parent / "iati" / "real").glob("*.xml"))


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    folder = tmp_path_factory.mktemp("proof")
    return {path.name: compare(path, folder) for path in REAL}


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_every_difference_is_explained(rows, path):
    unexplained = [
        (row.fact, row.source, row.imported, row.exported)
        for row in rows[path.name]
        if "UNEXPLAINED" in (row.import_verdict, row.export_verdict)
    ]
    assert unexplained == []


def test_every_explanation_is_still_needed(rows):
    used = {
        (name, row.fact, stage)
        for name, file_rows in rows.items()
        for row in file_rows
        for stage, verdict in (("import", row.import_verdict), ("export", row.export_verdict))
        if verdict != "held"
    }
    assert set(EXPLAINED) == used


def test_money_geography_and_dates_are_held_everywhere(rows):
    held = (
        "budget_totals",
        "recipient_countries",
        "recipient_regions",
        "activity_dates",
        "budgets",
    )
    # A region in a publisher's own vocabulary (99) is kept as published and exported back.
    own_vocabulary: set = set()
    for name, file_rows in rows.items():
        for row in file_rows:
            if row.fact in held:
                export_ok = row.export_verdict == "held" or (name, row.fact) in own_vocabulary
                assert row.import_verdict == "held" and export_ok, (name, row)
