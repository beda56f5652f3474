"""Consoles that are not UTF-8: a Chinese Windows console (GBK), a Western one (cp1252), a job with no
locale (ASCII). The summary and the errors show what the console cannot as "?" and never fail; data on
stdout is UTF-8 whatever the console, with a byte order mark only when asked."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import invoke

NAME = "Café Ñandú ₫ 😀"
ORDERS = (
    "客户编号,客户名称,订单编号,下单日期,金额,国家\n"
    f"C1,{NAME},O1,2026-06-01,100,France\n"
    "C2,Beta,O2,2026-06-02,200,Germany\n"
)
AS_OF = "2026-06-30"
BOM = b"\xef\xbb\xbf"
CONSOLES = ["gbk", "cp1252", "ascii"]


@pytest.fixture
def orders(tmp_path: Path) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS, encoding="utf-8")
    return path


def run(args: list[str], encoding: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "custseg", *args], capture_output=True, env=env, timeout=120, check=False
    )


def shown(text: str, encoding: str) -> str:
    """``text`` as a console in ``encoding`` shows it: "?" for what it cannot."""
    return text.encode(encoding, "replace").decode(encoding)


def test_the_name_does_not_fit_any_of_these_consoles():
    """Otherwise the tests below would prove nothing."""
    for encoding in CONSOLES:
        with pytest.raises(UnicodeEncodeError):
            NAME.encode(encoding)


@pytest.mark.parametrize("encoding", CONSOLES)
def test_summary_shows_what_the_console_can(orders, tmp_path, encoding):
    out = tmp_path / "g.csv"
    proc = run(["grade", str(orders), "--as-of", AS_OF, "-o", str(out)], encoding)
    assert (proc.returncode, proc.stderr) == (0, b""), proc.stderr.decode(encoding, "replace")
    summary = proc.stdout.decode(encoding)
    assert " C1 " in summary and f" {shown(NAME, encoding)} " in summary
    assert (
        f"{shown('评估日期', encoding)}: 2026-06-30" in summary and f"{shown('客户表', encoding)}: {out}\n" in summary
    )
    # The file is UTF-8, as ever, whatever the console.
    assert f"C1,{NAME},France,2026-06-01,2026-06-01,29,1,100.0,".encode() in out.read_bytes()


@pytest.mark.parametrize("encoding", CONSOLES)
def test_csv_on_stdout_is_utf8_and_the_same_bytes_as_the_file(runner, orders, tmp_path, encoding):
    out = tmp_path / "g.csv"
    assert invoke(runner, ["grade", str(orders), "--as-of", AS_OF, "-o", str(out), "-q"]).exit_code == 0
    proc = run(["grade", str(orders), "--as-of", AS_OF, "-o", "-"], encoding)
    assert proc.returncode == 0, proc.stderr.decode(encoding, "replace")
    assert proc.stdout == out.read_bytes()
    assert proc.stdout.startswith(b"customer_id,customer_name,")
    assert b"\nC1," + NAME.encode("utf-8") + b",France," in proc.stdout
    # The summary went to stderr, in the console's encoding.
    summary = proc.stderr.decode(encoding)
    assert f" {shown(NAME, encoding)} " in summary and f"{shown('客户表', encoding)}: <stdout>" in summary


@pytest.mark.parametrize("encoding", CONSOLES)
def test_json_on_stdout_is_utf8(runner, orders, encoding):
    proc = run(["grade", str(orders), "--as-of", AS_OF, "-o", "-", "--format", "jsonl", "--lang", "en"], encoding)
    assert proc.returncode == 0, proc.stderr.decode(encoding, "replace")
    assert b'"customer_name": "' + NAME.encode("utf-8") + b'"' in proc.stdout
    records = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert [r["customer_name"] for r in records] == [NAME, "Beta"]
    summary = proc.stderr.decode(encoding)
    assert f" {shown(NAME, encoding)} " in summary and "As-of date: 2026-06-30" in summary
    # A JSON array goes through the same stream; in process, its bytes are UTF-8 too.
    array = invoke(runner, ["grade", str(orders), "--as-of", AS_OF, "-o", "-", "--format", "json", "-q"])
    assert [r["customer_name"] for r in json.loads(array.stdout_bytes.decode("utf-8"))] == [NAME, "Beta"]


@pytest.mark.parametrize("encoding", CONSOLES)
def test_an_error_naming_the_file_is_one_line_and_a_hint(tmp_path, encoding):
    missing = tmp_path / f"{NAME}.csv"
    proc = run(["grade", str(missing), "-o", str(tmp_path / "g.csv")], encoding)
    assert (proc.returncode, proc.stdout) == (1, b"")
    assert proc.stderr.decode(encoding) == (
        f"Error: {shown(str(missing), encoding)}: file not found\n  hint: check the path and the spelling\n"
    )


@pytest.mark.parametrize("encoding", CONSOLES)
def test_compare_csv_on_stdout_is_utf8_and_its_table_shows_what_the_console_can(tmp_path, encoding):
    before, after = tmp_path / "before.csv", tmp_path / "after.csv"
    before.write_text("customer_id,tier\nC2,key\n", encoding="utf-8")
    after.write_text("customer_id,tier\nC2,key\nÑ客1,normal\n", encoding="utf-8")
    proc = run(["compare", str(before), str(after), "--format", "csv"], encoding)
    assert (proc.returncode, proc.stderr) == (0, b""), proc.stderr.decode(encoding, "replace")
    assert proc.stdout == "customer_id,previous_tier,tier,tier_change\nÑ客1,,normal,new\n".encode()
    table = run(["compare", str(before), str(after)], encoding)
    assert (table.returncode, table.stderr) == (0, b"")
    assert f" {shown('Ñ客1', encoding)} " in table.stdout.decode(encoding)


def test_bom_on_stdout_only_when_asked(runner, orders):
    plain = invoke(runner, ["grade", str(orders), "--as-of", AS_OF, "-o", "-", "-q"]).stdout_bytes
    marked = invoke(runner, ["grade", str(orders), "--as-of", AS_OF, "-o", "-", "-q", "--bom"]).stdout_bytes
    assert plain.startswith(b"customer_id,") and marked == BOM + plain


def test_bom_on_csv_files_only_when_asked(runner, orders, tmp_path):
    plain, marked = tmp_path / "plain.csv", tmp_path / "marked.csv"
    problems = tmp_path / "p.csv"
    invoke(runner, ["grade", str(orders), "--as-of", AS_OF, "-o", str(plain), "-q"])
    args = ["grade", str(orders), "--as-of", AS_OF, "-o", str(marked), "-q", "--bom", "--problems", str(problems)]
    assert invoke(runner, args).exit_code == 0
    assert marked.read_bytes() == BOM + plain.read_bytes()
    assert problems.read_bytes() == BOM + b"file,sheet,row,line,column,value,reason_code,reason\n"
    # custseg reads its own marked CSV back (as a previous grading).
    again = invoke(runner, ["grade", str(orders), "--as-of", AS_OF, "-o", "-", "-q", "--previous", str(marked)])
    rows = list(csv.DictReader(io.StringIO(again.stdout)))
    assert [(r["customer_name"], r["tier_change"]) for r in rows] == [(NAME, "same"), ("Beta", "same")]


def test_bom_with_a_workbook_only_marks_the_problems_csv(runner, orders, tmp_path):
    problems = tmp_path / "p.csv"
    args = ["grade", str(orders), "--as-of", AS_OF, "-o", str(tmp_path / "g.xlsx"), "-q", "--bom"]
    assert invoke(runner, [*args, "--problems", str(problems)]).exit_code == 0
    assert problems.read_bytes().startswith(BOM + b"file,")


@pytest.mark.parametrize(
    "args",
    [["-o", "-", "--format", "json"], ["-o", "g.jsonl"], ["-o", "g.xlsx"], []],
)
def test_bom_without_csv_is_a_usage_error(runner, orders, tmp_path, args, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(runner, ["grade", str(orders), "--as-of", AS_OF, "--bom", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --bom applies to CSV output, and this run writes ")
    assert list(tmp_path.iterdir()) == [orders]
