"""A command's output: into a file through files.write_atomically (never over a file
without --force, never over one of the inputs, never replacing a FIFO or a device; `-o -`
is standard output), or to the terminal through the user's pager (--no-pager)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from projreg.errors import WriteError

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
    from projreg.render.pager import paging

    return paging(None if no_pager else out.terminal.pager)


def is_stdout(path) -> bool:
    """`-o -`: standard output."""
    return path is not None and str(path) == "-"


def refuse_inputs(path: Path, inputs, force: bool = True) -> None:
    """WriteError if path may not be written (checked before any work is done): one of
    the inputs (even with --force), not a regular file, or existing without --force."""
    if is_stdout(path):
        return
    from projreg.registry.files import check_target, resolve_target

    try:
        check_target(resolve_target(path), force, inputs)
    except OSError as error:
        raise write_error(path, error) from None


def write_error(path, error: OSError) -> WriteError:
    """The one clear line for a write that was refused or failed."""
    from projreg.registry.files import Changed, Locked, NotRegular, SameFile

    if isinstance(error, SameFile):
        return WriteError(f"{path} is {error.strerror}; choose another output file")
    if isinstance(error, NotRegular):
        return WriteError(f"{path} is {error.strerror}; to write into it use -o - and redirect")
    if isinstance(error, FileExistsError):
        return WriteError(f"{path} exists; use --force to overwrite it")
    if isinstance(error, (Changed, Locked)):
        return WriteError(f"{path}: {error.strerror}")
    return WriteError(f"cannot write {path}: {error.strerror or error}")


def write_file(path: Path, text: str, force: bool, inputs=()) -> None:
    """Write text (a str, or pieces of it) to path (`-`: standard output), or raise WriteError saying why not
    (exit 1): it exists and force is false, it is one of `inputs` (never replaced,
    even with --force), it is a FIFO or a device, or the write failed."""
    if is_stdout(path):
        sys.stdout.writelines([text] if isinstance(text, str) else text)
        return
    data = text.encode("utf-8") if isinstance(text, str) else (t.encode("utf-8") for t in text)
    write_bytes(path, data, force, inputs)


def write_bytes(path: Path, data: bytes, force: bool, inputs=()) -> None:
    from projreg.registry.files import write_atomically

    try:
        write_atomically(path, data, force=force, inputs=inputs)
    except OSError as error:
        raise write_error(path, error) from None


def output_note(path) -> str:
    return "standard output" if is_stdout(path) else os.fspath(path)
