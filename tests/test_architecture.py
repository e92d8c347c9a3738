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


def test_an_upward_import_breaks_the_contract(tmp_path):
    # The same package with one leaf importing the command line: the test above must catch it.
    shutil.copytree(ROOT / "src" / "projreg", tmp_path / "projreg")
    leaf = tmp_path / "projreg" / "model" / "text.py"
    leaf.write_text(leaf.read_text(encoding="utf-8") + "\nfrom projreg import cli  # noqa\n")
    result = lint(ROOT / "pyproject.toml", tmp_path)
    assert result.returncode != 0
    assert "projreg.model.text -> projreg.cli" in result.stdout


def test_an_upward_import_inside_a_folder_breaks_its_contract(tmp_path):
    # A leaf of model/ importing the output fields above it, in the same folder.
    shutil.copytree(ROOT / "src" / "projreg", tmp_path / "projreg")
    leaf = tmp_path / "projreg" / "model" / "dates.py"
    leaf.write_text(
        leaf.read_text(encoding="utf-8") + "\nfrom projreg.model import fields  # noqa\n"
    )
    result = lint(ROOT / "pyproject.toml", tmp_path)
    assert result.returncode != 0
    assert "projreg.model.dates -> projreg.model.fields" in result.stdout


def test_only_the_iati_client_speaks_http(tmp_path):
    # Another module importing the HTTP library breaks the forbidden contract.
    shutil.copytree(ROOT / "src" / "projreg", tmp_path / "projreg")
    module = tmp_path / "projreg" / "iati" / "fetching.py"
    module.write_text(module.read_text(encoding="utf-8") + "\nimport urllib3  # noqa\n")
    result = lint(ROOT / "pyproject.toml", tmp_path)
    assert result.returncode != 0
    assert "projreg.iati.fetching -> urllib3" in result.stdout


def test_the_type_checker_excuses_no_module():
    """mypy (.ci/run runs it over src/ at zero errors) checks every module: no override
    turns a module's errors off."""
    import tomllib

    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    config = tomllib.loads(text)["tool"]["mypy"]
    assert config["files"] == ["src"]
    excused = [o["module"] for o in config.get("overrides", []) if o.get("ignore_errors")]
    assert excused == []
