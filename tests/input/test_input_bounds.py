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


# Side inputs: rules, rates, previous grading, history. Big ones are made here, sparse or streamed.


def test_a_gigabyte_rules_file_is_refused_without_reading_it(runner, core_csv, tmp_path):
    rules = tmp_path / "rules.toml"
    with open(rules, "wb") as fh:
        fh.truncate(2**30)  # sparse: no disk used
    result = _grade(runner, core_csv, tmp_path, "--rules", str(rules))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {rules}: the rules file is larger than 1 MB; is this the right file?",
        "  hint: check the file given with --rules; `custseg rules init` writes one",
    ]


def test_a_rates_file_of_a_million_rows_is_refused_before_parsing(runner, core_csv, tmp_path):
    rates = tmp_path / "rates.csv"
    with open(rates, "w", encoding="ascii") as fh:
        fh.write("currency,rate\n")
        fh.writelines("EUR,1.08\n" for _ in range(1_000_000))
    result = _grade(runner, core_csv, tmp_path, "--rates", str(rates))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {rates}: the rates file has more than 200,000 rows",
        "  hint: give --rates one rate per currency, or per currency and the months or days the orders need",
    ]


def test_a_rates_file_larger_than_the_cap_is_refused(runner, core_csv, tmp_path):
    rates = tmp_path / "rates.csv"
    with open(rates, "wb") as fh:
        fh.write(b"currency,rate\n")
        fh.truncate(2**30)
    result = _grade(runner, core_csv, tmp_path, "--rates", str(rates))
    assert result.exit_code == 1
    assert f"Error: {rates}: the rates file is larger than 16 MB" in result.stderr


def test_a_previous_workbook_that_is_a_zip_bomb_is_refused(runner, core_csv, tmp_path):
    result = _grade(runner, core_csv, tmp_path, "--previous", str(BAD / "row_bomb.xlsx"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"Error: {BAD / 'row_bomb.xlsx'} [订单明细]: the sheet has more than 1,048,576 rows, past Excel's limits "
        "(1,048,576 rows, 16,384 columns); no spreadsheet program saved it"
    )
    declared = _with_sheet(tmp_path, "declared.xlsx", lambda d: d)
    _declare_size(declared, SHEET, 600 * 2**20)
    result = _grade(runner, core_csv, tmp_path, "--previous", str(declared))
    assert result.exit_code == 1
    assert f"Error: {declared}: the workbook unpacks to 600 MB, over the limit of 512 MB" in result.stderr


def test_a_previous_csv_over_the_limit_is_refused(runner, core_csv, tmp_path):
    previous = tmp_path / "last.csv"
    with open(previous, "wb") as fh:
        fh.truncate(3 * 2**20)
    result = _grade(runner, core_csv, tmp_path, "--previous", str(previous), "--max-unzipped-mb", "2")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {previous}: the previous grading is larger than 2 MB",
        "  hint: check the file given with --previous, or raise the limit with --max-unzipped-mb",
    ]


def test_a_history_that_is_not_sqlite_is_one_line(runner, core_csv, tmp_path):
    db = tmp_path / "h.db"
    db.write_bytes(b"this is not a database\n" * 200)
    result = _grade(runner, core_csv, tmp_path, "--history", str(db))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"Error: {db}: not a custseg history database (file is not a database)"]
    assert db.read_bytes() == b"this is not a database\n" * 200


def test_another_programs_sqlite_database_is_not_taken_over(runner, core_csv, tmp_path):
    import sqlite3

    db = tmp_path / "crm.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE contacts (name TEXT)")
    con.commit()
    con.close()
    result = _grade(runner, core_csv, tmp_path, "--history", str(db))
    assert result.exit_code == 1
    assert f"Error: {db}: not a custseg history database (it has the tables contacts and no custseg ones)" in (
        result.stderr
    )
    con = sqlite3.connect(db)
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master")] == ["contacts"]
    con.close()


def test_a_history_locked_by_another_program_ends_quickly(runner, core_csv, tmp_path):
    import sqlite3

    from custseg.history import store

    db = tmp_path / "h.db"
    store.connect(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # what a database browser with unsaved changes holds
    try:
        start = time.perf_counter()
        result = _grade(runner, core_csv, tmp_path, "--history", str(db))
        elapsed = time.perf_counter() - start
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 4
    assert result.stderr.splitlines() == [
        f"Error: {db}: the history database is locked by another program",
        "  hint: close the program that has it open, then run again",
    ]
    assert elapsed < 20
