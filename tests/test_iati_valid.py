"""Every export validates against the IATI 2.03 schema: generated registries (Hypothesis)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from projreg.iati.activities import Publisher, to_iati_xml
from projreg.model import geo, schema
from projreg.model.dates import PartialDate
from projreg.model.project import Project
from tests.conftest import any_text, examples

SCHEMA = etree.XMLSchema(
    etree.parse(str(Path(__file__).parent / "iati" / "schema-2.03" / "iati-activities-schema.xsd"))
)
TODAY = dt.date(2026, 11, 27)
PUBLISHER = Publisher("XM-EXAMPLE", "Example Publisher", "40", "XM-EXAMPLE")

# Any text, control characters and all (the export must cope with what a registry holds).
text = any_text(max_size=12)
dates = st.builds(
    lambda y, m, d, precision: PartialDate(
        y, m if precision > 0 else None, d if precision > 1 else None
    ),
    st.integers(1990, 2040),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 2),
)
REGION_NAMES = [r.name for r in (*geo.REGIONS, *geo.dac_regions())]


def value_of(field: schema.Field):
    """A strategy for a field's value, by its kind (the schema table decides)."""
    kind = field.kind
    if field.name == "url":  # addresses: the characters that make or break an xs:anyURI
        return st.none() | text | st.text(alphabet=":/?#@[]%a1 é.", max_size=10)
    if kind == schema.TEXT:
        return text if field.required else st.none() | text
    if kind == schema.TEXTS:
        return st.lists(text, max_size=2).map(tuple)
    if kind == schema.DATE:
        return st.none() | dates
    if kind == schema.COUNT:
        return st.none() | st.integers(1, 600)
    if kind == schema.CHOICE:
        return st.none() | st.sampled_from(field.choices)
    if kind == schema.COUNTRIES:
        return st.lists(st.sampled_from(["GE", "AM", "XK", "SS"]), unique=True, max_size=2).map(
            tuple
        )
    if kind == schema.REGIONS:
        return st.lists(st.sampled_from(REGION_NAMES), unique=True, max_size=2).map(tuple)
    if kind == schema.DECIMAL:
        return st.decimals(
            allow_nan=False, allow_infinity=False, places=2, min_value=-(10**9), max_value=10**12
        )
    if kind == schema.NUMBER:
        return st.none() | st.integers(0, 100) | st.floats(0, 100, allow_nan=False)
    if kind == schema.RECORDS:
        record = st.fixed_dictionaries({p.name: value_of(p) for p in field.parts}).map(
            lambda values, field=field: field.record(**values)
        )
        return st.lists(record, max_size=2).map(tuple)
    raise AssertionError(kind)


FIELDS = {f.name: value_of(f) for f in schema.PROJECT if f.name != "id"}
registries = st.lists(st.fixed_dictionaries(FIELDS), min_size=1, max_size=3).map(
    lambda rows: [Project(id=f"P-{i}", **row) for i, row in enumerate(rows)]
)


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registries, st.none() | text)
def test_every_export_validates(projects, placeholder):
    export = to_iati_xml(projects, PUBLISHER, TODAY, placeholder)
    assert export.written + len(export.skipped) == len(projects)
    if not export.written:
        return  # IATI needs one activity: `export` refuses to write an empty document
    document = etree.fromstring(export.text.encode())  # well-formed, whatever the text held
    assert SCHEMA.validate(document), SCHEMA.error_log
