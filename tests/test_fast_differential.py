"""The fast parser (yaml-rs) never answers what the careful reader refuses or reads
otherwise (issue 26): where they could differ, the careful reader decides. A Hypothesis
differential test over generated YAML keeps them in step; the cases the attack found are
checked through the CLI."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projreg.registry import yamlsafe
from tests.conftest import examples

DPORTAL = Path(__file__).parent / "iati" / "dportal"

pytest.importorskip("yaml_rs")

SCALARS = [
    "_1", "1__0", "0x1_0", "+0x10", "-0o17", "0x10", "0o17", "1_000", "1.5", "-2", "+3", ".5",
    "1e3", "1E+3", "0b101", "0B1", "0O7", "~", "null", "Null", "true", "False", "yes", "no",
    "2019-06-01", "EC_1", "snake_case", "x?", "?x", "? x", "a:b", "'q'", '"q"', '"\\ud83d\\ude00"',
    '"\\u00e9"', '"\\t"', "'it''s'", "1.", "-.inf", ".nan", "0", "-0", "00", "09", "1__", "__1",
    "_", "a_1", "1_a", "0x_1", "+_1", "-1_0.5", "1_0e1_0", "\\u202e", "é", "[]", "{}",
    # single-quoted: the checks pass over a line's one quoted value, and only that
    "'_1'", "'0b1'", "'+0x10'", "'1_000'", "'?x'", "'&a x'", "'*a'", "'!t x'", "'a ? b'",
    "'12345678901234567'", "'22482-001_2021_2025'", "'it''s _1'", "'a' _1", "'a'' 0b1'",
    "'x\n  - ''0b1'", "'x\n  - '0b1'", "'a''", "''''", "'''_1'''", "'a', 0b1", "'a' #_1",
]  # fmt: skip
KEYS = ["a", "b", "id", "?k", "1_0", "x y"]
SEPARATORS = [" ", "\t", "  "]

scalar = st.sampled_from(SCALARS)
# Built once, here, not on every draw.
_KEYS = st.lists(st.sampled_from(KEYS), min_size=1, max_size=4, unique=True)
_FORM = st.sampled_from(["plain", "flow-seq", "flow-map", "block-seq"])
_FLOW_SEQ = st.lists(scalar, max_size=3)
_FLOW_MAP = st.lists(st.tuples(st.sampled_from(KEYS), scalar), max_size=3)
_BLOCK_SEQ = st.lists(scalar, min_size=1, max_size=3)
_SEPARATOR = st.sampled_from(SEPARATORS)


@st.composite
def documents(draw) -> str:
    lines = []
    for key in draw(_KEYS):
        form = draw(_FORM)
        if form == "plain":
            lines.append(f"{key}: {draw(scalar)}")
        elif form == "flow-seq":
            lines.append(f"{key}: [{', '.join(draw(_FLOW_SEQ))}]")
        elif form == "flow-map":
            pairs = draw(_FLOW_MAP)
            lines.append(f"{key}: {{{', '.join(f'{k}: {v}' for k, v in pairs)}}}")
        else:
            lines.append(f"{key}:")
            for item in draw(_BLOCK_SEQ):
                lines.append(f"  -{draw(_SEPARATOR)}{item}")
    return "\n".join(lines) + "\n"


def _plain(value):
    """Data as plain Python, NaN made comparable."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return "nan" if math.isnan(value) else float(value)
    return value


@settings(max_examples=examples(1200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_the_fast_parser_answers_only_what_the_careful_reader_reads_the_same(text):
    fast = yamlsafe.load_fast(text)
    if fast is yamlsafe.NOT_FAST:
        return
    try:
        careful, duplicates = yamlsafe.load(text)
    except Exception as error:  # the careful reader refuses: the fast one must not answer
        raise AssertionError(f"fast answered {fast!r}, careful refused: {error}") from None
    assert not duplicates
    assert _plain(fast) == _plain(careful), text


@pytest.mark.parametrize("value", ["_1", "1__0", "0x1_0", "+0x10", "-0o17"])
def test_a_budget_the_careful_reader_refuses_is_refused_by_every_command(run, tmp_path, value):
    path = tmp_path / "registry.yaml"
    path.write_text(
        "projects:\n  - id: A-1\n    title: A\n    start: 2019\n"
        f"    budgets:\n      - {{value: {value}, currency: EUR}}\n"
    )
    assert run("check", str(path)).exit_code == 1
    for command in (["list"], ["show", "A-1"], ["show", "A-1", "--json"]):
        result = run("--registry", str(path), *command)
        assert result.exit_code == 1, (command, result.stdout)


@pytest.mark.parametrize(
    "text",
    [
        "projects:\n  -\tid: A-1\n    title: A\n",
        "projects:\n  - id: A-1\n    title: A\n    notes: [?x]\n",
        'projects:\n  - id: A-1\n    title: "\\ud83d\\ude00"\n',
    ],
    ids=["tab-after-dash", "question-key", "surrogate-pair"],
)
def test_forms_the_careful_reader_refuses_are_refused_by_every_command(run, tmp_path, text):
    path = tmp_path / "registry.yaml"
    path.write_text(text)
    assert run("check", str(path)).exit_code == 1
    for command in (["list"], ["show", "A-1"]):
        assert run("--registry", str(path), *command).exit_code == 1, command


def test_what_import_writes_from_real_files_takes_the_fast_path():
    """A real registry's quoted URLs and refs (a run of 16 digits, 22482-001_2021_2025) sent
    its first read the careful way: 8 s for 5,000 real activities where yaml-rs takes 1.7 s."""
    from projreg.iati.activities import import_files, registry_text

    files = [DPORTAL / "page-014.xml"]
    text = registry_text(import_files(map(str, files)), files)
    assert "_2021_2025'" in text  # a form the checks look for, quoted
    fast = yamlsafe.load_fast(text)
    assert fast is not yamlsafe.NOT_FAST
    careful, _duplicates = yamlsafe.load(text)
    assert _plain(fast) == _plain(careful)
