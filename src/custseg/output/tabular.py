"""Machine-readable outputs (CSV, JSON, JSON lines) and the atomic file writes every output goes through."""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from custseg.errors import OutputError
from custseg.schema import DATE_COLUMNS, LIST_COLUMNS, MONEY_COLUMNS

# OWASP: a cell starting with one of these can be read as a formula by a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def check_not_an_input(output: Path, inputs: Sequence[str | Path]) -> None:
    for name in inputs:
        if str(name) == "-":
            continue
        p = Path(name)
        try:
            same = p.exists() and output.exists() and os.path.samefile(p, output)
        except OSError:
            same = False
        if same or output.resolve() == p.resolve():
            raise OutputError(
                f"{output}: the output would overwrite the input {name}", hint="choose another name with -o"
            )


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it into place only when the block succeeds.

    A crash, Ctrl-C or a full disk leaves the previous ``target`` as it was.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.exists():
        raise OutputError(f"{target}: the folder {folder} does not exist", hint="create it first or choose another -o")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except PermissionError:
        raise OutputError(
            f"{target}: cannot write in {folder} (permission denied)", hint="choose a folder you can write to with -o"
        ) from None
    except OSError as exc:
        raise OutputError(f"{target}: cannot write in {folder} ({exc.strerror})") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp makes the file readable by its owner only; the output gets the mode a plain open() would
        # give it, or the mode of the file it replaces, so a shared folder or a cron job's readers keep access.
        os.chmod(tmp_path, _output_mode(target))
        try:
            os.replace(tmp_path, target)
        except PermissionError:
            raise OutputError(
                f"{target}: cannot replace the file (permission denied or it is open in another program)",
                hint="close it in Excel or WPS, or write to another name with -o",
            ) from None
    except OSError as exc:
        if isinstance(exc, OutputError):
            raise
        raise OutputError(
            f"{target}: cannot be written ({exc.strerror or exc})", hint="check the free disk space and permissions"
        ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()


def _output_mode(target: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)  # the only portable way to read it is to set it
        os.umask(umask)
        return 0o666 & ~umask


def write_text_atomic(target: Path, fill: Callable[[IO[str]], None]) -> None:
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fill(fh)
            fh.flush()
            os.fsync(fh.fileno())


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
    strings, and its to_csv turns those back into Python strings (1.5 s of the 1M-line run)."""
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
    if fmt == "csv":
        write_csv(customers, fh, csv_safe)
    elif fmt in ("json", "jsonl"):
        write_json(customers, fh, lines=fmt == "jsonl")
    else:  # pragma: no cover - the CLI checks formats
        raise ValueError(fmt)


def write_problems_csv(problems: pd.DataFrame, target: Path, csv_safe: bool = False) -> None:
    def fill(fh: IO[str]) -> None:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["file", "sheet", "row", "column", "value", "reason_code", "reason"])
        for row in problems[["file", "sheet", "row", "column", "value", "reason_code", "reason"]].itertuples(
            index=False, name=None
        ):
            w.writerow([escape_formula(str(v)) if csv_safe and isinstance(v, str) else v for v in row])

    write_text_atomic(target, fill)


def read_previous(path: str | Path, rules: Any) -> pd.DataFrame:
    """customer_id, tier, segment (keys), customer_name, monetary from custseg's own CSV/JSON or workbook."""
    from custseg.errors import InputError
    from custseg.output.labels import SHEETS, reverse_labels

    p = Path(path)
    if not p.exists():
        raise InputError(
            f"{p}: previous grading not found", hint="give last run's workbook or CSV", code="previous_missing"
        )
    header_keys, value_keys = reverse_labels(rules)
    suffix = p.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            from python_calamine import CalamineWorkbook

            wb = CalamineWorkbook.from_path(str(p))
            names = [n for n in wb.sheet_names if n in (SHEETS["customers"])]
            if not names:
                raise InputError(
                    f"{p}: no {SHEETS['customers'][0]} / {SHEETS['customers'][1]} sheet; is this a custseg workbook?"
                )
            rows = wb.get_sheet_by_name(names[0]).to_python()
            frame = pd.DataFrame(rows[1:], columns=[str(h) for h in rows[0]])
        elif suffix in (".json", ".jsonl"):
            text = p.read_text(encoding="utf-8")
            data = [json.loads(x) for x in text.splitlines() if x.strip()] if suffix == ".jsonl" else json.loads(text)
            frame = pd.DataFrame(data)
        else:
            frame = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{p}: cannot read the previous grading ({exc})") from None
    rename = {}
    for c in frame.columns:
        key = header_keys.get(str(c)) or header_keys.get(str(c).split(" (")[0])
        if key:
            rename[c] = key
    frame = frame.rename(columns=rename)
    if not {"customer_id", "tier"} <= set(frame.columns):
        raise InputError(f"{p}: no customer id and tier columns; is this a custseg output?")
    from custseg.input.read import cell_to_text

    out = pd.DataFrame({"customer_id": frame["customer_id"].map(cell_to_text)})
    for col in ("tier", "segment"):
        if col in frame:
            vals = frame[col].map(cell_to_text)
            out[col] = vals.map(lambda v, c=col: value_keys.get(c, {}).get(v, v))
    if "customer_name" in frame:
        out["customer_name"] = frame["customer_name"].map(cell_to_text)
    if "monetary" in frame:
        out["monetary"] = pd.to_numeric(frame["monetary"], errors="coerce").fillna(0.0)
    return out
