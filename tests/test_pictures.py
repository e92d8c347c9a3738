"""Pictures and the site: the timeline chart, the coverage counts and map, the static site
(its pages, its escaping, how it writes a folder), and the terminal timeline's alignment."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from projreg import load_registry
from projreg.model.text import visible
from projreg.query.reports import coverage, timeline
from projreg.render.chart import Axis, timeline_svg, truncate
from projreg.render.site import MANIFEST, build, safe_url, write
from projreg.render.terminal import Terminal

from .conftest import TODAY
from .test_hostile import HOSTILE

SVG = "{http://www.w3.org/2000/svg}"


def load(write, text):
    return load_registry(write(text))


# --- the timeline chart ------------------------------------------------------------------


def attrs(svg: str, tag: str) -> list[dict]:
    return [dict(e.attrib) for e in ET.fromstring(svg).iter(f"{SVG}{tag}")]


def test_bars_and_year_lines_share_one_day_scale(write):
    registry = load(
        write,
        """
        projects:
          - {id: JAN, title: starts on 1 January, start: 2016-01-01, end: 2016-12-31}
          - {id: MONTH, title: month precision, start: 2015-06, end: 2018-06}
        """,
    )
    svg = timeline_svg(registry.projects, TODAY)
    axis = Axis(dt.date(2015, 1, 1), dt.date(2019, 1, 1))
    grid = {float(line["x1"]) for line in attrs(svg, "line") if line.get("stroke") == "#bbb"}
    assert grid == {round(axis.x(dt.date(y, 1, 1)), 2) for y in range(2015, 2020)}
    jan = next(g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("data-id") == "JAN")
    bar = next(r for r in jan.iter(f"{SVG}rect") if r.get("fill") == "#2171b5")
    assert float(bar.get("x")) == round(axis.x(dt.date(2016, 1, 1)), 2)  # on the 2016 line
    assert float(bar.get("x")) in grid
    assert float(bar.get("x")) + float(bar.get("width")) == pytest.approx(
        axis.x(dt.date(2017, 1, 1)), abs=0.011
    )
    # A month-precision start fades over the whole month it names, an end likewise.
    month = next(g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("data-id") == "MONTH")
    fades = {r.get("fill"): r for r in month.iter(f"{SVG}rect") if "tl-" in r.get("fill")}
    start, end = fades["url(#tl-in-actual)"], fades["url(#tl-out-actual)"]
    assert float(start.get("x")) == round(axis.x(dt.date(2015, 6, 1)), 2)
    assert float(start.get("width")) == pytest.approx(30 * axis.per_day, abs=0.011)
    assert float(end.get("x")) == round(axis.x(dt.date(2018, 6, 1)), 2)
    assert float(end.get("width")) == pytest.approx(30 * axis.per_day, abs=0.011)


def test_planned_ongoing_marker_and_undated(write):
    registry = load(
        write,
        """
        projects:
          - {id: PLAN, title: planned only, planned_start: 2020-01-01, planned_end: 2021-06-30}
          - {id: OPEN, title: ongoing, start: 2019-03-01}
          - {id: NODATE, title: dates unknown}
        """,
    )
    today = dt.date(2022, 5, 10)
    svg = timeline_svg(
        registry.projects,
        today,
        on=(dt.date(2020, 6, 1), dt.date(2020, 6, 1)),
        on_label="marked: 1 June 2020",
    )
    root = ET.fromstring(svg)
    groups = {g.get("data-id"): g for g in root.iter(f"{SVG}g") if g.get("data-id")}
    assert set(groups) == {"PLAN", "OPEN"}  # the undated one is not drawn as a bar
    assert any(r.get("fill") == "url(#tl-planned)" for r in groups["PLAN"].iter(f"{SVG}rect"))
    assert not any(r.get("fill") == "url(#tl-planned)" for r in groups["OPEN"].iter(f"{SVG}rect"))
    axis = Axis(dt.date(2019, 1, 1), dt.date(2023, 1, 1))
    (arrow,) = groups["OPEN"].iter(f"{SVG}path")
    assert arrow.get("d").startswith(f"M{round(axis.after(today), 2)} ")
    title = groups["OPEN"].find(f"{SVG}title").text
    assert "no end given · drawn to today (2022-05-10)" in title and "ongoing," not in title
    marker = [e for e in root.iter(f"{SVG}line") if e.get("stroke") == "#cb181d"]
    assert [float(m.get("x1")) for m in marker] == [round(axis.x(dt.date(2020, 6, 1)), 2)]
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "Dates unknown (1):" in texts and "NODATE — dates unknown" in texts
    assert "marked: 1 June 2020" in texts
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Projects over time"
    assert "1 with unknown dates" in root.find(f"{SVG}desc").text


def test_chart_is_self_contained_and_labels_are_truncated_with_the_full_text_kept(write):
    long_title = "A very long title " * 8
    registry = load(write, f"projects:\n  - {{id: LONG, title: {long_title!r}, start: 2018}}\n")
    svg = timeline_svg(registry.projects, TODAY)
    assert svg.count("http") == 1 and "href" not in svg and "@import" not in svg
    assert 'font-family="system-ui, sans-serif"' in svg
    label = next(
        t for t in ET.fromstring(svg).iter(f"{SVG}text") if "LONG" in "".join(t.itertext())
    )
    shown = "".join(label.itertext())
    assert shown.endswith("…") and len(shown) < len(long_title)
    assert " ".join(long_title.split()) in svg  # in the row's <title>
    assert truncate("abcdef", 6.6 * 4) == "abc…"


def test_lanes_put_a_project_in_each_of_its_groups(registry):
    svg = timeline_svg(registry.projects, TODAY, by="donor")
    root = ET.fromstring(svg)
    lanes = [
        "".join(g.find(f"{SVG}text").itertext())
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "lane"
    ]
    assert lanes[0] == "European Commission (3)"
    assert lanes[-1] == "(no donor named) (1)"  # PRAGUE-PROCESS; PP-DATA has no dates
    ids = [g.get("data-id") for g in root.iter(f"{SVG}g") if g.get("data-id")]
    assert ids.count("RESTART") == 3  # three donors, three lanes


def test_lanes_by_status_take_every_status_a_project_can_have(run, write, tmp_path):
    from projreg.model.project import STATUSES
    from projreg.render.chart import STATUS_LANES

    assert sorted(STATUS_LANES) == sorted(STATUSES)
    path = write(
        "projects:\n"
        + "".join(
            f"  - {{id: P-{i}, title: T, start: 2017-03, end: 2018-06, activity_status: {s}}}\n"
            for i, s in enumerate(("finalisation", "suspended", "cancelled", "ongoing"))
        )
    )
    svg = tmp_path / "t.svg"
    result = run("--registry", str(path), "timeline", "--by", "status", "-o", str(svg))
    assert result.exit_code == 0, result.stderr  # finalisation: a traceback before
    lanes = [
        "".join(g.find(f"{SVG}text").itertext())
        for g in ET.fromstring(svg.read_text()).iter(f"{SVG}g")
        if g.get("class") == "lane"
    ]
    assert lanes == ["finalisation (1)", "completed (1)", "cancelled (1)", "suspended (1)"]


def test_timeline_cli_draws_the_same_chart_at_any_terminal_width(run, tmp_path):
    outputs = []
    for width in (60, 200):
        path = tmp_path / f"t{width}.svg"
        result = run(
            "timeline", "-o", str(path), "--today", "2026-11-27",
            terminal=Terminal(stdout_tty=True, width=width),
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]
    svg = outputs[0].decode("utf-8")
    # Drawn, not a screenshot: no window buttons, no font from a CDN, nothing fetched.
    assert "<circle" not in svg and "@font-face" not in svg and "cdnjs" not in svg
    assert re.findall(r"https?://", svg) == ["http://"]  # the SVG namespace only
    html = tmp_path / "t.html"
    assert run("timeline", "-o", str(html), "--by", "region").exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert "<title>Projects over time</title>" in page and "<svg" in page
    assert run("timeline", "--by", "donor").exit_code == 2  # lanes need a chart file
    assert run("timeline", "-o", str(tmp_path / "x.svg"), "--by", "colour").exit_code == 2


# --- the terminal timeline: ticks over bars ------------------------------------------------


@pytest.mark.parametrize("width", [20, 37, 48, 61, 100, 129])
def test_terminal_ticks_line_up_with_january_bars_and_the_last_bar_reaches_the_edge(write, width):
    registry = load(
        write,
        """
        projects:
          - {id: A, title: a, start: 2011-01, end: 2012-12}
          - {id: B, title: b, start: 2014-01-01, end: 2015-06}
          - {id: C, title: c, start: 2018-01, end: 2019}
        """,
    )
    chart = timeline(registry.projects, TODAY)
    ticks = {year: chart.column(year * 12, width) for year in range(2011, 2020)}
    starts = {bar.id: chart.cells(bar, width)[0] for bar in chart.bars}
    assert starts == {"A": ticks[2011], "B": ticks[2014], "C": ticks[2018]}
    last_bar = next(b for b in chart.bars if b.id == "C")
    assert chart.cells(last_bar, width)[1] == width - 1


def test_terminal_chart_rows_start_under_their_ticks(run, write):
    path = write(
        "projects:\n  - {id: A, title: a, start: 2011-01, end: 2012-12}\n"
        "  - {id: B, title: b, start: 2014-01, end: 2019-12}\n"
    )
    lines = run(
        "--registry",
        str(path),
        "timeline",
        "-f",
        "table",
        "--color",
        "never",
        terminal=Terminal(stdout_tty=True, width=71),
    ).stdout.splitlines()
    ticks = [i for i, c in enumerate(lines[1]) if c == "╷"]
    a, b = lines[2], lines[3]
    assert a.index("█") == ticks[0] and b.index("█") in ticks
    assert len(b) == len(lines[1]) and b.endswith("█")  # to the last column of the chart


# --- coverage and the map ------------------------------------------------------------------


def test_coverage_counts_direct_and_via_a_region(registry):
    counts = coverage(registry.projects)
    assert counts["AZ"] == (3, 2)  # MOBILAZE, RESTART, EAP-IBM; via the EaP: PP-DATA, PRAGUE
    assert counts["XK"] == (0, 2)  # Kosovo, through the Western Balkans only
    assert counts["RU"] == (2, 0)
    assert list(counts) == sorted(counts)


def test_map_cli(run, tmp_path):
    rows = json.loads(run("map", "--json").stdout)
    assert rows[0] == {"country": "Azerbaijan", "code": "AZ", "direct": 3, "via_region": 2}
    assert run("map", "--country", "Georgia", "--direct").stdout.splitlines()[0].split("\t")[
        :4
    ] == [
        "Georgia",
        "GE",
        "2",
        "0",
    ]  # fmt: skip (the projects naming Georgia; --direct leaves out the regional ones)
    path = tmp_path / "m.svg"
    assert run("map", "-o", str(path)).exit_code == 0
    root = ET.parse(path).getroot()
    shaded = {p.get("data-code") for p in root.iter(f"{SVG}path") if p.get("data-code")}
    assert {"AZ", "GE", "XK", "KZ"} <= shaded
    assert run("map", "-o", str(path)).exit_code == 1  # exists: no overwrite without --force
    assert run("map", "-o", str(tmp_path / "m.png")).exit_code == 2


# --- the site ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled_site():
    return build(load_registry(), TODAY)


def test_site_has_every_page_and_is_deterministic(bundled_site, registry):
    files = bundled_site
    assert {"index.html", "map.svg", "timeline.svg", "site.css", "site.js"} <= set(files)
    assert len([f for f in files if f.startswith("projects/")]) == len(registry.projects)
    assert "countries/ge.html" in files and "countries/xk.html" in files
    assert "donors/european-commission.html" in files
    assert build(load_registry(), TODAY) == files
    assert list(files) == sorted(files)
    for text in files.values():
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in text or "icmpd" in text  # only the registry's own links


def test_project_page_has_every_fact_show_has(bundled_site, registry, run):
    page = bundled_site["projects/enigmma-2.html"]
    shown = run("show", "ENIGMMA-2", "--today", "2026-11-27", "-f", "json").stdout
    facts = json.loads(shown)
    for name in ("manager", "objective", "summary"):
        first_line = facts[name].split("\n")[0].strip()
        assert _html_text(first_line)[:60] in page
    for component in facts["components"]:
        assert _html_text(component["title"]) in page
    assert '<a href="../countries/ge.html">Georgia</a>' in page
    assert '<a href="../donors/european-commission.html">European Commission</a>' in page
    assert "September 2017 – November 2020 (39 months)" in page


def test_every_project_page_labels_every_fact_show_prints(bundled_site, registry):
    from projreg.model.fields import PAGE_FIELDS, Context, label, record
    from projreg.render.site import _names

    names = _names([p.id for p in registry.projects])
    for project in registry.projects:
        page = bundled_site[f"projects/{names[project.id]}.html"]
        for name, value in record(project, PAGE_FIELDS, Context(TODAY)).items():
            if name in ("id", "title") or value in (None, [], ""):
                continue
            assert f"<dt>{_html_text(label(name))}</dt>" in page, (project.id, name)


def _html_text(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


HTML_HOSTILE = {
    "script": "<script>alert(1)</script>",
    "close the data": "</script><script>alert('data')</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "entity": "&lt;b&gt;not bold&lt;/b&gt;",
    "comment": "<!-- x --><iframe src=javascript:alert(1)>",
}


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.hrefs, self.events = [], [], []

    def handle_starttag(self, tag, attributes):
        self.tags.append(tag)
        for name, value in attributes:
            if name.startswith("on"):
                self.events.append((tag, name))
            if name in ("href", "src"):
                self.hrefs.append(value)


def test_hostile_text_never_becomes_markup_or_a_link(write, tmp_path):
    texts = {**HOSTILE, **HTML_HOSTILE}
    projects = "".join(
        f"  - id: H-{i}\n    title: {json.dumps(t)}\n    objective: {json.dumps(t)}\n"
        f"    donors: [{json.dumps(t)}]\n    countries: [Georgia]\n    start: 2018\n"
        f"    links:\n      - {{text: {json.dumps(t)}, url: {json.dumps(url)}}}\n"
        for i, (t, url) in enumerate(
            zip(
                texts.values(),
                ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>",
                 "vbscript:x", "http://ok.example/a?b=<c>", "mailto:a@example.org",
                 "https:no-host", "java\nscript:alert(1)", "file:///etc/passwd",
                 "https://ok.example/\"onmouseover=\"alert(1)", "//evil.example", "HTTPS://OK.EXAMPLE",
                 "ftp://x", "https://ok.example/x"],
                strict=False,
            )
        )
    )  # fmt: skip
    registry = load_registry(write("projects:\n" + projects))
    files = build(registry, TODAY)
    allowed = {
        "html", "head", "meta", "title", "link", "body", "a", "header", "p", "nav", "ul", "li",
        "main", "footer", "script", "h1", "h2", "h3", "section", "form", "div", "label", "input",
        "select", "option", "button", "span", "table", "caption", "thead", "tr", "th", "tbody",
        "td", "noscript", "figure", "figcaption", "img", "article", "dl", "dt", "dd", "ol",
        "strong", "svg", "defs", "pattern", "rect", "clippath", "g", "path", "text", "desc",
        "tspan", "lineargradient", "stop", "line",
    }  # fmt: skip
    for name, text in files.items():
        if not name.endswith(".html"):
            continue
        parser = Tags()
        parser.feed(text)
        assert set(parser.tags) <= allowed, (name, set(parser.tags) - allowed)
        assert parser.events == [], name
        assert parser.tags.count("script") == (2 if name == "index.html" else 0), name
        for href in parser.hrefs:
            assert re.match(r"(https?://|mailto:|data:,$|[a-z0-9.#/-]+$)", href, re.I), (name, href)
        assert "javascript:" not in [h.lower() for h in parser.hrefs]
    index = files["index.html"]
    data = re.search(
        r'<script type="application/json" id="projects-data">\n(.*?)\n</script>', index, re.S
    )
    assert [row[1] for row in json.loads(data.group(1))] == [
        visible(registry.get(f"H-{i}").title)
        for i in sorted(range(len(texts)), key=lambda i: f"h-{i}")
    ]
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in files["projects/h-11.html"]
    assert (
        '<a href="https://ok.example/&#34;onmouseover=&#34;alert(1)">' in files["projects/h-9.html"]
    )
    assert "javascript:alert(1)" in files["projects/h-0.html"]  # shown as text, not linked
    for svg in ("map.svg", "timeline.svg"):
        ET.fromstring(files[svg])  # well-formed: nothing broke out of its element
    # Bidi, control and invisible characters are shown as escapes, as on a terminal.
    for text in files.values():
        assert not any(c in text for c in ("\x1b", "\x07", "\r", "\u202e", "\u200b", "\x9b"))
    assert "abc\\u202edcba" in files["projects/h-6.html"]


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://www.icmpd.org/x", True),
        ("http://example.org", True),
        ("mailto:someone@example.org", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,x", False),
        ("https:no-host", False),
        ("//example.org", False),
        ("file:///etc/passwd", False),
    ],
)
def test_only_web_and_mail_addresses_become_links(url, linked):
    assert (safe_url(url) == url) is linked


def test_site_folder_rules(run, tmp_path):
    folder = tmp_path / "public"
    result = run("site", "-o", str(folder), "--today", "2026-11-27")
    assert result.exit_code == 0, result.stderr
    assert (folder / "index.html").is_file() and (folder / MANIFEST).is_file()
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    # Again, for Georgia only: the other projects' pages go, files it did not write stay.
    again = run("site", "-o", str(folder), "--today", "2026-11-27", "--country", "Georgia")
    assert again.exit_code == 0, again.stderr
    assert not (folder / "projects" / "mobilaze.html").exists()
    assert (folder / "projects" / "enigmma-2.html").exists()
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
    run("site", "-o", str(folder), "--today", "2026-11-27")
    after = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and p.name != "notes.txt"}
    assert after == before  # same registry, same bytes

    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("keep", encoding="utf-8")
    refused = run("site", "-o", str(other))
    assert refused.exit_code == 1
    assert "not empty and holds no projreg site; use --force" in refused.stderr
    assert sorted(p.name for p in other.iterdir()) == ["keep.txt"]
    assert run("site", "-o", str(other), "--force").exit_code == 0
    assert (other / "keep.txt").read_text(encoding="utf-8") == "keep"
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    assert run("site", "-o", str(a_file)).exit_code == 1


def test_site_takes_every_filter(run, tmp_path):
    from .test_options import SAMPLES

    for name, sample in SAMPLES.items():
        result = run("site", "-o", str(tmp_path / name), *sample)
        assert result.exit_code == 0, (name, result.stderr)
        assert (tmp_path / name / "index.html").is_file()


def test_write_changes_only_what_changed(tmp_path):
    files = {"index.html": "a", "projects/x.html": "b"}
    assert write(tmp_path / "s", files) == 2
    assert write(tmp_path / "s", files) == 0
    assert write(tmp_path / "s", {"index.html": "a"}) == 1  # projects/x.html removed
    assert not (tmp_path / "s" / "projects" / "x.html").exists()


def test_a_period_inside_one_year_fades_both_ways_and_a_future_start_has_no_arrow(write):
    registry = load(
        write,
        """
        projects:
          - {id: YEAR, title: t, start: 2021, end: 2021}
          - {id: LATER, title: t, planned_start: 2027-02}
        """,
    )
    root = ET.fromstring(timeline_svg(registry.projects, dt.date(2026, 11, 27)))
    groups = {g.get("data-id"): g for g in root.iter(f"{SVG}g") if g.get("data-id")}
    year = [r.get("fill") for r in groups["YEAR"].iter(f"{SVG}rect")][1:]
    assert year == ["url(#tl-in-actual)", "url(#tl-out-actual)"]  # no solid part: when is open
    assert list(groups["LATER"].iter(f"{SVG}path")) == []  # not ongoing: not started yet
    later = [r.get("fill") for r in groups["LATER"].iter(f"{SVG}rect")][1:]
    assert later == ["url(#tl-in-planned)"]


def test_an_empty_selection_draws_a_chart_that_says_so():
    svg = timeline_svg([], TODAY)
    assert "No projects to chart." in svg and "<line " not in svg
    ET.fromstring(svg)


def test_a_written_picture_has_the_mode_of_any_new_file(run, tmp_path):
    old = os.umask(0o022)
    try:
        assert run("map", "-o", str(tmp_path / "m.svg")).exit_code == 0
    finally:
        os.umask(old)
    assert (tmp_path / "m.svg").stat().st_mode & 0o777 == 0o644  # was 0600 (mkstemp's)
    (tmp_path / "m.svg").chmod(0o640)
    assert run("map", "-o", str(tmp_path / "m.svg"), "--force").exit_code == 0
    assert (tmp_path / "m.svg").stat().st_mode & 0o777 == 0o640  # a replaced file keeps its mode


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_terminal_legend_is_never_cut(run, width):
    result = run(
        "timeline", "--on", "2018-06-01", "--today", "2026-11-27", "--color", "never",
        terminal=Terminal(stdout_tty=True, width=width),
    )  # fmt: skip
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    text = "\n".join(lines)
    assert "no end given: drawn to today (2026-11)" in text  # was cut at "today (2026" in 60
    assert "┃ 1 June 2018" in text


NO_END_REGISTRY = """
projects:
  - {id: DONE, title: ended, start: 2019-01, end: 2021-06}
  - {id: NOEND, title: started and gives no end, start: 2020-03}
  - {id: SAYS-ONGOING, title: no end; its status says ongoing, start: 2020-05, activity_status: ongoing}
  - {id: PLANNED-END, title: an actual start and a planned end, start: 2021-01, planned_end: 2028-12}
  - {id: LATER, title: starts after today and gives no end, start: 2028-01}
"""


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_the_terminal_legend_says_the_arrow_is_an_end_not_given(run, write, width):
    """A project with a start and no end is "no end given", not ongoing, unless its status
    says so: the arrow stands for the end the registry does not give, drawn at today, and
    is drawn only where the bar does run to today (not at a planned end, not at a later start)."""
    path = write(NO_END_REGISTRY)
    result = run(
        "timeline", "--registry", str(path), "--today", "2026-11-27", "--color", "never",
        terminal=Terminal(stdout_tty=True, width=width),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    text = "\n".join(lines)
    assert "▶ no end given: drawn to today (2026-11)" in text
    assert "ongoing" not in text
    axis = lines[0]
    arrows = set()
    for name in ("NOEND", "SAYS-ONGOING"):
        row = next(line for line in lines if line.startswith(name))
        assert row.rstrip().endswith("▶") and row.count("▶") == 1
        arrows.add(row.index("▶"))
        # at today: after where 2026 begins on the axis, before where 2027 does
        if "2026" in axis:
            assert row.index("▶") >= axis.index("2026")
        if "2027" in axis:
            assert row.index("▶") < axis.index("2027")
    assert len(arrows) == 1  # both at today, whatever the status says
    for name in ("DONE", "PLANNED-END", "LATER"):
        row = next(line for line in lines if line.startswith(name))
        assert "▶" not in row and "█" in row


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_each_cell_of_a_terminal_bar_has_the_colour_of_what_it_draws(run, write, width):
    """In colour, a row is cyan (its label, its empty cells), a month the bar runs blue,
    the arrow green, the --on marker bold red: cell by cell, whatever the width."""
    path = write(NO_END_REGISTRY)
    result = run(
        "timeline", "--registry", str(path), "--today", "2026-11-27", "--on", "2023-06",
        "--color", "always", terminal=Terminal(stdout_tty=True, width=width),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    want = {"█": {"34"}, "▶": {"32"}, "┃": {"1", "31"}}
    rows = [_coloured_cells(line) for line in result.stdout.splitlines()]
    rows = [r for r in rows if "".join(c for c, _ in r).startswith(("DONE", "NOEND", "SAYS", "PLANNED", "LATER"))]  # fmt: skip
    assert len(rows) == 5 and all(len(r) <= width for r in rows)
    for cells in rows:
        assert [codes for _, codes in cells] == [want.get(char, {"36"}) for char, _ in cells]
    drawn = "".join(char for cells in rows for char, _ in cells)
    assert {"█", "▶", "┃"} <= set(drawn)


def _coloured_cells(line: str) -> list[tuple[str, set[str]]]:
    """Each character of a line with the SGR codes in force (Rich writes each run of one
    style whole: its codes, the text, a reset)."""
    cells, codes = [], set()
    for part in re.split(r"(\x1b\[[0-9;]*m)", line):
        if part.startswith("\x1b["):
            codes = set(part[2:-1].split(";")) - {"0", ""}
        else:
            cells += [(char, codes) for char in part]
    return cells


def test_a_piped_timeline_has_no_legend_and_its_records_are_unchanged(run, write):
    path = write(NO_END_REGISTRY)
    result = run("timeline", "--registry", str(path), "--today", "2026-11-27")
    assert result.exit_code == 0, result.stderr
    assert "drawn to today" not in result.stdout and "▶" not in result.stdout
    assert result.stdout.splitlines() == [
        "DONE\t2019-01\t2021-06\tfalse",
        "NOEND\t2020-03\t\ttrue",
        "SAYS-ONGOING\t2020-05\t\ttrue",
        "PLANNED-END\t2021-01\t2028-12 (planned)\ttrue",
        "LATER\t2028-01\t\ttrue",
    ]


def test_the_svg_legend_and_titles_say_no_end_given_and_arrows_mean_it(write):
    registry = load(write, NO_END_REGISTRY)
    root = ET.fromstring(timeline_svg(registry.projects, dt.date(2026, 11, 27)))
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "no end given: drawn to today (2026-11-27)" in texts and "ongoing," not in texts
    description = root.find(f"{SVG}desc").text
    assert "Projects with no end given are drawn to 2026-11-27." in description
    assert "Ongoing" not in description
    groups = {g.get("data-id"): g for g in root.iter(f"{SVG}g") if g.get("data-id")}
    for name, arrow in (("NOEND", True), ("SAYS-ONGOING", True), ("DONE", False),
                        ("PLANNED-END", False), ("LATER", False)):  # fmt: skip
        assert bool(list(groups[name].iter(f"{SVG}path"))) == arrow, name
        title = groups[name].find(f"{SVG}title").text
        assert ("drawn to today (2026-11-27)" in title) == arrow, title
        assert "ongoing, drawn" not in title


def test_file_names_are_safe_and_distinct():
    from projreg.render.site import _names, slug

    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("日本") == "x"
    names = _names(["Ä-1", "A-1", "index", "../x"])
    assert len(set(names.values())) == 4
    assert names["A-1"] == "a-1" and names["Ä-1"].startswith("a-1-")
    assert names["index"] != "index"  # never the site's own index page
    assert all(re.fullmatch(r"[a-z0-9-]+", n) for n in names.values())


def test_the_site_marks_planned_dates_as_list_does(write, run):
    from projreg.render.site import _Site

    path = write("""
        projects:
          - {id: MIXED, title: t, start: 2012-04-28, planned_end: 2015-12-31}
          - {id: PLAN, title: t, planned_start: 2020-01, planned_end: 2021}
          - {id: ACTUAL, title: t, start: 2019, end: 2020-06}
    """)
    registry = load(write, path.read_text())
    site = _Site(registry, list(registry.projects), TODAY, "Projects")
    shown = {row[0]: (row[4], row[5]) for row in site.index_data()}
    listed = run("--registry", str(path), "list", "-f", "tsv", "--fields", "id,starts,ends")
    assert shown == {
        line.split("\t")[0]: tuple(line.split("\t")[1:]) for line in listed.stdout.splitlines()
    }
    assert shown["MIXED"] == ("2012-04-28", "2015-12-31 (planned)")  # unmarked before
