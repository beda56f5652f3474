"""Problem rows and dispositions: the one place each is made or changed.

A problem row says where a cell is (file, sheet, row as a spreadsheet shows it, the line a text editor
shows for a text file, column), what it holds (value) and what is wrong (reason_code and its reason).
Every stage makes its rows with :func:`problems` (or one of the two helpers on top of it), and every
change of a line's ``disposition`` after the lines are made goes through :func:`set_aside`. The stages
know a row by file, sheet and row only; :func:`with_lines` adds the text line from the tables read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
import pandas as pd

from custseg.input.tables import Table
from custseg.schema import PROBLEM_COLUMNS, REASONS

Texts: TypeAlias = str | Sequence[str] | np.ndarray | pd.Series


def _each(value: Texts, n: int) -> list[object]:
    """``value`` for each of ``n`` rows: one text repeated, or one text a row as given."""
    return [value] * n if isinstance(value, str) else list(value)


def problems(
    file: Texts,
    sheet: Texts,
    rows: np.ndarray | pd.Series | Sequence[int],
    column: str,
    values: Sequence[object] | np.ndarray | pd.Series,
    code: str,
    reason: Texts | None = None,
) -> pd.DataFrame:
    """One problem row per entry of ``rows``: the PROBLEM_COLUMNS frame (file, sheet, row, line, column,
    value, reason_code, reason), the line left empty for :func:`with_lines`. ``file``, ``sheet`` and
    ``reason`` are one text for every row or one a row; ``reason`` defaults to the reason code's wording
    in :data:`custseg.schema.REASONS`."""
    n = len(rows)
    return pd.DataFrame(
        {
            "file": _each(file, n),
            "sheet": _each(sheet, n),
            "row": np.asarray(rows, dtype=np.int64),
            "line": pd.array([pd.NA] * n, dtype="Int64"),
            "column": [column] * n,
            "value": [str(v) for v in values],
            "reason_code": [code] * n,
            "reason": _each(REASONS[code][0] if reason is None else reason, n),
        }
    )


def line_problems(
    lines: pd.DataFrame,
    column: str,
    code: str,
    values: Sequence[object] | pd.Series | None = None,
    reason: Texts | None = None,
) -> pd.DataFrame:
    """One problem row per order line of ``lines`` (file, sheet, row, and ``column``): the value is the
    line's ``column`` (a date as YYYY-MM-DD) unless ``values`` are given; the reason as in :func:`problems`."""
    if values is None:
        cells = lines[column]
        values = cells.dt.strftime("%Y-%m-%d") if column == "order_date" else cells.astype(str)
    return problems(
        lines["file"].to_numpy(), lines["sheet"].to_numpy(), lines["row"].to_numpy(), column, values, code, reason
    )


def customer_problems(customers: pd.Series, lines: pd.DataFrame, column: str, code: str) -> pd.DataFrame:
    """One problem row per customer of ``customers`` (values by customer id), pointing at the first order
    line of that customer in ``lines`` (customer_id, file, sheet, row), or at the customer master when
    the customer has no line; the reason names the customer."""
    first = lines[lines["customer_id"].isin(customers.index)].drop_duplicates("customer_id").set_index("customer_id")
    at = first.reindex(customers.index)
    has_line = customers.index.isin(first.index)
    return problems(
        np.where(has_line, at["file"].to_numpy(dtype=object), "customer master"),
        np.where(has_line, at["sheet"].to_numpy(dtype=object), ""),
        np.where(has_line, at["row"].fillna(0).to_numpy(), 0),
        column,
        customers.to_numpy(),
        code,
        [f"{REASONS[code][0]} (customer {cid})" for cid in customers.index],
    )


def formula_problems(cells: Sequence[tuple[str, str, int, str, str]]) -> pd.DataFrame:
    """A ``formula_without_value`` warning per formula cell read as its text (file, sheet, row, column
    header, the formula's text), one :func:`problems` call per column."""
    by_column: dict[str, list[tuple[str, str, int, str]]] = {}
    for file, sheet, row, column, text in cells:
        by_column.setdefault(column, []).append((file, sheet, row, text))
    parts = [
        problems(
            [c[0] for c in found],
            [c[1] for c in found],
            [c[2] for c in found],
            column,
            [c[3] for c in found],
            "formula_without_value",
        )
        for column, found in by_column.items()
    ]
    return pd.concat(parts, ignore_index=True) if parts else empty_problems()


def empty_problems() -> pd.DataFrame:
    """A problems frame with no row: the PROBLEM_COLUMNS, row as int64, line as Int64 (it may be empty)
    and the others as objects."""
    dtypes = {"row": "int64", "line": "Int64"}
    return pd.DataFrame({c: pd.Series([], dtype=dtypes.get(c, object)) for c in PROBLEM_COLUMNS})


def all_problems(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Every stage's problem rows in one frame, sorted by file, sheet, row and column (stable: the rows of
    one cell keep the order the stages found them in)."""
    parts = [p for p in parts if len(p)]
    frame = pd.concat(parts, ignore_index=True) if parts else empty_problems()
    return frame.sort_values(["file", "sheet", "row", "column"], kind="stable").reset_index(drop=True)


def with_lines(found: pd.DataFrame, tables: Sequence[Table]) -> pd.DataFrame:
    """``found`` (PROBLEM_COLUMNS) with ``line`` filled in for the rows of text files: the line a text
    editor shows where the row's record starts (:attr:`Table.lines`). It stays empty for rows of workbooks
    and DataFrames, and for rows that point at no table read (a customer only the master names)."""
    text = [t for t in tables if t.lines is not None and len(t.rows)]
    if not text or found.empty:
        return found
    empty = found["line"].isna().to_numpy(dtype=bool, copy=True)
    line = found["line"].fillna(0).to_numpy(dtype=np.int64, copy=True)
    file, sheet = found["file"].to_numpy(dtype=object), found["sheet"].to_numpy(dtype=object)
    row = found["row"].to_numpy(dtype=np.int64)
    for t in text:
        assert t.lines is not None
        here = np.flatnonzero((file == t.file) & (sheet == t.sheet))
        # A table's rows ascend, so a problem's row finds its record by bisection.
        at = np.searchsorted(t.rows, row[here]).clip(0, len(t.rows) - 1)
        known = t.rows[at] == row[here]
        line[here[known]] = t.lines[at[known]]
        empty[here[known]] = False
    out = found.copy()
    out["line"] = pd.arrays.IntegerArray(line, empty)
    return out


def set_aside(lines: pd.DataFrame, mask: pd.Series | np.ndarray, disposition: str) -> None:
    """Give the lines where ``mask`` holds the ``disposition`` (one of :data:`custseg.schema.DISPOSITIONS`),
    in place: the lines are the run's largest frame, and a copy per stage would double its peak."""
    lines.loc[mask, "disposition"] = disposition
