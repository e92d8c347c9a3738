"""`check`: a registry's every problem, hledger style; silent when it is valid."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from projreg.commands import app
from projreg.errors import UsageError
from projreg.options import Today, choices, settings, today_of


@app.command()
def check(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATH]...",
            readable=False,  # reported as a problem of the file (exit 1)
            help="Registry files or folders, checked together. Default: the registry in use.",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")
    ] = False,
    today: Today = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="text, or json for editors and CI.",
            autocompletion=choices(("text", "json")),
        ),
    ] = "text",
    as_json: Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")] = False,
) -> None:
    """Check a registry: silent when it is valid, every problem otherwise.

    Each problem is reported as FILE:LINE:COL: error: message, with the
    offending line, a caret and a hint. Warnings (suspicious but valid data)
    fail the check only with --strict. Exit 0 when valid, 1 otherwise.

    Examples:

    \b
      projreg check
      projreg check registry/ --strict
      projreg check my-projects.yaml --format json
    """
    from projreg.model.problems import RegistryError, render_all
    from projreg.registry.lint import check as run_check
    from projreg.render.output import to_json

    fmt = "json" if as_json else fmt
    if fmt not in ("text", "json"):
        raise UsageError(f"unknown format {fmt!r}; choose text or json")
    try:
        problems = run_check(paths or settings(ctx).path, today_of(today))
    except RegistryError as error:  # the registry could not even be found
        problems = error.problems
    if fmt == "json":
        sys.stdout.write(to_json([p.as_dict() for p in problems]) + "\n")
    elif problems:
        from projreg.options import terminal

        width = terminal(ctx).error_width()  # wrapped on a terminal, one line each in a pipe
        sys.stderr.write(render_all(problems, width) + "\n")
    if any(p.severity == "error" or strict for p in problems):
        raise typer.Exit(1)
