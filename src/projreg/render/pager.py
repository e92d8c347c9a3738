"""Long output through the user's pager, as git and gh do.

The pager is $PROJREG_PAGER, else $PAGER, else `less -FRX` (less then quits at once when
the output fits one screen, keeps colours, and leaves the text on the screen); an empty
value or `cat` means no pager (terminal.pager_command). It is chosen only when stdout is
a terminal (`Terminal.detect`), so a pipe, a file or a test never gets one; `--no-pager`
turns it off. As git does, LESS=FRX and LV=-c are set for the pager when the user has not set
them. Quitting the pager before the end is not an error: the output stops quietly.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

_SHELL = set("|&;<>()$`\\\"' \t\n*?[#~=%")


def _arguments(command: str) -> list[str] | None:
    """How to start the pager: its words, or through sh when it uses the shell's syntax
    (as git does); None when its program cannot be found."""
    import shlex
    import shutil

    try:
        words = shlex.split(command)
    except ValueError:
        words = []
    if words and not any(set(w) & _SHELL - {" "} for w in words):
        return words if shutil.which(words[0]) else None
    return ["/bin/sh", "-c", command]


@contextlib.contextmanager
def paging(command: str | None) -> Iterator[None]:
    """Within it, sys.stdout goes to the pager (when there is one); at its end, wait for
    the reader to quit it. A pager that cannot be started leaves stdout as it was."""
    arguments = _arguments(command) if command else None
    if command and arguments is None:
        sys.stderr.write(f"projreg: pager not found: {command}; printing without it\n")
    if arguments is None:
        yield
        return
    import subprocess

    environ = {"LESS": "FRX", "LV": "-c", **os.environ}
    sys.stdout.flush()
    try:
        process = subprocess.Popen(arguments, stdin=subprocess.PIPE, env=environ)
    except OSError as error:
        sys.stderr.write(f"projreg: cannot start the pager {command}: {error.strerror}\n")
        yield
        return
    # stdin=PIPE above: Popen always makes the pipe, so process.stdin is set.
    assert process.stdin is not None
    real = sys.stdout
    sys.stdout = _PagerStream(process.stdin)
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        pass  # the reader quit the pager: the rest is not wanted
    finally:
        sys.stdout = real
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()
        _wait(process)


def _wait(process) -> None:
    """Wait for the pager; Ctrl-C reaches it (it decides), not us."""
    while True:
        try:
            process.wait()
            return
        except KeyboardInterrupt:
            continue


class _PagerStream:
    """Text to the pager's stdin as UTF-8. Once the reader has quit, a write raises
    BrokenPipeError, which ends the output (paging() catches it)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(text.encode("utf-8", "surrogateescape"))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:
        return "utf-8"
