"""The customer rows written straight into XlsxWriter's row stream: the bytes XlsxWriter itself writes."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from conftest import TODAY
from workbook_parts import FIXED_CREATED, assert_same_parts

from custseg.api import GradeOptions, grade
from custseg.output.workbook._fast_rows import SheetColumn
from custseg.output.workbook.sheets import write_workbook


def test_streamed_customer_rows_are_the_bytes_xlsxwriter_writes(tmp_path, monkeypatch):
    """The customer rows go straight into XlsxWriter's row stream; cell by cell, XlsxWriter writes the
    same bytes (escapes, control characters, long text, formats numbered in order of use)."""
    from custseg.output.workbook import _fast_rows

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
    monkeypatch.setattr(_fast_rows, "stream_rows", lambda *args: 0)  # XlsxWriter writes every cell itself
    write_workbook(result, cells)
    sheet = assert_same_parts(streamed, cells)
    ws = openpyxl.load_workbook(streamed)["客户分级"]
    shown = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}
    assert shown["S0"] == "Ärger & Söhne <GmbH>" and shown["S7"] == "深圳市华为贸易有限公司"
    assert shown["S5"] == "Q" * 32_767  # Excel's limit for a cell's text, as XlsxWriter cuts it
    # Excel's escapes: a control character as _xHHHH_, and a literal "_xHHHH_" with its underscore escaped.
    assert "<t>控制_x0001_字符</t>" in sheet and "<t>_x005F_x0041_ literal</t>" in sheet
    assert "<t>Ärger &amp; Söhne &lt;GmbH&gt;</t>" in sheet


@pytest.mark.parametrize("block", [2, 3, 1000])
def test_streamed_rows_match_xlsxwriter_in_edge_cases(tmp_path, monkeypatch, block):
    """Several blocks, a row without cells, -0.0, a column whose format is first used in a later block,
    per-row formats, an empty column: XlsxWriter's cell-by-cell bytes, every part of the file."""
    import xlsxwriter

    from custseg.output.workbook import _fast_rows

    monkeypatch.setattr(_fast_rows, "STREAM_ROWS", block)
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
        wb.worksheet_class = _fast_rows.worksheet_class()
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
            SheetColumn.of_texts(col, fmt)
            if text
            else SheetColumn(fmt, numbers=np.array([np.nan if v is None else v for v in col], dtype=np.float64))
            for col, text, fmt in zip(columns, is_text, formats, strict=True)
        ]
        done = _fast_rows.stream_rows(ws, 1, sheet_columns, 0, varying) if stream else 0
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

    from custseg.output.workbook._fast_rows import CONTROL_ESCAPES, CONTROL_RE2, EDGE_SPACE_RE2

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for texts in (
        chars,
        [f"a{ch}b" for ch in chars[:0x3100]],
        [f"{ch}ab" for ch in chars[:0x3100]],
        [f"ab{ch}" for ch in chars[:0x3100]],
        ["_x0041_", "a_x00Ff_b", "_x004g_", "x_x12345_"],
    ):
        arrow = pa.array(texts, pa.large_string())
        assert pc.match_substring_regex(arrow, EDGE_SPACE_RE2).to_pylist() == [
            bool(_preserve_whitespace(t)) for t in texts
        ]
        assert pc.match_substring_regex(arrow, CONTROL_RE2).to_pylist() == [
            bool(CONTROL_ESCAPES.search(t)) for t in texts
        ]


def test_safe_worksheet_writes_xlsxwriters_bytes_for_plain_text(tmp_path, monkeypatch):
    """The row copy at close (bytes instead of text) and everything else: the same file as XlsxWriter's own
    worksheet, for a constant-memory workbook with rows, CJK, and an empty sheet."""
    import xlsxwriter

    from custseg.output.workbook import _fast_rows

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # XlsxWriter's own class leaves the empty sheet's row file

    def write(path: Path, safe: bool) -> None:
        wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        wb.set_properties({"created": FIXED_CREATED})  # else the two files differ when a second passes between them
        if safe:
            wb.worksheet_class = _fast_rows.worksheet_class()
        ws = wb.add_worksheet("客户")
        for r in range(300):
            ws.write_string(r, 0, f"客户 {r} & <co>")
            ws.write_number(r, 1, r * 1.5)
        wb.add_worksheet("empty")
        wb.close()

    write(tmp_path / "safe.xlsx", True)
    write(tmp_path / "plain.xlsx", False)
    assert "客户 299 &amp; &lt;co&gt;" in assert_same_parts(tmp_path / "safe.xlsx", tmp_path / "plain.xlsx")
