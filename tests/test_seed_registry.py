"""The bundled registry holds every project and every fact of the seed page, and only those."""

import re

import pytest

from projreg.model.fields import SHOW_FIELDS, Context, as_text, record

from .conftest import SEED_PAGE, TODAY

LABELS = re.compile(
    r"^(Objective:|Target group, beneficiaries and counterparts|SO\.?\d\.?)\s*", re.IGNORECASE
)
# Lines whose facts are checked field by field in EXPECTED below, not as running text.
FIELD_LINES = re.compile(
    r"^(Implementing Agency|Implementing agency|Donors?|Duration|Countr(y|ies)|Co-implementing"
    r"|Programme partners|Project Manager|Website|Downloads|For more information"
    r"|According to the specific project objectives)",  # the heading of a list
)


def normalise(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).strip(" ;")


def flatten(value) -> list[str]:
    if isinstance(value, dict):
        return [t for v in value.values() for t in flatten(v)]
    if isinstance(value, list):
        return [t for v in value for t in flatten(v)]
    return [as_text(value)]


def registry_text(registry) -> str:
    parts = []
    for project in registry.projects:
        for value in record(project, SHOW_FIELDS, Context(TODAY)).values():
            parts.extend(flatten(value))
        # The page heads each project "Title (ACRONYM)".
        parts.append(f"{project.title} ({project.acronym}) project")
    return normalise(" | ".join(parts))


def page_fragments() -> list[str]:
    """Every sentence-sized piece of running text and every bullet on the page."""
    fragments = []
    for line in SEED_PAGE.read_text(encoding="utf-8").splitlines():
        line = normalise(line.lstrip(" •"))
        if len(line) < 40 or FIELD_LINES.match(line):
            continue
        line = LABELS.sub("", line)
        fragments.extend(normalise(f) for f in line.split("; ") if len(normalise(f)) > 15)
    return fragments


def test_page_fragments_are_found():
    # The check below is only as good as the fragments it looks for.
    assert len(page_fragments()) > 60


@pytest.mark.parametrize("fragment", page_fragments())
def test_every_text_of_the_page_is_in_the_registry(registry, fragment):
    assert fragment in registry_text(registry)


EXPECTED = {
    "PRAGUE-PROCESS": dict(
        title="Prague Process", start="2009-04", end=None, countries=["Russia", "Turkey"],
        regions=["European Union", "Schengen Area", "Eastern Partnership", "Western Balkans",
                 "Central Asia"],
        donors=[], implementers=[],
    ),
    "RESTART": dict(
        acronym="RESTART", title="Reintegration Support to Azerbaijani Returnees",
        start="2019-01-01", end="2020-06-30", countries=["Azerbaijan"],
        donors=["Federal Republic of Germany (Ministry of Interior)",
                "Kingdom of the Netherlands (Ministry of Justice, Repatriation and Departure Service)",
                "Republic of Poland (Ministry of Interior and Administration)"],
        implementers=["ICMPD (lead)", "State Migration Service of Azerbaijan (partner)"],
    ),
    "EAP-IBM-CABUIPRO": dict(
        acronym="EaP IBM CaBuiPro", start="2014-07", end="2017-06",
        countries=["Armenia", "Azerbaijan", "Belarus", "Georgia", "Moldova", "Ukraine"],
        donors=["European Commission (ENPI)"],
        implementers=["Frontex (lead)", "IOM (partner)", "WCO (partner)", "ICMPD (partner)"],
    ),
    "BOMCA-9": dict(
        acronym="BOMCA 9", title="Border Management Programme in Central Asia - Phase 9",
        start="2015-06", end="2018-06",
        countries=["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"],
        donors=["European Union"], implementers=["State Border Guard of Latvia (consortium-lead)"],
    ),
    "MOBILAZE": dict(
        start="2016-01", end="2019-01", countries=["Azerbaijan"], donors=["European Commission"],
        implementers=["ICMPD"] + [f"{c} (co-implementing)" for c in (
            "Bulgaria", "Czech Republic", "Latvia", "Lithuania", "Netherlands", "Poland",
            "Slovakia")],
    ),
    "MIBMA": dict(
        start="2016-01", end="2018-12", countries=["Armenia"], donors=["European Union"],
        implementers=["ICMPD (lead)", "UNDP (partner)"],
    ),
    "ENIGMMA-2": dict(
        start="2017-09", end="2020-11", countries=["Georgia"], manager="Violeta Wagner",
        programme_partners=["EUD in Georgia", "EU MS"],
        implementers=["ICMPD", "State Commission on Migration Issues of Georgia"],
        links=["ENIGMMA Website", "Full project description (PDF)"],
    ),
    "PP-DATA": dict(
        title="Prague Process: Dialogue, Analyses and Trainings in Action", acronym="PP DATA",
        start=None, end=None, duration_months=36, donors=[],
        programme="Mobility Partnership Facility 2, strand C",
        links=["Full project description (PDF)", "Prague Process Projects webpage",
               "Prague Process website"],
    ),
}  # fmt: skip


def test_the_eight_projects_in_page_order(registry):
    assert [p.id for p in registry.projects] == list(EXPECTED)


@pytest.mark.parametrize("project_id", list(EXPECTED))
def test_fields_match_the_page(registry, project_id):
    project = registry.get(project_id)
    row = record(project, SHOW_FIELDS, Context(TODAY))
    for name, expected in EXPECTED[project_id].items():
        value = row[name]
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = [as_text(v) for v in value]
        assert value == expected, name


def test_enigmma2_has_four_components(registry):
    components = registry.get("ENIGMMA-2").components
    assert [c.title for c in components] == [
        "Policy Recommendations",
        "Joint Response Measures",
        "Capacity Building",
        "Exchange and Cooperation between Georgia and EU Experts",
    ]
    for number, component in enumerate(components, 1):
        assert component.description.startswith(f"COMPONENT {number} ")


def test_instrument_of_enigmma2_donor(registry):
    (donor,) = registry.get("ENIGMMA-2").donors
    assert donor.name == "European Commission"
    assert donor.instrument.startswith("EU-Georgia Financing Agreement, signed in May 2017")


def test_nothing_beyond_the_page(registry):
    # No URL is given on the page, so none may appear in the registry.
    assert all(link.url is None for p in registry.projects for link in p.links)
    # Only ENIGMMA-2 names a manager; only PP-DATA a duration without dates.
    assert [p.id for p in registry.projects if p.manager] == ["ENIGMMA-2"]
    assert [p.id for p in registry.projects if p.duration_months] == ["PP-DATA"]
