"""A rule's condition in words, in the workbook's language (issue 21): generated from the condition, so an
edited rules file explains itself; CSV and JSON keep the condition as written."""

from __future__ import annotations

import warnings

import openpyxl
import pytest
from conftest import CORE_AS_OF, invoke

from custseg.output.rule_words import condition_words

KEY_RULE = "(m_score >= 4 and r_score >= 2) or (m_score >= 3 and f_score >= 3 and r_score >= 3)"


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        (
            KEY_RULE,
            "（金额评分≥4且最近购买评分≥2）或（金额评分≥3且频次评分≥3且最近购买评分≥3）",
            "(money score ≥ 4 and recency score ≥ 2) or "
            "(money score ≥ 3 and frequency score ≥ 3 and recency score ≥ 3)",
        ),
        ("frequency >= 1", "购买频次≥1", "frequency ≥ 1"),
        ("true", "其余客户", "all other customers"),
        (
            'industry == "制造业" and country_code in ["US", "CA"]',
            "行业为“制造业”且国家代码属于［“US”、“CA”］",
            'industry is "制造业" and country code is one of ["US", "CA"]',
        ),
        ("not (recency_days > 365)", "并非（最近购买(天)>365）", "not (recency (days) > 365)"),
        ("monetary >= 500000", "购买金额≥500,000", "monetary ≥ 500,000"),
        ('last_order_date >= date("2026-01-01")', "最近下单日期≥2026-01-01", "last order ≥ 2026-01-01"),
        ("p_custom >= 0.5", "p_custom≥0.5", "p_custom ≥ 0.5"),
    ],
)
def test_a_condition_reads_as_a_sentence(text, zh, en):
    assert condition_words(text, "zh") == zh
    assert condition_words(text, "en") == en


def test_the_workbook_shows_rules_and_tags_in_words_and_the_csv_keeps_them_as_written(runner, core_csv, tmp_path):
    book, table = tmp_path / "g.xlsx", tmp_path / "g.csv"
    invoke(runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF, "-o", str(book)])
    invoke(runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF, "-o", str(table)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notice about the data bars' extension
        wb = openpyxl.load_workbook(book, read_only=True)
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
        wb.close()  # a read-only workbook holds its file open until closed
    head = list(rows[0])
    shown = {r[0]: (r[head.index("等级依据")], r[head.index("标签")]) for r in rows[1:]}
    # B: one order of 200 on 2026-06-01: a normal customer by "frequency >= 1", one category (工具).
    assert shown["B"] == ("购买频次≥1", "单一品类")
    # E: only a cancelled order: the last tier, for want of any positive order.
    assert shown["E"] == ("无有效订单", None)
    csv_rows = {line.split(",")[0]: line for line in table.read_text(encoding="utf-8-sig").splitlines()}
    assert ",normal,normal: frequency >= 1," in csv_rows["B"]
    assert ",single_category," in csv_rows["B"]
