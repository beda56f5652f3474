"""Text tables: delimiters, line numbers, chunks, and the three engines giving the same fields."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from custseg.api import GradeOptions, grade
from custseg.input.read import read_source
from custseg.input.sources import Source

DATA = Path(__file__).parents[1] / "data"
TODAY = dt.date(2026, 11, 23)


def test_semicolons_decimal_comma_and_dotted_day_first_dates():
    table = read_source(Source.from_arg(DATA / "cp1252_semicolon.csv"), {}).tables[0]
    assert table.delimiter == ";"
    result = grade([DATA / "cp1252_semicolon.csv"], options=GradeOptions(today=TODAY))
    k1 = result.customers.set_index("customer_id").loc["K001"]
    assert k1["first_order_date"].date() == dt.date(2026, 3, 5)  # 05.03.2026 is 5 March


@pytest.mark.parametrize("reader", ["arrow", "pandas"])
def test_a_file_read_in_several_chunks_gives_the_same_tables_and_figures(core_csv, monkeypatch, reader):
    """Large files are parsed a million lines at a time; three-line chunks put every path of the
    chunk merge (new texts, texts seen in an earlier chunk, a short blank row) under a small file.
    pyarrow's reader parses blocks of bytes: 120-byte blocks make several blocks per chunk."""
    import custseg.input.csv_file
    from tests.conftest import CORE_AS_OF

    whole = read_source(Source.from_arg(core_csv), {}).tables[0]
    expected = grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    monkeypatch.setattr(custseg.input.csv_file, "CSV_CHUNK_ROWS", 3)
    monkeypatch.setattr(custseg.input.csv_file, "ARROW_BLOCK_BYTES", 120)
    if reader == "pandas":
        monkeypatch.setattr(custseg.input.csv_file, "_parse_csv_arrow", lambda *args: None)
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


def test_rows_count_records_and_lines_count_the_lines_inside_quoted_fields(tmp_path):
    """A quoted address over three lines: problem rows after it name the row a spreadsheet shows (one a
    record) and the line a text editor shows (LF, CRLF and a lone CR each end a line)."""
    p = tmp_path / "o.csv"
    p.write_bytes(
        b"customer_id,order_date,amount,address\n"  # row 1, line 1
        b'A,2026-01-01,5,"Room 1\nBuilding 2\r\nRoad 3"\n'  # row 2, lines 2-4
        b"B,not a date,5,x\n"  # row 3, line 5
        b'C,2026-01-02,7,"one\rtwo"\n'  # row 4, lines 6-7
        b"D,2026-01-03,,y\n"
    )  # row 5, line 8
    r = grade([p], options=GradeOptions(today=TODAY))
    got = r.problems[["reason_code", "row", "line"]].values.tolist()
    assert got == [["bad_date", 3, 5], ["missing_amount", 5, 8]]
    table = read_source(Source.from_arg(p), {}).tables[0]
    assert table.rows.tolist() == [2, 3, 4, 5] and table.lines.tolist() == [2, 5, 6, 8]
    assert table.frame["address"][0] == "Room 1\nBuilding 2\r\nRoad 3"


def test_a_file_without_line_breaks_in_its_fields_shares_its_rows_as_its_lines(tmp_path):
    """The common file pays nothing for the text lines: with or without quotes, no field holds a break."""
    p = tmp_path / "o.csv"
    for body in ("A,2026-01-01,5\nB,2026-01-02,6\n", 'A,2026-01-01,5\n"B",2026-01-02,"6"\n'):
        p.write_text("customer_id,order_date,amount\n" + body, encoding="utf-8")
        table = read_source(Source.from_arg(p), {}).tables[0]
        assert table.lines is table.rows and table.rows.tolist() == [2, 3]


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
    import custseg.input.csv_file

    p = tmp_path / "o.csv"
    p.write_bytes(content.encode("utf-8"))
    taken = []
    real = custseg.input.csv_file._parse_csv_arrow
    monkeypatch.setattr(
        custseg.input.csv_file, "_parse_csv_arrow", lambda *a: taken.append(real(*a) is not None) or real(*a)
    )
    fast = read_source(Source.from_arg(p), {}).tables[0]
    monkeypatch.setattr(custseg.input.csv_file, "_parse_csv_arrow", lambda *args: None)
    slow = read_source(Source.from_arg(p), {}).tables[0]
    assert taken == [not content.endswith("extra\n")]  # a blank line reads as empty fields, as in pandas
    assert fast.rows.tolist() == slow.rows.tolist() and fast.overflow == slow.overflow
    assert fast.lines.tolist() == slow.lines.tolist()
    assert fast.frame.equals(slow.frame)
    for h in fast.headers:
        assert fast.columns[h].codes.tolist() == slow.columns[h].codes.tolist()
    if content == TRICKY_CSV:
        assert fast.rows.tolist() == [2, 3, 4, 5, 6]
        assert fast.lines.tolist() == [2, 4, 5, 6, 7]  # K1's note spans two lines
        assert fast.frame["customer_name"].tolist() == [
            'Alpha, "the first"',
            'ab"c',
            " spaced ",
            "客户四",
            "nulbyte",
        ]  # NUL bytes are dropped first
        assert fast.frame["note"].tolist() == ["two\nlines", "xy", "\t tab", "", "end"]


def test_chunked_arrow_and_pandas_readers_give_the_same_codes_in_the_same_order(core_csv, monkeypatch):
    """Distinct texts are numbered in order of first appearance across chunks by either reader: the
    pyarrow one unifies its groups' dictionaries in C, the pandas one through a dict."""
    import custseg.input.csv_file

    monkeypatch.setattr(custseg.input.csv_file, "CSV_CHUNK_ROWS", 3)
    monkeypatch.setattr(custseg.input.csv_file, "ARROW_BLOCK_BYTES", 120)
    arrow = read_source(Source.from_arg(core_csv), {}).tables[0].columns
    monkeypatch.setattr(custseg.input.csv_file, "_parse_csv_arrow", lambda *args: None)
    pandas = read_source(Source.from_arg(core_csv), {}).tables[0].columns
    assert list(arrow) == list(pandas)
    for name in arrow:
        assert arrow[name].uniques.tolist() == pandas[name].uniques.tolist(), name
        assert arrow[name].codes.dtype == pandas[name].codes.dtype == "int32"
        assert arrow[name].codes.tolist() == pandas[name].codes.tolist(), name
    assert arrow["客户编号"].uniques.tolist()[:3] == ["A", "B", "C"]


def test_the_csv_field_limit_is_raised_only_while_a_file_is_read(tmp_path, monkeypatch):
    """A field longer than the csv module's default limit reads; the process-wide limit is put back after."""
    import csv

    import custseg.input.csv_file

    previous = csv.field_size_limit()
    seen = []
    real = custseg.input.csv_file._parse_csv_module
    monkeypatch.setattr(custseg.input.csv_file, "_parse_csv_arrow", lambda *args: None)
    monkeypatch.setattr(custseg.input.csv_file, "_parse_csv_pandas", lambda *args: None)
    monkeypatch.setattr(
        custseg.input.csv_file, "_parse_csv_module", lambda *a: seen.append(csv.field_size_limit()) or real(*a)
    )
    p = tmp_path / "o.csv"
    p.write_text("customer_id,order_date,amount,note\nA,2026-01-01,5," + "x" * 200_000 + "\n", encoding="utf-8")
    table = read_source(Source.from_arg(p), {}).tables[0]
    assert len(table.frame["note"][0]) == 200_000
    assert seen == [256 * 1024 * 1024]
    assert csv.field_size_limit() == previous


def test_importing_custseg_leaves_the_csv_field_limit_alone():
    import subprocess
    import sys

    code = "import csv; before = csv.field_size_limit(); import custseg.api; print(csv.field_size_limit() == before)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "True\n"


def test_overlapping_reads_keep_the_raised_limit_until_the_last_one_ends():
    import csv

    from custseg.input.csv_file import FIELD_SIZE_LIMIT, wide_csv_fields

    previous = csv.field_size_limit()
    first, second = wide_csv_fields(), wide_csv_fields()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first read ends while the second still runs
    assert csv.field_size_limit() == FIELD_SIZE_LIMIT
    second.__exit__(None, None, None)
    assert csv.field_size_limit() == previous
