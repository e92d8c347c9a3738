"""Writing files safely: atomically, and never over an existing file without --force."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def write_text_atomically(
    path: str | os.PathLike, text: str, force: bool = False, mode: int | None = None
) -> None:
    """Write text to path through a temporary file in the same folder and a rename.

    A reader never sees a half-written file, and a failed write leaves the old
    file as it was. Raises FileExistsError if path exists and force is false.
    `mode` (an os.stat st_mode) keeps an edited file's permissions.
    """
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(17, "file exists", str(path))
    handle, temporary = tempfile.mkstemp(
        dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        # mkstemp makes the file private (0600); a written file gets the mode any new file
        # would (0666 less the umask), or keeps the one it replaces: a chart or a page
        # written for a web server must be readable by it.
        os.chmod(temporary, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        if mode is not None:
            os.chmod(temporary, stat.S_IMODE(mode))
        if not force and path.exists():  # created meanwhile by someone else
            raise FileExistsError(17, "file exists", str(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
