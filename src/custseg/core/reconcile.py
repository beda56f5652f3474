"""The run's accounts: every line read in exactly one disposition, the warning counts, and the revenue by
currency."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from custseg.core.money import CurrencyCodes
from custseg.core.notes import Note
from custseg.core.problems import all_problems
from custseg.errors import InputError
from custseg.schema import COUNTED_DISPOSITIONS, DISPOSITIONS, REASONS, STATUS_KINDS, WARNING_CODES

# How the error for a run with nothing usable names each disposition that set lines aside.
_SET_ASIDE = {
    "cancelled": "cancelled",
    "after_as_of": "after the as-of date",
    "blank": "blank",
    "total": "total rows",
    "problem": "problem rows",
}


def reconciliation(lines: pd.DataFrame) -> dict[str, int]:
    """rows_read and the number of lines of each disposition (the lines' ``disposition``), which add up to
    rows_read."""
    counts = {"rows_read": int(len(lines))}
    for d in DISPOSITIONS:
        counts[d] = int((lines["disposition"] == d).sum()) if len(lines) else 0
    assert counts["rows_read"] == sum(counts[d] for d in DISPOSITIONS)
    return counts


def require_usable_lines(lines: pd.DataFrame, problems: Sequence[pd.DataFrame], names: Sequence[str]) -> None:
    """An InputError when no line is counted (no disposition ``used`` or ``outside_window``): a grading of
    nobody is not a result. The message says where every line went and, for the problem rows, each
    reason's count and its first cell, so that the fix can start from it."""
    if lines["disposition"].isin(COUNTED_DISPOSITIONS).any():
        return
    counts = reconciliation(lines)  # only for the message: counting every disposition is a pass per one
    went = ", ".join(f"{counts[d]:,} {label}" for d, label in _SET_ASIDE.items() if counts[d])
    message = f"{', '.join(names)}: none of the {counts['rows_read']:,} rows read could be used ({went})"
    found = all_problems(problems)
    found = found[~found["reason_code"].isin(WARNING_CODES)]
    if len(found):
        reasons = []
        for code, rows in found.groupby("reason_code", sort=False):
            first = rows.iloc[0]
            sheet = f" [{first['sheet']}]" if first["sheet"] else ""
            reasons.append(
                f"{REASONS[str(code)][0]}: {len(rows):,} (first {first['file']}{sheet} row {first['row']}, "
                f"column {first['column']}: {first['value']!r})"
            )
        message += "; " + "; ".join(reasons)
        raise InputError(
            message,
            hint="fix those cells, or name the right columns in column_map (inspect_source shows how each is read)",
            code="nothing_usable",
        )
    raise InputError(
        message, hint="check the as-of date and what the status column says", code="nothing_usable_set_aside"
    )


STATUS_COLUMNS = ["status", "rows", "kind", "known"]


def status_table(lines: pd.DataFrame) -> tuple[pd.DataFrame, list[Note]]:
    """Every status text the lines carry (their ``status``, ``status_kind`` and ``status_known``; blank and
    total rows aside), with its
    number of rows, the kind it was treated as (order, cancelled, returned, refund) and whether custseg
    knows it, most rows first; and an unknown_status note for each unknown one, which was counted as an
    order. Empty (no note) when the lines have no status column."""
    if "status" not in lines:
        return pd.DataFrame(columns=STATUS_COLUMNS), []
    rows = ~lines["disposition"].isin(["blank", "total"]).to_numpy()  # not orders: their status is no status
    # Counted as one integer per line, (status, kind, known), by bincount: no frame of a million texts.
    status = pd.Categorical(lines["status"])
    kinds = pd.Categorical(lines["status_kind"], categories=STATUS_KINDS)
    n_kinds = len(STATUS_KINDS)
    names = np.asarray(status.categories, dtype=object)
    codes = status.codes.astype(np.int64)
    if len(codes) and codes.min() < 0:  # lines of a table without a status column: no status
        names = np.append(names, "")
        codes = np.where(codes < 0, len(names) - 1, codes)
    known = lines["status_known"].astype("boolean").fillna(True).to_numpy(dtype=np.int64)
    key = (codes * n_kinds + np.maximum(kinds.codes, 0)) * 2 + known
    counts = np.bincount(key[rows], minlength=1)
    present = np.flatnonzero(counts)
    table = pd.DataFrame(
        {
            "status": [str(names[k // 2 // n_kinds]) for k in present],
            "rows": counts[present].astype("int64"),
            "kind": [STATUS_KINDS[k // 2 % n_kinds] for k in present],
            "known": (present % 2).astype(bool),
        }
    )
    table = table.sort_values(["rows", "status"], ascending=[False, True], kind="stable").reset_index(drop=True)
    notes = [
        Note("unknown_status", {"status": s, "rows": int(n)})
        for s, n, known in zip(table["status"], table["rows"], table["known"], strict=True)
        if not known
    ]
    return table, notes


def warning_counts(problems: pd.DataFrame, duplicate_lines: int, returned_lines: int) -> dict[str, int]:
    """duplicate_lines, returned_lines, and the number of problem rows (reason_code) of each warning code
    that has any, in the order of the codes' names."""
    warnings = {"duplicate_lines": duplicate_lines, "returned_lines": returned_lines}
    for code in sorted(WARNING_CODES):
        n = int((problems["reason_code"] == code).sum())
        if n:
            warnings[code] = n
    return warnings


def revenue_by_currency(lines: pd.DataFrame, currencies: CurrencyCodes) -> pd.DataFrame:
    """currency, amount (in the currency) and amount_base of the counted lines (disposition, amount,
    amount_base; ``currencies``: their currency codes), largest amount_base first."""
    if lines.empty:
        return pd.DataFrame(columns=["currency", "amount", "amount_base"])
    used = lines["disposition"].isin(COUNTED_DISPOSITIONS).to_numpy()
    # Grouped by the currencies' codes, then put in the order of their names as a groupby by name gives.
    sums = (
        pd.DataFrame({"amount": lines["amount"].to_numpy()[used], "amount_base": lines["amount_base"].to_numpy()[used]})
        .groupby(currencies.codes[used])
        .sum()
    )
    sums.insert(0, "currency", currencies.names[sums.index.to_numpy()])
    by_name = sums.sort_values("currency").reset_index(drop=True)
    return by_name.sort_values("amount_base", ascending=False).reset_index(drop=True)
