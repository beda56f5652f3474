"""The platform exports of ../shared/data/real_exports, as their systems wrote them, graded with no options
(but the currency of the WooCommerce file, which names none): every customer against the figures
tests/data/real_exports_expected/compute_expected.py worked out from the platforms' documented formats
without custseg. Skipped where the shared folder is absent."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import invoke, shared

EXPECTED = Path(__file__).resolve().parents[1] / "data" / "real_exports_expected"

EXPORTS = {
    "shopify_eur.csv": [],
    "shopify_zar.csv": [],
    "woo_orders.csv": ["--currency", "USD"],
    "stripe_answersai.csv": [],
    "zoho_invoices.csv": [],
}


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_a_real_export_grades_every_customer_right_with_no_options(runner, tmp_path, name):
    source = shared(f"real_exports/{name}")
    out = tmp_path / "graded.csv"
    result = invoke(runner, ["grade", str(source), "-o", str(out), *EXPORTS[name]])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    got = {
        r["customer_id"]: (int(r["lifetime_frequency"]), f"{float(r['lifetime_monetary']):.2f}", r["currencies"])
        for r in rows
        if int(r["lifetime_frequency"]) or abs(float(r["lifetime_monetary"])) > 0.005
    }
    expected_rows = (EXPECTED / f"{Path(name).stem}.csv").read_text(encoding="utf-8").splitlines()
    expected = {
        r["customer_key"]: (int(r["frequency"]), r["monetary"], r["currency"]) for r in csv.DictReader(expected_rows)
    }
    assert got == expected


def test_the_real_odoo_export_is_refused_in_one_line(runner):
    source = shared("real_exports/odoo_sale_order.csv")
    result = invoke(runner, ["grade", str(source), "-o", "-"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"Error: {source}: this is Odoo sales orders, exported with their lines, whose amounts are in each "
        "order's own currency, and it has no currency column, so its money cannot be added up right"
    )
