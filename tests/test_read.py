"""Real files in every encoding and shape (tests/data, made by make_data.py) give the same figures."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import invoke
from typer.testing import CliRunner

from custseg.api import GradeOptions, grade
from custseg.input.read import detect_encoding, read_source
from custseg.input.sources import Source

DATA = Path(__file__).parent / "data"
TODAY = dt.date(2026, 11, 23)
EXPECTED = {"K001": (2, 2000.0), "K002": (1, 2000.0), "K003": (1, 500.0)}


def figures(result):
    c = result.customers.set_index("customer_id")
    return {cid: (int(r["frequency"]), float(r["monetary"])) for cid, r in c.iterrows() if r["frequency"] > 0}


@pytest.mark.parametrize(
    "name, encoding",
    [
        ("utf8.csv", "utf-8"),
        ("utf8_bom.csv", "utf-8-sig"),
        ("gbk.csv", "gb18030"),
        ("gb18030.csv", "gb18030"),
        ("utf16_excel_unicode.txt", "utf-16"),
        ("cp1252_semicolon.csv", "cp1252"),
    ],
)
def test_encodings_are_detected_and_give_the_same_figures(name, encoding):
    data = (DATA / name).read_bytes()
    assert detect_encoding(data) == encoding
    result = grade([DATA / name], options=GradeOptions(today=TODAY))
    assert figures(result) == EXPECTED
    names = dict(zip(result.customers["customer_id"], result.customers["customer_name"], strict=True))
    assert names["K002"] == "Société Générale Import"
    assert names["K003"] == "Müller GmbH"
    if "cp1252" not in name:
        assert names["K001"] == "华为贸易"


def test_semicolons_decimal_comma_and_dotted_day_first_dates():
    table = read_source(Source.from_arg(DATA / "cp1252_semicolon.csv"), {}).tables[0]
    assert table.delimiter == ";"
    result = grade([DATA / "cp1252_semicolon.csv"], options=GradeOptions(today=TODAY))
    k1 = result.customers.set_index("customer_id").loc["K001"]
    assert k1["first_order_date"].date() == dt.date(2026, 3, 5)  # 05.03.2026 is 5 March


def test_us_dates_symbols_and_parenthesised_refunds():
    result = grade([DATA / "us_dates_symbols.csv"], options=GradeOptions(today=TODAY))
    got = figures(result)
    assert got["K001"] == (2, 2000.0)  # "$1,234.50" + "USD 765.50"
    assert got["K003"] == (1, 400.0)  # 500.00 then a (100.00) refund on its own invoice
    k1 = result.customers.set_index("customer_id").loc["K001"]
    assert k1["first_order_date"].date() == dt.date(2026, 3, 5)  # 3/5/2026 is March 5 (4/10 decides)


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


@pytest.mark.parametrize("reader", ["arrow", "pandas"])
def test_a_file_read_in_several_chunks_gives_the_same_tables_and_figures(core_csv, monkeypatch, reader):
    """Large files are parsed a million lines at a time; three-line chunks put every path of the
    chunk merge (new texts, texts seen in an earlier chunk, a short blank row) under a small file.
    pyarrow's reader parses blocks of bytes: 120-byte blocks make several blocks per chunk."""
    import custseg.input.read
    from tests.conftest import CORE_AS_OF

    whole = read_source(Source.from_arg(core_csv), {}).tables[0]
    expected = grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    monkeypatch.setattr(custseg.input.read, "CSV_CHUNK_ROWS", 3)
    monkeypatch.setattr(custseg.input.read, "ARROW_BLOCK_BYTES", 120)
    if reader == "pandas":
        monkeypatch.setattr(custseg.input.read, "_parse_csv_arrow", lambda *args: None)
    chunked = read_source(Source.from_arg(core_csv), {}).tables[0]
    assert chunked.n_rows == whole.n_rows == 17
    assert chunked.frame.equals(whole.frame)
    # One code per distinct text across chunks: "A" (rows 2-5 and 14) has one code.
    ids = chunked.columns["客户编号"]
    assert sorted(ids.uniques) == ["", "A", "B", "C", "D", "E", "F", "G", "合计"]
    assert len(set(ids.codes[[0, 1, 2, 3, 12]])) == 1
    got = grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    pd.testing.assert_frame_equal(got.customers, expected.customers)
    pd.testing.assert_frame_equal(got.problems, expected.problems)
    assert got.reconciliation == expected.reconciliation
    assert got.warnings == expected.warnings


def test_short_lines_read_as_empty_fields(tmp_path):
    p = tmp_path / "o.csv"
    p.write_text(
        "customer_id,order_date,amount,country\nA,2026-01-01,5\nA,2026-01-01,5,\nB,2026-01-02,7,UK\n", encoding="utf-8"
    )
    table = read_source(Source.from_arg(p), {}).tables[0]
    assert table.frame["country"].tolist() == ["", "", "UK"]
    # The short line and the one with an empty last field are the same line.
    assert grade([p], options=GradeOptions(today=TODAY)).warnings["duplicate_lines"] == 1


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


def test_line_numbers_count_the_lines_inside_quoted_fields(tmp_path):
    """A quoted address over three lines: problem rows after it still name the line a text editor shows."""
    p = tmp_path / "o.csv"
    p.write_bytes(
        b"customer_id,order_date,amount,address\n"  # line 1
        b'A,2026-01-01,5,"Room 1\nBuilding 2\r\nRoad 3"\n'  # lines 2-4
        b"B,not a date,5,x\n"  # line 5
        b'C,2026-01-02,7,"one\rtwo"\n'  # lines 6-7
        b"D,2026-01-03,,y\n"
    )  # line 8
    r = grade([p], options=GradeOptions(today=TODAY))
    assert dict(zip(r.problems["reason_code"], r.problems["row"], strict=True)) == {"bad_date": 5, "missing_amount": 8}
    table = read_source(Source.from_arg(p), {}).tables[0]
    assert table.rows.tolist() == [2, 5, 6, 8]
    assert table.frame["address"][0] == "Room 1\nBuilding 2\r\nRoad 3"


@pytest.mark.parametrize("chunk_rows", [2, 1_000_000])
def test_a_line_with_extra_fields_is_flagged_and_the_rest_read_in_chunks(tmp_path, monkeypatch, chunk_rows):
    """One over-long line sends the file through the csv module; it is read in the same chunks."""
    import custseg.input.read

    monkeypatch.setattr(custseg.input.read, "CSV_CHUNK_ROWS", chunk_rows)
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


TRICKY_CSV = (
    "customer_id,customer_name,order_date,amount,note\r\n"
    'K1,"Alpha, ""the first""",2026-01-05,100,"two\nlines"\r\n'
    'K2,ab"c,2026-01-06,200,"x"y\r'
    "K3, spaced ,2026-01-07,300,\t tab\n"
    'K4,客户四,2026-01-08,"1,200.50",""\n'
    "K5,nul\x00byte,2026-01-09,50,end"
)


@pytest.mark.parametrize(
    "content",
    [
        TRICKY_CSV,
        "customer_id,order_date,amount\nK1,2026-01-05,1\n\nK2,2026-01-06,2\n",
        "customer_id,order_date,amount\nK1,2026-01-05\nK2,2026-01-06,2,extra\n",
    ],
)
def test_pyarrow_and_pandas_read_fields_alike(tmp_path, monkeypatch, content):
    """Quotes inside and after fields, doubled quotes, line breaks in quotes, CR, LF and CRLF, spaces,
    tabs, NUL and CJK: pyarrow's reader gives pandas' fields; a blank line is a row of empty fields in
    both. A short or a long line stops it, and pandas and the csv module read the file as before."""
    import custseg.input.read

    p = tmp_path / "o.csv"
    p.write_bytes(content.encode("utf-8"))
    taken = []
    real = custseg.input.read._parse_csv_arrow
    monkeypatch.setattr(
        custseg.input.read, "_parse_csv_arrow", lambda *a: taken.append(real(*a) is not None) or real(*a)
    )
    fast = read_source(Source.from_arg(p), {}).tables[0]
    monkeypatch.setattr(custseg.input.read, "_parse_csv_arrow", lambda *args: None)
    slow = read_source(Source.from_arg(p), {}).tables[0]
    assert taken == [not content.endswith("extra\n")]  # a blank line reads as empty fields, as in pandas
    assert fast.rows.tolist() == slow.rows.tolist() and fast.overflow == slow.overflow
    assert fast.frame.equals(slow.frame)
    for h in fast.headers:
        assert fast.columns[h].codes.tolist() == slow.columns[h].codes.tolist()
    if content == TRICKY_CSV:
        assert fast.rows.tolist() == [2, 4, 5, 6, 7]  # K1's note spans two lines
        assert fast.frame["customer_name"].tolist() == [
            'Alpha, "the first"',
            'ab"c',
            " spaced ",
            "客户四",
            "nulbyte",
        ]  # NUL bytes are dropped first
        assert fast.frame["note"].tolist() == ["two\nlines", "xy", "\t tab", "", "end"]


@pytest.mark.parametrize("with_pyarrow", [True, False])
def test_utf8_check_rejects_exactly_what_python_rejects(monkeypatch, with_pyarrow):
    import sys

    from custseg.input.read import _valid_utf8

    if not with_pyarrow:
        monkeypatch.setitem(sys.modules, "pyarrow", None)  # the import fails: the decoder checks
    seqs = [bytes([a, b]) for a in range(256) for b in range(256)]
    seqs += [bytes([a, b, c]) for a in range(0xE0, 0xF0) for b in range(0x70, 0xD0, 3) for c in (0x80, 0xBF, 0x41)]
    seqs += [bytes([a, b, 0x80, d]) for a in range(0xF0, 0xF8) for b in range(0x70, 0xD0, 3) for d in (0xBF, 0x41)]
    seqs += [b"", "中文 ok".encode(), b"\xe4\xb8", "😀".encode()[:3], b"\xed\xa0\x80", b"\xc0\x80", b"\xf4\x90\x80\x80"]

    def python_says(data: bytes) -> bool:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    for seq in seqs[:: 1 if with_pyarrow else 7]:
        for data in (seq, b"customer,amount\n" + seq + b",1\n"):
            assert _valid_utf8(data) is python_says(data), data


def test_chunked_arrow_and_pandas_readers_give_the_same_codes_in_the_same_order(core_csv, monkeypatch):
    """Distinct texts are numbered in order of first appearance across chunks by either reader: the
    pyarrow one unifies its groups' dictionaries in C, the pandas one through a dict."""
    import custseg.input.read

    monkeypatch.setattr(custseg.input.read, "CSV_CHUNK_ROWS", 3)
    monkeypatch.setattr(custseg.input.read, "ARROW_BLOCK_BYTES", 120)
    arrow = read_source(Source.from_arg(core_csv), {}).tables[0].columns
    monkeypatch.setattr(custseg.input.read, "_parse_csv_arrow", lambda *args: None)
    pandas = read_source(Source.from_arg(core_csv), {}).tables[0].columns
    assert list(arrow) == list(pandas)
    for name in arrow:
        assert arrow[name].uniques.tolist() == pandas[name].uniques.tolist(), name
        assert arrow[name].codes.dtype == pandas[name].codes.dtype == "int32"
        assert arrow[name].codes.tolist() == pandas[name].codes.tolist(), name
    assert arrow["客户编号"].uniques.tolist()[:3] == ["A", "B", "C"]


PREFETCH_CASES = {
    "utf8.csv": None,
    "utf8_bom.csv": None,
    "gbk.csv": None,
    "gb18030.csv": None,
    "cp1252_semicolon.csv": None,
    "us_dates_symbols.csv": None,
    "utf16_excel_unicode.txt": None,
    "title_rows.csv": (
        "客户订单明细,,\n导出日期 2026-06-30,,\n客户编号,下单日期,金额\nA,2026-01-05,10\nB,2026-02-01,20\n"
    ),
    "quoted_header.csv": '"customer_id","order_date","amount"\r\n"A","2026-01-05","1,000"\r\nB,2026-02-01,20\r\n',
    "crlf_tabs.tsv": "customer_id\torder_date\tamount\r\nA\t2026-01-05\t10\r\n\r\nB\t2026-02-01\t20\r\n",
    "ragged.csv": "customer_id,order_date,amount\nA,2026-01-05,10\nB,2026-02-01,20,extra\n",
}


@pytest.mark.parametrize("name", sorted(PREFETCH_CASES))
def test_prefetched_csv_reads_as_the_file_read_in_the_main_thread(tmp_path, monkeypatch, name):
    """The CLI parses the first CSV on a second thread on a guess of its layout; whether the guess is taken
    or dropped, the table is the one the main thread reads."""
    import custseg.input.read
    from custseg.input._csv_arrow import CsvPrefetch

    path = tmp_path / name
    if PREFETCH_CASES[name] is None:
        shutil.copy(DATA / name, path)
    else:
        path.write_bytes(PREFETCH_CASES[name].encode("utf-8"))
    plain = read_source(Source.from_arg(path), {}).tables[0]
    prefetch = CsvPrefetch(path)
    source = Source.from_arg(path)
    source.prefetch = prefetch
    parsed_again = []
    real = custseg.input.read._parse_csv_arrow
    monkeypatch.setattr(custseg.input.read, "_parse_csv_arrow", lambda *a: parsed_again.append(1) or real(*a))
    fetched = read_source(source, {}).tables[0]
    taken = not parsed_again
    prefetch.thread.join()  # a wrong guess's parse may still be running; it keeps nothing once done
    assert source.prefetch is None and prefetch.data is None and prefetch.result is None  # all let go
    assert fetched.headers == plain.headers and fetched.rows.tolist() == plain.rows.tolist()
    assert fetched.overflow == plain.overflow
    for h in plain.headers:
        assert fetched.columns[h].texts().tolist() == plain.columns[h].texts().tolist(), h
    # Clean UTF-8 with the header on its first line is taken (the ragged file as pyarrow's refusal, which sends
    # it to pandas and the csv module at once); other encodings and layouts are parsed again.
    assert taken == (name in {"utf8.csv", "utf8_bom.csv", "us_dates_symbols.csv", "crlf_tabs.tsv", "ragged.csv"})


def test_prefetch_of_a_missing_file_leaves_the_error_to_the_reader(tmp_path):
    from custseg.input._csv_arrow import CsvPrefetch

    source = Source.from_arg(tmp_path / "missing.csv")
    source.prefetch = CsvPrefetch(tmp_path / "missing.csv")
    with pytest.raises(Exception, match="file not found"):
        read_source(source, {})
