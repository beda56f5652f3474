"""Limits on what an input may cost before it is read: a workbook's unpacked size and its sheets' extent,
and the size of the small side files (rules, rates).

A workbook is a zip, and a few MB of zip can unpack to GB of rows. The readers (calamine, fastexcel)
materialise a whole sheet before anything can be counted, so the zip is checked here first, in layers:

1. the sizes the zip declares for its parts, against the limit (free, and stops an honest bomb);
2. every part unpacked as a stream, a block at a time, and counted: the bytes it really unpacks to
   (a part may declare less than it holds), its CRC, and in the sheets the rows and the cell references,
   stopping at the first row or column past Excel's own limits (no spreadsheet program writes such a
   sheet) and at the size limit. Nothing is kept but counters, so this costs time, not memory.

This module does not import pandas.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from custseg.errors import InputError

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384  # column XFD

_BLOCK = 1 << 20  # unpacked bytes looked at a time
_OVERLAP = 64  # bytes carried from one block to the next, so no pattern is lost at a block's edge
# The cells a reader allocates for one sheet (its area from A1 to the last cell, filled or not): enough
# for a whole Excel sheet of a wide export, and far below what a small file can claim.
MAX_SHEET_CELLS = 2**25
_SHEET_PARTS = re.compile(r"xl/worksheets/[^/]+\.xml")
_REFERENCE = re.compile(rb"""\sr=["']([A-Z]{0,4})(\d{1,9})""")
_ROOT_PREFIX = re.compile(rb"<(\w+:)?worksheet\b")


def check_zip_parts(name: str, data: bytes, max_unzipped_mb: int) -> None:
    """Refuse a workbook (zip) whose parts unpack to more than ``max_unzipped_mb`` MB, hold a sheet past
    Excel's limits, or are damaged; decided by unpacking a block at a time, never a whole part."""
    limit = max_unzipped_mb * 2**20
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > limit:
                raise _too_large(name, f"unpacks to {declared / 2**20:,.0f} MB", max_unzipped_mb)
            names = [i.filename for i in infos]
            if len(set(names)) != len(names):  # two readers could take different parts of one name
                raise InputError(f"{name}: the workbook is corrupt (a part appears twice)", hint=_AGAIN)
            sheets = _sheet_names(zf)
            # Sheets first: they are where a bomb of rows is, and their limits are the clearer message.
            total = 0
            for info in sorted(infos, key=lambda i: not _SHEET_PARTS.fullmatch(i.filename)):
                is_sheet = _SHEET_PARTS.fullmatch(info.filename) is not None
                sheet = (sheets.get(info.filename) or info.filename) if is_sheet else None
                total = _scan_part(name, data, info, sheet, total, limit, max_unzipped_mb)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError) as exc:
        raise InputError(f"{name}: the workbook is corrupt or truncated ({exc})", hint=_AGAIN) from None


_AGAIN = "download or export it again"


def _too_large(name: str, what: str, max_unzipped_mb: int) -> InputError:
    return InputError(
        f"{name}: the workbook {what}, over the limit of {max_unzipped_mb:,} MB",
        hint="raise max_unzipped_mb if the file is genuine, or export as CSV",
        code="workbook_too_large",
        values={"limit": max_unzipped_mb},
    )


def _scan_part(
    name: str, data: bytes, info: zipfile.ZipInfo, sheet: str | None, total: int, limit: int, max_mb: int
) -> int:
    """Unpack one part as a stream and count what it really unpacks to into ``total`` (returned); for a
    sheet, also count its rows and look at its last row, which gives the area the readers allocate."""
    size = 0
    rows = 0
    carry = last = b""
    row_tag = b""
    for block in _unpacked(data, info):
        size += len(block)
        if size > info.file_size:  # calamine refuses such a part, but fastexcel reads it all
            raise InputError(
                f"{name}: the workbook is corrupt ({info.filename} unpacks to more than it declares)", hint=_AGAIN
            )
        if total + size > limit:
            raise _too_large(name, f"unpacks to more than {max_mb:,} MB", max_mb)
        if sheet is None:
            continue
        if not row_tag:
            prefix = _ROOT_PREFIX.search(block)
            row_tag = b"<" + ((prefix.group(1) or b"") if prefix else b"") + b"row"
        # The carried bytes are one short of a tag: a tag across two blocks is counted once, none twice.
        text = carry + block
        rows += text.count(row_tag)
        if rows > EXCEL_MAX_ROWS + 1:  # one <rowBreaks> may be among them, no more
            raise _past_excel(name, sheet, f"has more than {EXCEL_MAX_ROWS:,} rows")
        carry = text[-(len(row_tag) - 1) :]
        last = text
    if size != info.file_size:
        raise InputError(f"{name}: the workbook is corrupt (damaged part {info.filename})", hint=_AGAIN)
    if sheet is not None:
        # <rowBreaks>, after the rows, is the one other element whose tag starts like a row's.
        if rows > EXCEL_MAX_ROWS and row_tag + b"Breaks" not in last:
            raise _past_excel(name, sheet, f"has more than {EXCEL_MAX_ROWS:,} rows")
        _check_extent(name, sheet, last, row_tag)
    return total + size


def _check_extent(name: str, sheet: str, end: bytes, row_tag: bytes) -> None:
    """The readers allocate every cell from A1 to the sheet's last cell, however few are filled. The last
    row is where that cell is in any file a program wrote (rows come in order); its references are checked
    against Excel's limits and the area against the cells custseg reads."""
    at = end.rfind(row_tag + b" ")
    if at < 0:
        return
    max_row = max_col = 0
    for letters, digits in _REFERENCE.findall(end[at:]):
        max_row = max(max_row, int(digits))
        max_col = max(max_col, _column_number(letters))
        if max_row > EXCEL_MAX_ROWS or max_col > EXCEL_MAX_COLUMNS:
            what = f"a cell at {(letters + digits).decode()}" if letters else f"a row numbered {int(digits):,}"
            raise _past_excel(name, sheet, f"has {what}")
    if max_row * max_col > MAX_SHEET_CELLS:
        raise InputError(
            f"{name} [{sheet}]: the sheet spans {max_row:,} rows × {max_col:,} columns, more than the "
            f"{MAX_SHEET_CELLS:,} cells custseg reads from one sheet",
            hint="delete the empty rows and columns at the sheet's far end in Excel, or export as CSV",
            code="sheet_too_many_cells",
        )


def _column_number(letters: bytes) -> int:
    n = 0
    for c in letters:
        n = n * 26 + c - 64
        if n > EXCEL_MAX_COLUMNS:
            break
    return n


def _past_excel(name: str, sheet: str, what: str) -> InputError:
    return InputError(
        f"{name} [{sheet}]: the sheet {what}, past Excel's limits ({EXCEL_MAX_ROWS:,} rows, "
        f"{EXCEL_MAX_COLUMNS:,} columns); no spreadsheet program saved it",
        hint="export the orders again, or as CSV",
        code="sheet_past_excel_limits",
    )


def _unpacked(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part's content, a block of at most ``_BLOCK`` bytes at a time, as far as its data goes: what a
    reader that ignores the declared size would get."""
    view = memoryview(data)
    offset = info.header_offset
    if view[offset : offset + 4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"no local header for {info.filename}")
    start = offset + 30 + int.from_bytes(view[offset + 26 : offset + 28], "little")
    start += int.from_bytes(view[offset + 28 : offset + 30], "little")
    raw = view[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        for i in range(0, len(raw), _BLOCK):
            yield bytes(raw[i : i + _BLOCK])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise zipfile.BadZipFile(f"{info.filename} is compressed in a way spreadsheet programs do not use")
    inflate = _inflater()
    for i in range(0, len(raw), 1 << 16):
        pending = bytes(raw[i : i + (1 << 16)])
        while pending and not inflate.eof:
            block = inflate.decompress(pending, _BLOCK)
            if block:
                yield block
            pending = inflate.unconsumed_tail
        if inflate.eof:
            break
    while not inflate.eof and (block := inflate.decompress(b"", _BLOCK)):
        yield block


def _inflater() -> Any:
    """A raw-deflate decompressor: ISA-L's where it is installed (about a third faster), else zlib's."""
    try:
        from isal import isal_zlib

        return isal_zlib.decompressobj(-15)
    except ImportError:  # pragma: no cover - isal is installed wherever it has wheels
        return zlib.decompressobj(-15)


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet part -> the sheet's name, as far as the workbook's own small parts say (read with a cap)."""
    try:
        book = _small_part(zf, "xl/workbook.xml")
        rels = _small_part(zf, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
        rid, target = _attr(tag, "Id"), _attr(tag, "Target")
        if rid and target:
            targets[rid] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    out = {}
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", book):
        rid, sheet = _attr(tag, r"\w+:id"), _attr(tag, "name")
        if rid in targets and sheet:
            out[targets[rid]] = html.unescape(sheet)
    return out


def _small_part(zf: zipfile.ZipFile, part: str) -> str:
    with zf.open(part) as fh:
        return fh.read(_BLOCK).decode("utf-8", "replace")


def _attr(tag: str, attr: str) -> str | None:
    found = re.search(rf"""\s{attr}\s*=\s*["']([^"']*)["']""", tag)
    return found.group(1) if found else None


def read_capped(path: Path | str, max_bytes: int) -> bytes | None:
    """A side file's bytes, or None when it holds more than ``max_bytes``; never reads past that (a FIFO or
    a device has no size to check first). OSError is left to the caller, who knows the file's role."""
    with open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    return data if len(data) <= max_bytes else None


def human_size(n: int) -> str:
    return f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{n / 2**10:,.0f} KB"
