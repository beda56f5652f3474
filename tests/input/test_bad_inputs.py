"""Hostile and broken files (tests/data/bad, made by make_data.py): a clear message, a documented exit code."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from conftest import invoke

BAD = Path(__file__).parents[1] / "data" / "bad"


@pytest.mark.parametrize(
    "name, message",
    [
        ("empty.csv", "the file is empty"),
        ("header_only.csv", "the header is there but no order lines below it"),
        ("binary_junk.csv", "is not a text file (binary content)"),
        ("not_a_zip.xlsx", "is not a valid .xlsx workbook (not a zip file)"),
        ("truncated.xlsx", "the workbook is corrupt or truncated"),
        ("password_protected.xlsx", "the workbook is password-protected (encrypted)"),
        ("billion_laughs.xlsx", "the sheet cannot be read"),
        (
            "no_order_columns.csv",
            "no header row with the required order columns; missing customer_id (or customer_email or "
            "customer_name), order_date, amount (or quantity and unit_price); headers found: name, colour",
        ),
        ("two_amount_columns.csv", "the columns '金额', '成交金额' all look like the field 'amount'"),
        ("duplicate_headers.csv", "the header '客户编号' appears twice (columns A and B of row 1)"),
        ("million_columns.xlsx", "the sheet claims 932,230 columns"),
    ],
)
def test_whole_file_errors_are_one_line_and_exit_1(runner, tmp_path, name, message):
    out = tmp_path / "out.csv"
    result = invoke(runner, ["grade", str(BAD / name), "-o", str(out)])
    assert result.exit_code == 1
    assert f"Error: {BAD / name}" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_zip_bomb_is_refused_before_unpacking(runner, tmp_path):
    result = invoke(
        runner, ["grade", str(BAD / "zip_bomb.xlsx"), "-o", str(tmp_path / "o.csv"), "--max-unzipped-mb", "20"]
    )
    assert result.exit_code == 1
    assert "unpacks to 30 MB, over the limit of 20 MB" in result.stderr
    assert "--max-unzipped-mb" in result.stderr


def test_extra_fields_row_is_a_problem_row(runner, tmp_path):
    problems = tmp_path / "p.csv"
    result = invoke(
        runner,
        ["grade", str(BAD / "extra_fields.csv"), "-o", str(tmp_path / "o.csv"), "--problems", str(problems), "-q"],
    )
    assert result.exit_code == 0
    lines = problems.read_text(encoding="utf-8").splitlines()
    assert lines[1] == f"{BAD / 'extra_fields.csv'},,3,3,amount,2,extra_fields,more values than the header has columns"


@pytest.mark.parametrize(
    "name, ids",
    [
        ("nul_bytes.csv", ["A", "B"]),
        ("mixed_line_endings.csv", ["A", "B", "C"]),
        ("invalid_utf8.csv", ["A", "B"]),
        ("thousand_columns.csv", ["A"]),
    ],
)
def test_damaged_but_readable_files_grade(runner, tmp_path, name, ids):
    out = tmp_path / "o.csv"
    result = invoke(runner, ["grade", str(BAD / name), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    rows = out.read_text(encoding="utf-8").splitlines()[1:]
    assert [r.split(",")[0] for r in rows] == ids
    if name == "invalid_utf8.csv":
        assert rows[0].split(",")[1] == "Zoë"  # the valid UTF-8 around the damage is kept
    if name == "nul_bytes.csv":
        assert rows[0].split(",")[7] == "1.0"


def test_ten_megabyte_field(runner, tmp_path):
    big = tmp_path / "huge_field.csv"
    big.write_bytes(gzip.decompress((BAD / "huge_field.csv.gz").read_bytes()))
    out = tmp_path / "o.csv"
    result = invoke(runner, ["grade", str(big), "-o", str(out), "-q"])
    assert result.exit_code == 0
    assert [r.split(",")[0] for r in out.read_text().splitlines()[1:]] == ["A", "B"]


def test_cell_far_right_is_a_problem_row_not_a_hang(runner, tmp_path):
    problems = tmp_path / "p.csv"
    result = invoke(
        runner,
        ["grade", str(BAD / "cell_at_xfd.xlsx"), "-o", str(tmp_path / "o.csv"), "--problems", str(problems), "-q"],
    )
    assert result.exit_code == 0
    rows = problems.read_text(encoding="utf-8").splitlines()[1:]
    assert [":".join(r.split(",")[i] for i in (2, 3, 6)) for r in rows] == ["4::extra_fields"]  # row, no line


@pytest.mark.parametrize("name", ["thousand_columns.xlsx", "duplicate_other_headers.csv"])
def test_wide_sheets_and_repeated_unused_headers_grade(runner, tmp_path, name):
    out = tmp_path / "o.csv"
    assert invoke(runner, ["grade", str(BAD / name), "-o", str(out), "-q"]).exit_code == 0
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("A,")


def test_disk_full_is_a_clean_message(runner, core_csv, tmp_path, monkeypatch):
    import errno
    import os

    real_replace = os.replace

    def full(src, dst):
        if str(dst).endswith("g.csv"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", full)
    result = invoke(runner, ["grade", str(core_csv), "-o", str(tmp_path / "g.csv")])
    assert result.exit_code == 1
    assert "cannot be written (No space left on device)" in result.stderr
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_history_survives_a_failed_snapshot(tmp_path, core_csv, monkeypatch):
    import sqlite3

    from custseg.api import GradeOptions, grade
    from custseg.history import store as history

    db = tmp_path / "h.db"
    result = grade([core_csv], as_of="2026-06-30", options=GradeOptions())
    con = history.connect(db)
    history.save_snapshot(con, result.as_of, result.customers, "r1", [], "test")

    class Failing(sqlite3.Connection):
        def executemany(self, *args, **kwargs):
            raise sqlite3.OperationalError("disk I/O error")  # the run dies while writing grades

    broken = sqlite3.connect(str(db), factory=Failing)
    with pytest.raises(sqlite3.OperationalError):
        history.save_snapshot(broken, result.as_of, result.customers, "r2", [], "test")
    broken.close()
    con.close()
    con = history.connect(db)
    snaps = history.list_snapshots(con)
    con.close()
    assert snaps["rules_digest"].tolist() == ["r1"] and snaps["customers"].tolist() == [6]
