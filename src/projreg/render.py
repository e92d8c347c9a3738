"""Rows and projects to the screen or a pipe.

On a terminal: Rich tables. Piped: tab-separated, one record per line, no
header, colour or decoration (gh's convention). Also csv, json, yaml and
markdown on request. Registry text is data: it reaches Rich only as Text
objects (never parsed as markup), and control, bidi and invisible characters
are shown as visible escapes (text.py). Nothing here writes files.
"""

from __future__ import annotations

import io
import sys

from .encode import to_yaml
from .fields import SHORT_FIELDS, as_text, label
from .terminal import Terminal
from .text import UNSAFE, flat, visible

FORMATS = ("table", "tsv", "csv", "json", "yaml", "markdown")
COLORS = ("auto", "always", "never")
NONE = "—"


class Output:
    """Where and how to print: the format, the colour choice and the terminal."""

    def __init__(self, format: str = "tsv", color: str = "auto", terminal: Terminal | None = None):
        self.format, self.color = format, color
        self.terminal = terminal or Terminal()

    @classmethod
    def choose(cls, format: str | None, color: str, terminal: Terminal) -> Output:
        if format is None:
            format = "table" if terminal.stdout_tty else "tsv"
        return cls(format, color, terminal)

    @property
    def width(self) -> int | None:
        return self.terminal.width

    def console(self, stderr: bool = False, width: int | None = None, file=None):
        from rich.console import Console

        options = dict(
            highlight=False,
            markup=False,
            emoji=False,
            stderr=stderr,
            width=width or self.terminal.width,
            file=file,
        )
        tty = self.terminal.stderr_tty if stderr else self.terminal.stdout_tty
        if self.color == "always":  # an explicit request outranks NO_COLOR and TERM=dumb
            options.update(force_terminal=True, no_color=False, color_system="standard")
        elif (
            self.color == "never"
            or self.terminal.no_color
            or not (tty or self.terminal.force_color)
        ):
            options.update(no_color=True, color_system=None)
        else:
            options.update(force_terminal=True, color_system="standard")
        return Console(**options)

    def write(self, text: str) -> None:
        sys.stdout.write(text)

    def note(self, text: str) -> None:
        """A remark for the reader, on stderr so that pipes get only records."""
        sys.stderr.write(visible(text) + "\n")

    def remark(self, text: str) -> None:
        """A line that belongs with the output: under a table, or on stderr beside records."""
        if self.format == "table":
            from rich.text import Text

            self.console().print(Text(visible(text), style="yellow"))
        else:
            self.note(text)


def emit_rows(
    out: Output,
    rows: list[dict],
    fields: list[str],
    title: str | None = None,
    document=None,
    labels: dict | None = None,
    empty: str = "No projects match.",
) -> None:
    """Print records; `document` replaces rows for YAML when it must load back as a registry."""
    fmt = out.format
    labels = labels or {}
    if fmt == "json":
        out.write(to_json(rows) + "\n")
    elif fmt == "yaml":
        out.write(to_yaml(document if document is not None else rows))
    elif fmt == "tsv":
        for row in rows:
            out.write("\t".join(flat(as_text(row[f])) for f in fields) + "\n")
    elif fmt == "csv":
        import csv

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(fields)
        for row in rows:
            writer.writerow([visible(as_text(row[f])) for f in fields])
        out.write(buffer.getvalue())
    elif fmt == "markdown":
        out.write(
            _markdown(
                [labels.get(f) or label(f) for f in fields],
                [[as_text(r[f]) for f in fields] for r in rows],
            )
        )
    else:
        _table(out, rows, fields, title, labels, empty)


def _markdown(header: list[str], body: list[list[str]]) -> str:
    def cell(text: str) -> str:
        return flat(text).replace("\\", "\\\\").replace("|", "\\|") or NONE

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in body]
    return "\n".join(lines) + "\n"


def _new_table(title: str | None = None):
    from rich import box
    from rich.table import Table

    return Table(
        box=box.SIMPLE_HEAD,
        title=title,
        title_justify="left",
        header_style="bold",
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )


def _overhead(columns: int) -> int:
    """Characters a table of this many columns spends on gaps: measured, not guessed."""
    from rich.console import Console

    probe = _new_table()
    for _ in range(columns):
        probe.add_column(width=1)
    probe.add_row(*["x"] * columns)
    console = Console(width=1000, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(probe)
    return max(len(line.rstrip()) for line in capture.get().splitlines()) - columns


def _table(
    out: Output,
    rows: list[dict],
    fields: list[str],
    title: str | None,
    labels: dict | None = None,
    empty: str = "No projects match.",
) -> None:
    from rich.text import Text

    labels = labels or {}
    console = out.console()
    if not rows:
        out.note(empty)
        return
    cells = [[visible(as_text(row[f], ", ")) or NONE for f in fields] for row in rows]
    headers = [labels.get(name) or label(name) for name in fields]
    widths = _column_widths(fields, headers, cells, console.width)
    table = _new_table(title)
    for header, width, name in zip(headers, widths, fields, strict=True):
        table.add_column(
            header,
            width=width,
            overflow="fold",  # a value wider than its column is folded, never cut
            style="cyan" if name == "id" else None,
        )
    for row in cells:
        table.add_row(*(Text(cell) for cell in row))
    console.print(table)


def _column_widths(
    fields: list[str], headers: list[str], cells: list[list[str]], total: int
) -> list[int]:
    """Widths that fit `total`: short columns whole, long text sharing the rest.

    In order of preference: every column at full width; short columns (ids,
    dates, numbers) at the width of their values, a longer header wrapping onto
    a second line; text columns sharing what is left without breaking a word
    that fits on a line; and only on a very narrow terminal, text columns
    narrower still, folding words. The widths always add up to no more than
    `total`, so Rich never squeezes a date or an id, and never drops a column.
    """

    def lines(i):
        return [line for row in cells for line in row[i].split("\n")]

    def longest_word(texts):
        return max((len(word) for text in texts for word in text.split()), default=1)

    short = [name in SHORT_FIELDS for name in fields]
    values = [max(map(len, lines(i)), default=1) for i in range(len(fields))]
    whole = [max(v, len(h)) for v, h in zip(values, headers, strict=True)]
    room = total - _overhead(len(fields))
    if sum(whole) <= room:
        return whole
    widths = [
        max(v, longest_word([h])) if s else w
        for v, h, s, w in zip(values, headers, short, whole, strict=True)
    ]
    flexible = [i for i, s in enumerate(short) if not s]
    left = room - sum(w for w, s in zip(widths, short, strict=True) if s)
    if sum(widths[i] for i in flexible) <= left:
        return widths
    floor = {i: min(whole[i], max(10, longest_word([*lines(i), headers[i]]))) for i in flexible}
    if sum(floor.values()) > left:  # a very narrow terminal: words will be folded
        floor = {i: max(1, min(floor[i], left // len(flexible))) for i in flexible}
    # Water-filling: narrow text columns get all they need, wide ones share the rest.
    pending = sorted(flexible, key=lambda i: whole[i])
    while pending:
        i = pending.pop(0)
        fair = left // (len(pending) + 1)
        keep = sum(floor[j] for j in pending)  # what the columns still to come need at least
        widths[i] = min(max(min(whole[i], fair), floor[i]), left - keep)
        left -= widths[i]
    return widths


def to_json(data) -> str:
    import json

    text = json.dumps(_numbers(data), ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(_json_escape, text)


def _numbers(data):
    """Exact amounts (Decimal) as JSON numbers where a float holds them exactly, else as text."""
    from decimal import Decimal

    if isinstance(data, Decimal):
        if data == data.to_integral_value():
            return int(data)
        return float(data) if Decimal(repr(float(data))) == data else str(data)
    if isinstance(data, dict):
        return {k: _numbers(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_numbers(v) for v in data]
    return data


_JSON_UNSAFE = UNSAFE


def _json_escape(match) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON escapes a character beyond the BMP as a surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def emit_project(out: Output, record: dict) -> None:
    """One project, laid out for reading on a terminal, or as key/value lines when piped."""
    if out.format == "table":
        _project_page(out, record)
    else:
        _emit_record(out, record)


def emit_summary(out: Output, record: dict) -> None:
    """A summary (stats): label and value on a terminal, key/value lines when piped."""
    if out.format != "table":
        _emit_record(out, record)
        return
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for name, value in record.items():
        grid.add_row(label(name), _page_value(name, value))
    out.console().print(grid)


def _emit_record(out: Output, record: dict) -> None:
    fmt = out.format
    if fmt == "json":
        out.write(to_json(record) + "\n")
    elif fmt == "yaml":
        out.write(to_yaml(record))
    elif fmt == "tsv":
        for name, value in record.items():
            out.write(f"{name}\t{flat(as_text(value))}\n")
    elif fmt == "csv":
        emit_rows(out, [record], list(record))
    else:
        out.write(
            _markdown(["Field", "Value"], [[label(k), as_text(v)] for k, v in record.items()])
        )


def emit_timeline(out: Output, chart, today, on) -> None:
    """The chart on a terminal; records (one bar each) when piped."""
    from .reports import month_index

    if out.format != "table":
        rows = [
            {
                "id": bar.id,
                "start": _month_iso(bar.first),
                "end": None if bar.open_end else _month_iso(bar.last),
                "open_end": bar.open_end,
            }
            for bar in chart.bars
        ]
        rows += [{"id": i, "start": None, "end": None, "open_end": None} for i in chart.undated]
        emit_rows(out, rows, ["id", "start", "end", "open_end"], empty="No projects to chart.")
        return
    console = out.console()
    if not chart.bars and not chart.undated:
        out.note("No projects to chart.")
        return
    today_month = month_index(today)
    marker = month_index(on.first_day()) if on else None
    for line in timeline_lines(chart, console.width, today_month, marker, on):
        console.print(line, no_wrap=True, overflow="crop")


def _month_iso(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def timeline_lines(chart, width: int, today_month: int, marker: int | None, on=None) -> list:
    """The chart as Rich Text lines: an axis of years, one bar per project, a legend."""
    from rich.text import Text

    lines = []
    name_width = max([len(b.id) for b in chart.bars] + [4])
    chart_width = max(width - name_width - 2, 12)
    pad = " " * (name_width + 1)
    if chart.bars:
        axis = [" "] * chart_width
        ticks = [" "] * chart_width
        for year in range(chart.first // 12, chart.last // 12 + 1):
            column = chart.column(year * 12, chart_width)
            label_text = str(year)
            if column + len(label_text) <= chart_width and all(
                c == " " for c in axis[max(column - 1, 0) : column + len(label_text)]
            ):
                axis[column : column + len(label_text)] = label_text
                ticks[column] = "╷"
        marker_column = chart.column(marker, chart_width) if marker is not None else None
        if marker_column is not None:
            ticks[marker_column] = "┃"
        # The pad is a segment of its own: Rich's SVG export drops leading spaces of a styled one.
        lines.append(Text(pad).append("".join(axis), style="bold"))
        lines.append(Text(pad).append("".join(ticks), style="dim"))
        for bar in chart.bars:
            first, last = chart.cells(bar, chart_width)
            text = Text(visible(bar.id).ljust(name_width) + " ", style="cyan")
            for column in range(chart_width):
                if first <= column <= last:
                    end_of_open_bar = bar.open_end and column == last
                    char, style = ("▶", "green") if end_of_open_bar else ("█", "blue")
                else:
                    char, style = " ", None
                if column == marker_column:
                    char, style = "┃", "bold red"
                text.append(char, style=style)
            lines.append(text)
        items = [
            ("█", "blue", "running"),
            ("▶", "green", f"ongoing, drawn to today ({_month_iso(today_month)})"),
        ]
        if on is not None:
            items.append(("┃", "bold red", on.human()))
        # As many items on a line as fit the width; never cut one (a 60-column terminal).
        legend = None
        for symbol, style, words in items:
            size = 2 + len(words)
            if legend is not None and len(legend) + 3 + size > width:
                lines.append(legend)
                legend = None
            if legend is None:
                legend = Text(pad if len(pad) + size <= width else "")
            else:
                legend.append("   ")
            legend.append(symbol, style=style)
            legend.append(f" {words}")
        lines.append(legend)
    if chart.undated:
        lines.append(
            Text(f"Dates unknown: {', '.join(visible(i) for i in chart.undated)}", style="yellow")
        )
    return lines


# On the page, these are shown even when unknown ("—"); other empty fields are left out.
_ALWAYS_SHOWN = ("status", "period", "countries", "donors", "implementers", "manager")


def _project_page(out: Output, record: dict) -> None:
    from rich.table import Table
    from rich.text import Text

    console = out.console()
    console.print(Text(visible(record.get("title") or record.get("id", "")), style="bold"))
    subtitle = " · ".join(
        dict.fromkeys(visible(record[k]) for k in ("id", "acronym") if record.get(k))
    )
    if subtitle:
        console.print(Text(subtitle, style="cyan"))
    console.print()
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    previous_long = False
    for name, value in record.items():
        if name in ("title", "id", "acronym"):
            continue
        if value in (None, [], "") and name not in _ALWAYS_SHOWN:
            continue
        long = (isinstance(value, list) and len(value) > 1) or len(as_text(value)) > 80
        if long or previous_long:
            grid.add_row("", "")
        grid.add_row(label(name), _page_value(name, value))
        previous_long = long
    console.print(grid)


def _page_value(name: str, value):
    from rich.table import Table
    from rich.text import Text

    if value is None or value == []:
        return Text(NONE, style="dim")
    if name == "components":
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for number, item in enumerate(value, 1):
            text = Text(visible(item.get("title") or ""), style="bold")
            if item.get("description"):
                text.append("\n" + visible(item["description"]))
            grid.add_row(f"{number}.", text)
        return grid
    if isinstance(value, list) and len(value) > 1:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for item in value:
            grid.add_row("•", Text(visible(as_text(item))))
        return grid
    text = as_text(value)
    if isinstance(value, str) and "\n" in text:
        text = "\n\n".join(p.strip() for p in text.split("\n") if p.strip())
    return Text(visible(text))
