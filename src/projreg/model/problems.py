"""Problems found in a registry: where (FILE:LINE:COL), what, and how to fix it.

A Problem renders hledger-style: the headline, the offending line with a caret,
and a hint. RegistryError carries every problem of a registry at once.
"""

from __future__ import annotations

import os
import stat
from typing import NamedTuple

from projreg.errors import ProjregError
from projreg.model.text import visible, wrapped

DATE_HINT = "write a year (2018), a month (2018-06 or June 2018) or a day (2018-06-01)"


class Problem(NamedTuple):
    """One thing wrong with a registry, located as precisely as we can."""

    file: str
    line: int
    column: int
    message: str
    hint: str = ""
    project: str | None = None
    field: str | None = None
    severity: str = "error"

    def headline(self) -> str:
        where = ": ".join(x for x in (self.project, self.field) if x)
        message = f"{where}: {self.message}" if where else self.message
        location = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return visible(f"{location}: {self.severity}: {message}", keep_newlines=False)

    def render(self, width: int | None = None) -> str:
        """hledger style: the headline, the offending line with a caret, then the hint.

        With a width (stderr is a terminal), the headline and the hint wrap at word
        boundaries, FILE:LINE:COL staying first, and the quoted line is cut to fit.
        """
        return render_all([self], width)

    def _render(self, width: int | None, source: str | None, hint: str) -> str:
        """render, given the quoted line and the hint's line (render_all works them out)."""
        lines = [wrapped(self.headline(), width)]
        if source is not None:
            lines += self._excerpt(source, width)
        if hint:
            lines.append(hint)
        return "\n".join(lines)

    def _excerpt(self, source: str, width: int | None) -> list[str]:
        """The offending line around the column, and a caret under it."""
        margin = f"  {self.line} | "
        # 60 characters each side in a pipe; on a terminal, what fits its width.
        room = max(width - len(margin), 20) if width else 120
        before, after = source[: self.column - 1], source[self.column - 1 :]
        if len(before) > room // 2:  # a long line: show the part around the column
            before = "…" + before[-(room // 2 - 1) :]
        limit = room // 2 if width is None else room - len(before)
        if len(after) > limit:
            after = after[: max(limit - 1, 1)] + "…"
        shown_before = visible(before, keep_newlines=False)
        return [
            f"{margin}{shown_before}{visible(after, keep_newlines=False)}",
            f"  {' ' * len(str(self.line))} | {' ' * len(shown_before)}^",
        ]

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line or None,
            "column": self.column or None,
            "severity": self.severity,
            "project": self.project,
            "field": self.field,
            "message": self.message,
            "hint": self.hint or None,
        }


def render_all(problems, width: int | None = None) -> str:
    """The problems rendered (Problem.render), one after another. The work of a file (its
    lines indexed) and of a hint (escaped, wrapped) is done once, not once per problem:
    a file with 32,000 problems repeats one hint 32,000 times."""
    hints: dict[str, str] = {}
    file, lines = None, None
    out = []
    for problem in problems:
        if problem.file != file:
            file, lines = problem.file, _lines_of(problem.file)
        hint = hints.get(problem.hint)
        if hint is None:
            shown = f"  hint: {visible(problem.hint, keep_newlines=False)}"
            hint = hints[problem.hint] = wrapped(shown, width, " " * 8) if problem.hint else ""
        source = None if lines is None else lines.line(problem.line)
        out.append(problem._render(width, source, hint))
    return "\n".join(out)


def _lines_of(file: str) -> _Lines | None:
    """The file's lines as it is now; None when it is not a regular file that can be read.
    The file is read once per version of it (one file at a time is kept), so that quoting
    the lines of 32,000 problems reads it once, not once each."""
    try:
        info = os.stat(file)
        if not stat.S_ISREG(info.st_mode):  # a pipe or a device cannot be read again
            return None
        version = (info.st_ino, info.st_size, info.st_mtime_ns)
        kept = _KEPT.get(file)
        if kept is None or kept[0] != version:
            with open(file, "rb") as handle:
                kept = (version, _Lines(handle.read()))
            _KEPT.clear()  # one file at a time: a registry's problems come file by file
            _KEPT[file] = kept
        return kept[1]
    except OSError:
        return None


class _Lines:
    """A file's bytes, and where each line starts, found only as far as a quoted line needs:
    the first line of a 50 MB file quoted without indexing the rest (0.3 s)."""

    def __init__(self, data: bytes):
        from array import array

        self.data, self.starts, self._all = data, array("q", [0]), False

    def line(self, number: int) -> str | None:
        """Line `number` (from 1), without its line break; None past the last."""
        data, starts = self.data, self.starts
        while len(starts) <= number and not self._all:  # line `number` ends where the next starts
            at = data.find(b"\n", starts[-1])
            if at == -1 or at + 1 == len(data):  # no line after the last line break
                self._all = True
            else:
                starts.append(at + 1)
        if number < 1 or number > len(starts):
            return None
        end = starts[number] if number < len(starts) else len(data)
        text = data[starts[number - 1] : end].decode("utf-8", "replace")
        return text.rstrip("\r\n").lstrip("\ufeff")


_KEPT: dict[str, tuple[tuple, _Lines]] = {}


class RegistryError(ProjregError):
    """The registry could not be read or is not valid; .problems says why, all of it."""

    def __init__(self, problems: list[Problem], registry=None):
        # In the order of the files, then of the lines: `check` and every other command
        # report the same file the same way.
        order = {file: n for n, file in enumerate(dict.fromkeys(p.file for p in problems))}
        self.problems = sorted(problems, key=lambda p: (order[p.file], p.line, p.column))
        # What did load (the valid projects), so that `check` can still lint it.
        self.registry = registry
        super().__init__()

    def __str__(self) -> str:
        # Worked out when asked for: `check` renders the problems instead.
        return "\n".join(p.headline() for p in self.errors)

    def __repr__(self) -> str:
        first = self.errors[0].headline() if self.errors else "no errors"
        return f"RegistryError({len(self.errors)} errors; the first: {first!r})"

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def render(self, width: int | None = None) -> str:
        """The errors (not the warnings), each with its line and hint (see Problem.render)."""
        return render_all(self.errors, width)
