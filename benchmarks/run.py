"""Time whole commands on generated exports: custseg, the hand-written baseline and the floor.

    python benchmarks/run.py                       # 1M-line CSV and 500k-line XLSX, 3 runs each
    python benchmarks/run.py --lines 5000000 10000000 --repeat 1 --csv-only --skip-baseline --xlsx-lines 0

Generates missing data with generate.py (kept out of git), runs every command in a fresh process,
and prints a Markdown table of the median wall time, the peak memory (max RSS) and custseg's ratio to
the baseline. Results are also written to benchmarks/results/latest.json.
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


def measure(name: str, cmd: list[str], repeat: int) -> dict[str, object]:
    runs = [timed(cmd) for _ in range(repeat)]
    result = {"name": name, "seconds": statistics.median(r[0] for r in runs),
              "peak_mb": max(r[1] for r in runs), "runs": [round(r[0], 3) for r in runs]}
    print(f"  {name}: {result['seconds']:.2f} s, {result['peak_mb']:.0f} MB", file=sys.stderr)
    return result


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
    results = [measure("custseg --help", custseg + ["--help"], max(args.repeat, 5))]
    for lines in args.lines:
        src = ensure(lines, xlsx=False)
        rates = str(DATA / "rates.csv")
        common = ["--rates", rates, "--as-of", "2026-10-31", "-q"]
        print(f"{lines:,}-line CSV", file=sys.stderr)
        if not args.csv_only:
            results.append(measure(f"custseg {lines:,} CSV -> XLSX", custseg + ["grade", str(src), "-o",
                                                                                  str(out / "g.xlsx"), *common],
                                   args.repeat))
        results.append(measure(f"custseg {lines:,} CSV -> CSV", custseg + ["grade", str(src), "-o", str(out / "g.csv"),
                                                                            *common], args.repeat))
        if not args.skip_baseline:
            results.append(measure(f"baseline {lines:,} CSV -> XLSX", [PY, str(HERE / "baseline.py"), str(src),
                                                                        str(out / "b.xlsx")], args.repeat))
            results.append(measure(f"floor {lines:,} CSV -> XLSX", [PY, str(HERE / "floor.py"), str(src),
                                                                     str(out / "f.xlsx")], args.repeat))
    if args.xlsx_lines:
        src = ensure(args.xlsx_lines, xlsx=True)
        print(f"{args.xlsx_lines:,}-line XLSX", file=sys.stderr)
        results.append(measure(f"custseg {args.xlsx_lines:,} XLSX -> XLSX", custseg + [
            "grade", str(src), "-o", str(out / "gx.xlsx"), "--rates", str(DATA / "rates.csv"), "--as-of", "2026-10-31",
            "-q"], args.repeat))
        if not args.skip_baseline:
            # Three runs of the slow baseline too: alone it moves between about 80 and 110 s here.
            results.append(measure(f"baseline {args.xlsx_lines:,} XLSX -> XLSX", [
                PY, str(HERE / "baseline.py"), str(src), str(out / "bx.xlsx")], args.repeat))
            results.append(measure(f"floor {args.xlsx_lines:,} XLSX -> XLSX", [
                PY, str(HERE / "floor.py"), str(src), str(out / "fx.xlsx")], args.repeat))
    by_name = {r["name"]: r for r in results}
    print("| command | median s | peak MB | vs baseline | vs floor |")
    print("| --- | --- | --- | --- | --- |")
    for r in results:
        name = str(r["name"])
        ratio = floor = ""
        if name.startswith("custseg") and "->" in name:
            size, kind = name.split()[1], name.split()[2]
            base = by_name.get(f"baseline {size} {kind} -> XLSX")
            fl = by_name.get(f"floor {size} {kind} -> XLSX")
            ratio = f"{r['seconds'] / base['seconds']:.2f}x" if base else ""
            floor = f"{r['seconds'] / fl['seconds']:.2f}x" if fl else ""
        print(f"| {name} | {r['seconds']:.2f} | {r['peak_mb']:.0f} | {ratio} | {floor} |")
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
