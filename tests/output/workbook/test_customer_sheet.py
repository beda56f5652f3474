"""The customer sheet as a sales manager reads it (issue 21): by tier then monetary, the columns looked at
first in front, no column that is empty for every customer, RFM codes spaced, a tier drop-down."""

from __future__ import annotations

import warnings

import openpyxl
from conftest import CORE_AS_OF, invoke


def _book(runner, core_csv, tmp_path):
    out = tmp_path / "g.xlsx"
    invoke(runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF, "-o", str(out), "-q"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notice about the data bars' extension
        return openpyxl.load_workbook(out)


def test_customers_by_tier_then_monetary_with_spaced_codes(runner, core_csv, tmp_path):
    ws = _book(runner, core_csv, tmp_path)["客户分级"]
    head = [c.value for c in ws[1]]
    rows = [{h: c.value for h, c in zip(head, r, strict=True)} for r in ws.iter_rows(min_row=2)]
    # The core example, as of 2026-06-30: A (3,000; R5 F3 M4) is VIP; C (10,000) last ordered in Feb 2025
    # (R1), so normal with B and D (200 each); E (0) and F (-50) have no positive order: potential. Within
    # a tier the larger monetary first, and B before D on the tie (the CSV's order, by id).
    assert [(r["客户编号"], r["客户等级"]) for r in rows] == [
        ("A", "VIP"),
        ("C", "普通"),
        ("B", "普通"),
        ("D", "普通"),
        ("E", "潜在"),
        ("F", "潜在"),
    ]
    assert rows[0]["RFM代码"] == "5 3 4"  # the number 534 in the CSV


def test_empty_columns_are_left_out_and_named_in_the_run_info(runner, core_csv, tmp_path):
    wb = _book(runner, core_csv, tmp_path)
    head = [c.value for c in wb["客户分级"][1]]
    # No master: industry, sales owner, created date, last contact, satisfaction and complaints are empty
    # for everyone and left out; the tier override stays, for the manager to fill in.
    assert not {"行业", "业务员", "建档日期", "最近联系日期", "满意度", "投诉次数"} & set(head)
    assert "手动等级" in head
    info = {r[0].value: r[1].value for r in wb["运行信息"].iter_rows() if r[0].value}
    assert "行业" in info["未显示的空列"] and "投诉次数" in info["未显示的空列"]


def test_the_tier_override_has_a_drop_down_of_the_tier_labels(runner, core_csv, tmp_path):
    ws = _book(runner, core_csv, tmp_path)["客户分级"]
    head = [c.value for c in ws[1]]
    letter = openpyxl.utils.get_column_letter(head.index("手动等级") + 1)
    (rule,) = ws.data_validations.dataValidation
    assert rule.type == "list" and rule.formula1 == '"VIP,重点,普通,潜在"'
    assert str(rule.sqref) == f"{letter}2:{letter}207"
