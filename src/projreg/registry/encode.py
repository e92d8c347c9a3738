"""Projects back into the registry format: the mapping a registry file holds, and YAML.

`to_registry` walks the format's table (schema.PROJECT), so whatever a registry
can hold is written back, and `projreg list -f yaml` loads again as the same
registry. Amounts stay exact; text that YAML would read as something else is quoted.
"""

from __future__ import annotations

from projreg.model import geo, schema
from projreg.model.project import Project, Registry
from projreg.model.text import UNSAFE


def _part_value(field: schema.Field, value):
    if value is None:
        return None
    if field.kind == schema.DATE:
        return value.iso()
    if field.kind in (schema.TEXTS, schema.REGIONS):
        return list(value)
    if field.kind == schema.COUNTRIES:
        return [geo.country_name(code) for code in value]
    if field.kind == schema.RECORDS:
        return [_record(field, item) for item in value]
    return value


def _record(field: schema.Field, item) -> dict:
    out = {}
    for part in field.parts:
        value = getattr(item, part.name)
        if value is None:  # most parts of most records (a transaction has 18)
            continue
        value = _part_value(part, value)
        if value not in ([], ""):
            out[part.name] = value
    return out


def to_registry(project: Project) -> dict:
    """The project as its registry entry: only the fields it has, in the documented order.

    Countries are written with the names the registry used ("Turkey" stays Turkey)."""
    out = {}
    for field in schema.PROJECT:
        value = getattr(project, field.name)
        if value is None or value == ():  # most fields of most projects
            continue
        if field.kind == schema.COUNTRIES:
            value = [project.country_name(code) for code in value]
        else:
            value = _part_value(field, value)
        if value not in (None, [], ""):
            out[field.name] = value
    return out


def registry_document(registry: Registry | None, projects: list[Project]) -> dict:
    """A whole registry file: the source, the organisations, and these projects."""
    document: dict = {}
    if registry is not None and registry.source_notes:
        document["source"] = "\n".join(registry.source_notes)
    if registry is not None and registry.organisations:
        organisations = schema.TOP[1]
        document["organisations"] = [_record(organisations, o) for o in registry.organisations]
    document["projects"] = [to_registry(p) for p in projects]
    return document


def escape_unsafe(text: str) -> str:
    """Control and invisible characters as \\uXXXX escapes (valid in JSON and YAML strings)."""
    return UNSAFE.sub(
        lambda m: (
            f"\\u{ord(m.group()):04x}" if ord(m.group()) < 0x10000 else f"\\U{ord(m.group()):08x}"
        ),
        text,
    )


def to_yaml(data) -> str:
    """YAML that our own reader loads back to the same data.

    A long list (a registry's projects, rows) is written an item at a time, so that the
    node tree of a whole registry is never built at once (half a gigabyte for 20,000
    imported projects); the text is the same as writing it whole (tests/test_roundtrip.py).
    """
    parts = []
    if data.__class__ is list and len(data) > 1:
        parts = [_to_yaml([item]) for item in data]
    elif data.__class__ is dict and any(v.__class__ is list and len(v) > 1 for v in data.values()):
        for key, value in data.items():
            if value.__class__ is list and len(value) > 1:
                parts.append(_to_yaml({key: value[:1]}))  # "key:" and the first item
                parts += [_to_yaml([item]) for item in value[1:]]
            else:
                parts.append(_to_yaml({key: value}))
    # A part that ends its document with "..." (after text kept with its final newlines)
    # would end the whole one there: such data is written whole.
    if parts and not any(part.endswith("...\n") for part in parts[:-1]):
        return "".join(parts)
    return _to_yaml(data)


def _to_yaml(data) -> str:
    """to_yaml of data written whole.

    The node tree is built here rather than by PyYAML's representers (a registry of
    20,000 imported projects has a million scalars: the representers' per-value
    dispatch was most of an import's time), then written by PyYAML's C emitter when
    it has one. The text is the same as yaml.dump with the representers below.
    """
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    dumped = yaml.serialize(_node_maker()(data), Dumper=dumper, allow_unicode=True, width=88)
    return escape_unsafe(dumped)


_TAG = "tag:yaml.org,2002:"


def _node_maker():
    """A function from plain data (dicts, lists, text, numbers, None) to PyYAML's nodes."""
    from decimal import Decimal

    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    str_tag, map_tag, seq_tag = _TAG + "str", _TAG + "map", _TAG + "seq"
    style_of = _styles()

    def amount(value: Decimal) -> ScalarNode:
        written = str(value)
        # A plain number when it reads back digit for digit, quoted text otherwise.
        if written.lstrip("-").isdigit() and len(written) < 16:
            # a whole amount: an int to YAML (a float tag would be written out as `!!float`)
            return ScalarNode(_TAG + "int", written)
        if repr(float(written)) == written:
            return ScalarNode(_TAG + "float", written)
        return ScalarNode(str_tag, written, style="'")

    def node(value):
        kind = value.__class__
        if kind is str:
            return ScalarNode(str_tag, value, style=style_of(value))
        if kind is dict:
            return MappingNode(
                map_tag, [(node(k), node(v)) for k, v in value.items()], flow_style=False
            )
        if kind is list:
            return SequenceNode(seq_tag, [node(v) for v in value], flow_style=False)
        if value is None:
            return ScalarNode(_TAG + "null", "null")
        if kind is bool:
            return ScalarNode(_TAG + "bool", "true" if value else "false")
        if kind is int:
            return ScalarNode(_TAG + "int", str(value))
        if kind is Decimal:
            return amount(value)
        if kind is float:
            return ScalarNode(_TAG + "float", _float_text(value))
        raise TypeError(f"cannot write {kind.__name__} as YAML")

    return node


def _styles():
    """A function from a text to the YAML style that writes it safely (remembered: registries
    repeat their texts)."""
    from projreg.registry.yamlsafe import plain_is_text

    styles: dict[str, str | None] = {}

    def style_of(value: str) -> str | None:
        style = styles.get(value, "")
        if style == "":
            if UNSAFE.search(value):
                style = '"'  # double quotes are the YAML style that can escape these
            elif not plain_is_text(value):
                style = "'"  # e.g. 1e3: a number to our YAML 1.2 reader, not to PyYAML's writer
            elif value[:1].isdigit() and "_" in value:
                style = "'"  # 00081406_2012: text, but a number form the fast reader declines
            elif "\n" in value:
                style = "|"
            else:
                style = None
            if len(styles) < 200_000:
                styles[value] = style
        return style

    return style_of


def _float_text(value: float) -> str:
    """A float as PyYAML's SafeRepresenter writes it."""
    if value != value:
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value).lower()
    if "." not in text and "e" in text:
        text = text.replace("e", ".0e", 1)
    return text


# --- a plain writer for data it knows --------------------------------------------------------

_RESOLVER = None  # PyYAML's (YAML 1.1) resolver, made on first use
_PLAIN = None  # compiled on first use: text that may be written unquoted in block context


def to_yaml_direct(data: dict) -> str:
    """YAML for a registry document (mappings, lists, text, numbers, amounts), written
    directly, without PyYAML's node tree or emitter: import-iati's writer.

    Text is plain only where both YAML 1.2 (our reader) and YAML 1.1 (PyYAML, yaml-rs
    agree with it there) read it as the same text; else single-quoted, or double-quoted
    with escapes when it holds line breaks or characters escape_unsafe makes visible.
    tests/test_iati_published.py holds both readers equal to the data on real files, and
    tests/test_roundtrip.py on generated text.
    """
    lines: list[str] = []
    _block(data, "", lines, {})
    return "".join(lines)


def project_yaml(project: Project, memo: dict) -> str:
    """One project as an item of the projects list, as to_yaml_direct writes to_registry's
    mapping of it; written as the fields are walked, without making that mapping first
    (the mappings were half of import-iati's writing). tests/test_roundtrip.py holds the two
    equal on generated projects, tests/test_iati_published.py on every real one."""
    lines: list[str] = []
    lead = "- "
    for field in schema.PROJECT:
        value = getattr(project, field.name)
        if value is None or value == "" or value == () or value == []:
            continue
        head = f"{lead}{field.name}:"
        lead = "  "
        if field.kind == schema.RECORDS:
            lines.append(head + "\n")
            for item in value:
                _record_lines(field, item, lines, memo)
        elif field.kind == schema.COUNTRIES:
            _entry(head, [project.country_name(code) for code in value], lead, lines, memo)
        else:
            _entry(head, _part_value(field, value), lead, lines, memo)
    return "".join(lines)


def _record_lines(field: schema.Field, item, lines: list[str], memo: dict) -> None:
    """One item of a list of records (at indent 2), as _block writes _record's mapping of it."""
    lead = "  - "
    for part in field.parts:
        value = getattr(item, part.name)
        if value is None or value == "":
            continue
        if value.__class__ is not str:
            value = _part_value(part, value)
            if value == []:
                continue
        if value.__class__ is str:
            lines.append(f"{lead}{part.name}: {memo.get(value) or _scalar(value, memo)}\n")
        else:
            _entry(f"{lead}{part.name}:", value, "    ", lines, memo)
        lead = "    "
    if lead == "  - ":  # nothing to write: an empty mapping
        lines.append("  - {}\n")


def scalar_yaml(value) -> str:
    """One value as to_yaml_direct writes it."""
    return _scalar(value, {})


def _block(value, indent: str, lines: list[str], memo: dict) -> None:
    """Lines of a mapping (each key at indent) or a list (each item at indent)."""
    if value.__class__ is dict:
        for key, item in value.items():
            _entry(f"{indent}{key}:", item, indent, lines, memo)
        return
    inner = indent + "  "
    for item in value:
        if item.__class__ is dict and item:
            lead = indent + "- "  # the first key; the others at inner
            for key, part in item.items():
                if part.__class__ is str:  # most parts: written here, without a call
                    lines.append(f"{lead}{key}: {memo.get(part) or _scalar(part, memo)}\n")
                else:
                    _entry(f"{lead}{key}:", part, inner, lines, memo)
                lead = inner
        else:
            _entry(f"{indent}-", item, indent, lines, memo)


def _entry(head: str, value, indent: str, lines: list[str], memo: dict) -> None:
    if value.__class__ is str:  # most values: a text, often one written before
        lines.append(f"{head} {memo.get(value) or _scalar(value, memo)}\n")
    elif value.__class__ is dict and value:
        lines.append(head + "\n")
        _block(value, indent + "  ", lines, memo)
    elif value.__class__ is list and value:
        lines.append(head + "\n")
        _block(value, indent, lines, memo)  # a list in a mapping: indentless, as PyYAML writes
    else:
        lines.append(f"{head} {_scalar(value, memo)}\n")


def _scalar(value, memo: dict) -> str:
    kind = value.__class__
    if kind is str:
        written = memo.get(value)
        if written is None:
            written = _text(value)
            if len(value) <= 80:  # codes and names repeat; prose not
                if len(memo) >= 50_000:  # bounded: emptied (what repeats comes back soon)
                    memo.clear()
                memo[value] = written
        return written
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        return _float_text(value)
    if kind in (list, dict):
        return "[]" if kind is list else "{}"
    from decimal import Decimal

    if kind is Decimal:
        written = str(value)
        if (written.lstrip("-").isdigit() and len(written) < 16) or repr(float(written)) == written:
            return written
        return f"'{written}'"
    raise TypeError(f"cannot write {kind.__name__} as YAML")


def _text(value: str) -> str:
    import json
    import re

    global _PLAIN
    if _PLAIN is None:
        # A first character that is no indicator, and no ": ", " #", tab or edge space.
        _PLAIN = re.compile(r"(?![-?:,\[\]{}#&*!|>'\"%@`])[^\t\n\r]*(?<![ :])")
    if "\n" in value or "\r" in value or UNSAFE.search(value):
        return escape_unsafe(json.dumps(value, ensure_ascii=False))
    if (
        value
        and value[0] != " "
        and _PLAIN.fullmatch(value)
        and ": " not in value
        and " #" not in value
        and _plain_everywhere(value)
    ):
        return value
    return "'" + value.replace("'", "''") + "'"


def _plain_everywhere(value: str) -> bool:
    """Is value text, unquoted, to our YAML 1.2 reader and to PyYAML's YAML 1.1 resolver?"""
    import yaml

    from projreg.registry.yamlsafe import plain_is_text

    global _RESOLVER
    if not plain_is_text(value):
        return False
    if _RESOLVER is None:
        _RESOLVER = yaml.resolver.Resolver()
    resolved = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    return resolved == "tag:yaml.org,2002:str"
