"""A pandas DataFrame given to :func:`custseg.grade` read as a table, with no CSV text in between.

Each column is a header; the cells become the text the workbook reader would give for the same values
(:func:`custseg.input.tables.cell_to_text`, through the same code that renders a sheet's columns); rows
are numbered as a spreadsheet shows them, the header on row 1 and the first record on row 2.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from custseg.core.values import Factorized
from custseg.input.header_row import find_header, table_not_found
from custseg.input.sources import Source
from custseg.input.tables import (
    ReadReport,
    Table,
    TableKind,
    cell_to_text,
    column_codes,
    factorize_text,
    rendered_codes,
)


def read_frame(source: Source, overrides: dict[str, str], want: TableKind | None = None) -> ReadReport:
    """The DataFrame ``source.frame`` as one table: its column labels are the header row, its cells the
    records (missing values, None/NaN/NaT/pd.NA, are empty cells). The frame is not written to."""
    frame = source.frame
    assert frame is not None
    header = [_text(label) for label in frame.columns]
    idx, kind, mapping, headers = find_header([header], overrides, source.name, want)
    if kind is None or (want is not None and kind != want):
        raise table_not_found(source.name, want, headers, mapping)
    n = len(frame)
    columns = {h: _column(frame.iloc[:, j]) for j, h in enumerate(headers)}
    # Cells right of the header's last column (under blank labels) are flagged, as in a sheet.
    overflow = np.zeros(n, dtype=bool)
    for j in range(len(headers), frame.shape[1]):
        extra = _column(frame.iloc[:, j])
        overflow |= ~extra.blank[extra.codes]
    rows = np.arange(2, 2 + n, dtype=np.int64)
    table = Table(source.name, "", kind, columns, rows, mapping, 1, overflow=np.flatnonzero(overflow).tolist())
    return ReadReport(tables=[table])


def _column(values: pd.Series) -> Factorized:
    """One column as codes into its texts, by the code the readers use for the same kind of cells: text as
    it is (the text reader's), other values each distinct one rendered once (the workbook reader's)."""
    if isinstance(values.dtype, pd.StringDtype):  # no object copy of every cell, no rendering
        return Factorized.of(*factorize_text(values))
    if values.dtype == object:
        cells = values.to_numpy(dtype=object, copy=True)
        missing = values.isna().to_numpy(dtype=bool)
        if missing.any():
            cells[missing] = None  # None, NaN, NaT and pd.NA are empty cells, as in a sheet
        return column_codes(cells)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)  # hashed in the column's own dtype
    return rendered_codes(codes, [None if _missing(u) else u for u in uniques.tolist()])


def _text(value: object) -> str:
    return cell_to_text(None if _missing(value) else value)


def _missing(value: object) -> bool:
    """NaN, NaT, pd.NA and None (pd.isna of a scalar; a list-like cell is a value, not missing)."""
    missing = pd.isna(value)
    return isinstance(missing, bool | np.bool_) and bool(missing)
