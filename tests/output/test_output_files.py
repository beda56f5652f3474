"""Writing a grading to a path or an open file (output/files.py)."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from conftest import CORE_AS_OF

import custseg
from custseg.output.files import format_of, write_text


@pytest.fixture
def graded(core_csv):
    return custseg.grade([core_csv], as_of=CORE_AS_OF)


def test_format_of():
    assert [format_of(n) for n in ("a.xlsx", "a.CSV", "a.json", "b.jsonl", "a.txt", "a")] == [
        "xlsx",
        "csv",
        "json",
        "jsonl",
        None,
        None,
    ]


def test_table_to_a_path_or_a_file_is_the_same_text(graded, tmp_path):
    custseg.write_table(graded.customers, tmp_path / "g.csv")
    buffer = io.StringIO()
    custseg.write_table(graded.customers, buffer)  # CSV unless told
    assert buffer.getvalue() == (tmp_path / "g.csv").read_text(encoding="utf-8")
    assert buffer.getvalue().startswith("customer_id,customer_name,country,")
    lines = io.StringIO()
    custseg.write_table(graded.customers, lines, fmt="jsonl")
    custseg.write_table(graded.customers, tmp_path / "g.out", fmt="jsonl")  # fmt wins over the extension
    assert lines.getvalue() == (tmp_path / "g.out").read_text(encoding="utf-8")
    assert [json.loads(x)["customer_id"] for x in lines.getvalue().splitlines()] == ["A", "B", "C", "D", "E", "F"]


def test_a_byte_order_mark_only_on_csv_and_only_when_asked(graded, tmp_path):
    custseg.write_table(graded.customers, tmp_path / "plain.csv")
    custseg.write_table(graded.customers, tmp_path / "marked.csv", bom=True)
    plain = (tmp_path / "plain.csv").read_bytes()
    assert plain.startswith(b"customer_id,") and (tmp_path / "marked.csv").read_bytes() == b"\xef\xbb\xbf" + plain
    buffer = io.StringIO()
    custseg.write_table(graded.customers, buffer, bom=True)
    assert buffer.getvalue() == "\ufeff" + plain.decode("utf-8")
    custseg.write_table(graded.customers, tmp_path / "g.json", bom=True)  # JSON must not start with one
    assert (tmp_path / "g.json").read_bytes().startswith(b"[\n{")


def test_table_formats_that_cannot_be(graded, tmp_path):
    with pytest.raises(custseg.OutputError) as caught:
        custseg.write_table(graded.customers, tmp_path / "g.xlsx")
    assert caught.value.message == f"{tmp_path / 'g.xlsx'}: cannot tell a table format from the extension"
    assert not (tmp_path / "g.xlsx").exists()
    with pytest.raises(custseg.OutputError, match=r"^fmt='xml' is not a table format\n"):
        custseg.write_table(graded.customers, io.StringIO(), fmt="xml")
    with pytest.raises(custseg.OutputError, match=r"^fmt='xlsx' is not a table format\n"):
        custseg.write_table(graded.customers, tmp_path / "g.csv", fmt="xlsx")


def test_workbook_to_a_path_or_a_binary_file(graded, tmp_path):
    custseg.write_workbook(graded, tmp_path / "g.xlsx", lang="en")
    buffer = io.BytesIO()
    custseg.write_workbook(graded, buffer, lang="en")
    assert buffer.getvalue() == (tmp_path / "g.xlsx").read_bytes()
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True).worksheets[0]
    assert sheet.max_row >= 7
    with pytest.raises(custseg.OutputError, match=r"^a workbook is bytes"):
        custseg.write_workbook(graded, io.StringIO())


def test_write_text(tmp_path):
    write_text(tmp_path / "t.txt", "一\r\nzwei\n")
    assert (tmp_path / "t.txt").read_bytes() == "一\r\nzwei\n".encode()
