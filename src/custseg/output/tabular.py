"""Machine-readable outputs: CSV, JSON and JSON lines, with stable English keys in every language."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from custseg.atomic import write_text_atomic
from custseg.schema import DATE_COLUMNS, LIST_COLUMNS, MONEY_COLUMNS, PROBLEM_COLUMNS

# OWASP: a cell starting with one of these can be read as a formula by a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _plain(value: Any) -> Any:
    """A cell as plain JSON-able data: None for missing, ints for whole numbers, ISO dates."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def machine_frame(customers: pd.DataFrame) -> pd.DataFrame:
    """Money rounded to 2 decimals, dates as ISO text; the same values for CSV and JSON."""
    out = customers.copy()
    for c in MONEY_COLUMNS:
        if c in out:
            out[c] = out[c].astype(float).round(2)
    for c in DATE_COLUMNS:
        if c in out:
            out[c] = pd.to_datetime(out[c], errors="coerce").dt.strftime("%Y-%m-%d").astype(object)
            out[c] = out[c].where(out[c].notna(), None)
    return out


def escape_formula(text: str) -> str:
    """``text`` with a leading apostrophe where a spreadsheet could read it as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _boolean_columns(frame: pd.DataFrame) -> set[str]:
    """Object columns holding booleans with gaps (e.g. is_domestic), decided once for the whole table."""
    return {
        c
        for c in frame.columns
        if frame[c].dtype == object and pd.api.types.infer_dtype(frame[c], skipna=True) == "boolean"
    }


def _text_columns(frame: pd.DataFrame, csv_safe: bool, booleans: set[str]) -> list[Any]:
    """Every column of a machine frame rendered as the text CSV shows, vectorised: "" for missing,
    true/false, repr floats. Object arrays of str, not a frame: pandas 3 would store them as Arrow
    strings, and its to_csv turns those back into Python strings, at a cost (benchmarks/README.md)."""
    out: dict[str, Any] = {}
    for c in frame.columns:
        col = frame[c]
        if pd.api.types.is_bool_dtype(col.dtype):
            out[c] = np.where(col.to_numpy(dtype=bool), "true", "false")
        elif pd.api.types.is_float_dtype(col.dtype):
            values = col.to_numpy(dtype=float, na_value=np.nan)
            out[c] = [repr(v) if v == v else "" for v in values.tolist()]
        elif pd.api.types.is_integer_dtype(col.dtype):
            out[c] = col.astype("string").fillna("").to_numpy(dtype=object)
        else:
            values = col.astype(object)
            missing = values.isna()
            if c in booleans:
                text = values.map({True: "true", False: "false"})
            else:
                text = values.astype(str)
                if csv_safe:
                    text = text.where(~text.str.startswith(FORMULA_TRIGGERS), "'" + text)
            out[c] = text.where(~missing, "").to_numpy(dtype=object)
    return [np.asarray(out[c], dtype=object) for c in frame.columns]


# Customers rendered to text at a time: the text of every cell of a large table at once would be the
# largest object of the run (800k customers x 45 columns).
CSV_ROWS_PER_CHUNK = 100_000


def write_csv(customers: pd.DataFrame, fh: IO[str], csv_safe: bool = False) -> None:
    """The customers as CSV: the csv module's minimal quoting and \\n line ends, which is what pandas' to_csv
    writes through the same module (a test compares the two)."""
    frame = machine_frame(customers)
    booleans = _boolean_columns(frame)
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(frame.columns)
    for start in range(0, len(frame), CSV_ROWS_PER_CHUNK):
        part = frame.iloc[start : start + CSV_ROWS_PER_CHUNK]
        writer.writerows(zip(*_text_columns(part, csv_safe, booleans), strict=True))


def records(customers: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """Each customer as a JSON-able dict keyed by column: money rounded, ISO dates, None for missing, list
    columns as lists."""
    frame = machine_frame(customers)
    cols = list(frame.columns)
    columns = [frame[c].to_numpy(dtype=object).tolist() for c in cols]
    lists = [c in LIST_COLUMNS for c in cols]
    for i in range(len(frame)):
        rec = {}
        for c, values, is_list in zip(cols, columns, lists, strict=True):
            v = _plain(values[i])
            if is_list:
                v = [x for x in str(v or "").split(";") if x]
            rec[c] = v
        yield rec


def write_json(customers: pd.DataFrame, fh: IO[str], lines: bool = False) -> None:
    """The customers' :func:`records` as one JSON array, a record a line, or as JSON lines."""
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    if lines:
        for rec in records(customers):
            fh.write(dumps(rec) + "\n")
        return
    fh.write("[")
    for i, rec in enumerate(records(customers)):
        fh.write(("\n" if i == 0 else ",\n") + dumps(rec))
    fh.write("\n]\n")


def write_table(customers: pd.DataFrame, fmt: str, fh: IO[str], csv_safe: bool = False) -> None:
    """The customers in ``fmt`` ("csv", "json" or "jsonl"); ``csv_safe`` escapes formula-like CSV text."""
    if fmt == "csv":
        write_csv(customers, fh, csv_safe)
    elif fmt in ("json", "jsonl"):
        write_json(customers, fh, lines=fmt == "jsonl")
    else:  # pragma: no cover - the CLI checks formats
        raise ValueError(fmt)


def write_problems_csv(problems: pd.DataFrame, target: Path, csv_safe: bool = False, bom: bool = False) -> None:
    """The problem rows (columns PROBLEM_COLUMNS) as CSV, written atomically to ``target`` in UTF-8, with a
    byte order mark first when ``bom`` (for Excel)."""

    def fill(fh: IO[str]) -> None:
        if bom:
            fh.write("\ufeff")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(PROBLEM_COLUMNS)
        for row in problems[PROBLEM_COLUMNS].itertuples(index=False, name=None):
            # An empty line (a workbook's row) is an empty field, not pandas' <NA>.
            w.writerow(["" if v is pd.NA else escape_formula(v) if csv_safe and isinstance(v, str) else v for v in row])

    write_text_atomic(target, fill)
