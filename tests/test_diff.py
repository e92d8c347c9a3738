"""`projreg diff`: changes between two versions of a registry, from files, folders and git."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from projreg import load_registry
from projreg.model.dates import parse_date
from projreg.query.diff import Change, compare
from projreg.render.terminal import Terminal

EXAMPLES = Path(__file__).parent / "examples"
OLD, NEW = EXAMPLES / "old.yaml", EXAMPLES / "new.yaml"
EXPECTED = [
    Change("renamed", "BOMCA-CA", "id", "BORDER-1", "BOMCA-CA"),
    Change("removed", "DATA-PILOT", None, "Migration data pilot", None),
    Change("added", "MOBILITY-3", None, None, "Mobility Partnership Facility, phase 3"),
    Change("changed", "ENIGMMA-2", "countries", "Georgia", "Georgia; Armenia"),
    Change("changed", "ENIGMMA-2", "end", "November 2020", "November 2021"),
]
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def test_compare_finds_additions_removals_renames_and_field_changes():
    assert compare(load_registry(OLD), load_registry(NEW)) == EXPECTED
    assert EXPECTED[-1].describe() == "ENIGMMA-2 end: November 2020 → November 2021"
    assert compare(load_registry(OLD), load_registry(OLD)) == []


def test_compare_on_the_bundled_registry(registry):
    project = registry.get("ENIGMMA-2")
    extended = dataclasses.replace(project, end=parse_date("2021-11"), manager=None)
    after = registry._replace(
        projects=tuple(extended if p is project else p for p in registry.projects)
    )
    assert compare(registry, after) == [
        Change("changed", project.id, "end", project.end.human(), "November 2021"),
        Change("changed", project.id, "manager", "Violeta Wagner", None),
    ]


def test_diff_of_two_files_piped_is_tsv(run):
    result = run("diff", str(OLD), str(NEW))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "renamed\tBOMCA-CA\tid\tBORDER-1\tBOMCA-CA"
    assert lines[-1] == "changed\tENIGMMA-2\tend\tNovember 2020\tNovember 2021"


def test_diff_as_json_and_in_a_table(run):
    result = run("diff", str(OLD), str(NEW), "--json")
    assert json.loads(result.stdout) == [c._asdict() for c in EXPECTED]
    table = run("diff", str(OLD), str(NEW), terminal=Terminal(stdout_tty=True, width=100))
    assert "5 differences" in table.stdout and "November 2021" in table.stdout


def test_exit_code_only_on_request(run):
    assert run("diff", str(OLD), str(NEW), "--exit-code").exit_code == 1
    same = run("diff", str(OLD), str(OLD), "--exit-code")
    assert (same.exit_code, same.stdout) == (0, "")
    shown = run("diff", str(OLD), str(OLD), terminal=Terminal(stdout_tty=True, width=80))
    assert "No differences." in shown.stderr


def test_two_folders(run, tmp_path):
    for name, source in (("before", OLD), ("after", NEW)):
        (tmp_path / name).mkdir()
        shutil.copy(source, tmp_path / name / "projects.yaml")
    result = run("diff", str(tmp_path / "before"), str(tmp_path / "after"), "--json")
    assert json.loads(result.stdout) == [c._asdict() for c in EXPECTED]


def test_a_broken_version_is_refused_with_its_message(run):
    result = run("diff", str(OLD), str(EXAMPLES / "broken.yaml"))
    assert result.exit_code == 1
    assert "broken.yaml:5:5: error: DEMO-1: contries: unknown field" in result.stderr


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A git repository with registry/projects.yaml at OLD (tagged v1.0) then NEW."""
    monkeypatch.chdir(tmp_path)
    env = {
        **os.environ,
        **{f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER") for what, value in (("NAME", "t"), ("EMAIL", "t@example.org"))},
    }  # fmt: skip

    def git(*args):
        subprocess.run(["git", *args], check=True, capture_output=True, env=env, timeout=60)

    git("init", "-q")
    (tmp_path / "registry").mkdir()
    for text, tag in ((OLD, "v1.0"), (NEW, None)):
        shutil.copy(text, tmp_path / "registry" / "projects.yaml")
        git("add", "-A")
        git("commit", "-qm", "registry")
        if tag:
            git("tag", tag)
    return tmp_path


@needs_git
def test_git_revisions(run, repo):
    expected = [c._asdict() for c in EXPECTED]
    path = "registry/projects.yaml"
    assert json.loads(run("diff", "--json", "v1.0", "HEAD", "--", path).stdout) == expected
    assert json.loads(run("diff", "--json", "HEAD~1", "HEAD", "--", "registry").stdout) == expected
    # One revision: against the working tree, here the same as HEAD.
    assert json.loads(run("diff", "--json", "v1.0", "--", path).stdout) == expected
    assert json.loads(run("diff", "HEAD~1", "--registry", path, "--json").stdout) == expected
    # The registry in use ($PROJREG_REGISTRY), at a revision.
    result = run("diff", "HEAD~1", "--json", env={"PROJREG_REGISTRY": path})
    assert json.loads(result.stdout) == expected
    # Versions from git are read from temporary files, which never go into the cache.
    cache = Path(os.environ["PROJREG_CACHE_DIR"])
    shutil.rmtree(cache)
    assert run("diff", "v1.0", "HEAD", "--", path).exit_code == 0
    assert not cache.exists() or not any(p.is_file() for p in cache.rglob("*"))
    (repo / path).write_text(OLD.read_text(encoding="utf-8"), encoding="utf-8")
    assert run("diff", "v1.0", "--", path).stdout == ""


@needs_git
def test_git_errors_are_one_clear_line(run, repo):
    result = run("diff", "no-such-rev", "--", "registry/projects.yaml")
    assert result.exit_code == 2
    assert result.stderr == "projreg: 'no-such-rev' is neither a file nor a git revision\n"
    (repo / "other.yaml").write_text("projects: []\n", encoding="utf-8")
    result = run("diff", "HEAD", "--", "other.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith("projreg: git show HEAD:./other.yaml: fatal:")
    assert run("diff", "HEAD", "HEAD", "HEAD", "--", "registry").exit_code == 2


def test_without_git_a_revision_is_refused_clearly(run, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run("diff", "HEAD~1", "--", str(OLD))
    assert result.exit_code == 1
    assert "needs git (not installed)" in result.stderr


def test_the_source_and_organisations_are_compared_too(write):
    from projreg.registry.load import BUNDLED

    text = BUNDLED.read_text(encoding="utf-8")
    edited = (
        text.replace("    aliases: [EU]\n", "    aliases: [EU, E.U.]\n", 1)
        .replace("  - name: ICMPD\n", "  - name: Frontex\n  - name: ICMPD\n", 1)
        .replace("ICMPD projects page, section", "The ICMPD projects page, section", 1)
    )
    before, after = load_registry(BUNDLED), load_registry(write(edited))
    changes = compare(before, after)
    assert [(c.change, c.id, c.field) for c in changes] == [
        ("changed", "", "source"),
        ("changed", "European Union", "organisation"),
        ("added", "Frontex", "organisation"),
    ]
    assert changes[1][3:] == ("aliases: EU", "aliases: EU; E.U.")
    assert changes[0].new.startswith("The ICMPD projects page")


@needs_git
def test_a_broken_version_from_git_is_named_by_revision(run, repo):
    path = repo / "registry" / "projects.yaml"
    shutil.copy(EXAMPLES / "broken.yaml", path)
    subprocess.run(["git", "commit", "-qam", "broken", "--author", "t <t@example.org>"],
                   check=True, capture_output=True, env={**os.environ, "GIT_COMMITTER_NAME": "t",
                   "GIT_COMMITTER_EMAIL": "t@example.org"})  # fmt: skip
    shutil.copy(NEW, path)
    result = run("diff", "HEAD", "--", "registry/projects.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:3] == [
        "HEAD:registry/projects.yaml:5:5: error: DEMO-1: contries: unknown field 'contries'",
        "  5 |     contries: [Georgia]",
        "    |     ^",
    ]
