"""The command line, through Typer's CliRunner and one real subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import CORE_AS_OF, CORE_CSV, invoke

from custseg import __version__

DATA = Path(__file__).parents[1] / "data"


def test_version(runner):
    result = invoke(runner, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"custseg {__version__}"


def test_csv_to_stdout_is_data_only(runner, core_csv):
    result = invoke(runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF, "-o", "-"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    a = next(r for r in rows if r["customer_id"] == "A")
    assert (a["recency_days"], a["frequency"], a["monetary"], a["rfm_score"], a["tier"]) == (
        "10",
        "3",
        "3000.0",
        "534",
        "vip",
    )
    assert a["first_order_date"] == "2026-03-01"
    e = next(r for r in rows if r["customer_id"] == "E")
    assert (e["recency_days"], e["r_score"], e["segment"], e["tier"]) == ("", "", "", "potential")
    # The summary went to stderr, so stdout parses as CSV from its first byte.
    assert result.stdout.startswith("customer_id,customer_name,country,")
    assert "评估日期" in result.stderr


def test_stdin_and_file_give_the_same_output(runner, core_csv):
    from_file = invoke(runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF, "-o", "-", "-q"])
    from_stdin = invoke(runner, ["grade", "-", "--as-of", CORE_AS_OF, "-o", "-", "-q"], input=CORE_CSV.encode())
    assert from_stdin.exit_code == 0
    assert from_stdin.stdout == from_file.stdout


def test_json_and_jsonl(runner, core_csv, tmp_path):
    out = tmp_path / "g.json"
    invoke(runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF, "-o", str(out), "-q"])
    data = json.loads(out.read_text(encoding="utf-8"))
    d = next(r for r in data if r["customer_id"] == "D")
    assert d["tags"] == ["refunds", "single_category"] and d["trade_blocs"] == ["ASEAN", "RCEP"]
    assert d["monetary"] == 200.0 and d["is_domestic"] is False
    e = next(r for r in data if r["customer_id"] == "E")
    assert e["recency_days"] is None and e["r_score"] is None
    result = invoke(runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF, "-o", "-", "--format", "jsonl", "-q"])
    lines = result.stdout.splitlines()
    assert len(lines) == 6 and json.loads(lines[0])["customer_id"] == "A"


def test_default_output_goes_beside_the_input_with_the_as_of_date(runner, core_csv):
    from custseg.config.rules import Rules
    from custseg.input.previous import read_previous

    result = invoke(runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF])
    assert result.exit_code == 0
    assert invoke(runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF, "--lang", "en", "-q"]).exit_code == 0
    # By hand, to 2026-06-30: A = 600 + 400 + 500 + 1,500 (O10 is after the as-of date); C = 2 x 5,000;
    # D = 300 - 100 (O8 cancelled); E's only order cancelled; F a refund of 50.
    for name, sheet in (
        ("orders_客户分级_2026-06-30.xlsx", "客户分级"),
        ("orders_graded_2026-06-30.xlsx", "Customers"),
    ):
        book = core_csv.parent / name
        opened = openpyxl.load_workbook(book, read_only=True)
        opened.close()  # a read-only workbook holds its file open until closed
        assert opened.sheetnames[0] == sheet
        graded = read_previous(book, Rules()).set_index("customer_id")
        assert graded["monetary"].to_dict() == {"A": 3000.0, "B": 200.0, "C": 10000.0, "D": 200.0, "E": 0.0, "F": -50.0}


def test_usage_errors_exit_2(runner, core_csv):
    assert invoke(runner, ["grade", str(core_csv), "--as-of", "30/06/2026"]).exit_code == 2
    assert invoke(runner, ["grade", str(core_csv), "--dayfirst", "--monthfirst"]).exit_code == 2
    assert invoke(runner, ["grade", "-"], input=CORE_CSV).exit_code == 2  # stdin needs -o
    assert invoke(runner, ["grade", str(core_csv), "-o", "out.txt"]).exit_code == 2
    assert invoke(runner, ["grade", str(core_csv), "--map", "nonsense"]).exit_code == 2
    assert invoke(runner, ["grade"]).exit_code == 2


def test_missing_file_is_exit_1_with_the_name(runner, tmp_path):
    result = invoke(runner, ["grade", str(tmp_path / "nope.csv"), "-o", "-"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tmp_path / 'nope.csv'}: file not found")


def test_output_never_overwrites_an_input(runner, core_csv):
    before = core_csv.read_bytes()
    result = invoke(runner, ["grade", str(core_csv), "-o", str(core_csv)])
    assert result.exit_code == 1 and "would overwrite the input" in result.stderr
    assert core_csv.read_bytes() == before


def _problems_csv(runner, source: Path, tmp_path: Path) -> list[dict[str, str]]:
    """The --problems CSV of grading ``source``, as dicts."""
    problems = tmp_path / "p.csv"
    args = ["grade", str(source), "--as-of", "2026-02-01", "-o", str(tmp_path / "g.csv"), "--problems", str(problems)]
    assert invoke(runner, [*args, "-q"]).exit_code == 0
    return list(csv.DictReader(io.StringIO(problems.read_text(encoding="utf-8"))))


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
@pytest.mark.parametrize("title", [False, True], ids=["header-first", "title-line"])
def test_problem_row_is_the_spreadsheet_row_and_line_the_text_line(runner, tmp_path, newline, title):
    """A spreadsheet counts records, a text editor lines; they part at a quoted field that holds line
    breaks. Counted by hand, without the title line:
        customer_id,order_date,amount,note          record 1 (header)       line 1
        A,2026-01-01,5,x                            record 2                line 2
        B,2026-01-02,6,"first / second / third"     record 3, two breaks    lines 3-5
        C,2026-01-03,7,y                            record 4                line 6
        D,not a date,8,z                            record 5                line 7
    so the bad date is on row 5 and line 7; a title line above the header moves both down by one."""
    records = [
        "customer_id,order_date,amount,note",
        "A,2026-01-01,5,x",
        f'B,2026-01-02,6,"first{newline}second{newline}third"',
        "C,2026-01-03,7,y",
        "D,not a date,8,z",
    ]
    if title:
        records.insert(0, "Orders 2026")
    p = tmp_path / "o.csv"
    p.write_bytes(newline.join(records).encode("utf-8") + newline.encode())
    rows = _problems_csv(runner, p, tmp_path)
    assert len(rows) == 1 and list(rows[0]) == [
        "file",
        "sheet",
        "row",
        "line",
        "column",
        "value",
        "reason_code",
        "reason",
    ]
    row, line = (6, 8) if title else (5, 7)
    assert (rows[0]["row"], rows[0]["line"], rows[0]["reason_code"]) == (str(row), str(line), "bad_date")


def test_terminal_shows_the_text_line_only_where_it_differs_from_the_row(runner, core_csv, tmp_path):
    p = tmp_path / "o.csv"
    p.write_text(
        'customer_id,order_date,amount,note\nA,2026-01-01,5,"two\nlines"\nB,not a date,8,z\n', encoding="utf-8"
    )
    for source, shown in ((p, True), (core_csv, False)):
        args = ["grade", str(source), "--as-of", CORE_AS_OF, "-o", str(tmp_path / "g.csv"), "--lang", "en"]
        result = invoke(runner, args)
        assert result.exit_code == 0 and ("Text line" in result.stdout) == shown


def test_workbook_problem_rows_have_no_text_line(runner, tmp_path):
    """A sheet has rows only: the row is the sheet's (header on row 1, the 4th record on row 5), the line empty."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["customer_id", "order_date", "amount", "note"])
    ws.append(["A", "2026-01-01", 5, "x"])
    ws.append(["B", "2026-01-02", 6, "first\nsecond\nthird"])
    ws.append(["C", "2026-01-03", 7, "y"])
    ws.append(["D", "not a date", 8, "z"])
    p = tmp_path / "o.xlsx"
    wb.save(p)
    rows = _problems_csv(runner, p, tmp_path)
    assert [(r["sheet"], r["row"], r["line"], r["reason_code"]) for r in rows] == [(ws.title, "5", "", "bad_date")]
    out = tmp_path / "g.xlsx"
    assert invoke(runner, ["grade", str(p), "--as-of", "2026-02-01", "-o", str(out), "-q"]).exit_code == 0
    sheet = openpyxl.load_workbook(out)["问题数据"]
    assert [[c.value for c in r] for r in sheet.iter_rows(min_row=2, min_col=2, max_col=4)] == [[ws.title, 5, None]]


def test_max_problems_gives_exit_3_and_still_writes(runner, core_csv, tmp_path):
    out = tmp_path / "o.csv"
    problems = tmp_path / "p.csv"
    result = invoke(
        runner,
        [
            "grade",
            str(core_csv),
            "--as-of",
            CORE_AS_OF,
            "-o",
            str(out),
            "--problems",
            str(problems),
            "--max-problems",
            "1",
            "-q",
        ],
    )
    assert result.exit_code == 3
    assert "2 problem rows" in result.stderr
    graded = {r["customer_id"]: r["monetary"] for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    assert graded == {"A": "3000.0", "B": "200.0", "C": "10000.0", "D": "200.0", "E": "0.0", "F": "-50.0"}
    rows = list(csv.DictReader(io.StringIO(problems.read_text(encoding="utf-8"))))
    assert [(r["row"], r["reason_code"]) for r in rows] == [
        ("13", "unknown_country"),
        ("16", "bad_date"),
        ("17", "missing_customer"),
    ]
    assert (
        invoke(
            runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF, "-o", str(out), "--max-problems", "20%", "-q"]
        ).exit_code
        == 0
    )
    assert (
        invoke(
            runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF, "-o", str(out), "--max-problems", "5%", "-q"]
        ).exit_code
        == 3
    )


def test_quiet_prints_nothing(runner, core_csv, tmp_path):
    result = invoke(runner, ["grade", str(core_csv), "-o", str(tmp_path / "o.xlsx"), "-q"])
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""


def test_summary_json(runner, core_csv, tmp_path):
    target = tmp_path / "s.json"
    invoke(
        runner,
        [
            "grade",
            str(core_csv),
            "--as-of",
            CORE_AS_OF,
            "-o",
            str(tmp_path / "o.csv"),
            "--summary-json",
            str(target),
            "-q",
        ],
    )
    s = json.loads(target.read_text(encoding="utf-8"))
    assert s["as_of"] == "2026-06-30" and s["customers"] == 6
    assert s["reconciliation"]["problem"] == 2
    assert [(t["key"], t["customers"]) for t in s["tiers"]] == [("vip", 1), ("key", 0), ("normal", 3), ("potential", 2)]


def test_csv_safe_escapes_formula_triggers(runner, tmp_path):
    p = tmp_path / "o.csv"
    p.write_text(
        'customer_id,customer_name,order_date,amount\nA,"=HYPERLINK(""http://x"")",2026-01-01,5\n'
        "B,+cmd,2026-01-01,-5\n",
        encoding="utf-8",
    )
    plain = invoke(runner, ["grade", str(p), "-o", "-", "-q"]).stdout
    safe = invoke(runner, ["grade", str(p), "-o", "-", "-q", "--csv-safe"]).stdout
    assert '=HYPERLINK(""http://x"")' in plain
    rows = list(csv.DictReader(io.StringIO(safe)))
    assert rows[0]["customer_name"] == '\'=HYPERLINK("http://x")' and rows[1]["customer_name"] == "'+cmd"
    assert rows[1]["monetary"] == "-5.0"  # numbers are not escaped


def test_inspect_shows_what_it_sees(runner):
    result = invoke(runner, ["inspect", str(DATA / "cp1252_semicolon.csv"), str(DATA / "title_rows.xlsx")])
    assert result.exit_code == 0
    out = result.stdout
    assert "encoding cp1252, delimiter semicolon" in out
    assert "'Order Date'" in out and "-> order_date" in out
    assert "dates: dayfirst" in out and "amounts: decimal comma" in out
    assert "sheet '订单明细'" in out and "header on row 3" in out
    assert "rows: blank 1, total 1, used 4" in out


def test_subprocess_end_to_end(tmp_path):
    src = tmp_path / "orders.csv"
    src.write_text(CORE_CSV, encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "custseg", "grade", str(src), "--as-of", CORE_AS_OF, "-o", "-"],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode("utf-8").splitlines()[1].startswith("A,Alpha Ltd,美国,2026-03-01,2026-06-20,10,3,3000.0")
    assert b"\x1b[" not in proc.stderr  # no colour codes when not a terminal
    bad = subprocess.run(
        [sys.executable, "-m", "custseg", "grade", str(tmp_path / "missing.csv"), "-o", "-"],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 1 and b"Traceback" not in bad.stderr


def test_subprocess_ends_with_every_output_written_and_its_exit_code(tmp_path):
    """The entry point ends the process without the interpreter's teardown: what it wrote to a pipe and to
    files must all be there, and each exit code must come through."""
    src = tmp_path / "orders.csv"
    src.write_text(
        "customer_id,order_id,order_date,amount\n"
        + "".join(f"C{i:05d},O{i},2026-0{1 + i % 9}-1{i % 10},{100 + i}\n" for i in range(5000)),
        encoding="utf-8",
    )
    # Buffered output, as a pipe gets by default: what is left in the buffer must still come out.
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}, "NO_COLOR": "1"}
    book = tmp_path / "g.xlsx"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "custseg",
            "grade",
            str(src),
            "--as-of",
            "2026-10-31",
            "-o",
            "-",
            "--problems",
            str(tmp_path / "p.csv"),
        ],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    rows = proc.stdout.decode("utf-8").splitlines()
    assert len(rows) == 5001 and rows[-1].startswith("C04999,")  # far more than a pipe's buffer, all of it
    proc = subprocess.run(
        [sys.executable, "-m", "custseg", "grade", str(src), "--as-of", "2026-10-31", "-o", str(book), "-q"],
        capture_output=True,
        env=env,
        timeout=120,
    )
    opened = openpyxl.load_workbook(book, read_only=True)
    rows = opened["客户分级"].max_row
    opened.close()  # a read-only workbook holds its file open until closed
    assert proc.returncode == 0 and rows == 5001
    usage = subprocess.run(
        [sys.executable, "-m", "custseg", "grade", str(src), "--no-such-option"],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert usage.returncode == 2 and b"No such option" in usage.stderr
    version = subprocess.run([sys.executable, "-m", "custseg", "--version"], capture_output=True, env=env, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith(b"custseg ")  # print()ed, flushed only at the end


@pytest.mark.parametrize(
    "command",
    [
        ["--help"],
        ["grade", "--help"],
        ["rules", "--help"],
        ["inspect", "--help"],
        ["history", "--help"],
        ["compare", "--help"],
    ],
)
def test_every_command_has_help(runner, command):
    result = invoke(runner, command)
    assert result.exit_code == 0 and "Usage:" in result.stdout


def test_help_does_not_import_pandas():
    code = "import sys; from custseg.cli.commands import app; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False"


def test_markup_in_customer_names_is_shown_as_written(runner, tmp_path):
    p = tmp_path / "o.csv"
    p.write_text(
        "customer_id,customer_name,order_date,amount\nA,[/bold] [red]Evil[/red],2026-01-01,5\n", encoding="utf-8"
    )
    result = invoke(runner, ["grade", str(p), "-o", str(tmp_path / "g.csv")])
    assert result.exit_code == 0, result.output
    assert "[/bold] [red]Evil[/red]" in result.stdout


def test_csv_written_in_chunks_is_the_same_file(runner, core_csv, monkeypatch):
    """Large tables are rendered 100k customers at a time; two-row chunks must give the same bytes."""
    import custseg.output.tabular

    args = ["grade", str(core_csv), "--as-of", CORE_AS_OF, "-o", "-", "-q", "--csv-safe"]
    whole = invoke(runner, args).stdout
    monkeypatch.setattr(custseg.output.tabular, "CSV_ROWS_PER_CHUNK", 2)
    chunked = invoke(runner, args).stdout
    assert chunked == whole
    assert chunked.count("customer_id,") == 1  # one header
    assert len(chunked.splitlines()) == 1 + 6  # A-F: three chunks of two customers


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_outputs_get_the_umask_mode_or_keep_the_replaced_files_mode(runner, core_csv, tmp_path):
    old = os.umask(0o027)
    try:
        new = tmp_path / "g.xlsx"
        assert invoke(runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF, "-o", str(new), "-q"]).exit_code == 0
        assert stat.S_IMODE(new.stat().st_mode) == 0o640  # not mkstemp's 0600
        kept = tmp_path / "g.csv"
        kept.write_text("old\n")
        kept.chmod(0o664)
        assert invoke(runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF, "-o", str(kept), "-q"]).exit_code == 0
        assert stat.S_IMODE(kept.stat().st_mode) == 0o664 and kept.read_text().startswith("customer_id")
    finally:
        os.umask(old)


def test_subprocess_with_options_before_the_input(tmp_path):
    src = tmp_path / "orders.csv"
    src.write_text(CORE_CSV, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "custseg", "grade", "--as-of", CORE_AS_OF, "-o", "-", "--csv-safe", str(src)],
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode("utf-8").splitlines()[1].startswith("A,Alpha Ltd,美国,2026-03-01,2026-06-20,10,3,3000.0")


def test_help_does_not_import_rich():
    code = "import sys; from custseg.cli.commands import app; print('rich' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False"


def test_library_warnings_never_reach_stderr_and_quiet_prints_nothing(tmp_path):
    """A warning a library raises while grading (here one planted in the reader) is not shown: -q prints
    nothing at all on a clean run, and the outputs are written."""
    src = tmp_path / "orders.csv"
    src.write_text(CORE_CSV, encoding="utf-8")
    plant = (
        "import warnings, custseg.input.read as r; real = r.read_source\n"
        "def noisy(*a, **k):\n"
        "    warnings.warn('ParserWarning: a library speaking', UserWarning)\n"
        "    return real(*a, **k)\n"
        "r.read_source = noisy\n"
        "import custseg.input.inputs as i; i.read_source = noisy\n"
        "from custseg.cli import main; main()\n"
    )
    out = tmp_path / "g.csv"
    args = ["grade", str(src), "--as-of", CORE_AS_OF, "-o", str(out), "-q"]
    proc = subprocess.run(
        [sys.executable, "-c", plant, *args], capture_output=True, env={**os.environ, "NO_COLOR": "1"}, timeout=120
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("A,Alpha Ltd,")


def test_two_separate_processes_write_the_same_bytes(tmp_path):
    """The same input and --as-of in two fresh interpreters (their own hash seeds, thread timing and
    import order) give the same CSV bytes and the same workbook parts; only docProps (the creation time)
    may differ."""
    import zipfile

    src = tmp_path / "orders.csv"
    src.write_text(CORE_CSV, encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1"}
    outputs = []
    for run in ("1", "2"):
        env["PYTHONHASHSEED"] = run  # differently seeded string hashes: no order may depend on them
        csv_out, book = tmp_path / f"g{run}.csv", tmp_path / f"g{run}.xlsx"
        for out in (csv_out, book):
            proc = subprocess.run(
                [sys.executable, "-m", "custseg", "grade", str(src), "--as-of", CORE_AS_OF, "-o", str(out), "-q"],
                capture_output=True,
                env=env,
                timeout=120,
            )
            assert proc.returncode == 0, proc.stderr.decode()
        with zipfile.ZipFile(book) as z:
            parts = {n: z.read(n) for n in z.namelist() if not n.startswith("docProps/")}
        outputs.append((csv_out.read_bytes(), parts))
    (csv1, parts1), (csv2, parts2) = outputs
    assert csv1 == csv2 and csv1.startswith(b"customer_id,")
    assert parts1.keys() == parts2.keys() and "xl/worksheets/sheet1.xml" in parts1
    assert [n for n in parts1 if parts1[n] != parts2[n]] == []
