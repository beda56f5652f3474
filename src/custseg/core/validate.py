"""The order lines' dates against the calendar: dates in the future, the as-of date and the lines after it,
and the look-back window.

Each stage reads the lines' ``order_date`` and ``disposition`` and sets aside (:func:`set_aside`) the lines
it rules out; only lines still ``used`` are looked at.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from custseg.core.problems import empty_problems, line_problems, set_aside


def future_dates(lines: pd.DataFrame, today: pd.Timestamp) -> pd.DataFrame:
    """Used lines dated after ``today`` become problems (future_date). Takes the lines (file, sheet, row,
    order_date, disposition; the disposition is changed in place) and returns their problem rows."""
    future = lines["disposition"].eq("used") & (lines["order_date"] > today)
    if not future.any():
        return empty_problems()
    found = line_problems(lines[future], "order_date", "future_date")
    set_aside(lines, future, "problem")
    return found


def as_of_date(lines: pd.DataFrame, as_of: dt.date | str | None, today: pd.Timestamp) -> tuple[pd.Timestamp, str]:
    """(the as-of date, where it came from): the date given ("option"), else the latest order date of
    the used lines ("latest order date"), else ``today`` ("today (no usable order)")."""
    if as_of is not None:
        return pd.Timestamp(as_of).normalize(), "option"
    valid = lines["disposition"].eq("used")
    if valid.any():
        return lines.loc[valid, "order_date"].max(), "latest order date"
    return today, "today (no usable order)"


def after_as_of(lines: pd.DataFrame, as_of: pd.Timestamp) -> None:
    """Used lines dated after the as-of date are set aside as after_as_of (order_date, disposition; in
    place): a grading as of a past date does not see later orders."""
    set_aside(lines, lines["disposition"].eq("used") & (lines["order_date"] > as_of), "after_as_of")


def window_start(as_of: pd.Timestamp, months: int) -> pd.Timestamp | None:
    """The first day of the look-back window of ``months`` months that ends on the as-of date; None for no
    window (0 months)."""
    if not months:
        return None
    return (as_of - pd.DateOffset(months=months) + pd.Timedelta(days=1)).normalize()


def outside_window(lines: pd.DataFrame, start: pd.Timestamp | None) -> None:
    """Used lines dated before the window's ``start`` are set aside as outside_window (order_date,
    disposition; in place). They still count for the lifetime figures."""
    if start is not None:
        set_aside(lines, lines["disposition"].eq("used") & (lines["order_date"] < start), "outside_window")
