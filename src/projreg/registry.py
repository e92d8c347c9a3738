"""Finding, reading and validating registry files.

A registry is one YAML file or a folder of *.yaml files (ids unique across
all of them), chosen by --registry, then $PROJREG_REGISTRY, then the registry
bundled with projreg. Loading is strict: every problem is collected with its
FILE:LINE:COL, the project and field it concerns, and a hint, and reported
together in one RegistryError.
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

from . import geo
from .dates import DateError, PartialDate, parse_date
from .model import (
    IMPLEMENTER_ROLES,
    LINK_KINDS,
    RECORDED_STATUSES,
    Budget,
    Component,
    Link,
    Organisation,
    Origin,
    Participant,
    Project,
    Registry,
    Sector,
)

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
    files = registry_paths(path)
    problems: list[Problem] = []
    with _collector_paused():
        parts = [_read_file(str(file), problems, use_cache, fast) for file in files]
    projects = [p for part in parts for p in part.projects]
    _check_unique_ids(projects, problems)
    if fast and any(
        p.line == 0 for p in problems if p.severity == "error" and p.file in map(str, files)
    ):
        # An error found on data from the fast parser or the cache has no position: read again.
        return load_registry(path, use_cache=False, fast=False)
    if any(p.severity == "error" for p in problems):
        raise RegistryError(problems)
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
        if enabled:
            gc.enable()


class FileContents(NamedTuple):
    """What one registry file holds, once validated."""

    projects: list[Project]
    organisations: list[Organisation]
    notes: list[str]


def _read_file(file: str, problems: list[Problem], use_cache: bool, fast: bool) -> FileContents:
    from . import cache

    raw = _read_bytes(file, problems)
    if raw is None:
        return FileContents([], [], [])
    key = cache.key(file, raw) if use_cache else None
    if key:
        cached = cache.load(key)
        if cached is not None:
            return cached
    text = _decode(file, raw, problems)
    if text is None:
        return FileContents([], [], [])
    reader = None
    if fast:
        reader = _FileReader(file, [], fast=True)
        if not reader.read_fast(text):
            reader = None
    if reader is None:
        reader = _FileReader(file, problems)
        reader.read_data(reader.parse(text))
    contents = FileContents(reader.projects, reader.organisations, reader.notes)
    if key and not reader.problems:
        cache.store(key, contents)
    return contents


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


def _check_unique_ids(projects: list[Project], problems: list[Problem]) -> None:
    first: dict[str, Project] = {}
    for project in projects:
        key = project.id.casefold()
        if key in first:
            earlier = first[key]
            problems.append(
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


class _NeedsPositions(Exception):
    """The fast parser's data has a problem: read the file again, keeping positions."""


class _FileReader:
    """Reads one registry file into projects and organisations, collecting problems."""

    def __init__(self, file: str, problems: list[Problem], fast: bool = False):
        self.file = file
        self.problems = problems
        self.fast = fast
        self.projects: list[Project] = []
        self.organisations: list[Organisation] = []
        self.notes: list[str] = []
        self.project_id: str | None = None

    def problem(self, position, message, hint="", field=None, severity="error") -> None:
        if self.fast:
            raise _NeedsPositions
        line, column = position or (0, 0)
        self.problems.append(
            Problem(self.file, line, column, message, hint, self.project_id, field, severity)
        )

    def read_fast(self, text: str) -> bool:
        """Read with the fast parser; False if it cannot be trusted with this text or finds anything."""
        from . import yamlsafe

        data = yamlsafe.load_fast(text)
        if not isinstance(data, dict):  # NOT_FAST, empty, or not a mapping: the slow path says why
            return False
        try:
            self.read_data(data)
        except Exception:  # _NeedsPositions, or data shaped as no registry is
            return False
        return True

    def read_data(self, data) -> None:
        if data is None:
            return
        for key in data:
            if key not in TOP_FIELDS:
                self._unknown_field(data, key, TOP_FIELDS, "top-level key")
        source = self._text(data, "source")
        if source:
            self.notes.append(source)
        for item, position in self._items(data, "organisations"):
            org = self._organisation(item, position)
            if org:
                self.organisations.append(org)
        if "projects" not in data:
            self.problem((1, 1), "no 'projects' list", "add 'projects:' with one entry per project")
        for item, position in self._items(data, "projects"):
            project = self._project(item, position)
            if project:
                self.projects.append(project)

    def parse(self, text: str):
        """Parse with the position-keeping loader; None (with problems recorded) if unusable."""
        import yaml

        from . import yamlsafe

        try:
            data, duplicates = yamlsafe.load(text)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            position = (mark.line + 1, mark.column + 1) if mark else None
            message = " ".join(x for x in (error.context, error.problem) if x)
            tab = "\t" in message or "'\\t'" in message
            hint = "indent with spaces, not tabs" if tab else _yaml_hint(message)
            self.problem(position, f"YAML syntax: {message}", hint)
            return None
        except yamlsafe.Refused as error:
            self.problem(error.position, str(error), error.hint)
            return None
        except yaml.reader.ReaderError as error:
            line = text.count("\n", 0, error.position) + 1
            column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
            self.problem(
                (line, column),
                f"character {_character(error.character)} is not allowed in YAML",
                "remove it, or write it as an escape in a double-quoted string",
            )
            return None
        except yaml.YAMLError as error:
            self.problem(None, f"YAML: {error}")
            return None
        for duplicate in duplicates:
            self.problem(
                duplicate.second,
                f"key {duplicate.key!r} appears twice in one mapping "
                f"(first on line {duplicate.first[0]})",
                "keep one of them; YAML would silently drop the first",
                duplicate.key,
            )
        if data is None:
            self.problem((1, 1), "the file is empty", "start with 'projects:'")
            return None
        if not isinstance(data, dict):
            self.problem(
                (1, 1),
                f"the top level is {_kind(data)}, not a mapping",
                "start the file with 'projects:' and list the projects under it",
            )
            return None
        return data

    # --- generic field readers -------------------------------------------------

    def _unknown_field(self, mapping, key, allowed, what="field") -> None:
        import difflib

        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(allowed)}"
        self.problem(_kpos(mapping, key), f"unknown {what} {key!r}", hint, str(key))

    def _check_fields(self, mapping, allowed, what="field") -> None:
        for key in mapping:
            if key not in allowed:
                self._unknown_field(mapping, key, allowed, what)

    def _text(self, mapping, key, required=False, field=None) -> str | None:
        """The text at mapping[key], stripped; None if absent. `field` names it in messages."""
        value = mapping.get(key)
        if value.__class__ is str:  # the common case first: loading 100,000 projects calls this
            stripped = value.strip()
            if stripped or not required:
                return stripped or None
        elif value is None and not required:
            return None
        field = field or key
        position = _vpos(mapping, key) or _pos(mapping)
        if value is None:
            if required:
                self.problem(_pos(mapping), f"missing {key!r}", f"add '{key}: ...'", field)
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(position, f"expected text, got {_kind(value)}", "", field)
            return None
        if not isinstance(value, str):
            self.problem(
                position, f"expected text, got {_kind(value)} {value!r}", "quote it", field
            )
            return None
        value = value.strip()
        if not value and required:
            self.problem(position, f"{key!r} is empty", "", field)
            return None
        return value or None

    def _items(self, mapping, key):
        """(item, position) for each item of the list at mapping[key]; one value is a list."""
        value = mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            if isinstance(value, (str, dict)):
                return [(value, _vpos(mapping, key))]
            self.problem(_vpos(mapping, key), f"expected a list, got {_kind(value)}", "", key)
            return []
        positions = getattr(value, "item_positions", None)
        return zip(value, positions or repeat(None), strict=False)

    def _texts(self, mapping, key) -> tuple[str, ...]:
        out = []
        for item, position in self._items(mapping, key):
            text = item.strip() if isinstance(item, str) else None
            if text:
                out.append(text)
            else:
                self.problem(position, f"expected text, got {_kind(item)}", "", key)
        return tuple(out)

    # --- records -----------------------------------------------------------------

    def _organisation(self, item, position) -> Organisation | None:
        if isinstance(item, str):
            return Organisation(item.strip())
        if not isinstance(item, dict):
            self.problem(
                position, f"expected an organisation, got {_kind(item)}", "", "organisations"
            )
            return None
        self._check_fields(item, ORGANISATION_FIELDS)
        name = self._text(item, "name", required=True, field="organisations")
        if name is None:
            return None
        return Organisation(
            name,
            self._texts(item, "aliases"),
            self._text(item, "part_of"),
            self._text(item, "note"),
        )

    def _project(self, item, position) -> Project | None:
        self.project_id = None
        if not isinstance(item, dict):
            self.problem(position, f"expected a project mapping, got {_kind(item)}", "", "projects")
            return None
        raw_id = item.get("id")
        self.project_id = str(raw_id) if isinstance(raw_id, (str, int)) and raw_id != "" else None
        self._check_fields(item, PROJECT_FIELDS)
        count = len(self.problems)
        project_id = self._text(item, "id", required=True)
        title = self._text(item, "title", required=True)
        start = self._date(item, "start")
        end = self._date(item, "end")
        if start and end and end.last_day() < start.first_day():
            self.problem(
                _vpos(item, "end"),
                f"ends ({end}) before it starts ({start})",
                "check the order of start and end",
                "end",
            )
        fields = dict(
            iati_id=self._text(item, "iati_id"),
            acronym=self._text(item, "acronym"),
            summary=self._text(item, "summary"),
            objective=self._text(item, "objective"),
            specific_objectives=self._texts(item, "specific_objectives"),
            components=self._components(item),
            target_groups=self._texts(item, "target_groups"),
            final_beneficiaries=self._texts(item, "final_beneficiaries"),
            implementers=self._participants(item, "implementers"),
            donors=self._participants(item, "donors"),
            programme_partners=self._participants(item, "programme_partners"),
            extending=self._participants(item, "extending"),
            accountable=self._participants(item, "accountable"),
            programme=self._text(item, "programme"),
            countries=self._countries(item),
            transaction_countries=self._countries(item, "transaction_countries"),
            regions=self._regions(item),
            start=start,
            end=end,
            planned_start=self._date(item, "planned_start"),
            planned_end=self._date(item, "planned_end"),
            duration_months=self._months(item),
            activity_status=self._choice(item, "activity_status", RECORDED_STATUSES),
            sectors=self._sectors(item),
            budgets=self._budgets(item),
            manager=self._text(item, "manager"),
            links=self._links(item),
            notes=self._texts(item, "notes"),
        )
        if self._errors_since(count) or project_id is None or title is None:
            return None
        origin = Origin(self.file, *(_pos(item) or (0, 0)), _field_positions(item))
        return Project(project_id, title, origin=origin, **fields)

    def _errors_since(self, count: int) -> bool:
        return any(p.severity == "error" for p in self.problems[count:])

    def _date(self, mapping, key) -> PartialDate | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        try:
            return parse_date(value)
        except DateError as error:
            self.problem(_vpos(mapping, key), str(error), DATE_HINT, key)
            return None

    def _months(self, mapping) -> int | None:
        value = mapping.get("duration_months")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problem(
                _vpos(mapping, "duration_months"),
                f"expected a whole number of months, got {value!r}",
                "write e.g. 'duration_months: 36'",
                "duration_months",
            )
            return None
        return value

    def _choice(self, mapping, key, allowed, field=None) -> str | None:
        value = self._text(mapping, key)
        if value is None:
            return None
        if value not in allowed:
            import difflib

            close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.5)
            hint = f"did you mean {close[0]!r}?" if close else f"one of: {', '.join(allowed)}"
            self.problem(_vpos(mapping, key), f"{value!r} is not a valid {key}", hint, field or key)
            return None
        return value

    def _participants(self, mapping, key) -> tuple[Participant, ...]:
        allowed = PARTICIPANT_FIELDS[key]
        out = []
        for item, position in self._items(mapping, key):
            if isinstance(item, str) and item.strip():
                out.append(Participant(item.strip()))
                continue
            if not isinstance(item, dict):
                self.problem(position, f"expected an organisation, got {_kind(item)}", "", key)
                continue
            self._check_fields(item, allowed, f"{key} field")
            name = self._text(item, "name", required="ref" not in item, field=key)
            role = None
            if "role" in allowed:
                roles = IMPLEMENTER_ROLES if key == "implementers" else ()
                role = self._choice(item, "role", roles, key) if roles else self._text(item, "role")
            ref = self._text(item, "ref")
            if name or ref:
                out.append(
                    Participant(
                        name,
                        role=role,
                        department=self._text(item, "department"),
                        instrument=self._text(item, "instrument"),
                        ref=ref,
                    )
                )
        return tuple(out)

    def _records(self, mapping, key, allowed):
        """The mappings listed at mapping[key], each checked for unknown fields."""
        for item, position in self._items(mapping, key):
            if not isinstance(item, dict):
                self.problem(position, f"expected a mapping, got {_kind(item)}", "", key)
                continue
            self._check_fields(item, allowed, f"{key} field")
            yield item

    def _number(self, mapping, key, field, required=False) -> float | None:
        value = mapping.get(key)
        if value is None:
            if required:
                self.problem(_pos(mapping), f"missing {key!r}", f"add '{key}: ...'", field)
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(
                _vpos(mapping, key),
                f"{key}: expected a number, got {_kind(value)}",
                "",
                field,
            )
            return None
        return value

    def _sectors(self, mapping) -> tuple[Sector, ...]:
        out = []
        for item in self._records(mapping, "sectors", SECTOR_FIELDS):
            code = self._text(item, "code", required=True, field="sectors")
            if code:
                out.append(
                    Sector(
                        code,
                        self._text(item, "vocabulary"),
                        self._text(item, "name"),
                        self._number(item, "percentage", "sectors"),
                    )
                )
        return tuple(out)

    def _budgets(self, mapping) -> tuple[Budget, ...]:
        out = []
        for item in self._records(mapping, "budgets", BUDGET_FIELDS):
            value = self._number(item, "value", "budgets", required=True)
            if value is not None:
                out.append(
                    Budget(
                        value,
                        self._text(item, "currency"),
                        self._date(item, "start"),
                        self._date(item, "end"),
                    )
                )
        return tuple(out)

    def _links(self, mapping) -> tuple[Link, ...]:
        out = []
        for item, position in self._items(mapping, "links"):
            if isinstance(item, str) and item.strip():
                out.append(Link(text=item.strip()))
                continue
            if not isinstance(item, dict):
                self.problem(position, f"expected a link, got {_kind(item)}", "", "links")
                continue
            self._check_fields(item, LINK_FIELDS, "link field")
            link = Link(
                self._text(item, "text"),
                self._text(item, "url"),
                self._choice(item, "kind", LINK_KINDS, "links"),
            )
            if link.text is None and link.url is None:
                self.problem(position, "a link needs a text or a url", "", "links")
            else:
                out.append(link)
        return tuple(out)

    def _components(self, mapping) -> tuple[Component, ...]:
        out = []
        for item, position in self._items(mapping, "components"):
            if isinstance(item, str) and item.strip():
                out.append(Component(description=item.strip()))
                continue
            if not isinstance(item, dict):
                self.problem(position, f"expected a component, got {_kind(item)}", "", "components")
                continue
            self._check_fields(item, COMPONENT_FIELDS, "component field")
            component = Component(self._text(item, "title"), self._text(item, "description"))
            if component.title is None and component.description is None:
                self.problem(
                    position, "a component needs a title or a description", "", "components"
                )
            else:
                out.append(component)
        return tuple(out)

    def _countries(self, mapping, key="countries") -> tuple[str, ...]:
        codes = []
        for item, position in self._items(mapping, key):
            if not isinstance(item, str):
                self.problem(position, f"expected a country name, got {_kind(item)}", "", key)
                continue
            try:
                code = geo.country_code(item)
            except geo.UnknownPlace as error:
                hint = (
                    f"did you mean {' or '.join(repr(s) for s in error.suggestions)}?"
                    if error.suggestions
                    else "use an ISO 3166 name or code, e.g. 'Georgia' or 'GE'"
                )
                self.problem(position, f"unknown country {item!r}", hint, key)
                continue
            if code in codes:
                self.problem(
                    position,
                    f"{geo.country_name(code)} is listed twice",
                    "remove one of them",
                    key,
                    severity="warning",
                )
            else:
                codes.append(code)
        return tuple(codes)

    def _regions(self, mapping) -> tuple[str, ...]:
        names = []
        for item, position in self._items(mapping, "regions"):
            if not isinstance(item, str):
                self.problem(position, f"expected a region name, got {_kind(item)}", "", "regions")
                continue
            try:
                region = geo.region(item)
            except geo.UnknownPlace as error:
                known = ", ".join(r.name for r in geo.REGIONS)
                hint = (
                    f"did you mean {error.suggestions[0]!r}?"
                    if error.suggestions
                    else f"known regions: {known}"
                )
                self.problem(position, f"unknown region {item!r}", hint, "regions")
                continue
            if region.name in names:
                self.problem(
                    position,
                    f"{region.name} is listed twice",
                    "remove one of them",
                    "regions",
                    severity="warning",
                )
            else:
                names.append(region.name)
        return tuple(names)


_NOWHERE: dict = {}


def _pos(node):
    """(line, column) of a parsed mapping or list; None for data from the fast parser."""
    return getattr(node, "position", None)


def _kpos(mapping, key):
    return getattr(mapping, "key_positions", _NOWHERE).get(key)


def _vpos(mapping, key):
    return getattr(mapping, "value_positions", _NOWHERE).get(key)


def _field_positions(item) -> dict:
    """Where each field and list item of a project was written, for later warnings."""
    if not hasattr(item, "value_positions"):
        return {}  # data from the fast parser: no positions to keep
    positions = dict(item.value_positions)
    for key, value in item.items():
        if isinstance(value, list) and hasattr(value, "item_positions"):
            for index, where in enumerate(value.item_positions):
                positions[f"{key}[{index}]"] = where
    return positions


def _character(character) -> str:
    """ReaderError.character is a str from PyYAML's reader and a code point from libyaml's."""
    if isinstance(character, int):
        character = chr(character)
    return _visible(repr(character))


def _kind(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def _yaml_hint(message: str) -> str:
    if "could not find expected ':'" in message or "mapping values are not allowed" in message:
        return "quote text that contains ': ', or check the indentation"
    if "could not determine a constructor" in message:
        return "remove the !tag: registries hold plain data only"
    return "check the indentation and quoting on this line and the one before"
