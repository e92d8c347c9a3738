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
from decimal import Decimal
from functools import cache
from pathlib import Path

from . import geo, schema
from .dates import PartialDate
from .model import Organisation, Origin, Project
from .version import __version__

ENV_VAR = "PROJREG_CACHE_DIR"
FORMAT = 4  # bump when the stored shape changes


class Damaged(ValueError):
    """A cache entry whose shape is not what the format says: ignored, rebuilt."""


def folder() -> Path:
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "projreg"


def _blake2b(**options):
    # hashlib would load OpenSSL first (2 ms of every start); BLAKE2 is built in.
    try:
        from _blake2 import blake2b
    except ImportError:
        from hashlib import blake2b
    return blake2b(digest_size=20, **options)


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


def _mac(secret: bytes, payload: bytes) -> bytes:
    digest = _blake2b(key=secret)
    digest.update(payload)
    return digest.hexdigest().encode()


def key(file: str, raw: bytes) -> str:
    digest = _blake2b()
    digest.update(f"projreg {__version__} cache {FORMAT}\0{os.path.abspath(file)}\0".encode())
    digest.update(raw)
    return digest.hexdigest()


def _json_loads(raw: bytes):
    try:
        import orjson
    except ImportError:
        import json

        return json.loads(raw)
    return orjson.loads(raw)


def _default(value):
    if isinstance(value, Decimal):
        return str(value)  # exact: read back with Decimal()
    return tuple(value)  # a NamedTuple subclass, which orjson does not take as a tuple


def _json_dumps(data) -> bytes:
    try:
        import orjson
    except ImportError:  # dumps, not dump: only the one-shot encoder is the fast one, in C
        import json

        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_default).encode(
            "utf-8"
        )
    return orjson.dumps(data, default=_default)


def _trusted(path: Path) -> bool:
    """Our own file, which nobody else could have written."""
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load(entry: str):
    """(projects, organisations, notes) stored under entry, or None if absent or untrustworthy."""
    path = folder() / f"{entry}.json"
    try:
        if not (_trusted(path.parent) and _trusted(path)):
            return None
        secret = _key(path.parent, create=False)
        if secret is None:
            return None
        raw = path.read_bytes()
        header, _, payload = raw.partition(b"\n")
        if header != _MAGIC + _mac(secret, payload):
            return None  # edited, planted or cut short: not ours to believe
        data = _json_loads(payload)
        if data.get("format") != FORMAT:
            return None
        file = _text(data["file"])
        names = data["names"]
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in names.items()):
            raise Damaged
        projects = [_project(p, file) for p in data["projects"]]
        organisations = [_organisation(o) for o in data["organisations"]]
        notes = [_text(n) for n in data["notes"]]
        geo.remember_names(names)
        return projects, organisations, notes
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None  # missing or damaged (orjson's errors are ValueErrors): read the YAML


def store(entry: str, contents) -> None:
    """Store contents under entry, atomically; a cache that cannot be written is skipped."""
    file = contents.projects[0].origin.file if contents.projects else ""
    data = {
        "format": FORMAT,
        "file": file,
        "projects": [_plain(p) for p in contents.projects],
        "organisations": contents.organisations,
        "notes": contents.notes,
        # The countries' display names, so that printing needs no pycountry import.
        "names": {
            code: geo.country_name(code)
            for project in contents.projects
            for name in _COUNTRY_FIELDS
            for code in getattr(project, name)
        },
    }
    import tempfile

    try:
        target = folder()
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted(target):
            return  # a folder others can write to: never write (nor read) entries there
        secret = _key(target, create=True)
        if secret is None:
            return
        payload = _json_dumps(data)
        handle, temporary = tempfile.mkstemp(dir=target, prefix=f".{entry}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_MAGIC + _mac(secret, payload) + b"\n" + payload)
            os.replace(temporary, target / f"{entry}.json")
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except (OSError, TypeError, ValueError):
        pass  # a read-only or full disk costs speed, not correctness


# --- projects as JSON and back -------------------------------------------------------------
# A project is stored as a list in the order of schema.PROJECT, not as a mapping: the field
# names are not repeated 100,000 times. Each value is checked for the shape its kind has,
# then objects are built without running __init__ (their values are checked here).

_FIELDS = schema.PROJECT
_NAMES = tuple(f.name for f in _FIELDS)
_COUNTRY_FIELDS = tuple(f.name for f in _FIELDS if f.kind == schema.COUNTRIES)
_new = object.__new__


def _plain(project: Project) -> list:
    # Records inside (NamedTuples, dates included) are written as arrays by _json_dumps;
    # nothing is copied here, which matters for 100,000 projects.
    return [*(getattr(project, name) for name in _NAMES), project.origin.line]


def _text(value):
    if value.__class__ is not str:
        raise Damaged
    return value


def _optional_text(value):
    if value is not None and value.__class__ is not str:
        raise Damaged
    return value


def _texts(value) -> tuple:
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
    amount = Decimal(value)
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


def _records(field):
    record, parts = field.record, field.parts
    width = len(record._fields)
    by_name = {p.name: p for p in parts}
    # In the record's own order; a record field this list does not use (a donor's role) is empty.
    readers = [_part(by_name[n]) if n in by_name else _optional_text for n in record._fields]
    new = tuple.__new__

    @cache
    def frozen(*values):
        # Donors and agencies repeat across projects: immutable, so one instance serves all.
        return new(record, values)

    def read(value) -> tuple:
        if value.__class__ is not list:
            raise Damaged
        out = []
        for item in value:
            if item.__class__ is not list or len(item) != width:
                raise Damaged
            out.append(frozen(*[r(v) for r, v in zip(readers, item, strict=True)]))
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
_WIDTH = len(_FIELDS) + 1
_ORGANISATION = _records(schema.TOP[1])


def _project(row: list, file: str) -> Project:
    # The hot loop of a warm start (100,000 calls).
    if row.__class__ is not list or len(row) != _WIDTH or row[-1].__class__ is not int:
        raise Damaged
    values = {name: read(value) for name, read, value in zip(_NAMES, _READERS, row, strict=False)}
    values["origin"] = Origin(file, row[-1])
    project = _new(Project)
    project.__dict__.update(values)
    return project


def _organisation(row) -> Organisation:
    return _ORGANISATION([row])[0]
