"""`--status TEXT=KIND` through the CLI: a status custseg does not know is an order, and named as unknown,
until the user says what it is."""

from __future__ import annotations

import csv
import json

from conftest import invoke

# "挂起" (on hold) is no status custseg knows; "已完成" (completed) and "已取消" (cancelled) are.
ORDERS = """customer_id,order_id,order_date,amount,status
A,O1,2026-05-01,100,已完成
A,O2,2026-05-02,50,挂起
B,O3,2026-05-03,70,挂起
B,O4,2026-05-04,30,已取消
"""


def grade_with(runner, tmp_path, *extra: str) -> dict:
    orders = tmp_path / "orders.csv"
    orders.write_text(ORDERS, encoding="utf-8")
    summary = tmp_path / "summary.json"
    args = ["grade", str(orders), "--as-of", "2026-06-30", "--currency", "USD", "-o", str(tmp_path / "g.csv")]
    result = invoke(runner, [*args, *extra, "--summary-json", str(summary), "-q"])
    assert result.exit_code == 0, result.output
    return json.loads(summary.read_text(encoding="utf-8"))


def figures(tmp_path) -> dict[str, tuple[str, str]]:
    with open(tmp_path / "g.csv", encoding="utf-8", newline="") as f:
        return {r["customer_id"]: (r["frequency"], r["monetary"]) for r in csv.DictReader(f)}


def statuses(summary: dict) -> dict[str, tuple[int, str, bool]]:
    return {s["status"]: (s["rows"], s["kind"], s["known"]) for s in summary["statuses"]}


def test_unknown_status_is_an_order_and_named(runner, tmp_path):
    s = grade_with(runner, tmp_path)
    assert s["reconciliation"] == {
        "rows_read": 4,
        "used": 3,
        "outside_window": 0,
        "cancelled": 1,
        "after_as_of": 0,
        "blank": 0,
        "total": 0,
        "problem": 0,
    }
    assert statuses(s) == {"已完成": (1, "order", True), "挂起": (2, "order", False), "已取消": (1, "cancelled", True)}
    unknown = [n for n in s["notes"] if n["code"] == "unknown_status"]
    assert [(n["status"], n["rows"]) for n in unknown] == [("挂起", 2)]
    assert "挂起" in unknown[0]["text"]
    assert figures(tmp_path) == {"A": ("2", "150.0"), "B": ("1", "70.0")}


def test_status_option_makes_it_cancelled(runner, tmp_path):
    s = grade_with(runner, tmp_path, "--status", "挂起=cancelled")
    assert s["reconciliation"]["rows_read"] == 4
    assert s["reconciliation"]["used"] == 1 and s["reconciliation"]["cancelled"] == 3
    assert statuses(s) == {
        "已完成": (1, "order", True),
        "挂起": (2, "cancelled", True),  # known now: the user said what it is
        "已取消": (1, "cancelled", True),
    }
    assert not [n for n in s["notes"] if n["code"] == "unknown_status"]
    assert s["customers"] == 2  # B has only cancelled lines now, and is still listed
    assert figures(tmp_path) == {"A": ("1", "100.0"), "B": ("0", "0.0")}
