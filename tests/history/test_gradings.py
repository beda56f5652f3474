"""A grading's use of the history: previous grading, record, lock."""

from __future__ import annotations

import datetime as dt

import pytest

import custseg
from custseg.errors import LockedError
from custseg.history.gradings import open_history, previous_grading, record_grading
from custseg.history.store import history_lock, list_snapshots

ORDERS = """customer_id,customer_name,order_id,order_date,amount
A,Alpha,1,2026-01-10,100
B,Beta,2,2026-02-01,5000
"""


def test_record_then_find_the_previous_grading(tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text(ORDERS, encoding="utf-8")
    db = tmp_path / "h.db"
    january = custseg.grade([orders], as_of="2026-01-31")
    with open_history(db) as con:
        assert previous_grading(con, dt.date(2026, 2, 28)) is None
        record_grading(con, january)
        record_grading(con, january)  # the same month again replaces it
        found = previous_grading(con, dt.date(2026, 2, 28))
        assert previous_grading(con, dt.date(2026, 1, 31)) is None  # only earlier snapshots count
        snaps = list_snapshots(con)
    assert found is not None and found.source == "history snapshot 2026-01-31"
    assert found.grades[["customer_id", "customer_name", "frequency", "monetary"]].values.tolist() == [
        ["A", "Alpha", 1, 100.0]
    ]
    assert snaps[["as_of", "customers", "tool_version"]].values.tolist() == [["2026-01-31", 1, custseg.__version__]]
    assert snaps["rules_digest"].tolist() == [january.rules.digest()]


def test_the_history_is_locked_while_open(tmp_path):
    db = tmp_path / "h.db"
    with open_history(db):
        with pytest.raises(LockedError, match="another custseg run is using this history"):
            with history_lock(db):
                pass
    with history_lock(db):  # and free again after
        pass
