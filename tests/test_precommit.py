"""The pre-commit hook (.pre-commit-hooks.yaml) refuses a commit that breaks the registry.

pre-commit cannot fetch this repository here, so the test repository declares the
same hook as `repo: local` with `language: system` (projreg from this environment).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GOOD = "projects:\n  - id: A-1\n    title: First\n    countries: [Georgia]\n"
BAD = "projects:\n  - id: A-1\n    title: First\n    countries: [Georgia]\n    start: 2018-13\n"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def test_the_hook_refuses_a_commit_that_breaks_the_registry(tmp_path):
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "projreg-check" and hook["entry"] == "projreg check"
    local = {**hook, "language": "system", "args": ["registry/"]}
    config = {"repos": [{"repo": "local", "hooks": [local]}]}
    repo = tmp_path / "repo"
    (repo / "registry").mkdir(parents=True)
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }

    def git(*args):
        return subprocess.run(
            ["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=60
        )

    git("init", "-q")
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env, check=True,
        capture_output=True, timeout=60,
    )  # fmt: skip
    registry = repo / "registry" / "projects.yaml"
    registry.write_text(GOOD, encoding="utf-8")
    git("add", "-A")
    good = git("commit", "-qm", "a good registry")
    assert good.returncode == 0, good.stdout + good.stderr

    registry.write_text(BAD, encoding="utf-8")
    git("add", "-A")
    bad = git("commit", "-qm", "a broken registry")
    assert bad.returncode != 0
    output = bad.stdout + bad.stderr
    assert "projreg check" in output and "Failed" in output
    assert "registry/projects.yaml:5:12: error: A-1: start: '2018-13'" in output
    assert git("rev-list", "--count", "HEAD").stdout.strip() == "1"
