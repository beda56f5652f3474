"""Read order and customer exports (CSV/TSV/XLSX/XLS/ODS, stdin) into tables of text.

Every cell is kept as the text the user typed (numbers and dates from spreadsheets are rendered
canonically), so that a problem row can show the raw value and one set of vectorised parsers serves
every source. Only this module and :mod:`custseg.output.tabular` know file formats.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import math
import re
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from custseg.core.values import Factorized
from custseg.errors import InputError
from custseg.input._csv_arrow import (
    ARROW_BLOCK_BYTES,
    CSV_CHUNK_ROWS,
    EncodedColumns,
    encode_csv_body,
)
from custseg.input.headers import (
    MASTER_INDEX,
    ORDER_INDEX,
    ColumnMapping,
    describe_aliases,
    map_headers,
    missing_order_fields,
    normalise_header,
)
from custseg.input.sources import DEFAULT_MAX_UNZIPPED_MB, Source

if TYPE_CHECKING:  # the column reader is imported only when a workbook is large
    from custseg.input._xlsx_columns import ColumnReader

TableKind = Literal["orders", "master", "returns"]

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
# One field may hold up to this many characters (the csv module's default is 128 KiB, which a
# pasted description can pass); memory stays bounded by the file's own size.
csv.field_size_limit(256 * 1024 * 1024)
HEADER_SCAN_ROWS = 30
MAX_COLUMNS = 16384  # Excel's own column limit; a sheet claiming more is not an export.


@dataclass
class Table:
    """One sheet or text file below its header row: every cell as text, held column by column as codes
    into the column's distinct texts (exports repeat their values, so this is a fraction of the memory of
    one string per cell, and the parsers work on the distinct values only)."""

    file: str
    sheet: str  # "" for text files
    kind: TableKind
    columns: dict[str, Factorized]  # headers as found (made unique), in order
    rows: np.ndarray  # the row number the user sees (spreadsheet row or text line) for each row
    mapping: ColumnMapping
    header_row: int
    encoding: str = ""
    delimiter: str = ""
    # Rows that had values right of the header's last column: shown as problem rows, not used.
    overflow: list[int] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return list(self.columns)

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def index(self) -> pd.Index:
        return pd.RangeIndex(self.n_rows)

    @property
    def frame(self) -> pd.DataFrame:
        """The cells as a frame of text, made on demand (small tables: master, returns, inspect)."""
        return pd.DataFrame(
            {h: fz.texts() for h, fz in self.columns.items()}, columns=self.headers, index=self.index, dtype=object
        )

    def release(self) -> None:
        """Let the cells go once the order lines are made from them; the row count stays."""
        self.columns = {}


@dataclass
class ReadReport:
    """What was read and what was passed over, for the run info and ``custseg inspect``."""

    tables: list[Table] = field(default_factory=list)
    skipped_sheets: list[tuple[str, str, str]] = field(default_factory=list)  # file, sheet, why


# ----------------------------------------------------------------------------- encodings


def detect_encoding(data: bytes) -> str:
    return _sniff_encoding(data)[0]


def _sniff_encoding(data: bytes) -> tuple[str, bool]:
    """UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), GB18030 or a single-byte code page.

    GB18030 decodes many single-byte texts without error, so it is accepted only when most of what
    it decodes are common (GB2312) characters: a DOS or Windows text gives rare ones. The flag says
    whether the whole file is valid UTF-8, which lets the reader parse its bytes as they are.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", _valid_utf8(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", False
    head = data[:4096]
    if len(head) >= 4 and head.count(b"\x00") > len(head) // 4:
        # UTF-16 without a BOM: every other byte is NUL for ASCII text.
        return ("utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"), False
    if _valid_utf8(data):
        return "utf-8", True
    if _mostly_utf8(data):
        return "utf-8", False
    high = [b for b in data[:1_000_000] if b >= 0x80]
    try:
        text = data.decode("gb18030")
        wide = [c for c in text[:1_000_000] if ord(c) >= 0x80]
        common = 0
        for c in wide:
            try:
                c.encode("gb2312")
                common += 1
            except UnicodeEncodeError:
                pass
        if wide and common / len(wide) >= 0.8:
            return "gb18030", False
    except UnicodeDecodeError:
        pass
    # Single-byte code pages: Latin letters sit at 0xC0-0xFF in Windows-1252/Latin-1 and at
    # 0x80-0xA5 in the DOS code pages (437/850) that older ERPs still write.
    if high and not any(b >= 0xC0 for b in high) and any(0x80 <= b < 0xA0 for b in high):
        return "cp437", False
    try:
        data.decode("cp1252")
        return "cp1252", False
    except UnicodeDecodeError:
        return "latin-1", False


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few broken bytes (a damaged export) rather than another encoding.

    Text in a single-byte code page almost never forms valid multi-byte UTF-8 sequences, so valid
    sequences that outnumber the broken ones mean UTF-8.
    """
    sample = data[:1_000_000]
    text = sample.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    valid = sum(1 for c in text if ord(c) >= 0x80 and c != "\ufffd")
    return valid > 0 and broken <= max(4, valid)


def is_binary(data: bytes) -> bool:
    """Control bytes other than tab, CR and LF in more than 5% of the first 64 KiB: not a text export."""
    head = data[:65536]
    if not head:
        return False
    control = sum(1 for b in head if b < 0x20 and b not in (0x09, 0x0A, 0x0D))
    return control > len(head) * 0.05


def decode_text(data: bytes, name: str, encoding: str | None, detected: str | None = None) -> tuple[str, str]:
    enc = encoding or detected or detect_encoding(data)
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError) as exc:
        if encoding:
            raise InputError(
                f"{name}: cannot be decoded as {encoding} ({exc})",
                hint="leave the encoding out to detect it, or try gb18030 / utf-8 / cp1252",
                code="wrong_encoding",
            ) from None
        # Invalid bytes inside an otherwise UTF-8 file: keep going, the bad characters show as U+FFFD.
        text = data.decode(enc, errors="replace")
    # Stray NUL bytes (a damaged export) would end fields early in C parsers; they carry no text.
    return text.replace("\x00", ""), enc


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines most consistently into the most fields."""
    best, best_score = ",", (-1, -1)
    sample = [ln for ln in lines if ln.strip()][:30]
    for delim in (",", ";", "\t", "|"):
        counts = [len(next(csv.reader([ln], delimiter=delim), [])) for ln in sample]
        if not counts:
            continue
        widest = max(counts)
        agree = sum(c == widest for c in counts)
        score = (agree if widest > 1 else 0, widest)
        if score > best_score:
            best, best_score = delim, score
    return best


# ----------------------------------------------------------------------------- cells to text


def cell_to_text(value: object) -> str:
    """Render a spreadsheet cell as the text a parser will see (and a problem row will show)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


# ----------------------------------------------------------------------------- header rows


def _unique_headers(raw: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(raw):
        name = h.strip() or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _classify_header(
    headers: list[str], overrides: dict[str, str], where: str
) -> tuple[TableKind | None, ColumnMapping]:
    mapping = map_headers(headers, overrides, ORDER_INDEX, where)
    if not missing_order_fields(mapping):
        return "orders", mapping
    norms = {normalise_header(h) for h in headers}
    if "orderid" in mapping.fields or any(n in ("orderid", "订单编号", "订单号") for n in norms):
        if norms & {"returned", "退货", "是否退货", "returnstatus"}:
            return "returns", mapping
    master = map_headers(headers, overrides, MASTER_INDEX, where)
    has_customer = master.has("customer_id") or master.has("customer_name")
    extra = {"industry", "created_date", "sales_owner", "last_contact_date", "tier_override", "country"}
    if has_customer and extra & set(master.fields) and not mapping.has("order_date"):
        return "master", master
    return None, mapping


def _column_letter(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        name = chr(65 + rem) + name
    return name


def _check_duplicate_field_headers(cells: list[str], where: str, row_index: int) -> None:
    """The same header twice is ambiguous when it names a field: which column holds the amounts?"""
    seen: dict[str, int] = {}
    for col, cell in enumerate(cells):
        if not cell:
            continue
        norm = normalise_header(cell)
        if norm in seen and (norm in ORDER_INDEX or norm in MASTER_INDEX):
            raise InputError(
                f"{where}: the header {cell!r} appears twice (columns {_column_letter(seen[norm])} and "
                f"{_column_letter(col)} of row {row_index + 1})",
                hint="rename one of the two columns in the file so that custseg knows which one to use",
            )
        seen.setdefault(norm, col)


def find_header(
    rows: list[list[str]], overrides: dict[str, str], where: str, want: TableKind | None = None
) -> tuple[int, TableKind | None, ColumnMapping, list[str]]:
    """The first row (within the first rows) whose cells map to a known table shape.

    Title rows above the header (a company name, an export timestamp) are passed over.
    Returns (index, kind, mapping, headers); kind is None when no row fits.
    """
    first_nonblank: tuple[int, list[str]] | None = None
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cells = [c.strip() for c in row]
        while cells and not cells[-1]:  # spreadsheet rows come padded to the sheet's width
            cells.pop()
        if sum(1 for c in cells if c) < 2:
            continue
        _check_duplicate_field_headers(cells, where, i)
        headers = _unique_headers(cells)
        if first_nonblank is None:
            first_nonblank = (i, headers)
        if want == "master":
            mapping = map_headers(headers, overrides, MASTER_INDEX, where)
            if mapping.has("customer_id") or mapping.has("customer_name"):
                return i, "master", mapping, headers
            continue
        kind, mapping = _classify_header(headers, overrides, where)
        if kind is not None and (want is None or kind == want):
            return i, kind, mapping, headers
    if first_nonblank is None:
        return -1, None, ColumnMapping(), []
    i, headers = first_nonblank
    return i, None, map_headers(headers, overrides, ORDER_INDEX, where), headers


def _no_order_columns(where: str, headers: list[str], mapping: ColumnMapping) -> InputError:
    missing = missing_order_fields(mapping)
    return InputError(
        f"{where}: no header row with the required order columns; missing {', '.join(missing)}; "
        f"headers found: {', '.join(headers) if headers else '(none)'}",
        hint=f"name the columns in column_map, FIELD: HEADER (aliases tried: {describe_aliases(missing)})",
        code="missing_columns",
        values={"aliases": describe_aliases(missing)},
    )


# ----------------------------------------------------------------------------- text files


def read_text_table(
    source: Source,
    overrides: dict[str, str],
    encoding: str | None = None,
    want: TableKind | None = None,
) -> Table:
    data = source.read_bytes()
    if not _NON_SPACE.search(data):
        raise InputError(f"{source.name}: the file is empty", hint="export the orders again")
    sniff = data[:8]
    if sniff.startswith(b"PK\x03\x04") or sniff.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            f"{source.name}: is a spreadsheet, not a text file",
            hint="give it a .xlsx (or .xls) extension so it is read as a workbook",
        )
    if encoding:
        enc_guess = encoding
        valid_utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig") and _valid_utf8(data)
    else:
        enc_guess, valid_utf8 = _sniff_encoding(data)
    if not enc_guess.startswith("utf-16") and is_binary(data):
        raise InputError(f"{source.name}: is not a text file (binary content)", hint="export the orders as CSV or XLSX")
    # Clean UTF-8 (most exports) is parsed straight from the file's bytes; anything else is decoded,
    # cleaned and encoded to UTF-8 once. Only the first lines are decoded to find the header.
    clean_utf8 = valid_utf8 and b"\x00" not in data
    if clean_utf8:
        enc = enc_guess
        text = codecs.getincrementaldecoder(enc)().decode(data[:HEAD_BYTES], final=len(data) <= HEAD_BYTES)
    else:
        text, enc = decode_text(data, source.name, encoding, detected=enc_guess)
        broken = text.count("\ufffd")
        if broken:
            enc = f"{enc} ({broken} undecodable bytes shown as \ufffd)"
        if broken > max(20, len(text) // 100):
            raise InputError(
                f"{source.name}: is not readable text in any known encoding",
                hint="export the orders again as CSV (UTF-8) or XLSX, or name the encoding",
                code="unreadable_text",
            )
    # Lines end at CR, LF or CRLF only, as for the parser below (str.splitlines also breaks at \f, \x1c, ...).
    head_lines = re.split(r"\r\n|\r|\n", text[:HEAD_BYTES])[: HEADER_SCAN_ROWS + 5]
    delim = sniff_delimiter(head_lines)
    head_rows = list(csv.reader(head_lines, delimiter=delim))
    where = source.name
    idx, kind, mapping, headers = find_header(head_rows, overrides, where, want)
    if kind is None or (want is not None and kind != want):
        if want == "master":
            raise InputError(
                f"{where}: no customer id or name column in the customer file; headers found: {', '.join(headers)}",
                hint="name it in column_map: customer_id: HEADER",
                code="master_without_id",
            )
        raise _no_order_columns(where, headers, mapping)
    # pandas' C parser reads bytes about 4x faster than a str, and line numbers follow from the header's.
    if clean_utf8:
        body, start = data, _line_offset(data, idx + 1)
    else:
        body, start = text[_line_offset(text, idx + 1) :].encode("utf-8"), 0
        del text  # let the decoded text go before parsing: it is the largest object of a big file
    header_line = idx + 1
    prefetched = None
    if source.prefetch is not None:
        # The second thread's parse, if it guessed this file's layout; the bytes and codes are let go either way.
        prefetched = source.prefetch.take(body, start, delim, len(headers), CSV_CHUNK_ROWS, ARROW_BLOCK_BYTES)
        source.prefetch = None
    columns, n, overflow = _parse_csv_body(body, start, delim, headers, prefetched)
    rows = header_line + 1 + np.arange(n, dtype=np.int64)
    if body.find(b'"', start) >= 0:  # only a quoted field can hold a line break (one C scan of the bytes)
        rows += _line_breaks_before(columns, n)
    return Table(source.name, "", kind, columns, rows, mapping, header_line, enc, delim, overflow)


def _line_breaks_before(columns: dict[str, Factorized], n: int) -> np.ndarray:
    """For each record, the line breaks inside quoted fields of the records before it: a record that
    spans three lines moves every later record's line number by two. Counted on the distinct texts,
    so a file without such fields costs one join and scan of them."""
    extra = np.zeros(n, dtype=np.int64)
    for fz in columns.values():
        joined = "".join(map(str, fz.uniques.tolist()))  # one C-speed scan decides most columns
        if "\n" not in joined and "\r" not in joined:
            continue
        breaks = fz.uniques.astype(str).str.count(r"\r\n|\r|\n").to_numpy(dtype=np.int64)
        extra += breaks[fz.codes]
    return np.concatenate([[0], np.cumsum(extra)[:-1]]) if n else extra


HEAD_BYTES = 200_000


def _valid_utf8(data: bytes) -> bool:
    """The whole of ``data`` is UTF-8: checked in place by pyarrow's validator (0.04 s for the 93 MB
    benchmark file), else decoded 16 MiB at a time (0.15 s; decoding a large file at once would hold a
    str of up to four times its size). Both reject the same bytes: overlong forms, surrogates, code points
    past U+10FFFF, cut sequences (a test runs them over every two-byte sequence and the edges of longer ones)."""
    try:
        import pyarrow as pa
    except ImportError:
        pass
    else:
        offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
        text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
        try:
            text.validate(full=True)
        except pa.ArrowInvalid:
            return False
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    step = 1 << 24
    try:
        for pos in range(0, len(data), step):
            decoder.decode(view[pos : pos + step], final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _line_offset(text: str | bytes, lines: int) -> int:
    """Where line ``lines`` (0-based) starts: past that many CR, LF or CRLF line ends (in a str, or in
    the bytes of an ASCII-compatible encoding, where CR and LF are never part of another character)."""
    lf_char, cr_char, crlf = ("\n", "\r", "\r\n") if isinstance(text, str) else (b"\n", b"\r", b"\r\n")
    pos = 0
    for _ in range(lines):
        lf = text.find(lf_char, pos)  # type: ignore[arg-type]
        cr = text.find(cr_char, pos, lf if lf >= 0 else len(text))  # type: ignore[arg-type]
        if lf < 0 and cr < 0:
            return len(text)
        if cr < 0 or (0 <= lf < cr):
            pos = lf + 1
        else:
            pos = cr + 2 if text.startswith(crlf, cr) else cr + 1  # type: ignore[arg-type]
    return pos


def _factorize_text(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct texts of a column of str, where missing fields (None/NaN) read as ""."""
    # The NA sentinel spares pandas a separate pass over the column looking for missing values.
    codes, uniques = pd.factorize(values)
    if len(codes) and codes.min() < 0:
        uniques = np.append(uniques.astype(object), "")
        codes = np.where(codes < 0, len(uniques) - 1, codes)
        again, uniques = pd.factorize(uniques)  # "" may have been there already
        codes = again[codes]
    return codes, uniques


class _CodesAcrossChunks:
    """One column's codes over several chunks, into one list of distinct texts."""

    def __init__(self) -> None:
        self.parts: list[np.ndarray] = []
        self.uniques: np.ndarray | list = []
        self.ids: dict[object, int] | None = None

    def add(self, values: np.ndarray) -> None:
        self.add_codes(*_factorize_text(values))

    def add_codes(self, codes: np.ndarray, uniques: np.ndarray) -> None:
        """A chunk already as codes into its distinct texts (in order of first appearance)."""
        # int32 codes from the start: a 10M-line file's codes are 40 MB a column instead of 80.
        if not self.parts:
            self.parts.append(codes.astype(np.int32))
            self.uniques = uniques
            return
        if self.ids is None:  # a second chunk: only now is a lookup of the texts seen so far worth it
            self.uniques = list(self.uniques)
            self.ids = {u: i for i, u in enumerate(self.uniques)}
        ids, known = self.ids, self.uniques
        assert isinstance(known, list)
        # map() over dict.get and dict.update(zip()) run without a Python step per value.
        remap = np.fromiter(map(ids.get, uniques, itertools.repeat(-1)), dtype=np.int32, count=len(uniques))
        new = np.flatnonzero(remap < 0)
        new_codes = np.arange(len(known), len(known) + len(new), dtype=np.int32)
        remap[new] = new_codes
        new_texts = uniques[new].tolist()
        known.extend(new_texts)
        ids.update(zip(new_texts, new_codes.tolist(), strict=True))
        self.parts.append(remap[codes])

    def result(self) -> Factorized:
        codes = self.parts[0] if len(self.parts) == 1 else np.concatenate(self.parts)
        self.parts, self.ids = [], None  # let the chunks' codes and the lookup go before the next column
        return Factorized.of(codes, self.uniques)


def _parse_csv_body(
    data: bytes,
    start: int,
    delim: str,
    headers: list[str],
    prefetched: tuple[bool, EncodedColumns | None] | None = None,
) -> tuple[dict[str, Factorized], int, list[int]]:
    """The UTF-8 text of ``data`` from ``start`` on: (columns, number of rows, rows with extra fields).
    ``prefetched``: a :class:`CsvPrefetch`'s (guessed right, result) for these very bytes."""
    width = len(headers)
    body = io.BytesIO(data)  # shares the bytes, no copy
    body.seek(start)
    if not _NON_SPACE.search(data, start):
        return {h: Factorized.of(np.empty(0, np.int64), []) for h in headers}, 0, []
    if prefetched is not None and prefetched[0]:
        arrow = None if prefetched[1] is None else _encoded_columns(prefetched[1], headers)
    else:
        arrow = _parse_csv_arrow(data, start, delim, headers)
    if arrow is not None:
        return arrow[0], arrow[1], []
    columns = [_CodesAcrossChunks() for _ in headers]
    n = 0
    try:
        with pd.read_csv(
            body,
            encoding="utf-8",
            sep=delim,
            header=None,
            names=list(range(width)),
            index_col=False,
            dtype=object,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
            chunksize=CSV_CHUNK_ROWS,
        ) as chunks:
            for chunk in chunks:
                for j, acc in enumerate(columns):
                    acc.add(chunk[j].to_numpy(dtype=object))
                n += len(chunk)
        return {h: acc.result() for h, acc in zip(headers, columns, strict=True)}, n, []
    except (pd.errors.ParserError, ValueError):
        pass
    # A line with more fields than the header stops pandas' C parser. The csv module keeps every line:
    # the extra fields are cut off and the line is flagged (an extra_fields problem row). It is read in
    # the same chunks and codes as above, so a large file with one bad line does not need a list of
    # every record.
    body.seek(start)
    overflow: list[int] = []
    columns = [_CodesAcrossChunks() for _ in headers]
    records: list[list[str]] = []
    n = 0

    def flush() -> None:
        cells = np.empty((len(records), width), dtype=object)
        if records:
            cells[:] = records
        for j, acc in enumerate(columns):
            acc.add(cells[:, j])
        records.clear()

    for i, rec in enumerate(csv.reader(io.TextIOWrapper(body, encoding="utf-8", newline=""), delimiter=delim)):
        if len(rec) > width:
            if any(c.strip() for c in rec[width:]):
                overflow.append(i)
            rec = rec[:width]
        records.append(rec + [""] * (width - len(rec)))
        n += 1
        if len(records) >= max(1, CSV_CHUNK_ROWS // 5):  # lists of new strings: smaller chunks
            flush()
    if records or not n:
        flush()
    return {h: acc.result() for h, acc in zip(headers, columns, strict=True)}, n, overflow


def _parse_csv_arrow(
    data: bytes,
    start: int,
    delim: str,
    headers: list[str],
) -> tuple[dict[str, Factorized], int] | None:
    """:func:`custseg.input._csv_arrow.encode_csv_body` as the columns of a table (None: pyarrow refused the body)."""
    encoded = encode_csv_body(data, start, delim, len(headers), CSV_CHUNK_ROWS, ARROW_BLOCK_BYTES)
    return None if encoded is None else _encoded_columns(encoded, headers)


def _encoded_columns(encoded: EncodedColumns, headers: list[str]) -> tuple[dict[str, Factorized], int]:
    columns = {
        h: Factorized.of(codes, texts) for h, codes, texts in zip(headers, encoded.codes, encoded.texts, strict=True)
    }
    return columns, encoded.n


_NON_SPACE = re.compile(rb"\S")


# ----------------------------------------------------------------------------- workbooks


def _check_workbook_bytes(name: str, data: bytes, suffix: str, max_unzipped_mb: int) -> None:
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
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                total = sum(i.file_size for i in zf.infolist())
                bad = zf.testzip() if len(data) < 5_000_000 else None
        except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as exc:
            raise InputError(
                f"{name}: the workbook is corrupt or truncated ({exc})", hint="download or export it again"
            ) from None
        if bad is not None:
            raise InputError(
                f"{name}: the workbook is corrupt (damaged part {bad})", hint="download or export it again"
            )
        if total > max_unzipped_mb * 1024 * 1024:
            raise InputError(
                f"{name}: the workbook unpacks to {total / 2**20:,.0f} MB, over the limit of {max_unzipped_mb:,} MB",
                hint="raise max_unzipped_mb if the file is genuine, or export as CSV",
                code="workbook_too_large",
            )


class _CellSheets:
    """A workbook's sheets as rows of cell values, through calamine; openpyxl if calamine is absent."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        try:
            from python_calamine import CalamineWorkbook
        except ImportError:  # pragma: no cover - the fallback is tested by hand
            import openpyxl

            try:
                self.book: object = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            except Exception as exc:
                raise InputError(
                    f"{name}: the workbook cannot be read ({exc})", hint="open it in Excel and save it again"
                ) from None
            self.names: list[str] = list(self.book.sheetnames)  # type: ignore[attr-defined]
            self.calamine = False
            return
        try:
            self.book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            self.names = list(self.book.sheet_names)  # type: ignore[attr-defined]
        except Exception as exc:  # calamine raises its own error types for every kind of damage
            raise InputError(
                f"{name}: the workbook cannot be read ({str(exc).splitlines()[0][:200]})",
                hint="open it in Excel and save it again, or export as CSV",
            ) from None
        self.calamine = True

    def rows(self, sheet_name: str) -> list[list[object]]:
        if not self.calamine:  # pragma: no cover
            return [list(row) for row in self.book[sheet_name].iter_rows(values_only=True)]  # type: ignore[index]
        try:
            sheet = self.book.get_sheet_by_name(sheet_name)  # type: ignore[attr-defined]
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


def _column_codes(values: np.ndarray) -> Factorized:
    """A column of cell values as codes into its texts, each distinct value rendered once (exports
    repeat values). Two cell values may render alike (1 and 1.0), so the distinct texts are factorized
    again to keep the codes exact."""
    kinds = set(map(type, values))
    if kinds == {str}:  # text cells are their own text: no rendering, no second pass
        codes, uniques = pd.factorize(values)
        return Factorized.of(codes, uniques)
    if kinds <= {float, type(None)}:  # numbers (and blanks) hash far faster as float64 than as objects
        numbers = pd.Series(values, dtype=object).astype("float64").to_numpy()
        codes, uniques = pd.factorize(numbers, use_na_sentinel=False)
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
    rendered = np.array([cell_to_text(u) for u in uniques.tolist()], dtype=object)
    text_codes, text_uniques = pd.factorize(rendered, use_na_sentinel=False)
    return Factorized.of(text_codes[codes], text_uniques)


def _cells_to_columns(rows: list[list[object]], headers: list[str]) -> tuple[dict[str, Factorized], list[int]]:
    """Rows of cell values (padded or not) to columns of text codes, and the rows that have values right
    of the header's last column."""
    width = len(headers)
    if not rows:
        return {h: Factorized.of(np.empty(0, np.int64), []) for h in headers}, []
    longest = max(len(r) for r in rows)
    if any(len(r) != longest for r in rows):
        rows = [list(r) + [None] * (longest - len(r)) for r in rows]
    # One 2-D object array, then a column is a view: cheaper than transposing lists of rows.
    cells = np.empty((len(rows), longest), dtype=object)
    cells[:] = rows
    columns = {}
    for i, h in enumerate(headers):
        if i < longest:
            columns[h] = _column_codes(cells[:, i])
        else:
            columns[h] = Factorized.of(np.zeros(len(rows), np.int64), [""])
    overflow = np.zeros(len(rows), dtype=bool)
    for j in range(width, longest):
        overflow |= np.array([v not in (None, "") and str(v).strip() != "" for v in cells[:, j]], dtype=bool)
    return columns, np.flatnonzero(overflow).tolist()


def read_workbook(
    source: Source,
    overrides: dict[str, str],
    sheets: list[str] | None = None,
    max_unzipped_mb: int = DEFAULT_MAX_UNZIPPED_MB,
    want: TableKind | None = None,
) -> ReadReport:
    data = source.read_bytes()
    suffix = source.suffix or ".xlsx"
    _check_workbook_bytes(source.name, data, suffix, max_unzipped_mb)
    report = ReadReport()
    last_error: tuple[str, list[str], ColumnMapping] | None = None
    # Large .xlsx sheets are read as columns (xlsx_columns); the cell reader takes every other sheet
    # and any sheet the column reader cannot read exactly as it would.
    columns_reader = None
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
        found = _sheet_by_columns(columns_reader, sheet_name, where, overrides, want) if columns_reader else None
        if found is None:
            if cell_sheets is None:
                cell_sheets = _CellSheets(source.name, data)
            rows = cell_sheets.rows(sheet_name)
            head = [[cell_to_text(v) for v in row] for row in rows[:HEADER_SCAN_ROWS]]
            found = find_header(head, overrides, where, want), rows
        (idx, kind, mapping, headers), body = found
        if kind is None or (want is not None and kind != want):
            why = "no table in it" if idx < 0 else "no order, customer or returns columns"
            report.skipped_sheets.append((source.name, sheet_name, why))
            if idx >= 0:
                last_error = (where, headers, mapping)
            continue
        if isinstance(body, tuple):
            columns, n, extra = body
        else:
            rows = body[idx + 1 :]
            columns, extra = _cells_to_columns(rows, headers)
            n = len(rows)
        row_numbers = np.arange(idx + 2, idx + 2 + n, dtype=np.int64)
        report.tables.append(
            Table(source.name, sheet_name, kind, columns, row_numbers, mapping, idx + 1, overflow=extra)
        )
    if want != "master" and not any(t.kind == "orders" for t in report.tables):
        if last_error:
            raise _no_order_columns(*last_error)
        raise InputError(f"{source.name}: no sheet has any data", hint="check that the right file was exported")
    return report


def _sheet_by_columns(
    reader: ColumnReader, sheet_name: str, where: str, overrides: dict[str, str], want: TableKind | None
) -> (
    tuple[tuple[int, TableKind | None, ColumnMapping, list[str]], tuple[dict[str, Factorized], int, list[int]] | None]
    | None
):
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


def read_source(
    source: Source,
    overrides: dict[str, str],
    encoding: str | None = None,
    sheets: list[str] | None = None,
    max_unzipped_mb: int = DEFAULT_MAX_UNZIPPED_MB,
    want: TableKind | None = None,
) -> ReadReport:
    """Read one input; the file's content, not only its extension, decides how."""
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
