"""Read one order or customer export (CSV/TSV/XLSX/XLS/ODS, stdin, bytes, a DataFrame) into tables of text.

Every cell is kept as the text the user typed (see :mod:`custseg.input.tables`). The readers, one module
each: :mod:`~custseg.input.csv_file` (text), :mod:`~custseg.input.workbook` (spreadsheets) and
:mod:`~custseg.input.frame` (a pandas DataFrame). Only they and :mod:`custseg.output.tabular` know file formats.
"""

from __future__ import annotations

from custseg.errors import InputError
from custseg.input.csv_file import read_text_table
from custseg.input.frame import read_frame
from custseg.input.sources import DEFAULT_MAX_UNZIPPED_MB, Source
from custseg.input.tables import ReadReport, TableKind
from custseg.input.workbook import read_workbook

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


def read_source(
    source: Source,
    overrides: dict[str, str],
    encoding: str | None = None,
    sheets: list[str] | None = None,
    max_unzipped_mb: int = DEFAULT_MAX_UNZIPPED_MB,
    want: TableKind | None = None,
) -> ReadReport:
    """Read one input; the file's content, not only its extension, decides how (a DataFrame is read as it is)."""
    if source.frame is not None:
        return read_frame(source, overrides, want)
    suffix = source.suffix
    if source.path is not None and not source.path.exists():
        raise InputError(f"{source.name}: file not found", hint="check the path and the spelling")
    source.read_bytes(max_unzipped_mb * 1024 * 1024)
    if suffix in SPREADSHEET_SUFFIXES:
        return read_workbook(source, overrides, sheets, max_unzipped_mb, want)
    if source.data is not None and source.data[:4] == b"PK\x03\x04":
        return read_workbook(source, overrides, sheets, max_unzipped_mb, want)
    if sheets and source.path is not None:
        raise InputError(
            f"{source.name}: sheets can be chosen in workbooks only, and this is a text file",
            code="sheet_of_text_file",
            values={"name": source.name},
        )
    return ReadReport(tables=[read_text_table(source, overrides, encoding, want)])
