"""Reports, timeline and stats, checked against answers worked out by hand from the seed page."""

import datetime as dt
import json
import xml.etree.ElementTree as ElementTree

import pytest

from projreg import parse_date
from projreg.query.filters import Filters, select
from projreg.query.reports import group_by, month_index, stats, timeline

from .conftest import TODAY

JUNE_2018 = dt.date(2018, 6, 1)


def rows_by_group(rows):
    return {row["group"]: row for row in rows}


def test_by_country_counts_direct_projects(registry):
    rows = rows_by_group(group_by("country", registry.projects, TODAY, direct_only=True))
    assert rows["Azerbaijan"]["ids"] == ["RESTART", "EAP-IBM-CABUIPRO", "MOBILAZE"]
    assert rows["Azerbaijan"]["projects"] == 3
    assert rows["Armenia"]["ids"] == ["EAP-IBM-CABUIPRO", "MIBMA"]
    assert rows["Georgia"]["ids"] == ["EAP-IBM-CABUIPRO", "ENIGMMA-2"]
    assert rows["Kazakhstan"]["ids"] == ["BOMCA-9"]
    assert rows["Russia"]["projects"] == rows["Turkey"]["projects"] == 2
    assert len(rows) == 13  # the thirteen countries the page names
    assert rows["Azerbaijan"]["earliest_start"] == "2014-07"
    assert rows["Azerbaijan"]["latest_end"] == "2020-06-30"
    # RESTART 18 months + EAP IBM CaBuiPro 36 + MOBILAZE 37 (January 2016 to January 2019).
    assert rows["Azerbaijan"]["project_months"] == 18 + 36 + 37


def test_rows_are_ordered_by_size(registry):
    counts = [row["projects"] for row in group_by("country", registry.projects, TODAY)]
    assert counts == sorted(counts, reverse=True)


def test_by_region_includes_member_countries(registry):
    rows = rows_by_group(group_by("region", registry.projects, TODAY))
    assert rows["Central Asia"]["ids"] == ["PRAGUE-PROCESS", "BOMCA-9", "PP-DATA"]
    assert rows["Eastern Partnership"]["projects"] == 7
    assert rows["Western Balkans"]["ids"] == ["PRAGUE-PROCESS", "PP-DATA"]


def test_by_donor(registry):
    rows = rows_by_group(group_by("donor", registry.projects, TODAY))
    assert rows["European Commission"]["ids"] == ["EAP-IBM-CABUIPRO", "MOBILAZE", "ENIGMMA-2"]
    assert rows["European Union"]["ids"] == ["BOMCA-9", "MIBMA"]
    assert rows["Federal Republic of Germany"]["ids"] == ["RESTART"]
    assert rows["(no donor named)"]["ids"] == ["PRAGUE-PROCESS", "PP-DATA"]
    assert rows["European Commission"]["latest_end"] == "2020-11"


def test_by_agency(registry):
    rows = rows_by_group(group_by("agency", registry.projects, TODAY))
    assert rows["ICMPD"]["projects"] == 5
    assert rows["Frontex"]["ids"] == ["EAP-IBM-CABUIPRO"]
    assert rows["(no implementer named)"]["ids"] == ["PRAGUE-PROCESS", "PP-DATA"]


def test_by_year_counts_any_day_of_the_year(registry):
    rows = rows_by_group(group_by("year", registry.projects, TODAY))
    assert rows["2014"]["ids"] == ["PRAGUE-PROCESS", "EAP-IBM-CABUIPRO"]
    assert sorted(rows["2017"]["ids"]) == [
        "BOMCA-9",
        "EAP-IBM-CABUIPRO",  # ends June 2017
        "ENIGMMA-2",  # starts September 2017
        "MIBMA",
        "MOBILAZE",
        "PRAGUE-PROCESS",
    ]
    # Months inside 2017: 6 + 12 + 4 + 12 + 12 + 12.
    assert rows["2017"]["project_months"] == 58
    assert "RESTART" not in rows["2018"]["ids"]  # starts 1 January 2019
    assert rows["2009"]["project_months"] == 9  # April to December
    assert next(iter(rows)) == "2009"
    assert list(rows)[-2] == str(TODAY.year)  # ongoing counts up to today
    assert rows["dates unknown"]["ids"] == ["PP-DATA"]


def test_by_year_honours_today(registry):
    rows = group_by("year", registry.projects, dt.date(2019, 3, 15))
    assert rows[-2]["group"] == "2020"  # RESTART and ENIGMMA-2 end in 2020
    # 2019: ENIGMMA-2 12 months, MOBILAZE 1 (January), PRAGUE-PROCESS 3 (up to
    # today, March), RESTART 12.
    assert rows_by_group(rows)["2019"]["project_months"] == 12 + 1 + 3 + 12


def test_by_status(registry):
    rows = rows_by_group(group_by("status", registry.projects, JUNE_2018))
    assert rows["ongoing"]["projects"] == 5
    assert rows["planned"]["ids"] == ["RESTART"]
    assert rows["completed"]["ids"] == ["EAP-IBM-CABUIPRO"]
    assert rows["unknown"]["ids"] == ["PP-DATA"]


def test_timeline_bar_positions_at_month_resolution(registry):
    bomca = registry.get("BOMCA-9")  # June 2015 - June 2018
    chart = timeline([bomca], TODAY)
    assert (chart.first, chart.last) == (
        month_index(dt.date(2015, 1, 1)),
        month_index(dt.date(2018, 12, 1)),
    )
    (bar,) = chart.bars
    assert chart.cells(bar, 48) == (5, 41)  # one column a month: June 2015 is column 5
    assert chart.cells(bar, 24) == (2, 20)  # two months a column
    assert chart.cells(bar, 96) == (10, 83)
    assert not bar.open_end


def test_timeline_open_end_and_undated(registry):
    chart = timeline(registry.projects, TODAY)
    prague = next(b for b in chart.bars if b.id == "PRAGUE-PROCESS")
    assert prague.open_end
    assert prague.last == month_index(TODAY)
    assert chart.undated == ("PP-DATA",)
    assert chart.bars[0].id == "PRAGUE-PROCESS"


def test_stats(registry):
    summary = stats(registry.projects, JUNE_2018)
    assert summary["projects"] == 8
    assert summary["countries"] == 13
    assert summary["regions"] == 5
    assert summary["donors"] == 5
    assert (summary["ongoing"], summary["completed"], summary["planned"], summary["unknown"]) == (
        5,
        1,
        1,
        1,
    )
    assert summary["first_start"] == "2009-04"
    assert summary["last_end"] is None  # PRAGUE-PROCESS gives no end: the last one is unknown
    # Fields no project uses (the IATI ones) are not "missing"; the status only PRAGUE-PROCESS
    # states (the page lists it as ongoing and gives no end) is.
    assert summary["most_missing"][:2] == ["activity_status (7 of 8)", "components (7 of 8)"]
    assert not any(m.startswith("iati_id") for m in summary["most_missing"])


def test_filters_apply_before_grouping(registry):
    selection = select(registry, Filters(countries=("Georgia",)))
    rows = rows_by_group(group_by("donor", selection.projects, TODAY))
    assert rows["European Commission"]["ids"] == ["EAP-IBM-CABUIPRO", "ENIGMMA-2"]
    assert rows["(no donor named)"]["ids"] == ["PP-DATA", "PRAGUE-PROCESS"]
    assert set(rows) == {"European Commission", "(no donor named)"}


# --- through the CLI ----------------------------------------------------------------------


def test_report_cli_formats(run):
    rows = json.loads(run("report", "--by", "donor", "--json").stdout)
    assert rows[0] == {
        "group": "European Commission",
        "projects": 3,
        "ids": ["EAP-IBM-CABUIPRO", "ENIGMMA-2", "MOBILAZE"],  # list's order: by id
        "earliest_start": "2014-07",
        "latest_end": "2020-11",
        "project_months": 36 + 37 + 39,
    }
    tsv = run("report", "--by", "donor", "--country", "Georgia").stdout.splitlines()
    assert [line.split("\t")[:2] for line in tsv] == [
        ["European Commission", "2"],
        ["(no donor named)", "2"],
    ]
    table = run("report", "--by", "donor", "-f", "table").stdout
    assert "Donor" in table and "European Commission" in table


def test_report_fields_and_bad_grouping(run):
    assert (
        run("report", "--by", "year", "--fields", "group,projects").stdout.splitlines()[0]
        == "2009\t1"
    )
    assert run("report", "--by", "colour").exit_code == 2
    bad = run("report", "--by", "year", "--fields", "group,nope")
    assert bad.exit_code == 2
    assert "available fields: group, projects, ids" in bad.stderr


def test_report_names_what_date_filters_could_not_decide(run):
    result = run("report", "--by", "donor", "--active-on", "2018-06-01")
    assert "PP-DATA" not in result.stdout
    assert "dates unknown: PP-DATA" in result.stderr


def test_timeline_cli_chart(run):
    result = run("timeline", "-f", "table", "--on", "2018-06-01", env={"COLUMNS": "100"})
    lines = result.stdout.splitlines()
    assert lines[0].split()[0] == "2009"
    bars = {line.split()[0]: line for line in lines[2:9]}
    assert list(bars) == [
        "PRAGUE-PROCESS",
        "EAP-IBM-CABUIPRO",
        "BOMCA-9",
        "MIBMA",
        "MOBILAZE",
        "ENIGMMA-2",
        "RESTART",
    ]
    assert bars["PRAGUE-PROCESS"].rstrip().endswith("▶")
    assert "┃" in bars["RESTART"]  # the marker crosses every row
    assert lines[-1] == "Dates unknown: PP-DATA"
    assert max(len(line) for line in lines) <= 100


def test_timeline_cli_records_in_a_pipe(run):
    rows = [line.split("\t") for line in run("timeline").stdout.splitlines()]
    assert rows[0] == ["PRAGUE-PROCESS", "2009-04", "", "true"]
    assert ["BOMCA-9", "2015-06", "2018-06", "false"] in rows
    assert rows[-1] == ["PP-DATA", "", "", ""]


def test_timeline_svg_is_well_formed_and_not_overwritten(run, tmp_path):
    path = tmp_path / "chart.svg"
    result = run("timeline", "--output", str(path))
    assert result.exit_code == 0
    root = ElementTree.parse(path).getroot()
    assert root.tag.endswith("svg")
    assert "PRAGUE" in path.read_text(encoding="utf-8")
    path.write_text("keep me", encoding="utf-8")
    again = run("timeline", "--output", str(path))
    assert again.exit_code == 1
    assert "use --force" in again.stderr
    assert path.read_text(encoding="utf-8") == "keep me"
    assert run("timeline", "--output", str(path), "--force").exit_code == 0
    assert path.read_text(encoding="utf-8").startswith("<svg")


def test_timeline_html_and_bad_suffix(run, tmp_path):
    html = tmp_path / "chart.html"
    assert run("timeline", "-o", str(html)).exit_code == 0
    assert "<html" in html.read_text(encoding="utf-8").lower()
    assert run("timeline", "-o", str(tmp_path / "chart.png")).exit_code == 2


def test_stats_cli(run):
    data = json.loads(run("stats", "--json", "--today", "2018-06-01").stdout)
    assert data["projects"] == 8
    assert data["ongoing"] == 5
    lines = dict(line.split("\t", 1) for line in run("stats").stdout.splitlines())
    assert lines["projects"] == "8"
    assert "Most missing" in run("stats", "-f", "table").stdout


@pytest.mark.parametrize("fmt", ["csv", "markdown", "yaml"])
def test_report_other_formats(run, fmt):
    result = run("report", "--by", "status", "--today", "2018-06-01", "-f", fmt)
    assert result.exit_code == 0
    assert "ongoing" in result.stdout


def test_parse_date_helper_is_exported():
    assert parse_date("2018").precision == "year"


def test_a_report_by_place_keeps_its_direct_and_via_split_at_80_columns(run):
    from projreg.render.terminal import Terminal

    run.terminal = Terminal(stdout_tty=True, width=80, no_color=True)
    result = run("report", "--by", "country")
    header = result.stdout.splitlines()[0].split("  ")
    assert [h.strip() for h in header if h.strip()][:4] == [
        "Country",
        "Projects",
        "Direct",
        "Via region",
    ]
    assert "Ids" in result.stderr  # left out first, and said
    assert all(len(line) <= 80 for line in result.stdout.splitlines() + result.stderr.splitlines())


def test_reports_answer_with_planned_dates_as_list_does(run, write):
    """A project with an actual start and only a planned end, now past, is completed to
    `list`; a report's latest end is that planned end, marked, never "ongoing"."""
    path = write("""
        projects:
          - {id: A-1, title: A, start: 2012-04-28, planned_end: 2015-12-31,
             donors: [{name: Agency B}]}
          - {id: B-1, title: B, planned_start: 2011-02, planned_end: 2013,
             donors: [{name: Agency B}]}
    """)
    listed = run("--registry", str(path), "list", "-f", "tsv", "--today", "2026-11-27").stdout
    assert "2015-12-31 (planned)\tcompleted" in listed
    report = run("--registry", str(path), "report", "--by", "donor", "-f", "json")
    (row,) = json.loads(report.stdout)
    assert (row["earliest_start"], row["latest_end"]) == (
        "2011-02 (planned)",
        "2015-12-31 (planned)",
    )
    stats = json.loads(run("--registry", str(path), "stats", "--json").stdout)
    assert (stats["first_start"], stats["last_end"]) == (
        "2011-02 (planned)",
        "2015-12-31 (planned)",
    )
