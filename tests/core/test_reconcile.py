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


PAYMENTS = """customer_id,order_id,order_date,amount,status
A,P1,2026-03-01,100,Paid
A,P2,2026-03-02,50,Failed
A,P3,2026-03-03,20,requires_payment_method
A,P4,2026-03-04,30,On Hold
B,P5,2026-03-05,70,待付款
B,P6,2026-03-06,10,交易成功
"""


def test_payments_that_did_not_happen_are_not_revenue_and_every_status_is_accounted_for(tmp_path, runner):
    """A: Paid 100 and the unknown On Hold 30 count (130, 2 orders); Failed and requires_payment_method do
    not. B: 待付款 does not, 交易成功 10 does."""
    from conftest import TODAY, invoke

    from custseg.api import GradeOptions, grade

    path = tmp_path / "payments.csv"
    path.write_text(PAYMENTS, encoding="utf-8")
    result = grade(path, options=GradeOptions(today=TODAY, base_currency="USD"))
    got = result.customers.set_index("customer_id")
    assert got[["frequency", "monetary"]].to_dict("index") == {
        "A": {"frequency": 2, "monetary": 130.0},
        "B": {"frequency": 1, "monetary": 10.0},
    }
    assert (result.reconciliation["used"], result.reconciliation["cancelled"]) == (3, 3)
    assert result.statuses.values.tolist() == [
        ["Failed", 1, "cancelled", True],
        ["On Hold", 1, "order", False],
        ["Paid", 1, "order", True],
        ["requires_payment_method", 1, "cancelled", True],
        ["交易成功", 1, "order", True],
        ["待付款", 1, "cancelled", True],
    ]
    unknown = [n for n in result.notes if n.code == "unknown_status"]
    assert [n.text("en") for n in unknown] == [
        "the status 'On Hold' (1 lines) is not one custseg knows: counted as orders; say otherwise with "
        '--status "On Hold=cancelled" (or =returned)'
    ]
    cli = invoke(runner, ["grade", str(path), "-o", str(tmp_path / "g.csv"), "--status", "On Hold=cancelled"])
    assert cli.exit_code == 0 and "On Hold" not in cli.stdout
    assert pd.read_csv(tmp_path / "g.csv").set_index("customer_id").loc["A", "monetary"] == 100.0
