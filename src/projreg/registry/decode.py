"""Reading one registry file strictly: every field checked against the format
(schema.py), every problem located.

The reader works on data from either parser: the careful one (yamlsafe.load)
gives each mapping and list its line and column; the fast one (yaml-rs) gives
plain data, and then the first problem stops the reader (NeedsPositions), so
that load.py reads the file again with positions.

The reading is layered, each layer a class that adds one concern to the one below:
fileproblems.Reporter (problems, located) -> kinds.ValueReader (one value by kind) ->
kinds.ListReader (countries, regions, records) -> ProjectReader (one project) ->
FileReader (the file: parsing, the top level, the list of projects).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any, NamedTuple

from projreg.model import schema
from projreg.model.problems import Problem
from projreg.model.project import Organisation, Origin, Project
from projreg.model.text import invisible_characters, visible
from projreg.registry.fileproblems import NeedsPositions, field_positions, kind_of, kpos, pos, vpos
from projreg.registry.kinds import ListReader

__all__ = ["TOP_FIELDS", "FileReader", "NeedsPositions", "ProjectReader", "Rejected"]

TOP_FIELDS = tuple(f.name for f in schema.TOP)
# What Project(...) sets a field to when it is not given (no field has a default_factory).
_PROJECT_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Project) if f.init}
assert all(f.default_factory is dataclasses.MISSING for f in dataclasses.fields(Project))


def _new_project(project_id: str, title: str, **values) -> Project:
    """Project(project_id, title, **values), made as the cache makes one (cache._project):
    the frozen dataclass's __init__ sets its 38 fields one object.__setattr__ at a time
    (8 µs a project, a third of reading one)."""
    project = object.__new__(Project)
    project.__dict__.update(_PROJECT_DEFAULTS, id=project_id, title=title, **values)
    return project


class Rejected(NamedTuple):
    """A project left out for its errors: its id still has to be unique."""

    id: str
    origin: Origin


class ProjectReader(ListReader):
    """One item of the projects list into a Project: its id and title, its fields in the
    file's order, its dates in order; left out (Rejected) when it has errors."""

    def __init__(self, file: str, problems: list[Problem], fast: bool = False):
        super().__init__(file, problems, fast)
        # The optional project fields, with their readers (id, title and dates come first).
        self._readers = {
            f.name: (self._kinds[f.kind], f)
            for f in schema.PROJECT
            if f.name not in ("id", "title", "start", "end")
        }
        self.rejected: list[Rejected] = []  # projects left out for errors, by id and place

    def _project(self, item, position) -> Project | None:
        self.project_id = None
        if not isinstance(item, dict):
            self.problem(
                position, f"expected a project mapping, got {kind_of(item)}", "", "projects"
            )
            return None
        raw_id = item.get("id")
        self.project_id = str(raw_id) if isinstance(raw_id, (str, int)) and raw_id != "" else None
        self._check_fields(item, schema.NAMES)
        count = len(self.problems)
        project_id = self._text(item, "id", required=True)
        if project_id is not None:
            hidden = invisible_characters(project_id)
            if hidden or any(c in project_id for c in "\n\t\r"):
                shown = ", ".join(hidden) if hidden else "a line break or tab"
                self.problem(
                    vpos(item, "id"),
                    f"the id contains invisible or control characters ({shown})",
                    "ids are typed on command lines: use visible letters, digits and punctuation",
                    "id",
                )
        title = self._text(item, "title", required=True)
        fields: dict[str, Any] = {
            "start": self._date(item, "start"),
            "end": self._date(item, "end"),
        }
        # Only the fields the project has are read: most are absent, and this runs
        # 100,000 times for a large registry.
        readers = self._readers
        for name in item:  # in the file's order, so that problems are reported in it too
            if name in readers:
                reader, field = readers[name]
                fields[name] = reader(item, field)
        published = {p.field for p in fields.get("published", ())}
        for first, last in (("start", "end"), ("planned_start", "planned_end")):
            start, end = fields.get(first), fields.get(last)
            # A publisher's contradicting dates (the end named in `published`) are kept;
            # `check` warns about them with the other published values (lint.py).
            if start and end and end.last_day() < start.first_day() and last not in published:
                self.problem(
                    vpos(item, last),
                    f"ends ({end}) before it starts ({start})",
                    f"check the order of {first} and {last}",
                    last,
                )
        line, column = pos(item) or (0, 0)
        origin = Origin(self.file, line, column, field_positions(item))
        if self._errors_since(count) or project_id is None or title is None:
            if project_id is not None:
                self.rejected.append(Rejected(project_id, origin))
            return None
        return _new_project(
            project_id, title, origin=origin, written_names=self.country_names, **fields
        )


class FileReader(ProjectReader):
    """Reads one registry file into projects and organisations, collecting problems."""

    def __init__(self, file: str, problems: list[Problem], fast: bool = False):
        super().__init__(file, problems, fast)
        self.projects: list[Project] = []
        self.organisations: list[Organisation] = []
        self.notes: list[str] = []

    def read_fast(self, text: str) -> bool:
        """Read with the fast parser; False if it cannot be trusted with this text or finds anything."""
        from projreg.registry import yamlsafe

        data = yamlsafe.load_fast(text)
        if not isinstance(data, dict):  # NOT_FAST, empty, or not a mapping: the slow path says why
            return False
        try:
            self.read_data(data)
        except Exception:  # NeedsPositions, or data shaped as no registry is
            return False
        return True

    def read_fast_in_pieces(self, text: str) -> Iterator[None] | None:
        """read_fast a piece at a time: an iterator that reads the next few hundred
        projects into self.projects at each step (the caller takes them away); None when
        the text is not read in pieces (yamlsafe.load_fast_in_pieces). Raises what
        read_fast turns into False (NeedsPositions, yamlsafe.NotInPieces...): then the
        text is read whole."""
        from projreg.registry import yamlsafe

        parsed = yamlsafe.load_fast_in_pieces(text)
        if parsed is yamlsafe.NOT_FAST:
            return None
        head, pieces = parsed
        self._read_head(head)
        return self._read_pieces(pieces)

    def _read_pieces(self, pieces: Iterator[list]) -> Iterator[None]:
        """Each piece of the projects list read into self.projects, one at each step."""
        for items in pieces:
            self._read_projects({"projects": items})
            yield

    def read_data(self, data) -> None:
        if data is None:
            return
        self._read_head(data)
        self._read_projects(data)

    def _read_head(self, data) -> None:
        """Everything but the projects: the top-level keys, source and organisations."""
        for key in data:
            if key not in TOP_FIELDS:
                self._unknown_field(data, key, TOP_FIELDS, "top-level key")
        source = self._text(data, "source")
        if source:
            self.notes.append(source)
        self.organisations.extend(self._records(data, schema.TOP[1], "organisations"))
        self._invisible_in_organisations(data)
        fetched = data.get("fetched")
        if fetched is not None and not isinstance(fetched, dict):
            self.problem(
                kpos(data, "fetched"),
                "fetched: must be the mapping projreg fetch wrote",
                "restore it from git, or delete it (sync then needs a new fetch)",
            )
        if "projects" not in data:
            self.problem((1, 1), "no 'projects' list", "add 'projects:' with one entry per project")

    def _read_projects(self, data) -> None:
        items = data.get("projects")
        # The fast parser's plain list is held by nothing else: each mapping is let go once
        # read, so that the parsed file and its projects are not all in memory at once.
        drain = items.__class__ is list
        for index, (item, position) in enumerate(self._items(data, "projects")):
            project = self._project(item, position)
            if drain:
                items[index] = None
            if project:
                self.projects.append(project)

    def _invisible_in_organisations(self, data) -> None:
        """Names and aliases with characters that show as nothing look like other names."""
        for item, position in self._items(data, "organisations"):
            names: list[object] = [item] if isinstance(item, str) else []
            if isinstance(item, dict):
                aliases = item.get("aliases")
                names = [item.get("name"), *(aliases if isinstance(aliases, list) else [aliases])]
            for name in names:
                hidden = invisible_characters(name) if isinstance(name, str) else []
                if hidden:
                    self.problem(
                        position,
                        f"{name!r} contains invisible characters ({', '.join(hidden)}): "
                        "it looks like a name it is not",
                        "delete them (they show as nothing, so retype the text around them)",
                        "organisations",
                        severity="warning",
                    )

    def parse(self, text: str):
        """Parse with the position-keeping loader; None (with problems recorded) if unusable."""
        import yaml

        from projreg.registry import yamlsafe

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
                f"the top level is {kind_of(data)}, not a mapping",
                "start the file with 'projects:' and list the projects under it",
            )
            return None
        return data


def _character(character) -> str:
    """ReaderError.character is a str from PyYAML's reader and a code point from libyaml's."""
    if isinstance(character, int):
        character = chr(character)
    return visible(repr(character), keep_newlines=False)


def _yaml_hint(message: str) -> str:
    if "could not find expected ':'" in message or "mapping values are not allowed" in message:
        return "quote text that contains ': ', or check the indentation"
    if "incompatible YAML document" in message:
        return "registries are YAML 1.x: write %YAML 1.2, or remove the %YAML line"
    if "could not determine a constructor" in message:
        return "remove the !tag: registries hold plain data only"
    return "check the indentation and quoting on this line and the one before"
