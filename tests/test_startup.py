"""Start-up without bytecode beside the sources (an editable install, PYTHONDONTWRITEBYTECODE)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import projreg

PACKAGE = Path(projreg.__file__).parent


def test_compiled_modules_are_kept_in_the_cache_folder_not_beside_the_sources(tmp_path):
    for folder in PACKAGE.rglob("__pycache__"):
        shutil.rmtree(folder)  # as an editable install run with PYTHONDONTWRITEBYTECODE has it
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PROJREG_CACHE_DIR": str(tmp_path)}
    env.pop("PYTHONPYCACHEPREFIX", None)
    command = [sys.executable, "-m", "projreg", "show", "ENIGMMA-2", "-f", "tsv"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    kept = {p.name.split(".")[0] for p in (tmp_path / "bytecode").rglob("projreg/**/*.pyc")}
    assert {"options", "model", "query", "load", "render"} <= kept
    assert not list(PACKAGE.rglob("__pycache__"))
    again = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert again.stdout == first.stdout and first.stdout.startswith("id\tENIGMMA-2\n")
