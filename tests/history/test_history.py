"""Monthly re-grading: previous grades, tier changes, the history store, compare, determinism."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest
from conftest import invoke

from custseg.errors import LockedError
from custseg.history.store import connect, history_lock, list_snapshots

MONTH1 = """customer_id,customer_name,order_id,order_date,amount
A,Alpha,1,2026-01-10,100
A,Alpha,2,2026-02-10,100
A,Alpha,3,2026-03-10,100
B,Beta,4,2026-03-01,5000
B,Beta,5,2026-03-05,5000
B,Beta,6,2026-03-09,5000
C,Gamma,7,2026-03-20,10
D,Delta,8,2025-01-01,50
"""


@pytest.fixture
def orders(tmp_path):
    p = tmp_path / "orders.csv"
    p.write_text(MONTH1, encoding="utf-8")
    return p


def grade_csv(runner, args):
    result = invoke(runner, ["grade", *args, "-q"])
    assert result.exit_code == 0, result.output
    return result


def test_previous_gives_changes_and_a_matrix(runner, orders, tmp_path):
    march = tmp_path / "march.xlsx"
    grade_csv(runner, [str(orders), "--as-of", "2026-03-31", "-o", str(march)])
    # March: A (3 orders, 300) and B (3 orders, 15,000) are VIP; C and D normal.
    # July 31: A and B have been silent ~140 days (R 3); A's money ranks 2nd of 4 (M 2) and slips to
    # normal, B stays VIP; C bought 27,000 more in April and moves up; D is gone; E is new.
    april = tmp_path / "april.csv"
    april.write_text(
        MONTH1.replace("D,Delta,8,2025-01-01,50\n", "")
        + "C,Gamma,9,2026-04-20,9000\nC,Gamma,10,2026-04-25,9000\nC,Gamma,11,2026-04-28,9000\n"
        "E,Epsilon,12,2026-04-29,20\n",
        encoding="utf-8",
    )
    out = tmp_path / "april_graded.csv"
    grade_csv(runner, [str(april), "--as-of", "2026-07-31", "--previous", str(march), "-o", str(out)])
    rows = {r.split(",")[0]: r.split(",") for r in out.read_text(encoding="utf-8").splitlines()}
    header = rows.pop("customer_id")
    col = {h: i for i, h in enumerate(header)}
    got = {cid: (r[col["previous_tier"]], r[col["tier"]], r[col["tier_change"]]) for cid, r in rows.items()}
    assert got == {
        "A": ("vip", "normal", "down"),
        "B": ("vip", "vip", "same"),
        "C": ("normal", "vip", "up"),
        "E": ("", "normal", "new"),
    }
    assert header[-3:] == ["previous_tier", "tier_change", "previous_segment"]
    wb_out = tmp_path / "april.xlsx"
    grade_csv(runner, [str(april), "--as-of", "2026-07-31", "--previous", str(march), "-o", str(wb_out)])
    import openpyxl

    ws = openpyxl.load_workbook(wb_out)["等级变动"]
    cells = [[c.value for c in r] for r in ws.iter_rows()]
    assert cells[1][:5] == ["上期等级 \\ 客户等级", "VIP", "普通", "未再出现", "金额 (USD)"]
    matrix = {r[0]: r[1:4] for r in cells[2:5]}
    assert matrix == {"VIP": [1, 1, 0], "普通": [1, 0, 1], "新增": [0, 1, 0]}
    changed = [(r[0], r[4]) for r in cells[9:] if r[0]]  # below the title and header rows
    assert changed == [("A", "降级"), ("C", "升级"), ("E", "新增"), ("D", "未再出现")]


def test_history_snapshots_replace_not_duplicate(runner, orders, tmp_path):
    db = tmp_path / "h.db"
    for as_of in ("2026-01-31", "2026-02-28", "2026-03-31", "2026-03-31"):
        grade_csv(runner, [str(orders), "--as-of", as_of, "-o", str(tmp_path / f"g{as_of}.csv"), "--history", str(db)])
    con = connect(db)
    snaps = list_snapshots(con)
    assert snaps["as_of"].tolist() == ["2026-01-31", "2026-02-28", "2026-03-31"]
    assert snaps["customers"].tolist() == [2, 2, 4]
    assert con.execute("SELECT COUNT(*) FROM grades").fetchone()[0] == 8
    con.close()
    # With only --history, the previous run is the latest earlier snapshot.
    out = tmp_path / "g.csv"
    grade_csv(runner, [str(orders), "--as-of", "2026-03-31", "-o", str(out), "--history", str(db)])
    text = out.read_text(encoding="utf-8")
    assert "tier_change" in text.splitlines()[0]
    a = next(line for line in text.splitlines() if line.startswith("A,"))
    # February: A had 2 orders (F 2), M 4 of the two customers, R 5: key; segment R5 x FM3.
    assert a.endswith(
        # relationship new (first order 80 days before the as-of date); needs and the time-zone columns
        # empty: no order type, product or category, no country; the prediction columns empty: too few
        # repeat buyers
        ",vip,vip: m_score >= 4 and f_score >= 3 and r_score >= 3,C,new,repeat,new,,,3,300.0,0.0,USD,,,,,,,,,,,,"
        "0,,,,,,,,,vip,专属客户经理，月度回访，优先排产与账期,30,2026-04-30,,,,,,key,up,potential_loyalist"
    )
    hist = invoke(runner, ["history", "A", "--history", str(db), "--format", "json"])
    data = json.loads(hist.stdout)
    assert [d["as_of"] for d in data] == ["2026-01-31", "2026-02-28", "2026-03-31"]
    assert [d["frequency"] for d in data] == [1, 2, 3]
    listing = invoke(runner, ["history", "--history", str(db), "--format", "csv"])
    assert listing.stdout.splitlines()[0].startswith("as_of,customers,rules_digest,tool_version")
    cmp = invoke(runner, ["compare", "2026-02-28", "2026-03-31", "--history", str(db), "--format", "csv"])
    assert cmp.exit_code == 0
    assert sorted(cmp.stdout.splitlines()[1:]) == ["A,key,vip,up", "B,,vip,new", "C,,normal,new"]


def test_lock_refuses_a_second_run(tmp_path, runner, orders):
    db = tmp_path / "h.db"
    held = threading.Event()
    release = threading.Event()

    def hold():
        with history_lock(db):
            held.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(5)
    try:
        with pytest.raises(LockedError):
            with history_lock(db):
                pass
        code = subprocess.run(
            [
                sys.executable,
                "-m",
                "custseg",
                "grade",
                str(orders),
                "-o",
                str(tmp_path / "x.csv"),
                "--history",
                str(db),
                "-q",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert code.returncode == 4 and "another custseg run is using this history" in code.stderr
    finally:
        release.set()
        t.join()


def test_byte_identical_output_for_the_same_inputs(runner, orders, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    grade_csv(runner, [str(orders), "--as-of", "2026-03-31", "-o", str(a)])
    grade_csv(runner, [str(orders), "--as-of", "2026-03-31", "-o", str(b)])
    assert a.read_bytes() == b.read_bytes()


def test_backfill_past_month_ends(runner, orders, tmp_path):
    db = tmp_path / "h.db"
    for month_end in ("2026-01-31", "2026-02-28"):
        grade_csv(runner, [str(orders), "--as-of", month_end, "-o", str(tmp_path / "x.csv"), "--history", str(db)])
    con = connect(db)
    rows = con.execute(
        "SELECT s.as_of, COUNT(*) FROM grades g JOIN snapshots s ON s.id = g.snapshot_id "
        "GROUP BY s.as_of ORDER BY s.as_of"
    ).fetchall()
    con.close()
    assert rows == [("2026-01-31", 2), ("2026-02-28", 2)]  # orders after each as-of date are left out


def test_history_for_unknown_customer_and_missing_db(runner, tmp_path):
    res = invoke(runner, ["history", "--history", str(tmp_path / "none.db")])
    assert res.exit_code == 1 and "no history database" in res.stderr


def test_compare_two_output_files(runner, orders, tmp_path):
    jan, mar = tmp_path / "jan.csv", tmp_path / "mar.xlsx"
    grade_csv(runner, [str(orders), "--as-of", "2026-01-31", "-o", str(jan)])
    grade_csv(runner, [str(orders), "--as-of", "2026-03-31", "-o", str(mar), "--lang", "en"])
    result = invoke(runner, ["compare", str(jan), str(mar), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    changes = {c["customer_id"]: (c["previous_tier"], c["tier"], c["tier_change"]) for c in data["changes"]}
    # January: A (1 recent order, M 4 of 2: key) and D (normal); March adds B and C, and A is VIP.
    assert changes == {"A": ("key", "vip", "up"), "B": ("", "vip", "new"), "C": ("", "normal", "new")}
    matrix = {(m["previous_tier"], m["tier"]): m["customers"] for m in data["migration"]}
    assert matrix == {("key", "vip"): 1, ("normal", "normal"): 1, ("(new)", "vip"): 1, ("(new)", "normal"): 1}
    table = invoke(runner, ["compare", str(jan), str(mar)])
    assert table.exit_code == 0 and "tier migration" in table.stdout
