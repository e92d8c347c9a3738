"""`projreg check`: every problem of a registry, and warnings about suspicious data.

Errors come from loading (load.py, decode.py). Warnings are for data that loads but
is probably wrong: a status the dates contradict, a title used twice, names of
one organisation written two ways. (A country listed twice is caught on loading.)
"""

from __future__ import annotations

import datetime as dt
import re

from projreg.model.problems import Problem, RegistryError
from projreg.model.project import Origin, Project, Registry
from projreg.model.text import fold, invisible_characters
from projreg.registry.load import load_registry


def check(paths=None, today: dt.date | None = None) -> list[Problem]:
    """All errors and warnings of the registry at paths (default: the registry in use)."""
    today = today or dt.date.today()
    try:
        # Warnings point at lines: read with positions, not from the cache.
        registry = load_registry(paths, use_cache=False, fast=False)
    except RegistryError as error:
        # Every error, and the warnings about every project that did load, in one run.
        found = list(error.problems)
        if error.registry is not None:
            found += warnings(error.registry, today)
        return sorted(found, key=_order)
    return sorted([*registry.warnings, *warnings(registry, today)], key=_order)


def _order(problem: Problem):
    return (problem.file, problem.line, problem.column)


def warnings(registry: Registry, today: dt.date) -> list[Problem]:
    found = []
    for project in registry.projects:
        if project.activity_status == "ongoing" and project.end and project.end.last_day() < today:
            found.append(
                _warning(
                    project,
                    "activity_status",
                    f"status says ongoing but the project ended in {project.end.human()}",
                    "set activity_status to completed, or correct the end",
                )
            )
    found += _published(registry.projects)
    found += _invisible(registry.projects)
    found += _same_titles(registry.projects)
    found += _organisation_spellings(registry)
    found += _transaction_types(registry.projects)
    return found


def _warning(project: Project, field: str, message: str, hint: str, place=None) -> Problem:
    origin = _origin(project)
    line, column = origin.of(place or field)
    return Problem(origin.file, line, column, message, hint, project.id, field, "warning")


def _origin(project: Project) -> Origin:
    assert project.origin is not None  # check reads files: every project knows its place
    return project.origin


def _published(projects) -> list[Problem]:
    """Values a publisher wrote that the rules reject, kept as published: warnings, not errors."""
    found = []
    for project in projects:
        for index, kept in enumerate(project.published):
            found.append(
                _warning(
                    project,
                    "published",
                    f"{kept.field}: {_shown(kept.value)} kept as published"
                    + (f" ({kept.problem})" if kept.problem else ""),
                    "a publisher's value: correct it at the source, or remove the entry",
                    f"published[{index}]",
                )
            )
    return found


def _shown(value: str | None, limit: int = 60) -> str:
    if value is None:
        return "nothing"
    return repr(value) if len(value) <= limit else f"{value[:limit]!r}… ({len(value):,} characters)"


_PEOPLE = ("donors", "implementers", "programme_partners", "extending", "accountable")


def _invisible(projects) -> list[Problem]:
    """Titles and names with characters that show as nothing: they look like another name."""
    found = []
    for project in projects:
        texts = [("title", "title", project.title), ("acronym", "acronym", project.acronym)]
        for field in _PEOPLE:
            for index, participant in enumerate(getattr(project, field)):
                texts.append((field, f"{field}[{index}]", participant.name))
        for field, place, text in texts:
            hidden = invisible_characters(text or "")
            if hidden:
                found.append(
                    _warning(
                        project,
                        field,
                        f"{text!r} contains invisible characters ({', '.join(hidden)}): "
                        "it looks like a name it is not",
                        "delete them (they show as nothing, so retype the text around them)",
                        place,
                    )
                )
    return found


def _transaction_types(projects) -> list[Problem]:
    """A transaction whose type is none of IATI's counts in no total: say so."""
    from difflib import get_close_matches

    from projreg.model.schema import TRANSACTION_TYPES

    found = []
    for project in projects:
        for index, transaction in enumerate(project.transactions):
            if transaction.type in TRANSACTION_TYPES:
                continue
            close = get_close_matches(transaction.type, TRANSACTION_TYPES, n=1)
            found.append(
                _warning(
                    project,
                    "transactions",
                    f"transaction type {transaction.type!r} is not one projreg knows: "
                    "no total counts it, and export leaves it out",
                    (f"did you mean {close[0]}? " if close else "")
                    + f"the types are {', '.join(TRANSACTION_TYPES)}",
                    f"transactions[{index}]",
                )
            )
    return found


def _same_titles(projects) -> list[Problem]:
    seen: dict[str, Project] = {}
    found = []
    for project in projects:
        key = " ".join(fold(project.title).split())
        if key in seen:
            first = seen[key]
            found.append(
                _warning(
                    project,
                    "title",
                    f"same title as {first.id} ({first.origin})",
                    "if they are different projects, make the titles say how",
                )
            )
        else:
            seen[key] = project
    return found


def _organisation_spellings(registry: Registry) -> list[Problem]:
    """Names that differ only in case, spacing or invisible characters: 'ICMPD' and 'Icmpd'."""
    first: dict[str, tuple[str, str]] = {}  # squashed name -> (spelling, where)
    for org in registry.organisations:
        for name in (org.name, *org.aliases):
            first.setdefault(_squash(name), (name, "organisations"))
    found = []
    for project in registry.projects:
        for field in _PEOPLE:
            for index, participant in enumerate(getattr(project, field)):
                if not participant.name:
                    continue
                line, column = _origin(project).of(f"{field}[{index}]")
                here = f"{_origin(project).file}:{line}"
                spelling, where = first.setdefault(
                    _squash(participant.name), (participant.name, here)
                )
                if spelling != participant.name:
                    found.append(
                        Problem(
                            _origin(project).file,
                            line,
                            column,
                            f"{participant.name!r} and {spelling!r} ({where}) differ only in case, spacing or invisible characters",
                            "write the name the same way everywhere",
                            project.id,
                            field,
                            "warning",
                        )
                    )
    return found


def _squash(name: str) -> str:
    return re.sub(r"\s+", "", fold(name))
