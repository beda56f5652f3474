"""Per-customer figures from order lines: pure groupbys, deterministic for the same input."""

from __future__ import annotations

import numpy as np
import pandas as pd

from custseg.core.lines import ORDER_LINE_MASTER_FIELDS, customer_key_texts
from custseg.core.money import CurrencyCodes
from custseg.schema import CUSTOMER_KEY


def _sorted_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values, sort=True)`` of the values as text."""
    texts = values.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(texts, skipna=False) not in ("string", "empty"):
        texts = values.astype(str).to_numpy(dtype=object)
    codes, distinct = pd.factorize(texts, sort=True)
    return codes, np.asarray(distinct, dtype=object)


def _join_sorted(
    values: pd.Series | None,
    keys: pd.Series,
    n_keys: int | None = None,
    codes: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.Series:
    """Per key, its distinct non-empty values sorted and joined with ';'.

    Currencies and categories have few distinct values, so a key x value presence table is built and the
    text joined once per distinct row of it (set of values): much faster than joining inside a groupby,
    or string by string for every key. With ``n_keys``, the keys are already codes 0..n_keys-1 (the
    customer codes) and are not hashed again; ``codes`` is the values' :func:`_sorted_codes` when the
    caller has it.
    """
    if codes is None:
        assert values is not None
        codes = _sorted_codes(values)
    v_codes, distinct = codes
    if n_keys is None:
        k_codes, key_values = pd.factorize(keys.to_numpy())
    else:
        k_codes, key_values = keys.to_numpy(), np.arange(n_keys)
    keep = (distinct != "")[v_codes]  # decided per distinct value, not by comparing every line's text
    if len(distinct) > 200:
        frame = pd.DataFrame({"k": keys.to_numpy()[keep], "v": distinct[v_codes[keep]]}).drop_duplicates()
        return frame.sort_values(["k", "v"]).groupby("k", sort=False)["v"].agg(";".join)
    present = np.zeros((len(key_values), len(distinct)), dtype=bool)
    present[k_codes[keep], v_codes[keep]] = True
    packed = np.packbits(present, axis=1)
    if packed.shape[1] <= 8:
        # Up to 64 values: each key's set as one integer, so np.unique compares integers, not rows.
        wide = np.zeros((len(packed), 8), dtype=np.uint8)
        wide[:, : packed.shape[1]] = packed
        as_ints, sets = np.unique(wide.view(np.uint64).reshape(-1), return_inverse=True)
        members = as_ints.view(np.uint8).reshape(-1, 8)
    else:
        members, sets = np.unique(packed, axis=0, return_inverse=True)
    # Values are sorted, so each set's text comes out sorted; rstrip as for values ending in ';' themselves.
    names = [";".join(distinct[np.flatnonzero(np.unpackbits(m)[: len(distinct)])]).rstrip(";") for m in members]
    return pd.Series(np.asarray(names, dtype=object)[sets.reshape(-1)], index=key_values, dtype=object)


def _text_order(texts: np.ndarray) -> np.ndarray:
    """``np.argsort(texts, kind="stable")`` of Python strings, sorted by pyarrow in C: UTF-8's byte order is
    the code points' order, as Python compares them (41 -> 16 ms for 81k customer ids). Texts pyarrow
    cannot hold (a lone surrogate) are sorted by numpy."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        return pc.sort_indices(pa.array(texts, pa.string())).to_numpy().astype(np.intp)
    except (ImportError, TypeError, ValueError):  # pyarrow's errors are ValueErrors and TypeErrors
        return np.argsort(texts, kind="stable")


def _customer_codes(keys: np.ndarray, lines_at: np.ndarray, id_texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(id_texts[lines_at], sort=True)`` from the customer keys of those lines (one key per
    distinct id): only the distinct ids are sorted as text, instead of every line's id hashed (4 s on 10M
    lines, where the ids' strings lie all over memory)."""
    present, texts = customer_key_texts(keys, lines_at, id_texts)
    order = _text_order(texts)
    code_of_key = np.zeros(int(keys.max()) + 1, dtype=np.int64)
    code_of_key[present[order]] = np.arange(len(order))
    return code_of_key[keys], texts[order]


def _text_codes(column: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The chosen lines' texts as (codes, distinct texts): a categorical's own codes (a missing value reads
    as ""), or the texts factorised."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()[rows]
        texts = np.asarray(column.cat.categories, dtype=object)
        if len(codes) and codes.min() < 0:
            texts = np.append(texts, "")
            codes = np.where(codes < 0, len(texts) - 1, codes)
        return codes, texts
    codes, texts = pd.factorize(column.to_numpy(dtype=object)[rows], use_na_sentinel=False)
    return codes, np.asarray(texts, dtype=object)


def _sorted_text_codes(column: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_sorted_codes` of the chosen lines' texts; from a categorical's codes, sorting only its
    distinct texts that those lines use."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return _sorted_codes(pd.Series(column.to_numpy(dtype=object)[rows]))
    codes, texts = _text_codes(column, rows)
    used = np.flatnonzero(np.bincount(codes, minlength=len(texts)))
    order = np.argsort(texts[used], kind="stable")
    rank = np.zeros(len(texts), dtype=np.int64)
    rank[used[order]] = np.arange(len(order))
    return rank[codes], texts[used[order]]


def _order_keys(order_ids: pd.Series, rows: np.ndarray, dates: np.ndarray) -> np.ndarray:
    """An integer per line's order: the order id's code, or without an order id a negative key for the day."""
    codes, texts = _text_codes(order_ids, rows)
    has_id = (texts != "")[codes] if len(texts) else np.zeros(len(codes), dtype=bool)
    days = dates.astype("datetime64[D]").astype("int64")
    return np.where(has_id, codes, -1_000_000_000 - days)


def _order_days(cust: np.ndarray, dates: np.ndarray) -> pd.DataFrame:
    """Each customer's distinct order days in order, with the gap in days since the one before (NaN for
    the first): what ``drop_duplicates``, ``sort_values`` and a grouped ``diff`` give, from one sort of a
    (customer, day) integer when the dates are whole days (as parsed), faster than those three."""
    days = dates.astype("datetime64[D]")
    if not len(dates) or pd.isna(dates).any() or not (days == dates).all():
        frame = pd.DataFrame({"c": cust, "date": dates}).drop_duplicates().sort_values(["c", "date"])
        return frame.assign(gap=frame.groupby("c")["date"].diff().dt.days)
    day = days.astype(np.int64)
    low, span = int(day.min()), int(day.max() - day.min()) + 1
    # Sorted and deduplicated by hand: numpy 2.4's plain np.unique hashes first, 9x slower here than a sort.
    keys = np.sort(cust.astype(np.int64) * span + (day - low))
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    c, d = keys // span, keys % span
    gap = np.empty(len(keys))
    gap[0] = np.nan
    gap[1:] = np.where(c[1:] == c[:-1], np.diff(d), np.nan)
    return pd.DataFrame({"c": c.astype(cust.dtype), "gap": gap})


def customer_metrics(
    lines: pd.DataFrame,
    as_of: pd.Timestamp,
    window_start: pd.Timestamp | None,
    rows: np.ndarray | None = None,
    currencies: CurrencyCodes | None = None,
) -> pd.DataFrame:
    """The metrics stage: one row per customer found in ``lines[rows]`` (the used and outside-window
    lines, amounts in base currency), indexed by customer_id, sorted.

    Reads the lines' customer_id (and customer_key), order_id, order_date, amount_base, sample,
    currency, category, customer_name, country (and sales_owner, industry where present); returns
    first_order_date, last_order_date, lifetime_frequency, frequency, lifetime_monetary, monetary,
    refund_amount, avg_order_value, recency_days, tenure_days, median_interval_days, last_gap_days,
    sample_orders, orders_excluding_samples, currencies, categories, main_category, category_count,
    order_lines, customer_name and country (and sales_owner, industry). The lines are read a column at
    a time rather than copied as a frame: on millions of lines that copy was the largest object of the
    run.

    An order is a customer's order id, or without one the customer's lines on one day.
    Frequency counts orders whose lines net to a positive amount before the refunds of refunded sales
    (``refunded_base``, where the lines have it: a refunded sale is still an order); monetary is the net
    sum, refunds included. Customers are grouped by integer codes (hashing the id strings once), which keeps a
    million lines quick.
    """
    rows = np.ones(len(lines), dtype=bool) if rows is None else rows
    if not rows.any():
        return pd.DataFrame(columns=["customer_id"]).set_index("customer_id")
    if CUSTOMER_KEY in lines:
        cust, ids = _customer_codes(
            lines[CUSTOMER_KEY].to_numpy()[rows], np.flatnonzero(rows), lines["customer_id"].to_numpy(dtype=object)
        )
    else:
        cust, ids = pd.factorize(lines["customer_id"].to_numpy(dtype=object)[rows], sort=True)
    cust = cust.astype(np.int32)  # half the memory of the default codes in every per-line array below
    dates = lines["order_date"].to_numpy()[rows]
    in_window = (dates >= window_start.to_datetime64()) if window_start is not None else np.ones(len(cust), bool)
    data = pd.DataFrame(
        {
            "c": cust,
            "o": _order_keys(lines["order_id"], rows, dates),
            "date": dates,
            "amount": lines["amount_base"].to_numpy(dtype=float)[rows],
            "sample": lines["sample"].to_numpy(dtype=bool)[rows],
            "in_window": in_window,
        }
    )
    if "custom" in lines:
        data["custom"] = lines["custom"].to_numpy(dtype=bool)[rows]
    if "refunded_base" in lines:  # a refunded sale is still an order: its refund nets the money only
        data["refunded"] = lines["refunded_base"].to_numpy(dtype=float)[rows]
    out = pd.DataFrame(index=pd.RangeIndex(len(ids)))
    positive, lines_per_customer = _order_figures(out, data, as_of)
    _purchase_rhythm(out, positive)
    out["currencies"] = _currency_lists(lines, rows, cust, len(ids), currencies)
    _category_figures(out, lines["category"], rows, cust, data["amount"].to_numpy())
    out["order_lines"] = lines_per_customer
    texts = ("customer_name", "country", *(f for f in ORDER_LINE_MASTER_FIELDS if f in lines))
    _latest_texts(out, lines, rows, cust, dates, texts)
    for c in ("currencies", "categories", "main_category", *texts):
        out[c] = out[c].fillna("").astype(object)
    out.index = pd.Index(ids, name="customer_id")
    return out


def _order_figures(out: pd.DataFrame, data: pd.DataFrame, as_of: pd.Timestamp) -> tuple[pd.DataFrame, pd.Series]:
    """Into ``out`` (one row per customer code): the order dates, counts and sums, recency and tenure, from
    the lines' customer code (c), order key (o), date, amount, sample and in_window. Returns (the orders
    that net to a positive amount (c, net, date, sample, in_window), the number of lines per customer)."""
    # One integer per (customer, order) pair: grouping by it is the two-key groupby with half the hashing.
    low = int(data["o"].min())
    width = int(data["o"].max()) - low + 1
    data["co"] = data["c"].to_numpy(dtype=np.int64) * width + (data["o"].to_numpy() - low)
    refunded = "refunded" in data
    if refunded:
        data["sale"] = data["amount"].to_numpy() + data["refunded"].to_numpy()
    orders = data.groupby("co", sort=False).agg(
        net=("sale" if refunded else "amount", "sum"),
        date=("date", "min"),
        sample=("sample", "all"),
        in_window=("in_window", "max"),
        **({"custom": ("custom", "max")} if "custom" in data else {}),
    )
    orders.insert(0, "c", (orders.index.to_numpy() // width).astype(np.int32))
    orders = orders.reset_index(drop=True)
    positive = orders[orders["net"] > 0.005]
    pos_by = positive.groupby("c")

    out["first_order_date"] = pos_by["date"].min()
    # Calendar years with an order, for the relationship: each (customer, year) pair counted once (sorted
    # and deduplicated by hand, as in _order_days).
    pairs = np.sort(positive["c"].to_numpy(dtype=np.int64) * 10_000 + positive["date"].dt.year.to_numpy())
    pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))] if len(pairs) else pairs
    out["order_years"] = pd.Series(np.ones(len(pairs), dtype=np.int64)).groupby(pairs // 10_000).sum()
    if "custom" in positive:  # without an order type, product or category, nothing says what was custom
        out["custom_orders"] = positive[positive["custom"]].groupby("c").size()
    out["last_order_date"] = pos_by["date"].max()
    out["lifetime_frequency"] = pos_by.size()
    out["frequency"] = positive[positive["in_window"]].groupby("c").size()
    by_customer = data.groupby("c")["amount"]  # its grouping is worked out once, for three figures
    out["lifetime_monetary"] = by_customer.sum()
    in_window = data["in_window"].to_numpy()
    # Without a look-back window every line is in it; otherwise only two columns of the lines in it are taken.
    out["monetary"] = (
        out["lifetime_monetary"]
        if in_window.all()
        else pd.Series(data["amount"].to_numpy()[in_window]).groupby(data["c"].to_numpy()[in_window]).sum()
    )
    out["refund_amount"] = -data[data["amount"] < 0].groupby("c")["amount"].sum()
    if refunded:
        # A refunded sale nets to its kept part (>= 0), so its refund is in the refunded column, not a
        # negative amount.
        some = data["refunded"].to_numpy() > 0
        refunds = pd.Series(data["refunded"].to_numpy()[some]).groupby(data["c"].to_numpy()[some]).sum()
        out["refund_amount"] = out["refund_amount"].fillna(0.0).add(refunds, fill_value=0.0)
    for c in ("lifetime_frequency", "frequency", "order_years", "custom_orders"):
        if c in out:
            out[c] = out[c].fillna(0).astype("int64")
    for c in ("lifetime_monetary", "monetary", "refund_amount"):
        out[c] = out[c].fillna(0.0).astype(float)
    out["avg_order_value"] = (out["monetary"] / out["frequency"].where(out["frequency"] > 0)).astype(float)
    out["recency_days"] = (as_of - out["last_order_date"]).dt.days.astype("Int64")
    out["tenure_days"] = (as_of - out["first_order_date"]).dt.days.astype("Int64")
    return positive, by_customer.size()


def _purchase_rhythm(out: pd.DataFrame, positive: pd.DataFrame) -> None:
    """Into ``out``: the gaps between consecutive positive orders on distinct days (median_interval_days,
    last_gap_days) and the sample orders among them."""
    days = _order_days(positive["c"].to_numpy(), positive["date"].to_numpy())
    out["median_interval_days"] = days.groupby("c")["gap"].median()
    out["last_gap_days"] = days.groupby("c")["gap"].last()
    out["sample_orders"] = positive[positive["sample"]].groupby("c").size()
    out["sample_orders"] = out["sample_orders"].fillna(0).astype("int64")
    out["orders_excluding_samples"] = out["lifetime_frequency"] - out["sample_orders"]


def _currency_lists(
    lines: pd.DataFrame, rows: np.ndarray, cust: np.ndarray, n_customers: int, currencies: CurrencyCodes | None
) -> pd.Series:
    """Each customer's currencies, sorted and joined with ';'."""
    if currencies is None:
        texts = pd.Series(lines["currency"].to_numpy(dtype=object)[rows])
        return _join_sorted(texts, pd.Series(cust), n_customers)
    # The codes in name order: the currencies' sorted codes without hashing a text a line again.
    order = np.argsort(currencies.names, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    sorted_codes = (rank[currencies.codes[rows]], currencies.names[order])
    return _join_sorted(None, pd.Series(cust), n_customers, sorted_codes)


def _category_figures(
    out: pd.DataFrame, category: pd.Series, rows: np.ndarray, cust: np.ndarray, amount: np.ndarray
) -> None:
    """Into ``out``: categories (sorted, joined with ';'), main_category and category_count."""
    # Categories as codes in name order: grouping and sorting integers, names looked up at the end.
    cat_codes, cat_names = _sorted_text_codes(category, rows)
    out["categories"] = _join_sorted(None, pd.Series(cust), len(out), (cat_codes, cat_names))
    has_cat = cat_names[cat_codes] != ""
    n_cats = max(len(cat_names), 1)
    pair = cust[has_cat].astype(np.int64) * n_cats + cat_codes[has_cat]  # sorts as (customer, category) does
    cat = pd.Series(amount[has_cat]).groupby(pair).sum()
    cat_cust, cat_code, cat_amount = cat.index.to_numpy() // n_cats, cat.index.to_numpy() % n_cats, cat.to_numpy()
    # Each customer's main category: the largest amount, the first name on a tie. The pairs come sorted by
    # customer, then category name (the groupby sorts its keys), so each customer's pairs are one run and the
    # first pair in it that has the run's largest amount is the one (the sums skip NaN: none is NaN).
    firsts, at, counts = np.unique(cat_cust, return_index=True, return_counts=True)
    largest = np.repeat(np.maximum.reduceat(cat_amount, at), counts) if len(at) else cat_amount
    top = np.flatnonzero(cat_amount == largest)
    _, first_top = np.unique(cat_cust[top], return_index=True)
    out["main_category"] = pd.Series(cat_names[cat_code[top[first_top]]], index=firsts)
    out["category_count"] = pd.Series(counts, index=firsts)
    out["category_count"] = out["category_count"].fillna(0).astype("int64")


def _latest_texts(
    out: pd.DataFrame,
    lines: pd.DataFrame,
    rows: np.ndarray,
    cust: np.ndarray,
    dates: np.ndarray,
    fields: tuple[str, ...] = ("customer_name", "country"),
) -> None:
    """Into ``out``: each of ``fields`` (customer_name, country, and a master field the lines carry), the
    value on the customer's latest line that has one (the master, when given, wins later)."""
    n = len(cust)
    day = dates.astype("datetime64[D]").astype("int64")
    recency_key = (day - day.min()) * (n + 1) + np.arange(n)
    every_line_latest = None  # each customer's latest line of all, when both fields are on every line
    for fld in fields:
        codes, texts = _text_codes(lines[fld], rows)
        given = ((texts != "") & pd.notna(texts))[codes] if len(texts) else np.zeros(n, dtype=bool)
        if not given.any():
            out[fld] = ""
            continue
        if given.all():
            if every_line_latest is None:
                every_line_latest = pd.Series(recency_key).groupby(cust).idxmax()
            latest = every_line_latest
        else:
            latest = pd.Series(recency_key[given]).groupby(cust[given]).idxmax()
        out[fld] = pd.Series(texts[codes[given][latest.to_numpy()]], index=latest.index)
