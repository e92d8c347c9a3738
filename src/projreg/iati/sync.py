"""Sync: a fetched registry brought up to date with what publishers now report, as a
three-way merge (git's: base, ours, theirs), field by field.

base   = what the last fetch wrote: the registry's `fetched.base` keeps, for each
         activity (by IATI identifier), a digest of each field's value as fetched. It
         travels with the registry in git, so any clone can sync.
ours   = the registry file now (hand edits included).
theirs = the new fetch.

Per field: theirs equal to base keeps ours; ours equal to base takes theirs; both
changed the same way is no change; both changed differently is a conflict, shown,
ours kept (`prefer_source` takes theirs). Projects without a base entry were added by
hand and are never touched (one with an IATI identifier the fetch returns is matched,
and every difference is a conflict). An activity no longer published is marked with a
note, or deleted with `prune`. Only the lines of what changed are rewritten (`apply`), so
comments, key order and layout stay wherever nothing changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from projreg.errors import ProjregError
from projreg.model import schema
from projreg.model.project import Project, Registry
from projreg.query.diff import ADDED, CHANGED, Change, value_text
from projreg.registry.encode import project_yaml, to_registry, to_yaml_direct

MERGED = tuple(f for f in schema.PROJECT if f.name not in ("id", "iati_id"))
UNPUBLISHED = "no longer published"
MARK = "No longer published in IATI (projreg sync, {date})."


class SyncError(ProjregError):
    """A registry that sync cannot work with (no `fetched` record, a broken base)."""


# --- digests --------------------------------------------------------------------------------


def _value(project: Project | None, name: str, entry: dict | None = None):
    """A field's value as compared: the registry entry's value (countries as codes)."""
    if project is None:
        return None
    if schema.FIELDS[name].kind == schema.COUNTRIES:
        return list(project.countries) or None
    entry = entry if entry is not None else to_registry(project)
    return entry.get(name)


def digest(value) -> str | None:
    return None if value is None else _hashed(value)


def _hashed(value: object) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def digests(project: Project, entry: dict | None = None) -> dict[str, str]:
    """Each field's digest; entry: to_registry(project), where the caller has it already."""
    entry = entry if entry is not None else to_registry(project)
    out = {}
    for f in MERGED:
        value = digest(_value(project, f.name, entry))
        if value is not None:
            out[f.name] = value
    return out


def base_line(values: dict[str, str]) -> str:
    """One activity's base as one line: `title:1a2b... start:3c4d...`."""
    return " ".join(f"{name}:{value}" for name, value in values.items())


def read_base(fetched: dict) -> dict[str, dict[str, str]]:
    base = fetched.get("base") or {}
    if not isinstance(base, dict):
        raise SyncError("fetched: base: not the mapping projreg fetch wrote")
    out = {}
    for identifier, line in base.items():
        pairs = [part.partition(":") for part in str(line or "").split()]
        out[str(identifier)] = {name: value for name, _, value in pairs}
    return out


# --- a new registry -------------------------------------------------------------------------


def registry_text(projects: list[Project], record: dict, source: str) -> str:
    """A new registry of fetched projects, with its `fetched` record.

    Written as import-iati writes (encode.to_yaml_direct), and for the same reason not read
    back: that writer writes only what the readers read back as the same projects
    (tests/test_live.py reads every fetched registry with libyaml and with `check`).
    """
    entries = [to_registry(p) for p in projects]  # each project encoded once
    document = {"source": source, "projects": entries}
    base = {p.iati_id: base_line(digests(p, e)) for p, e in zip(projects, entries, strict=True)}
    return to_yaml_direct(document | {"fetched": {**record, "base": base}})


def _check_loads(text: str) -> None:
    import tempfile
    from pathlib import Path

    from projreg.model.problems import RegistryError
    from projreg.registry.load import load_registry

    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "fetched.yaml"
        probe.write_text(text, encoding="utf-8")
        try:
            load_registry(probe, use_cache=False)
        except RegistryError as error:  # a bug here, not in the user's file
            raise ProjregError(
                "the merged registry does not load, nothing written:\n" + error.render()
            ) from None


# --- the merge ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    id: str
    field: str
    ours: str | None
    theirs: str | None

    def describe(self, taken: bool) -> str:
        kept = "the publisher's taken (--prefer-source)" if taken else "yours kept"
        return (
            f"conflict: {self.id} {self.field}: yours {self.ours or '—'}; "
            f"the publisher's {self.theirs or '—'} ({kept})"
        )


@dataclass
class Plan:
    """What a sync finds, and what --write does."""

    changes: list[Change] = field(default_factory=list)  # in diff's words
    conflicts: list[Conflict] = field(default_factory=list)
    writes: dict[str, dict] = field(default_factory=dict)  # iati_id -> {field: value or None}
    added: list[Project] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)  # iati_ids to mark (or prune)
    base: dict[str, str] = field(default_factory=dict)  # the new base lines
    untouched: int = 0  # projects added by hand
    prefer_source: bool = False
    prune: bool = False

    def lines(self) -> list[str]:
        out = [c.describe() for c in self.changes]
        return out + [c.describe(self.prefer_source) for c in self.conflicts]


def plan(ours: Registry, fetched: dict, theirs: list[Project], prefer_source=False, prune=False):
    """The merge of theirs into ours, against the base in fetched. Pure: writes nothing."""
    base = read_base(fetched)
    result = Plan(prefer_source=prefer_source, prune=prune)
    mine = {p.iati_id: p for p in ours.projects if p.iati_id}
    result.untouched = sum(
        1
        for p in ours.projects
        if not p.iati_id or (p.iati_id not in base and p.iati_id not in {t.iati_id for t in theirs})
    )
    for project in theirs:
        identifier = _iati_id(project)
        entry = to_registry(project)  # once, for the base and the merge
        result.base[identifier] = base_line(digests(project, entry))
        here = mine.get(identifier)
        if here is None:
            if identifier not in base:  # new upstream (one deleted here stays deleted)
                result.added.append(project)
                result.changes.append(Change(ADDED, project.id, new=project.title))
            continue
        _merge_fields(here, project, base.get(identifier), result, entry)
    for identifier, values in base.items():
        if identifier in result.base:
            continue
        here = mine.get(identifier)
        if here is None:
            continue  # deleted here and upstream
        _unpublished(here, values, result)
    return result


def _iati_id(project: Project) -> str:
    """The IATI identifier of a fetched project, or of one of ours matched by it."""
    # project_from_activity skips an activity without one; ours are matched only by theirs.
    assert project.iati_id is not None
    return project.iati_id


def _merge_fields(
    ours: Project, theirs: Project, base: dict | None, result: Plan, theirs_entry: dict
) -> None:
    ours_entry = to_registry(ours)
    writes = {}
    for f in MERGED:
        mine = _value(ours, f.name, ours_entry)
        new = _value(theirs, f.name, theirs_entry)
        d_ours, d_theirs = digest(mine), digest(new)
        d_base = base.get(f.name) if base is not None else "no base"  # by hand: all conflicts
        if d_theirs == d_base or d_ours == d_theirs:
            continue
        old_text = value_text(f, getattr(ours, f.name))
        new_text = value_text(f, getattr(theirs, f.name))
        if d_ours == d_base or result.prefer_source:
            writes[f.name] = theirs_entry.get(f.name)
            result.changes.append(Change(CHANGED, ours.id, f.name, old_text, new_text))
            if d_ours != d_base:
                result.conflicts.append(Conflict(ours.id, f.name, old_text, new_text))
        else:
            result.conflicts.append(Conflict(ours.id, f.name, old_text, new_text))
    if writes:
        result.writes[_iati_id(theirs)] = writes


def _unpublished(here: Project, values: dict, result: Plan) -> None:
    notes = list(here.notes or ())
    marked = any(n.startswith(MARK.split(" (")[0]) for n in notes)
    identifier = _iati_id(here)
    if result.prune:
        result.unpublished.append(identifier)
        result.changes.append(Change(UNPUBLISHED, here.id, old=here.title + " (pruned)"))
        return
    result.base[identifier] = base_line(values)
    if marked:
        return
    result.unpublished.append(identifier)
    result.changes.append(Change(UNPUBLISHED, here.id, old=here.title))


# --- writing --------------------------------------------------------------------------------


def apply(text: str, result: Plan, record: dict, today: str) -> str:
    """The registry's text with the plan written in. Only the lines of what changed are
    rewritten (by import's writer, encode.to_yaml_direct): every other line, comment and fold
    stays byte for byte. The position-keeping reader (yamlsafe.load) says where each item
    and key is (lines and columns from 1; below, lines from 0)."""
    import yaml as pyyaml

    from projreg.registry import yamlsafe

    newline = "\r\n" if "\r\n" in text else "\n"
    try:
        data, _duplicates = yamlsafe.load(text)
    except (pyyaml.YAMLError, yamlsafe.Refused) as error:
        raise SyncError(f"cannot edit the registry: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("projects"), list):
        raise SyncError("cannot edit the registry: it is not a mapping with a 'projects' list")
    lines = text.replace("\r\n", "\n").splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    edits: list[tuple[int, int, str]] = []  # (first line, end line, new text), no overlaps
    items = data["projects"]
    ends = _item_ends(data, items, len(lines))
    by_id = {str(item.get("iati_id")): i for i, item in enumerate(items) if isinstance(item, dict)}
    mark = MARK.format(date=today)
    for identifier in result.unpublished:
        index = by_id[identifier]
        if result.prune:
            edits.append((_line(items[index]), ends[index], ""))
            continue
        notes = items[index].get("notes") or []
        notes = [str(n) for n in ([notes] if isinstance(notes, str) else notes)] + [mark]
        result.writes.setdefault(identifier, {})["notes"] = notes
        result.base[identifier] = _marked_base(result.base[identifier], notes)
    for identifier, writes in result.writes.items():
        index = by_id[identifier]
        edits += _field_edits(items[index], writes, ends[index], lines)
    added = "".join(_indented(project_yaml(p, {}), _column(items)) for p in result.added)
    if added:
        end = ends[-1] if items else _key_end(data, "projects", len(lines))
        edits.append((end, end, added))
    fetched = to_yaml_direct({"fetched": {**record, "base": result.base}})
    if "fetched" in data:
        edits.append((_key(data, "fetched")[0], _key_end(data, "fetched", len(lines)), fetched))
    for first, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[first:end] = [new] if new else []
    new_text = "".join(lines) + ("" if "fetched" in data else fetched)
    if newline != "\n":
        new_text = new_text.replace("\n", newline)
    _check_loads(new_text)
    return new_text


def _line(node) -> int:
    return node.position[0] - 1


def _key(mapping, key) -> tuple[int, int]:
    """(line, column) of a key, from 0."""
    line, column = mapping.key_positions[key]
    return line - 1, column - 1


def _column(items) -> int:
    """The column of the projects list's dashes."""
    first = next((item for item in items if hasattr(item, "position")), None)
    return max(first.position[1] - 3, 0) if first is not None else 0


def _key_end(data, key: str, total: int) -> int:
    """The line after a top-level key's value: the next top-level key's line, or the end."""
    line = _key(data, key)[0]
    later = [_key(data, k)[0] for k in data if _key(data, k)[0] > line]
    return min(later, default=total)


def _item_ends(data, items, total: int) -> list[int]:
    starts = [_line(item) for item in items]
    last_end = _key_end(data, "projects", total)
    return [starts[i + 1] if i + 1 < len(starts) else last_end for i in range(len(starts))]


def _field_edits(item, writes: dict, item_end: int, lines: list[str]) -> list:
    """Edits that replace, delete or insert the written fields of one item."""
    keys = list(item.keys())
    starts = {key: _key(item, key)[0] for key in keys}
    if len(set(starts.values())) < len(keys) or not keys:
        raise SyncError(
            f"cannot edit {item.get('id')!r}: write it in block style (one key a line) "
            "so that sync can change its fields"
        )
    column = _key(item, keys[0])[1]
    first_line = _line(item)
    edits = []
    order = [f.name for f in schema.PROJECT]
    for name, value in writes.items():
        new = _indented(to_yaml_direct({name: value}), column) if value is not None else ""
        if name in starts:
            position = keys.index(name)
            end = starts[keys[position + 1]] if position + 1 < len(keys) else item_end
            end = _trim(lines, starts[name] + 1, end)
            begin = starts[name]
            if begin == first_line:  # the item's first key shares its line with the dash
                dash = lines[begin][:column]
                new = dash + new[column:] if new else dash + "{}\n"
            edits.append((begin, end, new))
            continue
        if value is None:
            continue
        later = [k for k in keys if k in order and order.index(k) > order.index(name)]
        at = starts[later[0]] if later and starts[later[0]] != first_line else None
        if at is None:
            at = _trim(lines, starts[keys[-1]] + 1, item_end)
        edits.append((at, at, new))
    return edits


def _trim(lines: list[str], floor: int, end: int) -> int:
    """end moved back over blank lines and comments, which belong to what follows."""
    while end > floor and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def _indented(text: str, column: int) -> str:
    if not column:
        return text
    pad = " " * column
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


def _marked_base(line: str, notes: list) -> str:
    values = {name: value for name, _, value in (p.partition(":") for p in line.split())}
    values["notes"] = _hashed([str(n) for n in notes])
    return base_line(values)
