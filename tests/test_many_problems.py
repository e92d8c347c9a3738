"""`check` of a file with tens of thousands of problems is linear (issue 26): the careful
parse of a document without aliases does no alias accounting, a hint is worked out once per
name, and the work of a file or a hint is done once however many problems it is shown for.
The careful reader's answers stay what they were: each shortcut is held equal to the long
way it replaces. (The time itself is a figure of benchmarks/run.py, never a timed test.)"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from projreg.model import problems as problems_module
from projreg.registry import fileproblems, yamlsafe
from tests.conftest import examples

# --- the careful parse ------------------------------------------------------------------


def test_a_document_without_aliases_is_not_measured_for_alias_expansion(monkeypatch):
    calls = []
    original = yamlsafe._check_expansion
    monkeypatch.setattr(
        yamlsafe, "_check_expansion", lambda *args: calls.append(args) or original(*args)
    )
    text = "projects:\n" + "".join(f"  - id: P{n}\n    title: T{n}\n" for n in range(50))
    data, _ = yamlsafe.load(text)
    assert len(data["projects"]) == 50 and calls == []
    data, _ = yamlsafe.load("a: &x [1, 2]\nb: *x\n")  # an alias: measured as before
    assert data["b"] == [1, 2] and len(calls) == 1


# The strategies of one level are built once, here: a composite strategy made anew at every
# level (and validated each time) was most of what the test below took.
_LEAF = st.sampled_from(["x", "1", "''", "[]", "{}", "[a, b]", "{k: v}"])
_LEVEL = st.tuples(st.booleans(), st.booleans(), st.sampled_from(["list", "mapping", "key"]))


@st.composite
def nested(draw, depth: int) -> str:
    """A flow document nested `depth` levels, each level a list, a mapping or a mapping with
    a complex key, with or without siblings around the nested part."""
    document = draw(_LEAF)
    for _ in range(depth):  # from the innermost level out
        before, after, form = draw(_LEVEL)
        if form == "list":
            document = f"[{'y, ' if before else ''}{document}{', [z]' if after else ''}]"
        elif form == "mapping":
            document = f"{{{'a: 0, ' if before else ''}k: {document}{', b: [1]' if after else ''}}}"
        else:
            document = (
                f"{{{'a: 0, ' if before else ''}? {document} : v{', b: 1' if after else ''}}}"
            )
    return document


@settings(max_examples=examples(400), deadline=None)
@given(st.integers(min_value=1, max_value=90).flatmap(nested))
def test_the_depth_walk_refuses_what_the_alias_walk_refuses_and_names_the_same_place(text):
    loader = yamlsafe.Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()
    answers = []
    for walk in (
        lambda: yamlsafe._check_expansion(node, len(text)),
        lambda: yamlsafe._check_depth(node),
    ):
        try:
            walk()
            answers.append(None)
        except yamlsafe.Refused as refused:
            answers.append((str(refused), refused.position, refused.hint))
    assert answers[0] == answers[1]


def test_a_block_document_nested_past_the_limit_is_refused_at_the_same_place():
    for levels in (yamlsafe.MAX_DEPTH, yamlsafe.MAX_DEPTH + 1, yamlsafe.MAX_DEPTH + 5):
        text = "".join(" " * n + f"k{n}:\n" for n in range(levels)) + " " * levels + "v\n"
        loader = yamlsafe.Loader(text)
        node = loader.get_single_node()
        loader.dispose()
        answers = []
        for walk in (yamlsafe._check_expansion, yamlsafe._check_depth):
            try:
                walk(node) if walk is yamlsafe._check_depth else walk(node, len(text))
                answers.append(None)
            except yamlsafe.Refused as refused:
                answers.append((str(refused), refused.position))
        assert answers[0] == answers[1]
        assert (answers[0] is None) == (levels <= yamlsafe.MAX_DEPTH)


SCALARS = [
    "x", "1", "-2", "0x1F", "0o17", "1.5", "1e3", ".inf", "-.inf", ".nan", "~", "null", "",
    "true", "False", "yes", "'1'", '"true"', "!!str 1", "!!int '7'", "!!bool yes", "!!float 2",
    "!!null ''", "!!str", "2019-06-01", "é", '"\\u00e9"', "|\n    block\n", ">\n    folded\n",
]  # fmt: skip


def _loaded_the_long_way(text):
    """yamlsafe.load with every node built by construct_object and tags resolved by PyYAML's
    own resolver: what load did before its shortcuts."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yamlsafe, "_SCALARS", {})
        patch.setattr(yamlsafe, "_STR", object())
        patch.setattr(yamlsafe.Loader, "resolve", yaml.resolver.BaseResolver.resolve)
        return yamlsafe.load(text)


def _typed(value):
    """The data with each value's type and (for numbers) text, positions beside containers."""
    if isinstance(value, dict):
        items = [(_typed(k), _typed(v)) for k, v in value.items()]
        return ("map", items, value.position, value.key_positions, value.value_positions)
    if isinstance(value, list):
        return ("seq", [_typed(v) for v in value], value.position, value.item_positions)
    return (type(value).__name__, repr(value), getattr(value, "text", None))  # NaN: by its text


def _answer(load, text: str):
    """What a reader makes of text: the data and duplicate keys, or its error."""
    try:
        data, duplicates = load(text)
    except yaml.YAMLError as error:
        return ("error", str(error))
    return (_typed(data), [(d.key, d.first, d.second) for d in duplicates])


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", "1", "? [k]", "!!str 2"]), st.sampled_from(SCALARS)),
        min_size=1,
        max_size=6,
    )
)
def test_values_are_built_as_the_long_way_builds_them(pairs):
    text = "".join(f"{key}: {value}\n" for key, value in pairs)
    text += "list:\n" + "".join(f"  - {value}\n" for _, value in pairs)
    assert _answer(yamlsafe.load, text) == _answer(_loaded_the_long_way, text)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",
        "a: &x [1, &y two, 3.50]\nb: *x\nc: *y\n",
        "a: &m {k: v, n: ~}\nb: *m\nc: [*m, *m]\n",
        "base: &b {x: 1}\nd: {!!merge <<: *b, y: 2}\ne: {!!merge <<: [*b, {z: 3}]}\n",
        "a: {!!value =: 1}\nb: !!str 2\nc: !!binary aGk=\n",
        "? [k]\n: v\n",
        "a: 1\na: 2\nb: {c: 1, c: 2}\n",
        "a: !!str [x]\n",
        "a: &x 1\nb: *y\n",
    ],
)
def test_documents_with_aliases_merges_and_tags_are_read_as_the_long_way_reads_them(text):
    assert _answer(yamlsafe.load, text) == _answer(_loaded_the_long_way, text)


# --- hints and rendering: once per name, once per file ------------------------------------


def _many(path, count: int) -> None:
    lines = ["projects:"]
    for n in range(count):
        status = ("finished", "running")[n % 2]
        lines += [f"  - id: P{n}", f"    title: T{n}", "    bogus: 1", f"    status: {status}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_an_unknown_field_repeated_is_hinted_once_per_name(run, tmp_path, monkeypatch):
    from projreg.model import synonyms

    path = tmp_path / "many.yaml"
    _many(path, 400)
    meant = []
    original = synonyms.field_meant
    monkeypatch.setattr(synonyms, "field_meant", lambda *a: meant.append(a) or original(*a))
    fileproblems._hint_for_name.cache_clear()
    result = run("check", str(path))
    assert result.exit_code == 1
    assert result.stderr.count("unknown field 'bogus'") == 400
    assert len(meant) <= 2  # one per name, not one per problem
    # The part of a hint that depends on the value is still said for each value.
    completed = "write 'activity_status: completed'"
    assert result.stderr.count(completed) == 200
    assert result.stderr.count("write 'activity_status: ongoing'") == 200


def test_problems_are_rendered_with_one_look_at_the_file_and_one_headline_each(
    run, tmp_path, monkeypatch
):
    path = tmp_path / "many.yaml"
    _many(path, 300)
    stats, headlines = [], []
    real_stat = problems_module.os.stat
    monkeypatch.setattr(
        problems_module.os, "stat", lambda f, *a, **k: stats.append(f) or real_stat(f, *a, **k)
    )
    real_headline = problems_module.Problem.headline
    monkeypatch.setattr(
        problems_module.Problem, "headline", lambda self: headlines.append(1) or real_headline(self)
    )
    result = run("check", str(path))
    assert result.exit_code == 1
    assert result.stderr.count("unknown field") == 600
    assert stats.count(str(path)) <= 3  # found, read; not once per problem
    assert len(headlines) == 600  # each problem's headline is made once
    assert f"{path}:1201:5: error: P299: status: unknown field 'status'" in result.stderr
    assert "  1201 |     status: running" in result.stderr


def test_problems_render_as_before_one_file_after_another(tmp_path):
    from projreg.model.problems import Problem, render_all

    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("a: 1\nc: \u202e3\n", encoding="utf-8")
    second.write_text("projects:\n  - id: X\n", encoding="utf-8")
    found = [
        Problem(str(first), 1, 4, "one", "quote it"),
        Problem(str(first), 2, 4, "two", "", "P1", "c"),
        Problem(str(second), 2, 5, "three", "quote it"),
        Problem(str(first), 9, 1, "past the end", "h"),
        Problem(str(tmp_path / "gone.yaml"), 2, 1, "no file", "quote it"),
    ]
    expected = f"""\
{first}:1:4: error: one
  1 | a: 1
    |    ^
  hint: quote it
{first}:2:4: error: P1: c: two
  2 | c: \\u202e3
    |    ^
{second}:2:5: error: three
  2 |   - id: X
    |     ^
  hint: quote it
{first}:9:1: error: past the end
  hint: h
{tmp_path / "gone.yaml"}:2:1: error: no file
  hint: quote it"""
    assert render_all(found) == expected
    for width in (60, 80, 120, 200):  # wrapped lines: one problem after another, all kept
        shown = render_all(found, width)
        assert shown.count("error:") == 5 and shown.count("hint:") == 4


def _lines_split(data: bytes) -> list[str]:
    """A file's lines as a problem quotes them, the plain way: split at each line break (none
    after the last), the break's carriage return and a leading byte-order mark dropped."""
    lines = data.split(b"\n")
    if len(lines) > 1 and lines[-1] == b"":
        lines.pop()
    return [line.decode("utf-8", "replace").rstrip("\r").lstrip("\ufeff") for line in lines]


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(st.sampled_from([b"a", b"\n", b"\r", b"\r\n", b"\xef\xbb\xbf", b"\xff", b"  x: 1"])),
    st.lists(st.integers(min_value=-1, max_value=12), max_size=8),
)
@example([b"\xef\xbb\xbf", b"a", b"\r\n", b"\n", b"\n"], [3, 1, 2, 4, 0])
def test_a_quoted_line_is_the_line_whatever_was_asked_before(parts, asked):
    """Lines are indexed only as far as asked: asked in any order, each is the file's line."""
    data = b"".join(parts)
    lines, plain = problems_module._Lines(data), _lines_split(data)
    for number in asked:
        expected = plain[number - 1] if 1 <= number <= len(plain) else None
        assert lines.line(number) == expected, (data, number)


def test_the_first_line_of_a_large_file_is_quoted_without_indexing_the_rest():
    lines = problems_module._Lines(b"<xml>\n" * 100_000)
    assert lines.line(1) == "<xml>" and len(lines.starts) <= 2
    assert lines.line(100_000) == "<xml>" and lines.line(100_001) is None


# --- reading projects ---------------------------------------------------------------------


@pytest.mark.parametrize("fast", [True, False])
def test_a_project_read_is_the_project_its_constructor_makes(write, fast):
    """decode makes each Project without the frozen dataclass's __init__ (a third of reading
    a project): the same attributes, in the same order, as Project(...) sets."""
    import dataclasses

    from projreg import load_registry
    from projreg.model.project import Project

    bundled = load_registry(use_cache=False, fast=fast).projects
    path = write(
        """
        projects:
          - id: ALL
            title: Many fields
            acronym: AF
            start: 2019-03
            planned_end: 2024
            activity_status: ongoing
            countries: [Georgia, Turkey]
            donors: [European Union]
            budgets:
              - {value: 100, currency: EUR, start: 2019-01-01, end: 2019-12-31}
            notes: [a note]
        """
    )
    for project in [*bundled, *load_registry(path, use_cache=False, fast=fast).projects]:
        given = {f.name: getattr(project, f.name) for f in dataclasses.fields(Project)}
        made = Project(**given)
        assert made == project
        assert list(vars(made).items()) == list(vars(project).items())
