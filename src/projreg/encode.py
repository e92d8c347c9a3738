"""Projects back into the registry format: the mapping a registry file holds, and YAML.

`to_registry` walks the format's table (schema.PROJECT), so whatever a registry
can hold is written back, and `projreg list -f yaml` loads again as the same
registry. Amounts stay exact; text that YAML would read as something else is quoted.
"""

from __future__ import annotations

from decimal import Decimal

from . import geo, schema
from .model import Project, Registry
from .text import UNSAFE


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
        value = _part_value(part, getattr(item, part.name))
        if value not in (None, [], ""):
            out[part.name] = value
    return out


def to_registry(project: Project) -> dict:
    """The project as its registry entry: only the fields it has, in the documented order."""
    out = {}
    for field in schema.PROJECT:
        value = _part_value(field, getattr(project, field.name))
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
    """YAML that our own reader loads back to the same data."""
    import yaml

    from .yamlsafe import plain_is_text

    class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
        pass

    def text(dumper, value: str):
        style = None
        if UNSAFE.search(value):
            style = '"'  # double quotes are the YAML style that can escape these
        elif not plain_is_text(value):
            style = "'"  # e.g. 1e3: a number to our YAML 1.2 reader, not to PyYAML's writer
        elif "\n" in value:
            style = "|"
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    def amount(dumper, value: Decimal):
        written = str(value)
        # A plain number when it reads back digit for digit, quoted text otherwise.
        if repr(float(written)) == written or (written.lstrip("-").isdigit() and len(written) < 16):
            return dumper.represent_scalar("tag:yaml.org,2002:float", written)
        return dumper.represent_scalar("tag:yaml.org,2002:str", written, style="'")

    Dumper.add_representer(str, text)
    Dumper.add_representer(Decimal, amount)
    dumped = yaml.dump(
        data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=88, default_flow_style=False
    )
    return escape_unsafe(dumped)
