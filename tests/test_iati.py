"""IATI: importing activity files of each version family, exporting schema-valid 2.03, round trips."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from projreg import load_registry
from projreg.iati.activities import IatiError, import_files
from projreg.registry.lint import check
from projreg.render.terminal import Terminal

FIXTURES = Path(__file__).parent / "iati"
PUBLISHER = [
    "--reporting-org-ref",
    "XM-EXAMPLE",
    "--reporting-org-name",
    "Example Publisher",
    "--reporting-org-type",
    "40",
]


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(
        etree.parse(str(FIXTURES / "schema-2.03" / "iati-activities-schema.xsd"))
    )


def imported(run, tmp_path, *names):
    out = tmp_path / "imported.yaml"
    result = run("import-iati", *(str(FIXTURES / n) for n in names), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    return out, result


def test_import_2_03(run, tmp_path):
    out, result = imported(run, tmp_path, "activities-2.03.xml")
    assert check(out) == [] or all(p.severity == "warning" for p in check(out))
    registry = load_registry(out)
    # An activity without a title is kept (its identifier stands in, and a warning says so).
    assert [p.id for p in registry.projects] == ["PRJ-001", "PRJ-002", "XM-EXAMPLE-1-PRJ-004"]
    untitled = registry.get("XM-EXAMPLE-1-PRJ-004")
    assert untitled.title == "XM-EXAMPLE-1-PRJ-004"
    assert [(k.field, k.value) for k in untitled.published] == [("title", None)]
    project = registry.get("PRJ-001")
    assert project.iati_id == "XM-EXAMPLE-1-PRJ-001"
    assert project.title == "Border Cooperation in the Caucasus"
    assert "Title (fr): Coopération frontalière dans le Caucase" in project.notes
    assert (project.summary, project.objective) == (
        "A general description.",
        "The overall objective.",
    )
    assert project.specific_objectives == ("A specific objective.",)
    assert project.target_groups == ("Border guards",)
    assert [(d.name, d.ref) for d in project.donors] == [
        ("European Commission", "XI-IATI-EC_INTPA")
    ]
    assert [a.name for a in project.accountable] == ["Ministry of Interior"]
    assert [e.ref for e in project.extending] == ["XM-EXAMPLE-EXT"]
    # An implementer with an empty name keeps its ref, and a note says so.
    assert [(i.name, i.ref) for i in project.implementers] == [
        ("Example Agency", "XM-EXAMPLE-1"),
        (None, "XM-NO-NAME"),
    ]
    assert any("XM-NO-NAME" in note for note in project.notes)
    # Planned dates stay planned, actual ones actual: the source has no actual end.
    assert (str(project.start), str(project.planned_start)) == ("2019-03-15", "2019-01-01")
    assert project.end is None and str(project.planned_end) == "2021-12-31"
    assert project.last_day().isoformat() == "2021-12-31"  # queries fall back to the plan
    assert project.activity_status == "ongoing"
    assert project.countries == ("GE", "AM")
    assert project.transaction_countries == ("AZ",)  # named only on a transaction
    assert project.regions == ("Europe, regional",)  # IATI Region 89 (OECD DAC)
    (sector,) = project.sectors
    assert (sector.code, sector.vocabulary, sector.percentage) == ("15210", "1", 100)
    (budget,) = project.budgets
    assert (budget.value, budget.currency, str(budget.start), str(budget.end)) == (
        1500000,
        "EUR",
        "2019-01-01",
        "2019-12-31",
    )
    assert project.manager == "Jane Doe"
    assert [(link.url, link.kind) for link in project.links] == [
        ("https://example.org/prj-001.pdf", "document"),
        ("https://example.org/prj-001", "website"),
    ]
    # Skipped activities are counted and explained.
    # Only the activity without an identifier is skipped, and said; the untitled one is a warning.
    assert "Imported 3 activities from 1 file" in result.stderr
    assert "skipped 1." in result.stderr
    assert "activity 3: no iati-identifier" in result.stderr
    assert "1 warning: values kept as published in 1 activity (--warnings lists them)" in (
        result.stderr
    )


def test_import_2_01_prefers_english(run, tmp_path):
    out, _ = imported(run, tmp_path, "activities-2.01.xml")
    (project,) = load_registry(out).projects
    assert project.id == "A1"  # the identifier without the reporting organisation's prefix
    assert project.title == "Migration advice"
    assert "Title (de): Migrationsberatung" in project.notes
    assert project.activity_status == "finalisation"  # IATI status 3, not 4 (closed)
    assert (project.start.iso(), project.end.iso()) == ("2015-06-01", "2018-06-30")


def test_import_1_04_forms(run, tmp_path):
    out, _ = imported(run, tmp_path, "activities-1.04.xml")
    assert not [p for p in check(out) if p.severity == "error"]
    (project,) = load_registry(out).projects
    assert project.iati_id == "GB-1-123456"
    assert project.title == "Support to Migration Management"  # plain text, no <narrative>
    assert project.summary == "Old-style plain text description."
    # Role words instead of codes.
    assert [d.name for d in project.donors] == ["Department for International Development"]
    assert [i.name for i in project.implementers] == ["UNDP"]
    assert [e.name for e in project.extending] == ["Extending Body"]
    assert [a.name for a in project.accountable] == ["Accountable Body"]
    # Date type words: start-actual and start-planned each in its place; only a planned end.
    assert (str(project.start), str(project.planned_start), str(project.planned_end)) == (
        "2012-05-15",
        "2012-04-01",
        "2016-03-31",
    )
    assert project.end is None
    assert project.countries == ("KG",)
    assert project.sectors[0].vocabulary == "1"  # the 1.0x word DAC is 2.03 code 1
    assert project.links[0].url == "http://example.org/project"


def test_the_same_file_twice_is_not_imported_twice(run, tmp_path):
    out, result = imported(run, tmp_path, "activities-2.03.xml", "activities-2.03.xml")
    assert [p.id for p in load_registry(out).projects] == [
        "PRJ-001",
        "PRJ-002",
        "XM-EXAMPLE-1-PRJ-004",
    ]
    assert "from 2 files" in result.stderr
    source = FIXTURES / "activities-2.03.xml"
    assert (
        f"skipped {source}: activity 1: iati-identifier XM-EXAMPLE-1-PRJ-001 again; "
        f"kept the one read first ({source}: activity 1)"
    ) in result.stderr


def test_import_never_overwrites_without_force(run, tmp_path):
    out = tmp_path / "imported.yaml"
    out.write_text("precious\n")
    args = ["import-iati", str(FIXTURES / "activities-2.01.xml"), "-o", str(out)]
    result = run(*args)
    assert result.exit_code == 1
    assert "use --force" in result.stderr
    assert out.read_text() == "precious\n"
    assert run(*args, "--force").exit_code == 0
    assert load_registry(out).projects[0].id == "A1"
    assert [p.name for p in tmp_path.iterdir()] == ["imported.yaml"]  # no temporary file left


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not-xml.xml", "not well-formed XML"),
        ("not-iati.xml", "not an IATI activities file (the root element is <html>)"),
        ("entity-bomb.xml", "refused: the file declares the entity 'lol'"),
        (
            "external-entity.xml",
            "refused: the file declares the entity 'xxe' from file:///etc/passwd",
        ),
    ],
)
def test_malformed_files_are_refused_clearly(run, tmp_path, name, message):
    out = tmp_path / "out.yaml"
    result = run("import-iati", str(FIXTURES / name), "-o", str(out))
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    with pytest.raises(IatiError):
        import_files([FIXTURES / name])


def test_export_seed_registry_is_schema_valid(run, tmp_path, schema):
    out = tmp_path / "seed.xml"
    result = run("export", *PUBLISHER, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    document = etree.parse(str(out))
    assert schema.validate(document), schema.error_log
    identifiers = document.xpath("//iati-activity/iati-identifier/text()")
    assert "XM-EXAMPLE-ENIGMMA-2" in identifiers
    # The identifiers' prefix came from an option, and the command says so.
    assert "iati-identifiers of the 8 projects without one are XM-EXAMPLE-<project id>" in (
        result.stderr
    )
    # What IATI requires and the registry does not know is never invented: those are named.
    assert (
        "not exported, 1 project: IATI requires a participating organisation and an activity "
        "date and an activity status, which the registry does not give: PP-DATA" in result.stderr
    )
    assert (
        "IATI requires a participating organisation, which the registry does not give: "
        "PRAGUE-PROCESS" in result.stderr
    )
    assert len(identifiers) == 6


def test_export_to_stdout_with_filters(run, schema):
    result = run(
        "export", *PUBLISHER, "--id-prefix", "XM-EXAMPLE-P", "--country", "Azerbaijan", "--direct"
    )
    document = etree.fromstring(result.stdout.encode())
    assert schema.validate(document), schema.error_log
    assert document.xpath("//iati-identifier/text()") == [
        "XM-EXAMPLE-P-EAP-IBM-CABUIPRO",
        "XM-EXAMPLE-P-MOBILAZE",
        "XM-EXAMPLE-P-RESTART",
    ]


def test_export_needs_the_reporting_organisation(run):
    result = run("export")
    assert result.exit_code == 2
    assert "give --reporting-org-ref, --reporting-org-name, --reporting-org-type" in result.stderr
    assert run("export", *PUBLISHER, "-f", "csv").exit_code == 2


def participants(project):
    roles = {
        "funding": project.donors,
        "accountable": (*project.accountable, *project.programme_partners),
        "extending": project.extending,
        "implementing": project.implementers,
    }
    return {(role, p.name, p.ref) for role, people in roles.items() for p in people}


def test_round_trip_of_the_seed_registry(run, tmp_path):
    xml = tmp_path / "seed.xml"
    assert run("export", *PUBLISHER, "-o", str(xml)).exit_code == 0
    back = tmp_path / "back.yaml"
    assert run("import-iati", str(xml), "-o", str(back)).exit_code == 0
    assert run("check", str(back)).exit_code == 0
    original = {p.id: p for p in load_registry().projects}
    imported_projects = load_registry(back).projects
    assert sorted(p.id for p in imported_projects) == sorted(
        set(original) - {"PP-DATA", "PRAGUE-PROCESS"}
    )
    for project in imported_projects:
        before = original[project.id]
        assert project.title == before.title
        assert project.acronym == before.acronym
        assert (project.start, project.end) == (before.start, before.end)  # precision included
        assert project.countries == before.countries
        assert project.regions == before.regions
        assert participants(project) == participants(before)
        assert project.manager == before.manager
        assert project.objective == before.objective
        assert project.specific_objectives == before.specific_objectives
        assert project.iati_id == f"XM-EXAMPLE-{project.id}"


def test_export_then_import_of_imported_data_is_stable(run, tmp_path, schema):
    first, _ = imported(run, tmp_path, "activities-2.03.xml")
    xml = tmp_path / "again.xml"
    assert run("--registry", str(first), "export", *PUBLISHER, "-o", str(xml)).exit_code == 0
    assert schema.validate(etree.parse(str(xml))), schema.error_log
    second = tmp_path / "second.yaml"
    assert run("import-iati", str(xml), "-o", str(second)).exit_code == 0
    a, b = load_registry(first).get("PRJ-001"), load_registry(second).get("PRJ-001")
    assert (a.iati_id, a.start, a.planned_start, a.end) == (
        b.iati_id,
        b.start,
        b.planned_start,
        b.end,
    )
    assert (a.sectors, a.budgets, a.countries) == (b.sectors, b.budgets, b.countries)
    assert [(link.url, link.kind) for link in a.links] == [
        (link.url, link.kind) for link in b.links
    ]


def _many_activities(folder: Path, count: int = 250) -> Path:
    activities = "".join(
        f"<iati-activity><iati-identifier>XM-X-{n}</iati-identifier>"
        f"<title><narrative>Activity {n}</narrative></title></iati-activity>"
        for n in range(count)
    )
    source = folder / "many.xml"
    source.write_text(f'<iati-activities version="2.03">{activities}</iati-activities>')
    return source


def test_many_activities_show_progress_on_a_terminal(run, tmp_path):
    source = _many_activities(tmp_path)
    run.terminal = Terminal(stderr_tty=True, width=80)
    out = tmp_path / "many.yaml"
    result = run("import-iati", str(source), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "Importing activities" in result.stderr  # the bar, drawn on stderr
    assert result.stdout == ""  # nothing of it on stdout, which may be a pipe
    assert len(load_registry(out).projects) == 250
    run.terminal = Terminal(stderr_tty=False)
    piped = run("import-iati", str(source), "-o", str(tmp_path / "piped.yaml"))
    assert "Importing activities" not in piped.stderr and piped.stdout == ""


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_real_terminal_shows_the_progress_bar_and_the_pipe_gets_nothing(tmp_path):
    """What a person sees: stderr on a pseudo-terminal, stdout into a pipe. (The bar is drawn
    when the import starts, however many activities follow.)"""
    import pty

    source = _many_activities(tmp_path)
    env = {**os.environ, "COLUMNS": "80"}
    env.pop("NO_COLOR", None)
    command = [sys.executable, "-m", "projreg", "import-iati", str(source)]
    command += ["-o", str(tmp_path / "out.yaml")]
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    piped = process.stdout.read()
    process.stdout.close()
    assert process.wait(timeout=60) == 0
    text = shown.decode("utf-8", "replace")
    assert "Importing activities" in text  # the bar was drawn
    assert "\x1b[?25l" in text and "\x1b[?25h" in text  # cursor hidden, then shown again
    # the bar goes before the summary is written, which is the last line left
    assert text.rindex("Importing activities") < text.index("Imported 250 activities")
    assert text.rstrip().endswith("skipped 0.")
    assert piped == b""


def _one_activity(tmp_path, body: str, attributes: str = "") -> Path:
    path = tmp_path / "one.xml"
    path.write_text(
        f'<iati-activities version="2.03"><iati-activity {attributes}>'
        f"<iati-identifier>XM-X-1</iati-identifier>{body}</iati-activity></iati-activities>",
        encoding="utf-8",
    )
    return path


def test_sector_percentages_keep_their_fractions_and_whole_ones_stay_whole(tmp_path):
    from decimal import Decimal

    path = _one_activity(
        tmp_path,
        "<title><narrative>T</narrative></title>"
        '<sector code="15110" vocabulary="1" percentage="33.5"/>'
        '<sector code="15111" vocabulary="1" percentage="66.50"/>'
        '<sector code="15112" vocabulary="1" percentage="100.00"/>',
    )
    (project,) = import_files([path]).projects
    shares = [Decimal(str(s.percentage)) for s in project.sectors]
    assert shares == [Decimal("33.5"), Decimal("66.5"), Decimal("100")]
    assert isinstance(project.sectors[2].percentage, int)


def test_the_activity_language_decides_which_narrative_is_english(tmp_path):
    # The activity is in French: its narrative without a language is French, and the
    # one marked English is the title.
    path = _one_activity(
        tmp_path,
        '<title><narrative>Titre</narrative><narrative xml:lang="en">Title</narrative></title>',
        'xml:lang="fr"',
    )
    (project,) = import_files([path]).projects
    assert project.title == "Title"


def test_a_one_day_activity_keeps_its_end(tmp_path):
    path = _one_activity(
        tmp_path,
        "<title><narrative>T</narrative></title>"
        '<activity-date type="1" iso-date="2018-06-01"/><activity-date type="3" iso-date="2018-06-01"/>'
        '<activity-date type="2" iso-date="2018-06-02"/><activity-date type="4" iso-date="2018-06-02"/>',
    )
    (project,) = import_files([path]).projects
    assert (project.planned_start.iso(), project.planned_end.iso()) == ("2018-06-01", "2018-06-01")
    assert (project.start.iso(), project.end.iso()) == ("2018-06-02", "2018-06-02")


@pytest.mark.parametrize(
    ("element", "name", "ref"),
    [
        ('<reporting-org ref="XM-R" type="10"/>', None, "XM-R"),
        (
            '<reporting-org type="10"><narrative>Reporter</narrative></reporting-org>',
            "Reporter",
            None,
        ),
    ],
)
def test_a_reporting_org_with_only_a_name_or_only_a_ref_is_kept(tmp_path, element, name, ref):
    path = _one_activity(tmp_path, element + "<title><narrative>T</narrative></title>")
    (project,) = import_files([path]).projects
    assert [(p.name, p.ref, p.type) for p in project.reporting_org] == [(name, ref, "10")]


def test_a_transaction_region_is_not_the_activity_region(tmp_path):
    path = _one_activity(
        tmp_path,
        "<title><narrative>T</narrative></title>"
        '<transaction><transaction-type code="3"/><transaction-date iso-date="2018-01-01"/>'
        '<value currency="EUR" value-date="2018-01-01">5</value>'
        '<recipient-region code="289" vocabulary="1"/></transaction>',
    )
    (project,) = import_files([path]).projects
    assert project.regions == ()
    assert any(n.startswith("Transaction recipient region 289") for n in project.notes)


def test_a_budget_period_written_as_a_year_keeps_its_precision(tmp_path):
    path = _one_activity(
        tmp_path,
        "<title><narrative>T</narrative></title>"
        '<budget type="1"><period-start iso-date="2012-01-01">2012</period-start>'
        '<period-end iso-date="2012-12-31">2012</period-end>'
        '<value currency="EUR" value-date="2012-01-01">10</value></budget>'
        '<budget type="1"><period-start iso-date="2013-01-01"/><period-end iso-date="2013-12-31"/>'
        "<value>   </value></budget>",
    )
    (project,) = import_files([path]).projects
    ((start, end),) = [(b.start.iso(), b.end.iso()) for b in project.budgets]
    assert (start, end) == ("2012", "2012")
    assert "A budget without a value left out." in project.notes


def test_links_other_identifiers_and_today(tmp_path):
    path = _one_activity(
        tmp_path,
        "<title><narrative>T</narrative></title>"
        '<other-identifier type="B1" ref="NOT-OURS"/><other-identifier type="A1"/>'
        '<other-identifier type="A1" ref="OURS-7"/>'
        '<document-link url="https://example.org/a" format="text/html"><category code="A12"/></document-link>'
        '<document-link url="https://example.org/b.pdf" format="application/pdf"><category code="A02"/></document-link>',
    )
    (project,) = import_files([path]).projects
    assert project.id == "OURS-7"
    assert [(link.url, link.kind) for link in project.links] == [
        ("https://example.org/a", "website"),
        ("https://example.org/b.pdf", "document"),
    ]


def test_export_writes_link_formats_and_an_actual_date_of_today_as_actual():
    import datetime as dt

    from projreg.iati.activities import Publisher, to_iati_xml
    from projreg.model.dates import PartialDate
    from projreg.model.project import Link, Participant, Project

    project = Project(
        id="P-1",
        title="T",
        summary="S",
        donors=(Participant("D"),),
        start=PartialDate(2020, 5, 4),
        activity_status="ongoing",
        links=(
            Link("site", "https://example.org/", "website"),
            Link("doc", "https://example.org/d", "document"),
        ),
    )
    text = to_iati_xml(
        [project], Publisher("XM-X", "X", "40", "XM-X"), dt.date(2020, 5, 4), None
    ).text
    root = etree.fromstring(text.encode())
    assert root.xpath("//activity-date/@type") == ["2"]
    assert root.xpath("//document-link/@format") == ["text/html", "application/octet-stream"]


def test_export_leaves_out_a_project_whose_reporting_org_has_no_type():
    import datetime as dt

    from projreg.iati.activities import Publisher, to_iati_xml
    from projreg.model.dates import PartialDate
    from projreg.model.project import Participant, Project

    project = Project(
        id="P-1",
        title="T",
        summary="S",
        donors=(Participant("D"),),
        start=PartialDate(2020, 5, 4),
        reporting_org=(Participant("Own", ref="XM-OWN"),),
    )
    export = to_iati_xml([project], Publisher("XM-X", "X", None, "XM-X"), dt.date(2021, 1, 1), None)
    ((pid, why),) = export.skipped
    assert pid == "P-1" and "a reporting organisation with a type" in why
    assert export.written == 0


def test_a_project_with_its_own_reporting_org_and_no_iati_id_takes_that_org_as_prefix(
    run, write, schema
):
    """No --reporting-org or --id-prefix options are needed (the project names its own
    reporting organisation), so its new iati-identifier starts with that organisation's ref,
    as IATI requires: never with the text None."""
    registry = write(
        """
        projects:
          - id: X-1
            title: T
            summary: S
            donors: [D]
            start: 2020-01-01
            activity_status: ongoing
            reporting_org:
              - {name: Own Org, ref: XM-OWN, type: "40"}
        """
    )
    result = run("--registry", str(registry), "export")
    assert result.exit_code == 0, result.stderr
    document = etree.fromstring(result.stdout.encode())
    assert schema.validate(document), schema.error_log
    assert document.xpath("//reporting-org/@ref") == ["XM-OWN"]
    assert document.xpath("//iati-identifier/text()") == ["XM-OWN-X-1"]
