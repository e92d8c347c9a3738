"""Files: writing safely, and where projreg keeps its cache.

Every file projreg writes goes through `write_atomically` (or `LockedFile` for a file it
edits in place): a temporary file created new and exclusively in the target's folder
(random name, never followed through a link), checked against the inputs being read and
against what is already there (only a regular file is ever replaced, and only with
--force), synced, then renamed over the target with its mode kept.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

CACHE_ENV = "PROJREG_CACHE_DIR"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
LOCK_WAIT = 2.0  # seconds a second writer waits for a lock before it refuses


class NotRegular(OSError):
    """The target exists and is not a regular file (a FIFO, a device, a folder, a socket)."""


class SameFile(OSError):
    """The target is one of the inputs being read."""


class Changed(OSError):
    """The file changed since it was read (an editor saved it, another writer wrote it)."""


class Locked(OSError):
    """Another writer holds the file's lock."""


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


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def resolve_target(path: str | os.PathLike, follow_links: bool = True) -> Path:
    """The file a write to path replaces. A link the user named is written through (its
    target is replaced, the link stays a link) when follow_links; a dangling link is
    refused. Without follow_links, a link is itself replaced, never written through."""
    path = Path(path)
    if follow_links and os.path.islink(path):
        real = Path(os.path.realpath(path))
        if not os.path.lexists(real):
            raise NotRegular(20, f"a symbolic link to {real}, which does not exist", str(path))
        return real
    return path


def check_target(path: Path, force: bool, inputs=()) -> None:
    """Raise before anything is written: path is one of inputs (SameFile), exists and is
    not a regular file (NotRegular), or exists and force is false (FileExistsError)."""
    for source in inputs:
        if _same(path, source):
            raise SameFile(17, f"one of the inputs ({source})", str(path))
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode):
        raise NotRegular(21, f"{kind_of(info.st_mode)}, which projreg never replaces", str(path))
    if not force:
        raise FileExistsError(17, "file exists", str(path))


def _same(path: Path, source) -> bool:
    try:
        return os.path.samefile(path, source) or _inside(path, source)
    except OSError:  # one of them does not exist
        return False


def _inside(path: Path, source) -> bool:
    """A folder registry reads every .yaml file in it: a new one there would be read too."""
    return (
        os.path.isdir(source)
        and Path(path).suffix in (".yaml", ".yml")
        and os.path.samefile(Path(path).parent or ".", source)
    )


def write_atomically(
    path: str | os.PathLike,
    data: bytes,
    force: bool = False,
    mode: int | None = None,
    inputs=(),
    follow_links: bool = True,
) -> None:
    """Write data (bytes, or an iterable of bytes) to path through a new temporary file in
    the same folder and a rename.

    A reader never sees a half-written file, and a failed write leaves the old file
    as it was. Raises FileExistsError if path exists and force is false, NotRegular if
    it is a FIFO, a device or a folder (never replaced), SameFile if it is one of
    `inputs`. A new file gets 0666 minus the umask; a replaced file keeps its mode (and
    owner and group where the user may set them); `mode` (an st_mode) wins when given.
    """
    target = resolve_target(path, follow_links)
    check_target(target, force, inputs)
    handle, temporary = _create_temporary(target)
    try:
        _fill(handle, data, target, mode)
        if force:
            check_target(target, True, inputs)  # became a FIFO or an input meanwhile?
            os.replace(temporary, target)
        else:  # a link fails if the name was taken meanwhile: nothing is overwritten
            os.link(temporary, target, follow_symlinks=False)
            os.unlink(temporary)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_text_atomically(
    path: str | os.PathLike,
    text: str,
    force: bool = False,
    mode: int | None = None,
    inputs=(),
    follow_links: bool = True,
) -> None:
    """write_atomically of text as UTF-8 (newlines as given)."""
    write_atomically(path, text.encode("utf-8"), force, mode, inputs, follow_links)


def _create_temporary(target: Path) -> tuple[int, str]:
    """A new file beside target, with a random name, created exclusively (never a link)."""
    import secrets

    folder = target.parent
    for _ in range(100):
        name = folder / f".{target.name[:64]}.{secrets.token_hex(6)}.tmp"
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
            return os.open(name, flags, 0o600), str(name)
        except FileExistsError:
            continue
    raise FileExistsError(17, "no free temporary name", str(folder))


def _fill(handle: int, data, target: Path, mode: int | None) -> None:
    with os.fdopen(handle, "wb") as file:
        if isinstance(data, (bytes, bytearray)):
            file.write(data)
        else:  # pieces, written as they come (a large import: iati.Spool)
            file.writelines(data)
        file.flush()
        _set_mode(file.fileno(), target, mode)
        os.fsync(file.fileno())


def _set_mode(handle: int, path: Path, mode: int | None = None) -> None:
    """The old file's mode and owner, or 0666 minus the umask (the temporary has 0600)."""
    try:
        old = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        old = None
    if old is not None and stat.S_ISREG(old.st_mode):
        with contextlib.suppress(PermissionError):  # only root may give a file away
            os.fchown(handle, old.st_uid, old.st_gid)
    if mode is not None:
        os.fchmod(handle, stat.S_IMODE(mode))
    elif old is not None and stat.S_ISREG(old.st_mode):
        os.fchmod(handle, stat.S_IMODE(old.st_mode))
    else:
        os.fchmod(handle, 0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return mask


class LockedFile:
    """A file edited in place, as git's lockfile.c does it: PATH.lock, created with
    O_EXCL, is both the lock and the new text, and is renamed over PATH on commit.

    A second writer retries for `wait` seconds (jittered backoff), then raises Locked.
    `data` is the file's bytes when the lock was taken (None: there is no file yet,
    allowed only with create). commit() refuses (Changed) if the file no longer holds
    what was read: an editor that saved meanwhile does not lose its text.
    """

    def __init__(self, path: str | os.PathLike, create: bool = False, wait: float | None = None):
        self.target = resolve_target(path)
        self.lock = self.target.with_name(self.target.name + ".lock")
        self.create, self.wait = create, LOCK_WAIT if wait is None else wait
        self.handle: int | None = None
        self.data: bytes | None = None

    def __enter__(self) -> LockedFile:
        check_target(self.target, force=True)
        self.handle = _take_lock(self.lock, self.target, self.wait)
        try:
            self.data = self._read()
        except BaseException:
            self._release()
            raise
        return self

    def _read(self) -> bytes | None:
        try:
            with open(self.target, "rb") as file:
                return file.read()
        except FileNotFoundError:
            if not self.create:
                raise
            return None

    def commit(self, data: bytes, mode: int | None = None) -> None:
        """Write data into the lock and rename it over the file, unless it changed."""
        if self.handle is None:
            raise RuntimeError(f"{self.target}: commit() without holding the lock (outside `with`)")
        _fill(os.dup(self.handle), data, self.target, mode)
        check_target(self.target, force=True)
        try:
            now = self._read()
        except FileNotFoundError:
            now = None
        if now != self.data:
            raise Changed(16, "changed since it was read; nothing written", str(self.target))
        os.replace(self.lock, self.target)
        os.close(self.handle)
        self.handle = None

    def _release(self) -> None:
        if self.handle is not None:
            os.close(self.handle)
            self.handle = None
            with contextlib.suppress(OSError):
                os.unlink(self.lock)

    def __exit__(self, *exc) -> None:
        self._release()


def _take_lock(lock: Path, target: Path, wait: float) -> int:
    import random
    import time

    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    deadline = time.monotonic() + wait
    delay = 0.01
    while True:
        try:
            return os.open(lock, flags, 0o600)
        except FileExistsError:
            if time.monotonic() >= deadline:
                raise Locked(
                    11,
                    f"{lock} exists: another projreg seems to be writing this file; "
                    f"if none is running, remove {lock} and try again",
                    str(target),
                ) from None
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.25)


def write_through(
    path: str | os.PathLike, produce, force: bool = False, inputs=(), suffix: str = ""
) -> None:
    """write_atomically for a writer that needs a file name (SQLite): produce(name) writes
    a file in a new private folder beside the target, which is then renamed into place."""
    import shutil
    import tempfile

    target = resolve_target(path)
    check_target(target, force, inputs)
    folder = tempfile.mkdtemp(prefix=f".{target.name[:64]}.", suffix=".tmp", dir=target.parent)
    try:
        made = os.path.join(folder, "new" + suffix)
        produce(made)
        handle = os.open(made, os.O_RDONLY | _NOFOLLOW)
        try:
            _set_mode(handle, target)
            os.fsync(handle)
        finally:
            os.close(handle)
        check_target(target, force, inputs)
        if force:
            os.replace(made, target)
        else:
            os.link(made, target, follow_symlinks=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
