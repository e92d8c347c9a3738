"""IATI activity XML: reading activities (2.0x and the 1.0x forms) into projects,
and writing projects as an IATI 2.03 `iati-activities` document.

Reading never guesses: what a file leaves empty stays unknown, with a note. XML
is parsed one activity at a time, so memory grows with the largest activity (and an
emptied element per activity), not with the activities' contents: a file
with a DTD by defusedxml (entity declarations and external entities are refused),
one without (which cannot declare an entity) by the standard library's C parser. Money is read as
decimal text (xs:decimal: `1,5` is not a number there, so it becomes a note) and
written back digit for digit; planned dates stay planned, actual ones actual.
Writing takes each project's own reporting organisation, and from the caller what
a project does not hold; it skips, naming why, a project that lacks what IATI
requires and we may not invent, and the document always validates against the
IATI 2.03 schema.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, Literal, TypeVar

from projreg.errors import ProjregError
from projreg.iati import transactions as iati_transactions
from projreg.model import geo
from projreg.model.dates import FIRST_YEAR, DateError, PartialDate, parse_date
from projreg.model.project import Budget, Link, Participant, Project, Published, Sector
from projreg.model.text import NOT_XML

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# participating-org roles: 2.0x codes and the 1.0x words.
ROLES = {"1": "donors", "2": "accountable", "3": "extending", "4": "implementers"}
ROLE_WORDS = {"funding": "1", "accountable": "2", "extending": "3", "implementing": "4"}
# activity-date types: 2.0x codes and the 1.0x words.
DATE_TYPES = {"start-planned": "1", "start-actual": "2", "end-planned": "3", "end-actual": "4"}
# description types: 2.0x codes and the 1.0x words; a 1.0x description without a type is General.
DESCRIPTION_TYPES = {"general": "1", "objectives": "2", "target groups": "3", "other": "4"}
BUDGET_TYPES = {"1": "original", "2": "revised", "original": "original", "revised": "revised"}
BUDGET_TYPE_CODES = {"original": "1", "revised": "2"}
# SectorVocabulary: the 2.03 codes, and the 1.0x words that became one of them.
SECTOR_VOCABULARIES = frozenset(
    ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "98", "99")
)
SECTOR_WORDS = {"dac": "1", "dac-3": "2", "ro": "99", "ro2": "98"}
STATUS_FROM_CODE = {
    "1": "planned",
    "2": "ongoing",
    "3": "finalisation",
    "4": "completed",
    "5": "cancelled",
    "6": "suspended",
}
STATUS_TO_CODE = {
    "planned": "1",
    "ongoing": "2",
    "finalisation": "3",
    "completed": "4",
    "cancelled": "5",
    "suspended": "6",
}
OUR_REGION_VOCABULARY = "99"  # IATI RegionVocabulary 99: the reporting organisation's own
DAC_REGION_VOCABULARY = "1"  # IATI RegionVocabulary 1: the OECD DAC regions (geo.dac_regions)
# ASCII digits only: Arabic-Indic or fullwidth digits are not xs:decimal, and are kept as written.
_XS_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
# xs:date (and the date part of xs:dateTime), with an optional time zone: 2019-01-31Z.
_XS_DATE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)
_DATE_FIELDS = {"1": "planned_start", "2": "start", "3": "planned_end", "4": "end"}
MAX_DIGITS = 40  # more digits than any amount or share: kept as published, not as a number
# Characters XML 1.0 cannot hold, even escaped.


class IatiError(ProjregError, ValueError):
    """A file that is not IATI activity XML, or that XML safety forbids."""


@dataclass(frozen=True)
class ImportWarning:
    """A value an activity published that the registry's rules reject; it was kept."""

    activity: str  # the iati-identifier
    field: str
    value: str | None
    problem: str | None

    def line(self) -> str:
        why = f" ({self.problem})" if self.problem else ""
        return f"{self.activity}: {self.field}: {shown(self.value)} kept as published{why}"


def shown(value: str | None, limit: int = 60) -> str:
    """A published value for a message: quoted, and cut (saying its length) when long."""
    if value is None:
        return "nothing"
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}… ({len(value):,} characters)"


@dataclass
class ImportResult:
    projects: list[Project] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why)
    files: int = 0
    activities: int = 0

    @property
    def warnings(self) -> list[ImportWarning]:
        """Every value kept as published, activity by activity (from the projects' own lists)."""
        return [
            ImportWarning(_iati_id(p), k.field, k.value, k.problem)
            for p in self.projects
            for k in p.published
        ]


def _iati_id(project: Project) -> str:
    """The iati-identifier of an imported project (project_from_activity gives each one)."""
    if project.iati_id is None:
        raise ValueError(f"{project.id}: not an imported project (it has no iati_id)")
    return project.iati_id


# --- reading --------------------------------------------------------------------------------

ACTIVITY_ROOTS = ("iati-activities", "iati-activity", "result")  # result: the Datastore's wrapper
MAX_UNSEEKABLE = 1 << 30  # a pipe or device is read into memory: up to 1 GiB
GZIP_MAGIC = b"\x1f\x8b"  # a gzip stream starts so, whatever the file is called


def _source(source, name: str):
    """(handle, may it declare entities) for a path, `-` (standard input) or bytes.

    A regular file is read as it is parsed; a pipe, a device, standard input or a
    file that says it is empty (/proc) is read into memory first, up to MAX_UNSEEKABLE.
    """
    import io
    import os
    import stat
    import sys

    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if data.startswith(GZIP_MAGIC):
            return _gunzipped(io.BytesIO(data), name)
        return io.BytesIO(data), _declares(data[:4], data)
    try:
        if str(source) == "-":
            data = sys.stdin.buffer.read(MAX_UNSEEKABLE + 1)  # read, never closed: not ours
            handle = None
        else:
            handle = open(source, "rb")  # noqa: SIM115 (the caller closes it)
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(21, "is a folder")
            if stat.S_ISREG(info.st_mode) and info.st_size > 0:
                if handle.read(2) == GZIP_MAGIC:
                    return _gunzipped(handle, name)
                handle.seek(0)
                return handle, _may_declare_entities(handle)
        if handle is not None:
            with handle:
                data = handle.read(MAX_UNSEEKABLE + 1)
    except OSError as error:
        raise IatiError(f"{name}: cannot read: {error.strerror or error}") from None
    if len(data) > MAX_UNSEEKABLE:
        raise IatiError(f"{name}: more than {MAX_UNSEEKABLE >> 20} MB from a pipe or device")
    if data.startswith(GZIP_MAGIC):
        return _gunzipped(io.BytesIO(data), name)
    return io.BytesIO(data), _declares(data[:4], data)


def _gunzipped(raw, name: str):
    """(handle, may it declare entities) for gzipped XML (an IATI dump, `.xml.gz`): read as
    it is parsed, never whole. The whole stream is checked first, as the DTD is looked
    for, so a corrupt or cut file is refused before anything is read from it."""
    import gzip
    import zlib

    raw.seek(0)
    handle = gzip.GzipFile(fileobj=raw, mode="rb")
    try:
        return handle, _may_declare_entities(handle)
    except (OSError, EOFError, zlib.error) as error:
        handle.close()
        raw.close()
        raise IatiError(f"{name}: not a readable gzip file: {error}") from None


def _declares(start: bytes, data) -> bool:
    if not start or start.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in start:
        return True
    return data.find(b"<!DOCTYPE") >= 0


def _json_page(handle, name: str) -> bool:
    """True for d-portal's empty answer `{"result":[],...}` (no activities); IatiError for other JSON."""
    import json

    head = handle.read(64).lstrip()
    handle.seek(0)
    if not head.startswith(b"{"):
        return False
    try:
        answer = json.loads(handle.read())
    except ValueError:
        answer = None
    if isinstance(answer, dict) and answer.get("result") == []:
        return True
    raise IatiError(f"{name}: JSON, not IATI activity XML")


def iter_activities(path, progress=None, name: str | None = None):
    """(default language, activity) for each activity of a file, parsed one at a time.

    path is a file, `-` (standard input) or the bytes of a page, plain or gzipped (told by
    the gzip's first bytes; read as it is parsed, never whole). Activities may sit in
    an iati-activities root, be the root, or come inside the Datastore's <result>
    wrapper. Each activity is emptied once the caller has it (its empty element stays in
    its parent: about 100 bytes each). progress(bytes read) is called after each one.
    Raises IatiError with a clear reason (not well-formed XML: with line and column).
    """
    name = name or ("standard input" if str(path) == "-" else str(path))
    import contextlib

    handle, declares = _source(path, name)
    raw = getattr(handle, "fileobj", None)  # a gzip stream's file: closed with it
    with raw or contextlib.nullcontext(), handle:
        if handle.seekable() and _json_page(handle, name):
            return
        yield from _activities(handle, declares, name, progress)


def _activities(handle, declares: bool, name: str, progress):
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, iterparse

    try:
        lang = _root_language(handle, name, declares)
        if declares:
            events = iterparse(
                handle,
                events=("end",),
                forbid_dtd=False,
                forbid_entities=True,
                forbid_external=True,
            )
        else:  # no DTD, so no entity can be declared: the C parser is safe, and 3x faster
            events = ElementTree.iterparse(handle, events=("end",))
        yield from _walk(events, lang, handle, progress)
    except DefusedXmlException as error:
        entity = getattr(error, "name", None)
        source = getattr(error, "sysid", None)
        what = (
            f"the entity {entity!r}" + (f" from {source}" if source else "")
            if entity
            else str(error)
        )
        raise IatiError(
            f"{name}: refused: the file declares {what}; "
            "projreg does not expand XML entities or follow external references"
        ) from None
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))  # expat counts columns from 0
        reason = str(error).partition(":")[0]
        raise IatiError(f"{name}:{line}:{column + 1}: not well-formed XML: {reason}") from None
    except LookupError as error:  # an encoding Python does not know
        raise IatiError(
            f"{name}: the file declares an encoding projreg cannot read ({error})"
        ) from None


def _root_language(handle, name: str, declares: bool) -> str:
    """The default language, after checking the root is IATI's (or the Datastore's wrapper).

    Reads the start of the file with a parser of its own (defusedxml's when the file has
    a DTD), up to the first activity, then rewinds.
    """
    if declares:  # a DTD: the probe too is the parser that refuses entities
        from defusedxml.ElementTree import DefusedXMLParser

        parser = ElementTree.XMLPullParser(
            events=("start",),
            _parser=DefusedXMLParser(
                target=ElementTree.TreeBuilder(),
                forbid_dtd=False,
                forbid_entities=True,
                forbid_external=True,
            ),
        )
    else:
        parser = ElementTree.XMLPullParser(events=("start",))
    lang, root = "en", None
    while True:
        chunk = handle.read(1 << 16)
        if chunk:
            parser.feed(chunk)
        for event in parser.read_events():
            element = event[-1]
            if not isinstance(element, ElementTree.Element):
                continue  # only start events were asked for: each carries its element
            if root is None:
                root = element.tag
                if root not in ACTIVITY_ROOTS:
                    raise IatiError(
                        f"{name}: not an IATI activities file (the root element is <{root}>)"
                    )
            if element.tag == "iati-activities":
                lang = element.get(XML_LANG) or lang
            if element.tag in ("iati-activity", "iati-activities"):
                handle.seek(0)
                return lang
        if not chunk:
            handle.seek(0)
            return lang


def _walk(events, lang: str, handle, progress):
    """Each iati-activity, emptied once the caller has it (its shell stays in the tree)."""
    read = getattr(handle, "fileobj", None) or handle  # gzip: bytes read of the file itself
    for _event, element in events:
        if element.tag != "iati-activity":
            continue
        yield lang, element
        if progress:
            progress(read.tell())
        element.clear()


def _may_declare_entities(handle) -> bool:
    """Could the file declare entities? Only a DTD can, and a DTD needs `<!DOCTYPE`.

    A file in an encoding where that text may not appear as ASCII bytes (UTF-16,
    UTF-32) counts as may. Such files are read by defusedxml, which refuses entities.
    """
    start = handle.read(4)
    handle.seek(0)
    if not start:
        return True
    if start.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in start:
        return True
    # Read a megabyte at a time (a map of the whole file would count it all as memory).
    tail = b""
    try:
        while chunk := handle.read(1 << 20):
            if (tail + chunk).find(b"<!DOCTYPE") >= 0:
                return True
            tail = chunk[-8:]
        return False
    finally:
        handle.seek(0)


def _texts(element: ElementTree.Element | None, default_lang: str) -> list[tuple[str, str]]:
    """(language, text) of an element: its <narrative>s (2.0x) or its own text (1.0x)."""
    if element is None:
        return []
    narratives = element.findall("narrative")
    items = narratives if narratives else [element]
    out = []
    for item in items:
        text = " ".join((item.text or "").split())
        if text:
            out.append(((item.get(XML_LANG) or default_lang or "").lower(), text))
    return out


def _english(texts: list[tuple[str, str]]) -> tuple[str | None, list[tuple[str, str]]]:
    """The English text (or the first one when none is English), and the others."""
    if not texts:
        return None, []
    chosen = next((t for t in texts if t[0] in ("en", "")), texts[0])
    return chosen[1], [t for t in texts if t is not chosen]


def _date_of(element: ElementTree.Element, end: bool, lang: str, kept: list, field: str):
    """A PartialDate from an activity-date or period element, at the precision its text gives.

    A date the registry cannot hold (not an xs:date, before the year 1000, digits other
    than 0-9) is kept as published in `kept`, with the field it belongs to; None then.
    """
    written = element.get("iso-date")
    iso = (written if written is not None else (element.text or "")).strip()
    if not iso:
        return None
    match = _XS_DATE.fullmatch(iso)
    if match is None:
        # 1.0x files may give a period as text only (`<period-start>2012</period-start>`):
        # the text names the period, at its own precision.
        if written is None and iso.isascii():
            try:
                return parse_date(iso)
            except DateError:
                pass
        kept.append(Published(field, iso, "not a date (IATI writes YYYY-MM-DD)"))
        return None
    try:
        day = dt.date(*map(int, match.groups()))
    except ValueError:
        kept.append(Published(field, iso, "no such day"))
        return None
    if day.year < FIRST_YEAR:
        kept.append(Published(field, iso, f"a year before {FIRST_YEAR}"))
        return None
    # Our own export writes the date as people say it ("July 2014") beside the day
    # IATI requires; when that text names the period the day belongs to, keep its precision.
    words = _texts(element, lang) if len(element) or (element.text or "").strip() else ()
    for _lang, text in words:
        if text.startswith(match.group(0)[:10]) or len(text) > 40:
            break  # the day itself (1.0x writes it as the text), or prose: day precision
        try:
            partial = parse_date(text)
        except DateError:
            continue
        if (partial.last_day() if end else partial.first_day()) == day:
            return partial
    return PartialDate.from_date(day)


def _readable_id(identifier: str, reporting_ref: str | None, others: list[str]) -> str:
    """Our id: the reporting organisation's own identifier (type A1), or the IATI one unprefixed."""
    if others:
        base = others[0]
    elif reporting_ref and identifier.startswith(reporting_ref + "-"):
        base = identifier[len(reporting_ref) + 1 :]
    else:
        base = identifier
    return _id_text(base)


def _id_text(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "ACTIVITY"


def decimal_of(text: str | None) -> Decimal | None:
    """An xs:decimal text as an exact Decimal (spaces ignored); None when it is not one.

    xs:decimal has no thousands separator and no decimal comma, so `1,5` and
    `1,000` are not read: one could be 1.5 or 15, the other 1 or 1000.
    """
    if text is None:
        return None
    text = "".join(str(text).split())
    if len(text) > MAX_DIGITS + 2 or not _XS_DECIMAL.fullmatch(text):
        return None
    return Decimal(text)


def _percentage(value: Decimal) -> int | float:
    """A percentage as the registry holds it (a number; whole numbers as int)."""
    return int(value) if value == value.to_integral_value() else float(value)


def sector_vocabulary(vocabulary: str | None) -> str | Literal[False] | None:
    """The 2.03 SectorVocabulary code of a vocabulary as written (2.0x code or 1.0x word).

    None when none is written (IATI's default, 1); False when it has no 2.03 code.
    """
    if vocabulary is None or not vocabulary.strip():
        return None
    vocabulary = vocabulary.strip()
    if vocabulary in SECTOR_VOCABULARIES:
        return vocabulary
    return SECTOR_WORDS.get(vocabulary.casefold(), False)


def project_from_activity(
    activity: ElementTree.Element, default_lang: str = "en"
) -> tuple[Project | None, str | None]:
    """One activity as a Project, or (None, why it was skipped): only for want of an identifier.

    Each part of the activity is read by its own function below. A value the registry's
    rules reject is kept verbatim in the project's `published` list (field, value,
    problem); what a part does not map to becomes a note.
    """
    lang = activity.get(XML_LANG) or default_lang
    identifier = " ".join((activity.findtext("iati-identifier") or "").split())
    if not identifier:
        return None, "no iati-identifier"
    notes: list[str] = []
    kept: list[Published] = []
    title, other_titles = _english(_texts(activity.find("title"), lang))
    if not title:  # the registry needs a title: the identifier stands in, and is said
        title = identifier
        kept.append(Published("title", None, "no title: the iati-identifier stands in for it"))
    notes += [f"Title ({code or 'no language'}): {text}" for code, text in other_titles]
    descriptions, labelled = _descriptions_of(activity, lang, notes)
    general, objectives = descriptions.get("1", []), descriptions.get("2", [])
    people = _participants_of(activity, lang, notes)
    reporting, reporting_ref = _reporting_org_of(activity, lang)
    start, end, planned_start, planned_end = _activity_dates(activity, lang, kept)
    countries, transaction_countries, regions = _geography_of(activity, lang, notes, kept)
    project = Project(
        id=_readable_id(identifier, reporting_ref, _other_identifiers(activity)),
        title=title,
        iati_id=identifier,
        reporting_org=reporting,
        acronym=labelled["Acronym"],
        programme=labelled["Programme"],
        summary="\n".join(general) or None,
        objective=objectives[0] if objectives else None,
        specific_objectives=tuple(objectives[1:]),
        target_groups=tuple(descriptions.get("3", [])),
        implementers=tuple(people["implementers"]),
        donors=tuple(people["donors"]),
        extending=tuple(people["extending"]),
        accountable=tuple(people["accountable"]),
        countries=tuple(countries),
        transaction_countries=tuple(transaction_countries),
        regions=tuple(dict.fromkeys(regions)),
        start=start,
        end=end,
        planned_start=planned_start,
        planned_end=planned_end,
        activity_status=_status_of(activity, kept),
        sectors=tuple(_sectors_of(activity, lang, notes, kept)),
        budgets=tuple(_budgets_of(activity, lang, notes, kept)),
        manager=_manager_of(activity, lang),
        links=tuple(_links_of(activity, lang)),
        **iati_transactions.read(activity, lang, notes),
        notes=tuple(dict.fromkeys(notes)),
        published=tuple(kept),
        dataset=_dataset_of(activity),
    )
    return project, None


def _descriptions_of(activity, lang: str, notes: list[str]):
    """Descriptions by 2.03 type code, and the labelled ones our own export writes (type 4)."""
    descriptions: dict[str, list[str]] = {}
    for description in activity.findall("description"):
        text, others = _english(_texts(description, lang))
        written = (description.get("type") or "").strip()
        kind = DESCRIPTION_TYPES.get(written.casefold(), written) or "1"
        if kind not in ("1", "2", "3", "4"):
            notes += [f"Description (type {written}): {t}" for _c, t in _texts(description, lang)]
            continue
        if text:
            descriptions.setdefault(kind, []).append(text)
        notes += [f"Description type {kind} ({code}): {other}" for code, other in others]
    # What our own export writes as type 4:
    labelled: dict[str, str | None] = {"Acronym": None, "Programme": None}
    for text in descriptions.get("4", []):
        label, _, value = text.partition(": ")
        if label in labelled and labelled[label] is None and value:
            labelled[label] = value
        else:
            notes.append(text)
    return descriptions, labelled


def _participants_of(activity, lang: str, notes: list[str]) -> dict[str, list[Participant]]:
    """Participating organisations by our role name (donors, accountable, ...)."""
    people: dict[str, list[Participant]] = {name: [] for name in ROLES.values()}
    for org in activity.findall("participating-org"):
        role = (org.get("role") or "").strip()
        role = ROLE_WORDS.get(role.casefold(), role)
        name, _ = _english(_texts(org, lang))
        ref = (org.get("ref") or "").strip() or None
        if role not in ROLES:
            notes.append(
                f"Participating organisation {name or ref or '(unnamed)'} with role {role or '(none)'} left out."
            )
            continue
        if not name and not ref:
            notes.append(
                f"A participating organisation with role {role} has neither a name nor a ref."
            )
            continue
        if not name:
            notes.append(f"The organisation {ref} ({ROLES[role]}) has no name in the source.")
        people[ROLES[role]].append(Participant(name, ref=ref))
    return people


def _reporting_org_of(activity, lang: str) -> tuple[tuple[Participant, ...], str | None]:
    """(the reporting organisation as a one-item tuple or (), its ref)."""
    reporting = activity.find("reporting-org")
    if reporting is None:
        return (), None
    ref = (reporting.get("ref") or "").strip() or None
    name, _ = _english(_texts(reporting, lang))
    kind = (reporting.get("type") or "").strip() or None
    if name or ref:
        return (Participant(name, ref=ref, type=kind),), ref
    return (), ref


def _activity_dates(activity, lang: str, kept: list):
    """(actual start, actual end, planned start, planned end): planned stays planned.

    An end before its start is kept as published (both dates), and named in `kept`.
    """
    dates: dict[str, PartialDate] = {}
    for element in activity.findall("activity-date"):
        kind = (element.get("type") or "").strip()
        kind = DATE_TYPES.get(kind.casefold(), kind)
        if kind in ("1", "2", "3", "4"):
            date = _date_of(element, kind in ("3", "4"), lang, kept, _DATE_FIELDS[kind])
            if date:
                dates[kind] = date
    # Planned dates stay planned and actual ones actual; queries fall back from one to the other.
    start, end = dates.get("2"), dates.get("4")
    planned_start, planned_end = dates.get("1"), dates.get("3")
    for first, last, name in ((start, end, "end"), (planned_start, planned_end, "planned_end")):
        if first and last and last.last_day() < first.first_day():
            kept.append(Published(name, last.iso(), f"before the start ({first.iso()})"))
    return start, end, planned_start, planned_end


def _status_of(activity, kept: list) -> str | None:
    status_element = activity.find("activity-status")
    if status_element is None:
        return None
    code = (status_element.get("code") or "").strip()
    status = STATUS_FROM_CODE.get(code)
    if code and not status:
        kept.append(Published("activity_status", code, "not an ActivityStatus code (1 to 6)"))
    return status


def _geography_of(activity, lang: str, notes: list[str], kept: list):
    """(countries, countries only transactions name, regions) of an activity.

    Country codes that are not ISO 3166 and regions in vocabularies the registry's
    regions do not hold are kept as published in `kept`, verbatim.
    """
    countries = _country_codes(activity.findall("recipient-country"), kept, notes)
    transaction_countries = [
        code
        for code in _country_codes(activity.findall("transaction/recipient-country"), None, notes)
        if code not in countries
    ]
    regions = _regions(activity.findall("recipient-region"), lang, notes, kept)
    regions += [
        r
        for r in _regions(activity.findall("transaction/recipient-region"), lang, notes, None)
        if r not in regions
    ]
    return countries, transaction_countries, regions


def _sectors_of(activity, lang: str, notes: list[str], kept: list) -> list[Sector]:
    sectors: list[Sector] = []
    for element in activity.findall("sector"):
        code = (element.get("code") or "").strip()
        name, _ = _english(_texts(element, lang))
        written = element.get("vocabulary")
        if not code:
            notes.append(
                f"A sector without a code ({name or 'no name'}"
                f"{', vocabulary ' + written if written else ''}) left out."
            )
            continue
        vocabulary = sector_vocabulary(written)
        percentage = element.get("percentage")
        if vocabulary is False:
            notes.append(
                f"Sector {code}{' ' + name if name else ''} in vocabulary {written.strip()}"
                f"{f' ({percentage}%)' if percentage is not None else ''}: "
                "not an IATI 2.03 sector vocabulary."
            )
            continue
        value = decimal_of(percentage)
        if percentage is not None and (value is None or not 0 <= value <= 100):
            why = "not a decimal" if value is None else "not a percentage from 0 to 100"
            kept.append(Published(f"sectors[{len(sectors)}].percentage", percentage.strip(), why))
            value = None
        sectors.append(
            Sector(code, vocabulary, name, None if value is None else _percentage(value))
        )
    return sectors


def _budgets_of(activity, lang: str, notes: list[str], kept: list) -> list[Budget]:
    budgets: list[Budget] = []
    for element in activity.findall("budget"):
        value_element = element.find("value")
        text = (value_element.text if value_element is not None else None) or ""
        value = decimal_of(text)
        if value is None:
            if text and text.strip():
                kept.append(Published("budgets", text.strip(), "the value is not a decimal"))
            else:
                notes.append("A budget without a value left out.")
            continue
        written = (element.get("type") or "").strip()
        kind = BUDGET_TYPES.get(written.casefold()) if written else None
        if written and kind is None:
            notes.append(f"Budget type {written!r} (not 1 or 2) of a budget of {text.strip()}.")
        currency = ((value_element.get("currency") or "").strip() or None) or activity.get(
            "default-currency"
        )
        where = f"budgets[{len(budgets)}]"
        period_start = element.find("period-start")
        period_end = element.find("period-end")
        budgets.append(
            Budget(
                value,
                currency,
                None
                if period_start is None
                else _date_of(period_start, False, lang, kept, where + ".start"),
                None
                if period_end is None
                else _date_of(period_end, True, lang, kept, where + ".end"),
                kind,
            )
        )
    return budgets


def _links_of(activity, lang: str) -> list[Link]:
    links = []
    for element in activity.findall("document-link"):
        url = (element.get("url") or "").strip() or None
        text, _ = _english(_texts(element.find("title"), lang))
        categories = {c.get("code") for c in element.findall("category")}
        kind = "website" if "A12" in categories else "document"
        if url or text:
            links.append(Link(text, url, kind))
    for element in activity.findall("activity-website"):  # 1.0x
        url = (element.text or "").strip()
        if url:
            links.append(Link(None, url, "website"))
    return links


def _manager_of(activity, lang: str) -> str | None:
    for contact in activity.findall("contact-info"):
        manager, _ = _english(_texts(contact.find("person-name"), lang))
        if manager:
            return manager
    return None


def _other_identifiers(activity) -> list[str]:
    """The reporting organisation's own identifiers (other-identifier type A1)."""
    return [
        o.get("ref").strip()
        for o in activity.findall("other-identifier")
        if o.get("type") == "A1" and (o.get("ref") or "").strip()
    ]


def _dataset_of(activity) -> str | None:
    """The dataset a d-portal page names for the activity (its dstore:dataset attribute)."""
    for name, value in activity.attrib.items():
        if name.endswith("}dataset") and value.strip():
            return value.strip()
    return None


def _regions(elements, lang: str, notes: list[str], kept: list | None) -> list[str]:
    """Region names of recipient-region elements: DAC regions (vocabulary 1) and our own (99).

    Any other region (another vocabulary, or a code the vocabulary does not have) is
    kept as published, with its vocabulary and vocabulary-uri. kept=None (transactions):
    every region is a note, since the registry's regions are the activity's own.
    """
    regions = []
    for element in elements:
        code = (element.get("code") or "").strip()
        vocabulary = (element.get("vocabulary") or DAC_REGION_VOCABULARY).strip()
        name, _ = _english(_texts(element, lang))
        region = None
        if vocabulary == DAC_REGION_VOCABULARY:
            region = geo.dac_region(code)
        elif vocabulary == OUR_REGION_VOCABULARY and code in geo.REGION_NAMES:
            region = geo.region(code)
        if region is not None and kept is not None:
            regions.append(region.name)
        elif kept is not None and code:
            uri = (element.get("vocabulary-uri") or "").strip() or None
            why = f"a region in vocabulary {vocabulary}" + (f": {name}" if name else "")
            kept.append(Published("regions", code, why, element.get("vocabulary"), uri))
        else:
            named = name or (region.name if region is not None else None)
            notes.append(
                f"Transaction recipient region {code or '(no code)'} (vocabulary {vocabulary})"
                f"{': ' + named if named is not None else ''}."
            )
    return regions


_COUNTRIES: dict[str, str | None] = {}  # a published code -> its ISO 3166 code, or None


def _iso_country(code: str) -> str | None:
    """The ISO 3166 alpha-2 code a published two-letter code names; None for any other text.

    Looked up once per code (without the suggestions a person would be shown).
    """
    if code not in _COUNTRIES:
        found = None
        if len(code) == 2 and code.isascii():
            try:
                found = geo.country_code(code)
            except geo.UnknownPlace:
                found = None
        if len(_COUNTRIES) < 10_000:
            _COUNTRIES[code] = found
        return found
    return _COUNTRIES[code]


def _country_codes(elements, kept: list | None, notes: list[str]) -> list[str]:
    """ISO 3166 codes of recipient-country elements; any other code kept as published.

    kept=None (transactions): any other code is a note instead.
    """
    codes = []
    for element in elements:
        code = (element.get("code") or "").strip()
        if not code:
            continue
        found = _iso_country(code)
        if found is None:
            if kept is not None:
                kept.append(Published("countries", code, "not an ISO 3166 country code"))
            else:
                notes.append(f"Unknown recipient-country code {code!r} left out.")
            continue
        if found not in codes:
            codes.append(found)
    return codes


def import_files(paths: Iterable[str], progress=None) -> ImportResult:
    """Every activity of every file, as projects with unique ids; skipped ones with a reason.

    Each file is parsed once, one activity at a time; `-` is standard input. Only an
    activity without an iati-identifier is skipped. The same iati-identifier twice
    (in one file or several) is kept once: the one with the later
    last-updated-datetime (the first one on a tie), and the other is named in skipped.
    Ids do not depend on the order of the files: see _unique_ids. progress(done, total)
    is called with bytes read after each activity.
    """
    return _read_files(paths, progress, _Importer()).result()


def _read_files(paths: Iterable[str], progress, collector: _Collected) -> _Collected:
    """Every activity of every file, read into the collector (see import_files)."""
    import os

    paths = [str(p) for p in paths]
    sizes = []
    for path in paths:
        try:
            sizes.append(os.path.getsize(path) if path != "-" else 0)
        except OSError:
            sizes.append(0)
    total, before = sum(sizes), 0
    for path, size in zip(paths, sizes, strict=True):
        advance = (lambda done, before=before: progress(before + done, total)) if progress else None
        collector.read(iter_activities(path, advance), "standard input" if path == "-" else path)
        before += size
    return collector


def import_page(data: bytes, name: str = "page") -> ImportResult:
    """The activities of one page of IATI XML (or d-portal's empty JSON answer), given as bytes.

    The library entry point for a fetch: call it for each page, and read .projects,
    .warnings (values kept as published) and .skipped. Raises IatiError only for a page
    that is not well-formed XML (naming line and column), not IATI, or JSON other than
    the empty answer.
    """
    importer = _Importer()
    importer.read(iter_activities(data, name=name), name)
    return importer.result()


_Held = TypeVar("_Held")  # what a collector keeps of each project until the end


class _Collector(Generic[_Held]):
    """Activities to projects, keeping one activity per iati-identifier (the last updated)."""

    def __init__(self) -> None:
        # iati_id -> (held, updated, (file, activity number)): made text only if named
        self.projects: dict[str, tuple[_Held, str, tuple[str, int]]] = {}
        self.skipped: list[tuple[str, str]] = []
        self.files = self.activities = 0

    def read(self, activities, name: str) -> None:
        self.files += 1
        for number, (lang, activity) in enumerate(activities, 1):
            self.activities += 1
            where = (name, number)
            project, why = project_from_activity(activity, lang)
            if project is None:
                assert why is not None  # project_from_activity gives a reason with every None
                self.skipped.append((_where(where), why))
                continue
            identifier = _iati_id(project)
            updated = (activity.get("last-updated-datetime") or "").strip()
            earlier = self.projects.get(identifier)
            if earlier is None:
                self.projects[identifier] = (self.hold(project), updated, where)
                continue
            kept, dropped = (earlier, (self.hold(project), updated, where))
            if updated > earlier[1]:
                kept, dropped = dropped, kept
                self.projects[identifier] = kept
            self.skipped.append(
                (
                    _where(dropped[2]),
                    f"iati-identifier {identifier} again; kept the one "
                    f"{'last updated ' + kept[1] if kept[1] else 'read first'} "
                    f"({_where(kept[2])})",
                )
            )

    def hold(self, project: Project) -> _Held:
        """What is kept of a project until the end."""
        raise NotImplementedError


_Collected = TypeVar("_Collected", bound=_Collector)


class _Importer(_Collector[Project]):
    """The projects themselves, kept in memory (import_files, import_page)."""

    def hold(self, project: Project) -> Project:
        return project

    def result(self) -> ImportResult:
        projects = _unique_ids([p for p, _updated, _where in self.projects.values()])
        return ImportResult(projects, self.skipped, self.files, self.activities)


def _where(where: tuple[str, int]) -> str:
    return f"{where[0]}: activity {where[1]}"


@dataclass(frozen=True, slots=True)  # one per activity, kept to the end: no __dict__
class _Spooled:
    """A project written to the spool: where its YAML is, and what import must remember."""

    id: str
    iati_id: str
    offset: int
    length: int
    warnings: tuple[ImportWarning, ...]


class Spool(_Collector[_Spooled]):
    """An import whose projects are written as YAML to a temporary file as they are read,
    so memory grows with the largest activity, not with the input (import-iati's path),
    but for what deciding repeats and ids needs: a few hundred bytes per activity.

    .chunks(files) gives the registry's text a project at a time, the same text
    registry_text writes for the same input.
    """

    def __init__(self) -> None:
        import tempfile

        super().__init__()
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self.size = 0
        self.memo: dict = {}

    def hold(self, project: Project) -> _Spooled:
        from projreg.registry.encode import project_yaml

        data = project_yaml(project, self.memo).encode("utf-8")
        offset = self.size  # (a seek to the end would flush the file's buffer every time)
        self.size += self.file.write(data)
        identifier = _iati_id(project)
        found = tuple(
            ImportWarning(identifier, k.field, k.value, k.problem) for k in project.published
        )
        return _Spooled(project.id, identifier, offset, len(data), found)

    @property
    def count(self) -> int:
        return len(self.projects)

    @property
    def warnings(self) -> list[ImportWarning]:
        return [w for held, _u, _w in self.projects.values() for w in held.warnings]

    def chunks(self, files):
        """The registry's text, a project at a time (ids made unique as _unique_ids does)."""
        from projreg.registry.encode import scalar_yaml

        held = [h for h, _updated, _where in self.projects.values()]
        renamed = _renames(held)
        yield f"source: {scalar_yaml(_source_line(files))}\n"
        yield "projects:\n" if held else "projects: []\n"
        for item in held:
            self.file.seek(item.offset)
            text = self.file.read(item.length).decode("utf-8")
            if item.iati_id in renamed:
                text = f"- id: {scalar_yaml(renamed[item.iati_id])}\n" + text.partition("\n")[2]
            yield text

    def close(self) -> None:
        self.file.close()


def import_spooled(paths: Iterable[str], progress=None) -> Spool:
    """import_files, with each project written to a spool as it is read (see Spool)."""
    return _read_files(paths, progress, Spool())


def _unique_ids(projects: list[Project]) -> list[Project]:
    """The projects with unique ids, whatever the order they came in (see _renames)."""
    from dataclasses import replace

    renamed = _renames(projects)
    if not renamed:
        return projects
    return [replace(p, id=renamed[p.iati_id]) if p.iati_id in renamed else p for p in projects]


def _renames(projects) -> dict[str, str]:
    """iati_id -> a new id, for the projects (anything with .id and .iati_id) whose ids clash.

    Ids are compared as the registry compares them (model.id_key: case, spaces and
    punctuation aside), so `2020-42237-0` and `2020-422-370` are told apart here; each
    project keeps its exact iati_id. An id that only one project has stays. Projects
    sharing one (several activities with the same other-identifier) each take their
    whole iati-identifier instead, and if that is taken too, the shared id with a suffix
    made from a hash of the iati-identifier: the same activity gets the same id in any
    order of files.
    """
    from projreg.model.project import id_key

    groups: dict[str, list] = {}
    for project in projects:
        groups.setdefault(id_key(project.id), []).append(project)
    taken = {key for key, group in groups.items() if len(group) == 1}
    renamed: dict[str, str] = {}
    for key in sorted(k for k, group in groups.items() if len(group) > 1):
        for project in sorted(groups[key], key=lambda p: p.iati_id):
            candidate = _id_text(project.iati_id)
            if id_key(candidate) in taken or id_key(candidate) in groups:
                digest = hashlib.sha1(project.iati_id.encode()).hexdigest()[:8]
                candidate = f"{project.id}-{digest}"
            taken.add(id_key(candidate))
            renamed[project.iati_id] = candidate
    return renamed


def registry_text(result: ImportResult, files) -> str:
    """The registry file of an import, as YAML.

    It is not read back: encode.to_yaml_direct writes only what decode reads back as the
    same projects (tests/test_iati_real.py loads what import writes with both readers and
    compares), and every value the rules reject is in `published`, not in its field.
    """
    from projreg.registry.encode import registry_document, to_yaml_direct

    document = registry_document(None, result.projects)
    document = {"source": _source_line(files), **document}
    return to_yaml_direct(document)


def _source_line(files) -> str:
    from pathlib import Path

    names = ", ".join("standard input" if str(f) == "-" else Path(f).name for f in files)
    return "Imported from IATI activity files: " + names


# --- writing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Publisher:
    """The reporting organisation for projects that hold none, and the identifier prefix."""

    ref: str | None
    name: str | None
    type: str | None
    prefix: str | None


@dataclass
class Export:
    """An IATI document, the projects left out (id, why), and notes about what was changed."""

    text: str
    skipped: list[tuple[str, str]]
    notes: list[str]
    written: int
    introduction: list[str] = field(default_factory=list)  # where identifiers came from

    def messages(self, verbose: bool = False) -> list[str]:
        """What a person reads about the export, before the line that says what was written:
        the projects left out grouped by reason (a count and the first few ids; verbose: all),
        then the notes (the first few; verbose: all)."""
        lines = list(self.introduction)
        reasons: dict[str, list[str]] = {}
        for project_id, why in self.skipped:
            reasons.setdefault(why, []).append(project_id)
        for why, ids in reasons.items():
            count = f"{len(ids)} project{'' if len(ids) == 1 else 's'}"
            lines.append(f"not exported, {count}: {why}: {_some(ids, verbose, 'ids')}")
        shown = self.notes if verbose else self.notes[:SHOWN_NOTES]
        lines += shown
        if len(shown) < len(self.notes):
            lines.append(f"... and {len(self.notes) - len(shown)} more notes (--verbose lists all)")
        return lines


SHOWN_IDS = 5  # of the projects left out for one reason, the ids named without --verbose
SHOWN_NOTES = 10


def _some(ids: list[str], verbose: bool, what: str) -> str:
    if verbose or len(ids) <= SHOWN_IDS:
        return ", ".join(ids)
    more = len(ids) - SHOWN_IDS
    return f"{', '.join(ids[:SHOWN_IDS])} and {more} more (--verbose lists all {what})"


@dataclass(frozen=True)
class ExportOptions:
    """What the caller gives an IATI export (the --reporting-org options and the others)."""

    reporting_org_ref: str | None = None
    reporting_org_name: str | None = None
    reporting_org_type: str | None = None
    id_prefix: str | None = None
    placeholder_description: str | None = None


def export_activities(projects: list[Project], options: ExportOptions, today: dt.date) -> Export:
    """The IATI document of the projects, with what a person needs to know about it.

    Raises UsageError when projects hold no reporting organisation of their own and the
    options do not give one.
    """
    from projreg.errors import UsageError

    without = [p for p in projects if needs_publisher(p)]
    given = {
        "--reporting-org-ref": options.reporting_org_ref,
        "--reporting-org-name": options.reporting_org_name,
        "--reporting-org-type": options.reporting_org_type,
    }
    missing = [name for name, value in given.items() if not value]
    if without and missing:
        raise UsageError(
            f"IATI requires a reporting organisation, which {len(without)} of the projects "
            f"do not hold; give {', '.join(missing)}"
        )
    prefix = options.id_prefix or options.reporting_org_ref
    introduction = []
    new_ids = [p for p in without if not p.iati_id]
    if new_ids:
        introduction.append(
            f"iati-identifiers of the {len(new_ids)} projects without one are "
            f"{prefix}-<project id> (set --id-prefix to change); the others keep their own."
        )
    own = len(projects) - len(without)
    if own and without:
        introduction.append(
            f"reporting-org: {own} projects name their own; {len(without)} take "
            "--reporting-org-ref/-name/-type."
        )
    publisher = Publisher(
        options.reporting_org_ref, options.reporting_org_name, options.reporting_org_type, prefix
    )
    export = to_iati_xml(projects, publisher, today, options.placeholder_description)
    export.introduction = introduction
    return export


def reporting_org(project: Project, publisher: Publisher) -> tuple[str, str, str] | None:
    """(ref, name, type) of the project's reporting organisation: its own, else the publisher's."""
    own = _own_reporting_org(project)
    if own is not None:
        ref = own.ref
        assert ref is not None  # _own_reporting_org gives only an organisation with a ref
        name = own.name if own.name is not None and _xml_text(own.name).strip() else ref
        kind = own.type or publisher.type
        return (ref, name, kind) if kind else None
    if publisher.ref and publisher.name and publisher.type:
        return publisher.ref, publisher.name, publisher.type
    return None


def _own_reporting_org(project: Project) -> Participant | None:
    own = project.reporting_org[0] if project.reporting_org else None
    return own if own is not None and _xml_text(own.ref).strip() else None


def needs_publisher(project: Project) -> bool:
    """Does the project need the --reporting-org options (it names no reporting org ref)?"""
    return _own_reporting_org(project) is None


def _descriptions(project: Project) -> list[tuple[str, str]]:
    descriptions = [("1", project.summary), ("2", project.objective)]
    descriptions += [("2", text) for text in project.specific_objectives]
    descriptions += [("3", text) for text in (*project.target_groups, *project.final_beneficiaries)]
    descriptions += [
        (
            "4",
            f"Component: {c.title}" + (f". {c.description}" if c.description else "")
            if c.title
            else c.description,
        )
        for c in project.components
    ]
    if project.acronym:
        descriptions.append(("4", f"Acronym: {project.acronym}"))
    if project.programme:
        descriptions.append(("4", f"Programme: {project.programme}"))
    if project.duration_months:
        descriptions.append(("4", f"Duration: {project.duration_months} months"))
    descriptions += [("4", note) for note in project.notes]
    return [(kind, text) for kind, text in descriptions if text and _xml_text(text).strip()]


def missing_for_iati(
    project: Project, today: dt.date, publisher: Publisher | None = None, placeholder=None
) -> list[str]:
    """What IATI 2.03 requires of this project that the registry does not know."""
    missing = []
    if publisher is not None and reporting_org(project, publisher) is None:
        missing.append("a reporting organisation with a type (give the --reporting-org options)")
    if not _xml_text(project.title).strip():
        missing.append("a title")
    if not placeholder and not _descriptions(project):
        missing.append("a description (write one, or give --placeholder-description)")
    if not (
        project.donors
        or project.implementers
        or project.extending
        or project.accountable
        or project.programme_partners
    ):
        missing.append("a participating organisation")
    if not _dates(project, today, []):
        missing.append("an activity date")
    if _status_code(project, today) is None:
        missing.append("an activity status")
    return missing


def _status_code(project: Project, today: dt.date) -> str | None:
    status = project.activity_status or project.status_on(today)
    return STATUS_TO_CODE.get(status)


def _dates(project: Project, today: dt.date, notes: list[str]) -> list[tuple[str, PartialDate]]:
    """(IATI date type, date): planned ones as 1/3, actual ones as 2/4.

    An actual date after today cannot have happened (IATI forbids it): it is written
    as the planned one when the project gives no planned date of its kind, else left
    out; either way with a note.
    """
    out = []
    for planned_kind, actual_kind, planned, actual, word in (
        ("1", "2", project.planned_start, project.start, "start"),
        ("3", "4", project.planned_end, project.end, "end"),
    ):
        if planned is not None:
            out.append((planned_kind, planned))
        if actual is None:
            continue
        day = actual.first_day()
        if day <= today:
            out.append((actual_kind, actual))
        elif planned is None:
            out.append((planned_kind, actual))
            notes.append(
                f"{project.id}: the {word} {actual.human()} is after today ({today}); "
                f"exported as the planned {word}"
            )
        else:
            notes.append(
                f"{project.id}: the actual {word} {actual.human()} is after today ({today}); "
                f"left out (the planned {word} {planned.human()} is exported)"
            )
    return out


def _xml_text(text: str | None) -> str:
    """Text without the characters XML 1.0 cannot hold."""
    return NOT_XML.sub("", text) if text else (text or "")


class _Writer:
    """Builds elements, dropping characters XML 1.0 forbids and counting them per project."""

    def __init__(self):
        self.removed = 0

    def clean(self, text):
        if text is None:
            return None
        cleaned = NOT_XML.sub("", text)
        self.removed += len(text) - len(cleaned)
        return cleaned

    def add(self, parent, tag: str, text: str | None = None, **attributes):
        element = ElementTree.SubElement(
            parent,
            tag,
            {k.replace("_", "-"): self.clean(v) for k, v in attributes.items() if v is not None},
        )
        text = self.clean(text)
        if text is not None and text.strip():
            ElementTree.SubElement(element, "narrative").text = text
        return element


# What export takes for an address (RFC 3986, after percent-encoding): a scheme with an
# optional authority whose port is digits, or a relative reference without a colon in its
# first segment. Anything else (":", "a://b:c") is not an address and is left out.
_URI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*:"  # a scheme, then
    r"(?://(?:[^/?#@]*@)?[^/?#:@]+(?::[0-9]+)?(?:[/?#][^ ]*)?"  # an authority and the rest,
    r"|(?!//)[^ ]*)"  # or a path
    r"|[^:/?#][^:/?#]*(?:[/?#][^ ]*)?"  # a relative path
    r"|(?!//)[/?#][^ ]*"
)


def _uri(text: str | None) -> str:
    """An address as an xs:anyURI (characters a URI cannot hold percent-encoded), or ''."""
    from urllib.parse import quote

    text = _xml_text(text).strip()
    text = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", text)
    text = quote(text, safe=":/?#@!$&'()*+,;=%~")
    base, hash_, fragment = text.partition("#")
    text = base + hash_ + fragment.replace("#", "%23")  # one fragment: a later # is text
    return text if _URI.fullmatch(text) else ""


def _published_geography(project: Project, add, activity) -> None:
    """Country codes and regions kept as published go back out as the publisher wrote them."""
    for kept in project.published:
        if kept.field == "countries" and kept.value:
            add(activity, "recipient-country", code=kept.value)
        elif kept.field == "regions" and kept.value:
            add(
                activity,
                "recipient-region",
                code=kept.value,
                vocabulary=kept.vocabulary,
                vocabulary_uri=_uri(kept.vocabulary_uri) or None,
            )


def decimal_text(value) -> str:
    """An amount or percentage as xs:decimal text, digit for digit, never with an exponent."""
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return format(amount, "f")


def to_iati_xml(
    projects: Iterable[Project],
    publisher: Publisher,
    today: dt.date,
    placeholder_description: str | None = None,
) -> Export:
    """An IATI 2.03 document of the projects IATI can take; the others named with why."""
    root = ElementTree.Element(
        "iati-activities",
        {
            "version": "2.03",
            "generated-datetime": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        },
    )
    skipped: list[tuple[str, str]] = []
    notes: list[str] = []
    written = 0
    placeholder = _xml_text(placeholder_description).strip() or None
    for project in projects:
        missing = missing_for_iati(project, today, publisher, placeholder)
        if missing:
            skipped.append(
                (
                    project.id,
                    "IATI requires " + " and ".join(missing) + ", which the registry does not give",
                )
            )
            continue
        writer = _Writer()
        _activity(root, project, publisher, today, writer, notes, placeholder)
        written += 1
        if writer.removed:
            notes.append(
                f"{project.id}: {writer.removed} control character"
                f"{'s' if writer.removed > 1 else ''} that XML cannot hold left out of its text"
            )
    ElementTree.indent(root)
    text = ElementTree.tostring(root, encoding="unicode", xml_declaration=False)
    return Export('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n", skipped, notes, written)


def _activity(root, project, publisher, today, writer: _Writer, notes, placeholder) -> None:
    add = writer.add
    activity = ElementTree.SubElement(root, "iati-activity", {XML_LANG: "en"})
    if project.hierarchy:
        activity.set("hierarchy", str(project.hierarchy))
    # to_iati_xml writes only projects missing_for_iati finds nothing missing in:
    # each has a reporting organisation and a status.
    organisation, status = reporting_org(project, publisher), _status_code(project, today)
    assert organisation is not None and status is not None
    ref, name, kind = organisation
    # Without --id-prefix or --reporting-org-ref, the project's own reporting org is the prefix.
    ElementTree.SubElement(activity, "iati-identifier").text = writer.clean(
        project.iati_id or f"{publisher.prefix or publisher.ref or ref}-{project.id}"
    )
    add(activity, "reporting-org", name, ref=ref, type=kind)
    add(activity, "title", project.title)
    descriptions = _descriptions(project) or [("1", placeholder)]
    for kind, text in descriptions:
        add(activity, "description", text, type=kind)
    roles = [
        ("1", project.donors),
        ("2", (*project.accountable, *project.programme_partners)),
        ("3", project.extending),
        ("4", project.implementers),
    ]
    for role, participants in roles:
        for participant in participants:
            add(activity, "participating-org", participant.name, ref=participant.ref, role=role)
    add(activity, "other-identifier", ref=project.id, type="A1")
    ElementTree.SubElement(activity, "activity-status", {"code": status})
    for kind, date in _dates(project, today, notes):
        day = date.last_day() if kind in ("3", "4") else date.first_day()
        add(activity, "activity-date", date.human(), type=kind, iso_date=day.isoformat())
    if project.manager and writer.clean(project.manager).strip():
        contact = ElementTree.SubElement(activity, "contact-info")
        add(contact, "person-name", project.manager)
    _geography(activity, project, add)
    for sector in project.sectors:
        vocabulary = sector_vocabulary(sector.vocabulary)
        if vocabulary is False:
            notes.append(
                f"{project.id}: sector {sector.code} left out: its vocabulary "
                f"{sector.vocabulary!r} is not an IATI 2.03 sector vocabulary"
            )
            continue
        percentage = None if sector.percentage is None else decimal_text(sector.percentage)
        add(
            activity,
            "sector",
            sector.name,
            code=sector.code,
            vocabulary=vocabulary,
            percentage=percentage,
        )
    _budgets(activity, project, add, notes)
    iati_transactions.write(activity, project, add, notes)
    _links(activity, project, add, notes)
    iati_transactions.write_relations(activity, project, add, notes)


def _geography(activity, project, add) -> None:
    """Recipient countries and regions (DAC regions by code, the registry's own in its
    vocabulary), then the geography kept as published."""
    for code in project.countries:
        add(activity, "recipient-country", code=code)
    for region in project.regions:
        found = geo.region(region)
        if found.code:
            add(activity, "recipient-region", found.name, code=found.code, vocabulary="1")
        else:
            add(activity, "recipient-region", region, code=region, vocabulary=OUR_REGION_VOCABULARY)
    _published_geography(project, add, activity)


def _budgets(activity, project, add, notes) -> None:
    """The budgets that have both ends of their period (IATI requires them)."""
    for budget in project.budgets:
        if budget.start is None or budget.end is None:
            notes.append(
                f"{project.id}: a budget of {decimal_text(budget.value)} left out "
                "(IATI requires both ends of its period)"
            )
            continue
        element = add(activity, "budget", type=BUDGET_TYPE_CODES.get(budget.type))
        add(element, "period-start", iso_date=budget.start.first_day().isoformat())
        add(element, "period-end", iso_date=budget.end.last_day().isoformat())
        value = add(
            element,
            "value",
            value_date=budget.start.first_day().isoformat(),
            currency=budget.currency,
        )
        value.text = decimal_text(budget.value)


def _links(activity, project, add, notes) -> None:
    """The links that have an address (IATI requires one)."""
    for link in project.links:
        url = _uri(link.url)
        if not url:  # IATI needs an address; the registry keeps the link's text
            if _xml_text(link.url).strip():
                notes.append(f"{project.id}: the link {link.url!r} is not an address; left out")
            continue
        element = add(
            activity,
            "document-link",
            url=url,
            format="text/html" if link.kind != "document" else "application/octet-stream",
        )
        add(element, "title", link.text if _xml_text(link.text).strip() else url)
        add(element, "category", code="A12" if link.kind == "website" else "A02")
