"""The command line is a thin layer: it checks options before touching a file, calls the library, writes what
the library's writers write, and words the library's errors with its flags."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pandas as pd
import pytest
from conftest import CORE_AS_OF, invoke

import custseg

# Runs the console entry point on the arguments given and reports, as it ends, its exit code, whether
# pandas was imported and how often the file named first was opened (an audit hook sees every open()).
ENTRY_POINT = textwrap.dedent(
    """
    import os, sys, threading
    target, args = sys.argv[1], sys.argv[2:]
    opened = []
    sys.addaudithook(lambda event, a: opened.append(a[0]) if event == "open" and str(a[0]) == target else None)
    real_exit = os._exit

    def report(code):
        for thread in threading.enumerate():  # a read started on another thread has its chance to show
            if thread is not threading.current_thread():
                thread.join(5)
        print("REPORT", code, "pandas" in sys.modules, len(opened), flush=True)
        real_exit(code)

    os._exit = report
    sys.argv = ["custseg", *args]
    from custseg.cli import main
    main()
    """
)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--as-of", "bad"], 2),
        (["--help"], 0),
        (["--map", "nonsense"], 2),
        (["-o", "out.txt"], 2),
        (["--dayfirst", "--monthfirst"], 2),
    ],
)
def test_options_are_checked_before_pandas_or_the_file(core_csv, args, code):
    proc = subprocess.run(
        [sys.executable, "-c", ENTRY_POINT, str(core_csv), "grade", str(core_csv), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = [line for line in proc.stdout.splitlines() if line.startswith("REPORT")]
    assert report == [f"REPORT {code} False 0"], proc.stdout + proc.stderr


def test_a_grading_reads_the_file_in_the_same_harness(core_csv, tmp_path):
    """The harness above can fail: a real run opens the file and imports pandas."""
    out = tmp_path / "g.csv"
    proc = subprocess.run(
        [sys.executable, "-c", ENTRY_POINT, str(core_csv), "grade", str(core_csv), "-o", str(out), "-q"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = next(line for line in proc.stdout.splitlines() if line.startswith("REPORT")).split()
    assert report[1:3] == ["0", "True"] and int(report[3]) >= 1


def test_cli_json_equals_the_library_call_written_by_the_same_writer(runner, core_csv, tmp_path):
    out = tmp_path / "g.json"
    result = invoke(runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF, "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    graded = custseg.grade([core_csv], as_of=CORE_AS_OF)
    mine = tmp_path / "mine.json"
    custseg.write_table(graded.customers, mine)
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(mine.read_text(encoding="utf-8"))
    assert out.read_bytes() == mine.read_bytes()


def test_library_errors_name_no_flag_and_the_cli_names_it(runner, tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text("客户,日期\nA,2026-01-01\n", encoding="utf-8")
    with pytest.raises(custseg.InputError) as caught:
        custseg.grade([orders])
    assert caught.value.code == "missing_columns"
    assert caught.value.hint.startswith("name the columns in column_map, FIELD: HEADER (aliases tried: ")
    assert "--" not in str(caught.value)
    result = invoke(runner, ["grade", str(orders), "-o", "-"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {caught.value.message}\n  hint: name the columns with --map FIELD=HEADER")


def test_library_currency_error_names_no_flag_and_the_cli_names_them(runner, tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "customer_id,order_date,amount,currency\nA,2026-01-01,5,EUR\nB,2026-01-02,7,GBP\n", encoding="utf-8"
    )
    # A base the ECB's reference rates do not quote: nothing can convert the orders into it.
    with pytest.raises(custseg.CurrencyError) as caught:
        custseg.grade([orders], options=custseg.GradeOptions(base_currency="AED"))
    assert caught.value.hint == "give exchange rates into AED, or make one of those the base currency"
    result = invoke(runner, ["grade", str(orders), "-o", "-", "--base-currency", "AED"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {caught.value.message}\n"
        "  hint: pass --rates FILE with rates into AED, or --base-currency USD (or EUR, CNY ...: `custseg rates "
        "show` lists the currencies)\n"
    )


def test_progress_releases_memory_at_every_stage_and_grading_keeps_python_strings(runner, core_csv, monkeypatch):
    import custseg.api
    import custseg.cli.progress

    real_grade = custseg.api.grade
    stages: list[str] = []
    releases: list[int] = []
    storage: list[str] = []

    def spy(*args, progress, **kwargs):
        def seen(stage):
            stages.append(stage)
            progress(stage)

        storage.append(pd.get_option("mode.string_storage"))
        return real_grade(*args, progress=seen, **kwargs)

    monkeypatch.setattr(custseg.api, "grade", spy)
    monkeypatch.setattr(custseg.cli.progress, "release_free_memory", lambda: releases.append(len(stages)))
    result = invoke(runner, ["grade", str(core_csv), "--as-of", CORE_AS_OF, "-o", "-", "-q"])
    assert result.exit_code == 0
    assert stages[:2] == ["reading", "validating"] and stages[-1] == "classifying"
    # One release as each stage begins, and one more once grade() has returned, before the writing.
    assert releases == [*range(1, len(stages) + 1), len(stages)]
    assert storage == ["python"]


def test_the_chinese_terminal_names_the_as_of_source_and_the_files_in_chinese(runner, core_csv, tmp_path):
    out, problems = tmp_path / "g.csv", tmp_path / "p.csv"
    zh = invoke(runner, ["grade", str(core_csv), "-o", str(out), "--problems", str(problems)])
    assert "(最近订单日期)" in zh.stdout.splitlines()[0]
    assert f"问题数据: {problems}" in zh.stdout and f"客户表: {out}" in zh.stdout
    en = invoke(runner, ["grade", str(core_csv), "-o", str(out), "--as-of", "2026-06-30", "--lang", "en"])
    assert "(given)" in en.stdout.splitlines()[0] and f"customers: {out}" in en.stdout
