"""Workbooks (.xlsx/.xlsm/.xls/.xlsb/.ods): the zip-bomb and damage checks, the choice of sheets, and each
sheet's table below its header row.

Sheets are read as rows of cell values through python-calamine (openpyxl where it is absent); large .xlsx
sheets are read a column at a time by :mod:`custseg.input._xlsx_columns` where that gives the same cells.
Formula cells read as their saved value; an .xlsx formula saved with none reads as its text ("=…"), found
by :mod:`custseg.input._xlsx_formulas` and listed on the table, where every reader would give an empty cell.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import numpy as np

from custseg.core.values import Factorized
from custseg.errors import InputError
from custseg.input._xlsx_formulas import FormulaCells
from custseg.input.bounds import check_zip_parts
from custseg.input.header_row import HEADER_SCAN_ROWS, find_header, no_order_columns
from custseg.input.headers import ColumnMapping
from custseg.input.sources import DEFAULT_MAX_UNZIPPED_MB, Source
from custseg.input.tables import ReadReport, Table, TableKind, cell_to_text, cells_to_columns

if TYPE_CHECKING:  # the column reader is imported only when a workbook is large
    from custseg.input._xlsx_columns import ColumnReader

MAX_COLUMNS = 16384  # Excel's own column limit; a sheet claiming more is not an export.

HeaderRow = tuple[int, TableKind | None, ColumnMapping, list[str]]  # as find_header gives it
SheetBody = tuple[dict[str, Factorized], int, list[int]]  # columns, number of rows, rows with cells past the header


def check_workbook_bytes(name: str, data: bytes, suffix: str, max_unzipped_mb: int) -> None:
    """Refuse an empty, encrypted, damaged or bomb-shaped workbook before a reader opens it."""
    if not data:
        raise InputError(f"{name}: the file is empty", hint="export the orders again")
    if suffix in {".xlsx", ".xlsm", ".ods", ".xlsb"}:
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise InputError(
                f"{name}: the workbook is password-protected (encrypted)",
                hint="open it in Excel, remove the password (File > Info > Protect Workbook) and save a copy",
            )
        if not data.startswith(b"PK"):
            raise InputError(
                f"{name}: is not a valid {suffix} workbook (not a zip file)",
                hint="open it in Excel and save it again as .xlsx, or export as CSV",
            )
        check_zip_parts(name, data, max_unzipped_mb)


class _CellSheets:
    """A workbook's sheets as rows of cell values, through calamine; openpyxl if calamine is absent."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        try:
            from python_calamine import CalamineWorkbook
        except ImportError:  # pragma: no cover - the fallback is tested by hand
            import openpyxl

            try:
                self.book: Any = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            except Exception as exc:
                raise InputError(
                    f"{name}: the workbook cannot be read ({exc})", hint="open it in Excel and save it again"
                ) from None
            self.names: list[str] = list(self.book.sheetnames)
            self.calamine = False
            return
        try:
            self.book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            self.names = list(self.book.sheet_names)
        except Exception as exc:  # calamine raises its own error types for every kind of damage
            raise InputError(
                f"{name}: the workbook cannot be read ({str(exc).splitlines()[0][:200]})",
                hint="open it in Excel and save it again, or export as CSV",
            ) from None
        self.calamine = True

    def rows(self, sheet_name: str) -> list[list[object]]:
        if not self.calamine:  # pragma: no cover
            return [list(row) for row in self.book[sheet_name].iter_rows(values_only=True)]
        try:
            sheet = self.book.get_sheet_by_name(sheet_name)
            if sheet.end is not None and sheet.end[1] >= MAX_COLUMNS:
                raise InputError(
                    f"{self.name} [{sheet_name}]: the sheet claims {sheet.end[1] + 1:,} columns",
                    hint="this is not an order export; save the sheet again from Excel",
                )
            return sheet.to_python(skip_empty_area=False)
        except InputError:
            raise
        except Exception as exc:
            raise InputError(
                f"{self.name} [{sheet_name}]: the sheet cannot be read ({str(exc).splitlines()[0][:200]})",
                hint="open it in Excel and save it again, or export as CSV",
            ) from None


def _choose_sheets(name: str, names: list[str], wanted: list[str] | None) -> list[str]:
    if not wanted:
        return names
    missing = [s for s in wanted if s not in names]
    if missing:
        raise InputError(
            f"{name}: no sheet named {', '.join(repr(s) for s in missing)}", hint=f"sheets are: {', '.join(names)}"
        )
    return [s for s in names if s in wanted]


def read_workbook(
    source: Source,
    overrides: dict[str, str],
    sheets: list[str] | None = None,
    max_unzipped_mb: int = DEFAULT_MAX_UNZIPPED_MB,
    want: TableKind | None = None,
) -> ReadReport:
    """Every sheet (or the chosen ones) below its header row as a table; sheets that head no table are
    listed as passed over. A workbook with no order sheet is an InputError unless customers are wanted."""
    data = source.read_bytes()
    suffix = source.suffix or ".xlsx"
    check_workbook_bytes(source.name, data, suffix, max_unzipped_mb)
    report = ReadReport()
    last_error: tuple[str, list[str], ColumnMapping] | None = None
    # Large .xlsx sheets are read as columns (_xlsx_columns.py); the cell reader takes every other sheet
    # and any sheet the column reader cannot read exactly as it would.
    columns_reader = None
    formula_cells = FormulaCells(data, sheets) if suffix in (".xlsx", ".xlsm") else None
    if suffix in (".xlsx", ".xlsm"):
        from custseg.input._xlsx_columns import ColumnReader

        columns_reader = ColumnReader.open(data)
    cell_sheets: _CellSheets | None = None
    if columns_reader is not None:
        names = list(columns_reader.reader.sheet_names)
    else:
        cell_sheets = _CellSheets(source.name, data)
        names = cell_sheets.names
    for sheet_name in _choose_sheets(source.name, names, sheets):
        where = f"{source.name} [{sheet_name}]"
        uncached = formula_cells.sheet(sheet_name) if formula_cells is not None else {}
        # The column reader gives no formula text: a sheet with formulas without values goes to the cell reader.
        found = None
        if columns_reader is not None and not uncached:
            found = _sheet_by_columns(columns_reader, sheet_name, where, overrides, want)
        if found is None:
            if cell_sheets is None:
                cell_sheets = _CellSheets(source.name, data)
            found = _sheet_by_cells(cell_sheets, sheet_name, where, overrides, want, uncached)
        (idx, kind, mapping, headers), body = found
        if kind is None or body is None:
            why = "no table in it" if idx < 0 else "no order, customer or returns columns"
            report.skipped_sheets.append((source.name, sheet_name, why))
            if idx >= 0:
                last_error = (where, headers, mapping)
            continue
        columns, n, extra = body
        row_numbers = np.arange(idx + 2, idx + 2 + n, dtype=np.int64)
        formulas = [
            (r + 1, headers[c], "=" + text) for (r, c), text in sorted(uncached.items()) if r > idx and c < len(headers)
        ]
        report.tables.append(
            Table(
                source.name, sheet_name, kind, columns, row_numbers, mapping, idx + 1, overflow=extra, formulas=formulas
            )
        )
    if want != "master" and not any(t.kind == "orders" for t in report.tables):
        if last_error:
            raise no_order_columns(*last_error)
        raise InputError(f"{source.name}: no sheet has any data", hint="check that the right file was exported")
    return report


def _sheet_by_columns(
    reader: ColumnReader, sheet_name: str, where: str, overrides: dict[str, str], want: TableKind | None
) -> tuple[HeaderRow, SheetBody | None] | None:
    """The sheet's header and columns through the column reader; None leaves the sheet to the cell reader."""
    from custseg.input._xlsx_columns import NotFast

    try:
        first_rows = reader.head(sheet_name)
        head = [[cell_to_text(v) for v in row] for row in first_rows[:HEADER_SCAN_ROWS]]
        idx, kind, mapping, headers = find_header(head, overrides, where, want)
        if kind is None or (want is not None and kind != want):
            return (idx, kind, mapping, headers), None
        by_position, n, extra = reader.body(sheet_name, idx, first_rows, len(headers))
    except NotFast:
        return None
    empty = Factorized.of(np.zeros(n, np.int32), [""])
    columns = {h: by_position.get(i, empty) for i, h in enumerate(headers)}
    return (idx, kind, mapping, headers), (columns, n, extra)


def _sheet_by_cells(
    sheets: _CellSheets,
    sheet_name: str,
    where: str,
    overrides: dict[str, str],
    want: TableKind | None,
    uncached: dict[tuple[int, int], str],
) -> tuple[HeaderRow, SheetBody | None]:
    """The sheet's header and columns through the cell reader (no columns: the sheet is not a table wanted);
    the ``uncached`` formula cells (row, column from A1) read as their text."""
    rows = sheets.rows(sheet_name)
    for (r, c), text in uncached.items():
        rows.extend([] for _ in range(r + 1 - len(rows)))
        row = rows[r]
        row.extend([None] * (c + 1 - len(row)))
        row[c] = "=" + text  # text: the cell readers never turn it into a formula again
    head = [[cell_to_text(v) for v in row] for row in rows[:HEADER_SCAN_ROWS]]
    idx, kind, mapping, headers = find_header(head, overrides, where, want)
    if kind is None or (want is not None and kind != want):
        return (idx, kind, mapping, headers), None
    body = rows[idx + 1 :]
    columns, extra = cells_to_columns(body, headers)
    return (idx, kind, mapping, headers), (columns, len(body), extra)
