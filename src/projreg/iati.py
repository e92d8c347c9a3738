"""IATI activity XML: reading activities (2.0x and the 1.0x forms) into projects,
and writing projects as an IATI 2.03 `iati-activities` document.

Reading never guesses: what a file leaves empty stays unknown, with a note. XML
is parsed with defusedxml, so entity expansion and external entities are
refused. Writing takes from the caller what IATI requires and the registry
does not hold (the reporting organisation, the identifier prefix), and skips,
naming why, a project that lacks what IATI requires and we may not invent.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import geo
from .dates import DateError, PartialDate, parse_date
from .errors import ProjregError
from .model import Budget, Link, Participant, Project, Sector

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# participating-org roles: 2.0x codes and the 1.0x words.
ROLES = {"1": "donors", "2": "accountable", "3": "extending", "4": "implementers"}
ROLE_WORDS = {"funding": "1", "accountable": "2", "extending": "3", "implementing": "4"}
# activity-date types: 2.0x codes and the 1.0x words.
DATE_TYPES = {"start-planned": "1", "start-actual": "2", "end-planned": "3", "end-actual": "4"}
STATUS_FROM_CODE = {
    "1": "planned",
    "2": "ongoing",
    "3": "completed",
    "4": "completed",
    "5": "cancelled",
    "6": "suspended",
}
STATUS_TO_CODE = {
    "planned": "1",
    "ongoing": "2",
    "completed": "4",
    "cancelled": "5",
    "suspended": "6",
}
OUR_REGION_VOCABULARY = "99"  # IATI RegionVocabulary 99: the reporting organisation's own


class IatiError(ProjregError, ValueError):
    """A file that is not IATI activity XML, or that XML safety forbids."""


@dataclass
class ImportResult:
    projects: list[Project] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why)
    files: int = 0


# --- reading --------------------------------------------------------------------------------


def read_activities(path: str) -> tuple[ElementTree.Element, list[ElementTree.Element]]:
    """The root and activity elements of an IATI file; raises IatiError with a clear reason."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, parse

    try:
        root = parse(path, forbid_dtd=False, forbid_entities=True, forbid_external=True).getroot()
    except DefusedXmlException as error:
        name = getattr(error, "name", None)
        source = getattr(error, "sysid", None)
        what = (
            f"the entity {name!r}" + (f" from {source}" if source else "") if name else str(error)
        )
        raise IatiError(
            f"{path}: refused: the file declares {what}; "
            "projreg does not expand XML entities or follow external references"
        ) from None
    except ParseError as error:
        raise IatiError(f"{path}: not well-formed XML: {error}") from None
    except OSError as error:
        raise IatiError(f"{path}: cannot read: {error.strerror or error}") from None
    if root.tag == "iati-activity":
        return root, [root]
    if root.tag != "iati-activities":
        raise IatiError(f"{path}: not an IATI activities file (the root element is <{root.tag}>)")
    return root, root.findall("iati-activity")


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


def _date_of(element: ElementTree.Element, end: bool, notes: list[str], default_lang: str):
    """A PartialDate from an activity-date or period element, at the precision its text gives."""
    iso = (element.get("iso-date") or (element.text or "")).strip()[:10]
    if not iso:
        return None
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        notes.append(f"Unreadable date {iso!r} left out.")
        return None
    # Our own export writes the date as people say it ("July 2014") beside the day
    # IATI requires; when that text names the period the day belongs to, keep its precision.
    for _lang, text in _texts(element, default_lang):
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
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip("-.")
    return base or "ACTIVITY"


def project_from_activity(
    activity: ElementTree.Element, default_lang: str = "en"
) -> tuple[Project | None, str | None]:
    """One activity as a Project, or (None, why it was skipped)."""
    lang = activity.get(XML_LANG) or default_lang
    identifier = " ".join((activity.findtext("iati-identifier") or "").split())
    if not identifier:
        return None, "no iati-identifier"
    notes: list[str] = []
    title, other_titles = _english(_texts(activity.find("title"), lang))
    if not title:
        return None, f"{identifier}: no title"
    notes += [f"Title ({code or 'no language'}): {text}" for code, text in other_titles]

    descriptions: dict[str, list[str]] = {}
    for description in activity.findall("description"):
        text, others = _english(_texts(description, lang))
        kind = description.get("type") or "1"
        if text:
            descriptions.setdefault(kind, []).append(text)
        notes += [f"Description type {kind} ({code}): {other}" for code, other in others]
    general, objectives = descriptions.get("1", []), descriptions.get("2", [])
    labelled = {"Acronym": None, "Programme": None}  # what our own export writes as type 4
    for text in descriptions.get("4", []):
        label, _, value = text.partition(": ")
        if label in labelled and labelled[label] is None and value:
            labelled[label] = value
        else:
            notes.append(text)

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

    dates: dict[str, PartialDate] = {}
    for element in activity.findall("activity-date"):
        kind = (element.get("type") or "").strip()
        kind = DATE_TYPES.get(kind.casefold(), kind)
        if kind in ("1", "2", "3", "4"):
            date = _date_of(element, kind in ("3", "4"), notes, lang)
            if date:
                dates[kind] = date
    start = dates.get("2") or dates.get("1")
    end = dates.get("4") or dates.get("3")
    planned_start = dates.get("1") if "2" in dates else None
    planned_end = dates.get("3") if "4" in dates else None
    if start and end and end.last_day() < start.first_day():
        notes.append(f"The source ends ({end}) before it starts ({start}); the end is left out.")
        end = None

    status_element = activity.find("activity-status")
    status = None
    if status_element is not None:
        code = (status_element.get("code") or "").strip()
        status = STATUS_FROM_CODE.get(code)
        if code and not status:
            notes.append(f"Unknown activity-status code {code!r} left out.")

    countries = _country_codes(activity.findall("recipient-country"), notes)
    transaction_countries = [
        code
        for code in _country_codes(activity.findall("transaction/recipient-country"), notes)
        if code not in countries
    ]
    regions = []
    for element in activity.findall("recipient-region"):
        code = (element.get("code") or "").strip()
        vocabulary = (element.get("vocabulary") or "1").strip()
        name, _ = _english(_texts(element, lang))
        try:
            if vocabulary == OUR_REGION_VOCABULARY:
                regions.append(geo.region(code).name)
                continue
        except geo.UnknownPlace:
            pass
        notes.append(
            f"Recipient region {code} (vocabulary {vocabulary}){': ' + name if name else ''}."
        )

    sectors = []
    for element in activity.findall("sector"):
        code = (element.get("code") or "").strip()
        if not code:
            continue
        name, _ = _english(_texts(element, lang))
        sectors.append(
            Sector(code, element.get("vocabulary"), name, _number(element.get("percentage")))
        )

    budgets = []
    for element in activity.findall("budget"):
        value_element = element.find("value")
        value = _number(value_element.text if value_element is not None else None)
        if value is None:
            notes.append("A budget without a readable value left out.")
            continue
        currency = (
            value_element.get("currency") if value_element is not None else None
        ) or activity.get("default-currency")
        period_start = element.find("period-start")
        period_end = element.find("period-end")
        budgets.append(
            Budget(
                value,
                currency,
                _date_of(period_start, False, notes, lang) if period_start is not None else None,
                _date_of(period_end, True, notes, lang) if period_end is not None else None,
            )
        )

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

    manager = None
    for contact in activity.findall("contact-info"):
        manager, _ = _english(_texts(contact.find("person-name"), lang))
        if manager:
            break

    others = [
        o.get("ref").strip()
        for o in activity.findall("other-identifier")
        if o.get("type") == "A1" and (o.get("ref") or "").strip()
    ]
    reporting = activity.find("reporting-org")
    reporting_ref = reporting.get("ref") if reporting is not None else None
    project = Project(
        id=_readable_id(identifier, reporting_ref, others),
        title=title,
        iati_id=identifier,
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
        activity_status=status,
        sectors=tuple(sectors),
        budgets=tuple(budgets),
        manager=manager,
        links=tuple(links),
        notes=tuple(dict.fromkeys(notes)),
    )
    return project, None


def _country_codes(elements: Iterable[ElementTree.Element], notes: list[str]) -> list[str]:
    codes = []
    for element in elements:
        code = (element.get("code") or "").strip()
        if not code:
            continue
        try:
            code = geo.country_code(code)
        except geo.UnknownPlace:
            notes.append(f"Unknown recipient-country code {code!r} left out.")
            continue
        if code not in codes:
            codes.append(code)
    return codes


def _number(text) -> float | None:
    if text is None:
        return None
    try:
        value = float(str(text).strip().replace(",", ""))
    except ValueError:
        return None
    return int(value) if value.is_integer() else value


def import_files(paths: Iterable[str], progress=None) -> ImportResult:
    """Every activity of every file, as projects with unique ids; skipped ones with a reason."""
    result = ImportResult()
    seen: set[str] = set()
    for path in paths:
        root, activities = read_activities(str(path))
        result.files += 1
        default_lang = root.get(XML_LANG) or "en"
        for number, activity in enumerate(activities, 1):
            project, why = project_from_activity(activity, default_lang)
            if progress:
                progress()
            if project is None:
                result.skipped.append((f"{path}: activity {number}", why))
                continue
            unique = project.id
            suffix = 2
            while unique.casefold() in seen:
                unique, suffix = f"{project.id}-{suffix}", suffix + 1
            seen.add(unique.casefold())
            if unique != project.id:
                from dataclasses import replace

                project = replace(project, id=unique)
            result.projects.append(project)
    return result


def registry_text(result: ImportResult, files) -> str:
    """The registry file of an import, as YAML, checked to load back before anyone writes it."""
    import tempfile
    from pathlib import Path

    from .encode import registry_document, to_yaml
    from .load import load_registry
    from .problems import RegistryError

    document = registry_document(None, result.projects)
    document = {
        "source": "Imported from IATI activity files: " + ", ".join(Path(f).name for f in files),
        **document,
    }
    text = to_yaml(document)
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "imported.yaml"
        probe.write_text(text, encoding="utf-8")
        try:
            load_registry(probe, use_cache=False)
        except RegistryError as error:  # a bug in the import, not in the user's file
            raise IatiError(
                "the imported registry does not load, nothing written:\n" + error.render()
            ) from None
    return text


def count_activities(paths: Iterable[str]) -> int:
    return sum(len(read_activities(str(p))[1]) for p in paths)


# --- writing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Publisher:
    """What IATI requires and a registry does not hold: who publishes, and the id prefix."""

    ref: str
    name: str
    type: str
    prefix: str


def missing_for_iati(project: Project, today: dt.date) -> list[str]:
    """What IATI 2.03 requires of this project that the registry does not know."""
    missing = []
    if not (
        project.donors
        or project.implementers
        or project.extending
        or project.accountable
        or project.programme_partners
    ):
        missing.append("a participating organisation")
    if project.start is None and project.end is None and project.planned_start is None:
        missing.append("an activity date")
    if _status_code(project, today) is None:
        missing.append("an activity status")
    return missing


def _status_code(project: Project, today: dt.date) -> str | None:
    status = project.activity_status or project.status_on(today)
    return STATUS_TO_CODE.get(status)


def _add(parent, tag: str, text: str | None = None, **attributes) -> ElementTree.Element:
    element = ElementTree.SubElement(
        parent, tag, {k.replace("_", "-"): v for k, v in attributes.items() if v is not None}
    )
    if text is not None:
        ElementTree.SubElement(element, "narrative").text = text
    return element


def to_iati_xml(
    projects: Iterable[Project], publisher: Publisher, today: dt.date
) -> tuple[str, list[tuple[str, str]]]:
    """An IATI 2.03 document of the projects IATI can take, and (id, why) for the others."""
    root = ElementTree.Element(
        "iati-activities",
        {
            "version": "2.03",
            "generated-datetime": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        },
    )
    skipped = []
    for project in projects:
        missing = missing_for_iati(project, today)
        if missing:
            skipped.append(
                (
                    project.id,
                    "IATI requires " + " and ".join(missing) + ", which the registry does not give",
                )
            )
            continue
        _activity(root, project, publisher, today)
    ElementTree.indent(root)
    text = ElementTree.tostring(root, encoding="unicode", xml_declaration=False)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n", skipped


def _activity(root, project: Project, publisher: Publisher, today: dt.date) -> None:
    activity = ElementTree.SubElement(root, "iati-activity", {XML_LANG: "en"})
    ElementTree.SubElement(activity, "iati-identifier").text = (
        project.iati_id or f"{publisher.prefix}-{project.id}"
    )
    _add(activity, "reporting-org", publisher.name, ref=publisher.ref, type=publisher.type)
    _add(activity, "title", project.title)
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
    for kind, text in descriptions:
        if text:
            _add(activity, "description", text, type=kind)
    roles = [
        ("1", project.donors),
        ("2", (*project.accountable, *project.programme_partners)),
        ("3", project.extending),
        ("4", project.implementers),
    ]
    for role, participants in roles:
        for participant in participants:
            _add(activity, "participating-org", participant.name, ref=participant.ref, role=role)
    ElementTree.SubElement(activity, "other-identifier", {"ref": project.id, "type": "A1"})
    ElementTree.SubElement(activity, "activity-status", {"code": _status_code(project, today)})
    started = project.start is not None and project.start.first_day() <= today
    dates = [
        (
            "1",
            project.planned_start
            if project.planned_start
            else (None if started else project.start),
            False,
        ),
        ("2", project.start if started else None, False),
        (
            "3",
            project.planned_end if project.planned_end else (None if started else project.end),
            True,
        ),
        ("4", project.end if started else None, True),
    ]
    for kind, date, is_end in dates:
        if date is not None:
            day = date.last_day() if is_end else date.first_day()
            _add(activity, "activity-date", date.human(), type=kind, iso_date=day.isoformat())
    if project.manager:
        contact = ElementTree.SubElement(activity, "contact-info")
        _add(contact, "person-name", project.manager)
    for code in project.countries:
        ElementTree.SubElement(activity, "recipient-country", {"code": code})
    for region in project.regions:
        _add(activity, "recipient-region", region, code=region, vocabulary=OUR_REGION_VOCABULARY)
    for sector in project.sectors:
        percentage = None if sector.percentage is None else f"{sector.percentage:g}"
        _add(
            activity,
            "sector",
            sector.name,
            code=sector.code,
            vocabulary=sector.vocabulary,
            percentage=percentage,
        )
    for budget in project.budgets:
        if budget.start is None or budget.end is None:
            continue  # IATI requires both ends of a budget period
        element = ElementTree.SubElement(activity, "budget")
        ElementTree.SubElement(
            element, "period-start", {"iso-date": budget.start.first_day().isoformat()}
        )
        ElementTree.SubElement(
            element, "period-end", {"iso-date": budget.end.last_day().isoformat()}
        )
        value = ElementTree.SubElement(
            element,
            "value",
            {"value-date": budget.start.first_day().isoformat(), "currency": budget.currency}
            if budget.currency
            else {"value-date": budget.start.first_day().isoformat()},
        )
        value.text = f"{budget.value:g}" if isinstance(budget.value, float) else str(budget.value)
    for link in project.links:
        if not link.url:
            continue  # IATI needs an address; the registry keeps the link's text
        element = ElementTree.SubElement(
            activity,
            "document-link",
            {
                "url": link.url,
                "format": "text/html" if link.kind != "document" else "application/octet-stream",
            },
        )
        _add(element, "title", link.text or link.url)
        ElementTree.SubElement(
            element, "category", {"code": "A12" if link.kind == "website" else "A02"}
        )
