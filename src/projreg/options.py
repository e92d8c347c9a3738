"""Command-line options declared once and handed to commands as values.

Filter options (--country, --donor, --active-on, ...) become one `Filters`;
output options (-f, --json, --fields, --color) one `OutputChoice`; registry
options (--registry, --no-cache) one `Source`; export's (--reporting-org-*,
--participations, ...) one `ExportChoice`. Each set is added to a command
by a decorator, the way gh shares FilterOptions and sqlite-utils shares option
decorators: a new filter is one entry here, and every command that filters gets it.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from pathlib import Path
from typing import Annotated, NamedTuple

import typer

from projreg.errors import UsageError
from projreg.model.dates import DateError, PartialDate, parse_date
from projreg.model.project import STATUSES
from projreg.render.terminal import Terminal

# --- values ----------------------------------------------------------------------------------


def date_value(text: str) -> PartialDate:
    """A date given on the command line; a usage error (exit 2) if it cannot be read one way."""
    try:
        return parse_date(text)
    except DateError as error:
        raise typer.BadParameter(f"{error}; {error.hint}") from None


def _unknown_status(value: str) -> str:
    """'unknown status', with the status it means (synonyms.py) or the closest spelling."""
    import difflib

    from projreg.model.synonyms import value_meant

    meant = value_meant("activity_status", value, STATUSES)
    close = [meant] if meant else difflib.get_close_matches(value, STATUSES, 1, 0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown status {value!r}; {hint}choose one of {', '.join(STATUSES)}"


def today_of(day: PartialDate | None) -> dt.date:
    return day.first_day() if day else dt.date.today()


class Source(NamedTuple):
    """Which registry to read, and whether the cache may answer."""

    path: Path | None = None
    use_cache: bool = True
    terminal: Terminal | None = None

    def load(self):
        from projreg.registry.load import load_registry

        return load_registry(self.path, use_cache=self.use_cache)

    def get(self, text: str):
        """The project whose id or acronym is text (Registry.get), from the store if it can."""
        if self.use_cache:
            from projreg.query.store import get_stored

            found = get_stored(self.path, text)
            if found is not None:
                return found
        registry = self.load()
        found = registry.get(text)
        self.remember(registry)
        return found

    def select(self, filters, sort="id", limit=None, reverse=False, names=None, tsv=False):
        """(answer, registry). From the cache's SQLite store when it can answer (registry
        None): a store.Listing of the records of names (TSV lines with tsv) when it keeps
        them ready, else a query.Selection. Else query.select on the loaded registry."""
        if self.use_cache:
            from projreg.query.store import select_stored

            answer = select_stored(self.path, filters, sort, limit, reverse, names, tsv)
            if answer is not None:
                return answer, None
        from projreg.query.filters import select

        registry = self.load()
        return select(registry, filters, sort=sort, limit=limit, reverse=reverse), registry

    def remember(self, registry) -> None:
        """After the answer is printed: keep a large registry as the cache's SQLite database,
        from which the next list, active or show answers (see store.remember)."""
        if self.use_cache and registry is not None:
            from projreg.query.store import remember

            remember(self.path, registry)


def settings(ctx: typer.Context | None) -> Source:
    """The global options of this run (set by the app's callback), or the defaults."""
    root = ctx.find_root().obj if ctx is not None else None
    return root if isinstance(root, Source) else Source()


def terminal(ctx: typer.Context | None) -> Terminal:
    return settings(ctx).terminal or Terminal.detect()


class OutputChoice(NamedTuple):
    """What the output options asked for; `.output()` makes the printer, `.names()` the fields."""

    format: str | None = None
    as_json: bool = False
    fields: str | None = None
    color: str = "auto"
    terminal: Terminal | None = None

    def output(self):
        from projreg.render.output import COLORS, FORMATS, Output

        fmt = "json" if self.as_json else self.format
        if fmt is not None and fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        if self.color not in COLORS:
            raise UsageError(
                f"unknown color mode {self.color!r}; choose one of {', '.join(COLORS)}"
            )
        return Output.choose(fmt, self.color, self.terminal or Terminal.detect())

    def names(self, default, available=None) -> list[str]:
        """The fields asked for with --fields (all of them: `all`), else the default ones."""
        if available is None:
            from projreg.model.fields import FIELDS as available
        if not self.fields:
            return list(default)
        names = [n.strip() for n in self.fields.split(",") if n.strip()]
        if names == ["all"]:
            return list(available)
        unknown = [n for n in names if n not in available]
        if unknown or not names:
            from projreg.model.synonyms import field_meant

            meant = [field_meant(n, available) for n in unknown]
            hint = "".join(
                f"did you mean {m!r} for {n!r}? " for n, m in zip(unknown, meant, strict=True) if m
            )
            raise UsageError(
                f"unknown field {', '.join(map(repr, unknown)) or '(none given)'}; "
                f"{hint}available fields: {', '.join(available)}"
            )
        return names


# --- completion, from the registry in use ------------------------------------------------


def _complete(values):
    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        from projreg.registry.load import load_registry

        try:
            registry = load_registry(
                ctx.find_root().params.get("registry") or ctx.params.get("registry")
            )
        except Exception:  # completion must never crash the shell
            return []
        found = sorted(set(values(registry)), key=str.casefold)
        return [v for v in found if v.casefold().startswith(incomplete.casefold())]

    return complete


def choices(values):
    """A completion callback offering these fixed values (never file names)."""

    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        return [v for v in values if v.startswith(incomplete)]

    return complete


def _country_values(registry):
    from projreg.model import geo

    yield from (p.country_name(c) for p in registry.projects for c in p.countries)
    for region in geo.REGIONS:
        yield from (geo.country_name(c) for c in region.countries)


def _region_values(registry):
    from projreg.model import geo

    return list(
        dict.fromkeys(r.name for r in (*geo.REGIONS, *geo.dac_regions(), *geo.m49_regions()))
    )


complete_ids = _complete(lambda r: [p.id for p in r.projects])
complete_countries = _complete(_country_values)
complete_regions = _complete(_region_values)
complete_donors = _complete(lambda r: [d.name for p in r.projects for d in p.donors if d.name])
complete_agencies = _complete(
    lambda r: [i.name for p in r.projects for i in p.implementers if i.name]
)
complete_statuses = choices(STATUSES)


# --- declaring options once ---------------------------------------------------------------


def _option(name: str, annotation, default=None) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


_CONTEXT = "projreg_context"


def _evaluated(annotation, command):
    """An annotation as an object (a string under `from __future__ import annotations`)."""
    return eval(annotation, command.__globals__) if isinstance(annotation, str) else annotation


def _adding(parameters: list[inspect.Parameter], build, into: str):
    """A decorator: adds `parameters` to a command and hands it build(ctx, **their values) as
    `into`, where ctx is the command's Typer context (for the run's global options)."""

    def decorate(command):
        signature = inspect.signature(command)
        # Annotations as objects for Typer; `into`'s is never looked at, so that a command
        # module need not import its type (query.Filters) when another command runs.
        kept = [
            p.replace(annotation=_evaluated(p.annotation, command))
            for p in signature.parameters.values()
            if p.name not in (into, _CONTEXT)
        ]
        wants_context = _CONTEXT in signature.parameters
        names = [p.name for p in parameters]

        @functools.wraps(command)
        def wrapper(*args, **kwargs):
            ctx = kwargs[_CONTEXT] if wants_context else kwargs.pop(_CONTEXT)
            kwargs[into] = build(ctx, **{name: kwargs.pop(name) for name in names})
            return command(*args, **kwargs)

        context = inspect.Parameter(
            _CONTEXT, inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context
        )
        everything = [*kept, *parameters, context]
        returns = _evaluated(signature.return_annotation, command)
        wrapper.__signature__ = signature.replace(parameters=everything, return_annotation=returns)
        wrapper.__annotations__ = {p.name: p.annotation for p in everything}
        wrapper.__annotations__["return"] = returns
        wrapper.__wrapped__ = None  # the signature above is the whole truth
        del wrapper.__wrapped__
        return wrapper

    return decorate


# --today, also on commands that take no filters (show, check).
Today = Annotated[
    PartialDate | None,
    typer.Option(
        "--today",
        parser=date_value,
        metavar="DATE",
        help="Take this day as today, for reproducible status. Default: the real today.",
    ),
]

FILTER_OPTIONS = [
    _option("country", Annotated[list[str] | None, typer.Option("--country", "-c", metavar="COUNTRY", help="Country name or ISO code; also matches projects in a region containing it.", autocompletion=complete_countries)]),
    _option("region", Annotated[list[str] | None, typer.Option("--region", "-r", metavar="REGION", help="Region, e.g. 'Eastern Partnership', an IATI (OECD DAC) region by code or name, e.g. 289, or a UN M49 region, e.g. 'Western Africa'; matches its member countries too.", autocompletion=complete_regions)]),
    _option("donor", Annotated[list[str] | None, typer.Option("--donor", "-d", metavar="DONOR", help="Donor: the beginnings of words of its name (German, European Union), its acronym or an alias; case and accents ignored. 'European Union' also finds the EU's institutions.", autocompletion=complete_donors)]),
    _option("agency", Annotated[list[str] | None, typer.Option("--agency", "-a", metavar="AGENCY", help="Implementing organisation, matched as --donor is (ICMPD, migration policy).", autocompletion=complete_agencies)]),
    _option("active_on", Annotated[PartialDate | None, typer.Option("--active-on", parser=date_value, metavar="DATE", help="Running on that day (or at any time in that month or year).")]),
    _option("between", Annotated[tuple[str, str] | None, typer.Option("--between", metavar="FROM TO", help="Running at any time from FROM to TO.")]),
    _option("started_in", Annotated[PartialDate | None, typer.Option("--started-in", parser=date_value, metavar="PERIOD", help="Started within that year, month or day; an unknown start is listed apart.")]),
    _option("ended_in", Annotated[PartialDate | None, typer.Option("--ended-in", parser=date_value, metavar="PERIOD", help="Ended within that year, month or day; an unknown end is listed apart.")]),
    _option("status", Annotated[list[str] | None, typer.Option("--status", "-s", metavar="STATUS", help=f"{', '.join(STATUSES)}; as of --today.", autocompletion=complete_statuses)]),
    _option("search", Annotated[list[str] | None, typer.Option("--search", "-q", metavar="TEXT", help="Words, or beginnings of words (migr), in the id, titles, objectives, descriptions or notes.")]),
    _option("direct", Annotated[bool, typer.Option("--direct", help="With --country or --region: only projects that name it.")], False),
    _option("today", Today),
]  # fmt: skip


def make_filters(
    ctx=None,
    country=None,
    region=None,
    donor=None,
    agency=None,
    active_on=None,
    between=None,
    started_in=None,
    ended_in=None,
    status=None,
    search=None,
    direct=False,
    today=None,
):
    """The Filters for the filter options; usage errors exit 2."""
    from projreg.query.filters import Filters

    for value in status or ():
        if value not in STATUSES:
            raise UsageError(_unknown_status(value))
    span = None
    if between:
        try:
            span = (date_value(between[0]), date_value(between[1]))
        except typer.BadParameter as error:
            raise UsageError(f"--between: {error.message}") from None
    return Filters(
        countries=tuple(country or ()),
        regions=tuple(region or ()),
        donors=tuple(donor or ()),
        agencies=tuple(agency or ()),
        active_on=active_on,
        between=span,
        started_in=started_in,
        ended_in=ended_in,
        statuses=tuple(status or ()),
        search=tuple(search or ()),
        direct=direct,
        today=today_of(today),
    )


OUTPUT_OPTIONS = [
    _option("format", Annotated[str | None, typer.Option("--format", "-f", metavar="FORMAT", help="table, tsv, csv, json, yaml or markdown. Default: table on a terminal, else tsv.", show_default=False, autocompletion=choices(("table", "tsv", "csv", "json", "yaml", "markdown")))]),
    _option("as_json", Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")], False),
    _option("fields", Annotated[str | None, typer.Option("--fields", metavar="FIELDS", help="Comma-separated fields to show, in order (e.g. id,title,start), or all.")]),
    _option("color", Annotated[str, typer.Option("--color", metavar="WHEN", help="auto, always or never. NO_COLOR and TERM=dumb are respected.", autocompletion=choices(("auto", "always", "never")))], "auto"),
]  # fmt: skip

REGISTRY_OPTIONS = [
    _option("registry", Annotated[Path | None, typer.Option("--registry", metavar="PATH", readable=False, help="Registry file, or folder of *.yaml files. Default: $PROJREG_REGISTRY, else the bundled registry.")]),
    _option("no_cache", Annotated[bool, typer.Option("--no-cache", help="Read the registry afresh, without the cache of validated files.")], False),
]  # fmt: skip


def _source(ctx, registry=None, no_cache=False) -> Source:
    """The registry options given to the command, else the global ones."""
    base = settings(ctx)
    return base._replace(
        path=registry if registry is not None else base.path,
        use_cache=base.use_cache and not no_cache,
    )


class ExportChoice(NamedTuple):
    """What `export`'s own options asked for, besides the format and the output: the CSV
    tables, the IATI publisher and identifiers (`.iati()`), and how much to say."""

    participations: Path | None = None
    transactions: Path | None = None
    spreadsheet_safe: bool = False
    reporting_org_ref: str | None = None
    reporting_org_name: str | None = None
    reporting_org_type: str | None = None
    id_prefix: str | None = None
    placeholder_description: str | None = None
    verbose: bool = False

    def iati(self):
        """The library's iati.ExportOptions."""
        from projreg.iati.activities import ExportOptions

        return ExportOptions(
            self.reporting_org_ref,
            self.reporting_org_name,
            self.reporting_org_type,
            self.id_prefix,
            self.placeholder_description,
        )

    def names_publisher(self) -> bool:
        """Was any of the options that only IATI takes (--reporting-org-*, --id-prefix) given?"""
        return bool(
            self.reporting_org_ref
            or self.reporting_org_name
            or self.reporting_org_type
            or self.id_prefix
        )


EXPORT_OPTIONS = [
    _option("participations", Annotated[Path | None, typer.Option("--participations", metavar="FILE", help="CSV: also write the long-form table of organisations by project to FILE.")]),
    _option("transactions", Annotated[Path | None, typer.Option("--transactions", metavar="FILE", help="CSV: also write one row per transaction (project, type, value, currency, dates...) to FILE.")]),
    _option("spreadsheet_safe", Annotated[bool, typer.Option("--spreadsheet-safe", help="CSV: prefix cells starting with = + - @ with ' so spreadsheets never run them.")], False),
    _option("reporting_org_ref", Annotated[str | None, typer.Option("--reporting-org-ref", metavar="REF", help="IATI organisation identifier of the publisher.")]),
    _option("reporting_org_name", Annotated[str | None, typer.Option("--reporting-org-name", metavar="NAME", help="Name of the publisher.")]),
    _option("reporting_org_type", Annotated[str | None, typer.Option("--reporting-org-type", metavar="CODE", help="IATI OrganisationType code, e.g. 40 (multilateral).")]),
    _option("id_prefix", Annotated[str | None, typer.Option("--id-prefix", metavar="PREFIX", help="Prefix of iati-identifiers. Default: the reporting-org ref.")]),
    _option("placeholder_description", Annotated[str | None, typer.Option("--placeholder-description", metavar="TEXT", help="Description for projects without one (IATI requires one); without it they are left out.")]),
    _option("verbose", Annotated[bool, typer.Option("--verbose", help="Name every project left out and every note (without it: a count and the first few).")], False),
]  # fmt: skip


filter_options = _adding(FILTER_OPTIONS, make_filters, "filters")
output_options = _adding(
    OUTPUT_OPTIONS, lambda ctx, **values: OutputChoice(**values, terminal=terminal(ctx)), "output"
)
registry_options = _adding(REGISTRY_OPTIONS, _source, "source")
export_options = _adding(EXPORT_OPTIONS, lambda ctx, **values: ExportChoice(**values), "choice")
