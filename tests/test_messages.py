"""Messages in the registry's words, never Python's: no reprs, no type names."""

from __future__ import annotations

import pytest

from projreg import RegistryError, load_registry


def headlines(path) -> list[str]:
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    return [p.headline().split(": error: ", 1)[1] for p in caught.value.errors]


def test_values_yaml_reads_as_dates_or_binary_are_named_plainly(write, run):
    path = write(
        "projects:\n"
        "  - {id: A, title: !!timestamp 2018-06-01}\n"
        "  - {id: B, title: x, notes: [!!binary aGVsbG8=]}\n"
        "  - {id: C, title: x, start: !!timestamp 2018-06-01}\n"
        "  - {id: D, title: x, duration_months: !!timestamp 2018-06-01}\n"
    )
    assert headlines(path) == [
        "A: title: expected text, got a date (2018-06-01)",
        "B: notes: expected text, got binary data (!!binary)",
        "C: start: expected a date as text, got a date (2018-06-01)",
        "D: duration_months: expected a whole number of months (1 to 119988), got a date (2018-06-01)",
    ]
    result = run("check", str(path))
    assert "hint: quote it" in result.stderr and "without the !!binary tag" in result.stderr
    assert "datetime" not in result.stderr and "bytes" not in result.stderr


def test_a_field_name_that_is_not_text(write):
    path = write("projects:\n  - {id: A, title: x, null: 3}\n  - {id: B, title: x, 3: y}\n")
    assert headlines(path) == [
        "A: a field name must be text, got null",
        "B: a field name must be text, got a number 3",
    ]


def test_merge_keys_are_named_as_unsupported(write):
    path = write("base: &b {title: x}\nprojects:\n  - {id: A, title: y, <<: *b}\n")
    assert "A: <<: merge keys (<<) are not supported" in headlines(path)


def test_an_unknown_region_lists_the_known_ones(run):
    result = run("list", "--region", "Middle Earth")  # Eastern Europe is a UN M49 region
    assert result.exit_code == 2
    assert result.stderr == (
        "projreg: unknown region 'Middle Earth'; known regions: Eastern Partnership, "
        "Central Asia, Western Balkans, European Union, Schengen Area, a UN M49 region such "
        "as Western Africa\n"
    )
    assert (
        "did you mean 'Eastern Partnership'" in run("list", "--region", "Eastern Partnersip").stderr
    )


def test_check_of_a_missing_file_names_the_file_not_an_option(run, tmp_path):
    missing = tmp_path / "missing.yaml"
    result = run("check", str(missing))
    assert result.exit_code == 1
    assert result.stderr == f"{missing}: error: no such file or folder\n"
