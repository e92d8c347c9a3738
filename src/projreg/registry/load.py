"""Finding and loading registries: files → cache → fast parser → careful parser.

A registry is one YAML file or a folder of *.yaml files (ids unique across
all of them), chosen by a path, then $PROJREG_REGISTRY, then the registry
bundled with projreg. Loading is strict: every problem is collected with its
FILE:LINE:COL and a hint, and reported together in one RegistryError.

Each file is read once from the cache if it validated before; otherwise by
the fast parser when it can be trusted with the text, and by the careful,
position-keeping one when not or when anything is wrong. Registry-wide checks
(unique ids) come last; a file only then goes into the cache. (read_each, for a
registry too large to hold, caches each file that has no problem of its own as
it goes, helper processes reading ahead a few hundred projects at a time; ids used
twice still stop it.)
"""

from __future__ import annotations

import gc
import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from projreg.model.problems import Problem, RegistryError
from projreg.model.project import Organisation, Origin, Project, Registry, id_key

ENV_VAR = "PROJREG_REGISTRY"
BUNDLED = Path(__file__).parent.parent / "data" / "projects.yaml"


def registry_paths(path=None) -> list[Path]:
    """The files of the registry chosen by path (or several), $PROJREG_REGISTRY or the default."""
    if isinstance(path, (list, tuple)):
        return [file for one in path for file in registry_paths(one)] if path else registry_paths()
    chosen = path if path is not None else os.environ.get(ENV_VAR) or None
    if chosen is None:
        return [BUNDLED]
    target = Path(chosen)
    try:
        target.stat()
    except FileNotFoundError:
        raise RegistryError([Problem(str(target), 0, 0, "no such file or folder")]) from None
    except OSError as error:  # a folder on the way that may not be entered, a loop of links
        raise RegistryError(
            [Problem(str(target), 0, 0, f"cannot read: {error.strerror or error}")]
        ) from None
    if target.is_dir():
        files = sorted([*target.glob("*.yaml"), *target.glob("*.yml")])
        if not files:
            raise RegistryError(
                [
                    Problem(
                        str(target), 0, 0, "folder has no *.yaml files", "point at a registry file"
                    )
                ]
            )
        return files
    if not target.exists():
        raise RegistryError([Problem(str(target), 0, 0, "no such file or folder")])
    return [target]


class FileContents(NamedTuple):
    """What one registry file holds, once validated."""

    projects: list[Project]
    organisations: list[Organisation]
    notes: list[str]
    warnings: tuple = ()  # Problems of severity "warning": suspicious, but not errors
    # Ids of projects left out for errors: their ids still count for uniqueness.
    rejected: tuple = ()
    # Each project's row as its cache entry holds it, when read from there (read_each):
    # the database keeps the same row, so it is not encoded again.
    encoded: list[str] | None = None


_NOTHING = FileContents([], [], [])


def load_registry(path=None, use_cache: bool = True, fast: bool = True) -> Registry:
    """Load and validate the registry at path (a file, a folder, or a list of them), or the default.

    Raises RegistryError listing every error. Warnings (suspicious but valid
    data) are kept in Registry.warnings; `projreg check` shows them.

    A file that validated before is read from the cache (see cache.py) unless
    use_cache is false. A new one is parsed by the fast parser when `fast` and it
    is available; any problem at all sends the file through the position-keeping
    parser, so that every message has its line and column.
    """
    files = [str(file) for file in registry_paths(path)]
    problems: list[Problem] = []
    with collector_paused():
        read = {file: _read_file(file, problems, use_cache, fast) for file in files}
        duplicates = _duplicate_ids(_all_ids(read))
        if duplicates and any(not _origin(p).line for pair in duplicates for p in pair):
            # Projects from the fast parser or the cache carry no line: read the files
            # concerned again, with positions, so that the message can point at both.
            again = {_origin(p).file for pair in duplicates for p in pair}
            for file in again:
                read[file] = _read_file(file, [], use_cache=False, fast=False)
            duplicates = _duplicate_ids(_all_ids(read))
    problems += [_duplicate_problem(first, second) for first, second in duplicates]
    if any(p.severity == "error" for p in problems):
        raise RegistryError(problems, _registry(files, read, problems))
    # Cached only now, after the registry-wide checks: a cache entry is a file without problems.
    from projreg.registry import cache

    for contents, entry in read.values():
        if entry:
            cache.store(entry, contents)
    return _registry(files, read, problems)


class Unclean(Exception):
    """The registry has an error; load_registry says which, with every other one."""


def read_each(path=None, use_cache: bool = True):
    """(file, validated contents) for the registry's files in order, a few thousand projects
    at a time when the cache has the file (else the file whole), each file cached once read:
    for the database of a registry too large to hold whole (store._build).

    Helper processes read, validate and cache the next files while this one takes in
    those done (a machine has more than one core), so this one mostly reads the cache.
    Raises Unclean at the first file with an error, or an id used before."""
    files = [str(file) for file in registry_paths(path)]
    # The helpers take the files after the first, which this process validates and caches
    # itself meanwhile (as a helper would, a few hundred projects at a time: so a single
    # file too), instead of waiting for a helper's first file.
    ahead = _ahead(files[1:]) if use_cache and len(files) > 1 else None
    seen: set[str] = set()
    try:
        for number, file in enumerate(files):
            if use_cache and number == 0 and not _validate_and_cache(file):
                raise Unclean(file)
            if ahead and number > 0 and _result(ahead[number - 1]) is False:
                raise Unclean(file)
            for contents in _parts(file, use_cache):
                for project in (*contents.projects, *contents.rejected):
                    key = id_key(project.id)
                    if key in seen:
                        raise Unclean(file)
                    seen.add(key)
                yield file, contents
                del contents  # before the next part is read
    finally:
        if ahead:
            ahead[0][0].shutdown(wait=True, cancel_futures=True)


def _parts(file: str, use_cache: bool):
    """The file's validated contents, a few thousand projects at a time from its cache entry,
    else read whole (and cached if it has no problem of its own); Unclean at an error."""
    from projreg.registry import cache

    entry = entry_of(file) if use_cache else None
    stored = cache.load_in_parts(entry) if entry else None
    if stored is None:
        problems: list[Problem] = []
        contents, entry = _read_file(file, problems, use_cache, fast=True)
        if any(p.severity == "error" for p in problems):
            raise Unclean(file)
        if entry:
            cache.store(entry, contents)  # a file without problems of its own
        yield contents
        return
    parts, organisations, notes, warnings = stored
    assert entry is not None  # stored was loaded from this entry
    _read_as[file] = entry
    first = True
    while True:
        try:
            projects, encoded = next(parts)
        except StopIteration:
            break
        except cache.UNREADABLE as error:  # a damaged row: load_registry reads the file
            raise Unclean(file) from error
        yield FileContents(
            projects,
            organisations if first else [],
            notes if first else [],
            warnings if first else (),
            (),
            encoded,
        )
        first = False
    if first:  # no projects: still its organisations
        yield FileContents([], organisations, notes, warnings, ())


# Files validated at once by helper processes: each needs a few hundred megabytes (a file
# is read a few hundred projects at a time) and a core.
HELPERS = 2 if (os.cpu_count() or 1) > 1 else 1


def _ahead(files: list[str]) -> list:
    """Validate and cache files in helper processes, HELPERS at a time in the files' order,
    while this process takes in the ones done (a fresh process per file: its memory goes
    back)."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(HELPERS)
    return [(pool, pool.submit(_helper, file)) for file in files]


_HELPER = (
    "import sys; from projreg.registry.load import _validate_and_cache as check; "
    "sys.exit(0 if check(sys.argv[1]) else 3)"
)


def _helper(file: str) -> bool | None:
    """Validate and cache file in a fresh Python with this one's module path (-P: nothing
    from the current folder); None if it failed or took too long (then this process reads
    the file itself)."""
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    try:
        # Far longer than a file of the largest size takes (512 MiB: about a minute).
        limit = 120 + os.path.getsize(file) / 1e6
        done = subprocess.run(
            [sys.executable, "-P", "-c", _HELPER, file],
            env=env,
            capture_output=True,
            timeout=limit,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return {0: True, 3: False}.get(done.returncode)


def _result(ahead) -> bool | None:
    """Did the helper find the file clean (True), with an error (False), or fail (None)?"""
    try:
        return ahead[1].result()
    except Exception:  # a helper that could not start: this process reads the file
        return None


def _validate_and_cache(file: str) -> bool:
    """Read, validate and cache file (a helper's work; read_each does it for the first
    file itself); False if it has an error."""
    from projreg.registry import cache

    with collector_paused():
        cached = _cache_in_pieces(file)
        if cached is not None:
            return cached
        problems: list[Problem] = []
        contents, entry = _read_file(file, problems, use_cache=True, fast=True)
    if entry:
        cache.store(entry, contents)
    return not any(p.severity == "error" for p in problems)


def _cache_in_pieces(file: str) -> bool | None:
    """Validate and cache file reading a few hundred projects at a time, so that its
    projects are never all in memory: True when its entry is in the cache (written now or
    before), None when it cannot be read so (text the pieces might misread, anything
    wrong, a cache that cannot be written: then it is read whole, which says what)."""
    from projreg.registry import cache
    from projreg.registry.decode import FileReader

    known = cache.known_key(file)
    if known and cache.has(known):
        return True
    raw, entry = _bytes_and_entry(file, [], use_cache=True)
    if raw is None:
        return None
    if cache.has(entry):
        return True
    text = _text_of(file, raw, [])
    del raw
    if text is None:
        return None
    reader = FileReader(file, [], fast=True)
    try:
        steps = reader.read_fast_in_pieces(text)
        if steps is None:
            return None
        with cache.EntryWriter(entry, file) as out:
            for _ in steps:
                out.add(reader.projects)
                reader.projects.clear()
            written = out.finish(reader.organisations, reader.notes, (), reader.country_names)
    except Exception:  # NeedsPositions, yamlsafe.NotInPieces...: read whole
        return None
    return True if written else None


def _all_ids(read: dict) -> list:
    """Every project of every file in file order, those left out for errors included."""
    everything = []
    for contents, _ in read.values():
        if contents.rejected:  # in the file's order, so that "first defined at" is the first
            everything += sorted(
                [*contents.projects, *contents.rejected], key=lambda p: p.origin.line
            )
        else:
            everything += contents.projects
    return everything


def _registry(files, read: dict, problems: list[Problem]) -> Registry:
    parts = [contents for contents, _ in read.values()]
    return Registry(
        tuple(p for part in parts for p in part.projects),
        tuple(o for part in parts for o in part.organisations),
        tuple(files),
        tuple(n for part in parts for n in part.notes),
        tuple(problems),
    )


@contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector while loading.

    Loading creates hundreds of thousands of containers and no cycles; the
    collector would scan them again and again (it quadruples the time of a
    100,000-project registry) and find nothing to free.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What was loaded lives until the command ends: later collections need not scan it.
        gc.freeze()
        if enabled:
            gc.enable()


# The cache entry each file was last read as in this process (its content's name): a
# database made from what was loaded is named after what was read, never after what the
# file holds by the time it is written (store.remember, store._build).
_read_as: dict[str, str] = {}


def read_as(files) -> list[str | None]:
    """The entries these files were last read as by this process (None: not read so)."""
    return [_read_as.get(str(file)) for file in files]


def _read_file(file: str, problems: list[Problem], use_cache: bool, fast: bool):
    """The file's contents, and the cache entry to store them under (None: do not store)."""
    from projreg.registry import cache

    _read_as.pop(file, None)
    if use_cache:
        known = cache.known_key(file)
        cached = cache.load(known) if known else None
        if known and cached is not None:
            problems.extend(cached[3])
            _read_as[file] = known
            return FileContents(*cached), None
    raw, key = _bytes_and_entry(file, problems, use_cache)
    if raw is None:
        return _NOTHING, None
    if key:
        _read_as[file] = key
        cached = cache.load(key)
        if cached is not None:
            problems.extend(cached[3])
            return FileContents(*cached), None
    text = _text_of(file, raw, problems)
    del raw  # the text is all that is read from here on
    if text is None:
        return _NOTHING, None
    from projreg.registry.decode import FileReader

    reader = None
    if fast:
        reader = FileReader(file, [], fast=True)
        if not reader.read_fast(text):
            reader = None
    start = len(problems)
    if reader is None:
        reader = FileReader(file, problems)
        reader.read_data(reader.parse(text))
    own = tuple(problems[start:])
    contents = FileContents(
        reader.projects, reader.organisations, reader.notes, own, tuple(reader.rejected)
    )
    # A file with warnings only is cached with them: real imports often have some.
    return contents, key if all(p.severity == "warning" for p in own) else None


def _bytes_and_entry(file: str, problems: list[Problem], use_cache: bool):
    """(the file's bytes, None if unreadable; its cache entry, remembered for the next
    run, None when not caching)."""
    from projreg.registry import cache

    before = _stat(file)
    raw = _read_bytes(file, problems)
    if raw is None or not use_cache:
        return raw, None
    key = cache.key(file, raw)
    if before is not None:
        cache.remember_key(file, before, key)
    return raw, key


def _text_of(file: str, raw: bytes, problems: list[Problem]) -> str | None:
    """The file's text; None (and the problem) when it is not UTF-8 YAML can read alike."""
    text = _decode(file, raw, problems)
    if text is None or _has_line_separator(file, text, problems):
        return None
    return text


def _stat(file: str):
    try:
        return os.stat(file)
    except OSError:
        return None


def entry_of(file: str) -> str | None:
    """The cache entry of file as it is now, remembered or worked out from its bytes."""
    from projreg.registry import cache

    before = _stat(file)
    if before is None or not stat.S_ISREG(before.st_mode):
        return None  # a pipe or a device is read once, by load_registry
    return cache.known_key(file) or _bytes_and_entry(file, [], use_cache=True)[1]


# The largest registry file read: 512 MiB is five times a million-project registry. Read
# in pieces up to this, so that /dev/zero or an endless pipe cannot take all the memory.
MAX_FILE_SIZE = 512 * 1024 * 1024
_CHUNK = 1024 * 1024


def _read_bytes(file: str, problems: list[Problem]) -> bytes | None:
    too_big = Problem(
        file,
        0,
        0,
        f"the file is larger than {MAX_FILE_SIZE:,} bytes, the most projreg reads",
        "split the registry into a folder of smaller files",
    )
    try:
        with open(file, "rb") as handle:
            status = os.fstat(handle.fileno())
            if status.st_size > MAX_FILE_SIZE:
                problems.append(too_big)
                return None
            stream = not stat.S_ISREG(status.st_mode)  # a pipe or a device: size unknown
            chunks: list[bytes] = []
            size = 0
            while chunk := handle.read(_CHUNK):
                if stream and b"\0" in chunk:  # YAML never holds NUL: /dev/zero is no registry
                    offset = size + chunk.index(b"\0")
                    before = b"".join([*chunks, chunk[: offset - size]])
                    problems.append(
                        Problem(
                            file,
                            before.count(b"\n") + 1,
                            len(before) - before.rfind(b"\n"),
                            f"not a text file (a NUL byte at offset {offset:,})",
                            "point --registry at a YAML file",
                        )
                    )
                    return None
                size += len(chunk)
                if size > MAX_FILE_SIZE:
                    problems.append(too_big)
                    return None
                chunks.append(chunk)
            return b"".join(chunks)
    except OSError as error:
        problems.append(Problem(file, 0, 0, f"cannot read: {error.strerror or error}"))
        return None


def _decode(file: str, raw: bytes, problems: list[Problem]) -> str | None:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        message = "the file is UTF-16 (it starts with a UTF-16 byte-order mark)"
        problems.append(Problem(file, 1, 1, message, "save it as UTF-8"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        problems.append(Problem(file, line, column, "not valid UTF-8", "save the file as UTF-8"))
        return None


_SEPARATORS = ("\u2028", "\u2029", "\x85")


def _has_line_separator(file: str, text: str, problems: list[Problem]) -> bool:
    """A raw U+2028, U+2029 or U+0085 is a line break to YAML 1.1 and text to YAML 1.2:
    the two parsers would read the file differently, so neither reads it."""
    if text.isascii() or not any(s in text for s in _SEPARATORS):
        return False
    start = min(i for i in (text.find(s) for s in _SEPARATORS) if i >= 0)
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    name = {"\u2028": "line separator U+2028", "\u2029": "paragraph separator U+2029"}.get(
        text[start], "next-line character U+0085"
    )
    problems.append(
        Problem(
            file,
            line,
            column,
            f"{name} in the text: YAML readers disagree on whether it ends a line",
            f"remove it, or write it as \\u{ord(text[start]):04x} in a double-quoted string",
        )
    )
    return True


def _duplicate_ids(projects: list[Project]) -> list[tuple[Project, Project]]:
    """(first, later) for each project whose id was used before, as `show` compares ids."""
    found = []
    first: dict[str, Project] = {}
    for project in projects:
        key = id_key(project.id)
        if key in first:
            found.append((first[key], project))
        else:
            first[key] = project
    return found


def _origin(project: Project) -> Origin:
    """Where a project read from a file was read."""
    assert project.origin is not None  # decode and the cache give every project read its origin
    return project.origin


def _duplicate_problem(earlier: Project, project: Project) -> Problem:
    same = earlier.id.casefold() == project.id.casefold()
    what = (
        f"duplicate id {project.id!r}"
        if same
        else f"id {project.id!r} is the same as {earlier.id!r} to `show`"
    )
    origin = _origin(project)
    return Problem(
        origin.file,
        origin.line,
        origin.column,
        f"{what}, first defined at {earlier.origin}",
        "give each project its own id"
        if same
        else "ids must differ in more than case, spaces or punctuation",
        project.id,
        "id",
    )
