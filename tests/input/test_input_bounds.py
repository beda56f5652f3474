"""Inputs that would cost far more than their size (zip bombs, sheets past Excel's limits): one line, exit 1,
before a reader materialises them."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import invoke

DATA = Path(__file__).parents[1] / "data"
BAD = DATA / "bad"
SHEET = "xl/worksheets/sheet1.xml"


def _with_sheet(tmp_path: Path, name: str, edit) -> Path:
    """title_rows.xlsx with its order sheet's XML changed by ``edit``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf, zipfile.ZipFile(DATA / "title_rows.xlsx") as src:
        for item in src.infolist():
            data = src.read(item.filename)
            zf.writestr(item, edit(data) if item.filename == SHEET else data)
    path = tmp_path / name
    path.write_bytes(buf.getvalue())
    return path


def _declare_size(path: Path, part: str, size: int) -> None:
    """Make the zip's central directory declare ``size`` as the part's unpacked size (the data unchanged)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        n = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + n] == part.encode():
            struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def _grade(runner, path: Path, tmp_path: Path, *extra: str):
    out = tmp_path / "o.csv"
    result = invoke(runner, ["grade", str(path), "-o", str(out), *extra])
    assert "Traceback" not in result.output
    assert not out.exists()
    return result


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rows_past_excels_last_row_are_refused_before_reading(runner, tmp_path, lang):
    result = _grade(runner, BAD / "row_bomb.xlsx", tmp_path, "--lang", lang)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {BAD / 'row_bomb.xlsx'} [订单明细]: the sheet has more than 1,048,576 rows, past Excel's limits "
        "(1,048,576 rows, 16,384 columns); no spreadsheet program saved it",
        "  hint: export the orders again, or as CSV",
    ]


def test_row_bomb_ends_quickly_in_a_real_process(tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "custseg", "grade", str(BAD / "row_bomb.xlsx"), "-o", str(tmp_path / "o.csv")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert time.perf_counter() - start < 20  # the README gives the measured time; this only catches a hang
    assert proc.returncode == 1
    assert "more than 1,048,576 rows" in proc.stderr and "Traceback" not in proc.stderr


def test_declared_size_over_the_default_limit_names_the_limit_and_the_flag(runner, tmp_path):
    path = _with_sheet(tmp_path, "big.xlsx", lambda d: d)
    _declare_size(path, SHEET, 600 * 2**20)
    result = _grade(runner, path, tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {path}: the workbook unpacks to 600 MB, over the limit of 512 MB",
        "  hint: raise the limit with --max-unzipped-mb if the file is genuine, or export as CSV",
    ]


def test_a_part_that_unpacks_to_more_than_it_declares_is_refused(runner, tmp_path):
    path = _with_sheet(tmp_path, "lying.xlsx", lambda d: d.replace(b"</sheetData>", b"<row/>" * 1000 + b"</sheetData>"))
    _declare_size(path, SHEET, 100)
    result = _grade(runner, path, tmp_path)
    assert result.exit_code == 1
    assert f"Error: {path}: the workbook is corrupt ({SHEET} unpacks to more than it declares)" in result.stderr


@pytest.mark.parametrize(
    "cell, message",
    [
        ("XFD1048576", "the sheet spans 1,048,576 rows × 16,384 columns, more than the 33,554,432 cells custseg reads"),
        ("XFE9", "the sheet has a cell at XFE9, past Excel's limits (1,048,576 rows, 16,384 columns)"),
        ("A1048577", "the sheet has a row numbered 1,048,577, past Excel's limits"),
    ],
)
def test_one_cell_far_out_is_refused_before_the_reader_allocates_its_area(runner, tmp_path, cell, message):
    row = "".join(ch for ch in cell if ch.isdigit())
    tail = f'<row r="{row}"><c r="{cell}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'.encode()
    path = _with_sheet(tmp_path, "corner.xlsx", lambda d: d.replace(b"</sheetData>", tail))
    result = _grade(runner, path, tmp_path)
    assert result.exit_code == 1
    assert f"Error: {path} [订单明细]: {message}" in result.stderr


def test_a_row_numbered_past_the_limit_is_refused(runner, tmp_path):
    path = _with_sheet(tmp_path, "far.xlsx", lambda d: d.replace(b"</sheetData>", b'<row r="2000000"/></sheetData>'))
    result = _grade(runner, path, tmp_path)
    assert result.exit_code == 1
    assert "the sheet has a row numbered 2,000,000, past Excel's limits" in result.stderr


def test_a_whole_excel_sheet_is_read(tmp_path):
    """Exactly 1,048,576 rows (the header and the rest) is a sheet Excel saves: it passes the checks."""
    from custseg.input.bounds import check_zip_parts

    rows = b"<row><c><v>1</v></c></row>" * (1_048_576 - 9)
    path = _with_sheet(tmp_path, "full.xlsx", lambda d: d.replace(b"</sheetData>", rows + b"</sheetData><rowBreaks/>"))
    check_zip_parts(str(path), path.read_bytes(), 512)
