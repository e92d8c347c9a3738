"""The module paths before the layer folders still import for one release, with a warning
(projreg/_moved.py; CHANGELOG.md lists them), and hand out the very same objects."""

import importlib
import subprocess
import sys

import pytest

from projreg import _moved


@pytest.mark.parametrize("old", sorted(_moved.MOVED))
def test_an_old_module_path_imports_the_moved_module_with_a_warning(old):
    code = (
        "import importlib, warnings\n"
        "warnings.simplefilter('error')\n"
        f"try:\n    importlib.import_module({old!r})\n"
        "except DeprecationWarning as warning:\n    print(warning)\n"
        f"warnings.simplefilter('ignore')\n"
        f"print(importlib.import_module({old!r}) is importlib.import_module({_moved.MOVED[old]!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.splitlines() == [
        f"{old} is now {_moved.MOVED[old]}; the old path goes in the next release",
        "True",
    ], result.stderr


@pytest.mark.parametrize("folder", sorted(_moved.FOLDERS))
def test_a_folder_that_took_a_modules_place_hands_out_its_names(folder):
    new = importlib.import_module(_moved.FOLDERS[folder])
    name = next(n for n in vars(new) if not n.startswith("_") and callable(getattr(new, n)))
    with pytest.warns(DeprecationWarning, match=f"{folder}.{name} is now"):
        value = getattr(importlib.import_module(folder), name)
    assert value is getattr(new, name)
    assert not hasattr(importlib.import_module(folder), "no_such_name")


def test_the_code_itself_uses_no_old_path():
    # Every module imported fresh, warnings as errors: no module of projreg reaches a moved path.
    code = (
        "import warnings, pkgutil, importlib, projreg\n"
        "warnings.simplefilter('error', DeprecationWarning)\n"
        "for m in pkgutil.walk_packages(projreg.__path__, 'projreg.'):\n"
        "    if m.name not in ('projreg.__main__',):\n"
        "        importlib.import_module(m.name)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout == "ok\n", result.stderr
