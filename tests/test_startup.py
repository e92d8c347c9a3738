"""Start-up without bytecode beside the sources (an editable install, PYTHONDONTWRITEBYTECODE)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import projreg

PACKAGE = Path(projreg.__file__).parent


def test_compiled_modules_are_kept_in_the_cache_folder_not_beside_the_sources(tmp_path):
    # A copy of the package without bytecode, as an editable install run with
    # PYTHONDONTWRITEBYTECODE has it; the checkout itself is never touched.
    copy = tmp_path / "src" / "projreg"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    cache = tmp_path / "cache"
    env = {
        **os.environ,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PROJREG_CACHE_DIR": str(cache),
        "PYTHONPATH": str(copy.parent),
    }
    env.pop("PYTHONPYCACHEPREFIX", None)
    command = [sys.executable, "-m", "projreg", "show", "ENIGMMA-2", "-f", "tsv"]
    where = [sys.executable, "-c", "import projreg; print(projreg.__file__)"]
    assert subprocess.run(where, env=env, capture_output=True, text=True).stdout.startswith(
        str(copy)
    )
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    kept = {p.name.split(".")[0] for p in (cache / "bytecode").rglob("projreg/**/*.pyc")}
    assert {"options", "project", "query", "load", "output"} <= kept
    assert not list(copy.rglob("__pycache__"))
    again = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert again.stdout == first.stdout and first.stdout.startswith("id\tENIGMMA-2\n")
