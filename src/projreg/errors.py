"""The errors a user can cause, each with the exit code it means.

The library raises these; the command line maps them to exit codes in one place
(cli.ProjregGroup): 1 for a registry, lookup or write problem, 2 for a usage error.
"""

from __future__ import annotations


class ProjregError(Exception):
    """A problem to report to the user in one line (or a few), never as a traceback."""

    exit_code = 1


class UsageError(ProjregError, ValueError):
    """A value given on the command line (or to the library) that cannot be used."""

    exit_code = 2


class NotFound(ProjregError, LookupError):
    """Something asked for by name that is not there (a project, a file)."""


class WriteError(ProjregError, OSError):
    """A file that could not be written, or that exists and --force was not given."""
