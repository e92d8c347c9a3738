"""Adding a project skeleton to a registry file, keeping the file's comments and layout.

The values are checked first, with the registry's own readers (dates.parse_date,
geo), so that what is written is a project `projreg check` accepts. The entry is
inserted into the file as text, where the careful reader (yamlsafe) locates the end of
the `projects` list, in the file's own indentation, line breaks and list style: every
byte the file had is kept (byte order mark, CR or CRLF line ends, escapes, `...`). The
result is read back and must hold the old document plus the one project, or nothing is
written. A file that does not exist yet becomes a registry of that one project.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from projreg.errors import ProjregError, UsageError
from projreg.model import geo
from projreg.model.dates import DateError, parse_date
from projreg.model.project import Registry, id_key


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


# --- the entry, in text ------------------------------------------------------------------

SCHEMA_LINE = "# yaml-language-server: $schema=projects.schema.json"
NEW_FILE_HEAD = (
    f"{SCHEMA_LINE}\n"
    "# (That line lets editors check this file as you type: `projreg schema >\n"
    "# projects.schema.json` beside it. `projreg check` checks it too.)\n"
    "\n"
)
_FIELDS = ("id", "acronym", "title", "countries", "start", "end", "donors", "implementers")
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_PLAIN = re.compile(r"[A-Za-z0-9(][^\x00-\x1f:#,\[\]{}\"'\\`|>&*!%@]*")


def _scalar(value: str) -> str:
    """value as YAML: plain where it certainly reads back as the same text, else quoted;
    in double quotes, with every invisible, control or bidi character escaped (so that
    review sees them), when it holds any."""
    from projreg.registry.yamlsafe import plain_is_text

    if value.isprintable():  # no control, format (bidi) or invisible character
        if _PLAIN.fullmatch(value) and value == value.strip() and plain_is_text(value):
            return value
        return "'" + value.replace("'", "''") + "'"
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
    return '"' + "".join(out) + '"'


def _pairs(skeleton: Skeleton) -> list[tuple[str, str]]:
    pairs = []
    for name in _FIELDS:
        value = getattr(skeleton, name)
        if isinstance(value, tuple):
            if value:
                pairs.append((name, "[" + ", ".join(_scalar(v) for v in value) + "]"))
        elif value:
            pairs.append((name, _scalar(value)))
    return pairs


def _block_item(skeleton: Skeleton, dash: int, content: int, newline: str) -> str:
    lines = []
    for n, (name, value) in enumerate(_pairs(skeleton)):
        lead = " " * dash + "-" + " " * (content - dash - 1) if n == 0 else " " * content
        lines.append(f"{lead}{name}: {value}{newline}")
    return "".join(lines)


def _flow_item(skeleton: Skeleton) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in _pairs(skeleton)) + "}"


def new_file(skeleton: Skeleton) -> tuple[str, str]:
    """A new registry holding the one project: the schema line, then `projects:`."""
    entry = _block_item(skeleton, 2, 4, "\n")
    return NEW_FILE_HEAD + "projects:\n" + entry, entry


def _compose(text: str):
    import yaml

    from projreg.registry.yamlsafe import Loader

    loader = Loader(text)
    try:
        return loader.get_single_node()
    except yaml.YAMLError as error:
        raise ProjregError(f"cannot edit the file: {error}") from None
    finally:
        loader.dispose()


def _end(node) -> int:
    """Where node's text ends: its own end for a scalar or a flow collection; for a block
    collection (whose end PyYAML puts at the next token, past blank lines and comments)
    the furthest end of what is in it."""
    if not isinstance(node.value, list) or node.flow_style:
        return node.end_mark.index
    end = node.start_mark.index
    for child in node.value:
        for part in child if isinstance(child, tuple) else (child,):
            end = max(end, _end(part))
    return end


def _line_end(text: str, at: int) -> tuple[int, str]:
    """The end of the line at `at` (after its line break) and that break ("" at the end)."""
    if at and _BREAK.match(text[at - 1]):  # already at the start of a line
        return at, text[at - 1] if text[at - 2 : at] != "\r\n" else "\r\n"
    found = _BREAK.search(text, at)
    if found is None:
        return len(text), ""
    return found.end(), found.group()


def _newline(text: str, near: str) -> str:
    if near:
        return near
    found = _BREAK.search(text)
    return found.group() if found else "\n"


def _unix(entry: str) -> str:
    return _BREAK.sub("\n", entry)


def add_project(text: str, skeleton: Skeleton) -> tuple[str, str]:
    """The file's text with the project added at the end of its `projects` list, and the
    entry as written there. Every byte of the file is kept: the entry is inserted as text,
    in the file's own indentation, line breaks and list style; the result is read back
    with the careful reader and must hold the old projects and the new one, or nothing is
    written."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    new_body, entry = _insert(body, skeleton)
    _verify(body, new_body, skeleton)
    return bom + new_body, entry


def _insert(text: str, skeleton: Skeleton) -> tuple[str, str]:
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    root = _compose(text)
    if root is None:  # empty, or comments only
        return _append_key(text, len(text), skeleton)
    if not isinstance(root, MappingNode):
        raise ProjregError("cannot add a project: the file is not a mapping with 'projects:'")
    found = [(k, v) for k, v in root.value if isinstance(k, ScalarNode) and k.value == "projects"]
    if not found:
        return _append_key(text, _end(root), skeleton)
    key, value = found[0]
    if (isinstance(value, ScalarNode) and value.tag.endswith(":null")) or (
        isinstance(value, SequenceNode) and not value.value
    ):
        return _replace_empty(text, key, value, skeleton)
    if not isinstance(value, SequenceNode):
        raise ProjregError("cannot add a project: 'projects' is not a list")
    if value.flow_style:
        entry = _flow_item(skeleton)
        close = value.end_mark.index - 1  # the `]`
        return text[:close].rstrip(" \t") + ", " + entry + text[close:], entry + "\n"
    return _append_item(text, value, skeleton)


def _append_item(text: str, seq, skeleton: Skeleton) -> tuple[str, str]:
    last = seq.value[-1]
    dash = seq.start_mark.column
    content = last.start_mark.column if _on_dash_line(text, last) else dash + 2
    at, near = _line_end(text, _end(last))
    newline = _newline(text, near)
    entry = _block_item(skeleton, dash, content, newline)
    lead = "" if near else newline
    if len(seq.value) > 1 and _blank_before(text, last):
        lead += newline  # the file's blank line between projects
    return text[:at] + lead + entry + text[at:], _unix(entry)


def _blank_before(text: str, item) -> bool:
    """Is the line before item's `-` line blank (the file separates its projects)?"""
    lines = _BREAK.split(text[: item.start_mark.index])
    return len(lines) > 2 and not lines[-2].strip(" \t")


def _on_dash_line(text: str, item) -> bool:
    """Does item start on the line of its `-` (`- id: A`), not below it?"""
    start = item.start_mark.index
    line_start = max(text.rfind(c, 0, start) for c in "\r\n\x85\u2028\u2029") + 1
    return text[line_start:start].strip(" \t").endswith("-")


def _replace_empty(text: str, key, value, skeleton: Skeleton) -> tuple[str, str]:
    """`projects:`, `projects: ~` or `projects: []`: the value becomes a block list of one."""
    at, near = _line_end(text, max(value.end_mark.index, key.end_mark.index))
    newline = _newline(text, near)
    line_rest = text[value.end_mark.index : at].rstrip("\r\n\x85\u2028\u2029")
    head = text[: value.start_mark.index].rstrip(" \t")
    entry = _block_item(skeleton, key.start_mark.column + 2, key.start_mark.column + 4, newline)
    return head + line_rest + newline + entry + text[at:], _unix(entry)


def _append_key(text: str, end: int, skeleton: Skeleton) -> tuple[str, str]:
    """No `projects` key: one added after the last line of the mapping."""
    at, near = _line_end(text, end) if end else (0, "")
    newline = _newline(text, near)
    lead = newline if at and not near else ""
    entry = _block_item(skeleton, 2, 4, newline)
    return text[:at] + lead + "projects:" + newline + entry + text[at:], _unix(entry)


def _verify(old: str, new: str, skeleton: Skeleton) -> None:
    """The careful reader must find the old document with the one project added."""
    old_rest, old_projects = _read_back(old)
    new_rest, new_projects = _read_back(new)
    want = {name: list(v) if isinstance(v, tuple) else v for name, v in _values(skeleton)}
    got = new_projects[-1] if new_projects else None
    if (
        new_rest != old_rest
        or new_projects[:-1] != old_projects
        or not isinstance(got, dict)
        or {k: [str(x) for x in v] if isinstance(v, list) else str(v) for k, v in got.items()}
        != want
    ):
        raise ProjregError(
            "cannot add a project to this file's layout without changing it; add it by hand"
        )


def _read_back(text: str) -> tuple[dict, list]:
    from projreg.registry.yamlsafe import load

    try:
        data, _ = load(text)
    except Exception as error:  # a bug here, never the user's: refuse to write
        raise ProjregError(f"cannot add a project to this file's layout: {error}") from None
    data = data if isinstance(data, dict) else {}
    return {k: v for k, v in data.items() if k != "projects"}, list(data.get("projects") or [])


def _values(skeleton: Skeleton):
    for name in _FIELDS:
        value = getattr(skeleton, name)
        if value:
            yield name, value
