"""The customer master joined to the per-customer figures: customers with only cancelled lines, the
master's columns (it wins over the orders for name and country), prospects from the master alone, and
empty figures filled in so every customer has a complete row."""

from __future__ import annotations

import numpy as np
import pandas as pd

from custseg.core.lines import ORDER_LINE_MASTER_FIELDS
from custseg.core.notes import Note
from custseg.core.problems import customer_problems, problems
from custseg.core.values import AmbiguousDates, DateOrder, normalise_ids, parse_dates
from custseg.input.headers import MASTER_INDEX, map_headers
from custseg.input.tables import Table


def with_master(
    table: pd.DataFrame, lines: pd.DataFrame, master_tables: list[Table], date_order: DateOrder | None
) -> tuple[pd.DataFrame, list[pd.DataFrame], list[Note]]:
    """The master stage. Takes the per-customer figures (indexed by customer_id), the order lines
    (customer_id, row, customer_name, country, disposition, file, sheet) and the master tables; returns
    (the table with customers whose every line was cancelled, the master's columns and in_master, every
    figure column filled, its problem rows (master_missing_id, not_in_master), its notes)."""
    found: list[pd.DataFrame] = []
    notes: list[Note] = []
    table = _add_cancelled_only(table, lines)
    master = _master_frame(master_tables, date_order, found, notes)
    table = _merge_master(table, master, found, lines)
    return _fill_empty_metrics(table), found, notes


def _master_frame(
    tables: list[Table], date_order: DateOrder | None, found: list[pd.DataFrame], notes: list[Note]
) -> pd.DataFrame | None:
    """The customer master, one row per customer id (the last row wins); rows without an id are
    reported, never dropped silently."""
    frames = []
    for t in tables:
        mapping = map_headers(t.headers, {}, MASTER_INDEX, t.file) if t.kind != "master" else t.mapping
        f = t.frame
        live = ~f.apply(lambda c: c.astype(str).str.strip().eq("")).all(axis=1)
        rows = t.rows[live.to_numpy()]
        f = f[live]
        out = pd.DataFrame(index=f.index)
        key = "customer_id" if mapping.has("customer_id") else "customer_name"
        out["customer_id"] = normalise_ids(f[mapping.fields[key]])
        for fld in ("customer_name", "country", "industry", "sales_owner", "tier_override", "needs_type", "timezone"):
            if mapping.has(fld):
                out[fld] = f[mapping.fields[fld]].astype(str).str.strip()
        for fld in ("satisfaction", "complaints"):
            if mapping.has(fld):
                out[fld] = _feedback_numbers(f[mapping.fields[fld]], t, rows, mapping.fields[fld], found)
        for fld in ("created_date", "last_contact_date"):
            if mapping.has(fld):
                try:
                    out[fld], _ = parse_dates(f[mapping.fields[fld]], date_order)
                except AmbiguousDates as exc:
                    out[fld] = pd.NaT
                    notes.append(
                        Note(
                            "master_dates_ambiguous",
                            {"file": t.file, "column": mapping.fields[fld], "example": exc.example},
                        )
                    )
        for extra in mapping.unmapped:
            if extra not in out.columns and not extra.startswith("column_"):
                out[extra] = f[extra].astype(str)
        no_id = (out["customer_id"] == "").to_numpy()
        if no_id.any():
            blank = [""] * int(no_id.sum())
            found.append(problems(t.file, t.sheet, rows[no_id], mapping.fields[key], blank, "master_missing_id"))
        frames.append(out[~no_id])
    if not frames:
        return None
    master = pd.concat(frames, ignore_index=True)
    return master.drop_duplicates("customer_id", keep="last").set_index("customer_id")


def _feedback_numbers(
    column: pd.Series, table: Table, rows: np.ndarray, header: str, found: list[pd.DataFrame]
) -> pd.Series:
    """A master's satisfaction or complaints column as numbers (``4.5``, ``90%`` as 90, ``3 次``): a text that
    is not a number is left empty and listed as a warning (bad_feedback_value), never guessed."""
    text = column.astype(str).str.strip()
    number = pd.to_numeric(text.str.replace(r"[%次件\s]", "", regex=True).str.replace(",", "."), errors="coerce")
    bad = (text != "") & number.isna()
    if bad.any():
        where = bad.to_numpy()
        found.append(problems(table.file, table.sheet, rows[where], header, text[bad].tolist(), "bad_feedback_value"))
    return number


def _add_cancelled_only(table: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Customers whose every line was cancelled are still customers: a row with frequency 0."""
    if lines.empty:
        return table
    # The few cancelled lines first, and only the columns read here: not a copy of every column of the lines.
    cancelled = lines.loc[
        (lines["disposition"] == "cancelled").to_numpy(), ["customer_id", "row", "customer_name", "country"]
    ]
    cancelled = cancelled[cancelled["customer_id"] != ""]
    extra = cancelled[~cancelled["customer_id"].isin(table.index)]
    if extra.empty:
        return table
    first = extra.sort_values(["customer_id", "row"]).groupby("customer_id")[["customer_name", "country"]].last()
    table, at = _with_rows_for(table, first.index)
    for c in ("customer_name", "country"):
        if c in table:
            values = table[c].to_numpy(dtype=object, copy=True)
            empty = pd.isna(values[at])  # only the added rows are empty here
            values[at[empty]] = first[c].to_numpy(dtype=object)[empty]
            table[c] = pd.Series(values, index=table.index, dtype=object)
    return table


def _with_rows_for(table: pd.DataFrame, ids: pd.Index) -> tuple[pd.DataFrame, np.ndarray]:
    """``table.reindex(table.index.union(ids))`` (``ids`` not in the table) and where the new rows are. The
    customers come sorted by id, so the few new rows are put in their places by bisection instead of hashing and
    reindexing every customer."""
    if not (table.index.is_monotonic_increasing and table.index.is_unique and ids.is_monotonic_increasing):
        everyone = table.index.union(ids)
        out = table.reindex(everyone)
        out.index.name = "customer_id"
        return out, everyone.get_indexer(ids)
    at = table.index.searchsorted(ids)
    added = table.iloc[:0].reindex(ids)  # the new rows, with the dtypes reindexing gives them
    order = np.insert(np.arange(len(table)), at, len(table) + np.arange(len(ids)))
    out = pd.concat([table, added]).iloc[order]
    out.index.name = "customer_id"
    return out, at + np.arange(len(ids))


def _merge_master(
    table: pd.DataFrame, master: pd.DataFrame | None, found: list[pd.DataFrame], lines: pd.DataFrame
) -> pd.DataFrame:
    if master is None:
        table["in_master"] = pd.NA
        return table
    missing = table.index.difference(master.index)
    if len(missing):
        found.append(customer_problems(pd.Series(missing, index=missing), lines, "customer_id", "not_in_master"))
    prospects = master.index.difference(table.index)
    table = table.reindex(table.index.union(prospects))
    table.index.name = "customer_id"
    table["in_master"] = table.index.isin(master.index)
    for c in master.columns:
        values = master[c].reindex(table.index)
        if c in ("customer_name", "country", *ORDER_LINE_MASTER_FIELDS) and c in table.columns:
            given = values.fillna("").astype(str) != ""
            table[c] = table[c].where(~given, values)  # the master wins over the orders
        else:
            table[c] = values
    return table


def _fill_empty_metrics(table: pd.DataFrame) -> pd.DataFrame:
    """Customers with no positive order (prospects, refunds only) still get a complete row."""
    defaults = {
        "frequency": 0,
        "lifetime_frequency": 0,
        "sample_orders": 0,
        "orders_excluding_samples": 0,
        "category_count": 0,
        "order_lines": 0,
        "order_years": 0,
    }
    for c, v in defaults.items():
        table[c] = table[c].fillna(v).astype("int64") if c in table else v
    if "custom_orders" in table:
        table["custom_orders"] = table["custom_orders"].fillna(0).astype("int64")
    for c in ("monetary", "lifetime_monetary", "refund_amount"):
        table[c] = table[c].fillna(0.0).astype(float) if c in table else 0.0
    for c in ("avg_order_value", "median_interval_days", "last_gap_days"):
        if c not in table:
            table[c] = np.nan
    for c in ("recency_days", "tenure_days"):
        table[c] = table[c].astype("Int64") if c in table else pd.Series(pd.NA, index=table.index, dtype="Int64")
    for c in ("first_order_date", "last_order_date"):
        if c not in table:
            table[c] = pd.NaT
    for c in ("customer_name", "country", "currencies", "categories", "main_category"):
        table[c] = table[c].fillna("").astype(object) if c in table else ""
    return table
