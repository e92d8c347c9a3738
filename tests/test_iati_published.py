"""Publishers' data kept as published (issue 22, and issue 26's import rows): every activity
with an identifier imported, odd values kept verbatim and reported as warnings, exact
identity, every input shape a fetch meets, and the real files of tests/iati/corpus/ checked
against lxml (an independent reader)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from projreg import load_registry
from projreg.iati.activities import import_files, import_page
from projreg.registry.lint import check
from projreg.render.terminal import Terminal

HERE = Path(__file__).parent
CORPUS = HERE / "iati" / "corpus"  # publishers' files, gzipped (origins in its README)
DPORTAL = HERE / "iati" / "dportal"
REAL = HERE / "iati" / "real"
CORPUS_NAMES = sorted(p.name.removesuffix(".gz") for p in CORPUS.glob("*.xml.gz"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The corpus's files unzipped (the tests below compare projreg with lxml on plain XML)."""
    import gzip

    folder = tmp_path_factory.mktemp("corpus")
    for name in CORPUS_NAMES:
        (folder / name).write_bytes(gzip.decompress((CORPUS / f"{name}.gz").read_bytes()))
    return folder


def page(*activities: str, root: str = '<iati-activities version="2.03">') -> str:
    return root + "".join(activities) + "</iati-activities>"


def activity(identifier: str, inner: str = "", attributes: str = "") -> str:
    return (
        f"<iati-activity {attributes}><iati-identifier>{identifier}</iati-identifier>"
        f"<title><narrative>Activity {identifier}</narrative></title>{inner}</iati-activity>"
    )


ODD = activity(
    "XM-ODD-1",
    '<activity-date type="2" iso-date="2020-01-01"/><activity-date type="4" iso-date="2019-01-01"/>'
    '<activity-date type="1" iso-date="2019-01-019"/>'
    '<sector code="15110" vocabulary="1" percentage="102"/>'
    '<sector code="15111" vocabulary="1" percentage="&#x663;&#x663;"/>'
    '<sector code="15112" vocabulary="1" percentage="' + "9" * 5000 + '"/>'
    '<budget type="1"><period-start iso-date="0001-01-01"/><period-end iso-date="2019-12-31"/>'
    '<value currency="EUR">500</value></budget>'
    '<recipient-country code="XX"/><recipient-country code="GE"/>'
    '<reporting-org ref="XM-R" type="10"><narrative>R</narrative></reporting-org>'
    '<participating-org role="1"><narrative>Donor</narrative></participating-org>'
    '<activity-status code="4"/>'
    '<recipient-region code="A1" vocabulary="99" vocabulary-uri="http://example.org/regions">'
    "<narrative>Our region</narrative></recipient-region>",
)


def written(tmp_path, text: str, name="source.xml") -> Path:
    path = tmp_path / name
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + text, encoding="utf-8")
    return path


def lxml_identifiers(path: Path) -> list[str]:
    """Every iati-identifier of a file, as lxml reads it (activities anywhere in the tree)."""
    root = etree.parse(str(path)).getroot()
    found = [root] if root.tag == "iati-activity" else root.iter("iati-activity")
    return [" ".join((a.findtext("iati-identifier") or "").split()) for a in found]


# --- 1. one odd activity never sinks an import ----------------------------------------------


def test_odd_values_are_kept_verbatim_with_one_warning_each(run, tmp_path):
    source = written(tmp_path, page(ODD, activity("XM-OK-2")))
    out = tmp_path / "out.yaml"
    result = run("import-iati", str(source), "-o", str(out), "--warnings")
    assert result.exit_code == 0, result.stderr
    assert "Imported 2 activities" in result.stderr
    assert "8 warnings: values kept as published in 1 activity" in result.stderr
    assert "warning: XM-ODD-1: sectors[0].percentage: '102' kept as published" in result.stderr
    assert "(5,000 characters)" in result.stderr  # a long value is cut in the message
    project = load_registry(out).get("XM-ODD-1")
    kept = {(k.field, k.value) for k in project.published}
    assert kept == {
        ("end", "2019-01-01"),
        ("planned_start", "2019-01-019"),  # never cut to 2019-01-01
        ("sectors[0].percentage", "102"),
        ("sectors[1].percentage", "\u0663\u0663"),  # Arabic-Indic digits: never 33
        ("sectors[2].percentage", "9" * 5000),
        ("budgets[0].start", "0001-01-01"),
        ("countries", "XX"),
        ("regions", "A1"),
    }
    assert [s.percentage for s in project.sectors] == [None, None, None]
    assert project.countries == ("GE",)
    assert project.planned_start is None
    # check: warnings for the published values, no error.
    problems = check([out])
    assert problems and all(p.severity == "warning" for p in problems)
    assert sum("kept as published" in p.message for p in problems) == 8


def test_without_the_flag_a_count_line_points_at_it(run, tmp_path):
    source = written(tmp_path, page(ODD))
    result = run("import-iati", str(source), "-o", str(tmp_path / "o.yaml"))
    assert "8 warnings: values kept as published in 1 activity (--warnings lists them)" in (
        result.stderr
    )
    assert "warning: XM-ODD-1" not in result.stderr


def test_strict_refuses_and_writes_nothing(run, tmp_path):
    source = written(tmp_path, page(ODD, activity("XM-OK-2")))
    out = tmp_path / "out.yaml"
    result = run("import-iati", str(source), "-o", str(out), "--strict")
    assert result.exit_code == 1
    assert "refused (--strict): 8 values the registry's rules reject; nothing written" in (
        result.stderr
    )
    assert not out.exists()


def test_a_hand_written_registry_keeps_its_errors(tmp_path):
    path = tmp_path / "hand.yaml"
    path.write_text(
        "projects:\n"
        "- id: A\n  title: A\n  start: 2020-01-01\n  end: 2019-01-01\n"
        "- id: B\n  title: B\n  sectors:\n  - {code: '15110', percentage: 102}\n",
        encoding="utf-8",
    )
    errors = [p for p in check([path]) if p.severity == "error"]
    assert {p.field for p in errors} >= {"end"}
    assert any("not a percentage from 0 to 100" in p.message for p in errors)


def test_an_activity_without_identifier_is_skipped_and_said(run, tmp_path):
    nameless = "<iati-activity><title><narrative>No id</narrative></title></iati-activity>"
    source = written(tmp_path, page(nameless, activity("XM-OK-2")))
    result = run("import-iati", str(source), "-o", str(tmp_path / "o.yaml"))
    assert result.exit_code == 0
    assert "Imported 1 activity" in result.stderr
    assert f"skipped {source}: activity 1: no iati-identifier" in result.stderr


@pytest.mark.parametrize(
    ("text", "where"),
    [("<iati-activities><iati-activity>\n<title></iati-activity>", ":3:10:")],
)
def test_only_xml_that_is_not_well_formed_refuses_the_file(run, tmp_path, text, where):
    source = written(tmp_path, text)
    result = run("import-iati", str(source), "-o", str(tmp_path / "o.yaml"))
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"projreg: {source}{where} not well-formed XML: mismatched tag")


# A published dump is often gzipped (`.xml.gz`): import reads it as it is parsed.
GZIPPED = CORPUS / "iati-cloud__example_203_references.xml.gz"  # 577 activities, 1.7 MB of XML
# A smaller real one where the size is not the point: 13 activities, 105 kB of XML (more
# than one 64 kB read).
SMALL_GZIPPED = CORPUS / "iati-cloud__example_203_file.xml.gz"


def test_a_gzipped_file_is_read_as_the_xml_it_holds(run, tmp_path):
    out = tmp_path / "o.yaml"
    result = run("import-iati", str(SMALL_GZIPPED), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    # lxml (an independent reader) reads the gzip itself: the same activities, in order.
    imported = [p.iati_id for p in load_registry(out).projects]
    assert imported == list(dict.fromkeys(lxml_identifiers(SMALL_GZIPPED)))
    assert f"Imported {len(imported)} activities" in result.stderr


def test_gzip_is_told_by_its_bytes_not_its_name(run, tmp_path):
    import gzip

    plain = gzip.decompress(SMALL_GZIPPED.read_bytes())
    named_xml = tmp_path / "dump.xml"  # gzipped, called .xml
    named_xml.write_bytes(SMALL_GZIPPED.read_bytes())
    named_gz = tmp_path / "page.xml.gz"  # plain XML, called .gz
    named_gz.write_bytes(plain)
    texts = []
    for source in (named_xml, named_gz):
        out = tmp_path / f"{source.name}.yaml"
        result = run("import-iati", str(source), "-o", str(out))
        assert result.exit_code == 0, result.stderr
        texts.append(out.read_text(encoding="utf-8").split("\n", 1)[1])  # after the source line
    assert texts[0] == texts[1] and texts[0].count("\n- id: ") == 13  # its 13 activities
    piped = run("import-iati", "-", "-o", str(tmp_path / "p.yaml"), input=gzip.compress(plain))
    assert piped.exit_code == 0, piped.stderr
    assert (tmp_path / "p.yaml").read_text(encoding="utf-8").split("\n", 1)[1] == texts[0]


def test_progress_of_a_gzipped_file_counts_the_file_s_own_bytes(tmp_path):
    seen: list[tuple[int, int]] = []
    result = import_files([GZIPPED], progress=lambda done, total: seen.append((done, total)))
    size = GZIPPED.stat().st_size
    assert len(result.projects) > 100 and len(seen) == result.activities
    assert all(0 < done <= total == size for done, total in seen)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def _flipped(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


@pytest.mark.parametrize(
    "spoil",
    [lambda d: d[: len(d) // 2], _flipped, lambda d: d[:2] + b"not gzip at all" * 9],
    ids=["cut", "flipped", "magic-only"],
)
def test_a_corrupt_gzip_is_one_line_naming_the_file(run, tmp_path, spoil):
    source = tmp_path / "dump.xml.gz"
    source.write_bytes(spoil(GZIPPED.read_bytes()))
    out = tmp_path / "o.yaml"
    result = run("import-iati", str(source), "-o", str(out))
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"projreg: {source}: not a readable gzip file: ")
    assert not out.exists()


def test_date_hints_are_not_worked_out_during_an_import(tmp_path, monkeypatch):
    from projreg.model import dates

    def no(*_args):
        raise AssertionError("a hint was worked out that nobody reads")

    monkeypatch.setattr(dates, "_refusal_hint", no)
    odd = '<activity-date type="1" iso-date="2019-01-01"><narrative>Julyy 2019 or so</narrative></activity-date>'
    (project,) = import_files([written(tmp_path, page(activity("XM-1", odd)))]).projects
    assert str(project.planned_start) == "2019-01-01"


# --- 2. identity is exact ------------------------------------------------------------------


def test_identifiers_that_differ_only_in_hyphens_are_two_projects(run, tmp_path):
    source = written(tmp_path, page(activity("2020-42237-0"), activity("2020-422-370")))
    out = tmp_path / "o.yaml"
    assert run("import-iati", str(source), "-o", str(out)).exit_code == 0
    registry = load_registry(out)
    assert sorted(p.iati_id for p in registry.projects) == sorted(["2020-42237-0", "2020-422-370"])
    for exact in ("2020-42237-0", "2020-422-370"):
        shown = run("--registry", str(out), "show", exact, "--fields", "iati_id")
        assert shown.exit_code == 0 and shown.stdout.split() == ["iati_id", exact]
    loose = run("--registry", str(out), "show", "2020 422370")
    assert loose.exit_code == 1
    assert "matches 2 projects" in loose.stderr and "give one of these ids" in loose.stderr


def test_the_same_identifier_twice_keeps_the_later_update(tmp_path):
    older = activity("XM-A-1", attributes='last-updated-datetime="2020-01-01T00:00:00"')
    newer = activity(
        "XM-A-1",
        "<description><narrative>newer</narrative></description>",
        'last-updated-datetime="2021-06-01T00:00:00"',
    )
    source = written(tmp_path, page(newer, older))
    result = import_files([source])
    (project,) = result.projects
    assert project.summary == "newer"
    assert result.skipped == [
        (
            f"{source}: activity 2",
            "iati-identifier XM-A-1 again; kept the one last updated 2021-06-01T00:00:00 "
            f"({source}: activity 1)",
        )
    ]


def test_a_fullwidth_id_finds_the_project(run):
    result = run("show", "ＥＮＩＧＭＭＡ２", "--fields", "id")
    assert result.exit_code == 0 and result.stdout.split() == ["id", "ENIGMMA-2"]


# --- 6. geography kept as published -----------------------------------------------------------


def test_unknown_countries_and_other_regions_go_back_out_and_never_match(run, tmp_path):
    out = tmp_path / "o.yaml"
    run("import-iati", str(written(tmp_path, page(ODD))), "-o", str(out))
    exported = run("--registry", str(out), "export", "--placeholder-description", "x")
    root = etree.fromstring(exported.stdout.encode())
    assert [c.get("code") for c in root.iter("recipient-country")] == ["GE", "XX"]
    (region,) = root.iter("recipient-region")
    assert (region.get("code"), region.get("vocabulary"), region.get("vocabulary-uri")) == (
        "A1",
        "99",
        "http://example.org/regions",
    )
    listed = run("--registry", str(out), "list", "--country", "Georgia")
    assert listed.stdout.startswith("XM-ODD-1")
    assert run("--registry", str(out), "list", "--country", "XX").stdout == ""


# --- 7. every shape a fetch meets -------------------------------------------------------------


def test_the_datastore_result_wrapper(tmp_path):
    body = page(activity("XM-A-1"), activity("XM-A-2"), root="<iati-activities><query/>")
    text = f'<result xmlns:iati-extra="https://datastore.codeforiati.org/ns"><ok>True</ok>{body}</result>'
    result = import_files([written(tmp_path, text)])
    assert [p.iati_id for p in result.projects] == ["XM-A-1", "XM-A-2"]


def test_a_d_portal_page_keeps_its_dataset(tmp_path):
    path = DPORTAL / "page-014.xml"
    result = import_files([path])
    root = etree.parse(str(path)).getroot()
    dataset = "{http://d-portal.org/xmlns/dstore}dataset"
    expected = {a.findtext("iati-identifier").strip(): a.get(dataset) for a in root}
    assert {p.iati_id: p.dataset for p in result.projects} == expected
    assert len(result.projects) == 100


def test_the_empty_pages_are_no_activities(run, tmp_path):
    past_end = DPORTAL / "page-past-end.xml"
    assert import_page(past_end.read_bytes()).projects == []
    empty = import_page(b'{"result":[],"duration":0.012}', "page 7")
    assert (empty.projects, empty.activities) == ([], 0)
    json_file = written(tmp_path, "", "x.json")
    json_file.write_text('{"result":[],"duration":0.012}')
    result = run("import-iati", str(json_file), "-o", str(tmp_path / "o.yaml"))
    assert result.exit_code == 0 and "Imported 0 activities" in result.stderr
    other = import_page  # any other JSON is not IATI
    with pytest.raises(Exception, match="JSON, not IATI activity XML"):
        other(b'{"result":[{"a":1}]}', "page 8")


def test_import_page_gives_projects_and_warnings(tmp_path):
    result = import_page(page(ODD, activity("XM-OK-2")).encode(), "page 1")
    assert [p.iati_id for p in result.projects] == ["XM-ODD-1", "XM-OK-2"]
    assert len(result.warnings) == 8
    assert result.warnings[0].activity == "XM-ODD-1"


# --- issue 26: inputs that are not plain files -----------------------------------------------
# In-process (the `run` fixture, `input=` for standard input): projreg reads these inputs
# alike in a process of its own. Only /dev/stdin needs one: that name is the process's own.


def _one_line(result) -> str:
    assert result.exit_code == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_an_unknown_encoding_is_one_line(run, tmp_path):
    source = tmp_path / "enc.xml"
    source.write_bytes(b'<?xml version="1.0" encoding="klingon"?>\n<iati-activities/>')
    line = _one_line(run("import-iati", str(source), "-o", str(tmp_path / "o.yaml")))
    assert "declares an encoding projreg cannot read" in line


@pytest.mark.parametrize("name", ["/proc/self/status", "/dev/null"])
def test_special_files_are_one_line(run, tmp_path, name):
    if not Path(name).exists():
        pytest.skip(f"{name} does not exist here")
    line = _one_line(run("import-iati", name, "-o", str(tmp_path / "o.yaml")))
    assert line.startswith(f"projreg: {name}:1:")


def test_standard_input_dash_and_dev_stdin(run, tmp_path):
    data = page(activity("XM-A-1")).encode()
    out = tmp_path / "dash.yaml"
    result = run("import-iati", "-", "-o", str(out), input=data)
    assert result.exit_code == 0, result.stderr
    assert [p.iati_id for p in load_registry(out).projects] == ["XM-A-1"]
    out = tmp_path / "dev.yaml"
    process = subprocess.run(
        [sys.executable, "-m", "projreg", "import-iati", "/dev/stdin", "-o", str(out)],
        input=data,
        capture_output=True,
        timeout=60,
    )
    assert process.returncode == 0, process.stderr
    assert [p.iati_id for p in load_registry(out).projects] == ["XM-A-1"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_read(tmp_path):
    import threading

    fifo = tmp_path / "pipe.xml"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "wb") as handle:
            handle.write(page(activity("XM-A-1")).encode())

    writer = threading.Thread(target=feed)
    writer.start()
    result = import_files([fifo])
    writer.join(10)
    assert [p.iati_id for p in result.projects] == ["XM-A-1"]


# --- 8. dates that contradict --------------------------------------------------------------


def _plain(text: str) -> str:
    """Terminal output as words: colours dropped, wrapped lines joined."""
    import re

    return " ".join(re.sub(r"\x1b\[[0-9;]*m", "", text).split())


@pytest.mark.parametrize("width", [60, 80, 120, 200, None])
def test_contradicting_dates_are_marked_with_a_footnote(run, tmp_path, width):
    out = tmp_path / "o.yaml"
    run("import-iati", str(written(tmp_path, page(ODD))), "-o", str(out))
    terminal = Terminal(stdout_tty=width is not None, width=width or 80)
    note = "(!) the end is before the start, as published: the end answers date questions"
    listed = run("--registry", str(out), "list", "--fields", "id,ends", terminal=terminal)
    assert "2019-01-01 (!)" in listed.stdout
    # under a table on a terminal, on stderr beside records in a pipe
    assert note in _plain(listed.stdout if width else listed.stderr)
    shown = run("--registry", str(out), "show", "XM-ODD-1", terminal=terminal)
    assert note in _plain(shown.stdout if width else shown.stderr)
    # Before the end: the start is set aside, so whether it ran is unknown, and said why.
    active = run("--registry", str(out), "active", "--on", "2018-06", terminal=terminal)
    assert "XM-ODD-1" in active.stdout + active.stderr
    assert note in _plain(active.stdout + active.stderr)


# --- 9. real files, checked with lxml -----------------------------------------------------------


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_every_real_activity_with_an_identifier_is_imported(corpus, name):
    path = corpus / name
    identifiers = lxml_identifiers(path)
    result = import_files([path])
    assert sorted({p.iati_id for p in result.projects}) == sorted({i for i in identifiers if i})
    assert result.activities == len(identifiers)


def test_the_corpus_spans_publishers_and_versions(corpus):
    publishers, versions = set(), set()
    for path in [*corpus.glob("*.xml"), *REAL.glob("*.xml")]:
        root = etree.parse(str(path)).getroot()
        versions.add(root.get("version") or "none")
        publishers.update(r.get("ref") for r in root.iter("reporting-org"))
    assert len(publishers) >= 6 and {"1.01", "2.01", "2.03"} <= versions


def test_real_odd_values_are_warnings_not_refusals(run, tmp_path, corpus):
    """BEIS publishes AN (Netherlands Antilles, withdrawn from ISO 3166 in 2010): kept verbatim,
    as lxml reads it. Its XK is Kosovo, a code projreg knows (geo.py), so a country."""
    path = corpus / "iati-flattener__beis-activity.xml"
    root = etree.parse(str(path)).getroot()
    codes = [
        c.get("code")
        for c in root.iter("recipient-country")
        if c.getparent().tag == "iati-activity"
    ]
    out = tmp_path / "beis.yaml"
    assert run("import-iati", str(path), "-o", str(out)).exit_code == 0
    registry = load_registry(out)
    import pycountry  # the ISO 3166 list, read directly

    iso = {c.alpha_2 for c in pycountry.countries}
    kept = [k.value for p in registry.projects for k in p.published if k.field == "countries"]
    assert kept == [c for c in codes if c not in iso and c != "XK"] and "AN" in kept
    assert any("XK" in p.countries for p in registry.projects)
    assert not [p for p in check([out]) if p.severity == "error"]


@pytest.fixture(scope="module")
def every_file(corpus, tmp_path_factory):
    """Every real file, and a page of two activities sharing an other-identifier and the odd
    one; with what import_files makes of them and registry_text writes of that, made once
    (the tests below read them, and do not change them)."""
    from projreg.iati.activities import registry_text

    shared = '<other-identifier ref="SAME" type="A1"/>'
    extra = written(
        tmp_path_factory.mktemp("extra"),
        page(activity("XM-A-1", shared), activity("XM-B-1", shared), ODD),
    )
    files = [*sorted(corpus.glob("*.xml")), *sorted(REAL.glob("*.xml")), extra]
    result = import_files(files)
    return files, result, registry_text(result, files)


def test_the_two_readers_agree_on_what_import_writes(tmp_path, every_file):
    """import writes YAML without reading it back: both readers must load it as imported."""
    from dataclasses import replace

    _files, result, text = every_file
    out = tmp_path / "all.yaml"
    out.write_text(text, encoding="utf-8")
    careful = load_registry(out, use_cache=False, fast=False).projects
    fast = load_registry(out, use_cache=False).projects
    imported = [replace(p, origin=None, written_names=None) for p in result.projects]
    assert [replace(p, origin=None, written_names=None) for p in careful] == imported
    assert [replace(p, origin=None, written_names=None) for p in fast] == imported


def test_the_spooled_import_writes_what_registry_text_writes(every_file):
    """import-iati writes a project at a time from a spool: the same text as in memory,
    ids made unique alike (two activities sharing an other-identifier)."""
    from projreg.iati.activities import import_spooled

    files, in_memory, text = every_file
    spool = import_spooled(files)
    try:
        streamed = "".join(spool.chunks(files))
        assert len(spool.warnings) == len(in_memory.warnings) > 8
    finally:
        spool.close()
    assert "XM-A-1" in streamed and "XM-B-1" in streamed
    assert streamed == text


def test_real_projects_written_as_their_fields_are_walked_are_their_mappings_written(every_file):
    """import-iati writes a project as its fields are walked (encode.project_yaml): every real
    project (transactions, budgets, sectors, values kept as published: fields the generated
    ones of tests/test_roundtrip.py do not have) as to_yaml_direct writes its mapping.
    registry_text is to_yaml_direct of {source, projects: to_registry's mappings}: after its
    source line, the projects as to_yaml_direct writes them (made once, in every_file)."""
    from projreg.registry.encode import project_yaml

    _files, result, text = every_file
    projects = result.projects
    assert len(projects) > 1000
    memo: dict = {}
    each = "projects:\n" + "".join(project_yaml(p, memo) for p in projects)
    source, whole = text.split("\n", 1)
    assert source.startswith("source: 'Imported from IATI activity files: ")
    assert each == whole
