"""The per-distinct-value parsers' fast paths give what their plain definitions give."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from custseg.core.values import (
    _PLAIN_NUMBER,
    Factorized,
    _plain_numbers,
    _text,
    _trimmed,
    blank_cells,
    categorical_of_distinct,
    is_total_label,
    parse_amounts,
    stripped,
)

EVERY_CHARACTER = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]


def test_trimmed_texts_are_the_pandas_strip_on_every_character():
    texts = [t for ch in EVERY_CHARACTER for t in (ch, f"{ch}a{ch}")]
    values = pd.Series(texts, dtype=object)
    assert _trimmed(values).tolist() == _text(values).tolist()
    mixed = pd.Series([" a ", None, np.nan, 12.5, "\u3000b"], dtype=object)  # not all str: pandas' path
    assert _trimmed(mixed).tolist() == ["a", "", "", "12.5", "b"]


def test_blank_texts_by_isspace_are_the_blank_ones_after_strip():
    texts = [t for ch in EVERY_CHARACTER for t in (ch, ch * 2, f"{ch}a")] + [""]
    expected = [not t.strip() for t in texts]
    assert Factorized.of(np.arange(len(texts)), texts).blank.tolist() == expected
    trimmed_first = Factorized.of(np.arange(len(texts)), texts)
    assert trimmed_first.trimmed is not None and trimmed_first.blank.tolist() == expected


def test_categorical_of_distinct_texts_is_the_checked_one():
    texts = np.array(["b", "a", "", "c d"], dtype=object)
    codes = np.array([3, 0, 0, 2, 1], dtype=np.int32)
    fast = categorical_of_distinct(codes, texts)
    checked = pd.Categorical.from_codes(codes, categories=pd.Index(texts, dtype=object))
    assert fast.dtype == checked.dtype and fast.codes.tolist() == checked.codes.tolist()
    assert fast.categories.dtype == object and list(fast) == ["c d", "b", "b", "", "a"]


def test_blank_and_stripped_cells_by_distinct_value():
    fz = Factorized.of(np.array([0, 1, 2, 1, 3]), [" x ", "", "\u3000 \t", "y"])
    assert blank_cells(fz).tolist() == [False, True, True, True, False]
    assert stripped(fz).tolist() == ["x", "", "", "", "y"]


def test_total_labels():
    texts = [
        "合计",
        "Grand Total:",
        "总计(USD)",
        "TOTAL",
        "Sum",
        "小计 - 华东",
        "Totally Fabrics Ltd",
        "C0001",
        "Summit Trading",
        "",
        "sub-total",
    ]
    got = is_total_label(pd.Series(texts, dtype=object)).tolist()
    assert got == [True, True, True, True, True, True, False, False, False, False, True]


def test_amounts_plain_and_written_with_currencies():
    parsed = parse_amounts(pd.Series(["12", "-3.5", "$1,200.00", "1200", "(40)", "EUR 7", "", "abc"], dtype=object))
    assert parsed.value.tolist()[:6] == [12.0, -3.5, 1200.0, 1200.0, -40.0, 7.0]
    assert parsed.value.iloc[6:].isna().all()
    assert parsed.currency_token.tolist() == ["", "", "$", "", "", "EUR", "", ""]


def test_plain_numbers_found_and_cast_as_python_and_pandas_do():
    rng = np.random.default_rng(11)
    texts = [f"{rng.integers(0, 10**12)}.{rng.integers(0, 10**9):0{rng.integers(1, 10)}d}" for _ in range(2000)]
    texts += [repr(float(x)) for x in rng.random(2000) * 10.0 ** rng.integers(-3, 15, 2000)]
    texts += [
        "7",
        "-12",
        "007",
        "00.50",
        "-0.0",
        "99999999999999999999999",
        "9007199254740993",
        "1.5e3",
        "1,200",
        "$5",
        " 5",
        "5 ",
        "",
        "-",
        ".5",
        "5.",
        "１２３",
        "٣.٥",
        "１.5",
        "12\n",
    ]
    plain, values = _plain_numbers(texts)
    expected_plain = np.array([bool(_PLAIN_NUMBER.fullmatch(t)) for t in texts])
    assert plain.tolist() == expected_plain.tolist()
    ascii_plain = [t for t, p in zip(texts, plain, strict=False) if p and t.isascii()]
    expected = pd.to_numeric(pd.Series(ascii_plain, dtype=object)).astype(float).to_numpy()
    assert np.array_equal(values[: len(ascii_plain)], expected)  # the ASCII ones come first in texts
    assert np.array_equal(values[len(ascii_plain) :], [123.0, 3.5, 1.5])  # full-width and Arabic-Indic digits


def test_normalised_ids_keep_the_column_codes_when_every_id_is_normal():
    from custseg.core.values import normalised_id_codes

    plain = Factorized.of(np.array([2, 0, 1, 0]), ["C1", "B7", "a9"])
    codes, texts = normalised_id_codes(plain)
    assert texts[codes].tolist() == ["a9", "C1", "B7", "C1"]
    mixed = Factorized.of(np.array([0, 1, 2, 3]), ["17850", " 17850.0 ", "A 1", "A  1"])
    codes, texts = normalised_id_codes(mixed)
    assert texts[codes].tolist() == ["17850", "17850", "A 1", "A 1"] and codes.tolist() == [0, 0, 1, 1]


def test_dates_as_exports_write_them_keep_their_own_day():
    """ISO date-times with fractions and zones (Shopify, Stripe), RFC 2822 and JavaScript date strings, a
    zone name: the day is the one written, in the export's own zone, not the day in UTC."""
    from custseg.core.values import parse_dates

    texts = [
        "2025-08-07T00:20:29.832Z",
        "2025-08-07 00:20:29.832+00:00",
        "2025-08-06T23:50:00-05:00",  # 04:50 on the 7th in UTC, but the export's day is the 6th
        "Thu Aug 07 2025 12:10:50 GMT+0600 (Bangladesh Standard Time)",
        "2021-04-20 07:49:50 +0100",
        "20 Apr, 2021 07:49:50",
        "2024-03-01 23:30:00 UTC",
        "Sat, 09 Aug 2025 23:59:00 -0700",
        "2025/8/7 12:00:01.5",
    ]
    days = parse_dates(pd.Series(texts))[0].dt.strftime("%Y-%m-%d").tolist()
    assert days == [
        "2025-08-07", "2025-08-07", "2025-08-06", "2025-08-07", "2021-04-20", "2021-04-20", "2024-03-01",
        "2025-08-09", "2025-08-07",
    ]  # fmt: skip


def test_a_column_of_zoned_date_strings_grades_instead_of_failing(tmp_path):
    """Dates with a zone name went down a path that stopped the run with a traceback."""
    from conftest import TODAY

    from custseg.api import GradeOptions, grade

    path = tmp_path / "payments.csv"
    path.write_text(
        "customer_id,order_date,amount\n"
        "A,Thu Aug 07 2025 12:10:50 GMT+0600 (Bangladesh Standard Time),10\n"
        "A,2025-09-01 08:00:00 UTC,5\n",
        encoding="utf-8",
    )
    got = grade(path, options=GradeOptions(today=TODAY, base_currency="USD")).customers.iloc[0]
    assert (got["first_order_date"].date(), got["last_order_date"].date(), got["monetary"]) == (
        dt.date(2025, 8, 7),
        dt.date(2025, 9, 1),
        15.0,
    )
