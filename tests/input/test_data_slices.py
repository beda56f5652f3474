"""Real-data branches that CI runs without the shared data folder: a gzipped slice of UCI Online Retail
graded through the CLI, and a DOS code page 437 export.

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
