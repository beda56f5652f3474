"""Real exports nobody here wrote (../shared/data): every row accounted for, no traceback.

Skipped cleanly where the shared data is absent. The full Online Retail CSV is marked slow.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import shared

from custseg.api import GradeOptions, grade
from custseg.schema import WARNING_CODES

TODAY = dt.date(2026, 11, 23)


def check_reconciled(result):
    rec = result.reconciliation
    assert rec["rows_read"] == sum(v for k, v in rec.items() if k != "rows_read")
    problem_rows = result.problems[~result.problems["reason_code"].isin(WARNING_CODES)]
    assert problem_rows[["file", "sheet", "row"]].drop_duplicates().shape[0] == rec["problem"]


def test_b2b_sales_sample_code_page_437_and_statuses():
    r = grade([shared("b2b_sales_sample/sales_data_sample.csv")], options=GradeOptions(today=TODAY))
    check_reconciled(r)
    assert r.reconciliation["rows_read"] == 2823 and r.reconciliation["cancelled"] == 60
    assert len(r.customers) == 92 and r.as_of == dt.date(2005, 5, 31)
    assert "Cruz & Sons Co." in set(r.customers["customer_name"])
    from custseg.input.read import read_source
    from custseg.input.sources import Source

    table = read_source(Source.from_arg(shared("b2b_sales_sample/sales_data_sample.csv")), {}).tables[0]
    assert table.encoding == "cp437"  # "Berguvsvägen" in an address reads as written, not as mojibake
    assert "Berguvsvägen  8" in set(table.frame["ADDRESSLINE1"])
    # "On Hold" and "Disputed" are orders unless the user says otherwise.
    held = grade(
        [shared("b2b_sales_sample/sales_data_sample.csv")],
        options=GradeOptions(today=TODAY, status_map={"On Hold": "cancelled", "Disputed": "cancelled"}),
    )
    assert held.reconciliation["cancelled"] == 60 + 44 + 14


def test_superstore_returns_sheet():
    r = grade([shared("superstore/superstore.xlsx")], options=GradeOptions(today=TODAY))
    check_reconciled(r)
    assert r.reconciliation["rows_read"] == 9994 and r.reconciliation["used"] == 9994
    assert len(r.customers) == 793
    assert r.warnings["returned_lines"] == 800
    assert [s[1] for s in r.skipped_sheets] == ["People"]


def test_online_retail_non_uk_workbook():
    r = grade(
        [shared("online_retail/online_retail_non_uk.xlsx")],
        options=GradeOptions(today=TODAY, currency="GBP", base_currency="GBP"),
    )
    check_reconciled(r)
    assert r.reconciliation["rows_read"] == 46431
    assert set(r.problems["reason_code"]) >= {"missing_customer"}
    assert r.as_of == dt.date(2011, 12, 9)


def test_rfm_r_package_orders():
    r = grade([shared("rfm_r_package/rfm_data_orders.csv.gz")], options=GradeOptions(today=TODAY))
    check_reconciled(r)
    assert r.reconciliation["used"] == 4906 and len(r.customers) == 995


@pytest.mark.slow
def test_online_retail_full_csv():
    r = grade(
        [shared("online_retail/online_retail.csv.gz")],
        options=GradeOptions(today=TODAY, currency="GBP", base_currency="GBP"),
    )
    check_reconciled(r)
    assert r.reconciliation["rows_read"] == 541909
    assert r.reconciliation["problem"] == 135080  # the lines without a CustomerID
    assert r.warnings["duplicate_lines"] == 5268
    assert len(r.customers) == 4372
