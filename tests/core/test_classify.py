"""The classify stage and the score codes it reads."""

from __future__ import annotations

import pandas as pd
import pytest


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


def test_action_key_is_the_tier_key_in_snake_case():
    from custseg.core.classify import action_key

    assert action_key("vip") == "vip"
    assert action_key(" Key Account ") == "key_account"
    assert action_key("A-1 / B") == "a_1_b"


def test_service_plan_keys_do_not_follow_the_language():
    from custseg.config.rules import Rules
    from custseg.core.classify import service_plan

    rules = Rules()
    table = pd.DataFrame({"tier": ["vip", "potential"]}, index=pd.Index(["A", "B"], name="customer_id"))
    as_of = pd.Timestamp("2026-06-30")
    zh, en = service_plan(table, rules, as_of, "zh"), service_plan(table, rules, as_of, "en")
    assert list(zh.columns) == ["action_key", "action", "follow_up_days", "next_follow_up"]
    assert zh["action_key"].tolist() == en["action_key"].tolist() == ["vip", "potential"]
    assert zh["action"].tolist() == ["专属客户经理，月度回访，优先排产与账期", "营销培育，争取样单或首单"]
    assert en["action"].tolist()[1] == "Nurture: aim for a sample or first order"
    assert zh.drop(columns="action").equals(en.drop(columns="action"))


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_machine_output_is_the_same_in_either_language_but_the_action_text(runner, core_csv, tmp_path, fmt):
    import json

    from conftest import CORE_AS_OF, invoke

    frames = {}
    for lang in ("zh", "en"):
        out = tmp_path / f"{lang}.{fmt}"
        result = invoke(runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF, "--lang", lang, "-o", str(out), "-q"])
        assert result.exit_code == 0, result.output
        if fmt == "csv":
            frames[lang] = pd.read_csv(out, dtype=str, keep_default_na=False)
        else:
            frames[lang] = pd.DataFrame(json.loads(out.read_text(encoding="utf-8")))
    zh, en = frames["zh"], frames["en"]
    assert list(zh.columns).index("action_key") + 1 == list(zh.columns).index("action")
    assert (zh["action_key"] != "").all()
    assert (zh["action"] != en["action"]).all()
    pd.testing.assert_frame_equal(zh.drop(columns="action"), en.drop(columns="action"))


def test_a_score_with_one_level_is_high_only_from_the_middle_of_the_scale():
    """Every customer ordered once (f_score 1 for all): nobody is high on F, so the recent big buyer is an
    important-development customer (R and M high), not an important-value one. Means: R 3, M 3."""
    from custseg.core.classify import rfm_class

    table = pd.DataFrame(
        {"r_score": [5, 1, 3], "f_score": [1, 1, 1], "m_score": [5, 1, 3]}, index=pd.Index(["A", "B", "C"])
    )
    classes, means = rfm_class(table)
    assert classes.to_dict() == {"A": "important_development", "B": "general_winback", "C": "important_development"}
    assert means == {"r_score": 3.0, "f_score": 1.0, "m_score": 3.0}
    # A single level at or above the middle of the scale counts as high: all at f_score 4.
    classes, _ = rfm_class(table.assign(f_score=4))
    assert classes.to_dict() == {"A": "important_value", "B": "general_retention", "C": "important_value"}


def test_one_time_buyers_graded_end_to_end_are_never_important_value(tmp_path):
    from conftest import TODAY

    from custseg.api import GradeOptions, grade

    path = tmp_path / "orders.csv"
    rows = [f"C{i},2026-0{i % 9 + 1}-1{i % 9},{100 * (i + 1)}" for i in range(12)]
    path.write_text("customer_id,order_date,amount\n" + "\n".join(rows) + "\n", encoding="utf-8")
    got = grade(path, options=GradeOptions(today=TODAY, base_currency="USD")).customers
    assert set(got["f_score"]) == {1} and "important_value" not in set(got["rfm_class"])
