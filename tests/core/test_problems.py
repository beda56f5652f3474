"""The one problem builder and the one place dispositions change."""

from __future__ import annotations

import numpy as np
import pandas as pd

from custseg.core.problems import all_problems, customer_problems, empty_problems, problems, set_aside
from custseg.schema import DISPOSITIONS, PROBLEM_COLUMNS


def test_problems_repeat_one_file_and_take_the_reason_of_the_code():
    got = problems("o.csv", "", np.array([3, 7]), "金额", ["abc", 12], "bad_amount")
    assert list(got.columns) == PROBLEM_COLUMNS
    assert got.to_dict("records") == [
        {
            "file": "o.csv",
            "sheet": "",
            "row": 3,
            "column": "金额",
            "value": "abc",
            "reason_code": "bad_amount",
            "reason": "not an amount custseg can read",
        },
        {
            "file": "o.csv",
            "sheet": "",
            "row": 7,
            "column": "金额",
            "value": "12",
            "reason_code": "bad_amount",
            "reason": "not an amount custseg can read",
        },
    ]
    assert got["row"].dtype == np.int64


def test_problems_take_a_file_and_a_reason_per_row():
    got = problems(
        ["a.csv", "b.xlsx"],
        ["", "S1"],
        [2, 5],
        "currency",
        ["XXX 2026-01", "EUR 2026-02"],
        "missing_rate",
        ["r1", "r2"],
    )
    assert got[["file", "sheet", "row", "reason"]].values.tolist() == [
        ["a.csv", "", 2, "r1"],
        ["b.xlsx", "S1", 5, "r2"],
    ]


def test_customer_problems_point_at_the_first_line_or_the_master():
    lines = pd.DataFrame({"customer_id": ["A", "B", "A"], "file": ["o.csv"] * 3, "sheet": [""] * 3, "row": [2, 3, 4]})
    countries = pd.Series(["Atlantis", "Lemuria"], index=pd.Index(["A", "Z"]))
    got = customer_problems(countries, lines, "country", "unknown_country")
    reason = "unknown country; the customer is graded with region left empty"
    assert got[["file", "sheet", "row", "value", "reason"]].values.tolist() == [
        ["o.csv", "", 2, "Atlantis", f"{reason} (customer A)"],
        ["customer master", "", 0, "Lemuria", f"{reason} (customer Z)"],
    ]


def test_all_problems_sort_by_place_and_keep_the_order_within_a_cell():
    first = problems("b.csv", "", [4, 2], "amount", ["x", "y"], "bad_amount")
    second = problems("b.csv", "", [2], "amount", ["y"], "unknown_currency")
    got = all_problems([empty_problems(), first, second, problems("a.csv", "", [9], "date", ["z"], "bad_date")])
    assert got[["file", "row", "reason_code"]].values.tolist() == [
        ["a.csv", 9, "bad_date"],
        ["b.csv", 2, "bad_amount"],
        ["b.csv", 2, "unknown_currency"],
        ["b.csv", 4, "bad_amount"],
    ]
    assert list(all_problems([]).columns) == PROBLEM_COLUMNS
    assert all_problems([]).empty


def test_set_aside_changes_only_the_masked_lines():
    lines = pd.DataFrame(
        {"disposition": pd.Categorical.from_codes(np.array([0, 0, 2, 0], dtype=np.int8), categories=DISPOSITIONS)}
    )
    set_aside(lines, np.array([False, True, False, True]), "after_as_of")
    assert lines["disposition"].tolist() == ["used", "after_as_of", "cancelled", "after_as_of"]
    assert isinstance(lines["disposition"].dtype, pd.CategoricalDtype)
