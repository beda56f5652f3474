"""The workbook's zip, deflated faster than XlsxWriter alone deflates it.

XlsxWriter has no setting for the zip's compression level and writes every part through ``zipfile``
with the default level. Here, while one of our workbooks closes, the ``ZipFile`` class XlsxWriter's
module uses is swapped for one that deflates at :data:`ZIP_LEVEL` and writes each spliced sheet (see
:class:`RowSplices`) as its head, its row file and its tail, deflated in blocks on two threads with ISA-L
where it is installed. The result is one ordinary deflate stream per part: any unzip reads it.

This relies on names that neither XlsxWriter nor ``zipfile`` promise to keep; every one is listed in
:data:`PRIVATE_API` and checked by :func:`missing_private_api` (a test fails when one is gone). At run
time, a missing one means XlsxWriter's own, slower, way.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import zipfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from types import ModuleType
from typing import Any

# Everything used here that XlsxWriter or zipfile do not document: (module, attribute path).
PRIVATE_API: tuple[tuple[str, str], ...] = (
    ("xlsxwriter.workbook", "ZipFile"),  # the class Workbook.close makes its zip with, looked up by name
    ("zipfile", "ZipInfo._compresslevel"),  # the level ZipFile.open(..., "w") builds an entry's compressor at
    ("zipfile", "_ZipWriteFile._compressor"),  # an entry's compressor object: compress(data) and flush()
)

# zlib's fastest level: the customer sheet deflates several times faster than at the default level 6, for a
# file about a third larger (benchmarks/README.md). XlsxWriter has no setting for it; zip_level supplies one.
ZIP_LEVEL = 1
# Bytes deflated at a time on each thread; blocks past the first are primed with the 32 KiB before them.
DEFLATE_BLOCK = 4 << 20
_ZIP_LOCK = threading.Lock()


def missing_private_api() -> list[str]:
    """The names of :data:`PRIVATE_API` this Python's zipfile and this XlsxWriter lack (none: the fast zip works).

    ``_ZipWriteFile._compressor`` is an attribute of an open entry, so an entry of a zip in memory is opened
    to look for it."""
    import importlib
    import io

    missing = []
    for module_name, path in PRIVATE_API:
        if path == "_ZipWriteFile._compressor":
            with zipfile.ZipFile(io.BytesIO(), "w", zipfile.ZIP_DEFLATED) as z, z.open("part", "w") as entry:
                found = type(entry).__name__ == "_ZipWriteFile" and hasattr(entry, "_compressor")
        else:
            found = True
            obj: Any = importlib.import_module(module_name)
            for name in path.split("."):
                if not hasattr(obj, name):
                    found = False
                    break
                obj = getattr(obj, name)
        if not found:
            missing.append(f"{module_name}.{path}")
    return missing


class RowSplices:
    """Where each constant-memory sheet's rows go: the sheet's XML file, the byte offset in it, and the row
    file. The zip entry is written as the file's head, the rows and its tail, so the rows (most of a large
    workbook) are not first copied into the sheet's file and read back."""

    def __init__(self) -> None:
        self.by_sheet: dict[str, tuple[int, str]] = {}

    def add(self, sheet_file: str, at: int, rows_file: str) -> None:
        self.by_sheet[sheet_file] = (at, rows_file)

    def discard(self) -> None:
        """Delete the row files of an interrupted close."""
        for _, rows_file in self.by_sheet.values():
            with contextlib.suppress(OSError):
                os.unlink(rows_file)
        self.by_sheet.clear()


def can_swap_zipfile() -> bool:
    import xlsxwriter.workbook as xlsx_workbook

    return isinstance(getattr(xlsx_workbook, "ZipFile", None), type)


def row_splices() -> RowSplices | None:
    """Somewhere for the sheets to leave their rows for the zip, where the zip can be swapped; else None (the
    sheets copy their rows into their files as XlsxWriter does)."""
    return RowSplices() if can_swap_zipfile() else None


def deflater() -> ModuleType:
    """ISA-L's zlib where it is installed: faster than zlib on one core, and smaller at the workbook's level
    (benchmarks/README.md). Its streams are deflate streams like zlib's (any unzip reads them); without it,
    zlib."""
    try:
        from isal import isal_zlib
    except ImportError:
        import zlib

        return zlib
    return isal_zlib


def deflate_block(block: bytes | memoryview, primer: bytes, level: int, last: bool) -> bytes:
    """``block`` as raw deflate, primed with the bytes before it, ended on a byte boundary or, if ``last``,
    finished."""
    import zlib

    mod = deflater() if level > 0 else zlib  # zlib's level 0 stores; ISA-L's has no such level
    if mod is not zlib:
        level = min(3, (level + 2) // 3)  # zlib's 1-9 onto ISA-L's 1-3 (the workbook's 1 stays 1)
    deflate = (
        mod.compressobj(level, mod.DEFLATED, -15, zdict=primer) if primer else mod.compressobj(level, mod.DEFLATED, -15)
    )
    out: bytes = deflate.compress(block) + deflate.flush(mod.Z_FINISH if last else mod.Z_SYNC_FLUSH)
    return out


class ParallelDeflate:
    """zlib's compress/flush for a zip entry, deflating blocks on two threads as pigz does (zlib and ISA-L
    run without the GIL): each block is raw deflate primed with the 32 KiB before it and ended on a byte
    boundary, the last one finished, so the blocks joined are one deflate stream that any unzip reads. An
    entry of one block is deflated exactly as :func:`deflater`'s library would."""

    def __init__(self, level: int, pool: ThreadPoolExecutor) -> None:
        self.level, self.pool = level, pool
        self.pending: list[Future[bytes]] = []
        self.chunks: list[bytes | memoryview] = []  # the data not in a block yet, in order: joined once for its blocks
        self.size = 0
        self.primer = b""

    def _submit(self, block: bytes | memoryview, last: bool) -> None:
        self.pending.append(self.pool.submit(deflate_block, block, self.primer, self.level, last))
        self.primer = bytes(block[-32768:])

    def compress(self, data: bytes | bytearray | memoryview) -> bytes:
        if len(data):
            # Kept as given, not copied into one growing buffer and out of it again. A mutable buffer is copied.
            self.chunks.append(bytes(data) if isinstance(data, bytearray) else data)
            self.size += len(data)
        if self.size > DEFLATE_BLOCK:  # > not >=: the last block is never empty
            joined = memoryview(b"".join(self.chunks))
            at = 0
            while len(joined) - at > DEFLATE_BLOCK:
                self._submit(joined[at : at + DEFLATE_BLOCK], last=False)
                at += DEFLATE_BLOCK
            self.chunks, self.size = [joined[at:]], len(joined) - at
        done = []
        # Hand back the blocks finished so far, in order; wait once five are queued (about 20 MiB held at most).
        while self.pending and (self.pending[0].done() or len(self.pending) > 4):
            done.append(self.pending.pop(0).result())
        return b"".join(done)

    def flush(self) -> bytes:
        self._submit(b"".join(self.chunks), last=True)
        self.chunks, self.size = [], 0
        done = [f.result() for f in self.pending]
        self.pending.clear()
        return b"".join(done)


def _levelled_zipfile(original: type[zipfile.ZipFile], level: int, splices: RowSplices | None) -> type:
    """``original`` (XlsxWriter's ZipFile) with ``level`` as its default, and the sheets in ``splices``
    written as their head, row file and tail, deflated on two threads."""

    class LevelledZipFile(original):  # type: ignore[valid-type, misc]  # a class known only at run time
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("compresslevel", level)
            super().__init__(*args, **kwargs)

        def write(
            self, filename: Any, arcname: Any = None, compress_type: Any = None, compresslevel: Any = None
        ) -> None:
            splice = splices.by_sheet.pop(filename, None) if splices is not None else None
            if splice is None:
                super().write(filename, arcname, compress_type, compresslevel)
                return
            at, rows_file = splice
            try:
                self._write_spliced(filename, arcname, at, rows_file, compress_type, compresslevel)
            finally:
                os.unlink(rows_file)

        def _write_spliced(
            self, filename: str, arcname: Any, at: int, rows_file: str, compress_type: Any, compresslevel: Any
        ) -> None:
            # As ZipFile.write makes the entry, with the whole size for its ZIP64 decision.
            zinfo = zipfile.ZipInfo.from_file(filename, arcname)
            zinfo.compress_type = self.compression if compress_type is None else compress_type
            # ZipInfo._compresslevel is in PRIVATE_API; typeshed does not declare it.
            zinfo._compresslevel = self.compresslevel if compresslevel is None else compresslevel  # type: ignore[attr-defined]
            zinfo.file_size = os.path.getsize(filename) + os.path.getsize(rows_file)
            # The pool is entered first: it must outlive the entry's close, which deflates the last block.
            with (
                ThreadPoolExecutor(2, "custseg-deflate") as pool,
                open(filename, "rb") as sheet,
                open(rows_file, "rb") as rows,
                self.open(zinfo, "w") as dest,
            ):
                if zinfo.compress_type == zipfile.ZIP_DEFLATED and hasattr(dest, "_compressor"):
                    # _ZipWriteFile._compressor is in PRIVATE_API; typeshed does not declare it.
                    dest._compressor = ParallelDeflate(zinfo._compresslevel, pool)  # type: ignore[attr-defined]
                dest.write(sheet.read(at))
                shutil.copyfileobj(rows, dest, 1 << 20)
                shutil.copyfileobj(sheet, dest, 1 << 20)

    return LevelledZipFile


@contextlib.contextmanager
def zip_level(level: int, splices: RowSplices | None = None) -> Iterator[None]:
    """Make XlsxWriter's Workbook.close deflate at ``level``: the ZipFile class its module uses is swapped
    for one with that default level while one of our workbooks closes (the lock keeps two closes from
    swapping over each other). If XlsxWriter stops importing ZipFile by name, the default level stays
    (and the caller, having asked :func:`can_swap_zipfile`, has no splices to make).

    The sheets in ``splices`` are written as their head, row file and tail, deflated on two threads."""
    import xlsxwriter.workbook as xlsx_workbook

    with _ZIP_LOCK:
        original = getattr(xlsx_workbook, "ZipFile", None)
        if original is None:
            yield
            return
        xlsx_workbook.ZipFile = _levelled_zipfile(original, level, splices)
        try:
            yield
        finally:
            xlsx_workbook.ZipFile = original


def close_workbook(workbook: Any, splices: RowSplices | None) -> None:
    """Close an XlsxWriter workbook (which writes its zip) at :data:`ZIP_LEVEL`, its sheets in ``splices``
    spliced; row files left by an interrupted close are deleted."""
    try:
        with zip_level(ZIP_LEVEL, splices):
            workbook.close()
    finally:
        if splices is not None:
            splices.discard()
