"""`report`, `timeline` and `stats`: the portfolio grouped, over time, and in sum."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from projreg.commands import app
from projreg.commands.query import Sort
from projreg.commands.writing import Force, NoPager, is_stdout, output_note, paged, write_file
from projreg.errors import UsageError
from projreg.model.dates import PartialDate
from projreg.options import (
    OutputChoice,
    Source,
    date_value,
    filter_options,
    output_options,
    registry_options,
)
from projreg.query.filters import Filters
from projreg.query.reports import GROUPINGS
from projreg.query.reports import LANES as CHART_GROUPINGS


@app.command()
@registry_options
@output_options
@filter_options
def report(
    filters: Filters,
    output: OutputChoice,
    source: Source,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            "-b",
            metavar="GROUPING",
            help=f"{', '.join(GROUPINGS)}.",
            autocompletion=lambda: list(GROUPINGS),
        ),
    ],
    no_pager: NoPager = False,
) -> None:
    """Projects grouped: how many, which, from when to when, and project-months.

    Every list filter applies before grouping, and a row counts exactly what
    the matching `list` returns: by country or region, the projects that name
    the place (direct) and those that reach it through a region or a member
    country (via). By year, a project counts in every calendar year it runs on
    any day of, ongoing ones up to --today; with --between or --active-on only
    those years are shown. Projects with unknown dates get a row of their own.

    Where there is money, each group gets its budget and what was committed, disbursed
    and spent, one total per currency, never converted (not by year: an amount is not
    split across years); a revised budget replaces the original it overlaps.

    Examples:

    \b
      projreg report --by donor
      projreg report --by year
      projreg report --by donor --country Georgia
      projreg report --by donor --fields group,projects,budget,disbursed,spent
    """
    from projreg.query.filters import select
    from projreg.query.reports import group_by, report_fields, shown_fields
    from projreg.render.output import emit_rows

    if by not in GROUPINGS:
        raise UsageError(f"cannot group by {by!r}; choose one of {', '.join(GROUPINGS)}")
    out = output.output()
    fields = report_fields(by)
    selection = select(source.load(), filters)
    rows = group_by(
        by, selection.projects, filters.today, _years_asked(filters), direct_only=filters.direct
    )
    names = output.names(shown_fields(fields, rows), fields)
    rows = [{name: row[name] for name in names} for row in rows]
    for note in selection.notes:  # before the pager takes the screen
        out.note(note)
    with paged(out, no_pager):
        emit_rows(
            out, rows, names, labels={"group": by.capitalize()}, empty="No projects to group."
        )
        if selection.undetermined:
            ids = ", ".join(p.id for p in selection.undetermined)
            out.remark(f"Not counted, dates unknown: {ids}")


def _years_asked(filters: Filters) -> tuple[int, int] | None:
    """The years --between and --active-on ask about: a report by year shows only those."""
    first, last = 1, 9999
    for start, end in filter(None, (filters.between, (filters.active_on,) * 2)):
        if start is None or end is None:
            continue
        first = max(first, start.first_day().year)
        last = min(last, end.last_day().year)
    return None if (first, last) == (1, 9999) else (first, last)


FILE_ROWS = 100  # a chart file draws one row per project up to this many
Shape = Annotated[  # True: the overview, False: the Gantt, None: by the number of rows
    bool | None,
    typer.Option(
        "--overview/--gantt",
        help="--overview: the number of projects running in each year (or quarter), split "
        "--by status or donor, and the budget per year in each currency. --gantt: one row per "
        "project. Default: the overview when more projects have dates than --rows.",
        show_default=False,
    ),
]


MarkOn = Annotated[
    PartialDate | None,
    typer.Option(
        "--on", parser=date_value, metavar="DATE", help="Mark this day (or month, or year)."
    ),
]
ChartFile = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Draw the chart into FILE.svg, or FILE.html (a page around the SVG).",
    ),
]
TimelineBy = Annotated[
    str | None,
    typer.Option(
        "--by",
        "-b",
        metavar="GROUPING",
        help="The overview's parts: status (default) or donor (the top donors, the rest as "
        "others). A chart file's Gantt: one swim lane per country, region, donor, agency "
        "or status (with --gantt, by donor unless given).",
        autocompletion=lambda: list(CHART_GROUPINGS),
    ),
]
Rows = Annotated[
    int | None,
    typer.Option(
        "--rows",
        metavar="N",
        min=1,
        help="The most projects drawn one row each before the overview is drawn instead. "
        f"Default: what fits the terminal's height; {FILE_ROWS} in a chart file.",
    ),
]


@app.command()
@registry_options
@output_options
@filter_options
def timeline(
    filters: Filters,
    output: OutputChoice,
    source: Source,
    on: MarkOn = None,
    path: ChartFile = None,
    by: TimelineBy = None,
    shape: Shape = None,
    rows: Rows = None,
    sort: Sort = "start",
    force: Force = False,
    no_pager: NoPager = False,
) -> None:
    """A Gantt chart of the projects, or an overview of many: on a terminal, or as SVG.

    On a terminal: one bar per project at month resolution. With --output
    FILE.svg: a chart drawn from the dates at day precision, the same whatever
    the terminal; a date that names a month or a year fades over that period,
    planned dates are hatched, projects with no end given run to --today with an
    arrow (whatever their status says), and projects whose dates are unknown are
    listed under the chart. In a pipe, or with --format, the bars are printed as
    records (id, start, end, open_end).

    When more projects have dates than fit (--rows), the overview is drawn instead:
    the projects running in each year (each quarter for three years or less), counted
    as `active --on YEAR` counts them, split by status or by donor, with projects
    whose dates are unknown counted apart; then the budget in each year per currency,
    each budget spread over its period in proportion to days. --gantt draws one row per
    project anyway; --overview prints the overview's records in a pipe too.

    Examples:

    \b
      projreg timeline
      projreg timeline --on 2018-06-01 --region "Eastern Partnership"
      projreg timeline --by donor --country Ukraine
      projreg timeline --output portfolio.svg --by donor
      projreg timeline -o portfolio.html --gantt --today 2026-01-01
    """
    from projreg.query.filters import select

    kind = _chart_kind(path, by, shape)
    out = output.output()
    registry = source.load()
    selection = select(registry, filters, sort=sort)
    for note in selection.notes:
        out.note(note)
    projects = selection.projects
    overview = _wants_overview(shape, by, path, out, projects, rows)
    if path is not None:
        if shape is False and by is None:
            by = "donor"  # a forced Gantt of many rows reads best under headings
        text = _chart_file(projects, filters.today, on, by, kind, overview)
        write_file(path, text, force, inputs=registry.sources)
        out.note(f"wrote {output_note(path)}")
        return
    with paged(out, no_pager):
        _print_timeline(out, projects, filters.today, on, by, overview, shape)


def _chart_kind(path: Path | None, by: str | None, shape: bool | None) -> str | None:
    """svg or html for a chart file (None: the terminal); a usage error for what cannot be."""
    from projreg.query.overview import SPLITS

    if by is not None and by not in CHART_GROUPINGS:
        raise UsageError(f"cannot draw lanes by {by!r}; choose one of {', '.join(CHART_GROUPINGS)}")
    if path is None:
        if by is not None and (shape is False or by not in SPLITS):
            raise UsageError(
                f"--by {by} draws lanes in a chart file: give --output FILE.svg too"
                + ("" if by not in SPLITS else ", or leave out --gantt")
            )
        return None
    if shape is True and by is not None and by not in SPLITS:
        raise UsageError(f"the overview is split by {' or '.join(SPLITS)}, not {by!r}")
    if is_stdout(path):
        return "svg"
    kind = {".svg": "svg", ".html": "html", ".htm": "html"}.get(path.suffix.lower())
    if kind is None:
        raise UsageError(f"--output {path}: give a file name ending in .svg or .html")
    return kind


def _wants_overview(shape, by, path, out, projects, rows) -> bool:
    """Whether to draw the overview: asked for, or more dated projects than rows fit."""
    from projreg.query.overview import SPLITS

    if shape is not None:
        return shape
    if by is not None and by not in SPLITS:
        return False  # lanes by country, region or agency: only the Gantt draws them
    if path is None and out.format != "table":
        if by is not None:
            raise UsageError(
                f"--by {by} splits the overview: add --overview for its records, "
                "or --output FILE.svg for a chart"
            )
        return False  # records: one per project, unless --overview
    if path is None and by is not None:
        return True  # the terminal draws parts only in the overview
    if rows is None:
        rows = FILE_ROWS if path is not None else max(out.table_height() - 6, 10)
    return sum(1 for p in projects if p.first_day() is not None) > rows


def _chart_file(projects, today, on, by, kind, overview: bool) -> str:
    from projreg.render.chart import html_page, overview_svg, timeline_svg

    marked = (on.first_day(), on.last_day()) if on else None
    label = f"marked: {on.human()}" if on else ""
    if overview:
        from projreg.query.overview import overview as make_overview

        svg = overview_svg(make_overview(projects, today, by or "status"), marked, label)
        title = "Projects over time: an overview"
    else:
        svg = timeline_svg(projects, today, on=marked, on_label=label, by=by)
        title = "Projects over time"
    return svg if kind == "svg" else html_page(svg, title)


def _print_timeline(out, projects, today, on, by, overview: bool, shape) -> None:
    from projreg.render.output import emit_overview, emit_timeline

    if overview:
        from projreg.query.overview import overview as make_overview

        view = make_overview(projects, today, by or "status")
        hint = (
            "" if shape is not None else f"{view.dated:,} projects: --gantt draws one row for each"
        )
        emit_overview(out, view, hint if out.format == "table" else "")
        return
    from projreg.query.reports import timeline as make_timeline

    chart = make_timeline(projects, today, on.first_day() if on else None)
    emit_timeline(out, chart, today, on)


@app.command()
@registry_options
@output_options
@filter_options
def stats(filters: Filters, output: OutputChoice, source: Source) -> None:
    """A short summary of the registry, like hledger's stats.

    Money is summed per currency, exactly, never converted: the budgets (a revised
    budget replaces the originals it overlaps), and the transactions
    committed, disbursed and spent.

    Examples:

    \b
      projreg stats
      projreg stats --donor "European Union" --json
    """
    from projreg.query.filters import select
    from projreg.query.reports import stats as make_stats
    from projreg.registry.load import BUNDLED
    from projreg.render.output import emit_summary

    out = output.output()
    registry = source.load()
    selection = select(registry, filters)
    for note in selection.notes:
        out.note(note)
    summary = make_stats(selection.projects, filters.today)
    sources = ["bundled" if src == str(BUNDLED) else src for src in registry.sources]
    emit_summary(out, {"registry": ", ".join(sources), **summary})
