"""--max-problems takes a count or a percentage of rows read, neither below zero nor NaN; anything else is a
usage error (exit 2) before a file is read."""

from __future__ import annotations

import pytest
from conftest import invoke

HINT = "  hint: e.g. --max-problems 100 or 5%\n"


@pytest.mark.parametrize("value", ["many", "5.5", "%", "-1", "-5%", "nan%", "inf%", "NaN"])
def test_a_bad_max_problems_is_exit_2_and_reads_nothing(runner, tmp_path, value):
    # The input does not exist: a usage error must come first.
    out = tmp_path / "g.csv"
    result = invoke(runner, ["grade", str(tmp_path / "missing.csv"), "-o", str(out), f"--max-problems={value}"])
    assert result.exit_code == 2
    assert result.stderr == f"Error: --max-problems {value!r} is not a count or a percentage\n{HINT}"
    assert not out.exists()


@pytest.mark.parametrize(("value", "code"), [("0", 3), ("2", 0), ("0%", 3), ("11.7%", 3), ("11.8%", 0), ("100%", 0)])
def test_the_limit_is_a_count_or_a_share_of_rows_read(runner, core_csv, tmp_path, value, code):
    # The core example: 2 problem rows of 17 read, 11.76%.
    args = ["grade", str(core_csv), "--as-of", "2026-06-30", "-o", str(tmp_path / "g.csv"), "-q"]
    assert invoke(runner, [*args, "--max-problems", value]).exit_code == code
