"""A cache of validated registry files, so that a large registry loads fast the second time.

Each file's projects are stored as JSON (never pickle) under the user cache
folder ($PROJREG_CACHE_DIR overrides), named by a hash of the file's bytes, its
path and projreg's version: an edited file has a new name, so stale data is
never returned. Entries are written to a temporary file and renamed, so two
runs at once never see half an entry; an unreadable entry is ignored and
rebuilt. Only files without any problem are cached.
"""

from __future__ import annotations

import os
from functools import cache
from operator import attrgetter
from pathlib import Path

from . import __version__, geo
from .dates import PartialDate
from .model import Budget, Component, Link, Organisation, Origin, Participant, Project, Sector

ENV_VAR = "PROJREG_CACHE_DIR"
FORMAT = 3  # bump when the stored shape changes


def folder() -> Path:
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "projreg"


def _blake2b():
    # hashlib would load OpenSSL first (2 ms of every start); BLAKE2 is built in.
    try:
        from _blake2 import blake2b
    except ImportError:
        from hashlib import blake2b
    return blake2b(digest_size=20)


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


def _json_dumps(data) -> bytes:
    try:
        import orjson
    except ImportError:  # dumps, not dump: only the one-shot encoder is the fast one, in C
        import json

        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # orjson writes tuples but not their subclasses: a NamedTuple comes back as a plain tuple.
    return orjson.dumps(data, default=tuple)


def load(entry: str):
    """The FileContents stored under entry, or None if there is none or it is unreadable."""
    from .registry import FileContents

    path = folder() / f"{entry}.json"
    try:
        data = _json_loads(path.read_bytes())
        if data.get("format") != FORMAT:
            return None
        file = data["file"]
        geo.remember_names(data["names"])
        return FileContents(
            [_project(p, file) for p in data["projects"]],
            [Organisation(o[0], tuple(o[1]), o[2], o[3]) for o in data["organisations"]],
            list(data["notes"]),
        )
    except (
        OSError,
        ValueError,
        KeyError,
        TypeError,
        IndexError,
        AttributeError,
    ):  # orjson's errors are ValueErrors
        return None  # missing or damaged: the caller reads the file and stores a new entry


def store(entry: str, contents) -> None:
    """Store contents under entry, atomically; a cache that cannot be written is skipped."""
    file = contents.projects[0].origin.file if contents.projects else ""
    data = {
        "format": FORMAT,
        "file": file,
        "projects": [_plain(p) for p in contents.projects],
        "organisations": [
            [o.name, list(o.aliases), o.part_of, o.note] for o in contents.organisations
        ],
        "notes": contents.notes,
        # The countries' display names, so that printing needs no pycountry import.
        "names": {
            code: geo.country_name(code)
            for project in contents.projects
            for code in (*project.countries, *project.transaction_countries)
        },
    }
    import tempfile

    try:
        target = folder()
        target.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target, prefix=f".{entry}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_json_dumps(data))
            os.replace(temporary, target / f"{entry}.json")
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only or full disk costs speed, not correctness


# --- projects as JSON and back -------------------------------------------------------------
# A project is stored as a list in the order of _ORDER, not as a mapping: the field names
# are not repeated 100,000 times, which makes the file smaller and faster to parse. Objects
# are rebuilt without running __init__: the data was validated when it was cached.

_DATES = ("start", "end", "planned_start", "planned_end")
_PEOPLE = ("implementers", "donors", "programme_partners", "extending", "accountable")
_TEXTS = ("specific_objectives", "target_groups", "final_beneficiaries", "countries",
          "transaction_countries", "regions", "notes")  # fmt: skip
_SCALARS = ("id", "title", "iati_id", "acronym", "summary", "objective", "programme",
            "duration_months", "activity_status", "manager")  # fmt: skip
_ORDER = (*_SCALARS, *_TEXTS, *_DATES, *_PEOPLE, "components", "links", "sectors", "budgets")
_new = object.__new__


def _undate(value) -> PartialDate | None:
    return None if value is None else _day(*value)


_fields_of = attrgetter(*_ORDER)


def _plain(project: Project) -> list:
    # The records inside (NamedTuples, dates included) are written as arrays by
    # _json_dumps; nothing is copied here, which matters for 100,000 projects.
    return [*_fields_of(project), project.origin.line if project.origin else 0]


@cache
def _person(*values) -> Participant:
    # Donors and agencies repeat across projects: frozen, so one instance can serve them all.
    return Participant(*values)


@cache
def _day(year, month, day) -> PartialDate:
    return tuple.__new__(PartialDate, (year, month, day))  # checked when it was cached


def _tuple(items) -> tuple:
    return tuple(items) if items else ()


def _project(row: list, file: str) -> Project:
    # The hot loop of a warm start (100,000 calls): plain indexing, no per-field loops.
    if len(row) != _WIDTH:
        raise ValueError("a cached project of another shape")
    values = dict(zip(_SCALARS, row, strict=False))
    for index, name in _TEXT_AT:
        values[name] = _tuple(row[index])
    for index, name in _DATE_AT:
        date = row[index]
        values[name] = None if date is None else _day(*date)
    for index, name in _PEOPLE_AT:
        people = row[index]
        values[name] = tuple([_person(*p) for p in people]) if people else ()
    components, links, sectors, budgets = row[_REST_AT : _REST_AT + 4]
    values["components"] = tuple([Component(*c) for c in components]) if components else ()
    values["links"] = tuple([Link(*x) for x in links]) if links else ()
    values["sectors"] = tuple([Sector(*x) for x in sectors]) if sectors else ()
    values["budgets"] = (
        tuple([Budget(b[0], b[1], _undate(b[2]), _undate(b[3])) for b in budgets])
        if budgets
        else ()
    )
    values["origin"] = Origin(file, row[-1])
    project = _new(Project)
    project.__dict__.update(values)
    return project


_WIDTH = len(_ORDER) + 1
_TEXT_AT = [(_ORDER.index(name), name) for name in _TEXTS]
_DATE_AT = [(_ORDER.index(name), name) for name in _DATES]
_PEOPLE_AT = [(_ORDER.index(name), name) for name in _PEOPLE]
_REST_AT = _ORDER.index("components")
