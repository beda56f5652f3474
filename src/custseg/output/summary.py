"""Summary tables of a grading, as plain DataFrames keyed in English; the workbook and terminal render them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from custseg.core.classify import RFM_CLASS_LABELS
from custseg.core.predict_stage import prediction_figures

if TYPE_CHECKING:  # pragma: no cover
    from custseg.api import GradeResult


def _columns(customers: pd.DataFrame, *names: str) -> pd.DataFrame:
    """Only the columns a table reads: filtering the rows of all 45 columns for every table is wasted work."""
    return customers[list(dict.fromkeys(names))]


def _group(customers: pd.DataFrame, by: str, order: list[str] | None = None) -> pd.DataFrame:
    customers = _columns(customers, by, "customer_id", "monetary", "recency_days")
    total_n = len(customers)
    total_rev = customers["monetary"].clip(lower=0).sum()
    data = customers.assign(_recency=customers["recency_days"].astype("float64"))
    g = data.groupby(by, dropna=False, sort=False).agg(
        customers=("customer_id", "size"),
        revenue=("monetary", "sum"),
        avg_recency=("_recency", "mean"),
    )
    g["share"] = g["customers"] / total_n if total_n else 0.0
    g["revenue_share"] = g["revenue"] / total_rev if total_rev > 0 else 0.0
    g = g.reset_index().rename(columns={by: "key"})
    if order is not None:
        rank = {k: i for i, k in enumerate(order)}
        g["_r"] = g["key"].map(rank).fillna(len(order))
        g = g.sort_values(["_r", "key"]).drop(columns="_r")
    else:
        g = g.sort_values(["revenue", "key"], ascending=[False, True])
    return g[["key", "customers", "share", "revenue", "revenue_share", "avg_recency"]].reset_index(drop=True)


def tier_table(customers: pd.DataFrame, tier_order: list[str]) -> pd.DataFrame:
    t = _group(customers, "tier", tier_order)
    missing = [k for k in tier_order if k not in set(t["key"])]
    if missing:  # every tier shows, with zeros, so month-on-month tables line up
        t = pd.concat(
            [
                t,
                pd.DataFrame(
                    {
                        "key": missing,
                        "customers": 0,
                        "share": 0.0,
                        "revenue": 0.0,
                        "revenue_share": 0.0,
                        "avg_recency": float("nan"),
                    }
                ),
            ],
            ignore_index=True,
        )
        t = _reorder(t, tier_order)
    return t


def _reorder(t: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    rank = {k: i for i, k in enumerate(order)}
    return (
        t.assign(_r=t["key"].map(rank).fillna(len(order)))
        .sort_values(["_r", "key"])
        .drop(columns="_r")
        .reset_index(drop=True)
    )


def class_table(customers: pd.DataFrame) -> pd.DataFrame:
    data = _columns(customers, "rfm_class", "customer_id", "monetary", "recency_days")
    return _group(data[data["rfm_class"] != ""], "rfm_class", list(RFM_CLASS_LABELS))


def segment_table(customers: pd.DataFrame, segment_order: list[str]) -> pd.DataFrame:
    data = _columns(customers, "segment", "customer_id", "monetary", "recency_days")
    return _group(data[data["segment"] != ""], "segment", segment_order)


def tier_by_segment(customers: pd.DataFrame, tier_order: list[str], segment_order: list[str]) -> pd.DataFrame:
    seg = customers["segment"].replace("", "(none)")
    m = pd.crosstab(customers["tier"], seg)
    cols = [s for s in segment_order + ["(none)"] if s in m.columns]
    rows = [t for t in tier_order if t in m.index]
    return m.reindex(index=rows, columns=cols, fill_value=0)


def by_tier(customers: pd.DataFrame, column: str, order: list[str], tier_order: list[str]) -> pd.DataFrame:
    """Customers counted by ``column`` (rows, in ``order``; customers without a value left out) and tier
    (columns, in ``tier_order``): the relationship x tier and needs x tier tables."""
    if column not in customers:
        return pd.DataFrame()
    given = customers[customers[column].fillna("").astype(str) != ""]
    m = pd.crosstab(given[column], given["tier"])
    return m.reindex(
        index=[k for k in order if k in m.index], columns=[t for t in tier_order if t in m.columns], fill_value=0
    )


def value_ahead(customers: pd.DataFrame, by: str, order: list[str]) -> pd.DataFrame:
    """Per value of ``by`` (tier or segment, in ``order``): key, customers predicted, mean p_alive, the sum
    of expected_orders_365d and of predicted_value_12m; empty when no customer has a prediction. A mean
    or sum over customers without the figure leaves them out (p_alive can be empty while the orders are
    not)."""
    if "expected_orders_365d" not in customers or customers["expected_orders_365d"].isna().all():
        return pd.DataFrame()
    data = customers[customers["expected_orders_365d"].notna() & (customers[by] != "")]
    grouped = data.groupby(by)
    table = pd.DataFrame(
        {
            "customers": grouped.size(),
            "p_alive": grouped["p_alive"].mean(),
            "expected_orders_365d": grouped["expected_orders_365d"].sum(),
            "predicted_value_12m": grouped["predicted_value_12m"].sum(min_count=1),
        }
    )
    table = table.reindex([k for k in order if k in table.index])
    return table.rename_axis("key").reset_index()


def by_column(customers: pd.DataFrame, column: str) -> pd.DataFrame:
    if column not in customers:
        return pd.DataFrame()
    text = customers[column].fillna("").astype(str)
    if (text == "").all():
        return pd.DataFrame()
    data = _columns(customers, "customer_id", "monetary", "recency_days").assign(**{column: text.replace("", "(none)")})
    return _group(data, column)


def rf_grid(customers: pd.DataFrame) -> pd.DataFrame:
    """Customers by R score (rows, 5 at the top) and F score (columns)."""
    scores = _columns(customers, "r_score", "f_score")
    scored = scores[scores["r_score"].notna()]
    grid = pd.crosstab(scored["r_score"].astype(int), scored["f_score"].astype(int))
    return grid.reindex(index=[5, 4, 3, 2, 1], columns=[1, 2, 3, 4, 5], fill_value=0)


def top_customers(customers: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    return customers.sort_values(["monetary", "customer_id"], ascending=[False, True]).head(n)


def summary_payload(result: GradeResult) -> dict[str, Any]:
    def rows(t: Any) -> list[dict[str, Any]]:
        return [
            {
                k: (None if isinstance(v, float) and v != v else (round(v, 6) if isinstance(v, float) else v))
                for k, v in r.items()
            }
            for r in t.to_dict(orient="records")
        ]

    data = result.customers
    payload: dict[str, Any] = {
        "as_of": result.as_of.isoformat(),
        "base_currency": result.rules.currency.base,
        "exchange_rates": result.exchange_rates,
        "customers": len(data),
        "reconciliation": result.reconciliation,
        "warnings": result.warnings,
        "notes": [{"code": n.code, **n.values, "text": n.text("en")} for n in result.notes],
        "tiers": rows(tier_table(data, result.rules.tier_order)),
        "rfm_classes": rows(class_table(data)),
        "segments": rows(segment_table(data, [s.key for s in result.rules.segments])),
        "problem_codes": {
            str(k): int(v) for k, v in result.problems["reason_code"].value_counts().sort_index().items()
        },
        "version": result.version,
    }
    if len(result.statuses):
        payload["statuses"] = rows(result.statuses)
    for column in ("relationship", "needs"):
        if column in data:
            counts = data.loc[data[column] != "", column].value_counts()
            payload[column] = {str(k): int(v) for k, v in counts.sort_index().items()}
    payload["prediction"] = prediction_figures(result.prediction)
    if "tier_change" in data.columns:
        counts = data["tier_change"].value_counts()
        payload["tier_changes"] = {k: int(counts.get(k, 0)) for k in ("up", "down", "same", "new")}
        payload["tier_changes"]["gone"] = len(result.gone)
    return payload
