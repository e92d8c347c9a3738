"""Strict reading of one registry file: every field checked, every problem located.

The reader works on data from either parser: the careful one (yamlsafe.load)
gives each mapping and list its line and column; the fast one (yaml-rs) gives
plain data, and then the first problem stops the reader, so that the file is
read again with positions (see registry.load_registry).
"""

from __future__ import annotations

from itertools import repeat

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
    Sector,
)
from .registry import (
    BUDGET_FIELDS,
    COMPONENT_FIELDS,
    DATE_HINT,
    LINK_FIELDS,
    ORGANISATION_FIELDS,
    PARTICIPANT_FIELDS,
    PROJECT_FIELDS,
    SECTOR_FIELDS,
    TOP_FIELDS,
    Problem,
    _visible,
)


class NeedsPositions(Exception):
    """The fast parser's data has a problem: read the file again, keeping positions."""


class FileReader:
    """Reads one registry file into projects and organisations, collecting problems."""

    def __init__(self, file: str, problems: list[Problem], fast: bool = False):
        self.file = file
        self.problems = problems
        self.fast = fast
        text, texts, people = self._text, self._texts, self._participants
        # How each optional project field is read (id, title, start and end are read first).
        self._readers = {
            "iati_id": text,
            "acronym": text,
            "summary": text,
            "objective": text,
            "specific_objectives": texts,
            "components": self._components,
            "target_groups": texts,
            "final_beneficiaries": texts,
            "implementers": people,
            "donors": people,
            "programme_partners": people,
            "extending": people,
            "accountable": people,
            "programme": text,
            "countries": self._countries,
            "transaction_countries": self._countries,
            "regions": self._regions,
            "planned_start": self._date,
            "planned_end": self._date,
            "duration_months": self._months,
            "activity_status": self._status,
            "sectors": self._sectors,
            "budgets": self._budgets,
            "manager": text,
            "links": self._links,
            "notes": texts,
        }
        self.projects: list[Project] = []
        self.organisations: list[Organisation] = []
        self.notes: list[str] = []
        self.project_id: str | None = None

    def problem(self, position, message, hint="", field=None, severity="error") -> None:
        if self.fast:
            raise NeedsPositions
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
        except Exception:  # NeedsPositions, or data shaped as no registry is
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
        # Only the fields the project has are read: most are absent, and this runs
        # 100,000 times for a large registry.
        fields = {"start": start, "end": end}
        readers = self._readers
        for name in item:  # in the file's order, so that problems are reported in it too
            if name in readers:
                fields[name] = readers[name](item, name)
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

    def _months(self, mapping, key=None) -> int | None:
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

    def _status(self, mapping, key) -> str | None:
        return self._choice(mapping, key, RECORDED_STATUSES)

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

    def _sectors(self, mapping, key=None) -> tuple[Sector, ...]:
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

    def _budgets(self, mapping, key=None) -> tuple[Budget, ...]:
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

    def _links(self, mapping, key=None) -> tuple[Link, ...]:
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

    def _components(self, mapping, key=None) -> tuple[Component, ...]:
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

    def _regions(self, mapping, key=None) -> tuple[str, ...]:
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
