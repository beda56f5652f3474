"""`[scores] method = "quantile"` end to end: a rules file, the CLI, and each customer's R, F and M scores."""

from __future__ import annotations

import json

import pandas as pd
from conftest import invoke

# Ten customers, one order each, as of 2026-06-30. Amounts and dates are in no order in the file, so that
# a score cannot come from row order.
ORDERS = """customer_id,order_id,order_date,amount
C01,S01,2026-06-29,700
C02,S02,2026-06-20,150
C03,S03,2026-06-01,990
C04,S04,2026-05-15,40
C05,S05,2026-05-01,510
C06,S06,2026-04-01,320
C07,S07,2026-03-01,860
C08,S08,2026-02-01,75
C09,S09,2026-01-15,260
C10,S10,2026-01-02,430
"""

# Quintile scores by mid-rank: score = floor(5 * (rank - 0.5) / n) + 1 with n = 10, rank 1 the worst.
#   rank:        1     2     3     4     5     6     7     8     9     10
#   (rank-.5)/n: 0.05  0.15  0.25  0.35  0.45  0.55  0.65  0.75  0.85  0.95
#   score:       1     1     2     2     3     3     4     4     5     5
# M, monetary from lowest to highest:
#   40 C04, 75 C08, 150 C02, 260 C09, 320 C06, 430 C10, 510 C05, 700 C01, 860 C07, 990 C03
M_SCORES = {"C04": 1, "C08": 1, "C02": 2, "C09": 2, "C06": 3, "C10": 3, "C05": 4, "C01": 4, "C07": 5, "C03": 5}
# R, recency in days (lower is better) from the longest to the shortest:
#   179 C10, 166 C09, 149 C08, 121 C07, 90 C06, 60 C05, 46 C04, 29 C03, 10 C02, 1 C01
R_SCORES = {"C10": 1, "C09": 1, "C08": 2, "C07": 2, "C06": 3, "C05": 3, "C04": 4, "C03": 4, "C02": 5, "C01": 5}
# F: every customer has one order, so all ten share the mid-rank 5.5: (5.5 - 0.5) / 10 = 0.5, score 3.
# (The default "hybrid" method would give F 1 by its order-count bands.)


def test_quantile_method_scores_r_f_and_m_by_quintile(runner, tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text(ORDERS, encoding="utf-8")
    rules = tmp_path / "rules.toml"
    rules.write_text('[scores]\nmethod = "quantile"\n', encoding="utf-8")
    out, summary = tmp_path / "graded.csv", tmp_path / "summary.json"
    args = ["grade", str(orders), "--rules", str(rules), "--as-of", "2026-06-30", "--currency", "USD"]
    result = invoke(runner, [*args, "-o", str(out), "--summary-json", str(summary), "-q"])
    assert result.exit_code == 0, result.output
    c = pd.read_csv(out, dtype={"customer_id": str}).set_index("customer_id")
    assert c["recency_days"].to_dict() == {
        "C01": 1, "C02": 10, "C03": 29, "C04": 46, "C05": 60, "C06": 90, "C07": 121, "C08": 149, "C09": 166, "C10": 179
    }  # fmt: skip
    assert c["m_score"].to_dict() == M_SCORES
    assert c["r_score"].to_dict() == R_SCORES
    assert set(c["f_score"]) == {3}
    notes = json.loads(summary.read_text(encoding="utf-8"))["notes"]
    # F collapsed to one level, and the note names the method that scored it.
    assert {(n["score"], n["levels"], n["method"]) for n in notes if n["code"] == "score_levels"} == {
        ("f_score", 1, "quantile")
    }
