"""The workbook, re-opened with openpyxl: sheets, headers, values, formats, fills, charts, safety."""

from __future__ import annotations

import re
import tempfile
import zipfile

import openpyxl
import pytest
from conftest import CORE_AS_OF, TODAY, invoke
from workbook_parts import graded_workbook

from custseg.api import GradeOptions, grade
from custseg.output.workbook.sheets import write_workbook

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "\tTabbed",
    "=1+1",
    # XlsxWriter copies text shaped like its rich text into the sheet's XML as it is.
    '<r><t>a</t></r></is><f>HYPERLINK("http://evil.example","x")</f><is><r><t>b</t></r>',
    '<r><t>c</t></r></is></c><c r="Z9"><f>1+1</f></c><c><is><r><t>d</t></r>',
]
RICH_INJECTION = HOSTILE[6]


@pytest.fixture
def workbook(runner, core_csv, tmp_path):
    return graded_workbook(runner, core_csv, tmp_path)


def test_sheets_header_values_pane_filter(workbook):
    wb = openpyxl.load_workbook(workbook)
    assert wb.sheetnames == ["客户分级", "分级汇总", "问题数据", "运行信息"]
    ws = wb["客户分级"]
    header = [c.value for c in ws[1]]
    # What a sales manager looks at first (the CSV keeps the documented order).
    assert header[:10] == [
        "客户编号",
        "客户名称",
        "客户等级",
        "客户分群",
        "RFM八类",
        "购买金额 (USD)",
        "购买频次",
        "最近购买(天)",
        "最近下单日期",
        "下次跟进日期",
    ]
    row = {h: c.value for h, c in zip(header, ws[2], strict=True)}
    assert row["客户编号"] == "A" and row["购买频次"] == 3 and row["购买金额 (USD)"] == 3000
    assert row["客户等级"] == "VIP" and row["RFM八类"] == "重要价值客户" and row["客户分群"] == "冠军客户"
    assert row["生命周期"] == "活跃" and row["国内客户"] == "否"
    assert row["首次下单日期"].date().isoformat() == "2026-03-01"
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}7"
    assert ws["B1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("1F4E78")


def test_number_formats_fills_and_conditional_formats(workbook):
    wb = openpyxl.load_workbook(workbook)
    ws = wb["客户分级"]
    header = [c.value for c in ws[1]]
    money = header.index("购买金额 (USD)") + 1
    assert ws.cell(2, money).number_format == "#,##0.00"
    assert ws.cell(2, header.index("首次下单日期") + 1).number_format == "yyyy-mm-dd"
    tier_col = header.index("客户等级") + 1
    assert ws.cell(2, tier_col).fill.fgColor.rgb.endswith("FFD966")  # VIP gold
    kinds = sorted({rule.type for cf in ws.conditional_formatting for rule in cf.rules})
    assert kinds == ["colorScale", "dataBar"]
    summary = wb["分级汇总"]
    assert summary["A3"].value == "客户等级"
    assert [summary.cell(r, 1).value for r in range(5, 9)] == ["VIP", "重点", "普通", "潜在"]
    assert summary["C5"].number_format == "0.0%"


def test_native_charts(workbook):
    with zipfile.ZipFile(workbook) as z:
        charts = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        kinds = [re.search(rb"<c:(barChart|pieChart|lineChart)>", z.read(n)).group(1) for n in charts]
        bar_dirs = [re.search(rb'<c:barDir val="(\w+)"', z.read(n)).group(1) for n in charts]
    assert len(charts) == 3
    assert kinds == [b"barChart"] * 3 and bar_dirs == [b"col", b"col", b"bar"]


def test_problem_and_run_info_sheets(workbook):
    wb = openpyxl.load_workbook(workbook)
    p = wb["问题数据"]
    assert [c.value for c in p[1]] == ["文件", "工作表", "行号", "文本行号", "列", "原始值", "原因代码", "原因"]
    rows = [[c.value for c in r] for r in p.iter_rows(min_row=2)]
    # A CSV without line breaks in its fields: each record's text line is its row.
    assert [(r[2], r[3], r[4], r[6]) for r in rows] == [
        (13, 13, "country", "unknown_country"),
        (16, 16, "下单日期", "bad_date"),
        (17, 17, "客户编号", "missing_customer"),
    ]
    assert rows[1][7] == "日期无法识别"
    info = {r[0].value: r[1].value for r in wb["运行信息"].iter_rows() if r[0].value}
    assert info["评估日期"] == "2026-06-30 (option)"
    assert info["读取行数"] == 17 and info["问题数据"] == 2 and info["已取消"] == 2
    assert info["score method"] == "hybrid"
    assert info["currency.base"] == "USD"


def test_english_workbook(runner, core_csv, tmp_path):
    out = tmp_path / "g.xlsx"
    invoke(runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF, "-o", str(out), "--lang", "en", "-q"])
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Customers", "Summary", "Problems", "Run info"]
    assert [c.value for c in wb["Problems"][1]][2:4] == ["Row", "Text line"]
    ws = wb["Customers"]
    assert [c.value for c in ws[1]][:3] == ["Customer ID", "Customer name", "Tier"]
    header = [c.value for c in ws[1]]
    assert ws.cell(2, header.index("Segment") + 1).value == "Champions"


def test_hostile_text_is_stored_as_text(runner, tmp_path):
    p = tmp_path / "o.csv"
    lines = ["customer_id,customer_name,order_date,amount,country"]
    for i, name in enumerate(HOSTILE):
        quoted = '"' + name.replace('"', '""') + '"'
        lines.append(f"H{i},{quoted},2026-01-{i + 1:02d},10,{quoted}")
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "g.xlsx"
    assert invoke(runner, ["grade", str(p), "-o", str(out), "-q"]).exit_code == 0
    ws = openpyxl.load_workbook(out)["客户分级"]
    names = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(2, ws.max_row + 1)}
    for i, name in enumerate(HOSTILE):
        cell = names[f"H{i}"]
        assert cell.data_type == "s" and cell.value == name.strip()  # names are trimmed, never evaluated
        assert cell.hyperlink is None
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<hyperlink" not in sheet


def test_interrupted_write_leaves_the_previous_file_intact(core_csv, tmp_path, monkeypatch):
    from custseg.output.workbook import sheets as wbmod

    out = tmp_path / "g.xlsx"
    result = grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    write_workbook(result, out)
    before = out.read_bytes()

    def interrupted(self):
        raise KeyboardInterrupt  # Ctrl-C after the customer sheet was written

    monkeypatch.setattr(wbmod._Writer, "problems", interrupted)
    scratch = tmp_path / "scratch"  # XlsxWriter's temporary files: the sheets' row files
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with pytest.raises(KeyboardInterrupt):
        write_workbook(result, out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert list(scratch.iterdir()) == []  # no row file is left behind


def test_workbook_leaves_no_temporary_files(core_csv, tmp_path, monkeypatch):
    """Every part's temporary file is deleted, including the row files spliced into the zip and the empty row
    file of a sheet without rows (which XlsxWriter itself leaves)."""
    import xlsxwriter

    from custseg.output.workbook import _fast_rows

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    write_workbook(grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY)), tmp_path / "g.xlsx")
    wb = xlsxwriter.Workbook(str(tmp_path / "e.xlsx"), {"constant_memory": True})
    wb.worksheet_class = _fast_rows.worksheet_class()
    wb.add_worksheet("empty")
    wb.close()
    assert list(scratch.iterdir()) == []


def test_unwritable_output_is_a_clear_error(runner, core_csv, tmp_path):
    result = invoke(runner, ["grade", str(core_csv), "-o", str(tmp_path / "no" / "such" / "dir" / "g.xlsx")])
    assert result.exit_code == 1 and "does not exist" in result.stderr


def test_workbook_cells_are_deterministic(core_csv, tmp_path):
    result = grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(result, a)
    write_workbook(grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY)), b)
    assert a.read_bytes() == b.read_bytes()


def test_cjk_column_widths(workbook):
    from custseg.output.workbook.sheets import display_width

    assert display_width("客户分级") == 8 and display_width("abc") == 3
    ws = openpyxl.load_workbook(workbook)["客户分级"]
    assert ws.column_dimensions["B"].width >= 10


def test_previous_workbook_round_trip(core_csv, tmp_path):
    from custseg.config.rules import Rules
    from custseg.input.previous import read_previous

    result = grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    for lang in ("zh", "en"):
        out = tmp_path / f"{lang}.xlsx"
        write_workbook(result, out, lang)
        prev = read_previous(out, Rules()).set_index("customer_id")
        assert prev.loc["A", "tier"] == "vip" and prev.loc["A", "segment"] == "champions"
        assert prev.loc["E", "tier"] == "potential"
        assert prev["monetary"].to_dict() == {"A": 3000.0, "B": 200.0, "C": 10000.0, "D": 200.0, "E": 0.0, "F": -50.0}


def test_problem_sheet_past_excel_limit_keeps_first_rows_and_points_to_csv(core_csv, tmp_path, monkeypatch):
    from custseg.output.workbook import sheets as wbmod

    monkeypatch.setattr(wbmod, "PROBLEM_SHEET_ROWS", 2)  # stands in for 1,048,574
    result = grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    out = tmp_path / "g.xlsx"
    write_workbook(result, out, problems_note="problems.csv")
    ws = openpyxl.load_workbook(out)["问题数据"]
    values = [ws.cell(r, 3).value for r in range(2, 4)]
    assert values == [13, 16]
    assert ws.cell(4, 1).value.endswith("--problems 输出的 CSV: problems.csv")


def test_customer_table_past_excel_limit_is_an_error_suggesting_csv(core_csv, tmp_path, monkeypatch):
    from custseg.cli.hints import cli_text
    from custseg.errors import OutputError
    from custseg.output.workbook import sheets as wbmod

    monkeypatch.setattr(wbmod, "EXCEL_MAX_ROWS", 5)
    result = grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    with pytest.raises(OutputError, match="do not fit in an Excel sheet") as err:
        write_workbook(result, tmp_path / "g.xlsx")
    # The library suggests CSV in its own words; the command line names the flag.
    assert err.value.hint == "write CSV instead" and err.value.code == "too_many_rows_for_excel"
    assert cli_text(err.value)[1] == "write CSV instead: -o customers.csv"
    assert not (tmp_path / "g.xlsx").exists()


def test_rich_text_shaped_input_stays_text_in_every_sheet(runner, tmp_path):
    # One customer: its row is the last, which XlsxWriter itself writes; the bad amount is shown raw on
    # the problem sheet.
    p = tmp_path / "o.csv"
    quoted = '"' + RICH_INJECTION.replace('"', '""') + '"'
    p.write_text(
        f"customer_id,customer_name,order_date,amount\nR1,{quoted},2026-01-05,10\nR2,x,2026-01-06,{quoted}\n",
        encoding="utf-8",
    )
    out = tmp_path / "g.xlsx"
    assert invoke(runner, ["grade", str(p), "-o", str(out), "-q", "--as-of", "2026-06-30"]).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert wb["客户分级"].cell(2, 2).value == RICH_INJECTION
    problems = wb["问题数据"]
    assert RICH_INJECTION in [c.value for row in problems.iter_rows() for c in row]
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name), name


def test_run_info_lists_every_status_with_its_rows_and_treatment(tmp_path, runner):
    """Paid and the unknown =HOLD() count as orders (=HOLD() stays text), Failed is not revenue; the blank
    status of the last line is listed too. Most rows first, then by text."""
    src = tmp_path / "payments.csv"
    src.write_text(
        "customer_id,order_date,amount,status\nA,2026-03-01,100,Paid\nA,2026-03-02,50,Failed\n"
        "B,2026-03-03,20,Paid\nB,2026-03-04,30,=HOLD()\nC,2026-03-05,5,\n",
        encoding="utf-8",
    )
    out = tmp_path / "g.xlsx"
    assert (
        invoke(runner, ["grade", str(src), "-o", str(out), "--base-currency", "USD", "--lang", "en", "-q"]).exit_code
        == 0
    )
    rows = [list(r[:5]) for r in openpyxl.load_workbook(out)["Run info"].iter_rows(values_only=True)]
    at = rows.index(["Order statuses", None, None, None, None])
    assert rows[at + 1 : at + 6] == [
        [None, "Status", "Rows", "Treated as", "Known"],
        [None, "Paid", 2, "order", "yes"],
        [None, "(blank)", 1, "order", "yes"],
        [None, "=HOLD()", 1, "order", "no"],
        [None, "Failed", 1, "not revenue (cancelled or unpaid)", "yes"],
    ]
    with zipfile.ZipFile(out) as z:
        assert all(b"<f>" not in z.read(n) for n in z.namelist() if n.endswith(".xml"))
