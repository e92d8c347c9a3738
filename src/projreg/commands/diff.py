"""`diff`: what changed between two versions of a registry (files, folders or git revisions)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from projreg.commands import app
from projreg.options import OutputChoice, Source, output_options, registry_options

FIELDS = ("change", "id", "field", "old", "new")


@app.command()
@registry_options
@output_options
def diff(
    output: OutputChoice,
    source: Source,
    versions: Annotated[
        list[str],
        typer.Argument(
            metavar="OLD [NEW] [-- PATH]",
            help="Two registry files or folders; or one or two git revisions, then the "
            "registry's path (default: the registry in use).",
            show_default=False,
        ),
    ],
    exit_code: Annotated[
        bool,
        typer.Option("--exit-code", help="Exit 1 when there are differences (like git diff)."),
    ] = False,
) -> None:
    """Show what changed between two versions of a registry.

    Projects added, removed, renamed (same content, new id) and changed field by
    field, in the registry's own words. OLD and NEW are registry files or
    folders, or git revisions: one revision compares the registry as it was
    then with the working tree, two compare the revisions. Exit 0 whether or
    not there are differences, unless --exit-code.

    Examples:

    \b
      projreg diff old.yaml new.yaml
      projreg diff HEAD~1
      projreg diff v1.0 -- registry/projects.yaml
      projreg diff main HEAD -- registry/ --exit-code
    """
    from projreg.query import diff as differ
    from projreg.render.output import emit_rows

    old, new = differ.versions(versions, lambda: _registry_in_use(source), source.use_cache)
    changes = differ.compare(old, new)
    out = output.output()
    names = output.names(FIELDS, FIELDS)
    rows = [c._asdict() for c in changes]
    count = len(changes)
    title = f"{count} difference{'' if count == 1 else 's'}"
    emit_rows(out, rows, names, title=title, empty="No differences.")
    if exit_code and changes:
        raise typer.Exit(1)


def _registry_in_use(source: Source) -> Path:
    from projreg.registry.load import BUNDLED, ENV_VAR

    return Path(source.path or os.environ.get(ENV_VAR) or BUNDLED)
