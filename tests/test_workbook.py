"""The workbook, re-opened with openpyxl: sheets, headers, values, formats, fills, charts, safety."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from custseg.api import GradeOptions, grade
from custseg.output.workbook.sheets import write_workbook
from tests.conftest import CORE_AS_OF, TODAY, invoke

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


FIXED_CREATED = dt.datetime(2026, 1, 1)


def assert_same_parts(a: Path, b: Path) -> str:
    """Two workbooks hold the same parts, byte for byte once unzipped; returns the first sheet's XML."""
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.namelist() == zb.namelist()
        for name in za.namelist():
            assert za.read(name) == zb.read(name), name
        return za.read("xl/worksheets/sheet1.xml").decode("utf-8")


@pytest.fixture
def workbook(runner, core_csv, tmp_path):
    out = tmp_path / "g.xlsx"
    result = invoke(runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF, "-o", str(out), "-q"])
    assert result.exit_code == 0
    return out


def test_sheets_header_values_pane_filter(workbook):
    wb = openpyxl.load_workbook(workbook)
    assert wb.sheetnames == ["客户分级", "分级汇总", "问题数据", "运行信息"]
    ws = wb["客户分级"]
    header = [c.value for c in ws[1]]
    assert header[:8] == [
        "客户编号",
        "客户名称",
        "国家(原文)",
        "首次下单日期",
        "最近下单日期",
        "最近购买(天)",
        "购买频次",
        "购买金额 (USD)",
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
    rows = [[c.value for c in r] for r in p.iter_rows(min_row=2)]
    assert [(r[2], r[3], r[5]) for r in rows] == [
        (13, "country", "unknown_country"),
        (16, "下单日期", "bad_date"),
        (17, "客户编号", "missing_customer"),
    ]
    assert rows[1][6] == "日期无法识别"
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
    ws = wb["Customers"]
    assert [c.value for c in ws[1]][:3] == ["Customer ID", "Customer name", "Country (as given)"]
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

    from custseg.output.workbook import sheets as wbmod

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    write_workbook(grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY)), tmp_path / "g.xlsx")
    wb = xlsxwriter.Workbook(str(tmp_path / "e.xlsx"), {"constant_memory": True})
    wb.worksheet_class = wbmod._text_safe_sheet()
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
        assert Path(out).exists()


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
    from custseg.errors import OutputError
    from custseg.output.workbook import sheets as wbmod

    monkeypatch.setattr(wbmod, "EXCEL_MAX_ROWS", 5)
    result = grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    with pytest.raises(OutputError, match="do not fit in an Excel sheet") as err:
        write_workbook(result, tmp_path / "g.xlsx")
    assert "-o customers.csv" in str(err.value)
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


def test_streamed_customer_rows_are_the_bytes_xlsxwriter_writes(tmp_path, monkeypatch):
    """The customer rows go straight into XlsxWriter's row stream; cell by cell, XlsxWriter writes the
    same bytes (escapes, control characters, long text, formats numbered in order of use)."""
    from custseg.output.workbook import sheets as wbmod

    names = [
        "Ärger & Söhne <GmbH>",
        "控制\x01字符",
        "_x0041_ literal",
        "Tab\tinside",
        "=1+1",
        "Q" * 40_000,
        "quote \" and apostrophe '",
        "深圳市华为贸易有限公司",
    ]
    p = tmp_path / "o.csv"
    lines = ["customer_id,customer_name,order_date,amount,country,currency"]
    for i, name in enumerate(names * 3):
        quoted = '"' + name.replace('"', '""') + '"'
        lines.append(
            f"S{i},{quoted},2026-0{i % 6 + 1}-1{i % 9},{(i * 137.5) % 5000 + 0.25},"
            f"{['德国', 'USA', 'Brasil'][i % 3]},USD"
        )
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = grade([p], as_of="2026-06-30", options=GradeOptions(today=TODAY))
    streamed, cells = tmp_path / "streamed.xlsx", tmp_path / "cells.xlsx"
    write_workbook(result, streamed)
    monkeypatch.setattr(wbmod, "_stream_rows", lambda *args: 0)  # XlsxWriter writes every cell itself
    write_workbook(result, cells)
    sheet = assert_same_parts(streamed, cells)
    ws = openpyxl.load_workbook(streamed)["客户分级"]
    shown = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}
    assert shown["S0"] == "Ärger & Söhne <GmbH>" and shown["S7"] == "深圳市华为贸易有限公司"
    assert shown["S5"] == "Q" * 32_767  # Excel's limit for a cell's text, as XlsxWriter cuts it
    # Excel's escapes: a control character as _xHHHH_, and a literal "_xHHHH_" with its underscore escaped.
    assert "<t>控制_x0001_字符</t>" in sheet and "<t>_x005F_x0041_ literal</t>" in sheet
    assert "<t>Ärger &amp; Söhne &lt;GmbH&gt;</t>" in sheet


def test_workbook_is_deflated_at_the_fast_level_and_xlsxwriter_is_left_as_it_was(workbook):
    import zlib

    import xlsxwriter.workbook

    from custseg.output.workbook.sheets import ZIP_LEVEL, _deflate_block

    assert ZIP_LEVEL == 1
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile  # the level was swapped in for the close only
    with zipfile.ZipFile(workbook) as z:
        assert z.testzip() is None
        for info in z.infolist():
            data = z.read(info)
            deflate = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)
            by_zlib = len(deflate.compress(data) + deflate.flush())
            if info.filename.startswith("xl/worksheets/sheet"):  # sheets with rows are spliced, deflated in blocks
                assert info.compress_size in (by_zlib, len(_deflate_block(data, b"", ZIP_LEVEL, last=True)))
            else:
                assert info.compress_size == by_zlib, info.filename


def test_large_sheets_are_deflated_by_isal_where_installed_and_zlib_reads_them():
    import zlib

    from custseg.output.workbook.sheets import _deflate_block, _deflater

    data = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>C%07d</t></is></c></row>' % (i, i, i * 7) for i in range(200_000)
    )
    blocks = [data[i : i + (1 << 20)] for i in range(0, len(data), 1 << 20)]
    stream = b"".join(
        _deflate_block(b, data[max(0, i * (1 << 20) - 32768) : i * (1 << 20)], 1, i == len(blocks) - 1)
        for i, b in enumerate(blocks)
    )
    assert zlib.decompress(stream, -15) == data
    try:
        import isal  # noqa: F401
    except ImportError:
        assert _deflater() is zlib
    else:
        assert _deflater().__name__ == "isal.isal_zlib"
    assert zlib.decompress(_deflate_block(data, b"", 0, last=True), -15) == data  # level 0: zlib stores


@pytest.mark.parametrize("block", [2, 3, 1000])
def test_streamed_rows_match_xlsxwriter_in_edge_cases(tmp_path, monkeypatch, block):
    """Several blocks, a row without cells, -0.0, a column whose format is first used in a later block,
    per-row formats, an empty column: XlsxWriter's cell-by-cell bytes, every part of the file."""
    import xlsxwriter

    from custseg.output.workbook import sheets as wbmod

    monkeypatch.setattr(wbmod, "_STREAM_ROWS", block)
    columns = [
        ["a", "b", None, "d", "  lead", "x\u3000", "&<>", "a"],
        [1.0, -0.0, None, 0.0, 1e20, 0.1 + 0.2, 5.0, 12345678.123456789],
        [None, None, None, None, "late", None, "z", None],
        [None] * 8,
    ]
    is_text = [True, False, True, True]

    def write(path: Path, stream: bool) -> None:
        wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        wb.set_properties({"created": FIXED_CREATED})  # else the two files differ when a second passes between them
        wb.worksheet_class = wbmod._text_safe_sheet()
        ws = wb.add_worksheet()
        head, tier_a, tier_b, tier_c, late, money = (
            wb.add_format({"bold": True}),
            wb.add_format({"bg_color": "#FF0000"}),
            wb.add_format({"bg_color": "#00FF00"}),
            wb.add_format({"bg_color": "#0000FF"}),
            wb.add_format({"italic": True}),
            wb.add_format({"num_format": "0.00"}),
        )
        formats = [None, money, late, None]
        # tier_c is first used in row 4, before late in row 6: formats are numbered in that order.
        varying = [tier_b, tier_a, None, tier_c, tier_a, tier_b, None, tier_b]
        for c in range(4):
            ws.write_string(0, c, f"h{c}", head)
        sheet_columns = [
            wbmod._SheetColumn.of_texts(col, fmt)
            if text
            else wbmod._SheetColumn(fmt, numbers=np.array([np.nan if v is None else v for v in col], dtype=np.float64))
            for col, text, fmt in zip(columns, is_text, formats, strict=True)
        ]
        done = wbmod._stream_rows(ws, 1, sheet_columns, 0, varying) if stream else 0
        assert done == (7 if stream else 0)
        for r in range(done, 8):
            for c in range(4):
                value = columns[c][r]
                if value is not None:
                    fmt = varying[r] if c == 0 else formats[c]
                    (ws.write_string if is_text[c] else ws.write_number)(r + 1, c, value, fmt)
        wb.close()

    write(tmp_path / "s.xlsx", True)
    write(tmp_path / "c.xlsx", False)
    sheet = assert_same_parts(tmp_path / "s.xlsx", tmp_path / "c.xlsx")
    assert '<row r="4">' not in sheet  # the row without cells
    assert '<c r="B3" s="' in sheet and "<v>-0</v>" in sheet and "<v>1E+20</v>" in sheet
    assert '<t xml:space="preserve">x\u3000</t>' in sheet and "<t>&amp;&lt;&gt;</t>" in sheet


def test_re2_spellings_match_pythons_patterns_on_every_code_point():
    """The streamed rows test for control characters and edge whitespace in pyarrow (RE2); XlsxWriter tests
    in Python. Both must agree on every character, alone and at either end of a text."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from xlsxwriter.utility import _preserve_whitespace

    from custseg.output.workbook.sheets import _CONTROL_ESCAPES, _CONTROL_RE2, _EDGE_SPACE_RE2

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for texts in (
        chars,
        [f"a{ch}b" for ch in chars[:0x3100]],
        [f"{ch}ab" for ch in chars[:0x3100]],
        [f"ab{ch}" for ch in chars[:0x3100]],
        ["_x0041_", "a_x00Ff_b", "_x004g_", "x_x12345_"],
    ):
        arrow = pa.array(texts, pa.large_string())
        assert pc.match_substring_regex(arrow, _EDGE_SPACE_RE2).to_pylist() == [
            bool(_preserve_whitespace(t)) for t in texts
        ]
        assert pc.match_substring_regex(arrow, _CONTROL_RE2).to_pylist() == [
            bool(_CONTROL_ESCAPES.search(t)) for t in texts
        ]


def test_safe_worksheet_writes_xlsxwriters_bytes_for_plain_text(tmp_path, monkeypatch):
    """The row copy at close (bytes instead of text) and everything else: the same file as XlsxWriter's own
    worksheet, for a constant-memory workbook with rows, CJK, and an empty sheet."""
    import xlsxwriter

    from custseg.output.workbook import sheets as wbmod

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # XlsxWriter's own class leaves the empty sheet's row file

    def write(path: Path, safe: bool) -> None:
        wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        wb.set_properties({"created": FIXED_CREATED})  # else the two files differ when a second passes between them
        if safe:
            wb.worksheet_class = wbmod._text_safe_sheet()
        ws = wb.add_worksheet("客户")
        for r in range(300):
            ws.write_string(r, 0, f"客户 {r} & <co>")
            ws.write_number(r, 1, r * 1.5)
        wb.add_worksheet("empty")
        wb.close()

    write(tmp_path / "safe.xlsx", True)
    write(tmp_path / "plain.xlsx", False)
    assert "客户 299 &amp; &lt;co&gt;" in assert_same_parts(tmp_path / "safe.xlsx", tmp_path / "plain.xlsx")


@pytest.mark.parametrize(("block", "held"), [(64, 0), (1000, 5000), (4 << 20, 256 << 20)])
def test_spliced_rows_deflated_in_blocks_give_the_copied_workbook(core_csv, tmp_path, monkeypatch, block, held):
    """The customer sheet's rows spliced into the zip and deflated in blocks on two threads: a valid zip
    (every CRC checked) with the same parts as the rows copied into the sheet and deflated by zipfile. The
    rendered rows are held in memory, or not at all, or until they pass the limit (two rows a block here)."""
    from custseg.output.workbook import sheets as wbmod

    result = grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    monkeypatch.setattr(wbmod, "DEFLATE_BLOCK", block)
    monkeypatch.setattr(wbmod, "ROWS_IN_MEMORY", held)
    monkeypatch.setattr(wbmod, "_STREAM_ROWS", 2)
    write_workbook(result, tmp_path / "spliced.xlsx")
    monkeypatch.setattr(wbmod, "_can_swap_zipfile", lambda: False)
    write_workbook(result, tmp_path / "copied.xlsx")
    with zipfile.ZipFile(tmp_path / "spliced.xlsx") as z:
        assert z.testzip() is None
        sheet = z.getinfo("xl/worksheets/sheet1.xml")
        assert sheet.compress_type == zipfile.ZIP_DEFLATED and sheet.file_size > 3 * 64
    assert_same_parts(tmp_path / "spliced.xlsx", tmp_path / "copied.xlsx")
    assert openpyxl.load_workbook(tmp_path / "spliced.xlsx", read_only=True).sheetnames[0] == "客户分级"


def test_held_rows_are_put_back_in_the_row_file_for_a_plain_copy(tmp_path):
    """Where XlsxWriter copies a sheet's rows itself, the rows held in memory go into its row file first,
    at their place between the rows before them and the last row."""
    from types import SimpleNamespace

    from custseg.output.workbook.sheets import _HeldRows, _put_back_held_rows

    path = tmp_path / "rows.xml"
    fh = open(path, "w+", encoding="utf-8")  # as XlsxWriter opens a row file
    fh.write('<row r="1"/>')
    held = _HeldRows(len('<row r="1"/>'))
    held.blocks = [b'<row r="2"/>', memoryview(b'<row r="3">\xe5\xae\xa2</row>')]
    fh.write('<row r="4"/>')  # the last row, written after the held ones were rendered
    sheet = SimpleNamespace(row_data_fh=fh, held_rows=held)
    _put_back_held_rows(sheet)
    fh.seek(0)
    assert fh.read() == '<row r="1"/><row r="2"/><row r="3">客</row><row r="4"/>'
    assert sheet.held_rows is None
    _put_back_held_rows(sheet)  # nothing held: nothing written
    fh.seek(0)
    assert fh.read().count("<row") == 4
    fh.close()
