"""The timeline chart as a standalone SVG document, drawn from the dates themselves.

Geometry is computed at day precision: x = days since the axis start (1 January
of the first year) times pixels per day, so year gridlines and bars share one
scale. A date that names a month or a year is drawn honestly: the bar's edge
fades over the whole period the date names. Bars resting on planned dates are
hatched, ongoing ones run to today and end in an arrow. Projects whose start is
unknown are listed under the chart. Nothing depends on the terminal: the same
projects, today and options give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

from .dates import DAY
from .model import Project
from .text import visible

# The order of swim lanes by status: what runs, then what is done, then what never ran.
STATUS_LANES = (
    "ongoing",
    "planned",
    "finalisation",
    "completed",
    "unknown",
    "cancelled",
    "suspended",
)

WIDTH = 1000
_LABEL_W = 330  # the column of ids and titles
_X0 = _LABEL_W + 10
_X1 = WIDTH - 28  # room for an arrow
_ROW = 24
_BAR = 14
_FONT = "system-ui, sans-serif"
_CHAR = 6.6  # a generous mean width of a 12 px sans-serif character, for truncation

ACTUAL, PLANNED, ONGOING, MARKER = "#2171b5", "#6a51a3", "#238b45", "#cb181d"
LANE_FILL = "#f0f0f0"


def _text(s: str) -> str:
    """Registry text as XML character data: bidi, control and invisible characters shown
    as escapes (text.visible), the way the terminal shows them."""
    return escape(visible(s).translate(_NOT_XML))


def _attr(s: str) -> str:
    return quoteattr(visible(s).translate(_NOT_XML))


_NOT_XML = {0xFFFE: None, 0xFFFF: None}  # the rest of what XML forbids, visible() escapes


def _n(x: float) -> str:
    """A coordinate at 0.01 px, without '-0' or trailing zeros: the same bytes every time."""
    text = f"{round(x, 2) + 0.0:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def truncate(text: str, width_px: float, char_px: float = _CHAR) -> str:
    """Text cut to fit width_px (estimated), with … when cut."""
    text = " ".join(text.split())
    most = max(int(width_px / char_px), 1)
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


class Axis(NamedTuple):
    """Whole years from `first` (a 1 January) to `end` (the 1 January after the last year)."""

    first: dt.date
    end: dt.date
    x0: float = _X0
    x1: float = _X1

    @property
    def per_day(self) -> float:
        return (self.x1 - self.x0) / (self.end - self.first).days

    def x(self, day: dt.date) -> float:
        """Where a day begins."""
        return self.x0 + (day - self.first).days * self.per_day

    def after(self, day: dt.date) -> float:
        """Where a day ends (the next one begins; there is none after 9999-12-31)."""
        return self.x(day) + self.per_day


class Bar(NamedTuple):
    """A project on the axis: the certain part, the periods its dates leave open, its kind."""

    project: Project
    start: float  # where the earliest possible start is
    sure_start: float  # where the start named by the date is over (the end of its month/year)
    sure_end: float  # where the end named by the date begins (its first day)
    end: float  # where the latest possible end is (or today, ongoing)
    ongoing: bool
    planned: bool


def _bar(project: Project, axis: Axis, today: dt.date) -> Bar | None:
    start = project.start or project.planned_start
    if start is None:
        return None
    end = project.end or project.planned_end
    # A day is certain; a month or a year leaves open which of its days: that part fades.
    x_start = axis.x(start.first_day())
    sure_start = x_start if start.precision == DAY else axis.after(start.last_day())
    if end is not None:
        x_end = axis.after(end.last_day())
        sure_end = x_end if end.precision == DAY else axis.x(end.first_day())
        ongoing = False
        if sure_start > sure_end:  # start and end name overlapping periods (2021 to 2021)
            sure_start = sure_end = (x_start + x_end) / 2
    elif start.first_day() > today:  # planned to start later, no end given: the start alone
        x_end = sure_end = sure_start
        ongoing = False
    else:
        x_end = max(axis.after(today), sure_start)
        sure_end, ongoing = x_end, True
    sure_start = min(sure_start, x_end)
    sure_end = max(min(sure_end, x_end), sure_start)
    return Bar(
        project, x_start, sure_start, sure_end, x_end, ongoing, project.dates_basis() != "actual"
    )


def axis_for(
    projects: Iterable[Project], today: dt.date, on: tuple[dt.date, dt.date] | None
) -> Axis:
    days = []
    for p in projects:
        if p.first_day() is None:
            continue
        days.append(p.first_day())
        days.append(p.last_day() or max(today, p.first_day()))
    if on:
        days += list(on)
    if not days:
        days = [today]
    last = max(days).year
    # The 1 January after the last year; Python has no year 10000: its axis ends a day early.
    end = dt.date(last + 1, 1, 1) if last < dt.MAXYEAR else dt.date.max
    return Axis(dt.date(min(days).year, 1, 1), end)


def _period(project: Project) -> str:
    from .fields import period_text

    return period_text(project)


def _bar_svg(bar: Bar, y: float, today: dt.date) -> list[str]:
    colour = PLANNED if bar.planned else ACTUAL
    fill = "url(#tl-planned)" if bar.planned else colour
    top, mid = y + (_ROW - _BAR) / 2, y + _ROW / 2
    out = []
    h = _n(_BAR)
    if bar.sure_start > bar.start:
        out.append(
            f'<rect x="{_n(bar.start)}" y="{_n(top)}" width="{_n(bar.sure_start - bar.start)}" '
            f'height="{h}" fill="url(#tl-in-{"planned" if bar.planned else "actual"})"/>'
        )
    if bar.sure_end > bar.sure_start:
        stroke = f' stroke="{colour}" stroke-width="1"' if bar.planned else ""
        out.append(
            f'<rect x="{_n(bar.sure_start)}" y="{_n(top)}" '
            f'width="{_n(bar.sure_end - bar.sure_start)}" height="{h}" fill="{fill}"{stroke}/>'
        )
    if bar.end > bar.sure_end and not bar.ongoing:
        out.append(
            f'<rect x="{_n(bar.sure_end)}" y="{_n(top)}" width="{_n(bar.end - bar.sure_end)}" '
            f'height="{h}" fill="url(#tl-out-{"planned" if bar.planned else "actual"})"/>'
        )
    if bar.ongoing:
        tip = bar.end + 9
        out.append(
            f'<path d="M{_n(bar.end)} {_n(top - 2)}L{_n(tip)} {_n(mid)}L{_n(bar.end)} '
            f'{_n(top + _BAR + 2)}Z" fill="{ONGOING}"/>'
        )
    return out


def _label_svg(project: Project, y: float, indent: float = 0) -> str:
    ident = truncate(project.id, 120)
    rest = _LABEL_W - 12 - indent - _CHAR * (len(ident) + 1) * 1.05
    title = truncate(project.title or "", rest) if rest > 4 * _CHAR else ""
    base = _n(y + _ROW / 2 + 4)
    return (
        f'<text x="{_n(8 + indent)}" y="{base}"><tspan font-weight="600">{_text(ident)}</tspan>'
        + (f'<tspan fill="#444"> {_text(title)}</tspan>' if title else "")
        + "</text>"
    )


def _row_title(project: Project, bar: Bar | None, today: dt.date) -> str:
    parts = [f"{project.id}: {project.title}", _period(project)]
    if bar is not None and bar.ongoing:
        parts.append(f"ongoing, drawn to today ({today.isoformat()})")
    basis = project.dates_basis()
    if basis == "mixed":
        parts.append("some dates planned")
    return " · ".join(" ".join(p.split()) for p in parts if p)


def _lanes(
    projects: Sequence[Project], by: str | None, today: dt.date
) -> list[tuple[str | None, list[Project]]]:
    if by is None:
        return [(None, list(projects))]
    from .reports import NONE_LABEL, keys

    lanes: dict[str, list[Project]] = {}
    loose = []
    for project in projects:
        found = keys(by, project, today, direct_only=True)  # a lane per place named
        if not found:
            loose.append(project)
        for key in found:
            lanes.setdefault(key, []).append(project)
    if by == "region":
        from . import geo

        order = [r.name for r in geo.REGIONS]
        names = sorted(lanes, key=order.index)
    elif by == "status":
        names = sorted(lanes, key=STATUS_LANES.index)
    else:
        names = sorted(lanes, key=lambda n: (n.casefold(), n))
    result: list[tuple[str | None, list[Project]]] = [(n, lanes[n]) for n in names]
    if loose:
        result.append((NONE_LABEL.get(by, f"(no {by})"), loose))
    return result


def timeline_svg(
    projects: Sequence[Project],
    today: dt.date,
    *,
    on: tuple[dt.date, dt.date] | None = None,
    on_label: str = "",
    by: str | None = None,
    title: str = "Projects over time",
) -> str:
    """The projects, in the order given, as a standalone SVG document (same input, same bytes).

    `on` marks a period (first and last day) with a line or band; `by` draws one
    swim lane per country, region, donor, agency or status, where a project can
    appear in several lanes.
    """
    from .reports import LANES

    if by is not None and by not in LANES:
        raise ValueError(f"cannot group a timeline by {by!r}")
    dated = [p for p in projects if p.first_day() is not None]
    undated = [p for p in projects if p.first_day() is None]
    axis = axis_for(dated, today, on)
    lanes = _lanes(dated, by, today) if dated else []
    rows: list[str] = []
    y = 0.0
    grid_top = 54.0
    y = grid_top + 6
    indent = 12 if by else 0
    drawn = 0
    for lane, members in lanes:
        if lane is not None:
            rows.append(
                f'<g class="lane"><rect x="0" y="{_n(y)}" width="{WIDTH}" height="{_ROW}" '
                f'fill="{LANE_FILL}"/><text x="8" y="{_n(y + 16)}" font-weight="700">'
                f"{_text(truncate(lane, WIDTH - 120))} ({len(members)})</text>"
                f"<title>{_text(lane)}: {len(members)} project{'s' if len(members) != 1 else ''}"
                "</title></g>"
            )
            y += _ROW
        for project in members:
            bar = _bar(project, axis, today)
            assert bar is not None
            shade = ' fill="#fafafa"' if drawn % 2 else ' fill="#fff"'
            rows.append(
                f'<g class="bar" data-id={_attr(project.id)}>'
                f"<title>{_text(_row_title(project, bar, today))}</title>"
                f'<rect x="0" y="{_n(y)}" width="{WIDTH}" height="{_ROW}"{shade}/>'
                + _label_svg(project, y, indent)
                + "".join(_bar_svg(bar, y, today))
                + "</g>"
            )
            y += _ROW
            drawn += 1
    grid_bottom = y + 4
    # Year gridlines and labels: the same axis.x as the bars, at each 1 January.
    years = list(range(axis.first.year, axis.end.year + 1)) if dated else []
    step = max(1, -(-len(years) * 44 // int(_X1 - _X0)))  # label every step-th year if crowded
    grid = []
    for year in years:
        x = axis.x(dt.date(year, 1, 1))
        grid.append(
            f'<line x1="{_n(x)}" y1="{_n(grid_top)}" x2="{_n(x)}" y2="{_n(grid_bottom)}" '
            f'stroke="#bbb" stroke-width="1"/>'
        )
        if year < axis.end.year and (year - axis.first.year) % step == 0:
            grid.append(
                f'<text x="{_n(x + 3)}" y="{_n(grid_top - 6)}" font-size="12" fill="#333">'
                f"{year}</text>"
            )
    marks = []
    if any(p.last_day() is None for p in dated):
        x = axis.after(today)
        marks.append(
            f'<line x1="{_n(x)}" y1="{_n(grid_top)}" x2="{_n(x)}" y2="{_n(grid_bottom)}" '
            f'stroke="{ONGOING}" stroke-width="1" stroke-dasharray="3 3"/>'
        )
    if on is not None:
        x, x_end = axis.x(on[0]), axis.after(on[1])
        if x_end - x < 2:
            marks.append(
                f'<line x1="{_n(x)}" y1="{_n(grid_top - 18)}" x2="{_n(x)}" y2="{_n(grid_bottom)}" '
                f'stroke="{MARKER}" stroke-width="2"/>'
            )
        else:
            marks.append(
                f'<rect x="{_n(x)}" y="{_n(grid_top)}" width="{_n(x_end - x)}" '
                f'height="{_n(grid_bottom - grid_top)}" fill="{MARKER}" fill-opacity="0.12" '
                f'stroke="{MARKER}" stroke-width="1"/>'
            )
    # Under the chart: projects with unknown dates, then the legend.
    below = []
    y = grid_bottom + 12
    if not projects:
        below.append(f'<text x="8" y="{_n(y)}">No projects to chart.</text>')
        y += 12
    if undated:
        below.append(
            f'<text x="8" y="{_n(y + 12)}" font-weight="700">Dates unknown ({len(undated)}):</text>'
        )
        y += _ROW
        for project in undated:
            line = f"{project.id} — {project.title}" if project.title else project.id
            below.append(
                f'<text x="20" y="{_n(y + 12)}">{_text(truncate(line, WIDTH - 40))}'
                f"<title>{_text(_row_title(project, None, today))}</title></text>"
            )
            y += 20
        y += 8
    legend, y = _legend(y, today, on_label if on else "", bool(dated))
    below += legend
    height = round(y + 12)
    dated_text = (
        f"{len(dated)} projects with known dates, from {axis.first.year} to {axis.end.year - 1}"
        if dated
        else "no project with known dates"
    )
    desc = (
        f"Timeline of {len(projects)} projects: {dated_text}"
        + (f"; {len(undated)} with unknown dates listed below" if undated else "")
        + (f"; grouped by {by}" if by else "")
        + (f"; marked: {on_label}" if on else "")
        + f". Ongoing projects are drawn to {today.isoformat()}."
    )
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="tl-title tl-desc" '
        f'font-family="{_FONT}" font-size="12" fill="#222">',
        f'<title id="tl-title">{_text(title)}</title>',
        f'<desc id="tl-desc">{_text(desc)}</desc>',
        "<defs>",
        *_gradients(),
        '<pattern id="tl-planned" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#efedf5"/><rect width="2.5" height="6" fill="{PLANNED}" '
        'fill-opacity="0.55"/></pattern>',
        "</defs>",
        f'<rect width="{WIDTH}" height="{height}" fill="#fff"/>',
        f'<text x="8" y="22" font-size="16" font-weight="600">{_text(truncate(title, WIDTH - 16, 9))}</text>',
    ]
    return "\n".join([*head, *rows, *grid, *marks, *below, "</svg>"]) + "\n"


def _gradients() -> list[str]:
    out = []
    for name, colour in (("actual", ACTUAL), ("planned", PLANNED)):
        for way, (a, b) in (("in", (0, 1)), ("out", (1, 0))):
            out.append(
                f'<linearGradient id="tl-{way}-{name}"><stop offset="0" stop-color="{colour}" '
                f'stop-opacity="{a}"/><stop offset="1" stop-color="{colour}" stop-opacity="{b}"/>'
                "</linearGradient>"
            )
    return out


def _legend(y: float, today: dt.date, on_label: str, dated: bool) -> tuple[list[str], float]:
    if not dated:
        return [], y
    items = [
        (f'<rect width="22" height="{_BAR}" fill="{ACTUAL}"/>', "actual dates"),
        (
            f'<rect width="22" height="{_BAR}" fill="url(#tl-planned)" stroke="{PLANNED}"/>',
            "planned dates",
        ),
        (
            f'<rect width="22" height="{_BAR}" fill="url(#tl-out-actual)"/>',
            "fades over the month or year a date names",
        ),
        (
            f'<rect width="14" height="{_BAR}" fill="{ACTUAL}"/>'
            f'<path d="M14 -2L23 7L14 16Z" fill="{ONGOING}"/>',
            f"ongoing, drawn to today ({today.isoformat()})",
        ),
    ]
    if on_label:
        items.append((f'<rect x="10" width="2" height="{_BAR}" fill="{MARKER}"/>', on_label))
    out, x = [], 8.0
    y += 4
    for swatch, label in items:
        width = 30 + _CHAR * len(label) + 18
        if x + width > WIDTH:
            x, y = 8.0, y + 22
        out.append(
            f'<g transform="translate({_n(x)} {_n(y)})">{swatch}'
            f'<text x="30" y="11.5">{_text(label)}</text></g>'
        )
        x += width
    return out, y + 22


def html_page(svg: str, title: str) -> str:
    """A minimal HTML page around an SVG document, for sharing one picture."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_text(title)}</title>\n"
        "<style>body{margin:1rem;font-family:system-ui,sans-serif}"
        "svg{max-width:100%;height:auto}"
        ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;"
        "clip:rect(0 0 0 0);white-space:nowrap}</style>\n"
        "</head>\n<body>\n<main>\n"
        f'<h1 class="visually-hidden">{_text(title)}</h1>\n{svg}</main>\n</body>\n</html>\n'
    )
