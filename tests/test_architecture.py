"""The architecture as a test: every import points down the layers declared in pyproject.toml."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = [
    sys.executable,
    "-c",
    "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
]


def lint(config: Path, source: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(source)}
    return subprocess.run(
        [*LINT, str(config), "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=source,
    )


def test_every_import_points_down():
    result = lint(ROOT / "pyproject.toml", ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    contracts = (
        (ROOT / "pyproject.toml")
        .read_text(encoding="utf-8")
        .count("[[tool.importlinter.contracts]]")
    )
    assert f"{contracts} kept, 0 broken" in result.stdout


def test_the_folders_are_the_layers():
    """src/projreg/ shows the design: a package per layer, few modules at the top."""
    top = sorted(p.name for p in (ROOT / "src" / "projreg").glob("*.py"))
    assert len(top) <= 8, top
    packages = {p.parent.name for p in (ROOT / "src" / "projreg").glob("*/__init__.py")}
    assert {"model", "registry", "query", "iati", "render", "commands"} <= packages


BREAKS = [
    # A leaf importing the command line: the test above must catch it.
    ("model/text.py", "from projreg import cli", "projreg.model.text -> projreg.cli"),
    # A leaf of model/ importing the output fields above it, in the same folder.
    ("model/dates.py", "from projreg.model import fields", "projreg.model.dates -> projreg.model.fields"),
    # Another module than the client importing the HTTP library (the forbidden contract).
    ("iati/fetching.py", "import urllib3", "projreg.iati.fetching -> urllib3"),
]  # fmt: skip


def test_an_import_against_a_contract_breaks_it(tmp_path):
    """import-linter on a copy of the package in which each module of BREAKS ends with its
    line: every one of them is named as broken (one run of the linter for all three)."""
    shutil.copytree(ROOT / "src" / "projreg", tmp_path / "projreg")
    for module, line, _ in BREAKS:
        changed = tmp_path / "projreg" / module
        changed.write_text(changed.read_text(encoding="utf-8") + f"\n{line}  # noqa\n")
    result = lint(ROOT / "pyproject.toml", tmp_path)
    assert result.returncode != 0
    for _, _, broken in BREAKS:
        assert broken in result.stdout, broken


def test_the_type_checker_excuses_no_module():
    """mypy (.ci/run runs it over src/ at zero errors) checks every module: no override
    turns a module's errors off."""
    import tomllib

    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    config = tomllib.loads(text)["tool"]["mypy"]
    assert config["files"] == ["src"]
    excused = [o["module"] for o in config.get("overrides", []) if o.get("ignore_errors")]
    assert excused == []
