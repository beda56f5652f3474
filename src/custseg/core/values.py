"""Vectorised parsers for the values found in order exports: dates, amounts, ids, statuses.

Each parser takes a column of text and returns parsed values with NaN/NaT where a cell cannot be read,
so that the caller can turn exactly those cells into problem rows. Ambiguities (day-first vs
month-first, decimal comma vs point) are resolved once per column, never row by row.
"""

from __future__ import annotations

import operator
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd

DateOrder = Literal["dayfirst", "monthfirst"]

# Excel's day 0 is 1899-12-30 (it counts the fictional 1900-02-29); serials outside this range are not dates.
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
SERIAL_MIN, SERIAL_MAX = 10_000, 2_958_465  # 1927-05-18 .. 9999-12-31

_TIME = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?"
_NUMERIC_DATE = re.compile(r"^(\d{1,4})-(\d{1,2})-(\d{1,4})" + _TIME + "$")


class AmbiguousDates(Exception):
    """A column's dates read equally well day-first and month-first."""

    def __init__(self, example: str) -> None:
        super().__init__(example)
        self.example = example


def _text(s: pd.Series) -> pd.Series:
    return s.astype(object).where(s.notna(), "").astype(str).str.strip()


def _trimmed(values: pd.Series) -> pd.Series:
    """``_text(values)``, where every value is a str (as the readers give) in one list comprehension:
    several times faster than pandas' string methods on a column of a million lines."""
    items = values.tolist()
    if all(type(x) is str for x in items):
        return pd.Series([x.strip() for x in items], index=values.index, dtype=object)
    return _text(values).astype(object)


@dataclass
class Factorized:
    """A column as codes into its distinct texts. Exports repeat their values (dates, prices, statuses,
    ids) many times over, so parsing the distinct values and taking them back by code is several times
    faster than parsing every cell, with the same result. One column is factorized once and shared by
    every parser that reads it."""

    codes: np.ndarray
    uniques: pd.Series
    index: pd.Index

    @cached_property
    def trimmed(self) -> pd.Series:
        """The distinct texts trimmed, worked out once for the several checks that read a column."""
        return _trimmed(self.uniques)

    @cached_property
    def blank(self) -> np.ndarray:
        """Which distinct texts are empty once trimmed. Unless they are trimmed anyway, a text is blank when
        it is empty or all whitespace (str.isspace and str.strip agree on what whitespace is): no trimmed
        copy of every distinct amount or date is made for this check."""
        items = self.uniques.tolist()
        if "trimmed" in self.__dict__ or not all(type(x) is str for x in items):
            return np.fromiter(map(operator.not_, self.trimmed.tolist()), dtype=bool, count=len(self.trimmed))
        empty = np.fromiter(map(operator.not_, items), dtype=bool, count=len(items))
        return empty | np.fromiter(map(str.isspace, items), dtype=bool, count=len(items))

    def take(self, parsed: pd.Series) -> pd.Series:
        return pd.Series(parsed.to_numpy()[self.codes], index=self.index, dtype=parsed.dtype)

    def texts(self) -> np.ndarray:
        """Every cell's text again (an array of references to the distinct texts, not new strings)."""
        return self.uniques.to_numpy(dtype=object)[self.codes]

    @classmethod
    def of(cls, codes: np.ndarray, uniques: np.ndarray | list, index: pd.Index | None = None) -> Factorized:
        """Codes stored as int32 when the distinct values allow it: half the memory of a large column."""
        if len(uniques) < 2**31 - 1:
            codes = codes.astype(np.int32, copy=False)
        return cls(codes, pd.Series(uniques, dtype=object), pd.RangeIndex(len(codes)) if index is None else index)


Column: TypeAlias = pd.Series | Factorized


def factorized(raw: Column) -> Factorized:
    if isinstance(raw, Factorized):
        return raw
    values = raw.to_numpy(dtype=object, na_value="")
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return Factorized(codes, pd.Series(uniques, dtype=object), raw.index)


def stripped(raw: Column) -> pd.Series:
    """The cells' text, trimmed (computed once per distinct value)."""
    fz = factorized(raw)
    return fz.take(fz.trimmed)


def trimmed_categorical(raw: Column) -> pd.Categorical:
    """The cells' trimmed text as a categorical: a code a line into the distinct texts. The per-customer
    groupbys take the codes as they are instead of hashing a million texts again, and a line costs one
    to four bytes instead of an eight-byte pointer."""
    fz = factorized(raw)
    merged, texts = pd.factorize(fz.trimmed.to_numpy(dtype=object))  # two texts may trim to one
    return categorical_of_distinct(merged[fz.codes], texts)


def categorical_of_distinct(codes: np.ndarray, texts: np.ndarray) -> pd.Categorical:
    """A categorical of ``codes`` into ``texts``, which are distinct (a factorize made them). pandas hashes
    the texts once more to check that they are distinct; its unchecked constructor is private and would
    give wrong comparisons, silently, if they ever were not."""
    return pd.Categorical.from_codes(codes, categories=pd.Index(texts, dtype=object))


def blank_cells(raw: Column) -> np.ndarray:
    """Where a cell's trimmed text is empty, as ``stripped(raw) == ""`` is, decided once per distinct value
    rather than by comparing every cell's text."""
    fz = factorized(raw)
    return fz.blank[fz.codes]


def parse_dates(raw: Column, order: DateOrder | None = None) -> tuple[pd.Series, DateOrder | None]:
    """See :func:`_parse_dates`; parsed once per distinct text."""
    fz = factorized(raw)
    parsed, resolved = _parse_dates(fz.uniques, order)
    return fz.take(parsed), resolved


def _date_order(text: pd.Series, a: pd.Series, b: pd.Series, year_last: pd.Series) -> DateOrder:
    """Day-first or month-first for the a/b/yyyy dates (``year_last``) of a column, from their first
    parts ``a`` and second parts ``b``; an :class:`AmbiguousDates` when nothing in them decides."""
    first_big = (a[year_last] > 12).any()
    second_big = (b[year_last] > 12).any()
    if first_big and not second_big:
        return "dayfirst"
    if second_big and not first_big:
        return "monthfirst"
    if first_big and second_big:
        # Both kinds in one column: go with the majority; the rest fail as bad dates and show.
        return "dayfirst" if (a[year_last] > 12).sum() >= (b[year_last] > 12).sum() else "monthfirst"
    if text[year_last].str.contains(".", regex=False).all():
        return "dayfirst"  # 05.03.2025 is the European (German, Russian) day-first style
    raise AmbiguousDates(str(text[year_last].iloc[0]))


def _parse_other_forms(out: pd.Series, text: pd.Series, rest: pd.Series, order: DateOrder | None) -> None:
    """Into ``out``, where ``rest`` holds: yyyymmdd, Excel serial numbers and dates with month names."""
    compact = rest & text.str.fullmatch(r"\d{8}")
    if compact.any():
        out[compact] = pd.to_datetime(text[compact], format="%Y%m%d", errors="coerce")
    serial = rest & ~compact & text.str.fullmatch(r"\d{5,7}(?:\.\d+)?")
    if serial.any():
        value = pd.to_numeric(text[serial], errors="coerce")
        value = value.where(value.between(SERIAL_MIN, SERIAL_MAX))
        days = np.floor(value.to_numpy(dtype=float))
        dates = np.full(len(days), np.datetime64("NaT", "D"), dtype="datetime64[D]")
        good = ~np.isnan(days)
        dates[good] = EXCEL_EPOCH + days[good].astype("int64").astype("timedelta64[D]")
        out[serial] = pd.Series(dates, index=text[serial].index).astype("datetime64[s]")
    worded = out.isna() & text.str.contains(r"[A-Za-z]{3}", regex=True) & (text != "")
    if worded.any():
        uniq = text[worded].unique()
        parsed = {}
        for u in uniq:  # month names are rare in exports; parse each distinct value once
            parsed[u] = _worded_date(u, order)
        out[worded] = text[worded].map(parsed).astype("datetime64[s]")


# A JavaScript date string ends in the zone's name: "Thu Aug 07 2025 12:10:50 GMT+0600 (Bangladesh Standard Time)".
_ZONE_NAME = re.compile(r"\s*\([^()]*\)\s*$")


def _worded_date(text: str, order: DateOrder | None) -> pd.Timestamp:
    """The day of a date written with words (month names, weekdays, a zone such as UTC or GMT+0600), as
    written: a date-time with a zone keeps its own wall-clock day, the export's, not the day in UTC. NaT
    where it cannot be read."""
    try:
        with warnings.catch_warnings():  # dateutil's guesses warn; a failure is a NaT here
            warnings.simplefilter("ignore")
            ts = pd.to_datetime(_ZONE_NAME.sub("", text), dayfirst=order == "dayfirst")
    except (ValueError, OverflowError, TypeError):
        return pd.NaT
    if pd.isna(ts):
        return pd.NaT
    ts = pd.Timestamp(ts)
    return (ts.tz_localize(None) if ts.tzinfo is not None else ts).normalize()


def _parse_dates(raw: pd.Series, order: DateOrder | None = None) -> tuple[pd.Series, DateOrder | None]:
    """Parse a column of dates to datetime64 (day precision); NaT where unreadable.

    Accepts ISO dates and date-times, ``2025/3/5``, ``2025年3月5日``, ``05.03.2025`` (day first),
    ``20250305``, Excel serial numbers and month names. ``a/b/yyyy`` is read day-first or
    month-first for the whole column: from ``order`` when given, else from the values themselves
    (a first part over 12 means day-first; a second part over 12 means month-first; dots mean day-first).
    Raises :class:`AmbiguousDates` when nothing in the column decides.
    """
    text = _text(raw)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[s]")
    if text.empty:
        return out, order
    norm = (
        text.str.replace("年", "-", regex=False)
        .str.replace("月", "-", regex=False)
        .str.replace("日", "", regex=False)
        # Only the date's own separators: a time's fraction of a second keeps its point (00:20:29.832Z).
        .str.replace(r"^(\d{1,4})[/.](\d{1,2})[/.](\d{1,4})", r"\1-\2-\3", regex=True)
    )
    parts = norm.str.extract(_NUMERIC_DATE)
    has = parts[0].notna()
    a = pd.to_numeric(parts[0], errors="coerce")
    b = pd.to_numeric(parts[1], errors="coerce")
    c = pd.to_numeric(parts[2], errors="coerce")
    year_first = has & (parts[0].str.len() == 4)
    year_last = has & ~year_first & (parts[2].str.len().isin([2, 4]))
    resolved = order if order is not None or not year_last.any() else _date_order(text, a, b, year_last)
    year = pd.Series(np.nan, index=raw.index)
    month = pd.Series(np.nan, index=raw.index)
    day = pd.Series(np.nan, index=raw.index)
    year[year_first], month[year_first], day[year_first] = a[year_first], b[year_first], c[year_first]
    if year_last.any():
        yl = c[year_last].where(c[year_last] >= 100, c[year_last] + 2000)
        year[year_last] = yl
        if resolved == "dayfirst":
            day[year_last], month[year_last] = a[year_last], b[year_last]
        else:
            month[year_last], day[year_last] = a[year_last], b[year_last]
    ok = year.notna() & month.between(1, 12) & day.between(1, 31) & year.between(1900, 9999)
    if ok.any():
        built = pd.to_datetime(
            pd.DataFrame({"year": year[ok], "month": month[ok], "day": day[ok]}).astype("int64"), errors="coerce"
        )
        out[ok] = built
    rest = out.isna() & (text != "")
    if rest.any():
        _parse_other_forms(out, text, rest, resolved)
    return out.dt.normalize(), resolved


# ----------------------------------------------------------------------------- amounts

_CUR_WORD = r"[A-Za-z]{3}|US\$|HK\$|S\$|A\$|C\$|NT\$|R\$|RMB|人民币|美元|欧元|英镑|日元|港币|港元|元|[$€£¥￥₩₹₽]"
_AMOUNT = re.compile(
    r"^(?P<s1>[-+−])?\s*(?P<pre>" + _CUR_WORD + r")?\s*(?P<s2>[-+−])?\s*"
    r"(?P<num>\d[\d,.' \u00a0\u202f]*(?:[eE][-+]?\d+)?|[.,]\d+)\s*(?P<post>" + _CUR_WORD + r")?\s*(?P<s3>-)?$"
)


@dataclass
class ParsedAmounts:
    value: pd.Series  # float64, NaN where blank or unreadable
    currency_token: pd.Series  # the currency symbol or code written in the cell, "" when none
    decimal_comma: bool


@dataclass
class ParsedColumn:
    """:class:`ParsedAmounts` of a whole column, its currency tokens kept as codes into the few distinct
    tokens: the currency step decides each distinct token once instead of comparing a million texts."""

    value: pd.Series
    tokens: Factorized
    decimal_comma: bool

    @property
    def currency_token(self) -> pd.Series:
        return pd.Series(self.tokens.texts(), index=self.tokens.index, dtype=object)


def parse_amounts(raw: Column, decimal_comma: bool | None = None) -> ParsedColumn:
    """See :func:`_parse_amounts`; parsed once per distinct text."""
    fz = factorized(raw)
    parsed = _parse_amounts(fz.uniques, decimal_comma)
    token_codes, tokens = pd.factorize(parsed.currency_token.to_numpy(dtype=object))
    return ParsedColumn(
        value=fz.take(parsed.value),
        tokens=Factorized.of(token_codes[fz.codes], tokens, fz.index),
        decimal_comma=parsed.decimal_comma,
    )


_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_PLAIN_NUMBER_RE2 = r"^-?[0-9]+(?:\.[0-9]+)?$"  # the ASCII plain numbers, in RE2's spelling


def _parse_amounts(raw: pd.Series, decimal_comma: bool | None = None) -> ParsedAmounts:
    """Plain numbers (``1234.5``, ``-12``) take a C-speed path; the rest go through the full grammar."""
    items = raw.tolist()
    if decimal_comma is None and "," not in "".join(items):
        decimal_comma = False  # no comma anywhere: nothing can be a decimal comma
    if decimal_comma:
        return _parse_amounts_full(raw, decimal_comma)
    plain, plain_values = _plain_numbers(items)
    if not plain.any():
        return _parse_amounts_full(raw, decimal_comma)
    value = pd.Series(np.nan, index=raw.index)
    token = pd.Series("", index=raw.index, dtype=object)
    value[plain] = plain_values
    if (~plain).any():
        rest = _parse_amounts_full(raw[~plain], decimal_comma)
        value[~plain] = rest.value
        token[~plain] = rest.currency_token
        decimal_comma = rest.decimal_comma
    return ParsedAmounts(value=value, currency_token=token, decimal_comma=bool(decimal_comma))


def _plain_numbers(items: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(which texts are plain numbers, their values). pyarrow finds and casts the ASCII ones in C, several
    times faster than a regex per text and pd.to_numeric; both round correctly, to the same floats
    (compared in the tests). Python's regex and float() decide the rest, where ``\\d`` also takes other
    scripts' digits."""
    plain = np.zeros(len(items), dtype=bool)
    values = np.full(len(items), np.nan)
    rest = np.arange(len(items))
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        pa = None
    if pa is not None:
        texts = pa.array(items, pa.string())
        ascii_plain = pc.match_substring_regex(texts, _PLAIN_NUMBER_RE2).to_numpy(zero_copy_only=False)
        if ascii_plain.any():
            values[ascii_plain] = pc.cast(texts.filter(ascii_plain), pa.float64()).to_numpy()
            plain |= ascii_plain
            rest = np.flatnonzero(~ascii_plain)
    if len(rest):
        others = [items[i] for i in rest]
        others_plain = np.fromiter((bool(_PLAIN_NUMBER.fullmatch(x)) for x in others), dtype=bool, count=len(others))
        if others_plain.any():
            where = rest[others_plain]
            plain[where] = True
            # Digits of other scripts (full-width １２３ typed with a Chinese input method): pandas reads none
            # of them (every such amount was a problem row); Python's float reads them all.
            values[where] = [float(others[i]) for i in np.flatnonzero(others_plain)]
    return plain, values[plain]


def _parse_amounts_full(raw: pd.Series, decimal_comma: bool | None = None) -> ParsedAmounts:
    """Parse money text: ``1,234.50``, ``$1,234.50``, ``USD 1,234.50``, ``¥8,000``, ``(12.00)``, ``1.234,50``.

    The decimal separator is decided for the whole column unless ``decimal_comma`` says it.
    """
    text = _text(raw)
    paren = text.str.startswith("(") & text.str.endswith(")")
    body = text.where(~paren, text.str.slice(1, -1))
    m = body.str.extract(_AMOUNT)
    num = m["num"].fillna("").str.replace(r"[ '\u00a0\u202f]", "", regex=True)
    if decimal_comma is None:
        comma_dec = num.str.fullmatch(r"\d{1,3}(?:\.\d{3})+,\d+|\d+,\d{1,2}")
        point_dec = num.str.fullmatch(r"[\d,]*\d\.\d{1,2}|\d{1,3}(?:,\d{3})+\.\d+")
        decimal_comma = bool(comma_dec.any()) and not bool(point_dec.any())
    if decimal_comma:
        cleaned = num.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        cleaned = num.str.replace(",", "", regex=False)
    value = pd.to_numeric(cleaned.where(cleaned != ""), errors="coerce").astype(float)
    negative = paren | m["s1"].isin(["-", "−"]) | m["s2"].isin(["-", "−"]) | m["s3"].eq("-")
    value = value.where(~negative.fillna(False), -value)
    token = m["pre"].fillna("").where(m["pre"].notna(), m["post"].fillna(""))
    return ParsedAmounts(value=value, currency_token=token.astype(str), decimal_comma=bool(decimal_comma))


# ----------------------------------------------------------------------------- ids, statuses, totals


def normalise_ids(raw: Column) -> pd.Series:
    """Customer ids are text: trimmed, ``17850.0`` read as ``17850``, leading zeros kept."""
    fz = factorized(raw)
    codes, texts = normalised_id_codes(fz)
    return pd.Series(texts[codes], index=fz.index, dtype=object)


def normalised_id_categorical(raw: Column) -> pd.Categorical:
    """:func:`normalise_ids` as a categorical (see :func:`trimmed_categorical`)."""
    codes, texts = normalised_id_codes(raw)
    return categorical_of_distinct(codes, texts)


def normalised_id_codes(raw: Column) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's normalised id as an int32 code into the distinct normalised ids (two texts such as
    ``17850`` and ``17850.0`` are one id, one code)."""
    fz = factorized(raw)
    # Most ids are letters and digits only, already normal: they skip the call (a third of the time).
    distinct = fz.uniques.tolist()
    normal = [x if type(x) is str and x.isalnum() else _normalise_id(x) for x in distinct]
    if normal == distinct:  # every id already normal (the usual case): the codes are the column's own
        return fz.codes.astype(np.int32), fz.uniques.to_numpy(dtype=object)
    merged, texts = pd.factorize(np.array(normal, dtype=object))
    return merged.astype(np.int32)[fz.codes], np.asarray(texts, dtype=object)


_SPACES = re.compile(r"\s+")
_FLOAT_ID = re.compile(r"(\d+)\.0+")


def _normalise_id(x: object) -> str:
    text = str(x).strip()
    if text.isalnum():  # letters and digits only (most ids): no inner spaces, not a float
        return text
    text = _SPACES.sub(" ", text)
    m = _FLOAT_ID.fullmatch(text)
    return m.group(1) if m else text


CANCELLED_WORDS = ("cancelled", "canceled", "cancel", "void", "voided", "已取消", "取消", "作废", "已作废", "撤销")
# Payments that did not happen: not revenue, set aside as cancelled lines are (shops' and payment
# platforms' words for a failed, declined, expired or not yet captured payment).
NOT_A_SALE_WORDS = (
    "failed",
    "declined",
    "expired",
    "unpaid",
    "pending",
    "pending payment",
    "authorized",
    "uncaptured",
    "requires_payment_method",
    "requires_confirmation",
    "requires_action",
    "incomplete",
    "待付款",
    "未付款",
    "待支付",
    "等待买家付款",
    "支付失败",
    "付款失败",
    "交易关闭",
    "已关闭",
    "checkout-draft",
    "partially_paid",
    "closed lost",
    "待审核",
    "未审核",
)
# Statuses of an order that stands: known, so that only the unknown ones are named in a run's notes.
ORDER_WORDS = (
    "paid",
    "completed",
    "complete",
    "shipped",
    "delivered",
    "fulfilled",
    "processing",
    "in process",
    "resolved",
    "succeeded",
    "approved",
    "invoiced",
    "closed won",
    "已发货",
    "已完成",
    "已付款",
    "已支付",
    "待发货",
    "已签收",
    "已收货",
    "交易成功",
    "卖家已发货",
    "买家已付款",
    "已审核",
    "已出库",
)
# A sale that was refunded afterwards: the order counts, and its refund nets it (by the export's
# refunded-amount column, else to zero).
RETURNED_WORDS = (
    "returned",
    "return",
    "refund",
    "refunded",
    "partially_refunded",
    "partially refunded",
    "fully refunded",
    "退货",
    "退款",
    "已退货",
    "已退款",
    "部分退款",
)
# A separate refund document (a credit note, a 退货单): not an order, its amount nets the customer's
# figures on its own date, whatever sign the export wrote it with.
REFUND_WORDS = ("credit note", "credit memo", "credit", "退货单", "销售退货单", "退款单", "红字发票", "红冲")


def status_kind_codes(
    raw: Column,
    kinds: tuple[str, ...],
    extra: Mapping[str, str] | None = None,
    layout: Mapping[str, str] | None = None,
    other: str | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(each status text's kind ('order', 'cancelled', 'returned' or 'refund'; case-insensitive, trimmed) as
    an int8 code into ``kinds``, whether custseg knows the text), decided per distinct status rather than
    by comparing a million texts. ``layout``: an export profile's own words, on top of the built-in ones;
    ``other``: the kind of a word neither knows (else an order, not known); ``extra`` (the rules' and
    --status's) wins over all. A blank status is a known order."""
    fz = factorized(raw)
    words = status_vocabulary(extra, layout)
    folded = fz.trimmed.str.casefold()
    looked = folded.map(words)
    known = looked.notna().to_numpy() | (folded == "").to_numpy()
    if other is not None:
        looked = looked.where(looked.notna() | (folded == ""), other)
        known[:] = True
    kind = looked.fillna("order").astype(object)
    return pd.Categorical(kind, categories=kinds).codes[fz.codes], known[fz.codes]


def status_vocabulary(
    extra: Mapping[str, str] | None = None, layout: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Every status text custseg knows (case-folded) -> its kind: order, cancelled (a cancellation, or a
    payment that did not happen), returned (a sale refunded afterwards) or refund (a refund document);
    ``layout`` (an export profile's words) on top, ``extra`` (the rules' and --status's) wins."""
    table = {w.casefold(): "order" for w in ORDER_WORDS}
    table.update({w.casefold(): "cancelled" for w in CANCELLED_WORDS + NOT_A_SALE_WORDS})
    table.update({w.casefold(): "returned" for w in RETURNED_WORDS})
    table.update({w.casefold(): "refund" for w in REFUND_WORDS})
    table.update({k.strip().casefold(): v for k, v in (layout or {}).items()})
    table.update({k.strip().casefold(): v for k, v in (extra or {}).items()})
    return table


def is_refund_document(raw: Column) -> np.ndarray:
    """Rows whose document type (订单类型/单据类型) names a refund document: 退货单, credit note..."""
    fz = factorized(raw)
    folded = fz.trimmed.str.casefold()
    words = tuple(w.casefold() for w in REFUND_WORDS if len(w) > 2 and w != "credit")
    hit = folded.map(lambda t: any(w in t for w in words)).to_numpy(dtype=bool)
    return hit[fz.codes]


SAMPLE_WORDS = ("样品单", "样单", "样品", "打样", "sample", "samples", "sample order", "trial order", "试单")


def is_sample(raw: Column) -> pd.Series:
    words = {w.casefold() for w in SAMPLE_WORDS}
    fz = factorized(raw)
    return fz.take(fz.trimmed.str.casefold().isin(words).astype(bool))


_TOTAL_HINT_RE = re.compile("合计|总计|小计|总额|total|sum")
_TOTAL_EXACT = {
    "合计",
    "总计",
    "小计",
    "总额",
    "总合计",
    "total",
    "totals",
    "grandtotal",
    "subtotal",
    "subtotals",
    "pagetotal",
    "monthlytotal",
    "sum",
    "sumtotal",
}


# 合计, 小计 and 总计 with a unit or a colon after them (合计：, 小计(USD)), or a period or a page before them
# (月合计, 本页合计, 本月小计, 年度总计).
_TOTAL_PREFIX = r"^(?:本页|当页|本月|当月|月度?|本年|年度?|季度?|总|全部)?(?:合计|总计|小计)"


def is_total_label(raw: Column) -> pd.Series:
    """Cells that label a total row: 合计/总计/小计/月合计/本页合计/Total/Subtotal/Grand Total (with or
    without a colon or unit)."""
    fz = factorized(raw)
    trimmed = fz.trimmed.tolist()
    # Most columns hold no total word at all: one search over their distinct texts joined says so (no word
    # holds a line break, so no match can span two texts).
    if _TOTAL_HINT_RE.search("\n".join(trimmed).casefold()) is None:
        return pd.Series(np.zeros(len(fz.codes), dtype=bool), index=fz.index)
    text = pd.Series([x.casefold() for x in trimmed], dtype=object)
    # Only texts containing a total word can be labels: one search over the distinct texts first.
    hint = _TOTAL_HINT_RE.search
    candidate = np.fromiter((hint(x) is not None for x in text.tolist()), dtype=bool, count=len(text))
    label = np.zeros(len(text), dtype=bool)
    if candidate.any():
        sub = text[candidate]
        folded = sub.str.replace(r"[\s\W_]+", "", regex=True)
        label[candidate] = (folded.isin(_TOTAL_EXACT) | sub.str.match(_TOTAL_PREFIX)).to_numpy(dtype=bool)
    return fz.take(pd.Series(label))
