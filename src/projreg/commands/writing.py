"""A command's output: into a file (atomically, never over a file without --force), or
to the terminal through the user's pager (--no-pager)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ..errors import WriteError

Force = Annotated[bool, typer.Option("--force", help="Overwrite the output file if it exists.")]
NoPager = Annotated[
    bool,
    typer.Option(
        "--no-pager",
        help="Print straight to the terminal. Default on a terminal: through $PROJREG_PAGER, "
        "else $PAGER, else `less -FRX` (never in a pipe).",
    ),
]


def paged(out, no_pager: bool = False):
    """A context in which out's text goes through the terminal's pager, if it has one."""
    from ..pager import paging

    return paging(None if no_pager else out.terminal.pager)


def refuse_inputs(path: Path, inputs) -> None:
    """WriteError if path is one of the inputs (the same file, through links too)."""
    for source in inputs:
        try:
            same = os.path.samefile(path, source)
        except OSError:  # one of them does not exist
            continue
        if same:
            raise WriteError(f"{path} is one of the inputs ({source}); choose another output file")


def write_file(path: Path, text: str, force: bool, inputs=()) -> None:
    """Write text to path, or raise WriteError saying why not (exit 1): it exists and
    force is false, it is one of `inputs` (never replaced, even with --force), or
    the write failed."""
    from ..files import write_text_atomically

    refuse_inputs(path, inputs)
    try:
        write_text_atomically(path, text, force=force)
    except FileExistsError:
        raise WriteError(f"{path} exists; use --force to overwrite it") from None
    except OSError as error:
        raise WriteError(f"cannot write {path}: {error.strerror or error}") from None
