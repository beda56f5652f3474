"""Real files of every shape (tests/data, made by make_data.py) read by read_source and graded alike."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import invoke
from typer.testing import CliRunner

from custseg.api import GradeOptions, grade
from custseg.input.read import read_source
from custseg.input.sources import Source

DATA = Path(__file__).parents[1] / "data"
TODAY = dt.date(2026, 11, 23)
EXPECTED = {"K001": (2, 2000.0), "K002": (1, 2000.0), "K003": (1, 500.0)}


def figures(result):
    c = result.customers.set_index("customer_id")
    return {cid: (int(r["frequency"]), float(r["monetary"])) for cid, r in c.iterrows() if r["frequency"] > 0}


def test_title_rows_serial_dates_text_numbers_blank_and_total_rows():
    result = grade([DATA / "title_rows.xlsx"], options=GradeOptions(today=TODAY))
    got = figures(result)
    assert got == {"K001": (2, 2000.0), "K002": (1, 2000.0), "3": (1, 500.0)}
    assert result.reconciliation == {
        "rows_read": 6,
        "used": 4,
        "outside_window": 0,
        "cancelled": 0,
        "after_as_of": 0,
        "blank": 1,
        "total": 1,
        "problem": 0,
    }
    k2 = result.customers.set_index("customer_id").loc["K002"]
    assert k2["first_order_date"].date() == dt.date(2026, 4, 1)  # Excel serial 46113
    assert "header row 3" in result.inputs[0].tables[0]


@pytest.mark.parametrize("name", ["multi_sheet.xlsx", "multi_sheet.ods", "multi_sheet.xls"])
def test_every_order_sheet_is_read_and_the_master_sheet_is_used(name):
    result = grade([DATA / name], options=GradeOptions(today=TODAY))
    assert figures(result) == EXPECTED
    c = result.customers.set_index("customer_id")
    assert c.loc["K001", "customer_name"] == "华为贸易有限公司"  # the master wins over the orders
    assert c.loc["K001", "industry"] == "制造业" and c.loc["K001", "sales_owner"] == "张伟"
    assert c.loc["K009", "lifecycle"] == "prospect" and c.loc["K009", "tier"] == "potential"
    assert bool(c.loc["K003", "in_master"]) is False
    warn = result.problems[result.problems["reason_code"] == "not_in_master"]
    assert warn["value"].tolist() == ["K003"]
    assert [s[1] for s in result.skipped_sheets] == ["说明"]
    assert len(result.inputs[0].tables) == 4


def test_sheet_option_restricts(tmp_path):
    result = grade([DATA / "multi_sheet.xlsx"], options=GradeOptions(today=TODAY, sheets=["2026-04"]))
    assert figures(result) == {"K001": (1, 765.5), "K002": (1, 2000.0)}


def test_map_option_and_uci_online_retail_columns(tmp_path):
    p = tmp_path / "retail.csv"
    p.write_text(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        "536365,85123A,HEART,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n"
        "536365,71053,LANTERN,6,12/1/2010 8:26,3.39,17850.0,United Kingdom\n"
        "C536379,D,Discount,-1,12/13/2010 9:41,27.5,17850.0,United Kingdom\n"
        "536366,22633,HAND WARMER,6,12/1/2010 8:28,1.85,,United Kingdom\n",
        encoding="latin-1",
    )
    result = grade([p], options=GradeOptions(today=TODAY, currency="GBP", base_currency="GBP"))
    c = result.customers.set_index("customer_id").loc["17850"]
    assert (c["frequency"], round(c["monetary"], 2)) == (1, round(6 * 2.55 + 6 * 3.39 - 27.5, 2))
    assert c["refund_amount"] == 27.5
    assert result.problems["reason_code"].tolist() == ["missing_customer"]
    assert result.problems["row"].tolist() == [5]


def test_two_headers_for_one_field_is_an_error_that_names_the_fix():
    from custseg.errors import InputError

    with pytest.raises(InputError) as err:
        grade([DATA / "bad" / "two_amount_columns.csv"])
    assert "'金额', '成交金额'" in str(err.value) and "column_map={'amount': '金额'}" in str(err.value)
    cli = invoke(CliRunner(), ["grade", str(DATA / "bad" / "two_amount_columns.csv"), "-o", "-"])
    assert cli.exit_code == 1 and "  hint: say which one to use, for example --map amount=金额" in cli.stderr
    result = grade(
        [DATA / "bad" / "two_amount_columns.csv"], options=GradeOptions(today=TODAY, column_map={"amount": "成交金额"})
    )
    assert result.customers.loc[0, "monetary"] == 2.0


def test_ambiguous_dates_are_an_error_until_the_order_is_given(tmp_path):
    from custseg.errors import InputError

    p = tmp_path / "o.csv"
    p.write_text("customer_id,order_date,amount\nA,03/05/2025,1\nA,04/06/2025,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="date_order 'dayfirst' or 'monthfirst'"):
        grade([p], options=GradeOptions(today=TODAY))
    cli = invoke(CliRunner(), ["grade", str(p), "-o", "-"])
    assert cli.exit_code == 1 and "hint: say which with --dayfirst or --monthfirst" in cli.stderr
    r = grade([p], options=GradeOptions(today=TODAY, date_order="dayfirst"))
    assert r.customers.loc[0, "last_order_date"].date() == dt.date(2025, 6, 4)
    r = grade([p], options=GradeOptions(today=TODAY, date_order="monthfirst"))
    assert r.customers.loc[0, "last_order_date"].date() == dt.date(2025, 4, 6)


def test_stdin_source_reads_bytes(tmp_path):
    data = (DATA / "gbk.csv").read_bytes()
    result = grade([Source.from_arg("-", data)], options=GradeOptions(today=TODAY))
    assert figures(result) == EXPECTED


def test_several_files_are_concatenated(tmp_path):
    a = shutil.copy(DATA / "utf8.csv", tmp_path / "a.csv")
    b = tmp_path / "b.csv"
    b.write_text("客户编号,下单日期,金额\nK003,2026-05-01,100\n", encoding="utf-8")
    result = grade([a, b], options=GradeOptions(today=TODAY))
    assert figures(result)["K003"] == (2, 600.0)


def test_duplicate_lines_are_kept_and_counted(tmp_path):
    p = tmp_path / "o.csv"
    p.write_text("customer_id,order_id,order_date,amount\nA,1,2026-01-01,5\nA,1,2026-01-01,5\n", encoding="utf-8")
    r = grade([p], options=GradeOptions(today=TODAY))
    assert r.warnings["duplicate_lines"] == 1
    assert r.customers.loc[0, "monetary"] == 10.0


def test_returns_sheet_marks_orders_returned(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Orders"
    ws.append(["Order ID", "Order Date", "Customer ID", "Customer Name", "Sales", "Country"])
    ws.append(["X-1", dt.datetime(2026, 1, 5), "CG-1", "Claire", 100.0, "United States"])
    ws.append(["X-2", dt.datetime(2026, 2, 5), "CG-1", "Claire", 50.0, "United States"])
    r = wb.create_sheet("Returns")
    r.append(["Returned", "Order ID"])
    r.append(["Yes", "X-2"])
    p = tmp_path / "store.xlsx"
    wb.save(p)
    result = grade([p], options=GradeOptions(today=TODAY))
    c = result.customers.iloc[0]
    assert (c["frequency"], c["monetary"]) == (1, 100.0)
    assert c["last_order_date"].date() == dt.date(2026, 1, 5)
    assert result.warnings["returned_lines"] == 1


def test_master_rows_without_an_id_are_reported(tmp_path):
    orders = tmp_path / "o.csv"
    orders.write_text("客户编号,下单日期,金额\nA,2026-01-01,1\n", encoding="utf-8")
    master = tmp_path / "m.csv"
    master.write_text("客户编号,客户名称,国家,行业\nA,Alpha,美国,制造业\n,Nameless,美国,零售\n", encoding="utf-8")
    r = grade([orders], customers=master, options=GradeOptions(today=TODAY))
    got = r.problems[["file", "row", "reason_code"]].values.tolist()
    assert got == [[str(master), 3, "master_missing_id"]]
    assert r.reconciliation["problem"] == 0 and r.warnings["master_missing_id"] == 1


def test_duplicates_need_every_cell_equal(tmp_path):
    """Rows that share all but one cell are not duplicates, whichever cell differs; blank and total
    rows are not counted."""
    p = tmp_path / "o.csv"
    p.write_text(
        "customer_id,order_id,order_date,amount\n"
        "A,1,2026-01-01,5\n"
        "A,1,2026-01-01,5\n"  # duplicate 1
        "A,1,2026-01-01,5\n"  # duplicate 2
        "A,1,2026-01-02,5\n"  # date differs
        "A,2,2026-01-01,5\n"  # order differs
        "B,1,2026-01-01,5\n"  # customer differs
        "A,1,2026-01-01,50\n"  # amount differs
        "B,1,2026-01-01,5\n"  # duplicate 3
        ",,,\n,,,\n"  # blank rows, not duplicates
        "合计,,,85\n合计,,,85\n",  # total rows, not duplicates
        encoding="utf-8",
    )
    r = grade([p], options=GradeOptions(today=TODAY))
    assert r.warnings["duplicate_lines"] == 3
    assert r.reconciliation["blank"] == 2 and r.reconciliation["total"] == 2


def test_us_dates_symbols_and_parenthesised_refunds():
    result = grade([DATA / "us_dates_symbols.csv"], options=GradeOptions(today=TODAY))
    got = figures(result)
    assert got["K001"] == (2, 2000.0)  # "$1,234.50" + "USD 765.50"
    assert got["K003"] == (1, 400.0)  # 500.00 then a (100.00) refund on its own invoice
    k1 = result.customers.set_index("customer_id").loc["K001"]
    assert k1["first_order_date"].date() == dt.date(2026, 3, 5)  # 3/5/2026 is March 5 (4/10 decides)


@pytest.mark.parametrize("chunk_rows", [2, 1_000_000])
def test_a_line_with_extra_fields_is_flagged_and_the_rest_read_in_chunks(tmp_path, monkeypatch, chunk_rows):
    """One over-long line sends the file through the csv module; it is read in the same chunks."""
    import custseg.input.csv_file

    monkeypatch.setattr(custseg.input.csv_file, "CSV_CHUNK_ROWS", chunk_rows)
    p = tmp_path / "o.csv"
    p.write_text(
        "customer_id,order_date,amount\n"
        "A,2026-01-01,5\nB,2026-01-02,6,oops\nA,2026-01-03,7\nC,2026-01-04,8\nB,2026-01-05,9\n",
        encoding="utf-8",
    )
    table = read_source(Source.from_arg(p), {}).tables[0]
    assert table.overflow == [1]
    assert table.frame["customer_id"].tolist() == ["A", "B", "A", "C", "B"]
    assert sorted(table.columns["customer_id"].uniques) == ["A", "B", "C"]
    r = grade([p], options=GradeOptions(today=TODAY))
    assert r.problems[["row", "reason_code"]].values.tolist() == [[3, "extra_fields"]]
    assert figures(r) == {"A": (2, 12.0), "B": (1, 9.0), "C": (1, 8.0)}
