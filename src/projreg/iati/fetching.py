"""Fetching IATI activities page by page: the query (d-portal's q API, or the IATI
Datastore v3), the pages until a short or empty one, each page checked to be IATI XML
and read by the IATI import (iati.py, as `import-iati` reads a file), and activities
repeated across pages kept once.

All or nothing: `fetch` returns every activity or raises `FetchError`, which says
how far it got (page, offset); it writes nothing but the pages it received, which it
keeps in the cache folder so that a rerun of the same query resumes. Kept pages are
only ever used to finish the fetch they belong to (the same query, within an hour),
and are removed once it is complete: a kept page never changes an answer.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from projreg.errors import ProjregError
from projreg.model.project import Project

DPORTAL = "d-portal"
DATASTORE = "datastore"
ENDPOINTS = {
    DPORTAL: "https://d-portal.org/q",
    DATASTORE: "https://api.iatistandard.org/datastore/activity/select",
}
DATASTORE_KEY_ENV = "IATI_DATASTORE_KEY"  # the Datastore's subscription key; never written
DATASTORE_KEY_HEADER = "Ocp-Apim-Subscription-Key"
PAGE_SIZE = 100
RESUME_WITHIN = 3600  # seconds: older kept pages are not used


class FetchError(ProjregError):
    """A fetch that did not complete: where it stopped and why."""


@dataclass(frozen=True)
class Query:
    """What to fetch, from where; recorded in the registry so that sync can ask again."""

    source: str = DPORTAL
    endpoint: str = ENDPOINTS[DPORTAL]
    country: str | None = None  # ISO 3166 alpha-2
    publisher: str | None = None  # reporting-org ref
    activities: tuple[str, ...] = ()
    page_size: int = PAGE_SIZE

    def record(self) -> dict:
        """The query as the registry keeps it (no key, no page size unless changed)."""
        record: dict = {"source": self.source, "endpoint": self.endpoint}
        if self.country:
            record["country"] = self.country
        if self.publisher:
            record["publisher"] = self.publisher
        if self.activities:
            record["activities"] = list(self.activities)
        if self.page_size != PAGE_SIZE:
            record["page_size"] = self.page_size
        return record

    @classmethod
    def from_record(cls, record: dict) -> Query:
        source = str(record.get("source") or DPORTAL)
        return cls(
            source=source,
            endpoint=str(record.get("endpoint") or ENDPOINTS.get(source, "")),
            country=record.get("country") or None,
            publisher=record.get("publisher") or None,
            activities=tuple(str(a) for a in record.get("activities") or ()),
            page_size=int(record.get("page_size") or PAGE_SIZE),
        )

    def page_url(self, offset: int) -> str:
        if self.source == DATASTORE:
            parameters = {
                "q": self._solr(),
                "fl": "iati_identifier,iati_xml",
                "wt": "json",
                "sort": "id asc",
                "start": offset,
                "rows": self.page_size,
            }
        else:  # the format as a parameter: d-portal reads only the path's first dot-suffix
            parameters = {"form": "xml", "from": "act,country" if self.country else "act"}
            if self.country:
                parameters["country_code"] = self.country
            if self.publisher:
                parameters["reporting_ref"] = self.publisher
            if self.activities:
                parameters["aid"] = "|".join(self.activities)
            parameters |= {"orderby": "aid", "limit": self.page_size, "offset": offset}
        separator = "&" if "?" in self.endpoint else "?"
        return self.endpoint + separator + urllib.parse.urlencode(parameters)

    def _solr(self) -> str:
        terms = []
        if self.country:
            terms.append(f"recipient_country_code:{self.country}")
        if self.publisher:
            terms.append(f'reporting_org_ref:"{_solr_text(self.publisher)}"')
        if self.activities:
            ids = " OR ".join(f'"{_solr_text(a)}"' for a in self.activities)
            terms.append(f"iati_identifier:({ids})")
        return " AND ".join(terms) or "*:*"

    def key(self) -> str:
        """Names the folder of kept pages: the same query, the same pages."""
        text = json.dumps(self.record() | {"page_size": self.page_size}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:24]


def _solr_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


@dataclass
class Fetched:
    """A complete fetch: the projects (ids unique, as import-iati gives them) and what was said."""

    projects: list[Project] = field(default_factory=list)
    pages: int = 0
    activities: int = 0  # activity elements received, repeats included
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    resumed: int = 0  # pages taken from an interrupted earlier run
    expected: int | None = None  # pages, when the server says how many activities match
    page_size: int = PAGE_SIZE
    repeats: int = 0  # identical copies of an activity already held (the server's joins)
    at: str = ""  # when the fetch completed, UTC, ISO 8601


class Progress:
    """What a fetch reports as it goes; the command draws it (or not)."""

    def starting(self, page: int, offset: int, pages: int | None = None) -> None: ...

    def page_done(self, page: int, activities: int) -> None: ...

    def received(self, size: int) -> None: ...


def fetch(query: Query, session, progress: Progress | None = None, cache: Path | None = None):
    """Every page of query through session (an iati_client.Session): a Fetched, or FetchError."""
    progress = progress or Progress()
    folder = _page_folder(query, cache)
    result = Fetched(page_size=query.page_size)
    held: dict[str | None, tuple[Project, str]] = {}  # iati_id -> (project, last updated)
    offset, page = 0, 1
    while True:
        progress.starting(page, offset, result.expected)
        path, kept = _page(query, session, folder, _Where(page, offset, result.expected), progress)
        result.resumed += kept
        count = _read_page(path, page, query.page_url(offset), result, held)
        result.pages = page
        progress.page_done(page, result.activities)
        if count < query.page_size:
            break
        offset += query.page_size
        page += 1
    return _finish(result, held, folder)


@dataclass(frozen=True)
class _Where:
    page: int
    offset: int
    pages: int | None = None  # expected, when the server says how many activities match

    def __str__(self) -> str:
        of = f" of ~{self.pages}" if self.pages else ""
        return f"page {self.page}{of} (offset {self.offset})"


def _page(query: Query, session, folder: Path | None, where: _Where, progress):
    """The page's file, downloaded or kept from an interrupted run; (path, 1 if kept)."""
    from projreg.iati.client import FetchFailed

    offset = where.offset
    name = f"page-{offset:09d}.xml"
    if folder is not None and (folder / name).is_file():
        return folder / name, 1
    url = query.page_url(offset)
    keep = folder if folder is not None else Path(_scratch())
    temporary = keep / f".{name}.{os.getpid()}.part"
    try:
        session.download(url, temporary, progress.received)
        final = keep / name
        os.replace(temporary, final)
        return final, 0
    except FetchFailed as error:
        raise FetchError(f"{where}: {error}") from None
    finally:
        temporary.unlink(missing_ok=True)


_SCRATCH: list[str] = []


def _scratch() -> str:
    """A private folder for pages when no cache folder may be used; removed at exit."""
    if not _SCRATCH:
        import atexit
        import shutil
        import tempfile

        _SCRATCH.append(tempfile.mkdtemp(prefix="projreg-fetch-"))
        atexit.register(shutil.rmtree, _SCRATCH[0], True)
    return _SCRATCH[0]


def _page_folder(query: Query, cache: Path | None) -> Path | None:
    """The folder of kept pages for this query (stale pages removed), or None."""
    from projreg.registry.files import owned

    if cache is None:
        return None
    folder = cache / "fetch" / query.key()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not owned(folder):
            return None
        limit = time.time() - RESUME_WITHIN
        for old in folder.iterdir():
            if old.name.startswith(".") or old.stat().st_mtime < limit:
                old.unlink(missing_ok=True)
    except OSError:
        return None
    return folder


def _finish(result: Fetched, held: dict, folder: Path | None) -> Fetched:
    import datetime as dt
    import shutil

    from projreg.iati.activities import _unique_ids

    result.projects = _unique_ids([project for project, _updated in held.values()])
    result.at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    return result


# --- one page -------------------------------------------------------------------------------


def _page_reason(message: str, path: Path) -> str:
    """The import's message about a page without the page's file name; where it names a
    line and column (PATH:LINE:COL: not well-formed XML ...), they go after the reason."""
    import re

    located = re.match(re.escape(str(path)) + r":(\d+):(\d+): (.*)", message, re.S)
    if located:
        line, column, reason = located.groups()
        return f"{reason} (line {line}, column {column})"
    return message.removeprefix(f"{path}: ")


def _read_page(path: Path, page: int, url: str, result: Fetched, held: dict) -> int:
    """Read one page into held (iati_id -> (project, last updated)); its activity count."""
    from projreg.iati.activities import IatiError

    problem = _not_iati(path, result)
    if problem == "end":
        return 0
    if problem:
        path.unlink(missing_ok=True)
        raise FetchError(f"page {page} ({url}): {problem}, not IATI activity XML")
    try:
        count = import_page(path, page, result, held)
    except IatiError as error:
        path.unlink(missing_ok=True)
        reason = _page_reason(str(error), path)
        raise FetchError(f"page {page} ({url}): {reason}") from None
    return count


def _not_iati(path: Path, result: Fetched) -> str | None:
    """What a page that is not IATI XML is instead; "end" for d-portal's empty JSON answer."""
    with open(path, "rb") as file:
        start = file.read(512)
    text = start.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        return "an empty body"
    if text.startswith(b"{"):
        try:
            answer = json.loads(path.read_bytes())
        except ValueError:
            return "JSON that does not parse"
        if isinstance(answer, dict) and [] in (answer.get("result"), answer.get("rows")):
            return "end"  # d-portal's JSON answer past the last page
        if isinstance(answer, dict) and isinstance(answer.get("response"), dict):
            found = answer["response"].get("numFound")
            if isinstance(found, int) and found >= 0 and result.page_size:
                result.expected = max(1, -(-found // result.page_size))
            return _from_solr(path, answer["response"])
        return "a JSON answer"
    lowered = text.lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered[:200]:
        return "an HTML page"
    if not text.startswith(b"<"):
        return "text that is not XML"
    if lowered.startswith(b"<result"):
        return "a <result> wrapper (the classic Datastore's answer)"
    return None


def _from_solr(path: Path, response: dict) -> str | None:
    """The Datastore's page (Solr JSON, each activity's XML in `iati_xml`) rewritten in place
    as the activities file it carries; "end" when it has none."""
    docs = response.get("docs")
    if not isinstance(docs, list):
        return "a Solr answer without docs"
    if not docs:
        return "end"
    parts = [doc.get("iati_xml") if isinstance(doc, dict) else None for doc in docs]
    texts = [part for part in parts if isinstance(part, str) and part.strip()]
    if len(texts) < len(parts):
        return "a Solr answer without the activities' XML (iati_xml)"
    body = '<iati-activities version="2.03">\n' + "\n".join(texts) + "\n</iati-activities>\n"
    path.write_text(body, encoding="utf-8")
    return None


def import_page(path: Path, page: int, result: Fetched, held: dict) -> int:
    """One page through the IATI import, as import-iati reads a file (the one place a page
    is read). An activity seen on an earlier page is kept once: the copy last updated wins."""
    from projreg.iati import activities as iati

    count = 0
    for lang, activity in iati.iter_activities(path):
        count += 1
        result.activities += 1
        project, why = iati.project_from_activity(activity, lang)
        if project is None:
            assert why is not None  # project_from_activity gives a reason with every None
            result.skipped.append((f"page {page}: activity {count}", why))
            continue
        updated = (activity.get("last-updated-datetime") or "").strip()
        _keep(project, updated, held, result)
    return count


def _keep(project: Project, updated: str, held: dict, result: Fetched) -> None:
    earlier = held.get(project.iati_id)
    if earlier is None:
        held[project.iati_id] = (project, updated)
        return
    if earlier[0] == project:
        result.repeats += 1  # the server's joins repeat an activity: the same copy, kept once
        return
    if updated > earlier[1]:
        held[project.iati_id] = (project, updated)
        result.notes.append(
            f"{project.iati_id}: two different copies; kept the one last updated "
            f"{updated} (not {earlier[1] or 'undated'})"
        )
    else:
        result.notes.append(
            f"{project.iati_id}: two different copies; kept the one last updated "
            f"{earlier[1] or 'undated'} (not {updated or 'undated'})"
        )
