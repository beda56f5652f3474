"""Reading last run's grading back (--previous, compare): what is not one is one clear error."""

from __future__ import annotations

import openpyxl
import pytest
from conftest import invoke

from custseg.config.rules import Rules
from custseg.errors import InputError
from custseg.input.previous import read_previous


def error_of(path) -> InputError:
    with pytest.raises(InputError) as caught:
        read_previous(path, Rules())
    return caught.value


def test_a_missing_previous_grading(tmp_path):
    err = error_of(tmp_path / "last.csv")
    assert (err.message, err.hint, err.code) == (
        f"{tmp_path / 'last.csv'}: previous grading not found",
        "give last run's workbook or CSV",
        "previous_missing",
    )


def test_a_csv_that_is_not_a_custseg_output(tmp_path):
    p = tmp_path / "orders.csv"
    p.write_text("customer_id,amount\nA,5\n", encoding="utf-8")  # an id but no tier
    assert error_of(p).message == f"{p}: no customer id and tier columns; is this a custseg output?"


def test_a_workbook_without_the_customer_sheet(tmp_path):
    p = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Orders"
    wb.save(p)
    assert error_of(p).message == f"{p}: no 客户分级 / Customers sheet; is this a custseg workbook?"


def test_a_file_that_cannot_be_read(tmp_path):
    broken_json = tmp_path / "last.json"
    broken_json.write_text("{not json", encoding="utf-8")
    assert error_of(broken_json).message == (
        f"{broken_json}: cannot read the previous grading "
        "(Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"
    )
    not_a_zip = tmp_path / "last.xlsx"
    not_a_zip.write_bytes(b"PK not a zip")
    # Checked as every workbook input is, before a reader opens it.
    assert error_of(not_a_zip).message == f"{not_a_zip}: the workbook is corrupt or truncated (File is not a zip file)"


def test_json_and_jsonl_outputs_are_read_back(tmp_path):
    rows = '{"customer_id": "A", "tier": "vip", "segment": "champions", "monetary": 10.5}'
    (tmp_path / "g.jsonl").write_text(rows + "\n\n", encoding="utf-8")
    (tmp_path / "g.json").write_text(f"[{rows}]", encoding="utf-8")
    for name in ("g.jsonl", "g.json"):
        got = read_previous(tmp_path / name, Rules()).to_dict("records")
        assert got == [{"customer_id": "A", "tier": "vip", "segment": "champions", "monetary": 10.5}]


def test_grade_with_a_missing_previous_exits_1_before_writing(runner, core_csv, tmp_path):
    out = tmp_path / "g.csv"
    result = invoke(runner, ["grade", str(core_csv), "--previous", str(tmp_path / "nope.csv"), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"Error: {tmp_path / 'nope.csv'}: previous grading not found"
    assert not out.exists()
