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
        from .commands import app, load_commands

        load_commands()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """The `projreg` script: builds only the command being run.

    Typer turns every registered command into a click command on each start,
    which costs more than everything `projreg show` does; a run needs only its own.
    """
    from .commands import COMMANDS, app, load_commands

    name = _command_name(sys.argv[1:])
    completing = bool(os.environ.get("_PROJREG_COMPLETE"))
    load_commands([name] if name in COMMANDS and not completing else None)
    every = app.registered_commands
    if name in COMMANDS and not completing:
        app.registered_commands = [c for c in every if _name_of(c) == name] or every
    try:
        app(prog_name="projreg")
    except OSError as error:  # writing the output failed (stdout closed, disk full)
        _stdout_failed(error)
    finally:
        app.registered_commands = every


def _stdout_failed(error: OSError):
    if error.errno == errno.EPIPE:
        # The reader has gone (`| head -1`): stop quietly, like any Unix filter.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    sys.stderr.write(f"projreg: cannot write the output: {error.strerror or error}\n")
    sys.exit(1)


def _name_of(command) -> str:
    return command.name or command.callback.__name__.replace("_", "-")
