"""The JSON Schema of the registry format: generated, committed, and in agreement with check."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from projreg.registry import yamlsafe
from projreg.registry.formatschema import CHECK_ONLY, json_schema, schema_text
from projreg.registry.load import BUNDLED

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "docs" / "projects.schema.json"
BAD = Path(__file__).parent / "bad"

# For each broken registry: what the schema says of it. "invalid": the schema catches it
# as check does; "check only": valid to the schema, a rule only check knows (CHECK_ONLY);
# "not YAML": no data for a schema to look at (the editor's YAML parser reports it).
VERDICTS = {
    "alias-bomb.yaml": "not YAML",
    "alias-text-bomb.yaml": "not YAML",
    "bad-activity-status.yaml": "invalid",
    "bad-date.yaml": "invalid",  # 'Jnue 2018' is none of the date shapes
    "bad-implementer-role.yaml": "invalid",
    "comments-only.yaml": "invalid",
    "control-character.yaml": "not YAML",
    "countries-is-a-mapping.yaml": "invalid",
    "deep-block-sequence.yaml": "not YAML",
    "donor-without-name.yaml": "invalid",
    "duplicate-id-in-one-file.yaml": "check only",
    "duplicate-ids-across-files/a.yaml": "check only",
    "duplicate-ids-across-files/b.yaml": "check only",
    "duplicate-key.yaml": "check only",
    "duration-not-a-number.yaml": "invalid",
    "empty-title.yaml": "invalid",
    "empty.yaml": "invalid",
    "end-before-start.yaml": "check only",
    "impossible-day.yaml": "check only",
    "invalid-utf8.yaml": "not YAML",
    "link-without-text-or-url.yaml": "invalid",
    "malformed-yaml.yaml": "not YAML",
    "missing-id.yaml": "invalid",
    "missing-title.yaml": "invalid",
    "month-13.yaml": "check only",
    "no-projects-key.yaml": "invalid",
    "project-is-text.yaml": "invalid",
    "python-tag.yaml": "not YAML",
    "recursive-alias.yaml": "not YAML",
    "tab-indent.yaml": "not YAML",
    "title-is-a-list.yaml": "invalid",
    "title-is-a-number.yaml": "invalid",
    "too-deep.yaml": "not YAML",
    "top-level-list.yaml": "invalid",
    "top-level-text.yaml": "invalid",
    "two-digit-year.yaml": "invalid",
    "two-documents.yaml": "not YAML",
    "unknown-country.yaml": "check only",
    "unknown-field.yaml": "invalid",
    "unknown-region.yaml": "check only",
    "unknown-top-level-key.yaml": "invalid",
    "utf16.yaml": "not YAML",
}


@pytest.fixture(scope="module")
def validator():
    schema = json_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def verdict(validator, path: Path) -> str:
    try:
        data, _ = yamlsafe.load(path.read_text(encoding="utf-8"))
    except Exception:  # not UTF-8, not YAML, or refused by the safe loader
        return "not YAML"
    return "invalid" if any(validator.iter_errors(data)) else "check only"


def test_projreg_schema_prints_the_committed_schema(run):
    result = run("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json_schema()
    assert COMMITTED.read_text(encoding="utf-8") == result.stdout == schema_text(), (
        "docs/projects.schema.json is out of date: run projreg schema > docs/projects.schema.json"
    )


def test_the_bundled_registry_is_valid(validator):
    data, _ = yamlsafe.load(BUNDLED.read_text(encoding="utf-8"))
    assert list(validator.iter_errors(data)) == []


def test_the_bundled_registry_names_the_committed_schema():
    first = BUNDLED.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    # yaml-language-server resolves a relative path from the file's own folder.
    assert (BUNDLED.parent / first.removeprefix(prefix)).resolve() == COMMITTED


def test_every_file_in_the_bad_corpus_has_a_verdict(validator):
    files = {
        str(p.relative_to(BAD))
        for p in BAD.rglob("*.yaml")
        if p.is_file() and "unreadable" not in p.parts
    }
    assert files == set(VERDICTS)
    found = {name: verdict(validator, BAD / name) for name in VERDICTS}
    assert found == VERDICTS


def test_what_the_schema_finds_check_finds_too(run, validator):
    # The schema never refuses a file that check accepts (only the other way round).
    for name, expected in VERDICTS.items():
        if expected == "invalid":
            assert run("check", str(BAD / name)).exit_code == 1, name


def test_a_valid_registry_in_every_shape_the_format_allows(validator, write, run):
    path = write(
        """
        source: a test
        organisations: [ICMPD, {name: EU, aliases: European Union}]
        projects:
          id: A-1
          title: One project, not a list
          summary:
          start: 2018
          end: 1 June 2019
          planned_end: 2019-06
          countries: Georgia
          donors: [EU, {ref: XM-1}]
          implementers: {name: ICMPD, role: lead}
          links: [Website, {url: 'https://example.org', kind: document}]
          budgets: [{value: '1500000.50', currency: EUR}, {value: 12}]
          sectors: [{code: '15210', percentage: 100}]
          duration_months: 12
          notes: one note
        """
    )
    assert run("check", str(path)).exit_code == 0
    data, _ = yamlsafe.load(path.read_text(encoding="utf-8"))
    assert list(validator.iter_errors(data)) == []


def test_the_description_lists_what_only_check_knows():
    description = json_schema()["description"]
    for rule in CHECK_ONLY:
        assert rule in description
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for word in ("dates", "countries", "regions", "unique", "ends before"):
        assert word in readme.split("## Maintaining a registry")[1]


@pytest.mark.parametrize(
    ("text", "schema_accepts"),
    [
        ("2018", True), ("2018-06", True), ("2018-6-1", True), ("July 2014", True),
        ("1 June 2018", True), ("1  june 2018", True), ("Sept. 2019", True), ("sep 2019", True),
        ("Jnue 2018", False), ("June 18", False), ("18", False), ("2018/06/01", False),
        ("1st June 2018", False),  # check reads it (dateutil); the schema asks for the common forms
    ],
)  # fmt: skip
def test_date_shapes(validator, text, schema_accepts):
    from projreg.model.dates import DateError, parse_date

    data = {"projects": [{"id": "A", "title": "T", "start": text}]}
    assert (not any(validator.iter_errors(data))) is schema_accepts
    if schema_accepts:
        parse_date(text)  # whatever the schema accepts, check reads (if the date exists)
    elif text not in ("1st June 2018", "2018/06/01"):
        with pytest.raises(DateError):
            parse_date(text)
