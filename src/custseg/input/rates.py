"""Exchange-rate files: ``currency,rate`` with an optional ``month`` or ``date``, read into :class:`Rates`."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from custseg.core.money import Rates, normalise_currency
from custseg.errors import CurrencyError, InputError

# Daily rates for every currency an exporter meets, over years, stay well below these: a larger file
# is not a rates file, and is refused before pandas parses it.
MAX_RATES_ROWS = 200_000
MAX_RATES_BYTES = 16 * 2**20


def load_rates_csv(path: Path | str, base: str) -> Rates:
    """``currency,rate`` plus optionally ``month`` (YYYY-MM) or ``date``, and a ``base`` column to check."""
    from custseg.input.bounds import human_size, read_capped

    name = str(path)
    try:
        data = read_capped(path, MAX_RATES_BYTES)
    except OSError as exc:
        raise InputError(f"{name}: the rates file cannot be read ({exc.strerror})") from None
    hint = "keep one rate per currency, or per currency and the months or days the orders need"
    if data is None:
        too_big = f"larger than {human_size(MAX_RATES_BYTES)}"
        raise InputError(f"{name}: the rates file is {too_big}", hint=hint, code="rates_file_too_large")
    if data.count(b"\n") > MAX_RATES_ROWS + 1:
        raise InputError(
            f"{name}: the rates file has more than {MAX_RATES_ROWS:,} rows", hint=hint, code="rates_file_too_large"
        )
    from custseg.input.csv_file import sniff_delimiter
    from custseg.input.encoding import decode_text

    text, _ = decode_text(data, name, None)
    delim = sniff_delimiter(text.splitlines()[:10])
    try:
        table = pd.read_csv(io.StringIO(text), sep=delim, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"{name}: the rates file is not a readable CSV ({exc})") from None
    table.columns = [c.strip().lower() for c in table.columns]
    if not {"currency", "rate"} <= set(table.columns):
        raise InputError(
            f"{name}: the rates file needs the columns currency and rate; found {', '.join(table.columns)}",
            hint="1 unit of currency = rate units of the base currency, e.g. EUR,1.08",
        )
    if "base" in table.columns:
        bases = {b.strip().upper() for b in table["base"] if b.strip()}
        if bases - {base}:
            raise CurrencyError(
                f"{name}: the rates are into {', '.join(sorted(bases))}, but the base currency is {base}",
                hint=f"make {sorted(bases)[0]} the base currency, or give rates into {base}",
                code="rates_into_other_base",
                values={"rates_base": sorted(bases)[0], "base": base},
            )
    codes = table["currency"].str.strip().str.upper()
    bad_codes = sorted({c for c in codes if normalise_currency(c) is None})
    if bad_codes:
        raise InputError(f"{name}: not ISO 4217 currency codes: {', '.join(bad_codes)}")
    codes = codes.map(lambda c: normalise_currency(c) or c)
    rate = _read_rates(table["rate"], name)
    bad = rate.isna() | (rate <= 0)
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise InputError(f"{name}, line {line}: the rate {table['rate'].iloc[line - 2]!r} is not a positive number")
    rates = Rates(base=base, source=name)
    if "date" in table.columns:
        from custseg.core.values import parse_dates

        dates, _ = parse_dates(table["date"])
        if dates.isna().any():
            line = int(np.flatnonzero(dates.isna().to_numpy())[0]) + 2
            raise InputError(
                f"{name}, line {line}: the date {table['date'].iloc[line - 2]!r} cannot be read",
                hint="write dates as YYYY-MM-DD",
            )
        _refuse_two_rates(name, codes, dates.dt.strftime("%Y-%m-%d"), rate, "on")
        rates.daily = pd.DataFrame({"currency": codes, "date": dates, "rate": rate})
    elif "month" in table.columns:
        months = pd.to_datetime(table["month"].str.strip(), format="%Y-%m", errors="coerce")
        if months.isna().any():
            line = int(np.flatnonzero(months.isna().to_numpy())[0]) + 2
            raise InputError(f"{name}, line {line}: the month {table['month'].iloc[line - 2]!r} is not YYYY-MM")
        _refuse_two_rates(name, codes, months.dt.strftime("%Y-%m"), rate, "in")
        rates.monthly = pd.DataFrame({"currency": codes, "month": months.dt.to_period("M"), "rate": rate})
    else:
        _refuse_two_rates(name, codes, None, rate, "")
        rates.fixed = dict(zip(codes, rate.astype(float), strict=True))
    return rates


def _refuse_two_rates(name: str, codes: pd.Series, when: pd.Series | None, rate: pd.Series, word: str) -> None:
    """Two different rates for one currency and month (``word`` "in"), date ("on") or for every date
    (``when`` None) are an error naming the file, both lines and the currency: keeping either would be a
    guess. The same rate twice (a row copied) gives the same number whichever is kept, so it passes."""
    keys = pd.DataFrame(
        {
            "currency": codes.to_numpy(),
            "when": "" if when is None else when.to_numpy(),
            "rate": rate.to_numpy(dtype=float),
            "line": np.arange(len(codes)) + 2,
        }
    )
    distinct = keys.drop_duplicates(["currency", "when", "rate"])
    clash = distinct[distinct.duplicated(["currency", "when"], keep=False)]
    if not len(clash):
        return
    first, second = (
        clash[(clash["currency"] == clash["currency"].iloc[0]) & (clash["when"] == clash["when"].iloc[0])]
        .iloc[:2]
        .itertuples(index=False)
    )
    period = f" {word} {first.when}" if when is not None else ""
    hint = (
        "add a month or date column for rates that change over time"
        if when is None
        else f"keep one rate per currency and {'date' if word == 'on' else 'month'}"
    )
    raise InputError(
        f"{name}, lines {first.line} and {second.line}: the currency {first.currency} has two rates{period}"
        f" ({first.rate:g} and {second.rate:g})",
        hint=hint,
    )


_COMMA_DECIMAL = re.compile(r"\d+,(?:\d{1,2}|\d{4,})|\d{1,3}(?:\.\d{3})+,\d+")
_POINT_DECIMAL = re.compile(r"\d+\.(?:\d{1,2}|\d{4,})|\d{1,3}(?:,\d{3})+\.\d+")
_COMMA_EITHER = re.compile(r"\d{1,3}(?:,\d{3})+")


def _read_rates(texts: pd.Series, name: str) -> pd.Series:
    """The rate column as numbers, its decimal separator decided once for the column as amounts' is
    (core/values.py): a comma that can only be a decimal one (``1,08``, ``0,0085``, ``1.234,5``) and no
    point that can only be a decimal one (``1.08``, ``1,234.5``) make it a decimal comma, so ``1,08`` is
    1.08, never 108. Both in one column, or only commas that could be either (``1,085``: 1.085 or 1085),
    is an error: a rate misread by a factor of a thousand would convert every order quietly wrong.
    NaN where a text is no number (the caller names it)."""
    text = texts.str.strip().str.replace(r"[ \u00a0\u202f']", "", regex=True)
    comma = text.map(lambda t: bool(_COMMA_DECIMAL.fullmatch(t)))
    point = text.map(lambda t: bool(_POINT_DECIMAL.fullmatch(t)))
    if comma.any() and point.any():
        a, b = int(np.flatnonzero(comma.to_numpy())[0]), int(np.flatnonzero(point.to_numpy())[0])
        raise InputError(
            f"{name}: the rates are written with a decimal comma on line {a + 2} ({texts.iloc[a]!r}) and a decimal"
            f" point on line {b + 2} ({texts.iloc[b]!r})",
            hint="write every rate with a decimal point, e.g. 1.08",
        )
    either = text.map(lambda t: bool(_COMMA_EITHER.fullmatch(t)))
    if either.any() and not comma.any() and not point.any():
        a = int(np.flatnonzero(either.to_numpy())[0])
        raise InputError(
            f"{name}, line {a + 2}: the rate {texts.iloc[a]!r} could be read with its comma as a decimal comma or"
            " as a thousands separator",
            hint="write every rate with a decimal point and no thousands separator, e.g. 1.085 or 1085",
        )
    if comma.any():
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        text = text.str.replace(",", "", regex=False)
    return pd.to_numeric(text, errors="coerce")


def build_rates(
    base: str,
    rates_file: Path | str | None,
    fixed: dict[str, float],
    in_use: set[str] | frozenset[str] = frozenset(),
    fallback: bool = False,
) -> Rates:
    """The exchange rates of a run into ``base`` for the currencies ``in_use``: the rates file's (if given)
    and the rules' fixed ``fixed`` rates for the currencies the file leaves out. With neither, the ECB's
    reference rates (when a currency other than ``base`` is in use); with ``fallback``, the ECB's for the
    currencies that neither names. A currency no source has gets no rate: its lines become problems."""
    if rates_file:
        rates = load_rates_csv(rates_file, base)
        rates.origins = dict.fromkeys(rates.covered(), "file")
    else:
        rates = Rates(base=base, source="rules" if fixed else "")
    for code, rate in fixed.items():
        if code not in rates.fixed:
            rates.fixed[code] = rate
            rates.origins.setdefault(code, "rules")
    foreign = set(in_use) - {base}
    given = rates.given()
    if not foreign or (given and not fallback):
        return rates
    from custseg.input.ecb import reference_rates

    reference = reference_rates(base, foreign - rates.covered())
    if not given:
        return reference
    # The user's rates win for the currencies they name; the reference table's rows are only for the
    # others, so the one daily lookup serves both without one source shadowing the other.
    rates.daily = reference.daily if rates.daily is None else pd.concat([rates.daily, reference.daily])
    rates.origins = {**reference.origins, **rates.origins}
    rates.reference = reference.reference
    return rates
