"""Input text that starts like a formula (= + - @, tab, CR) is a string cell on every sheet of the workbook:
the customer rows the fast writer streams and the last one XlsxWriter writes itself, the summary tables,
the changes, the problems and the run info, where file and sheet names, headers and statuses are input
text too. No part of the package holds a formula."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from conftest import invoke

from custseg.config.rules import default_rules_text

HYPERLINK = '=HYPERLINK("http://evil.example","x")'
CMD = "+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
ORDER_ROWS = [  # customer id, name, order, date, =amt, status, country, category, sales owner
    ["+1", HYPERLINK, "O1", "2026-03-01", 100, "已发货", "美国", "-lamps", "=Owner()"],
    ["-2", CMD, "O2", "2026-03-02", 200, "=HOLD()", "@Narnia", "@tools", "+owner"],
    ["=3", "-2+3", "O3", "2026-03-03", "\t=1+1", "", "美国", "-lamps", "-owner"],
    ["=3", "-2+3", "O4", "2026-03-04", 300, "", "美国", "-lamps", "-owner"],
    ["@4", AT_SUM, "O5", "=TODAY()", 400, "", "美国", "=cat()", "@owner"],
    ["@4", AT_SUM, "O7", "2026-03-07", 500, "", "美国", "=cat()", "@owner"],
]
HEADERS = ["客户编号", "客户名称", "订单编号", "下单日期", "=amt", "订单状态", "国家", "产品类别", "业务员"]
FORMULA_ELEMENT = re.compile(rb"<f[\s>/]")


@pytest.fixture
def workbook(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # relative names: the file names as given start with + and -
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "=Orders"
    for row in [HEADERS, *ORDER_ROWS]:
        ws.append(row)
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":  # openpyxl takes "=..." for a formula: the export has text there
                cell.data_type = "s"
    wb.create_sheet("+notes").append(["just", "a note"])  # no order columns: skipped, and named in run info
    wb.save("+orders.xlsx")
    # A CSV keeps a CR at the start of a quoted cell (an XML reader turns one in a sheet into a line feed).
    (tmp_path / "-more.csv").write_bytes(
        b'customer_id,order_date,=amt,status\n"-5",2026-03-08,"\r=2+3",\n"-5",2026-03-09,7,\n'
    )
    # Last run's grading: +1 was a prospect, =GONE() a VIP who is gone now.
    (tmp_path / "prev.csv").write_text(
        'customer_id,customer_name,tier,segment,monetary\n+1,x,potential,,0\n"=GONE()","\t+gone",vip,champions,999\n',
        encoding="utf-8",
    )
    rules = default_rules_text()
    for old, new in (('"VIP"', '"=VIP()"'), ('"普通"', '"@普通"'), ('"冠军客户"', '"+冠军"')):
        rules = rules.replace(f"label_zh = {old}", f"label_zh = {new}", 1)
    (tmp_path / "rules.toml").write_text(rules, encoding="utf-8")
    args = ["grade", "+orders.xlsx", "--map", "amount==amt", "--previous", "prev.csv", "--rules", "rules.toml"]
    result = invoke(runner, [*args, "--as-of", "2026-03-31", "-o", "g.xlsx", "-q", "--", "-more.csv"])
    assert result.exit_code == 0, result.output
    return tmp_path / "g.xlsx"


def strings(ws) -> set[str]:
    return {c.value for row in ws.iter_rows() for c in row if c.data_type == "s"}


def test_no_part_of_the_package_holds_a_formula(workbook):
    with zipfile.ZipFile(workbook) as z:
        parts = [n for n in z.namelist() if n.endswith(".xml")]
        assert len([n for n in parts if n.startswith("xl/worksheets/sheet")]) == 5
        for name in parts:
            assert not FORMULA_ELEMENT.search(z.read(name)), name
    wb = openpyxl.load_workbook(workbook)
    assert [c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"] == []


def test_customer_rows_streamed_and_last_are_text(workbook):
    ws = openpyxl.load_workbook(workbook)["客户分级"]
    header = [c.value for c in ws[1]]
    cols = [header.index(h) + 1 for h in ("客户编号", "客户名称", "国家(原文)", "主营品类", "业务员")]
    got = [[(ws.cell(r, c).value, ws.cell(r, c).data_type) for c in cols] for r in range(2, ws.max_row + 1)]
    # Rows 2-5 are streamed, row 6 (the last, whichever customer the tier order puts there) is not; every
    # id is hostile text, so the last row is tested whatever it holds.
    assert got[-1][0][0] in {"+1", "-2", "-5", "=3", "@4"}
    # By id: + (0x2B) - (0x2D) = (0x3D) @ (0x40); -5 after -2.
    assert sorted(got, key=lambda row: row[0][0]) == [
        [("+1", "s"), (HYPERLINK, "s"), ("美国", "s"), ("-lamps", "s"), ("=Owner()", "s")],
        [("-2", "s"), (CMD, "s"), ("@Narnia", "s"), ("@tools", "s"), ("+owner", "s")],
        [("-5", "s"), (None, "n"), (None, "n"), (None, "n"), (None, "n")],
        [("=3", "s"), ("-2+3", "s"), ("美国", "s"), ("-lamps", "s"), ("-owner", "s")],
        [("@4", "s"), (AT_SUM, "s"), ("美国", "s"), ("=cat()", "s"), ("@owner", "s")],
    ]
    tiers = {
        (ws.cell(r, header.index("客户等级") + 1).value, ws.cell(r, header.index("客户等级") + 1).data_type)
        for r in range(2, ws.max_row + 1)
    }
    assert ("@普通", "s") in tiers  # a rules label is text too


def test_summary_changes_problems_and_run_info_are_text(workbook):
    wb = openpyxl.load_workbook(workbook)
    assert wb.sheetnames == ["客户分级", "分级汇总", "等级变动", "问题数据", "运行信息"]
    # Tier labels from the rules, and the sales owners of the by-owner table.
    assert {"=VIP()", "@普通", "=Owner()", "+owner", "-owner", "@owner"} <= strings(wb["分级汇总"])
    # The customers who moved, and the gone one with last run's name and labels.
    assert {"+1", HYPERLINK, "-2", CMD, "=3", "-2+3", "@4", AT_SUM, "=GONE()", "\t+gone", "=VIP()", "+冠军"} <= (
        strings(wb["等级变动"])
    )
    problems = [[c.value for c in row] for row in wb["问题数据"].iter_rows(min_row=2, max_col=6)]
    assert [(p[0], p[1], p[4], p[5]) for p in problems] == [
        ("+orders.xlsx", "=Orders", "country", "@Narnia"),
        ("+orders.xlsx", "=Orders", "=amt", "\t=1+1"),
        ("+orders.xlsx", "=Orders", "下单日期", "=TODAY()"),
        ("-more.csv", "", "=amt", "_x000D_=2+3"),  # Excel reads _x000D_ as the CR; openpyxl leaves it
    ]
    with zipfile.ZipFile(workbook) as z:
        assert b'<c r="F5" t="inlineStr"><is><t>_x000D_=2+3</t></is></c>' in z.read("xl/worksheets/sheet4.xml")
    info = strings(wb["运行信息"])
    assert {"+orders.xlsx", "-more.csv", "=HOLD()", "=VIP()", "+冠军", "@普通"} <= info
    assert "=Orders: orders, 6 rows, header row 1" in info
    assert "[+notes] skipped: no order, customer or returns columns" in info
