"""The process's standard streams as the command line uses them: text for people (the summary, errors, help)
in whatever encoding the console has, data for programs (``-o -``, ``--format csv/json``) in UTF-8 whatever
the console has.

A Chinese Windows console is GBK, a Western one cp1252, and a job run by cron or Task Scheduler with
no locale can be ASCII; a customer named "Café Ñandú ₫ 😀" fits none of them. Python's default for stdout
is to fail on such a character, which ended a finished grading in a traceback. Kept out of the library:
changing the process's streams is the command line's business."""

from __future__ import annotations

import contextlib
import sys
from typing import IO


def tolerate_console_encoding() -> None:
    """Show what the console's encoding cannot as "?" on stdout and stderr instead of failing: the summary
    and the error lines are for reading, and a "?" in a name beats no summary at all. Called once, when the
    command line starts."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:  # a stream replaced by an embedding program is left as it is
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


def data_stdout() -> IO[str]:
    """stdout, switched to UTF-8 with no newline translation, for data: a CSV or JSON on stdout is read by
    a program, which must get every character, and gets the same bytes ``-o FILE`` would write. Only for
    commands whose stdout carries nothing but that data (grade's summary goes to stderr then)."""
    stream = sys.stdout
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        stream.flush()
        reconfigure(encoding="utf-8", errors="strict", newline="")
    return stream
