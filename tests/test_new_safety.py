"""`projreg new` starts a registry from nothing (issue 24, item 1) and loses nothing when
two writers meet (issue 26): a lock around read, change and write, git's lockfile.c way,
and no write over a file an editor saved meanwhile."""

from __future__ import annotations

import gc
import io
import os
import signal
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import cli_exit_status, import_every_module


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


def _writers_at_once(path: Path, ids: list[str], errors: Path) -> list[int]:
    """`projreg new path --id ID` for each id, in forked children released at one instant
    (the end of a pipe they all wait on closes): their exit statuses. Each child's stderr
    goes to errors/ID. Forked from this process, which has imported projreg: a writer is
    ready in milliseconds, where a new interpreter takes 150 ms and its start staggers them."""
    import_every_module()
    go_read, go_write = os.pipe()
    children = []
    for id_ in ids:
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 70
            gc.disable()  # collecting would touch, and so copy, every page of this process
            signal.alarm(120)  # a writer that hangs is ended, and the test fails, never waits
            try:
                os.close(go_write)
                quiet = os.open(os.devnull, os.O_RDWR)
                err = os.open(errors / id_, os.O_WRONLY | os.O_CREAT, 0o600)
                for fd, to in ((quiet, 0), (quiet, 1), (err, 2)):
                    os.dup2(fd, to)
                sys.stdin = open(0)  # noqa: SIM115
                sys.stdout = io.TextIOWrapper(open(1, "wb"))  # noqa: SIM115
                sys.stderr = io.TextIOWrapper(open(2, "wb"), write_through=True)  # noqa: SIM115
                os.read(go_read, 1)  # waits until the pipe's last writer closes it
                code = cli_exit_status(["new", str(path), "--id", id_, "--title", f"Writer {id_}"])
                sys.stdout.flush()
            finally:
                os._exit(code)
        children.append(pid)
    os.close(go_read)
    os.close(go_write)  # all start
    return [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]


def test_two_writers_at_once_lose_no_entry(tmp_path):
    path = tmp_path / "registry.yaml"
    path.write_text("projects:\n  - id: A-0\n    title: Start\n")
    errors = tmp_path / "errors"
    errors.mkdir()
    for round_ in range(3):
        ids = [f"R{round_}-{n}" for n in range(4)]
        codes = _writers_at_once(path, ids, errors)
        assert codes == [0] * 4, [(errors / i).read_text() for i in ids]
    ids = [p["id"] for p in yaml.load(path.read_text(), Loader=yaml.CSafeLoader)["projects"]]
    assert sorted(ids) == sorted(["A-0"] + [f"R{r}-{n}" for r in range(3) for n in range(4)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["errors", "registry.yaml"]


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
