"""compare_gradings: the changes and the migration between two gradings, computed by hand."""

from __future__ import annotations

import pandas as pd

from custseg.core.compare import compare_gradings

TIERS = ["vip", "key", "normal", "potential"]


def test_changes_and_migration():
    before = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C"],
            "tier": ["vip", "normal", "normal"],
            "segment": ["", "", ""],
            "monetary": [500.0, 40.0, 20.0],
        }
    )
    after = pd.DataFrame(
        {
            "customer_id": ["D", "A", "B"],
            "tier": ["vip", "normal", "normal"],
            "segment": ["", "", ""],
            "monetary": [300.0, 100.0, 50.0],
        }
    )
    changes, migration = compare_gradings(before, after, TIERS)
    # D is new, A slipped from vip to normal, B stayed (not listed), C is gone.
    assert changes.to_dict(orient="list") == {
        "customer_id": ["D", "A", "C"],
        "previous_tier": ["", "vip", "normal"],
        "tier": ["vip", "normal", ""],
        "tier_change": ["new", "down", "gone"],
    }
    assert migration.to_dict(orient="list") == {
        "previous_tier": ["vip", "normal", "normal", "(new)"],
        "tier": ["normal", "normal", "(gone)", "vip"],
        "customers": [1, 1, 1, 1],
        "revenue": [100.0, 50.0, 20.0, 300.0],
    }


def test_a_grading_without_monetary_counts_no_revenue():
    before = pd.DataFrame({"customer_id": ["A"], "tier": ["key"], "segment": ["x"]})
    after = pd.DataFrame({"customer_id": ["A"], "tier": ["vip"], "segment": ["x"]})
    changes, migration = compare_gradings(before, after, TIERS)
    assert changes.values.tolist() == [["A", "key", "vip", "up"]]
    assert migration.values.tolist() == [["key", "vip", 1, 0.0]]
