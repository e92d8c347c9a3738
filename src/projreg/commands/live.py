"""`fetch` and `sync`: live IATI data from d-portal or the IATI Datastore, fetched all or
nothing (fetching.py, through the one HTTP module iati_client.py) and merged into a
registry three ways (sync.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from projreg.commands import app
from projreg.commands.writing import Force
from projreg.errors import ProjregError, UsageError, WriteError
from projreg.options import settings, terminal

Timeout = Annotated[
    float,
    typer.Option("--timeout", metavar="SECONDS", help="Connect and read timeout, per request."),
]
Retries = Annotated[
    int,
    typer.Option(
        "--retries",
        metavar="N",
        help="Retries of a request after connection errors, timeouts and HTTP 429/500/502/503/504 "
        "(with backoff and jitter; Retry-After honoured).",
    ),
]
MaxPage = Annotated[
    int,
    typer.Option("--max-page-size", metavar="MB", help="Refuse a page larger than this."),
]
Endpoint = Annotated[
    str | None,
    typer.Option(
        "--endpoint",
        metavar="URL",
        help="Ask this server instead (a mirror, a test server) with the same API.",
    ),
]


Country = Annotated[
    str | None,
    typer.Option("--country", "-c", metavar="COUNTRY", help="Country name or ISO code."),
]
Publisher = Annotated[
    str | None,
    typer.Option(
        "--publisher", metavar="REF", help="The publisher's IATI organisation identifier."
    ),
]
Activities = Annotated[
    list[str] | None,
    typer.Option("--activity", metavar="ID", help="An IATI identifier; repeatable."),
]
NewFile = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="OUT.yaml", help="The new registry file."),
]
Into = Annotated[
    Path | None,
    typer.Option(
        "--into",
        metavar="REGISTRY",
        help="Merge into this registry file instead (the rules of sync --write).",
    ),
]
SourceName = Annotated[
    str,
    typer.Option(
        "--source",
        metavar="SOURCE",
        help="d-portal (its q API) or datastore (the IATI Datastore v3; its key is read "
        "from $IATI_DATASTORE_KEY and never written anywhere).",
    ),
]
PreferSourceInto = Annotated[
    bool,
    typer.Option("--prefer-source", help="With --into: take the publisher's value in a conflict."),
]
PageSize = Annotated[
    int, typer.Option("--page-size", metavar="N", help="Activities asked for per page.")
]


@app.command()
def fetch(
    ctx: typer.Context,
    country: Country = None,
    publisher: Publisher = None,
    activity: Activities = None,
    output: NewFile = None,
    into: Into = None,
    force: Force = False,
    source: SourceName = "d-portal",
    endpoint: Endpoint = None,
    prefer_source: PreferSourceInto = False,
    timeout: Timeout = 30.0,
    retries: Retries = 4,
    max_page_size: MaxPage = 300,
    page_size: PageSize = 100,
) -> None:
    """Fetch IATI activities into a registry: a country's, a publisher's, or named ones.

    Asks d-portal's q API (or the IATI Datastore) page by page until a short or
    empty page, reads each page with the IATI import of import-iati, and keeps an
    activity repeated across pages once (the copy last updated wins, and it says
    so). The filters combine; with none, it fetches everything the endpoint has.
    The registry records the query, so that `projreg sync` can ask again.

    All or nothing: until every page is in, nothing is written; a failure or
    Ctrl-C says how far it got and leaves the target file as it was. Pages
    received are kept in the cache folder, so that a rerun resumes. Requests name
    projreg in their User-Agent, and are retried with backoff.

    Examples:

    \b
      projreg fetch --country Azerbaijan -o az.yaml
      projreg fetch --publisher XM-DAC-41114 --country AZ -o undp-az.yaml
      projreg fetch --activity GB-GOV-1-300123 --activity GB-GOV-1-300124 -o two.yaml
      projreg fetch --country Georgia --into registry.yaml
      IATI_DATASTORE_KEY=... projreg fetch --source datastore --country AM -o am.yaml
    """
    target = _check_targets(output, into, force)
    query = _query(source, endpoint, country, publisher, activity, page_size)
    if into is not None:
        _same_query(into, query)
    fetched = _run(ctx, query, target, timeout, retries, max_page_size)
    returned = {p.iati_id for p in fetched.projects}
    missing = [a for a in query.activities if a not in returned]
    if missing:
        fetched.notes.append(f"not returned by the server: {', '.join(missing)}")
    if into is not None:
        _merge(ctx, into, query, fetched, (prefer_source, False, True))
    else:
        _write_new(ctx, target, query, fetched, force)  # into is None: target is output


def _check_targets(output: Path | None, into: Path | None, force: bool) -> Path:
    """The one target: a new file (never over an old one without --force), or a registry to
    merge into."""
    if output is not None and into is None:
        if output.exists() and not force:
            raise WriteError(f"{output} exists; use --force to overwrite it")
        return output
    if into is not None and output is None:
        if not into.is_file():
            raise UsageError(f"--into {into}: no such file")
        return into
    raise UsageError("give the registry to write: -o NEW.yaml, or --into REGISTRY")


def _query(source, endpoint, country, publisher, activity, page_size):
    """The fetch's query from its options, checked."""
    from projreg.iati import fetching

    return fetching.Query(
        source=_source(source),
        endpoint=endpoint or fetching.ENDPOINTS[_source(source)],
        country=_country(country),
        publisher=(publisher or "").strip() or None,
        activities=tuple(a.strip() for a in activity or () if a.strip()),
        page_size=_positive("--page-size", page_size),
    )


def _write_new(ctx, output: Path, query, fetched, force: bool) -> None:
    from projreg.commands.writing import write_file
    from projreg.iati.sync import registry_text

    text = registry_text(fetched.projects, _record(query, fetched), _source_line(query))
    write_file(output, text, force)
    _say(ctx, fetched, f"wrote {len(fetched.projects)} activities to {output}")


@app.command()
def sync(
    ctx: typer.Context,
    registry: Annotated[
        Path, typer.Argument(metavar="REGISTRY", help="A registry written by projreg fetch.")
    ],
    write: Annotated[bool, typer.Option("--write", help="Take the changes into the file.")] = False,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when anything changed upstream.")
    ] = False,
    prefer_source: Annotated[
        bool,
        typer.Option("--prefer-source", help="In a conflict, take the publisher's value."),
    ] = False,
    prune: Annotated[
        bool,
        typer.Option("--prune", help="Delete activities no longer published (else marked)."),
    ] = False,
    endpoint: Endpoint = None,
    timeout: Timeout = 30.0,
    retries: Retries = 4,
    max_page_size: MaxPage = 300,
) -> None:
    """Fetch a registry's recorded query again and show, or take in, what changed.

    Shows activities added upstream, activities no longer published, and each
    changed field with old → new, as `projreg diff` says them. It is a three-way
    merge (base: what the last fetch wrote, kept in the registry's `fetched`
    record; yours: the file now; the publisher's: the new fetch): a field only the
    publisher changed is updated, one you edited by hand is kept and, where the
    publisher changed it too, listed as a conflict. Projects you added by hand are
    never touched; an activity no longer published is marked with a note, or
    deleted with --prune. --write keeps the file's comments and layout where
    nothing changed; a second sync finds nothing to do.

    Examples:

    \b
      projreg sync az.yaml
      projreg sync az.yaml --exit-code > /dev/null || echo "az.yaml is behind"
      projreg sync az.yaml --write
      projreg sync az.yaml --write --prefer-source --prune
    """
    if not registry.is_file():
        raise UsageError(f"{registry}: no such file")
    record = _fetched_record(registry)
    query = _recorded_query(registry, record, endpoint)
    from projreg.registry.load import load_registry

    ours = load_registry(
        registry, use_cache=settings(ctx).use_cache
    )  # a broken file: before asking
    fetched = _run(ctx, query, registry, timeout, retries, max_page_size)
    changed = _merge(ctx, registry, query, fetched, (prefer_source, prune, write), record, ours)
    if exit_code and changed:
        raise typer.Exit(1)


# --- helpers --------------------------------------------------------------------------------


def _recorded_query(registry: Path, record: dict, endpoint: str | None):
    """The query the registry's `fetched` record holds (--endpoint: asked of another server)."""
    from projreg.iati import fetching
    from projreg.iati.sync import SyncError

    try:
        query = fetching.Query.from_record(record)
    except (TypeError, ValueError, AttributeError):
        raise SyncError(f"{registry}: fetched: not the record projreg fetch wrote") from None
    if endpoint:
        query = fetching.Query(**{**query.__dict__, "endpoint": endpoint})
    if query.source not in fetching.ENDPOINTS:
        raise SyncError(f"{registry}: fetched: unknown source {query.source!r}")
    return query


def _source(text: str) -> str:
    from projreg.iati import fetching

    word = text.strip().lower().replace("_", "-")
    word = {"dportal": fetching.DPORTAL, "d-portal": fetching.DPORTAL}.get(word, word)
    if word not in fetching.ENDPOINTS:
        raise UsageError(f"unknown --source {text!r}; choose d-portal or datastore")
    return word


def _country(text: str | None) -> str | None:
    from projreg.model import geo

    if not text:
        return None
    try:
        return geo.country_code(text)
    except geo.UnknownPlace as error:
        raise UsageError(str(error)) from None


def _positive(name: str, value: int) -> int:
    if value < 1:
        raise UsageError(f"{name} must be 1 or more")
    return value


def _settings(query, timeout: float, retries: int, max_page_size: int):
    from projreg.iati import fetching
    from projreg.iati.client import Settings

    if timeout <= 0:
        raise UsageError("--timeout must be more than 0 seconds")
    if retries < 0:
        raise UsageError("--retries must be 0 or more")
    headers: tuple[tuple[str, str], ...] = ()
    if query.source == fetching.DATASTORE:
        key = os.environ.get(fetching.DATASTORE_KEY_ENV, "").strip()
        if not key:
            raise UsageError(
                f"the IATI Datastore needs a key: set ${fetching.DATASTORE_KEY_ENV} "
                "(it is read from there only, and never written)"
            )
        headers = ((fetching.DATASTORE_KEY_HEADER, key),)
    return Settings(
        timeout=timeout,
        retries=retries,
        max_bytes=_positive("--max-page-size", max_page_size) * 1024 * 1024,
        headers=headers,
    )


def _run(ctx, query, target: Path, timeout, retries, max_page_size):
    """The whole fetch, or one line saying how far it got and that target is unchanged."""
    from projreg.iati import fetching
    from projreg.iati.client import Session
    from projreg.registry.files import cache_folder

    session = Session(_settings(query, timeout, retries, max_page_size))
    unchanged = f"{target} unchanged" if target.exists() else f"{target} not written"
    cache = cache_folder() if settings(ctx).use_cache else None
    progress = _progress(terminal(ctx))
    try:
        with progress:
            return fetching.fetch(query, session, progress, cache)
    except fetching.FetchError as error:
        raise ProjregError(f"{error}; {unchanged}") from None
    except KeyboardInterrupt:
        of = f" of ~{progress.pages}" if progress.pages else ""
        where = f"page {progress.page}{of} (offset {progress.offset})"
        raise ProjregError(f"interrupted at {where}; {unchanged}") from None


class _Quiet:
    """Progress for a pipe: remembers where the fetch is, draws nothing."""

    page, offset, pages = 1, 0, None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starting(self, page: int, offset: int, pages: int | None = None) -> None:
        self.page, self.offset, self.pages = page, offset, pages

    def page_done(self, page: int, activities: int) -> None: ...

    def received(self, size: int) -> None: ...


class _Bar(_Quiet):
    """Rich's progress on stderr: pages, activities, bytes, time taken (the total is unknown)."""

    def __init__(self, term):
        self.term = term

    def __enter__(self):
        from rich.console import Console
        from rich.progress import (
            DownloadColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            DownloadColumn(),
            TimeElapsedColumn(),
            console=Console(
                stderr=True, force_terminal=True, width=self.term.width, no_color=self.term.no_color
            ),
            transient=True,
        )
        self._bar.__enter__()
        self._task = self._bar.add_task("page 1", total=None)
        self._activities = 0
        return self

    def __exit__(self, *exc):
        return self._bar.__exit__(*exc)

    def starting(self, page: int, offset: int, pages: int | None = None) -> None:
        super().starting(page, offset, pages)
        of = f" of ~{pages}" if pages else ""
        self._bar.update(self._task, description=f"page {page}{of}, {self._activities} activities")

    def page_done(self, page: int, activities: int) -> None:
        self._activities = activities

    def received(self, size: int) -> None:
        self._bar.advance(self._task, size)


def _progress(term):
    return _Bar(term) if term.stderr_tty else _Quiet()


def _record(query, fetched) -> dict:
    return {**query.record(), "at": fetched.at, "count": len(fetched.projects)}


def _source_line(query) -> str:
    words = [f"{k}={v}" for k, v in query.record().items() if k not in ("source", "endpoint")]
    what = ", ".join(words) or "everything"
    return f"Fetched from IATI ({query.source}, {query.endpoint}): {what}"


def _say(ctx, fetched, last: str) -> None:
    note = sys.stderr.write
    if fetched.resumed:
        note(
            f"resumed an interrupted fetch: {fetched.resumed} of {fetched.pages} pages kept from it\n"
        )
    if fetched.repeats:
        many = "activity was" if fetched.repeats == 1 else "activities were"
        note(f"{fetched.repeats} {many} repeated across pages (kept once)\n")
    for line in fetched.notes:
        note(f"{line}\n")
    for where, why in fetched.skipped:
        note(f"skipped {where}: {why}\n")
    note(f"{last}\n")


def _same_query(path: Path, query) -> None:
    """--into a registry fetched before: only with the query it records (sync asks that one
    again, and would take another query's activities for unpublished ones)."""
    from projreg.iati import fetching
    from projreg.iati.sync import SyncError

    try:
        record = _fetched_record(path)
    except SyncError:
        return  # a hand-kept registry
    try:
        recorded = fetching.Query.from_record(record).record()
    except (TypeError, ValueError, AttributeError):
        raise SyncError(f"{path}: fetched: not the record projreg fetch wrote") from None
    if recorded != query.record():
        words = ", ".join(f"{k}={v}" for k, v in recorded.items() if k != "source")
        raise UsageError(
            f"{path} was fetched with another query ({words}); "
            "run projreg sync on it, or fetch into a registry of its own"
        )


def _counts(plan) -> str:
    changes, conflicts = len(plan.changes), len(plan.conflicts)
    return (
        f"{changes} change{'' if changes == 1 else 's'}, "
        f"{conflicts} conflict{'' if conflicts == 1 else 's'}"
    )


def _fetched_record(path: Path) -> dict:
    """The registry's `fetched` record, read plainly (the file is checked when loaded). The
    record is the file's last top-level key as fetch writes it: its lines alone are read."""
    from projreg.iati.sync import SyncError
    from projreg.registry import yamlsafe

    text = path.read_bytes().decode("utf-8", errors="replace")
    at = text.find("\nfetched:")
    data = yamlsafe.load_fast(text[at + 1 :]) if at >= 0 else None
    if not isinstance(data, dict) or not isinstance(data.get("fetched"), dict):
        data = yamlsafe.load_fast(text)
    if not isinstance(data, dict):
        import yaml

        try:
            data, _duplicates = yamlsafe.load(text)
        except (yaml.YAMLError, yamlsafe.Refused):
            data = None
    record = data.get("fetched") if isinstance(data, dict) else None
    if not isinstance(record, dict):
        raise SyncError(
            f"{path}: no 'fetched' record: it was not written by projreg fetch "
            "(fetch --into adds fetched activities to a hand-kept registry)"
        )
    return record


def _merge(ctx, path: Path, query, fetched, how, record=None, ours=None) -> bool:
    """Plan the merge; print it; write it when asked (how: prefer_source, prune, write).
    Whether anything changed."""
    import datetime as dt

    from projreg.iati import sync
    from projreg.registry.files import write_text_atomically
    from projreg.registry.load import load_registry

    prefer_source, prune, write = how
    if ours is None:
        ours = load_registry(path, use_cache=settings(ctx).use_cache)
    if record is None:
        try:
            record = _fetched_record(path)
        except sync.SyncError:
            record = {}  # fetch --into a hand-kept registry: no base yet
    plan = sync.plan(ours, record, fetched.projects, prefer_source, prune)
    for line in plan.lines():
        sys.stdout.write(line + "\n")
    changed = bool(plan.changes)
    base_moved = record.get("base") != plan.base if record else True
    if not write:
        _say(
            ctx,
            fetched,
            _counts(plan) + ("; sync --write takes them in" if changed else ""),
        )
        return changed
    if not changed and not base_moved and not plan.conflicts:
        _say(ctx, fetched, f"{path} is up to date")
        return False
    text = path.read_bytes().decode("utf-8")
    today = dt.date.today().isoformat()
    new_text = sync.apply(text, plan, _record(query, fetched), today)
    try:
        write_text_atomically(path, new_text, force=True, mode=os.stat(path).st_mode)
    except OSError as error:
        raise WriteError(f"cannot write {path}: {error.strerror or error}") from None
    _say(
        ctx,
        fetched,
        f"wrote {path}: {_counts(plan)}",
    )
    return changed
