"""Make the small test exports in this folder, deterministically: `python tests/data/make_data.py`.

Every file holds the same four order lines (three customers), in another encoding or shape, so that
one set of expected figures checks them all: K001 2 orders 2,000.00; K002 1 order 2,000.00;
K003 1 order 500.00 (cp437_dos.csv, an old ERP's layout, has lines of its own). The bad/ folder holds
hostile and broken files (see bad/README.md).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import re
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ZH_HEADER = ["客户编号", "客户名称", "订单编号", "下单日期", "金额", "币种", "国家"]
LINES = [
    ["K001", "华为贸易", "S1", "2026-03-05", "1,234.50", "USD", "德国"],
    ["K001", "华为贸易", "S2", "2026-04-10", "765.50", "USD", "德国"],
    ["K002", "Société Générale Import", "S3", "2026-04-01", "2000", "USD", "法国"],
    ["K003", "Müller GmbH", "S4", "2026-02-01", "500", "USD", "Germany"],
]


def csv_text(header: list[str], lines: list[list[str]], sep: str = ",") -> str:
    def q(v: str) -> str:
        return f'"{v}"' if (sep in v or '"' in v) else v

    return "\r\n".join(sep.join(q(v) for v in row) for row in [header, *lines]) + "\r\n"


def write_text_files() -> None:
    text = csv_text(ZH_HEADER, LINES)
    (HERE / "utf8.csv").write_bytes(text.encode("utf-8"))
    (HERE / "utf8_bom.csv").write_bytes(text.encode("utf-8-sig"))
    (HERE / "gbk.csv").write_bytes(text.encode("gbk"))
    (HERE / "gb18030.csv").write_bytes(text.encode("gb18030"))
    (HERE / "utf16_excel_unicode.txt").write_bytes(csv_text(ZH_HEADER, LINES, "\t").encode("utf-16"))
    # A European ERP: semicolons, decimal comma, day-first dotted dates, Windows-1252.
    en = ["Customer ID", "Customer Name", "Order ID", "Order Date", "Amount", "Currency", "Country"]
    english = {"德国": "Germany", "法国": "France"}
    eu = [
        [
            r[0],
            r[1],
            r[2],
            dt.date.fromisoformat(r[3]).strftime("%d.%m.%Y"),
            r[4].replace(",", "").replace(".", ",") if "," in r[4] or "." in r[4] else r[4],
            r[5],
            english.get(r[6], r[6]),
        ]
        for r in LINES
    ]
    eu[0][4] = "1.234,50"
    eu = [[v if v != "华为贸易" else "Hua Wei Trading" for v in row] for row in eu]
    (HERE / "cp1252_semicolon.csv").write_bytes(csv_text(en, eu, ";").encode("cp1252"))
    # US style: month-first slashes with times, symbols in the amount, negatives in parentheses.
    us = [
        ["K001", "Hua Wei", "S1", "3/5/2026 9:15", "$1,234.50", "", "Germany"],
        ["K001", "Hua Wei", "S2", "4/10/2026 14:00", "USD 765.50", "", "Germany"],
        ["K002", "SG Import", "S3", "4/1/2026 0:00", "2000", "", "France"],
        ["K003", "Mueller", "S4", "2/1/2026 8:00", "500.00", "", "Germany"],
        ["K003", "Mueller", "S4R", "2/15/2026 8:00", "(100.00)", "", "Germany"],
    ]
    (HERE / "us_dates_symbols.csv").write_bytes(csv_text(en, us).encode("utf-8"))
    write_dos_file()


def write_dos_file() -> None:
    """An old ERP's export in DOS code page 437, laid out as such exports are (upper-case headers, CRLF,
    M/D/YYYY H:MM, a Cancelled and an On Hold status). The lines are invented; what decides cp437 is in
    the bytes: Latin letters at 0x80-0xA5 (ä 0x84, é 0x82, ü 0x81, Å 0x8F, ñ 0xA4) and none at 0xC0 or
    above, where Windows-1252 and Latin-1 keep them."""
    header = ["ORDERNUMBER", "ORDERDATE", "STATUS", "SALES", "CUSTOMERNAME", "CITY", "COUNTRY"]
    lines = [
        ["20101", "1/6/2026 0:00", "Shipped", "1200.50", "Åkesson Möbler AB", "Göteborg", "Sweden"],
        ["20102", "2/14/2026 0:00", "Shipped", "799.50", "Åkesson Möbler AB", "Göteborg", "Sweden"],
        ["20103", "03/03/2026 00:00", "Shipped", "640", "Señor Niño Juguetes", "Málaga", "Spain"],
        ["20104", "3/17/2026 0:00", "Cancelled", "300", "Señor Niño Juguetes", "Málaga", "Spain"],
        ["20105", "4/1/2026 0:00", "Shipped", "455.25", "Café Crème Frères", "Besançon", "France"],
        ["20106", "4/9/2026 0:00", "On Hold", "1000", "Müller Bäckerei GmbH", "München", "Germany"],
    ]
    (HERE / "cp437_dos.csv").write_bytes(csv_text(header, lines).encode("cp437"))


def write_workbooks() -> None:
    import openpyxl

    # Title rows above the header, a merged title, real dates, a serial date, a number stored as text,
    # a blank row and a total row.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单明细"
    ws.append(["华信进出口有限公司 订单明细表"])
    ws.merge_cells("A1:G1")
    ws.append(["导出时间：2026-05-01 09:00"])
    ws.append(ZH_HEADER)
    ws.append(["K001", "华为贸易", "S1", dt.datetime(2026, 3, 5, 10, 30), "1,234.50", "USD", "德国"])
    ws.append(["K001", "华为贸易", "S2", dt.datetime(2026, 4, 10), 765.5, "USD", "德国"])
    ws.append(["K002", "Société Générale Import", "S3", 46113, 2000, "USD", "法国"])  # serial 46113 = 2026-04-01
    ws.append([3, "Müller GmbH", "S4", "2026/2/1", 500, "USD", "Germany"])  # id 3 typed as a number
    ws.append([])
    ws.append(["合计", None, None, None, 4500])
    wb.properties.created = dt.datetime(2026, 5, 1)
    wb.save(HERE / "title_rows.xlsx")

    # One sheet per month, a customer master sheet and a notes sheet that is neither.
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in (("2026-03", LINES[:1]), ("2026-04", LINES[1:3]), ("2026-02", LINES[3:])):
        ws = wb.create_sheet(name)
        ws.append(ZH_HEADER)
        for r in rows:
            ws.append([r[0], r[1], r[2], dt.datetime.fromisoformat(r[3]), float(r[4].replace(",", "")), r[5], r[6]])
    ws = wb.create_sheet("客户档案")
    ws.append(["客户编号", "客户名称", "国家", "行业", "业务员", "建档日期"])
    ws.append(["K001", "华为贸易有限公司", "德国", "制造业", "张伟", dt.datetime(2025, 1, 1)])
    ws.append(["K002", "Société Générale Import", "法国", "批发零售", "李娜", dt.datetime(2025, 6, 1)])
    ws.append(["K009", "Prospect Co", "Chile", "批发零售", "李娜", dt.datetime(2026, 4, 1)])
    ws = wb.create_sheet("说明")
    ws.append(["本文件由ERP导出"])
    wb.properties.created = dt.datetime(2026, 5, 1)
    wb.save(HERE / "multi_sheet.xlsx")


def write_bad_files() -> None:
    bad = HERE / "bad"
    bad.mkdir(exist_ok=True)
    (bad / "empty.csv").write_bytes(b"")
    (bad / "header_only.csv").write_bytes("客户编号,下单日期,金额\r\n".encode())
    (bad / "binary_junk.csv").write_bytes(bytes(range(256)) * 16)
    (bad / "not_a_zip.xlsx").write_bytes(b"this is not a workbook\n" * 10)
    good = (HERE / "title_rows.xlsx").read_bytes()
    (bad / "truncated.xlsx").write_bytes(good[: len(good) // 2])
    # An encrypted OOXML workbook is an OLE compound file; its magic number is what matters here.
    (bad / "password_protected.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    (bad / "no_order_columns.csv").write_bytes(b"name,colour\nx,red\n")
    (bad / "two_amount_columns.csv").write_bytes("客户编号,下单日期,金额,成交金额\nA,2026-01-01,1,2\n".encode())
    (bad / "nul_bytes.csv").write_bytes(b"customer_id,order_date,amount\nA,2026-01-01,1\x00\x00\nB,2026-01-02,2\n")
    (bad / "mixed_line_endings.csv").write_bytes(
        b"customer_id,order_date,amount\r\nA,2026-01-01,1\nB,2026-01-02,2\rC,2026-01-03,3\r\n"
    )
    (bad / "invalid_utf8.csv").write_bytes(
        "customer_id,customer_name,order_date,amount\nA,Zoë,2026-01-01,1\n".encode()
        + b"B,Bad \xff\xfe name,2026-01-02,2\n"
    )
    (bad / "extra_fields.csv").write_bytes(b"customer_id,order_date,amount\nA,2026-01-01,1\nB,2026-01-02,2,surprise\n")
    wide = ",".join(f"c{i}" for i in range(1000))
    (bad / "thousand_columns.csv").write_bytes(
        ("customer_id,order_date,amount," + wide + "\n" + "A,2026-01-01,1," + ",".join("x" * 1000) + "\n").encode()
    )
    # A zip bomb: a tiny file whose sheet unpacks to far more than the limit the test sets.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        with zipfile.ZipFile(io.BytesIO(good)) as src:
            for item in src.infolist():
                zf.writestr(item, src.read(item.filename))
        zf.writestr("xl/worksheets/padding.xml", b"<x>" + b" " * (30 * 1024 * 1024) + b"</x>")
    (bad / "zip_bomb.xlsx").write_bytes(buf.getvalue())
    # Billion laughs in a sheet: defused parsers refuse entity expansion.
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
        )
        + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        with zipfile.ZipFile(io.BytesIO(good)) as src:
            for item in src.infolist():
                data = laughs if item.filename == "xl/worksheets/sheet1.xml" else src.read(item.filename)
                zf.writestr(item.filename, data)
    (bad / "billion_laughs.xlsx").write_bytes(buf.getvalue())
    (bad / "duplicate_headers.csv").write_bytes("客户编号,客户编号,下单日期,金额\nA,B,2026-01-01,1\n".encode())
    (bad / "duplicate_other_headers.csv").write_bytes("客户编号,下单日期,金额,备注,备注\nA,2026-01-01,1,x,y\n".encode())
    # Sheets that claim absurd widths: a cell at column AZZZZ (932,230 columns; Excel stops at XFD,
    # 16,384) and a real cell at XFD on a data row.
    for name, col in (("million_columns.xlsx", "AZZZZ"), ("cell_at_xfd.xlsx", "XFD")):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf, zipfile.ZipFile(io.BytesIO(good)) as src:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    cell = f'<c r="{col}4" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
                    data = data.replace(b"</row>", cell, 4).replace(cell, b"</row>", 3)
                    data = re.sub(rb'<dimension ref="[^"]+"/>', f'<dimension ref="A1:{col}1048576"/>'.encode(), data)
                zf.writestr(item, data)
        (bad / name).write_bytes(buf.getvalue())
    # A bomb of rows: the order sheet goes on past Excel's last row (1,048,576) with one repeated row, so
    # the file stays a few KB while a reader that materialised it would hold a million rows.
    with zipfile.ZipFile(bad / "row_bomb.xlsx", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zipfile.ZipFile(io.BytesIO(good)) as src:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = data.replace(b"</sheetData>", b"<row><c><v>1</v></c></row>" * 1_100_000 + b"</sheetData>")
                zf.writestr(item, data, compresslevel=9)
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["客户编号", "下单日期", "金额"] + [f"属性{i}" for i in range(1, 998)])
    ws.append(["A", dt.datetime(2026, 1, 1), 1] + ["x"] * 997)
    wb.properties.created = dt.datetime(2026, 5, 1)
    wb.save(bad / "thousand_columns.xlsx")
    big = "A,2026-01-01,1," + "x" * (10 * 1024 * 1024) + "\n"
    (bad / "huge_field.csv.gz").write_bytes(
        gzip.compress(("customer_id,order_date,amount,note\n" + big + "B,2026-01-02,2,ok\n").encode(), mtime=0)
    )


def write_other_spreadsheet_formats() -> None:
    """multi_sheet.xlsx as ODS and legacy XLS, converted by LibreOffice when it is installed."""
    import shutil
    import subprocess

    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        print("LibreOffice not found: multi_sheet.ods and multi_sheet.xls left as they are")
        return
    for fmt in ("ods", "xls"):
        subprocess.run(
            [office, "--headless", "--convert-to", fmt, "--outdir", str(HERE), str(HERE / "multi_sheet.xlsx")],
            check=True,
            capture_output=True,
            timeout=300,
        )


if __name__ == "__main__":
    write_text_files()
    write_workbooks()
    write_bad_files()
    write_other_spreadsheet_formats()
    print("written")
