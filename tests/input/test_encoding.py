"""Encodings are detected (real files in tests/data, made by make_data.py); UTF-8 is checked as Python does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from custseg.api import GradeOptions, grade
from custseg.input.encoding import detect_encoding

DATA = Path(__file__).parents[1] / "data"
TODAY = dt.date(2026, 11, 23)
EXPECTED = {"K001": (2, 2000.0), "K002": (1, 2000.0), "K003": (1, 500.0)}


def figures(result):
    c = result.customers.set_index("customer_id")
    return {cid: (int(r["frequency"]), float(r["monetary"])) for cid, r in c.iterrows() if r["frequency"] > 0}


@pytest.mark.parametrize(
    "name, encoding",
    [
        ("utf8.csv", "utf-8"),
        ("utf8_bom.csv", "utf-8-sig"),
        ("gbk.csv", "gb18030"),
        ("gb18030.csv", "gb18030"),
        ("utf16_excel_unicode.txt", "utf-16"),
        ("cp1252_semicolon.csv", "cp1252"),
    ],
)
def test_encodings_are_detected_and_give_the_same_figures(name, encoding):
    data = (DATA / name).read_bytes()
    assert detect_encoding(data) == encoding
    result = grade([DATA / name], options=GradeOptions(today=TODAY))
    assert figures(result) == EXPECTED
    names = dict(zip(result.customers["customer_id"], result.customers["customer_name"], strict=True))
    assert names["K002"] == "Société Générale Import"
    assert names["K003"] == "Müller GmbH"
    if "cp1252" not in name:
        assert names["K001"] == "华为贸易"


@pytest.mark.parametrize("with_pyarrow", [True, False])
def test_utf8_check_rejects_exactly_what_python_rejects(monkeypatch, with_pyarrow):
    import sys

    from custseg.input.encoding import valid_utf8 as _valid_utf8

    if not with_pyarrow:
        monkeypatch.setitem(sys.modules, "pyarrow", None)  # the import fails: the decoder checks
    seqs = [bytes([a, b]) for a in range(256) for b in range(256)]
    seqs += [bytes([a, b, c]) for a in range(0xE0, 0xF0) for b in range(0x70, 0xD0, 3) for c in (0x80, 0xBF, 0x41)]
    seqs += [bytes([a, b, 0x80, d]) for a in range(0xF0, 0xF8) for b in range(0x70, 0xD0, 3) for d in (0xBF, 0x41)]
    seqs += [b"", "中文 ok".encode(), b"\xe4\xb8", "😀".encode()[:3], b"\xed\xa0\x80", b"\xc0\x80", b"\xf4\x90\x80\x80"]

    def python_says(data: bytes) -> bool:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    for seq in seqs[:: 1 if with_pyarrow else 7]:
        for data in (seq, b"customer,amount\n" + seq + b",1\n"):
            assert _valid_utf8(data) is python_says(data), data
