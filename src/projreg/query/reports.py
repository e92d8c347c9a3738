"""Aggregates over a selection of projects: groupings, a timeline, statistics.

Everything here returns plain rows (dicts of text, numbers, lists and None);
nothing here knows about Rich or output formats. Unknown stays visible: projects
whose dates are unknown get a row of their own, never a silent zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from projreg.model import geo, money
from projreg.model.project import NO_END, Project, written_country_names
from projreg.model.schema import NAMES as PROJECT_FIELDS

GROUPINGS = ("country", "region", "donor", "agency", "year", "status")
LANES = ("country", "region", "donor", "agency", "status")  # the timeline chart's swim lanes
UNKNOWN_DATES = "dates unknown"
REPORT_FIELDS = ("group", "projects", "ids", "earliest_start", "latest_end", "project_months")
# By country or region a row counts what `list --country X` / `list --region X` returns:
# the projects that name it (direct) and those that reach it through a region or country.
PLACE_FIELDS = {"country": ("direct", "via_region"), "region": ("direct", "via_country")}


def report_fields(by: str) -> tuple[str, ...]:
    """The fields of a report's rows, grouped `by`: by year without money (a budget or a
    transaction is not split across the years a project runs)."""
    amounts = () if by == "year" else money.MONEY_FIELDS
    return (*REPORT_FIELDS[:2], *PLACE_FIELDS.get(by, ()), *REPORT_FIELDS[2:], *amounts)


def shown_fields(fields, rows: list[dict]) -> list[str]:
    """A report's fields shown by default: the money ones only where some group has money,
    so that a registry without budgets or transactions reads as before."""
    return [f for f in fields if f not in money.MONEY_FIELDS or any(row[f] for row in rows)]


def month_index(day: dt.date) -> int:
    """Months since year 0: consecutive months get consecutive numbers."""
    return day.year * 12 + day.month - 1


def span(project: Project, today: dt.date) -> tuple[int, int] | None:
    """First and last month index the project runs; ongoing runs to today's month.

    None when the start is unknown. A project planned after today has an empty
    span (last < first) when it has no end.
    """
    start, end = project.first_day(), project.last_day()
    if start is None:
        return None
    first = month_index(start)
    last = month_index(end) if end else month_index(today)
    return first, last


def project_months(project: Project, today: dt.date, within: tuple[int, int] | None = None) -> int:
    """Known months of the project (up to today when ongoing), inside `within` if given."""
    months = span(project, today)
    if months is None:
        return 0
    first, last = months
    if within:
        first, last = max(first, within[0]), min(last, within[1])
    return max(last - first + 1, 0)


def keys(by: str, project: Project, today: dt.date, direct_only: bool = False) -> list[str]:
    """The groups a project belongs to under a grouping (several for country, region, donor).

    By country or region, also the places it reaches through a region or a member
    country, as `list --country/--region` does, unless direct_only.
    """
    if by == "country":
        return [project.country_name(code) for code in _country_codes(project, direct_only)]
    if by == "region":
        names = set(project.regions)
        if not direct_only:
            names.update(r.name for code in project.countries for r in geo.regions_containing(code))
        return [r.name for r in (*geo.REGIONS, *geo.dac_regions()) if r.name in names]
    if by == "donor":
        return list(dict.fromkeys(d.name or d.ref or "" for d in project.donors))
    if by == "agency":
        return list(dict.fromkeys(i.name or i.ref or "" for i in project.implementers))
    if by == "status":
        return [project.status_on(today)]
    raise ValueError(f"unknown grouping {by!r}")


def _country_codes(project: Project, direct_only: bool = False) -> list[str]:
    codes = list(project.countries)
    if not direct_only:
        codes += [c for r in project.regions for c in geo.region(r).countries]
    return list(dict.fromkeys(codes))


NONE_LABEL = {
    "country": "(no country named)",
    "region": "(no region)",
    "donor": "(no donor named)",
    "agency": "(no implementer named)",
}


def _earliest_start(projects: list[Project]) -> str | None:
    """The earliest start that answers date questions (actual, else planned and marked)."""
    dated = [(day, p) for p in projects if (day := p.first_day())]
    return min(dated, key=lambda pair: pair[0])[1].starts() if dated else None


def _latest_end(projects: list[Project]) -> str | None:
    ended = [(day, p) for p in projects if (day := p.last_day())]
    return max(ended, key=lambda pair: pair[0])[1].ends() if ended else None


def _row(group: str, projects: list[Project], today: dt.date, months: int | None = None) -> dict:
    # A project that gives no end leaves the group's latest end unknown (not "ongoing").
    open_end = any(p.first_day() and not p.last_day() for p in projects)
    return {
        "group": group,
        "projects": len(projects),
        "ids": [p.id for p in projects],
        "earliest_start": _earliest_start(projects),
        "latest_end": None if open_end else _latest_end(projects),
        "project_months": months
        if months is not None
        else sum(project_months(p, today) for p in projects),
    }


def group_by(
    by: str,
    projects: Iterable[Project],
    today: dt.date,
    years_within: tuple[int, int] | None = None,
    direct_only: bool = False,
) -> list[dict]:
    """One row per group: count, ids, earliest start, latest end, known project-months.

    By country or region, a row holds what the matching list filter returns: the
    projects naming the place (`direct`) and those reaching it through a region
    or a member country (`via_region`, `via_country`); `direct_only` keeps the first
    (as --direct does). By year, `years_within` (first, last) limits the rows.
    """
    projects = list(projects)
    if by == "year":
        return years(projects, today, years_within)
    groups: dict[str, list[Project]] = {}
    ungrouped = []
    for project in projects:
        if by == "country":  # by code: one row whichever name each file wrote
            keys_ = _country_codes(project, direct_only)
        else:
            keys_ = keys(by, project, today, direct_only)
        if not keys_:
            ungrouped.append(project)
        for key in keys_:
            groups.setdefault(key, []).append(project)
    name: Callable[[str], str] = str
    if by == "country":
        written = written_country_names(projects)
        name = lambda code: written.get(code) or geo.country_name(code)  # noqa: E731
    order: Callable[[str], str | int] = lambda key: name(key).casefold()  # noqa: E731
    if by == "region":
        order = [r.name for r in (*geo.REGIONS, *geo.dac_regions())].index
    rows = [_row(name(key), groups[key], today) for key in sorted(groups, key=order)]
    if by in PLACE_FIELDS:
        for row, key in zip(rows, sorted(groups, key=order), strict=True):
            named = sum(1 for p in groups[key] if key in (p.countries, p.regions)[by == "region"])
            row[PLACE_FIELDS[by][0]] = named
            row[PLACE_FIELDS[by][1]] = row["projects"] - named
            for field in REPORT_FIELDS[2:]:  # keep the documented order of the fields
                row[field] = row.pop(field)
    if by != "status":
        rows.sort(key=lambda r: -r["projects"])  # stable: ties keep alphabetical order
    if ungrouped:
        row = _row(NONE_LABEL[by], ungrouped, today)
        if by in PLACE_FIELDS:
            row = {**row, PLACE_FIELDS[by][0]: None, PLACE_FIELDS[by][1]: None}
        rows.append(row)
    by_id = {p.id: p for p in projects}
    for row in rows:  # the money of each group's projects, per currency
        row.update(money.money(by_id[i] for i in row["ids"]))
    return [{name: row[name] for name in report_fields(by)} for row in rows]


def years(
    projects: list[Project], today: dt.date, within: tuple[int, int] | None = None
) -> list[dict]:
    """Per calendar year: the projects running on any day of it, and their months in it.

    With `within` (first, last year), only those years get rows.
    """
    known = {p.id: span(p, today) for p in projects}
    spans = [s for s in known.values() if s]
    rows = []
    if spans:
        first_year = min(s[0] for s in spans) // 12
        last_year = max(s[1] for s in spans) // 12
        if within:
            first_year, last_year = max(first_year, within[0]), min(last_year, within[1])
        for year in range(first_year, last_year + 1):
            window = (year * 12, year * 12 + 11)
            running = [p for p in projects if _overlaps(known[p.id], window)]
            months = sum(project_months(p, today, window) for p in running)
            rows.append(_row(str(year), running, today, months))
    undated = [p for p in projects if not known[p.id]]
    if undated:
        rows.append(_row(UNKNOWN_DATES, undated, today, 0))
    return rows


def _overlaps(months: tuple[int, int] | None, window: tuple[int, int]) -> bool:
    """Whether a span of months (None: undated) shares a month with the window."""
    return months is not None and months[0] <= window[1] and months[1] >= window[0]


def coverage(projects: Iterable[Project]) -> dict[str, tuple[int, int]]:
    """Per country code: (projects naming it, projects covering it only via a region).

    A project that names a country counts as direct there, never also as via; a
    region counts for each of its member countries (geo.REGIONS).
    """
    direct: dict[str, int] = {}
    via: dict[str, int] = {}
    members = {r.name: r.countries for r in geo.REGIONS}
    for project in projects:
        named = set(project.countries)
        for code in named:
            direct[code] = direct.get(code, 0) + 1
        reached = {c for name in project.regions for c in members.get(name, ())} - named
        for code in reached:
            via[code] = via.get(code, 0) + 1
    return {code: (direct.get(code, 0), via.get(code, 0)) for code in sorted({*direct, *via})}


def coverage_rows(projects: list[Project]) -> list[dict]:
    """`map`'s counts as rows: country (the registry's own name), code, direct, via_region;
    most projects first, countries with as many by name (as a reader looks for them)."""
    from projreg.model.text import fold

    written = written_country_names(projects)
    counts = [
        (written.get(c) or geo.country_name(c), c, d, v) for c, (d, v) in coverage(projects).items()
    ]
    counts.sort(key=lambda r: (-r[2] - r[3], -r[2], fold(r[0])))
    return [{"country": n, "code": c, "direct": d, "via_region": v} for n, c, d, v in counts]


def coverage_names(projects: list[Project], codes: Iterable[str]) -> dict[str, str]:
    """code -> the name the map shows for each of codes (the keys of coverage(projects)):
    the registry's own, else the country's short name."""
    written = written_country_names(projects)
    return {c: written.get(c) or geo.country_name(c) for c in codes}


# --- timeline -------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """A project's place on the timeline, in month indexes; open_end when no actual end is
    given (the records' open_end); to_today when no end is given at all, actual or planned,
    and the project has started: its bar runs to today (whatever its status says).

    start and end are the dates that answer, as written (Project.starts/ends): a piped
    timeline prints them at their own precision, not rounded to the bar's months.
    """

    id: str
    first: int
    last: int
    open_end: bool
    start: str | None = None
    end: str | None = None
    to_today: bool = False


@dataclass(frozen=True)
class Timeline:
    bars: tuple[Bar, ...]
    undated: tuple[str, ...]
    first: int  # first month index on the axis (a January)
    last: int  # last month index on the axis (a December)

    @property
    def months(self) -> int:
        return self.last - self.first + 1

    def column(self, month: int, width: int) -> int:
        """The character column (0..width-1) where a month begins on a chart `width` wide.

        Year ticks and bars both use it, so a bar starting in January starts under its tick.
        """
        return min(self._edge(month, width), width - 1)

    def _edge(self, month: int, width: int) -> int:
        """Where a month begins, unclamped: the month after the axis begins at `width`."""
        return (month - self.first) * width // self.months

    def cells(self, bar: Bar, width: int) -> tuple[int, int]:
        """First and last character column a bar covers (both included).

        A bar runs to the end of its last month: up to the column before the
        next month begins, and at least the column its last month falls in.
        """
        first = self.column(bar.first, width)
        last = max(self.column(bar.last, width), self._edge(bar.last + 1, width) - 1, first)
        return first, min(last, width - 1)


def timeline(projects: Iterable[Project], today: dt.date, on: dt.date | None = None) -> Timeline:
    """Bars at month resolution over whole years, from the first start to the last end (or today)."""
    bars, undated = [], []
    for project in projects:
        months = span(project, today)
        if months is None:
            undated.append(project.id)
            continue
        first, last = months
        bars.append(
            Bar(
                project.id,
                first,
                max(last, first),
                project.end is None,
                project.starts(),
                project.ends(),
                to_today=project.last_day() is None and first <= last,
            )
        )
    bars.sort(key=lambda b: (b.first, b.last, b.id))
    if not bars:
        return Timeline((), tuple(undated), 0, 11)
    first = min(b.first for b in bars)
    last = max(b.last for b in bars)
    if on is not None:
        first, last = min(first, month_index(on)), max(last, month_index(on))
    return Timeline(tuple(bars), tuple(undated), first - first % 12, last - last % 12 + 11)


# --- statistics -----------------------------------------------------------------------


def stats(projects: Iterable[Project], today: dt.date) -> dict:
    """A summary in the manner of hledger's stats."""
    projects = list(projects)
    statuses = {s: 0 for s in ("ongoing", "completed", "planned", NO_END, "unknown")}
    for project in projects:
        status = project.status_on(today)
        statuses[status] = statuses.get(status, 0) + 1
    open_end = any(p.first_day() and not p.last_day() for p in projects)
    missing = {
        name: sum(1 for p in projects if _is_missing(p, name))
        for name in PROJECT_FIELDS
        if name not in ("id", "title")
    }
    # A field no project uses is not "missing"; among the used ones, the gaps count.
    used = [n for n in missing if 0 < missing[n] < len(projects)]
    most_missing = sorted(used, key=lambda n: (-missing[n], n))
    return {
        "projects": len(projects),
        "countries": len({c for p in projects for c in p.countries}),
        "regions": len({r for p in projects for r in p.regions}),
        "donors": len({d.name or d.ref for p in projects for d in p.donors}),
        "implementing_organisations": len(
            {i.name or i.ref for p in projects for i in p.implementers}
        ),
        "first_start": _earliest_start(projects),
        "last_end": None if open_end else _latest_end(projects),
        **statuses,
        "known_project_months": sum(project_months(p, today) for p in projects),
        **money.money(projects),
        "most_missing": [
            f"{name} ({missing[name]} of {len(projects)})" for name in most_missing[:8]
        ],
    }


def _is_missing(project: Project, name: str) -> bool:
    value = getattr(project, name)
    return value is None or value == () or value == ""
