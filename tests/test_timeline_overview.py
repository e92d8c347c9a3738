"""The timeline of many projects (issue 25): labels that never take the chart's room, the
overview (projects per year split by status or donor, budgets per year per currency) on a
terminal, in a pipe and as SVG, the grouped Gantt, the site's timeline page, and long output
through the user's pager. Checked on a registry imported from real IATI files."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from projreg.render.terminal import Terminal, pager_command

from .conftest import TEST_ENV, TODAY, Runner, examples

REAL = Path(__file__).parent / "iati" / "real"
CORPUS = Path(__file__).parent / "iati" / "corpus"
WIDTHS = (60, 80, 120, 200)
LONG_ID = (
    "This activity identifier is a whole sentence, as one publisher writes it, far longer "
    "than any terminal could give a label column without losing the chart"
)


@pytest.fixture(scope="module")
def real_files(tmp_path_factory) -> list[Path]:
    """The real IATI files (origins: tests/iati/corpus/README.md, tests/iati/real/README.md),
    the compressed ones unpacked and checked against the hashes their README records."""
    folder = tmp_path_factory.mktemp("corpus")
    sums = dict(re.findall(r"\| `([^`]+)\.gz` \|.*\| `([0-9a-f]{64})` \|", _readme()))
    files = []
    for packed in sorted(CORPUS.glob("*.xml.gz")):
        data = gzip.decompress(packed.read_bytes())
        assert hashlib.sha256(data).hexdigest() == sums[packed.name[:-3]], packed.name
        (folder / packed.name[:-3]).write_bytes(data)
        files.append(folder / packed.name[:-3])
    assert len(files) == len(sums) == 34
    return files + sorted(REAL.glob("*.xml"))


def _readme() -> str:
    return (CORPUS / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def real_registry(tmp_path_factory, real_files):
    """A registry imported from every real IATI file: 1,758 activities of about 30 publishers.
    Imported in this process (the import is what a user's run does; a separate process
    only added its start-up), into the cache the module's tests share."""
    path = tmp_path_factory.mktemp("real") / "real.yaml"
    result = _module_run(tmp_path_factory, "import-iati", *map(str, real_files), "-o", str(path))
    assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture(scope="module")
def overview_records(tmp_path_factory, real_registry) -> tuple[tuple[str, ...], ...]:
    """The records `timeline --overview` prints in a pipe for the real registry: what the
    overview on a terminal and in SVG is checked against. Read once for the module."""
    return _module_records(tmp_path_factory, real_registry, "timeline", "--overview")


@pytest.fixture(scope="module")
def listed_records(tmp_path_factory, real_registry) -> tuple[tuple[str, ...], ...]:
    """The records `list --fields id,start,planned_start` prints in a pipe (TSV)."""
    return _module_records(
        tmp_path_factory, real_registry, "list", "--fields", "id,start,planned_start"
    )


def _module_records(tmp_path_factory, registry, *args) -> tuple[tuple[str, ...], ...]:
    """records(), for a module fixture."""
    result = _module_run(
        tmp_path_factory, "--registry", str(registry), *args, "--today", TODAY.isoformat()
    )
    assert result.exit_code == 0, result.stderr
    return tuple(tuple(line.split("\t")) for line in result.stdout.splitlines())


def _module_run(tmp_path_factory, *args: str):
    """projreg run in-process for a module fixture, in the environment each test gets
    (conftest's _clean_env) with the module's shared cache."""
    env = {**TEST_ENV, "PROJREG_CACHE_DIR": str(_shared_cache(tmp_path_factory))}
    return Runner()(*args, env=env)


@pytest.fixture(autouse=True)
def _one_cache(monkeypatch, tmp_path_factory, request):
    """The tests of this module share the large registry: validated once (into a cache of
    their own), then read from that cache once in this process and kept while the file is
    unchanged. Its 40 in-process runs of projreg read it again each time before: the module
    took 7.3 s of CPU, now 5.1 s (medians of 4, one process)."""
    if "real_registry" in request.fixturenames:
        monkeypatch.setenv("PROJREG_CACHE_DIR", str(_shared_cache(tmp_path_factory)))
        from projreg.registry import load

        real = request.getfixturevalue("real_registry")
        monkeypatch.setattr(load, "load_registry", _kept(load.load_registry, real))


_KEPT: dict = {}


def _kept(load_registry, real: Path):
    """load_registry, keeping what it gives for the real registry while the file is unchanged."""

    def loaded(path=None, use_cache: bool = True, fast: bool = True):
        if path is None or Path(path) != real or not use_cache or not fast:
            return load_registry(path, use_cache=use_cache, fast=fast)
        stat = real.stat()
        key = (real, stat.st_mtime_ns, stat.st_size, stat.st_ino, os.environ["PROJREG_CACHE_DIR"])
        if key not in _KEPT:
            _KEPT[key] = load_registry(path, use_cache=use_cache, fast=fast)
        return _KEPT[key]

    return loaded


_CACHE: list[Path] = []


def _shared_cache(tmp_path_factory) -> Path:
    if not _CACHE:
        _CACHE.append(tmp_path_factory.mktemp("shared-cache"))
    return _CACHE[0]


def tty(width: int, height: int = 24, pager: str | None = None) -> Terminal:
    return Terminal(stdout_tty=True, width=width, height=height, no_color=True, pager=pager)


def records(run, registry, *args) -> list[list[str]]:
    result = run("--registry", str(registry), *args, "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.stderr
    return [line.split("\t") for line in result.stdout.splitlines()]


# --- labels never take the chart's room ---------------------------------------------------


@pytest.fixture
def long_ids(write):
    return write(
        f"""
        projects:
          - id: {LONG_ID}
            title: Long id
            start: 2015-03
            end: 2019-06
          - id: SHORT-1
            title: Short id
            start: 2017-01-01
            end: 2021-12-31
        """
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_a_long_id_is_cut_and_the_chart_keeps_its_room(run, long_ids, width):
    result = run("--registry", str(long_ids), "timeline", "--gantt", terminal=tty(width))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    bar_lines = [line for line in lines if "██" in line]
    assert len(bar_lines) == 2
    long_line = next(line for line in bar_lines if line.startswith(LONG_ID[:5]))
    label = long_line[: long_line.index("…") + 1]  # cut, with an ellipsis
    assert len(label) <= width // 3 and LONG_ID.startswith(label[:-1])
    # The chart has two thirds of the width: the bars are not squeezed to the right.
    assert long_line.index("█") < width * 2 // 3


def test_the_whole_id_stays_in_records_and_show(run, long_ids):
    tsv = run("--registry", str(long_ids), "timeline").stdout.splitlines()
    assert tsv[0].split("\t")[0] == LONG_ID
    json_text = run("--registry", str(long_ids), "timeline", "-f", "json").stdout
    assert f'"id": "{LONG_ID}"' in json_text
    shown = run("--registry", str(long_ids), "show", "SHORT-1", terminal=tty(80)).stdout
    assert "SHORT-1" in shown
    page = run("--registry", str(long_ids), "show", LONG_ID, terminal=tty(80)).stdout
    assert LONG_ID.split()[-1] in page  # folded over lines, never cut


# --- the overview: what it counts --------------------------------------------------------


def test_overview_counts_what_active_on_lists_for_each_year(run, real_registry, overview_records):
    counts = {row[0]: int(row[1]) for row in overview_records}
    years = [y for y in counts if y.isdigit()]
    assert len(years) > 10
    busiest = max(years, key=counts.get)
    for year in sorted({years[0], busiest, years[len(years) // 2], years[-1], "2010"}):
        active = records(run, real_registry, "active", "--on", year)
        assert counts[year] == len(active), year


def test_overview_counts_unknown_dates_apart(real_files, overview_records, listed_records):
    rows, listed = overview_records, listed_records
    undated = [int(row[1]) for row in rows if row[0] == "dates unknown"]
    without_start = [row for row in listed if not row[1] and not row[2]]
    assert sum(undated) == len(without_start)
    # Read independently: activities of the real files with no start date of any kind.
    assert len(without_start) == _activities_without_start(real_files)  # none in these files
    dated = sum(int(row[1]) for row in rows if row[0] != "dates unknown" and row[0] < "2100")
    assert dated >= len(listed) - len(without_start)  # each dated project in a year at least


def test_a_project_without_a_start_is_counted_apart_never_dropped(run, write, tmp_path):
    path = write(
        """
        projects:
          - {id: A, title: a, start: 2018-02, end: 2020-05}
          - {id: NO-START, title: b, end: 2019-12}
          - {id: NO-DATES, title: c}
        """
    )
    rows = records(run, path, "timeline", "--overview")
    assert rows[-1][:2] == ["dates unknown", "2"]
    shown = run("--registry", str(path), "timeline", "--overview", terminal=tty(80)).stdout
    assert "Dates unknown, not in the bars: 2" in shown
    svg = tmp_path / "o.svg"
    assert run("--registry", str(path), "timeline", "--overview", "-o", str(svg)).exit_code == 0
    assert "Dates unknown, not in the columns: 2 projects" in svg.read_text(encoding="utf-8")


def _activities_without_start(files) -> int:
    """With lxml, not projreg: activities with no planned or actual start date, counted
    once per identifier (the import keeps the first of a duplicated identifier)."""
    seen, count = set(), 0
    for path in files:
        root = etree.parse(str(path)).getroot()
        activities = [root] if root.tag == "iati-activity" else root.iter("iati-activity")
        for activity in activities:
            ident = (activity.findtext("iati-identifier") or "").strip()
            if ident in seen:
                continue
            seen.add(ident)
            starts = [
                d
                for d in activity.iter("activity-date")
                if d.get("type") in ("1", "2", "start-planned", "start-actual")
                and (d.get("iso-date") or (d.text or "").strip())
            ]
            count += not starts
    return count


def test_overview_parts_add_up_and_donors_beyond_the_top_are_others(run, real_registry):
    rows = run(
        "--registry", str(real_registry), "timeline", "--overview", "--by", "donor",
        "-f", "csv", "--today", TODAY.isoformat(),
    ).stdout.splitlines()  # fmt: skip
    header = rows[0].split(",")
    groups = [h for h in header[2:] if not h.startswith("budget_")]
    assert len(groups) <= 7  # five donors, others, no donor named
    for line in rows[1:]:
        cells = line.split(",")
        assert int(cells[1]) == sum(int(c) for c in cells[2 : 2 + len(groups)])


def test_budgets_are_spread_over_their_periods_by_days(write):
    from projreg import load_registry
    from projreg.query.overview import overview

    path = write(
        """
        projects:
          - id: A
            title: a
            start: 2017-01
            end: 2021-12
            budgets:
              - {value: 365, currency: EUR, start: 2019-07-01, end: 2020-06-30}
          - id: B
            title: b
            start: 2019
            budgets:
              - {value: 1000, currency: EUR, start: 2019-07-01, end: 2020-06-30, type: original}
              - {value: 2000, currency: EUR, start: 2019-07-01, end: 2019-12-31, type: revised}
              - {value: 50, currency: USD}
        """
    )
    view = overview(load_registry(path).projects, TODAY)
    years = {p.label: i for i, p in enumerate(view.periods)}
    eur = view.currencies.index("EUR")
    # 184 of the 366 days of 2019-07-01..2020-06-30 fall in 2019 (a leap 2020): 365 * 184/366.
    first = Decimal(365) * 184 / 366
    assert view.money[years["2019"]][eur] == first + 2000  # the revised one replaced 1000
    assert view.money[years["2020"]][eur] == 365 - first
    assert sum(row[eur] for row in view.money) == 2365  # not a cent lost
    assert view.unplaced == (("USD", Decimal(50), 1),)


def test_short_spans_are_drawn_per_quarter(write, run):
    path = write(
        """
        projects:
          - {id: A, title: a, start: 2024-02-10, end: 2024-05-01}
          - {id: B, title: b, start: 2024-05-01, end: 2025-01-15}
        """
    )
    rows = records(run, path, "timeline", "--overview")
    counts = {row[0]: int(row[1]) for row in rows}
    assert counts["2024-Q1"] == 1 and counts["2024-Q2"] == 2 and counts["2025-Q1"] == 1
    between = records(run, path, "list", "--between", "2024-04", "2024-06")
    assert counts["2024-Q2"] == len(between)


def _cell_styles(cells, to_today, width, marker) -> list[str | None]:
    """A Gantt row's style for each column, by the rule itself: a cell of the bar is blue, its
    last cell green when the bar runs to today, the marker's column bold red."""
    first, last = cells
    styles: list[str | None] = []
    for column in range(width):
        style = None
        if first <= column <= last:
            style = "green" if to_today and column == last else "blue"
        if column == marker:
            style = "bold red"
        styles.append(style)
    return styles


@settings(max_examples=examples(300), deadline=None)
@given(
    st.tuples(st.integers(-5, 45), st.integers(-5, 45)),
    st.booleans(),
    st.integers(1, 40),
    st.none() | st.integers(-2, 42),
)
@example(cells=(0, 3), to_today=False, width=5, marker=-1)  # a marker left of the chart
def test_a_gantt_row_styles_each_cell_by_the_rule(cells, to_today, width, marker):
    from rich.text import Text

    from projreg.render.output import _bar_cells

    text = Text("label ", style="cyan")
    _bar_cells(text, cells, to_today, width, marker)
    shown = [None] * width
    for span in text.spans:  # later spans win, as Rich draws them
        for column in range(span.start - 6, span.end - 6):
            shown[column] = span.style
    assert shown == _cell_styles(cells, to_today, width, marker)
    glyphs = {None: " ", "blue": "█", "green": "▶", "bold red": "┃"}
    assert text.plain[6:] == "".join(glyphs[s] for s in shown)


def test_a_gantt_row_in_colour_has_a_colour_code_a_run_not_a_cell(write, run):
    """A bar of many cells is one blue run: one colour code, not one a cell."""
    path = write("projects:\n  - {id: A, title: a, start: 2010-01, end: 2019-12}\n")
    colour = Terminal(stdout_tty=True, width=60, height=24, force_color=True)
    args = ["--registry", str(path), "timeline", "--gantt", "--today", TODAY.isoformat()]
    result = run(*args, terminal=colour)
    assert result.exit_code == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "█" in line)
    assert row.count("█") > 30 and row.count("\x1b[34m") == 1, repr(row)


# --- the overview on a terminal ------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_many_projects_get_the_overview_on_a_terminal(run, real_registry, overview_records, width):
    result = run(
        "--registry", str(real_registry), "timeline", "--today", TODAY.isoformat(),
        terminal=tty(width, height=24),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Projects running in each year, by status")
    assert max(len(line) for line in lines) <= width
    assert "--gantt draws one row for each" in result.stderr
    assert any(line.startswith("GBP, ") for line in lines)  # the budget per year
    # The number at the end of each year's line (or a run of years' line) is what the
    # records say for each of its years.
    counts = {r[0]: r[1] for r in overview_records}
    legend = next(i for i, line in enumerate(lines) if re.match(r"[█▓▒░] [a-z]", line))
    shown = {}
    for line in lines[:legend]:
        found = re.fullmatch(r"(\d{4})(?:–(\d{4}))? +[^a-z]*?([\d,]+)", line)
        if found:
            first, last, count = found.groups()
            for year in range(int(first), int(last or first) + 1):
                shown[str(year)] = count.replace(",", "")
    assert shown == {y: n for y, n in counts.items() if y.isdigit()}
    assert "1900–1985" in "".join(lines)  # the placeholder years share a line


def test_gantt_and_rows_choose_what_is_drawn(run, real_registry):
    def first_line(*args, height=24):
        result = run(
            "--registry", str(real_registry), "timeline", *args, "--today", TODAY.isoformat(),
            terminal=tty(120, height=height),
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        return result.stdout.splitlines()[0]

    assert first_line().startswith("Projects running")
    assert not first_line("--gantt").startswith("Projects running")  # the year axis
    indonesia = ("--country", "Indonesia")  # 98 projects: the height of the terminal decides
    assert first_line(*indonesia, height=60).startswith("Projects running")
    assert not first_line(*indonesia, height=110).startswith("Projects running")
    # unless --rows says how many rows to draw: all 98 here, however low the terminal
    assert not first_line(*indonesia, "--rows", "98", height=60).startswith("Projects running")
    assert first_line("--by", "donor", "--rows", "5000").startswith(
        "Projects running in each year, by donor"
    )


def test_in_a_pipe_records_stay_one_per_project(run, real_registry, listed_records):
    rows = records(run, real_registry, "timeline")
    listed = listed_records  # list in a pipe: TSV, id first
    assert len(rows) == len(listed) and {r[0] for r in rows} == {r[0] for r in listed}
    assert run("--registry", str(real_registry), "timeline", "--by", "donor").exit_code == 2


# --- the overview and the Gantt as SVG ---------------------------------------------------


def test_the_svg_overview_shows_the_counts(run, real_registry, overview_records, tmp_path):
    path = tmp_path / "overview.svg"
    result = run(
        "--registry", str(real_registry), "timeline", "-o", str(path), "--rows", "5",
        "--on", "2012", "--today", TODAY.isoformat(),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    root = ET.fromstring(path.read_text(encoding="utf-8"))
    ns = "{http://www.w3.org/2000/svg}"
    titles = [g.find(f"{ns}title").text for g in root.iter(f"{ns}g") if g.get("class") == "period"]
    counts = {r[0]: r[1] for r in overview_records}
    years = [y for y in counts if y.isdigit()]
    drawn = {}  # a column per year, or one for a run of years with the same numbers
    for title in titles[: len(titles) // 4]:  # the counts, then three currencies' budgets
        first, last, count = re.match(r"(\d{4})(?:–(\d{4}))?: (\d+)", title).groups()
        for year in range(int(first), int(last or first) + 1):
            drawn[str(year)] = count
        assert (last is None) == ("each year" not in title)
    assert drawn == {y: counts[y] for y in years}
    assert len(titles) // 4 < len(years) / 2  # the placeholder years (1900) take one column
    text = "".join(root.itertext())
    assert "spread over its period in proportion to days" in text


@pytest.mark.parametrize("by", [None, "donor"])
def test_every_column_stands_on_its_axis_never_below_it(run, real_registry, tmp_path, by):
    """The overview's columns (counts, then each currency's budget: the real registry's
    DKK has one column) start on their chart's zero line and end under its top line: a
    bar never reaches below the axis. Read with lxml, as a browser reads the SVG."""
    path = tmp_path / "overview.svg"
    result = run(
        "--registry", str(real_registry), "timeline", "--overview", "-o", str(path),
        "--today", TODAY.isoformat(), *(["--by", by] if by else []),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    ns = "{http://www.w3.org/2000/svg}"
    root = etree.parse(str(path)).getroot()
    grid = [
        (float(line.get("y1")), line.getnext().text)
        for line in root.iter(f"{ns}line")
        if line.get("stroke") == "#e0e0e0" and line.getnext() is not None
    ]
    axes = sorted(y for y, label in grid if label == "0")
    assert len(axes) == 4  # the counts, then USD, GBP and DKK
    currencies = [t.text for t in root.iter(f"{ns}text") if t.get("font-weight") == "700"]
    assert currencies == ["USD", "GBP", "DKK"]
    columns: dict[float, list] = {axis: [] for axis in axes}
    for rect in root.iter(f"{ns}rect"):
        if rect.getparent().get("class") != "period":
            continue
        top, height = float(rect.get("y")), float(rect.get("height"))
        axis = min(a for a in axes if a >= top)  # the chart the rect is drawn in
        columns[axis].append((top, top + height))
    for axis, rects in columns.items():
        highest = min(y for y, _ in grid if y <= axis and not any(axis > a > y for a in axes))
        assert rects, axis
        # stacked parts: the lowest of each column on the axis, none below it or over the top
        assert all(bottom <= axis + 0.011 and top >= highest - 0.011 for top, bottom in rects)
        assert any(abs(bottom - axis) <= 0.011 for _, bottom in rects)
    assert len(columns[axes[-1]]) == 1  # the one DKK column
    top, bottom = columns[axes[-1]][0]
    assert abs(bottom - axes[-1]) <= 0.011 and bottom - top > 50


def test_a_forced_gantt_file_groups_rows_under_donors(run, real_registry, tmp_path):
    path = tmp_path / "gantt.svg"
    args = ["--registry", str(real_registry), "timeline", "-o", str(path), "--gantt"]
    assert run(*args, "--rows", "5").exit_code == 0
    root = ET.fromstring(path.read_text(encoding="utf-8"))
    ns = "{http://www.w3.org/2000/svg}"
    lanes = [g for g in root.iter(f"{ns}g") if g.get("class") == "lane"]
    bars = [g for g in root.iter(f"{ns}g") if g.get("class") == "bar"]
    assert len(lanes) >= 3 and len(bars) >= 20
    assert run(*args, "--by", "country", "--force").exit_code == 0
    lanes = re.findall(r'<g class="lane">.*?font-weight="700">([^<]*) \(', path.read_text())
    assert "United Kingdom" in lanes or "Zimbabwe" in lanes  # countries named in the files


def test_the_site_timeline_page_shows_the_overview_then_the_grouped_gantt(real_registry):
    from projreg import load_registry
    from projreg.render.site import build

    registry = load_registry(real_registry)
    some = registry.projects[:: len(registry.projects) // 150]  # many publishers; all of them: 3 s
    files = build(registry, TODAY, some)
    assert len({o.ref for p in some for o in p.reporting_org}) > 10
    page = files["timeline.html"]
    assert page.index('src="overview.svg"') < page.index('src="timeline.svg"')
    assert 'src="overview.svg"' in files["index.html"]
    assert 'href="timeline.html"' in files["index.html"]
    ET.fromstring(files["overview.svg"])
    assert 'class="lane"' in files["timeline.svg"]  # under a heading per donor


# --- the pager --------------------------------------------------------------------------


def test_the_pager_is_chosen_as_git_and_gh_choose_it():
    assert pager_command({}) == "less -FRX"
    assert pager_command({"PAGER": "most"}) == "most"
    assert pager_command({"PAGER": "most", "PROJREG_PAGER": "less -S"}) == "less -S"
    assert pager_command({"PROJREG_PAGER": ""}) is None
    assert pager_command({"PAGER": "cat"}) is None


@pytest.mark.parametrize("command", [["list"], ["report", "--by", "donor"], ["timeline"]])
def test_long_output_goes_through_the_pager_on_a_terminal(run, real_registry, tmp_path, command):
    paged = tmp_path / "paged.txt"
    pager = f"cat > {paged}"
    args = ["--registry", str(real_registry), *command, "--today", TODAY.isoformat()]
    result = run(*args, terminal=tty(100, pager=pager))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and paged.read_text(encoding="utf-8").count("\n") > 3
    direct = run(*args, "--no-pager", terminal=tty(100, pager=pager))
    assert direct.stdout == paged.read_text(encoding="utf-8")
    paged.unlink()
    assert run("--no-pager", *args, terminal=tty(100, pager=pager)).stdout == direct.stdout
    assert not paged.exists()


def _on_a_terminal(args, env) -> tuple[int, bytes]:
    """projreg run with its stdout on a pseudo-terminal (read as it writes); exit code, output."""
    import threading

    leader, follower = os.openpty()
    shown = bytearray()

    def read():
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the other end closed
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "projreg", *args],
            stdout=follower,
            stderr=subprocess.PIPE,
            env={**os.environ, **env},
            timeout=120,
        )
    finally:
        os.close(follower)
    reader.join(10)
    os.close(leader)
    return result.returncode, bytes(shown)


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_the_real_terminal_pages_and_a_pipe_never_does(real_registry, tmp_path):
    paged = tmp_path / "paged.txt"
    env = {"PROJREG_PAGER": f"cat > {paged}", "COLUMNS": "80", "LINES": "24"}
    args = ["--registry", str(real_registry), "list", "--today", TODAY.isoformat()]
    piped = subprocess.run(
        [sys.executable, "-m", "projreg", *args],
        capture_output=True,
        env={**os.environ, **env},
        timeout=120,
    )
    assert piped.returncode == 0 and not paged.exists()  # a pipe: never the pager
    assert len(piped.stdout.splitlines()) > 1000 and b"\x1b[" not in piped.stdout
    code, shown = _on_a_terminal(args, env)
    assert code == 0 and shown == b""  # all of it went to the pager
    assert paged.read_text(encoding="utf-8").startswith("\x1b[1mID")  # the table, in colour
    paged.unlink()
    code, shown = _on_a_terminal(["--no-pager", *args], env)
    assert code == 0 and not paged.exists()
    assert shown.startswith(b"\x1b[1mID") and shown.count(b"\n") > 1000


def test_quitting_the_pager_early_is_not_an_error(run, real_registry):
    result = run(
        "--registry", str(real_registry), "list", terminal=tty(200, pager="head -n 1 >/dev/null")
    )
    assert result.exit_code == 0
    assert "rror" not in result.stderr and "pipe" not in result.stderr  # quietly, as git does


def test_a_pager_that_does_not_exist_leaves_the_output_as_it_was(run, real_registry):
    result = run(
        "--registry", str(real_registry), "list", terminal=tty(100, pager="no-such-pager-x")
    )
    assert result.exit_code == 0
    assert "pager not found: no-such-pager-x" in result.stderr


# --- short functions ---------------------------------------------------------------------


def test_the_timeline_code_keeps_its_functions_short():
    import ast

    import projreg

    folder = Path(projreg.__file__).parent
    for name in ("render/chart.py", "query/overview.py", "render/pager.py", "commands/reports.py"):
        tree = ast.parse((folder / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                assert length <= 60, f"{name}: {node.name} is {length} lines"
