"""`custseg history` for a customer it never graded, and `custseg compare` when customers are gone."""

from __future__ import annotations

import json

from conftest import invoke

ORDERS = "customer_id,order_id,order_date,amount\nA,1,2026-01-10,100\nB,2,2026-01-12,50\nC,3,2026-01-20,70\n"


def test_history_of_an_unknown_customer_is_exit_1_naming_it(runner, tmp_path):
    src, db = tmp_path / "o.csv", tmp_path / "h.db"
    src.write_text(ORDERS, encoding="utf-8")
    args = ["grade", str(src), "--as-of", "2026-01-31", "-o", str(tmp_path / "g.csv"), "--history", str(db), "-q"]
    assert invoke(runner, args).exit_code == 0
    known = invoke(runner, ["history", "A", "--history", str(db), "--format", "json"])
    assert known.exit_code == 0 and [r["as_of"] for r in json.loads(known.stdout)] == ["2026-01-31"]
    unknown = invoke(runner, ["history", "Z", "--history", str(db)])
    assert unknown.exit_code == 1
    assert unknown.stderr.splitlines()[0] == f"Error: customer 'Z' is not in the history {db}"


def test_compare_lists_the_gone_customers_and_their_row_of_the_matrix(runner, tmp_path):
    before, after = tmp_path / "jan.csv", tmp_path / "feb.csv"
    before.write_text(
        "customer_id,customer_name,tier,segment,monetary\nA,Alpha,vip,champions,100\nB,Beta,normal,new,50\n"
        "C,Gamma,normal,new,70\n",
        encoding="utf-8",
    )
    after.write_text("customer_id,customer_name,tier,segment,monetary\nA,Alpha,vip,champions,180\n", encoding="utf-8")
    result = invoke(runner, ["compare", str(before), str(after), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # B and C were normal and are gone; A stayed VIP.
    assert {c["customer_id"]: (c["previous_tier"], c["tier_change"]) for c in data["changes"]} == {
        "B": ("normal", "gone"),
        "C": ("normal", "gone"),
    }
    assert {(m["previous_tier"], m["tier"]): m["customers"] for m in data["migration"]} == {
        ("vip", "vip"): 1,
        ("normal", "(gone)"): 2,
    }
