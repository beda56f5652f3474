"""No output may be one of the inputs. The atomic writes themselves are in custseg/atomic.py, shared with
the input side."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from custseg.errors import OutputError


def check_not_an_input(output: Path, inputs: Sequence[str | Path]) -> None:
    """Raise OutputError if ``output`` is one of ``inputs`` (the same file by any name; "-" is stdin)."""
    for name in inputs:
        if str(name) == "-":
            continue
        p = Path(name)
        try:
            same = p.exists() and output.exists() and os.path.samefile(p, output)
        except OSError:
            same = False
        if same or output.resolve() == p.resolve():
            raise OutputError(
                f"{output}: the output would overwrite the input {name}",
                hint="choose another name",
                code="output_is_input",
            )
