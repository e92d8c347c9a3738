"""The sync engine alone (projreg.iati.sync): the three-way rules field by field, and the text
edit that writes them, on small registries written here (the live tests run it on real
activities through a server)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml

from projreg import load_registry
from projreg.iati.sync import apply, plan, registry_text
from projreg.model.dates import parse_date
from projreg.model.project import Project

RECORD = {"source": "d-portal", "endpoint": "http://127.0.0.1:1/q", "at": "2026-12-02T00:00:00Z"}


def project(identifier: str, title: str, **fields) -> Project:
    return Project(id=identifier.split("-")[-1], iati_id=identifier, title=title, **fields)


def written(tmp_path: Path, projects, name="r.yaml") -> Path:
    path = tmp_path / name
    path.write_text(registry_text(projects, RECORD, "test"), encoding="utf-8")
    return path


def merge(path: Path, theirs, **options):
    data = yaml.load(Loader=yaml.CSafeLoader, stream=path.read_text())
    result = plan(load_registry(path, use_cache=False), data["fetched"], theirs, **options)
    text = apply(path.read_bytes().decode("utf-8"), result, RECORD, "2026-12-02")
    return result, text


def test_the_rules_field_by_field(tmp_path):
    base = [
        project("XM-1-A", "A", end=parse_date("2020")),
        project("XM-1-B", "B", manager="Ann"),
    ]
    path = written(tmp_path, base)
    text = path.read_text().replace("manager: Ann", "manager: Ann Smith")  # ours
    path.write_text(text)
    theirs = [
        replace(base[0], end=parse_date("2021"), title="A2"),  # theirs only
        replace(base[1], manager="Bob"),  # both: a conflict
    ]
    result, new_text = merge(path, theirs)
    assert [c.describe() for c in result.changes] == ["A title: A → A2", "A end: 2020 → 2021"]
    assert [(c.id, c.field, c.ours, c.theirs) for c in result.conflicts] == [
        ("B", "manager", "Ann Smith", "Bob")
    ]
    after = yaml.load(Loader=yaml.CSafeLoader, stream=new_text)
    assert after["projects"][0]["title"] == "A2" and after["projects"][0]["end"] == "2021"
    assert after["projects"][1]["manager"] == "Ann Smith"
    path.write_text(new_text)
    again, _text = merge(path, theirs)
    assert again.changes == [] and again.conflicts == []


def test_a_field_added_and_one_removed_upstream_keep_the_other_lines(tmp_path):
    base = [project("XM-1-A", "A", manager="Ann", countries=("AZ",))]
    path = written(tmp_path, base)
    path.write_text(path.read_text().replace("- id: A\n", "# mine\n- id: A\n"))
    theirs = [replace(base[0], manager=None, acronym="AA")]
    _result, new_text = merge(path, theirs)
    after = yaml.load(Loader=yaml.CSafeLoader, stream=new_text)["projects"][0]
    assert "manager" not in after and after["acronym"] == "AA"
    assert list(after)[:4] == ["id", "iati_id", "acronym", "title"]  # the schema's order
    assert "# mine\n- id: A\n" in new_text
    assert new_text.split("fetched:")[0].count("\n") == path.read_text().split("fetched:")[0].count(
        "\n"
    )  # one line out (manager), one in (acronym)


def test_crlf_files_stay_crlf(tmp_path):
    base = [project("XM-1-A", "A")]
    path = written(tmp_path, base)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    _result, new_text = merge(path, [replace(base[0], title="B")])
    assert "\r\n" in new_text and "\n" not in new_text.replace("\r\n", "")
    assert yaml.load(Loader=yaml.CSafeLoader, stream=new_text)["projects"][0]["title"] == "B"


def test_deleted_by_hand_stays_deleted_and_hand_projects_are_untouched(tmp_path):
    base = [project("XM-1-A", "A"), project("XM-1-B", "B")]
    path = written(tmp_path, base)
    text = path.read_text()
    start, end = text.index("- id: B"), text.index("fetched:")
    path.write_text(text[:start] + "- id: MINE\n  title: Mine\n" + text[end:])
    result, new_text = merge(path, [base[0], replace(base[1], title="B2")])
    assert result.changes == [] and result.added == []
    ids = [p["id"] for p in yaml.load(Loader=yaml.CSafeLoader, stream=new_text)["projects"]]
    assert ids == ["A", "MINE"]


def test_unpublished_is_marked_once_and_unmarked_when_it_returns(tmp_path):
    base = [project("XM-1-A", "A"), project("XM-1-B", "B")]
    path = written(tmp_path, base)
    result, new_text = merge(path, [base[0]])
    assert [c.describe() for c in result.changes] == ["B no longer published: B"]
    notes = yaml.load(Loader=yaml.CSafeLoader, stream=new_text)["projects"][1]["notes"]
    assert notes == ["No longer published in IATI (projreg sync, 2026-12-02)."]
    path.write_text(new_text)
    again, again_text = merge(path, [base[0]])
    assert again.changes == [] and again_text == new_text
    _back, back_text = merge(path, base)
    assert "notes" not in yaml.load(Loader=yaml.CSafeLoader, stream=back_text)["projects"][1]


def test_prune_deletes(tmp_path):
    base = [project("XM-1-A", "A"), project("XM-1-B", "B")]
    path = written(tmp_path, base)
    _result, new_text = merge(path, [base[0]], prune=True)
    assert [p["id"] for p in yaml.load(Loader=yaml.CSafeLoader, stream=new_text)["projects"]] == [
        "A"
    ]
