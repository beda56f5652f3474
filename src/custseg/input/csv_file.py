"""Text tables (CSV, TSV, semicolon-separated, ...): the encoding, the delimiter, the header row, then the
body through one of three engines chosen in :func:`parse_csv_body`.

Clean UTF-8 (most exports) is parsed straight from the file's bytes; anything else is decoded, cleaned and
encoded to UTF-8 once. Only the first lines are decoded to find the header.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd

from custseg.core.values import Factorized
from custseg.errors import InputError
from custseg.input._csv_arrow import ARROW_BLOCK_BYTES, CSV_CHUNK_ROWS, EncodedColumns, encode_csv_body
from custseg.input.encoding import decode_text, is_binary, sniff_encoding, valid_utf8
from custseg.input.header_row import HEADER_SCAN_ROWS, find_header, table_not_found
from custseg.input.sources import Source
from custseg.input.tables import Table, TableKind, factorize_text

HEAD_BYTES = 200_000  # the first bytes, decoded to find the delimiter and the header
# One field may hold up to this many characters while a file is read (the csv module's default is 128 KiB,
# which a pasted description can pass); memory stays bounded by the file's own size.
FIELD_SIZE_LIMIT = 256 * 1024 * 1024
_NON_SPACE = re.compile(rb"\S")


_field_limit_lock = threading.Lock()
_field_limit_readers = 0  # reads under way, in any thread
_field_limit_before = 0  # the limit to put back when the last of them ends


@contextmanager
def wide_csv_fields() -> Iterator[None]:
    """The csv module's field size limit raised for the duration of a read, and put back after: the limit
    is process-wide, and importing or calling the library must leave it as the caller set it. Reads that
    overlap (grade() on several threads) share the raised limit, and the last one to end puts it back, so
    one read ending does not lower it under another."""
    global _field_limit_readers, _field_limit_before
    with _field_limit_lock:
        if _field_limit_readers == 0:
            _field_limit_before = csv.field_size_limit(FIELD_SIZE_LIMIT)
        _field_limit_readers += 1
    try:
        yield
    finally:
        with _field_limit_lock:
            _field_limit_readers -= 1
            if _field_limit_readers == 0:
                csv.field_size_limit(_field_limit_before)


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines most consistently into the most fields."""
    best, best_score = ",", (-1, -1)
    sample = [ln for ln in lines if ln.strip()][:30]
    with wide_csv_fields():
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


def read_text_table(
    source: Source,
    overrides: dict[str, str],
    encoding: str | None = None,
    want: TableKind | None = None,
) -> Table:
    """A text file's table below its header row (title rows above it passed over): every cell as text,
    rows numbered by the file's records as a spreadsheet shows them, and the text line each starts on."""
    with wide_csv_fields():
        return _read_text_table(source, overrides, encoding, want)


def _read_text_table(source: Source, overrides: dict[str, str], encoding: str | None, want: TableKind | None) -> Table:
    data = source.read_bytes()
    _check_text_file(source.name, data)
    text, enc, clean_utf8 = _decoded(source.name, data, encoding)
    # Lines end at CR, LF or CRLF only, as for the parser below (str.splitlines also breaks at \f, \x1c, ...).
    head_lines = re.split(r"\r\n|\r|\n", text[:HEAD_BYTES])[: HEADER_SCAN_ROWS + 5]
    delim = sniff_delimiter(head_lines)
    head_rows = list(csv.reader(head_lines, delimiter=delim))
    idx, kind, mapping, headers = find_header(head_rows, overrides, source.name, want)
    if kind is None or (want is not None and kind != want):
        raise table_not_found(source.name, want, headers, mapping)
    # pandas' C parser reads bytes faster than a str, and line numbers follow from the header's.
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
    columns, n, overflow = parse_csv_body(body, start, delim, headers, prefetched)
    # A spreadsheet opening the file shows one row a record; a text editor one a line.
    rows = header_line + 1 + np.arange(n, dtype=np.int64)
    lines = rows
    if body.find(b'"', start) >= 0:  # only a quoted field can hold a line break (one C scan of the bytes)
        breaks = _line_breaks_before(columns, n)
        if breaks is not None:
            lines = rows + breaks
    return Table(source.name, "", kind, columns, rows, mapping, header_line, enc, delim, overflow, lines)


def _check_text_file(name: str, data: bytes) -> None:
    """An empty file, or a workbook without a workbook's extension, is not read as text."""
    if not _NON_SPACE.search(data):
        raise InputError(f"{name}: the file is empty", hint="export the orders again")
    sniff = data[:8]
    if sniff.startswith(b"PK\x03\x04") or sniff.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            f"{name}: is a spreadsheet, not a text file",
            hint="give it a .xlsx (or .xls) extension so it is read as a workbook",
        )


def _decoded(name: str, data: bytes, encoding: str | None) -> tuple[str, str, bool]:
    """(text, the encoding as the run info shows it, whether the bytes are clean UTF-8). For clean UTF-8
    the text is the first :data:`HEAD_BYTES` only: the body is parsed from the bytes themselves."""
    if encoding:
        enc_guess = encoding
        utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig") and valid_utf8(data)
    else:
        enc_guess, utf8 = sniff_encoding(data)
    if not enc_guess.startswith("utf-16") and is_binary(data):
        raise InputError(f"{name}: is not a text file (binary content)", hint="export the orders as CSV or XLSX")
    if utf8 and b"\x00" not in data:
        head = codecs.getincrementaldecoder(enc_guess)().decode(data[:HEAD_BYTES], final=len(data) <= HEAD_BYTES)
        return head, enc_guess, True
    text, enc = decode_text(data, name, encoding, detected=enc_guess)
    broken = text.count("\ufffd")
    if broken:
        enc = f"{enc} ({broken} undecodable bytes shown as \ufffd)"
    if broken > max(20, len(text) // 100):
        raise InputError(
            f"{name}: is not readable text in any known encoding",
            hint="export the orders again as CSV (UTF-8) or XLSX, or name the encoding",
            code="unreadable_text",
        )
    return text, enc, False


def _line_breaks_before(columns: dict[str, Factorized], n: int) -> np.ndarray | None:
    """For each record, the line breaks inside quoted fields of the records before it: a record that
    spans three lines moves every later record's line by two. None when no field holds one (the lines
    are the rows then). Counted on the distinct texts, so a file without such fields costs one join and
    scan of them."""
    extra = None
    for fz in columns.values():
        joined = "".join(map(str, fz.uniques.tolist()))  # one C-speed scan decides most columns
        if "\n" not in joined and "\r" not in joined:
            continue
        breaks = fz.uniques.astype(str).str.count(r"\r\n|\r|\n").to_numpy(dtype=np.int64)
        extra = breaks[fz.codes] if extra is None else extra + breaks[fz.codes]
    if extra is None or not n:
        return None
    return np.concatenate([[0], np.cumsum(extra)[:-1]])


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


# ----------------------------------------------------------------------------- the body: one seam, three engines


def parse_csv_body(
    data: bytes,
    start: int,
    delim: str,
    headers: list[str],
    prefetched: tuple[bool, EncodedColumns | None] | None = None,
) -> tuple[dict[str, Factorized], int, list[int]]:
    """The UTF-8 text of ``data`` from ``start`` on: (columns, number of rows, rows with extra fields).
    ``prefetched``: a :class:`CsvPrefetch`'s (guessed right, result) for these very bytes.

    The one place that chooses the engine. All three give the same cells where they accept a body (the
    tests compare them); they differ in speed and in which bodies they accept, so each is tried in turn:
    pyarrow's reader is the fastest but refuses a line with more or fewer fields than the header or an
    open quote; pandas' C parser takes short lines but stops at a long one; the csv module reads every
    line, cutting the extra fields off and flagging the line (an extra_fields problem row)."""
    if not _NON_SPACE.search(data, start):
        return {h: Factorized.of(np.empty(0, np.int64), []) for h in headers}, 0, []
    if prefetched is not None and prefetched[0]:
        arrow = None if prefetched[1] is None else _encoded_columns(prefetched[1], headers)
    else:
        arrow = _parse_csv_arrow(data, start, delim, headers)
    if arrow is not None:
        return arrow[0], arrow[1], []
    by_pandas = _parse_csv_pandas(data, start, delim, headers)
    if by_pandas is not None:
        return by_pandas[0], by_pandas[1], []
    return _parse_csv_module(data, start, delim, headers)


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


def _parse_csv_pandas(
    data: bytes, start: int, delim: str, headers: list[str]
) -> tuple[dict[str, Factorized], int] | None:
    """pandas' C parser, a chunk of lines at a time (None: a line has more fields than the header)."""
    body = io.BytesIO(data)  # shares the bytes, no copy
    body.seek(start)
    columns = [_CodesAcrossChunks() for _ in headers]
    n = 0
    try:
        with pd.read_csv(
            body,
            encoding="utf-8",
            sep=delim,
            header=None,
            names=list(range(len(headers))),
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
    except (pd.errors.ParserError, ValueError):
        return None
    return {h: acc.result() for h, acc in zip(headers, columns, strict=True)}, n


def _parse_csv_module(
    data: bytes, start: int, delim: str, headers: list[str]
) -> tuple[dict[str, Factorized], int, list[int]]:
    """The csv module keeps every line: the fields past the header's last column are cut off and the line
    is flagged. It is read in the same chunks and codes as pandas' parser, so a large file with one bad
    line does not need a list of every record."""
    body = io.BytesIO(data)
    body.seek(start)
    width = len(headers)
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


class _CodesAcrossChunks:
    """One column's codes over several chunks, into one list of distinct texts."""

    def __init__(self) -> None:
        self.parts: list[np.ndarray] = []
        self.uniques: np.ndarray | list = []
        self.ids: dict[object, int] | None = None

    def add(self, values: np.ndarray) -> None:
        self.add_codes(*factorize_text(values))

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
