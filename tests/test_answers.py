"""Right answers on anyone's registry: nothing misread, nothing dropped, one rule everywhere
(issue 11, "Wrong answers, silently")."""

from __future__ import annotations

import pytest

from projreg.dates import DateError, PartialDate, parse_date
from projreg.lint import check
from projreg.terminal import Terminal

ONE = """
projects:
  - id: A-1
    title: First
    start: {start}
"""


# --- 1. dates that could be misread are refused, never guessed -----------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018", PartialDate(2018)),
        ("2018-06", PartialDate(2018, 6)),
        ("2018-06-01", PartialDate(2018, 6, 1)),
        ("June 2018", PartialDate(2018, 6)),
        ("Jun 2018", PartialDate(2018, 6)),
        ("1 June 2018", PartialDate(2018, 6, 1)),
        ("June 1, 2018", PartialDate(2018, 6, 1)),
    ],
)
def test_unambiguous_dates_are_read(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("01/06/2018", "2018-06-01 (1 June 2018) or 2018-01-06 (6 January 2018)"),
        ("18/06/2018", "write it in ISO form: 2018-06-18 (18 June 2018)"),
        ("01.06.2018", "2018-06-01 (1 June 2018) or 2018-01-06 (6 January 2018)"),
        ("2018.06", "write it in ISO form: 2018-06 (June 2018)"),
        ("-2018", "dates have no sign: write 2018"),
        ("0001", "write the four-digit year"),
        ("0218-06", "write the four-digit year"),
        ("2018-Q2", "--between 2018-04 2018-06"),
        ("2018Q2", "--between 2018-04 2018-06"),
        ("Q4 2018", "--between 2018-10 2018-12"),
        ("Jnue 2018", "did you mean 'June 2018' (2018-06)?"),
    ],
)
def test_dates_that_could_be_misread_are_refused_with_the_iso_form(text, hint):
    with pytest.raises(DateError) as caught:
        parse_date(text)
    assert hint in caught.value.hint
    assert "Unknown string format" not in str(caught.value)


@pytest.mark.parametrize("text", ["01/06/2018", "18/06/2018", "2018.06", "-2018", "2018-Q2"])
def test_active_on_refuses_day_month_dates_with_exit_2(run, text):
    result = run("active", "--on", text)
    assert result.exit_code == 2
    assert (
        "ISO form" in result.stderr or "--between" in result.stderr or "write 2018" in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_active_on_01_06_2018_shows_both_readings(run):
    result = run("active", "--on", "01/06/2018")
    assert "2018-06-01 (1 June 2018) or 2018-01-06 (6 January 2018)" in " ".join(
        result.stderr.split()
    )


def test_heading_shows_the_parsed_date(run):
    result = run("active", "--on", "June 1, 2018", terminal=Terminal(stdout_tty=True, width=120))
    assert result.exit_code == 0
    assert "active on 1 June 2018" in result.stdout


@pytest.mark.parametrize(
    ("start", "hint"),
    [
        ("'01.06.2018'", "2018-06-01 (1 June 2018) or 2018-01-06 (6 January 2018)"),
        ("'2018.06'", "2018-06 (June 2018)"),
        ("-2018", "write 2018"),
        ("2018-Q2", "start: 2018-04 / end: 2018-06"),
    ],
)
def test_check_locates_a_date_that_could_be_misread(write, run, start, hint):
    path = write(ONE.format(start=start))
    problems = check(path)
    assert [(p.line, p.column, p.field, p.severity) for p in problems] == [
        (4, 12, "start", "error")
    ]
    assert hint in problems[0].hint
    result = run("check", "--strict", str(path))
    assert result.exit_code == 1
    assert f"{path}:4:12: error: A-1: start:" in result.stderr


# --- 6. check reports everything in one run, and agrees with the other commands ----------

FOUR_MISTAKES = """
projects:
  - id: A-1
    title: First
    start: 2018-06
    end: 2018-05
  - id: A-2
    title: Second
    countries: [Gorgia]
  - id: A-3
    title: Third
    start: 2018-13
  - id: A-1
    title: Fourth
    start: 2018
    end: 2019
    activity_status: ongoing
"""


def test_check_reports_four_mistakes_and_the_warnings_in_one_run(write, run):
    path = write(FOUR_MISTAKES)
    problems = check(path)
    assert [(p.line, p.severity, p.field) for p in problems] == [
        (5, "error", "end"),
        (8, "error", "countries"),
        (11, "error", "start"),
        (12, "error", "id"),
        (16, "warning", "activity_status"),
    ]
    result = run("check", str(path))
    assert result.exit_code == 1
    assert result.stderr.count(": error: ") == 4
    assert result.stderr.count(": warning: ") == 1


@pytest.mark.parametrize(
    "ids", [("ENIGMMA-2", "enigmma 2"), ("ENIGMMA-2", "ENIGMMA_2"), ("enigmma 2", "ENIGMMA_2")]
)
def test_ids_equal_to_show_are_duplicates_in_one_file(write, run, ids):
    path = write(f"projects:\n  - id: {ids[0]}\n    title: One\n  - id: {ids[1]}\n    title: Two\n")
    expected = (
        f"{path}:4:5: error: {ids[1]}: id: id {ids[1]!r} is the same as {ids[0]!r} to `show`, "
        f"first defined at {path}:2"
    )
    for args in (("check", str(path)), ("--registry", str(path), "list")):
        result = run(*args)
        assert result.exit_code == 1
        assert expected in result.stderr


def test_ids_equal_to_show_are_duplicates_across_files(tmp_path, run):
    (tmp_path / "a.yaml").write_text("projects:\n  - id: ENIGMMA-2\n    title: One\n")
    (tmp_path / "b.yaml").write_text("projects:\n  - id: ENIGMMA_2\n    title: Two\n")
    (tmp_path / "c.yaml").write_text("projects:\n  - id: enigmma 2\n    title: Three\n")
    for args in (("check", str(tmp_path)), ("--registry", str(tmp_path), "list")):
        result = run(*args)
        assert result.exit_code == 1
        assert f"{tmp_path}/b.yaml:2:5: error: ENIGMMA_2: id: id 'ENIGMMA_2'" in result.stderr
        assert f"{tmp_path}/c.yaml:2:5: error: enigmma 2: id: id 'enigmma 2'" in result.stderr
        assert f"first defined at {tmp_path}/a.yaml:2" in result.stderr


def test_a_large_plain_registry_passes_check_as_it_passes_list(write, run, monkeypatch):
    from projreg import yamlsafe

    # The node limit, made small so that a small plain file is "large" to it.
    monkeypatch.setattr(yamlsafe, "MAX_EXPANDED_NODES", 500)
    projects = "".join(f"  - id: P-{i}\n    title: Project {i}\n" for i in range(300))
    path = write("projects:\n" + projects)
    assert check(path) == []
    assert run("--registry", str(path), "list").exit_code == 0
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    bomb += "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nprojects: []\n"
    problems = check(write(bomb, "bomb.yaml"))
    assert "aliases expand this document" in problems[0].message


@pytest.mark.parametrize(
    ("text", "message", "location"),
    [
        (
            "projects:\n  - id: A-1\n    title: Fir\u2028st\n",
            "line separator U+2028 in the text",
            "3:15",
        ),
        ("%YAML 2.0\n---\nprojects:\n  - id: A-1\n    title: First\n", "incompatible", "1:1"),
    ],
)
def test_check_and_list_agree_on_what_yaml_readers_disagree_on(write, run, text, message, location):
    path = write(text)
    for args in (("check", str(path)), ("--registry", str(path), "list")):
        result = run(*args)
        assert result.exit_code == 1, args
        assert f"{path}:{location}: error: " in result.stderr
        assert message in result.stderr
