"""From tables of text to typed order lines, each with its place in the reconciliation.

Every row read gets exactly one ``disposition``: used, cancelled, after_as_of, outside_window, blank,
total or problem. A problem row also gets one entry per bad cell in the problems table (file, sheet,
row as the user sees it, column, raw value, reason code and reason).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from custseg.config.rules import Rules
from custseg.core.money import currency_codes, normalise_currency
from custseg.core.problems import empty_problems, problems
from custseg.core.values import (
    AmbiguousDates,
    DateOrder,
    Factorized,
    blank_cells,
    categorical_of_distinct,
    factorized,
    is_sample,
    is_total_label,
    normalised_id_categorical,
    normalised_id_codes,
    parse_amounts,
    parse_dates,
    status_kind_codes,
    stripped,
    trimmed_categorical,
)
from custseg.errors import InputError
from custseg.input.read import Table
from custseg.schema import CUSTOMER_KEY, DISPOSITIONS, STATUS_KINDS


def customer_key_texts(keys: np.ndarray, lines_at: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct customer keys among ``keys`` (ascending) and the id each stands for, read from any one
    line that carries it (``lines_at``: those lines' positions in ``ids``; every line of a key has its id)."""
    size = int(keys.max()) + 1 if len(keys) else 0
    some_line = np.zeros(size, dtype=np.int64)
    some_line[keys] = lines_at
    seen = np.zeros(size, dtype=bool)
    seen[keys] = True
    present = np.flatnonzero(seen)
    return present, ids[some_line[present]]


@dataclass
class LineOptions:
    date_order: DateOrder | None = None
    decimal_comma: bool | None = None
    currency: str | None = None  # the declared currency of files without one
    yen: str = "CNY"
    status_map: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, rules: Rules, currency: str | None = None) -> LineOptions:
        """The options of the rules' input settings, with ``currency`` the currency of files that have no
        currency column (a code, symbol or word; an :class:`InputError` when it is not a currency)."""
        declared = normalise_currency(currency, rules.currency.yen) if currency else None
        if currency and not declared:
            raise InputError(
                f"the currency {currency!r} is not an ISO 4217 currency code",
                hint="for example GBP",
                code="bad_currency_option",
                values={"currency": currency},
            )
        return cls(
            date_order=None if rules.input.date_order == "auto" else rules.input.date_order,
            decimal_comma=rules.input.decimal_comma,
            currency=declared,
            yen=rules.currency.yen,
            status_map=dict(rules.input.status),
        )


def _blank_mask(columns: dict[str, Factorized], index: pd.Index) -> pd.Series:
    """Rows whose every cell is empty (blank or spaces), from each column's distinct texts."""
    mask = np.ones(len(index), dtype=bool)
    for fz in columns.values():
        if not mask.any():
            break
        mask &= fz.blank[fz.codes]
    return pd.Series(mask, index=index)


_MIX = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio: spreads consecutive codes over the 64 bits


def _duplicate_rows(columns: dict[str, Factorized], rows: np.ndarray) -> int:
    """How many of the chosen rows repeat an earlier one exactly: every cell has the same code.

    Each row's codes are hashed to 64 bits first. Rows whose hash is unique cannot repeat another, and
    exports rarely repeat a line, so the exact count runs on the few rows that share a hash (0.28 -> 0.10 s
    for 1M lines of 11 columns; a collision only adds a row to the exact count, never changes it).
    """
    if not rows.any():
        return 0
    hashed = np.zeros(len(rows), dtype=np.uint64)
    for fz in columns.values():
        hashed += fz.codes.astype(np.uint64)
        hashed *= _MIX
        hashed ^= hashed >> np.uint64(29)
    hashed = hashed[rows]
    ordered = np.sort(hashed)  # a sort finds repeated hashes sooner than a hash table of a million (68 vs 93 ms)
    if not (ordered[1:] == ordered[:-1]).any():
        return 0
    shared = np.zeros(len(rows), dtype=bool)
    shared[np.flatnonzero(rows)[pd.Series(hashed).duplicated(keep=False).to_numpy()]] = True
    return _exact_duplicate_rows(columns, shared)


def _exact_duplicate_rows(columns: dict[str, Factorized], rows: np.ndarray) -> int:
    """How many of the chosen rows repeat an earlier one exactly: every cell has the same code.

    The row key is built one column at a time, as a number in mixed radix, and renumbered (below the row
    count) whenever the next column would make it overflow: a few arrays of one integer per row, where a
    frame of every code and pandas' ``duplicated`` needed about twenty times that.
    """
    if not rows.any():
        return 0
    key: np.ndarray | None = None
    span = 1  # the key's values are below span
    for fz in columns.values():
        codes = fz.codes[rows].astype(np.int64)
        width = len(fz.uniques) + 1
        if key is None:
            key, span = codes, width
            continue
        if span * width >= 2**62:  # renumber only when the product would not fit: a few times, not per column
            key, uniques = pd.factorize(key)
            span = len(uniques)
        key = key * width + codes
        span *= width
    assert key is not None
    return int(len(key) - len(pd.unique(key)))


def _either(column: Factorized, fallback: Factorized) -> Factorized:
    """Each line's trimmed text of ``column``, or where that is blank the text of ``fallback``: worked out
    once per distinct pair of the two, not per line."""
    width = len(fallback.uniques)
    pair_codes, pairs = pd.factorize(column.codes.astype(np.int64) * width + fallback.codes)
    own = column.trimmed.to_numpy(dtype=object)[pairs // width]
    other = fallback.uniques.to_numpy(dtype=object)[pairs % width]
    return Factorized.of(pair_codes, np.where(own == "", other, own), column.index)


def table_lines(table: Table, opts: LineOptions) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """(lines, problems, duplicate_lines) for one order table; lines keep every row of the table."""
    cols = table.columns
    headers = table.headers
    index = table.index
    m = table.mapping.fields
    where = f"{table.file}" + (f" [{table.sheet}]" if table.sheet else "")
    found: list[pd.DataFrame] = []

    def col(name: str) -> pd.Series | None:
        return stripped(cols[m[name]]) if name in m else None

    def flag(mask: pd.Series, column: str, code: str) -> None:
        if mask.any():
            where_true = mask.to_numpy()
            if column in cols:  # the flagged cells' texts, without rebuilding the whole column
                values = cols[column].uniques.to_numpy(dtype=object)[cols[column].codes[where_true]]
            else:
                values = [""] * int(where_true.sum())
            found.append(problems(table.file, table.sheet, table.rows[where_true], column, list(values), code))

    n = len(index)
    lines = pd.DataFrame(index=index)
    # Columns of a few repeated words are categoricals: one byte a line instead of an 8-byte pointer.
    lines["file"] = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[table.file])
    lines["sheet"] = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[table.sheet])
    lines["row"] = table.rows
    blank = _blank_mask(cols, index)
    # A total row labels itself in the first column or the customer column (合计, Total, Grand Total).
    label_cols = [c for c in (m.get("customer_id"), m.get("customer_name"), headers[0] if n else None) if c is not None]
    total = pd.Series(False, index=index)
    for c in dict.fromkeys(label_cols):
        total |= is_total_label(cols[c])
    total &= ~blank

    if "customer_id" in m:
        id_codes, id_texts = normalised_id_codes(cols[m["customer_id"]])
        ids = pd.Series(id_texts[id_codes], index=index, dtype=object)
        no_id = (id_texts == "")[id_codes]  # decided per distinct id
    else:
        names = col("customer_name")
        assert names is not None
        ids = names.str.replace(r"\s+", " ", regex=True)
        no_id = (ids == "").to_numpy()
    lines["customer_id"] = ids
    lines["customer_name"] = trimmed_categorical(cols[m["customer_name"]]) if "customer_name" in m else ""
    bad = pd.Series(False, index=index)
    live = ~blank & ~total

    missing_cust = live & no_id
    flag(missing_cust, m.get("customer_id") or m["customer_name"], "missing_customer")
    bad |= missing_cust

    date_col = m["order_date"]
    try:
        dates, _order = parse_dates(cols[date_col], opts.date_order)
    except AmbiguousDates as exc:
        raise InputError(
            f"{where}, column {date_col!r}: dates such as {exc.example!r} read equally well day-first and month-first",
            hint="say which with date_order 'dayfirst' or 'monthfirst' (input.date_order in the rules file)",
            code="ambiguous_dates",
        ) from None
    date_blank = pd.Series(blank_cells(cols[date_col]), index=index)
    missing_date = live & date_blank
    bad_date = live & ~date_blank & dates.isna()
    flag(missing_date, date_col, "missing_date")
    flag(bad_date, date_col, "bad_date")
    bad |= missing_date | bad_date
    lines["order_date"] = dates

    token = Factorized.of(np.zeros(n, dtype=np.int32), [""], index)  # each line's currency token: none yet
    if "amount" in m:
        parsed = parse_amounts(cols[m["amount"]], opts.decimal_comma)
        amount, token = parsed.value, parsed.tokens
        amount_blank = pd.Series(blank_cells(cols[m["amount"]]), index=index)
    else:
        amount = pd.Series(np.nan, index=index)
        amount_blank = pd.Series(True, index=index)
    # Quantity x unit price stands in where the amount is blank (or there is no amount column).
    if "quantity" in m and "unit_price" in m and amount_blank.any():
        q = parse_amounts(cols[m["quantity"]], opts.decimal_comma)
        p = parse_amounts(cols[m["unit_price"]], opts.decimal_comma)
        fill = amount_blank
        amount = amount.where(~fill, q.value * p.value)
        texts = token.texts()
        texts = np.where(fill.to_numpy() & (texts == ""), p.tokens.texts(), texts)
        token = factorized(pd.Series(texts, index=index, dtype=object))
        amount_col = m.get("amount") or m["unit_price"]
        computed_bad = fill & (q.value.isna() | p.value.isna())
        no_inputs = fill & blank_cells(cols[m["quantity"]]) & blank_cells(cols[m["unit_price"]])
        flag(live & computed_bad & no_inputs, amount_col, "missing_amount")
        qp_bad = live & computed_bad & ~no_inputs
        if qp_bad.any():
            which = m["quantity"] if q.value[qp_bad].isna().any() else m["unit_price"]
            flag(qp_bad, which, "bad_amount")
        bad |= live & computed_bad
        if "amount" in m:
            flag(live & ~fill & amount.isna(), m["amount"], "bad_amount")
            bad |= live & ~fill & amount.isna()
    else:
        missing_amount = live & amount_blank
        bad_amount = live & ~amount_blank & amount.isna()
        flag(missing_amount, m["amount"], "missing_amount")
        flag(bad_amount, m["amount"], "bad_amount")
        bad |= missing_amount | bad_amount

    # Currency: the currency column, else a symbol or code in the amount cell, else the declared one.
    if "currency" in m:
        token = _either(factorized(cols[m["currency"]]), token)
    # Decided once per distinct token (a handful), and taken by code.
    looked, bad_token = currency_codes(token, opts.yen)
    bad_cur = live & bad_token[token.codes]
    cur_col = m.get("currency") or m.get("amount") or m.get("unit_price", "")
    if bad_cur.any():
        where_bad = bad_cur.to_numpy()
        found.append(
            problems(
                table.file,
                table.sheet,
                table.rows[where_bad],
                cur_col,
                list(token.uniques.to_numpy(dtype=object)[token.codes[where_bad]]),
                "unknown_currency",
            )
        )
    bad |= bad_cur
    none = looked == ""
    # A categorical: the pipeline takes its codes instead of hashing a million currency texts again.
    merged, names = pd.factorize(np.where(none, opts.currency or "", looked))
    lines["currency"] = categorical_of_distinct(merged[token.codes], names)
    lines["currency_declared"] = none[token.codes]

    # Status kinds and dispositions as codes into their few names: compared and set as small integers.
    kinds = (
        status_kind_codes(cols[m["status"]], STATUS_KINDS, opts.status_map)
        if "status" in m
        else np.zeros(n, dtype=np.int8)
    )
    lines["status_kind"] = pd.Categorical.from_codes(kinds, categories=STATUS_KINDS)
    returned, cancelled = kinds == STATUS_KINDS.index("returned"), kinds == STATUS_KINDS.index("cancelled")
    amount = amount.where(~returned, -amount.abs())
    lines["amount"] = amount

    # Text columns the per-customer groupbys read are categoricals (codes into the distinct texts).
    lines["order_id"] = normalised_id_categorical(cols[m["order_id"]]) if "order_id" in m else ""
    lines["country"] = trimmed_categorical(cols[m["country"]]) if "country" in m else ""
    lines["category"] = trimmed_categorical(cols[m["category"]]) if "category" in m else ""
    lines["sample"] = is_sample(cols[m["order_type"]]) if "order_type" in m else False

    if table.overflow:
        over = pd.Series(False, index=index)
        over.iloc[table.overflow] = True
        over &= live
        flag(over, headers[-1], "extra_fields")
        bad |= over

    disposition = np.full(n, DISPOSITIONS.index("used"), dtype=np.int8)
    disposition[bad.to_numpy()] = DISPOSITIONS.index("problem")
    # A cancelled line counts for nothing, so its other defects do not matter.
    disposition[live.to_numpy() & cancelled] = DISPOSITIONS.index("cancelled")
    disposition[total.to_numpy()] = DISPOSITIONS.index("total")
    disposition[blank.to_numpy()] = DISPOSITIONS.index("blank")
    lines["disposition"] = pd.Categorical.from_codes(disposition, categories=DISPOSITIONS)
    if "customer_id" in m:
        # The ids as codes too: the per-customer groupbys take them instead of hashing every line's id text.
        lines[CUSTOMER_KEY] = id_codes
    duplicates = _duplicate_rows(cols, live.to_numpy()) if n else 0
    probs = pd.concat(found, ignore_index=True) if found else empty_problems()
    if len(probs):
        # Problems on rows that are cancelled or totals are not problems after all.
        keep_rows = set(table.rows[disposition == DISPOSITIONS.index("problem")].tolist())
        probs = probs[probs["row"].isin(keep_rows)]
    return lines.reset_index(drop=True), probs, duplicates


def order_lines(
    tables: list[Table], opts: LineOptions, source_names: list[str]
) -> tuple[pd.DataFrame, list[pd.DataFrame], int]:
    """The lines stage: (lines, problem rows per table, duplicate lines) of every order table, one frame of
    lines (see :func:`table_lines` for its columns) with one customer numbering (customer_key) across the
    tables. Each table's cells are let go once its lines are made. An :class:`InputError` when there is
    no line at all (``source_names``: the inputs, for the message)."""
    parts, problem_parts, duplicates = [], [], 0
    for t in tables:
        lines_t, probs_t, dup = table_lines(t, opts)
        parts.append(lines_t)
        problem_parts.append(probs_t)
        duplicates += dup
        t.release()  # the lines point to the distinct texts they use, not to the cells
    if len(parts) > 1:
        _unify_customer_keys(parts)
    # One table (the usual case) is taken as it is: concatenating would copy every line once more.
    lines = pd.DataFrame() if not parts else parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    if lines.empty:
        raise InputError(
            f"{', '.join(source_names)}: the header is there but no order lines below it",
            hint="check that the export is not empty (or that the right file was given)",
        )
    return lines, problem_parts, duplicates


def _unify_customer_keys(parts: list[pd.DataFrame]) -> None:
    """Each table numbers its own customer ids; lines from several tables get one numbering, by id text
    (first come, first numbered). Tables without the codes (ids from names) leave them off everywhere."""
    if not all(CUSTOMER_KEY in p for p in parts):
        for p in parts:
            p.drop(columns=CUSTOMER_KEY, errors="ignore", inplace=True)
        return
    numbers: dict[str, int] = {}
    for p in parts:
        keys = p[CUSTOMER_KEY].to_numpy()
        if not len(keys):
            continue
        present, texts = customer_key_texts(keys, np.arange(len(keys)), p["customer_id"].to_numpy(dtype=object))
        remap = np.zeros(int(keys.max()) + 1, dtype=np.int32)
        remap[present] = [numbers.setdefault(t, len(numbers)) for t in texts]
        p[CUSTOMER_KEY] = remap[keys]
