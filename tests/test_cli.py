"""The commands, run through Typer's CliRunner: output, errors and exit codes."""

import json

import pytest

from projreg import __version__


def tsv(result):
    return [line.split("\t") for line in result.stdout.splitlines()]


def test_list_country_azerbaijan_direct_and_via(run):
    result = run("list", "--country", "Azerbaijan", "--fields", "id,match")
    assert result.exit_code == 0
    assert dict(tsv(result)) == {
        "EAP-IBM-CABUIPRO": "direct",
        "MOBILAZE": "direct",
        "PP-DATA": "via Eastern Partnership",
        "PRAGUE-PROCESS": "via Eastern Partnership",
        "RESTART": "direct",
    }


def test_list_country_default_columns_in_a_pipe(run):
    rows = tsv(run("list", "--country", "az"))
    assert [row[0] for row in rows] == [
        "EAP-IBM-CABUIPRO",
        "MOBILAZE",
        "PP-DATA",
        "PRAGUE-PROCESS",
        "RESTART",
    ]
    assert rows[-1] == [
        "RESTART",
        "Reintegration Support to Azerbaijani Returnees",
        "Azerbaijan",
        "2019-01-01",
        "2020-06-30",
        "completed",
        "direct",
    ]


def test_list_direct(run):
    result = run("list", "--country", "Azerbaijan", "--direct", "--fields", "id")
    assert result.stdout.split() == ["EAP-IBM-CABUIPRO", "MOBILAZE", "RESTART"]


def test_list_table_on_request(run):
    result = run("list", "--country", "Azerbaijan", "-f", "table")
    assert result.exit_code == 0
    assert "via Eastern Partnership" in result.stdout
    assert "direct" in result.stdout
    assert "Coverage" in result.stdout


def test_list_filters_combine(run):
    result = run(
        "list",
        "--donor",
        "European Union",
        "--active-on",
        "2017",
        "--sort",
        "start",
        "--fields",
        "id",
    )
    assert result.stdout.split() == [
        "EAP-IBM-CABUIPRO",
        "BOMCA-9",
        "MIBMA",
        "MOBILAZE",
        "ENIGMMA-2",
    ]


def test_list_between_and_status_with_today(run):
    result = run("list", "--between", "2019", "2019", "--fields", "id")
    assert result.stdout.split() == ["ENIGMMA-2", "MOBILAZE", "PRAGUE-PROCESS", "RESTART"]
    assert "PP-DATA" in result.stderr  # named as not decidable, not silently dropped
    ongoing = run("list", "--status", "ongoing", "--today", "2019-02-01", "--fields", "id")
    assert ongoing.stdout.split() == ["ENIGMMA-2", "PRAGUE-PROCESS", "RESTART"]


def test_list_search_and_limit(run):
    assert run("list", "-q", "Bratislava", "--fields", "id").stdout.split() == ["PP-DATA"]
    assert len(run("list", "--limit", "3").stdout.splitlines()) == 3


def test_empty_result_is_success(run):
    result = run("list", "--country", "France", "--direct")
    assert result.exit_code == 0
    assert result.stdout == ""
    table = run("list", "--country", "France", "--direct", "-f", "table")
    assert (table.exit_code, table.stdout) == (0, "")
    assert "No projects match" in table.stderr


def test_active_on_a_day(run):
    result = run("active", "--on", "2018-06-01", "--fields", "id")
    assert result.exit_code == 0
    assert sorted(result.stdout.split()) == [
        "BOMCA-9",
        "ENIGMMA-2",
        "MIBMA",
        "MOBILAZE",
        "PRAGUE-PROCESS",
    ]
    assert result.stderr == "Dates unknown: PP-DATA\n"


def test_active_table_names_unknown_dates_on_its_own_line(run):
    result = run("active", "--on", "2018-06-01", "-f", "table")
    assert "5 projects active on 1 June 2018" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1] == "Dates unknown: PP-DATA"


def test_active_month_boundary(run):
    assert "BOMCA-9" in run("active", "--on", "2018-06-30").stdout
    assert "BOMCA-9" not in run("active", "--on", "2018-07-01").stdout


def test_active_defaults_to_today(run):
    assert (
        run("active", "--today", "2018-06-30", "--fields", "id").stdout.split()
        == run("active", "--on", "2018-06-30", "--fields", "id").stdout.split()
    )


@pytest.mark.parametrize("text", ["enigmma2", "ENIGMMA-2", "Enigmma 2", "enigmma_2"])
def test_show_ignores_case_spaces_and_punctuation(run, text):
    result = run("show", text, "--json")
    assert json.loads(result.stdout)["id"] == "ENIGMMA-2"


def test_show_by_acronym(run):
    assert json.loads(run("show", "EaP IBM CaBuiPro", "--json").stdout)["id"] == "EAP-IBM-CABUIPRO"
    assert json.loads(run("show", "bomca 9", "--json").stdout)["id"] == "BOMCA-9"


def test_show_page_has_components_and_manager(run):
    result = run("show", "enigmma2", "-f", "table")
    assert result.exit_code == 0
    page = result.stdout
    for number, title in enumerate(
        [
            "Policy Recommendations",
            "Joint Response Measures",
            "Capacity Building",
            "Exchange and Cooperation between Georgia and EU Experts",
        ],
        1,
    ):
        assert f"{number}. {title}" in page
    assert "Violeta Wagner" in page
    assert "September 2017 – November 2020 (39 months)" in page


def test_show_in_a_pipe_is_field_tab_value(run):
    lines = dict(line.split("\t", 1) for line in run("show", "BOMCA-9").stdout.splitlines())
    assert lines["id"] == "BOMCA-9"
    assert lines["end"] == "2018-06"
    assert lines["end_precision"] == "month"


def test_show_unknown_id_suggests(run):
    result = run("show", "enigma")
    assert result.exit_code == 1
    assert result.stderr == "projreg: no project 'enigma'; did you mean ENIGMMA-2?\n"
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ("active", "--on", "2018-13-45"),
        ("list", "--active-on", "June"),
        ("list", "--between", "2019", "soon"),
        ("list", "--bogus"),
        ("list", "--status", "finished"),
        ("list", "--sort", "colour"),
        ("list", "--country", "Atlantis"),
        ("list", "--format", "xml"),
        ("list", "--fields", "id,nope"),
    ],
)
def test_usage_errors_exit_2_without_traceback(run, args):
    result = run(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()


def test_bad_date_message_names_option_and_value(run):
    result = run("active", "--on", "2018-13-45")
    assert "'--on'" in result.stderr
    assert "month 13" in result.stderr


def test_unknown_field_lists_available_fields(run):
    result = run("list", "--fields", "id,nope")
    assert "unknown field 'nope'" in result.stderr
    assert "available fields: id, iati_id, acronym, title" in result.stderr


def test_broken_registry_exits_1_with_location(run, write):
    path = write("projects:\n  - id: X\n    title: Y\n    start: 2019-02-30\n")
    result = run("--registry", str(path), "list")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:4:12: error: X: start: ")
    assert "Traceback" not in result.stderr


def test_registry_option_and_environment(run, write):
    path = write("projects:\n  - {id: ONLY-ONE, title: One}\n")
    assert run("--registry", str(path), "list", "--fields", "id").stdout == "ONLY-ONE\n"
    result = run("list", "--fields", "id", env={"PROJREG_REGISTRY": str(path)})
    assert result.stdout == "ONLY-ONE\n"


def test_version(run):
    assert run("--version").stdout == f"projreg {__version__}\n"
