"""R, F and M scores 1-5 (higher is better for all three).

Default ("hybrid"): recency in fixed day bands, frequency in order-count bands, monetary by quintile.
Plain quintiles collapse on B2B data where most customers ordered once (every one-order customer
ties, and ties must share a score), so the bands keep R and F meaningful there; money is spread
enough for quantiles. Equal values always get equal scores: quantile scores come from the mid-rank of
each value, never from row order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from custseg.config.rules import ScoreRules


def quantile_scores(values: pd.Series, higher_is_better: bool = True) -> pd.Series:
    """Scores 1-5 by the mid-rank percentile of each value; ties share the mid-rank, so share a score."""
    v = values.astype(float)
    valid = v.notna()
    out = pd.Series(pd.NA, index=values.index, dtype="Int64")
    if not valid.any():
        return out
    ranked = (v[valid] if higher_is_better else -v[valid]).rank(method="average")
    pct = (ranked - 0.5) / valid.sum()
    out[valid] = np.minimum(np.floor(pct * 5).astype("int64") + 1, 5)
    return out


def band_scores(values: pd.Series, bounds: Sequence[float], higher_is_better: bool) -> pd.Series:
    """Scores from fixed boundaries.

    higher_is_better: ``bounds`` are the lower bounds of scores 2..5 (value >= b).
    otherwise: ``bounds`` are the upper bounds of scores 5..2 (value <= b).
    """
    v = values.astype(float)
    out = pd.Series(pd.NA, index=values.index, dtype="Int64")
    valid = v.notna()
    arr = v[valid].to_numpy()
    if higher_is_better:
        score = 1 + np.searchsorted(np.asarray(bounds, dtype=float), arr, side="right")
    else:
        score = 5 - np.searchsorted(np.asarray(bounds, dtype=float), arr, side="left")
    out[valid] = score.astype("int64")
    return out


def _score_codes(r: pd.Series, f: pd.Series, m: pd.Series, scored: pd.Series) -> pd.Series:
    """``r.astype(str) + f.astype(str) + m.astype(str)`` ("" where not scored), made once for each distinct
    (R, F, M) there is (at most 125) and taken by code, instead of three strings and two joins a customer."""
    key = np.zeros(len(r), dtype=np.int64)
    for score in (r, f, m):
        # Each score as a number (-1 for a missing one); any value a score can take stays apart.
        values = score.astype("Int64").fillna(-1).to_numpy(dtype=np.int64)
        distinct, values = np.unique(values, return_inverse=True)
        key = key * len(distinct) + values.reshape(-1)  # scores take a few values: no overflow
    codes, _ = pd.factorize(key)
    if len(codes) == 0:
        return pd.Series("", index=r.index, dtype=object)
    _, firsts = np.unique(codes, return_index=True)  # one customer of each distinct (R, F, M)
    texts = (r.iloc[firsts].astype(str) + f.iloc[firsts].astype(str) + m.iloc[firsts].astype(str)).to_numpy(
        dtype=object
    )
    return pd.Series(texts[codes], index=r.index, dtype=object).where(scored, "").astype(object)


@dataclass
class ScoreReport:
    """What each score means on this data, for the run info and ``rules check``."""

    method: str
    cutoffs: pd.DataFrame  # score, level, min, max, customers
    collapsed: list[dict[str, object]]  # scores that use fewer than 5 levels: score, levels, method


def score_customers(table: pd.DataFrame, rules: ScoreRules) -> tuple[pd.DataFrame, ScoreReport]:
    """Add r_score, f_score, m_score and rfm_score to customers with at least one positive order."""
    scored = table["frequency"] > 0
    rec = table["recency_days"].where(scored).astype("Float64")
    freq = table["frequency"].where(scored).astype(float)
    mon = table["monetary"].where(scored).astype(float)
    if rules.method == "quantile":
        r, f, m = quantile_scores(rec, False), quantile_scores(freq), quantile_scores(mon)
        methods = ("quantile", "quantile", "quantile")
    elif rules.method == "thresholds":
        r = band_scores(rec, rules.recency_days, False)
        f = band_scores(freq, rules.frequency_orders, True)
        m = band_scores(mon, rules.monetary or [], True)
        methods = ("day bands", "order-count bands", "money bands")
    else:
        r = band_scores(rec, rules.recency_days, False)
        f = band_scores(freq, rules.frequency_orders, True)
        m = quantile_scores(mon)
        methods = ("day bands", "order-count bands", "quantile")
    out = table.copy(deep=False)  # only whole columns are added to it: the table's own stay as they are
    out["r_score"], out["f_score"], out["m_score"] = r, f, m
    out["rfm_score"] = _score_codes(r, f, m, scored)
    rows = []
    collapsed = []
    for name, metric, s, how in (
        ("r_score", "recency_days", r, methods[0]),
        ("f_score", "frequency", f, methods[1]),
        ("m_score", "monetary", m, methods[2]),
    ):
        values = table[metric].where(scored)
        present = s.notna().to_numpy(dtype=bool)
        by_level = values[present].groupby(s[present].to_numpy(dtype=np.int64))  # one pass, not one per level
        lows, highs, counts = by_level.min(), by_level.max(), by_level.size()
        levels = 0
        for level in range(5, 0, -1):
            count = int(counts.get(level, 0))
            levels += count > 0
            rows.append(
                {
                    "score": name,
                    "method": how,
                    "level": level,
                    "min": float(lows[level]) if count else None,
                    "max": float(highs[level]) if count else None,
                    "customers": count,
                }
            )
        if 0 < scored.sum() and levels < 5:
            collapsed.append({"score": name, "levels": levels, "method": how})
    return out, ScoreReport(rules.method, pd.DataFrame(rows), collapsed)
