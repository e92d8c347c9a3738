"""Adding a project skeleton to a registry file, keeping the file's comments and layout.

The values are checked first, with the registry's own readers (dates.parse_date,
geo), so that what is written is a project `projreg check` accepts. The file is
edited with ruamel.yaml's round-trip mode, which keeps comments, quoting, flow
lists and the file's indentation; everything else in the file stays as it was.
"""

from __future__ import annotations

import io
import re
from typing import NamedTuple

from . import geo
from .dates import DateError, parse_date
from .errors import ProjregError, UsageError
from .model import Registry, id_key

_BLANK_BEFORE_ITEM = re.compile(r"\n[ \t]*\r?\n[ \t]*- ")


class Skeleton(NamedTuple):
    """What `projreg new` writes: the fields a new project starts with."""

    id: str
    title: str
    acronym: str | None = None
    start: str | None = None
    end: str | None = None
    countries: tuple[str, ...] = ()
    donors: tuple[str, ...] = ()
    implementers: tuple[str, ...] = ()


def check_id(text: str, registry: Registry) -> str:
    """The id, stripped; UsageError if blank or if the registry has it (as `show` matches)."""
    text = text.strip()
    if not text:
        raise UsageError("the id is empty")
    key = id_key(text)
    for project in registry.projects:
        if id_key(project.id) == key:
            where = f" in {project.origin.file}" if project.origin else ""
            raise UsageError(f"id {text!r} exists already: {project.id}{where}")
    return text


def check_text(name: str, text: str) -> str:
    text = text.strip()
    if not text:
        raise UsageError(f"the {name} is empty")
    return text


def check_date(name: str, text: str) -> str:
    """The date as written, once the registry's reader accepts it."""
    try:
        parse_date(text)
    except DateError as error:
        # The reader's own hint: the exact ISO date to type when the text can mean only one.
        raise UsageError(f"{name}: {error}; {error.hint}") from None
    return " ".join(text.split())


def check_country(text: str) -> str:
    """The country's name as projreg writes it, for a name or code it knows."""
    try:
        return geo.country_name(geo.country_code(text.strip()))
    except geo.UnknownPlace as error:
        hint = f"; did you mean {' or '.join(error.suggestions)}?" if error.suggestions else ""
        raise UsageError(f"unknown country {text.strip()!r}{hint}") from None


def check_dates(start: str | None, end: str | None) -> None:
    if start and end and parse_date(end).last_day() < parse_date(start).first_day():
        raise UsageError(f"the end ({end}) is before the start ({start})")


def _yaml(text: str):
    """A round-trip YAML editor set to the indentation the file uses."""
    from ruamel.yaml import YAML
    from ruamel.yaml.util import load_yaml_guess_indent

    _, indent, offset = load_yaml_guess_indent(text)
    if indent is None:  # nothing to go by: the layout of the bundled registry
        indent, offset = 4, 2
    offset = offset or 0
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the file's long lines
    yaml.indent(mapping=max(indent - offset, 2), sequence=indent, offset=offset)
    return yaml


def _entry(skeleton: Skeleton):
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def flow(items):
        seq = CommentedSeq(items)
        seq.fa.set_flow_style()
        return seq

    entry = CommentedMap()
    for name in ("id", "acronym", "title", "countries", "start", "end", "donors", "implementers"):
        value = getattr(skeleton, name)
        if value:
            entry[name] = flow(list(value)) if isinstance(value, tuple) else value
    return entry


def add_project(text: str, skeleton: Skeleton) -> tuple[str, str]:
    """The file's text with the project added at the end of its `projects` list, and the
    entry as written there."""
    from ruamel.yaml.error import YAMLError

    yaml = _yaml(text)
    try:
        data = yaml.load(text)
    except YAMLError as error:
        raise ProjregError(f"cannot edit the file: {error}") from None
    if not isinstance(data, dict):
        raise ProjregError("cannot add a project: the file is not a mapping with 'projects:'")
    projects = data.get("projects")
    entry = _entry(skeleton)
    if not projects:  # absent, empty, or `[]`: a block list of one
        from ruamel.yaml.comments import CommentedSeq

        data["projects"] = CommentedSeq([entry])
    elif isinstance(projects, list) and not getattr(projects.fa, "_flow_style", False):
        projects.append(entry)
    else:
        raise ProjregError("cannot add a project: 'projects' is not a block list")
    out = io.StringIO()
    yaml.dump(data, out)
    new_text = out.getvalue()
    shown = io.StringIO()
    yaml.dump([entry], shown)
    at = new_text.rfind(shown.getvalue())
    if at > 0 and _BLANK_BEFORE_ITEM.search(text) and not new_text[:at].endswith("\n\n"):
        new_text = new_text[:at] + "\n" + new_text[at:]  # the file's blank line between projects
    if "\r\n" in text:
        new_text = new_text.replace("\r\n", "\n").replace("\n", "\r\n")
    return new_text, shown.getvalue()
