"""An order dated after today is a typo, not a sale: a problem row (future_date) that counts in none of its
customer's figures and does not move the as-of date, even when the as-of date given is later still."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TODAY

from custseg.api import GradeOptions, grade

# TODAY is 2026-11-23: row 4 (2027) and row 6 (the day after today) are in the future; row 7 is today.
ORDERS = """customer_id,order_id,order_date,amount
A,O1,2026-01-10,100
A,O2,2026-03-10,50
A,O3,2027-02-01,5000
B,O4,2026-02-01,30
B,O5,2026-11-24,700
C,O6,2026-11-23,1
"""

FIGURES = ["first_order_date", "last_order_date", "recency_days", "frequency", "monetary", "avg_order_value"]
LIFETIME = ["lifetime_frequency", "lifetime_monetary"]


@pytest.fixture
def orders(tmp_path):
    p = tmp_path / "orders.csv"
    p.write_text(ORDERS, encoding="utf-8")
    return p


def figures(result):
    return {
        c["customer_id"]: tuple(str(c[k].date()) if k.endswith("_date") else c[k] for k in FIGURES + LIFETIME)
        for c in result.customers.to_dict("records")
    }


def test_future_dated_rows_are_problems_and_in_no_figure(orders):
    r = grade([orders], options=GradeOptions(today=TODAY))
    assert r.reconciliation["problem"] == 2 and r.reconciliation["used"] == 4
    assert r.problems[["row", "column", "value", "reason_code"]].values.tolist() == [
        [4, "order_date", "2027-02-01", "future_date"],
        [6, "order_date", "2026-11-24", "future_date"],
    ]
    # The as-of date is C's order of today, the latest one that is not in the future.
    assert (r.as_of, r.as_of_source) == (dt.date(2026, 11, 23), "latest order date")
    # A: 100 + 50 in 2 orders, last on 2026-03-10, 258 days before 2026-11-23 (Mar 10 -> Nov 10 is
    # 31+30+31+30+31+31+30+31 = 245 days, + 13). The 5,000 of 2027 counts nowhere.
    # B: 30 in 1 order on 2026-02-01, 295 days before (Feb 1 -> Nov 1 is 273 days, + 22); not the 700.
    assert figures(r) == {
        "A": ("2026-01-10", "2026-03-10", 258, 2, 150.0, 75.0, 2, 150.0),
        "B": ("2026-02-01", "2026-02-01", 295, 1, 30.0, 30.0, 1, 30.0),
        "C": ("2026-11-23", "2026-11-23", 0, 1, 1.0, 1.0, 1, 1.0),
    }


def test_a_later_as_of_date_does_not_bring_future_rows_back(orders):
    """Graded as of 2027-06-30, after A's 2027 order: that order is still after today, so still a problem."""
    r = grade([orders], as_of="2027-06-30", options=GradeOptions(today=TODAY))
    assert r.reconciliation["problem"] == 2 and r.reconciliation["after_as_of"] == 0
    assert r.problems["reason_code"].tolist() == ["future_date", "future_date"]
    # A: 2026-03-10 -> 2027-03-10 is 365 days, + 112 to 2027-06-30 (21 + 30 + 31 + 30).
    # B: 2026-02-01 -> 2027-02-01 is 365 days, + 149 to 2027-06-30 (27 + 31 + 30 + 31 + 30).
    # C: 2026-11-23 -> 2027-06-30 is 7 + 31 + 31 + 28 + 31 + 30 + 31 + 30 = 219 days.
    got = {cid: f[2:6] for cid, f in figures(r).items()}
    assert got == {"A": (477, 2, 150.0, 75.0), "B": (514, 1, 30.0, 30.0), "C": (219, 1, 1.0, 1.0)}
