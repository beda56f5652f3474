"""Relationship, needs, feedback, time zones and working-day follow-ups (issue 24), each rule's boundary
on a few customers whose figures are worked out in the comments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from custseg.api import GradeOptions, grade
from custseg.config.rules import Rules

TODAY = dt.date(2026, 12, 1)


def _grade(tmp_path: Path, orders: str, master: str | None = None, as_of: str = "2026-06-30", rules=None):
    path = tmp_path / "orders.csv"
    path.write_text(orders, encoding="utf-8")
    customers = None
    if master is not None:
        customers = tmp_path / "master.csv"
        customers.write_text(master, encoding="utf-8")
    r = grade([path], customers=customers, as_of=as_of, rules=rules, options=GradeOptions(today=TODAY))
    return r.customers.set_index("customer_id")


def test_relationship_boundaries(tmp_path):
    # As of 2026-06-30, with the defaults (3 years, orders in 2 calendar years, new within 365 days, churned
    # after 365 silent days):
    # L: first order 2023-06-30, the 3rd anniversary is the as-of date itself; orders in 2023, 2024 and 2026
    # (the last 29 days ago): long_term.
    # M: first order 2023-07-01, one day short of 3 years: regular.
    # N: first order 2025-06-30, 365 days before: new. O: 2025-06-29, 366 days: regular.
    # P: orders in 2020 and 2021, last order 2025-06-29 (366 days silent): lapsed.
    # Q: one order in 2025 but a contract of 2022-01-01 in the master, orders in 2025 and 2026: long_term.
    # R: only a cancelled order: prospect.
    r = _grade(
        tmp_path,
        "customer_id,order_date,amount,status\n"
        "L,2023-06-30,10,\nL,2024-02-01,10,\nL,2026-06-01,10,\n"
        "M,2023-07-01,10,\nM,2024-02-01,10,\n"
        "N,2025-06-30,10,\n"
        "O,2025-06-29,10,\nO,2026-01-01,10,\n"
        "P,2020-05-01,10,\nP,2021-05-01,10,\nP,2025-06-29,10,\n"
        "Q,2025-03-01,10,\nQ,2026-03-01,10,\n"
        "R,2026-05-01,10,cancelled\n",
        master="客户编号,签约日期,国家\nQ,2022-01-01,US\n",
    )
    assert r["relationship"].to_dict() == {
        "L": "long_term",
        "M": "regular",
        "N": "new",
        "O": "regular",
        "P": "lapsed",
        "Q": "long_term",
        "R": "prospect",
    }


def test_needs_from_order_types_products_and_the_master(tmp_path):
    # A: 打样 then a standard order: mixed, 1 of 2 orders custom (0.5). B: an OEM product: custom (1.0).
    # C: standard products only: standard (0.0). D: standard orders, but the master says 定制: custom.
    r = _grade(
        tmp_path,
        "客户编号,订单编号,下单日期,金额,订单类型,产品名称\n"
        "A,1,2026-01-05,10,打样,LED灯\nA,2,2026-02-05,100,标准订单,LED灯\n"
        "B,3,2026-03-05,50,标准订单,OEM 工作灯\n"
        "C,4,2026-03-06,50,标准订单,台灯\n"
        "D,5,2026-03-07,50,标准订单,台灯\n",
        master="客户编号,需求类型\nD,定制\n",
    )
    assert r["needs"].to_dict() == {"A": "mixed", "B": "custom", "C": "standard", "D": "custom"}
    assert r["custom_order_share"].to_dict() == {"A": 0.5, "B": 1.0, "C": 0.0, "D": 0.0}


def test_feedback_columns_in_chinese_and_english_and_the_complaints_tag(tmp_path):
    orders = "customer_id,order_date,amount\nA,2026-01-05,10\nB,2026-01-06,10\n"
    zh = _grade(tmp_path, orders, master="客户编号,满意度,投诉次数\nA,4.5,2\nB,90%,0\n")
    assert zh["satisfaction"].to_dict() == {"A": 4.5, "B": 90.0}
    assert zh["complaints"].to_dict() == {"A": 2, "B": 0}
    assert [("complaints" in t.split(";")) for t in zh["tags"]] == [True, False]
    en = _grade(tmp_path, orders, master="Customer ID,NPS,Complaints\nA,9,\nB,n/a,1\n")
    assert en["satisfaction"].fillna(-1).to_dict() == {"A": 9.0, "B": -1}
    assert en["complaints"].fillna(-1).to_dict() == {"A": -1, "B": 1.0}


def test_a_feedback_value_that_is_not_a_number_is_a_warning(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("customer_id,order_date,amount\nA,2026-01-05,10\n")
    master = tmp_path / "m.csv"
    master.write_text("Customer ID,NPS\nA,very happy\n")
    r = grade([path], customers=master, options=GradeOptions(today=TODAY))
    assert r.problems[["file", "row", "column", "value", "reason_code"]].values.tolist() == [
        [str(master), 2, "NPS", "very happy", "bad_feedback_value"]
    ]
    assert r.reconciliation["used"] == 1  # a warning: the customer is graded


def test_time_zones_and_the_contact_window_in_home_time(tmp_path):
    # As of 2026-01-15 (winter): Beijing UTC+8. US -> New York, UTC-5: 13 hours behind; its 09:00-18:00 is
    # 22:00 to 07:00 the next day in Beijing. DE -> Berlin, UTC+1: 7 behind, 16:00-01:00+1. IN -> Kolkata,
    # UTC+5:30: 2.5 behind, 11:30-20:30. A US customer whose master names America/Los_Angeles (UTC-8): 16
    # behind, 01:00-10:00 on the next day.
    r = _grade(
        tmp_path,
        "customer_id,order_date,amount,country\n"
        "US1,2026-01-05,10,United States\nDE1,2026-01-05,10,Germany\nIN1,2026-01-05,10,India\n"
        "LA1,2026-01-05,10,USA\n",
        master="customer_id,时区\nLA1,America/Los_Angeles\n",
        as_of="2026-01-15",
    )
    assert r[["timezone", "hours_from_home", "contact_window"]].values.tolist() == [
        ["Europe/Berlin", -7.0, "16:00-01:00+1"],
        ["Asia/Kolkata", -2.5, "11:30-20:30"],
        ["America/Los_Angeles", -16.0, "01:00-10:00 (+1)"],
        ["America/New_York", -13.0, "22:00-07:00+1"],
    ]


def test_a_follow_up_on_the_customers_weekend_moves_to_its_next_working_day(tmp_path):
    # As of Sunday 2026-06-28, a normal customer's follow-up is 90 days later: Saturday 2026-09-26.
    # Germany (Saturday-Sunday weekend): Monday 2026-09-28. Saudi Arabia (Friday-Saturday): Sunday 2026-09-27.
    rules = Rules()
    r = _grade(
        tmp_path,
        "customer_id,order_date,amount,country\nDE1,2026-06-01,10,DE\nSA1,2026-06-01,10,SA\n",
        as_of="2026-06-28",
        rules=rules,
    )
    assert r["follow_up_days"].tolist() == [90, 90]
    assert r["next_follow_up"].dt.strftime("%Y-%m-%d %a").to_dict() == {
        "DE1": "2026-09-28 Mon",
        "SA1": "2026-09-27 Sun",
    }
