"""The run's accounts: every line read in exactly one disposition, the warning counts, and the revenue by
currency."""

from __future__ import annotations

import pandas as pd

from custseg.core.money import CurrencyCodes
from custseg.schema import COUNTED_DISPOSITIONS, DISPOSITIONS, WARNING_CODES


def reconciliation(lines: pd.DataFrame) -> dict[str, int]:
    """rows_read and the number of lines of each disposition (the lines' ``disposition``), which add up to
    rows_read."""
    counts = {"rows_read": int(len(lines))}
    for d in DISPOSITIONS:
        counts[d] = int((lines["disposition"] == d).sum()) if len(lines) else 0
    assert counts["rows_read"] == sum(counts[d] for d in DISPOSITIONS)
    return counts


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
