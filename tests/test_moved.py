"""The module paths before the layer folders still import for one release, with a warning
(projreg/_moved.py; CHANGELOG.md lists them), and hand out the very same objects."""

import importlib
import subprocess
import sys

import pytest

from projreg import _moved


def test_every_old_module_path_imports_the_moved_module_with_a_warning():
    # One fresh interpreter for them all: each old path is a module name of its own, so each
    # first import warns (warnings as errors), then hands out the moved module itself.
    code = (
        "import importlib, sys, warnings\n"
        "for old, new in zip(sys.argv[1::2], sys.argv[2::2]):\n"
        "    warnings.simplefilter('error')\n"
        "    try:\n"
        "        importlib.import_module(old)\n"
        "        print(old, 'imported without a warning')\n"
        "    except DeprecationWarning as warning:\n"
        "        print(warning)\n"
        "    warnings.simplefilter('ignore')\n"
        "    print(importlib.import_module(old) is importlib.import_module(new))\n"
    )
    pairs = sorted(_moved.MOVED.items())
    arguments = [name for pair in pairs for name in pair]
    result = subprocess.run(
        [sys.executable, "-c", code, *arguments], capture_output=True, text=True
    )
    expected = []
    for old, new in pairs:
        expected += [f"{old} is now {new}; the old path goes in the next release", "True"]
    assert result.stdout.splitlines() == expected, result.stderr
    assert len(pairs) > 30


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
