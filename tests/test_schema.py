"""The format's one table (schema.py) is the whole truth: every field, walked generically,
round-trips YAML -> cache -> YAML and reaches every output. A new schema row is covered
here without a new test."""

import json
from decimal import Decimal

import pytest

from projreg import load_registry
from projreg.model import schema
from projreg.model.dates import PartialDate
from projreg.model.fields import FIELDS, SHOW_FIELDS
from projreg.model.project import Project
from projreg.registry.encode import registry_document, to_registry, to_yaml

# One value of each kind, as the library holds it.
VALUE = {
    schema.TEXT: "Some text; with: punctuation",
    schema.TEXTS: ("first", "second; with a semicolon"),
    schema.DATE: PartialDate(2018, 6),
    schema.COUNT: 36,
    schema.COUNTRIES: ("GE", "AZ"),
    schema.REGIONS: ("Eastern Partnership",),
    schema.DECIMAL: Decimal("1166170.55"),
    schema.NUMBER: 12.5,
}


def value_of(field: schema.Field):
    if field.kind == schema.CHOICE:
        return field.choices[-1]
    if field.kind == schema.RECORDS:
        parts = {p.name: value_of(p) for p in field.parts}
        return (field.record(**parts), field.record(**parts))
    if field.kind == schema.DATE and field.name in ("end", "planned_end"):
        return PartialDate(2020, 11, 30)
    return VALUE[field.kind]


def full_project(project_id="FULL-1") -> Project:
    values = {f.name: value_of(f) for f in schema.PROJECT}
    values["id"] = project_id
    return Project(**values)


def test_the_project_class_is_the_schema():
    assert set(Project.__dataclass_fields__) - {"origin", "written_names"} == set(schema.NAMES)
    # Every kind in the table is one the readers know.
    assert {f.kind for f in schema.PROJECT} <= set(schema.KINDS)


@pytest.fixture
def written(tmp_path):
    project = full_project()
    path = tmp_path / "full.yaml"
    path.write_text(to_yaml(registry_document(None, [project])), encoding="utf-8")
    return project, path


def test_every_field_round_trips_through_yaml_and_the_cache(written):
    project, path = written
    cold = load_registry(path, use_cache=False).projects[0]
    first = load_registry(path).projects[0]  # parsed, then cached
    warm = load_registry(path).projects[0]  # from the cache
    for loaded in (cold, first, warm):
        for field in schema.PROJECT:
            assert getattr(loaded, field.name) == getattr(project, field.name), field.name
        assert to_registry(loaded) == to_registry(project)
    # Nothing is empty: the test really carries every field.
    assert set(to_registry(project)) == set(schema.NAMES)


def test_every_field_reaches_json_output(run, written):
    _, path = written
    for warmth in ("cold", "warm"):
        result = run("--registry", str(path), "list", "-f", "json", "--fields", "all")
        assert result.exit_code == 0, (warmth, result.stderr)
        (record,) = json.loads(result.stdout)
        assert list(record) == list(FIELDS)
        for field in schema.PROJECT:
            assert record[field.name] not in (None, [], ""), field.name
        assert record["budgets"][0]["value"] == 1166170.55
        assert record["start"] == "2018-06" and record["end"] == "2020-11-30"
    shown = json.loads(run("--registry", str(path), "show", "FULL-1", "--json").stdout)
    assert list(shown) == list(SHOW_FIELDS)
    assert set(schema.NAMES) <= set(shown)


def test_project_class_is_the_table():
    """Project's annotated fields are generated from schema.PROJECT (scripts/gen_model.py):
    the class an editor completes and a type checker reads says what the table says."""
    import dataclasses
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("gen_model", root / "scripts" / "gen_model.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    text = generator.MODEL.read_text(encoding="utf-8")
    assert generator.rewritten(text) == text, (
        "Project's fields disagree with schema.PROJECT: run python scripts/gen_model.py"
    )
    declared = [f.name for f in dataclasses.fields(Project)]
    assert sorted(declared[: len(schema.PROJECT)]) == sorted(schema.NAMES)
    for field in schema.PROJECT:
        annotation = Project.__annotations__[field.name]
        assert annotation == generator.annotation(field), field.name
        default = dataclasses.fields(Project)[declared.index(field.name)].default
        assert (default is dataclasses.MISSING) == field.required, field.name
        if not field.required:
            assert default == field.empty, field.name
