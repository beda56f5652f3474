"""Dates against the calendar: future dates, the as-of date, the look-back window."""

from __future__ import annotations

import numpy as np
import pandas as pd

from custseg.core.validate import after_as_of, as_of_date, future_dates, outside_window, window_start
from custseg.schema import DISPOSITIONS


def _lines(dates: list[str], dispositions: list[str]) -> pd.DataFrame:
    codes = np.array([DISPOSITIONS.index(d) for d in dispositions], dtype=np.int8)
    return pd.DataFrame(
        {
            "file": "o.csv",
            "sheet": "",
            "row": np.arange(2, 2 + len(dates)),
            "order_date": pd.to_datetime(dates),
            "disposition": pd.Categorical.from_codes(codes, categories=DISPOSITIONS),
        }
    )


def test_future_dates_become_problems_and_do_not_set_the_as_of_date():
    lines = _lines(["2026-01-10", "2026-12-01", "2026-03-05", "2027-01-01"], ["used", "used", "used", "cancelled"])
    today = pd.Timestamp("2026-11-23")
    found = future_dates(lines, today)
    assert found[["row", "value", "reason_code"]].values.tolist() == [[3, "2026-12-01", "future_date"]]
    assert lines["disposition"].tolist() == ["used", "problem", "used", "cancelled"]
    assert as_of_date(lines, None, today) == (pd.Timestamp("2026-03-05"), "latest order date")
    assert future_dates(lines, today).empty


def test_as_of_date_from_the_option_or_today_without_a_usable_line():
    lines = _lines(["2026-01-10"], ["problem"])
    today = pd.Timestamp("2026-11-23")
    assert as_of_date(lines, "2026-02-01", today) == (pd.Timestamp("2026-02-01"), "option")
    assert as_of_date(lines, None, today) == (today, "today (no usable order)")


def test_lines_after_the_as_of_date_and_before_the_window_are_set_aside():
    lines = _lines(
        ["2025-06-30", "2025-07-01", "2026-06-30", "2026-07-01", "2025-01-01"],
        ["used", "used", "used", "used", "problem"],
    )
    as_of = pd.Timestamp("2026-06-30")
    after_as_of(lines, as_of)
    start = window_start(as_of, 12)
    assert start == pd.Timestamp("2025-07-01")
    outside_window(lines, start)
    assert lines["disposition"].tolist() == ["outside_window", "used", "used", "after_as_of", "problem"]
    assert window_start(as_of, 0) is None
    outside_window(lines, None)
    assert lines["disposition"].tolist() == ["outside_window", "used", "used", "after_as_of", "problem"]
