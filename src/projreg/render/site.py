"""The static portfolio site: an index with a searchable table, the map and the
timeline, a page per project, per country and per donor.

`build` returns the site as {relative path: text}; `write` puts it in a folder.
Pages come from the Jinja2 templates in templates/site/ with autoescaping on, so
registry text is always data, never markup; only http, https and mailto
addresses become links. The same registry and today give the same bytes: no
timestamps, everything sorted. The site needs no server and no network: it
works from file:// and from any static host.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from projreg.errors import WriteError
from projreg.model import geo
from projreg.model.fields import PAGE_FIELDS, Context, describe, label, record
from projreg.model.project import Project, Registry, written_country_names
from projreg.model.text import visible

MANIFEST = ".projreg-site"
_MANIFEST_HEAD = "# projreg site: the files `projreg site` wrote here (it rewrites only these)"
_ALWAYS_SHOWN = ("status", "period", "countries", "donors", "implementers", "manager")
_LINK_SCHEMES = ("http", "https", "mailto")
_UNSAFE_URL = re.compile(r"[\x00-\x20\x7f-\x9f]")
PAGE_SIZE = 50


def safe_url(url: str | None) -> str | None:
    """The address if it may become a link (http, https or mailto, nothing hidden in it)."""
    if not url or _UNSAFE_URL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _LINK_SCHEMES:
        return None
    if scheme != "mailto" and not parts.netloc:
        return None
    return url


def slug(text: str) -> str:
    """A file name for text: ASCII letters, digits and dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "x"


def _names(keys: Sequence[str]) -> dict[str, str]:
    """A distinct slug for each key; where two keys share one, a short hash tells them apart."""
    taken: dict[str, str] = {}
    result = {}
    for key in sorted(keys):
        name = slug(key)
        if name in taken or name == "index":
            name = f"{name}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:8]}"
        taken[name] = key
        result[key] = name
    return result


def donor_keys(project: Project) -> list[str]:
    return list(dict.fromkeys(key for d in project.donors if (key := d.name or d.ref)))


def _json_for_html(data) -> str:
    """JSON that may sit inside a <script> element: <, > and & as escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def _environment():
    """The templates' environment: one a process, so each template is compiled once."""
    from jinja2 import Environment, PackageLoader, StrictUndefined
    from markupsafe import Markup

    def shown(value):
        # As in the terminal: bidi, control and invisible characters become visible escapes,
        # so text cannot reorder or hide itself on the page. Our own markup passes as it is.
        return visible(value) if isinstance(value, str) and not isinstance(value, Markup) else value

    env = Environment(
        loader=PackageLoader("projreg", "templates/site"),
        autoescape=True,
        finalize=shown,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["count"] = "{:,}".format  # 10,000
    return env


class _Site:
    def __init__(self, registry: Registry, projects: Sequence[Project], today: dt.date, title: str):
        from projreg.query.reports import coverage

        self.registry, self.today, self.title = registry, today, title
        self.projects = sorted(projects, key=lambda p: (p.id.casefold(), p.id))
        self.project_names = _names([p.id for p in self.projects])
        self.coverage = coverage(self.projects)
        self.country_files = {c: _country_file(c) for c in self.coverage}
        # Per country: the projects naming it, and those reaching it through regions (which).
        self.by_country: dict[str, list[Project]] = {c: [] for c in self.coverage}
        self.via_country: dict[str, list[tuple[Project, list[str]]]] = {
            c: [] for c in self.coverage
        }
        members = {r.name: r.countries for r in geo.REGIONS}
        for p in self.projects:
            for code in p.countries:
                self.by_country[code].append(p)
            reached: dict[str, list[str]] = {}
            for region in p.regions:
                for code in members.get(region, ()):
                    if code not in p.countries:
                        reached.setdefault(code, []).append(region)
            for code, regions in reached.items():
                self.via_country[code].append((p, regions))
        donors = sorted({k for p in self.projects for k in donor_keys(p)})
        self.donor_names = _names(donors)
        self.written = written_country_names(self.projects)
        self.env = _environment()
        from projreg.query.overview import overview

        # The projects per year by status: drawn on the index and the timeline page.
        self.overview = overview(self.projects, today)

    def country_name(self, code: str) -> str:
        """The country's name as the registry wrote it ("Turkey"), else its short name."""
        return self.written.get(code) or geo.country_name(code)

    # --- links, relative to a page `depth` folders down -----------------------------------

    def project_href(self, project_id: str, root: str) -> str:
        return f"{root}projects/{self.project_names[project_id]}.html"

    def country_href(self, code: str, root: str) -> str | None:
        name = self.country_files.get(code)
        return f"{root}countries/{name}.html" if name else None

    def donor_href(self, key: str | None, root: str) -> str | None:
        name = self.donor_names.get(key) if key else None
        return f"{root}donors/{name}.html" if name else None

    # --- pages -----------------------------------------------------------------------------

    def render(self, template: str, root: str, **values) -> str:
        return self.env.get_template(template).render(
            root=root, site_title=self.title, today=self.today.isoformat(), **values
        )

    def rows(self, projects: Sequence[Project], root: str) -> list[dict]:
        """The short facts of projects, for a table on a country or donor page."""
        return [
            {
                "id": p.id,
                "title": p.title,
                "href": self.project_href(p.id, root),
                "period": _period(p),
                "status": p.status_on(self.today),
            }
            for p in projects
        ]

    def index_data(self) -> list[list]:
        members = {r.name: r.countries for r in geo.REGIONS}
        data = []
        for p in self.projects:
            places = {*p.countries, *(c for r in p.regions for c in members.get(r, ()))}
            coverage = [*p.regions, *(p.country_name(c) for c in p.countries)]
            donors = donor_keys(p)
            donors = [visible(d) for d in donors]
            data.append(
                [
                    visible(p.id),
                    visible(p.title or ""),
                    "; ".join(coverage),
                    "; ".join(donors),
                    p.starts() or "",  # the dates that answer date questions, as list
                    p.ends() or "",  # shows them: planned ones marked "(planned)"
                    p.status_on(self.today),
                    self.project_href(p.id, ""),
                    sorted(places),
                    donors,
                    visible(" ".join(x for x in (p.acronym, *p.regions) if x)),
                ]
            )
        return data

    def index(self, map_svg: str) -> str:
        countries = sorted(
            ((self.country_name(c), c) for c in self.coverage), key=lambda t: (t[0].casefold(), t)
        )
        statuses = sorted({p.status_on(self.today) for p in self.projects})
        undated = sum(1 for p in self.projects if p.first_day() is None)
        return self.render(
            "index.html",
            "",
            data="[\n" + ",\n".join(_json_for_html(row) for row in self.index_data()) + "\n]",
            count=len(self.projects),
            countries=countries,
            donors=[
                (k, self.donor_href(k, "")) for k in sorted(self.donor_names, key=str.casefold)
            ],
            statuses=statuses,
            map_svg=map_svg,
            undated=undated,
            overview_alt=self.overview_alt(),
            page_size=PAGE_SIZE,
            country_links=[(n, self.country_href(c, "")) for n, c in countries],
        )

    def overview_alt(self) -> str:
        from projreg.render.chart import overview_description

        return overview_description(self.overview)

    def timeline_page(self) -> str:
        view = self.overview
        return self.render(
            "timeline.html",
            "",
            unit="quarter" if view.quarterly else "year",
            dated=view.dated,
            undated=len(view.undated),
            overview_alt=self.overview_alt(),
        )

    def project_page(self, project: Project) -> str:
        root = "../"
        facts = record(project, PAGE_FIELDS, Context(self.today))
        items = []
        for name, value in facts.items():
            if name in ("id", "title"):
                continue
            if value in (None, [], "") and name not in _ALWAYS_SHOWN:
                continue
            items.append(
                {
                    "label": label(name),
                    "name": name,
                    "values": self.values(name, value, project, root),
                }
            )
        return self.render("project.html", root, project=project, facts=items)

    def values(self, name: str, value, project: Project, root: str) -> list[dict]:
        """A field's value as a list of {text, href, title?, paragraphs?} for the template."""
        if value is None or value == []:
            return []
        if name in ("countries", "transaction_countries"):
            codes = project.countries if name == "countries" else project.transaction_countries
            return [
                {"text": project.country_name(c), "href": self.country_href(c, root)} for c in codes
            ]
        if name == "regions":
            return [{"text": r, "href": None} for r in value]
        if name == "donors":
            return [
                {
                    "text": d.name or d.ref,
                    "href": self.donor_href(d.name or d.ref, root),
                    "extra": describe(item)[len(d.name or f"[{d.ref}]") :].strip(),
                }
                for item, d in zip(value, project.donors, strict=True)
            ]
        if name == "links":
            out = []
            for item in value:
                href = safe_url(item.get("url"))
                text = item.get("text") or item.get("url") or ""
                shown_url = item.get("url") if item.get("url") and not href else None
                out.append({"text": text, "href": href, "url": shown_url, "kind": item.get("kind")})
            return out
        if name == "components":
            return [
                {
                    "text": item.get("title") or "",
                    "paragraphs": _paragraphs(item.get("description") or ""),
                }
                for item in value
            ]
        if isinstance(value, list):
            return [
                {"text": describe(v) if isinstance(v, dict) else str(v), "href": None}
                for v in value
            ]
        text = str(value)
        return [{"text": "", "paragraphs": _paragraphs(text), "href": None}]

    def country_page(self, code: str) -> str:
        root = "../"
        direct = self.by_country[code]
        via = self.via_country[code]
        via_rows = self.rows([p for p, _ in via], root)
        for row, (_, regions) in zip(via_rows, via, strict=True):
            row["via"] = ", ".join(regions)
        return self.render(
            "group.html",
            root,
            kind="Country",
            name=self.country_name(code),
            direct=self.rows(direct, root),
            via=via_rows,
        )

    def donor_page(self, key: str) -> str:
        root = "../"
        funded = [p for p in self.projects if key in donor_keys(p)]
        return self.render(
            "group.html", root, kind="Donor", name=key, direct=self.rows(funded, root), via=None
        )


def _country_file(code: str) -> str:
    return code.lower() if re.fullmatch(r"[A-Za-z]{2}", code) else slug(code)


def _period(project: Project) -> str:
    from projreg.model.fields import period_text

    return period_text(project)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def build(
    registry: Registry,
    today: dt.date,
    projects: Sequence[Project] | None = None,
    title: str = "Project portfolio",
) -> dict[str, str]:
    """The site of the projects (all of the registry's by default) as {path: text}."""
    from projreg.render.chart import overview_svg, timeline_svg
    from projreg.render.worldmap import coverage_svg

    projects = list(registry.projects if projects is None else projects)
    site = _Site(registry, projects, today, title)
    names = {c: site.country_name(c) for c in site.coverage}
    map_svg = coverage_svg(
        site.coverage,
        title="Where the projects work",
        description=(
            f"Map of {len(projects)} projects: countries shaded by the number of projects that "
            "name them; countries covered only through a region are hatched."
        ),
        names=names,
    )
    by_start = sorted(site.projects, key=lambda p: (p.first_day() or dt.date.max, p.id))
    files = {
        "index.html": site.index(map_svg),
        "map.svg": map_svg,
        "overview.svg": overview_svg(site.overview),
        "timeline.html": site.timeline_page(),
        "timeline.svg": timeline_svg(by_start, today, by="donor"),
    }
    static = resources.files("projreg") / "templates" / "site"
    for name in ("site.css", "site.js"):
        files[name] = (static / name).read_text(encoding="utf-8")
    for project in site.projects:
        files[site.project_href(project.id, "")] = site.project_page(project)
    # Every country covered and every donor named has a file name (country_files and
    # donor_names are made from them, and a slug is never empty), so each has an address.
    for code in site.coverage:
        country = site.country_href(code, "")
        assert country is not None
        files[country] = site.country_page(code)
    for key in site.donor_names:
        donor = site.donor_href(key, "")
        assert donor is not None
        files[donor] = site.donor_page(key)
    return dict(sorted(files.items()))


def write(
    directory: str | os.PathLike, files: Mapping[str, str], force: bool = False, notes=None
) -> int:
    """Write the site into directory; returns how many files changed.

    An empty or missing folder, or one holding a site written before (it has the
    manifest), is written; files the previous site wrote and this one does not
    are removed. Any other non-empty folder is refused unless force, and even then
    nothing in it is deleted. Only regular files inside the folder are written or
    removed: a manifest line naming anything else (outside the folder, through a
    link, not a regular file) is ignored and said so in `notes` (a list); a link
    where a page goes is refused, never written through. Every file goes through
    files.write_atomically. Raises WriteError.
    """
    directory = Path(directory)
    notes = [] if notes is None else notes
    try:
        previous = _previous_site(directory, force, notes)
        targets = {relative: _site_target(directory, relative) for relative in files}
        changed = 0
        for relative, text in files.items():
            changed += _write_page(targets[relative], text.encode("utf-8"))
        for relative in sorted(set(previous) - set(files)):
            os.unlink(directory / relative)
            changed += 1
        text = "\n".join([_MANIFEST_HEAD, *files]) + "\n"
        _write_page(directory / MANIFEST, text.encode("utf-8"))
    except OSError as error:
        raise WriteError(
            f"cannot write the site into {directory}: {error.strerror or error}"
        ) from None
    return changed


def _previous_site(directory: Path, force: bool, notes: list) -> list[str]:
    """The files the manifest names that are the site's to remove: regular files inside
    directory, reached through no link. The others are named in notes and left alone."""
    if directory.exists() and not directory.is_dir():
        raise WriteError(f"{directory} is not a folder")
    manifest = directory / MANIFEST
    if not _regular(manifest):
        if os.path.lexists(manifest):
            raise WriteError(f"{manifest} is not a regular file; projreg does not read it")
        if directory.is_dir() and any(directory.iterdir()) and not force:
            raise WriteError(
                f"{directory} is not empty and holds no projreg site; "
                "use --force to write into it anyway (nothing in it is deleted)"
            )
        return []
    with open(manifest, "rb") as handle:
        lines = handle.read().decode("utf-8", "replace").splitlines()
    kept = []
    for line in lines:
        if not line or line.startswith("#"):
            continue
        why = _not_ours(directory, line)
        if why:
            notes.append(f"{MANIFEST} names {line!r}, {why}: left alone")
        elif _regular(directory / line):
            kept.append(line)
    return kept


def _not_ours(directory: Path, relative: str) -> str:
    """Why the site may not touch directory/relative, or "" if it may."""
    parts = Path(relative).parts
    if Path(relative).is_absolute() or ".." in parts or not parts or "\0" in relative:
        return "which is outside the folder"
    here = directory
    for part in parts[:-1]:
        here = here / part
        if os.path.islink(here):
            return f"which is reached through the link {here}"
    return ""


def _regular(path: Path) -> bool:
    import stat

    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _site_target(directory: Path, relative: str) -> Path:
    """Where a page goes, its folders made; WriteError if that is through a link."""
    why = _not_ours(directory, relative)
    path = directory / relative
    if not why and os.path.lexists(path) and not _regular(path):
        why = "which is not a regular file (a link is never written through)"
    if why:
        raise WriteError(f"cannot write {path}, {why}")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _write_page(path: Path, data: bytes) -> int:
    """1 if path was written, 0 if it held data already."""
    from projreg.registry.files import write_atomically

    if _regular(path):
        with open(path, "rb") as handle:
            if handle.read() == data:
                return 0
    write_atomically(path, data, force=True, follow_links=False)
    return 1
