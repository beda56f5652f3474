"""Formula cells without a saved value (a workbook written by a program, not saved by a spreadsheet one):
read as their text, never as a formula, each with a formula_without_value warning; with a saved value,
the value, and no warning."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
from conftest import invoke

import custseg
from custseg.input import _xlsx_columns, _xlsx_formulas
from custseg.input._xlsx_formulas import FormulaCells
from custseg.schema import PROBLEM_COLUMNS, REASONS, WARNING_CODES

LINK = '=HYPERLINK("http://x","Acme")'
AS_OF = "2026-06-30"
REASON = REASONS["formula_without_value"][0]
ORDER_HEADER = ["客户编号", "客户名称", "下单日期", "金额"]
MASTER_HEADER = ["客户编号", "客户名称", "国家", "业务员"]


def save(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A workbook as openpyxl writes it: a formula is saved with no value."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def rewrite(path: Path, edit) -> Path:
    """``path`` with each sheet's XML passed through ``edit`` (as a spreadsheet program might have saved it)."""
    with zipfile.ZipFile(path) as src:
        parts = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w") as out:
        for info, data in parts:
            out.writestr(info, edit(data) if info.filename.startswith("xl/worksheets/sheet") else data)
    return path


def orders_book(tmp_path: Path, name: object = LINK) -> Path:
    return save(
        tmp_path / "orders.xlsx",
        {"订单": [ORDER_HEADER, ["C1", name, "2026-06-01", 100], ["C2", "Beta", "2026-06-02", 200]]},
    )


def warning(file: str, sheet: str, row: int, column: str, value: str) -> dict[str, object]:
    return {
        "file": file,
        "sheet": sheet,
        "row": row,
        "line": None,  # a workbook row has no text line
        "column": column,
        "value": value,
        "reason_code": "formula_without_value",
        "reason": REASON,
    }


def rows_of(problems: pd.DataFrame, code: str = "formula_without_value") -> list[dict[str, object]]:
    return problems[problems["reason_code"] == code][PROBLEM_COLUMNS].to_dict("records")


def names(result) -> dict[str, str]:
    return dict(zip(result.customers["customer_id"], result.customers["customer_name"], strict=True))


def test_the_code_is_a_warning_with_both_texts():
    assert "formula_without_value" in WARNING_CODES
    english, chinese = REASONS["formula_without_value"]
    assert "formula" in english and "公式" in chinese


def test_an_order_sheet_formula_without_value_is_its_text_and_a_warning(tmp_path):
    book = orders_book(tmp_path)
    result = custseg.grade(book, as_of=AS_OF)
    assert names(result) == {"C1": LINK, "C2": "Beta"}
    assert rows_of(result.problems) == [warning(str(book), "订单", 2, "客户名称", LINK)]
    # A warning: the row is used, and counted among the warnings.
    assert result.reconciliation["used"] == 2 and result.reconciliation["problem"] == 0
    assert result.warnings["formula_without_value"] == 1


def test_a_master_sheet_formula_without_value_is_its_text_and_a_warning(tmp_path):
    master = save(
        tmp_path / "crm.xlsx",
        {"客户档案": [MASTER_HEADER, ["C1", LINK, "France", "Li"], ["C2", "Beta", "Germany", ""]]},
    )
    orders = orders_book(tmp_path, "Acme Ltd")
    result = custseg.grade(orders, customers=master, as_of=AS_OF)
    assert names(result) == {"C1": LINK, "C2": "Beta"}  # the master wins, with the formula's text
    assert rows_of(result.problems) == [warning(str(master), "客户档案", 2, "客户名称", LINK)]


def test_a_master_sheet_inside_the_order_workbook(tmp_path):
    book = save(
        tmp_path / "book.xlsx",
        {
            "订单": [ORDER_HEADER, ["C1", "Acme Ltd", "2026-06-01", 100]],
            "客户档案": [MASTER_HEADER, ["C1", LINK, "France", '=CONCAT("L","i")']],
        },
    )
    result = custseg.grade(book, as_of=AS_OF)
    assert names(result) == {"C1": LINK}
    assert result.customers["sales_owner"].tolist() == ['=CONCAT("L","i")']
    assert rows_of(result.problems) == [
        warning(str(book), "客户档案", 2, "业务员", '=CONCAT("L","i")'),
        warning(str(book), "客户档案", 2, "客户名称", LINK),
    ]


def test_an_amount_formula_without_value_is_not_an_amount(tmp_path):
    book = save(
        tmp_path / "o.xlsx",
        {"订单": [ORDER_HEADER, ["C1", "Acme", "2026-06-01", "=2*50"], ["C2", "B", "2026-06-02", 5]]},
    )
    result = custseg.grade(book, as_of=AS_OF)
    assert rows_of(result.problems, "bad_amount")[0]["value"] == "=2*50"
    assert rows_of(result.problems) == [warning(str(book), "订单", 2, "金额", "=2*50")]
    assert result.reconciliation["problem"] == 1  # never calculated: 100 is nowhere


def saved_with_values(data: bytes) -> bytes:
    """Each formula cell as a spreadsheet program saves it: with its result."""
    data = data.replace(
        b'<c r="B2"><f>HYPERLINK("http://x","Acme")</f><v /></c>',
        b'<c r="B2" t="str"><f>HYPERLINK("http://x","Acme")</f><v>Acme</v></c>',
    )
    return data.replace(b'<c r="D2"><f>2*50</f><v /></c>', b'<c r="D2"><f>2*50</f><v>100</v></c>')


def test_a_saved_value_is_read_and_no_warning(tmp_path):
    book = save(tmp_path / "o.xlsx", {"订单": [ORDER_HEADER, ["C1", LINK, "2026-06-01", "=2*50"]]})
    assert b"<v />" in zipfile.ZipFile(book).read("xl/worksheets/sheet1.xml")  # what is replaced below
    rewrite(book, saved_with_values)
    assert FormulaCells(book.read_bytes()).sheet("订单") == {}
    result = custseg.grade(book, as_of=AS_OF)
    assert names(result) == {"C1": "Acme"} and result.customers["monetary"].tolist() == [100.0]
    assert result.problems.empty and "formula_without_value" not in result.warnings


def test_an_empty_text_saved_as_the_result_is_a_value(tmp_path):
    """=IF(...,"",...) saved by Excel: t="str" and an empty <v>; the cell is empty, as the sheet shows it."""
    book = save(tmp_path / "crm.xlsx", {"客户档案": [MASTER_HEADER, ["C1", '=IF(1,"","x")', "France", "Li"]]})
    rewrite(
        book,
        lambda d: d.replace(
            b'<c r="B2"><f>IF(1,"","x")</f><v /></c>', b'<c r="B2" t="str"><f>IF(1,"","x")</f><v></v></c>'
        ),
    )
    assert FormulaCells(book.read_bytes()).sheet("客户档案") == {}
    result = custseg.grade(orders_book(tmp_path, "Acme Ltd"), customers=book, as_of=AS_OF)
    assert names(result)["C1"] == "Acme Ltd" and "formula_without_value" not in set(result.problems["reason_code"])


def test_shared_formulas_read_as_moved_to_each_cell(tmp_path):
    book = save(
        tmp_path / "o.xlsx",
        {
            "订单": [
                ORDER_HEADER + ["备注"],
                ["C1", "A", "2026-06-01", 1, "=A2&B2"],
                ["C2", "B", "2026-06-02", 2, "=A3&B3"],
            ]
        },
    )

    def shared(data: bytes) -> bytes:
        data = data.replace(b'<c r="E2"><f>A2&amp;B2</f>', b'<c r="E2"><f t="shared" ref="E2:E3" si="0">A2&amp;B2</f>')
        return data.replace(b'<c r="E3"><f>A3&amp;B3</f><v /></c>', b'<c r="E3"><f t="shared" si="0"/></c>')

    rewrite(book, shared)
    assert b'<f t="shared" si="0"/></c>' in zipfile.ZipFile(book).read("xl/worksheets/sheet1.xml")
    assert FormulaCells(book.read_bytes()).sheet("订单") == {(1, 4): "A2&B2", (2, 4): "A3&B3"}
    result = custseg.grade(book, as_of=AS_OF)
    assert [(w["row"], w["value"]) for w in rows_of(result.problems)] == [(2, "=A2&B2"), (3, "=A3&B3")]


def test_a_prefixed_namespace_and_cells_split_across_reads(tmp_path, monkeypatch):
    """Some writers prefix every element (<x:c>); and the sheet's XML is read in blocks, which may end
    anywhere, here every few bytes."""
    book = orders_book(tmp_path)

    def prefixed(data: bytes) -> bytes:
        data = re.sub(rb"<(/?)(?!\?)([A-Za-z]+)([\s/>])", rb"<\1x:\2\3", data)
        return data.replace(b'<x:worksheet xmlns="', b'<x:worksheet xmlns:x="')

    rewrite(book, prefixed)
    assert b"<x:c r=" in zipfile.ZipFile(book).read("xl/worksheets/sheet1.xml")
    for chunk in (1 << 22, 7, 64):
        monkeypatch.setattr(_xlsx_formulas, "_CHUNK", chunk)
        assert FormulaCells(book.read_bytes()).sheet("订单") == {(1, 1): LINK[1:]}
    result = custseg.grade(book, as_of=AS_OF)
    assert names(result) == {"C1": LINK, "C2": "Beta"} and len(rows_of(result.problems)) == 1


def test_a_large_sheet_with_such_formulas_goes_to_the_cell_reader(tmp_path, monkeypatch):
    """The column reader gives no formula text: it must not read such a sheet (every sheet is large here)."""
    monkeypatch.setattr(_xlsx_columns, "FAST_MIN_SHEET_BYTES", 0)
    book = save(
        tmp_path / "o.xlsx",
        {
            "一月": [ORDER_HEADER, ["C1", LINK, "2026-06-01", 100]],
            "二月": [ORDER_HEADER, ["C2", "Beta", "2026-06-02", 200]],
        },
    )
    read: list[str] = []
    real = _xlsx_columns.ColumnReader.body
    monkeypatch.setattr(
        _xlsx_columns.ColumnReader, "body", lambda self, sheet, *a: read.append(sheet) or real(self, sheet, *a)
    )
    result = custseg.grade(book, as_of=AS_OF)
    assert read == ["二月"]  # the other sheet still by columns
    assert names(result) == {"C1": LINK, "C2": "Beta"}
    assert rows_of(result.problems) == [warning(str(book), "一月", 2, "客户名称", LINK)]


def test_outputs_show_the_text_and_hold_no_formula(runner, tmp_path):
    book = orders_book(tmp_path)
    out, problems = tmp_path / "g.xlsx", tmp_path / "p.csv"
    args = ["grade", str(book), "--as-of", AS_OF, "-o", str(out), "--problems", str(problems), "-q"]
    assert invoke(runner, args).exit_code == 0
    with zipfile.ZipFile(out) as zf:
        xml = {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml")}
    assert not [n for n, text in xml.items() if re.search(r"<f[\s>]", text)]
    assert any("=HYPERLINK(&quot;http://x&quot;,&quot;Acme&quot;)" in t or LINK in t for t in xml.values())
    customers = openpyxl.load_workbook(out)["客户分级"]
    names = {(row[1].value, row[1].data_type) for row in customers.iter_rows(min_row=2)}  # column B: the name
    assert (LINK, "s") in names
    assert list(csv.reader(io.StringIO(problems.read_text(encoding="utf-8"))))[1] == [
        str(book),
        "订单",
        "2",
        "",
        "客户名称",
        LINK,
        "formula_without_value",
        REASON,
    ]
    shown = invoke(runner, ["grade", str(book), "--as-of", AS_OF, "-o", "-"])
    assert shown.stdout.splitlines()[1].startswith('C1,"=HYPERLINK(""http://x"",""Acme"")",')
    assert "公式无计算结果 1" in shown.stderr
    safe = invoke(runner, ["grade", str(book), "--as-of", AS_OF, "-o", "-", "-q", "--csv-safe"])
    assert safe.stdout.splitlines()[1].startswith("C1,\"'=HYPERLINK(")
