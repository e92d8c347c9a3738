"""The terminal as a value: whether stdout and stderr are terminals, its size, colour, pager.

Built once from the environment by `Terminal.detect()`; tests build their own
(`Terminal(stdout_tty=True, width=80)`) and hand it to the command line, so no
module function is ever patched to pretend.
"""

from __future__ import annotations

import os
import sys
from typing import NamedTuple


class Terminal(NamedTuple):  # a NamedTuple: immutable, and cheaper to define than a dataclass
    stdout_tty: bool = False
    stderr_tty: bool = False
    stdin_tty: bool = False  # may a command ask questions (`projreg new`)
    width: int | None = None  # None: ask the terminal (Rich reads COLUMNS, then the tty)
    height: int | None = None  # None: ask the terminal (LINES, then the tty, else 24)
    no_color: bool = False  # NO_COLOR or TERM=dumb
    force_color: bool = False  # FORCE_COLOR: colour even where stdout is no terminal
    pager: str | None = None  # the command long output goes through (pager.py); None: none

    @classmethod
    def detect(cls) -> Terminal:
        stdout_tty = sys.stdout.isatty()
        return cls(
            stdout_tty=stdout_tty,
            stderr_tty=sys.stderr.isatty(),
            stdin_tty=sys.stdin.isatty(),
            no_color=bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb",
            force_color=bool(os.environ.get("FORCE_COLOR")),
            pager=pager_command(os.environ) if stdout_tty else None,  # never in a pipe
        )

    def error_width(self) -> int | None:
        """The width errors and warnings wrap to: stderr's terminal's; None for a pipe,
        which gets one line per message (for grep and editors)."""
        if not self.stderr_tty:
            return None
        if self.width:
            return self.width
        columns = os.environ.get("COLUMNS", "")
        if columns.isdigit() and int(columns) > 0:
            return int(columns)
        try:
            return os.get_terminal_size(sys.stderr.fileno()).columns
        except (OSError, ValueError):
            return 80


MAX_WIDTH = 1000  # wider than any screen; a wider COLUMNS would only cost time and memory


def env_width() -> int | None:
    """$COLUMNS as a width: clamped to MAX_WIDTH; None if it is not a width (1e9, -5, x)."""
    text = os.environ.get("COLUMNS", "").strip()
    if not text.isascii() or not text.isdigit() or not text.strip("0"):
        return None
    return MAX_WIDTH if len(text) > 6 else min(int(text), MAX_WIDTH)


def sanitize_columns() -> None:
    """Make $COLUMNS sane for every library that reads it (Rich, click, shutil): a value
    that is not a width is dropped, a huge one clamped. Called once, at start-up."""
    if "COLUMNS" in os.environ:
        width = env_width()
        if width is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = str(width)


DEFAULT_PAGER = "less -FRX"


def pager_command(environ) -> str | None:
    """The pager the environment asks for, as git and gh choose it: $PROJREG_PAGER, else
    $PAGER, else `less -FRX`; an empty value or `cat` means none (None)."""
    for name in ("PROJREG_PAGER", "PAGER"):
        if name in environ:
            command = environ[name].strip()
            return None if command in ("", "cat") else command
    return DEFAULT_PAGER
