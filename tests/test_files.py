"""Files projreg writes: atomically, with the user's umask, an existing file's mode kept,
symbolic links written through, and never over one of its own inputs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def test_new_files_respect_the_umask_and_replaced_files_keep_their_mode(tmp_path):
    from projreg.registry.files import write_text_atomically

    old = os.umask(0o022)
    try:
        write_text_atomically(tmp_path / "new.yaml", "a\n")
        assert os.lstat(tmp_path / "new.yaml").st_mode & 0o777 == 0o644
        os.umask(0o077)
        write_text_atomically(tmp_path / "private.yaml", "a\n")
        assert os.lstat(tmp_path / "private.yaml").st_mode & 0o777 == 0o600
        shared = tmp_path / "shared.yaml"
        shared.write_text("old\n")
        shared.chmod(0o664)
        write_text_atomically(shared, "new\n", force=True)
        assert os.lstat(shared).st_mode & 0o777 == 0o664 and shared.read_text() == "new\n"
    finally:
        os.umask(old)


def test_writing_through_a_symbolic_link_replaces_its_target(tmp_path):
    from projreg.registry.files import write_text_atomically

    target = tmp_path / "real" / "registry.yaml"
    target.parent.mkdir()
    target.write_text("old\n")
    target.chmod(0o640)
    link = tmp_path / "registry.yaml"
    link.symlink_to(target)
    with pytest.raises(FileExistsError):
        write_text_atomically(link, "new\n")
    write_text_atomically(link, "new\n", force=True)
    assert link.is_symlink() and target.read_text() == "new\n"
    assert os.lstat(target).st_mode & 0o777 == 0o640


def test_commands_write_files_with_the_users_umask(run, tmp_path):
    old = os.umask(0o022)
    try:
        out = tmp_path / "registry.yaml"
        source = Path(__file__).parent / "iati" / "real"
        sample = sorted(source.glob("*.xml"))[0]
        assert run("import-iati", str(sample), "-o", str(out)).exit_code == 0
        assert os.lstat(out).st_mode & 0o777 == 0o644
        out.chmod(0o644)
        assert run("import-iati", str(sample), "-o", str(out), "--force").exit_code == 0
        assert os.lstat(out).st_mode & 0o777 == 0o644
        chart = tmp_path / "chart.svg"
        assert run("timeline", "-o", str(chart)).exit_code == 0
        assert os.lstat(chart).st_mode & 0o777 == 0o644
    finally:
        os.umask(old)


def test_an_output_that_is_one_of_the_inputs_is_refused_even_with_force(run, tmp_path, write):
    sample = sorted((Path(__file__).parent / "iati" / "real").glob("*.xml"))[0]
    source = tmp_path / "source.xml"
    source.write_bytes(sample.read_bytes())
    link = tmp_path / "link.yaml"
    link.symlink_to(source)
    for output in (source, link):
        result = run("import-iati", str(source), "-o", str(output), "--force")
        assert result.exit_code == 1
        assert (
            result.stderr
            == f"projreg: {output} is one of the inputs ({source}); choose another output file\n"
        )
    assert source.read_bytes() == sample.read_bytes()
    registry = write("projects:\n  - {id: A, title: A, start: 2019, end: 2020}\n")
    before = registry.read_text()
    publisher = ["--reporting-org-ref", "XM-X", "--reporting-org-name", "X", "--reporting-org-type", "10"]  # fmt: skip
    result = run("--registry", str(registry), "export", *publisher, "-o", str(registry), "--force")
    assert result.exit_code == 1 and "is one of the inputs" in result.stderr
    assert registry.read_text() == before
