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
