"""The summary sheet's year ahead (issue 22): expected orders and predicted value per tier and per
segment, and a chart of P(alive) by tier, each figure checked against the customer table's own columns."""

from __future__ import annotations

import warnings

import numpy as np
import openpyxl
import pandas as pd

from custseg.api import GradeOptions, grade
from custseg.output.workbook.sheets import write_workbook


def _buyers(n: int = 300, seed: int = 3) -> pd.DataFrame:
    """Customers buying at their own Poisson rate, each leaving after a purchase with its own chance, with
    spend independent of frequency: data the models carry."""
    rng = np.random.default_rng(seed)
    start, rows = pd.Timestamp("2024-01-01"), []
    for i in range(n):
        rate, drop, value = rng.gamma(0.8, 1 / 12.0), rng.beta(1.0, 3.0), rng.gamma(4.0, 50.0)
        day, k = int(rng.integers(0, 600)), 0
        while day <= 730:
            amount = round(float(rng.gamma(20.0, value / 20.0)), 2)
            rows.append((f"C{i:04d}", f"O{i:04d}-{k}", (start + pd.Timedelta(days=day)).date().isoformat(), amount))
            k += 1
            if rng.random() < drop:
                break
            day += max(1, int(rng.exponential(1 / rate)))
    return pd.DataFrame(rows, columns=["customer_id", "order_id", "order_date", "amount"])


def test_the_year_ahead_by_tier_matches_the_customer_columns(tmp_path):
    result = grade(_buyers(), as_of="2025-12-31", options=GradeOptions(today=pd.Timestamp("2026-06-01").date()))
    c = result.customers
    assert c["p_alive"].notna().any()
    book = tmp_path / "g.xlsx"
    write_workbook(result, book)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notice about the data bars' extension
        ws = openpyxl.load_workbook(book)["分级汇总"]
    cells = [[cell.value for cell in row] for row in ws.iter_rows(max_col=5)]
    at = next(i for i, r in enumerate(cells) if r[0] == "预计未来12个月（按等级）")
    assert cells[at + 1] == ["客户等级", "客户数", "存活概率", "预计订单数(365天)", "预计12个月价值 (USD)"]
    labels = {"vip": "VIP", "key": "重点", "normal": "普通", "potential": "潜在"}
    predicted = c[c["expected_orders_365d"].notna()]
    expected = []
    for tier in ("vip", "key", "normal", "potential"):
        group = predicted[predicted["tier"] == tier]
        if len(group):
            expected.append(
                [
                    labels[tier],
                    len(group),
                    pytest_approx(group["p_alive"].mean()),
                    pytest_approx(group["expected_orders_365d"].sum()),
                    pytest_approx(group["predicted_value_12m"].sum()),
                ]
            )
    assert cells[at + 2 : at + 2 + len(expected)] == expected
    assert any("存活概率" in (chart.title.tx.rich.p[0].r[0].t if chart.title else "") for chart in ws._charts)


def pytest_approx(v: float):
    import pytest

    return pytest.approx(float(v), rel=1e-9)
