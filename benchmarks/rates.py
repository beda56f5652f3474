"""The cost of the ECB reference rates against fixed rates, on the benchmark's order lines.

    python benchmarks/rates.py [--lines 1000000] [--rounds 7] [--grade]

Times the money stage (building the rates and converting every line, what changes between the two) in
one process, fixed and reference alternated in each round; with ``--grade`` also whole ``grade()`` calls
on the CSV, fixed rates file against no rates. Prints the medians and the per-round differences.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
FIXED = "currency,rate\nEUR,1.08\nCNY,0.14\nGBP,1.27\n"


def lines_of(csv: Path) -> pd.DataFrame:
    """The order lines as the money stage takes them (used, currency as a categorical)."""
    raw = pd.read_csv(csv, usecols=["下单日期", "金额", "币种"], dtype={"币种": str})
    return pd.DataFrame(
        {
            "file": csv.name,
            "sheet": "",
            "row": range(2, len(raw) + 2),
            "order_date": pd.to_datetime(raw["下单日期"], format="%Y-%m-%d"),
            "amount": raw["金额"].astype(float),
            "currency": pd.Categorical(raw["币种"]),
            "disposition": pd.Categorical(["used"] * len(raw)),
        }
    )


def money_stage(lines: pd.DataFrame, rates_file: Path | None) -> float:
    from custseg.core.money import currencies_in_use, to_base_currency
    from custseg.input.rates import build_rates

    work = lines.copy()
    start = time.perf_counter()
    rates = build_rates("USD", rates_file, {}, currencies_in_use(work, "USD"))
    to_base_currency(work, rates)
    return time.perf_counter() - start


def grade_once(csv: Path, rates_file: Path | None) -> float:
    from custseg.api import GradeOptions, grade

    start = time.perf_counter()
    with pd.option_context("mode.string_storage", "python"):
        grade(csv, as_of="2026-10-31", options=GradeOptions(rates_file=rates_file, base_currency="USD"))
    return time.perf_counter() - start


def report(name: str, fixed: list[float], reference: list[float]) -> None:
    diffs = [r - f for f, r in zip(fixed, reference, strict=True)]
    print(
        f"{name}: fixed {statistics.median(fixed):.3f} s, reference {statistics.median(reference):.3f} s; "
        f"difference per round median {statistics.median(diffs):+.3f} s "
        f"(range {min(diffs):+.3f} to {max(diffs):+.3f}); rounds {len(diffs)}"
    )
    print("  fixed:     " + ", ".join(f"{t:.3f}" for t in fixed))
    print("  reference: " + ", ".join(f"{t:.3f}" for t in reference))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--grade", action="store_true", help="also time whole grade() calls")
    args = parser.parse_args()
    csv = HERE / "data" / f"orders_{args.lines}.csv"
    if not csv.exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(args.lines)], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        fixed_file = Path(tmp) / "fixed.csv"
        fixed_file.write_text(FIXED, encoding="utf-8")
        lines = lines_of(csv)
        money_stage(lines, fixed_file), money_stage(lines, None)  # warm the imports and the file cache
        fixed, reference = [], []
        for _ in range(args.rounds):
            fixed.append(money_stage(lines, fixed_file))
            reference.append(money_stage(lines, None))
        report(f"money stage, {len(lines):,} lines", fixed, reference)
        if args.grade:
            fixed, reference = [], []
            for _ in range(max(args.rounds // 2, 3)):
                fixed.append(grade_once(csv, fixed_file))
                reference.append(grade_once(csv, None))
            report("grade()", fixed, reference)


if __name__ == "__main__":
    main()
