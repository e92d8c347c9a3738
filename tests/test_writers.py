"""The writers stay in their place (issue 26): the site touches only its own files inside
its folder, temporary files are new and never followed, no command replaces the registry
it reads, a FIFO or a device, and `-o -` is standard output. Everything here writes only
inside tmp_path; a FIFO made there stands for every file that is not a regular file."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

REGISTRY = """\
projects:
  - id: A-1
    title: Alpha
    start: 2019
    end: 2020
    countries: [Georgia]
"""


@pytest.fixture
def registry(tmp_path):
    path = tmp_path / "registry.yaml"
    path.write_text(REGISTRY, encoding="utf-8")
    return path


def site(run, registry, out, *more):
    return run("--registry", str(registry), "site", "-o", str(out), "--today", "2026-01-01", *more)


def test_site_never_deletes_a_file_its_manifest_names_outside_the_folder(run, tmp_path, registry):
    out = tmp_path / "public"
    assert site(run, registry, out).exit_code == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "inner.txt").write_text("keep me too\n")
    (out / "through").symlink_to(elsewhere)
    manifest = out / ".projreg-site"
    lines = [str(victim), "../victim.txt", "through/inner.txt"]
    manifest.write_text(manifest.read_text() + "\n".join(lines) + "\n")
    result = site(run, registry, out)
    assert result.exit_code == 0, result.stderr
    assert victim.read_text() == "keep me\n"
    assert (elsewhere / "inner.txt").read_text() == "keep me too\n"
    for line in lines:
        assert f"names {line!r}" in result.stderr
    assert "through/inner.txt" not in manifest.read_text()


def test_site_writes_through_no_planted_link(run, tmp_path, registry):
    out = tmp_path / "public"
    assert site(run, registry, out).exit_code == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    # The fixed temporary name the site used to write to, planted as a link.
    (out / ".index.html.tmp").symlink_to(victim)
    (out / "index.html").unlink()
    result = site(run, registry, out, "--title", "Another title")
    assert result.exit_code == 0, result.stderr
    assert victim.read_text() == "keep me\n"
    assert "Another title" in (out / "index.html").read_text()
    assert not (out / "index.html").is_symlink()
    # A page that is itself a link is refused, not written through.
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(victim)
    result = site(run, registry, out, "--title", "A third title")
    assert result.exit_code == 1
    assert "index.html" in result.stderr and "link" in result.stderr
    assert victim.read_text() == "keep me\n"


def test_a_manifest_that_is_a_link_is_neither_read_nor_written_through(run, tmp_path, registry):
    out = tmp_path / "public"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    (out / ".projreg-site").symlink_to(victim)
    result = site(run, registry, out, "--force")
    assert result.exit_code == 1
    assert ".projreg-site is not a regular file" in result.stderr
    assert victim.read_text() == "keep me\n"
    assert (out / ".projreg-site").is_symlink()


@pytest.mark.parametrize("fmt", ["json", "csv", "sqlite", "iati-xml"])
def test_export_never_replaces_the_registry_it_reads(run, registry, fmt):
    before = registry.read_bytes()
    link = registry.with_name("link.yaml")
    link.symlink_to(registry)
    for target in (registry, link):
        result = run(
            "--registry", str(registry), "export", "-f", fmt, "-o", str(target), "--force",
            "--reporting-org-ref", "XM-X", "--reporting-org-name", "X", "--reporting-org-type", "40",
        ) if fmt == "iati-xml" else run(
            "--registry", str(registry), "export", "-f", fmt, "-o", str(target), "--force"
        )  # fmt: skip
        assert result.exit_code == 1, result.stdout
        assert f"is one of the inputs ({registry})" in result.stderr
        assert registry.read_bytes() == before


def _commands(registry: Path, out: Path):
    base = ["--registry", str(registry)]
    return {
        "export-json": [*base, "export", "-f", "json", "-o", str(out)],
        "export-csv": [*base, "export", "-f", "csv", "-o", str(out)],
        "export-sqlite": [*base, "export", "-f", "sqlite", "-o", str(out)],
        "timeline": [*base, "timeline", "-o", str(out)],
        "map": [*base, "map", "-o", str(out)],
        "import-iati": [
            "import-iati",
            str(sorted((Path(__file__).parent / "iati" / "real").glob("*.xml"))[0]),
            "-o",
            str(out),
        ],
    }


@pytest.mark.parametrize(
    "command", ["export-json", "export-csv", "export-sqlite", "timeline", "map", "import-iati"]
)
def test_no_command_replaces_a_fifo_even_with_force(run, tmp_path, registry, command):
    fifo = tmp_path / "out.svg"
    os.mkfifo(fifo)
    result = run(*_commands(registry, fifo)[command], "--force")
    assert result.exit_code == 1
    assert result.stderr == (
        f"projreg: {fifo} is a FIFO, which projreg never replaces; "
        "to write into it use -o - and redirect\n"
    )
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("command", ["export-json", "export-csv", "timeline", "map", "import-iati"])
def test_dash_is_standard_output(run, tmp_path, registry, command):
    result = run(*_commands(registry, Path("-"))[command])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip()
    assert not (Path.cwd() / "-").exists() and not (tmp_path / "-").exists()
    assert "wrote" not in result.stderr or "standard output" in result.stderr


def test_sqlite_to_standard_output_is_a_database(tmp_path, registry):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "projreg", "--registry", str(registry), "export", "-f", "sqlite",
         "-o", "-"],
        capture_output=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    db = tmp_path / "copy.db"
    db.write_bytes(done.stdout)
    with sqlite3.connect(db) as connection:
        assert connection.execute("select id from projects").fetchall() == [("A-1",)]
    assert not (tmp_path / "-").exists()


def test_temporary_files_are_new_random_and_never_followed(tmp_path):
    from projreg.registry import files

    target = tmp_path / "out.txt"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    names = set()
    real_open = os.open

    def spying_open(path, flags, *args):
        if str(path).endswith(".tmp"):
            names.add(os.path.basename(path))
            assert flags & os.O_EXCL and flags & os.O_NOFOLLOW and flags & os.O_CREAT
        return real_open(path, flags, *args)

    files.os.open = spying_open
    try:
        for _ in range(3):
            files.write_text_atomically(target, "new\n", force=True)
    finally:
        files.os.open = real_open
    assert len(names) == 3  # a new random name each time
    assert target.read_text() == "new\n" and victim.read_text() == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt", "victim.txt"]


def test_without_force_a_file_made_meanwhile_is_not_overwritten(tmp_path, monkeypatch):
    from projreg.registry import files

    target = tmp_path / "out.txt"
    real_fill = files._fill

    def fill_then_someone_writes(*args):
        real_fill(*args)
        target.write_text("theirs\n")

    monkeypatch.setattr(files, "_fill", fill_then_someone_writes)
    with pytest.raises(FileExistsError):
        files.write_text_atomically(target, "ours\n")
    assert target.read_text() == "theirs\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_dangling_link_is_refused(tmp_path):
    from projreg.registry import files

    link = tmp_path / "out.txt"
    link.symlink_to(tmp_path / "missing" / "x.txt")
    with pytest.raises(files.NotRegular):
        files.write_text_atomically(link, "x\n", force=True)
    assert link.is_symlink()


def test_a_device_is_refused_before_anything_is_opened():
    """/dev/null, as a character device: check_target only looks (lstat), so this test
    writes nothing anywhere; every writer calls it before writing."""
    from projreg.registry.files import NotRegular, check_target

    device = Path("/dev/null")
    if not device.exists() or not stat.S_ISCHR(os.lstat(device).st_mode):
        pytest.skip("no /dev/null character device here")
    with pytest.raises(NotRegular, match="a character device, which projreg never replaces"):
        check_target(device, force=True)
