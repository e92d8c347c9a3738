"""The terminal as a value: whether stdout and stderr are terminals, how wide, and colour.

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
    no_color: bool = False  # NO_COLOR or TERM=dumb
    force_color: bool = False  # FORCE_COLOR: colour even where stdout is no terminal

    @classmethod
    def detect(cls) -> Terminal:
        return cls(
            stdout_tty=sys.stdout.isatty(),
            stderr_tty=sys.stderr.isatty(),
            stdin_tty=sys.stdin.isatty(),
            no_color=bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb",
            force_color=bool(os.environ.get("FORCE_COLOR")),
        )


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
