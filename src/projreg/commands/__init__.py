"""The command-line application: the Typer app, its global options, and the one place
where errors become exit codes (ProjregGroup).

Each command lives in a module of this package, named in COMMANDS; `projreg.cli`
imports only the module of the command being run.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from projreg.errors import ProjregError
from projreg.model.text import visible
from projreg.options import Source
from projreg.version import __version__

# Command name -> module in this package. A new command is a module and a line here.
COMMANDS = {
    "list": "query",
    "show": "query",
    "active": "query",
    "report": "reports",
    "timeline": "reports",
    "stats": "reports",
    "check": "check",
    "import-iati": "iati",
    "export": "iati",
    "schema": "formatschema",
    "diff": "diff",
    "new": "new",
    "map": "pictures",
    "site": "pictures",
    "cache": "cache",
    "fetch": "live",
    "sync": "live",
}


def fail(error: ProjregError, width: int | None = None) -> int:
    """Print a library error for the user, wrapped to width (a terminal's); its exit code."""
    from projreg.model.problems import RegistryError
    from projreg.model.text import wrapped

    if isinstance(error, RegistryError):
        sys.stderr.write(error.render(width) + "\n")
    else:
        sys.stderr.write(wrapped(f"projreg: {visible(str(error))}", width) + "\n")
    return error.exit_code


def error_width(ctx) -> int | None:
    """The width errors wrap to in this run: stderr's terminal's, None for a pipe."""
    from projreg.options import terminal

    return terminal(ctx).error_width()


class ProjregGroup(TyperGroup):
    """Maps the library's errors to exit codes, once for every command: 1 for a registry,
    lookup or write error, 2 for a usage error; never a traceback."""

    def invoke(self, ctx):
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a full disk or a closed pipe is found here, not at exit
            return result
        except ProjregError as error:
            ctx.exit(fail(error, error_width(ctx)))
        except typer.TyperException as error:  # a bad option value: click prints it
            _wrap_usage(error, error_width(ctx))
            raise


def _wrap_usage(error, width: int | None) -> None:
    """Wrap a usage error's message to width, as click prints it after 'Error: '."""
    from projreg.model.text import wrapped

    if width is None or not hasattr(error, "format_message"):
        return
    text = wrapped("Error: " + error.format_message(), width).removeprefix("Error: ")
    error.format_message = lambda: text


app = typer.Typer(
    name="projreg",
    cls=ProjregGroup,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=True,
    context_settings={
        "help_option_names": ["-h", "--help"],
        "max_content_width": 88,
        "terminal_width": 88,  # the same help everywhere, so docs/cli.md is reproducible
    },
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"projreg {__version__}")
        raise typer.Exit()


_NoPager = Annotated[
    bool,
    typer.Option(
        "--no-pager",
        help="Never page long output (list, report, timeline). Default on a terminal: "
        "through $PROJREG_PAGER, else $PAGER, else `less -FRX`.",
    ),
]


@app.callback()
def global_options(
    ctx: typer.Context,
    registry: Annotated[
        Path | None,
        typer.Option(
            "--registry",
            metavar="PATH",
            readable=False,  # an unreadable registry is a registry error (exit 1), not usage
            envvar="PROJREG_REGISTRY",
            help="Registry file, or folder of *.yaml files. Default: the bundled registry.",
            show_envvar=True,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Read the registry afresh, without the cache of validated files "
            "($PROJREG_CACHE_DIR, default ~/.cache/projreg).",
        ),
    ] = False,
    no_pager: _NoPager = False,
) -> None:
    """Query a registry of migration and border-management projects.

    Which projects work in a country, who funds and implements them, and what
    was running on a given day. The registry is a YAML file you can edit; see
    docs/registry-format.md.

    Examples:

    \b
      projreg list --country Azerbaijan
      projreg show ENIGMMA-2
      projreg active --on 2018-06-01
      projreg report --by donor
      projreg timeline --output timeline.svg
      projreg map --output coverage.svg
      projreg site --output public/
      projreg check

    Maintaining a registry:

    \b
      projreg new registry.yaml --id NEW-1 --title "..." --start 2024-01
      projreg diff HEAD~1 -- registry.yaml
      projreg schema > projects.schema.json
      projreg export -f csv -o tables/
    """
    base = ctx.obj if isinstance(ctx.obj, Source) else Source()
    ctx.obj = base._replace(path=registry or base.path, use_cache=base.use_cache and not no_cache)
    if no_pager:
        ctx.obj = ctx.obj._replace(terminal=_without_pager(base.terminal))


def _without_pager(terminal):
    from projreg.render.terminal import Terminal

    return (terminal or Terminal.detect())._replace(pager=None)


def load_commands(names=None) -> None:
    """Import the modules of the named commands (all when None), which registers them."""
    import importlib

    modules = COMMANDS.values() if names is None else [COMMANDS[n] for n in names if n in COMMANDS]
    for module in dict.fromkeys(modules):
        importlib.import_module(f"{__name__}.{module}")
