"""Gathering the inputs: a column map that names a header no table has is an error, not a quiet miss."""

from __future__ import annotations

import pytest
from conftest import invoke

from custseg.api import GradeOptions, grade
from custseg.errors import UsageError

ORDERS = "客户编号,下单日期,金额,Invoice Owner\nA,2026-01-05,100,Li\n"


def test_a_mapped_header_that_no_table_has_is_a_usage_error(tmp_path, runner):
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS, encoding="utf-8")
    with pytest.raises(UsageError) as err:
        grade(path, options=GradeOptions(column_map={"sales_owner": "Invoice Ownr"}))
    assert err.value.message == (
        "the column map names the header 'Invoice Ownr' for sales_owner, but no table read has it; "
        "headers found: 客户编号, 下单日期, 金额, Invoice Owner"
    )
    result = invoke(runner, ["grade", str(path), "-o", "-", "--map", "sales_owner=Invoice Ownr"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "  hint: check the spelling of --map sales_owner=Invoice Ownr against the headers found"
    )


def test_a_mapped_header_matches_as_aliases_do(tmp_path):
    """Case, spaces and punctuation aside, as the aliases are compared."""
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS, encoding="utf-8")
    got = grade(path, options=GradeOptions(column_map={"sales_owner": "invoice_owner"}, base_currency="CNY"))
    assert got.customers.loc[0, "sales_owner"] == "Li"


def test_a_mapped_header_applies_to_the_file_that_has_it_and_others_read_their_own(tmp_path):
    """Two exports, one with a column the aliases do not know: the map reads that one, the other is read by
    its own (aliased) headers, and no error names the file without the mapped header."""
    mapped = tmp_path / "a.csv"
    mapped.write_text("客户编号,下单日期,成交价\nC1,2026-01-05,100\nC2,2026-01-06,200\n", encoding="utf-8")
    plain = tmp_path / "b.csv"
    plain.write_text("Customer ID,Order Date,Amount\nC3,2026-01-07,300\n", encoding="utf-8")
    for order in ([mapped, plain], [plain, mapped]):
        got = grade(order, as_of="2026-02-01", options=GradeOptions(column_map={"amount": "成交价"}))
        money = dict(zip(got.customers["customer_id"], got.customers["monetary"], strict=True))
        assert money == {"C1": 100.0, "C2": 200.0, "C3": 300.0}
        assert got.problems.empty
