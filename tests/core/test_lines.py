"""Order lines from tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from custseg.core.values import Factorized


def test_duplicate_rows_by_hash_and_exact_count_agree_with_pandas():
    from custseg.core.lines import _duplicate_rows, _exact_duplicate_rows

    rng = np.random.default_rng(7)
    for _ in range(50):
        n = int(rng.integers(1, 400))
        widths = rng.integers(1, 4, size=int(rng.integers(1, 6)))  # few distinct values: many repeats
        codes = {f"c{j}": rng.integers(0, w, size=n) for j, w in enumerate(widths)}
        columns = {k: Factorized.of(v, [str(i) for i in range(int(v.max()) + 1)]) for k, v in codes.items()}
        rows = rng.random(n) < 0.8
        expected = int(pd.DataFrame(codes)[rows].duplicated().sum())
        assert _duplicate_rows(columns, rows) == expected
        assert _exact_duplicate_rows(columns, rows) == expected


SUBTOTALS = """客户编号,客户名称,订单编号,下单日期,产品,金额
A,Alpha,O1,2026-01-05,灯具,100
,,,,月合计,100
B,Beta,O2,2026-02-01,工具,50
,,本页合计,,,150
,,,,Grand Total,150
C,Gamma,O3,2026-02-03,小计柜,20
,,,2026-02-04,Subtotal,70
"""


def test_subtotal_rows_labelled_in_any_column_of_a_row_without_customer_or_date_are_totals(tmp_path):
    """Rows 3, 5 and 6 label a total in the product or order column and have no customer and no date; row 7
    has a date, so it is an order line without a customer (a problem), and C's product 小计柜 is a product."""
    from conftest import TODAY

    from custseg.api import GradeOptions, grade

    path = tmp_path / "orders.csv"
    path.write_text(SUBTOTALS, encoding="utf-8")
    result = grade(path, options=GradeOptions(today=TODAY, base_currency="CNY"))
    assert result.reconciliation == {
        "rows_read": 7, "used": 3, "outside_window": 0, "cancelled": 0, "after_as_of": 0, "blank": 0, "total": 3,
        "problem": 1,
    }  # fmt: skip
    assert result.problems[["row", "reason_code"]].values.tolist() == [[8, "missing_customer"]]
    assert result.customers.set_index("customer_id")["monetary"].to_dict() == {"A": 100.0, "B": 50.0, "C": 20.0}


def test_total_labels_with_a_period_or_page_before_them():
    from custseg.core.values import is_total_label

    texts = [
        "月合计",
        "本页合计",
        "本月小计：",
        "年度总计(USD)",
        "合计",
        "Sub-Total",
        "Page Total",
        "Totals Inc",
        "结算",
    ]
    labels = [True, True, True, True, True, True, True, False, False]
    assert is_total_label(pd.Series(texts)).tolist() == labels
