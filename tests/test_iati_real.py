"""IATI on real data (tests/iati/real/) and on the cases real data showed: exact money,
planned vs actual dates, DAC regions, 1.0x codes, budget types, identity, validity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from projreg import load_registry
from projreg.iati.activities import Publisher, import_files, to_iati_xml
from projreg.model.project import Budget, Participant, Project

from .iati_facts import facts

HERE = Path(__file__).parent
REAL = HERE / "iati" / "real"
REAL_FILES = sorted(REAL.glob("*.xml"))
TODAY = dt.date(2026, 11, 27)
PUBLISHER = Publisher("XM-EXAMPLE", "Example Publisher", "40", "XM-EXAMPLE")


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(
        etree.parse(str(HERE / "iati" / "schema-2.03" / "iati-activities-schema.xsd"))
    )


@pytest.fixture(scope="module")
def imports():
    """Each real file imported once: {file name: ImportResult}."""
    return {path.name: import_files([path]) for path in REAL_FILES}


def write_xml(tmp_path, body: str, name="source.xml", version="2.03") -> Path:
    path = tmp_path / name
    path.write_text(f'<iati-activities version="{version}">{body}</iati-activities>', "utf-8")
    return path


def activity(identifier="XM-X-1", inner="") -> str:
    return (
        f'<iati-activity default-currency="EUR"><iati-identifier>{identifier}</iati-identifier>'
        f'<reporting-org ref="XM-X" type="21"><narrative>X</narrative></reporting-org>'
        f"<title><narrative>Activity {identifier}</narrative></title>{inner}</iati-activity>"
    )


def project(**fields) -> Project:
    from projreg.model.dates import parse_date

    base = dict(
        id="P-1",
        title="A project",
        summary="What it does.",
        donors=(Participant("A donor"),),
        start=parse_date("2019"),
        activity_status="ongoing",
    )
    return Project(**{**base, **fields})


# --- 1. money ---------------------------------------------------------------------------------


def test_budget_values_are_exact_through_import_and_export(run, tmp_path, imports):
    budgets = [b for p in imports["dfid-al-2.01.xml"].projects for b in p.budgets]
    assert "101230.00" in [str(b.value) for b in budgets]  # the cents as written, a Decimal
    assert all(isinstance(b.value, Decimal) for b in budgets)
    out = tmp_path / "al.yaml"
    assert run("import-iati", str(REAL / "dfid-al-2.01.xml"), "-o", str(out)).exit_code == 0
    xml = tmp_path / "al.xml"
    assert run("--registry", str(out), "export", "-o", str(xml)).exit_code == 0
    values = etree.parse(str(xml)).xpath("//budget/value/text()")
    assert "101230.00" in values and "-7826.00" in values
    assert facts(xml)["budget_totals"] == facts(REAL / "dfid-al-2.01.xml")["budget_totals"]


def test_export_writes_amounts_digit_for_digit(schema):
    from projreg.model.dates import parse_date

    year = parse_date("2019")
    amounts = ["1166170.55", "162964.12", "1E+3", "0.000001"]
    budgets = tuple(Budget(Decimal(a), "EUR", year, year) for a in amounts)
    export = to_iati_xml([project(budgets=budgets)], PUBLISHER, TODAY)
    document = etree.fromstring(export.text.encode())
    assert schema.validate(document), schema.error_log
    assert document.xpath("//budget/value/text()") == [
        "1166170.55",
        "162964.12",
        "1000",
        "0.000001",
    ]


def test_comma_decimals_and_bad_percentages_are_kept_as_published(tmp_path):
    source = write_xml(
        tmp_path,
        activity(
            inner='<sector code="15210" vocabulary="1" percentage="1,5"/>'
            '<sector code="15110" vocabulary="1" percentage="half"/>'
            '<budget type="1"><period-start iso-date="2019-01-01"/><period-end iso-date="2019-12-31"/>'
            '<value currency="EUR">1,5</value></budget>'
            '<budget type="2"><period-start iso-date="2019-01-01"/><period-end iso-date="2019-12-31"/>'
            '<value currency="EUR"> 1 500.25 </value></budget>'
        ),
    )
    (imported,) = import_files([source]).projects
    assert [b.value for b in imported.budgets] == [Decimal("1500.25")]  # spaces dropped
    assert [(k.field, k.value) for k in imported.published] == [
        ("sectors[0].percentage", "1,5"),
        ("sectors[1].percentage", "half"),
        ("budgets", "1,5"),
    ]
    assert [(s.code, s.percentage) for s in imported.sectors] == [("15210", None), ("15110", None)]


# --- 2. planned and actual dates -----------------------------------------------------------------


def test_planned_dates_are_never_exported_as_actual(schema):
    from projreg.model.dates import parse_date

    planned_only = project(
        id="PLANNED",
        start=None,
        planned_start=parse_date("2019-01"),
        planned_end=parse_date("2030-12"),
    )
    future_end = project(id="FUTURE", start=parse_date("2020-03"), end=parse_date("2031-06"))
    export = to_iati_xml([planned_only, future_end], PUBLISHER, TODAY)
    document = etree.fromstring(export.text.encode())
    assert schema.validate(document), schema.error_log
    types = [a.xpath("activity-date/@type") for a in document.xpath("//iati-activity")]
    assert types == [["1", "3"], ["2", "3"]]
    assert (
        "FUTURE: the end June 2031 is after today (2026-11-27); exported as the planned end"
        in export.notes
    )


def test_show_says_which_dates_answer(run, write):
    path = write(
        """
        projects:
          - id: P-1
            title: Planned end only
            start: 2019-03
            planned_end: 2030-12
        """
    )
    from projreg.render.terminal import Terminal

    result = run(
        "--registry",
        str(path),
        "show",
        "P-1",
        "--today",
        "2026-11-27",
        terminal=Terminal(stdout_tty=True, width=120),
    )
    assert "March 2019 – December 2030 (142 months) (planned end)" in result.stdout


# --- 3. valid exports ----------------------------------------------------------------------------


def test_a_project_without_description_is_named_or_given_the_stated_placeholder(schema):
    bare = project(summary=None)
    export = to_iati_xml([bare], PUBLISHER, TODAY)
    assert export.written == 0
    assert export.skipped == [
        (
            "P-1",
            "IATI requires a description (write one, or give --placeholder-description), "
            "which the registry does not give",
        )
    ]
    export = to_iati_xml([bare], PUBLISHER, TODAY, "No description was published.")
    document = etree.fromstring(export.text.encode())
    assert schema.validate(document), schema.error_log
    assert document.xpath("//description/narrative/text()") == ["No description was published."]


def test_control_characters_never_make_xml_that_is_not_well_formed(schema):
    export = to_iati_xml(
        [project(title="Bell\x07 and form\x0cfeed", summary="Nul\x00 here")], PUBLISHER, TODAY
    )
    document = etree.fromstring(export.text.encode())  # raises if not well-formed
    assert schema.validate(document), schema.error_log
    assert document.xpath("//title/narrative/text()") == ["Bell and formfeed"]
    assert "P-1: 3 control characters that XML cannot hold left out of its text" in export.notes


def test_export_cli_placeholder_and_validity(run, tmp_path, schema):
    out = tmp_path / "r189.yaml"
    assert run("import-iati", str(REAL / "dfid-region189-1.01.xml"), "-o", str(out)).exit_code == 0
    result = run("--registry", str(out), "export")
    assert "not exported, 9 projects: IATI requires a description" in result.stderr
    assert schema.validate(etree.fromstring(result.stdout.encode()))
    result = run("--registry", str(out), "export", "--placeholder-description", "None published.")
    document = etree.fromstring(result.stdout.encode())
    assert schema.validate(document), schema.error_log
    assert len(document.xpath("//iati-activity")) == 12


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_exports_of_real_imports_validate(path, imports, schema):
    export = to_iati_xml(imports[path.name].projects, PUBLISHER, TODAY, "No description.")
    document = etree.fromstring(export.text.encode())
    assert schema.validate(document), schema.error_log
    assert export.written == len(imports[path.name].projects)


# --- 4. 1.0x descriptions ---------------------------------------------------------------------


def test_1_0x_description_words_are_types(imports, tmp_path):
    (world_bank,) = imports["worldbank-zw-1.01.xml"].projects
    # type="General" (1.0x) is the summary
    assert world_bank.summary.startswith("The Family Health Project will increase")
    source = write_xml(
        tmp_path,
        activity(
            inner='<description type="OBJECTIVES">Aim.</description>'
            '<description type="Target Groups">Farmers.</description>'
            '<description type="other">Acronym: ABC</description>'
            "<description>Untyped is general.</description>",
        ),
        version="1.03",
    )
    (imported,) = import_files([source]).projects
    assert (imported.summary, imported.objective, imported.target_groups, imported.acronym) == (
        "Untyped is general.",
        "Aim.",
        ("Farmers.",),
        "ABC",
    )


# --- 5. regions ------------------------------------------------------------------------------------


def test_dac_regions_are_regions(run, tmp_path, imports, schema):
    out = tmp_path / "aet.yaml"
    assert (
        run("import-iati", str(REAL / "aet-southsudan-region289.xml"), "-o", str(out)).exit_code
        == 0
    )
    (imported,) = load_registry(out).projects
    assert (imported.countries, imported.regions) == ((), ("South of Sahara, regional",))
    for name in ("289", "South of Sahara, regional", "south of sahara, REGIONAL"):
        result = run("--registry", str(out), "list", "--region", name)
        assert result.exit_code == 0 and result.stdout.startswith("SVE\t"), name
    result = run("--registry", str(out), "export")
    document = etree.fromstring(result.stdout.encode())
    assert schema.validate(document)
    region = document.xpath("//recipient-region")[0]
    assert (region.get("code"), region.get("vocabulary")) == ("289", "1")
    # Every region-only activity of the DFID file keeps region 189.
    region_only = [
        p for p in imports["dfid-region189-1.01.xml"].projects if p.regions and not p.countries
    ]
    assert (
        len(region_only) == facts(REAL / "dfid-region189-1.01.xml")["region_only_activities"] == 9
    )
    assert all(p.regions == ("North of Sahara, regional",) for p in region_only)


def test_other_region_vocabularies_are_kept_as_published_and_ours_are_vocabulary_99(tmp_path):
    source = write_xml(
        tmp_path,
        activity(
            inner='<recipient-region code="ABC" vocabulary="2"><narrative>A UN region</narrative></recipient-region>'
            '<recipient-region code="Central Asia" vocabulary="99"/>'
        ),
    )
    (imported,) = import_files([source]).projects
    assert imported.regions == ("Central Asia",)
    (kept,) = imported.published
    assert (kept.field, kept.value, kept.vocabulary) == ("regions", "ABC", "2")


# --- 6. codes across versions ------------------------------------------------------------------


def test_sector_vocabularies_map_or_become_notes(imports):
    (world_bank,) = imports["worldbank-zw-1.01.xml"].projects
    assert world_bank.sectors == ()
    assert any("in vocabulary WBSector" in note for note in world_bank.notes)
    (tearfund,) = imports["tearfund-cd-noversion.xml"].projects
    assert {s.vocabulary for s in tearfund.sectors} == {"1"}  # DAC


def test_sectors_without_code_are_noted(tmp_path):
    source = write_xml(
        tmp_path,
        activity(
            inner='<sector vocabulary="RO"><narrative>Health</narrative></sector><sector code="X" vocabulary="RO"/>'
        ),
    )
    (imported,) = import_files([source]).projects
    assert "A sector without a code (Health, vocabulary RO) left out." in imported.notes
    assert [(s.code, s.vocabulary) for s in imported.sectors] == [("X", "99")]


def test_registry_sector_vocabularies_that_iati_lacks_are_not_exported():
    from projreg.model.project import Sector

    export = to_iati_xml(
        [project(sectors=(Sector("A1", "WBSector"), Sector("15210", "DAC")))], PUBLISHER, TODAY
    )
    document = etree.fromstring(export.text.encode())
    assert document.xpath("//sector/@vocabulary") == ["1"]
    assert any("its vocabulary 'WBSector' is not an IATI 2.03" in n for n in export.notes)


# --- 7. types --------------------------------------------------------------------------------------


def test_budget_types_and_finalisation_survive(run, tmp_path, imports):
    types = [b.type for p in imports["dfid-al-2.01.xml"].projects for b in p.budgets]
    assert types.count("revised") == facts(REAL / "dfid-al-2.01.xml")["budgets"]["2"] > 0
    out = tmp_path / "al.yaml"
    run("import-iati", str(REAL / "dfid-al-2.01.xml"), "-o", str(out))
    shown = run("--registry", str(out), "show", "GB-1-109635-101").stdout.splitlines()
    budget = [line.split("\t", 1)[1] for line in shown if line.startswith("budgets[1].")]
    assert budget == ["-7826.00", "GBP", "2009-04-01", "2009-06-30", "revised"]
    source = write_xml(
        tmp_path,
        activity(
            inner='<activity-status code="3"/>'
            '<participating-org role="1"><narrative>D</narrative></participating-org>'
            "<description><narrative>d</narrative></description>"
            '<activity-date type="2" iso-date="2019-01-01"/>'
        ),
    )
    (imported,) = import_files([source]).projects
    assert imported.activity_status == imported.status_on(TODAY) == "finalisation"
    export = to_iati_xml([imported], PUBLISHER, TODAY)
    assert etree.fromstring(export.text.encode()).xpath("//activity-status/@code") == ["3"]


# --- 8. identity -----------------------------------------------------------------------------------


def test_each_project_keeps_its_reporting_org(run, tmp_path):
    out = tmp_path / "two.yaml"
    files = [REAL / "dfid-al-2.01.xml", REAL / "tearfund-cd-noversion.xml"]
    assert run("import-iati", *map(str, files), "-o", str(out)).exit_code == 0
    result = run("--registry", str(out), "export")
    assert result.exit_code == 0, result.stderr
    refs = etree.fromstring(result.stdout.encode()).xpath("//reporting-org/@ref")
    assert sorted(set(refs)) == ["GB-CHC-265464", "GB-GOV-1"]


def test_show_and_search_accept_the_iati_identifier(run, tmp_path):
    out = tmp_path / "a.yaml"
    run("import-iati", str(HERE / "iati" / "activities-2.03.xml"), "-o", str(out))
    result = run("--registry", str(out), "show", "XM-EXAMPLE-1-PRJ-001")
    assert result.exit_code == 0 and "Border Cooperation in the Caucasus" in result.stdout
    result = run("--registry", str(out), "list", "--search", "XM-EXAMPLE-1-PRJ-002")
    assert result.stdout.startswith("PRJ-002")


def test_ids_do_not_depend_on_the_order_of_files(tmp_path):
    shared = '<other-identifier ref="SAME" type="A1"/>'
    a = write_xml(tmp_path, activity("XM-A-1", shared), "a.xml")
    b = write_xml(tmp_path, activity("XM-B-1", shared), "b.xml")
    one = {p.iati_id: p.id for p in import_files([a, b]).projects}
    two = {p.iati_id: p.id for p in import_files([b, a]).projects}
    assert one == two == {"XM-A-1": "XM-A-1", "XM-B-1": "XM-B-1"}


def test_a_repeated_identifier_is_reported_not_imported_twice(tmp_path):
    a = write_xml(tmp_path, activity("XM-A-1") + activity("XM-A-1"), "a.xml")
    result = import_files([a])
    assert len(result.projects) == 1
    assert result.skipped == [
        (
            f"{a}: activity 2",
            f"iati-identifier XM-A-1 again; kept the one read first ({a}: activity 1)",
        )
    ]


# --- 9. feedback and the cache --------------------------------------------------------------------


def test_import_leaves_nothing_in_the_cache(run, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("PROJREG_CACHE_DIR", str(cache))
    out = tmp_path / "al.yaml"
    assert run("import-iati", str(REAL / "dfid-al-2.01.xml"), "-o", str(out)).exit_code == 0
    assert list(cache.rglob("*")) == []


def test_export_never_writes_a_document_without_activities(run, tmp_path):
    out = tmp_path / "none.xml"
    result = run(
        "export",
        "--country",
        "Japan",
        "-o",
        str(out),
        "--reporting-org-ref",
        "XM-X",
        "--reporting-org-name",
        "X",
        "--reporting-org-type",
        "40",
    )
    assert result.exit_code == 0  # an empty selection is not an error
    assert "nothing exported: of 0 selected projects" in result.stderr
    assert not out.exists()  # an iati-activities without an activity fails the schema


def test_the_c_emitter_writes_what_the_pure_python_one_writes(imports, monkeypatch):
    import yaml

    from projreg.registry.encode import registry_document, to_yaml

    documents = [registry_document(None, r.projects) for r in imports.values()]
    with_c = [to_yaml(d) for d in documents]
    monkeypatch.delattr(yaml, "CSafeDumper")
    assert [to_yaml(d) for d in documents] == with_c


def test_list_says_which_dates_answer_for_imported_activities(run, tmp_path):
    out = tmp_path / "a.yaml"
    run("import-iati", str(HERE / "iati" / "activities-2.03.xml"), "-o", str(out))
    result = run("--registry", str(out), "list", "--fields", "id,start,end,period,dates_basis")
    assert result.stdout.splitlines() == [
        "PRJ-001\t2019-03-15\t\t15 March 2019 – 31 December 2021 (34 months) (planned end)\tmixed",
        "PRJ-002\t\t\tfrom 1 January 2030, no end given (planned)\tplanned",
        "XM-EXAMPLE-1-PRJ-004\t\t\tdates unknown\t",
    ]


@pytest.mark.parametrize(
    ("url", "written"),
    [
        ("http://x.org/a b", "http://x.org/a%20b"),
        ("http://münchen.de", "http://m%C3%BCnchen.de"),
        ("%zz", "%25zz"),
        ("https://docs.google.com/file/d/0B_DU6p5", "https://docs.google.com/file/d/0B_DU6p5"),
        (":", None),
        ("a://b:c", None),
        ("http://h:/", None),
    ],
)
def test_link_addresses_are_uris_or_left_out(url, written, schema):
    from projreg.model.project import Link

    export = to_iati_xml([project(links=(Link("t", url, "website"),))], PUBLISHER, TODAY)
    document = etree.fromstring(export.text.encode())
    assert schema.validate(document), schema.error_log
    assert document.xpath("//document-link/@url") == ([written] if written else [])
    assert bool(export.notes) == (written is None)
