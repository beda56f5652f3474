from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from custseg.cli.commands import app

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TODAY = dt.date(2026, 11, 23)

# A small export whose every figure is computed by hand in test_core.py.
# Line numbers (the header is line 1) matter: problem rows must name them.
CORE_CSV = """客户编号,客户名称,订单编号,下单日期,金额,订单状态,国家,产品类别
A,Alpha Ltd,O1,2026-06-20,600,已发货,美国,灯具
A,Alpha Ltd,O1,2026-06-20,400,已发货,美国,工具
A,Alpha Ltd,O2,2026/5/1,500,,USA,灯具
A,Alpha Ltd,O3,2026年3月1日,"1,500.00",,United States,灯具
B,Beta GmbH,O4,2026-06-01,200,,德国,工具
C,Gamma SA,O5,2025-01-15,5000,,France,灯具
C,Gamma SA,O6,2025-02-15,5000,,France,灯具
D,Delta,O7,2026-04-01,300,,越南,灯具
D,Delta,O8,2026-04-10,999,已取消,越南,灯具
D,Delta,R1,2026-04-20,-100,退货,越南,灯具
E,Epsilon,O9,2026-05-01,700,cancelled,Japan,工具
F,Phi,R2,2026-05-05,-50,,Narnia,工具
A,Alpha Ltd,O10,2026-07-05,800,,美国,灯具
,,,,,,,
G,Gee,O11,not a date,100,,UK,灯具
,,O12,2026-05-05,100,,UK,灯具
合计,,,,9999,,,
"""
CORE_AS_OF = "2026-06-30"


@pytest.fixture
def core_csv(tmp_path: Path) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(CORE_CSV, encoding="utf-8")
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, args: list[str], input: bytes | str | None = None):  # noqa: A002
    return runner.invoke(app, args, input=input, catch_exceptions=False)


def shared(path: str) -> Path:
    p = SHARED_DATA / path
    if not p.exists():
        pytest.skip(f"shared data {path} is not here")
    return p


@pytest.fixture(autouse=True)
def _own_data_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test its own (empty) data folder: a table loaded by `custseg rates update` on this machine
    must not change what a test converts with. The CLI's subprocesses inherit it through the environment."""
    folder = tmp_path_factory.mktemp("data_folder")
    monkeypatch.setenv("CUSTSEG_DATA_DIR", str(folder))
    return folder
