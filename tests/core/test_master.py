"""The customer master stage."""

from __future__ import annotations

import pandas as pd


def test_rows_for_new_customers_are_the_reindexed_table():
    """Customers with only cancelled lines are put in their sorted places by bisection: the same frame,
    dtypes included, as reindexing on the union of the ids."""
    import numpy as np

    from custseg.core.master import _with_rows_for

    rng = np.random.default_rng(1)
    for _ in range(100):
        ids = sorted({f"C{x:04d}" for x in rng.integers(0, 500, int(rng.integers(1, 60)))})
        new = sorted({f"C{x:04d}" for x in rng.integers(0, 500, int(rng.integers(1, 8)))} - set(ids))
        if not new:
            continue
        n = len(ids)
        table = pd.DataFrame(
            {
                "i": np.arange(n),
                "f": rng.random(n),
                "b": rng.random(n) > 0.5,
                "d": pd.to_datetime("2020-01-01") + pd.to_timedelta(np.arange(n), "D"),
                "s": [f"x{i}" for i in range(n)],
                "I": pd.array(np.arange(n), dtype="Int64"),
            },
            index=pd.Index(ids, name="customer_id"),
        )
        expected = table.reindex(table.index.union(pd.Index(new)))
        expected.index.name = "customer_id"
        got, at = _with_rows_for(table, pd.Index(new))
        pd.testing.assert_frame_equal(got, expected)
        assert got.index[at].tolist() == new


OWNED_ORDERS = """客户编号,下单日期,金额,Invoice Owner,Sector
A,2026-01-05,100,Li,Toys
A,2026-03-01,50,Wang,
B,2026-02-01,70,,
C,2026-02-03,30,Zhou,Tools
"""


def test_sales_owner_and_industry_on_order_lines_reach_the_customers(tmp_path):
    """Each customer gets the value of its latest line that has one (A's latest owner is Wang; its latest
    line has no sector, so Toys from January); a customer master wins where it gives one."""
    from custseg.api import GradeOptions, grade

    orders = tmp_path / "invoices.csv"
    orders.write_text(OWNED_ORDERS, encoding="utf-8")
    options = GradeOptions(column_map={"sales_owner": "Invoice Owner", "industry": "Sector"}, base_currency="CNY")
    got = grade(orders, options=options).customers.set_index("customer_id")
    assert got["sales_owner"].to_dict() == {"A": "Wang", "B": "", "C": "Zhou"}
    assert got["industry"].to_dict() == {"A": "Toys", "B": "", "C": "Tools"}

    master = tmp_path / "master.csv"
    master.write_text("客户编号,客户名称,业务员\nA,Alpha,Zhao\nB,Beta,\n", encoding="utf-8")
    got = grade(orders, customers=master, options=options).customers.set_index("customer_id")
    assert got["sales_owner"].to_dict() == {"A": "Zhao", "B": "", "C": "Zhou"}
    assert got["customer_name"].to_dict() == {"A": "Alpha", "B": "Beta", "C": ""}
