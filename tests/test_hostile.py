"""Broken and hostile registries: `check`, the tests/bad/ corpus, and output safety."""

import json
import os
import subprocess
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projreg import RegistryError, load_registry
from projreg.registry.lint import check
from projreg.registry.yamlsafe import Refused
from projreg.registry.yamlsafe import load as yaml_load
from projreg.render.terminal import Terminal

from .conftest import any_text, examples

BAD = Path(__file__).parent / "bad"


def corpus():
    cases = []
    for line in (BAD / "EXPECTED.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        path, location, message = line.split("\t")
        cases.append(pytest.param(path, location, message, id=path.split("/")[0]))
    return cases


def headline(path, location, message):
    where = path if location == "-" else f"{path}:{location}"
    return f"{where}: error: {message}"


def test_the_corpus_is_complete():
    listed = {case.values[0].split("/")[0] for case in corpus()}
    present = {p.name for p in BAD.iterdir() if p.name != "EXPECTED.tsv"}
    assert listed == present
    assert len(listed) >= 30


@pytest.mark.parametrize(("path", "location", "message"), corpus())
def test_every_bad_registry_gives_its_message(run, monkeypatch, path, location, message):
    monkeypatch.chdir(BAD)
    argument = path.split("/")[0]
    result = run("check", argument)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == headline(path, location, message)
    assert result.stdout == ""
    # Every other command refuses the same registry the same way.
    listed = run("--registry", argument, "list")
    assert listed.exit_code == 1
    assert listed.stderr.splitlines()[0] == headline(path, location, message)
    with pytest.raises(RegistryError) as caught:
        load_registry(argument)
    assert caught.value.errors[0].headline() == headline(path, location, message)


def test_check_shows_line_caret_and_hint(run, monkeypatch):
    monkeypatch.chdir(BAD)
    lines = run("check", "unknown-country.yaml").stderr.splitlines()
    assert lines[1:] == [
        "  4 |     countries: [Georgia, Azerbajan]",
        "    |                          ^",
        "  hint: did you mean 'Azerbaijan'?",
    ]


def test_check_is_silent_on_the_seed_registry(run):
    result = run("check")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert check() == []


def test_check_reports_every_problem_not_only_the_first(run, write):
    path = write(
        "projects:\n"
        "  - {id: A, title: x, start: nope}\n"
        "  - {id: B, title: y, countries: [Narnia]}\n"
        "  - {id: C}\n"
    )
    result = run("check", str(path), "--format", "json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert [(p["line"], p["project"], p["field"]) for p in problems] == [
        (2, "A", "start"),
        (3, "B", "countries"),
        (4, "C", "title"),
    ]
    assert {p["severity"] for p in problems} == {"error"}
    assert problems[0]["hint"].startswith("write a year")


def test_check_several_paths_together(run, monkeypatch):
    monkeypatch.chdir(BAD / "duplicate-ids-across-files")
    assert run("check", "a.yaml").exit_code == 0
    result = run("check", "a.yaml", "b.yaml")
    assert result.exit_code == 1
    assert "duplicate id 'A-1', first defined at a.yaml:2" in result.stderr


WARNINGS = """\
organisations:
  - {name: ICMPD}
projects:
  - id: OLD
    title: Same Title
    end: 2019-12
    activity_status: ongoing
    countries: [Georgia, GE]
    implementers: [Icmpd]
  - id: NEW
    title: same  title
    donors: [European Union, european union]
"""


def test_warnings_pass_unless_strict(run, write):
    path = write(WARNINGS)
    result = run("check", str(path), "--today", "2020-06-01")
    assert result.exit_code == 0
    messages = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert messages == [
        f"{path}:7:22: warning: OLD: activity_status: status says ongoing but the project ended in December 2019",
        f"{path}:8:26: warning: OLD: countries: Georgia is listed twice",
        f"{path}:9:20: warning: OLD: implementers: 'Icmpd' and 'ICMPD' (organisations) differ only in case, spacing or invisible characters",
        f"{path}:11:12: warning: NEW: title: same title as OLD ({path}:4)",
        f"{path}:12:30: warning: NEW: donors: 'european union' and 'European Union' ({path}:12) differ only in case, spacing or invisible characters",
    ]
    assert run("check", str(path), "--strict", "--today", "2020-06-01").exit_code == 1
    # Warnings do not stop the other commands.
    assert run("--registry", str(path), "list", "--fields", "id").stdout == "NEW\nOLD\n"


def test_check_usage_errors(run):
    assert run("check", "--format", "xml").exit_code == 2
    missing = run("check", "no/such/file.yaml")
    assert missing.exit_code == 1
    assert missing.stderr.startswith("no/such/file.yaml: error: no such file or folder")


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfprojects:\n  - {id: A, title: x}\n")
    assert [p.id for p in load_registry(path).projects] == ["A"]


def test_a_50_mb_file_is_refused_cleanly(run, tmp_path):
    # Someone points projreg at a data dump instead of a registry.
    path = tmp_path / "dump.yaml"
    line = "<iati-activity><title>" + "x" * 200 + "</title></iati-activity>\n"
    path.write_text(line * (50 * 1024 * 1024 // len(line) + 1), encoding="utf-8")
    assert path.stat().st_size >= 50 * 1024 * 1024
    result = run("check", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:1:1: error: the top level is text, not a mapping")


def as_another_user(work):
    """work() as a user without root's powers: in a forked child that gives them up when
    the tests run as root (as in CI), else right here. Returns what work() returns."""
    if os.geteuid() != 0:
        return work()
    import pickle

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            try:
                os.setgid(65534)
                os.setuid(65534)  # nobody
            except PermissionError:  # a container without the right to change user
                os.write(write, pickle.dumps("cannot drop root"))
                os._exit(0)
            try:
                answer = work()
            except BaseException as error:  # for the parent to raise
                import traceback

                answer = RuntimeError(
                    "as another user: " + "".join(traceback.format_exception(error))
                )
            os.write(write, pickle.dumps(answer))
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as answer:
        data = answer.read()
    os.waitpid(pid, 0)
    answer = pickle.loads(data)
    if answer == "cannot drop root":
        pytest.skip("root cannot become another user here")
    if isinstance(answer, Exception):
        raise answer
    return answer


def test_a_file_without_read_permission(run, tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    secret = folder / "secret.yaml"
    secret.write_text("projects: []\n")
    readable = folder / "readable.yaml"
    readable.write_text("projects: []\n")
    hidden = tmp_path / "private" / "registry.yaml"  # in a folder that may not be entered
    hidden.parent.mkdir()
    hidden.write_text("projects: []\n")
    tmp_path.chmod(0o755)
    folder.chmod(0o755)
    readable.chmod(0o644)
    secret.chmod(0)
    hidden.parent.chmod(0o700)
    xml = folder / "secret.xml"
    xml.write_text("<iati-activities/>")
    xml.chmod(0)
    commands = [
        ["check", "{}"],
        ["--registry", "{}", "list"],
        ["list", "--registry", "{}"],
        ["--registry", "{}", "show", "X"],
        ["--registry", "{}", "report", "--by", "donor"],
    ]
    for command in commands:  # imports everything the child will need, while it still can
        run(*(a.format(readable) for a in command))
    sample = sorted((Path(__file__).parent / "iati" / "real").glob("*.xml"))[0]
    run("import-iati", str(sample), "-o", str(tmp_path / "warm.yaml"))

    def attempts():
        results = []
        for path in (secret, hidden):
            for command in commands:
                result = run(*(a.format(path) for a in command))
                results.append((command[0], path, result.exit_code, result.stderr))
        result = run("import-iati", str(xml), "-o", str(folder / "out.yaml"))
        results.append(("import-iati", xml, result.exit_code, result.stderr))
        return results

    for command, path, code, stderr in as_another_user(attempts):
        assert code == 1, (command, path, stderr)
        assert "Permission denied" in stderr and "Traceback" not in stderr, stderr


def test_alias_bomb_is_refused_before_it_is_built():
    text = (BAD / "alias-bomb.yaml").read_text(encoding="utf-8")
    tracemalloc.start()
    try:
        with pytest.raises(Refused, match="aliases expand"):
            yaml_load(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024  # nine levels of nine would be 387 million strings


def test_python_tags_run_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.yaml").write_text(
        "projects:\n  - id: !!python/object/apply:os.system ['touch ran']\n    title: x\n"
    )
    with pytest.raises(RegistryError):
        load_registry("r.yaml")
    assert not (tmp_path / "ran").exists()


# --- registry text is data, never markup or terminal control ----------------------------------

HOSTILE = {
    "markup": "[bold red]x[/]",
    "link": "[link=file:///etc/passwd]click[/link]",
    "escape": "\x1b[31mred\x1b[0m",
    "osc8": "\x1b]8;;http://evil.example\x07here\x1b]8;;\x07",
    "osc52": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "carriage return": "safe\rEVIL",
    "bidi": "abc\u202edcba",
    "zero width": "in\u200bvisible",
    "c1 csi": "\x9b31m",
}
FORBIDDEN = ["\x1b", "\x07", "\r", "\u202e", "\u200b", "\x9b"]


def hostile_registry(write):
    projects = "".join(
        f"  - id: H-{index}\n"
        f"    title: {json.dumps(text)}\n"
        f"    acronym: {json.dumps(text)}\n"
        f"    objective: {json.dumps(text)}\n"
        f"    donors: [{json.dumps(text)}]\n"
        f"    countries: [Georgia]\n"
        f"    start: 2018\n"
        for index, text in enumerate(HOSTILE.values())
    )
    return write("projects:\n" + projects)


COMMANDS = [
    ["list"],
    ["active", "--on", "2018-06"],
    ["show", "H-0"],
    ["show", "H-2"],
    ["show", "H-5"],
    ["report", "--by", "donor"],
    ["timeline"],
    ["stats"],
]


@pytest.mark.parametrize("mode", ["pipe", "terminal"])
@pytest.mark.parametrize("fmt", ["table", "tsv", "csv", "json", "yaml", "markdown", None])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c))
def test_hostile_text_never_reaches_the_terminal(run, write, monkeypatch, mode, fmt, command):
    run.terminal = Terminal(stdout_tty=mode == "terminal")
    path = hostile_registry(write)
    args = ["--registry", str(path), *command] + (["-f", fmt] if fmt else [])
    result = run(*args, "--color", "always" if mode == "terminal" else "never")
    assert result.exit_code == 0, result.stderr
    for char in FORBIDDEN:
        # Rich's own colour codes start with ESC[ and end in m; strip them before looking.
        text = _strip_rich_styles(result.stdout + result.stderr)
        assert char not in text, (char, text[:500])


def _strip_rich_styles(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_markup_is_shown_literally(run, write, monkeypatch):
    run.terminal = Terminal(stdout_tty=True)
    path = hostile_registry(write)
    table = run("--registry", str(path), "list", "--fields", "id,title", "--color", "never").stdout
    assert "[bold red]x[/]" in table
    assert "[link=file:///etc/passwd]click[/link]" in table
    page = run("--registry", str(path), "show", "H-5", "--color", "never").stdout
    assert "safe\\x0dEVIL" in page
    escaped = run("--registry", str(path), "show", "H-2", "--color", "never").stdout
    assert "\\x1b[31mred\\x1b[0m" in escaped


def test_machine_formats_keep_the_text_exactly(run, write):
    path = hostile_registry(write)
    records = json.loads(run("--registry", str(path), "list", "--json").stdout)
    assert [r["title"] for r in records] == list(HOSTILE.values())
    document = yaml.safe_load(run("--registry", str(path), "list", "-f", "yaml").stdout)
    assert [p["title"] for p in document["projects"]] == list(HOSTILE.values())


def test_error_messages_escape_registry_text(run, write):
    path = write('projects:\n  - {id: A, title: x, countries: ["\\e[31mNarnia"]}\n')
    result = run("--registry", str(path), "list")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr
    assert "\\x1b[31mNarnia" in result.stderr


# --- properties ------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), any_text(max_size=20)
)
documents = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["projects", "id", "title", "start", "countries", "x"])
            | any_text(max_size=5),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=examples(200), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents)
def test_any_yaml_document_loads_or_raises_registry_error(tmp_path, data):
    path = tmp_path / "any.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        load_registry(path)
    except RegistryError as error:
        assert error.errors
        assert all(p.file == str(path) for p in error.errors)


@settings(max_examples=examples(200), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(any_text(max_size=200))
def test_any_text_loads_or_raises_registry_error(tmp_path, text):
    path = tmp_path / "any.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_registry(path)
    except RegistryError as error:
        assert error.errors


def test_a_device_or_an_endless_pipe_is_read_only_up_to_a_limit(run, monkeypatch, tmp_path):
    result = run("--registry", "/dev/zero", "list")
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[0]
        == "/dev/zero:1:1: error: not a text file (a NUL byte at offset 0)"
    )
    assert run("check", "/dev/zero").stderr == result.stderr
    from projreg.registry import load

    monkeypatch.setattr(load, "MAX_FILE_SIZE", 1000)
    big = tmp_path / "big.yaml"
    big.write_text("projects:\n" + "  - {id: A, title: x}\n" * 100)
    for arguments in (["--registry", str(big), "list"], ["check", str(big)]):
        result = run(*arguments)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"{big}: error: the file is larger than 1,000 bytes")
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f"yes 'a' > {fifo}"], stderr=subprocess.DEVNULL)
    try:
        result = run("--registry", str(fifo), "list")
    finally:
        writer.kill()
        writer.wait()
    assert result.exit_code == 1 and "the file is larger than 1,000 bytes" in result.stderr


def test_text_that_may_nest_deeply_never_reaches_the_fast_parser():
    from projreg.registry.yamlsafe import NOT_FAST, load_fast

    deep = "projects:\n" + "".join(" " * i + f"- a{i}:\n" for i in range(0, 240, 2))
    assert load_fast(deep) is NOT_FAST  # yaml-rs crashed at about 12,000 levels
    assert load_fast("projects:\n  - " + "- " * 150 + "x\n") is NOT_FAST
    assert load_fast("projects:\n  - {id: A, title: a - - b}\n") == {
        "projects": [{"id": "A", "title": "a - - b"}]
    }


@settings(max_examples=examples(300), deadline=None)
@given(
    st.text(
        alphabet=st.characters(exclude_categories=("Cs",)) | st.sampled_from("\x1b\u202e\xad\t\n")
    )
)
def test_visible_and_flat_escape_exactly_what_the_pattern_names(text):
    """The shortcuts for printable ASCII text leave out nothing UNSAFE would escape."""
    from projreg.model.text import UNSAFE, _escape, flat, visible

    assert visible(text) == UNSAFE.sub(_escape, text)
    assert visible(text, keep_newlines=False) == UNSAFE.sub(_escape, text).replace("\n", "\\n")
    assert flat(text) == UNSAFE.sub(_escape, " ".join(text.split()))
    assert flat(f" {text}  x ") == flat(f"{text} x")
