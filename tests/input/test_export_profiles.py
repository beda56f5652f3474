"""Each known export layout, read with no --map: the small files of tests/data/exports (shaped like the
platforms' real exports, invented customers) against figures worked out by hand from the platforms'
documented semantics (tests/data/exports/README.md shows every sum)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from custseg.api import GradeOptions, grade
from custseg.errors import InputError

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"
TODAY = "2026-12-01"

# file -> (profile recognised, options a user would give: only a currency where the export has none)
LAYOUTS = {
    "shopify_orders.csv": ("shopify_orders", {}),
    "woocommerce_orders.csv": ("woocommerce_orders", {"currency": "USD"}),
    "etsy_sold_orders.csv": ("etsy_sold_orders", {}),
    "stripe_payments.csv": ("stripe_payments", {}),
    "zoho_invoices.csv": ("zoho_invoices", {}),
    "zoho_deals.csv": ("zoho_deals", {}),
    "salesforce_opportunities.csv": ("salesforce_opportunities", {}),
    "odoo_sale_order.csv": ("odoo_sale_order_lines", {}),
    "taobao_orders.csv": ("taobao_orders", {}),
    "kingdee_sale_order.xlsx": ("kingdee_sales", {}),
    "yonyou_sale_order.xlsx": ("yonyou_sales", {}),
    "fxiaoke_sales_orders.xlsx": ("fxiaoke_sales_orders", {"currency": "CNY"}),
    "trade_sheet.xlsx": (None, {}),
}


def _graded(name: str):
    _profile, extra = LAYOUTS[name]
    return grade([EXPORTS / name], options=GradeOptions(today=__import__("datetime").date(2026, 12, 1), **extra))


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_layout_grades_every_customer_as_computed_by_hand(name):
    r = _graded(name)
    stem = Path(name).stem
    expected = {
        row["customer_id"]: (int(row["frequency"]), row["monetary"])
        for row in csv.DictReader((EXPORTS / "expected" / f"{stem}.csv").read_text(encoding="utf-8").splitlines())
    }
    c = r.customers
    sold = c[(c["lifetime_frequency"] > 0) | (c["lifetime_monetary"].abs() > 0.005)]
    got = {
        cid: (int(f), f"{m:.2f}")
        for cid, f, m in zip(sold["customer_id"], sold["lifetime_frequency"], sold["lifetime_monetary"], strict=True)
    }
    assert got == expected


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_layout_accounts_for_every_row_and_status(name):
    r = _graded(name)
    expected = json.loads((EXPORTS / "expected" / f"{Path(name).stem}.json").read_text(encoding="utf-8"))
    counts = {k: r.reconciliation.get(k, 0) for k in ("rows_read", "used", "cancelled", "problem", "total", "blank")}
    assert counts == {k: expected.get(k, 0) for k in counts}
    statuses = {s.status: {"rows": int(s.rows), "kind": s.kind} for s in r.statuses.itertuples()}
    assert statuses == expected.get("statuses", {})


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_layout_is_recognised(name):
    from custseg.input.read import read_source
    from custseg.input.sources import Source

    profile, _ = LAYOUTS[name]
    tables = [t for t in read_source(Source.of(EXPORTS / name), {}).tables if t.kind == "orders"]
    assert {t.mapping.profile.name if t.mapping.profile else None for t in tables} == {profile}


def test_an_odoo_export_without_its_currency_column_is_refused_in_one_line():
    with pytest.raises(InputError) as caught:
        _graded_file(EXPORTS / "odoo_two_currencies.csv")
    assert caught.value.code == "currency_column_needed"
    assert caught.value.message == (
        f"{EXPORTS / 'odoo_two_currencies.csv'}: this is Odoo sales orders, exported with their lines, whose "
        "amounts are in each order's own currency, and it has no currency column, so its money cannot be "
        "added up right"
    )


def _graded_file(path: Path, **extra):
    import datetime as dt

    return grade([path], options=GradeOptions(today=dt.date(2026, 12, 1), **extra))


def test_the_run_info_names_the_export_profile_of_each_table():
    r = _graded("shopify_orders.csv")
    assert r.inputs[0].tables == ["-: orders, 13 rows, header row 1, export profile shopify_orders"]
    assert _graded("trade_sheet.xlsx").inputs[0].tables[0].endswith("header row 2")
