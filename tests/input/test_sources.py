"""Source.of: what a notebook user passes to custseg.grade (a path, bytes, a file object, a DataFrame)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest

from custseg.api import GradeOptions, grade
from custseg.errors import InputError
from custseg.input.sources import Source

DATA = Path(__file__).parents[1] / "data"
TODAY = dt.date(2026, 11, 23)
EXPORT = DATA / "utf8.csv"  # K001 two orders (1,234.50 + 765.50), K002 one of 2000, K003 one of 500


def _typed_export() -> pd.DataFrame:
    """utf8.csv as an analyst would hold it: dates as datetimes, amounts as numbers."""
    return pd.DataFrame(
        {
            "客户编号": ["K001", "K001", "K002", "K003"],
            "客户名称": ["华为贸易", "华为贸易", "Société Générale Import", "Müller GmbH"],
            "订单编号": ["S1", "S2", "S3", "S4"],
            "下单日期": pd.to_datetime(["2026-03-05", "2026-04-10", "2026-04-01", "2026-02-01"]),
            "金额": [1234.5, 765.5, 2000.0, 500.0],
            "币种": "USD",
            "国家": ["德国", "德国", "法国", "Germany"],
        }
    )


@pytest.mark.parametrize(
    "given",
    [
        lambda: str(EXPORT),
        lambda: EXPORT.read_bytes(),
        lambda: io.BytesIO(EXPORT.read_bytes()),
        lambda: io.StringIO(EXPORT.read_text(encoding="utf-8")),
        lambda: pd.read_csv(EXPORT, dtype=str, keep_default_na=False),
        _typed_export,
    ],
    ids=["str path", "bytes", "binary file", "text file", "frame of text", "typed frame"],
)
def test_every_kind_of_input_grades_alike(given):
    expected = grade([EXPORT], options=GradeOptions(today=TODAY)).customers
    got = grade([given()], options=GradeOptions(today=TODAY)).customers
    pd.testing.assert_frame_equal(got, expected)
    k1 = got.set_index("customer_id").loc["K001"]
    assert (k1["frequency"], k1["monetary"]) == (2, 2000.0)  # 1,234.50 + 765.50
    assert k1["first_order_date"] == pd.Timestamp("2026-03-05")
    assert got["customer_id"].tolist() == ["K001", "K002", "K003"]


def test_a_bad_date_in_a_frame_names_its_spreadsheet_row():
    frame = _typed_export()
    frame["下单日期"] = frame["下单日期"].astype(object)
    frame.loc[1, "下单日期"] = "2026-13-45"  # the second record: row 3 below a header on row 1
    problems = grade([frame], options=GradeOptions(today=TODAY)).problems
    assert problems[["file", "row", "reason_code"]].to_dict("records") == [
        {"file": "<DataFrame>", "row": 3, "reason_code": "bad_date"}
    ]
    assert problems["value"].tolist() == ["2026-13-45"]


def test_names_of_sources():
    assert Source.of(EXPORT).name == str(EXPORT) and Source.of(EXPORT).path == EXPORT
    assert Source.of(b"a,b\n").name == "<bytes>" and Source.of(b"a,b\n").data == b"a,b\n"
    assert Source.of(io.BytesIO(b"x")).name == "<file>"
    with open(EXPORT, "rb") as fh:
        named = Source.of(fh)
    assert named.name == str(EXPORT) and named.path is None and named.suffix == ".csv"
    assert named.data == EXPORT.read_bytes()
    assert Source.of(io.StringIO("客户")).data == "客户".encode()
    frame = pd.DataFrame({"a": [1]})
    source = Source.of(frame)
    assert source.name == "<DataFrame>" and source.frame is frame and source.suffix == ""
    assert source.read_bytes() == b"a\n1\n"  # what the run info's size and hash describe


@pytest.mark.parametrize("given, kind", [(42, "int"), (["orders.csv"], "list"), (None, "NoneType")])
def test_other_inputs_are_a_clear_input_error(given, kind):
    with pytest.raises(InputError) as caught:
        Source.of(given)
    assert str(caught.value) == (
        f"cannot read an input of type {kind}: give a path, bytes, a file object or a pandas DataFrame"
    )
    assert caught.value.code == "unsupported_input"


def test_a_file_object_that_reads_neither_bytes_nor_text():
    class Odd:
        name = "odd.csv"

        def read(self):
            return 7

    with pytest.raises(InputError, match=r"^odd.csv: reading the file object gave int, not bytes or text$"):
        Source.of(Odd())
