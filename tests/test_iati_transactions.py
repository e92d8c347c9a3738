"""Transactions and related activities through IATI import and export, checked on real files
with lxml (an independent reader: nothing here asks projreg what a file holds)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from projreg.iati.activities import import_files

HERE = Path(__file__).parent
REAL = HERE / "iati" / "real"
MORE = HERE / "iati" / "transactions"  # real files with many transactions (README there)
REAL_FILES = sorted([*REAL.glob("*.xml"), *MORE.glob("*.xml")])
# The 1.0x letters and the 2.0x codes they became (IATI TransactionType codelist).
LETTERS = {"IF": "1", "C": "2", "D": "3", "E": "4", "IR": "5", "LR": "6", "R": "7"}
LETTERS.update({"QP": "8", "QS": "9", "CG": "10"})


CODE_TAGS = ("flow-type", "finance-type", "aid-type", "tied-status", "disbursement-channel")


def _code(element) -> str:
    code = (element.get("code") or "").strip() if element is not None else ""
    return LETTERS.get(code.upper(), code)


def _day(text) -> str | None:
    return (text or "").strip()[:10] or None


def lxml_transactions(path) -> Counter:
    """(type code, value, currency, day, value day, provider ref, receiver ref, and the
    flow, finance, (first) aid, tied and channel codes) of every transaction, by lxml alone;
    the currency falls back to the activity's default."""
    root = etree.parse(str(path)).getroot()
    found = Counter()
    for activity in root.iter("iati-activity"):
        default = (activity.get("default-currency") or "").strip() or None
        for t in activity.findall("transaction"):
            value = t.find("value")
            date = t.find("transaction-date")
            provider, receiver = t.find("provider-org"), t.find("receiver-org")
            found[
                (
                    _code(t.find("transaction-type")),
                    Decimal(value.text.strip()),
                    (value.get("currency") or "").strip() or default,
                    _day(date.get("iso-date") or date.text) if date is not None else None,
                    _day(value.get("value-date")),
                    (provider.get("ref") or "").strip() or None if provider is not None else None,
                    (receiver.get("ref") or "").strip() or None if receiver is not None else None,
                    *(
                        (t.find(tag).get("code") or "").strip() or None
                        if t.find(tag) is not None
                        else None
                        for tag in CODE_TAGS
                    ),
                )
            ] += 1
    return found


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(
        etree.parse(str(HERE / "iati" / "schema-2.03" / "iati-activities-schema.xsd"))
    )


@pytest.fixture(scope="module")
def _round_trips() -> dict:
    return {}


@pytest.fixture
def round_trip(_round_trips, run, tmp_path_factory):
    """(registry, export) of a real file, by `import-iati` and then `export
    --placeholder-description -`: run once per file for this module's tests, which read
    both files and never change them."""

    def made(path: Path) -> tuple[Path, Path]:
        if path not in _round_trips:
            folder = tmp_path_factory.mktemp(path.stem)
            registry, back = folder / "imported.yaml", folder / "back.xml"
            assert run("import-iati", str(path), "-o", str(registry)).exit_code == 0
            result = run(
                "--registry",
                str(registry),
                *("export", "--placeholder-description", "-", "-o", str(back)),
            )
            assert result.exit_code == 0, result.output
            _round_trips[path] = registry, back
        return _round_trips[path]

    return made


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_every_real_transaction_is_imported_and_exported_exactly(path, round_trip, schema):
    source = lxml_transactions(path)
    _registry, back = round_trip(path)
    assert schema.validate(etree.parse(str(back))), schema.error_log
    exported = lxml_transactions(back)
    # A transaction without a value date goes out with its day as the value date (IATI needs one).
    expected = Counter(
        {(*k[:4], k[4] or k[3], *k[5:]): n for k, n in source.items()}
        if any(k[4] is None for k in source)
        else source
    )
    assert exported == expected
    assert sum(exported.values()) == sum(source.values())


def test_the_815_transactions_of_dfid_drc_are_all_imported(tmp_path):
    path = MORE / "iati-datastore__CD.xml"
    assert sum(lxml_transactions(path).values()) == 815
    projects = import_files([path]).projects
    assert sum(len(p.transactions) for p in projects) == 815


def test_the_dfid_region_file_keeps_its_61_transactions_with_their_dates():
    path = REAL / "dfid-region189-1.01.xml"
    assert sum(lxml_transactions(path).values()) == 61
    projects = import_files([path]).projects
    transactions = [t for p in projects for t in p.transactions]
    assert len(transactions) == 61
    assert {t.type for t in transactions} == {"commitment", "disbursement"}
    assert all(t.currency == "GBP" for t in transactions)  # from default-currency where not given
    iom = [t for t in transactions if t.receiver_ref == "47066"]
    assert [str(t.value) for t in iom] == ["500000", "4000000"]
    assert iom[0].receiver == "International Organisation for Migration"
    assert iom[0].provider_ref == "GB-1" and iom[0].description.startswith("Emergency")
    assert iom[0].date.iso() == "2011-03-22"


def test_codes_of_a_2_0x_transaction_are_kept_and_written_back(tmp_path, run):
    body = (
        '<iati-activities version="2.03"><iati-activity default-currency="USD">'
        "<iati-identifier>XM-X-1</iati-identifier>"
        '<reporting-org ref="XM-X" type="21"><narrative>X</narrative></reporting-org>'
        "<title><narrative>One</narrative></title>"
        "<description><narrative>D</narrative></description>"
        '<participating-org role="1" ref="XM-X"><narrative>X</narrative></participating-org>'
        '<activity-status code="2"/><activity-date type="1" iso-date="2020-01-01"/>'
        '<transaction ref="T-1"><transaction-type code="3"/>'
        '<transaction-date iso-date="2020-02-03"/>'
        '<value currency="EUR" value-date="2020-01-31">1000.50</value>'
        "<description><narrative>First tranche</narrative></description>"
        '<provider-org ref="XM-X" provider-activity-id="XM-X-0"><narrative>X</narrative></provider-org>'
        '<receiver-org ref="XM-Y" receiver-activity-id="XM-Y-1"><narrative>Y</narrative></receiver-org>'
        '<disbursement-channel code="1"/><flow-type code="10"/><finance-type code="110"/>'
        '<aid-type code="C01"/><tied-status code="5"/></transaction>'
        "</iati-activity></iati-activities>"
    )
    source = tmp_path / "one.xml"
    source.write_text(body, encoding="utf-8")
    (transaction,) = import_files([source]).projects[0].transactions
    assert transaction.type == "disbursement" and str(transaction.value) == "1000.50"
    assert (transaction.flow, transaction.finance, transaction.aid) == ("10", "110", "C01")
    assert (transaction.tied, transaction.channel, transaction.ref) == ("5", "1", "T-1")
    assert transaction.provider_activity == "XM-X-0" and transaction.receiver == "Y"
    registry, back = tmp_path / "one.yaml", tmp_path / "back.xml"
    assert run("import-iati", str(source), "-o", str(registry)).exit_code == 0
    assert run("--registry", str(registry), "export", "-o", str(back)).exit_code == 0
    parser = etree.XMLParser(remove_blank_text=True)
    before = etree.parse(str(source), parser).find(".//transaction")
    after = etree.parse(str(back), parser).find(".//transaction")
    assert etree.tostring(after, method="c14n") == etree.tostring(before, method="c14n")


@pytest.mark.parametrize(
    "path",
    [
        REAL / "dfid-al-2.01.xml",
        REAL / "dfid-region189-1.01.xml",
        MORE / "iati-datastore__CD.xml",
        MORE / "iati-flattener__ec-intpa-activity.xml",
    ],
    ids=lambda p: p.name,
)
def test_child_activities_keep_their_links_both_ways(path, round_trip):

    def links(file) -> Counter:
        root = etree.parse(str(file)).getroot()
        return Counter(
            (a.findtext("iati-identifier").strip(), a.get("hierarchy"), r.get("ref"), r.get("type"))
            for a in root.iter("iati-activity")
            for r in a.findall("related-activity")
        )

    _registry, back = round_trip(path)
    before = links(path)
    assert "1" in {k[3] for k in before}  # a child names its parent (and parents, children)
    assert links(back) == before


def test_export_groups_what_it_leaves_out_and_ends_with_what_it_wrote(run, tmp_path):
    path = REAL / "dfid-region189-1.01.xml"
    root = etree.parse(str(path)).getroot()
    # lxml: the activities IATI 2.03 cannot take because they have no description
    bare = [
        a.findtext("iati-identifier").strip()
        for a in root.iter("iati-activity")
        if not "".join(t for d in a.findall("description") for t in d.itertext()).strip()
    ]
    assert len(bare) > 5
    registry, out = tmp_path / "r.yaml", tmp_path / "r.xml"
    assert run("import-iati", str(path), "-o", str(registry)).exit_code == 0
    result = run("--registry", str(registry), "export", "-o", str(out))
    assert result.exit_code == 0
    lines = result.stderr.strip().splitlines()
    grouped = [line for line in lines if line.startswith("not exported")]
    assert len(grouped) == 1  # one line for one reason, not one per project
    assert grouped[0].startswith(f"not exported, {len(bare)} projects: IATI requires a description")
    assert f"and {len(bare) - 5} more (--verbose lists all ids)" in grouped[0]
    written = len(etree.parse(str(out)).getroot().findall("iati-activity"))
    assert written == len(root.findall("iati-activity")) - len(bare)
    assert lines[-1] == f"wrote {written} activities to {out}; {len(bare)} left out (above)"
    verbose = run("--registry", str(registry), "export", "--verbose", "-o", str(out), "--force")
    line = next(x for x in verbose.stderr.splitlines() if x.startswith("not exported"))
    assert all(identifier.split("GB-1-")[1] in line for identifier in bare)
    assert "more" not in line


def test_export_command_does_no_library_work():
    """commands/iati.py parses, calls and renders: the export's logic is the library's."""
    from projreg.commands import iati as command
    from projreg.iati.activities import ExportOptions, export_activities

    source = Path(command.__file__).read_text(encoding="utf-8")
    source = source[source.index("def export(") : source.index("def _export_data(")]
    body = source[source.index(") -> None:") :]
    body = body[body.index('    """', 20) :]  # after the docstring
    assert len(body.splitlines()) <= 45
    assert "needs_publisher" not in body and "Publisher(" not in body
    assert ExportOptions().reporting_org_ref is None and callable(export_activities)


def test_a_transaction_iati_cannot_take_is_left_out_with_a_note(run, write, tmp_path, schema):
    registry = write(
        "projects:\n  - id: X-1\n    title: T\n    summary: S\n    donors: [D]\n"
        "    start: 2020-01-01\n    activity_status: ongoing\n    transactions:\n"
        "      - {type: disbursement, value: 10, currency: EUR}\n"
        "      - {type: gift, value: 20, currency: EUR, date: 2020-02-01}\n"
        "      - {type: expenditure, value: 5, currency: EUR, date: 2020-03-01}\n"
    )
    out = tmp_path / "x.xml"
    publisher = (
        "--reporting-org-ref",
        "XM-X",
        "--reporting-org-name",
        "X",
        "--reporting-org-type",
        "40",
    )
    result = run("--registry", str(registry), "export", *publisher, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "X-1: a transaction of 10 left out: no day" in result.stderr
    assert "X-1: a transaction of 20 left out: the type 'gift' has no IATI code" in result.stderr
    document = etree.parse(str(out))
    assert schema.validate(document), schema.error_log
    assert document.xpath("//transaction/value/text()") == ["5"]
