"""`list`, `show` and `active`: which projects, and everything about one."""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from projreg.commands import app
from projreg.commands.writing import NoPager, paged
from projreg.model.dates import PartialDate
from projreg.model.project import CONTRADICTS, CONTRADICTS_NOTE, SORT_KEYS
from projreg.options import (
    OutputChoice,
    Source,
    Today,
    choices,
    complete_ids,
    date_value,
    filter_options,
    output_options,
    registry_options,
    today_of,
)

if TYPE_CHECKING:  # only the options' decorators make one: `show` never imports query.py
    from projreg.query.filters import Filters

Sort = Annotated[
    str,
    typer.Option(
        "--sort",
        metavar="KEY",
        help=f"{', '.join(SORT_KEYS[:-1])} or {SORT_KEYS[-1]}.",
        autocompletion=choices(SORT_KEYS),
    ),
]
Reverse = Annotated[
    bool,
    typer.Option(
        "--reverse", help="Sort the other way round (latest first); unknown dates stay last."
    ),
]
Limit = Annotated[
    int | None,
    typer.Option("--limit", "-n", min=0, metavar="N", help="Show at most N projects."),
]


_NAMED = 20  # projects named in a remark, at most


def print_selection(
    source: Source,
    output: OutputChoice,
    filters: Filters,
    sort: str = "id",
    limit: int | None = None,
    title: str | None = None,
    reverse: bool = False,
    unknown_line: str | None = None,
    no_pager: bool = False,
) -> None:
    """Load, select and print projects: the shared body of `list` and `active`."""
    from projreg.model.fields import LIST_FIELDS, SHOW_FIELDS
    from projreg.query.filters import select
    from projreg.query.store import Listing
    from projreg.render.output import emit_rows

    out = output.output()
    whole = out.format == "yaml" and not output.fields  # a registry document: needs it all
    placed = bool(filters.countries or filters.regions)
    if out.format in ("json", "yaml"):
        default = (*SHOW_FIELDS, "via") if placed else SHOW_FIELDS
    else:
        default = (*LIST_FIELDS, "match") if placed else LIST_FIELDS
    names = output.names(default)
    tsv = out.format == "tsv"
    if whole:
        registry = source.load()
        answer = select(registry, filters, sort=sort, limit=limit, reverse=reverse)
    else:
        answer, registry = source.select(filters, sort, limit, reverse, names=names, tsv=tsv)
    rows, count, shown, undetermined, notes, document = _answered(
        answer, registry if whole else None, names, filters
    )
    if title and out.format == "table":
        title = title.format(count=count, s="" if count == 1 else "s")
    for note in notes:  # before the pager takes the screen
        out.note(note)
    with paged(out, no_pager):
        if isinstance(answer, Listing) and tsv:
            out.write("".join(rows))
        else:
            emit_rows(
                out, rows, names, title=title if out.format == "table" else None, document=document
            )
        if shown < count:
            out.remark(f"Showing {shown} of {count} projects (--limit).")
        if undetermined:
            line = unknown_line or "Not shown, dates unknown: {ids}"
            out.remark(line.format(ids=_ids(undetermined)))
        _contradictions(out, rows, answer)
    sys.stdout.flush()  # the answer first; then the database for the next run
    source.remember(registry)


def _contradictions(out, rows, answer) -> None:
    """The footnote of the (!) marker, when a project shown (or one whose dates could not
    tell) has dates that contradict: it says which date answered."""
    undetermined = getattr(answer, "undetermined", ())  # a Listing's are ids: none flagged
    if any(getattr(p, "dates_contradict", bool)() for p in undetermined):
        out.remark(CONTRADICTS_NOTE)
        return
    for row in rows:
        values = row.values() if isinstance(row, dict) else (row,)
        if any(isinstance(v, str) and CONTRADICTS in v for v in values):
            out.remark(CONTRADICTS_NOTE)
            return


def _answered(answer, whole_registry, names, filters: Filters):
    """What print_selection prints of an answer (a Listing from the cache's database, or a
    Selection): rows, how many matched, how many are shown, the ids whose dates could not
    tell, the notes, and the registry document when the whole registry is asked for."""
    from projreg.query.store import Listing

    if isinstance(answer, Listing):  # from the cache's database, no project made
        from projreg.query.filters import region_notes

        notes = region_notes(filters) if filters.regions else ()
        return answer.rows, answer.total, len(answer.rows), answer.undetermined, notes, None
    from projreg.model.fields import Context, record
    from projreg.registry.encode import registry_document

    document = None
    if whole_registry is not None:
        document = registry_document(whole_registry, answer.projects)  # loads back as one
    context = Context(filters.today)
    matches = [] if whole_registry is not None else answer.matches
    rows = [record(m.project, names, context._replace(via=m.via)) for m in matches]
    undetermined = [p.id for p in answer.undetermined]
    return rows, answer.count, len(answer.matches), undetermined, answer.notes, document


def _ids(ids: list[str]) -> str:
    """Ids for a line, not a page, at a million projects."""
    text = ", ".join(ids[:_NAMED])
    return text + (f" and {len(ids) - _NAMED:,} more" if len(ids) > _NAMED else "")


@app.command("list")
@registry_options
@output_options
@filter_options
def list_(
    filters: Filters,
    output: OutputChoice,
    source: Source,
    sort: Sort = "id",
    reverse: Reverse = False,
    limit: Limit = None,
    no_pager: NoPager = False,
) -> None:
    """List projects, filtered. Values of one option OR together; different options AND.

    Examples:

    \b
      projreg list --country Azerbaijan
      projreg list --donor "European Union" --active-on 2017 --sort start
      projreg list --region "Central Asia" --fields id,title,donors --json
      projreg list --ended-in 2018 --sort end --reverse
    """
    print_selection(
        source, output, filters, sort=sort, limit=limit, reverse=reverse, no_pager=no_pager
    )


@app.command()
@registry_options
@output_options
def show(
    project_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="Project id or acronym; case, spaces and punctuation are ignored.",
            autocompletion=complete_ids,
        ),
    ],
    output: OutputChoice,
    source: Source,
    today: Today = None,
) -> None:
    """Everything known about one project.

    In a pipe (or with -f tsv), one field<TAB>value line per fact: list items
    repeat the field, records number their parts (donors[1].name).

    Examples:

    \b
      projreg show ENIGMMA-2
      projreg show "bomca 9"
      projreg show enigmma2 --json
    """
    from projreg.model.fields import PAGE_FIELDS, SHOW_FIELDS, Context, record
    from projreg.render.output import emit_project

    out = output.output()
    project = source.get(project_id)
    names = output.names(PAGE_FIELDS if out.format == "table" else SHOW_FIELDS)
    emit_project(out, record(project, names, Context(today_of(today))))
    if project.dates_contradict():
        out.remark(CONTRADICTS_NOTE)


@app.command()
@registry_options
@output_options
@filter_options
def active(
    filters: Filters,
    output: OutputChoice,
    source: Source,
    on: Annotated[
        PartialDate | None,
        typer.Option(
            "--on",
            parser=date_value,
            metavar="DATE",
            help="The day (or month, or year) to ask about. Default: today.",
        ),
    ] = None,
    sort: Sort = "start",
    reverse: Reverse = False,
    limit: Limit = None,
    no_pager: NoPager = False,
) -> None:
    """Projects running on a day, and the ones whose dates are unknown.

    A month or a year means "at any time in it". Projects whose dates are not
    known are named on a line of their own, never counted as active or not.
    Every list filter applies too.

    Examples:

    \b
      projreg active --on 2018-06-01
      projreg active --on 2017 --fields id,title,start,end
      projreg active --on 2018 --country Georgia
    """
    day = on or PartialDate.from_date(filters.today)
    print_selection(
        source,
        output,
        replace(filters, active_on=day),
        sort=sort,
        limit=limit,
        title=f"{{count}} project{{s}} active {day.when()}",
        unknown_line="Dates unknown: {ids}",
        reverse=reverse,
        no_pager=no_pager,
    )
