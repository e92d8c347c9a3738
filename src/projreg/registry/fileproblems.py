"""The problems of one registry file as the reader finds them: where each is (the
positions the careful parser keeps on mappings and lists), how a value is named in a
message (in the registry's words, never Python's), and the Reporter that records them
or, on the fast path, stops at the first (NeedsPositions).
"""

from __future__ import annotations

import functools

from projreg.model import schema
from projreg.model.problems import Problem


class NeedsPositions(Exception):
    """The fast parser's data has a problem: read the file again, keeping positions."""


class Reporter:
    """Records the problems of one file, each with its place, field and project; in fast
    mode the first problem stops the reading instead (there are no positions to give)."""

    def __init__(self, file: str, problems: list[Problem], fast: bool = False):
        self.file = file
        self.problems = problems
        self.fast = fast
        self.project_id: str | None = None  # the project being read, named in problems

    def problem(self, position, message, hint="", field=None, severity="error") -> None:
        if self.fast:
            raise NeedsPositions
        line, column = position or (0, 0)
        self.problems.append(
            Problem(self.file, line, column, message, hint, self.project_id, field, severity)
        )

    def _errors_since(self, count: int) -> bool:
        return any(p.severity == "error" for p in self.problems[count:])

    def _unknown_field(self, mapping, key, allowed, what="field") -> None:
        if not isinstance(key, str):
            self.problem(
                kpos(mapping, key),
                f"a {what} name must be text, got {'null' if key is None else kind_of(key)}",
                f"known: {', '.join(allowed)}",
            )
            return
        if key == "<<":
            self.problem(
                kpos(mapping, key),
                "merge keys (<<) are not supported",
                "write the fields out in each mapping",
                "<<",
            )
            return
        hint = unknown_field_hint(key, mapping[key], tuple(allowed))
        self.problem(kpos(mapping, key), f"unknown {what} {key!r}", hint, str(key))

    def _check_fields(self, mapping, allowed, what="field") -> None:
        for key in mapping:
            if key not in allowed:
                self._unknown_field(mapping, key, allowed, what)


# --- where: positions the careful parser (yamlsafe.load) keeps; none from the fast one ------

_NOWHERE: dict = {}


def pos(node):
    """(line, column) of a parsed mapping or list; None for data from the fast parser."""
    return getattr(node, "position", None)


def kpos(mapping, key):
    """(line, column) of a key of a parsed mapping; None if unknown."""
    return getattr(mapping, "key_positions", _NOWHERE).get(key)


def vpos(mapping, key):
    """(line, column) of the value of a key of a parsed mapping; None if unknown."""
    return getattr(mapping, "value_positions", _NOWHERE).get(key)


def field_positions(item) -> dict:
    """Where each field and list item of a project was written, for later warnings."""
    if not hasattr(item, "value_positions"):
        return {}  # data from the fast parser: no positions to keep
    positions = dict(item.value_positions)
    for key, value in item.items():
        if isinstance(value, list) and hasattr(value, "item_positions"):
            for index, where in enumerate(value.item_positions):
                positions[f"{key}[{index}]"] = where
    return positions


# --- what: a value named for a message ------------------------------------------------------


def kind_of(value) -> str:
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


def quote_hint(value) -> str:
    """The hint for a value YAML read as something other than text."""
    import datetime as dt

    if isinstance(value, (bool, int, float, dt.date)):
        return "quote it"
    if isinstance(value, (bytes, bytearray)):
        return "write it as plain text, without the !!binary tag"
    return ""


def unknown_field_hint(key: str, value, allowed: tuple) -> str:
    """The hint for an unknown field: by meaning (synonyms.py), else the closest name,
    else the names known. Worked out once per name: a file that repeats one unknown field
    32,000 times is hinted once (only a field of choices looks at each value)."""
    meant, hint = _hint_for_name(key, allowed)
    return hint if meant is None else _choice_hint(meant, value)


@functools.lru_cache(maxsize=4096)
def _hint_for_name(key: str, allowed: tuple) -> tuple[str | None, str]:
    """(the field of choices the name means, when its hint depends on the value; the hint)."""
    from projreg.model import synonyms  # read only when a person is shown the error

    meant = synonyms.field_meant(key, allowed)
    if meant is not None:
        field = schema.FIELDS.get(meant)
        if field is not None and field.kind == schema.CHOICE:
            return meant, ""
        return None, f"did you mean {meant!r}?"
    close = closest(key, allowed, 0.6)
    return None, f"did you mean {close[0]!r}?" if close else f"known: {', '.join(allowed)}"


def _choice_hint(meant: str, value) -> str:
    """A hint by meaning (synonyms.py) for an unknown field that means a field of choices:
    `status: finished` is `activity_status: completed`, and the values the field takes."""
    from projreg.model import synonyms

    choices = schema.FIELDS[meant].choices
    said = synonyms.value_meant(meant, value, choices) if isinstance(value, str) else None
    if said is None and isinstance(value, str) and value.strip() in choices:
        said = value.strip()
    hint = f"did you mean {meant!r}?"
    takes = f"it takes {', '.join(choices)}"
    return f"{hint} write '{meant}: {said}' ({takes})" if said else f"{hint} ({takes})"


@functools.lru_cache(maxsize=4096)
def closest(word: str, allowed: tuple, cutoff: float) -> list[str]:
    """difflib's closest match, once per misspelling: a file that repeats one unknown
    field 32,000 times is hinted once, not 32,000 times."""
    import difflib

    return difflib.get_close_matches(word, allowed, n=1, cutoff=cutoff)
