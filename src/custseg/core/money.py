"""Currencies and exchange rates: every amount into one base currency, or a problem row that says why not."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from custseg.core.notes import Note
from custseg.core.problems import empty_problems, line_problems, set_aside
from custseg.errors import CurrencyError

if TYPE_CHECKING:
    from custseg.core.values import Factorized

# Symbols and words that stand for a currency in exports. "¥" is CNY unless the user says JPY (--yen).
SYMBOLS: dict[str, str] = {
    "$": "USD",
    "US$": "USD",
    "USD$": "USD",
    "美元": "USD",
    "美金": "USD",
    "€": "EUR",
    "欧元": "EUR",
    "£": "GBP",
    "英镑": "GBP",
    "¥": "CNY",
    "￥": "CNY",
    "RMB": "CNY",
    "人民币": "CNY",
    "元": "CNY",
    "CNH": "CNY",
    "日元": "JPY",
    "円": "JPY",
    "HK$": "HKD",
    "港币": "HKD",
    "港元": "HKD",
    "S$": "SGD",
    "A$": "AUD",
    "C$": "CAD",
    "NT$": "TWD",
    "R$": "BRL",
    "₩": "KRW",
    "₹": "INR",
    "₽": "RUB",
}

# Minor units for the workbook's number format (ISO 4217); the default is 2.
MINOR_UNITS = {
    "JPY": 0,
    "KRW": 0,
    "VND": 0,
    "CLP": 0,
    "ISK": 0,
    "HUF": 2,
    "TWD": 2,
    "IDR": 2,
    "BHD": 3,
    "KWD": 3,
    "OMR": 3,
    "JOD": 3,
    "TND": 3,
    "LYD": 3,
    "IQD": 3,
}


def minor_unit(code: str) -> int:
    return MINOR_UNITS.get(code.upper(), 2)


def is_iso_currency(code: str) -> bool:
    import pycountry

    return pycountry.currencies.get(alpha_3=code.upper()) is not None


def normalise_currency(token: str, yen: str = "CNY") -> str | None:
    """An ISO 4217 code for a code, symbol or word; None when it is not a currency."""
    t = token.strip()
    if not t:
        return None
    if t in ("¥", "￥"):
        return yen
    if t in SYMBOLS:
        return SYMBOLS[t]
    up = t.upper()
    if up in SYMBOLS:
        return SYMBOLS[up]
    if len(up) == 3 and up.isascii() and up.isalpha() and is_iso_currency(up):
        return up
    return None


def currency_codes(tokens: Factorized, yen: str = "CNY") -> tuple[np.ndarray, np.ndarray]:
    """(codes, bad) for each distinct token of ``tokens``: its ISO code ("" where the token is blank or not
    a currency) and whether it is a token that is not a currency. The lines take them by code."""
    distinct = tokens.uniques.tolist()
    looked = np.array([normalise_currency(str(t), yen) or "" for t in distinct], dtype=object)
    bad = np.array([bool(str(t).strip()) for t in distinct], dtype=bool) & (looked == "")
    return looked, bad


@dataclass
class CurrencyCodes:
    """Each line's currency as a code into the few distinct ones, made once and read by every step that
    compares, groups or counts currencies, instead of hashing a million currency texts each time."""

    codes: np.ndarray
    names: np.ndarray  # object: the distinct currencies, in order of first appearance

    @classmethod
    def of(cls, currency: pd.Series | np.ndarray) -> CurrencyCodes:
        if isinstance(getattr(currency, "dtype", None), pd.CategoricalDtype):
            codes = currency.cat.codes.to_numpy()  # type: ignore[union-attr]
            if not len(codes) or codes.min() >= 0:
                return cls(codes, np.asarray(currency.cat.categories, dtype=object))  # type: ignore[union-attr]
        codes, names = pd.factorize(np.asarray(currency, dtype=object), use_na_sentinel=False)
        return cls(codes, np.asarray(names, dtype=object))

    def lines_in(self, name: str) -> np.ndarray:
        return (self.names == name)[self.codes] if len(self.names) else np.zeros(len(self.codes), dtype=bool)

    def renamed(self, old: str, new: str) -> CurrencyCodes:
        """``old`` read as ``new`` (which may be among the names already: the two become one)."""
        names = self.names.copy()
        names[names == old] = new
        merged, distinct = pd.factorize(names, use_na_sentinel=False)
        return CurrencyCodes(merged[self.codes], np.asarray(distinct, dtype=object))

    def texts(self) -> np.ndarray:
        return self.names[self.codes]

    def subset(self, rows: np.ndarray) -> CurrencyCodes:
        return CurrencyCodes(self.codes[rows], self.names)


# An order more than this many days after the last date of the reference table (the ECB's) still takes
# the table's last rate, and is counted: a week covers every weekend and holiday gap the ECB has, so
# a count above zero means the table is older than the orders, not that a holiday fell in between.
STALE_AFTER_DAYS = 7


@dataclass(frozen=True)
class Reference:
    """A published table of daily rates some of a run's rates come from (the ECB's), for the run info."""

    source: str  # "ecb_bundled" (shipped with the package) or "ecb_updated" (loaded by the user)
    origin: str  # where the table came from: a package and version, or the file loaded
    first_date: dt.date
    last_date: dt.date
    currencies: frozenset[str]  # the currencies this run converts with it


@dataclass
class Rates:
    """Exchange rates into the base currency: 1 unit of ``currency`` = ``rate`` units of base.

    Fixed rates apply to every date; monthly rates (``YYYY-MM``) to their month; daily rates from
    their date until the next one (the latest rate on or before the order date applies). A daily row
    whose rate is NaN is a day the currency had no rate (the ECB did not quote it): orders that fall
    to it have none either, instead of an older rate.
    """

    base: str = "USD"
    fixed: dict[str, float] = field(default_factory=dict)
    monthly: pd.DataFrame | None = None  # currency, month (Period), rate
    daily: pd.DataFrame | None = None  # currency, date, rate
    source: str = ""
    # Where each currency's rates come from: "file", "rules" or "reference" (the base needs none).
    origins: dict[str, str] = field(default_factory=dict)
    reference: Reference | None = None

    def given(self) -> bool:
        """Whether there is any rate at all to convert with."""
        return bool(self.fixed) or self.monthly is not None or self.daily is not None or self.reference is not None

    def covered(self) -> set[str]:
        """The currencies these rates name (for some date at least)."""
        named = set(self.fixed)
        for table in (self.monthly, self.daily):
            if table is not None:
                named |= set(table["currency"].astype(str))
        return named

    def convert(
        self, amount: pd.Series, currency: pd.Series, date: pd.Series, codes: CurrencyCodes | None = None
    ) -> tuple[pd.Series, pd.Series]:
        """(amount in base, reason) where reason is "" or 'unknown_currency' / 'missing_rate'. ``codes``:
        ``currency`` as :class:`CurrencyCodes`, when the caller has them."""
        rate = pd.Series(np.nan, index=amount.index)
        currency = currency.astype(object)  # one key dtype for the merges below
        # Lines are compared with a currency by their code into the few distinct currencies, not by
        # comparing a million texts once a currency.
        lines_in = (codes or CurrencyCodes.of(currency)).lines_in

        rate[lines_in(self.base)] = 1.0
        for cur, r in self.fixed.items():
            rate[lines_in(cur) & rate.isna().to_numpy()] = r
        if self.monthly is not None and len(self.monthly):
            need = rate.isna()
            if need.any():
                # Per currency, a lookup by month number: no frame of keys as long as the lines.
                # year * 12 + month - 1, from the dates' month numbers since 1970 (no year and month parts).
                months = date.to_numpy().astype("datetime64[M]").astype(np.int64) + 1970 * 12
                by_currency = self.monthly.assign(
                    n=self.monthly["month"].dt.year * 12 + self.monthly["month"].dt.month - 1
                )
                values = rate.to_numpy(copy=True)
                for cur, table in by_currency.groupby("currency", sort=True):
                    hit = need.to_numpy() & lines_in(cur)
                    if hit.any():
                        looked = table.drop_duplicates("n", keep="last").set_index("n")["rate"]
                        values[hit] = looked.reindex(months[hit]).to_numpy(dtype=float)
                rate = pd.Series(values, index=amount.index)
        if self.daily is not None and len(self.daily):
            need = rate.isna().to_numpy() & date.notna().to_numpy()
            if need.any():
                values = rate.to_numpy(copy=True)
                values[need] = self._daily_rates(codes or CurrencyCodes.of(currency), date.to_numpy(), need)
                rate = pd.Series(values, index=amount.index)
        # A categorical: a million reasons are compared by their one-byte codes.
        reason = pd.Series(
            pd.Categorical.from_codes(rate.isna().to_numpy().astype(np.int8), ["", "missing_rate"]), index=amount.index
        )
        return amount * rate, reason

    def _daily_rates(self, codes: CurrencyCodes, dates: np.ndarray, need: np.ndarray) -> np.ndarray:
        """The daily rate of each line where ``need``: the latest on or before its date (NaN before a
        currency's first date, or where it has none). A grid of currencies x calendar days, each row the
        currency's rates carried forward over the days between them, is read with one gather for all the
        lines: no sort and no per-currency pass over a million lines. Orders after the last date take the
        last day's rates; of two rates on one date the later in the table wins."""
        assert self.daily is not None
        keys = self.daily["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
        first, last = int(keys.min()), int(keys.max())
        grid = np.full((len(codes.names), last - first + 1), np.nan)
        table_currency = self.daily["currency"].astype(str).to_numpy()
        rates = self.daily["rate"].to_numpy(dtype=float)
        for k, name in enumerate(codes.names):
            mine = np.flatnonzero(table_currency == name)
            if not len(mine):
                continue
            mine = mine[np.argsort(keys[mine], kind="stable")]
            at = np.full(last - first + 1, -1, dtype=np.int64)
            at[keys[mine] - first] = np.arange(len(mine))  # a later row on the same day overwrites
            at = np.maximum.accumulate(at)
            grid[k] = np.where(at >= 0, rates[mine][np.maximum(at, 0)], np.nan)
        day = dates[need].astype("datetime64[D]").astype(np.int64) - first
        found = grid[codes.codes[need], np.clip(day, 0, last - first)]
        return np.where(day >= 0, found, np.nan)


@dataclass
class Converted:
    """What :func:`to_base_currency` found besides the amounts: each line's currency as codes, the notes
    for the user, the problem rows of lines without a rate and which rates were used (``exchange_rates``,
    stable English keys for the run info and the summary JSON)."""

    currencies: CurrencyCodes
    notes: list[Note]
    problems: pd.DataFrame
    exchange_rates: dict[str, object] = field(default_factory=dict)


def base_from_orders(lines: pd.DataFrame, base: str) -> tuple[str, list[Note]]:
    """The base currency for a run that was given neither a base currency nor rates: the one currency the
    used lines name (lines without one aside) when they name exactly one, with a base_from_orders note;
    else ``base`` as it is. A ZAR shop's export is graded in ZAR, not stopped for want of ZAR->USD rates.

    Reads the lines' currency (a categorical where "" is a line without one) and disposition."""
    named = currencies_in_use(lines, "")
    if len(named) != 1 or named == {base}:
        return base, []
    only = named.pop()
    return only, [Note("base_from_orders", {"base": only})]


def currencies_in_use(lines: pd.DataFrame, base: str) -> set[str]:
    """The currencies the used lines name, a line without one read as ``base`` ("" leaves those out).
    Reads currency (a categorical where "" is a line without one) and disposition."""
    used = lines["disposition"].eq("used").to_numpy()
    currencies = CurrencyCodes.of(lines["currency"])
    named = {str(c) for c in currencies.names[np.unique(currencies.codes[used])]}
    return (named - {""}) | ({base} if base and "" in named else set())


def to_base_currency(lines: pd.DataFrame, rates: Rates) -> Converted:
    """The money stage: every used line's amount into the base currency ``rates.base``.

    Takes the lines (file, sheet, row, order_date, amount, currency as a categorical where "" is a line
    without one, disposition) and changes them in place: ``currency`` becomes texts with "" read as the
    base currency (with an assumed_currency note when a used line had none), ``amount_base`` is added
    (NaN for lines not used), ``refunded_base`` too where the lines have ``refunded``, and used lines
    without a rate for their currency and date become problems (missing_rate). Raises
    :class:`CurrencyError` (no_rates) when used lines are in a foreign currency and no rate at all was
    given.
    """
    base = rates.base
    notes: list[Note] = []
    valid = lines["disposition"].eq("used")
    currencies = CurrencyCodes.of(lines["currency"])
    declared = pd.Series(currencies.lines_in(""), index=lines.index)
    if valid.any() and (declared & valid).any():
        notes.append(Note("assumed_currency", {"n": int((declared & valid).sum()), "base": base}))
    if declared.any():
        currencies = currencies.renamed("", base)
    lines["currency"] = pd.Series(currencies.texts(), index=lines.index, dtype=object)  # texts from here on
    in_use = set(currencies.names[np.unique(currencies.codes[valid.to_numpy()])])
    foreign = sorted(in_use - {base})
    if foreign and not rates.given():
        raise CurrencyError(
            f"the orders are in {', '.join([base] + foreign) if base in in_use else ', '.join(foreign)}"
            f" but no exchange rates were given to put them into the base currency {base}",
            hint=f"give exchange rates (columns currency,rate: 1 unit = rate {base}), or make {foreign[0]} the base "
            "currency if that is the only currency",
            code="no_rates",
            values={"base": base, "currency": foreign[0]},
        )
    lines["amount_base"] = np.nan
    found = empty_problems()
    missing = pd.Index([])
    if valid.any():
        converted, reason = rates.convert(
            lines.loc[valid, "amount"],
            lines.loc[valid, "currency"],
            lines.loc[valid, "order_date"],
            currencies.subset(valid.to_numpy()),
        )
        lines.loc[valid, "amount_base"] = converted
        if "refunded" in lines:
            _refunds_to_base(lines, valid, rates, currencies)
        missing = reason.index[reason == "missing_rate"]
    report = _rates_report(lines, valid, currencies, rates, missing) if foreign else {}
    if report:
        notes += _rates_notes(report, rates)
    if len(missing):
        found = _missing_rates(lines.loc[missing], rates)
        set_aside(lines, missing, "problem")
    return Converted(currencies, notes, found, report)


def _rates_report(
    lines: pd.DataFrame, valid: pd.Series, currencies: CurrencyCodes, rates: Rates, missing: pd.Index
) -> dict[str, object]:
    """Which rates converted how many used lines (``amounts``: by origin), which currencies had none, and
    for a reference table its source, dates and the lines whose order is newer than it by more than
    STALE_AFTER_DAYS days. Counted per line by the currency codes: no text is compared per line."""
    used = valid.to_numpy().copy()
    no_rate = np.zeros(len(lines), dtype=bool)
    no_rate[lines.index.get_indexer(missing)] = True
    per_code = np.bincount(currencies.codes[used & ~no_rate], minlength=len(currencies.names))
    origin_of = {
        str(name): "base" if name == rates.base else rates.origins.get(str(name), "file") for name in currencies.names
    }
    amounts: dict[str, int] = {}
    for name, n in zip(currencies.names, per_code, strict=True):
        if n:
            amounts[origin_of[str(name)]] = amounts.get(origin_of[str(name)], 0) + int(n)
    missing_currencies = sorted({str(c) for c in lines.loc[missing, "currency"]}) if len(missing) else []
    report: dict[str, object] = {
        "source": "+".join(sorted({o for o in origin_of.values() if o != "base"} & set(amounts)) or ["none"]),
        "amounts": dict(sorted(amounts.items())),
        "missing_rate": len(missing),
        "missing_currencies": missing_currencies,
    }
    if rates.source and any(o in ("file", "rules") for o in amounts):
        report["file"] = rates.source
    ref = rates.reference
    if ref is not None:
        by_ref = np.array([origin_of[str(n)] == "reference" for n in currencies.names], dtype=bool)
        in_ref = used & ~no_rate & by_ref[currencies.codes]
        limit = np.datetime64(ref.last_date + dt.timedelta(days=STALE_AFTER_DAYS))
        newer = lines["order_date"].to_numpy() > limit
        report["reference"] = {
            "source": ref.source,
            "origin": ref.origin,
            "first_date": ref.first_date.isoformat(),
            "last_date": ref.last_date.isoformat(),
            "rule": "latest business day on or before the order date, cross rates through EUR",
            "stale_after_days": STALE_AFTER_DAYS,
            "stale_amounts": int((in_ref & newer).sum()),
        }
    return report


def _rates_notes(report: dict[str, object], rates: Rates) -> list[Note]:
    """What the user reads about the rates: the reference table used, the amounts converted with a rate
    older than the orders, where each amount's rate came from when two sources were combined, and the
    currencies left without a rate."""
    notes: list[Note] = []
    amounts: dict[str, int] = report["amounts"]  # type: ignore[assignment]
    ref: dict[str, object] | None = report.get("reference")  # type: ignore[assignment]
    if ref is not None and amounts.get("reference"):
        values = {k: ref[k] for k in ("origin", "first_date", "last_date")}
        notes.append(Note("rates_reference", {**values, "n": amounts["reference"], "base": rates.base}))
        if ref["stale_amounts"]:
            notes.append(
                Note(
                    "rates_stale",
                    {"n": ref["stale_amounts"], "last_date": ref["last_date"], "days": ref["stale_after_days"]},
                )
            )
    given = sum(n for origin, n in amounts.items() if origin in ("file", "rules"))
    if ref is not None and given:
        notes.append(
            Note(
                "rates_combined",
                {"file": rates.source, "given": given, "reference": amounts.get("reference", 0)},
            )
        )
    if report["missing_rate"]:
        missing: list[str] = report["missing_currencies"]  # type: ignore[assignment]
        notes.append(
            Note("rates_missing", {"n": report["missing_rate"], "currencies": ", ".join(missing), "base": rates.base})
        )
    return notes


def _refunds_to_base(lines: pd.DataFrame, valid: pd.Series, rates: Rates, currencies: CurrencyCodes) -> None:
    """``refunded_base``: the used lines' refunded amounts in the base currency, at their line's rate (0
    where none was refunded), in place."""
    lines["refunded_base"] = 0.0
    hit = valid & lines["refunded"].gt(0)
    if hit.any():
        converted, _ = rates.convert(
            lines.loc[hit, "refunded"],
            lines.loc[hit, "currency"],
            lines.loc[hit, "order_date"],
            currencies.subset(hit.to_numpy()),
        )
        lines.loc[hit, "refunded_base"] = converted.fillna(0.0)


def _missing_rates(lines: pd.DataFrame, rates: Rates) -> pd.DataFrame:
    """The missing_rate problem rows of ``lines`` (currency as texts, order_date), naming the currency and
    the period its rate was looked up for: the month where the rates are monthly for it (or only fixed),
    the order date where a daily table is what it was looked up in (the ECB's, or a file's date column),
    since an ECB day without a quote is no gap in a month."""
    monthly = set() if rates.monthly is None else set(rates.monthly["currency"].astype(str))
    by_date = np.zeros(len(lines), dtype=bool)
    if rates.daily is not None:
        by_date = ~lines["currency"].isin(monthly).to_numpy()
    when = np.where(
        by_date,
        lines["order_date"].dt.strftime("%Y-%m-%d").to_numpy(),
        lines["order_date"].dt.strftime("%Y-%m").to_numpy(),
    )
    word = np.where(by_date, " on ", " in ")
    currency = lines["currency"].to_numpy()
    reason = "no exchange rate for " + currency + word + when
    return line_problems(lines, "currency", "missing_rate", pd.Series(currency + " " + when, index=lines.index), reason)


def net_returns(lines: pd.DataFrame, returned: set[str]) -> int:
    """Orders on a returns list net to zero, the sale and its refund: the used lines of those orders
    (order_id) get ``amount_base`` 0, in place. Returns how many used lines were returned: those plus
    the lines whose status says returned (status_kind)."""
    if not len(lines):
        return 0
    valid = lines["disposition"].eq("used")
    returned_lines = 0
    if returned and valid.any():
        hit = valid & lines["order_id"].isin(returned)
        returned_lines = int(hit.sum())
        lines.loc[hit, "amount_base"] = 0.0
    return returned_lines + int((valid & lines["status_kind"].eq("returned")).sum())
