"""CSV bodies through pyarrow's CSV reader, as integer codes into each column's distinct texts.

This module imports neither pandas nor anything of custseg that does, so that :class:`CsvPrefetch` can
read and parse a CSV file on a second thread while the main thread imports pandas (time in which the
second core had nothing to do). numpy and pyarrow are imported when first used. The figures behind these
choices are in benchmarks/README.md.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Lines parsed at a time. Each chunk is reduced to integer codes before the next is read, so a
# 10M-line file never holds 10M x columns Python strings at once.
CSV_CHUNK_ROWS = 1_000_000
ARROW_BLOCK_BYTES = 16 * 2**20  # pyarrow's CSV reader: bytes parsed (and codes made) at a time


@dataclass
class EncodedColumns:
    """Each column as int32 codes into its distinct texts (an object array, in order of first appearance)."""

    codes: list[Any]
    texts: list[Any]
    n: int


def encode_csv_body(
    data: bytes,
    start: int,
    delim: str,
    width: int,
    chunk_rows: int = CSV_CHUNK_ROWS,
    block_bytes: int = ARROW_BLOCK_BYTES,
) -> EncodedColumns | None:
    """The body of ``data`` from ``start`` on through pyarrow's CSV reader, a block at a time, each column
    dictionary-encoded in C: the fastest of the three engines (see csv_file.parse_csv_body).
    It reads fields as pandas' parser does (quotes, doubled quotes, line breaks in quotes, CR/LF/CRLF;
    compared in the tests; a blank line is a row of empty fields in both); a line with more or fewer
    fields than the header or an open quote stops it, and None hands the file to pandas and the csv
    module, which keep such lines (as does an empty body)."""
    from concurrent.futures import ThreadPoolExecutor

    try:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pcsv
    except ImportError:
        return None
    names = [str(j) for j in range(width)]
    columns = [_ArrowCodesAcrossGroups() for _ in range(width)]
    n = 0
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="custseg-encode")
    try:
        reader = pcsv.open_csv(
            pa.BufferReader(pa.py_buffer(data).slice(start)),  # the file's bytes, not a copy
            read_options=pcsv.ReadOptions(column_names=names, block_size=block_bytes),
            parse_options=pcsv.ParseOptions(delimiter=delim, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        group: list = []

        def encode_column(j: int) -> tuple[Any, Any]:
            encoded = pc.dictionary_encode(pa.chunked_array([b.column(j) for b in group], pa.string()))
            indices = [c.indices.to_numpy(zero_copy_only=False) for c in encoded.chunks]
            return np.concatenate(indices) if len(indices) != 1 else indices[0], encoded.chunk(0).dictionary

        def encode() -> None:
            # A million lines at a time, as the pandas path: one dictionary across the group's blocks.
            # pyarrow encodes without the GIL, so the columns go two at a time on two cores. map() keeps
            # the columns' order; each column's groups stay in file order.
            for acc, (indices, dictionary) in zip(columns, pool.map(encode_column, range(width)), strict=True):
                acc.add(indices, dictionary)
            group.clear()

        rows = 0
        for batch in reader:
            group.append(batch)
            rows += batch.num_rows
            n += batch.num_rows
            if rows >= chunk_rows:
                encode()
                rows = 0
        if group:
            encode()
    except pa.ArrowInvalid:
        return None
    finally:
        pool.shutdown()
    if n == 0:
        return None
    results = [acc.result() for acc in columns]
    return EncodedColumns([codes for codes, _ in results], [texts for _, texts in results], n)


class _ArrowCodesAcrossGroups:
    """One column's codes over the groups of lines pyarrow encoded one at a time, into one list of distinct
    texts in order of first appearance (as csv_file._CodesAcrossChunks gives). The groups' dictionaries
    are encoded together once, at the end, in C: looking each group's distinct texts up in a Python dict is
    slow on ids and amounts, whose texts are mostly new in every group."""

    def __init__(self) -> None:
        self.indices: list[Any] = []
        self.dictionaries: list[Any] = []

    def add(self, indices: Any, dictionary: Any) -> None:
        import numpy as np

        self.indices.append(indices.astype(np.int32, copy=False))  # a 10M-line file's codes: 40 MB a column, not 80
        self.dictionaries.append(dictionary)

    def result(self) -> tuple[Any, Any]:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        if len(self.dictionaries) == 1:
            codes, distinct = self.indices[0], self.dictionaries[0]
        else:
            # large_string: the dictionaries together may pass the 2 GB a string array can hold.
            together = pc.dictionary_encode(pa.concat_arrays([d.cast(pa.large_string()) for d in self.dictionaries]))
            remap = together.indices.to_numpy(zero_copy_only=False).astype(np.int32)
            parts, at = [], 0
            for indices, dictionary in zip(self.indices, self.dictionaries, strict=True):
                parts.append(remap[at : at + len(dictionary)][indices])
                at += len(dictionary)
            codes, distinct = np.concatenate(parts), together.dictionary
        self.indices, self.dictionaries = [], []
        return codes, distinct.to_numpy(zero_copy_only=False)


PREFETCH_SUFFIXES = (".csv", ".tsv", ".txt")
_DELIMITERS = (",", "\t", ";", "|")


class CsvPrefetch:
    """A CSV file read and parsed on a second thread, started before pandas is imported, so that importing
    pandas and reading a large file run side by side.

    The thread guesses what read_text_table will decide from the first line alone: clean UTF-8 text whose
    header is its first line, with the delimiter that line has most of. read_text_table takes the result
    only when its own decisions (the same bytes, the same start, delimiter and column count) match the
    guess; otherwise the file is parsed as always and the guess is dropped. A file that is not worth a
    guess (compressed, quoted header, no delimiter) is only read.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: bytes | None = None
        self.read = threading.Event()
        self.guessed = threading.Event()
        self.guess: tuple[int, str, int, int, int] | None = None
        self.result: EncodedColumns | None = None
        self.dropped = False
        # The hand-over: the thread stores its result and the reader drops it under this lock, so a result
        # finished after the reader passed it by is never kept. The bytes and the guess need no lock: the
        # events above publish them before the reader looks.
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="custseg-prefetch", daemon=True)
        self.thread.start()

    @classmethod
    def wanted(cls, arg: str) -> bool:
        return arg != "-" and Path(arg).suffix.lower() in PREFETCH_SUFFIXES

    def _run(self) -> None:
        try:
            self.data = self.path.read_bytes()
        except OSError:  # the main thread reads the file again and says what is wrong
            self.data = None
        finally:
            self.read.set()
        data = self.data
        try:
            self.guess = _guess_layout(data) if data else None
        finally:
            self.guessed.set()
        if data is None or self.guess is None:
            return
        start, delim, width, _, _ = self.guess
        try:
            result = encode_csv_body(data, start, delim, width)
        except Exception:  # noqa: BLE001 - a failed guess only means the usual parse; that one reports errors
            result = None
        with self.lock:
            if not self.dropped:  # a wrong guess's codes are not kept once the reader has passed them by
                self.result = result
        # pyarrow's allocator keeps what this thread freed (the parsed blocks) for the thread; handed back
        # here, it does not sit on top of the run's peak memory.
        _release_arrow_memory()

    def file_bytes(self) -> bytes | None:
        """The file's bytes once read (None if they could not be; the caller reads again for the error)."""
        self.read.wait()
        return self.data

    def take(
        self, data: bytes, start: int, delim: str, width: int, chunk_rows: int, block_bytes: int
    ) -> tuple[bool, EncodedColumns | None]:
        """(whether the guess was right, its result: None where pyarrow refused the body). A wrong guess is
        known without waiting for its parse. The prefetch lets go of the bytes and the codes either way."""
        self.guessed.wait()
        hit = data is self.data and self.guess == (start, delim, width, chunk_rows, block_bytes)
        if hit:
            self.thread.join()
        with self.lock:
            self.dropped = True
            result = self.result if hit else None
            self.data = self.result = None
        return hit, result


def _release_arrow_memory() -> None:
    import sys

    arrow = sys.modules.get("pyarrow")
    if arrow is not None:
        arrow.default_memory_pool().release_unused()


def _guess_layout(data: bytes) -> tuple[int, str, int, int, int] | None:
    """(body start, delimiter, columns, chunk rows, block bytes) if the first line looks like a plain header:
    UTF-8, no quotes, ended by LF or CRLF, with a delimiter in it."""
    if data[:2] == b"\x1f\x8b":  # gzip: the main thread unpacks it
        return None
    end = data.find(b"\n", 0, 1 << 16)
    if end < 0:
        return None
    first = data[:end].removesuffix(b"\r")
    if b'"' in first or b"\r" in first:
        return None
    try:
        head = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    delim = max(_DELIMITERS, key=head.count)
    if not head.count(delim):
        return None
    return end + 1, delim, head.count(delim) + 1, CSV_CHUNK_ROWS, ARROW_BLOCK_BYTES
