"""`new`: add a project skeleton to a registry file, keeping its comments and layout."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from projreg.commands import app
from projreg.errors import UsageError, WriteError
from projreg.options import Source, registry_options


def _many(values: list[str] | None) -> tuple[str, ...]:
    """Repeated options, each also split at ';' (names may hold commas)."""
    return tuple(part.strip() for v in values or () for part in v.split(";") if part.strip())


@app.command()
@registry_options
def new(
    source: Source,
    file: Annotated[
        Path | None,
        typer.Argument(
            metavar="[FILE]",
            help="The registry file to add to. Default: the registry in use, if it is one file.",
            show_default=False,
        ),
    ] = None,
    project_id: Annotated[str | None, typer.Option("--id", metavar="ID", help="The new project's id (unique).")] = None,
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT", help="Its full title.")] = None,
    acronym: Annotated[str | None, typer.Option("--acronym", metavar="TEXT", help="Its short name.")] = None,
    start: Annotated[str | None, typer.Option("--start", metavar="DATE", help="Start: 2019, 2019-01, January 2019 or 2019-01-15.")] = None,
    end: Annotated[str | None, typer.Option("--end", metavar="DATE", help="End, in the same forms.")] = None,
    country: Annotated[list[str] | None, typer.Option("--country", "-c", metavar="COUNTRY", help="A country it works in (name or ISO code); repeat, or separate with ;.")] = None,
    donor: Annotated[list[str] | None, typer.Option("--donor", "-d", metavar="NAME", help="A donor; repeat, or separate with ;.")] = None,
    implementer: Annotated[list[str] | None, typer.Option("--implementer", "-i", metavar="NAME", help="An implementing organisation; repeat, or separate with ;.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the entry, change nothing.")] = False,
) -> None:  # fmt: skip
    """Add a project skeleton to a registry file.

    The values are checked first (dates as `check` reads them, countries by
    name or ISO code, the id unique as `show` matches ids), then the project is
    added at the end of the file's `projects` list. Every byte already in the
    file is kept (comments, quoting, indentation, line ends); the entry is
    written in the file's own style, under a lock (FILE.lock), atomically, and
    never over a file changed meanwhile. A FILE that does not exist yet is made:
    a registry of that one project, with the line editors use to check it. Missing
    --id or --title are asked for on a terminal (with the other fields);
    elsewhere they must be given. The entry added is printed.

    Examples:

    \b
      projreg new registry.yaml --id BOMCA-10 --title "Border Management in Central Asia, phase 10"
        --start 2021-01 --country Kazakhstan --donor "European Union" --implementer ICMPD
      projreg new registry.yaml   # asks for each field
      projreg new fresh.yaml --id SAHEL-1 --title "Sahel border posts"   # a new registry
    """
    from projreg.registry import newproject as np

    target = _target(file, source)
    registry = _whole_registry(source, target)
    # Skeleton's keyword arguments: id and title may still be None until _complete asks.
    values: dict[str, Any] = {
        "id": np.check_id(project_id, registry) if project_id is not None else None,
        "title": np.check_text("title", title) if title is not None else None,
        "acronym": np.check_text("acronym", acronym) if acronym else None,
        "start": np.check_date("start", start) if start else None,
        "end": np.check_date("end", end) if end else None,
        "countries": tuple(np.check_country(c) for c in _many(country)),
        "donors": _many(donor),
        "implementers": _many(implementer),
    }
    values = _complete(values, source, registry, np)
    np.check_dates(values["start"], values["end"])
    _add(source, target, np.Skeleton(**values), dry_run)


def _target(file: Path | None, source: Source) -> Path:
    """The file to add to: FILE, else the registry in use when it is one file (made when it
    does not exist, in a folder that does)."""
    from projreg.registry.load import ENV_VAR

    target = Path(file or source.path or os.environ.get(ENV_VAR) or "")
    if not file and (not str(target) or target == Path()):
        raise UsageError("name the registry file to add to (FILE or --registry)")
    if target.is_dir():
        raise UsageError(f"{target} is a folder: name the file in it to add the project to")
    if not target.exists() and not target.parent.is_dir():
        raise UsageError(f"{target}: no folder {target.parent} to make it in")
    return target


def _whole_registry(source: Source, target: Path):
    """The registry the file belongs to (its folder, if that is the registry in use): ids
    must be unique across it. An empty one for a file not made yet (in no such folder)."""
    from projreg.model.project import Registry
    from projreg.registry.load import ENV_VAR, load_registry

    in_use = source.path or os.environ.get(ENV_VAR)
    if in_use and Path(in_use).is_dir() and target.parent.resolve() == Path(in_use).resolve():
        return load_registry(Path(in_use), use_cache=source.use_cache)
    if not target.exists():
        return Registry(projects=())
    return load_registry(target, use_cache=source.use_cache)


def _complete(values: dict, source: Source, registry, np) -> dict:
    """Missing --id or --title asked for on a terminal (with the other fields)."""
    missing = [name for name in ("id", "title") if values[name] is None]
    if not missing:
        return values
    from projreg.options import terminal as terminal_of

    term = source.terminal or terminal_of(None)
    if not term.stdin_tty:
        raise UsageError(
            f"missing {' and '.join('--' + m for m in missing)} "
            "(asked for only when stdin is a terminal)"
        )
    return _ask(values, registry, np)


def _add(source: Source, target: Path, skeleton, dry_run: bool) -> None:
    """Under the file's lock (git's FILE.lock): read it, add the entry, write it back,
    unless another writer changed it meanwhile."""
    from projreg.commands.writing import write_error
    from projreg.registry import newproject as np
    from projreg.registry.files import LockedFile

    try:
        with LockedFile(target, create=True) as locked:
            if locked.data is None:
                new_text, entry = np.new_file(skeleton)
            else:
                np.check_id(skeleton.id, _whole_registry(source, target))  # added meanwhile?
                new_text, entry = np.add_project(_decode(target, locked.data), skeleton)
            sys.stdout.write(entry)
            if dry_run:
                sys.stderr.write(f"dry run: {target} not changed\n")
                return
            locked.commit(new_text.encode("utf-8"))
    except OSError as error:
        raise write_error(target, error) from None
    if locked.data is None:
        sys.stderr.write(f"created {target} with {skeleton.id}\n")
    else:
        sys.stderr.write(f"added {skeleton.id} to {target}\n")


def _decode(target: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise WriteError(f"{target}: not UTF-8 text (byte {error.start + 1})") from None


def _ask(values: dict, registry, np) -> dict:
    """Ask on the terminal for every field not given; an empty answer skips an optional one."""

    def asking(check):
        def proc(text):
            try:
                return check(text)
            except UsageError as error:
                raise typer.BadParameter(str(error)) from None

        return proc

    def ask(label, check, optional=True):
        return typer.prompt(
            label, default="" if optional else None, show_default=False,
            value_proc=asking(lambda t: (check(t) if t.strip() else None) if optional else check(t)),
        )  # fmt: skip

    questions = {
        "id": ("Id", lambda t: np.check_id(t, registry), False),
        "title": ("Title", lambda t: np.check_text("title", t), False),
        "acronym": ("Acronym (optional)", lambda t: np.check_text("acronym", t), True),
        "start": ("Start, e.g. 2019-01 (optional)", lambda t: np.check_date("start", t), True),
        "end": ("End (optional)", lambda t: np.check_date("end", t), True),
        "countries": ("Countries, separated by ; (optional)", lambda t: tuple(np.check_country(c) for c in _many([t])), True),
        "donors": ("Donors, separated by ; (optional)", lambda t: _many([t]), True),
        "implementers": ("Implementers, separated by ; (optional)", lambda t: _many([t]), True),
    }  # fmt: skip
    out = dict(values)
    for name, (label, check, optional) in questions.items():
        if not out[name]:
            answer = ask(label, check, optional)
            if answer is not None:  # None: an optional question left blank
                out[name] = answer
    return out
