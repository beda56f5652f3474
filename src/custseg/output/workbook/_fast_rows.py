"""The customer sheet's rows written into XlsxWriter's row stream as the XML it would write for them.

XlsxWriter spends its per-cell bookkeeping (a cell tuple, a dictionary per row, attribute lists, a regular
expression per string) on every cell; a large plain table does not need it, and on a large run it is most
of the workbook's time (benchmarks/README.md). Here each distinct value of a column is rendered once
(texts escaped by pyarrow, or by XlsxWriter's own helpers where they need more than &, < and >) and pyarrow
puts the cells and rows together in C. Tests compare the bytes with XlsxWriter's own, cell by cell.

The sheets call :func:`write_rows` and use :func:`worksheet_class` as the workbook's worksheet class. This
relies on names XlsxWriter does not promise to keep; every one is listed in :data:`PRIVATE_API` and checked
by :func:`missing_private_api` (a test fails when one is gone). At run time, a missing one means
XlsxWriter's own, slower, cell-by-cell way.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, TypeGuard, cast

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from custseg.output.workbook._deflate import RowSplices

# Everything used here that XlsxWriter does not document: (module or "worksheet", attribute path). "worksheet"
# names an attribute of a constant-memory worksheet that XlsxWriter sets when the sheet is made.
PRIVATE_API: tuple[tuple[str, str], ...] = (
    ("xlsxwriter.worksheet", "Worksheet._write_string"),  # the undecorated cell writers
    ("xlsxwriter.worksheet", "Worksheet._write_number"),
    ("xlsxwriter.worksheet", "Worksheet._write_rich_string"),
    ("xlsxwriter.worksheet", "Worksheet._write_optimized_sheet_data"),  # copies the row file into the sheet
    ("xlsxwriter.worksheet", "Worksheet._write_single_row"),  # flushes the rows before a row to the row file
    ("xlsxwriter.worksheet", "Worksheet._check_dimensions"),
    ("xlsxwriter.worksheet", "Worksheet._escape_control_characters"),
    ("xlsxwriter.worksheet", "Worksheet._escape_data"),
    ("xlsxwriter.worksheet", "Worksheet._xml_start_tag"),
    ("xlsxwriter.worksheet", "Worksheet._xml_end_tag"),
    ("xlsxwriter.format", "Format._get_xf_index"),  # numbers a format in the order cells first use it
    ("xlsxwriter.utility", "_preserve_whitespace"),
    ("xlsxwriter.utility", "_utf16_len"),
    ("xlsxwriter.utility", "_utf16_truncate"),
    ("worksheet", "constant_memory"),
    ("worksheet", "previous_row"),
    ("worksheet", "table"),
    ("worksheet", "fh"),
    ("worksheet", "row_data_fh"),
    ("worksheet", "row_data_filename"),
    ("worksheet", "dim_rowmin"),
    ("worksheet", "excel_version"),
    ("worksheet", "default_row_height"),
    ("worksheet", "original_row_height"),
    ("worksheet", "xls_rowmax"),
    ("worksheet", "xls_strmax"),
)

STREAM_ROWS = 5000  # customer rows rendered and written at a time by stream_rows
# What XlsxWriter's control-character escaping changes (the escape itself, control characters, non-characters):
# text without any of it skips that escaping's two regular-expression passes.
CONTROL_ESCAPES = re.compile("_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
# The same, and XlsxWriter's test for leading or trailing whitespace (Python's \s: str.isspace()), in RE2's
# spelling for pyarrow; a test checks both against Python's on every code point.
CONTROL_RE2 = r"_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\x{fffe}\x{ffff}]"
_SPACE_RE2 = r"[\t-\r\x1c-\x1f\x{85}\p{Z}]"
EDGE_SPACE_RE2 = f"^{_SPACE_RE2}|{_SPACE_RE2}$"


def missing_private_api() -> list[str]:
    """The names of :data:`PRIVATE_API` this XlsxWriter lacks (none: the fast rows work). The worksheet
    attributes are looked for on a constant-memory sheet of a workbook made and closed in a temporary folder."""
    import importlib
    import tempfile

    import xlsxwriter

    missing = []
    with tempfile.TemporaryDirectory() as folder:
        workbook = xlsxwriter.Workbook(os.path.join(folder, "probe.xlsx"), {"constant_memory": True})
        sheet = workbook.add_worksheet()
        for module_name, path in PRIVATE_API:
            obj: Any = sheet if module_name == "worksheet" else importlib.import_module(module_name)
            for name in path.split("."):
                if not hasattr(obj, name):
                    missing.append(f"{module_name}.{path}")
                    break
                obj = getattr(obj, name)
        workbook.close()
    return missing


@dataclass
class SheetColumn:
    """A customer-sheet column as the row writers take it: texts as codes into their distinct values
    (code -1: no cell), or numbers (NaN: no cell); and the column's format."""

    fmt: Any
    texts: list[str] | None = None
    codes: np.ndarray | None = None
    numbers: np.ndarray | None = None

    @classmethod
    def of_texts(cls, values: list[str | None], fmt: Any = None) -> SheetColumn:
        codes, uniques = pd.factorize(np.array(values, dtype=object))
        return cls(fmt, texts=uniques.tolist(), codes=codes)

    def value(self, row: int) -> str | float | None:
        if self.texts is not None:
            assert self.codes is not None
            code = self.codes[row]
            return None if code < 0 else self.texts[code]
        assert self.numbers is not None
        number = float(self.numbers[row])
        return None if number != number else number


# ---------------------------------------------------------------------------------------------- the seam


def write_rows(
    ws: Any, first_row: int, columns: list[SheetColumn], varying_col: int, varying_formats: list[Any]
) -> None:
    """Write a block of rows from ``first_row`` on, one row per entry of ``varying_formats``: each column's
    cells in its format, except column ``varying_col``, whose cells take their row's format. All but the
    last row go straight into the row stream (:func:`stream_rows`), the rest cell by cell."""
    streamed = stream_rows(ws, first_row, columns, varying_col, varying_formats)
    # XlsxWriter's undecorated writers: the public ones only add A1-notation parsing, and we pass row and
    # column numbers. The public ones stand in if renamed.
    write_number = getattr(ws, "_write_number", ws.write_number)
    write_string = getattr(ws, "_write_string", ws.write_string)  # input text never becomes a formula
    for r in range(streamed, len(varying_formats)):
        for c, column in enumerate(columns):
            v = column.value(r)
            if v is not None:
                (write_string if column.texts is not None else write_number)(
                    first_row + r, c, v, varying_formats[r] if c == varying_col else column.fmt
                )


def worksheet_class(splices: RowSplices | None = None) -> type:
    """XlsxWriter's worksheet, except that text shaped like its pre-formatted rich text ("<r>...</r>") is
    written as three plain runs of the same text (XlsxWriter wants more than two). XlsxWriter copies such
    text into the sheet's XML as it is, so an input value could otherwise carry markup, even a formula,
    into the file.

    And the rows of a constant-memory sheet are copied into the sheet's XML as bytes, not read back through
    a text layer and written through another. Where the files are not both UTF-8 text files, XlsxWriter
    copies. With ``splices`` (the zip is written by ``_deflate.zip_level``'s class), the rows are not copied
    at all: the row file is put into the sheet's XML as the zip is written. A test compares the bytes with
    XlsxWriter's own worksheet."""

    from xlsxwriter.worksheet import Worksheet

    class TextSafeWorksheet(Worksheet):
        def _write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> Any:
            if string.startswith("<r>") and string.endswith("</r>"):
                tail = [cell_format] if cell_format is not None else []
                return self._write_rich_string(row, col, string[:1], string[1:2], string[2:], *tail)
            return super()._write_string(row, col, string, cell_format)

        def _write_optimized_sheet_data(self) -> None:
            rows, fh = getattr(self, "row_data_fh", None), getattr(self, "fh", None)
            rows_name = getattr(self, "row_data_filename", None)
            if self.dim_rowmin is None or not _utf8_text_file(rows) or not _utf8_text_file(fh) or not rows_name:
                super()._write_optimized_sheet_data()
                # XlsxWriter leaves the (empty) row file of a sheet without rows in the temporary folder.
                _discard_row_file(self)
                return
            self._xml_start_tag("sheetData")
            rows.flush()
            fh.flush()
            if splices is not None and isinstance(fh.name, str):
                rows.close()
                splices.add(fh.name, _bytes_of(fh).tell(), rows_name)
            else:
                source = _bytes_of(rows)
                source.seek(0)
                shutil.copyfileobj(source, _bytes_of(fh), 1 << 20)
                rows.close()
                os.unlink(rows_name)
            self._xml_end_tag("sheetData")

    return TextSafeWorksheet


def discard_row_files(workbook: Any) -> None:
    """Close and delete the row files of a workbook's constant-memory sheets (a customer sheet's can be
    hundreds of MB in the temporary folder): for a workbook abandoned before it was closed."""
    for sheet in workbook.worksheets():
        _discard_row_file(sheet)


def _discard_row_file(sheet: Any) -> None:
    """Close and delete a constant-memory sheet's row file, if it is still there."""
    fh, name = getattr(sheet, "row_data_fh", None), getattr(sheet, "row_data_filename", None)
    if fh is not None and not fh.closed:
        fh.close()
    if name:
        with contextlib.suppress(OSError):
            os.unlink(name)


def _utf8_text_file(fh: object) -> TypeGuard[io.TextIOWrapper]:
    return isinstance(fh, io.TextIOWrapper) and fh.encoding.lower().replace("-", "").replace("_", "") == "utf8"


def _bytes_of(fh: io.TextIOWrapper) -> BinaryIO:
    """The binary file under a text file XlsxWriter opened (a buffered file: typeshed's type for a
    TextIOWrapper's buffer is narrower than what it holds)."""
    return cast(BinaryIO, fh.buffer)


# ---------------------------------------------------------------------------------------------- the fast rows


def stream_rows(
    ws: Any, first_row: int, columns: list[SheetColumn], varying_col: int, varying_formats: list[Any]
) -> int:
    """Write all but the last of a block of rows (as :func:`write_rows` describes them) straight into a
    constant-memory worksheet's row stream, as the XML XlsxWriter itself writes for them. Returns how many
    rows were written; the caller writes the rest cell by cell.

    The worksheet is left as if it had written the rows. Nothing is written where that cannot be done
    (another XlsxWriter, not constant-memory, a number it would turn into an error). The last row is left
    to XlsxWriter because it writes that one when the workbook closes, when conditional formats may have
    changed the attributes of a <row>.
    """
    n = len(varying_formats) - 1  # all but the last row
    if not _can_stream(ws, first_row, n):
        return 0
    coded = _column_codes(columns, n)
    if coded is None:
        return 0  # XlsxWriter refuses infinite numbers; let it say so
    codes, distinct = coded
    varying = _VaryingFormats(varying_formats[:n], codes[varying_col])
    filled = [c for c in range(len(columns)) if (codes[c] >= 0).any()]
    ws._write_single_row(first_row)  # the rows above (the header) go out first, as XlsxWriter would send them
    for fmt in _formats_by_first_use(codes, filled, [column.fmt for column in columns], varying_col, varying):
        fmt._get_xf_index()  # XlsxWriter numbers formats in the order cells first use them (styles.xml)
    cells = _CellXml(ws).columns(columns, distinct, codes, filled, varying_col, varying)
    ws._check_dimensions(first_row, 0)
    ws._check_dimensions(first_row + n - 1, max(filled, default=0))
    _write_blocks(ws, n, _RowBlocks(first_row, n, filled, cells, codes).xml)
    # As if XlsxWriter had written these rows: nothing of them is left to flush.
    ws.previous_row = first_row + n - 1
    ws.table.clear()
    return n


def _can_stream(ws: Any, first_row: int, n: int) -> bool:
    """Whether ``n`` rows from ``first_row`` on can go into this worksheet's row stream."""
    try:
        import pyarrow  # noqa: F401
        import pyarrow.compute  # noqa: F401
        from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate  # noqa: F401

        for name in ("_escape_control_characters", "_escape_data", "_write_single_row", "_check_dimensions"):
            getattr(ws, name)
        if not ws.constant_memory or ws.previous_row >= first_row or ws.fh is not ws.row_data_fh:
            return False
        if ws.excel_version == 2010 or ws.default_row_height != ws.original_row_height:
            return False  # their <row> elements carry attributes this writer does not write
        return bool(n > 0 and first_row + n < ws.xls_rowmax)
    except (ImportError, AttributeError):
        return False


def _column_codes(columns: list[SheetColumn], n: int) -> tuple[list[np.ndarray], list[list[Any]]] | None:
    """The first ``n`` rows of each column as codes into its distinct values (-1: no cell), and those values;
    a number column's distinct numbers are told apart by their bits, so that -0.0 stays "-0" as XlsxWriter
    writes it. None where a number is infinite."""
    codes: list[np.ndarray] = []
    distinct: list[list[Any]] = []
    for column in columns:
        if column.texts is not None:
            assert column.codes is not None
            codes.append(column.codes[:n])
            distinct.append(column.texts)
            continue
        assert column.numbers is not None
        numbers = column.numbers[:n]
        if np.isinf(numbers).any():
            return None
        k, bits = pd.factorize(numbers.view(np.int64))
        k[np.isnan(numbers)] = -1
        codes.append(k)
        distinct.append(bits.view(np.float64).tolist())
    return codes, distinct


class _VaryingFormats:
    """The formats of the varying column's cells, one a row: their distinct formats (``by_code``) and each
    row's code into them."""

    def __init__(self, formats: list[Any], value_codes: np.ndarray) -> None:
        self.row_codes, ids = pd.factorize(np.array([id(f) for f in formats], dtype=np.int64))
        by_id = {id(f): f for f in formats}
        self.by_code = [by_id[int(i)] for i in ids]
        # One code for each pair of value and format (-1: no cell).
        self.pair_codes = np.where(value_codes < 0, -1, value_codes * len(self.by_code) + self.row_codes)


def _formats_by_first_use(
    codes: list[np.ndarray], filled: list[int], formats: list[Any], varying_col: int, varying: _VaryingFormats
) -> list[Any]:
    """The cells' formats in the order XlsxWriter would first use them, row by row: each format's first
    (row, column)."""
    firsts: dict[int, tuple[int, int, Any]] = {}

    def used(fmt: Any, row: int, col: int) -> None:
        if fmt is not None and (id(fmt) not in firsts or (row, col) < firsts[id(fmt)][:2]):
            firsts[id(fmt)] = (row, col, fmt)

    for c in filled:
        rows = np.flatnonzero(codes[c] >= 0)
        if c == varying_col:
            row_codes = varying.row_codes[rows]
            for code in np.unique(row_codes):
                used(varying.by_code[int(code)], int(rows[row_codes == code][0]), c)
        else:
            used(formats[c], int(rows[0]), c)
    return [fmt for _row, _col, fmt in sorted(firsts.values(), key=lambda t: t[:2])]


def _style(fmt: Any) -> str:
    return f' s="{fmt._get_xf_index()}"' if fmt is not None else ""


def _big(text: str) -> Any:
    import pyarrow as pa

    return pa.scalar(text, pa.large_string())


class _CellXml:
    """The XML of each distinct cell of the columns, as XlsxWriter writes it for this worksheet."""

    def __init__(self, ws: Any) -> None:
        self.strmax: int = ws.xls_strmax
        self.escape_controls: Callable[[str], str] = ws._escape_control_characters
        self.escape_data: Callable[[str], str] = ws._escape_data

    def text_xml(self, value: str) -> str:
        """A text cell's XML after its opening tag, by XlsxWriter's own helpers."""
        from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate

        if len(value) > self.strmax // 2 and _utf16_len(value) > self.strmax:
            value = _utf16_truncate(value, self.strmax)
        if CONTROL_ESCAPES.search(value):
            value = self.escape_controls(value)
        # XlsxWriter passes text that looks like "<r>...</r>" through as rich-text XML; input text is
        # escaped here instead, so that no cell can carry markup into the file.
        space = ' xml:space="preserve"' if _preserve_whitespace(value) else ""
        return f"<is><t{space}>{self.escape_data(value)}</t></is></c>"

    def text_bodies(self, values: list[str]) -> Any:
        """The cell XML after the opening tag for each distinct text, in C; the rare text that needs
        XlsxWriter's control-character escape or may need cutting to Excel's length goes through
        text_xml (the patterns are RE2's spelling of the ones in CONTROL_ESCAPES and _preserve_whitespace)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        texts = pa.array(values, type=pa.large_string())
        escaped = texts
        for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
            if pc.any(pc.match_substring(escaped, char)).as_py():  # ids and names seldom hold one: no new copy
                escaped = pc.replace_substring(escaped, char, entity)
        opening = pc.if_else(
            pc.match_substring_regex(texts, EDGE_SPACE_RE2), _big('<is><t xml:space="preserve">'), _big("<is><t>")
        )
        body = pc.binary_join_element_wise(opening, escaped, _big("</t></is></c>"), _big(""))
        special = pc.or_(
            pc.greater(pc.utf8_length(texts), self.strmax // 2), pc.match_substring_regex(texts, CONTROL_RE2)
        )
        if pc.any(special).as_py():
            where = np.flatnonzero(special.to_numpy(zero_copy_only=False))
            body = pc.replace_with_mask(
                body, special, pa.array([self.text_xml(values[i]) for i in where], pa.large_string())
            )
        return body

    def columns(
        self,
        columns: list[SheetColumn],
        distinct: list[list[Any]],
        codes: list[np.ndarray],
        filled: list[int],
        varying_col: int,
        varying: _VaryingFormats,
    ) -> list[Any]:
        """Each filled column's distinct cells, from the end of the cell's reference to its end, and a null
        last for "no cell" (None for a column without cells). The varying column's cells are one for each
        pair of value and format. ``codes`` are changed in place into codes into these cells."""
        import pyarrow as pa
        import pyarrow.compute as pc

        cells: list[Any] = []
        shared_numbers: dict[tuple[str, bytes], Any] = {}
        for c, column in enumerate(columns):
            if c not in filled:
                cells.append(None)
                continue
            is_text = column.texts is not None
            kind = ' t="inlineStr"' if is_text else ""
            values = distinct[c]
            if c == varying_col:
                body = self.text_bodies(values).to_pylist() if is_text else [f"<v>{v:.16G}</v></c>" for v in values]
                styles = [f'"{_style(fmt)}{kind}>' for fmt in varying.by_code]
                out = pa.array([mid + xml for xml in body for mid in styles], type=pa.large_string())
                codes[c] = varying.pair_codes
            elif is_text:
                mid = f'"{_style(column.fmt)}{kind}>'
                out = pc.binary_join_element_wise(_big(mid), self.text_bodies(values), _big(""))
            else:
                mid = f'"{_style(column.fmt)}>'  # a number cell has no type attribute
                # Columns of the same numbers in the same format (monetary and lifetime_monetary without a
                # look-back window) share their cells.
                key = (mid, np.asarray(values, dtype=np.float64).tobytes())
                out = shared_numbers.get(key)
                if out is None:
                    out = shared_numbers[key] = pa.array(
                        [f"{mid}<v>{v:.16G}</v></c>" for v in values], type=pa.large_string()
                    )
            cells.append(pa.concat_arrays([out, pa.nulls(1, pa.large_string())]))
            codes[c] = np.where(codes[c] < 0, len(out), codes[c])
        return cells


class _RowBlocks:
    """The rows' XML, :data:`STREAM_ROWS` rows at a time: each row's filled columns' cells, each cell its
    reference and its XML; no <row> for a row without cells (XlsxWriter writes none)."""

    def __init__(self, first_row: int, n: int, filled: list[int], cells: list[Any], codes: list[np.ndarray]) -> None:
        from xlsxwriter.utility import xl_col_to_name

        self.first_row, self.n, self.filled, self.cells, self.codes = first_row, n, filled, cells, codes
        self.heads = {c: _big(f'<c r="{xl_col_to_name(c)}') for c in filled}

    def xml(self, start: int) -> memoryview:
        """The UTF-8 XML of the rows from ``start`` (counted from ``first_row``) to the block's end."""
        import pyarrow as pa
        import pyarrow.compute as pc

        stop = min(start + STREAM_ROWS, self.n)
        numbers = pc.cast(pa.array(np.arange(self.first_row + start + 1, self.first_row + stop + 1)), pa.large_string())
        parts = [_big('<row r="'), numbers, _big('">')]
        present = np.zeros(stop - start, dtype=bool)
        for c in self.filled:
            codes = self.codes[c][start:stop]
            parts.append(
                pc.binary_join_element_wise(self.heads[c], numbers, self.cells[c].take(pa.array(codes)), _big(""))
            )
            present |= codes < len(self.cells[c]) - 1
        parts.append(_big("</row>"))
        rows = pc.binary_join_element_wise(*parts, _big(""), null_handling="replace", null_replacement="")
        if not present.all():
            rows = rows.filter(pa.array(present))
        offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset : rows.offset + len(rows) + 1]
        return memoryview(rows.buffers()[2])[offsets[0] : offsets[-1]]


def _write_blocks(ws: Any, n: int, render: Callable[[int], memoryview]) -> None:
    """Write ``n`` rows' XML into the worksheet's row file, a block at a time, so that only a few blocks' cell
    texts are held. pyarrow's takes and joins run without the GIL, so two threads render blocks side by
    side; they are written in order."""
    fh = ws.fh
    raw = _bytes_of(fh) if _utf8_text_file(fh) else None
    with ThreadPoolExecutor(2, "custseg-rows") as pool:
        pending: list[Future[memoryview]] = []
        for start in range(0, n, STREAM_ROWS):
            pending.append(pool.submit(render, start))
            while pending and (len(pending) > 3 or start + STREAM_ROWS >= n):
                data = pending.pop(0).result()
                if raw is not None:
                    fh.flush()
                    raw.write(data)
                else:
                    fh.write(bytes(data).decode("utf-8"))
