"""Finding and loading registries, and the problems found in them.

A registry is one YAML file or a folder of *.yaml files (ids unique across
all of them), chosen by --registry, then $PROJREG_REGISTRY, then the registry
bundled with projreg. Loading is strict: every problem is collected with its
FILE:LINE:COL, the project and field it concerns, and a hint, and reported
together in one RegistryError. The file format's field names live here; the
checking of each field lives in validate.py, the cache in cache.py.
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from .model import Organisation, Project, Registry

ENV_VAR = "PROJREG_REGISTRY"
BUNDLED = Path(__file__).parent / "data" / "projects.yaml"

TOP_FIELDS = ("source", "organisations", "projects")
ORGANISATION_FIELDS = ("name", "aliases", "part_of", "note")
PROJECT_FIELDS = (
    "id",
    "iati_id",
    "acronym",
    "title",
    "summary",
    "objective",
    "specific_objectives",
    "components",
    "target_groups",
    "final_beneficiaries",
    "implementers",
    "donors",
    "programme_partners",
    "extending",
    "accountable",
    "programme",
    "countries",
    "transaction_countries",
    "regions",
    "start",
    "end",
    "planned_start",
    "planned_end",
    "duration_months",
    "activity_status",
    "sectors",
    "budgets",
    "manager",
    "links",
    "notes",
)
PARTICIPANT_FIELDS = {
    "implementers": ("name", "role", "department", "ref"),
    "donors": ("name", "department", "instrument", "ref"),
    "programme_partners": ("name", "role", "ref"),
    "extending": ("name", "role", "ref"),
    "accountable": ("name", "role", "ref"),
}
SECTOR_FIELDS = ("code", "vocabulary", "name", "percentage")
BUDGET_FIELDS = ("value", "currency", "start", "end")
LINK_FIELDS = ("text", "url", "kind")
COMPONENT_FIELDS = ("title", "description")
DATE_HINT = "write a year (2018), a month (2018-06 or June 2018) or a day (2018-06-01)"


class Problem(NamedTuple):
    """One thing wrong with a registry, located as precisely as we can."""

    file: str
    line: int
    column: int
    message: str
    hint: str = ""
    project: str | None = None
    field: str | None = None
    severity: str = "error"

    def headline(self) -> str:
        where = ": ".join(x for x in (self.project, self.field) if x)
        message = f"{where}: {self.message}" if where else self.message
        location = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return _visible(f"{location}: {self.severity}: {message}")

    def render(self) -> str:
        """hledger style: the headline, the offending line with a caret, then the hint."""
        lines = [self.headline()]
        source = _source_line(self.file, self.line)
        if source is not None:
            before, after = source[: self.column - 1], source[self.column - 1 :]
            if len(before) > 60:  # a long line: show the part around the column
                before = "…" + before[-59:]
            if len(after) > 60:
                after = after[:59] + "…"
            lines.append(f"  {self.line} | {_visible(before + after)}")
            lines.append(f"  {' ' * len(str(self.line))} | {' ' * len(_visible(before))}^")
        if self.hint:
            lines.append(f"  hint: {_visible(self.hint)}")
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line or None,
            "column": self.column or None,
            "severity": self.severity,
            "project": self.project,
            "field": self.field,
            "message": self.message,
            "hint": self.hint or None,
        }


def _visible(text: str) -> str:
    from .render import visible

    return visible(text, keep_newlines=False)


def _source_line(file: str, line: int) -> str | None:
    if line < 1:
        return None
    try:
        with open(file, encoding="utf-8", errors="replace", newline="\n") as handle:
            for number, text in enumerate(handle, 1):
                if number == line:
                    return text.rstrip("\r\n").lstrip("\ufeff")
                if number > line:
                    break
    except OSError:
        return None
    return None


class RegistryError(Exception):
    """The registry could not be read or is not valid; .problems says why, all of it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.headline() for p in self.errors))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def render(self) -> str:
        """The errors (not the warnings), each with its line and hint."""
        return "\n".join(p.render() for p in self.errors)


def registry_paths(path=None) -> list[Path]:
    """The files of the registry chosen by path (or several), $PROJREG_REGISTRY or the default."""
    if isinstance(path, (list, tuple)):
        return [file for one in path for file in registry_paths(one)] if path else registry_paths()
    chosen = path if path is not None else os.environ.get(ENV_VAR) or None
    if chosen is None:
        return [BUNDLED]
    target = Path(chosen)
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
        raise RegistryError(
            [
                Problem(
                    str(target), 0, 0, "no such file or folder", f"check --registry or ${ENV_VAR}"
                )
            ]
        )
    return [target]


def load_registry(path=None, use_cache: bool = True, fast: bool = True) -> Registry:
    """Load and validate the registry at path (a file, a folder, or a list of them), or the default.

    Raises RegistryError listing every error. Warnings (suspicious but valid
    data) are kept in Registry.warnings; `projreg check` shows them.

    A file that validated before is read from the cache (see cache.py) unless
    use_cache is false. A new one is parsed by the fast parser when `fast` and it
    is available; any problem at all sends the file through the position-keeping
    parser, so that every message has its line and column.
    """
    from . import cache

    files = registry_paths(path)
    problems: list[Problem] = []
    with _collector_paused():
        read = [_read_file(str(file), problems, use_cache, fast) for file in files]
    parts = [contents for contents, _ in read]
    projects = [p for part in parts for p in part.projects]
    duplicates = _check_unique_ids(projects, problems)
    if fast and any(p.line == 0 for p in duplicates):
        # Projects from the fast parser or the cache carry no position: read again with them.
        return load_registry(path, use_cache=False, fast=False)
    if any(p.severity == "error" for p in problems):
        raise RegistryError(problems)
    # Cached only now, after the registry-wide checks: a cache entry is a file without problems.
    for contents, entry in read:
        if entry:
            cache.store(entry, contents)
    return Registry(
        tuple(projects),
        tuple(o for part in parts for o in part.organisations),
        tuple(map(str, files)),
        tuple(n for part in parts for n in part.notes),
        tuple(problems),
    )


@contextmanager
def _collector_paused():
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


class FileContents(NamedTuple):
    """What one registry file holds, once validated."""

    projects: list[Project]
    organisations: list[Organisation]
    notes: list[str]


def _read_file(file: str, problems: list[Problem], use_cache: bool, fast: bool):
    """The file's contents, and the cache entry to store them under (None: do not store)."""
    from . import cache

    nothing = FileContents([], [], [])
    raw = _read_bytes(file, problems)
    if raw is None:
        return nothing, None
    key = cache.key(file, raw) if use_cache else None
    if key:
        cached = cache.load(key)
        if cached is not None:
            return cached, None
    text = _decode(file, raw, problems)
    if text is None:
        return nothing, None
    from .validate import FileReader

    reader = None
    if fast:
        reader = FileReader(file, [], fast=True)
        if not reader.read_fast(text):
            reader = None
    if reader is None:
        reader = FileReader(file, problems)
        reader.read_data(reader.parse(text))
    contents = FileContents(reader.projects, reader.organisations, reader.notes)
    return contents, key if not reader.problems else None


def _read_bytes(file: str, problems: list[Problem]) -> bytes | None:
    try:
        return Path(file).read_bytes()
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


def _check_unique_ids(projects: list[Project], problems: list[Problem]) -> list[Problem]:
    """Record a problem for each project whose id was used before; returns those problems."""
    found = []
    first: dict[str, Project] = {}
    for project in projects:
        key = project.id.casefold()
        if key in first:
            earlier = first[key]
            found.append(
                Problem(
                    project.origin.file,
                    project.origin.line,
                    project.origin.column,
                    f"duplicate id {project.id!r}, first defined at {earlier.origin}",
                    "give each project its own id",
                    project.id,
                    "id",
                )
            )
        else:
            first[key] = project
    problems.extend(found)
    return found
