"""Loading is strict: each bad input gets FILE:LINE, the project, the field and a hint."""

import pytest

from projreg import RegistryError, load_registry

GOOD = """
projects:
  - id: A-1
    title: First
    countries: [Georgia]
    start: 2018-06
"""


def problems(path):
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    return caught.value.problems


def only_problem(path):
    (problem,) = problems(path)
    return problem


def test_a_good_file_loads(write):
    registry = load_registry(write(GOOD))
    assert [p.id for p in registry.projects] == ["A-1"]
    assert registry.projects[0].countries == ("GE",)


def test_unknown_field_suggests_the_right_one(write):
    problem = only_problem(
        write("""
        projects:
          - id: A-1
            title: First
            contries: [Georgia]
        """)
    )
    assert (problem.line, problem.column) == (4, 5)
    assert problem.project == "A-1"
    assert problem.field == "contries"
    assert "unknown field 'contries'" in problem.message
    assert "did you mean 'countries'?" in problem.hint


@pytest.mark.parametrize("missing", ["id", "title"])
def test_missing_id_or_title(write, missing):
    lines = {"id": "    id: A-1\n", "title": "    title: First\n"}
    del lines[missing]
    problem = only_problem(write("projects:\n  -\n" + "".join(lines.values())))
    assert problem.message == f"missing {missing!r}"
    assert problem.field == missing
    assert problem.line == 3  # where the project's mapping starts


def test_duplicate_id_names_both_places(write, tmp_path):
    write(GOOD, "a.yaml")
    write(GOOD.replace("First", "Second"), "b.yaml")
    problem = only_problem(tmp_path)
    assert problem.file.endswith("b.yaml")
    assert problem.line == 2
    assert "duplicate id 'A-1'" in problem.message
    assert f"{tmp_path / 'a.yaml'}:2" in problem.message


def test_wrong_type(write):
    problem = only_problem(
        write("""
        projects:
          - id: A-1
            title: [not, text]
        """)
    )
    assert (problem.line, problem.field) == (3, "title")
    assert "expected text, got a list" in problem.message


def test_number_where_text_is_expected_says_quote_it(write):
    problem = only_problem(write("projects:\n  - id: A-1\n    title: 2020\n"))
    assert problem.hint == "quote it"


def test_unparseable_date(write):
    problem = only_problem(write(GOOD.replace("2018-06", "Jnue 2018")))
    assert (problem.line, problem.column, problem.field) == (5, 12, "start")
    assert problem.hint == "did you mean 'June 2018' (2018-06)?"


def test_end_before_start(write):
    problem = only_problem(write(GOOD + "    end: 2018-05\n"))
    assert problem.field == "end"
    assert problem.line == 6
    assert "ends (2018-05) before it starts (2018-06)" in problem.message


def test_same_month_start_and_end_is_fine(write):
    registry = load_registry(write(GOOD + "    end: June 2018\n"))
    assert registry.projects[0].months() == 1


def test_unknown_country_suggests(write):
    problem = only_problem(write(GOOD.replace("[Georgia]", "[Georgia, Azerbajan]")))
    assert problem.field == "countries"
    assert problem.line == 4
    assert "unknown country 'Azerbajan'" in problem.message
    assert "'Azerbaijan'" in problem.hint


def test_duplicate_mapping_key_is_an_error(write):
    problem = only_problem(write(GOOD + "    start: 2019-01\n"))
    assert problem.line == 6
    assert "'start' appears twice" in problem.message
    assert "first on line 5" in problem.message


def test_yaml_12_booleans_norway_stays_a_country(write):
    registry = load_registry(
        write("""
        projects:
          - id: N-1
            title: yes
            acronym: on
            countries: [NO, no]
        """)
    )
    project = registry.projects[0]
    assert project.countries == ("NO",)
    assert (project.title, project.acronym) == ("yes", "on")


def test_python_tags_are_refused_and_not_run(write, tmp_path):
    marker = tmp_path / "ran"
    path = write(f"""
    projects:
      - id: !!python/object/apply:os.system ["touch {marker}"]
        title: x
    """)
    problem = only_problem(path)
    assert problem.line == 2
    assert "YAML" in problem.message
    assert not marker.exists()


def test_all_problems_are_reported_together(write):
    found = problems(
        write("""
        projects:
          - id: A-1
            title: First
            start: never
          - id: B-2
            countries: [Atlantis]
        """)
    )
    assert [(p.project, p.field) for p in found] == [
        ("A-1", "start"),
        ("B-2", "title"),
        ("B-2", "countries"),
    ]


def test_top_level_list_is_refused(write):
    problem = only_problem(write("- id: A-1\n  title: x\n"))
    assert "not a mapping" in problem.message


def test_empty_file(write):
    assert "empty" in only_problem(write("")).message


def test_syntax_error_has_position(write):
    problem = only_problem(write("projects:\n  - id: A-1\n\ttitle: x\n"))
    assert problem.line == 3
    assert "YAML syntax" in problem.message


def test_invalid_utf8(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"projects:\n  - id: A-1\n    title: caf\xe9\n")
    problem = only_problem(path)
    assert (problem.line, problem.column) == (3, 15)
    assert "UTF-8" in problem.message


def test_folder_without_yaml(tmp_path):
    assert "no *.yaml" in only_problem(tmp_path).message


def test_registry_from_environment(write, monkeypatch):
    monkeypatch.setenv("PROJREG_REGISTRY", str(write(GOOD)))
    assert [p.id for p in load_registry().projects] == ["A-1"]


def test_error_render_shows_line_and_caret(write):
    path = write(GOOD.replace("2018-06", "Jnue 2018"))
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    rendered = caught.value.render().splitlines()
    assert rendered[0] == f"{path}:5:12: error: A-1: start: 'Jnue 2018' is not a date"
    assert rendered[1] == "  5 |     start: Jnue 2018"
    assert rendered[2] == "    |            ^"
    assert rendered[3] == "  hint: did you mean 'June 2018' (2018-06)?"


def test_organisations_part_of(write):
    registry = load_registry(
        write("""
        organisations:
          - {name: European Commission, part_of: European Union}
        projects:
          - {id: A-1, title: x, donors: [European Commission]}
        """)
    )
    assert "European Union" in registry.names_of("European Commission")


def test_check_and_other_commands_report_a_file_in_the_same_order(run, write):
    path = write(
        """
        projects:
          - {id: B-1, title: One, end: 2020-13}
          - id: b 1
            title: Same id to show
            countries: [Gorgia]
        """
    )
    checked = run("check", str(path)).stderr
    listed = run("--registry", str(path), "list").stderr
    headlines = [line for line in checked.splitlines() if ": error: " in line]
    assert len(headlines) == 3
    assert [line for line in listed.splitlines() if ": error: " in line] == headlines
    assert [int(line.split(":")[1]) for line in headlines] == sorted(
        int(line.split(":")[1]) for line in headlines
    )
