"""The per-customer groupbys' helpers against the plain pandas they stand in for, and customer keys
across several tables."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from custseg.api import GradeOptions, grade
from custseg.core.metrics import _customer_codes, _join_sorted

TODAY = dt.date(2026, 11, 23)


def test_join_sorted_gives_each_keys_sorted_distinct_values():
    values = pd.Series(["USD", "EUR", "", "USD", "b;", "CNY"], dtype=object)
    keys = pd.Series([1, 1, 1, 2, 2, 3])
    got = _join_sorted(values, keys)
    # Sorted as text (capitals first); a value's own trailing ';' is cut as the joined text's is.
    assert got.to_dict() == {1: "EUR;USD", 2: "USD;b", 3: "CNY"}
    assert _join_sorted(pd.Series(["", ""], dtype=object), pd.Series([7, 8])).to_dict() == {7: "", 8: ""}


def test_customer_codes_are_a_sorted_factorize_of_the_ids():
    rng = np.random.default_rng(5)
    distinct = np.array(["C9", "C10", "中文", "a", "", "Z 1", "C1"], dtype=object)
    keys = rng.permutation(len(distinct))  # each id its own key, in no particular order
    pick = rng.integers(0, len(distinct), 500)
    ids, line_keys = distinct[pick], keys[pick]
    rows = rng.random(500) < 0.7
    codes, texts = _customer_codes(line_keys[rows], np.flatnonzero(rows), ids)
    want_codes, want_texts = pd.factorize(ids[rows], sort=True)
    assert texts.tolist() == list(want_texts) and codes.tolist() == want_codes.tolist()


def test_one_customer_across_two_files_is_one_row(tmp_path):
    """Each table numbers its own ids; 17850 and 17850.0 in two files are one customer."""
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(
        "customer_id,order_id,order_date,amount\nB2,o1,2026-01-05,100\n17850,o2,2026-02-01,40\n", encoding="utf-8"
    )
    b.write_text(
        "customer_id,order_id,order_date,amount\n17850.0,o3,2026-03-01,60\nA1,o4,2026-03-02,5\nB2,o5,2026-04-01,1\n",
        encoding="utf-8",
    )
    r = grade([a, b], as_of="2026-06-30", options=GradeOptions(today=TODAY))
    got = {row.customer_id: (row.frequency, row.monetary) for row in r.customers.itertuples()}
    assert got == {"17850": (2, 100.0), "A1": (1, 5.0), "B2": (2, 101.0)}
    assert r.customers["customer_id"].tolist() == ["17850", "A1", "B2"]


def test_order_days_and_gaps_are_the_grouped_diff():
    import numpy as np
    import pandas as pd

    from custseg.core.metrics import _order_days

    rng = np.random.default_rng(3)
    for _ in range(30):
        n = int(rng.integers(1, 400))
        cust = rng.integers(0, 20, n).astype(np.int32)
        dates = (np.datetime64("2024-01-01") + rng.integers(0, 60, n).astype("timedelta64[D]")).astype("datetime64[ns]")
        frame = pd.DataFrame({"c": cust, "date": dates}).drop_duplicates().sort_values(["c", "date"])
        frame = frame.assign(gap=frame.groupby("c")["date"].diff().dt.days)
        got = _order_days(cust, dates)
        assert got["c"].tolist() == frame["c"].tolist()
        assert np.array_equal(got["gap"].to_numpy(), frame["gap"].to_numpy(dtype=float), equal_nan=True)
        for how in ("median", "last"):
            pd.testing.assert_series_equal(
                getattr(got.groupby("c")["gap"], how)(), getattr(frame.groupby("c")["gap"], how)(), check_dtype=False
            )
    with_time = np.array(["2024-01-01T10:00", "2024-01-03T09:00"], dtype="datetime64[ns]")
    assert _order_days(np.array([0, 0], dtype=np.int32), with_time)["gap"].tolist()[1] == 1.0  # floor, as .dt.days
