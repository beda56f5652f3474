"""One family of errors a user can fix; the CLI prints them as one line and exits with their code."""

from __future__ import annotations

# Exit codes, documented in the README. 2 is also what Typer uses for usage errors.
EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_TOO_MANY_PROBLEMS = 3
EXIT_LOCKED = 4


class CustsegError(Exception):
    """An error the user can fix: a message that says what is wrong and a hint that says what to do."""

    exit_code = EXIT_INPUT

    def __init__(
        self, message: str, hint: str | None = None, *, code: str = "", values: dict[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        # The hint speaks of the library's own names (GradeOptions fields, parameters). ``code`` and
        # ``values`` let a front end say the same in its own words: the CLI names its flags (cli/hints.py).
        self.hint = hint
        self.code = code
        self.values = values or {}

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class InputError(CustsegError):
    """A file is missing, unreadable, of the wrong shape or lacks required columns."""


class RulesError(CustsegError):
    """The rules file (or a rule given on the command line) is invalid."""


class CurrencyError(CustsegError):
    """Amounts cannot be put into one base currency (no rates for a currency found)."""


class OutputError(CustsegError):
    """An output cannot be written (locked, unwritable, equal to an input, too large for Excel)."""


class UsageError(CustsegError):
    """Options that contradict each other or are malformed beyond what Typer checks."""

    exit_code = EXIT_USAGE


class LockedError(CustsegError):
    """Another run holds the history lock."""

    exit_code = EXIT_LOCKED
