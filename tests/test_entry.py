"""The `projreg` entry point, which builds only the command being run."""

import os
import subprocess
import sys

import pytest

from projreg import cli


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["show", "X"], "show"),
        (["--registry", "r.yaml", "list", "--country", "az"], "list"),
        (["--no-cache", "report", "--by", "donor"], "report"),
        (["--help"], None),
        (["--version"], None),
        ([], None),
        (["--registry", "show"], None),  # "show" is the registry's path here
    ],
)
def test_command_name(arguments, expected):
    assert cli._command_name(arguments) == expected


def run_main(monkeypatch, capsys, *arguments):
    monkeypatch.setattr(sys, "argv", ["projreg", *arguments])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    return exited.value.code, capsys.readouterr()


def test_main_runs_one_command_and_leaves_the_app_whole(monkeypatch, capsys):
    before = list(cli.app.registered_commands)
    code, output = run_main(monkeypatch, capsys, "show", "ENIGMMA-2", "-f", "tsv")
    assert code == 0
    assert output.out.splitlines()[0] == "id\tENIGMMA-2"
    assert cli.app.registered_commands == before


def test_main_help_lists_every_command(monkeypatch, capsys):
    code, output = run_main(monkeypatch, capsys, "--help")
    assert code == 0
    for command in (
        "list",
        "show",
        "active",
        "report",
        "timeline",
        "stats",
        "check",
        "import-iati",
        "export",
        "map",
        "site",
    ):
        assert f"  {command} " in output.out


def test_main_unknown_command(monkeypatch, capsys):
    code, output = run_main(monkeypatch, capsys, "lsit")
    assert code == 2
    assert "No such command" in output.err


def test_python_dash_m(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "projreg", "list", "--country", "Georgia"],
        capture_output=True,
        text=True,
        # No PATH; the run's bytecode folder (conftest), so nothing is written beside the sources.
        env={
            "PROJREG_CACHE_DIR": str(tmp_path),
            "PATH": "",
            "PYTHONPYCACHEPREFIX": os.environ["PYTHONPYCACHEPREFIX"],
        },
    )
    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == [
        "EAP-IBM-CABUIPRO",
        "ENIGMMA-2",
        "PP-DATA",
        "PRAGUE-PROCESS",
    ]
