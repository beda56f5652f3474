"""The fast rows and the fast zip rely on names XlsxWriter and zipfile do not promise to keep. Where one is
gone (a new XlsxWriter, a new Python) the workbook is still written, XlsxWriter's own slower way, and no user
would notice: these tests fail instead, so that CI does."""

from __future__ import annotations

import pytest
import xlsxwriter.workbook
import xlsxwriter.worksheet
from conftest import CORE_AS_OF, TODAY

from custseg.api import GradeOptions, grade
from custseg.output.workbook import _deflate, _fast_rows
from custseg.output.workbook.sheets import write_workbook


def test_every_xlsxwriter_name_the_fast_rows_use_is_there():
    assert _fast_rows.missing_private_api() == []


def test_every_xlsxwriter_and_zipfile_name_the_fast_zip_uses_is_there():
    assert _deflate.missing_private_api() == []


def test_a_missing_private_name_is_reported(monkeypatch):
    with monkeypatch.context() as patch:
        patch.delattr(xlsxwriter.worksheet.Worksheet, "_write_rich_string")
        assert _fast_rows.missing_private_api() == ["xlsxwriter.worksheet.Worksheet._write_rich_string"]
    monkeypatch.delattr(xlsxwriter.workbook, "ZipFile")
    assert _deflate.missing_private_api() == ["xlsxwriter.workbook.ZipFile"]


def test_a_workbook_takes_the_fast_rows_and_the_fast_zip(core_csv, tmp_path, monkeypatch):
    """The core example's 6 customers: 5 rows streamed (the last is XlsxWriter's), and its 4 sheets (customers,
    summary, problems, run info) spliced into the zip and deflated in blocks at level 1."""
    streamed: list[int] = []
    spliced: list[str] = []
    levels: list[int] = []
    stream_rows, add, deflate_init = _fast_rows.stream_rows, _deflate.RowSplices.add, _deflate.ParallelDeflate.__init__

    def counted_stream_rows(*args):
        streamed.append(stream_rows(*args))
        return streamed[-1]

    def counted_add(self, sheet_file, at, rows_file):
        spliced.append(sheet_file)
        add(self, sheet_file, at, rows_file)

    def counted_init(self, level, pool):
        levels.append(level)
        deflate_init(self, level, pool)

    monkeypatch.setattr(_fast_rows, "stream_rows", counted_stream_rows)
    monkeypatch.setattr(_deflate.RowSplices, "add", counted_add)
    monkeypatch.setattr(_deflate.ParallelDeflate, "__init__", counted_init)
    result = grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    assert len(result.customers) == 6
    write_workbook(result, tmp_path / "g.xlsx")
    assert streamed == [5]
    assert len(spliced) == 4
    assert levels == [1, 1, 1, 1]


@pytest.mark.parametrize("module", [_fast_rows, _deflate])
def test_private_names_are_listed_once(module):
    assert len(set(module.PRIVATE_API)) == len(module.PRIVATE_API)
