"""The classify stage and the score codes it reads."""

from __future__ import annotations

import pandas as pd


def test_score_codes_and_tags_are_made_per_distinct_combination():
    """The fast paths give what one string a customer gives: 'R' + 'F' + 'M', tags sorted and joined."""
    import numpy as np

    from custseg.config.rules import Rules, TagRule
    from custseg.core.classify import tags
    from custseg.core.scores import _score_codes

    r = pd.Series([5, 1, pd.NA, 5, 3], dtype="Int64")
    f = pd.Series([2, 1, pd.NA, 2, pd.NA], dtype="Int64")
    m = pd.Series([4, 5, pd.NA, 4, 1], dtype="Int64")
    scored = pd.Series([True, True, False, True, True])
    old_way = (r.astype(str) + f.astype(str) + m.astype(str)).where(scored, "").astype(object)
    got = _score_codes(r, f, m, scored)
    assert got[:4].tolist() == ["524", "115", "", "524"]
    assert got.equals(old_way)  # a scored customer missing a score (never made) as the string path has it
    assert _score_codes(r[:0], f[:0], m[:0], scored[:0]).tolist() == []

    table = pd.DataFrame({"frequency": [0, 1, 5, 9], "monetary": [0.0, 10.0, 500.0, 50.0]})
    rules = Rules(
        tags=[
            TagRule(key="zeta", when="frequency >= 5"),
            TagRule(key="alpha", when="monetary >= 50"),
            TagRule(key="mid", when="frequency == 1"),
        ]
    )
    assert tags(table, rules).tolist() == ["", "mid", "alpha;zeta", "alpha;zeta"]
    assert tags(table, Rules(tags=[])).tolist() == [""] * 4
    assert np.asarray(tags(table, rules)).dtype == object
