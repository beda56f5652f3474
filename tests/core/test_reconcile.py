"""The run's accounts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

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


def test_a_run_with_no_usable_line_is_an_error_that_says_where_every_line_went(tmp_path, runner):
    from conftest import invoke

    from custseg.api import GradeOptions, grade
    from custseg.errors import InputError

    path = tmp_path / "orders.csv"
    path.write_text(
        "customer_id,order_date,amount,status\nA,bad,1,\nB,,2,\nC,2026-01-02,3,cancelled\nD,2026-01-03,x,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        grade(path, options=GradeOptions(today=dt.date(2026, 11, 23)))
    assert err.value.code == "nothing_usable"
    assert err.value.message == (
        f"{path}: none of the 4 rows read could be used (1 cancelled, 3 problem rows); "
        f"not a date custseg can read: 1 (first {path} row 2, column order_date: 'bad'); "
        f"no order date: 1 (first {path} row 3, column order_date: ''); "
        f"not an amount custseg can read: 1 (first {path} row 5, column amount: 'x')"
    )
    result = invoke(runner, ["grade", str(path), "-o", "-"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith("  hint: fix those cells, or name the right columns with --map")


def test_lines_after_the_as_of_date_alone_are_nothing_to_grade(tmp_path):
    from custseg.api import GradeOptions, grade
    from custseg.errors import InputError

    path = tmp_path / "orders.csv"
    path.write_text("customer_id,order_date,amount\nA,2026-03-01,5\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        grade(path, as_of="2026-02-01", options=GradeOptions(today=dt.date(2026, 11, 23)))
    assert err.value.message == f"{path}: none of the 1 rows read could be used (1 after the as-of date)"
    assert err.value.code == "nothing_usable_set_aside"
