"""Money per currency: budgets and transactions in show, report, stats and the data exports.

Totals are exact decimals, one per currency, never converted nor added across currencies.
Expected figures are worked out here by hand or by lxml from real files, never by projreg.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from projreg.render.terminal import Terminal

from .test_iati_transactions import LETTERS

REAL = Path(__file__).parent / "iati" / "real"
WIDTHS = (60, 80, 120, 200)

TWO_CURRENCIES = """
projects:
  - id: A-1
    title: First
    donors: [Donor A]
    budgets:
      - {value: 1000.15, currency: EUR, start: 2020-01-01, end: 2020-12-31}
      - {value: 900.05, currency: EUR, start: 2021-01-01, end: 2021-12-31, type: original}
      - {value: 950.25, currency: EUR, start: 2021-01-01, end: 2021-12-31, type: revised}
    transactions:
      - {type: commitment, value: 5000, currency: EUR, date: 2020-01-15}
      - {type: disbursement, value: 1200.55, currency: EUR, date: 2020-03-01, receiver: Agency X}
      - {type: disbursement, value: 300, currency: USD, date: 2020-04-01}
      - {type: expenditure, value: 99.99, currency: EUR, date: 2020-06-30}
  - id: A-2
    title: Second
    donors: [Donor A, Donor B]
    budgets:
      - {value: 250, currency: USD, start: 2020, end: 2020}
      - {value: 10, start: 2020, end: 2020}
"""
# By hand: Donor A's budget is 1000.15 + 950.25 (the revised one replaces 900.05) EUR,
# 250 USD, and 10 in no currency; Donor B's is A-2's alone.
DONOR_A = {
    "budget": [
        {"value": "1950.40", "currency": "EUR"},
        {"value": "250", "currency": "USD"},
        {"value": "10", "currency": None},
    ],
    "committed": [{"value": "5000", "currency": "EUR"}],
    "disbursed": [{"value": "1200.55", "currency": "EUR"}, {"value": "300", "currency": "USD"}],
    "spent": [{"value": "99.99", "currency": "EUR"}],
}


def exact(totals) -> list[dict]:
    """JSON totals with their amounts as Decimals, for an exact comparison."""
    return [{**t, "value": Decimal(str(t["value"]))} for t in totals]


def decimals(totals) -> list[dict]:
    return [{**t, "value": Decimal(t["value"])} for t in totals]


@pytest.fixture
def money(write):
    return str(write(TWO_CURRENCIES))


def test_report_by_donor_gives_a_total_per_currency_in_json(run, money):
    result = run("--registry", money, "report", "--by", "donor", "--json")
    assert result.exit_code == 0, result.stderr
    rows = {row["group"]: row for row in json.loads(result.stdout)}
    for name, expected in DONOR_A.items():
        assert exact(rows["Donor A"][name]) == decimals(expected)
    assert exact(rows["Donor B"]["budget"]) == decimals(
        [{"value": "250", "currency": "USD"}, {"value": "10", "currency": None}]
    )
    assert rows["Donor B"]["disbursed"] == []


def test_report_money_in_csv_and_tables_keeps_currencies_apart(run, money):
    result = run("--registry", money, "report", "--by", "donor", "-f", "csv")
    rows = {row["group"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["Donor A"]["budget"] == "1,950.40 EUR; 250 USD; 10 (currency not given)"
    assert rows["Donor A"]["disbursed"] == "1,200.55 EUR; 300 USD"
    fields = "--fields", "group,budget,disbursed"
    for width in WIDTHS:
        terminal = Terminal(stdout_tty=True, width=width, no_color=True)
        table = run("--registry", money, "report", "--by", "donor", *fields, terminal=terminal)
        assert "1,950.40 EUR" in table.stdout and "250 USD" in table.stdout
        assert all(len(line) <= width for line in table.stdout.splitlines())


def test_a_registry_without_money_reports_as_before(run):
    rows = json.loads(run("report", "--by", "donor", "--json").stdout)  # the bundled registry
    assert not {"budget", "committed", "disbursed", "spent"} & set(rows[0])
    everything = json.loads(run("report", "--by", "donor", "--fields", "all", "--json").stdout)
    assert everything[0]["budget"] == []


def test_stats_gives_money_per_currency(run, money):
    stats = json.loads(run("--registry", money, "stats", "--json").stdout)
    # Across both projects (A-2's budget once, though two donors fund it).
    assert exact(stats["budget"]) == decimals(DONOR_A["budget"])
    assert exact(stats["spent"]) == decimals(DONOR_A["spent"])
    for width in WIDTHS:
        terminal = Terminal(stdout_tty=True, width=width, no_color=True)
        text = run("--registry", money, "stats", terminal=terminal).stdout
        assert "Disbursed" in text and "1,200.55 EUR" in text and "300 USD" in text


def test_show_lists_transactions_with_totals_per_type_per_currency(run, money):
    record = json.loads(run("--registry", money, "show", "A-1", "--json").stdout)
    assert len(record["transactions"]) == 4
    assert exact(record["transaction_totals"]) == [
        {"type": "commitment", "value": Decimal("5000"), "currency": "EUR"},
        {"type": "disbursement", "value": Decimal("1200.55"), "currency": "EUR"},
        {"type": "disbursement", "value": Decimal("300"), "currency": "USD"},
        {"type": "expenditure", "value": Decimal("99.99"), "currency": "EUR"},
    ]
    assert exact(record["budget_totals"]) == [{"value": Decimal("1950.40"), "currency": "EUR"}]
    for width in WIDTHS:
        terminal = Terminal(stdout_tty=True, width=width, no_color=True)
        page = run("--registry", money, "show", "A-1", terminal=terminal).stdout
        assert "Transaction totals" in page and "Budget totals" in page
        assert "2020-03-01 disbursement 1,200.55 EUR" in " ".join(page.split())
        assert all(len(line) <= width for line in page.splitlines())
    piped = run("--registry", money, "show", "A-1").stdout.splitlines()
    assert "transactions[2].value\t1200.55" in piped
    assert "transaction_totals[3].currency\tUSD" in piped


def test_sums_are_exact_whatever_their_size(write, run):
    big = "12345678901234567890123456789.01"  # 31 digits: more than a default Decimal holds
    registry = write(
        "projects:\n  - id: B-1\n    title: Big\n    budgets:\n"
        f"      - {{value: '{big}', currency: EUR, start: 2020, end: 2020}}\n"
        "      - {value: '0.01', currency: EUR, start: 2021, end: 2021}\n"
    )
    stats = json.loads(run("--registry", str(registry), "stats", "--json").stdout)
    assert stats["budget"] == [{"value": "12345678901234567890123456789.02", "currency": "EUR"}]


def lxml_flows(path) -> dict:
    """{type code: {currency: sum}} of the file's transactions, by lxml."""
    sums: dict = defaultdict(lambda: defaultdict(Decimal))
    for activity in etree.parse(str(path)).getroot().iter("iati-activity"):
        default = (activity.get("default-currency") or "").strip() or None
        for t in activity.findall("transaction"):
            code = (t.find("transaction-type").get("code") or "").strip()
            value = t.find("value")
            currency = (value.get("currency") or "").strip() or default
            sums[LETTERS.get(code, code)][currency] += Decimal(value.text.strip())
    return sums


@pytest.mark.parametrize(
    "name", ["tearfund-cd-noversion.xml", "dfid-al-2.01.xml", "aet-southsudan-region289.xml"]
)
def test_stats_of_a_real_import_agree_with_lxml(name, run, tmp_path):
    registry = tmp_path / "real.yaml"
    assert run("import-iati", str(REAL / name), "-o", str(registry)).exit_code == 0
    stats = json.loads(run("--registry", str(registry), "stats", "--json").stdout)
    sums = lxml_flows(REAL / name)
    for field, code in (("committed", "2"), ("disbursed", "3"), ("spent", "4")):
        expected = sorted(sums.get(code, {}).items())
        assert [(t["currency"], Decimal(str(t["value"]))) for t in stats[field]] == expected


def test_json_csv_and_sqlite_exports_carry_transactions(run, tmp_path):
    path = REAL / "dfid-region189-1.01.xml"
    registry = tmp_path / "r.yaml"
    assert run("import-iati", str(path), "-o", str(registry)).exit_code == 0
    source = []  # (value text, day) of every transaction, by lxml
    for t in etree.parse(str(path)).getroot().iter("transaction"):
        source.append(
            (t.find("value").text.strip(), t.find("transaction-date").get("iso-date")[:10])
        )
    records = json.loads(run("--registry", str(registry), "export", "-f", "json").stdout)
    assert sorted(
        (str(t["value"]), t["date"]) for r in records for t in r["transactions"]
    ) == sorted(source)
    tables = tmp_path / "tables"
    assert run("--registry", str(registry), "export", "-f", "csv", "-o", str(tables)).exit_code == 0
    with open(tables / "transactions.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted((r["value"], r["date"]) for r in rows) == sorted(source)
    assert {r["currency"] for r in rows} == {"GBP"}
    database = tmp_path / "r.db"
    assert (
        run("--registry", str(registry), "export", "-f", "sqlite", "-o", str(database)).exit_code
        == 0
    )
    with sqlite3.connect(database) as db:
        stored = db.execute("SELECT value, date FROM transactions").fetchall()
    assert sorted(stored) == sorted(source)


def test_check_warns_of_a_transaction_type_no_total_counts(run, write):
    registry = write(
        "projects:\n  - id: X-1\n    title: Test\n    transactions:\n"
        "      - {type: commitment, value: 100, currency: EUR, date: 2014-01-01}\n"
        "      - {type: disbursment, value: 25, currency: EUR, date: 2014-03-31}\n"
    )
    result = run("--registry", str(registry), "check")
    assert "6:9: warning: X-1: transactions: transaction type 'disbursment'" in result.stderr
    assert "did you mean disbursement?" in result.stderr
    stats = json.loads(run("--registry", str(registry), "stats", "--json").stdout)
    assert stats["disbursed"] == [] and stats["committed"] == [{"value": 100, "currency": "EUR"}]


def test_a_total_is_never_cut_short_in_a_table(run, money):
    import re

    fields = "--fields", "group,ids,budget,committed,disbursed,spent"
    for width in WIDTHS:
        terminal = Terminal(stdout_tty=True, width=width, no_color=True)
        result = run("--registry", money, "report", "--by", "donor", *fields, terminal=terminal)
        assert not re.search(r"[0-9,.]…", result.stdout), result.stdout  # whole, or not shown
        shown = result.stdout + result.stderr
        assert "1,950.40 EUR" in shown or "Budget" in result.stderr


def test_a_revised_budget_replaces_the_original_it_overlaps_in_every_total(run, write):
    registry = write(
        "projects:\n  - id: R-1\n    title: Revised\n    start: 2020-01-01\n    end: 2020-12-31\n"
        "    budgets:\n"
        "      - {value: 1000, currency: EUR, start: 2020-01-01, end: 2020-12-31, type: original}\n"
        "      - {value: 700, currency: EUR, start: 2020-07-01, end: 2020-12-31, type: revised}\n"
        "      - {value: 50, currency: EUR, start: 2021-01-01, end: 2021-06-30}\n"
    )
    from projreg import load_registry
    from projreg.query.overview import chosen_budgets

    # By hand: the revised 700 overlaps the original 1000, which no longer counts; 50 stays.
    stats = json.loads(run("--registry", str(registry), "stats", "--json").stdout)
    assert stats["budget"] == [{"value": 750, "currency": "EUR"}]
    (project,) = load_registry(registry).projects
    assert [b.value for b in chosen_budgets(project.budgets)] == [700, 50]  # the overview's rule
