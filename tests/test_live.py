"""`projreg fetch` and `projreg sync` against a real HTTP server on 127.0.0.1 (tests/live_server.py)
serving real publishers' activities in d-portal's page shape, with the faults real servers have.

Each fault test checks the exit code, the one-line message, and that the target file is byte for
byte what it was. The activities are checked against lxml's reading of the served pages.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml
from lxml import etree

from projreg.registry import yamlsafe
from tests.live_server import PageServer, real_activities


def read_yaml(text: str):
    """libyaml's reading (an independent reader, and fast: PyYAML's pure Python takes seconds a registry)."""
    return yaml.load(text, Loader=yaml.CSafeLoader)


ACTIVITIES = real_activities()  # the whole page: 100 activities of 19 publishers


def _one_a_publisher(activities: list[bytes], size: int) -> list[bytes]:
    """The first activity of each publisher, then the page's next ones, `size` in all, in the
    page's order: every publisher's XML, at a fifth of the cost of importing the page."""
    first: dict[str | None, bytes] = {}
    for activity in activities:
        org = etree.fromstring(activity).find("reporting-org")
        first.setdefault(None if org is None else org.get("ref"), activity)
    chosen = set(first.values())
    chosen |= set([a for a in activities if a not in chosen][: size - len(chosen)])
    return [a for a in activities if a in chosen]


SAMPLE = _one_a_publisher(ACTIVITIES, 20)  # what the fault tests serve, 4 pages of 5
PAGE = 5
BEFORE = b"# a registry someone keeps\nprojects: []\n"


@pytest.fixture(autouse=True)
def _fast_backoff(monkeypatch):
    monkeypatch.setenv("PROJREG_BACKOFF", "0.01")


@pytest.fixture
def server():
    with PageServer(SAMPLE, page_size=PAGE) as running:
        yield running


@pytest.fixture
def target(tmp_path):
    path = tmp_path / "az.yaml"
    path.write_bytes(BEFORE)
    return path


class Ran(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


def projreg(*args, env=None) -> Ran:
    """projreg run in this process (the Ctrl-C test runs it as a process of its own)."""
    from tests.conftest import Runner

    result = Runner()(*map(str, args), env=env)
    return Ran(result.exit_code, result.stdout, result.stderr)


def fetch(server, *args, **kwargs):
    return projreg(
        "fetch", "--endpoint", server.url, "--page-size", PAGE, "--retries", 2, *args, **kwargs
    )


def identifiers(xml_items) -> list[str]:
    return [" ".join(etree.fromstring(a).findtext("iati-identifier").split()) for a in xml_items]


def fetched_ids(path: Path) -> list[str]:
    return [p["iati_id"] for p in read_yaml(path.read_text())["projects"]]


# --- a fetch that works ---------------------------------------------------------------------


def test_fetch_writes_every_activity_and_records_the_query(tmp_path):
    out = tmp_path / "all.yaml"
    with PageServer(ACTIVITIES, page_size=25) as server:  # the whole page, 100 activities
        result = projreg("fetch", "--endpoint", server.url, "--page-size", 25, "-o", out)
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    written = read_yaml(text)  # once: libyaml takes 0.4 s over these 100 activities
    assert sorted(p["iati_id"] for p in written["projects"]) == sorted(set(identifiers(ACTIVITIES)))
    offsets = [int(q["offset"]) for _path, q in server.requests]
    assert offsets == [0, 25, 50, 75, 100]  # until the page past the end (empty XML)
    assert all(q["form"] == "xml" and q["limit"] == "25" for _p, q in server.requests)
    from projreg.version import __version__

    assert set(server.agents) == {f"projreg/{__version__} (+https://github.com/projreg/projreg)"}
    record = written["fetched"]
    assert record["endpoint"] == server.url and record["count"] == len(set(identifiers(ACTIVITIES)))
    assert record["at"].endswith("Z") and len(record["base"]) == record["count"]
    assert projreg("--registry", out, "check").returncode == 0
    assert f"wrote {record['count']} activities to {out}" in result.stderr
    assert yamlsafe.load_fast(text) is not yamlsafe.NOT_FAST  # read the fast way


def test_filters_combine_into_the_query(server, tmp_path):
    out = tmp_path / "x.yaml"
    result = fetch(
        server, "--country", "Azerbaijan", "--publisher", "GB-1", "--activity", "A-1",
        "--activity", "A-2", "-o", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "not returned by the server: A-1, A-2" in result.stderr
    query = server.requests[0][1]
    assert query["country_code"] == "AZ" and query["from"] == "act,country"
    assert query["reporting_ref"] == "GB-1" and query["aid"] == "A-1|A-2"


def test_an_unknown_country_is_a_usage_error(server, tmp_path):
    result = fetch(server, "--country", "Azerbaidjan", "-o", tmp_path / "x.yaml")
    assert result.returncode == 2
    assert "unknown country 'Azerbaidjan'" in result.stderr and "Azerbaijan" in result.stderr
    assert server.requests == []


def test_never_overwrites_without_force(server, target):
    result = fetch(server, "-o", target)
    assert result.returncode == 1
    assert result.stderr == f"projreg: {target} exists; use --force to overwrite it\n"
    assert target.read_bytes() == BEFORE
    assert fetch(server, "-o", target, "--force").returncode == 0


def test_gzip_pages(tmp_path):
    with PageServer(SAMPLE, page_size=PAGE, gzip_pages=True) as server:
        out = tmp_path / "z.yaml"
        result = fetch(server, "-o", out)
    assert result.returncode == 0, result.stderr
    assert len(fetched_ids(out)) == len(set(identifiers(SAMPLE)))


def test_json_past_the_end_ends_the_fetch(server, tmp_path):
    server.json_end = True
    result = fetch(server, "-o", tmp_path / "j.yaml")
    assert result.returncode == 0, result.stderr


def test_duplicates_across_pages_are_kept_once_and_the_later_copy_wins(server, tmp_path):
    first = SAMPLE[0]
    identifier = identifiers([first])[0]
    element = etree.fromstring(first)
    newer = element.__copy__()
    newer.set("last-updated-datetime", "2099-01-01T00:00:00")
    newer.find("iati-identifier").tail = None
    title = newer.find("title")
    for narrative in title.iter("narrative"):
        narrative.text = "A newer title"
    if title.text and title.text.strip():
        title.text = "A newer title"
    server.extra[5] = [first, etree.tostring(newer)]  # a repeat and a newer copy, on page 2
    out = tmp_path / "d.yaml"
    result = fetch(server, "-o", out)
    assert result.returncode == 0, result.stderr
    projects = read_yaml(out.read_text())["projects"]
    ids = [p["iati_id"] for p in projects]
    assert ids.count(identifier) == 1
    assert "1 activity was repeated across pages (kept once)" in result.stderr
    assert (
        f"{identifier}: two different copies; kept the one last updated 2099-01-01" in result.stderr
    )
    titles = {p["iati_id"]: p["title"] for p in projects}
    assert titles[identifier] == "A newer title"


def test_a_redirect_is_followed(server, tmp_path):
    server.faults[5] = ["redirect"]
    result = fetch(server, "-o", tmp_path / "r.yaml")
    assert result.returncode == 0, result.stderr
    assert any("redirected" in q for _p, q in server.requests)


def test_503_then_success(server, tmp_path):
    server.faults[10] = ["503", "503"]
    result = fetch(server, "-o", tmp_path / "ok.yaml")
    assert result.returncode == 0, result.stderr
    assert [int(q["offset"]) for _p, q in server.requests].count(10) == 3


@pytest.fixture
def waits(monkeypatch):
    """The waits between tries (urllib3's Retry sleeps them), recorded instead of waited: the
    waiting is time.sleep's; which wait is asked for is the client's."""
    import types

    from urllib3.util import retry

    asked: list[float] = []
    clock = types.SimpleNamespace(time=time.time, sleep=asked.append)
    monkeypatch.setattr(retry, "time", clock)
    return asked


def test_429_honours_retry_after(server, tmp_path, waits):
    server.faults[0] = ["429:7"]
    result = fetch(server, "-o", tmp_path / "ok.yaml")
    assert result.returncode == 0, result.stderr
    assert waits == [7]  # the server's Retry-After, not the backoff (0.01 s)
    assert [int(q["offset"]) for _p, q in server.requests].count(0) == 2


def test_a_retry_after_of_an_hour_is_capped(server, tmp_path, waits):
    server.faults[0] = ["429:3600"]
    result = fetch(server, "-o", tmp_path / "ok.yaml")
    assert result.returncode == 0, result.stderr
    assert waits == [120]  # the cap (client.RETRY_AFTER_MAX): two minutes, then retried
    assert [int(q["offset"]) for _p, q in server.requests].count(0) == 2


# --- faults: exit 1, one line, the target unchanged -----------------------------------------


def failing(server, target, *args):
    result = fetch(server, "-o", target, "--force", *args)
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("projreg: ")
    assert target.read_bytes() == BEFORE
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary file
    return result.stderr.strip()


def test_503_every_time(server, target):
    server.faults[10] = ["503"] * 3
    message = failing(server, target)
    assert message == (
        f"projreg: page 3 (offset 10): HTTP 503 Service Unavailable after 3 tries; {target} unchanged"
    )


def test_a_stall_longer_than_the_timeout(server, target):
    server.faults[5] = ["stall:3"] * 3
    started = time.monotonic()
    message = failing(server, target, "--timeout", "0.1")
    assert message == (
        "projreg: page 2 (offset 5): no answer within the timeout (--timeout) after 3 tries; "
        f"{target} unchanged"
    )
    assert time.monotonic() - started < 10
    assert [int(q["offset"]) for _p, q in server.requests].count(5) == 3  # the 3 tries made


def test_a_body_that_stalls_half_way(server, target):
    server.faults[5] = ["stall-body:3"] * 3
    message = failing(server, target, "--timeout", "0.1")
    assert message.startswith("projreg: page 2 (offset 5): the response was cut short")
    assert message.endswith(f"after 3 tries; {target} unchanged")
    assert [int(q["offset"]) for _p, q in server.requests].count(5) == 3


def test_truncated_xml(server, target):
    server.faults[5] = ["truncated"]
    message = failing(server, target)
    assert message.startswith(f"projreg: page 2 ({server.url}?form=xml&from=act&orderby=aid")
    assert "offset=5): not well-formed XML" in message
    assert message.endswith(f"; {target} unchanged")


def test_a_body_shorter_than_its_length(server, target):
    server.faults[5] = ["cut"] * 3
    message = failing(server, target)
    assert message.startswith("projreg: page 2 (offset 5): the response was cut short")


def test_an_html_page_with_status_200(server, target):
    server.faults[0] = ["html"]
    message = failing(server, target)
    assert message == (
        f"projreg: page 1 ({server.url}?form=xml&from=act&orderby=aid&limit=5&offset=0): "
        f"an HTML page, not IATI activity XML; {target} unchanged"
    )


def test_an_empty_200(server, target):
    server.faults[10] = ["empty"]
    message = failing(server, target)
    assert "page 3 (" in message and "offset=10): an empty body, not IATI activity XML" in message


def test_a_result_wrapper_without_activities(server, target):
    server.faults[0] = ["result"]
    message = failing(server, target)
    assert "a <result> wrapper (the classic Datastore's answer), not IATI activity XML" in message


def test_an_oversized_page_is_refused_while_streaming(server, target):
    server.faults[0] = ["huge"]
    message = failing(server, target, "--max-page-size", "1")
    assert message == (
        "projreg: page 1 (offset 0): the page passed the limit of 1,048,576 bytes while it was "
        f"read (--max-page-size); {target} unchanged"
    )


def test_a_page_announced_larger_than_the_limit_is_refused_unread(server, target):
    server.faults[0] = ["huge-length"]
    message = failing(server, target, "--max-page-size", "1")
    assert message == (
        "projreg: page 1 (offset 0): the page is 10,737,418,240 bytes, more than the limit of "
        f"1,048,576 (--max-page-size); {target} unchanged"
    )


def test_sync_of_a_broken_registry_asks_nothing(server, tmp_path):
    out = tmp_path / "az.yaml"
    assert fetch(server, "-o", out).returncode == 0
    _edit(out, "\n  title:", "\n  title: [unclosed")
    server.requests.clear()
    result = projreg("sync", out, "--endpoint", server.url)
    assert result.returncode == 1 and f"{out}:" in result.stderr
    assert server.requests == []


def test_a_body_that_is_not_the_gzip_it_says(server, target):
    server.faults[0] = ["bad-gzip"]
    message = failing(server, target)
    assert message == (
        "projreg: page 1 (offset 0): the response's compressed body does not decode; "
        f"{target} unchanged"
    )


def test_too_many_redirects(server, target):
    server.faults[0] = ["redirect-loop"] * 20
    message = failing(server, target)
    assert message == f"projreg: page 1 (offset 0): more than 5 redirects; {target} unchanged"


def test_a_refused_connection(target):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = projreg(
        "fetch", "--endpoint", f"http://127.0.0.1:{port}/q", "--retries", 1, "-o", target,
        "--force",
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == (
        f"projreg: page 1 (offset 0): cannot connect (Connection refused) after 2 tries; "
        f"{target} unchanged\n"
    )
    assert target.read_bytes() == BEFORE


def test_a_new_file_is_not_written_on_failure(server, tmp_path):
    server.faults[0] = ["404"]
    out = tmp_path / "new.yaml"
    result = fetch(server, "-o", out)
    assert result.returncode == 1
    assert result.stderr == f"projreg: page 1 (offset 0): HTTP 404 Not Found; {out} not written\n"
    assert not out.exists()


def test_a_rerun_resumes_from_the_pages_received(server, target, tmp_path):
    server.faults[15] = ["503"] * 3
    failing(server, target)
    server.requests.clear()
    result = fetch(server, "-o", target, "--force")
    assert result.returncode == 0, result.stderr
    assert [int(q["offset"]) for _p, q in server.requests] == [15, 20]
    assert "resumed an interrupted fetch: 3 of 5 pages kept from it" in result.stderr
    # Complete: the kept pages are gone, so the next fetch asks for every page again.
    server.requests.clear()
    assert fetch(server, "-o", target, "--force").returncode == 0
    assert len(server.requests) == 5


def test_pages_kept_for_one_query_never_answer_another(server, target):
    server.faults[15] = ["503"] * 3
    failing(server, target, "--country", "AZ")
    server.requests.clear()
    assert fetch(server, "-o", target, "--force").returncode == 0
    assert [int(q["offset"]) for _p, q in server.requests] == [0, 5, 10, 15, 20]


def test_no_cache_keeps_no_pages(server, target):
    server.faults[15] = ["503"] * 3
    result = projreg(
        "--no-cache", "fetch", "--endpoint", server.url, "--page-size", PAGE, "--retries", 2,
        "-o", target, "--force",
    )  # fmt: skip
    assert result.returncode == 1 and target.read_bytes() == BEFORE
    assert not list(Path(os.environ["PROJREG_CACHE_DIR"]).rglob("page-*"))


def test_ctrl_c_in_the_middle(server, target):
    # Half of page 3, then nothing: interrupted with the page's temporary file open.
    server.faults[10] = ["stall-body:60"]
    command = [sys.executable, "-m", "projreg", "fetch", "--endpoint", server.url,
               "--page-size", str(PAGE), "-o", str(target), "--force"]  # fmt: skip
    # A run started in the background (`pytest &` in a script) has Ctrl-C ignored, and a
    # program inherits that: projreg would never see it. Caught here, it starts out default.
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    finally:
        signal.signal(signal.SIGINT, before)
    try:
        deadline = time.monotonic() + 30
        # Ctrl-C once page 3 is asked for and the process waits for the rest (asleep in the
        # kernel: a signal that lands elsewhere, in a finaliser say, can be swallowed).
        while not any(q.get("offset") == "10" for _p, q in server.requests) or not _asleep(process):
            assert process.poll() is None, process.communicate()[1]  # ended before page 3
            assert time.monotonic() < deadline
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    finally:
        process.kill()  # when it is still there (not interrupted): ended here
        process.wait()
    assert process.returncode == 1, err
    assert err == f"projreg: interrupted at page 3 (offset 10); {target} unchanged\n"
    assert target.read_bytes() == BEFORE
    assert [p.name for p in target.parent.iterdir()] == [target.name]
    cache = Path(os.environ["PROJREG_CACHE_DIR"])
    assert not [p for p in cache.rglob("*") if p.name.endswith(".part")]


def _asleep(process, looks: int = 3) -> bool:
    """Whether the process has been asleep (state S: blocked in a system call) at `looks`
    looks 10 ms apart; where /proc cannot tell, whether 0.2 s have passed."""
    for look in range(looks):
        try:
            stat = Path(f"/proc/{process.pid}/stat").read_text()
        except OSError:
            time.sleep(0.2)
            return True
        if stat.rpartition(")")[2].split()[0] != "S":
            return False
        if look < looks - 1:
            time.sleep(0.01)
    return True


# --- the Datastore --------------------------------------------------------------------------


def test_the_datastore_needs_its_key_from_the_environment(server, tmp_path):
    env = {"IATI_DATASTORE_KEY": ""}
    result = fetch(server, "--source", "datastore", "-o", tmp_path / "d.yaml", env=env)
    assert result.returncode == 2
    assert "$IATI_DATASTORE_KEY" in result.stderr
    assert "IATI_DATASTORE_KEY" in projreg("fetch", "--help").stdout


def test_fetch_from_the_datastore(server, tmp_path):
    server.solr = True
    out = tmp_path / "d.yaml"
    key = "a-secret-key-0123"
    result = fetch(
        server, "--source", "datastore", "--country", "AZ", "-o", out,
        env={"IATI_DATASTORE_KEY": key},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = read_yaml(out.read_text())
    assert sorted(p["iati_id"] for p in written["projects"]) == sorted(set(identifiers(SAMPLE)))
    assert set(server.keys) == {key}
    query = server.requests[0][1]
    assert query["q"] == "recipient_country_code:AZ" and query["wt"] == "json"
    assert "iati_xml" in query["fl"] and query["start"] == "0" and query["rows"] == str(PAGE)
    assert key not in out.read_text() and key not in result.stderr + result.stdout
    assert written["fetched"]["source"] == "datastore"


def test_the_datastore_page_count_is_in_the_message(server, target):
    server.solr = True
    server.faults[10] = ["503"] * 3
    result = fetch(
        server, "--source", "datastore", "-o", target, "--force", env={"IATI_DATASTORE_KEY": "k"}
    )
    assert result.returncode == 1
    assert result.stderr == (
        "projreg: page 3 of ~4 (offset 10): HTTP 503 Service Unavailable after 3 tries; "
        f"{target} unchanged\n"
    )
    assert target.read_bytes() == BEFORE


# --- what a person sees ---------------------------------------------------------------------


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_a_progress_bar_on_a_terminal(server, tmp_path, width):
    from projreg.render.terminal import Terminal
    from tests.conftest import Runner

    server.activities = SAMPLE[: PAGE + 1]  # two pages (a full one, a short one) to draw
    out = tmp_path / "t.yaml"
    on_tty = Runner()(
        "fetch", "--endpoint", server.url, "--page-size", str(PAGE), "-o", str(out),
        terminal=Terminal(stdout_tty=True, stderr_tty=True, width=width),
    )  # fmt: skip
    assert on_tty.exit_code == 0
    assert "\x1b[" in on_tty.stderr and "page" in on_tty.stderr
    assert out.read_bytes() != b""


def test_no_progress_bar_on_a_pipe(server, tmp_path):
    """The same fetch into a pipe (the one case for every width above: a pipe has none)."""
    out = tmp_path / "p.yaml"
    piped = fetch(server, "-o", out)
    assert piped.returncode == 0
    assert "\x1b[" not in piped.stderr and "\r" not in piped.stderr
    assert piped.stderr.splitlines()[-1] == f"wrote 20 activities to {out}"


def test_kept_pages_older_than_an_hour_are_not_used(server, target):
    server.faults[15] = ["503"] * 3
    failing(server, target)
    cache = Path(os.environ["PROJREG_CACHE_DIR"])
    pages = list(cache.rglob("page-*.xml"))
    assert len(pages) == 3
    old = time.time() - 2 * 3600
    for page in pages:
        os.utime(page, (old, old))
    server.requests.clear()
    result = fetch(server, "-o", target, "--force")
    assert result.returncode == 0 and "resumed" not in result.stderr
    assert len(server.requests) == 5


# --- sync -----------------------------------------------------------------------------------


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1))


def test_sync_keeps_hand_edits_takes_upstream_changes_and_reports_conflicts(server, tmp_path):
    out = tmp_path / "az.yaml"
    assert fetch(server, "-o", out).returncode == 0
    projects = read_yaml(out.read_text())["projects"]
    hand, upstream, both = projects[0], projects[1], projects[2]
    # By hand: a comment, a title edited, a project added, and a title both sides change.
    _edit(out, "projects:\n", "# kept by the desk officer\nprojects:\n")
    _edit(out, f"title: {hand['title']}", "title: My own title")
    _edit(out, f"title: {both['title']}", "title: Mine too")
    with out.open("a") as file:
        file.write("")
    text = out.read_text().replace(
        "\nfetched:", "\n- id: HAND-1\n  title: Added by hand\nfetched:", 1
    )
    out.write_text(text)
    # Upstream: another title changed, the third one too, and one activity gone.
    changed = {upstream["iati_id"]: "Title changed upstream", both["iati_id"]: "Theirs"}
    gone = projects[-1]["iati_id"]
    server.activities = [_retitled(a, changed) for a in SAMPLE if identifiers([a])[0] != gone]

    shown = projreg("sync", out, "--endpoint", server.url, "--exit-code")
    assert shown.returncode == 1, shown.stderr
    lines = shown.stdout.splitlines()
    assert f"{upstream['id']} title: {upstream['title']} → Title changed upstream" in lines
    assert f"{projects[-1]['id']} no longer published: {projects[-1]['title']}" in lines
    assert (
        f"conflict: {both['id']} title: yours Mine too; the publisher's Theirs (yours kept)"
        in lines
    )
    assert not any(hand["id"] + " title" in line for line in lines)

    before = out.read_text()
    written = projreg("sync", out, "--endpoint", server.url, "--write")
    assert written.returncode == 0, written.stderr
    after = read_yaml(out.read_text())
    titles = {p["id"]: p["title"] for p in after["projects"]}
    assert titles[hand["id"]] == "My own title"
    assert titles[upstream["id"]] == "Title changed upstream"
    assert titles[both["id"]] == "Mine too"
    assert titles["HAND-1"] == "Added by hand"
    marked = next(p for p in after["projects"] if p["iati_id"] == gone)
    assert marked["notes"][-1].startswith("No longer published in IATI")
    text = out.read_text()
    assert "# kept by the desk officer\nprojects:\n" in text
    unchanged = [line for line in before.splitlines() if "title:" not in line]
    lines_now = set(text.splitlines())
    assert sum(line in lines_now for line in unchanged) >= len(unchanged) - 40  # layout kept
    assert projreg("--registry", out, "check").returncode == 0
    assert yamlsafe.load_fast(text) is not yamlsafe.NOT_FAST  # what sync writes is read fast

    again = projreg("sync", out, "--endpoint", server.url, "--write", "--exit-code")
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout == ""
    assert f"{out} is up to date" in again.stderr
    assert out.read_text() == text


def test_sync_prefer_source_and_prune(server, tmp_path):
    out = tmp_path / "az.yaml"
    assert fetch(server, "-o", out).returncode == 0
    projects = read_yaml(out.read_text())["projects"]
    both, gone = projects[0], projects[-1]["iati_id"]
    _edit(out, f"title: {both['title']}", "title: Mine")
    changed = {both["iati_id"]: "Theirs"}
    server.activities = [_retitled(a, changed) for a in SAMPLE if identifiers([a])[0] != gone]
    result = projreg("sync", out, "--endpoint", server.url, "--write", "--prefer-source", "--prune")
    assert result.returncode == 0, result.stderr
    after = read_yaml(out.read_text())
    assert {p["id"]: p["title"] for p in after["projects"]}[both["id"]] == "Theirs"
    assert gone not in [p["iati_id"] for p in after["projects"]]


def test_sync_refuses_a_registry_not_fetched(tmp_path):
    path = tmp_path / "hand.yaml"
    path.write_text("projects:\n- id: A\n  title: B\n")
    result = projreg("sync", path)
    assert result.returncode == 1
    assert result.stderr.startswith(f"projreg: {path}: no 'fetched' record")


def test_fetch_into_a_hand_kept_registry(server, tmp_path):
    hand = tmp_path / "hand.yaml"
    first = identifiers(SAMPLE[:1])[0]
    hand.write_text(
        "# my registry\nprojects:\n- id: MINE\n  title: Mine\n"
        f"- id: KNOWN\n  iati_id: {first}\n  title: My title for it\n"
    )
    result = fetch(server, "--into", hand)
    assert result.returncode == 0, result.stderr
    data = read_yaml(hand.read_text())
    titles = {p["id"]: p["title"] for p in data["projects"]}
    assert titles["MINE"] == "Mine" and titles["KNOWN"] == "My title for it"
    assert len(data["projects"]) == len(set(identifiers(SAMPLE))) + 1
    assert "conflict: KNOWN title: yours My title for it" in result.stdout
    assert hand.read_text().startswith("# my registry\n")
    assert projreg("sync", hand, "--endpoint", server.url, "--exit-code").returncode == 0


def test_fetch_into_a_registry_fetched_with_another_query_is_refused(server, tmp_path):
    out = tmp_path / "all.yaml"
    assert fetch(server, "-o", out).returncode == 0
    before = out.read_bytes()
    server.requests.clear()
    result = fetch(server, "--country", "GE", "--into", out)
    assert result.returncode == 2
    assert f"{out} was fetched with another query" in result.stderr
    assert out.read_bytes() == before and server.requests == []


def _retitled(activity: bytes, titles: dict) -> bytes:
    element = etree.fromstring(activity)
    identifier = " ".join(element.findtext("iati-identifier").split())
    if identifier not in titles:
        return activity
    title = element.find("title")
    narratives = list(title.iter("narrative"))
    for narrative in narratives:
        narrative.text = titles[identifier]
    if not narratives:
        title.text = titles[identifier]
    return etree.tostring(element)
