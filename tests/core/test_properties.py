"""Property-based tests: the parsers never raise on any text, and no row is ever lost."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custseg.api import GradeOptions, grade
from custseg.core.geo import country_code
from custseg.core.money import normalise_currency
from custseg.core.values import AmbiguousDates, parse_amounts, parse_dates
from custseg.errors import CustsegError
from custseg.input.sources import Source
from custseg.schema import WARNING_CODES

TODAY = dt.date(2026, 11, 23)
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=20))
def test_date_parser_never_raises_unexpectedly(values):
    series = pd.Series(values, dtype=object)
    try:
        parsed, _ = parse_dates(series)
    except AmbiguousDates:
        return
    assert len(parsed) == len(values)
    assert parsed.isna()[series.str.strip() == ""].all()


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=20))
def test_amount_parser_never_raises(values):
    parsed = parse_amounts(pd.Series(values, dtype=object))
    assert len(parsed.value) == len(values) and len(parsed.currency_token) == len(values)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).map(lambda x: round(x, 2)))
def test_amounts_round_trip_in_every_style(x):
    plain = f"{x:.2f}"
    thousands = f"{x:,.2f}"
    parens = f"({abs(x):,.2f})"
    got = parse_amounts(pd.Series([plain, thousands])).value.tolist()
    assert got == [float(plain), float(plain)]
    assert parse_amounts(pd.Series([parens])).value.iloc[0] == -abs(float(plain))
    comma = f"{x:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    assert parse_amounts(pd.Series([comma]), decimal_comma=True).value.iloc[0] == float(plain)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_dates_round_trip_in_every_style(d):
    styles = [
        d.isoformat(),
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}年{d.month}月{d.day}日",
        d.strftime("%Y%m%d"),
        str((d - dt.date(1899, 12, 30)).days),
    ]
    parsed, _ = parse_dates(pd.Series(styles))
    assert [p.date() for p in parsed] == [d] * len(styles)
    dotted, order = parse_dates(pd.Series([d.strftime("%d.%m.%Y")]))
    assert dotted.iloc[0].date() == d


@settings(max_examples=200, deadline=None)
@given(texts)
def test_currency_and_country_lookups_never_raise(text):
    code = normalise_currency(text)
    assert code is None or (len(code) == 3 and code.isupper())
    cc = country_code(text)
    assert cc is None or len(cc) == 2


row = st.fixed_dictionaries(
    {
        "customer": st.one_of(st.sampled_from(["A", "B", "C", " D ", "", "合计"]), texts),
        "date": st.one_of(
            st.sampled_from(["2026-01-05", "2025/12/31", "2026年2月1日", "", "not a date", "2099-01-01", "45000"]),
            texts,
        ),
        "amount": st.one_of(st.sampled_from(["100", "-20", "(5.00)", "$1,200.50", "", "abc", "1e3"]), texts),
        "status": st.sampled_from(["", "已发货", "已取消", "退货", "Cancelled", "On Hold"]),
        "country": st.sampled_from(["", "美国", "Germany", "Narnia", "UK"]),
    }
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, min_size=1, max_size=25))
def test_pipeline_never_loses_a_row(rows):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["客户编号", "下单日期", "金额", "订单状态", "国家"])
    for r in rows:
        w.writerow([r["customer"], r["date"], r["amount"], r["status"], r["country"]])
    data = buf.getvalue().encode("utf-8")
    try:
        result = grade([Source.from_arg("-", data)], options=GradeOptions(today=TODAY))
    except CustsegError:
        return  # a whole-file error with a message (e.g. dates that need --dayfirst): never a crash
    rec = result.reconciliation
    assert rec["rows_read"] == len(rows)
    assert rec["rows_read"] == sum(v for k, v in rec.items() if k != "rows_read")
    row_problems = result.problems[~result.problems["reason_code"].isin(WARNING_CODES)]
    assert row_problems["row"].nunique() == rec["problem"]
