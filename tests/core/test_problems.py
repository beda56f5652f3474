"""The one problem builder and the one place dispositions change."""

from __future__ import annotations

import numpy as np
import pandas as pd

from custseg.core.problems import all_problems, customer_problems, empty_problems, problems, set_aside, with_lines
from custseg.input.headers import ColumnMapping
from custseg.input.tables import Table
from custseg.schema import DISPOSITIONS, PROBLEM_COLUMNS


def test_problems_repeat_one_file_and_take_the_reason_of_the_code():
    got = problems("o.csv", "", np.array([3, 7]), "金额", ["abc", 12], "bad_amount")
    assert list(got.columns) == PROBLEM_COLUMNS
    assert got.to_dict("records") == [
        {
            "file": "o.csv",
            "sheet": "",
            "row": 3,
            "line": None,  # empty until with_lines; to_dict gives an empty Int64 as None
            "column": "金额",
            "value": "abc",
            "reason_code": "bad_amount",
            "reason": "not an amount custseg can read",
        },
        {
            "file": "o.csv",
            "sheet": "",
            "row": 7,
            "line": None,  # empty until with_lines; to_dict gives an empty Int64 as None
            "column": "金额",
            "value": "12",
            "reason_code": "bad_amount",
            "reason": "not an amount custseg can read",
        },
    ]
    assert got["row"].dtype == np.int64 and got["line"].dtype == "Int64"


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


def _table(file: str, sheet: str, rows: list[int], lines: list[int] | None) -> Table:
    lines_array = None if lines is None else np.array(lines)
    return Table(file, sheet, "orders", {}, np.array(rows), ColumnMapping(), rows[0] - 1, lines=lines_array)


def test_with_lines_takes_each_text_row_line_from_its_table():
    """A text file's rows get the line their record starts on; a workbook's rows, a row no table has
    and the customer master's customers (row 0) stay without one."""
    text = _table("o.csv", "", [2, 3, 4, 5], [2, 5, 6, 8])
    book = _table("b.xlsx", "S1", [2, 3, 4], None)
    found = all_problems(
        [
            problems("o.csv", "", [5, 3], "amount", ["x", "y"], "bad_amount"),
            problems("b.xlsx", "S1", [3], "amount", ["z"], "bad_amount"),
            problems("o.csv", "S1", [3], "amount", ["w"], "bad_amount"),
            problems("customer master", "", [0], "country", ["Narnia"], "unknown_country"),
        ]
    )
    got = with_lines(found, [text, book])
    assert got[["file", "sheet", "row", "line"]].astype(object).values.tolist() == [
        ["b.xlsx", "S1", 3, pd.NA],
        ["customer master", "", 0, pd.NA],
        ["o.csv", "", 3, 5],
        ["o.csv", "", 5, 8],
        ["o.csv", "S1", 3, pd.NA],
    ]
    assert list(got.columns) == PROBLEM_COLUMNS and got["line"].dtype == "Int64"
    assert found["line"].isna().all()  # the frame given is left as it was
    assert with_lines(empty_problems(), [text]).empty


def test_set_aside_changes_only_the_masked_lines():
    lines = pd.DataFrame(
        {"disposition": pd.Categorical.from_codes(np.array([0, 0, 2, 0], dtype=np.int8), categories=DISPOSITIONS)}
    )
    set_aside(lines, np.array([False, True, False, True]), "after_as_of")
    assert lines["disposition"].tolist() == ["used", "after_as_of", "cancelled", "after_as_of"]
    assert isinstance(lines["disposition"].dtype, pd.CategoricalDtype)
