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
