"""Filters as plain data, and the one place where matching rules live.

Values of one filter OR together, different filters AND. --donor, --agency and
--search follow the one rule of match.py (case, accents and invisible characters
ignored; word beginnings, whole names, acronyms, aliases); a donor or implementer
that matches no organisation of the registry is said in Selection.notes. A country filter
also matches a project that covers a region containing that country, and
says so ("via Eastern Partnership"). Date filters never guess: a project whose
dates cannot answer the question is set aside as undetermined, not dropped
silently and not counted as a match.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from projreg.errors import UsageError
from projreg.model import geo
from projreg.model.dates import PartialDate
from projreg.model.match import Needle, words
from projreg.model.project import SORT_KEYS, Project, Registry


class FilterError(UsageError):
    """A filter value the user got wrong (unknown country, reversed range...)."""


@dataclass(frozen=True)
class Filters:
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    donors: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    active_on: PartialDate | None = None
    between: tuple[PartialDate, PartialDate] | None = None
    started_in: PartialDate | None = None
    ended_in: PartialDate | None = None
    statuses: tuple[str, ...] = ()
    search: tuple[str, ...] = ()
    direct: bool = False
    today: dt.date = field(default_factory=dt.date.today)


class Match(NamedTuple):  # NamedTuples: cheaper to define at start-up than dataclasses
    """A project that passed the filters, and how it matched the place filters."""

    project: Project
    via: tuple[str, ...] = ()


class Selection(NamedTuple):
    """The projects that passed, the ones the date filters could not decide, and notes."""

    matches: tuple[Match, ...]
    undetermined: tuple[Project, ...]  # dates unknown, so the date filters could not decide
    total: int | None = None  # matches before the limit (None: all are in matches)
    notes: tuple[str, ...] = ()  # said on stderr: "no donor matches 'X'; closest: ..."

    @property
    def count(self) -> int:  # type: ignore[override]  # a Selection is counted, never searched
        """How many projects matched, the limit aside."""
        return len(self.matches) if self.total is None else self.total

    @property
    def projects(self) -> list[Project]:
        return [m.project for m in self.matches]


def _organisation_matches(names_of, needle: Needle, participant) -> bool:
    names = names_of(participant.name) if participant.name else []
    if any(needle.names(name) for name in names):
        return True
    texts = (participant.ref, participant.department, participant.instrument)
    return any(needle.in_text(t) for t in texts if t)


def _needles(option: str, values) -> list[Needle]:
    needles = [Needle(v) for v in values]
    for needle in needles:
        if not needle:
            raise FilterError(f"{option} {needle.value!r}: give a name or a word to look for")
    return needles


def _unmatched(registry: Registry, names_of, needles, field: str, what: str) -> list[str]:
    """'no donor matches ...' for each value that matches no organisation in the registry."""
    if not needles:
        return []
    people = {p for project in registry.projects for p in getattr(project, field)}
    names = {n for p in people if p.name for n in names_of(p.name)}
    notes = []
    for needle in needles:
        if any(_organisation_matches(names_of, needle, p) for p in people):
            continue
        import difflib

        from projreg.model.text import fold

        # A name is close when it, or a run of its words as long as the value, is close.
        size = len(needle.words)
        candidates: dict[str, str] = {}
        for name in sorted(names):
            parts = words(name)
            for i in range(len(parts)):
                candidates.setdefault(" ".join(parts[i : i + size]), name)
            candidates.setdefault(fold(name), name)
        close = difflib.get_close_matches(" ".join(needle.words), list(candidates), 6, 0.6)
        shown = list(dict.fromkeys(candidates[c] for c in close))[:3]
        closest = f"; closest: {', '.join(shown)}" if shown else ""
        notes.append(f"no {what} matches {needle.value!r}{closest}")
    return notes


def organisation_matches(names_of, needles, participant) -> bool:
    """Does participant match any of needles (made with `needles`)?"""
    return any(_organisation_matches(names_of, needle, participant) for needle in needles)


def needles(texts, option: str = "--search") -> list[Needle]:
    """Filter values as the matchers compare them (match.py's one rule)."""
    return _needles(option, texts)


def text_matches(needles, text: str) -> bool:
    """Do a project's searchable_text words begin with any of needles (match.py)?"""
    return any(needle.in_text(text) for needle in needles)


def place_match(project: Project, codes: list[str], regions: list[geo.Region]):
    """(matched, via) for the country and region filters taken together (OR)."""
    return places_match(project.countries, project.regions, project.country_name, codes, regions)


def places_match(countries, project_regions, country_name, codes, regions):
    """place_match for a project given as its country codes, its region names and the
    function that names its countries (as the registry wrote them)."""
    via: list[str] = []
    direct = False
    for code in codes:
        if code in countries:
            direct = True
        via.extend(r for r in project_regions if code in geo.region(r).countries)
    for region in regions:
        if region.name in project_regions:
            direct = True
        via.extend(country_name(c) for c in countries if c in region.countries)
    via = list(dict.fromkeys(via))
    return direct or bool(via), () if direct else tuple(via)


def searchable_text(project: Project) -> str:
    parts = [project.id, project.iati_id, project.acronym, project.title, project.summary]
    parts.append(project.objective)
    parts += [*project.specific_objectives, *project.target_groups, *project.final_beneficiaries]
    parts += [project.programme, *project.notes]
    for component in project.components:
        parts += [component.title, component.description]
    return " ".join(p for p in parts if p)


def region_notes(filters: Filters) -> list[str]:
    """Which region each --region value was read as, where the UN M49 geoscheme has one of
    that name: its M49 region (the registry defines none), or projreg's own, which wins."""
    notes = []
    for text in filters.regions:
        standard = geo.m49_region(text)
        if standard is None:
            continue
        used = geo.region(text, m49=True)
        count = f"{len(used.countries)} countries"
        if used is standard:
            notes.append(f"--region {text!r}: {used.name}, the {used.note} ({count})")
        else:
            notes.append(
                f"--region {text!r}: projreg's own {used.name} ({count}), "
                f"not the {standard.note} of that name"
            )
    return notes


def checked(filters: Filters, sort: str, country_code=geo.country_code):
    """The country codes and regions of filters; a FilterError for what cannot be answered."""
    try:
        codes = [country_code(c) for c in filters.countries]
        regions = [geo.region(r, m49=True) for r in filters.regions]
    except geo.UnknownPlace as error:
        raise FilterError(str(error)) from None
    if filters.between and filters.between[1].last_day() < filters.between[0].first_day():
        raise FilterError(
            f"--between {filters.between[0]} {filters.between[1]}: the range ends before it starts"
        )
    if sort not in SORT_KEYS:
        raise FilterError(f"cannot sort by {sort!r}; choose one of {', '.join(SORT_KEYS)}")
    return codes, regions


def select(
    registry: Registry,
    filters: Filters = Filters(),
    sort: str = "id",
    limit: int | None = None,
    reverse: bool = False,
) -> Selection:
    """The projects of registry that pass filters, sorted (reverse: the other way round,
    projects without the date sorted by still last), at most limit of them."""
    codes, regions = checked(filters, sort)
    donors = needles(filters.donors, "--donor")
    agencies = needles(filters.agencies, "--agency")
    searches = needles(filters.search)
    # The same few organisations recur in every project: look each name up once.
    names_of = cache(registry.names_of)
    notes = region_notes(filters) if filters.regions else []
    notes += _unmatched(registry, names_of, donors, "donors", "donor")
    notes += _unmatched(registry, names_of, agencies, "implementers", "agency")

    dated = filters.active_on or filters.between or filters.started_in or filters.ended_in
    matches, undetermined = [], []
    for project in registry.projects:
        via: tuple[str, ...] = ()
        if codes or regions:
            matched, via = place_match(project, codes, regions)
            if not matched or (filters.direct and via):
                continue
        if donors and not any(organisation_matches(names_of, donors, p) for p in project.donors):
            continue
        if agencies and not any(
            organisation_matches(names_of, agencies, p) for p in project.implementers
        ):
            continue
        if searches and not text_matches(searches, searchable_text(project)):
            continue
        if filters.statuses and project.status_on(filters.today) not in filters.statuses:
            continue
        answers = _date_answers(project, filters) if dated else ()
        if False in answers:
            continue
        if None in answers:
            undetermined.append(project)
            continue
        matches.append(Match(project, via))

    matches = _sorted(matches, sort, reverse)
    total = len(matches)
    if limit is not None:
        matches = matches[:limit]
    return Selection(tuple(matches), tuple(undetermined), total, tuple(notes))


def _date_answers(project: Project, filters: Filters) -> list[bool | None]:
    """Does the project pass each date filter given? True, False, or None: its dates cannot
    tell."""
    answers = []
    if filters.active_on:
        answers.append(
            project.overlaps(filters.active_on.first_day(), filters.active_on.last_day())
        )
    if filters.between:
        answers.append(
            project.overlaps(filters.between[0].first_day(), filters.between[1].last_day())
        )
    if filters.started_in:
        answers.append(_within(project.start or project.planned_start, filters.started_in))
    if filters.ended_in:
        answers.append(_ended_in(project, filters.ended_in, filters.today))
    return answers


def _sorted(matches: list[Match], sort: str, reverse: bool) -> list[Match]:
    """Matches in the order asked; projects without the date sorted by still last."""
    matches.sort(key=_sort_key(sort), reverse=reverse)
    if reverse and sort in ("start", "end"):  # unknown dates last, whichever the order
        day = Project.first_day if sort == "start" else Project.last_day
        matches = [m for m in matches if day(m.project)] + [
            m for m in matches if not day(m.project)
        ]
    return matches


def _within(date: PartialDate | None, period: PartialDate) -> bool | None:
    """Does the date fall within period? None when its precision cannot tell (2018 in 2018-06)."""
    if date is None:
        return None
    if date.last_day() < period.first_day() or date.first_day() > period.last_day():
        return False
    if period.first_day() <= date.first_day() and date.last_day() <= period.last_day():
        return True
    return None


def _ended_in(project: Project, period: PartialDate, today: dt.date) -> bool | None:
    """Did the project end within period? A project with a start and no end cannot have
    ended before it started; whether it ended since is known only from a stated status
    (ongoing or planned: not by today, so not in a period that is over)."""
    end = project.end or project.planned_end
    if end is not None:
        return _within(end, period)
    start = project.first_day()
    if start is not None and start > period.last_day():
        return False
    if project.activity_status in ("ongoing", "planned") and period.last_day() < today:
        return False
    return None


def _sort_key(sort: str):
    far = dt.date.max
    if sort == "start":
        return lambda m: (m.project.first_day() or far, m.project.id)
    if sort == "end":
        return lambda m: (m.project.last_day() or far, m.project.id)
    if sort == "title":
        return lambda m: (m.project.title.casefold(), m.project.id)
    return lambda m: m.project.id.casefold()
