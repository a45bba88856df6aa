"""Exit codes and the one error type the CLI turns into a one-line message.

Design: every failure a user can cause raises ``NegtrackError`` (or a subclass)
carrying its exit code; ``cli.main`` prints ``negtrack: error: <message>`` on
stderr and exits with that code. Tracebacks are shown only under ``--debug``.
The codes are a documented contract (README, "Exit codes"): cron scripts
branch on them, so values are never renumbered.
"""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1  # unexpected internal error (a bug): report it, rerun with --debug
    USAGE = 2  # bad command line: unknown option, bad value, unknown issue/actor
    INPUT = 3  # an article could not be read: missing, empty, binary, too large
    CODEBOOK = 4  # a codebook file is invalid
    STORE = 5  # the store cannot be opened or written (not SQLite, read-only, disk full)
    NOT_FOUND = 6  # the article, position or codebook named does not exist
    CHANGED = 10  # `changes -q`: something changed since the last run
    PARTIAL = 11  # a batch finished but some files were skipped (each warned)
    INTERRUPTED = 130  # Ctrl-C (SIGINT): what was committed before it stays


class NegtrackError(Exception):
    """An error meant for the user: one line, a stable exit code."""

    code = ExitCode.ERROR

    def __init__(self, message: str, code: ExitCode | None = None):
        super().__init__(message)
        if code is not None:
            self.code = code


class UsageError(NegtrackError):
    code = ExitCode.USAGE


class InputError(NegtrackError):
    code = ExitCode.INPUT


class CodebookError(NegtrackError):
    code = ExitCode.CODEBOOK


class StoreError(NegtrackError):
    code = ExitCode.STORE


class NotFoundError(NegtrackError):
    code = ExitCode.NOT_FOUND
