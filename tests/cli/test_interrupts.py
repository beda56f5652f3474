"""Ctrl-C and a reader that goes away, on a real process: exit 130 with every output as it was, and a quiet
exit when stdout is a pipe closed early (`custseg grade f.csv -o - | head -1`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ENV = {**os.environ, "NO_COLOR": "1"}


def big_csv(n: int) -> bytes:
    return (
        "customer_id,order_id,order_date,amount\n"
        + "".join(f"C{i:06d},O{i},2026-01-05,{i % 97 + 1}\n" for i in range(n))
    ).encode()


def blocked_on_stdin(pid: int) -> bool:
    """Whether the process sleeps reading a pipe (Linux: pipe_read or anon_pipe_read): then it is inside the
    command, past its imports."""
    try:
        return "pipe_read" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs /proc to see where the process waits")
def test_ctrl_c_while_reading_stdin_exits_130_and_changes_no_output(tmp_path):
    out, problems = tmp_path / "g.csv", tmp_path / "p.csv"
    out.write_text("last month\n", encoding="utf-8")
    problems.write_text("last month's problems\n", encoding="utf-8")
    args = ["grade", "-", "-o", str(out), "--problems", str(problems)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "custseg", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
        cwd=tmp_path,
    )
    assert proc.stdin is not None
    proc.stdin.write(big_csv(20_000))  # half of an export: the rest never comes
    proc.stdin.flush()
    deadline = time.monotonic() + 30
    while not blocked_on_stdin(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    waiting = blocked_on_stdin(proc.pid)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    if not waiting:
        pytest.skip("the kernel does not say where a process waits")
    assert (proc.returncode, stdout, stderr) == (130, b"", b"Interrupted; no output was changed.\n")
    assert out.read_text(encoding="utf-8") == "last month\n"
    assert problems.read_text(encoding="utf-8") == "last month's problems\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.csv", "p.csv"]  # no temporary file left


def test_stdout_closed_after_the_first_line_is_a_quiet_exit(tmp_path):
    src = tmp_path / "orders.csv"
    src.write_bytes(big_csv(3_000))  # about 700 kB of CSV out: far more than a pipe holds
    proc = subprocess.Popen(
        [sys.executable, "-m", "custseg", "grade", str(src), "--as-of", "2026-01-31", "-o", "-"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()  # what `| head -1` reads before it exits
    proc.stdout.close()
    stderr = proc.stderr.read()
    proc.stderr.close()
    proc.wait(timeout=120)
    assert first.startswith(b"customer_id,customer_name,country,")
    assert proc.returncode == 0
    assert b"Traceback" not in stderr and b"BrokenPipe" not in stderr and b"Exception ignored" not in stderr
