"""`import-iati` and `export`: IATI activity XML in and out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from projreg.commands import app
from projreg.commands.writing import (
    Force,
    is_stdout,
    output_note,
    refuse_inputs,
    write_error,
    write_file,
)
from projreg.errors import UsageError, WriteError
from projreg.options import (
    ExportChoice,
    Source,
    choices,
    export_options,
    filter_options,
    registry_options,
    terminal,
)
from projreg.query.filters import Filters


@app.command("import-iati")
def import_iati(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE.xml...",
            readable=False,
            help="IATI activity files (2.0x or 1.0x), plain or gzipped; - reads standard input.",
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="OUT.yaml", help="The registry file to write.")
    ],
    force: Force = False,
    warnings: Annotated[
        bool,
        typer.Option("--warnings", help="List every value kept as published, one a line."),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Write nothing if any value breaks the registry's rules (exit 1)."
        ),
    ] = False,
) -> None:
    """Import IATI activities into a new registry file.

    Reads IATI activity XML (2.01 to 2.03, 1.0x, a Datastore <result>, a d-portal
    page; a gzipped file is read as it is parsed) into a registry that `projreg check` accepts. Every activity with an
    iati-identifier is kept (the same one twice: the later last-updated-datetime).
    A value the registry's rules reject is kept as published in the project's
    `published` list and counted as a warning (--warnings lists them; --strict
    refuses instead). Only XML that is not well formed refuses a file. Nothing
    is guessed; the output is written atomically, never over a file without --force.

    Examples:

    \b
      projreg import-iati activities.xml -o imported.yaml
      projreg import-iati a.xml b.xml -o both.yaml --force --warnings
      curl -s URL | projreg import-iati - -o page.yaml
    """
    from projreg.iati import activities as iati
    from projreg.render.output import Output

    inputs = [f for f in files if str(f) != "-"]
    refuse_inputs(output, inputs, force)
    spool = _with_progress(files, iati.import_spooled, terminal(ctx))
    try:
        found = spool.warnings
        if strict and found:
            lines = "\n".join(w.line() for w in found)
            raise iati.IatiError(
                f"refused (--strict): {len(found)} value{'' if len(found) == 1 else 's'} "
                f"the registry's rules reject; nothing written:\n{lines}"
            )
        write_file(output, spool.chunks(files), force, inputs=inputs)
    finally:
        spool.close()
    _report(Output(terminal=terminal(ctx)).note, spool, found, output, warnings)


def _report(note, result, found, output, listed: bool) -> None:
    """What import did: a count line, what was skipped, and the warnings (all, or a count)."""
    count = result.count
    note(
        f"Imported {count} activit{'y' if count == 1 else 'ies'} "
        f"from {result.files} file{'' if result.files == 1 else 's'} into {output_note(output)}; "
        f"skipped {len(result.skipped)}."
    )
    for where, why in result.skipped:
        note(f"  skipped {where}: {why}")
    if listed:
        for warning in found:
            note(f"  warning: {warning.line()}")
    if found:
        activities = len({w.activity for w in found})
        note(
            f"{len(found)} warning{'' if len(found) == 1 else 's'}: values kept as published "
            f"in {activities} activit{'y' if activities == 1 else 'ies'}"
            + ("" if listed else " (--warnings lists them)")
        )


def _with_progress(files, work, shown_on):
    """Run work(files, progress), with a progress bar (by bytes read) when stderr is a
    terminal: on stderr, never on stdout, which may be a pipe."""
    if not shown_on.stderr_tty:
        return work(files)
    from rich.console import Console
    from rich.progress import Progress

    console = Console(
        stderr=True, force_terminal=True, no_color=shown_on.no_color, width=shown_on.width
    )
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Importing activities", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return work(files, advance)


# The options of `export`, declared apart so that the command reads as what it does.
Format = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="iati-xml (IATI 2.03 activities); json or csv (data files, see below); "
        "sqlite (a database, with -o).",
        autocompletion=choices(("iati-xml", "json", "csv", "sqlite")),
    ),
]
OutputPath = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE instead of stdout. CSV: a folder (or a name without an extension) gets projects.csv, participations.csv and transactions.csv.",
    ),
]


@app.command()
@registry_options
@filter_options
@export_options
def export(
    filters: Filters,
    source: Source,
    choice: ExportChoice,
    fmt: Format = "iati-xml",
    path: OutputPath = None,
    force: Force = False,
) -> None:
    """Export projects as IATI 2.03 activities, JSON, CSV or an SQLite database.

    `-f sqlite -o registry.db` writes the projects into tables that sqlite3,
    datasette, DuckDB or pandas open directly (docs/sqlite.md describes them).

    IATI requires a reporting organisation and activity identifiers. A project
    imported from IATI keeps its own (reporting_org, iati_id); for the others,
    give the --reporting-org options, and their identifiers are the prefix and
    the project id. A project that lacks what IATI requires and the registry
    does not know (a description, an activity date, a status, a participating
    organisation) is left out: stderr gives one line per reason, with a count and
    the first few ids (--verbose: all), and the last line says what was written.
    Transactions, the hierarchy and related activities go out as imported. The document always
    validates against the IATI 2.03 schema. Every list filter applies.

    -f json: one record per project, as `show --json` gives it. -f csv: one
    row per project with the main fields (lists joined with "; "), and with
    --participations (or -o FOLDER) one row per organisation and project, with
    --transactions (or -o FOLDER) one row per transaction.
    Spreadsheets run cells that start with = + - @ as formulas: open data
    from others with --spreadsheet-safe.

    Examples:

    \b
      projreg export --reporting-org-ref XM-EXAMPLE --reporting-org-name "Example"
        --reporting-org-type 40 -o activities.xml
      projreg export --reporting-org-ref XM-EXAMPLE --reporting-org-name "Example"
        --reporting-org-type 40 --country Georgia --id-prefix XM-EXAMPLE-GE > georgia.xml
      projreg export -f json -o projects.json
      projreg export -f csv -o tables/ --spreadsheet-safe
    """
    if fmt in ("json", "csv"):
        return _export_data(fmt, source, filters, path, force, choice)
    if fmt == "sqlite":
        return _export_sqlite(source, filters, path, force)
    if fmt != "iati-xml":
        raise UsageError(f"unknown export format {fmt!r}; choose iati-xml, json, csv or sqlite")
    _export_iati(source, filters, path, force, choice)


def _export_iati(
    source: Source, filters: Filters, path: Path | None, force: bool, choice: ExportChoice
) -> None:
    """export -f iati-xml: the library's export_activities, its messages on stderr, and the
    document written (none when no project has what IATI requires)."""
    from projreg.iati.activities import export_activities
    from projreg.query.filters import select
    from projreg.render.output import Output

    registry = source.load()
    if path is not None:
        refuse_inputs(path, registry.sources, force)
    projects = select(registry, filters).projects
    export = export_activities(projects, choice.iati(), filters.today)
    note = Output(terminal=source.terminal).note
    for line in export.messages(choice.verbose):
        note(line)
    if not export.written:  # IATI needs an activity: write no document rather than an invalid one
        note(
            f"nothing exported: of {len(projects)} selected projects, "
            "none has what IATI requires; no document written."
        )
        return
    if path is not None:
        write_file(path, export.text, force, inputs=registry.sources)
    else:
        sys.stdout.write(export.text)
    left_out = f"; {len(export.skipped)} left out (above)" if export.skipped else ""
    where = "standard output" if path is None else output_note(path)
    note(f"wrote {export.written} activities to {where}{left_out}")


def _export_data(fmt, source, filters, path, force, choice: ExportChoice) -> None:
    """export -f json|csv: the selected projects as data files (see dataexport.py)."""
    from projreg.query.filters import select
    from projreg.render import dataexport
    from projreg.render.output import Output, to_json

    if choice.names_publisher():
        raise UsageError("--reporting-org-* and --id-prefix are for -f iati-xml")
    tables = {"participations": choice.participations, "transactions": choice.transactions}
    safe = choice.spreadsheet_safe
    registry = source.load()
    projects = select(registry, filters).projects
    note = Output(terminal=source.terminal).note
    if fmt == "json":
        if any(tables.values()) or safe:
            raise UsageError(
                "--participations, --transactions and --spreadsheet-safe are for -f csv"
            )
        text = to_json(dataexport.json_records(projects, filters.today)) + "\n"
        files = {path: text}
    else:
        if path is not None and not is_stdout(path) and (path.is_dir() or not path.suffix):
            # A folder: an existing one, or a new name without an extension (tables/).
            refuse_inputs(path / "projects.csv", registry.sources, force)
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise WriteError(f"cannot make {path}: {error.strerror or error}") from None
            tables = {name: tables[name] or path / f"{name}.csv" for name in tables}
            path = path / "projects.csv"
        files = {path: dataexport.projects_csv(projects, filters.today, safe)}
        if tables["participations"] is not None:
            files[tables["participations"]] = dataexport.participations_csv(projects, safe)
        if tables["transactions"] is not None:
            files[tables["transactions"]] = dataexport.transactions_csv(projects, safe)
    for target in files:
        if target is not None:
            refuse_inputs(target, registry.sources, force)
    for target, text in files.items():
        if target is None:
            sys.stdout.write(text)
        else:
            write_file(target, text, force, inputs=registry.sources)
            note(f"wrote {output_note(target)}")


def _export_sqlite(source, filters: Filters, path: Path | None, force: bool) -> None:
    """`export -f sqlite -o FILE`: the selected projects as a database (store.py's layout)."""
    import sqlite3

    from projreg.query.filters import select
    from projreg.query.store import write
    from projreg.registry.files import write_through
    from projreg.render.output import Output

    if path is None:
        raise UsageError("-f sqlite writes a database file: give it with -o FILE (or -o -)")
    registry = source.load()
    refuse_inputs(path, registry.sources, force)
    chosen = registry._replace(projects=tuple(select(registry, filters).projects))
    try:
        if is_stdout(path):
            _sqlite_to_stdout(chosen, write)
        else:
            write_through(path, lambda name: write(Path(name), chosen), force, registry.sources)
    except sqlite3.Error as error:
        raise WriteError(f"cannot write {path}: {error}") from None
    except OSError as error:
        raise write_error(path, error) from None
    count = len(chosen.projects)
    Output(terminal=source.terminal).note(
        f"wrote {count} project{'' if count == 1 else 's'} to {output_note(path)}"
    )


def _sqlite_to_stdout(registry, write) -> None:
    """`-o -`: the database written in a private temporary folder, then its bytes out."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        made = Path(folder) / "registry.db"
        write(made, registry)
        sys.stdout.flush()
        sys.stdout.buffer.write(made.read_bytes())
        sys.stdout.flush()
