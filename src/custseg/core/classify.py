"""Named classes from scores and figures: the 8-class model, the 11 segments, tiers, ABC, lifecycle,
trade stage, tags and the service plan. Each function takes the customer table and returns columns."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from custseg.config.expr import ExpressionError, check_names, evaluate, parse_condition
from custseg.config.rules import Rules, fm_score
from custseg.core.dimensions import needs, next_working_day, relationship, time_zones
from custseg.core.geo import geography
from custseg.core.problems import customer_problems, problems
from custseg.errors import RulesError
from custseg.schema import REASONS

# The Chinese 8-class RFM model: (R high, F high, M high) -> key. High = at or above the mean score.
RFM_CLASSES: dict[tuple[bool, bool, bool], str] = {
    (True, True, True): "important_value",
    (True, False, True): "important_development",
    (False, True, True): "important_retention",
    (False, False, True): "important_winback",
    (True, True, False): "general_value",
    (True, False, False): "general_development",
    (False, True, False): "general_retention",
    (False, False, False): "general_winback",
}
RFM_CLASS_LABELS = {
    "important_value": ("重要价值客户", "Important value"),
    "important_development": ("重要发展客户", "Important development"),
    "important_retention": ("重要保持客户", "Important retention"),
    "important_winback": ("重要挽留客户", "Important win-back"),
    "general_value": ("一般价值客户", "General value"),
    "general_development": ("一般发展客户", "General development"),
    "general_retention": ("一般保持客户", "General retention"),
    "general_winback": ("一般挽留客户", "General win-back"),
}
LIFECYCLE_LABELS = {
    "new": ("新客户", "New"),
    "active": ("活跃", "Active"),
    "at_risk": ("流失风险", "At risk"),
    "churned": ("已流失", "Churned"),
    "reactivated": ("已唤回", "Reactivated"),
    "prospect": ("潜在客户", "Prospect"),
}
TRADE_STAGE_LABELS = {
    "prospect": ("潜在客户", "Prospect"),
    "sample": ("样单客户", "Sample"),
    "first_order": ("首单客户", "First order"),
    "repeat": ("复购客户", "Repeat"),
}


# A score that takes one level for every scored customer says nothing about who is above the others: it
# counts as high only from the middle of the 1-5 scale up. When every customer ordered once, F is 1 for
# all, and a one-time buyer is not an important-value customer (重要价值客户) for being as frequent as all.
SCALE_MIDDLE = 3


def rfm_class(table: pd.DataFrame) -> tuple[pd.Series, dict[str, float]]:
    """The 8-class key for scored customers: each of R, F and M is high at or above its mean over the
    scored customers, or, for a score with one level only, at or above :data:`SCALE_MIDDLE`. Returns the
    keys and the means (scored customers only)."""
    scored = table["r_score"].notna()
    means = {
        s: float(table.loc[scored, s].astype(float).mean()) if scored.any() else float("nan")
        for s in ("r_score", "f_score", "m_score")
    }
    out = pd.Series("", index=table.index, dtype=object)
    if scored.any():
        hi = {}
        for s, mean in means.items():
            values = table.loc[scored, s].astype(float)
            cut = SCALE_MIDDLE if values.nunique() == 1 else mean
            hi[s] = (values >= cut).to_numpy()
        # The eight classes as a table indexed by the three bits: no Python step per customer.
        classes = np.array([RFM_CLASSES[(bool(k & 4), bool(k & 2), bool(k & 1))] for k in range(8)], dtype=object)
        out[scored] = classes[hi["r_score"] * 4 + hi["f_score"] * 2 + hi["m_score"]]
    return out, means


def segments(table: pd.DataFrame, rules: Rules) -> pd.Series:
    """The segment key from the R x FM grid in the rules (complete and exclusive by validation)."""
    grid = {}
    for seg in rules.segments:
        for cell in seg.covers():
            grid[cell] = seg.key
    scored = table["r_score"].notna()
    out = pd.Series("", index=table.index, dtype=object)
    if scored.any():
        r, f, m = (
            table.loc[scored, s].astype(int).to_numpy().astype(np.int64) for s in ("r_score", "f_score", "m_score")
        )
        # Each distinct (R, F, M) looked up once (at most 125 of them), then taken by code.
        codes, distinct = pd.factorize((r * 1000 + f) * 1000 + m)
        keys = [grid[(int(k // 1_000_000), fm_score(int(k // 1000 % 1000), int(k % 1000)))] for k in distinct]
        out[scored] = np.array(keys, dtype=object)[codes]
    return out


def abc_classes(monetary: pd.Series, a: float, b: float) -> pd.Series:
    """A/B/C by cumulative share of revenue in Pareto order; equal revenues share a class.

    A customer is A while the revenue ranked above it is under ``a`` of the total, B under ``b``.
    Customers with no positive revenue are C.
    """
    out = pd.Series("C", index=monetary.index, dtype=object)
    positive = (monetary > 0).to_numpy(dtype=bool)
    pos = monetary[positive]
    if pos.empty:
        return out
    total = pos.sum()
    sums = pos.groupby(pos).sum().sort_index(ascending=False)  # revenue per distinct value, largest first
    before = sums.cumsum().shift(1, fill_value=0.0) / total
    level = pd.Series(np.where(before < a, "A", np.where(before < b, "B", "C")), index=sums.index)
    out[positive] = pos.map(level).to_numpy()  # by position: setting by 80k id labels hashed them all again
    return out


def lifecycle(table: pd.DataFrame, rules: Rules) -> pd.Series:
    lc = rules.lifecycle
    freq = table["lifetime_frequency"]
    rec = table["recency_days"].astype("Float64")
    tenure = table["tenure_days"].astype("Float64")
    interval = table["median_interval_days"].astype(float)
    last_gap = table["last_gap_days"].astype(float)
    prospect = freq <= 0
    churned = ~prospect & (rec > lc.churn_days).fillna(False)
    new = ~prospect & ~churned & (tenure <= lc.new_days).fillna(False)
    reactivated = ~prospect & ~churned & ~new & (pd.Series(last_gap, index=table.index) > lc.churn_days)
    repeat_risk = (freq >= 2) & (rec > lc.at_risk_factor * pd.Series(interval, index=table.index)).fillna(False)
    one_time_risk = (freq == 1) & (rec > lc.one_time_at_risk_days).fillna(False)
    at_risk = ~prospect & ~churned & ~new & ~reactivated & (repeat_risk | one_time_risk)
    out = pd.Series("active", index=table.index, dtype=object)
    for mask, key in (
        (at_risk, "at_risk"),
        (reactivated, "reactivated"),
        (new, "new"),
        (churned, "churned"),
        (prospect, "prospect"),
    ):
        out[mask.to_numpy(dtype=bool)] = key
    return out


def trade_stage(table: pd.DataFrame) -> pd.Series:
    """The exporter's ladder: prospect -> sample (only sample orders) -> first_order -> repeat."""
    full = table["orders_excluding_samples"]
    out = pd.Series("repeat", index=table.index, dtype=object)
    out[full == 1] = "first_order"
    out[(full <= 0) & (table["sample_orders"] > 0)] = "sample"
    out[table["lifetime_frequency"] <= 0] = "prospect"
    return out


def _evaluate(text: str, table: pd.DataFrame, where: str) -> pd.Series:
    try:
        cond = parse_condition(text)
        check_names(cond, list(table.columns), where)
        return evaluate(cond, table)
    except ExpressionError as exc:
        raise RulesError(f"{where}: {exc}") from None


def tiers(table: pd.DataFrame, rules: Rules) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(tier, tier_rule, bad_override): first matching rule wins; a valid manual tier wins over all."""
    tier = pd.Series("", index=table.index, dtype=object)
    rule = pd.Series("", index=table.index, dtype=object)
    for i, t in enumerate(rules.tiers):
        hit = _evaluate(t.when, table, f"tiers[{i}] ({t.key})") & (tier == "")
        tier[hit] = t.key
        rule[hit] = f"{t.key}: {t.when}"
    # No positive order: always the last tier (the documented "potential"), whatever the conditions say.
    none = table["frequency"] <= 0
    if "lifetime_frequency" in table:
        none = table["lifetime_frequency"] <= 0
    tier[none] = rules.tiers[-1].key
    rule[none] = f"{rules.tiers[-1].key}: no positive order"
    bad = pd.Series(False, index=table.index)
    if "tier_override" in table.columns:
        wanted = table["tier_override"].fillna("").astype(str).str.strip()
        lookup = {}
        for t in rules.tiers:
            for name in (t.key, t.label_zh, t.label_en):
                lookup[name.casefold()] = t.key
        mapped = wanted.str.casefold().map(lookup)
        ok = mapped.notna()
        tier[ok] = mapped[ok]
        rule[ok] = "manual override"
        bad = (wanted != "") & ~ok
    return tier, rule, bad


def tags(table: pd.DataFrame, rules: Rules) -> pd.Series:
    """The keys of the tag rules that hold, sorted and joined with ';'."""
    hits = {t.key: _evaluate(t.when, table, f"tags[{i}] ({t.key})") for i, t in enumerate(rules.tags)}
    keys = sorted(hits)
    # Each customer's set of tags as bits of one number; the text is joined once per distinct set.
    sets = np.zeros(len(table), dtype=object if len(keys) > 62 else np.int64)
    for bit, key in enumerate(keys):
        sets = sets + np.where(hits[key].to_numpy(dtype=bool), 1 << bit, 0)
    codes, distinct = pd.factorize(sets)
    texts = [";".join(k for bit, k in enumerate(keys) if int(d) >> bit & 1) for d in distinct]
    return pd.Series(np.array(texts, dtype=object)[codes], index=table.index, dtype=object)


def service_plan(table: pd.DataFrame, rules: Rules, as_of: pd.Timestamp, lang: str) -> pd.DataFrame:
    """Each customer's service plan from its tier (``tier``, and ``last_contact_date`` when a master gave
    it): action_key, action (the tier's action text in ``lang``), follow_up_days and next_follow_up
    (the last contact, else the as-of date, plus the days, moved off the weekend of the customer's
    country_code)."""
    actions = {t.key: (t.action_zh if lang == "zh" else t.action_en) or "" for t in rules.tiers}
    action = table["tier"].map(actions)
    keys = {t.key: action_key(t.key) if (t.action_zh or t.action_en) else "" for t in rules.tiers}
    days = table["tier"].map({t.key: t.follow_up_days for t in rules.tiers}).astype("int64")
    base = pd.Series(as_of, index=table.index)
    empty = pd.Series("", index=table.index, dtype=object)
    if "last_contact_date" in table.columns:
        contact = pd.to_datetime(table["last_contact_date"], errors="coerce")
        base = contact.where(contact.notna(), as_of)
    return pd.DataFrame(
        {
            "action_key": table["tier"].map(keys).astype(object),
            "action": action.astype(object),
            "follow_up_days": days,
            "next_follow_up": next_working_day(
                (base + pd.to_timedelta(days, unit="D")).dt.normalize(), table.get("country_code", empty)
            ),
        },
        index=table.index,
    )


def action_key(tier_key: str) -> str:
    """The stable key of a tier's action: the rules write each action as free text per language, so the key
    is the tier's own key in snake_case (lower case, each run of other characters than letters and digits
    as one "_"): "vip" for the default VIP tier, "key_account" for a tier keyed "Key Account"."""
    return re.sub(r"[\W_]+", "_", tier_key.strip().casefold()).strip("_")


def classify(
    table: pd.DataFrame, rules: Rules, as_of: pd.Timestamp, lang: str, lines: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, float], list[pd.DataFrame]]:
    """The classify stage. Takes the scored customer table (indexed by customer_id: the figures, the
    r/f/m scores, country, tier_override when a master gave one) and adds rfm_class, segment, abc_class,
    lifecycle, trade_stage, the geography columns, relationship, needs, custom_order_share, timezone,
    hours_from_home, contact_window (and empty satisfaction and complaints without a master that gives
    them), tier, tier_rule, tags, action, follow_up_days and next_follow_up, in place. Returns (the
    table, the 8-class model's mean scores, problem rows:
    unknown_country, which point at the customer's first line in ``lines`` (customer_id, file, sheet,
    row), and bad_tier_override). ``lang`` is the language of the action texts."""
    found: list[pd.DataFrame] = []
    table["rfm_class"], means = rfm_class(table)
    table["segment"] = segments(table, rules)
    table["abc_class"] = abc_classes(table["monetary"], rules.abc.a, rules.abc.b)
    table.loc[table["lifetime_frequency"] <= 0, "abc_class"] = ""
    table["lifecycle"] = lifecycle(table, rules)
    table["trade_stage"] = trade_stage(table)
    geo = geography(table["country"], rules.home_country, blocs_file=rules.trade_blocs_file)
    for c in geo.columns:
        table[c] = geo[c].to_numpy()
    table["relationship"] = relationship(table, rules, as_of)
    table["needs"], table["custom_order_share"] = needs(table)
    zones = time_zones(table["country_code"], table.get("timezone"), rules.home_country, as_of)
    for c in zones.columns:
        table[c] = zones[c].to_numpy()
    for c in ("satisfaction", "complaints"):  # from the master; a condition on them never matches without one
        if c not in table:
            table[c] = np.nan
    unknown = _unknown_countries(table)
    if unknown.any():
        found.append(customer_problems(table.loc[unknown, "country"], lines, "country", "unknown_country"))
    table["tier"], table["tier_rule"], bad_override = tiers(table, rules)
    if bad_override.any():
        overrides = table.loc[bad_override, "tier_override"]
        reasons = REASONS["bad_tier_override"][0] + ": " + overrides.index.to_series().astype(str).to_numpy()
        rows = np.zeros(len(overrides), dtype=np.int64)
        found.append(
            problems("customer master", "", rows, "tier_override", overrides.to_numpy(), "bad_tier_override", reasons)
        )
    table["tags"] = tags(table, rules)
    plan = service_plan(table, rules, as_of, lang)
    for c in plan.columns:
        table[c] = plan[c]
    return table, means, found


def _unknown_countries(table: pd.DataFrame) -> pd.Series:
    """Customers with a country text that is not a known country (country, country_code). Only the
    customers without a country code can have one: their texts alone are trimmed."""
    unknown = pd.Series(False, index=table.index)
    no_code = (table["country_code"] == "").to_numpy(dtype=bool)
    if no_code.any():
        unknown[no_code] = (table.loc[no_code, "country"].astype(str).str.strip() != "").to_numpy(dtype=bool)
    return unknown
