"""CSV output written by the csv module gives the bytes pandas' to_csv gave for the same texts."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from custseg.output.tabular import _boolean_columns, _text_columns, machine_frame, write_csv


def test_csv_writer_matches_pandas_to_csv_on_awkward_texts():
    customers = pd.DataFrame(
        {
            "customer_id": ["A,1", 'say "hi"', "line\nbreak", "", " lead", "=cmd", "中文", "cr\rlf"],
            "monetary": [1.005, np.nan, -0.0, 1e20, 0.1 + 0.2, 3.0, 2.5, 7.0],
            "frequency": pd.array([1, None, 3, 4, 5, 6, 7, 8], dtype="Int64"),
            "in_master": [True, False, True, True, False, True, False, True],
            "is_domestic": [True, None, False, True, None, False, True, True],
            "tags": ["", "a;b", None, "x", "", "y", "z", ""],
        }
    )
    frame = machine_frame(customers)
    for csv_safe in (False, True):
        fh = io.StringIO()
        write_csv(customers, fh, csv_safe)
        texts = dict(zip(frame.columns, _text_columns(frame, csv_safe, _boolean_columns(frame)), strict=True))
        expected = pd.DataFrame(texts, dtype=object).to_csv(index=False, lineterminator="\n")
        assert fh.getvalue() == expected
    first = fh.getvalue().splitlines()[1]
    assert first == '"A,1",1.0,1,true,true,'  # quoted only where needed; money rounded to cents


def test_csv_of_no_customers_is_the_header():
    fh = io.StringIO()
    write_csv(pd.DataFrame({"customer_id": pd.Series([], dtype=object), "monetary": pd.Series([], dtype=float)}), fh)
    assert fh.getvalue() == "customer_id,monetary\n"
