"""A Chinese workbook speaks Chinese in the values it makes, not only in its headers (issue 21); the English
workbook speaks English; CSV keeps the English keys either way."""

from __future__ import annotations

import warnings

import openpyxl
from conftest import invoke


def _sheet_rows(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notice about the data bars' extension
        wb = openpyxl.load_workbook(path, read_only=True)
        rows = {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
        wb.close()  # a read-only workbook holds its file open until closed
        return rows


def test_countries_regions_and_sub_regions_in_the_workbooks_language(runner, tmp_path):
    orders = tmp_path / "o.csv"
    orders.write_text(
        "customer_id,order_date,amount,country\nA,2026-01-05,10,Japan\nB,2026-01-06,20,DE\nC,2026-01-07,30,\n",
        encoding="utf-8",
    )
    zh, en = tmp_path / "zh.xlsx", tmp_path / "en.xlsx"
    invoke(runner, ["grade", str(orders), "-o", str(zh)])
    invoke(runner, ["grade", str(orders), "-o", str(en), "--lang", "en"])
    rows = _sheet_rows(zh)["客户分级"]
    head = list(rows[0])
    geo = {r[0]: (r[head.index("国家")], r[head.index("大洲")], r[head.index("区域")]) for r in rows[1:]}
    assert geo == {"A": ("日本", "亚洲", "东亚"), "B": ("德国", "欧洲", "西欧"), "C": (None, None, None)}
    rows = _sheet_rows(en)["Customers"]
    head = list(rows[0])
    geo = {r[0]: (r[head.index("Country")], r[head.index("Region")]) for r in rows[1:]}
    assert geo == {"A": ("Japan", "Asia"), "B": ("Germany", "Europe"), "C": (None, None)}
    # The summary's region table: C has no country, shown as 未填写 rather than "(none)".
    summary = _sheet_rows(zh)["分级汇总"]
    firsts = [r[0] for r in summary if r and r[0]]
    assert "未填写" in firsts and "(none)" not in firsts


def test_an_empty_problems_sheet_says_so_and_a_warnings_reason_is_chinese(runner, tmp_path):
    clean = tmp_path / "clean.csv"
    clean.write_text("customer_id,order_date,amount,country\nA,2026-01-05,10,Japan\n", encoding="utf-8")
    book = tmp_path / "clean.xlsx"
    invoke(runner, ["grade", str(clean), "-o", str(book)])
    assert _sheet_rows(book)["问题数据"][1][0] == "无问题数据：每一行都已使用或已说明去向"
    # Narnia is no country: a warning about customer B, its reason in Chinese throughout.
    odd = tmp_path / "odd.csv"
    odd.write_text("customer_id,order_date,amount,country\nA,2026-01-05,10,Japan\nB,2026-01-06,5,Narnia\n")
    book = tmp_path / "odd.xlsx"
    invoke(runner, ["grade", str(odd), "-o", str(book)])
    problem = _sheet_rows(book)["问题数据"][1]
    assert problem[-2:] == ("unknown_country", "无法识别的国家；客户照常分级，地区留空（客户 B）")
