"""Large .xlsx sheets are read as columns (fastexcel) only where that gives exactly the cell reader's table.

The size threshold is lowered so that small workbooks written here take the column reader; each test
compares its table with the cell reader's (python-calamine) and checks concrete cells.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

pytest.importorskip("fastexcel")
pytest.importorskip("pyarrow")

from custseg.api import GradeOptions, grade  # noqa: E402
from custseg.input import _xlsx_columns as xlsx_columns  # noqa: E402
from custseg.input._xlsx_columns import ColumnReader, NotFast  # noqa: E402
from custseg.input.read import read_source  # noqa: E402
from custseg.input.sources import Source  # noqa: E402

TODAY = dt.date(2026, 11, 23)


def _tables(path: Path, monkeypatch, columns: bool):
    monkeypatch.setattr(xlsx_columns, "FAST_MIN_SHEET_BYTES", 0 if columns else 10**15)
    return read_source(Source.from_arg(path), {}).tables


def _column_reader(path: Path, monkeypatch) -> ColumnReader:
    monkeypatch.setattr(xlsx_columns, "FAST_MIN_SHEET_BYTES", 0)
    reader = ColumnReader.open(path.read_bytes())
    assert reader is not None
    return reader


def _texts(table) -> dict[str, list[str]]:
    return {h: list(fz.texts()) for h, fz in table.columns.items()}


def _same_tables(path: Path, monkeypatch) -> list:
    fast, cells = _tables(path, monkeypatch, True), _tables(path, monkeypatch, False)
    assert len(fast) == len(cells)
    for a, b in zip(fast, cells, strict=True):
        assert (a.sheet, a.kind, a.header_row, a.headers, a.overflow) == (
            b.sheet,
            b.kind,
            b.header_row,
            b.headers,
            b.overflow,
        )
        assert a.rows.tolist() == b.rows.tolist()
        for h in a.headers:
            assert a.columns[h].codes.tolist() == b.columns[h].codes.tolist(), h
            assert a.columns[h].uniques.tolist() == b.columns[h].uniques.tolist(), h
    return fast


def _orders_workbook(path: Path, extra_rows: list[list[object]] | None = None) -> Path:
    """A title, an empty row, the header in row 3 starting in column B, and typed cells below."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单"
    ws["B1"] = "订单导出"
    header = ["客户编号", "客户名称", "订单编号", "下单日期", "金额", "数量", "已付"]
    rows = [
        ["007", "Alpha Ltd", "SO1", dt.datetime(2026, 3, 5), 12.5, 3, True],
        ["008", "Beta", "SO2", dt.datetime(2026, 3, 5, 13, 4), 0.1, 40, False],
        [None, None, None, None, None, None, None],
        ["007", " Alpha Ltd ", "SO3", dt.datetime(2026, 4, 1), 1234567.891, 1, None],
    ] + (extra_rows or [])
    for c, h in enumerate(header):
        ws.cell(3, 2 + c, h)
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None:
                ws.cell(4 + r, 2 + c, v)
    ws.cell(5, 12, "note right of the table")
    wb.save(path)
    return path


def test_typed_columns_read_as_the_cell_reader_reads_them(tmp_path, monkeypatch):
    path = _orders_workbook(tmp_path / "o.xlsx")
    reader = _column_reader(path, monkeypatch)
    first_rows = reader.head("订单")
    _, n, overflow = reader.body("订单", 2, first_rows, 8)  # the column path itself, not a fallback
    assert n == 4 and overflow == [1]

    (table,) = _same_tables(path, monkeypatch)
    assert table.header_row == 3 and table.rows.tolist() == [4, 5, 6, 7]
    texts = _texts(table)
    assert texts["客户编号"] == ["007", "008", "", "007"]
    assert texts["客户名称"] == ["Alpha Ltd", "Beta", "", " Alpha Ltd "]
    assert texts["下单日期"] == ["2026-03-05", "2026-03-05 13:04:00", "", "2026-04-01"]
    assert texts["金额"] == ["12.5", "0.1", "", "1234567.891"]
    assert texts["数量"] == ["3", "40", "", "1"]
    assert texts["已付"] == ["TRUE", "FALSE", "", ""]
    assert texts["column_1"] == ["", "", "", ""]  # column A: empty, as the cell reader has it
    assert table.overflow == [1]  # the note in L5 is flagged, not lost


def test_grading_is_the_same_through_either_reader(tmp_path, monkeypatch):
    path = _orders_workbook(tmp_path / "o.xlsx")
    results = []
    for threshold in (0, 10**15):
        monkeypatch.setattr(xlsx_columns, "FAST_MIN_SHEET_BYTES", threshold)
        results.append(grade([path], as_of="2026-06-30", options=GradeOptions(today=TODAY)))
    fast, cells = results
    assert fast.customers.equals(cells.customers)
    assert fast.problems.equals(cells.problems)
    c = fast.customers.set_index("customer_id")
    assert c.loc["007", "frequency"] == 2 and c.loc["007", "monetary"] == pytest.approx(1234580.391)


def test_text_and_numbers_in_one_column_go_to_the_cell_reader(tmp_path, monkeypatch):
    # An amount column with a text total in the first rows: the sample shows it before any parse.
    path = _orders_workbook(tmp_path / "o.xlsx", [["009", "Gamma", "SO4", dt.datetime(2026, 5, 1), "n/a", 2, True]])
    reader = _column_reader(path, monkeypatch)
    with pytest.raises(NotFast, match="text and numbers"):
        reader.body("订单", 2, reader.head("订单"), 8)
    (table,) = _same_tables(path, monkeypatch)
    assert _texts(table)["金额"][-1] == "n/a"


@pytest.mark.parametrize(
    "text, why",
    [
        ("about 12", "unsupported column type"),  # fastexcel's strict mode refuses the column
        ("n/a", "reads as empty"),  # fastexcel would read it as an empty cell, even in strict mode
        ("nan", "reads as empty"),  # ... or as NaN
    ],
)
def test_text_in_a_column_of_numbers_past_the_sample_is_still_found(tmp_path, monkeypatch, text, why):
    path = _orders_workbook(tmp_path / "o.xlsx", [["009", "Gamma", "SO4", dt.datetime(2026, 5, 1), text, 2, True]])
    monkeypatch.setattr(xlsx_columns, "SAMPLE_ROWS", 5)  # the text amount is on row 8, past the sample
    reader = _column_reader(path, monkeypatch)
    with pytest.raises(NotFast, match=why):
        reader.body("订单", 2, reader.head("订单"), 8)
    (table,) = _same_tables(path, monkeypatch)
    assert _texts(table)["金额"] == ["12.5", "0.1", "", "1234567.891", text]


def test_time_of_day_cells_go_to_the_cell_reader(tmp_path, monkeypatch):
    path = _orders_workbook(tmp_path / "o.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["订单"]
    ws.cell(3, 9, "时间")
    for r in range(4, 8):
        ws.cell(r, 9, dt.time(9, 30))
    wb.save(path)
    reader = _column_reader(path, monkeypatch)
    with pytest.raises(NotFast, match="time-of-day"):
        reader.body("订单", 2, reader.head("订单"), 9)
    (table,) = _same_tables(path, monkeypatch)
    assert _texts(table)["时间"][0] == "09:30:00"


def test_a_sheet_without_a_dimension_is_left_to_the_cell_reader(tmp_path, monkeypatch):
    # openpyxl would read the whole sheet to size it before giving its first rows.
    path = _orders_workbook(tmp_path / "o.xlsx")
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension[^>]*/>", b"", data)
            dst.writestr(info, data)
    path.write_bytes(buf.getvalue())
    monkeypatch.setattr(xlsx_columns, "FAST_MIN_SHEET_BYTES", 0)
    assert ColumnReader.open(path.read_bytes()) is None
    (table,) = read_source(Source.from_arg(path), {}).tables
    assert table.rows.tolist() == [4, 5, 6, 7]


def test_small_workbooks_do_not_load_the_column_reader(tmp_path):
    path = _orders_workbook(tmp_path / "o.xlsx")
    assert ColumnReader.open(path.read_bytes()) is None  # below the size threshold


@pytest.mark.parametrize("name", ["multi_sheet.xlsx", "title_rows.xlsx"])
def test_the_test_workbooks_read_alike(name, monkeypatch):
    _same_tables(Path(__file__).parents[1] / "data" / name, monkeypatch)


def test_1904_dates_hidden_sheets_and_chosen_sheets_read_alike(tmp_path, monkeypatch):
    # A Mac workbook counts days from 1904; a hidden sheet is still read; --sheet picks one.
    path = _orders_workbook(tmp_path / "o.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    hidden = wb.copy_worksheet(wb["订单"])
    hidden.title = "旧订单"
    hidden.sheet_state = "hidden"
    wb.save(path)
    fast = _same_tables(path, monkeypatch)
    assert [t.sheet for t in fast] == ["订单", "旧订单"]
    assert _texts(fast[0])["下单日期"] == ["2026-03-05", "2026-03-05 13:04:00", "", "2026-04-01"]
    monkeypatch.setattr(xlsx_columns, "FAST_MIN_SHEET_BYTES", 0)
    (only,) = read_source(Source.from_arg(path), {}, sheets=["旧订单"]).tables
    assert only.sheet == "旧订单" and only.rows.tolist() == [4, 5, 6, 7]


def test_fastexcel_behaves_as_the_column_reader_relies_on():
    """What the column reader takes from fastexcel beyond its documented API: columns start at the used range's
    first column, an empty header cell names its column __UNNAMED__<j>, a repeated one <text>_<n>, and "n/a" in
    a column of numbers reads as empty. Should a release change any of it, this fails here, rather than every
    large workbook silently going to the slower cell reader (the upper bound on fastexcel in pyproject.toml
    keeps installs on the versions this was checked with)."""
    import fastexcel

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "s"
    for cell, value in {"B2": "a", "D2": "a", "E2": "b", "B3": 1, "C3": "x", "D3": 2, "E3": "n/a"}.items():
        ws[cell] = value
    for cell, value in {"B4": 3, "C4": "y", "D4": 4, "E4": 5}.items():
        ws[cell] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    sheet = fastexcel.read_excel(buffer.getvalue()).load_sheet(
        "s", header_row=1, schema_sample_rows=None, dtype_coercion="coerce", eager=True
    )
    assert sheet.schema.names == ["a", "__UNNAMED__1", "a_1", "b"]
    assert [sheet.column(j).to_pylist() for j in range(sheet.num_columns)] == [
        [1.0, 3.0],
        ["x", "y"],
        [2.0, 4.0],
        [None, 5.0],
    ]
