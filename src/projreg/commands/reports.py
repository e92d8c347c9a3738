"""`report`, `timeline` and `stats`: the portfolio grouped, over time, and in sum."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..dates import PartialDate
from ..errors import UsageError
from ..options import (
    OutputChoice,
    Source,
    date_value,
    filter_options,
    output_options,
    registry_options,
)
from ..query import Filters
from ..reports import GROUPINGS
from ..reports import LANES as CHART_GROUPINGS
from . import app
from .query import Sort
from .writing import Force, write_file


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
) -> None:
    """Projects grouped: how many, which, from when to when, and project-months.

    Every list filter applies before grouping, and a row counts exactly what
    the matching `list` returns: by country or region, the projects that name
    the place (direct) and those that reach it through a region or a member
    country (via). By year, a project counts in every calendar year it runs on
    any day of, ongoing ones up to --today; with --between or --active-on only
    those years are shown. Projects with unknown dates get a row of their own.

    Where projects have budgets or transactions, each group also gets its budget and
    what was committed, disbursed and spent, one total per currency (never converted,
    never added across currencies); a revised budget counts instead of the original
    one for its period. Not by year: an amount is not split across years.

    Examples:

    \b
      projreg report --by donor
      projreg report --by year
      projreg report --by donor --country Georgia
      projreg report --by donor --fields group,projects,budget,disbursed,spent
    """
    from ..money import MONEY_FIELDS
    from ..query import select
    from ..render import emit_rows
    from ..reports import group_by, report_fields

    if by not in GROUPINGS:
        raise UsageError(f"cannot group by {by!r}; choose one of {', '.join(GROUPINGS)}")
    out = output.output()
    fields = report_fields(by)
    selection = select(source.load(), filters)
    rows = group_by(
        by, selection.projects, filters.today, _years_asked(filters), direct_only=filters.direct
    )
    # Money columns by default only when some group has money: a registry without budgets
    # or transactions reads as before.
    shown = [f for f in fields if f not in MONEY_FIELDS or any(row[f] for row in rows)]
    names = output.names(shown, fields)
    rows = [{name: row[name] for name in names} for row in rows]
    emit_rows(out, rows, names, labels={"group": by.capitalize()}, empty="No projects to group.")
    for note in selection.notes:
        out.note(note)
    if selection.undetermined:
        out.remark(f"Not counted, dates unknown: {', '.join(p.id for p in selection.undetermined)}")


def _years_asked(filters: Filters) -> tuple[int, int] | None:
    """The years --between and --active-on ask about: a report by year shows only those."""
    first, last = 1, 9999
    for period in filter(None, (filters.between, (filters.active_on,) * 2)):
        if period[0] is None:
            continue
        first = max(first, period[0].first_day().year)
        last = min(last, period[1].last_day().year)
    return None if (first, last) == (1, 9999) else (first, last)


@app.command()
@registry_options
@output_options
@filter_options
def timeline(
    filters: Filters,
    output: OutputChoice,
    source: Source,
    on: Annotated[
        PartialDate | None,
        typer.Option(
            "--on", parser=date_value, metavar="DATE", help="Mark this day (or month, or year)."
        ),
    ] = None,
    path: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Draw the chart into FILE.svg, or FILE.html (a page around the SVG).",
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            "-b",
            metavar="GROUPING",
            help="With --output: one swim lane per country, region, donor, agency or status.",
            autocompletion=lambda: list(CHART_GROUPINGS),
        ),
    ] = None,
    sort: Sort = "start",
    force: Force = False,
) -> None:
    """A Gantt chart of the projects: on a terminal, or drawn as SVG with --output.

    On a terminal: one bar per project at month resolution. With --output
    FILE.svg: a chart drawn from the dates at day precision, the same whatever
    the terminal; a date that names a month or a year fades over that period,
    planned dates are hatched, ongoing projects run to --today with an arrow,
    and projects whose dates are unknown are listed under the chart. In a pipe,
    or with --format, the bars are printed as records (id, start, end, open_end).

    Examples:

    \b
      projreg timeline
      projreg timeline --on 2018-06-01 --region "Eastern Partnership"
      projreg timeline --output portfolio.svg --by donor
      projreg timeline -o portfolio.html --today 2026-01-01
    """
    from ..query import select

    if by is not None and by not in CHART_GROUPINGS:
        raise UsageError(f"cannot draw lanes by {by!r}; choose one of {', '.join(CHART_GROUPINGS)}")
    if path is not None:
        kind = {".svg": "svg", ".html": "html", ".htm": "html"}.get(path.suffix.lower())
        if kind is None:
            raise UsageError(f"--output {path}: give a file name ending in .svg or .html")
    elif by is not None:
        raise UsageError("--by draws lanes in a chart file: give --output FILE.svg too")
    out = output.output()
    registry = source.load()
    selection = select(registry, filters, sort=sort)
    for note in selection.notes:
        out.note(note)
    if path is not None:
        from ..chart import html_page, timeline_svg

        marked = (on.first_day(), on.last_day()) if on else None
        label = f"marked: {on.human()}" if on else ""
        svg = timeline_svg(selection.projects, filters.today, on=marked, on_label=label, by=by)
        text = svg if kind == "svg" else html_page(svg, "Projects over time")
        write_file(path, text, force, inputs=registry.sources)
        out.note(f"wrote {path}")
        return
    from ..render import emit_timeline
    from ..reports import timeline as make_timeline

    chart = make_timeline(selection.projects, filters.today, on.first_day() if on else None)
    emit_timeline(out, chart, filters.today, on)


@app.command()
@registry_options
@output_options
@filter_options
def stats(filters: Filters, output: OutputChoice, source: Source) -> None:
    """A short summary of the registry, like hledger's stats.

    Money is summed per currency, exactly, never converted: the budgets (a revised
    budget instead of the original one for its period), and the transactions
    committed, disbursed and spent.

    Examples:

    \b
      projreg stats
      projreg stats --donor "European Union" --json
    """
    from ..load import BUNDLED
    from ..query import select
    from ..render import emit_summary
    from ..reports import stats as make_stats

    out = output.output()
    registry = source.load()
    selection = select(registry, filters)
    for note in selection.notes:
        out.note(note)
    summary = make_stats(selection.projects, filters.today)
    sources = ["bundled" if src == str(BUNDLED) else src for src in registry.sources]
    emit_summary(out, {"registry": ", ".join(sources), **summary})
