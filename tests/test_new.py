"""`projreg new`: a project skeleton added to a registry file, comments and layout kept."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from projreg import load_registry
from projreg.cli import app
from projreg.options import Source
from projreg.registry.load import BUNDLED
from projreg.registry.newproject import Skeleton, add_project
from projreg.render.terminal import Terminal

EXAMPLE = Path(__file__).parent / "examples" / "old.yaml"
OPTIONS = ("--id", "NEW-1", "--title", "A new project", "--start", "January 2021", "--end", "2023-06",
           "-c", "GE", "-c", "Armenia", "-d", "European Union", "-i", "ICMPD; IOM")  # fmt: skip
ENTRY = """\
  - id: NEW-1
    title: A new project
    countries: [Georgia, Armenia]
    start: January 2021
    end: 2023-06
    donors: [European Union]
    implementers: [ICMPD, IOM]
"""


@pytest.fixture
def registry_file(tmp_path) -> Path:
    path = tmp_path / "projects.yaml"
    shutil.copy(EXAMPLE, path)
    path.chmod(0o640)
    return path


def test_new_adds_the_project_keeping_the_file(run, registry_file):
    before = registry_file.read_text(encoding="utf-8")
    result = run("new", str(registry_file), *OPTIONS)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ENTRY
    assert result.stderr == f"added NEW-1 to {registry_file}\n"
    # Everything that was there stays byte for byte, comments included; a blank line
    # separates the new project as it separates the others.
    assert registry_file.read_text(encoding="utf-8") == before + "\n" + ENTRY
    assert stat.S_IMODE(os.stat(registry_file).st_mode) == 0o640
    assert run("check", str(registry_file)).exit_code == 0
    project = load_registry(registry_file).get("NEW-1")
    assert (project.countries, project.start.human(), project.end.human()) == (
        ("GE", "AM"), "January 2021", "June 2023",
    )  # fmt: skip


def test_new_on_the_bundled_registry(run, tmp_path):
    copy = tmp_path / "projects.yaml"
    shutil.copy(BUNDLED, copy)
    result = run("new", str(copy), "--id", "NEW-1", "--title", "New", "--start", "2026")
    assert result.exit_code == 0
    text = copy.read_text(encoding="utf-8")
    assert text.startswith(BUNDLED.read_text(encoding="utf-8"))
    assert text.endswith("\n\n  - id: NEW-1\n    title: New\n    start: '2026'\n")
    assert run("check", str(copy)).exit_code == 0


def test_an_existing_id_is_refused_as_show_matches_it(run, registry_file):
    before = registry_file.read_text(encoding="utf-8")
    result = run("new", str(registry_file), "--id", "enigmma 2", "--title", "x")
    assert result.exit_code == 2
    assert (
        result.stderr == f"projreg: id 'enigmma 2' exists already: ENIGMMA-2 in {registry_file}\n"
    )
    assert registry_file.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--start", "2021-13", "projreg: start: '2021-13': month 13 is not between 1 and 12;"),
        ("--end", "June 21", "projreg: end: 'June 21' has no four-digit year;"),
        ("-c", "Azerbajan", "projreg: unknown country 'Azerbajan'; did you mean Azerbaijan?"),
        ("--title", " ", "projreg: the title is empty"),
    ],
)
def test_bad_values_are_refused_before_anything_is_written(
    run, registry_file, option, value, message
):
    before = registry_file.read_text(encoding="utf-8")
    result = run("new", str(registry_file), "--id", "X-1", "--title", "X", option, value)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert registry_file.read_text(encoding="utf-8") == before


def test_end_before_start_is_refused(run, registry_file):
    result = run(
        "new", str(registry_file), "--id", "X", "--title", "X", "--start", "2020", "--end", "2019"
    )
    assert (result.exit_code, result.stderr) == (
        2,
        "projreg: the end (2019) is before the start (2020)\n",
    )


def test_without_a_terminal_missing_values_are_named_not_asked(run, registry_file):
    result = run("new", str(registry_file), "--id", "X-1")
    assert result.exit_code == 2
    assert result.stderr == "projreg: missing --title (asked for only when stdin is a terminal)\n"


def test_on_a_terminal_it_asks_and_asks_again_after_a_bad_answer(registry_file):
    from typer.testing import CliRunner

    answers = "NEW-2\nAsked for\n\n2021-13\n2021-02\n\nGeorgia; Armenia\nEuropean Union\n\n"
    result = CliRunner().invoke(
        app, ["new", str(registry_file)], input=answers,
        obj=Source(terminal=Terminal(stdin_tty=True)),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "month 13 is not between 1 and 12" in result.output
    project = load_registry(registry_file).get("NEW-2")
    assert (project.title, str(project.start), project.end) == ("Asked for", "2021-02", None)
    assert (project.countries, project.donors[0].name, project.implementers) == (
        ("GE", "AM"), "European Union", (),
    )  # fmt: skip


def test_dry_run_changes_nothing(run, registry_file):
    before = registry_file.read_text(encoding="utf-8")
    result = run("new", str(registry_file), *OPTIONS, "--dry-run")
    assert (result.exit_code, result.stdout) == (0, ENTRY)
    assert registry_file.read_text(encoding="utf-8") == before


def test_ids_are_unique_across_a_folder_registry(run, tmp_path):
    folder = tmp_path / "registry"
    folder.mkdir()
    (folder / "a.yaml").write_text("projects:\n  - id: A-1\n    title: A\n", encoding="utf-8")
    (folder / "b.yaml").write_text("projects: []\n", encoding="utf-8")
    result = run(
        "--registry", str(folder), "new", str(folder / "b.yaml"), "--id", "a-1", "--title", "B"
    )
    assert result.exit_code == 2 and "exists already: A-1" in result.stderr
    assert run("new", "--registry", str(folder), "--id", "B-1", "--title", "B").exit_code == 2
    result = run(
        "--registry", str(folder), "new", str(folder / "b.yaml"), "--id", "B-1", "--title", "B"
    )
    assert result.exit_code == 0
    assert run("check", str(folder)).exit_code == 0


def test_a_broken_file_is_not_edited(run, tmp_path):
    broken = tmp_path / "broken.yaml"
    shutil.copy(Path(__file__).parent / "examples" / "broken.yaml", broken)
    result = run("new", str(broken), "--id", "X", "--title", "X")
    assert result.exit_code == 1 and "unknown field 'contries'" in result.stderr


def test_add_project_keeps_crlf_and_fills_an_empty_list():
    text, entry = add_project("# mine\r\nprojects:\r\n", Skeleton("A", "B"))
    assert text == "# mine\r\nprojects:\r\n  - id: A\r\n    title: B\r\n"
    assert entry == "  - id: A\n    title: B\n"


def test_help_lists_the_maintainer_commands_with_examples(run):
    text = run("--help").stdout
    for line in ("schema ", "diff ", "new ", "projreg diff HEAD~1 -- registry.yaml",
                 "projreg new registry.yaml --id NEW-1"):  # fmt: skip
        assert line in text


TRICKY = ["yes", "NO", "1e3", "0o17", "null", "~", "2020", "@home", "- dash", "a: b", "#hash",
          "'single'", '"double"', "tab\there", "trailing: ", "[flow]", "{map}", "ünïcödé «»",
          "line\nbreak", "*alias", "&anchor", "!tag", "%directive", "`tick`", ">folded"]  # fmt: skip


def test_tricky_text_reads_back_exactly(run, registry_file):
    text = registry_file.read_text(encoding="utf-8")
    for number, tricky in enumerate(TRICKY):
        skeleton = Skeleton(f"T-{number}", f"x {tricky}", acronym=tricky, donors=(tricky,))
        text, _ = add_project(text, skeleton)
    registry_file.write_text(text, encoding="utf-8")
    assert (
        run("new", str(registry_file), "--id", "T-X", "--title", "a: b", "-d", "@x").exit_code == 0
    )
    assert run("check", str(registry_file)).exit_code == 0
    registry = load_registry(registry_file)
    assert (registry.get("T-X").title, registry.get("T-X").donors[0].name) == ("a: b", "@x")
    for number, tricky in enumerate(TRICKY):
        project = registry.get(f"T-{number}")
        assert (project.acronym, project.title, project.donors[0].name) == (
            tricky.strip(),  # the registry's reader strips text, as it always does
            f"x {tricky}".strip(),
            tricky.strip(),
        ), tricky


def test_the_registry_in_use_is_the_default_file(run, registry_file):
    result = run("new", "--id", "X-1", "--title", "X", env={"PROJREG_REGISTRY": str(registry_file)})
    assert result.exit_code == 0
    assert (
        run("new", "--registry", str(registry_file), "--id", "X-2", "--title", "X").exit_code == 0
    )
    assert {"X-1", "X-2"} <= {p.id for p in load_registry(registry_file).projects}
    assert run("new", "--id", "X-3", "--title", "X").exit_code == 2  # never the bundled registry


def test_add_project_keeps_a_byte_order_mark_before_an_empty_list():
    text, _ = add_project("\ufeffprojects: []  # none yet\n", Skeleton("A", "B \u202e"))
    assert text == '\ufeffprojects:  # none yet\n  - id: A\n    title: "B \\u202E"\n'
