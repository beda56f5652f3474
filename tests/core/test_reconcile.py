"""The run's accounts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from custseg.core.money import CurrencyCodes
from custseg.core.problems import problems
from custseg.core.reconcile import reconciliation, revenue_by_currency, warning_counts
from custseg.schema import DISPOSITIONS


def _lines() -> pd.DataFrame:
    dispositions = ["used", "used", "outside_window", "cancelled", "problem", "blank"]
    return pd.DataFrame(
        {
            "disposition": pd.Categorical.from_codes(
                np.array([DISPOSITIONS.index(d) for d in dispositions], dtype=np.int8), categories=DISPOSITIONS
            ),
            "currency": ["USD", "EUR", "EUR", "EUR", "GBP", ""],
            "amount": [100.0, 50.0, 10.0, 999.0, 5.0, np.nan],
            "amount_base": [100.0, 55.0, 11.0, np.nan, np.nan, np.nan],
        }
    )


def test_every_line_read_is_counted_once():
    assert reconciliation(_lines()) == {
        "rows_read": 6,
        "used": 2,
        "outside_window": 1,
        "cancelled": 1,
        "after_as_of": 0,
        "blank": 1,
        "total": 0,
        "problem": 1,
    }


def test_warnings_count_duplicates_returns_and_each_warning_code_found():
    found = pd.concat(
        [
            problems("o.csv", "", [2, 3], "country", ["X", "Y"], "unknown_country"),
            problems("o.csv", "", [4], "amount", ["?"], "bad_amount"),
            problems("customer master", "", [0], "customer_id", ["C9"], "not_in_master"),
        ]
    )
    assert warning_counts(found, 3, 1) == {
        "duplicate_lines": 3,
        "returned_lines": 1,
        "not_in_master": 1,
        "unknown_country": 2,
    }


def test_revenue_by_currency_of_the_counted_lines_largest_first():
    lines = _lines()
    got = revenue_by_currency(lines, CurrencyCodes.of(lines["currency"]))
    assert got.to_dict("records") == [
        {"currency": "USD", "amount": 100.0, "amount_base": 100.0},
        {"currency": "EUR", "amount": 60.0, "amount_base": 66.0},
    ]
