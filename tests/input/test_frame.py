"""A DataFrame read as a table: cells rendered as the workbook reader renders them, spreadsheet row numbers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from custseg.errors import InputError
from custseg.input.read import read_source
from custseg.input.sources import Source


def test_cells_become_the_texts_a_workbook_gives():
    frame = pd.DataFrame(
        {
            "customer_id": ["A", "B", None],
            "order_date": [pd.Timestamp("2026-01-05"), pd.Timestamp("2026-01-06 08:30"), pd.NaT],
            "amount": [10.0, 2.5, np.nan],
            "quantity": pd.array([1, None, 3], dtype="Int64"),
            "paid": [True, False, True],
            "day": [dt.date(2026, 2, 1), None, dt.date(2026, 2, 3)],
        }
    )
    (table,) = read_source(Source.of(frame), {}).tables
    assert (table.file, table.sheet, table.kind, table.header_row) == ("<DataFrame>", "", "orders", 1)
    assert table.rows.tolist() == [2, 3, 4]
    assert table.mapping.fields["amount"] == "amount"
    assert table.frame.to_dict("list") == {
        "customer_id": ["A", "B", ""],
        "order_date": ["2026-01-05", "2026-01-06 08:30:00", ""],
        "amount": ["10", "2.5", ""],
        "quantity": ["1", "", "3"],
        "paid": ["TRUE", "FALSE", "TRUE"],
        "day": ["2026-02-01", "", "2026-02-03"],
    }


def test_an_empty_frame_is_a_table_of_no_rows():
    frame = pd.DataFrame({"customer_id": [], "order_date": [], "amount": []})
    (table,) = read_source(Source.of(frame), {}).tables
    assert table.n_rows == 0 and table.headers == ["customer_id", "order_date", "amount"]


def test_a_frame_without_order_columns_names_what_it_found():
    with pytest.raises(InputError, match=r"^<DataFrame>: no header row with the required order columns; missing "):
        read_source(Source.of(pd.DataFrame({"x": [1], "y": [2]})), {})


def test_a_customer_frame_needs_an_id_or_name():
    with pytest.raises(InputError, match=r"^<DataFrame>: no customer id or name column in the customer file"):
        read_source(Source.of(pd.DataFrame({"x": [1], "y": [2]})), {}, want="master")


def test_the_callers_frame_is_left_as_it_was():
    frame = pd.DataFrame({"customer_id": ["A", None], "order_date": ["2026-01-05", None], "amount": ["1", None]})
    before = frame.copy()
    read_source(Source.of(frame), {})
    pd.testing.assert_frame_equal(frame, before)


def test_cells_under_a_blank_label_right_of_the_header_are_flagged_as_in_a_sheet():
    frame = pd.DataFrame(
        [["A", "2026-01-05", 10, None], ["B", "2026-01-06", 20, "note"], ["C", "2026-01-07", 30, " "]],
        columns=["customer_id", "order_date", "amount", ""],
    )
    (table,) = read_source(Source.of(frame), {}).tables
    assert table.headers == ["customer_id", "order_date", "amount"]
    assert table.overflow == [1]  # the second record, row 3; a blank cell is not a value
    assert table.frame["amount"].tolist() == ["10", "20", "30"]


def test_pandas_string_columns_are_their_own_text():
    frame = pd.DataFrame(
        {
            "customer_id": pd.array(["A", None, "A"], dtype="string"),
            "order_date": pd.array(["2026-01-05", "2026-01-06", pd.NA], dtype="string"),
            "amount": pd.array([" 10 ", "", "3"], dtype="string"),
        }
    )
    (table,) = read_source(Source.of(frame), {}).tables
    assert table.frame.to_dict("list") == {
        "customer_id": ["A", "", "A"],
        "order_date": ["2026-01-05", "2026-01-06", ""],
        "amount": [" 10 ", "", "3"],
    }
    assert table.columns["customer_id"].codes.tolist() == [0, 1, 0]
