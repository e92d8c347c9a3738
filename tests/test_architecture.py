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
    assert "2 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    # The same package with one leaf importing the command line: the test above must catch it.
    shutil.copytree(ROOT / "src" / "projreg", tmp_path / "projreg")
    leaf = tmp_path / "projreg" / "text.py"
    leaf.write_text(leaf.read_text(encoding="utf-8") + "\nfrom . import cli  # noqa\n")
    result = lint(ROOT / "pyproject.toml", tmp_path)
    assert result.returncode != 0
    assert "projreg.text -> projreg.cli" in result.stdout


def test_only_iati_client_speaks_http(tmp_path):
    # Another module importing the HTTP library breaks the forbidden contract.
    shutil.copytree(ROOT / "src" / "projreg", tmp_path / "projreg")
    module = tmp_path / "projreg" / "fetching.py"
    module.write_text(module.read_text(encoding="utf-8") + "\nimport urllib3  # noqa\n")
    result = lint(ROOT / "pyproject.toml", tmp_path)
    assert result.returncode != 0
    assert "projreg.fetching -> urllib3" in result.stdout
