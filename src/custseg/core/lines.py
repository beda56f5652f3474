"""From tables of text to typed order lines, each with its place in the reconciliation.

Every row read gets exactly one ``disposition``: used, cancelled, after_as_of, outside_window, blank,
total or problem. A problem row also gets one entry per bad cell in the problems table (file, sheet,
row as the user sees it, column, raw value, reason code and reason).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from custseg.config.rules import Rules
from custseg.core.money import currency_codes, normalise_currency
from custseg.core.notes import Note
from custseg.core.problems import empty_problems, problems
from custseg.core.values import (
    AmbiguousDates,
    DateOrder,
    Factorized,
    blank_cells,
    categorical_of_distinct,
    factorized,
    is_refund_document,
    is_sample,
    is_total_label,
    normalised_id_codes,
    parse_amounts,
    parse_dates,
    status_kind_codes,
    stripped,
    trimmed_categorical,
)
from custseg.errors import InputError
from custseg.input.tables import Table
from custseg.schema import CUSTOMER_KEY, DISPOSITIONS, STATUS_KINDS

# Customer-master fields an order export may carry on its lines (a CRM's invoice owner, say): each
# customer gets the value of its latest line that has one, and a customer master given too wins.
ORDER_LINE_MASTER_FIELDS = ("sales_owner", "industry")


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
    custom_words: tuple[str, ...] = ()  # words that mark a custom order in its type, product or category

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
            custom_words=tuple(rules.needs.custom_words),
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
    ordered = np.sort(hashed)  # a sort finds repeated hashes sooner than a hash table of a million
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


@dataclass
class _Cells:
    """One order table being turned into lines: its cells, its mapping (field -> header), which rows are
    live (neither blank nor a total), and the problem rows found so far."""

    table: Table
    live: pd.Series
    found: list[pd.DataFrame] = field(default_factory=list)
    # Order fields filled in on an order's item lines from the line that carries them (order-level exports).
    filled: dict[str, Factorized] = field(default_factory=dict)

    @property
    def fields(self) -> dict[str, str]:
        return self.table.mapping.fields

    @cached_property
    def order_ids(self) -> tuple[np.ndarray, np.ndarray]:
        """The order ids' normalised codes and texts, worked out once for the layout check and the lines."""
        return normalised_id_codes(self.column("order_id"))

    def column(self, name: str) -> Factorized:
        """The cells of the column mapped to field ``name`` (filled in from the order's line, where the
        export writes the order's fields once per order)."""
        return self.filled[name] if name in self.filled else self.table.columns[self.fields[name]]

    def flag(self, mask: pd.Series, column: str, code: str) -> None:
        """A problem row (``code``) for each row where ``mask`` holds, in ``column`` (a header)."""
        if not mask.any():
            return
        where_true = mask.to_numpy()
        cols = self.table.columns
        if column in cols:  # the flagged cells' texts, without rebuilding the whole column
            values = cols[column].uniques.to_numpy(dtype=object)[cols[column].codes[where_true]]
        else:
            values = [""] * int(where_true.sum())
        self.found.append(
            problems(self.table.file, self.table.sheet, self.table.rows[where_true], column, list(values), code)
        )

    def flag_values(self, mask: pd.Series, column: str, values: Factorized, code: str) -> None:
        """As :meth:`flag`, with each flagged row's value taken from ``values`` instead of the cell."""
        if mask.any():
            where_true = mask.to_numpy()
            texts = list(values.uniques.to_numpy(dtype=object)[values.codes[where_true]])
            self.found.append(
                problems(self.table.file, self.table.sheet, self.table.rows[where_true], column, texts, code)
            )


def table_lines(table: Table, opts: LineOptions) -> tuple[pd.DataFrame, pd.DataFrame, int, LineFacts]:
    """(lines, problems, duplicate_lines, facts) for one order table; lines keep every row of the table.

    The lines' columns: file, sheet, row, customer_id, customer_name, order_date, currency (a categorical;
    "" where none is known), currency_declared, status_kind (and status, status_known where the export
    has a status column), amount (net of refunds; negative for refund documents), refunded (where any
    line was refunded), order_id, country, category, sample, disposition and, when the table has
    customer ids or e-mails, customer_key. The
    problems: PROBLEM_COLUMNS, one row per bad cell of the rows that end up as problems.
    """
    cols = table.columns
    index = table.index
    n = len(index)
    profile = table.mapping.profile
    lines = pd.DataFrame(index=index)
    # Columns of a few repeated words are categoricals: one byte a line instead of an 8-byte pointer.
    lines["file"] = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[table.file])
    lines["sheet"] = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[table.sheet])
    lines["row"] = table.rows
    blank, total = _blank_and_total_rows(table)
    cells = _Cells(table, ~blank & ~total)
    orders = _order_level(cells)
    lines["customer_id"], id_codes, bad, key_sources = _customer_ids(cells)
    lines["customer_name"] = (
        trimmed_categorical(cells.column("customer_name")) if "customer_name" in cells.fields else ""
    )
    lines["order_date"], bad_date = _order_dates(cells, opts)
    amount, token, bad_amount = _amounts(cells, opts, orders)
    declared = opts.currency or (profile.currency if profile else None)
    lines["currency"], lines["currency_declared"], bad_currency = _currencies(cells, token, declared, opts.yen)
    kinds, known = _status_kinds(cells, opts)
    lines["status_kind"] = pd.Categorical.from_codes(kinds, categories=STATUS_KINDS)
    if "status" in cells.fields:  # the texts too, for the run's table of statuses
        lines["status"] = trimmed_categorical(cells.column("status"))
        lines["status_known"] = known
    refunded, bad_refunded = _refunds(cells, opts, kinds, amount, orders)
    lines["amount"] = np.where(kinds == STATUS_KINDS.index("refund"), -amount.abs(), amount - refunded)
    if refunded.any():
        lines["refunded"] = refunded
    _text_columns(lines, cells, opts)
    bad = bad | bad_date | bad_amount | bad_currency | bad_refunded | _overflowing_rows(cells)
    cancelled = kinds == STATUS_KINDS.index("cancelled")
    disposition = _dispositions(bad.to_numpy(), cells.live.to_numpy() & cancelled, total.to_numpy(), blank.to_numpy())
    lines["disposition"] = pd.Categorical.from_codes(disposition, categories=DISPOSITIONS)
    if id_codes is not None:
        # The ids as codes too: the per-customer groupbys take them instead of hashing every line's id text.
        lines[CUSTOMER_KEY] = id_codes
    duplicates = _duplicate_rows(cols, cells.live.to_numpy()) if n else 0
    probs = pd.concat(cells.found, ignore_index=True) if cells.found else empty_problems()
    if len(probs):
        # Problems on rows that are cancelled or totals are not problems after all.
        keep_rows = set(table.rows[disposition == DISPOSITIONS.index("problem")].tolist())
        probs = probs[probs["row"].isin(keep_rows)]
    used = disposition == DISPOSITIONS.index("used")
    facts = LineFacts(
        {k: int((v & used).sum()) for k, v in key_sources.items()},
        orders.layout if orders else "",
        int(orders.carriers[used].sum()) if orders else 0,
        int((orders.items & used).sum()) if orders else 0,
    )
    return lines.reset_index(drop=True), probs, duplicates, facts


@dataclass
class LineFacts:
    """What reading one table decided that the user should be told: how many used lines took their
    customer from the e-mail or the name instead of the id, and the amount layout (``order_layout``:
    "first_line" or "repeated" when the amounts are the orders' totals, with the lines that carry them and
    the item lines that do not)."""

    key_sources: dict[str, int] = field(default_factory=dict)  # "email", "name" -> used lines
    order_layout: str = ""
    order_lines: int = 0
    item_lines: int = 0


@dataclass
class _OrderLevel:
    """An export whose amount is the order's total: which live lines carry it (the first line of each
    order with an amount), which are the order's other lines, and how the export wrote it."""

    layout: str  # "first_line": on one line of the order, blank on the others; "repeated": on each line
    carriers: np.ndarray  # bool per row
    items: np.ndarray  # bool per row: lines of an order that are not its carrier
    conflicting: np.ndarray  # bool per row: an item line whose amount differs from the order's


# Order fields an order-level export may write only on the order's first line.
ORDER_FIELDS = (
    "customer_id",
    "customer_email",
    "customer_name",
    "order_date",
    "currency",
    "status",
    "cancelled_date",
    "country",
    "order_type",
    *ORDER_LINE_MASTER_FIELDS,
)


def _order_level(cells: _Cells) -> _OrderLevel | None:
    """Whether the table's amounts are its orders' totals, and if so which line of each order carries it.

    A profile says so (Shopify, WooCommerce) or says the amounts are the lines'; otherwise it is read from
    the file: with an order id and an amount column, every order of several lines has its amount on one
    line and blank on the others ("first_line"), or the same amount on every line ("repeated", seen on at
    least two orders). On an order-level export the order's fields that are blank on its item lines are
    filled in from its other lines (``cells.filled``)."""
    profile = cells.table.mapping.profile
    level = profile.amount_level if profile else "auto"
    m = cells.fields
    if level == "line" or "order_id" not in m or "amount" not in m:
        return None
    order_codes, order_texts = cells.order_ids
    amount = cells.column("amount")
    n_orders = len(order_texts)
    live = cells.live.to_numpy() & (order_texts != "")[order_codes]
    rows = np.flatnonzero(live)
    if not len(rows):
        return None
    o = order_codes[rows]
    given = ~amount.blank[amount.codes[rows]]
    lines_per_order = np.bincount(o, minlength=n_orders)
    given_per_order = np.bincount(o[given], minlength=n_orders)
    several = lines_per_order >= 2
    first_line = several & (given_per_order <= 1)
    # Every line of the order gives the amount its first line gives (compared by code, in one pass).
    every_line = several & (given_per_order == lines_per_order)
    if every_line.any():
        codes = amount.codes[rows]
        first_code = amount.codes[_first_of_each(o, rows, n_orders)]
        differs = np.bincount(o[codes != first_code[o]], minlength=n_orders) > 0
        repeated = every_line & ~differs
    else:
        repeated = every_line
    if level == "auto":
        if not several.any():
            return None
        if first_line[several].all() and (first_line & (given_per_order == 1)).any():
            layout = "first_line"
        elif repeated[several].all() and int(repeated.sum()) >= 2:
            layout = "repeated"
        else:
            return None
    else:
        layout = "repeated" if int(repeated.sum()) > int((first_line & (given_per_order == 1)).sum()) else "first_line"
    # The carrier: each order's first live line with an amount (or its first line when none has one).
    carrier_row = _first_of_each(o[given], rows[given], n_orders)
    carrier_row = np.where(carrier_row >= 0, carrier_row, _first_of_each(o, rows, n_orders))
    carriers = np.zeros(len(live), dtype=bool)
    carriers[carrier_row[carrier_row >= 0]] = True
    items = live & ~carriers
    carrier_code = np.full(n_orders, -1, dtype=np.int64)
    carrier_code[order_codes[carrier_row[carrier_row >= 0]]] = amount.codes[carrier_row[carrier_row >= 0]]
    item_given = items & ~amount.blank[amount.codes]
    conflicting = item_given & (amount.codes != carrier_code[order_codes])
    for fld in ORDER_FIELDS:
        if fld in m:
            cells.filled[fld] = _filled_from_order(cells.column(fld), order_codes, live, n_orders)
    return _OrderLevel(layout, carriers, items, conflicting)


def _first_of_each(groups: np.ndarray, rows: np.ndarray, n_groups: int) -> np.ndarray:
    """For each group 0..n_groups-1, the first of ``rows`` (ascending row positions, one group each) in it;
    -1 where the group has none. A stable sort keeps each group's rows in order."""
    first = np.full(n_groups, -1, dtype=np.int64)
    if len(rows):
        order = np.argsort(groups, kind="stable")
        g = groups[order]
        starts = np.flatnonzero(np.concatenate(([True], g[1:] != g[:-1])))
        first[g[starts]] = rows[order[starts]]
    return first


def _filled_from_order(column: Factorized, order_codes: np.ndarray, live: np.ndarray, n_orders: int) -> Factorized:
    """``column`` with each blank cell of a live line taken from the first line of its order that has one."""
    blank = column.blank[column.codes]
    need = np.flatnonzero(live & blank)
    if not len(need):
        return column
    give = np.flatnonzero(live & ~blank)
    first_row = _first_of_each(order_codes[give], give, n_orders)
    first = np.where(first_row >= 0, column.codes[np.maximum(first_row, 0)], -1)
    source = first[order_codes[need]]
    codes = column.codes.copy()
    codes[need[source >= 0]] = source[source >= 0]
    return Factorized.of(codes, column.uniques.to_numpy(dtype=object), column.index)


def _blank_and_total_rows(table: Table) -> tuple[pd.Series, pd.Series]:
    """(rows whose every cell is empty, rows that are not blank and label themselves a total: 合计, 小计,
    月合计, Subtotal, Grand Total in the first column or the customer column, or in any other column (the
    product, the order number) of a row with no customer and no date)."""
    m = table.mapping.fields
    blank = _blank_mask(table.columns, table.index)
    candidates = [m.get("customer_id"), m.get("customer_name"), table.headers[0] if table.n_rows else None]
    label_cols = list(dict.fromkeys(c for c in candidates if c is not None))
    total = pd.Series(False, index=table.index)
    for c in label_cols:
        total |= is_total_label(table.columns[c])
    # A subtotal labelled elsewhere in the row: only rows without a customer and a date can be one, and
    # most exports have none, so the other columns are searched only when there are such rows.
    unnamed = ~blank & ~total
    for fld in ("customer_id", "customer_name", "order_date"):
        if fld in m:
            unnamed &= table.columns[m[fld]].blank[table.columns[m[fld]].codes]
    if unnamed.any():
        for c in table.headers:
            if c not in label_cols:
                total |= unnamed & is_total_label(table.columns[c])
    return blank, total & ~blank


# Customer ids that stand for "no customer": a shop's guest checkout writes one of these.
GUEST_IDS = frozenset({"0", "guest", "-", "--", "n/a", "none", "null", "游客", "匿名"})


def _customer_ids(cells: _Cells) -> tuple[pd.Series, np.ndarray | None, pd.Series, dict[str, np.ndarray]]:
    """(each row's customer: its id, or where the id is blank or a guest id (0, guest, -) its e-mail
    lower-cased, or else its name with its spaces folded; the customers' codes (one per distinct customer);
    live rows with none of the three, flagged missing_customer; which rows took the e-mail and which the
    name ("email", "name" -> bool per row)).

    Without a customer id or e-mail column the name is the customer, as it always was; codes are made
    only where there is an id or e-mail column."""
    m, index = cells.fields, cells.table.index
    sources: dict[str, np.ndarray] = {}
    if "customer_id" not in m and "customer_email" not in m:
        ids = stripped(cells.column("customer_name")).str.replace(r"\s+", " ", regex=True)
        no_id = (ids == "").to_numpy()
        missing = cells.live & no_id
        cells.flag(missing, m["customer_name"], "missing_customer")
        return ids, None, missing, sources
    id_codes, id_texts = (
        normalised_id_codes(cells.column("customer_id"))
        if "customer_id" in m
        else (np.zeros(len(index), dtype=np.int32), np.array([""], dtype=object))
    )
    guest = np.array([t.casefold() in GUEST_IDS for t in id_texts], dtype=bool)
    if guest.any():
        id_texts = np.where(guest, "", id_texts)
    blank_id = (id_texts == "")[id_codes]
    keys = id_texts[id_codes]
    for fld, source, fold in (("customer_email", "email", True), ("customer_name", "name", False)):
        if fld not in m or not blank_id.any():
            continue
        col = cells.column(fld)
        texts = col.trimmed.str.replace(r"\s+", " ", regex=True)
        texts = texts.str.casefold() if fold else texts
        distinct = texts.to_numpy(dtype=object)
        here = blank_id & (distinct != "")[col.codes]
        if here.any():
            keys = np.where(here, distinct[col.codes], keys)
            sources[source] = here
            blank_id = blank_id & ~here
    if sources:
        id_codes, distinct_keys = pd.factorize(keys)
        id_codes = id_codes.astype(np.int32)
        id_texts = np.asarray(distinct_keys, dtype=object)
    ids = pd.Series(keys, index=index, dtype=object)
    missing = cells.live & blank_id
    cells.flag(missing, m.get("customer_id") or m.get("customer_email") or m["customer_name"], "missing_customer")
    return ids, id_codes, missing, sources


def _order_dates(cells: _Cells, opts: LineOptions) -> tuple[pd.Series, pd.Series]:
    """(each row's order date, live rows without a readable one, flagged missing_date or bad_date). An
    :class:`InputError` when the dates read equally well day-first and month-first."""
    date_col = cells.fields["order_date"]
    try:
        dates, _order = parse_dates(cells.column("order_date"), opts.date_order)
    except AmbiguousDates as exc:
        t = cells.table
        where = f"{t.file}" + (f" [{t.sheet}]" if t.sheet else "")
        raise InputError(
            f"{where}, column {date_col!r}: dates such as {exc.example!r} read equally well day-first and month-first",
            hint="say which with date_order 'dayfirst' or 'monthfirst' (input.date_order in the rules file)",
            code="ambiguous_dates",
        ) from None
    date_blank = pd.Series(blank_cells(cells.column("order_date")), index=cells.table.index)
    missing_date = cells.live & date_blank
    bad_date = cells.live & ~date_blank & dates.isna()
    cells.flag(missing_date, date_col, "missing_date")
    cells.flag(bad_date, date_col, "bad_date")
    return dates, missing_date | bad_date


def _amounts(cells: _Cells, opts: LineOptions, orders: _OrderLevel | None) -> tuple[pd.Series, Factorized, pd.Series]:
    """(each row's amount, the currency token written in its amount cell, live rows without a readable
    amount, flagged missing_amount or bad_amount). Without an amount column, quantity x unit price is the
    amount (its token the unit price's). In an order-level export (``orders``) the order's total counts
    once, on the line that carries it: the order's other lines are 0, neither money nor problems, unless
    they give a different total (conflicting_order_total)."""
    m, index, live = cells.fields, cells.table.index, cells.live
    if "amount" not in m:
        return _quantity_times_price(cells, opts)
    parsed = parse_amounts(cells.column("amount"), opts.decimal_comma)
    amount, token = parsed.value, parsed.tokens
    amount_blank = pd.Series(blank_cells(cells.column("amount")), index=index)
    if orders is not None:
        items = pd.Series(orders.items, index=index)
        conflicting = pd.Series(orders.conflicting, index=index) & live
        cells.flag(conflicting, m["amount"], "conflicting_order_total")
        amount = amount.where(~items, 0.0)
        live = live & ~items
    else:
        conflicting = pd.Series(False, index=index)
    missing_amount = live & amount_blank
    bad_amount = live & ~amount_blank & amount.isna()
    cells.flag(missing_amount, m["amount"], "missing_amount")
    cells.flag(bad_amount, m["amount"], "bad_amount")
    return amount, token, missing_amount | bad_amount | conflicting


def _quantity_times_price(cells: _Cells, opts: LineOptions) -> tuple[pd.Series, Factorized, pd.Series]:
    """(quantity x unit price per row, the unit price's currency token, live rows where either is missing
    or unreadable, flagged missing_amount or bad_amount): the amount of an export with no amount column."""
    m, index, live = cells.fields, cells.table.index, cells.live
    q = parse_amounts(cells.column("quantity"), opts.decimal_comma)
    p = parse_amounts(cells.column("unit_price"), opts.decimal_comma)
    amount = q.value * p.value
    computed_bad = amount.isna()
    no_inputs = pd.Series(blank_cells(cells.column("quantity")) & blank_cells(cells.column("unit_price")), index=index)
    cells.flag(live & computed_bad & no_inputs, m["unit_price"], "missing_amount")
    qp_bad = live & computed_bad & ~no_inputs
    if qp_bad.any():
        which = m["quantity"] if q.value[qp_bad].isna().any() else m["unit_price"]
        cells.flag(qp_bad, which, "bad_amount")
    return amount, p.tokens, live & computed_bad


def _currencies(
    cells: _Cells, token: Factorized, declared: str | None, yen: str
) -> tuple[pd.Categorical, np.ndarray, pd.Series]:
    """(each row's currency code as a categorical, "" where none is known; whether it was none, so the
    ``declared`` currency (the user's, or the export profile's) or the base one is assumed; live rows
    whose token is not a currency, flagged unknown_currency). The currency is the currency column's, else
    a symbol or code in the amount cell, else the declared one."""
    m = cells.fields
    if "currency" in m:
        token = _either(factorized(cells.column("currency")), token)
    # Decided once per distinct token (a handful), and taken by code.
    looked, bad_token = currency_codes(token, yen)
    bad = cells.live & bad_token[token.codes]
    cells.flag_values(bad, m.get("currency") or m.get("amount") or m.get("unit_price", ""), token, "unknown_currency")
    none = looked == ""
    # A categorical: the pipeline takes its codes instead of hashing a million currency texts again.
    merged, names = pd.factorize(np.where(none, declared or "", looked))
    return categorical_of_distinct(merged[token.codes], names), none[token.codes], bad


def _status_kinds(cells: _Cells, opts: LineOptions) -> tuple[np.ndarray, np.ndarray]:
    """(each row's status kind as a code into STATUS_KINDS (order, cancelled, returned, refund), whether
    custseg knows its status text): compared and set as small integers. The export profile's words count
    on top of the built-in ones; a line with a cancellation date (Shopify's ``Cancelled at``) is cancelled
    whatever its status; a line whose document type is a refund document (退货单, credit note) is a
    refund."""
    n = cells.table.n_rows
    profile = cells.table.mapping.profile
    if "status" in cells.fields:
        kinds, known = status_kind_codes(
            cells.column("status"),
            STATUS_KINDS,
            opts.status_map,
            profile.statuses if profile else None,
            profile.other_statuses if profile else None,
        )
        kinds = kinds.astype(np.int8)
    else:
        kinds, known = np.zeros(n, dtype=np.int8), np.ones(n, dtype=bool)
    if "order_type" in cells.fields:
        refund_doc = is_refund_document(cells.column("order_type"))
        kinds[refund_doc & (kinds == STATUS_KINDS.index("order"))] = STATUS_KINDS.index("refund")
    if "cancelled_date" in cells.fields:
        kinds[~blank_cells(cells.column("cancelled_date"))] = STATUS_KINDS.index("cancelled")
    return kinds, known


def _refunds(
    cells: _Cells, opts: LineOptions, kinds: np.ndarray, amount: pd.Series, orders: _OrderLevel | None
) -> tuple[np.ndarray, pd.Series]:
    """(each row's refunded amount, in its currency, 0 where none; live rows whose refunded amount cannot
    be read, flagged bad_amount).

    A sale refunded afterwards (a returned status, or a refunded-amount column such as Shopify's
    ``Refunded Amount`` or Stripe's ``Amount Refunded`` above 0) stays the sale, netted by its refund: by
    the refunded-amount column where the export has one and the row gives it, else by the whole amount. A
    returned row with a negative amount is a refund document already and nets as written."""
    index = cells.table.index
    returned = (kinds == STATUS_KINDS.index("returned")) & (amount.to_numpy() > 0)
    refunded = np.where(returned, amount.to_numpy(), 0.0)
    bad = pd.Series(False, index=index)
    if "refunded_amount" in cells.fields:
        column = cells.column("refunded_amount")
        parsed = parse_amounts(column, opts.decimal_comma).value.abs()
        given = ~blank_cells(column)
        if orders is not None:
            given &= ~orders.items  # the order's refund is written once, with its total
        bad = cells.live & pd.Series(given, index=index) & parsed.isna()
        cells.flag(bad, cells.fields["refunded_amount"], "bad_amount")
        sale = np.isin(kinds, [STATUS_KINDS.index("order"), STATUS_KINDS.index("returned")]) & (amount.to_numpy() > 0)
        from_column = given & sale & ~bad.to_numpy()
        refunded = np.where(from_column, parsed.fillna(0.0).to_numpy(), refunded)
    return np.nan_to_num(refunded), bad


def _custom_lines(cells: _Cells, words: tuple[str, ...]) -> np.ndarray | None:
    """Lines whose order type, product or category names a custom order (one of ``words``, case-insensitive:
    a Latin word as a whole word, a Chinese one anywhere in the text): decided per distinct text. None
    when the table has none of those columns."""
    columns = [f for f in ("order_type", "product", "category") if f in cells.fields]
    if not columns or not words:
        return None
    # Latin words match whole words ("custom" not in "Customizable"); Chinese ones anywhere in the text.
    pattern = "|".join(
        rf"(?<![a-z0-9]){re.escape(w.casefold())}(?![a-z0-9])" if w.isascii() else re.escape(w.casefold())
        for w in words
    )
    custom = np.zeros(cells.table.n_rows, dtype=bool)
    for fld in columns:
        fz = cells.column(fld)
        hit = fz.trimmed.str.casefold().str.contains(pattern, regex=True).to_numpy(dtype=bool)
        custom |= hit[fz.codes]
    return custom


def _text_columns(lines: pd.DataFrame, cells: _Cells, opts: LineOptions) -> None:
    """order_id, country, category and sample into ``lines`` (and sales_owner and industry where the
    export has them, as a CRM's invoices do): the texts the per-customer groupbys read are categoricals
    (codes into the distinct texts)."""
    m = cells.fields
    lines["order_id"] = categorical_of_distinct(*cells.order_ids) if "order_id" in m else ""
    lines["country"] = trimmed_categorical(cells.column("country")) if "country" in m else ""
    lines["category"] = trimmed_categorical(cells.column("category")) if "category" in m else ""
    lines["sample"] = is_sample(cells.column("order_type")) if "order_type" in m else False
    custom = _custom_lines(cells, opts.custom_words)
    if custom is not None:
        lines["custom"] = custom
    for master_field in ORDER_LINE_MASTER_FIELDS:
        if master_field in m:
            lines[master_field] = trimmed_categorical(cells.column(master_field))


def _overflowing_rows(cells: _Cells) -> pd.Series:
    """Live rows with more values than the header has columns, flagged extra_fields."""
    over = pd.Series(False, index=cells.table.index)
    if cells.table.overflow:
        over.iloc[cells.table.overflow] = True
        over &= cells.live
        cells.flag(over, cells.table.headers[-1], "extra_fields")
    return over


def _dispositions(bad: np.ndarray, cancelled: np.ndarray, total: np.ndarray, blank: np.ndarray) -> np.ndarray:
    """Each row's disposition as a code into DISPOSITIONS: blank over total over cancelled over problem
    (``bad``) over used. A cancelled line counts for nothing, so its other defects do not matter."""
    disposition = np.full(len(bad), DISPOSITIONS.index("used"), dtype=np.int8)
    disposition[bad] = DISPOSITIONS.index("problem")
    disposition[cancelled] = DISPOSITIONS.index("cancelled")
    disposition[total] = DISPOSITIONS.index("total")
    disposition[blank] = DISPOSITIONS.index("blank")
    return disposition


def order_lines(
    tables: list[Table], opts: LineOptions, source_names: list[str]
) -> tuple[pd.DataFrame, list[pd.DataFrame], int, list[LineFacts]]:
    """The lines stage: (lines, problem rows per table, duplicate lines) of every order table, one frame of
    lines (see :func:`table_lines` for its columns) with one customer numbering (customer_key) across the
    tables. Each table's cells are let go once its lines are made. An :class:`InputError` when there is
    no line at all (``source_names``: the inputs, for the message)."""
    parts, problem_parts, duplicates, facts = [], [], 0, []
    for t in tables:
        _needs_currency(t, opts)
        lines_t, probs_t, dup, facts_t = table_lines(t, opts)
        facts.append(facts_t)
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
    return lines, problem_parts, duplicates, facts


def layout_notes(facts: list[LineFacts]) -> list[Note]:
    """The notes on how the tables were read: used lines whose customer is their e-mail or name (no id),
    and order totals counted once per order."""
    notes = []
    email = sum(f.key_sources.get("email", 0) for f in facts)
    name = sum(f.key_sources.get("name", 0) for f in facts)
    if email or name:
        notes.append(Note("customer_key_fallback", {"email": email, "name": name}))
    for layout in ("first_line", "repeated"):
        shown = [f for f in facts if f.order_layout == layout]
        if shown:
            values = {"orders": sum(f.order_lines for f in shown), "items": sum(f.item_lines for f in shown)}
            notes.append(Note(f"order_totals_{layout}", values))
    return notes


def _needs_currency(table: Table, opts: LineOptions) -> None:
    """An :class:`InputError` for an export whose amounts are each in their order's own currency (Odoo)
    when it has no currency column and no currency was declared: its sum would be a mixture."""
    profile = table.mapping.profile
    if profile and profile.needs_currency and "currency" not in table.mapping.fields and not opts.currency:
        where = table.file + (f" [{table.sheet}]" if table.sheet else "")
        raise InputError(
            f"{where}: this is {profile.title}, whose amounts are in each order's own currency, and it has no "
            "currency column, so its money cannot be added up right",
            hint="export it again with the currency column (currency_id), or declare the one currency all its "
            "orders are in",
            code="currency_column_needed",
            values={"profile": profile.name},
        )


def _unify_customer_keys(parts: list[pd.DataFrame]) -> None:
    """Each table numbers its own customer ids; lines from several tables get one numbering, by id text
    (first come, first numbered). Tables without the codes (ids from names) leave them off everywhere."""
    if not all(CUSTOMER_KEY in p for p in parts):
        for p in parts:
            if CUSTOMER_KEY in p:
                del p[CUSTOMER_KEY]
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
