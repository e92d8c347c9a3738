"""`projreg new` starts a registry from nothing (issue 24, item 1) and loses nothing when
two writers meet (issue 26): a lock around read, change and write, git's lockfile.c way,
and no write over a file an editor saved meanwhile."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml


def test_new_creates_a_registry_that_does_not_exist(run, tmp_path):
    path = tmp_path / "fresh.yaml"
    result = run("new", str(path), "--id", "SAHEL-1", "--title", "Sahel border posts",
                 "--start", "2024-03", "-c", "Niger", "-d", "European Union")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"created {path} with SAHEL-1\n"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=projects.schema.json"
    data = yaml.load(text, Loader=yaml.CSafeLoader)  # an independent reader
    assert data == {"projects": [{"id": "SAHEL-1", "title": "Sahel border posts",
                                  "countries": ["Niger"], "start": "2024-03",
                                  "donors": ["European Union"]}]}  # fmt: skip
    assert run("check", str(path)).exit_code == 0
    assert "Sahel border posts" in run("--registry", str(path), "show", "SAHEL-1").stdout
    second = run("new", str(path), "--id", "SAHEL-2", "--title", "Second")
    assert second.exit_code == 0 and second.stderr == f"added SAHEL-2 to {path}\n"
    assert [p["id"] for p in yaml.load(path.read_text(), Loader=yaml.CSafeLoader)["projects"]] == [
        "SAHEL-1",
        "SAHEL-2",
    ]


def test_new_in_a_folder_that_does_not_exist_is_one_clear_line(run, tmp_path):
    path = tmp_path / "missing" / "fresh.yaml"
    result = run("new", str(path), "--id", "A", "--title", "A")
    assert result.exit_code == 2
    assert result.stderr == f"projreg: {path}: no folder {path.parent} to make it in\n"
    assert not path.parent.exists()


def test_two_writers_at_once_lose_no_entry(tmp_path):
    path = tmp_path / "registry.yaml"
    path.write_text("projects:\n  - id: A-0\n    title: Start\n")
    for round_ in range(3):
        writers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "projreg",
                    "new",
                    str(path),
                    "--id",
                    f"R{round_}-{n}",
                    "--title",
                    f"Writer {n}",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(4)
        ]
        for writer in writers:
            _, err = writer.communicate(timeout=120)
            assert writer.returncode == 0, err
    ids = [p["id"] for p in yaml.load(path.read_text(), Loader=yaml.CSafeLoader)["projects"]]
    assert sorted(ids) == sorted(["A-0"] + [f"R{r}-{n}" for r in range(3) for n in range(4)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registry.yaml"]


def test_a_held_lock_is_waited_for_then_refused_clearly(run, tmp_path, monkeypatch):
    from projreg.registry import files

    monkeypatch.setattr(files, "LOCK_WAIT", 0.2)
    path = tmp_path / "registry.yaml"
    path.write_text("projects:\n  - id: A-0\n    title: Start\n")
    lock = tmp_path / "registry.yaml.lock"
    lock.write_text("another writer\n")
    result = run("new", str(path), "--id", "B", "--title", "B")
    assert result.exit_code == 1
    assert result.stderr == (
        f"projreg: {path}: {lock} exists: another projreg seems to be writing this file; "
        f"if none is running, remove {lock} and try again\n"
    )
    assert path.read_text() == "projects:\n  - id: A-0\n    title: Start\n"
    assert lock.read_text() == "another writer\n"


def test_a_file_saved_meanwhile_is_not_overwritten(run, tmp_path, monkeypatch):
    from projreg.registry import newproject

    path = tmp_path / "registry.yaml"
    path.write_text("projects:\n  - id: A-0\n    title: Start\n")
    editor = "projects:\n  - id: A-0\n    title: Saved by an editor\n"
    real = newproject.add_project

    def add_while_an_editor_saves(text, skeleton):
        path.write_text(editor)
        return real(text, skeleton)

    monkeypatch.setattr(newproject, "add_project", add_while_an_editor_saves)
    result = run("new", str(path), "--id", "B", "--title", "B")
    assert result.exit_code == 1
    assert result.stderr == f"projreg: {path}: changed since it was read; nothing written\n"
    assert path.read_text() == editor
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registry.yaml"]


def test_locked_file_keeps_the_mode_and_refuses_a_fifo(tmp_path):
    import os

    from projreg.registry.files import LockedFile, NotRegular

    path = tmp_path / "registry.yaml"
    path.write_text("old\n")
    path.chmod(0o640)
    with LockedFile(path) as locked:
        assert locked.data == b"old\n"
        locked.commit(b"new\n")
    assert path.read_text() == "new\n" and os.stat(path).st_mode & 0o777 == 0o640
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(NotRegular), LockedFile(fifo):
        pass
    assert not (tmp_path / "fifo.yaml.lock").exists()


def test_a_tab_inside_a_plain_value_is_no_traceback(run, tmp_path):
    path = tmp_path / "registry.yaml"
    path.write_text("projects:\n  - id: A-0\n    title: Start\there\n")
    assert run("check", str(path)).exit_code == 0
    result = run("new", str(path), "--id", "B", "--title", "B")
    assert result.exit_code == 0, result.stderr
    assert (
        path.read_text()
        == "projects:\n  - id: A-0\n    title: Start\there\n  - id: B\n    title: B\n"
    )


def test_the_readme_shows_the_file_new_makes(run, tmp_path, monkeypatch):
    import re
    import shlex
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Starting a registry", 1)[1].split("\n## ", 1)[0]
    command = re.search(r"```console\n\$ (projreg new [^\n]*)\n", section).group(1)
    shown = re.search(r"```yaml\n(.*?)```", section, re.DOTALL).group(1)
    monkeypatch.chdir(tmp_path)
    assert run(*shlex.split(command)[1:]).exit_code == 0
    assert (tmp_path / "fresh.yaml").read_text(encoding="utf-8") == shown
