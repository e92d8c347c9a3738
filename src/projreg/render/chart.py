"""The timeline chart as a standalone SVG document, drawn from the dates themselves.

Geometry is computed at day precision: x = days since the axis start (1 January
of the first year) times pixels per day, so year gridlines and bars share one
scale. A date that names a month or a year is drawn honestly: the bar's edge
fades over the whole period the date names. Bars resting on planned dates are
hatched; those of projects that started and give no end (whatever their status says)
run to today and end in an arrow. Projects whose start is unknown are listed under
the chart. Nothing depends on the terminal: the same projects, today and options
give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

from projreg.model.dates import DAY
from projreg.model.project import STATUS_ORDER, Project
from projreg.model.text import visible

STATUS_LANES = STATUS_ORDER  # the swim lanes, in the order statuses are drawn


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
    end: float  # where the latest possible end is (or today, when no end is given)
    to_today: bool  # started, no end given (actual or planned): drawn to today, an arrow
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
        to_today = False
        if sure_start > sure_end:  # start and end name overlapping periods (2021 to 2021)
            sure_start = sure_end = (x_start + x_end) / 2
    elif start.first_day() > today:  # planned to start later, no end given: the start alone
        x_end = sure_end = sure_start
        to_today = False
    else:
        x_end = max(axis.after(today), sure_start)
        sure_end, to_today = x_end, True
    sure_start = min(sure_start, x_end)
    sure_end = max(min(sure_end, x_end), sure_start)
    return Bar(
        project, x_start, sure_start, sure_end, x_end, to_today, project.dates_basis() != "actual"
    )


def axis_for(
    projects: Iterable[Project], today: dt.date, on: tuple[dt.date, dt.date] | None
) -> Axis:
    days = []
    for p in projects:
        first = p.first_day()
        if first is None:
            continue
        days.append(first)
        days.append(p.last_day() or max(today, first))
    if on:
        days += list(on)
    if not days:
        days = [today]
    last = max(days).year
    # The 1 January after the last year; Python has no year 10000: its axis ends a day early.
    end = dt.date(last + 1, 1, 1) if last < dt.MAXYEAR else dt.date.max
    return Axis(dt.date(min(days).year, 1, 1), end)


def _period(project: Project) -> str:
    from projreg.model.fields import period_text

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
    if bar.end > bar.sure_end and not bar.to_today:
        out.append(
            f'<rect x="{_n(bar.sure_end)}" y="{_n(top)}" width="{_n(bar.end - bar.sure_end)}" '
            f'height="{h}" fill="url(#tl-out-{"planned" if bar.planned else "actual"})"/>'
        )
    if bar.to_today:
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
    if bar is not None and bar.to_today:  # its period says "no end given" already
        parts.append(f"drawn to today ({today.isoformat()})")
    basis = project.dates_basis()
    if basis == "mixed":
        parts.append("some dates planned")
    return " · ".join(" ".join(p.split()) for p in parts if p)


def _lanes(
    projects: Sequence[Project], by: str | None, today: dt.date
) -> list[tuple[str | None, list[Project]]]:
    if by is None:
        return [(None, list(projects))]
    from projreg.query.reports import NONE_LABEL, keys

    lanes: dict[str, list[Project]] = {}
    loose = []
    for project in projects:
        found = keys(by, project, today, direct_only=True)  # a lane per place named
        if not found:
            loose.append(project)
        for key in found:
            lanes.setdefault(key, []).append(project)
    if by == "region":
        from projreg.model import geo

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
    from projreg.query.reports import LANES

    if by is not None and by not in LANES:
        raise ValueError(f"cannot group a timeline by {by!r}")
    dated = [p for p in projects if p.first_day() is not None]
    undated = [p for p in projects if p.first_day() is None]
    axis = axis_for(dated, today, on)
    grid_top = 54.0
    rows, grid_bottom = _gantt_rows(
        _lanes(dated, by, today) if dated else [], axis, today, grid_top
    )
    body = [*rows, *(_year_grid(axis, grid_top, grid_bottom) if dated else [])]
    body += _marks(axis, today, on, grid_top, grid_bottom, any(p.last_day() is None for p in dated))
    below, y = _unlisted(projects, undated, grid_bottom + 12, today)
    legend, y = _legend(y, today, on_label if on else "", bool(dated))
    desc = _gantt_description(projects, dated, undated, axis, today, by, on_label if on else "")
    return document(title, desc, [*body, *below, *legend], round(y + 12))


def document(title: str, desc: str, body: Sequence[str], height: int) -> str:
    """A standalone SVG document: the title and description read aloud, the shared fills."""
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
    return "\n".join([*head, *body, "</svg>"]) + "\n"


def _gantt_rows(lanes, axis: Axis, today: dt.date, top: float) -> tuple[list[str], float]:
    """A heading per lane (when there are lanes), then a row per project: label and bar."""
    rows: list[str] = []
    y = top + 6
    indent = 12 if lanes and lanes[0][0] is not None else 0
    drawn = 0
    for lane, members in lanes:
        if lane is not None:
            rows.append(_lane_heading(lane, len(members), y))
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
    return rows, y + 4


def _lane_heading(lane: str, count: int, y: float) -> str:
    return (
        f'<g class="lane"><rect x="0" y="{_n(y)}" width="{WIDTH}" height="{_ROW}" '
        f'fill="{LANE_FILL}"/><text x="8" y="{_n(y + 16)}" font-weight="700">'
        f"{_text(truncate(lane, WIDTH - 120))} ({count})</text>"
        f"<title>{_text(lane)}: {count} project{'s' if count != 1 else ''}</title></g>"
    )


def _year_grid(axis: Axis, top: float, bottom: float) -> list[str]:
    """Year gridlines and labels: the same axis.x as the bars, at each 1 January."""
    years = list(range(axis.first.year, axis.end.year + 1))
    step = max(1, -(-len(years) * 44 // int(axis.x1 - axis.x0)))  # every step-th year if crowded
    grid = []
    for year in years:
        x = axis.x(dt.date(year, 1, 1))
        grid.append(
            f'<line x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" y2="{_n(bottom)}" '
            f'stroke="#bbb" stroke-width="1"/>'
        )
        if year < axis.end.year and (year - axis.first.year) % step == 0:
            grid.append(
                f'<text x="{_n(x + 3)}" y="{_n(top - 6)}" font-size="12" fill="#333">{year}</text>'
            )
    return grid


def _marks(axis, today, on, top: float, bottom: float, open_ended: bool) -> list[str]:
    """Today's dashed line (when a bar runs to it) and the period asked about (--on)."""
    marks = []
    if open_ended:
        x = axis.after(today)
        marks.append(
            f'<line x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" y2="{_n(bottom)}" '
            f'stroke="{ONGOING}" stroke-width="1" stroke-dasharray="3 3"/>'
        )
    if on is not None:
        marks.append(_band(axis.x(on[0]), axis.after(on[1]), top, bottom))
    return marks


def _band(x: float, x_end: float, top: float, bottom: float) -> str:
    """A marked period: a red line when it is too narrow to see, else a light red band."""
    if x_end - x < 2:
        return (
            f'<line x1="{_n(x)}" y1="{_n(top - 18)}" x2="{_n(x)}" y2="{_n(bottom)}" '
            f'stroke="{MARKER}" stroke-width="2"/>'
        )
    return (
        f'<rect x="{_n(x)}" y="{_n(top)}" width="{_n(x_end - x)}" '
        f'height="{_n(bottom - top)}" fill="{MARKER}" fill-opacity="0.12" '
        f'stroke="{MARKER}" stroke-width="1"/>'
    )


def _unlisted(projects, undated, y: float, today: dt.date) -> tuple[list[str], float]:
    """Under the chart: that there is nothing to chart, or the projects with unknown dates."""
    below = []
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
    return below, y


def _gantt_description(projects, dated, undated, axis, today, by, on_label: str) -> str:
    dated_text = (
        f"{len(dated)} projects with known dates, from {axis.first.year} to {axis.end.year - 1}"
        if dated
        else "no project with known dates"
    )
    return (
        f"Timeline of {len(projects)} projects: {dated_text}"
        + (f"; {len(undated)} with unknown dates listed below" if undated else "")
        + (f"; grouped by {by}" if by else "")
        + (f"; marked: {on_label}" if on_label else "")
        + f". Projects with no end given are drawn to {today.isoformat()}."
    )


# --- the overview: projects per period, budget per period -------------------------------

PART_FILLS = {
    "ongoing": ONGOING,
    "planned": PLANNED,
    "finalisation": "#74c476",
    "completed": ACTUAL,
    "unknown": "#969696",
    "cancelled": MARKER,
    "suspended": "#fd8d3c",
}
PALETTE = ("#2171b5", "#fd8d3c", "#238b45", "#6a51a3", "#d6616b", "#17becf", "#8c6d31")
GREY = "#bdbdbd"
_PLOT_X0, _PLOT_X1 = 70.0, WIDTH - 20.0
_COUNT_H, _MONEY_H = 240.0, 150.0


def part_fill(group: str, index: int) -> str:
    from projreg.query.overview import NO_DONOR, OTHERS

    if group in (OTHERS, NO_DONOR):
        return GREY if group == OTHERS else "#e0e0e0"
    return PART_FILLS.get(group) or PALETTE[index % len(PALETTE)]


def overview_svg(
    view,
    on: tuple[dt.date, dt.date] | None = None,
    on_label: str = "",
    title: str = "Projects over time: an overview",
) -> str:
    """The overview (overview.Overview) as a standalone SVG document: a column per period
    stacked by status or donor, the projects with unknown dates beside it, then a column
    chart of the budget per period for each of the largest currencies."""
    from projreg.query.overview import SPREAD

    view = view.collapsed()
    unit = "quarter" if view.quarterly else "year"
    split = f"status on {view.today.isoformat()}" if view.by == "status" else "donor"
    body = [
        f'<text x="8" y="44" fill="#444">Projects running in each {unit}, by {split}; '
        f"counted as `projreg active --on {unit.upper() if view.quarterly else 'YEAR'}` counts "
        f"them ({view.dated:,} with known dates).</text>"
    ]
    totals = [view.total(i) for i in range(len(view.periods))]
    fills = [part_fill(g, i) for i, g in enumerate(view.groups)]
    columns, y = _columns(view, view.counts, totals, fills, 60.0, _COUNT_H, on, str)
    body += columns
    legend, y = _parts_legend(view, fills, y + 8)
    body += legend
    if view.currencies or view.unplaced:
        body.append(
            f'<text x="8" y="{_n(y + 24)}" font-size="14" font-weight="600">Budget in each '
            f'{unit}</text><text x="8" y="{_n(y + 42)}" fill="#444">{_text(SPREAD)}.</text>'
        )
        y += 50
    for index, currency in enumerate(view.currencies[:3]):
        amounts = [(max(row[index], 0),) for row in view.money]
        shown = [a[0] for a in amounts]
        body.append(f'<text x="8" y="{_n(y + 14)}" font-weight="700">{_text(currency)}</text>')
        columns, y = _columns(view, amounts, shown, [ACTUAL], y + 30, _MONEY_H, on, _money)
        body += columns
    notes, y = _money_notes(view, y + 8)
    body += notes
    if on_label:
        body.append(f'<text x="8" y="{_n(y + 16)}" fill="{MARKER}">{_text(on_label)}</text>')
        y += 22
    desc = overview_description(view)
    return document(title, desc, body, round(y + 12))


def _money(amount) -> str:
    from projreg.query.overview import short_amount

    return short_amount(amount)


def _nice_step(most: float, ticks: int = 4) -> float:
    """A step of 1, 2 or 5 times a power of ten that cuts 0..most into about `ticks` parts."""
    import math

    if most <= 0:
        return 1
    raw = most / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _columns(view, parts, totals, fills, top, height, on, number) -> tuple[list[str], float]:
    """Stacked columns, one per period, over a scale with gridlines; labels under them."""
    count = len(view.periods)
    step = _nice_step(float(max([*totals, 0])))
    most = step * max(1, -(-float(max([*totals, 0])) // step))
    slot = (_PLOT_X1 - _PLOT_X0) / max(count, 1)
    base = top + height
    out = []
    tick = 0.0
    while tick <= most:
        y = base - height * tick / most
        out.append(
            f'<line x1="{_n(_PLOT_X0)}" y1="{_n(y)}" x2="{_n(_PLOT_X1)}" y2="{_n(y)}" '
            f'stroke="#e0e0e0"/><text x="{_n(_PLOT_X0 - 6)}" y="{_n(y + 4)}" '
            f'text-anchor="end" fill="#555">{_text(number(tick if step % 1 else int(tick)))}</text>'
        )
        tick += step
    if on is not None:
        first = next((i for i, p in enumerate(view.periods) if p.last >= on[0]), count)
        last = max((i for i, p in enumerate(view.periods) if p.first <= on[1]), default=-1)
        if first <= last:
            x0, x1 = _PLOT_X0 + first * slot, _PLOT_X0 + (last + 1) * slot
            out.append(_band(x0, x1, top, base))
    for i, period in enumerate(view.periods):
        out.append(
            _column(
                period,
                parts[i],
                totals[i],
                fills,
                view.groups,
                i * slot,
                slot,
                base,
                height / most,
                number,
            )
        )
    out += _period_labels(view.periods, slot, base)
    return out, base + 22


def _column(period, parts, total, fills, groups, x, slot, base, scale, number) -> str:
    """One period's column: its parts stacked from the bottom, what it holds in its title."""
    x += _PLOT_X0 + slot * 0.12
    width = slot * 0.76
    shapes, y = [], base
    for index, value in enumerate(parts):
        if value <= 0:
            continue
        h = float(value) * scale
        shapes.append(
            f'<rect x="{_n(x)}" y="{_n(y - h)}" width="{_n(width)}" height="{_n(h)}" '
            f'fill="{fills[index % len(fills)]}"/>'
        )
        y -= h
    said = ", ".join(
        f"{g} {number(v)}" for g, v in zip(groups, parts, strict=False) if v and len(parts) > 1
    )
    each = f" each {'quarter' if 'Q' in period.label else 'year'}" if "–" in period.label else ""
    title = f"{period.label}: {number(total)}{each}" + (f" ({said})" if said else "")
    return f'<g class="period"><title>{_text(title)}</title>{"".join(shapes)}</g>'


def _period_labels(periods, slot: float, base: float) -> list[str]:
    """A label under each column, or under every n-th when they would crowd."""
    widest = max((len(p.label) for p in periods), default=4) * _CHAR + 6
    every = max(1, -(-int(widest) // max(int(slot), 1)))
    return [
        f'<text x="{_n(_PLOT_X0 + (i + 0.5) * slot)}" y="{_n(base + 15)}" '
        f'text-anchor="middle" fill="#333">{_text(p.label)}</text>'
        for i, p in enumerate(periods)
        if i % every == 0
    ]


def _parts_legend(view, fills, y: float) -> tuple[list[str], float]:
    """Each part's colour and name (long names cut), then the projects with unknown dates."""
    out, x = [], 8.0
    for index, group in enumerate(view.groups):
        name = truncate(group, WIDTH / 3, 7.5)
        width = 22 + 7.5 * len(name) + 18  # capitals are wider than _CHAR
        if x + width > WIDTH:
            x, y = 8.0, y + 20
        out.append(
            f'<g transform="translate({_n(x)} {_n(y)})"><rect width="14" height="14" '
            f'fill="{fills[index]}"/><text x="20" y="11.5">{_text(name)}'
            f"<title>{_text(group)}</title></text></g>"
        )
        x += width
    y += 22
    if view.undated:
        parts = ", ".join(
            f"{n:,} {g}" for g, n in zip(view.groups, view.undated_groups, strict=True) if n
        )
        out.append(
            f'<text x="8" y="{_n(y + 12)}" fill="#8c2d04">Dates unknown, not in the columns: '
            f"{len(view.undated):,} projects ({_text(parts)})</text>"
        )
        y += 22
    return out, y


def _money_notes(view, y: float) -> tuple[list[str], float]:
    """The currencies not drawn, with their totals, and the budgets not spread."""
    out = []
    rest = view.currencies[3:]
    if rest:
        sums = [sum(row[view.currencies.index(c)] for row in view.money) for c in rest]
        text = ", ".join(f"{c} {_money(t)}" for c, t in zip(rest, sums, strict=True))
        out.append(f'<text x="8" y="{_n(y + 12)}">Also budgeted: {_text(text)}</text>')
        y += 20
    for currency, total, count in view.unplaced:
        out.append(
            f'<text x="8" y="{_n(y + 12)}" fill="#8c2d04">Not spread, no whole period given: '
            f"{count:,} budget{'s' * (count != 1)}, {_text(currency)} {_money(total)}</text>"
        )
        y += 20
    return out, y


def overview_description(view) -> str:
    """The overview in a sentence, for the SVG's description and an image's alt text."""
    totals = [view.total(i) for i in range(len(view.periods))]
    if not view.periods or not view.dated:
        return f"No project with known dates; {len(view.undated)} with unknown dates."
    busiest = max(range(len(totals)), key=totals.__getitem__)
    return (
        f"Projects running in each {'quarter' if view.quarterly else 'year'} from "
        f"{view.periods[0].label} to {view.periods[-1].label}, split by {view.by}: "
        f"{view.dated} with known dates, most ({totals[busiest]}) in {view.periods[busiest].label}"
        + (f"; {len(view.undated)} with unknown dates counted apart" if view.undated else "")
        + (f"; budgets in {', '.join(view.currencies)}" if view.currencies else "")
        + "."
    )


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
            f"no end given: drawn to today ({today.isoformat()})",
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
