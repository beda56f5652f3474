"""Previous gradings: custseg's own CSV, JSON or workbook of an earlier run, read back for comparison."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd

from custseg.input.sources import DEFAULT_MAX_UNZIPPED_MB


def read_previous(path: str | Path, rules: Any, max_unzipped_mb: int = DEFAULT_MAX_UNZIPPED_MB) -> pd.DataFrame:
    """customer_id, tier, segment (keys), customer_name, monetary from custseg's own CSV/JSON or workbook;
    a file (or workbook unpacked) over ``max_unzipped_mb`` MB is refused, as an order file would be."""
    from custseg.errors import InputError
    from custseg.input.bounds import read_capped
    from custseg.input.workbook import check_workbook_bytes
    from custseg.output.labels import SHEETS, reverse_labels

    p = Path(path)
    if not p.exists():
        raise InputError(
            f"{p}: previous grading not found", hint="give last run's workbook or CSV", code="previous_missing"
        )
    header_keys, value_keys = reverse_labels(rules)
    suffix = p.suffix.lower()
    try:
        data = read_capped(p, max_unzipped_mb * 2**20)
    except OSError as exc:
        raise InputError(f"{p}: cannot read the previous grading ({exc.strerror})") from None
    if data is None:
        raise InputError(
            f"{p}: the previous grading is larger than {max_unzipped_mb:,} MB",
            hint="raise max_unzipped_mb if the file is genuine",
            code="previous_too_large",
        )
    try:
        if suffix in (".xlsx", ".xlsm"):
            from python_calamine import CalamineWorkbook

            check_workbook_bytes(str(p), data, suffix, max_unzipped_mb)
            wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
            names = [n for n in wb.sheet_names if n in (SHEETS["customers"])]
            if not names:
                raise InputError(
                    f"{p}: no {SHEETS['customers'][0]} / {SHEETS['customers'][1]} sheet; is this a custseg workbook?"
                )
            rows = wb.get_sheet_by_name(names[0]).to_python()
            frame = pd.DataFrame(rows[1:], columns=[str(h) for h in rows[0]])
        elif suffix in (".json", ".jsonl"):
            text = data.decode("utf-8")
            lines = [json.loads(x) for x in text.splitlines() if x.strip()] if suffix == ".jsonl" else None
            records = lines if lines is not None else json.loads(text)
            frame = pd.DataFrame(records)
        else:
            frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
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
    from custseg.input.tables import cell_to_text

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
