"""Files: writing safely (atomically, never over an existing file without --force), and
where projreg keeps its cache."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

CACHE_ENV = "PROJREG_CACHE_DIR"


def cache_folder() -> Path:
    """The user's projreg cache folder: $PROJREG_CACHE_DIR, else the XDG cache folder."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "projreg"


def owned(path: Path) -> bool:
    """Our own file or folder, which nobody else could have written."""
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def write_text_atomically(
    path: str | os.PathLike, text: str, force: bool = False, mode: int | None = None
) -> None:
    """Write text (a str, or an iterable of str) to path through a temporary file in the
    same folder and a rename.

    A reader never sees a half-written file, and a failed write leaves the old
    file as it was. Raises FileExistsError if path exists and force is false.

    Permissions are those the user expects of any new file: a new file gets
    0666 minus the umask (a chart for a web server must be readable by it); a
    file that is replaced keeps its mode (and its owner and group, where the
    user may set them); `mode` (an os.stat st_mode), when given, is used
    instead. A symbolic link is written through: its target is replaced and the
    link stays a link.
    """
    import tempfile

    path = Path(path)
    if os.path.islink(path):
        path = Path(os.path.realpath(path))
    if os.path.exists(path) and not force:
        raise FileExistsError(17, "file exists", str(path))
    handle, temporary = tempfile.mkstemp(
        dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            if isinstance(text, str):
                file.write(text)
            else:  # pieces of text, written as they come (a large import)
                file.writelines(text)
            file.flush()
            _set_mode(file.fileno(), path)
            os.fsync(file.fileno())
        if mode is not None:
            os.chmod(temporary, stat.S_IMODE(mode))
        if not force and os.path.exists(path):  # created meanwhile by someone else
            raise FileExistsError(17, "file exists", str(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _set_mode(handle: int, path: Path) -> None:
    """The old file's mode and owner, or 0666 minus the umask (mkstemp makes 0600)."""
    try:
        old = os.stat(path)
    except FileNotFoundError:
        os.fchmod(handle, 0o666 & ~_umask())
        return
    with contextlib.suppress(PermissionError):  # only root may give a file away
        os.fchown(handle, old.st_uid, old.st_gid)
    os.fchmod(handle, stat.S_IMODE(old.st_mode))


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return mask
