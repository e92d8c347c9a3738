"""Writing a command's output file: atomically, never over a file without --force."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import WriteError

Force = Annotated[bool, typer.Option("--force", help="Overwrite the output file if it exists.")]


def write_file(path: Path, text: str, force: bool) -> None:
    """Write text to path, or raise WriteError saying why not (exit 1)."""
    from ..files import write_text_atomically

    try:
        write_text_atomically(path, text, force=force)
    except FileExistsError:
        raise WriteError(f"{path} exists; use --force to overwrite it") from None
    except OSError as error:
        raise WriteError(f"cannot write {path}: {error.strerror or error}") from None
