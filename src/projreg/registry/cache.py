"""A cache of validated registry files, so that a large registry loads fast the second time.

Each file's projects are stored as JSON (never pickle) under the user cache
folder ($PROJREG_CACHE_DIR overrides), named by a hash of the file's bytes, its
path and projreg's version: an edited file has a new name, so stale data is
never returned. Entries are written to a temporary file and renamed, so two
runs at once never see half an entry. Only files without any problem are cached.

A cache may make an answer faster, never different: the folder is created 0700,
an entry not owned by the current user or writable by others is ignored, each
entry is sealed with a keyed hash (the key lives in the folder, 0600) so an
edited or planted entry is not believed, and every value's shape is checked
against the format (schema.py) before use. An entry that fails any check is
ignored and rebuilt from the YAML.
"""

from __future__ import annotations

import os
import stat

# Constant-time comparison without importing hmac, which loads OpenSSL (3 ms of every run).
from _operator import _compare_digest as compare_digest
from contextlib import suppress
from functools import cache
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from projreg.model import geo, schema
from projreg.model.dates import PartialDate
from projreg.model.project import Organisation, Origin, Project
from projreg.registry.files import CACHE_ENV, cache_folder, owned
from projreg.version import __version__

if TYPE_CHECKING:
    from decimal import Decimal

ENV_VAR = CACHE_ENV
FORMAT = 12  # bump when the stored shape changes
KEEP = 3  # entries kept per registry file: the newest ones


class Damaged(ValueError):
    """A cache entry whose shape is not what the format says: ignored, rebuilt."""


folder = cache_folder


def _blake2b(digest_size=20, **options):
    # hashlib would load OpenSSL first (2 ms of every start); BLAKE2 is built in.
    try:
        from _blake2 import blake2b
    except ImportError:
        from hashlib import blake2b
    return blake2b(digest_size=digest_size, **options)


_KEY_FILE = ".key"
_MAGIC = b"projreg-cache "


def _key(target: Path, create: bool) -> bytes | None:
    """The secret that seals this folder's entries: made once, readable by its owner only."""
    path = target / _KEY_FILE
    try:
        if _trusted(path):
            secret = path.read_bytes()
            if len(secret) == 32:
                return secret
            return None
    except FileNotFoundError:
        if not create:
            return None
    secret = os.urandom(32)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made meanwhile by another run: use theirs
        return _key(target, create=False)
    with os.fdopen(handle, "wb") as out:
        out.write(secret)
    return secret


def _mac(secret: bytes, payload: bytes | memoryview) -> bytes:
    digest = _blake2b(key=secret)
    digest.update(payload)
    return digest.hexdigest().encode()


def key(file: str, raw: bytes) -> str:
    """The entry's name: which file (for pruning), then a hash of its bytes and projreg's version."""
    where = _blake2b(digest_size=8)
    where.update(os.path.abspath(file).encode("utf-8", "surrogateescape"))
    if len(raw) > 1 << 20:
        # OpenSSL's SHA-256 is twice as fast as BLAKE2 on large files; importing it costs
        # 2 ms, which only a large registry pays.
        from hashlib import sha256

        digest = sha256()
    else:
        digest = _blake2b()
    digest.update(f"projreg {__version__} cache {FORMAT}\0".encode())
    digest.update(raw)
    return f"{where.hexdigest()}-{digest.hexdigest()[:40]}"


def combined(where: str, entries: list[str]) -> str:
    """The name for a database of several files (a folder's), made of their entries: which
    registry (for pruning), then a hash of the entries' names."""
    place = _blake2b(digest_size=8)
    place.update(os.path.abspath(where).encode("utf-8", "surrogateescape"))
    digest = _blake2b()
    digest.update("\0".join(entries).encode())
    return f"{place.hexdigest()}-{digest.hexdigest()[:40]}"


# --- knowing a file's entry without reading it ------------------------------------------------
# Hashing a 70 MB registry takes longer than answering from its store. The entry a file's
# bytes gave is remembered with the file's identity (size, modification and change times,
# inode): a write changes its change time, which no one can set back. As git does with its
# index, an identity is only remembered once the file is older than the filesystem's clock
# granularity could hide, so that an edit in the same tick as the hash is never missed.

_SETTLED_NS = 2_000_000_000


def _identity(info: os.stat_result) -> str:
    return f"{info.st_size} {info.st_mtime_ns} {info.st_ctime_ns} {info.st_ino} {info.st_dev}"


def _memo(file: str) -> Path:
    where = _blake2b(digest_size=8)
    where.update(os.path.abspath(file).encode("utf-8", "surrogateescape"))
    return folder() / f"{where.hexdigest()}.stat"


def known_key(file: str) -> str | None:
    """The entry of file's current bytes if remembered (see remember_key), else None."""
    try:
        memo = _memo(file)
        if not (_trusted(memo.parent) and _trusted(memo)):
            return None
        secret = _key(memo.parent, create=False)
        if secret is None:
            return None
        info = os.stat(file)
        if not stat.S_ISREG(info.st_mode):
            return None  # a pipe or a device: its identity says nothing of what it holds
        identity = _identity(info)
        entry, _, seal = memo.read_text(encoding="ascii").partition(" ")
        if compare_digest(seal.encode(), _mac(secret, f"{identity} {entry}".encode())):
            return entry
    except (OSError, ValueError):
        pass
    return None


def remember_key(file: str, before: os.stat_result, entry: str) -> None:
    """Remember that file, as `before` describes it (taken before reading it), gave entry."""
    import time

    try:
        if not stat.S_ISREG(before.st_mode):
            return
        if time.time_ns() - max(before.st_mtime_ns, before.st_ctime_ns) < _SETTLED_NS:
            return
        if _identity(os.stat(file)) != _identity(before):
            return  # changed while it was read
        target = folder()
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted(target):
            return
        secret = _key(target, create=True)
        if secret is None:
            return
        identity = _identity(before)
        memo = _memo(file)
        temporary = memo.with_name(f".{memo.name}.{os.getpid()}.tmp")
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(f"{entry} {_mac(secret, f'{identity} {entry}'.encode()).decode()}")
        os.replace(temporary, memo)
    except (OSError, ValueError):
        pass


def _json_loads(raw: bytes | memoryview):
    try:
        import orjson
    except ImportError:
        import json

        return json.loads(bytes(raw))
    return orjson.loads(raw)


@cache
def _decimal_type() -> type[Decimal]:
    # decimal is imported only where there are amounts, not at every start; and once: an
    # import statement (a lock and a lookup) run for each of a million values costs more
    # than the rest of their encoding.
    from decimal import Decimal

    return Decimal


def _default(value):
    # Called for every record (a million times for 100,000 real-shaped projects).
    if isinstance(value, tuple):
        return tuple(value)  # a NamedTuple subclass, which orjson does not take as a tuple
    if isinstance(value, _decimal_type()):
        return str(value)  # exact: read back with Decimal()
    return tuple(value)


def _json_dumps(data) -> bytes:
    try:
        import orjson
    except ImportError:  # dumps, not dump: only the one-shot encoder is the fast one, in C
        import json

        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_default).encode(
            "utf-8"
        )
    return orjson.dumps(data, default=_default)


_trusted = owned


# An entry is a header line (magic and the seal of the rest), then the JSON object
#   {"format":F,"file":"...","projects":[
#   <one project's row>,
#   <one project's row>
#   ],"organisations":[...],"notes":[...],"warnings":[...],"written":{...},"names":{...}}
# one row a line, so that it is written and read a slice of projects at a time (a 100,000
# project file's parsed JSON takes 10 times its size).
_ROWS_START = b'"projects":['
_ROWS_END = b"],"


class _Stored:
    """A sealed entry, checked but for its rows: rows() makes its projects a slice at a
    time (raising Damaged, or another error of those load catches, at a bad row)."""

    def __init__(self, raw: bytes, start: int, end: int, head: dict, tail: dict):
        self.file = _text(head["file"])
        names, self.written = tail["names"], tail["written"]
        for mapping in (names, self.written):
            if not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
                raise Damaged
        self.organisations = [_organisation(o) for o in tail["organisations"]]
        self.notes = [_text(n) for n in tail["notes"]]
        self.warnings = tuple(_warning(w) for w in tail["warnings"])
        geo.remember_names(names)
        self._raw, self._start, self._end = raw, start, end

    def rows(self, size: int, encoded: bool = False):
        """Lists of `size` projects; with encoded, (projects, each one's row as text)."""
        raw, file, written = self._raw, self.file, self.written
        view = memoryview(raw)
        position, end = self._start, self._end
        part, texts = [], []
        while position < end:
            stop = raw.find(b"\n", position, end)
            stop = end if stop < 0 else stop
            last = stop - 1 if raw[stop - 1] == 44 else stop  # the comma between rows
            row = view[position:last]
            part.append(_project(_json_loads(row), file, written))
            if encoded:
                texts.append(str(row, "utf-8"))
            position = stop + 1
            if len(part) == size:
                yield (part, texts) if encoded else part
                part, texts = [], []
        if part:
            yield (part, texts) if encoded else part


def _open(entry: str) -> _Stored | None:
    path = folder() / f"{entry}.json"
    if not (_trusted(path.parent) and _trusted(path)):
        return None
    secret = _key(path.parent, create=False)
    if secret is None:
        return None
    raw = path.read_bytes()
    end = raw.find(b"\n")
    if end < 0:
        return None
    payload = memoryview(raw)[end + 1 :]  # not a copy: entries reach 100s of MB
    if not compare_digest(raw[:end], _MAGIC + _mac(secret, payload)):
        return None  # edited, planted or cut short: not ours to believe
    first = raw.find(b"\n", end + 1)  # the line that opens the rows
    last = raw.rfind(b"\n") + 1  # the line that closes them
    if first < 0 or last <= first or not raw.endswith(_ROWS_START, 0, first):
        raise Damaged
    head = _json_loads(raw[end + 1 : first] + b"]}")
    if head.get("format") != FORMAT:
        return None
    if not raw.startswith(_ROWS_END, last):
        raise Damaged
    tail = _json_loads(b"{" + raw[last + len(_ROWS_END) :])
    return _Stored(raw, first + 1, last - 1, head, tail)


UNREADABLE = (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError)


def load(entry: str):
    """(projects, organisations, notes, warnings) stored under entry, or None if absent or
    untrustworthy."""
    try:
        stored = _open(entry)
        if stored is None:
            return None
        projects = [project for part in stored.rows(4096) for project in part]
        return projects, stored.organisations, stored.notes, stored.warnings
    except UNREADABLE:
        return None  # missing or damaged (orjson's errors are ValueErrors): read the YAML


def load_in_parts(entry: str, size: int = 5000):
    """(an iterator of (`size` projects, each one's row as the entry holds it), organisations,
    notes, warnings) stored under entry, or None as load; the iterator raises Damaged (a
    ValueError), or another error load catches, at a damaged row."""
    try:
        stored = _open(entry)
    except UNREADABLE:
        return None
    if stored is None:
        return None
    return stored.rows(size, encoded=True), stored.organisations, stored.notes, stored.warnings


class EntryWriter:
    """An entry written a few projects at a time, then sealed and renamed into place (store
    writes a whole file's with it); a cache that cannot be written is skipped. `with`:
    an error inside leaves no entry (and is raised)."""

    def __init__(self, entry: str, file: str):
        import tempfile

        self.entry, self.file, self.rows, self.out = entry, file, 0, None
        self.names: dict[str, str] = {}  # the countries' display names (no pycountry to print)
        try:
            self.target = folder()
            self.target.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not _trusted(self.target):
                return  # a folder others can write to: never write (nor read) entries there
            secret = _key(self.target, create=True)
            if secret is None:
                return
            handle, self.temporary = tempfile.mkstemp(
                dir=self.target, prefix=f".{entry}.", suffix=".tmp"
            )
            self.out = os.fdopen(handle, "wb")
            self.seal = _blake2b(key=secret)
            self.out.write(b" " * (len(_MAGIC) + 2 * self.seal.digest_size + 1))  # sealed last
            self._write(b'{"format":%d,"file":%s,%s' % (FORMAT, _json_dumps(file), _ROWS_START))
        except (OSError, TypeError, ValueError):
            self._abandon()

    def __enter__(self) -> EntryWriter:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is not None:
            self._abandon()

    def _write(self, data: bytes) -> None:
        assert self.out is not None  # opened by the first add
        self.seal.update(data)
        self.out.write(data)

    def _abandon(self) -> None:
        if self.out is not None:
            with suppress(OSError):  # a full disk fails the flush in close() again
                self.out.close()
            self.out = None
            Path(self.temporary).unlink(missing_ok=True)

    def add(self, projects) -> None:
        # Written a thousand rows at a time: each encoded row is a buffer of its own, and
        # 100,000 of them held at once took 800 MB.
        for start in range(0, len(projects), 1000):
            self._add(projects[start : start + 1000])

    def _add(self, projects) -> None:
        if self.out is None:
            return
        names = self.names
        try:
            lines = []
            for project in projects:
                lines.append(_json_dumps(_plain(project)))
                for field in _COUNTRY_FIELDS:
                    for code in getattr(project, field):
                        if code not in names:
                            names[code] = geo.country_name(code)
            if lines:
                self._write((b",\n" if self.rows else b"\n") + b",\n".join(lines))
        except (OSError, TypeError, ValueError):
            self._abandon()  # a read-only or full disk costs speed, not correctness
        self.rows += len(projects)

    def finish(self, organisations, notes, warnings, written: dict) -> bool:
        """Write the rest and put the entry in place; False when it could not be written.
        written: the country names as the file wrote them ("Turkey"), shown instead of
        ISO's."""
        if self.out is None:
            return False
        rest = {
            "organisations": organisations,
            "notes": notes,
            "warnings": [list(w) for w in warnings],
            "written": written,
            "names": self.names,
        }
        try:
            self._write(b"\n" + _ROWS_END + _json_dumps(rest)[1:])
            self.out.seek(0)
            self.out.write(_MAGIC + self.seal.hexdigest().encode() + b"\n")
            self.out.close()
            os.replace(self.temporary, self.target / f"{self.entry}.json")
        except (OSError, TypeError, ValueError):
            self._abandon()
            return False
        self.out = None
        with suppress(OSError):
            _remember_path(self.target, self.entry, self.file)
            prune(self.entry)
        return True


def store(entry: str, contents) -> None:
    """Store contents under entry, atomically; a cache that cannot be written is skipped."""
    projects = contents.projects
    with EntryWriter(entry, projects[0].origin.file if projects else "") as out:
        out.add(projects)
        written = (projects[0].written_names or {}) if projects else {}
        out.finish(contents.organisations, contents.notes, contents.warnings, written)


# --- the SQLite store of an entry (store.py), for queries that need a few projects -----------
# Sealed by its file's identity (size, modification and change times, inode) under the
# folder's key: sealing every byte would cost a warm query more than the query itself. An
# edit, a copy or a planted file changes that identity: an edit in place whose modification
# time is set back still moves the change time (st_ctime), which no user can set. In the
# owner-only folder only the owner (who can read the key anyway) could write it.


def _identity_seal(secret: bytes, entry: str, path: Path) -> bytes:
    info = path.stat()
    identity = (
        f"{entry}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}"
        f"\0{info.st_dev}"
    )
    return _mac(secret, identity.encode())


def has(entry: str) -> bool:
    """Is there a JSON entry of that name (a file that validated)?"""
    return (folder() / f"{entry}.json").exists()


def add_database(entry: str, write, registry: str = "") -> None:
    """Add an SQLite database to entry: write(path) makes it (store.write), then it is sealed.
    registry: the path it was made from, for `projreg cache info`."""
    target = folder()
    temporary = target / f".{entry}.{os.getpid()}.db.tmp"
    final, seal = target / f"{entry}.db", target / f"{entry}.seal"
    try:
        target.mkdir(mode=0o700, parents=True, exist_ok=True)  # the first thing cached (build)
        if not _trusted(target):
            return
        secret = _key(target, create=True)
        if secret is None:
            return
        temporary.unlink(missing_ok=True)
        write(temporary)
        os.chmod(temporary, 0o600)
        os.replace(temporary, final)
        sealed = target / f".{entry}.{os.getpid()}.seal.tmp"
        handle = os.open(sealed, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "wb") as out:
            out.write(_identity_seal(secret, entry, final))
        os.replace(sealed, seal)
        _remember_path(target, entry, registry)
        prune(entry)
    except Exception:
        pass
    finally:
        temporary.unlink(missing_ok=True)


def database(entry: str) -> Path | None:
    """The sealed SQLite database of entry, or None if absent or untrustworthy."""
    target = folder()
    path, seal = target / f"{entry}.db", target / f"{entry}.seal"
    try:
        if not (_trusted(target) and _trusted(path) and _trusted(seal)):
            return None
        secret = _key(target, create=False)
        if secret is None:
            return None
        if not compare_digest(seal.read_bytes(), _identity_seal(secret, entry, path)):
            return None
    except (OSError, ValueError):
        return None  # most often: no database for this entry (a small registry)
    return path


# --- pruning and inspecting ------------------------------------------------------------------

_SUFFIXES = (".json", ".db", ".seal")


def _entries(target: Path) -> dict[str, list[Path]]:
    """Entry name -> its files (JSON, database, seal)."""
    found: dict[str, list[Path]] = {}
    for path in target.iterdir():
        if path.suffix in _SUFFIXES and not path.name.startswith("."):
            found.setdefault(path.stem, []).append(path)
    return found


def _newest(paths: list[Path]) -> float:
    return max(p.stat().st_mtime for p in paths)


def _remember_path(target: Path, entry: str, file: str) -> None:
    """Which registry file entries named `<this prefix>-...` hold, for `projreg cache info`."""
    path = target / f"{entry.partition('-')[0]}.path"
    if not path.exists() and file:
        path.write_text(os.path.abspath(file), encoding="utf-8", errors="surrogateescape")


def prune(entry: str, keep: int = KEEP) -> None:
    """Remove all but the newest `keep` entries of entry's registry file, and entries of
    formats no longer read (named without the file's part)."""
    target = folder()
    prefix = entry.partition("-")[0]
    found = _entries(target)
    mine = [name for name in found if name.partition("-")[0] == prefix and "-" in name]
    mine.sort(key=lambda name: _newest(found[name]), reverse=True)
    old = [name for name in found if "-" not in name]
    for name in [*mine[keep:], *old]:
        for path in found[name]:
            path.unlink(missing_ok=True)
    # What a run killed while writing left behind (a database of gigabytes, at a million
    # projects): an hour is far longer than any write takes.
    import time

    stale = time.time() - 3600
    for path in target.glob(".*.tmp"):
        with suppress(OSError):
            if path.stat().st_mtime < stale:
                path.unlink()


class Entry(NamedTuple):
    name: str
    registry: str | None  # the file it holds, when its database says
    size: int
    modified: float


def entries() -> list[Entry]:
    """Every entry in the cache folder, newest first."""
    target = folder()
    if not target.is_dir():
        return []
    out = []
    for name, paths in _entries(target).items():
        out.append(
            Entry(
                name,
                _registry_of(target, name) if "-" in name else None,
                sum(p.stat().st_size for p in paths),
                _newest(paths),
            )
        )
    return sorted(out, key=lambda e: e.modified, reverse=True)


def _registry_of(target: Path, name: str) -> str | None:
    try:
        return (target / f"{name.partition('-')[0]}.path").read_text(
            encoding="utf-8", errors="surrogateescape"
        )
    except OSError:
        return None


def clear() -> int:
    """Remove every entry (and unfinished temporary files); how many entries were removed."""
    target = folder()
    if not target.is_dir():
        return 0
    found = _entries(target)
    for paths in found.values():
        for path in paths:
            path.unlink(missing_ok=True)
    for path in [*target.glob(".*.tmp"), *target.glob("*.path"), *target.glob("*.stat")]:
        path.unlink(missing_ok=True)
    return len(found)


# --- projects as JSON and back -------------------------------------------------------------
# A project is stored as a list in the order of schema.PROJECT, not as a mapping: the field
# names are not repeated 100,000 times. Each value is checked for the shape its kind has,
# then objects are built without running __init__ (their values are checked here).

_FIELDS = schema.PROJECT
_NAMES = tuple(f.name for f in _FIELDS)
_COUNTRY_FIELDS = tuple(f.name for f in _FIELDS if f.kind == schema.COUNTRIES)
_new = object.__new__


_values = attrgetter(*_NAMES)


def _plain(project: Project) -> list:
    # Records inside (NamedTuples, dates included) are written as arrays by _json_dumps;
    # nothing is copied here, which matters for 100,000 projects.
    assert project.origin is not None  # a project read from a file knows where
    return [*_values(project), project.origin.line]


def _text(value):
    if value.__class__ is not str:
        raise Damaged
    return value


def _optional_text(value):
    if value is not None and value.__class__ is not str:
        raise Damaged
    return value


def _texts(value) -> tuple:
    if value == []:
        return ()
    if value.__class__ is not list or not all(v.__class__ is str for v in value):
        raise Damaged
    return tuple(value)


@cache
def _day(year, month, day) -> PartialDate:
    return PartialDate(year, month, day)  # checked: a damaged entry raises DateError


def _date(value) -> PartialDate | None:
    return None if value is None else _day(*value)


def _count(value):
    if value is not None and (value.__class__ is not int or value < 1):
        raise Damaged
    return value


def _number(value):
    if value is not None and value.__class__ not in (int, float):
        raise Damaged
    return value


def _decimal(value) -> Decimal:
    if value.__class__ is not str:
        raise Damaged
    amount = _decimal_type()(value)
    if not amount.is_finite():
        raise Damaged
    return amount


def _choice(field):
    allowed = set(field.choices)

    def check(value):
        if value is not None and value not in allowed:
            raise Damaged
        return value

    return check


def _regions(value) -> tuple:
    names = _texts(value)
    if not all(geo.is_region_name(name) for name in names):
        raise Damaged
    return names


_PART = {
    schema.TEXT: _optional_text,
    schema.DATE: _date,
    schema.DECIMAL: _decimal,
    schema.NUMBER: _number,
    schema.TEXTS: _texts,
}


def _part(part):
    return _choice(part) if part.kind == schema.CHOICE else _PART[part.kind]


def _texts_of(readers) -> tuple:
    """(the positions whose reader is _optional_text as one getter, the others with their
    readers): a row's optional texts are checked at once, in C, not by a call each."""
    at = [i for i, read in enumerate(readers) if read is _optional_text]
    others = tuple((i, read) for i, read in enumerate(readers) if read is not _optional_text)
    if len(at) > 1:
        return itemgetter(*at), others
    return (lambda row: [row[i] for i in at]), others


_TEXT_TYPES = frozenset((str, type(None)))


def _records(field):
    record, parts = field.record, field.parts
    width = len(record._fields)
    by_name = {p.name: p for p in parts}
    # In the record's own order; a record field this list does not use (a donor's role) is empty.
    readers = [_part(by_name[n]) if n in by_name else _optional_text for n in record._fields]
    texts, others = _texts_of(readers)
    is_text = _TEXT_TYPES.issuperset
    new = tuple.__new__

    @cache
    def frozen(*values):
        # Donors and agencies repeat across projects: immutable, so one instance serves all.
        return new(record, values)

    def read(value) -> tuple:
        if value.__class__ is not list:
            raise Damaged
        if not value:
            return ()  # most lists of records are empty
        out = []
        for item in value:
            if item.__class__ is not list or len(item) != width:
                raise Damaged
            if not is_text(map(type, texts(item))):
                raise Damaged
            for i, read_part in others:  # in place: the row is this entry's own, just parsed
                item[i] = read_part(item[i])
            out.append(frozen(*item))
        return tuple(out)

    return read


def _reader(field):
    kind = field.kind
    if kind == schema.TEXT:
        return _text if field.required else _optional_text
    if kind in (schema.TEXTS, schema.COUNTRIES):
        return _texts
    if kind == schema.REGIONS:
        return _regions
    if kind == schema.DATE:
        return _date
    if kind == schema.COUNT:
        return _count
    if kind == schema.CHOICE:
        return _choice(field)
    if kind == schema.RECORDS:
        return _records(field)
    raise AssertionError(f"no cache reader for {kind}")


_READERS = tuple(_reader(f) for f in _FIELDS)
_PROJECT_TEXTS, _PROJECT_OTHERS = _texts_of(_READERS)
_WIDTH = len(_FIELDS) + 1
_ORGANISATION = _records(schema.TOP[1])


def _project(row: list, file: str, written: dict | None = None) -> Project:
    # The hot loop of a warm start (100,000 calls).
    if row.__class__ is not list or len(row) != _WIDTH or row[-1].__class__ is not int:
        raise Damaged
    if not _TEXT_TYPES.issuperset(map(type, _PROJECT_TEXTS(row))):
        raise Damaged
    for i, read in _PROJECT_OTHERS:  # in place: the row is this entry's own, just parsed
        row[i] = read(row[i])
    values = dict(zip(_NAMES, row, strict=False))  # the names end before the row's line
    values["origin"] = Origin(file, row[-1])
    values["written_names"] = written
    project = _new(Project)
    project.__dict__.update(values)
    return project


def _warning(row):
    from projreg.model.problems import Problem

    if row.__class__ is not list or len(row) != len(Problem._fields):
        raise Damaged
    file, line, column, message, hint, project, field, severity = row
    if line.__class__ is not int or column.__class__ is not int or severity != "warning":
        raise Damaged
    return Problem(
        _text(file), line, column, _text(message), _text(hint), _optional_text(project),
        _optional_text(field), severity,
    )  # fmt: skip


def _organisation(row) -> Organisation:
    return _ORGANISATION([row])[0]


# For the SQLite store (store.py), which keeps each project as the row written here.
dumps, loads, plain, project_row, organisation = (
    _json_dumps,
    _json_loads,
    _plain,
    _project,
    _organisation,
)
