"""Per-customer figures from order lines: pure groupbys, deterministic for the same input."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _join_sorted(values: pd.Series, keys: pd.Series) -> pd.Series:
    """Per key, its distinct non-empty values sorted and joined with ';'.

    Currencies and categories have few distinct values, so a key x value presence table and one
    string concatenation per value is much faster than joining inside a groupby.
    """
    v_codes, distinct = pd.factorize(values.astype(str).to_numpy(dtype=object), sort=True)
    k_codes, key_values = pd.factorize(keys.to_numpy(dtype=object))
    keep = distinct[v_codes] != ""
    if len(distinct) > 200:
        frame = pd.DataFrame({"k": keys.to_numpy()[keep], "v": distinct[v_codes[keep]]}).drop_duplicates()
        return frame.sort_values(["k", "v"]).groupby("k", sort=False)["v"].agg(";".join)
    present = np.zeros((len(key_values), len(distinct)), dtype=bool)
    present[k_codes[keep], v_codes[keep]] = True
    joined = np.full(len(key_values), "", dtype=object)
    for j, v in enumerate(distinct):  # sorted, so the joined values come out sorted
        if v:
            joined = joined + np.where(present[:, j], v + ";", "")
    return pd.Series(joined, index=key_values, dtype=object).str.rstrip(";")


def customer_metrics(lines: pd.DataFrame, as_of: pd.Timestamp, window_start: pd.Timestamp | None) -> pd.DataFrame:
    """One row per customer found in ``lines`` (the used and outside-window lines, amounts in base currency).

    An order is a customer's order id, or without one the customer's lines on one day. Frequency counts
    orders whose lines net to a positive amount; monetary is the net sum, refunds included.
    """
    cols = ["customer_id", "order_key", "order_date", "amount_base", "sample", "in_window"]
    if lines.empty:
        return pd.DataFrame(columns=["customer_id"]).set_index("customer_id")
    data = lines[cols]
    orders = data.groupby(["customer_id", "order_key"], sort=False).agg(
        net=("amount_base", "sum"), date=("order_date", "min"), sample=("sample", "all"),
        in_window=("in_window", "max"),
    ).reset_index()
    positive = orders[orders["net"] > 0.005]
    by_cust = lines.groupby("customer_id", sort=True)

    out = pd.DataFrame(index=pd.Index(sorted(lines["customer_id"].unique()), name="customer_id"))
    pos_by = positive.groupby("customer_id")
    out["first_order_date"] = pos_by["date"].min()
    out["last_order_date"] = pos_by["date"].max()
    out["lifetime_frequency"] = pos_by.size()
    out["frequency"] = positive[positive["in_window"]].groupby("customer_id").size()
    out["lifetime_monetary"] = by_cust["amount_base"].sum()
    out["monetary"] = lines[lines["in_window"]].groupby("customer_id")["amount_base"].sum()
    neg = lines[lines["amount_base"] < 0]
    out["refund_amount"] = -neg.groupby("customer_id")["amount_base"].sum()
    for c in ("lifetime_frequency", "frequency"):
        out[c] = out[c].fillna(0).astype("int64")
    for c in ("lifetime_monetary", "monetary", "refund_amount"):
        out[c] = out[c].fillna(0.0).astype(float)
    out["avg_order_value"] = (out["monetary"] / out["frequency"].where(out["frequency"] > 0)).astype(float)
    out["recency_days"] = (as_of - out["last_order_date"]).dt.days.astype("Int64")
    out["tenure_days"] = (as_of - out["first_order_date"]).dt.days.astype("Int64")

    # Purchase rhythm: gaps between consecutive positive orders on distinct days.
    days = positive[["customer_id", "date"]].drop_duplicates().sort_values(["customer_id", "date"])
    gaps = days.groupby("customer_id")["date"].diff().dt.days
    days = days.assign(gap=gaps)
    out["median_interval_days"] = days.groupby("customer_id")["gap"].median()
    last_gap = days.groupby("customer_id")["gap"].last()
    out["last_gap_days"] = last_gap
    out["sample_orders"] = positive[positive["sample"]].groupby("customer_id").size()
    out["sample_orders"] = out["sample_orders"].fillna(0).astype("int64")
    out["orders_excluding_samples"] = out["lifetime_frequency"] - out["sample_orders"]

    out["currencies"] = _join_sorted(lines["currency"], lines["customer_id"])
    out["categories"] = _join_sorted(lines["category"], lines["customer_id"])
    cat = lines[lines["category"] != ""].groupby(["customer_id", "category"])["amount_base"].sum().reset_index()
    cat = cat.sort_values(["customer_id", "amount_base", "category"], ascending=[True, False, True])
    out["main_category"] = cat.drop_duplicates("customer_id").set_index("customer_id")["category"]
    out["category_count"] = cat.groupby("customer_id").size()
    out["category_count"] = out["category_count"].fillna(0).astype("int64")
    out["order_lines"] = by_cust.size()

    # Name and country: the latest non-empty value (the customer master, when given, wins later).
    ordered = lines.sort_values(["customer_id", "order_date", "row"], na_position="first")
    for fld in ("customer_name", "country"):
        vals = ordered[ordered[fld].astype(str) != ""]
        out[fld] = vals.groupby("customer_id")[fld].last()
    for c in ("currencies", "categories", "main_category", "customer_name", "country"):
        out[c] = out[c].fillna("").astype(object)
    return out
