"""Helpers the workbook tests share: comparing two workbooks part by part, and the graded example workbook."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from conftest import CORE_AS_OF, invoke

FIXED_CREATED = dt.datetime(2026, 1, 1)


def assert_same_parts(a: Path, b: Path) -> str:
    """Two workbooks hold the same parts, byte for byte once unzipped; returns the first sheet's XML."""
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.namelist() == zb.namelist()
        for name in za.namelist():
            assert za.read(name) == zb.read(name), name
        return za.read("xl/worksheets/sheet1.xml").decode("utf-8")


def graded_workbook(runner, core_csv, tmp_path: Path) -> Path:
    """The core example graded into a workbook by the CLI."""
    out = tmp_path / "g.xlsx"
    result = invoke(runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF, "-o", str(out), "-q"])
    assert result.exit_code == 0
    return out
