"""The registry as an SQLite database: one table layout for `export -f sqlite` and the cache.

The layout is worked out from the format's one table (schema.PROJECT), so a new
field is still one schema row: text, count and choice fields are columns of
`projects`, a date is two columns (`start` as ISO text at its precision, and
`start_precision`), and every list is a child table keyed by (project, position):
`countries`, `regions`, `notes`, `components`, `sectors`, `budgets` (amounts as
exact TEXT), `links`... Organisations taking part (donors, implementers...) are
one table, `participations`, whose `field` names the list and whose
`organisation` points into `organisations`. `projects.first_day`/`last_day` are
the days date questions use (actual dates, else planned ones), and
`region_countries`/`country_names` make place questions answerable in plain SQL.

The cache's databases keep, of this layout, only what their queries read (`countries`
and `regions`), and add tables of their own (`projreg_listing`, `projreg_rows`...).
`Store.listing` answers `list` and `active` from `projreg_listing` without making a
Project; `Store.select` makes one for each row it returns; query.select and
fields.record are the reference both must equal (tests/test_store.py runs them
side by side). Text matching calls the library's own matcher (registered with
`create_function`), so both paths share one rule; --donor and --agency are left to
the loaded registry. `_build` writes the database of a registry too large to load,
a file at a time.
"""

from __future__ import annotations

import datetime as dt
import os
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from projreg.model import geo, schema
from projreg.model.fields import (
    LIST_FIELDS,
    PROJECT_LIST_FIELDS,
    QUERY_FIELDS,
    Context,
    match_text,
    record,
    tsv_cells,
)
from projreg.model.project import (
    NO_END,
    STATUSES_NOT_FROM_DATES,
    Participant,
    Project,
    Registry,
    written_country_names,
)
from projreg.model.text import flat

if TYPE_CHECKING:
    from sqlite3 import Connection

    from projreg.query import filters as query

FORMAT = 7  # bump when the layout changes (and cache.FORMAT with it)
# Registries smaller than this are answered from the JSON entry alone: for them, building the
# database would cost more than it could ever save.
STORE_MIN = 500

_PROJECT_COLUMNS = {
    schema.TEXT: "TEXT",
    schema.COUNT: "INTEGER",
    schema.CHOICE: "TEXT",
}
_PART_COLUMNS = {
    schema.TEXT: "TEXT",
    schema.CHOICE: "TEXT",
    schema.DECIMAL: "TEXT",  # exact: never a float
    schema.NUMBER: "REAL",
}
_LISTS = (schema.TEXTS, schema.COUNTRIES, schema.REGIONS)
_CHILD = "project INTEGER NOT NULL REFERENCES projects(key), position INTEGER NOT NULL"
_PEOPLE = [f for f in schema.PROJECT if f.record is Participant]


def _date_columns(name: str) -> list[str]:
    return [f"{name} TEXT", f"{name}_precision TEXT"]


def _part_columns(part: schema.Field) -> list[str]:
    if part.kind == schema.DATE:
        return _date_columns(part.name)
    return [f"{part.name} {_PART_COLUMNS[part.kind]}"]


def layout() -> list[str]:
    """The CREATE statements of the shared layout, from schema.PROJECT."""
    columns = ["key INTEGER PRIMARY KEY"]
    tables = []
    for field in schema.PROJECT:
        name = field.name
        if field.kind in _PROJECT_COLUMNS:
            extra = " NOT NULL" if field.required else ""
            columns.append(f"{name} {_PROJECT_COLUMNS[field.kind]}{extra}")
        elif field.kind == schema.DATE:
            columns += _date_columns(name)
        elif field.kind in _LISTS:
            value = {
                schema.TEXTS: "text TEXT",
                schema.COUNTRIES: "code TEXT",
                schema.REGIONS: "name TEXT",
            }
            tables.append(f"CREATE TABLE {name} ({_CHILD}, {value[field.kind]} NOT NULL)")
        elif field.record is Participant:
            continue  # one table for every kind of participant, below
        elif field.kind == schema.RECORDS:
            parts = ", ".join(c for p in field.parts for c in _part_columns(p))
            tables.append(f"CREATE TABLE {name} ({_CHILD}, {parts})")
        else:
            raise AssertionError(f"no column for {field.kind}")
    columns += ["first_day TEXT", "last_day TEXT", "file TEXT", "line INTEGER"]
    parts = ", ".join(c for c in ("role TEXT", "department TEXT", "instrument TEXT", "ref TEXT"))
    return [
        f"CREATE TABLE projects ({', '.join(columns)})",
        "CREATE TABLE organisations (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
        "part_of TEXT, note TEXT)",
        "CREATE TABLE organisation_aliases (organisation INTEGER NOT NULL "
        "REFERENCES organisations(id), alias TEXT NOT NULL)",
        f"CREATE TABLE participations ({_CHILD}, field TEXT NOT NULL, "
        f"organisation INTEGER REFERENCES organisations(id), {parts})",
        *tables,
        "CREATE TABLE country_names (code TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID",
        "CREATE TABLE region_countries (region TEXT NOT NULL, code TEXT NOT NULL, "
        "PRIMARY KEY (region, code)) WITHOUT ROWID",
    ]


_INDEXES = [
    "CREATE INDEX countries_code ON countries (code, project)",
    "CREATE INDEX regions_name ON regions (name, project)",
    "CREATE INDEX participations_organisation ON participations (field, organisation)",
]
# The tables of the shared layout a cache's database keeps: those Store's place filters read.
# The rest (a third of the writing at 100,000 real-shaped projects) no query of the cache
# reads: each project is whole in projreg_rows.
_KEPT = ("countries", "regions")


def _table(statement: str) -> str:
    """The table a CREATE TABLE or CREATE INDEX statement is about."""
    words = statement.split()
    return words[2] if words[1] == "TABLE" else words[words.index("ON") + 1]


_PRIVATE = [
    # The cache's own tables: each project as the cache's JSON row, for building the few
    # Project objects printed, and the text --search reads.
    "CREATE TABLE projreg_rows (project INTEGER PRIMARY KEY, row TEXT NOT NULL, search TEXT NOT NULL)",
    "CREATE TABLE projreg_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # The narrow copy of `projects` that queries read (its rows are a tenth as wide): the
    # columns filters and sorting use, and what `list` prints of each project that neither
    # the day nor the query changes (fields.PROJECT_LIST_FIELDS), ready as TSV and as JSON
    # values, and its places as JSON [codes, regions, country names as written], from which
    # a query's "via" is worked out. id_order and title_order: what `--sort id` and
    # `--sort title` compare (casefolded).
    "CREATE TABLE projreg_listing (key INTEGER PRIMARY KEY, id TEXT NOT NULL, acronym TEXT,"
    " first_day TEXT, last_day TEXT, activity_status TEXT, file TEXT, tsv TEXT NOT NULL,"
    " listing TEXT NOT NULL, places TEXT NOT NULL, id_order TEXT NOT NULL,"
    " title_order TEXT NOT NULL)",
    # What geo.country_code answers for the names of the countries a query can concern (the
    # registry's and the regions'): --country then needs no pycountry import.
    "CREATE TABLE projreg_country_keys (key TEXT PRIMARY KEY, code TEXT NOT NULL) WITHOUT ROWID",
]


# --- writing -------------------------------------------------------------------------------


def _iso(date) -> str | None:
    return date.iso() if date else None


def _precision(date) -> str | None:
    return date.precision if date else None


def _day(day) -> str | None:
    return day.isoformat() if day else None


def _values(field: schema.Field, item) -> list:
    out = []
    for part in field.parts:
        value = getattr(item, part.name)
        if part.kind == schema.DATE:
            out += [_iso(value), _precision(value)]
        elif part.kind == schema.DECIMAL:
            out.append(str(value))
        else:
            out.append(value)
    return out


def write(path: Path, registry: Registry, private: bool = False) -> None:
    """Write registry into a new SQLite database at path (which must not exist).

    private: with the cache's own tables (each project's JSON row and searchable text),
    which Store reads."""
    with _Writer(path, private) as writer:
        writer.add(registry.projects, registry.organisations)


_SCALARS = [f for f in schema.PROJECT if f.kind in _PROJECT_COLUMNS or f.kind == schema.DATE]
_LIST_TABLES = [f for f in schema.PROJECT if f.kind in _LISTS]
_RECORD_TABLES = [
    f for f in schema.PROJECT if f.kind == schema.RECORDS and f.record is not Participant
]


class _Writer:
    """A new database, filled a part of the registry at a time (a file of a folder), so that
    a registry too large to hold whole can still be written; `with` finishes it."""

    def __init__(self, path: Path, private: bool):
        import sqlite3

        self.db = sqlite3.connect(path)
        self.private = private
        self.count = 0  # projects so far: the next one's key is count + 1
        self.numbers: dict[str, int] = {}  # organisation name -> its id
        self.organisations: list = []  # as the registry declares them
        self.codes: set[str] = set()
        self.written: dict[str, str] = {}  # the registry's own country names: "Turkey"
        self.written_by_file: dict[str, dict] = {}  # and each file's, for its projects
        self.file = ""
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("BEGIN")
        shared = [s for s in layout() if _table(s) in _KEPT] if private else layout()
        for statement in [*shared, *(_PRIVATE if private else ())]:
            self.db.execute(statement)

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, kind, error, trace) -> None:
        try:
            if kind is None:
                self._finish()
                self.db.commit()
        finally:
            self.db.close()

    def _organisation(self, name: str | None) -> int | None:
        if name is None:
            return None
        number = self.numbers.get(name)
        if number is None:
            number = self.numbers[name] = len(self.numbers) + 1
        return number

    def add(self, projects, organisations=(), encoded=None) -> None:
        """Add projects (keys follow those added before) and the organisations declared
        beside them. encoded: each project's cache row, when read from its entry."""
        db = self.db
        numbered = list(enumerate(projects, self.count + 1))
        self.count += len(numbered)
        if numbered and not self.file:
            self.file = projects[0].origin.file if projects[0].origin else ""
        self.codes.update(c for p in projects for c in (*p.countries, *p.transaction_countries))
        for project in projects:
            if project.written_names and project.origin:
                self.written_by_file.setdefault(project.origin.file, project.written_names)
        if self.private:
            for field in _LIST_TABLES:
                if field.name in _KEPT:
                    self._add_list(field, numbered)
            self._add_private(numbered, encoded)
            return
        # What only the shared layout's own tables need (organisations, country_names).
        for org in organisations:
            self._organisation(org.name)
        self.organisations += organisations
        self.written = {**written_country_names(projects), **self.written}  # first file first
        # Generators, table by table: the rows of many projects are never held at once.
        width = 1 + sum(2 if f.kind == schema.DATE else 1 for f in _SCALARS) + 4
        db.executemany(
            f"INSERT INTO projects VALUES ({', '.join('?' * width)})",
            (_project_row(key, p) for key, p in numbered),
        )
        for field in _LIST_TABLES:
            self._add_list(field, numbered)
        for field in _RECORD_TABLES:
            width = 2 + sum(len(_part_columns(part)) for part in field.parts)
            db.executemany(
                f"INSERT INTO {field.name} VALUES ({', '.join('?' * width)})",
                (
                    (key, position, *_values(field, item))
                    for key, p in numbered
                    for position, item in enumerate(getattr(p, field.name))
                ),
            )
        number = self._organisation
        db.executemany(
            "INSERT INTO participations VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (key, position, f.name, number(x.name), x.role, x.department, x.instrument, x.ref)
                for key, p in numbered
                for f in _PEOPLE
                for position, x in enumerate(getattr(p, f.name))
            ),
        )

    def _add_list(self, field: schema.Field, numbered) -> None:
        self.db.executemany(
            f"INSERT INTO {field.name} VALUES (?, ?, ?)",
            (
                (key, position, value)
                for key, p in numbered
                for position, value in enumerate(getattr(p, field.name))
            ),
        )

    def _add_private(self, numbered, encoded=None) -> None:
        from projreg.query.filters import searchable_text
        from projreg.registry import cache

        # Made here one at a time, not kept: many small byte strings would fragment the
        # heap (hundreds of megabytes at 100,000 projects).
        rows = encoded or (cache.dumps(cache.plain(p)).decode() for _, p in numbered)
        self.db.executemany(
            "INSERT INTO projreg_rows VALUES (?, ?, ?)",
            ((key, row, searchable_text(p)) for (key, p), row in zip(numbered, rows, strict=True)),
        )
        self.db.executemany(
            "INSERT INTO projreg_listing VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (_listing(key, p) for key, p in numbered),
        )

    def _finish(self) -> None:
        db, numbers = self.db, self.numbers
        if self.private:
            for statement in _INDEXES:
                if _table(statement) in _KEPT:
                    db.execute(statement)
            self._finish_private()
            return
        known = {o.name: o for o in self.organisations}
        db.executemany(
            "INSERT INTO organisations VALUES (?, ?, ?, ?)",
            [
                (
                    number,
                    name,
                    getattr(known.get(name), "part_of", None),
                    getattr(known.get(name), "note", None),
                )
                for name, number in numbers.items()
            ],
        )
        db.executemany(
            "INSERT INTO organisation_aliases VALUES (?, ?)",
            [(numbers[o.name], alias) for o in self.organisations for alias in o.aliases],
        )
        db.executemany(
            "INSERT INTO country_names VALUES (?, ?)",
            [(c, self.written.get(c) or geo.country_name(c)) for c in sorted(self.codes)],
        )
        db.executemany(
            "INSERT INTO region_countries VALUES (?, ?)",
            [(r.name, code) for r in geo.REGIONS for code in r.countries],
        )
        for statement in _INDEXES:
            db.execute(statement)

    def _finish_private(self) -> None:
        from projreg.registry import cache

        # (Transaction countries too: a lookup table, where a key more answers as geo would.)
        codes = self.codes | {c for r in geo.REGIONS for c in r.countries}
        self.db.executemany(
            "INSERT INTO projreg_country_keys VALUES (?, ?)",
            list(geo.names_of_codes(codes).items()),
        )
        names = {c: geo.country_name(c) for c in self.codes}
        meta = {
            "format": str(FORMAT),
            "names": cache.dumps(names).decode(),
            "written": cache.dumps(self.written_by_file).decode(),
            "file": self.file,
            "path": os.path.abspath(self.file) if self.file else "",
        }
        self.db.executemany("INSERT INTO projreg_meta VALUES (?, ?)", list(meta.items()))


_SCALAR_VALUES = attrgetter(*(f.name for f in _SCALARS))
_IS_DATE = tuple(f.kind == schema.DATE for f in _SCALARS)


def _project_row(key: int, project: Project) -> list:
    row: list[object] = [key]
    for value, is_date in zip(_SCALAR_VALUES(project), _IS_DATE, strict=True):
        if is_date:
            row += (value.iso(), value.precision) if value else (None, None)
        else:
            row.append(value)
    origin = project.origin
    row += [
        _day(project.first_day()),
        _day(project.last_day()),
        origin.file if origin else None,
        origin.line if origin else None,
    ]
    return row


def _listing(key: int, project: Project) -> tuple:
    from projreg.registry import cache

    values = record(project, PROJECT_LIST_FIELDS, _ANY_DAY)
    countries = project.countries
    places = [countries, project.regions, [project.country_name(c) for c in countries]]
    return (
        key,
        project.id,
        project.acronym,
        _day(project.first_day()),
        _day(project.last_day()),
        project.activity_status,
        project.origin.file if project.origin else None,
        tsv_cells(values, PROJECT_LIST_FIELDS),
        cache.dumps(list(values.values())).decode(),
        cache.dumps(places).decode(),
        project.id.casefold(),
        project.title.casefold(),
    )


_ANY_DAY = Context(dt.date.min)  # the project's own list fields do not read the day


# --- reading -------------------------------------------------------------------------------


def _status_sql() -> str:
    """Project.status_on(:today) as SQL."""
    return (
        f"CASE WHEN p.activity_status IN ({', '.join(map(repr, STATUSES_NOT_FROM_DATES))})"
        " THEN p.activity_status"
        " WHEN p.last_day IS NOT NULL AND p.last_day < :today THEN 'completed'"
        " WHEN p.first_day > :today THEN 'planned'"
        " WHEN p.first_day IS NOT NULL AND p.last_day IS NOT NULL THEN 'ongoing'"
        f" WHEN p.first_day IS NOT NULL THEN coalesce(p.activity_status, {NO_END!r})"
        " ELSE coalesce(p.activity_status, 'unknown') END"
    )


def _overlap_sql(first: str, last: str) -> str:
    """Project.overlaps(first, last) as SQL: 1, 0, or NULL when unknown."""
    return (
        f"CASE WHEN p.last_day IS NOT NULL AND p.last_day < {first} THEN 0"
        f" WHEN p.first_day IS NULL THEN NULL ELSE p.first_day <= {last} END"
    )


# query.select's orders; ties keep the registry's order (p.key) either way, as a stable sort
# does, and projects without the date come last either way.
_ORDER = {
    "id": "p.id_order, p.key",
    "start": "p.first_day IS NULL, p.first_day, p.id, p.key",
    "end": "p.last_day IS NULL, p.last_day, p.id, p.key",
    "title": "p.title_order, p.id, p.key",
}
_REVERSED = {
    "id": "p.id_order DESC, p.key",
    "start": "p.first_day IS NULL, p.first_day DESC, p.id DESC, p.key",
    "end": "p.last_day IS NULL, p.last_day DESC, p.id DESC, p.key",
    "title": "p.title_order DESC, p.id DESC, p.key",
}


def _text_mapping(value) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError("a damaged mapping")
    return value


class _Plan:
    """The parts of one query's SQL (Store._plan)."""

    # Plain classes, not NamedTuples, here: `show` imports this module, and each NamedTuple
    # costs a start-up a fifth of a millisecond.
    def __init__(self, codes, regions, condition, known, order, params, direct):
        self.codes: list[str] = codes
        self.regions: list = regions
        self.condition: str = condition  # which projects pass
        self.known: str = known  # and their dates answered the date filters
        self.order: str = order
        self.params: dict = params
        self.direct: str = direct  # true when a project names one of the places asked about
        self.placed = bool(codes or regions)


class Listing:
    """What Store.listing answers: the records or TSV lines printed, how many projects
    matched before the limit, and the ids of those whose dates could not decide."""

    def __init__(self, rows: list, total: int, undetermined: list[str]):
        self.rows, self.total, self.undetermined = rows, total, undetermined


class Store:
    """A read-only registry database written with private=True (the cache's)."""

    def __init__(self, db: Connection):
        self.db = db
        meta = dict(db.execute("SELECT name, value FROM projreg_meta"))
        if meta.get("format") != str(FORMAT):
            raise ValueError("another layout")
        from projreg.registry import cache

        self.file = meta["file"]
        # The countries' names (no pycountry import to print them), and each file's own
        # spellings ("Turkey"), which its projects show.
        geo.remember_names(_text_mapping(cache.loads(meta["names"].encode())))
        self.written = {
            file: _text_mapping(names)
            for file, names in cache.loads(meta["written"].encode()).items()
        }

    @classmethod
    def open(cls, path: Path) -> Store:
        import sqlite3
        from urllib.parse import quote

        uri = f"file:{quote(str(path))}?mode=ro&immutable=1"
        db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        # Sorting a large answer (320,000 lines at a million projects) on another core too.
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        db.execute(f"PRAGMA threads = {min(3, cores - 1)}")
        return cls(db)

    def _country_code(self, text: str) -> str:
        found = self.db.execute(
            "SELECT code FROM projreg_country_keys WHERE key = ?", (geo.key(text),)
        ).fetchone()
        return found[0] if found else geo.country_code(text)

    def _project(self, row: str, file: str | None) -> Project:
        from projreg.registry import cache

        file = file or self.file
        return cache.project_row(cache.loads(row.encode()), file, self.written.get(file))

    def _plan(self, filters: query.Filters, sort: str, reverse: bool):
        """The SQL of a query: a _Plan, or None for the filters the store does not answer
        (--started-in, --ended-in, --donor, --agency: then the registry answers)."""
        from projreg.query import filters as query

        codes, regions = query.checked(filters, sort, self._country_code)
        if filters.started_in or filters.ended_in or filters.donors or filters.agencies:
            # (--donor/--agency: the registry also says which values match no organisation)
            return None
        where, params = [], {"today": filters.today.isoformat()}

        def bind(items) -> str:
            names = []
            for item in items:
                names.append(f":v{len(params)}")
                params[names[-1][1:]] = item
            return ", ".join(names)

        def keys(table: str, column: str, values: list) -> list[str]:
            # Nothing for no values: SQLite reads `IN ()` by scanning the whole index.
            if not values:
                return []
            return [f"SELECT project FROM {table} WHERE {column} IN ({bind(values)})"]

        if codes or regions:
            named = keys("countries", "code", codes)
            named += keys("regions", "name", [r.name for r in regions])
            around = [r.name for r in geo.REGIONS if any(c in r.countries for c in codes)]
            members = list(dict.fromkeys(c for r in regions for c in r.countries))
            via = keys("regions", "name", around) + keys("countries", "code", members)
            # One set of keys (a UNION): SQLite then looks the projects up by key instead of
            # testing every project against each subquery (half the time at 100,000).
            where.append(f"p.key IN ({' UNION '.join(named if filters.direct else named + via)})")
            direct = f"p.key IN ({' UNION '.join(named)})"
        else:
            direct = "1"
        if filters.search:
            searches = query.needles(filters.search)
            self.db.create_function(
                "projreg_search", 1, lambda text: query.text_matches(searches, text)
            )
            where.append("projreg_search((SELECT search FROM projreg_rows WHERE project = p.key))")
        if filters.statuses:
            where.append(f"({_status_sql()}) IN ({bind(filters.statuses)})")
        answers: list[str] = []
        spans = []
        if filters.active_on:
            spans.append((filters.active_on.first_day(), filters.active_on.last_day()))
        if filters.between:
            spans.append((filters.between[0].first_day(), filters.between[1].last_day()))
        for first, last in spans:
            params[f"first{len(answers)}"] = first.isoformat()
            params[f"last{len(answers)}"] = last.isoformat()
            answers.append(_overlap_sql(f":first{len(answers)}", f":last{len(answers)}"))
        known = " AND ".join(f"({a}) IS NOT NULL" for a in answers) or "1"
        where += [f"coalesce({a}, 1) != 0" for a in answers]
        order = _REVERSED[sort] if reverse else _ORDER[sort]
        condition = " AND ".join(where) or "1"
        return _Plan(codes, regions, condition, known, order, params, direct)

    @staticmethod
    def _from(plan: _Plan, rows: bool) -> str:
        """The projects (as projreg_listing p, and their JSON rows r) where plan.condition holds."""
        joined = " JOIN projreg_rows r ON r.project = p.key" if rows else ""
        return f"FROM projreg_listing p{joined} WHERE {plan.condition}"

    def _chosen(self, plan: _Plan, columns: str, rows: bool, limit):
        """(rows of columns for the chosen projects, in order; how many before the limit)."""
        chosen = f"SELECT {columns} {self._from(plan, rows)} AND {plan.known} ORDER BY {plan.order}"
        total = None
        if limit is not None:
            chosen += f" LIMIT {int(limit)}"
            count = f"SELECT count(*) {self._from(plan, False)} AND {plan.known}"
            (total,) = self.db.execute(count, plan.params).fetchone()
        found = self.db.execute(chosen, plan.params).fetchall()
        return found, len(found) if total is None else total

    def _undetermined(self, plan: _Plan, columns: str, rows: bool) -> list:
        """The columns of the projects the date filters could not decide, in registry order."""
        if plan.known == "1":
            return []
        return self.db.execute(
            f"SELECT {columns} {self._from(plan, rows)} AND NOT ({plan.known}) ORDER BY p.key",
            plan.params,
        ).fetchall()

    def select(
        self, filters: query.Filters | None = None, sort: str = "id", limit=None, reverse=False
    ):
        """What query.select(registry, filters, sort, limit, reverse) gives, answered in SQL;
        None for the filters it does not answer (see _plan)."""
        from projreg.query import filters as query

        plan = self._plan(filters or query.Filters(), sort, reverse)
        if plan is None:
            return None
        rows, total = self._chosen(plan, "r.row, p.file", True, limit)
        matches = []
        for row, file in rows:
            project = self._project(row, file)
            via = query.place_match(project, plan.codes, plan.regions)[1] if plan.placed else ()
            matches.append(query.Match(project, via))
        undetermined = tuple(
            self._project(row, file)
            for row, file in self._undetermined(plan, "r.row, p.file", True)
        )
        notes = tuple(query.region_notes(filters)) if filters and filters.regions else ()
        return query.Selection(tuple(matches), undetermined, total, notes)

    def listing(
        self, filters: query.Filters, names, sort="id", limit=None, reverse=False, tsv=False
    ):
        """The records `list` prints (fields.record of names) for query.select's projects,
        built from what the store keeps ready, no Project made; None when names ask for more
        than fields.LIST_FIELDS and how the project matched, or the filters are not answered.
        tsv: lines of TSV instead of records (kept ready when names are the list's own)."""
        listed = (*PROJECT_LIST_FIELDS, "status", *QUERY_FIELDS)
        if not set(names) <= set(listed):
            return None
        plan = self._plan(filters, sort, reverse)
        if plan is None:
            return None
        undetermined = [i for (i,) in self._undetermined(plan, "p.id", False)]
        names = tuple(names)
        matched = names[-1:] == ("match",)
        places = f"CASE WHEN {plan.direct} THEN NULL ELSE p.places END"  # only when via
        if tsv and names in (LIST_FIELDS, (*LIST_FIELDS, "match")):
            # The lines are ready but for status and how it matched: most rows come whole
            # from SQL, and Python writes only those that matched through another place.
            # Whole lines from SQL for the projects that name a place asked about (or all,
            # when the match is not asked): Python finishes only those matched otherwise.
            line = f"p.tsv || char(9) || ({_status_sql()})"
            if matched:
                plan.params["direct"] = "\t" + flat(match_text(())) + "\n"
                line = f"CASE WHEN {plan.direct} THEN {line} || :direct ELSE {line} END"
            else:
                line, places = f"{line} || char(10)", "NULL"
            rows, total = self._chosen(plan, f"{line}, {places}", False, limit)
            out = [
                line if where is None else f"{line}\t{flat(match_text(self._via(where, plan)))}\n"
                for line, where in rows
            ]
            return Listing(out, total, undetermined)
        from projreg.registry import cache

        columns = f"p.listing, {_status_sql()}, {places}"
        rows, total = self._chosen(plan, columns, False, limit)
        records: list[dict] = []
        for values, status, where in rows:
            via = () if where is None else self._via(where, plan)
            record = dict(zip(PROJECT_LIST_FIELDS, cache.loads(values.encode()), strict=True))
            record.update(status=status, via=list(via), match=match_text(via))
            records.append({name: record[name] for name in names})
        if tsv:
            return Listing([tsv_cells(row, names) + "\n" for row in records], total, undetermined)
        return Listing(records, total, undetermined)

    @staticmethod
    def _via(places: str, plan: _Plan) -> tuple[str, ...]:
        """How a project matched the place filters, from its places as projreg_listing keeps
        them (query.places_match)."""
        from projreg.query import filters as query
        from projreg.registry import cache

        countries, regions, named = cache.loads(places.encode())
        name_of = dict(zip(countries, named, strict=True)).__getitem__
        return query.places_match(countries, regions, name_of, plan.codes, plan.regions)[1]

    def get(self, text: str) -> Project | None:
        """What Registry.get(text) finds (by id, then acronym); None when it finds nothing."""
        from projreg.model.project import id_key

        key = id_key(text)
        self.db.create_function("projreg_id_key", 1, id_key, deterministic=True)
        for column in ("id", "acronym"):
            rows = self.db.execute(
                "SELECT r.row, p.file FROM projreg_listing p"
                " JOIN projreg_rows r ON r.project = p.key"
                f" WHERE p.{column} IS NOT NULL AND projreg_id_key(p.{column}) = ?"
                " ORDER BY p.key LIMIT 2",
                (key,),
            ).fetchall()
            if len(rows) > 1:  # several loose matches (or an exact iati_id): Registry.get decides
                return None
            if rows:
                return self._project(*rows[0])
        return None

    def close(self) -> None:
        self.db.close()


# --- the cache's databases -----------------------------------------------------------------


class _Entry:
    """Where a registry's database is kept in the cache."""

    def __init__(self, name: str, parts: list[str], files: list[str], where: str):
        self.name = name  # the file's own entry, or one made of its files' (cache.combined)
        self.parts = parts  # its files' entries
        self.files = files
        self.where = where  # the file or folder, for `projreg cache info`


def _entry(path) -> _Entry | None:
    """The cache entry of the registry's database as its files are now, or None."""
    from projreg.registry import cache
    from projreg.registry.load import entry_of, registry_paths

    files = [str(file) for file in registry_paths(path)]
    found = [entry_of(file) for file in files]
    parts = [part for part in found if part is not None]
    if len(parts) < len(found):
        return None
    if len(files) == 1:
        return _Entry(parts[0], parts, files, files[0])
    where = os.path.commonpath([os.path.abspath(file) for file in files])
    return _Entry(cache.combined(where, parts), parts, files, where)


def remember(path, registry: Registry) -> None:
    """After a registry was loaded (and cached): give it a database in the cache, so that
    the next `list`, `active` or `show` needs no loading. Only for large registries."""
    from projreg.registry import cache

    if len(registry.projects) < STORE_MIN:
        return
    from projreg.registry.load import read_as

    entry = _entry(path)
    if entry is None or read_as(entry.files) != entry.parts:
        return  # a file changed since it was loaded: this registry is not what it now holds
    if all(map(cache.has, entry.parts)) and cache.database(entry.name) is None:
        write_it = lambda target: write(target, registry, private=True)  # noqa: E731
        cache.add_database(entry.name, write_it, entry.where)


# Registries this large (in bytes, all files together) are written into their database file
# by file before the first answer, which then comes from the database: never held whole.
BUILD_FIRST = 128 * 1024 * 1024


def _build(entry: _Entry) -> None:
    """The database of a large registry, made a file at a time (load.read_each); nothing
    when a file has an error (then load_registry reports them all)."""
    from projreg.registry import cache
    from projreg.registry.load import Unclean, collector_paused, read_as, read_each

    def fill(target) -> None:
        with _Writer(target, private=True) as writer, collector_paused():
            for file, contents in read_each(list(map(Path, entry.files))):
                if read_as([file]) != [entry.parts[entry.files.index(file)]]:
                    raise Unclean(file)  # edited since: the name would not say what it holds
                writer.add(contents.projects, contents.organisations, contents.encoded)
                del contents  # before the next part is read

    cache.add_database(entry.name, fill, entry.where)


def _large(entry: _Entry) -> bool:
    try:
        return sum(os.path.getsize(file) for file in entry.files) >= BUILD_FIRST
    except OSError:
        return False


def get_stored(path, text: str):
    """Registry.get's project from the cache's database; None when it cannot say (then
    load_registry(...).get answers, with its suggestions when nothing matches)."""
    return _from_store(path, lambda store: store.get(text))


def select_stored(
    path, filters, sort: str = "id", limit=None, reverse=False, names=None, tsv=False
):
    """The answer from the cache's database, without loading the registry: a Listing of
    the records (or TSV lines, tsv) of names when the database keeps them ready, else
    query.select's Selection; None when there is no usable database (a registry not yet
    cached, a damaged entry) or it does not answer these filters: then load_registry and
    query.select answer."""

    def ask(store: Store):
        listing = store.listing(filters, names, sort, limit, reverse, tsv=tsv) if names else None
        return listing or store.select(filters, sort, limit, reverse)

    return _from_store(path, ask)


def _from_store(path, ask):
    from projreg.errors import UsageError
    from projreg.registry import cache
    from projreg.registry.load import collector_paused

    entry = _entry(path)
    if entry is None:
        return None
    found = cache.database(entry.name)
    if found is None and _large(entry):
        _build(entry)
        found = cache.database(entry.name)
    if found is None:
        return None
    import sqlite3  # only now: a registry without a database never needs it (start-up)

    try:
        opened = Store.open(found)
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return None
    try:
        with collector_paused():
            return ask(opened)
    except UsageError:
        raise
    except (sqlite3.Error, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None  # a damaged entry: the registry itself answers
    finally:
        opened.close()
