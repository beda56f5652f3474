"""A pandas DataFrame given to :func:`custseg.grade` read as a table, with no CSV text in between.

Each column is a header; the cells become the text the workbook reader would give for the same values
(:func:`custseg.input.tables.cell_to_text`); rows are numbered as a spreadsheet shows them, the header on
row 1 and the first record on row 2.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from custseg.input.header_row import find_header, table_not_found
from custseg.input.sources import Source
from custseg.input.tables import ReadReport, Table, TableKind, array_to_columns, cell_to_text


def read_frame(source: Source, overrides: dict[str, str], want: TableKind | None = None) -> ReadReport:
    """The DataFrame ``source.frame`` as one table: its column labels are the header row, its cells the
    records (missing values, None/NaN/NaT/pd.NA, are empty cells)."""
    frame = source.frame
    assert frame is not None
    header = [cell_to_text(None if _missing(c) else c) for c in frame.columns]
    idx, kind, mapping, headers = find_header([header], overrides, source.name, want)
    if kind is None or (want is not None and kind != want):
        raise table_not_found(source.name, want, headers, mapping)
    cells = frame.to_numpy(dtype=object, copy=True)  # the caller's frame is never written to
    cells[pd.isna(cells)] = None
    columns, overflow = array_to_columns(cells, headers)
    rows = np.arange(2, 2 + len(frame), dtype=np.int64)
    return ReadReport(tables=[Table(source.name, "", kind, columns, rows, mapping, 1, overflow=overflow)])


def _missing(value: object) -> bool:
    missing = pd.isna(value)
    return isinstance(missing, bool | np.bool_) and bool(missing)
