"""`custseg rules check`: the rules explained in plain lines, proving the segment map is complete."""

from __future__ import annotations

from collections.abc import Iterator

from custseg.config.expr import parse_condition
from custseg.config.rules import Rules, fm_score, segment_coverage
from custseg.core.notes import Note
from custseg.schema import OUTPUT_COLUMNS

# Columns a condition may name: the output columns but those made from the conditions themselves (the
# tier's rule, tags, the service plan), and three per-customer figures that are not output; conditions
# may also name customer-master columns.
STANDARD_COLUMNS = (
    set(OUTPUT_COLUMNS) - {"tier_rule", "tags", "action_key", "action", "follow_up_days", "next_follow_up"}
) | {
    "tenure_days",
    "median_interval_days",
    "sample_orders",
}


def unknown_columns(rules: Rules, extra_columns: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Names in the conditions that are neither standard columns nor ``extra_columns`` (a master's)."""
    names: set[str] = set()
    for when in [*(t.when for t in rules.tiers), *(t.when for t in rules.tags)]:
        names |= parse_condition(when).names
    return sorted(names - STANDARD_COLUMNS - set(extra_columns))


def explain_rules(rules: Rules, orders: list[str]) -> Iterator[str]:
    yield f"rules OK (digest {rules.digest()})"
    yield (
        f"base currency {rules.currency.base}; home country {rules.home_country}; "
        f"look-back {rules.lookback_months or 'all'} months"
    )
    s = rules.scores
    yield f"scores: {s.method}; recency day bands {s.recency_days}; frequency order bands {s.frequency_orders}" + (
        f"; money bands {s.monetary}" if s.monetary else ""
    )
    yield "tiers (first match wins; the order ranks them):"
    for i, t in enumerate(rules.tiers, 1):
        yield f"  {i}. {t.key} ({t.label_zh} / {t.label_en}) when {t.when}; follow up every {t.follow_up_days} days"
    for tag in rules.tags:
        yield f"tag {tag.key} when {tag.when}"
    gaps, overlaps = segment_coverage(rules.segments)
    grid = {cell: seg.key for seg in rules.segments for cell in seg.covers()}
    combos = {(r, f, m): grid[(r, fm_score(f, m))] for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)}
    yield (
        f"segment map: {len(combos)} R/F/M combinations, {len(gaps)} gaps, {len(overlaps)} overlaps "
        "(FM = mean of F and M, halves up)"
    )
    yield "  R\\FM " + " ".join(f"{f:>18}" for f in range(1, 6))
    for r in range(5, 0, -1):
        yield f"  {r:>4} " + " ".join(f"{grid[(r, f)]:>18}" for f in range(1, 6))
    if orders:
        from custseg.api import grade

        result = grade(orders, rules=rules)
        yield f"cut-offs on {', '.join(orders)} (as of {result.as_of}):"
        for rec in result.scores.cutoffs.itertuples(index=False):
            if rec.customers:
                yield f"  {rec.score} {rec.level}: {rec.min:g} .. {rec.max:g} ({rec.customers} customers, {rec.method})"
        for collapsed in result.scores.collapsed:
            yield f"  warning: {Note('score_levels', collapsed).text('en')}"
