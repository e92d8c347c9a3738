"""The `projreg` entry point: runs the command named on the command line, importing only it.

Exit codes: 0 success (an empty result too), 1 registry, lookup or write error,
2 usage error (mapped once, in commands.ProjregGroup). A pipe that closes early
is not an error: the output stops quietly, exit 0. The commands themselves live
in the projreg.commands package.
"""

from __future__ import annotations

import errno
import os
import sys

_GLOBAL_WITH_VALUE = {"--registry"}
_GLOBAL_ONLY = ("-h", "--help", "--version", "--install-completion", "--show-completion")


def _command_name(arguments: list[str]) -> str | None:
    """The subcommand named on the command line, if the global options before it are plain."""
    skip = False
    for argument in arguments:
        if skip:
            skip = False
        elif argument in _GLOBAL_WITH_VALUE:
            skip = True
        elif argument.startswith("-"):
            if argument in _GLOBAL_ONLY:
                return None
        else:
            return argument
    return None


def __getattr__(name: str):
    if name == "app":  # the whole application, every command registered (tests, docs)
        from projreg.commands import app, load_commands

        load_commands()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """The `projreg` script: builds only the command being run.

    Typer turns every registered command into a click command on each start,
    which costs more than everything `projreg show` does; a run needs only its own.
    """
    _keep_bytecode()
    from projreg.render.terminal import sanitize_columns

    sanitize_columns()
    from projreg.commands import COMMANDS, app, load_commands

    name = _command_name(sys.argv[1:])
    completing = bool(os.environ.get("_PROJREG_COMPLETE"))
    load_commands([name] if name in COMMANDS and not completing else None)
    every = app.registered_commands
    if name in COMMANDS and not completing:
        app.registered_commands = [c for c in every if _name_of(c) == name] or every
    guarded = sys.stdout = _Guarded(sys.stdout)
    try:
        app(prog_name="projreg")
    except OutputError as error:  # writing the output failed (pipe closed, disk full)
        _stdout_failed(error)
    finally:
        app.registered_commands = every
        if sys.stdout is guarded:
            sys.stdout = guarded._stream
        if guarded.replaced:
            _say_replaced(guarded.replaced)


def _keep_bytecode() -> None:
    """With PYTHONDONTWRITEBYTECODE set, an editable install (the source tree itself)
    compiles every module on every start: a third of the start-up. Keep the compiled
    modules in the cache folder instead, as PYTHONPYCACHEPREFIX would, never beside the
    sources; only in a folder that is ours alone (its bytecode is run)."""
    if not sys.dont_write_bytecode or sys.pycache_prefix is not None:
        return
    import importlib.util

    if os.path.exists(importlib.util.cache_from_source(__file__)):
        return  # compiled beside the sources (an installed projreg): nothing to do
    from projreg.registry.files import cache_folder, owned

    folder = cache_folder()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not owned(folder) or folder.stat().st_mode & 0o077:
            return
    except OSError:
        return
    sys.pycache_prefix = str(folder / "bytecode")
    sys.dont_write_bytecode = False


class OutputError(Exception):
    """Writing to stdout failed. Not an OSError, so that click's own handling of a
    broken pipe (exit 1) does not catch it before main() does."""

    def __init__(self, error: OSError):
        super().__init__(error.strerror or str(error))
        self.errno = error.errno


class _Guarded:
    """stdout, with its write errors raised as OutputError. Every writer (print, click.echo,
    Rich consoles) looks up sys.stdout when it writes, so all of them go through here.
    A closed stdout (`>&-`, sys.stdout is None) fails on the first write, not silently."""

    def __init__(self, stream):
        self._stream = stream
        self.replaced = ""  # the encoding that could not show some characters

    def write(self, text: str) -> int:
        if self._stream is None:
            raise OutputError(OSError(errno.EBADF, "standard output is closed"))
        try:
            try:
                return self._stream.write(text)
            except UnicodeEncodeError:  # LANG=C, PYTHONIOENCODING=ascii: "?" for what it lacks
                encoding = self._stream.encoding or "ascii"
                self.replaced = encoding
                return self._stream.write(text.encode(encoding, "replace").decode(encoding))
        except OSError as error:
            raise OutputError(error) from None

    def flush(self) -> None:
        if self._stream is not None:
            try:
                self._stream.flush()
            except OSError as error:
                raise OutputError(error) from None

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _say_replaced(encoding: str) -> None:
    sys.stderr.write(
        f"projreg: note: the output's encoding ({encoding}) cannot show some characters, "
        "written as ?; for all of them use a UTF-8 locale or PYTHONIOENCODING=utf-8\n"
    )


def _stdout_failed(error: OutputError):
    # What is still buffered goes to /dev/null: the exit of Python must not fail again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    if devnull != 1:
        os.dup2(devnull, 1)
    sys.stdout = sys.__stdout__
    if error.errno == errno.EPIPE:
        # The reader has gone (`| head -1`): stop quietly, like any Unix filter.
        sys.exit(0)
    sys.stderr.write(f"projreg: cannot write the output: {error}\n")
    sys.exit(1)


def _name_of(command) -> str:
    return command.name or command.callback.__name__.replace("_", "-")
