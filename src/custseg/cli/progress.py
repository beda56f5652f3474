"""The callback grade() reports its stages to: a spinner on an interactive terminal, and freed memory handed
back to the operating system at every stage change (process-wide, so the command line's to do)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from rich.console import Console

from custseg.cli.memory import release_free_memory


class StageProgress:
    """A context whose value is the progress callback: ``step("scoring")`` shows the stage in a transient
    spinner (only on an interactive terminal) and releases the memory the stage before it freed."""

    def __init__(self, console: Console, quiet: bool, lang: str = "zh") -> None:
        self.enabled = not quiet and console.is_terminal and not os.environ.get("NO_COLOR") and sys.stderr.isatty()
        self.status: Any = None
        self.lang = lang

    def __enter__(self) -> Callable[[str], None]:
        if self.enabled:
            self.status = Console(stderr=True).status(self.words("reading"))
            self.status.start()
        return self.step

    def step(self, stage: str) -> None:
        release_free_memory()
        if self.status is not None:
            self.status.update(self.words(stage))

    def words(self, stage: str) -> str:
        from custseg.output.labels import TEXT, idx

        return TEXT.get(stage, (stage, stage))[idx(self.lang)]

    def __exit__(self, *exc: object) -> None:
        if self.status is not None:
            self.status.stop()
