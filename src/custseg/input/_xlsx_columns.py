"""Large .xlsx sheets read a column at a time through fastexcel, the same cells as the cell reader gives.

python-calamine hands a sheet to Python one object per cell; on a sheet of 500k lines that handover and
rendering each cell cost more than the parse itself. fastexcel (the same calamine parser underneath)
returns each column as a typed Arrow array instead, and a column's distinct values are rendered by
:func:`custseg.input.tables.cell_to_text`, exactly as the cell reader renders them.

fastexcel is a 0.x library, needs pyarrow, and starts a sheet at its first used column rather than at A.
So this path is taken only where its result is provably the cell reader's, and :class:`NotFast` hands the
sheet back to the cell reader otherwise:

- the header is found in the first rows as openpyxl's read-only reader gives them (it stops after them,
  where fastexcel would parse the whole sheet, when the sheet records its <dimension>, as Excel, XlsxWriter
  and LibreOffice do); fastexcel's header row counts from row 1 like the cell
  reader's, and its column names must be that row's cells, which also gives the first column;
- a column holds one type of cell (fastexcel's strict mode, and the sample of first rows says so before
  a parse is spent), and no time-of-day or duration cells. fastexcel reads some texts ("n/a", "NA",
  "null", "nan") in a column of numbers as empty cells, so a typed column's empty cells are checked
  against the same column read as text (one more parse, only for typed columns with empty cells);
- header cells must be text.

The column names for empty and repeated header cells, the used range's first column and the texts read as
empty are fastexcel's behaviour, not its documented API: a test checks each of them against the installed
fastexcel, and pyproject.toml bounds fastexcel to the minor version that test passed with, so a change shows
as a failing test rather than as every large workbook quietly going to the cell reader.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from custseg.core.values import Factorized
from custseg.input.tables import cell_to_text

# Workbooks whose sheets are all smaller than this (uncompressed sheet XML) are read by the cell reader
# alone, and pyarrow is not even imported: below it, importing pyarrow and the column reader's second
# parse cost more than they save (the measurements are in benchmarks/README.md).
FAST_MIN_SHEET_BYTES = 32 * 2**20
_SHEET_PARTS = "xl/worksheets/"
SAMPLE_ROWS = 1000  # first rows read by openpyxl: the header is among them, and a sample of each column

_MAX_COLUMNS = 16384
_ERROR_CODES = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
_EPOCH_GUARD = np.datetime64("1900-01-01")  # earlier "dates" are time-of-day cells; the cell reader gives times


class NotFast(Exception):
    """This sheet is read by the cell reader; the message says why (for tests and debugging)."""


@dataclass
class ColumnReader:
    """An open .xlsx workbook whose sheets are read as columns where that gives the cell reader's result."""

    data: bytes
    reader: Any
    _book: Any = None

    @classmethod
    def open(cls, data: bytes) -> ColumnReader | None:
        """None when no sheet is large, or fastexcel or pyarrow is not installed, or fastexcel cannot open
        the workbook: the cell reader then reads every sheet (and reports any damage in its own words)."""
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                sheets = [
                    i for i in zf.infolist() if i.filename.startswith(_SHEET_PARTS) and i.filename.endswith(".xml")
                ]
                if max((i.file_size for i in sheets), default=0) < FAST_MIN_SHEET_BYTES:
                    return None  # and pyarrow is not even imported
                # Without a <dimension> near its top, openpyxl reads a whole sheet to size it before the
                # first row: then the header is not found cheaply, and the cell reader reads the workbook.
                for info in sheets:
                    with zf.open(info) as part:
                        if b"dimension" not in part.read(16384):
                            return None
        except (zipfile.BadZipFile, OSError, RuntimeError):
            return None
        try:
            import fastexcel
            import pyarrow  # noqa: F401  (fastexcel hands columns over as Arrow arrays)
        except ImportError:
            return None
        try:
            reader = fastexcel.read_excel(data)
        except Exception:  # noqa: BLE001 - fastexcel has its own error types; the cell reader will explain
            return None
        return cls(data, reader)

    def head(self, sheet: str) -> list[list[object]]:
        """The sheet's first ``SAMPLE_ROWS`` rows from A1, as cell values: the header is looked for in
        them, and they are a sample of each column.

        openpyxl reads them: it stops after the rows asked for, where fastexcel would parse the whole sheet."""
        try:
            if self._book is None:
                import openpyxl

                self._book = openpyxl.load_workbook(io.BytesIO(self.data), read_only=True, data_only=True)
            out = [
                list(values) for values in self._book[sheet].iter_rows(min_row=1, max_row=SAMPLE_ROWS, values_only=True)
            ]
        except Exception as exc:  # noqa: BLE001
            raise NotFast(f"openpyxl: {exc}") from None
        # The cell reader shows error cells as empty, openpyxl as their code.
        if any(isinstance(v, str) and v in _ERROR_CODES for row in out for v in row):
            raise NotFast("error cells among the first rows")
        return out

    def _check_empty_cells(self, sheet: str, header_index: int, batch: Any, first_column: int) -> None:
        """fastexcel reads texts such as "n/a", "NA", "null" and "nan" in a column of numbers, dates or
        booleans as empty, even in strict mode; the cell reader keeps them as text. Where such a column
        has empty cells, the same columns read as text must be empty there too."""
        import pyarrow as pa
        import pyarrow.compute as pc

        typed = [
            j
            for j in range(batch.num_columns)
            if not pa.types.is_string(batch.column(j).type)
            and not pa.types.is_null(batch.column(j).type)
            and pc.any(_missing(batch.column(j))).as_py()
        ]
        if not typed:
            return
        try:
            # Column numbers, like header_row, count from the sheet's first column.
            texts = self.reader.load_sheet(
                sheet,
                header_row=header_index,
                use_columns=[first_column + j for j in typed],
                dtypes="string",
                eager=True,
            )
        except Exception as exc:  # noqa: BLE001
            raise NotFast(f"fastexcel: {str(exc).splitlines()[0]}") from None
        if texts.schema.names != [batch.schema.names[j] for j in typed] or texts.num_rows != batch.num_rows:
            raise NotFast("fastexcel's text columns do not match")
        for k, j in enumerate(typed):
            if pc.any(pc.and_(_missing(batch.column(j)), texts.column(k).is_valid())).as_py():
                raise NotFast("text that fastexcel reads as empty in a column of numbers or dates")

    def body(
        self,
        sheet: str,
        header_index: int,
        first_rows: list[list[object]],
        width: int,
    ) -> tuple[dict[int, Factorized], int, list[int]]:
        """The rows below the header row ``header_index`` (0-based, from A1; ``first_rows`` are the sheet's
        first rows as :meth:`head` gave them): a column of codes for each position below ``width``, the
        number of rows, and the rows with values right of the last header."""
        header = first_rows[header_index]
        if not all(v is None or isinstance(v, str) for v in header):
            raise NotFast("header cells that are not text")
        # A column of text and numbers (Excel turns typed digits into numbers) fails fastexcel's strict
        # mode only after a whole parse; the first rows often show it for free.
        for column in zip(*(_padded(row, len(header)) for row in first_rows[header_index + 1 :]), strict=True):
            if len({_cell_kind(v) for v in column} - {None}) > 1:
                raise NotFast("text and numbers in one column")
        try:
            # header_row counts from the sheet's first row, whatever its used range.
            batch = self.reader.load_sheet(
                sheet, header_row=header_index, schema_sample_rows=None, dtype_coercion="strict", eager=True
            )
        except Exception as exc:  # noqa: BLE001 - mixed cells, or anything fastexcel cannot read
            raise NotFast(f"fastexcel: {str(exc).splitlines()[0]}") from None
        # fastexcel's columns start at the used range's first column, which it does not say: the header
        # row's first text and the first column fastexcel names after a cell give it, and every name must agree.
        if batch.num_columns > _MAX_COLUMNS:
            raise NotFast("more columns than Excel has")  # the cell reader says so, as an input error
        names = batch.schema.names
        first_text = next((p for p, v in enumerate(header) if v), None)
        first_named = next((j for j, n in enumerate(names) if n != f"__UNNAMED__{j}"), None)
        if first_text is None or first_named is None or first_text < first_named:
            raise NotFast("no header in fastexcel's columns")
        first_column = first_text - first_named
        if not _same_header(names, header, first_column):
            raise NotFast("fastexcel's header is not the header row")
        self._check_empty_cells(sheet, header_index, batch, first_column)
        columns: dict[int, Factorized] = {}
        overflow = np.zeros(batch.num_rows, dtype=bool)
        for j in range(batch.num_columns):
            position = first_column + j
            if position < width:
                columns[position] = _codes(batch.column(j))
            else:
                overflow |= _has_value(batch.column(j))
        return columns, batch.num_rows, np.flatnonzero(overflow).tolist()


def _missing(array: Any) -> Any:
    """Where a typed column has no value (null, or NaN that a text "nan" became)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    missing = array.is_null()
    if pa.types.is_floating(array.type):
        missing = pc.or_(missing, pc.fill_null(pc.is_nan(array), False))
    return missing


def _same_header(names: list[str], header: list[object], first_column: int) -> bool:
    """fastexcel names column j after the header cell in column first_column + j: the text itself, the
    text and a number for a repeated one, or __UNNAMED__j for an empty one."""
    for j, name in enumerate(names):
        p = first_column + j
        text = header[p] if p < len(header) else None
        if not text:
            if name != f"__UNNAMED__{j}":
                return False
        elif name != text and not (name.startswith(f"{text}_") and name[len(str(text)) + 1 :].isdigit()):
            return False
    return True


def _has_value(array: Any) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        stripped = pc.utf8_trim_whitespace(pc.fill_null(array, ""))
        return np.asarray(pc.not_equal(stripped, "").to_numpy(zero_copy_only=False), dtype=bool)
    return np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def _padded(row: list[object], n: int) -> list[object]:
    return row[:n] + [None] * (n - len(row))


def _cell_kind(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "text" if isinstance(value, str) else "date"


def _codes(array: Any) -> Factorized:
    """One column as codes into its texts, the texts the cell reader would give (see the module's notes)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = array.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        encoded = pc.dictionary_encode(pc.fill_null(array, ""))
        return Factorized.of(encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist())
    if pa.types.is_null(kind):
        return Factorized.of(np.zeros(len(array), np.int32), [""])
    if pa.types.is_floating(kind) or pa.types.is_integer(kind):
        codes, uniques = pd.factorize(array.to_numpy(zero_copy_only=False).astype("float64"), use_na_sentinel=False)
        values = uniques.tolist()
    elif pa.types.is_boolean(kind):
        codes, uniques = pd.factorize(np.asarray(array.to_pylist(), dtype=object), use_na_sentinel=False)
        values = uniques.tolist()
    elif pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        stamps = pc.cast(array, pa.timestamp("us")).to_numpy(zero_copy_only=False)
        real = stamps[~np.isnat(stamps)]
        if len(real) and real.min() < _EPOCH_GUARD:
            raise NotFast("time-of-day cells")
        codes, uniques = pd.factorize(stamps, use_na_sentinel=False)
        values = [None if pd.isna(u) else u.to_pydatetime() for u in pd.DatetimeIndex(uniques)]
    else:
        raise NotFast(f"cells of type {kind}")
    rendered = np.array([cell_to_text(v) for v in values], dtype=object)
    text_codes, text_uniques = pd.factorize(rendered, use_na_sentinel=False)
    return Factorized.of(text_codes[codes], text_uniques)
