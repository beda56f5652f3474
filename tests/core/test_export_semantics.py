"""The semantics issue 18 asks of real exports, each on a few lines with figures worked out by hand:
refunded sales, refund documents, e-mail and name keys, order-level totals, and profiles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import invoke

from custseg.api import GradeOptions, grade
from custseg.config.rules import Rules
from custseg.core.notes import Note
from custseg.errors import InputError, UsageError

TODAY = dt.date(2026, 12, 1)


def _grade(tmp_path: Path, text: str, name: str = "orders.csv", rules: Rules | None = None, **options):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return grade([path], rules=rules, options=GradeOptions(today=TODAY, **options))


def _figures(r) -> dict[str, tuple[int, float, float]]:
    """customer -> (orders, monetary, refunds)."""
    c = r.customers
    return {
        cid: (int(f), round(float(m), 2), round(float(x), 2))
        for cid, f, m, x in zip(
            c["customer_id"], c["lifetime_frequency"], c["lifetime_monetary"], c["refund_amount"], strict=True
        )
    }


def test_a_refunded_order_is_a_sale_netted_by_its_refund(tmp_path):
    # A: paid 100, then an order of 40 refunded: 100 (not 60), 2 orders, 40 refunded.
    # B: its only order refunded: 0 (not -60), 1 order.
    # C: an order of 80 and a credit note of 30 on its own date: 50, 1 order (the credit note is no order).
    r = _grade(
        tmp_path,
        "customer_id,order_id,order_date,amount,status\n"
        "A,1,2026-01-05,100,paid\n"
        "A,2,2026-02-05,40,refunded\n"
        "B,3,2026-02-06,60,已退款\n"
        "C,4,2026-03-01,80,completed\n"
        "C,5,2026-03-09,30,credit note\n",
    )
    assert _figures(r) == {"A": (2, 100.0, 40.0), "B": (1, 0.0, 60.0), "C": (1, 50.0, 30.0)}
    kinds = dict(zip(r.statuses["status"], r.statuses["kind"], strict=True))
    assert kinds == {
        "paid": "order",
        "refunded": "returned",
        "已退款": "returned",
        "completed": "order",
        "credit note": "refund",
    }


def test_the_refunded_amount_column_nets_by_what_was_refunded(tmp_path):
    # A: 200 partly refunded (50 refunded) + 100 paid with 10 refunded by the platform = 240, 2 orders.
    # B: a refunded order whose refunded amount is blank: the whole order, 0. C: refunded amount "abc": a problem.
    r = _grade(
        tmp_path,
        "customer_id,order_id,order_date,amount,status,refunded amount\n"
        "A,1,2026-01-05,200,partially_refunded,50\n"
        "A,2,2026-01-06,100,paid,10\n"
        "B,3,2026-01-07,70,refunded,\n"
        "C,4,2026-01-08,90,refunded,abc\n",
    )
    assert _figures(r) == {"A": (2, 240.0, 60.0), "B": (1, 0.0, 70.0)}
    assert r.problems[["row", "column", "value", "reason_code"]].values.tolist() == [
        [5, "refunded amount", "abc", "bad_amount"]
    ]


def test_a_refund_document_type_nets_on_its_own_date_whatever_its_sign(tmp_path):
    # 订单 1,000 on 3 March; 退货单 of 300 (written positive) on 20 March: 700, one order, 300 refunded.
    r = _grade(
        tmp_path,
        "客户编号,订单编号,下单日期,金额,单据类型\nK1,S1,2026-03-03,1000,销售订单\nK1,T1,2026-03-20,300,销售退货单\n",
    )
    assert _figures(r) == {"K1": (1, 700.0, 300.0)}


def test_a_blank_or_guest_id_falls_back_to_the_email_then_the_name(tmp_path):
    # Rows 2-3: id 7 twice. Row 4: guest 0 with an e-mail in capitals -> ann@x.com; row 5: blank id, the
    # same e-mail in small letters -> the same customer. Row 6: "guest", no e-mail -> the name "Bo Li".
    # Row 7: "-", no e-mail, no name -> missing_customer.
    r = _grade(
        tmp_path,
        "Customer ID,Email,Customer Name,Order ID,Date Created,Total\n"
        "7,x@y.com,Xu,1,2026-01-01,10\n"
        "7,,Xu,2,2026-01-02,20\n"
        "0,Ann@X.com,Ann,3,2026-01-03,30\n"
        ",ann@x.com,Ann,4,2026-01-04,40\n"
        "guest,,Bo  Li,5,2026-01-05,50\n"
        "-,,,6,2026-01-06,60\n",
    )
    assert _figures(r) == {"7": (2, 30.0, 0.0), "ann@x.com": (2, 70.0, 0.0), "Bo Li": (1, 50.0, 0.0)}
    assert r.problems[["row", "reason_code"]].values.tolist() == [[7, "missing_customer"]]
    assert Note("customer_key_fallback", {"email": 2, "name": 1}) in r.notes


def test_order_totals_on_the_first_line_count_once_and_fill_the_item_lines(tmp_path):
    # Order #1: total 150 on its first line, two item lines blank (150, not 150 + 2 x 40 = 230); its date,
    # e-mail and status only on the first line. Order #2: cancelled, its item line is cancelled too.
    r = _grade(
        tmp_path,
        "Order No,Email,Order Date,Amount,Status,Quantity,Unit Price\n"
        "#1,a@x.com,2026-01-05,150,paid,1,70\n"
        "#1,,,,,2,40\n"
        "#1,,,,,1,0\n"
        "#2,b@x.com,2026-01-06,99,cancelled,1,99\n"
        "#2,,,,,1,1\n"
        "#3,b@x.com,2026-01-07,45,paid,1,45\n",
    )
    assert _figures(r) == {"a@x.com": (1, 150.0, 0.0), "b@x.com": (1, 45.0, 0.0)}
    assert r.reconciliation["used"] == 4 and r.reconciliation["cancelled"] == 2 and r.reconciliation["problem"] == 0
    assert Note("order_totals_first_line", {"orders": 2, "items": 2}) in r.notes


def test_order_totals_repeated_on_every_line_count_once(tmp_path):
    # Two orders of two lines each repeat their total: 80 + 30 = 110, not 220.
    r = _grade(
        tmp_path,
        "customer_id,order_id,order_date,amount\nA,1,2026-01-05,80\nA,1,2026-01-05,80\nA,2,2026-01-09,30\nA,2,2026-01-09,30\n",
    )
    assert _figures(r) == {"A": (2, 110.0, 0.0)}
    assert Note("order_totals_repeated", {"orders": 2, "items": 2}) in r.notes


def test_line_amounts_that_differ_within_an_order_are_summed(tmp_path):
    # One order of 80 + 30 (line-level): 110; quantity x price is not used where the amount is blank,
    # the blank is a problem (missing_amount) in a line-level file.
    r = _grade(
        tmp_path,
        "customer_id,order_id,order_date,amount,quantity,unit_price\n"
        "A,1,2026-01-05,80,1,80\nA,1,2026-01-05,30,1,30\nA,2,2026-01-06,20,1,20\nA,2,2026-01-06,,2,5\n"
        "A,3,2026-01-07,5,1,5\nA,3,2026-01-07,6,1,6\n",
    )
    assert _figures(r) == {"A": (3, 141.0, 0.0)}
    assert r.problems[["row", "reason_code"]].values.tolist() == [[5, "missing_amount"]]


def test_a_profile_order_level_export_flags_a_line_whose_total_differs(tmp_path):
    header = "Order ID,Date Created,Date Paid,Status,Customer ID,Name,Email,Total Amount\n"
    r = _grade(
        tmp_path,
        header + "1,2026-01-05 10:00:00,,completed,5,A,a@x.com,80\n1,2026-01-05 10:00:00,,completed,5,A,a@x.com,81\n",
        currency="USD",
    )
    assert r.problems[["row", "column", "reason_code"]].values.tolist() == [
        [3, "Total Amount", "conflicting_order_total"]
    ]
    assert _figures(r) == {"5": (1, 80.0, 0.0)}


def test_an_export_without_a_buyer_says_so(tmp_path):
    with pytest.raises(
        InputError, match="this is Amazon Seller Central order report: Amazon's order reports name no buyer"
    ):
        _grade(tmp_path, "amazon-order-id\tpurchase-date\titem-price\n1\t2026-01-05T10:00:00Z\t9.99\n", name="o.txt")


def test_a_profile_can_be_forced_and_an_unknown_one_is_a_usage_error(tmp_path):
    text = (
        "Order ID,Date Created,Status,Customer ID,Email,Total Amount\n"
        "1,2026-01-05,on-hold,0,a@x.com,10\n2,2026-01-06,completed,0,a@x.com,20\n"
    )
    # Read as WooCommerce, on-hold is not a sale; read as a generic sheet it is an unknown status, an order.
    assert _grade(tmp_path, text, currency="USD").reconciliation["cancelled"] == 1
    generic = _grade(tmp_path, text, currency="USD", profile="generic")
    assert generic.reconciliation["used"] == 2
    assert dict(zip(generic.statuses["status"], generic.statuses["known"], strict=True)) == {
        "on-hold": False,
        "completed": True,
    }
    with pytest.raises(UsageError, match="there is no export profile 'shopfy'"):
        _grade(tmp_path, text, profile="shopfy")


def test_the_rules_file_keeps_a_column_mapping_and_a_profile(tmp_path):
    rules = Rules.model_validate(
        {"input": {"columns": {"amount": "Betrag", "customer_id": "Kunde", "order_date": "Datum"}}}
    )
    r = _grade(tmp_path, "Kunde,Datum,Betrag\nK1,2026-01-05,12.5\n", rules=rules)
    assert _figures(r) == {"K1": (1, 12.5, 0.0)}
    with pytest.raises(ValueError, match="unknown field 'amont'"):
        Rules.model_validate({"input": {"columns": {"amont": "Betrag"}}})
    with pytest.raises(ValueError, match="unknown export profile 'shopfy'"):
        Rules.model_validate({"input": {"profile": "shopfy"}})


def test_cli_profile_option_and_inspect_name_the_profile(runner, tmp_path):
    path = tmp_path / "o.csv"
    path.write_text(
        "Order ID,Date Created,Status,Customer ID,Email,Total Amount\n1,2026-01-05,completed,0,a@x.com,10\n"
    )
    result = invoke(runner, ["inspect", str(path)])
    assert "    export profile: woocommerce_orders (WooCommerce orders export (one row per product))" in result.stdout
    result = runner.invoke(
        __import__("custseg.cli", fromlist=["app"]).app, ["grade", str(path), "--profile", "x", "-o", "-"]
    )
    assert result.exit_code == 2
    assert "there is no export profile 'x'" in result.stderr


def test_the_statuses_table_counts_a_file_without_a_status_column_as_no_status(tmp_path):
    with_status = tmp_path / "a.csv"
    with_status.write_text("customer_id,order_date,amount,status\nA,2026-01-05,10,paid\nA,2026-01-06,5,on-hold\n")
    without = tmp_path / "b.csv"
    without.write_text("customer_id,order_date,amount\nB,2026-01-07,20\n")
    r = grade([with_status, without], options=GradeOptions(today=TODAY))
    assert r.statuses.values.tolist() == [
        ["", 1, "order", True],
        ["on-hold", 1, "order", False],
        ["paid", 1, "order", True],
    ]
