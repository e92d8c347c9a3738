"""`map` and `site`: the portfolio as a picture of where it works, and as a static website."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from projreg.commands import app
from projreg.commands.writing import Force, is_stdout, output_note, write_file
from projreg.errors import UsageError
from projreg.options import OutputChoice, Source, filter_options, output_options, registry_options
from projreg.query.filters import Filters

COVERAGE_FIELDS = ("country", "code", "direct", "via_region")


@app.command("map")
@registry_options
@output_options
@filter_options
def map_(
    filters: Filters,
    output: OutputChoice,
    source: Source,
    path: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Draw the map into FILE.svg, or FILE.html (a page around the SVG).",
        ),
    ] = None,
    force: Force = False,
) -> None:
    """Where the projects work: a map of countries shaded by number of projects.

    With --output FILE.svg, the map: countries that projects name are shaded by
    how many projects work there; countries covered only through a region
    (e.g. the Eastern Partnership) are hatched. Without --output, the counts
    behind the map: one row per country with its direct and via-region projects
    (a table on a terminal, tab-separated in a pipe).

    Examples:

    \b
      projreg map --output coverage.svg
      projreg map -o coverage.html --donor "European Union"
      projreg map --json
    """
    from projreg.query.filters import select

    kind = _map_kind(path)
    out = output.output()
    projects = select(source.load(), filters).projects
    if path is None:
        from projreg.query.reports import coverage_rows
        from projreg.render.output import emit_rows

        names = output.names(COVERAGE_FIELDS, COVERAGE_FIELDS)
        rows = [{n: row[n] for n in names} for row in coverage_rows(projects)]
        emit_rows(out, rows, names, empty="No project names a country or a region.")
        if out.format == "table":
            out.note("Draw it with --output FILE.svg.")
        return
    from projreg.render.chart import html_page

    svg = _map_svg(projects)
    write_file(path, svg if kind == "svg" else html_page(svg, "Where the projects work"), force)
    out.note(f"wrote {output_note(path)}")


def _map_svg(projects) -> str:
    from projreg.query.reports import coverage, coverage_names
    from projreg.render.worldmap import coverage_svg

    n, counts = len(projects), coverage(projects)
    return coverage_svg(
        counts,
        title="Where the projects work",
        description=(
            f"Map of {n} project{'s' if n != 1 else ''}: countries shaded by the number of "
            "projects that name them; countries covered only through a region are hatched."
        ),
        names=coverage_names(projects, counts),
    )


def _map_kind(path: Path | None) -> str | None:
    """svg or html, from --output's name (standard output: svg); None without --output."""
    if path is None:
        return None
    kind = (
        "svg"
        if is_stdout(path)
        else {".svg": "svg", ".html": "html", ".htm": "html"}.get(path.suffix.lower())
    )
    if kind is None:
        raise UsageError(f"--output {path}: give a file name ending in .svg or .html")
    return kind


@app.command()
@registry_options
@filter_options
def site(
    filters: Filters,
    source: Source,
    directory: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help="The folder to write the site into.",
        ),
    ],
    title: Annotated[
        str, typer.Option("--title", metavar="TEXT", help="The site's title.")
    ] = "Project portfolio",
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Write into a non-empty folder that holds no projreg site (nothing is deleted).",
        ),
    ] = False,
) -> None:
    """A static website of the portfolio, for people who will not install projreg.

    An index with the project table (search, filters by country, donor and
    status, sortable columns, pages of 50), the map and the timeline; a page
    per project with everything `show` tells, and a page per country and per
    donor. It needs no server and no network: open DIR/index.html, or put DIR
    on any static host. The same registry and --today give the same files, so
    the site can be kept in git. Writing again into DIR replaces the previous
    site's files only; any other non-empty folder is refused without --force.

    Examples:

    \b
      projreg site --output public/
      projreg site -o public/ --today 2026-01-01 --title "EaP projects" --region "Eastern Partnership"
    """
    import sys

    from projreg.model.text import visible
    from projreg.query.filters import select
    from projreg.render.site import build, write

    registry = source.load()
    selection = select(registry, filters)
    files = build(registry, filters.today, selection.projects, title=title)
    if str(directory) == "-":
        raise UsageError("a site is a folder of files: give --output DIR, not -")
    notes: list[str] = []
    changed = write(directory, files, force=force, notes=notes)
    for line in notes:
        sys.stderr.write(visible(line) + "\n")
    sys.stderr.write(f"wrote {directory / 'index.html'} ({len(files)} files, {changed} changed)\n")
