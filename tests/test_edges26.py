"""Edge input that used to end in a traceback, a hang or a wrong answer (issue 26):
absurd widths, an ASCII-only locale, dates in year 9999, a check with 32,000 problems."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from projreg.render.terminal import Terminal

MAX_WIDTH = 1000  # wider than any screen


@pytest.mark.parametrize("columns", ["5000", "10000000", "1e9", "1e20", "-3", "0", "9" * 5000])
@pytest.mark.parametrize("command", [["timeline"], ["list"], ["show", "PRAGUE-PROCESS"], ["stats"]])
def test_columns_is_clamped_or_ignored(run, columns, command):
    result = run(*command, env={"COLUMNS": columns}, terminal=Terminal(stdout_tty=True))
    assert result.exit_code == 0, result.stderr
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    widest = max(len(line) for line in plain.splitlines())
    assert widest <= MAX_WIDTH
    if not columns.isdigit() or not columns.strip("0"):  # not a width: as if unset (80)
        assert widest <= 80


def test_columns_is_made_sane_for_every_library_at_start_up():
    env = {**os.environ, "COLUMNS": "10000000"}
    done = subprocess.run(
        [sys.executable, "-m", "projreg", "--help"], capture_output=True, text=True, env=env,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= MAX_WIDTH


def test_check_reads_the_file_once_however_many_problems_quote_it(run, tmp_path, monkeypatch):
    import builtins

    from projreg.model import problems

    path = tmp_path / "many.yaml"
    lines = ["projects:"]
    for n in range(2000):
        lines += [f"  - id: P{n}", f"    title: T{n}", f"    unknown{n % 7}: 1"]
    path.write_text("\n".join(lines) + "\n")
    opened = []

    def counting_open(file, *args, **kwargs):
        opened.append(file)
        return builtins.open(file, *args, **kwargs)

    monkeypatch.setattr(problems, "open", counting_open, raising=False)
    result = run("check", str(path))
    assert result.exit_code == 1
    assert result.stderr.count("unknown field") == 2000
    assert f"{path}:6001:5: error: P1999: unknown4: unknown field 'unknown4'" in result.stderr
    assert "  6001 |     unknown4: 1" in result.stderr
    assert len(opened) <= 2  # not once per problem


YEAR_9999 = """\
projects:
  - id: FAR-1
    title: Far away
    start: 2019
    end: 9999
  - id: FAR-2
    title: Starts at the end of time
    start: 9999-12-31
"""
IATI_9999 = """\
<iati-activities version="2.03"><iati-activity>
<iati-identifier>XM-EX-1</iati-identifier>
<reporting-org ref="XM-EX" type="40"><narrative>Example</narrative></reporting-org>
<title><narrative>Ends on the last day</narrative></title>
<activity-status code="2"/>
<activity-date type="2" iso-date="2019-01-01"/><activity-date type="4" iso-date="9999-12-31"/>
</iati-activity></iati-activities>
"""


def _svg_titles(path) -> str:
    from lxml import etree

    tree = etree.parse(str(path))  # an independent reader: the SVG is well-formed XML
    return " ".join(tree.getroot().itertext())


def test_year_9999_is_drawn_in_the_timeline_and_the_site(run, tmp_path):
    registry = tmp_path / "far.yaml"
    registry.write_text(YEAR_9999)
    assert run("check", str(registry)).exit_code == 0
    svg = tmp_path / "x.svg"
    result = run("--registry", str(registry), "timeline", "-o", str(svg), "--today", "2026-01-01")
    assert result.exit_code == 0, result.stderr
    assert "Far away" in _svg_titles(svg) and "Starts at the end of time" in _svg_titles(svg)
    out = tmp_path / "site"
    result = run("--registry", str(registry), "site", "-o", str(out), "--today", "2026-01-01")
    assert result.exit_code == 0, result.stderr
    assert "Far away" in _svg_titles(out / "timeline.svg")


def test_an_iati_end_on_9999_12_31_is_drawn(run, tmp_path):
    source = tmp_path / "activity.xml"
    source.write_text(IATI_9999)
    registry = tmp_path / "imported.yaml"
    assert run("import-iati", str(source), "-o", str(registry)).exit_code == 0
    svg = tmp_path / "x.svg"
    result = run("--registry", str(registry), "timeline", "-o", str(svg), "--today", "2026-01-01")
    assert result.exit_code == 0, result.stderr
    assert "Ends on the last day" in _svg_titles(svg)
    result = run("--registry", str(registry), "site", "-o", str(tmp_path / "site"))
    assert result.exit_code == 0, result.stderr


ASCII_REGISTRY = """\
projects:
  - id: A-1
    title: "Caf\\u00e9 \\u2192 \\u5317\\u4eac"
    start: 2019
    countries: [Georgia]
    donors: ["\\u00dcn\\u00efon"]
"""
ASCII_COMMANDS = [["show", "A-1"], ["list"], ["timeline"], ["stats"], ["active", "--on", "2020"],
                  ["report", "--by", "donor"], ["show", "A-1", "--json"], ["diff", "old.yaml", "new.yaml"]]  # fmt: skip


def _ascii_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    return {**env, "LANG": "C", "PYTHONIOENCODING": "ascii", "COLUMNS": "100", "PROJREG_PAGER": ""}


@pytest.fixture
def ascii_registry(tmp_path):
    (tmp_path / "new.yaml").write_text(ASCII_REGISTRY, encoding="utf-8")
    (tmp_path / "old.yaml").write_text(ASCII_REGISTRY.replace("Caf\\u00e9", "Cafe"))
    return tmp_path


@pytest.mark.parametrize("command", ASCII_COMMANDS, ids=" ".join)
def test_an_ascii_only_output_gets_replacement_characters_and_one_note(ascii_registry, command):
    done = subprocess.run(
        [sys.executable, "-m", "projreg", "--registry", "new.yaml", *command],
        capture_output=True, cwd=ascii_registry, env=_ascii_env(), timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    assert b"Traceback" not in done.stderr
    assert done.stdout.isascii()
    notes = done.stderr.decode().count("cannot show some characters")
    if command[0] in ("show", "list", "active", "report", "diff"):  # they print the names
        assert b"?" in done.stdout and notes == 1
    else:
        assert notes <= 1


def test_an_ascii_terminal_gets_replacement_characters_too(ascii_registry):
    import pty

    for command in (["show", "A-1"], ["timeline"], ["list"]):
        pid, fd = pty.fork()
        if pid == 0:  # the child: projreg on a terminal
            os.chdir(ascii_registry)
            os.execve(sys.executable, [sys.executable, "-m", "projreg", "--registry", "new.yaml",
                                       *command], _ascii_env())  # fmt: skip
        output = b""
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, output.decode(errors="replace")
        assert b"Traceback" not in output
        assert b"Caf?" in output or command == ["timeline"]


def test_a_cache_database_edited_in_place_with_its_time_set_back_is_not_believed(
    run, tmp_path, monkeypatch
):
    import sqlite3

    from projreg.query import store
    from projreg.registry import cache

    monkeypatch.setattr(store, "STORE_MIN", 0)  # every registry gets a database
    path = tmp_path / "registry.yaml"
    path.write_text("projects:\n  - {id: A-1, title: First, countries: [Armenia]}\n")
    args = ("--registry", str(path), "list", "-f", "tsv", "--fields", "id,title")
    first = run(*args).stdout
    assert run(*args).stdout == first
    (db,) = cache.folder().glob("*.db")
    before = os.stat(db)
    connection = sqlite3.connect(db)
    for table in ("projreg_listing", "projreg_rows"):  # the same length: the same size
        for column in [r[1] for r in connection.execute(f"PRAGMA table_info({table})")]:
            connection.execute(
                f"UPDATE {table} SET {column} = replace({column}, 'First', 'Fxxxx') "
                f"WHERE typeof({column}) = 'text'"
            )
    connection.commit()
    connection.close()
    os.utime(db, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(db)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    assert run(*args).stdout == first
