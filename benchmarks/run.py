"""Time whole commands on generated exports: custseg, the hand-written baseline and the floor.

    python benchmarks/run.py                       # 1M-line CSV and 500k-line XLSX, 3 runs each
    python benchmarks/run.py --lines 5000000 10000000 --repeat 1 --csv-only --skip-baseline --xlsx-lines 0

Generates missing data with generate.py (kept out of git), runs every command in a fresh process,
and prints a Markdown table of the median wall time, the peak memory (max RSS) and custseg's ratio to
the baseline and the floor. The commands on one input run in rounds, each once per round, so that a
ratio compares runs made side by side: a shared machine's speed drifts by 10-40% over minutes. The
ratio shown is the median of the per-round ratios, with their range. Results are also written to
benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
PY = sys.executable


def timed(cmd: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one run of ``cmd`` in a child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 3):
        raise SystemExit(f"failed ({code}): {' '.join(cmd)}\n{err}")
    return seconds, usage.ru_maxrss / 1024


def measure(commands: list[tuple[str, list[str]]], repeat: int) -> list[dict[str, object]]:
    """Each command once per round, ``repeat`` rounds."""
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in commands}
    for _ in range(repeat):
        for name, cmd in commands:
            runs[name].append(timed(cmd))
    results: list[dict[str, object]] = []
    for name, _ in commands:
        rs = runs[name]
        result = {
            "name": name,
            "seconds": statistics.median(r[0] for r in rs),
            "peak_mb": max(r[1] for r in rs),
            "runs": [round(r[0], 3) for r in rs],
        }
        print(
            f"  {name}: {result['seconds']:.2f} s ({', '.join(f'{r[0]:.2f}' for r in rs)}), {result['peak_mb']:.0f} MB",
            file=sys.stderr,
        )
        results.append(result)
    return results


def ratio(runs: list[float], against: list[float]) -> str:
    """The median of the per-round ratios, and their range when there are several."""
    each = sorted(a / b for a, b in zip(runs, against, strict=True))
    mid = statistics.median(each)
    return f"{mid:.2f}x" + (f" ({each[0]:.2f}-{each[-1]:.2f})" if len(each) > 1 else "")


def ensure(lines: int, xlsx: bool) -> Path:
    target = DATA / (f"orders_{lines}.xlsx" if xlsx else f"orders_{lines}.csv")
    if not target.exists():
        subprocess.run([PY, str(HERE / "generate.py"), str(lines)] + (["--xlsx"] if xlsx else []), check=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--xlsx-lines", type=int, default=500_000, help="0 to skip the XLSX input")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-baseline", action="store_true", help="time custseg only (for 5M/10M)")
    parser.add_argument("--csv-only", action="store_true", help="only CSV output (for 5M/10M lines)")
    args = parser.parse_args()
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    custseg = [PY, "-m", "custseg"]
    results = measure([("custseg --help", custseg + ["--help"])], max(args.repeat, 5))
    for lines in args.lines:
        src = ensure(lines, xlsx=False)
        rates = str(DATA / "rates.csv")
        common = ["--rates", rates, "--as-of", "2026-10-31", "-q"]
        print(f"{lines:,}-line CSV", file=sys.stderr)
        commands = []
        if not args.csv_only:
            commands.append(
                (f"custseg {lines:,} CSV -> XLSX", custseg + ["grade", str(src), "-o", str(out / "g.xlsx"), *common])
            )
        commands.append(
            (f"custseg {lines:,} CSV -> CSV", custseg + ["grade", str(src), "-o", str(out / "g.csv"), *common])
        )
        if not args.skip_baseline:
            commands.append(
                (f"baseline {lines:,} CSV -> XLSX", [PY, str(HERE / "baseline.py"), str(src), str(out / "b.xlsx")])
            )
            commands.append(
                (f"floor {lines:,} CSV -> XLSX", [PY, str(HERE / "floor.py"), str(src), str(out / "f.xlsx")])
            )
        results += measure(commands, args.repeat)
    if args.xlsx_lines:
        src = ensure(args.xlsx_lines, xlsx=True)
        print(f"{args.xlsx_lines:,}-line XLSX", file=sys.stderr)
        commands = [
            (
                f"custseg {args.xlsx_lines:,} XLSX -> XLSX",
                custseg
                + [
                    "grade",
                    str(src),
                    "-o",
                    str(out / "gx.xlsx"),
                    "--rates",
                    str(DATA / "rates.csv"),
                    "--as-of",
                    "2026-10-31",
                    "-q",
                ],
            )
        ]
        if not args.skip_baseline:
            # The slow baseline runs as often as custseg: alone it moves between about 80 and 110 s here.
            commands.append(
                (
                    f"baseline {args.xlsx_lines:,} XLSX -> XLSX",
                    [PY, str(HERE / "baseline.py"), str(src), str(out / "bx.xlsx")],
                )
            )
            commands.append(
                (
                    f"floor {args.xlsx_lines:,} XLSX -> XLSX",
                    [PY, str(HERE / "floor.py"), str(src), str(out / "fx.xlsx")],
                )
            )
        results += measure(commands, args.repeat)
    by_name = {r["name"]: r for r in results}
    print("| command | median s | peak MB | vs baseline | vs floor |")
    print("| --- | --- | --- | --- | --- |")
    for r in results:
        name = str(r["name"])
        vs_base = vs_floor = ""
        if name.startswith("custseg") and "->" in name:
            size, kind = name.split()[1], name.split()[2]
            base = by_name.get(f"baseline {size} {kind} -> XLSX")
            fl = by_name.get(f"floor {size} {kind} -> XLSX")
            vs_base = ratio(r["runs"], base["runs"]) if base else ""  # type: ignore[arg-type]
            vs_floor = ratio(r["runs"], fl["runs"]) if fl else ""  # type: ignore[arg-type]
        print(f"| {name} | {r['seconds']:.2f} | {r['peak_mb']:.0f} | {vs_base} | {vs_floor} |")
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
