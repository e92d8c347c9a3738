"""The projreg command line: parses options, calls the library, hands results to render.

No filtering, date or formatting logic lives here. Exit codes: 0 success (an
empty result too), 1 registry error or unknown project, 2 usage error.
"""

from __future__ import annotations

import datetime as dt
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NamedTuple

import typer

from . import __version__
from .dates import DateError, PartialDate, parse_date

app = typer.Typer(
    name="projreg",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=True,
    context_settings={
        "help_option_names": ["-h", "--help"],
        "max_content_width": 88,
        "terminal_width": 88,  # the same help everywhere, so docs/cli.md is reproducible
    },
)


# --- option parsing ---------------------------------------------------------------


def _date_option(text: str) -> PartialDate:
    try:
        return parse_date(text)
    except DateError as error:
        raise typer.BadParameter(f"{error}; write 2018, 2018-06 or 2018-06-01") from None


def _fail(message: str, code: int) -> typer.Exit:
    from .render import visible

    sys.stderr.write(f"projreg: {visible(message)}\n")
    return typer.Exit(code)


class Settings(NamedTuple):
    """The global options every command reads."""

    registry: Path | None = None
    use_cache: bool = True


def _load(ctx: typer.Context):
    from .registry import RegistryError, load_registry

    settings = ctx.obj or Settings()
    try:
        return load_registry(settings.registry, use_cache=settings.use_cache)
    except RegistryError as error:
        sys.stderr.write(error.render() + "\n")
        raise typer.Exit(1) from None


# --- completion, from the registry in use --------------------------------------------


def _completion_registry(ctx: typer.Context):
    from .registry import load_registry

    root = ctx.find_root()
    try:
        return load_registry(root.params.get("registry"))
    except Exception:  # completion must never crash the shell
        return None


def _complete(values):
    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        registry = _completion_registry(ctx)
        if registry is None:
            return []
        found = sorted(set(values(registry)), key=str.casefold)
        return [v for v in found if v.casefold().startswith(incomplete.casefold())]

    return complete


def _country_values(registry):
    from . import geo

    yield from (geo.country_name(c) for p in registry.projects for c in p.countries)
    for region in geo.REGIONS:
        yield from (geo.country_name(c) for c in region.countries)


def _region_values(registry):
    from . import geo

    return [r.name for r in geo.REGIONS]


complete_ids = _complete(lambda r: [p.id for p in r.projects])
complete_countries = _complete(_country_values)
complete_regions = _complete(_region_values)
complete_donors = _complete(lambda r: [d.name for p in r.projects for d in p.donors if d.name])
complete_agencies = _complete(
    lambda r: [i.name for p in r.projects for i in p.implementers if i.name]
)


# --- shared options ------------------------------------------------------------------

Format = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, tsv, csv, json, yaml or markdown. Default: table on a terminal, else tsv.",
        show_default=False,
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]
Fields = Annotated[
    str | None,
    typer.Option(
        "--fields",
        metavar="FIELDS",
        help="Comma-separated fields to show, in order (e.g. id,title,start).",
    ),
]
Color = Annotated[
    str,
    typer.Option(
        "--color",
        metavar="WHEN",
        help="auto, always or never. NO_COLOR and TERM=dumb are respected.",
    ),
]
Country = Annotated[
    list[str] | None,
    typer.Option(
        "--country",
        "-c",
        metavar="COUNTRY",
        help="Country name or ISO code; also matches projects in a region containing it.",
        autocompletion=complete_countries,
    ),
]
Region = Annotated[
    list[str] | None,
    typer.Option(
        "--region",
        "-r",
        metavar="REGION",
        help="Region, e.g. 'Eastern Partnership'; matches its member countries too.",
        autocompletion=complete_regions,
    ),
]
Donor = Annotated[
    list[str] | None,
    typer.Option(
        "--donor",
        "-d",
        metavar="DONOR",
        help="Donor name or part of it; 'European Union' also finds the EU's institutions.",
        autocompletion=complete_donors,
    ),
]
Agency = Annotated[
    list[str] | None,
    typer.Option(
        "--agency",
        "-a",
        metavar="AGENCY",
        help="Implementing organisation.",
        autocompletion=complete_agencies,
    ),
]
ActiveOn = Annotated[
    PartialDate | None,
    typer.Option(
        "--active-on",
        parser=_date_option,
        metavar="DATE",
        help="Running on that day (or at any time in that month or year).",
    ),
]
Between = Annotated[
    tuple[str, str] | None,
    typer.Option("--between", metavar="FROM TO", help="Running at any time from FROM to TO."),
]
Status = Annotated[
    list[str] | None,
    typer.Option(
        "--status",
        "-s",
        metavar="STATUS",
        help="ongoing, completed, planned or unknown, as of --today.",
    ),
]
Search = Annotated[
    list[str] | None,
    typer.Option(
        "--search",
        "-q",
        metavar="TEXT",
        help="Text in the id, titles, objectives or descriptions.",
    ),
]
Direct = Annotated[
    bool,
    typer.Option("--direct", help="With --country or --region: only projects that name it."),
]
Today = Annotated[
    PartialDate | None,
    typer.Option(
        "--today",
        parser=_date_option,
        metavar="DATE",
        help="Take this day as today, for reproducible status. Default: the real today.",
    ),
]


def _output(fmt: str | None, as_json: bool, color: str):
    from .render import COLORS, FORMATS, Output

    if as_json:
        fmt = "json"
    if fmt is not None and fmt not in FORMATS:
        raise _fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}", 2)
    if color not in COLORS:
        raise _fail(f"unknown color mode {color!r}; choose one of {', '.join(COLORS)}", 2)
    return Output.choose(fmt, color)


def _fields(text: str | None, default: tuple[str, ...], available=None) -> list[str]:
    if available is None:
        from .records import FIELDS as available
    if not text:
        return list(default)
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in available]
    if unknown or not names:
        raise _fail(
            f"unknown field {', '.join(map(repr, unknown)) or '(none given)'}; "
            f"available fields: {', '.join(available)}",
            2,
        )
    return names


@contextmanager
def _writing(path: Path):
    """Turn a refused or failed write of path into one clear line and exit 1."""
    try:
        yield
    except FileExistsError:
        raise _fail(f"{path} exists; use --force to overwrite it", 1) from None
    except OSError as error:
        raise _fail(f"cannot write {path}: {error.strerror or error}", 1) from None


def _today(today: PartialDate | None) -> dt.date:
    return today.first_day() if today else dt.date.today()


def _filters(
    country=None,
    region=None,
    donor=None,
    agency=None,
    active_on=None,
    between=None,
    status=None,
    search=None,
    direct=False,
    today=None,
):
    """The Filters for the list options; usage errors exit 2."""
    from .model import STATUSES
    from .query import Filters

    for value in status or ():
        if value not in STATUSES:
            raise _fail(f"unknown status {value!r}; choose one of {', '.join(STATUSES)}", 2)
    span = None
    if between:
        try:
            span = (_date_option(between[0]), _date_option(between[1]))
        except typer.BadParameter as error:
            raise _fail(f"--between: {error.message}", 2) from None
    return Filters(
        countries=tuple(country or ()),
        regions=tuple(region or ()),
        donors=tuple(donor or ()),
        agencies=tuple(agency or ()),
        active_on=active_on,
        between=span,
        statuses=tuple(status or ()),
        search=tuple(search or ()),
        direct=direct,
        today=_today(today),
    )


def _select(ctx, filters, sort="id", limit=None):
    """Load the registry and apply the filters: (registry, selection)."""
    from .query import FilterError, select

    registry = _load(ctx)
    try:
        return registry, select(registry, filters, sort=sort, limit=limit)
    except FilterError as error:
        raise _fail(str(error), 2) from None


# --- commands --------------------------------------------------------------------------


def _version(value: bool) -> None:
    if value:
        typer.echo(f"projreg {__version__}")
        raise typer.Exit()


@app.callback()
def global_options(
    ctx: typer.Context,
    registry: Annotated[
        Path | None,
        typer.Option(
            "--registry",
            metavar="PATH",
            envvar="PROJREG_REGISTRY",
            help="Registry file, or folder of *.yaml files. Default: the bundled registry.",
            show_envvar=True,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Read the registry afresh, without the cache of validated files "
            "($PROJREG_CACHE_DIR, default ~/.cache/projreg).",
        ),
    ] = False,
) -> None:
    """Query a registry of migration and border-management projects.

    Which projects work in a country, who funds and implements them, and what
    was running on a given day. The registry is a YAML file you can edit; see
    docs/registry-format.md.

    Examples:

    \b
      projreg list --country Azerbaijan
      projreg show ENIGMMA-2
      projreg active --on 2018-06-01
      projreg report --by donor
      projreg check
    """
    ctx.obj = Settings(registry, not no_cache)


@app.command("list")
def list_(
    ctx: typer.Context,
    country: Country = None,
    region: Region = None,
    donor: Donor = None,
    agency: Agency = None,
    active_on: ActiveOn = None,
    between: Between = None,
    status: Status = None,
    search: Search = None,
    direct: Direct = False,
    sort: Annotated[
        str, typer.Option("--sort", metavar="KEY", help="id, start, end or title.")
    ] = "id",
    limit: Annotated[
        int | None,
        typer.Option("--limit", "-n", min=0, metavar="N", help="Show at most N projects."),
    ] = None,
    today: Today = None,
    fmt: Format = None,
    as_json: Json = False,
    fields: Fields = None,
    color: Color = "auto",
) -> None:
    """List projects, filtered. Values of one option OR together; different options AND.

    Examples:

    \b
      projreg list --country Azerbaijan
      projreg list --donor "European Union" --active-on 2017 --sort start
      projreg list --region "Central Asia" --fields id,title,donors --json
    """
    out = _output(fmt, as_json, color)
    filters = _filters(
        country, region, donor, agency, active_on, between, status, search, direct, today
    )
    _print_selection(ctx, out, filters, fields, sort=sort, limit=limit)


def _print_selection(
    ctx, out, filters, fields_text, sort="id", limit=None, title=None, unknown_line=None
):
    from .records import LIST_FIELDS, SHOW_FIELDS, Context, record, to_registry
    from .render import emit_rows

    registry, selection = _select(ctx, filters, sort, limit)
    placed = bool(filters.countries or filters.regions)
    if out.format in ("json", "yaml"):
        default = (*SHOW_FIELDS, "via") if placed else SHOW_FIELDS
    else:
        default = (*LIST_FIELDS, "match") if placed else LIST_FIELDS
    names = _fields(fields_text, default)
    rows, document = [], None
    if out.format == "yaml" and not fields_text:  # a registry, which loads back as one
        document = _registry_document(registry, [to_registry(m.project) for m in selection.matches])
    else:
        rows = [record(m.project, names, Context(filters.today, m.via)) for m in selection.matches]
    if title and out.format == "table":
        title = title.format(count=len(rows), s="" if len(rows) == 1 else "s")
    emit_rows(out, rows, names, title=title if out.format == "table" else None, document=document)
    if selection.undetermined:
        ids = ", ".join(p.id for p in selection.undetermined)
        line = (unknown_line or "Not shown, dates unknown: {ids}").format(ids=ids)
        out.remark(line)


def _registry_document(registry, projects: list[dict]) -> dict:
    document: dict = {}
    if registry.source_notes:
        document["source"] = "\n".join(registry.source_notes)
    if registry.organisations:
        document["organisations"] = [
            {
                k: (list(v) if isinstance(v, tuple) else v)
                for k, v in o._asdict().items()
                if v not in (None, ())
            }
            for o in registry.organisations
        ]
    document["projects"] = projects
    return document


@app.command()
def show(
    ctx: typer.Context,
    project_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="Project id or acronym; case, spaces and punctuation are ignored.",
            autocompletion=complete_ids,
        ),
    ],
    today: Today = None,
    fmt: Format = None,
    as_json: Json = False,
    fields: Fields = None,
    color: Color = "auto",
) -> None:
    """Everything known about one project.

    Examples:

    \b
      projreg show ENIGMMA-2
      projreg show "bomca 9"
      projreg show enigmma2 --json
    """
    from .model import UnknownProject
    from .records import PAGE_FIELDS, SHOW_FIELDS, Context, record
    from .render import emit_project

    out = _output(fmt, as_json, color)
    registry = _load(ctx)
    try:
        project = registry.get(project_id)
    except UnknownProject as error:
        raise _fail(str(error), 1) from None
    names = _fields(fields, PAGE_FIELDS if out.format == "table" else SHOW_FIELDS)
    emit_project(out, record(project, names, Context(_today(today))))


@app.command()
def active(
    ctx: typer.Context,
    on: Annotated[
        PartialDate | None,
        typer.Option(
            "--on",
            parser=_date_option,
            metavar="DATE",
            help="The day (or month, or year) to ask about. Default: today.",
        ),
    ] = None,
    today: Today = None,
    fmt: Format = None,
    as_json: Json = False,
    fields: Fields = None,
    color: Color = "auto",
) -> None:
    """Projects running on a day, and the ones whose dates are unknown.

    A month or a year means "at any time in it". Projects whose dates are not
    known are named on a line of their own, never counted as active or not.

    Examples:

    \b
      projreg active --on 2018-06-01
      projreg active --on 2017 --fields id,title,start,end
    """
    from .query import Filters

    out = _output(fmt, as_json, color)
    day = on or PartialDate.from_date(_today(today))
    filters = Filters(active_on=day, today=_today(today))
    _print_selection(
        ctx,
        out,
        filters,
        fields,
        sort="start",
        title=f"{{count}} project{{s}} active on {day.human()}",
        unknown_line="Dates unknown: {ids}",
    )


@app.command()
def report(
    ctx: typer.Context,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            "-b",
            metavar="GROUPING",
            help="country, region, donor, agency, year or status.",
        ),
    ],
    country: Country = None,
    region: Region = None,
    donor: Donor = None,
    agency: Agency = None,
    active_on: ActiveOn = None,
    between: Between = None,
    status: Status = None,
    search: Search = None,
    direct: Direct = False,
    today: Today = None,
    fmt: Format = None,
    as_json: Json = False,
    fields: Fields = None,
    color: Color = "auto",
) -> None:
    """Projects grouped: how many, which, from when to when, and project-months.

    Every list filter applies before grouping. By year, a project counts in
    every calendar year it runs on any day of, ongoing ones up to --today.
    Projects with unknown dates get a row of their own.

    Examples:

    \b
      projreg report --by donor
      projreg report --by year
      projreg report --by donor --country Georgia
    """
    from .render import emit_rows
    from .reports import GROUPINGS, REPORT_FIELDS, group_by

    if by not in GROUPINGS:
        raise _fail(f"cannot group by {by!r}; choose one of {', '.join(GROUPINGS)}", 2)
    out = _output(fmt, as_json, color)
    names = _fields(fields, REPORT_FIELDS, REPORT_FIELDS)
    filters = _filters(
        country, region, donor, agency, active_on, between, status, search, direct, today
    )
    _, selection = _select(ctx, filters)
    rows = group_by(by, selection.projects, filters.today)
    rows = [{name: row[name] for name in names} for row in rows]
    emit_rows(out, rows, names, labels={"group": by.capitalize()}, empty="No projects to group.")
    if selection.undetermined:
        out.remark(f"Not counted, dates unknown: {', '.join(p.id for p in selection.undetermined)}")


@app.command()
def timeline(
    ctx: typer.Context,
    on: Annotated[
        PartialDate | None,
        typer.Option("--on", parser=_date_option, metavar="DATE", help="Mark this day."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Save the chart as FILE.svg or FILE.html instead of printing it.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    country: Country = None,
    region: Region = None,
    donor: Donor = None,
    agency: Agency = None,
    active_on: ActiveOn = None,
    between: Between = None,
    status: Status = None,
    search: Search = None,
    direct: Direct = False,
    today: Today = None,
    fmt: Format = None,
    as_json: Json = False,
    color: Color = "auto",
) -> None:
    """A Gantt chart of the projects, one bar per project at month resolution.

    Ongoing projects run up to today with an open end; projects whose dates
    are unknown are listed under the chart. In a pipe, or with --format, the
    bars are printed as records (id, start, end, open_end).

    Examples:

    \b
      projreg timeline
      projreg timeline --on 2018-06-01 --region "Eastern Partnership"
      projreg timeline --output portfolio.svg
    """
    from .render import emit_timeline
    from .reports import timeline as make_timeline

    if output is not None and output.suffix.lower() not in (".svg", ".html", ".htm"):
        raise _fail(f"--output {output}: give a file name ending in .svg or .html", 2)
    out = _output(fmt, as_json, color)
    filters = _filters(
        country, region, donor, agency, active_on, between, status, search, direct, today
    )
    _, selection = _select(ctx, filters, sort="start")
    chart = make_timeline(selection.projects, filters.today, on.first_day() if on else None)
    with _writing(output):
        emit_timeline(out, chart, filters.today, on, output, force)


@app.command()
def stats(
    ctx: typer.Context,
    country: Country = None,
    region: Region = None,
    donor: Donor = None,
    agency: Agency = None,
    active_on: ActiveOn = None,
    between: Between = None,
    status: Status = None,
    search: Search = None,
    direct: Direct = False,
    today: Today = None,
    fmt: Format = None,
    as_json: Json = False,
    color: Color = "auto",
) -> None:
    """A short summary of the registry, like hledger's stats.

    Examples:

    \b
      projreg stats
      projreg stats --donor "European Union" --json
    """
    from .render import emit_summary
    from .reports import stats as make_stats

    out = _output(fmt, as_json, color)
    filters = _filters(
        country, region, donor, agency, active_on, between, status, search, direct, today
    )
    registry, selection = _select(ctx, filters)
    summary = make_stats(selection.projects, filters.today)
    from .registry import BUNDLED

    sources = ["bundled" if src == str(BUNDLED) else src for src in registry.sources]
    summary = {"registry": ", ".join(sources), **summary}
    emit_summary(out, summary)


@app.command()
def check(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATH]...",
            help="Registry files or folders, checked together. Default: the registry in use.",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")
    ] = False,
    today: Today = None,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", metavar="FORMAT", help="text, or json for editors and CI."),
    ] = "text",
) -> None:
    """Check a registry: silent when it is valid, every problem otherwise.

    Each problem is reported as FILE:LINE:COL: error: message, with the
    offending line, a caret and a hint. Warnings (suspicious but valid data)
    fail the check only with --strict. Exit 0 when valid, 1 otherwise.

    Examples:

    \b
      projreg check
      projreg check registry/ --strict
      projreg check my-projects.yaml --format json
    """
    from .checks import check as run_check
    from .registry import RegistryError
    from .render import to_json

    if fmt not in ("text", "json"):
        raise _fail(f"unknown format {fmt!r}; choose text or json", 2)
    try:
        problems = run_check(paths or ctx.obj.registry, _today(today))
    except RegistryError as error:  # the registry could not even be found
        problems = error.problems
    if fmt == "json":
        sys.stdout.write(to_json([p.as_dict() for p in problems]) + "\n")
    elif problems:
        sys.stderr.write("\n".join(p.render() for p in problems) + "\n")
    failing = [p for p in problems if p.severity == "error" or strict]
    if failing:
        raise typer.Exit(1)


@app.command("import-iati")
def import_iati(
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE.xml...", help="IATI activity files (2.0x or 1.0x)."),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="OUT.yaml", help="The registry file to write.")
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite OUT.yaml if it exists.")
    ] = False,
) -> None:
    """Import IATI activities into a new registry file.

    Reads IATI activity XML of versions 2.01 to 2.03 and the 1.0x forms, and
    writes a registry that `projreg check` accepts. What a file leaves empty
    stays unknown, with a note; nothing is guessed. The output is written
    atomically and never over an existing file without --force.

    Examples:

    \b
      projreg import-iati activities.xml -o imported.yaml
      projreg import-iati a.xml b.xml -o both.yaml --force
    """
    from .files import write_text_atomically
    from .iati import IatiError, import_files
    from .records import to_registry
    from .render import Output, to_yaml

    if output.exists() and not force:
        raise _fail(f"{output} exists; use --force to overwrite it", 1)
    try:
        result = _with_progress(files, import_files)
    except IatiError as error:
        raise _fail(str(error), 1) from None
    document = {
        "source": "Imported from IATI activity files: " + ", ".join(f.name for f in files),
        "projects": [to_registry(p) for p in result.projects],
    }
    text = to_yaml(document)
    _verify_registry_text(text, output)
    with _writing(output):
        write_text_atomically(output, text, force=force)
    note = Output().note
    note(
        f"Imported {len(result.projects)} activit{'y' if len(result.projects) == 1 else 'ies'} "
        f"from {result.files} file{'' if result.files == 1 else 's'} into {output}; "
        f"skipped {len(result.skipped)}."
    )
    for where, why in result.skipped:
        note(f"  skipped {where}: {why}")


def _with_progress(files, work):
    """Run work(files, progress), with a progress bar on a terminal for many activities."""
    from . import render
    from .iati import count_activities

    if not render.stderr_is_terminal():
        return work(files)
    total = count_activities(files)
    if total < 200:
        return work(files)
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task("Importing activities", total=total)
        return work(files, lambda: progress.advance(task))


def _verify_registry_text(text: str, output: Path) -> None:
    """What we are about to write must load back as a registry: check before writing."""
    import tempfile

    from .registry import RegistryError, load_registry

    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / output.name
        probe.write_text(text, encoding="utf-8")
        try:
            load_registry(probe)
        except RegistryError as error:  # a bug in the import, not in the user's file
            raise _fail(
                "the imported registry does not load, nothing written:\n" + error.render(), 1
            ) from None


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", metavar="FORMAT", help="iati-xml (IATI 2.03 activities)."),
    ] = "iati-xml",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    reporting_org_ref: Annotated[
        str | None,
        typer.Option(
            "--reporting-org-ref",
            metavar="REF",
            help="IATI organisation identifier of the publisher.",
        ),
    ] = None,
    reporting_org_name: Annotated[
        str | None,
        typer.Option("--reporting-org-name", metavar="NAME", help="Name of the publisher."),
    ] = None,
    reporting_org_type: Annotated[
        str | None,
        typer.Option(
            "--reporting-org-type",
            metavar="CODE",
            help="IATI OrganisationType code, e.g. 40 (multilateral).",
        ),
    ] = None,
    id_prefix: Annotated[
        str | None,
        typer.Option(
            "--id-prefix",
            metavar="PREFIX",
            help="Prefix of iati-identifiers. Default: the reporting-org ref.",
        ),
    ] = None,
    country: Country = None,
    region: Region = None,
    donor: Donor = None,
    agency: Agency = None,
    active_on: ActiveOn = None,
    between: Between = None,
    status: Status = None,
    search: Search = None,
    direct: Direct = False,
    today: Today = None,
) -> None:
    """Export projects as an IATI 2.03 activities document.

    IATI requires a reporting organisation and activity identifiers, which a
    registry does not hold: give them with the --reporting-org options. A
    project that lacks what IATI requires and the registry does not know (an
    activity date, a status, a participating organisation) is left out and
    named on stderr. Every list filter applies.

    Examples:

    \b
      projreg export --reporting-org-ref XM-EXAMPLE --reporting-org-name "Example"
        --reporting-org-type 40 -o activities.xml
      projreg export --reporting-org-ref XM-EXAMPLE --reporting-org-name "Example"
        --reporting-org-type 40 --country Georgia --id-prefix XM-EXAMPLE-GE > georgia.xml
    """
    from .files import write_text_atomically
    from .iati import Publisher, to_iati_xml
    from .render import Output

    if fmt != "iati-xml":
        raise _fail(f"unknown export format {fmt!r}; choose iati-xml", 2)
    needed = {
        "--reporting-org-ref": reporting_org_ref,
        "--reporting-org-name": reporting_org_name,
        "--reporting-org-type": reporting_org_type,
    }
    missing = [name for name, value in needed.items() if not value]
    if missing:
        raise _fail(
            "IATI requires a reporting organisation, which a registry does not hold; "
            f"give {', '.join(missing)}",
            2,
        )
    note = Output().note
    if not id_prefix:
        id_prefix = reporting_org_ref
        note(
            f"iati-identifiers are {id_prefix}-<project id> (from --reporting-org-ref; set --id-prefix to change)."
        )
    filters = _filters(
        country, region, donor, agency, active_on, between, status, search, direct, today
    )
    _, selection = _select(ctx, filters)
    publisher = Publisher(reporting_org_ref, reporting_org_name, reporting_org_type, id_prefix)
    text, skipped = to_iati_xml(selection.projects, publisher, filters.today)
    for project_id, why in skipped:
        note(f"not exported: {project_id}: {why}")
    if output is None:
        sys.stdout.write(text)
        return
    with _writing(output):
        write_text_atomically(output, text, force=force)
    note(f"wrote {len(selection.projects) - len(skipped)} activities to {output}")


def _command_name(arguments: list[str]) -> str | None:
    """The subcommand named on the command line, if the global options before it are plain."""
    takes_value = {"--registry"}
    skip = False
    for argument in arguments:
        if skip:
            skip = False
        elif argument in takes_value:
            skip = True
        elif argument.startswith("-"):
            if argument in (
                "-h",
                "--help",
                "--version",
                "--install-completion",
                "--show-completion",
            ):
                return None
        else:
            return argument
    return None


def main() -> None:
    """The `projreg` entry point: builds only the command being run.

    Typer turns every registered command into a click command on each start,
    which costs more than everything `projreg show` does; a run needs only its own.
    """
    import os

    name = _command_name(sys.argv[1:])
    every = app.registered_commands
    if name and not os.environ.get("_PROJREG_COMPLETE"):
        app.registered_commands = [c for c in every if _name_of(c) == name] or every
    try:
        app(prog_name="projreg")
    finally:
        app.registered_commands = every


def _name_of(command) -> str:
    return command.name or command.callback.__name__.replace("_", "-")
