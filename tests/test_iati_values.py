"""The proof, value by value: for every activity of every real IATI file, what it publishes
(read by tests/iati_facts.py with lxml, no projreg code) equals what projreg imports and
what it exports (read back by the same reader): identifier, countries and regions with
their percentages, sectors, status, dates by type, budgets by type, period, value and
currency, transactions. A difference is either explained (VALUES_EXPLAINED) or a failure."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from projreg.model.dates import PartialDate

from .iati_compare import VALUES_EXPLAINED, compare_values

REAL = sorted((Path(__file__).parent / "iati" / "real").glob("*.xml"))


@pytest.fixture(scope="module")
def differences(tmp_path_factory):
    folder = tmp_path_factory.mktemp("values")
    return {path.name: compare_values(path, folder) for path in REAL}


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_every_value_is_held_or_the_difference_explained(differences, path):
    unexplained = [
        d for d in differences[path.name] if (path.name, d.field, d.stage) not in VALUES_EXPLAINED
    ]
    assert unexplained == []


def test_every_explanation_is_still_needed(differences):
    used = {(name, d.field, d.stage) for name, found in differences.items() for d in found}
    assert set(VALUES_EXPLAINED) == used


def test_activities_and_their_dates_budgets_and_countries_import_exactly(differences):
    held = ("activity", "identifier", "countries", "status", "dates", "budgets")
    for name, found in differences.items():
        assert [d for d in found if d.stage == "import" and d.field in held] == [], name


def _shifted(project):
    start = project.start or project.planned_start
    if start is None or start.month is None:
        return project
    month = start.month % 12 + 1
    moved = PartialDate(start.year, month, min(start.day or 1, 28) if start.day else None)
    field = "start" if project.start else "planned_start"
    return dataclasses.replace(project, **{field: moved})


def _swapped(project):
    codes = tuple("AM" if c == "GE" else "GE" if c == "AM" else c for c in project.countries)
    codes = codes if codes != project.countries else ("AM", *project.countries[1:])
    return dataclasses.replace(project, countries=codes if project.countries else ())


def _budget_changed(project):
    budgets = tuple(b._replace(value=b.value + 1) for b in project.budgets)
    return dataclasses.replace(project, budgets=budgets)


@pytest.mark.parametrize(
    ("alter", "field"), [(_shifted, "dates"), (_swapped, "countries"), (_budget_changed, "budgets")]
)
def test_a_wrong_value_is_caught(tmp_path, alter, field):
    """The comparison sees a date shifted by a month, a country swapped (GE for AM), a
    budget one unit off: what a count of facts would let through."""
    path = next(p for p in REAL if p.name == "dfid-al-2.01.xml")
    if field == "budgets":
        path = next(p for p in REAL if p.name == "tearfund-cd-noversion.xml")
    found = compare_values(path, tmp_path, alter)
    assert any(d.field == field and d.stage == "import" for d in found)
    assert any(d.field == field and d.stage == "export" for d in found)
