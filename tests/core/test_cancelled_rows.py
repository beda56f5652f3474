"""A cancelled line counts for nothing, so its other defects do not matter: it stays "cancelled", is never a
problem row and never counts against --max-problems."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import TODAY, invoke

from custseg.api import GradeOptions, grade

# Rows 3-10 are cancelled and each has one defect that would make a problem row of an order; row 11 is an
# order with a bad date, the one real problem row.
CANCELLED_WITH_DEFECTS = """customer_id,order_id,order_date,amount,currency,status
A,O1,2026-03-01,100,USD,
A,O2,not a date,50,USD,cancelled
A,O3,2026-03-05,lots,USD,cancelled
B,O4,2026-03-02,80,USD,
B,O5,2026-03-06,70,Dollarz,cancelled
B,O6,,60,USD,cancelled
C,O7,2026-03-07,,USD,cancelled
A,O8,2099-01-01,10,USD,cancelled
B,O9,2026-03-03,10,EUR,cancelled
D,O10,2026-13-45,5,USD,
"""
# row 3: bad date; 4: bad amount; 6: unknown currency; 7: missing date; 8: missing amount; 9: a future date;
# 10: EUR with no rate given (on an order line that stops the run: no_rates).


@pytest.fixture
def orders(tmp_path):
    p = tmp_path / "orders.csv"
    p.write_text(CANCELLED_WITH_DEFECTS, encoding="utf-8")
    return p


def test_cancelled_rows_with_bad_cells_stay_cancelled_and_are_no_problems(orders):
    r = grade([orders], options=GradeOptions(today=TODAY))
    # 10 rows: O1 and O4 used, the 7 cancelled ones cancelled whatever their cells say, O10 the one problem.
    assert r.reconciliation == {
        "rows_read": 10, "used": 2, "outside_window": 0, "cancelled": 7, "after_as_of": 0, "blank": 0, "total": 0,
        "problem": 1,
    }  # fmt: skip
    assert r.problems[["row", "column", "value", "reason_code"]].values.tolist() == [
        [11, "order_date", "2026-13-45", "bad_date"]
    ]
    # The as-of date is the latest used order (B's 2026-03-02): neither 2099 nor a cancelled 2026-03-07 moves it.
    assert r.as_of.isoformat() == "2026-03-02"
    got = {
        c.customer_id: (c.frequency, c.monetary, c.lifetime_frequency, c.lifetime_monetary)
        for c in r.customers.itertuples()
    }
    # A: 100 (O1); B: 80 (O4); C: only a cancelled line; D: only a problem row, so no customer at all.
    assert got == {"A": (1, 100.0, 1, 100.0), "B": (1, 80.0, 1, 80.0), "C": (0, 0.0, 0, 0.0)}
    assert r.customers.set_index("customer_id").loc["B", "currencies"] == "USD"  # not EUR or Dollarz


def test_max_problems_counts_only_the_real_problem_row(runner, orders, tmp_path):
    out, problems = tmp_path / "g.csv", tmp_path / "p.csv"
    args = ["grade", str(orders), "-o", str(out), "--problems", str(problems), "-q"]
    assert invoke(runner, [*args, "--max-problems", "1"]).exit_code == 0  # 1 problem row, not 8
    # 1 of 10 rows read is 10%: within 10%, over 9.9%.
    assert invoke(runner, [*args, "--max-problems", "10%"]).exit_code == 0
    assert invoke(runner, [*args, "--max-problems", "9.9%"]).exit_code == 3
    over = invoke(runner, [*args, "--max-problems", "0"])
    assert over.exit_code == 3
    assert over.stderr == (
        "Error: 1 problem rows (10.0% of 10 rows read) exceed --max-problems 0; the outputs were written\n"
    )
    rows = list(csv.DictReader(io.StringIO(problems.read_text(encoding="utf-8"))))
    assert [(r["row"], r["reason_code"]) for r in rows] == [("11", "bad_date")]
