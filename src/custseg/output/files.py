"""Writing a grading where an analyst says: a path (written atomically, the format from its extension) or an
open file. The formats themselves are :mod:`custseg.output.tabular`'s and :mod:`custseg.output.workbook`'s.

This module imports neither pandas nor the writers until it writes, so that the command line can ask
:func:`format_of` before anything heavy is loaded."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING

from custseg.errors import OutputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from custseg.api import GradeResult

# Formats by extension: the workbook and the machine-readable tables.
FORMATS = ("xlsx", "csv", "json", "jsonl")
TABLE_FORMATS = ("csv", "json", "jsonl")


def format_of(target: str | os.PathLike[str]) -> str | None:
    """The format a file name's extension names (``g.JSONL`` -> "jsonl"), None for any other."""
    suffix = Path(target).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else None


def write_table(
    customers: pd.DataFrame,
    target: str | os.PathLike[str] | IO[str],
    fmt: str | None = None,
    csv_safe: bool = False,
    bom: bool = False,
) -> None:
    """Write the customer table (GradeResult.customers) as CSV, JSON (an array) or JSON lines.

    ``target`` is a path, written atomically in UTF-8, whose extension gives the format unless ``fmt``
    does, or a text file open for writing (CSV unless ``fmt`` says otherwise). ``csv_safe`` prefixes text
    cells that a spreadsheet would read as a formula with ``'``; ``bom`` starts a CSV with a byte order mark
    (U+FEFF), by which Excel tells UTF-8 from the system's code page (JSON never gets one)."""
    from custseg.atomic import write_text_atomic
    from custseg.output.tabular import write_table as write_to

    path = Path(target) if isinstance(target, str | os.PathLike) else None
    chosen = fmt or (format_of(path) if path is not None else "csv")
    if chosen not in TABLE_FORMATS:
        if fmt:
            raise OutputError(f"fmt={fmt!r} is not a table format", hint="use 'csv', 'json' or 'jsonl'")
        raise OutputError(
            f"{path}: cannot tell a table format from the extension",
            hint="name the file .csv, .json or .jsonl, or pass fmt",
        )

    def fill(fh: IO[str]) -> None:
        if bom and chosen == "csv":
            fh.write("\ufeff")
        write_to(customers, chosen, fh, csv_safe)

    if isinstance(target, str | os.PathLike):
        write_text_atomic(Path(target), fill)
    else:
        fill(target)


def write_workbook(result: GradeResult, target: str | os.PathLike[str] | IO[bytes], lang: str = "zh") -> None:
    """Write the formatted workbook (客户分级管理表格) of a grading: ``lang`` "zh" or "en".

    ``target`` is a path, written atomically, or a binary file open for writing."""
    from custseg.output.workbook import write_workbook as write_to

    if isinstance(target, str | os.PathLike):
        write_to(result, Path(target), lang)
        return
    if isinstance(target, io.TextIOBase):
        raise OutputError("a workbook is bytes: open the file in binary mode ('wb'), or pass a path")
    # The workbook writer works on a file of its own; the finished file is copied into ``target``.
    with tempfile.TemporaryDirectory(prefix="custseg-") as folder:
        path = Path(folder) / "grading.xlsx"
        write_to(result, path, lang)
        with open(path, "rb") as fh:
            shutil.copyfileobj(fh, target)


def write_text(target: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to the path ``target`` atomically, in UTF-8 with the line ends as given."""
    from custseg.atomic import write_text_atomic

    def fill(fh: IO[str]) -> None:
        fh.write(text)

    write_text_atomic(Path(target), fill)
