"""Period over period: who moved up, who slipped, who is new and who is gone."""

from __future__ import annotations

import pandas as pd


def compare_with_previous(
    table: pd.DataFrame, previous: pd.DataFrame, tier_order: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Add previous_tier, tier_change and previous_segment; return (table, gone, migration).

    ``previous`` has customer_id, tier and segment (and optionally customer_name and monetary).
    Up and down follow ``tier_order`` (first is highest). A previous tier not in the current rules
    compares as "same" when equal, else it cannot be ranked and counts as "down" only if the current
    tier is the lowest; such cases are rare (rules changed between runs) and shown in the matrix.
    """
    prev = previous.copy()
    prev["customer_id"] = prev["customer_id"].astype(str)
    prev = prev.drop_duplicates("customer_id", keep="last").set_index("customer_id")
    rank = {k: i for i, k in enumerate(tier_order)}
    out = table.copy()
    ids = out.index.astype(str)
    out["previous_tier"] = prev["tier"].reindex(ids).fillna("").astype(object).to_numpy()
    out["previous_segment"] = (
        prev["segment"].reindex(ids).fillna("").astype(object).to_numpy() if "segment" in prev else ""
    )
    cur_rank = out["tier"].map(rank)
    prev_rank = out["previous_tier"].map(rank)
    change = pd.Series("same", index=out.index, dtype=object)
    change[cur_rank < prev_rank] = "up"
    change[cur_rank > prev_rank] = "down"
    change[out["previous_tier"] == ""] = "new"
    out["tier_change"] = change
    gone_ids = prev.index.difference(pd.Index(ids))
    gone = prev.loc[gone_ids].reset_index()
    gone = gone.assign(tier_change="gone")
    keep = [c for c in ("customer_id", "customer_name", "tier", "segment", "monetary", "tier_change") if c in gone]
    gone = gone[keep].rename(columns={"tier": "previous_tier", "segment": "previous_segment"})
    migration = migration_matrix(out, gone, tier_order)
    return out, gone, migration


def migration_matrix(current: pd.DataFrame, gone: pd.DataFrame, tier_order: list[str]) -> pd.DataFrame:
    """Counts and revenue by (previous tier, current tier); "(new)" and "(gone)" for the edges."""
    cur = pd.DataFrame(
        {
            "previous_tier": current["previous_tier"].replace("", "(new)").to_numpy(),
            "tier": current["tier"].to_numpy(),
            "monetary": current["monetary"].to_numpy(),
        }
    )
    if len(gone):
        g = pd.DataFrame(
            {
                "previous_tier": gone["previous_tier"].to_numpy(),
                "tier": "(gone)",
                "monetary": gone["monetary"].to_numpy() if "monetary" in gone else 0.0,
            }
        )
        cur = pd.concat([cur, g], ignore_index=True)
    order = tier_order + ["(new)", "(gone)"]
    counts = cur.groupby(["previous_tier", "tier"]).agg(customers=("tier", "size"), revenue=("monetary", "sum"))
    counts = counts.reset_index()
    counts["_p"] = counts["previous_tier"].map({k: i for i, k in enumerate(order)}).fillna(len(order))
    counts["_c"] = counts["tier"].map({k: i for i, k in enumerate(order)}).fillna(len(order))
    return counts.sort_values(["_p", "_c", "previous_tier", "tier"]).drop(columns=["_p", "_c"]).reset_index(drop=True)


def compare_gradings(
    before: pd.DataFrame, after: pd.DataFrame, tier_order: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Who moved between two gradings, and the migration matrix; returns (changes, migration).

    ``before`` and ``after`` have customer_id, tier and segment (and optionally customer_name and monetary:
    a grading without monetary counts zero revenue in the matrix). ``changes`` has customer_id,
    previous_tier, tier and tier_change: the customers of ``after`` whose tier is up, down or new, in
    ``after``'s order, then those of ``before`` that are gone (tier ""). ``migration`` is
    :func:`migration_matrix`'s."""
    current = after.set_index("customer_id")
    if "monetary" not in current:
        current["monetary"] = 0.0
    table, gone, migration = compare_with_previous(current, before, tier_order)
    columns = ["customer_id", "previous_tier", "tier", "tier_change"]
    changes = table[table["tier_change"] != "same"].reset_index()[columns]
    if len(gone):
        changes = pd.concat([changes, gone.assign(tier="")[columns]], ignore_index=True)
    return changes, migration
