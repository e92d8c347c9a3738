"""`export -f json|csv`: the registry as data files, on the bundled registry and real IATI data."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from projreg import load_registry
from projreg.model.schema import PEOPLE
from projreg.render.dataexport import PARTICIPATION_COLUMNS, PROJECT_COLUMNS

REAL = Path(__file__).parent / "iati" / "real"
TODAY = ("--today", "2026-11-27")


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_json_holds_the_records_show_gives(run, registry):
    result = run("export", "-f", "json", *TODAY)
    assert result.exit_code == 0
    exported = json.loads(result.stdout)
    assert [p["id"] for p in exported] == sorted(p.id for p in registry.projects)
    for record in exported:
        shown = run("show", record["id"], "--json", *TODAY)
        assert record == json.loads(shown.stdout)


def test_csv_one_row_per_project_with_the_main_fields(run, registry):
    result = run("export", "-f", "csv", *TODAY)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == ",".join(PROJECT_COLUMNS)
    table = {row["id"]: row for row in rows(result.stdout)}
    assert len(table) == len(registry.projects)
    enigmma = table["ENIGMMA-2"]
    assert (enigmma["start"], enigmma["end"], enigmma["status"]) == (
        "2017-09",
        "2020-11",
        "completed",
    )
    assert enigmma["implementers"] == "ICMPD; State Commission on Migration Issues of Georgia"
    assert table["EAP-IBM-CABUIPRO"]["country_codes"] == "AM; AZ; BY; GE; MD; UA"
    assert table["PP-DATA"]["start"] == ""  # unknown is an empty cell, never a guess


def test_filters_apply(run):
    result = run("export", "-f", "csv", "--country", "Georgia", "--direct")
    assert {row["id"] for row in rows(result.stdout)} == {"ENIGMMA-2", "EAP-IBM-CABUIPRO"}


def test_a_folder_gets_both_tables_and_is_never_overwritten(run, registry, tmp_path):
    result = run("export", "-f", "csv", "-o", str(tmp_path))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"wrote {tmp_path / 'projects.csv'}",
        f"wrote {tmp_path / 'participations.csv'}",
        f"wrote {tmp_path / 'transactions.csv'}",
    ]
    long = rows((tmp_path / "participations.csv").read_text(encoding="utf-8"))
    assert list(long[0]) == list(PARTICIPATION_COLUMNS)
    assert len(long) == sum(len(getattr(p, f)) for p in registry.projects for f in PEOPLE)
    assert {"project_id": "EAP-IBM-CABUIPRO", "role": "donor", "name": "European Commission",
            "ref": "", "department": "", "instrument": "ENPI", "detail": ""} in long  # fmt: skip
    again = run("export", "-f", "csv", "-o", str(tmp_path))
    assert again.exit_code == 1 and "exists; use --force" in again.stderr
    assert run("export", "-f", "csv", "-o", str(tmp_path), "--force").exit_code == 0
    # A new name without an extension is a folder too.
    assert run("export", "-f", "csv", "-o", str(tmp_path / "tables" / "2026")).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "tables" / "2026").iterdir()) == [
        "participations.csv",
        "projects.csv",
        "transactions.csv",
    ]


HOSTILE = """
projects:
  - id: X-1
    title: '=HYPERLINK("http://evil.example","click")'
    donors: ['@SUM(A1)', 'Ministry of Interior, "Border" Police']
    implementers: ['-2+3', {name: '+cmd', role: lead}]
"""


def test_formulas_are_kept_unless_spreadsheet_safe(run, write, tmp_path):
    path = write(HOSTILE)
    plain = rows(run("export", "--registry", str(path), "-f", "csv").stdout)[0]
    assert plain["title"] == '=HYPERLINK("http://evil.example","click")'
    assert plain["donors"] == '@SUM(A1); Ministry of Interior, "Border" Police'
    assert plain["implementers"] == "-2+3; +cmd"
    safe = run("export", "--registry", str(path), "-f", "csv", "--spreadsheet-safe",
               "--participations", str(tmp_path / "long.csv"))  # fmt: skip
    row = rows(safe.stdout)[0]
    assert row["title"] == "'" + plain["title"]
    assert row["donors"] == "'" + plain["donors"]
    assert row["id"] == "X-1"
    long = rows((tmp_path / "long.csv").read_text(encoding="utf-8"))
    assert [r["name"] for r in long] == [
        "'-2+3",
        "'+cmd",
        "'@SUM(A1)",
        'Ministry of Interior, "Border" Police',
    ]


def test_json_refuses_csv_options(run):
    result = run("export", "-f", "json", "--spreadsheet-safe")
    assert (result.exit_code, result.stderr) == (
        2,
        "projreg: --participations, --transactions and --spreadsheet-safe are for -f csv\n",
    )
    assert run("export", "-f", "xlsx").exit_code == 2
    iati_only = run("export", "-f", "csv", "--reporting-org-ref", "XM-EXAMPLE")
    assert (iati_only.exit_code, iati_only.stdout) == (2, "")


def test_real_iati_data_to_csv(run, tmp_path):
    imported = tmp_path / "imported.yaml"
    assert run("import-iati", str(REAL / "dfid-al-2.01.xml"), "-o", str(imported)).exit_code == 0
    registry = load_registry(imported)
    result = run("export", "--registry", str(imported), "-f", "csv",
                 "--participations", str(tmp_path / "long.csv"))  # fmt: skip
    assert len(rows(result.stdout)) == len(registry.projects)
    long = rows((tmp_path / "long.csv").read_text(encoding="utf-8"))
    expected = [(p.id, o.name or "", o.ref or "") for p in registry.projects for f in PEOPLE for o in getattr(p, f)]  # fmt: skip
    assert [(r["project_id"], r["name"], r["ref"]) for r in long] == expected
    assert any(r["ref"] for r in long)
