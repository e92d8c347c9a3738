"""Shared fixtures: the bundled registry, a CLI runner, and registry files written for a test."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from projreg import load_registry
from projreg.cli import app
from projreg.options import Source
from projreg.render.terminal import Terminal

# Property tests try this share of the examples they ask for in an everyday run (the
# suite aims at 30 s on 2 cores); PROJREG_EXAMPLES=1 tries them all, 4 four times as many.
# CI runs them all after the suite (.ci/run: `PROJREG_EXAMPLES=1 pytest -m property`).
EXAMPLES = float(os.environ.get("PROJREG_EXAMPLES", "0.15"))


def any_text(**limits):
    """st.text() over every character UTF-8 can write (no surrogates), which is st.text()'s own
    default; asked for this way, Hypothesis does not work out the UTF-8 codec's character
    ranges first (2.3 s in each worker, whose Hypothesis folder is new)."""
    from hypothesis import strategies as st

    return st.text(st.characters(exclude_categories=("Cs",)), **limits)


def examples(wanted: int) -> int:
    """max_examples for a property test that asks for `wanted` in a full run."""
    return max(10, round(wanted * EXAMPLES))


SEED_PAGE = Path(__file__).parent / "seed" / "icmpd-projects-page.txt"
# A day after every project with an end date: keeps status answers stable over time.
TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="session", autouse=True)
def _session_cache(tmp_path_factory):
    """Session fixtures (the bundled registry) read and fill a cache of the session's own,
    never the user's: each test then gets its own (_clean_env)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PROJREG_CACHE_DIR", str(tmp_path_factory.mktemp("session-cache")))
        yield


@pytest.fixture(scope="session")
def registry(_session_cache):
    return load_registry()


@pytest.fixture(scope="session")
def _test_caches(tmp_path_factory):
    """The folder of every test's own cache folder, and the numbers that name them."""
    return tmp_path_factory.mktemp("caches"), itertools.count()


# What every test's environment says (None: not set), besides a cache folder of its own.
TEST_ENV = {"PROJREG_REGISTRY": None, "NO_COLOR": None, "FORCE_COLOR": None, "COLUMNS": "200"}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, _test_caches):
    for name, value in TEST_ENV.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    # Each test gets an empty cache of its own, never the user's, made by projreg when it
    # first caches something (most tests never do: the run leaves fewer folders to remove).
    # Not tmp_path_factory.mktemp, which looks through every folder made so far to number
    # the next: 1 ms a test.
    parent, numbers = _test_caches
    monkeypatch.setenv("PROJREG_CACHE_DIR", str(parent / str(next(numbers))))


@pytest.fixture(scope="session", autouse=True)
def _app_built_once():
    """Typer turns the app into a click command on every CliRunner call, which is nine tenths
    of an in-process run; the suite makes hundreds. Build it once per session instead."""
    import typer.testing

    built = {}
    original = typer.testing._get_command

    def get_command(typer_app):
        if id(typer_app) not in built:
            built[id(typer_app)] = original(typer_app)
        return built[id(typer_app)]

    typer.testing._get_command = get_command
    yield
    typer.testing._get_command = original


class Runner:
    """Runs projreg in-process, as if its output went to `terminal` (default: a pipe)."""

    def __init__(self):
        self.runner = CliRunner()
        self.terminal = Terminal()

    def __call__(
        self,
        *args: str,
        env: dict | None = None,
        terminal: Terminal | None = None,
        input: bytes | str | None = None,
    ):
        """input: what projreg reads on its standard input (`-`)."""
        return self.runner.invoke(
            app,
            list(args),
            input=input,
            env=env,
            catch_exceptions=False,
            obj=Source(terminal=terminal or self.terminal),
        )


def import_every_module() -> None:
    """Every module a command imports, imported in this process: a test imports them once
    before it forks children, each of which would otherwise import (and compile) them again."""
    import importlib
    import pkgutil

    import projreg

    for module in pkgutil.walk_packages(projreg.__path__, "projreg."):
        if module.name != "projreg.__main__":
            importlib.import_module(module.name)


def cli_exit_status(arguments: list[str]) -> int:
    """cli.main() on `arguments` in this process, as the `projreg` script runs it: the
    status it exits with. For a test's forked child, which then ends with os._exit."""
    from projreg import cli

    sys.argv = ["projreg", *arguments]
    try:
        cli.main()
    except SystemExit as exit:
        return exit.code if isinstance(exit.code, int) else 1
    return 0


@pytest.fixture
def run():
    """Run projreg with arguments; returns the result (stdout, stderr, exit_code)."""
    return Runner()


@pytest.fixture
def write(tmp_path):
    """Write a registry file from dedented YAML text; returns its path."""

    def make(text: str, name: str = "registry.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return make


# No test writes outside its temporary folder: the checkout is the same after the run.
_CHECKOUT = Path(__file__).resolve().parent.parent
_NOT_SOURCES = {".git", ".venv", "__pycache__", ".ruff_cache", ".pytest_cache", "node_modules"}


def _checkout_files() -> dict[str, int]:
    found = {}
    for folder, folders, files in os.walk(_CHECKOUT):
        folders[:] = [f for f in folders if f not in _NOT_SOURCES and not f.startswith(".venv")]
        for name in files:
            path = os.path.join(folder, name)
            with contextlib.suppress(FileNotFoundError):  # removed while we looked
                found[os.path.relpath(path, _CHECKOUT)] = os.stat(path).st_mtime_ns
    return found


def pytest_configure(config):
    """What the run compiles and learns is kept between runs, never beside the sources:
    bytecode (of projreg, of the tests as pytest rewrites them, of the processes tests start)
    and Hypothesis's notes on the code (.hypothesis/) go in pytest's own cache folder
    (.pytest_cache/, ignored by git), or a folder of this run's alone with `-p no:cacheprovider`.
    Without it each worker compiles everything again on every run (3 s of its start, with
    PYTHONDONTWRITEBYTECODE) and every process a test starts compiles projreg anew.
    The first process decides; pytest-xdist's workers and every child inherit it. Only a
    process that runs tests imports Hypothesis (a second of start-up): not the controller
    of pytest-xdist's workers, whose start every worker waits for."""
    if not hasattr(config, "workerinput"):
        kept = _kept_folder(config)
        first = not (kept / "bytecode").exists()
        os.environ["PYTHONPYCACHEPREFIX"] = sys.pycache_prefix = str(kept / "bytecode")
        if first:
            _bytecode_this_process_has()
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        sys.dont_write_bytecode = False  # for what this process imports from now on
        os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(kept / "hypothesis")
        _temporary_files_in_memory()
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        from hypothesis import settings

        # No examples database: a failing example is printed with its seed instead.
        settings.register_profile("projreg", database=None, print_blob=True)
        settings.load_profile("projreg")
    if hasattr(config, "workerinput") and _collects_every_test_module(config):
        _import_a_share_of_the_tests(config.workerinput)


# The memory-backed folder tests' temporary files go in, when it exists and has room.
IN_MEMORY, ROOM = Path("/dev/shm"), 2 << 30


def _temporary_files_in_memory() -> None:
    """Tests make some 7,000 files and folders and sync hundreds of writes; on a disk that is
    several seconds of the run (sys time 9 -> 6 s on 2 cores), in memory next to none. So
    unless TMPDIR, TEMP or TMP says where they go, they go in /dev/shm, if it is there with
    2 GiB free (a container's is often 64 MB) and lets programs run (a test runs git's
    hooks). The workers and every process a test starts inherit it."""
    import tempfile

    if any(os.environ.get(name) for name in ("TMPDIR", "TEMP", "TMP", "PYTEST_DEBUG_TEMPROOT")):
        return  # tempfile (and pytest) would follow what the person set: so does this
    try:
        free = os.statvfs(IN_MEMORY)
        usable = os.access(IN_MEMORY, os.W_OK | os.X_OK) and not IN_MEMORY.is_symlink()
    except OSError:
        return
    runs = not free.f_flag & getattr(os, "ST_NOEXEC", 0)
    if usable and runs and free.f_bavail * free.f_frsize >= ROOM:
        os.environ["TMPDIR"] = str(IN_MEMORY)
        tempfile.tempdir = None  # computed again from TMPDIR when next asked


def _collects_every_test_module(config) -> bool:
    """Does the run collect this folder whole (not a file or two of it named)?"""
    here = Path(__file__).parent
    named = (config.invocation_params.dir / arg.partition("::")[0] for arg in config.args)
    return any(here.is_relative_to(path.resolve()) for path in named)


def _import_a_share_of_the_tests(workerinput) -> None:
    """On a first run every worker rewrites and compiles every test module as it collects
    them (3 s). Each imports its own share first (gw0 the 1st, 3rd..., gw1 the 2nd, 4th...),
    so that the others' are compiled by the time it collects them: half of that. On later
    runs they are all compiled already, and are only imported a little sooner."""
    import importlib

    index = int(workerinput["workerid"].removeprefix("gw"))
    names = sorted(path.stem for path in Path(__file__).parent.glob("test_*.py"))
    for name in names[index :: workerinput["workercount"]]:
        importlib.import_module(f"{__package__}.{name}")


def _bytecode_this_process_has() -> None:
    """A new bytecode folder starts with the compiled files of the modules this process has
    imported, from their own __pycache__ (pytest, its plugins, Typer, Rich...): each worker
    imports them again as it starts, and compiled them all into the empty folder, both at
    once (a first run's workers collected at 6.0 s, now 4.3-4.8 s). A module whose compiled
    file is missing or stale is compiled as before: Python checks each against its source."""
    import importlib.util
    import shutil

    for module in list(sys.modules.values()):
        source, cached = getattr(module, "__file__", None), getattr(module, "__cached__", None)
        if not source or not cached or not source.endswith(".py"):
            continue
        target = importlib.util.cache_from_source(source)  # in the new folder
        with contextlib.suppress(OSError):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            try:
                os.link(cached, target)
            except OSError:  # another file system
                shutil.copyfile(cached, target)


def _kept_folder(config) -> Path:
    cache = getattr(config, "cache", None)
    if cache is not None:
        with contextlib.suppress(OSError):
            return cache.mkdir("projreg-run")
    import tempfile

    config._run_folder = tempfile.mkdtemp(prefix="projreg-run-")
    return Path(config._run_folder)


def pytest_unconfigure(config):
    import shutil

    shutil.rmtree(getattr(config, "_run_folder", ""), ignore_errors=True)


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # the controller (or the only process)
        session.config._checkout_before = _checkout_files()


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_checkout_before", None)
    if before is None or session.config.option.collectonly:
        return
    after = _checkout_files()
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    if changed:
        shown = ", ".join(changed[:10]) + (" ..." if len(changed) > 10 else "")
        session.config.get_terminal_writer().line(
            f"ERROR: the run wrote in the checkout (tests write only in tmp_path): {shown}",
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# The modules that take seconds, longest first (about 8, 8, 7, 7, then 2 to 3 s on 2 cores).
# pytest-xdist hands out whole modules in the order collected (--no-loadscope-reorder), and
# a long one handed out last keeps its worker busy after the other has finished: started
# first, they leave the short ones to even out the end. A stale list costs only that.
LONG_MODULES = (
    "test_timeline_overview",
    "test_iati_published",
    "test_site_browser",
    "test_live",
    "test_edges26",
    "test_output_errors",
    "test_hostile",
    "test_pieces",
    "test_store",
    "test_answers",
)


def pytest_collection_modifyitems(items):
    """Every Hypothesis test is marked `property` (CI runs them again with every example);
    the long modules go first (LONG_MODULES), the others follow in their own order."""
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.property)
    rank = {name: n for n, name in enumerate(LONG_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))  # stable: whole modules
