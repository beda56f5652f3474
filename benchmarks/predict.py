"""What the predict stage adds to grade(): in-process, alternating with and without it, in one session.

    python benchmarks/predict.py [--lines 1000000] [--rounds 3] [--model mbgnbd]

The machine's speed drifts over minutes, so only side-by-side runs compare (see README.md).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pandas as pd

import custseg.api
from custseg.api import GradeOptions, grade
from custseg.config.rules import Rules

DATA = Path(__file__).resolve().parent / "data"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", default="mbgnbd")
    args = parser.parse_args()
    orders = DATA / f"orders_{args.lines}.csv"
    if not orders.exists():
        raise SystemExit(f"make it first: python benchmarks/generate.py {args.lines}")
    rules = Rules()
    rules.predict.model = args.model
    times: dict[bool, list[float]] = {True: [], False: []}
    stage: list[float] = []

    def timed(*args, **kwargs):  # the stage alone, as grade() calls it
        start = time.perf_counter()
        out = real_stage(*args, **kwargs)
        if out[1] is not None:
            stage.append(time.perf_counter() - start)
        return out

    real_stage = custseg.api.with_predictions
    custseg.api.with_predictions = timed
    report = None
    with pd.option_context("mode.string_storage", "python"):
        grade(orders, rules=rules, as_of="2026-10-31", options=GradeOptions(rates_file=DATA / "rates.csv"))  # warm
        stage.clear()
        for _ in range(args.rounds):
            for on in (False, True):
                opts = GradeOptions(rates_file=DATA / "rates.csv", predict=on)
                start = time.perf_counter()
                result = grade(orders, rules=rules, as_of="2026-10-31", options=opts)
                times[on].append(time.perf_counter() - start)
                report = result.prediction or report
    ratios = [b - a for a, b in zip(times[False], times[True], strict=True)]
    print(f"without predict: {', '.join(f'{t:.2f}' for t in times[False])} s")
    print(f"with predict:    {', '.join(f'{t:.2f}' for t in times[True])} s")
    added = ", ".join(f"{d:+.2f}" for d in ratios)
    print(f"added (round by round): {added} s; median {statistics.median(ratios):+.2f} s")
    print(f"the stage alone: {', '.join(f'{t:.2f}' for t in stage)} s")
    assert report is not None and report.fit is not None
    print(
        f"{report.model}: {report.customers} customers, {report.repeat_buyers} repeat buyers, "
        f"{report.fit.rows} distinct (x, t_x, T) rows, converged={report.fit.converged}, "
        f"corr(spend, frequency)={report.spend_frequency_correlation}"
    )


if __name__ == "__main__":
    main()
