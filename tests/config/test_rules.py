"""Rules files, the condition language, and customers crafted to sit on each boundary."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import CORE_AS_OF, TODAY, invoke
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.api import GradeOptions, grade
from custseg.config.expr import ExpressionError, evaluate, parse_condition
from custseg.config.rules import Rules, default_rules_text, load_rules, rules_from_text, segment_coverage
from custseg.core.classify import abc_classes, lifecycle, rfm_class, segments
from custseg.core.scores import band_scores, quantile_scores
from custseg.errors import RulesError


def test_default_rules_file_is_the_default_model():
    assert rules_from_text(default_rules_text()) == Rules()


def test_segment_map_covers_every_combination_once():
    assert segment_coverage(Rules().segments) == ([], [])


@pytest.mark.parametrize(
    "toml, message",
    [
        ("colour = 1", "colour: unknown key"),
        ("[scores]\nmethod = 'magic'", "scores.method: Input should be 'hybrid', 'quantile' or 'thresholds'"),
        ("[scores]\nrecency_days = [30, 20, 180, 365]", "scores.recency_days: boundaries must increase"),
        ("[scores]\nmethod = 'thresholds'", "needs monetary"),
        ("[[tiers]]\nkey='a'\nlabel_zh='A'\nlabel_en='A'\nwhen='monetary >>= 5'", "tiers[0].when: cannot parse"),
        (
            "[[tiers]]\nkey='a'\nlabel_zh='A'\nlabel_en='A'\nwhen='frequency > 1'",
            'the last tier must have when = "true"',
        ),
        ("[currency]\nbase = 'XYZ'", "currency.base: 'XYZ' is not an ISO 4217 currency code"),
        ("home_country = 'Mars'", "home_country 'Mars' is not an ISO 3166"),
        ("lookback_months = 'twelve'", "lookback_months: Input should be a valid integer"),
        ("[abc]\na = 0.9\nb = 0.8", "abc: b (cumulative share for B) must be above a"),
        ("tiers = [", "not valid TOML"),
    ],
)
def test_rules_mistakes_are_clear(toml, message):
    with pytest.raises(RulesError) as err:
        rules_from_text(toml, "my.toml")
    assert str(err.value).startswith("my.toml: ")
    assert message in str(err.value)


def test_toml_syntax_error_names_the_line(tmp_path):
    p = tmp_path / "r.toml"
    p.write_text("home_country = 'CN'\n[scores\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"line 2"):
        load_rules(p)


def test_condition_naming_a_missing_column_is_a_clear_error(core_csv, tmp_path):
    p = tmp_path / "r.toml"
    p.write_text(default_rules_text().replace('when = "frequency >= 1"', 'when = "frequncy >= 1"'), encoding="utf-8")
    with pytest.raises(RulesError, match=r"tiers\[2\] \(normal\): unknown column 'frequncy'"):
        grade([core_csv], rules=load_rules(p), options=GradeOptions(today=TODAY))


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('echo hi')",
        "open('/etc/passwd')",
        "frequency.__class__",
        "[x for x in y]",
        "lambda: 1",
        "monetary[0]",
        "eval('1')",
        "(1).real",
        "__builtins__",
        "f'{frequency}'",
        "x := 1",
        "frequency if monetary else 0",
        "{'a': 1}",
        "date('2026-13-01')",
        "1 ** 2",
    ],
)
def test_unsafe_conditions_are_rejected(text):
    with pytest.raises(ExpressionError):
        parse_condition(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_no_condition_text_can_run_code(text):
    """Whatever the text, parsing and evaluating either gives a boolean Series or an ExpressionError."""
    table = pd.DataFrame({"frequency": [1, 2], "monetary": [5.0, 10.0], "industry": ["制造业", "零售"]})
    try:
        cond = parse_condition(text)
        result = evaluate(cond, table)
    except ExpressionError:
        return
    assert result.dtype == bool and len(result) == 2


def test_conditions_evaluate_vectorised():
    table = pd.DataFrame(
        {
            "monetary": [600000.0, 400000.0, None],
            "frequency": [3, 5, 1],
            "industry": ["制造业", "零售", "制造业"],
            "country_code": ["US", "CN", "CA"],
            "last_order_date": pd.to_datetime(["2026-02-01", "2025-12-31", None]),
        }
    )

    def ev(text):
        return evaluate(parse_condition(text), table).tolist()

    assert ev("monetary >= 500000 and frequency >= 3") == [True, False, False]
    assert ev('industry == "制造业"') == [True, False, True]
    assert ev('country_code in ["US", "CA"]') == [True, False, True]
    assert ev('not (country_code not in ["CN"])') == [False, True, False]
    assert ev('last_order_date >= date("2026-01-01")') == [True, False, False]
    assert ev("monetary / frequency > 100000") == [True, False, False]
    assert ev("1 <= frequency <= 3") == [True, False, True]
    assert ev("true") == [True, True, True]


def test_score_bands_at_their_boundaries():
    rec = pd.Series([0, 30, 31, 90, 91, 180, 181, 365, 366])
    assert band_scores(rec, [30, 90, 180, 365], False).tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1]
    freq = pd.Series([1, 2, 3, 4, 5, 9, 10, 50])
    assert band_scores(freq, [2, 3, 5, 10], True).tolist() == [1, 2, 3, 3, 4, 4, 5, 5]


def test_quantile_scores_ties_and_spread():
    assert quantile_scores(pd.Series([10, 20, 30, 40, 50])).tolist() == [1, 2, 3, 4, 5]
    assert quantile_scores(pd.Series([7, 7, 7, 7])).tolist() == [3, 3, 3, 3]
    assert quantile_scores(pd.Series([5, 1, 5, 9])).tolist() == [3, 1, 3, 5]
    assert quantile_scores(pd.Series([1, 2]), higher_is_better=False).tolist() == [4, 2]


def test_rfm_class_cut_at_the_mean_inclusive():
    t = pd.DataFrame({"r_score": [3, 1, 5], "f_score": [3, 3, 3], "m_score": [1, 5, 3]}).astype("Int64")
    classes, means = rfm_class(t)
    assert means == {"r_score": 3.0, "f_score": 3.0, "m_score": 3.0}
    assert classes.tolist() == ["general_value", "important_retention", "important_value"]


def test_segment_grid_boundaries():
    t = pd.DataFrame(
        {"r_score": [5, 5, 4, 3, 1, 1, 2], "f_score": [1, 4, 1, 2, 1, 5, 3], "m_score": [1, 3, 1, 4, 2, 3, 4]}
    ).astype("Int64")
    # FM = (F + M + 1) // 2: 1, 4, 1, 3, 2, 4, 4
    assert segments(t, Rules()).tolist() == [
        "new",
        "champions",
        "promising",
        "need_attention",
        "lost",
        "cant_lose",
        "at_risk",
    ]


def test_abc_boundaries_and_ties():
    m = pd.Series([80.0, 15.0, 5.0, 0.0, -3.0])
    assert abc_classes(m, 0.8, 0.95).tolist() == ["A", "B", "C", "C", "C"]
    tied = pd.Series([50.0, 50.0, 10.0])  # equal revenue, equal class, whatever the row order
    assert abc_classes(tied, 0.5, 0.9).tolist() == ["A", "A", "C"]


def test_lifecycle_boundaries():
    rules = Rules()
    t = pd.DataFrame(
        {
            "lifetime_frequency": [0, 1, 1, 1, 3, 3, 2, 1],
            "recency_days": [None, 366, 365, 181, 41, 40, 10, 90],  # 40 = 2 x 20 days: not yet at risk
            "tenure_days": [None, 400, 400, 200, 300, 300, 500, 90],
            "median_interval_days": [None, None, None, None, 20.0, 20.0, 450.0, None],
            "last_gap_days": [None, None, None, None, 20.0, 20.0, 450.0, None],
        }
    )
    t["recency_days"] = t["recency_days"].astype("Int64")
    t["tenure_days"] = t["tenure_days"].astype("Int64")
    assert lifecycle(t, rules).tolist() == [
        "prospect",
        "churned",
        "at_risk",
        "at_risk",
        "at_risk",
        "active",
        "reactivated",
        "new",
    ]


def test_custom_rules_file_abcd_tiers_money_bands_and_tags(core_csv, tmp_path, runner):
    rules = tmp_path / "abcd.toml"
    rules.write_text(
        """
[scores]
method = "thresholds"
monetary = [100, 1000, 5000, 10000]

[[tiers]]
key = "A"
label_zh = "A类"
label_en = "A"
when = "lifetime_monetary >= 10000"

[[tiers]]
key = "B"
label_zh = "B类"
label_en = "B"
when = "monetary >= 3000 and frequency >= 3"

[[tiers]]
key = "C"
label_zh = "C类"
label_en = "C"
when = "frequency >= 1"

[[tiers]]
key = "D"
label_zh = "D类"
label_en = "D"
when = "true"

[[tags]]
key = "asean"
when = 'country_code in ["VN", "TH"]'
""",
        encoding="utf-8",
    )
    r = grade([core_csv], rules=load_rules(rules), as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    got = {cid: (row.tier, row.m_score, row.tags) for cid, row in r.customers.set_index("customer_id").iterrows()}
    assert got["C"] == ("A", 5, "")  # exactly 10,000: on the boundary, in
    assert got["A"] == ("B", 3, "")  # 3,000 from 3 orders
    assert got["D"][0] == "C" and got["D"][2] == "asean"
    assert got["E"][0] == "D"
    out = invoke(runner, ["rules", "check", str(rules), "--orders", str(core_csv)])
    assert out.exit_code == 0, out.output
    assert "1. A (A类 / A) when lifetime_monetary >= 10000" in out.stdout
    assert "segment map: 125 R/F/M combinations, 0 gaps, 0 overlaps" in out.stdout
    assert "m_score 5: 10000 .. 10000 (1 customers, money bands)" in out.stdout


def test_manual_tier_override_wins(tmp_path):
    orders = tmp_path / "o.csv"
    orders.write_text("客户编号,下单日期,金额\nA,2026-01-01,1\nB,2026-01-01,1\n", encoding="utf-8")
    master = tmp_path / "m.csv"
    master.write_text("客户编号,客户名称,国家,手动等级\nA,Alpha,美国,VIP\nB,Beta,美国,金牌\n", encoding="utf-8")
    r = grade([orders], customers=master, options=GradeOptions(today=TODAY))
    c = r.customers.set_index("customer_id")
    assert (c.loc["A", "tier"], c.loc["A", "tier_rule"]) == ("vip", "manual override")
    assert c.loc["B", "tier"] == "normal"
    assert r.problems.loc[r.problems["reason_code"] == "bad_tier_override", "value"].tolist() == ["金牌"]


def test_rules_init_and_check(runner, tmp_path):
    target = tmp_path / "rules.toml"
    assert invoke(runner, ["rules", "init", str(target)]).exit_code == 0
    assert load_rules(target) == Rules()
    again = invoke(runner, ["rules", "init", str(target)])
    assert again.exit_code == 1 and "already exists" in again.stderr
    check = invoke(runner, ["rules", "check", str(target)])
    assert check.exit_code == 0 and "rules OK" in check.stdout
    target.write_text("[scores]\nmethod = 'magic'\n", encoding="utf-8")
    bad = invoke(runner, ["rules", "check", str(target)])
    assert bad.exit_code == 1 and "scores.method" in bad.stderr and "Traceback" not in bad.output


def test_command_line_wins_over_rules_file(core_csv, tmp_path):
    p = tmp_path / "r.toml"
    p.write_text("home_country = 'US'\n", encoding="utf-8")
    r = grade([core_csv], rules=load_rules(p), as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    assert bool(r.customers.set_index("customer_id").loc["A", "is_domestic"]) is True
    r = grade([core_csv], rules=load_rules(p), as_of=CORE_AS_OF, options=GradeOptions(today=TODAY, home_country="CN"))
    assert bool(r.customers.set_index("customer_id").loc["A", "is_domestic"]) is False


def test_trade_blocs_file_replaces_the_bundled_table(core_csv, tmp_path):
    blocs = tmp_path / "blocs.csv"
    blocs.write_text("bloc,country_code\nCPTPP,VN\nCPTPP,JP\n", encoding="utf-8")
    rules = rules_from_text(f"trade_blocs_file = '{blocs.as_posix()}'\n")
    r = grade([core_csv], rules=rules, as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    c = r.customers.set_index("customer_id")
    assert c.loc["D", "trade_blocs"] == "CPTPP" and c.loc["A", "trade_blocs"] == ""


def test_rules_check_rejects_unknown_columns_unless_the_master_has_them(runner, tmp_path):
    rules = tmp_path / "r.toml"
    rules.write_text(
        default_rules_text().replace('when = "frequency >= 1"', "when = \"frequency >= 1 and 客户来源 == '展会'\""),
        encoding="utf-8",
    )
    bad = invoke(runner, ["rules", "check", str(rules)])
    assert bad.exit_code == 1 and "name columns that do not exist: 客户来源" in bad.stderr
    master = tmp_path / "m.csv"
    master.write_text("客户编号,客户名称,国家,客户来源\nA,Alpha,美国,展会\n", encoding="utf-8")
    ok = invoke(runner, ["rules", "check", str(rules), "--customers", str(master)])
    assert ok.exit_code == 0, ok.output
