"""Reading one registry file strictly: every field checked against the format
(schema.py), every problem located.

The reader works on data from either parser: the careful one (yamlsafe.load)
gives each mapping and list its line and column; the fast one (yaml-rs) gives
plain data, and then the first problem stops the reader (NeedsPositions), so
that load.py reads the file again with positions.
"""

from __future__ import annotations

import functools
import math
import re
from decimal import Decimal
from functools import lru_cache
from itertools import repeat
from typing import NamedTuple

from . import geo, schema
from .dates import DateError, PartialDate, parse_date
from .model import Organisation, Origin, Project
from .problems import DATE_HINT, Problem
from .schema import Field
from .text import invisible_characters, visible

TOP_FIELDS = tuple(f.name for f in schema.TOP)
_NOUNS = {
    "Participant": "an organisation",
    "Organisation": "an organisation",
    "Link": "a link",
    "Component": "a component",
    "Sector": "a sector",
    "Budget": "a budget",
    "Transaction": "a transaction",
    "Relation": "a related activity",
}
MAX_MONTHS = 12 * 9999  # a duration longer than the calendar projreg knows is a typo
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


# The same few dates and country names recur across a large registry: each distinct text
# is parsed once (errors are not cached, so each bad value is still reported where it is).
_parse_date = lru_cache(maxsize=8192)(parse_date)
_country_code = lru_cache(maxsize=4096)(geo.country_code)


class Rejected(NamedTuple):
    """A project left out for its errors: its id still has to be unique."""

    id: str
    origin: Origin


class NeedsPositions(Exception):
    """The fast parser's data has a problem: read the file again, keeping positions."""


class FileReader:
    """Reads one registry file into projects and organisations, collecting problems."""

    def __init__(self, file: str, problems: list[Problem], fast: bool = False):
        self.file = file
        self.problems = problems
        self.fast = fast
        # Records seen before in this file, and what they gave: donors, agencies and
        # sectors repeat in project after project, so each distinct one is checked once.
        self._seen_records: dict = {}
        # How each kind of field is read: reader(mapping, field, label) -> value.
        self._kinds = {
            schema.TEXT: self._text_field,
            schema.TEXTS: self._texts_field,
            schema.DATE: self._date_field,
            schema.COUNT: self._count,
            schema.CHOICE: self._choice,
            schema.COUNTRIES: self._countries,
            schema.REGIONS: self._regions,
            schema.RECORDS: self._records,
            schema.DECIMAL: self._decimal,
            schema.NUMBER: self._number,
        }
        # The optional project fields, with their readers (id, title and dates come first).
        self._readers = {
            f.name: (self._kinds[f.kind], f)
            for f in schema.PROJECT
            if f.name not in ("id", "title", "start", "end")
        }
        self.projects: list[Project] = []
        self.organisations: list[Organisation] = []
        self.notes: list[str] = []
        self.country_names: dict[str, str] = {}  # code -> the name as written, first one
        self.rejected: list[Rejected] = []  # projects left out for errors, by id and place
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

    def read_fast_in_pieces(self, text: str):
        """read_fast a piece at a time: an iterator that reads the next few hundred
        projects into self.projects at each step (the caller takes them away); None when
        the text is not read in pieces (yamlsafe.load_fast_in_pieces). Raises what
        read_fast turns into False (NeedsPositions, yamlsafe.NotInPieces...): then the
        text is read whole."""
        from . import yamlsafe

        parsed = yamlsafe.load_fast_in_pieces(text)
        if parsed is yamlsafe.NOT_FAST:
            return None
        head, pieces = parsed
        self._read_head(head)
        return (self._read_projects({"projects": items}) for items in pieces)

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
                _kpos(data, "fetched"),
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
            names = [item] if isinstance(item, str) else []
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

    # --- generic readers -------------------------------------------------------

    def _unknown_field(self, mapping, key, allowed, what="field") -> None:

        if not isinstance(key, str):
            self.problem(
                _kpos(mapping, key),
                f"a {what} name must be text, got {'null' if key is None else _kind(key)}",
                f"known: {', '.join(allowed)}",
            )
            return
        if key == "<<":
            self.problem(
                _kpos(mapping, key),
                "merge keys (<<) are not supported",
                "write the fields out in each mapping",
                "<<",
            )
            return
        hint = _meaning_hint(key, mapping[key], allowed)
        if hint is None:
            close = _closest(str(key), tuple(allowed), 0.6)
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
        if not isinstance(value, str):
            self.problem(position, f"expected text, got {_kind(value)}", _quote(value), field)
            return None
        value = value.strip()
        if not value and required:
            self.problem(position, f"{key!r} is empty", "", field)
            return None
        return value or None

    def _text_field(self, mapping, field: Field, label=None):
        return self._text(mapping, field.name, field.required, label)

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

    def _texts(self, mapping, key, label=None) -> tuple[str, ...]:
        out = []
        for item, position in self._items(mapping, key):
            text = item.strip() if isinstance(item, str) else None
            if text:
                out.append(text)
            else:
                self.problem(
                    position, f"expected text, got {_kind(item)}", _quote(item), label or key
                )
        return tuple(out)

    def _texts_field(self, mapping, field: Field, label=None):
        return self._texts(mapping, field.name, label)

    # --- projects ----------------------------------------------------------------

    def _project(self, item, position) -> Project | None:
        self.project_id = None
        if not isinstance(item, dict):
            self.problem(position, f"expected a project mapping, got {_kind(item)}", "", "projects")
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
                    _vpos(item, "id"),
                    f"the id contains invisible or control characters ({shown})",
                    "ids are typed on command lines: use visible letters, digits and punctuation",
                    "id",
                )
        title = self._text(item, "title", required=True)
        fields = {"start": self._date(item, "start"), "end": self._date(item, "end")}
        # Only the fields the project has are read: most are absent, and this runs
        # 100,000 times for a large registry.
        readers = self._readers
        for name in item:  # in the file's order, so that problems are reported in it too
            if name in readers:
                reader, field = readers[name]
                fields[name] = reader(item, field)
        for first, last in (("start", "end"), ("planned_start", "planned_end")):
            start, end = fields.get(first), fields.get(last)
            if start and end and end.last_day() < start.first_day():
                self.problem(
                    _vpos(item, last),
                    f"ends ({end}) before it starts ({start})",
                    f"check the order of {first} and {last}",
                    last,
                )
        origin = Origin(self.file, *(_pos(item) or (0, 0)), _field_positions(item))
        if self._errors_since(count) or project_id is None or title is None:
            if project_id is not None:
                self.rejected.append(Rejected(project_id, origin))
            return None
        return Project(project_id, title, origin=origin, written_names=self.country_names, **fields)

    def _errors_since(self, count: int) -> bool:
        return any(p.severity == "error" for p in self.problems[count:])

    def _date(self, mapping, key, label=None) -> PartialDate | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.problem(
                _vpos(mapping, key),
                f"expected a date as text, got {_kind(value)}",
                _quote(value) or DATE_HINT,
                label or key,
            )
            return None
        try:
            return _parse_date(value) if value.__class__ is str else parse_date(value)
        except DateError as error:
            self.problem(_vpos(mapping, key), str(error), error.hint or DATE_HINT, label or key)
            return None

    def _date_field(self, mapping, field: Field, label=None):
        return self._date(mapping, field.name, label)

    def _count(self, mapping, field: Field, label=None) -> int | None:
        key = field.name
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MONTHS:
            self.problem(
                _vpos(mapping, key),
                f"expected a whole number of months (1 to {MAX_MONTHS}), got "
                f"{repr(value) if isinstance(value, (str, int)) else _kind(value)}",
                f"write e.g. '{key}: 36'",
                label or key,
            )
            return None
        return value

    def _choice(self, mapping, field: Field, label=None) -> str | None:
        key, allowed = field.name, field.choices
        value = self._text(mapping, key, field=label)
        if value is None:
            return None
        if value not in allowed:
            from . import synonyms  # read only when a person is shown the error

            meant = synonyms.value_meant(key, value, allowed)
            close = [meant] if meant else _closest(value, tuple(allowed), 0.5)
            hint = f"did you mean {close[0]!r}?" if close else f"one of: {', '.join(allowed)}"
            if meant:
                hint += f" ({key} is one of {', '.join(allowed)})"
            self.problem(_vpos(mapping, key), f"{value!r} is not a valid {key}", hint, label or key)
            return None
        return value

    def _number(self, mapping, field: Field, label=None) -> float | int | None:
        key = field.name
        value = mapping.get(key)
        if value is None:
            if field.required:
                self.problem(_pos(mapping), f"missing {key!r}", f"add '{key}: ...'", label)
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(
                _vpos(mapping, key), f"{key}: expected a number, got {_kind(value)}", "", label
            )
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(
                _vpos(mapping, key),
                f"{key}: {value} is not a number that can be counted with",
                "write a finite number, e.g. 12.5",
                label,
            )
            return None
        if field.kind == schema.NUMBER:
            if not 0 <= value <= 100:
                self.problem(
                    _vpos(mapping, key),
                    f"{key}: {value} is not a percentage from 0 to 100",
                    "write the share of the project, e.g. 12.5",
                    label,
                )
                return None
            return float(value) if isinstance(value, float) else value
        return value

    def _decimal(self, mapping, field: Field, label=None) -> Decimal | None:
        """An exact amount: a number as written (YAML's float is read back through its text)."""
        value = (
            self._number(mapping, field, label)
            if not isinstance(mapping.get(field.name), str)
            else mapping.get(field.name)
        )
        if value is None:
            return None
        if isinstance(value, str):
            text = value.strip()
            if not _DECIMAL_TEXT.fullmatch(text):
                self.problem(
                    _vpos(mapping, field.name),
                    f"{field.name}: {value!r} is not an amount",
                    "write digits with a dot for decimals, e.g. 1166170.55",
                    label,
                )
                return None
            return Decimal(text)
        if isinstance(value, int):
            return Decimal(value)
        # repr gives the shortest text that reads back as this float: the text as written,
        # for any amount of up to 15 significant digits. Longer ones reach only the careful
        # parser (yamlsafe sends them there), which keeps their text: read that, exactly.
        written = getattr(value, "text", "")
        if len(re.sub(r"[^0-9]", "", written.partition("e")[0].partition("E")[0])) > 15:
            return Decimal(format(Decimal(written), "f"))
        return Decimal(repr(float(value)))

    def _records(self, mapping, field: Field, label=None) -> tuple:
        """The items of a list of records (organisations, links, sectors...), each checked."""
        key = field.name
        label = label or key
        noun = _NOUNS.get(field.record.__name__, "a mapping")
        allowed = tuple(p.name for p in field.parts)
        out = []
        seen = self._seen_records
        for item, position in self._items(mapping, key):
            known = None
            if item.__class__ is dict:  # from the fast parser: no positions to keep
                try:
                    known = (key, *((k, v.__class__, v) for k, v in item.items()))
                    record = seen.get(known)
                except TypeError:  # a list or mapping inside: a problem, reported below
                    known = record = None
                if record is not None:
                    out.append(record)
                    continue
            if isinstance(item, str) and field.shorthand and item.strip():
                out.append(field.record(**{field.shorthand: item.strip()}))
                continue
            if not isinstance(item, dict):
                self.problem(position, f"expected {noun}, got {_kind(item)}", "", label)
                continue
            before = len(self.problems)
            self._check_fields(item, allowed, f"{key} field")
            count = len(self.problems)
            values = {}
            for part in field.parts:
                if part.name in item or part.required:
                    values[part.name] = self._kinds[part.kind](item, part, label)
            if field.needs_one_of and not any(values.get(n) for n in field.needs_one_of):
                if self._errors_since(count):
                    continue
                first, second = field.needs_one_of
                if first == "name":
                    self.problem(
                        position, "missing 'name'", "add 'name: ...' (or 'ref: ...')", label
                    )
                else:
                    self.problem(position, f"{noun} needs a {first} or a {second}", "", label)
                continue
            if self._errors_since(count) or any(
                values.get(p.name) is None for p in field.parts if p.required
            ):
                continue
            record = field.record(**{k: v for k, v in values.items() if v is not None})
            if known is not None and len(self.problems) == before:
                seen[known] = record
            out.append(record)
        return tuple(out)

    def _countries(self, mapping, field: Field, label=None) -> tuple[str, ...]:
        key = field.name
        codes = []
        for item, position in self._items(mapping, key):
            if not isinstance(item, str):
                self.problem(position, f"expected a country name, got {_kind(item)}", "", key)
                continue
            try:
                code = _country_code(item)
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
                written = " ".join(item.split())
                if len(written) > 3:  # a name, not a code (GE, GEO)
                    self.country_names.setdefault(code, written)
        return tuple(codes)

    def _regions(self, mapping, field: Field, label=None) -> tuple[str, ...]:
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
                    else f"known regions: {known}, or an IATI (OECD DAC) region code or name"
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


def _meaning_hint(key: str, value, allowed) -> str | None:
    """A hint by meaning (synonyms.py) for an unknown field: `status: finished` is
    `activity_status: completed`, and the values the field takes."""
    from . import synonyms  # read only when a person is shown the error

    meant = synonyms.field_meant(key, allowed)
    if meant is None:
        return None
    hint = f"did you mean {meant!r}?"
    field = schema.FIELDS.get(meant)
    if field is None or field.kind != schema.CHOICE:
        return hint
    said = synonyms.value_meant(meant, value, field.choices) if isinstance(value, str) else None
    if said is None and isinstance(value, str) and value.strip() in field.choices:
        said = value.strip()
    takes = f"it takes {', '.join(field.choices)}"
    return f"{hint} write '{meant}: {said}' ({takes})" if said else f"{hint} ({takes})"


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
    return visible(repr(character), keep_newlines=False)


def _kind(value) -> str:
    """What a YAML value is, for a message: in the registry's words, never Python's."""
    import datetime as dt

    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a boolean ({'true' if value else 'false'})"
    if isinstance(value, (int, float)):
        return f"a number {value}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"a date ({value.isoformat()})"
    if isinstance(value, (bytes, bytearray)):
        return "binary data (!!binary)"
    return "a value of a kind registries do not hold"


def _quote(value) -> str:
    """The hint for a value YAML read as something other than text."""
    import datetime as dt

    if isinstance(value, (bool, int, float, dt.date)):
        return "quote it"
    if isinstance(value, (bytes, bytearray)):
        return "write it as plain text, without the !!binary tag"
    return ""


def _yaml_hint(message: str) -> str:
    if "could not find expected ':'" in message or "mapping values are not allowed" in message:
        return "quote text that contains ': ', or check the indentation"
    if "incompatible YAML document" in message:
        return "registries are YAML 1.x: write %YAML 1.2, or remove the %YAML line"
    if "could not determine a constructor" in message:
        return "remove the !tag: registries hold plain data only"
    return "check the indentation and quoting on this line and the one before"


@functools.lru_cache(maxsize=4096)
def _closest(word: str, allowed: tuple, cutoff: float) -> list[str]:
    """difflib's closest match, once per misspelling: a file that repeats one unknown
    field 32,000 times is hinted once, not 32,000 times."""
    import difflib

    return difflib.get_close_matches(word, allowed, n=1, cutoff=cutoff)
