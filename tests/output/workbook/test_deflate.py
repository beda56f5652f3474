"""The workbook's zip: deflated at the fast level, in blocks on two threads, the rows spliced in."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from conftest import CORE_AS_OF, TODAY
from workbook_parts import assert_same_parts, graded_workbook

from custseg.api import GradeOptions, grade
from custseg.output.workbook.sheets import write_workbook


@pytest.fixture
def workbook(runner, core_csv, tmp_path):
    return graded_workbook(runner, core_csv, tmp_path)


def test_workbook_is_deflated_at_the_fast_level_and_xlsxwriter_is_left_as_it_was(workbook):
    import zlib

    import xlsxwriter.workbook

    from custseg.output.workbook._deflate import ZIP_LEVEL, deflate_block

    assert ZIP_LEVEL == 1
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile  # the level was swapped in for the close only
    with zipfile.ZipFile(workbook) as z:
        assert z.testzip() is None
        for info in z.infolist():
            data = z.read(info)
            deflate = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)
            by_zlib = len(deflate.compress(data) + deflate.flush())
            if info.filename.startswith("xl/worksheets/sheet"):  # sheets with rows are spliced, deflated in blocks
                assert info.compress_size in (by_zlib, len(deflate_block(data, b"", ZIP_LEVEL, last=True)))
            else:
                assert info.compress_size == by_zlib, info.filename


def test_large_sheets_are_deflated_by_isal_where_installed_and_zlib_reads_them():
    import zlib

    from custseg.output.workbook._deflate import deflate_block, deflater

    data = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>C%07d</t></is></c></row>' % (i, i, i * 7) for i in range(200_000)
    )
    blocks = [data[i : i + (1 << 20)] for i in range(0, len(data), 1 << 20)]
    stream = b"".join(
        deflate_block(b, data[max(0, i * (1 << 20) - 32768) : i * (1 << 20)], 1, i == len(blocks) - 1)
        for i, b in enumerate(blocks)
    )
    assert zlib.decompress(stream, -15) == data
    try:
        import isal  # noqa: F401
    except ImportError:
        assert deflater() is zlib
    else:
        assert deflater().__name__ == "isal.isal_zlib"
    assert zlib.decompress(deflate_block(data, b"", 0, last=True), -15) == data  # level 0: zlib stores


@pytest.mark.parametrize("block", [64, 1000, 4 << 20])
def test_spliced_rows_deflated_in_blocks_give_the_copied_workbook(core_csv, tmp_path, monkeypatch, block):
    """The customer sheet's rows spliced into the zip and deflated in blocks on two threads: a valid zip
    (every CRC checked) with the same parts as the rows copied into the sheet and deflated by zipfile (two rows
    a row block here)."""
    from custseg.output.workbook import _deflate, _fast_rows

    result = grade([core_csv], as_of=CORE_AS_OF, options=GradeOptions(today=TODAY))
    monkeypatch.setattr(_deflate, "DEFLATE_BLOCK", block)
    monkeypatch.setattr(_fast_rows, "STREAM_ROWS", 2)
    write_workbook(result, tmp_path / "spliced.xlsx")
    monkeypatch.setattr(_deflate, "can_swap_zipfile", lambda: False)
    write_workbook(result, tmp_path / "copied.xlsx")
    with zipfile.ZipFile(tmp_path / "spliced.xlsx") as z:
        assert z.testzip() is None
        sheet = z.getinfo("xl/worksheets/sheet1.xml")
        assert sheet.compress_type == zipfile.ZIP_DEFLATED and sheet.file_size > 3 * 64
    assert_same_parts(tmp_path / "spliced.xlsx", tmp_path / "copied.xlsx")
    book = openpyxl.load_workbook(tmp_path / "spliced.xlsx", read_only=True)
    book.close()  # a read-only workbook holds its file open until closed
    assert book.sheetnames[0] == "客户分级"
