"""The readers' common form: a table of text cells held as codes, and how cell values become that text.

Every cell is kept as the text the user typed (numbers and dates from spreadsheets are rendered
canonically by :func:`cell_to_text`), so that a problem row can show the raw value and one set of
vectorised parsers serves every source.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from custseg.core.values import Factorized
from custseg.input.headers import ColumnMapping

TableKind = Literal["orders", "master", "returns"]


@dataclass
class Table:
    """One sheet or text file below its header row: every cell as text, held column by column as codes
    into the column's distinct texts (exports repeat their values, so this is a fraction of the memory of
    one string per cell, and the parsers work on the distinct values only)."""

    file: str
    sheet: str  # "" for text files
    kind: TableKind
    columns: dict[str, Factorized]  # headers as found (made unique), in order
    # The row number a spreadsheet shows for each record (a text file opened in one counts records, not lines).
    rows: np.ndarray
    mapping: ColumnMapping
    header_row: int
    encoding: str = ""
    delimiter: str = ""
    # Rows that had values right of the header's last column: shown as problem rows, not used.
    overflow: list[int] = field(default_factory=list)
    # Text files only: the line a text editor shows where each record starts, which runs ahead of the row
    # once a quoted field holds a line break (the same array as ``rows`` when none does).
    lines: np.ndarray | None = None
    # Workbooks only: formula cells saved without a value, read as their text: (row, header, "=…" text).
    formulas: list[tuple[int, str, str]] = field(default_factory=list)

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


def factorize_text(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct texts of a column of str, where missing fields (None/NaN/pd.NA) read as ""."""
    # The NA sentinel spares pandas a separate pass over the column looking for missing values.
    codes, uniques = pd.factorize(values)
    if len(codes) and codes.min() < 0:
        uniques = np.append(uniques.astype(object), "")
        codes = np.where(codes < 0, len(uniques) - 1, codes)
        again, uniques = pd.factorize(uniques)  # "" may have been there already
        codes = again[codes]
    return codes, uniques


def column_codes(values: np.ndarray) -> Factorized:
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
    return rendered_codes(codes, uniques.tolist())


def rendered_codes(codes: np.ndarray, values: list[object]) -> Factorized:
    """Codes into distinct cell values as codes into their texts (:func:`cell_to_text`). Two values may
    render alike (1 and 1.0), so the texts are factorized again to keep the codes exact."""
    rendered = np.array([cell_to_text(v) for v in values], dtype=object)
    text_codes, text_uniques = pd.factorize(rendered, use_na_sentinel=False)
    return Factorized.of(text_codes[codes], text_uniques)


def cells_to_columns(rows: list[list[object]], headers: list[str]) -> tuple[dict[str, Factorized], list[int]]:
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
            columns[h] = column_codes(cells[:, i])
        else:
            columns[h] = Factorized.of(np.zeros(len(rows), np.int64), [""])
    overflow = np.zeros(len(rows), dtype=bool)
    for j in range(width, longest):
        overflow |= np.array([v not in (None, "") and str(v).strip() != "" for v in cells[:, j]], dtype=bool)
    return columns, np.flatnonzero(overflow).tolist()
