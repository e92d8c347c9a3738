"""Rows and projects to the screen or a pipe.

On a terminal: plain gh-style tables (one line per row, see _table), Rich for
project pages, summaries and the timeline. Piped: tab-separated, one record per line, no
header, colour or decoration (gh's convention). Also csv, json, yaml and
markdown on request. Registry text is data: it reaches Rich only as Text
objects (never parsed as markup), and control, bidi and invisible characters
are shown as visible escapes (text.py). Nothing here writes files.
"""

from __future__ import annotations

import io
import sys

from projreg.model.fields import SHORT_FIELDS, as_text, key_values, label, tsv_cells
from projreg.model.text import UNSAFE, flat, visible
from projreg.registry.encode import to_yaml
from projreg.render.terminal import MAX_WIDTH, Terminal, env_width

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
            width=width or self.table_width(),
            height=_lines(),
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

    def colored(self) -> bool:
        """Whether stdout gets colour: the same rule as the Rich consoles (console())."""
        if self.color == "always":
            return True
        if self.color == "never" or self.terminal.no_color:
            return False
        return self.terminal.stdout_tty or self.terminal.force_color

    def table_width(self) -> int:
        """The width tables fit: the terminal's, else $COLUMNS, else 80."""
        if self.terminal.width:
            return self.terminal.width
        import shutil

        return env_width() or min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH)

    def table_height(self) -> int:
        """The lines a screen holds: the terminal's, else $LINES, else 24."""
        if self.terminal.height:
            return self.terminal.height
        import shutil

        return shutil.get_terminal_size((80, 24)).lines

    def note(self, text: str) -> None:
        """A remark for the reader, on stderr so that pipes get only records; wrapped at word
        boundaries when stderr is a terminal."""
        from projreg.model.text import wrapped

        sys.stderr.write(wrapped(visible(text), self.terminal.error_width()) + "\n")

    def remark(self, text: str) -> None:
        """A line that belongs with the output: under a table, or on stderr beside records."""
        if self.format == "table":
            from rich.text import Text

            self.console().print(Text(visible(text), style="yellow"))
        else:
            self.note(text)


def _lines() -> int:
    """The terminal's height, for Rich (which would read $LINES and $COLUMNS itself)."""
    import shutil

    return max(1, min(shutil.get_terminal_size((80, 24)).lines, MAX_WIDTH))


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
            out.write(tsv_cells(row, fields) + "\n")
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


# Columns a narrow terminal leaves out first, in this order; after them, the other text
# columns from the right, then the short ones (dates, status) from the right, then the
# title. The first column (the id, or the group of a report) is never left out.
DROP_FIRST = (
    "match",
    "via",
    "coverage",
    "programme",
    "notes",
    "ids",
    "project_months",  # a report by place keeps its direct/via split longer than this
    "via_region",
    "via_country",
    "direct",
)
# A text column narrower than this is left out instead of being cut further.
MIN_TEXT = 15
GAP = "  "


def _say_matches(out: Output, rows: list[dict]) -> None:
    """How the projects matched, under a table that had no room for the column."""
    via: dict[str, list[str]] = {}
    for row in rows:
        if row.get("match") not in (None, "direct"):
            via.setdefault(row["match"], []).append(row["id"])
    for how, ids in via.items():
        out.remark(f"{how[:1].upper()}{how[1:]}: {', '.join(ids)}")


def _table(
    out: Output,
    rows: list[dict],
    fields: list[str],
    title: str | None,
    labels: dict | None = None,
    empty: str = "No projects match.",
) -> None:
    """gh-style: a header line, then one line per row, columns padded and never wrapped.

    Ids, dates, numbers and statuses are printed whole; a text column too long for
    the terminal is cut with "…"; when even that does not fit, columns are left out
    (DROP_FIRST, then from the right) and a note on stderr says which. Widths are
    worked out in one pass over the cells, then rows are written as they are laid out.
    """
    if not rows:
        out.note(empty)
        return
    from rich.cells import cell_len

    labels = labels or {}
    cells = [[flat(as_text(row[f], ", ")) or NONE for f in fields] for row in rows]
    headers = [labels.get(name) or label(name) for name in fields]
    widths = _column_widths(fields, headers, cells, out.table_width())
    kept = [i for i, w in enumerate(widths) if w]
    dropped = [headers[i] for i, w in enumerate(widths) if not w]
    color = out.colored()
    bold, cyan, reset = ("\x1b[1m", "\x1b[36m", "\x1b[0m") if color else ("", "", "")
    last = kept[-1]

    def line(texts, styles) -> str:
        parts = []
        for i in kept:
            text = _fit(texts[i], widths[i], cell_len)
            pad = "" if i == last else " " * (widths[i] - cell_len(text))
            parts.append(f"{styles[i]}{text}{reset}{pad}" if styles[i] else text + pad)
        return GAP.join(parts)

    write = out.write
    if title:
        write(f"{bold}{visible(title)}{reset}\n" if color else visible(title) + "\n")
    write(line(headers, [bold] * len(fields)) + "\n")
    styles = [cyan if name == "id" else "" for name in fields]
    chunk = []
    for row in cells:
        chunk.append(line(row, styles))
        if len(chunk) == 200:  # the first rows reach the screen at once
            write("\n".join(chunk) + "\n")
            chunk = []
    if chunk:
        write("\n".join(chunk) + "\n")
    if "match" in fields and not widths[fields.index("match")]:
        _say_matches(out, rows)  # how a project matched is part of the answer
    if dropped:
        out.note(f"Not shown here: {', '.join(dropped)} (a wider terminal or -f tsv shows them)")


def _fit(text: str, width: int, cell_len) -> str:
    """text cut to `width` terminal cells, ending in "…" when cut."""
    if len(text) <= width and (text.isascii() or cell_len(text) <= width):
        return text
    from rich.cells import set_cell_size

    return set_cell_size(text, width - 1).rstrip() + "…"


def _column_widths(
    fields: list[str], headers: list[str], cells: list[list[str]], total: int
) -> list[int]:
    """A width for each column that fits `total` cells (0: the column is left out).

    Every column at its full width if they fit. Otherwise short columns (ids,
    dates, numbers, statuses: SHORT_FIELDS) stay whole, and text columns share
    what is left, the narrow ones whole and the longest ones cut to equal widths,
    never below MIN_TEXT (or their header); when even that does not fit, columns
    are left out in the order of DROP_FIRST, then text columns from the right,
    then short columns from the right, then the first text column (the title);
    never the first column (the id).
    """
    from rich.cells import cell_len

    count = len(fields)
    whole = [
        max(
            [cell_len(row[i]) if not row[i].isascii() else len(row[i]) for row in cells]
            + [cell_len(headers[i])]
        )
        for i in range(count)
    ]
    if sum(whole) + len(GAP) * (count - 1) <= total:
        return whole
    short = [name in SHORT_FIELDS for name in fields]
    least = [
        whole[i] if short[i] else max(min(whole[i], MIN_TEXT), cell_len(headers[i]))
        for i in range(count)
    ]
    order = [i for name in DROP_FIRST for i in range(1, count) if fields[i] == name]
    texts = [i for i in range(1, count) if not short[i] and i not in order]
    main = texts[:1]  # the first text column (the title) goes last
    order += [i for i in reversed(texts) if i not in main]
    order += [i for i in reversed(range(1, count)) if i not in order and i not in main] + main
    shown = list(range(count))
    while len(shown) > 1 and sum(least[i] for i in shown) + len(GAP) * (len(shown) - 1) > total:
        shown.remove(order.pop(0))
    widths = [whole[i] if i in shown else 0 for i in range(count)]
    room = total - len(GAP) * (len(shown) - 1) - sum(whole[i] for i in shown if short[i])
    flexible = sorted((i for i in shown if not short[i]), key=lambda i: whole[i])
    # Water-filling: narrow text columns get all they need, the widest share the rest.
    while flexible:
        i = flexible.pop(0)
        widths[i] = max(least[i], min(whole[i], room // (len(flexible) + 1)))
        room -= widths[i]
    return widths


def to_json(data) -> str:
    import json

    text = json.dumps(_numbers(data), ensure_ascii=False, indent=2)
    return UNSAFE.sub(_json_escape, text)


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
        for name, text in key_values(record):
            out.write(f"{name}\t{flat(text)}\n")
    elif fmt == "csv":
        import csv

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["field", "value"])
        writer.writerows([name, visible(text)] for name, text in key_values(record))
        out.write(buffer.getvalue())
    else:
        out.write(_markdown(["Field", "Value"], [list(pair) for pair in key_values(record)]))


def emit_timeline(out: Output, chart, today, on) -> None:
    """The chart on a terminal; records (one bar each) when piped."""
    from projreg.query.reports import month_index

    if out.format != "table":
        rows = [
            {
                "id": bar.id,
                "start": bar.start,
                "end": bar.end,
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
    from rich.text import Text

    today_month = month_index(today)
    marker = month_index(on.first_day()) if on else None
    lines = timeline_lines(chart, console.width, today_month, marker, on)
    # Printed at once: the same output as a print of each line, in half the time.
    console.print(Text("\n").join(lines), no_wrap=True, overflow="crop")


def label_width(labels, width: int) -> int:
    """The label column of a terminal chart: as wide as the longest label, but never more
    than a third of the width (at least LABEL_LEAST), so that labels never take the chart's room."""
    from rich.cells import cell_len

    longest = max([cell_len(text) for text in labels] + [4])
    return min(longest, max(width // 3, LABEL_LEAST))


LABEL_LEAST = 8


def cap(text: str, width: int) -> str:
    """A label cut to `width` cells with "…" and padded to them (the whole id stays in
    -f tsv/json and show)."""
    from rich.cells import cell_len

    text = _fit(text, width, cell_len)
    return text + " " * (width - cell_len(text))


def _month_iso(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def timeline_lines(chart, width: int, today_month: int, marker: int | None, on=None) -> list:
    """The chart as Rich Text lines: an axis of years, one bar per project, a legend."""
    from rich.text import Text

    lines = []
    name_width = label_width([visible(b.id) for b in chart.bars], width)
    chart_width = max(width - name_width - 2, 12)
    pad = " " * (name_width + 1)
    if chart.bars:
        marker_column = chart.column(marker, chart_width) if marker is not None else None
        axis, ticks = _year_axis(chart, chart_width, marker_column)
        # The pad is a segment of its own: Rich's SVG export drops leading spaces of a styled one.
        lines.append(Text(pad).append(axis, style="bold"))
        lines.append(Text(pad).append(ticks, style="dim"))
        for bar in chart.bars:
            text = Text(cap(visible(bar.id), name_width) + " ", style="cyan")
            _bar_cells(
                text, chart.cells(bar, chart_width), bar.to_today, chart_width, marker_column
            )
            lines.append(text)
        items = [
            ("█", "blue", "running"),
            # Whatever the status says: the arrow is the end the registry does not give.
            ("▶", "green", f"no end given: drawn to today ({_month_iso(today_month)})"),
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
        if legend is not None:  # always, as items is never empty
            lines.append(legend)
    if chart.undated:
        lines.append(
            Text(f"Dates unknown: {', '.join(visible(i) for i in chart.undated)}", style="yellow")
        )
    return lines


def _bar_cells(text, cells: tuple[int, int], to_today: bool, width: int, marker: int | None):
    """A bar's cells after its label, with one span for each run of cells of one style:
    the picture of a span per cell, with one colour code per run instead of one around
    every cell (a 1,758-row Gantt on a colour terminal: 304 -> 272 kB, 0.50 -> 0.43 s)."""
    from itertools import groupby

    from rich.text import Span

    first, last = cells
    chars = [" "] * width
    styles: list[str | None] = [None] * width
    low, high = max(first, 0), min(last, width - 1)
    if low <= high:
        chars[low : high + 1] = ["█"] * (high - low + 1)
        styles[low : high + 1] = ["blue"] * (high - low + 1)
        if to_today and high == last:
            chars[last], styles[last] = "▶", "green"
    if marker is not None and 0 <= marker < width:
        chars[marker], styles[marker] = "┃", "bold red"
    at = len(text)
    text.append("".join(chars))
    spans: list[Span] = []
    for style, run in groupby(styles):
        size = len(list(run))
        if style:
            spans.append(Span(at, at + size, style))
        at += size
    text.spans = [*text.spans, *spans]


def _year_axis(chart, chart_width: int, marker_column: int | None) -> tuple[str, str]:
    """The years over the bars and their ticks, each where its January begins; a year
    whose label would touch the previous one is left unlabelled."""
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
    if marker_column is not None:
        ticks[marker_column] = "┃"
    return "".join(axis), "".join(ticks)


# --- the timeline's overview ---------------------------------------------------------

# A mark and a colour for each part of a period's bar: the marks tell them apart without colour.
PART_MARKS = ("█", "▓", "▒", "░", "#", "=", ":", "+")
PART_STYLES = ("blue", "green", "yellow", "magenta", "cyan", "red", "white", "bright_black")
MONEY_BLOCKS = 3  # currencies drawn; the others are named under the chart with their totals


def emit_overview(out: Output, view, hint: str = "") -> None:
    """The overview on a terminal (bars per period); records (one per period) otherwise."""
    if out.format != "table":
        rows = view.records()
        names = list(rows[0]) if rows else ["period", "projects"]
        emit_rows(out, rows, names, empty="No projects to chart.")
        return
    if not view.dated and not view.undated:
        out.note("No projects to chart.")
        return
    console = out.console()
    for line in overview_lines(view, console.width):
        console.print(line)  # bars are cropped (no_wrap), sentences wrap
    if hint:
        out.note(hint)


def overview_lines(view, width: int) -> list:
    """The overview as Rich Text lines: the count per period in stacked bars, a legend,
    the projects whose dates are unknown, then the budget per period in each currency."""
    from rich.text import Text

    unit = "quarter" if view.quarterly else "year"
    split = f"status on {view.today.isoformat()}" if view.by == "status" else "donor"
    lines = [
        Text(f"Projects running in each {unit}, by {split}", style="bold"),
        Text(
            f"{view.dated:,} projects with known dates; each {unit} counts what "
            f"`projreg active --on {unit.upper()}` lists",
            style="dim",
        ),
    ]
    totals = [view.total(i) for i in range(len(view.periods))]
    labels = [p.label for p in view.periods]
    lines += _stacked_rows(labels, view.counts, totals, [f"{n:,}" for n in totals], width)
    lines += _legend_lines(view.groups, width)
    if view.undated:
        parts = ", ".join(
            f"{n:,} {g}" for g, n in zip(view.groups, view.undated_groups, strict=True) if n
        )
        lines.append(
            Text(f"Dates unknown, not in the bars: {len(view.undated):,} ({parts})", style="yellow")
        )
    lines += _money_lines(view, width)
    return lines


def _stacked_rows(labels, parts, totals, numbers, width: int) -> list:
    """One line per period: its label, a bar made of its parts (PART_MARKS), its number."""
    from rich.text import Text

    labels, parts, totals, numbers = _runs(labels, parts, totals, numbers)
    name_width = label_width(labels, width)
    number_width = max([len(n) for n in numbers] + [1])
    bar_width = max(width - name_width - number_width - 3, 10)
    most = max([*totals, 0]) or 1
    lines = []
    for label_text, counts, number in zip(labels, parts, numbers, strict=True):
        text = Text(cap(label_text, name_width) + " ", no_wrap=True, overflow="crop")
        text.stylize("bold", 0, name_width)
        done, running = 0, 0
        for index, count in enumerate(counts):
            running += count
            cells = round(running * bar_width / most) - done
            if cells > 0:
                mark = PART_MARKS[index % len(PART_MARKS)]
                text.append(mark * cells, style=PART_STYLES[index % len(PART_STYLES)])
                done += cells
        text.append(" " * (bar_width - done + 1) + number.rjust(number_width))
        lines.append(text)
    return lines


def _runs(labels, parts, totals, numbers, least: int = 3):
    """Runs of `least` or more periods with the same parts as one line, "1900–1969": a few
    placeholder dates (1900-01-01) then fill a screen with a dozen lines, not a century."""
    out: tuple[list, list, list, list] = ([], [], [], [])
    start = 0
    for end in range(1, len(labels) + 1):
        if end < len(labels) and parts[end] == parts[start]:
            continue
        if end - start >= least:
            label_text = f"{labels[start]}–{labels[end - 1]}"
            row = (label_text, parts[start], totals[start], numbers[start])
            for column, value in zip(out, row, strict=True):
                column.append(value)
        else:
            for i in range(start, end):
                for column, value in zip(
                    out, (labels[i], parts[i], totals[i], numbers[i]), strict=True
                ):
                    column.append(value)
        start = end
    return out


def _legend_lines(groups, width: int) -> list:
    """The parts' marks and names, as many on a line as fit; long names cut with "…"."""
    from rich.text import Text

    lines, legend = [], None
    for index, group in enumerate(groups):
        name = cap(visible(group), min(len(visible(group)), max(width // 3, LABEL_LEAST)))
        size = 2 + len(name)
        if legend is not None and len(legend) + 3 + size > width:
            lines.append(legend)
            legend = None
        if legend is None:
            legend = Text()
        else:
            legend.append("   ")
        legend.append(
            PART_MARKS[index % len(PART_MARKS)], style=PART_STYLES[index % len(PART_STYLES)]
        )
        legend.append(f" {name}")
    return lines + ([legend] if legend is not None else [])


def _money_lines(view, width: int) -> list:
    """The budget per period, one block per currency (the largest MONEY_BLOCKS)."""
    from rich.text import Text

    from projreg.query.overview import SPREAD

    if not view.currencies and not view.unplaced:
        return []
    lines = [
        Text(""),
        Text(f"Budget in each {'quarter' if view.quarterly else 'year'}", style="bold"),
    ]
    lines.append(Text(f"({SPREAD}; {view.with_budget:,} projects)", style="dim"))
    labels = [p.label for p in view.periods]
    for index, currency in enumerate(view.currencies[:MONEY_BLOCKS]):
        amounts = [row[index] for row in view.money]
        held = [i for i, a in enumerate(amounts) if a]
        if not held:
            continue
        within = range(held[0], held[-1] + 1)  # the periods its budgets cover, not the others
        lines.append(Text(f"{visible(currency)}, {labels[held[0]]} to {labels[held[-1]]}"))
        shown = [max(amounts[i], 0) for i in within]  # a negative sum (a revision): no bar
        lines += _stacked_rows(
            [labels[i] for i in within],
            [(a,) for a in shown],
            shown,
            [money(amounts[i]) for i in within],
            width,
        )
    rest = view.currencies[MONEY_BLOCKS:]
    if rest:
        sums = {c: sum(row[view.currencies.index(c)] for row in view.money) for c in rest}
        lines.append(
            Text("Also budgeted: " + ", ".join(f"{visible(c)} {money(sums[c])}" for c in rest))
        )
    for currency, total, count in view.unplaced:
        lines.append(
            Text(
                f"Not spread, no whole period given: {count:,} budget{'s' * (count != 1)}, "
                f"{visible(currency)} {money(total)}",
                style="yellow",
            )
        )
    return lines


def money(amount) -> str:
    from projreg.query.overview import short_amount

    return short_amount(amount)


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
    words = as_text(value)
    if isinstance(value, str) and "\n" in words:
        words = "\n\n".join(p.strip() for p in words.split("\n") if p.strip())
    return Text(visible(words))
