"""The predict stage in the flow: the columns reach every output, rules can use them, and data a model
cannot carry gives empty columns and one note, never an error."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import CORE_AS_OF, TODAY, invoke

from custseg.api import GradeOptions, grade
from custseg.config.rules import Rules, rules_from_text
from custseg.schema import OUTPUT_COLUMNS

PREDICTED = ["p_alive", "expected_orders_90d", "expected_orders_365d", "predicted_value_12m"]
AS_OF = "2025-12-31"


def buyers(n: int = 400, seed: int = 7, spend=None) -> pd.DataFrame:
    """Order lines of ``n`` customers buying as BG/NBD says (Poisson purchases, dropping out after a
    purchase) over two years, with gamma-distributed spend independent of frequency."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01")
    rows = []
    for i in range(n):
        rate, drop = rng.gamma(0.8, 1 / 12.0), rng.beta(1.0, 3.0)
        day = int(rng.integers(0, 600))
        value = rng.gamma(4.0, 50.0)
        k = 0
        while day <= 730:
            amount = spend(k) if spend else round(float(rng.gamma(20.0, value / 20.0)), 2)
            rows.append((f"C{i:04d}", f"O{i:04d}-{k}", (start + pd.Timedelta(days=day)).date().isoformat(), amount))
            k += 1
            if rng.random() < drop:
                break
            day += max(1, int(rng.exponential(1 / rate)))
    return pd.DataFrame(rows, columns=["customer_id", "order_id", "order_date", "amount"])


def run(frame: pd.DataFrame, rules: Rules | None = None, **options):
    return grade(frame, rules=rules, as_of=AS_OF, options=GradeOptions(today=TODAY, **options))


def notes(result) -> list[str]:
    return [n.code for n in result.notes if n.code.startswith("predict")]


@pytest.fixture(scope="module")
def graded():
    return run(buyers())


def test_columns_are_output_columns_at_the_end():
    assert OUTPUT_COLUMNS[-5:] == [*PREDICTED, "prediction_model"]


def test_fit_fills_the_columns(graded):
    table = graded.customers
    assert notes(graded) == []
    report = graded.prediction
    assert report.model == "mbgnbd" and report.fit.converged and report.spend_fit.converged
    assert report.customers == len(table) and report.repeat_buyers >= 20
    assert abs(report.spend_frequency_correlation) < 0.3
    assert table[PREDICTED].notna().all().all()
    assert set(table["prediction_model"]) == {"mbgnbd"}
    assert table["p_alive"].between(0, 1).all()
    assert (table["expected_orders_365d"] >= table["expected_orders_90d"]).all()
    # Undiscounted, 12 months' value is the expected spend times the expected orders of 365 days.
    spend = table["predicted_value_12m"] / table["expected_orders_365d"]
    assert (spend > 0).all()


def test_one_time_buyers_who_left_long_ago_are_less_alive(graded):
    t = graded.customers.set_index("customer_id")
    once = t[t["frequency"] == 1]
    assert once["recency_days"].nunique() > 20
    assert once.sort_values("recency_days")["p_alive"].is_monotonic_decreasing
    assert (t["p_alive"] < 1).all()  # unlike BG/NBD, no one-time buyer is certainly alive


def test_rules_can_use_p_alive():
    rules = rules_from_text(
        '[[tiers]]\nkey = "fading"\nlabel_zh = "流失风险"\nlabel_en = "Fading"\nwhen = "p_alive < 0.3"\n'
        '[[tiers]]\nkey = "other"\nlabel_zh = "其他"\nlabel_en = "Other"\nwhen = "true"\n'
    )
    table = run(buyers(), rules).customers
    assert ((table["tier"] == "fading") == (table["p_alive"] < 0.3)).all()
    assert (table["tier"] == "fading").any() and (table["tier"] == "other").any()


def test_prediction_off_keeps_the_columns_empty():
    result = run(buyers(60), predict=False)
    assert notes(result) == ["predict_off"] and result.prediction is None
    assert result.customers[PREDICTED].isna().all().all()
    assert (result.customers["prediction_model"] == "").all()
    rules = Rules()
    rules.predict.enabled = False
    assert notes(run(buyers(60), rules)) == ["predict_off"]


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        # all one-time buyers: nothing to fit a repeat process to
        (
            pd.DataFrame({"customer_id": [f"C{i}" for i in range(50)], "order_date": "2025-03-01", "amount": 10.0}),
            "too_few",
        ),
        # a single customer
        (pd.DataFrame({"customer_id": "A", "order_date": ["2025-01-01", "2025-06-01"], "amount": 5.0}), "too_few"),
        # identical histories: every customer bought on the same two days
        (
            pd.DataFrame(
                {
                    "customer_id": [f"C{i}" for i in range(40) for _ in range(2)],
                    "order_date": ["2025-01-01", "2025-06-01"] * 40,
                    "amount": 10.0,
                }
            ),
            "identical_histories",
        ),
    ],
    ids=["one_time_buyers", "single_customer", "identical_histories"],
)
def test_data_a_model_cannot_carry_gives_empty_columns_and_one_note(frame, code):
    result = run(frame)
    got = notes(result)
    assert len(got) == 1 and code in got[0]
    assert result.customers[PREDICTED].isna().all().all()
    assert result.prediction is not None and result.prediction.fit is None or not result.prediction.model


def test_the_core_export_is_too_small_and_says_how_small(core_csv):
    result = grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    note = next(n for n in result.notes if n.code.startswith("predict"))
    assert note.text("en").startswith("p_alive, expected orders and predicted value left empty: 2 repeat buyers")
    assert "20" in note.text("zh")


def test_negative_monetary_customers_are_graded():
    frame = buyers(200)
    refunds = pd.DataFrame({"customer_id": ["C0001", "C0002"], "order_id": ["R1", "R2"], "order_date": "2025-12-01"})
    refunds["amount"] = -1e6
    table = run(pd.concat([frame, refunds])).customers.set_index("customer_id")
    assert (table.loc[["C0001", "C0002"], "monetary"] < 0).all()
    # Their purchases still happened, and their repeat spend is their positive orders'.
    assert table.loc[["C0001", "C0002"], "p_alive"].notna().all()
    assert (table["predicted_value_12m"] > 0).all()


def test_spend_that_grows_with_frequency_leaves_value_empty():
    result = run(buyers(300, spend=lambda k: 10.0 * (k + 1) ** 2))
    assert notes(result) == ["predict_value_spend_depends_on_frequency"]
    assert result.customers["predicted_value_12m"].isna().all()
    assert result.customers["p_alive"].notna().all()
    assert "Gamma-Gamma" in result.notes[-1].text("en")


def test_auto_keeps_the_better_fit():
    rules = Rules()
    rules.predict.model = "auto"
    report = run(buyers(), rules).prediction
    assert set(report.alternatives) == {"mbgnbd", "pareto_nbd"}
    assert report.fit.log_likelihood == max(report.alternatives.values())


def test_cli_no_predict_and_the_csv_columns(runner, tmp_path):
    src = tmp_path / "orders.csv"
    buyers(60).to_csv(src, index=False)
    for flag, filled in (([], True), (["--no-predict"], False)):
        out = tmp_path / f"out{len(flag)}.csv"
        res = invoke(runner, ["grade", str(src), "-o", str(out), "--as-of", AS_OF, "-q", *flag])
        assert res.exit_code == 0, res.output
        table = pd.read_csv(out)
        assert list(table.columns[-5:]) == [*PREDICTED, "prediction_model"]
        assert table["p_alive"].notna().all() == filled


def test_scipy_is_not_imported_by_the_cli_or_the_library():
    code = "import sys, custseg.cli.commands, custseg.api; print('scipy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_run_info_and_summary_json_carry_the_fit(graded, tmp_path):
    from openpyxl import load_workbook

    from custseg.output.summary import summary_payload
    from custseg.output.workbook.sheets import write_workbook

    figures = summary_payload(graded)["prediction"]
    assert figures["model"] == "mbgnbd" and figures["purchase_fit"]["converged"] is True
    assert set(figures["purchase_fit"]["params"]) == {"r", "alpha", "a", "b"}
    assert figures["spend_fit"]["customers"] == figures["repeat_buyers_with_spend"]
    assert figures["spend_frequency_correlation"] == pytest.approx(
        graded.prediction.spend_frequency_correlation, rel=1e-5
    )
    write_workbook(graded, tmp_path / "g.xlsx", lang="en")
    book = load_workbook(tmp_path / "g.xlsx")
    ws = book["Run info"]
    cells = {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row and row[0]}
    assert cells["model"] == "mbgnbd"
    assert cells["spend_frequency_correlation"] == pytest.approx(
        graded.prediction.spend_frequency_correlation, abs=1e-5
    )
    assert cells["purchase_fit.params.alpha"] == pytest.approx(graded.prediction.fit.params["alpha"], rel=1e-5)
    header = next(book["Customers"].iter_rows(values_only=True))
    assert "P(alive)" in header and "Predicted value (12 months) (USD)" in header


def test_data_that_show_nobody_leaving_give_expected_orders_but_no_p_alive():
    # 300 customers each buying every 15 to 164 days from their first order to the as-of date, none ever
    # leaving: the models' dropout runs to zero (a -> 0, or s / beta -> 0), which the data cannot tell from
    # "not yet". P(alive) stays empty with one note; expected orders are the purchase process alone,
    # (r + x) / (alpha + T) a week.
    rng = np.random.default_rng(11)
    start = pd.Timestamp("2024-01-01")
    rows = []
    for i in range(300):
        gap = 15 + i % 150
        value = rng.gamma(4.0, 50.0)
        day, k = int(rng.integers(0, 60)), 0
        while day <= 730:
            amount = round(float(rng.gamma(20.0, value / 20.0)), 2)
            rows.append((f"C{i:04d}", f"O{i:04d}-{k}", (start + pd.Timedelta(days=day)).date().isoformat(), amount))
            k += 1
            day += gap
    r = run(pd.DataFrame(rows, columns=["customer_id", "order_id", "order_date", "amount"]))
    assert notes(r) == ["predict_no_dropout"]
    c = r.customers.set_index("customer_id")
    assert c["p_alive"].isna().all() and (c["prediction_model"] == "mbgnbd").all()
    assert c["predicted_value_12m"].notna().all()
    fit = r.prediction.fit
    assert fit is not None and fit.no_dropout
    rate, alpha = fit.params["r"], fit.params["alpha"]
    one = c.iloc[0]
    # x: repeat purchase days; T: weeks from the first purchase to the as-of date.
    x = one["lifetime_frequency"] - 1
    T = (pd.Timestamp(AS_OF) - pd.Timestamp(one["first_order_date"])).days / 7
    assert one["expected_orders_365d"] == pytest.approx((rate + x) / (alpha + T) * 365 / 7, rel=1e-9)


def test_a_dropout_that_stops_just_inside_its_bound_is_no_dropout_too():
    # The bundled example's MBG/NBD fit stops with a = 8e-06 and b = 14,795: no parameter touches the box,
    # but the dropout a / (a + b) is about 5e-10, which gave every customer a quiet P(alive) of 1.0.
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "orders.xlsx"
    r = grade([example], options=GradeOptions(today=TODAY))
    fit = r.prediction.fit
    assert fit.no_dropout and fit.params["a"] / (fit.params["a"] + fit.params["b"]) < 1e-4
    assert notes(r) == ["predict_no_dropout"]
    c = r.customers
    assert c["p_alive"].isna().all() and c["expected_orders_365d"].notna().sum() == 36
