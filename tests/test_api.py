"""The core figures of a small export, computed by hand (see conftest.CORE_CSV)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import CORE_AS_OF, TODAY

from custseg.api import GradeOptions, grade
from custseg.schema import OUTPUT_COLUMNS


@pytest.fixture
def result(core_csv):
    return grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))


def row(result, cid):
    return result.customers.set_index("customer_id").loc[cid]


def test_reconciliation_accounts_for_every_row(result):
    assert result.reconciliation == {
        "rows_read": 17,
        "used": 10,
        "outside_window": 0,
        "cancelled": 2,
        "after_as_of": 1,
        "blank": 1,
        "total": 1,
        "problem": 2,
    }


def test_problem_rows_name_file_row_column_and_reason(result, core_csv):
    rows = result.problems[~result.problems["reason_code"].isin(["unknown_country"])]
    got = rows[["row", "column", "value", "reason_code"]].values.tolist()
    assert got == [[16, "下单日期", "not a date", "bad_date"], [17, "客户编号", "", "missing_customer"]]
    assert set(rows["file"]) == {str(core_csv)}
    warn = result.problems[result.problems["reason_code"] == "unknown_country"]
    assert warn[["row", "column", "value"]].values.tolist() == [[13, "country", "Narnia"]]


def test_rfm_figures(result):
    a = row(result, "A")
    assert a["first_order_date"] == pd.Timestamp("2026-03-01")
    assert a["last_order_date"] == pd.Timestamp("2026-06-20")
    assert (a["recency_days"], a["frequency"], a["monetary"], a["avg_order_value"]) == (10, 3, 3000.0, 1000.0)
    d = row(result, "D")  # 300 bought, 999 cancelled, 100 returned
    assert (d["recency_days"], d["frequency"], d["monetary"], d["refund_amount"]) == (90, 1, 200.0, 100.0)
    c = row(result, "C")
    assert (c["recency_days"], c["frequency"], c["monetary"]) == (500, 2, 10000.0)


def test_scores_classes_segments_tiers(result):
    got = {
        cid: (r.rfm_score, r.rfm_class, r.segment, r.tier)
        for cid, r in result.customers.set_index("customer_id").iterrows()
    }
    assert got["A"] == ("534", "important_value", "champions", "vip")
    assert got["B"] == ("512", "general_development", "potential_loyalist", "normal")
    assert got["C"] == ("125", "important_retention", "cant_lose", "normal")
    assert got["D"] == ("412", "general_development", "potential_loyalist", "normal")
    # Means used by the 8-class model: R 15/4, F 7/4, M 13/4.
    assert result.class_means == {"r_score": 3.75, "f_score": 1.75, "m_score": 3.25}


def test_customers_without_a_positive_order_are_rows(result):
    for cid in ("E", "F"):  # E: only a cancelled order; F: only a refund
        r = row(result, cid)
        assert r["frequency"] == 0 and r["tier"] == "potential"
        assert pd.isna(r["recency_days"]) and pd.isna(r["r_score"])
        assert r["rfm_class"] == "" and r["segment"] == "" and r["rfm_score"] == ""
    assert row(result, "F")["monetary"] == -50.0
    assert "G" not in set(result.customers["customer_id"])  # its only row is a problem row


def test_equal_values_get_equal_scores(result):
    assert row(result, "B")["m_score"] == row(result, "D")["m_score"] == 2


def test_abc_lifecycle_stage_tags(result):
    got = {
        cid: (r.abc_class, r.lifecycle, r.trade_stage, r.tags)
        for cid, r in result.customers.set_index("customer_id").iterrows()
    }
    assert got["A"] == ("A", "active", "repeat", "")
    assert got["B"] == ("C", "new", "first_order", "single_category")
    assert got["C"] == ("A", "churned", "repeat", "big_ticket;single_category")
    assert got["D"] == ("C", "new", "first_order", "refunds;single_category")
    assert got["E"] == ("", "prospect", "prospect", "")


def test_geography(result):
    a = row(result, "A")
    assert a["country"] == "美国"  # the text as given: the latest line that has one
    assert (a["country_code"], a["country_name"], a["region"], a["trade_blocs"], a["is_domestic"]) == (
        "US",
        "United States",
        "Americas",
        "USMCA",
        False,
    )
    assert row(result, "D")["trade_blocs"] == "ASEAN;RCEP"


def test_output_columns_come_first_in_order(result):
    assert list(result.customers.columns[: len(OUTPUT_COLUMNS)]) == OUTPUT_COLUMNS
    assert list(result.customers.columns[:16]) == [
        "customer_id",
        "customer_name",
        "country",
        "first_order_date",
        "last_order_date",
        "recency_days",
        "frequency",
        "monetary",
        "avg_order_value",
        "r_score",
        "f_score",
        "m_score",
        "rfm_score",
        "rfm_class",
        "segment",
        "tier",
    ]


def test_service_plan(result):
    a = row(result, "A")
    assert a["follow_up_days"] == 30
    assert a["next_follow_up"] == pd.Timestamp("2026-07-30")


def test_default_as_of_is_latest_valid_order_date(core_csv):
    r = grade([core_csv], options=GradeOptions(today=TODAY))
    assert r.as_of == dt.date(2026, 7, 5) and r.as_of_source == "latest order date"
    assert r.reconciliation["after_as_of"] == 0


def test_future_date_is_a_problem_and_does_not_move_as_of(tmp_path):
    p = tmp_path / "o.csv"
    p.write_text("customer_id,order_date,amount\nA,2026-01-05,10\nA,2205-01-05,10\n", encoding="utf-8")
    r = grade([p], options=GradeOptions(today=TODAY))
    assert r.as_of == dt.date(2026, 1, 5)
    assert r.problems[["row", "reason_code"]].values.tolist() == [[3, "future_date"]]


def test_without_order_id_a_customers_lines_on_one_day_are_one_order(tmp_path):
    p = tmp_path / "o.csv"
    p.write_text("customer,date,amount\nX,2026-01-05,10\nX,2026-01-05,20\nX,2026-02-01,5\n", encoding="utf-8")
    r = grade([p], options=GradeOptions(today=TODAY))
    x = r.customers.iloc[0]
    assert (x["customer_id"], x["frequency"], x["monetary"]) == ("X", 2, 35.0)


def test_look_back_window_keeps_lifetime_figures(core_csv):
    r = grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY, lookback_months=12))
    c = row(r, "C")  # both orders are more than 12 months before the as-of date
    assert (c["frequency"], c["monetary"], c["lifetime_frequency"], c["lifetime_monetary"]) == (0, 0.0, 2, 10000.0)
    assert r.reconciliation["outside_window"] == 2
    assert r.reconciliation["used"] == 8


def test_inputs_are_named_with_size_and_sha256(core_csv):
    import hashlib

    result = grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    data = core_csv.read_bytes()
    (info,) = result.inputs
    assert (info.size, info.sha256) == (len(data), hashlib.sha256(data).hexdigest())


def test_amounts_in_full_width_digits_are_read(tmp_path):
    """A Chinese input method types １２３: such amounts were problem rows (pandas reads no such digits)."""
    p = tmp_path / "o.csv"
    p.write_text(
        "customer_id,order_date,amount\nA,2026-01-05,１２３\nA,2026-02-05,10.5\nB,2026-02-06,７\n", encoding="utf-8"
    )
    r = grade([p], as_of="2026-03-01", options=GradeOptions(today=TODAY))
    assert r.problems.empty
    assert r.customers.set_index("customer_id")["monetary"].to_dict() == {"A": 133.5, "B": 7.0}


def test_progress_names_the_stages_in_order(core_csv):
    seen: list[str] = []
    grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY), progress=seen.append)
    assert seen == ["reading", "validating", "converting", "scoring", "predicting", "classifying"]


def test_grade_sets_no_pandas_option_and_gives_the_same_result_under_the_clis(core_csv):
    """The CLI keeps pandas' inferred text in Python storage around its call; the library sets nothing."""
    before = pd.get_option("mode.string_storage")
    plain = grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    assert pd.get_option("mode.string_storage") == before
    with pd.option_context("mode.string_storage", "python"):
        in_python = grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    pd.testing.assert_frame_equal(
        plain.customers, in_python.customers, check_dtype=False, check_column_type=False, check_index_type=False
    )
    pd.testing.assert_frame_equal(
        plain.problems, in_python.problems, check_dtype=False, check_column_type=False, check_index_type=False
    )
    assert plain.reconciliation == in_python.reconciliation


def test_one_input_need_not_be_a_list(core_csv):
    """A path, bytes or a DataFrame given alone is one input (not a sequence of characters or columns)."""
    expected = grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY)).customers
    frame = pd.read_csv(core_csv, dtype=str, keep_default_na=False)
    for one in (str(core_csv), core_csv.read_bytes(), frame):
        got = grade(one, as_of=CORE_AS_OF, options=GradeOptions(today=TODAY)).customers
        assert got[["customer_id", "frequency", "monetary"]].equals(expected[["customer_id", "frequency", "monetary"]])
    alpha = expected.set_index("customer_id").loc["A"]
    assert (alpha["frequency"], alpha["monetary"]) == (3, 3000.0)
