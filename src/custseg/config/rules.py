"""The grading rules: one pydantic model whose defaults work with no file at all.

Users edit a TOML file (``custseg rules init`` writes the defaults, commented); it is read with the
standard library's ``tomllib`` and validated here, and every mistake becomes one
:class:`~custseg.errors.RulesError` that names the key (and, for TOML syntax, the line).
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from custseg.config.expr import ExpressionError, parse_condition
from custseg.errors import RulesError


def _check_condition(v: str) -> str:
    try:
        parse_condition(v)
    except ExpressionError as exc:
        raise ValueError(str(exc)) from None
    return v


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


def _key_given(v: str) -> str:
    """A tier's, segment's or tag's key: never blank, which the outputs use for "none"."""
    if not v.strip():
        raise ValueError("a key cannot be empty")
    return v


class ScoreRules(_Model):
    """How R, F and M scores (always 1-5, higher is better) are given."""

    method: Literal["hybrid", "quantile", "thresholds"] = "hybrid"
    # Upper bounds in days for R scores 5, 4, 3, 2 (beyond the last: 1).
    recency_days: list[int] = Field(default_factory=lambda: [30, 90, 180, 365])
    # Lower bounds in distinct orders for F scores 2, 3, 4, 5 (below the first: 1).
    frequency_orders: list[int] = Field(default_factory=lambda: [2, 3, 5, 10])
    # Lower bounds in the base currency for M scores 2, 3, 4, 5; used by the "thresholds" method.
    monetary: list[float] | None = None

    @field_validator("recency_days", "frequency_orders", "monetary")
    @classmethod
    def _four_ascending(cls, v: list[float] | None) -> list[float] | None:
        if v is None:
            return v
        if len(v) != 4:
            raise ValueError("give exactly 4 boundaries (for the scores 5/4/3/2 or 2/3/4/5)")
        if any(b <= a for a, b in zip(v, v[1:], strict=False)):
            raise ValueError("boundaries must increase from left to right")
        return v

    @model_validator(mode="after")
    def _money_for_thresholds(self) -> ScoreRules:
        if self.method == "thresholds" and self.monetary is None:
            raise ValueError('method = "thresholds" needs monetary = [b2, b3, b4, b5] in the base currency')
        return self


class SegmentRule(_Model):
    """One of the named segments: the (R score, FM score) cells it covers, e.g. "5:4-5" = R 5 and FM 4 or 5."""

    key: str
    label_zh: str
    label_en: str
    cells: list[str]

    _key = field_validator("key")(_key_given)

    @field_validator("cells")
    @classmethod
    def _cells(cls, v: list[str]) -> list[str]:
        for cell in v:
            if not re.fullmatch(r"[1-5](-[1-5])?:[1-5](-[1-5])?", cell.strip()):
                raise ValueError(f'cell {cell!r} is not R:FM such as "5:4-5" (scores 1-5)')
        return v

    def covers(self) -> set[tuple[int, int]]:
        out = set()
        for cell in self.cells:
            r, fm = cell.strip().split(":")
            r_lo, r_hi = (int(x) for x in (r.split("-") + [r])[:2])
            f_lo, f_hi = (int(x) for x in (fm.split("-") + [fm])[:2])
            out |= {(a, b) for a in range(r_lo, r_hi + 1) for b in range(f_lo, f_hi + 1)}
        return out


class TierRule(_Model):
    """A value tier; the first whose condition holds wins, and the list order ranks the tiers."""

    key: str
    label_zh: str
    label_en: str
    when: str = "true"
    action_zh: str = ""
    action_en: str = ""
    follow_up_days: int = Field(90, ge=1, le=3650)

    _key = field_validator("key")(_key_given)

    @field_validator("when")
    @classmethod
    def _parses(cls, v: str) -> str:
        return _check_condition(v)


class TagRule(_Model):
    key: str
    when: str
    label_zh: str = ""
    label_en: str = ""

    _key = field_validator("key")(_key_given)

    @field_validator("when")
    @classmethod
    def _parses(cls, v: str) -> str:
        return _check_condition(v)


class LifecycleRules(_Model):
    new_days: int = Field(90, ge=1)  # first order within this many days of the as-of date: new
    churn_days: int = Field(365, ge=1)  # no order for longer than this: churned
    at_risk_factor: float = Field(2.0, gt=0)  # repeat buyer silent for k x own median interval: at risk
    one_time_at_risk_days: int = Field(180, ge=1)  # one-time buyer silent this long: at risk


class RelationshipRules(_Model):
    """The relationship column: long_term, new, prospect, lapsed (a long-term customer now churned) or
    regular (none of those)."""

    long_term_years: int = Field(3, ge=1, le=100)  # a customer for at least this many years...
    long_term_order_years: int = Field(2, ge=1, le=100)  # ...with orders in at least this many calendar years
    new_days: int = Field(365, ge=1)  # first order (or contract) within this many days of the as-of date: new


def _default_custom_words() -> list[str]:
    return [
        "定制",
        "订制",
        "OEM",
        "ODM",
        "打样",
        "样品",
        "custom",
        "customized",
        "customised",
        "custom-made",
        "bespoke",
        "made-to-order",
        "made to order",
    ]


class NeedsRules(_Model):
    """The needs column: custom, standard or mixed, from the words that mark a custom order in the lines'
    order type, product or category (case-insensitive, anywhere in the text)."""

    custom_words: list[str] = Field(default_factory=_default_custom_words)


class AbcRules(_Model):
    a: float = Field(0.80, gt=0, lt=1)  # customers making up the first 80% of revenue: A
    b: float = Field(0.95, gt=0, lt=1)  # the next 15%: B; the rest: C

    @model_validator(mode="after")
    def _order(self) -> AbcRules:
        if self.b <= self.a:
            raise ValueError("b (cumulative share for B) must be above a")
        return self


class PredictRules(_Model):
    """The value-ahead columns (p_alive, expected orders, 12-month value) from a buy-till-you-die model."""

    enabled: bool = True
    # "mbgnbd" (default) or "pareto_nbd" treat a one-time buyer as possibly gone already; "bgnbd" calls
    # every one-time buyer certainly alive; "auto" fits MBG/NBD and Pareto/NBD and keeps the better fit.
    model: Literal["mbgnbd", "pareto_nbd", "bgnbd", "auto"] = "mbgnbd"
    monthly_discount_rate: float = Field(0.0, ge=0, lt=1)  # discounts predicted_value_12m month by month
    min_repeat_buyers: int = Field(20, ge=2)  # fewer: the columns stay empty, with a note


class InputRules(_Model):
    date_order: Literal["auto", "dayfirst", "monthfirst"] = "auto"
    decimal_comma: bool | None = None
    # Status text -> "order", "cancelled", "returned" (a sale refunded afterwards) or "refund" (a refund
    # document), on top of the built-in words.
    status: dict[str, Literal["order", "cancelled", "returned", "refund"]] = Field(default_factory=dict)
    # FIELD = "header": the user's own column mapping, as --map gives it (the command line wins).
    columns: dict[str, str] = Field(default_factory=dict)
    # The export layout to read the orders as (a name from `custseg profiles`, or "generic" for none);
    # unset: recognised from the header row.
    profile: str | None = None

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, v: dict[str, str]) -> dict[str, str]:
        from custseg.input.headers import MASTER_ALIASES, ORDER_ALIASES

        known = set(ORDER_ALIASES) | set(MASTER_ALIASES)
        unknown = sorted(set(v) - known)
        if unknown:
            raise ValueError(f"unknown field {unknown[0]!r}; fields are: {', '.join(sorted(known))}")
        return v

    @field_validator("profile")
    @classmethod
    def _known_profile(cls, v: str | None) -> str | None:
        from custseg.input.profiles import BY_NAME

        if v is not None and v != "generic" and v not in BY_NAME:
            raise ValueError(f"unknown export profile {v!r}; profiles are: generic, {', '.join(BY_NAME)}")
        return v


class CurrencyRules(_Model):
    base: str = "USD"
    yen: Literal["CNY", "JPY"] = "CNY"  # what a bare ¥ means
    rates: dict[str, float] = Field(default_factory=dict)  # fixed rates: 1 unit = rate units of base
    # "bundled": the ECB reference rates for the currencies the rates file and ``rates`` do not name;
    # "none": those currencies have no rate, their lines are problem rows.
    rates_fallback: Literal["none", "bundled"] = "none"

    @field_validator("base")
    @classmethod
    def _iso(cls, v: str) -> str:
        from custseg.core.money import is_iso_currency

        v = v.strip().upper()
        if not is_iso_currency(v):
            raise ValueError(f"{v!r} is not an ISO 4217 currency code")
        return v

    @field_validator("rates")
    @classmethod
    def _rates(cls, v: dict[str, float]) -> dict[str, float]:
        from custseg.core.money import is_iso_currency

        out = {}
        for code, rate in v.items():
            if not is_iso_currency(code):
                raise ValueError(f"{code!r} is not an ISO 4217 currency code")
            if rate <= 0:
                raise ValueError(f"the rate for {code} must be positive")
            out[code.upper()] = float(rate)
        return out


def _default_segments() -> list[SegmentRule]:
    s = SegmentRule
    return [
        s(key="champions", label_zh="冠军客户", label_en="Champions", cells=["5:4-5", "4:5"]),
        s(key="loyal", label_zh="忠诚客户", label_en="Loyal", cells=["4:4", "3:4-5"]),
        s(key="potential_loyalist", label_zh="潜力客户", label_en="Potential Loyalist", cells=["4-5:2-3"]),
        s(key="new", label_zh="新客户", label_en="New", cells=["5:1"]),
        s(key="promising", label_zh="有望客户", label_en="Promising", cells=["4:1"]),
        s(key="need_attention", label_zh="需要关注", label_en="Need Attention", cells=["3:3"]),
        s(key="about_to_sleep", label_zh="即将沉睡", label_en="About to Sleep", cells=["3:1-2"]),
        s(key="at_risk", label_zh="流失风险", label_en="At Risk", cells=["2:3-4", "1:3"]),
        s(key="cant_lose", label_zh="不能失去", label_en="Can't Lose Them", cells=["2:5", "1:4-5"]),
        s(key="hibernating", label_zh="沉睡客户", label_en="Hibernating", cells=["2:1-2"]),
        s(key="lost", label_zh="已流失", label_en="Lost", cells=["1:1-2"]),
    ]


def _default_tiers() -> list[TierRule]:
    t = TierRule
    return [
        t(
            key="vip",
            label_zh="VIP",
            label_en="VIP",
            when="m_score >= 4 and f_score >= 3 and r_score >= 3",
            action_zh="专属客户经理，月度回访，优先排产与账期",
            action_en="Dedicated account manager, monthly review, priority production and credit terms",
            follow_up_days=30,
        ),
        t(
            key="key",
            label_zh="重点",
            label_en="Key",
            when="(m_score >= 4 and r_score >= 2) or (m_score >= 3 and f_score >= 3 and r_score >= 3)",
            action_zh="季度业务回顾，重点跟进新品与复购",
            action_en="Quarterly business review; push new products and repeat orders",
            follow_up_days=45,
        ),
        t(
            key="normal",
            label_zh="普通",
            label_en="Normal",
            when="frequency >= 1",
            action_zh="标准服务，定期推送产品目录",
            action_en="Standard service; regular catalogue mailings",
            follow_up_days=90,
        ),
        t(
            key="potential",
            label_zh="潜在",
            label_en="Potential",
            when="true",
            action_zh="营销培育，争取样单或首单",
            action_en="Nurture: aim for a sample or first order",
            follow_up_days=180,
        ),
    ]


def _default_tags() -> list[TagRule]:
    return [
        TagRule(key="big_ticket", when="m_score == 5 and frequency <= 2", label_zh="大单客户", label_en="Big ticket"),
        TagRule(key="single_category", when="category_count == 1", label_zh="单一品类", label_en="Single category"),
        TagRule(key="refunds", when="refund_amount > 0", label_zh="有退货退款", label_en="Has refunds"),
        TagRule(key="complaints", when="complaints > 0", label_zh="有投诉", label_en="Has complaints"),
    ]


class Rules(_Model):
    """Everything that decides a grade. ``Rules()`` is the documented default model."""

    base_currency: str | None = None  # shorthand for [currency] base
    home_country: str = "CN"
    lookback_months: int = Field(0, ge=0, le=600)  # 0: all history counts for frequency and monetary
    # A CSV of bloc,country_code to use instead of the bundled trade-bloc table (as of 2026).
    trade_blocs_file: str | None = None
    input: InputRules = Field(default_factory=InputRules)
    currency: CurrencyRules = Field(default_factory=CurrencyRules)
    scores: ScoreRules = Field(default_factory=ScoreRules)
    segments: list[SegmentRule] = Field(default_factory=_default_segments)
    tiers: list[TierRule] = Field(default_factory=_default_tiers)
    tags: list[TagRule] = Field(default_factory=_default_tags)
    lifecycle: LifecycleRules = Field(default_factory=LifecycleRules)
    relationship: RelationshipRules = Field(default_factory=RelationshipRules)
    needs: NeedsRules = Field(default_factory=NeedsRules)
    abc: AbcRules = Field(default_factory=AbcRules)
    predict: PredictRules = Field(default_factory=PredictRules)

    @model_validator(mode="after")
    def _consistent(self) -> Rules:
        if self.base_currency:
            self.currency.base = CurrencyRules._iso(self.base_currency)
            self.base_currency = None
        import pycountry

        if pycountry.countries.get(alpha_2=self.home_country.upper()) is None:
            raise ValueError(f"home_country {self.home_country!r} is not an ISO 3166 alpha-2 code such as CN")
        self.home_country = self.home_country.upper()
        keys = [t.key for t in self.tiers]
        if not keys:
            raise ValueError("tiers: give at least one tier")
        if len(set(keys)) != len(keys):
            raise ValueError(f"tiers: the key {next(k for k in keys if keys.count(k) > 1)!r} is used twice")
        if self.tiers[-1].when.strip() not in ("true", "True"):
            raise ValueError('tiers: the last tier must have when = "true" so that every customer gets a tier')
        seg_keys = [s.key for s in self.segments]
        if len(set(seg_keys)) != len(seg_keys):
            raise ValueError("segments: a key is used twice")
        gaps, overlaps = segment_coverage(self.segments)
        if gaps:
            raise ValueError(f"segments: no segment covers R:FM {', '.join(f'{r}:{f}' for r, f in gaps)}")
        if overlaps:
            raise ValueError(
                f"segments: more than one segment covers R:FM {', '.join(f'{r}:{f}' for r, f in overlaps)}"
            )
        return self

    @property
    def tier_order(self) -> list[str]:
        return [t.key for t in self.tiers]

    def digest(self) -> str:
        """A stable hash of the rules in force, stored with each history snapshot."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def fm_score(f: int, m: int) -> int:
    """The combined F-M score of the segment grid: the mean of F and M, halves rounded up."""
    return (f + m + 1) // 2


def segment_coverage(segments: list[SegmentRule]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(gaps, overlaps) over the 25 R x FM cells, which cover all 125 R/F/M combinations."""
    seen: dict[tuple[int, int], int] = {}
    for s in segments:
        for cell in s.covers():
            seen[cell] = seen.get(cell, 0) + 1
    cells = [(r, f) for r in range(5, 0, -1) for f in range(1, 6)]
    return [c for c in cells if c not in seen], [c for c in cells if seen.get(c, 0) > 1]


def _format_validation(exc: ValidationError, name: str) -> str:
    lines = []
    for err in exc.errors():
        loc = ""
        for part in err["loc"]:
            loc += f"[{part}]" if isinstance(part, int) else (f".{part}" if loc else str(part))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling; `custseg rules init` writes every key)"
        lines.append(f"{loc or '(top level)'}: {msg}")
    return f"{name}: " + "; ".join(lines)


# The default rules file is a few KB; a rules file thousands of times larger is the wrong file.
MAX_RULES_BYTES = 2**20


def load_rules(path: str | Path) -> Rules:
    """Read and validate a rules file."""
    from custseg.input.bounds import human_size, read_capped

    name = str(path)
    try:
        data = read_capped(path, MAX_RULES_BYTES)
        if data is None:
            raise RulesError(
                f"{name}: the rules file is larger than {human_size(MAX_RULES_BYTES)}; is this the right file?",
                hint="a rules file is a few KB of TOML; `custseg rules init` writes one",
                code="rules_file_too_large",
            )
        text = data.decode("utf-8-sig")
    except FileNotFoundError:
        raise RulesError(
            f"{name}: rules file not found", hint="write one with `custseg rules init rules.toml`"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"{name}: the rules file cannot be read ({exc})", hint="save it as UTF-8 text") from None
    return rules_from_text(text, name)


def rules_from_text(text: str, name: str = "rules") -> Rules:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(
            f"{name}: not valid TOML: {exc}", hint="strings need quotes; lists use [ ]; see `custseg rules init`"
        ) from None
    try:
        return Rules.model_validate(data)
    except ValidationError as exc:
        raise RulesError(_format_validation(exc, name)) from None


def default_rules_text() -> str:
    """The commented default rules file that ``custseg rules init`` writes."""
    return resources.files("custseg").joinpath("data/default_rules.toml").read_text(encoding="utf-8")
