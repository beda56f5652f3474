"""Real-data branches that CI runs without the shared data folder: a gzipped slice of UCI Online Retail
graded through the CLI, a DOS code page 437 export, and a workbook whose other sheets are passed over.

The files are in tests/data (README.md there gives their sources and licences). The Online Retail figures
are computed here with a plain pandas groupby, independently of custseg.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import invoke

from custseg.api import GradeOptions, grade
from custseg.input.encoding import sniff_encoding
from custseg.input.read import read_source
from custseg.input.sources import Source

DATA = Path(__file__).parents[1] / "data"
TODAY = dt.date(2026, 11, 23)
RETAIL = DATA / "online_retail_slice.csv.gz"


def retail_figures_by_hand() -> tuple[pd.DataFrame, int]:
    """(frequency and monetary per CustomerID, lines without a CustomerID) from the slice itself:
    frequency counts a customer's distinct invoices whose lines net positive (a 'C' credit note nets
    negative, so it is no order), monetary sums Quantity * UnitPrice over all their lines."""
    raw = pd.read_csv(RETAIL, encoding="latin-1", dtype={"InvoiceNo": str, "CustomerID": str})
    no_customer = int(raw["CustomerID"].isna().sum())
    lines = raw.dropna(subset=["CustomerID"]).assign(amount=lambda d: d["Quantity"] * d["UnitPrice"])
    invoices = lines.groupby(["CustomerID", "InvoiceNo"])["amount"].sum()
    frequency = (invoices > 0).groupby(level="CustomerID").sum()
    monetary = lines.groupby("CustomerID")["amount"].sum()
    return pd.DataFrame({"frequency": frequency, "monetary": monetary}), no_customer


def test_online_retail_slice_gz_graded_in_gbp_matches_a_plain_groupby(runner, tmp_path):
    out, summary = tmp_path / "graded.csv", tmp_path / "summary.json"
    result = invoke(
        runner,
        ["grade", str(RETAIL), "--currency", "GBP", "-o", str(out), "--summary-json", str(summary), "-q"],
    )
    assert result.exit_code == 0, result.output
    expected, no_customer = retail_figures_by_hand()
    assert len(expected) == 30 and no_customer == 12
    # Customers with only credit notes in the year (no order: frequency 0) and one whose refund cancels
    # its order (monetary 0) are in it; custseg lists them too.
    assert (expected["frequency"] == 0).any() and (expected["monetary"] == 0).any()
    got = pd.read_csv(out, dtype={"customer_id": str}).set_index("customer_id").sort_index()
    assert list(got.index) == list(expected.index)
    assert got["frequency"].tolist() == expected["frequency"].tolist()
    assert got["monetary"].tolist() == pytest.approx(expected["monetary"].tolist(), abs=0.005)
    s = json.loads(summary.read_text(encoding="utf-8"))
    assert s["base_currency"] == "GBP" and s["customers"] == 30
    assert s["reconciliation"]["rows_read"] == 263 and s["reconciliation"]["used"] == 263 - no_customer
    assert s["reconciliation"]["problem"] == no_customer
    assert s["problem_codes"] == {"missing_customer": no_customer}


def test_online_retail_slice_credit_notes_are_in_it():
    raw = pd.read_csv(RETAIL, encoding="latin-1", dtype={"InvoiceNo": str, "CustomerID": str})
    credit = raw[raw["InvoiceNo"].str.startswith("C")]
    assert credit["CustomerID"].nunique() == 10 and (credit["Quantity"] < 0).all()


def test_code_page_437_export_decodes_names_and_grades():
    data = (DATA / "cp437_dos.csv").read_bytes()
    assert sniff_encoding(data) == ("cp437", False)
    assert not any(b >= 0xC0 for b in data) and any(0x80 <= b < 0xA0 for b in data)  # what decides cp437
    table = read_source(Source.from_arg(DATA / "cp437_dos.csv"), {}).tables[0]
    assert table.encoding == "cp437"
    assert set(table.frame["CITY"]) == {"Göteborg", "Málaga", "Besançon", "München"}
    r = grade([DATA / "cp437_dos.csv"], options=GradeOptions(today=TODAY))
    assert r.reconciliation["rows_read"] == 6 and r.reconciliation["cancelled"] == 1
    assert r.reconciliation["used"] == 5
    c = r.customers.set_index("customer_name")
    assert {name: (int(row["frequency"]), float(row["monetary"])) for name, row in c.iterrows()} == {
        "Åkesson Möbler AB": (2, 2000.0),
        "Señor Niño Juguetes": (1, 640.0),  # its Cancelled order is not counted
        "Café Crème Frères": (1, 455.25),
        "Müller Bäckerei GmbH": (1, 1000.0),  # "On Hold" is an order unless --status says otherwise
    }
    assert r.as_of == dt.date(2026, 4, 9)


def test_workbook_notes_and_chart_sheets_are_skipped_with_the_reason(tmp_path):
    """multi_sheet.xlsx has a notes sheet of one line of text; here a notes sheet that looks like a
    table, an empty sheet and a real chart sheet (no cells at all) beside the order sheet."""
    openpyxl = pytest.importorskip("openpyxl")
    from openpyxl.chart import BarChart, Reference

    wb = openpyxl.Workbook()
    orders = wb.active
    orders.title = "Orders"
    orders.append(["customer_id", "order_id", "order_date", "amount"])
    orders.append(["K1", "S1", dt.datetime(2026, 3, 1), 100.0])
    orders.append(["K1", "S2", dt.datetime(2026, 4, 1), 250.0])
    orders.append(["K2", "S3", dt.datetime(2026, 4, 15), 80.0])
    notes = wb.create_sheet("Notes")
    notes.append(["Date", "Note"])
    notes.append([dt.datetime(2026, 5, 1), "Exported from the ERP"])
    notes.append([dt.datetime(2026, 5, 2), "Amounts in EUR, VAT excluded"])
    wb.create_sheet("Chart data")  # left empty
    chart = BarChart()
    chart.add_data(Reference(orders, min_col=4, min_row=1, max_row=4), titles_from_data=True)
    wb.create_chartsheet("Sales chart").add_chart(chart)
    path = tmp_path / "orders.xlsx"
    wb.save(path)

    r = grade([path], options=GradeOptions(today=TODAY, currency="EUR"))
    assert [(sheet, why) for _file, sheet, why in r.skipped_sheets] == [
        ("Notes", "no order, customer or returns columns"),
        ("Chart data", "no table in it"),
        ("Sales chart", "no table in it"),
    ]
    assert r.reconciliation["rows_read"] == 3 and r.reconciliation["used"] == 3
    c = r.customers.set_index("customer_id")
    assert c.loc["K1", "frequency"] == 2 and c.loc["K1", "monetary"] == 350.0


def test_multi_sheet_fixture_notes_sheet_reason():
    r = grade([DATA / "multi_sheet.xlsx"], options=GradeOptions(today=TODAY))
    assert [(sheet, why) for _file, sheet, why in r.skipped_sheets] == [("说明", "no table in it")]


def test_make_slices_cuts_the_committed_slice_again(tmp_path):
    """The committed slice is what make_slices.py cuts from the shared data (where it is present)."""
    import importlib.util

    from conftest import shared

    source = shared("online_retail/online_retail.csv.gz")
    spec = importlib.util.spec_from_file_location("make_slices", DATA / "make_slices.py")
    assert spec is not None and spec.loader is not None
    make_slices = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_slices)
    make_slices.online_retail_slice(source, tmp_path / "slice.csv.gz")
    # The lines, not the gzip bytes: another zlib may deflate the same lines differently.
    assert gzip.decompress((tmp_path / "slice.csv.gz").read_bytes()) == gzip.decompress(RETAIL.read_bytes())
