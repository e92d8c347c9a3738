"""Write errors on stdout, with real file descriptors: a full disk, a closed stdout, a reader
that has gone. Broken pipe: quiet, exit 0. Anything else: one line, exit 1.

Each case is a forked child running cli.main() (a real process with real descriptors,
without the start-up of a new interpreter); a few run the installed `projreg` script.
"""

from __future__ import annotations

import gc
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import cli_exit_status, import_every_module

COMMANDS = [
    ["list"],
    ["list", "-f", "table"],
    ["list", "-f", "json"],
    ["list", "-f", "csv"],
    ["list", "-f", "yaml"],
    ["list", "-f", "markdown"],
    ["active", "--on", "2018"],
    ["show", "ENIGMMA-2"],
    ["show", "ENIGMMA-2", "-f", "table"],
    ["report", "--by", "donor"],
    ["report", "--by", "donor", "-f", "table"],
    ["timeline"],
    ["timeline", "-f", "table"],
    ["stats"],
    ["stats", "-f", "table"],
    [
        "export",
        "--reporting-org-ref",
        "XM-DAC-1",
        "--reporting-org-name",
        "X",
        "--reporting-org-type",
        "10",
    ],
    ["export", "-f", "json"],
    ["schema"],
    ["map"],
    ["--version"],
]


@pytest.fixture(scope="module", autouse=True)
def _imported_once():
    import_every_module()


def forked(arguments: list[str], stdout: str) -> tuple[int, str]:
    """Exit status and stderr of cli.main(arguments) in a child whose stdout is `stdout`:
    "full" (/dev/full), "closed" (`>&-`) or "gone" (a pipe whose reader has closed it)."""
    errors_read, errors_write = os.pipe()
    pipe = os.pipe() if stdout == "gone" else None
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 70
        gc.disable()  # collecting would touch, and so copy, every page of this big process
        try:
            os.dup2(errors_write, 2)
            if stdout == "full":
                os.dup2(os.open("/dev/full", os.O_WRONLY), 1)
            elif stdout == "gone":
                os.close(pipe[0])
                os.dup2(pipe[1], 1)
            else:
                os.close(1)
            sys.stdout = None if stdout == "closed" else io.TextIOWrapper(open(1, "wb"))  # noqa: SIM115
            sys.stderr = io.TextIOWrapper(open(2, "wb"), write_through=True)  # noqa: SIM115
            code = cli_exit_status(arguments)
            try:
                sys.stdout and sys.stdout.flush()
            except OSError:
                code = 71  # something was left that fails at exit
            sys.stderr.flush()
        finally:
            os._exit(code)
    os.close(errors_write)
    if pipe:
        os.close(pipe[0])
        os.close(pipe[1])
    with os.fdopen(errors_read, encoding="utf-8") as errors:
        stderr = errors.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), stderr


@pytest.mark.parametrize("arguments", COMMANDS, ids=" ".join)
def test_write_errors_in_every_command_and_format(arguments):
    code, stderr = forked(arguments, "gone")
    assert code == 0 and "projreg:" not in stderr and "Error" not in stderr, stderr
    for stdout, why in (
        ("full", "No space left on device"),
        ("closed", "standard output is closed"),
    ):
        code, stderr = forked(arguments, stdout)
        assert code == 1 and ("\n" + stderr).endswith(
            f"\nprojreg: cannot write the output: {why}\n"
        ), stderr
        assert "Traceback" not in stderr


def test_check_with_nothing_to_say_needs_no_stdout():
    assert forked(["check"], "closed") == (0, "")


PROJREG = shutil.which("projreg", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(PROJREG is None, reason="the projreg script is not installed")
def test_the_installed_script(tmp_path):
    full = subprocess.run(
        f"{PROJREG} --version > /dev/full", shell=True, capture_output=True, text=True
    )
    assert (full.returncode, full.stderr) == (
        1,
        "projreg: cannot write the output: No space left on device\n",
    )
    closed = subprocess.run(f"{PROJREG} list >&-", shell=True, capture_output=True, text=True)
    assert closed.returncode == 1 and "standard output is closed" in closed.stderr
    # A reader that takes one line and goes, while a long table is still being written.
    many = "projects:\n" + "".join(f"  - {{id: P-{i}, title: Project {i}}}\n" for i in range(6000))
    (tmp_path / "many.yaml").write_text(many)
    process = subprocess.Popen(
        [PROJREG, "--registry", str(tmp_path / "many.yaml"), "timeline"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.readline()
    process.stdout.close()
    assert process.wait() == 0
    assert process.stderr.read() == b""
