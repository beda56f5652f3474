"""The grading history: one SQLite snapshot per as-of date, so a month's change and a customer's past
grades can be looked up. SQLite is in the standard library: no server to install, one file to back up.

Writes happen in one transaction (a killed run leaves the previous state), and a lock file beside the
database keeps two runs from interleaving.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from custseg.errors import InputError, LockedError

SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 1.0

_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS snapshots (
        id INTEGER PRIMARY KEY,
        as_of TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        rules_digest TEXT NOT NULL,
        inputs TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        customers INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS grades (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
        customer_id TEXT NOT NULL,
        customer_name TEXT,
        tier TEXT,
        segment TEXT,
        rfm_class TEXT,
        rfm_score TEXT,
        recency_days INTEGER,
        frequency INTEGER,
        monetary REAL,
        PRIMARY KEY (snapshot_id, customer_id)
    )""",
]

GRADE_COLUMNS = [
    "customer_id",
    "customer_name",
    "tier",
    "segment",
    "rfm_class",
    "rfm_score",
    "recency_days",
    "frequency",
    "monetary",
]


@contextlib.contextmanager
def history_lock(path: Path) -> Iterator[None]:
    """An exclusive, non-blocking lock on ``<history>.lock``; another holder means exit code 4."""
    lock_path = Path(str(path) + ".lock")
    fh = open(lock_path, "a+")  # noqa: SIM115 - held for the block
    try:
        try:
            if sys.platform == "win32":  # pragma: no cover
                import msvcrt

                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise LockedError(
                f"{path}: another custseg run is using this history",
                hint="wait for it to finish; cron runs should not overlap",
            ) from None
        yield
    finally:
        fh.close()


def connect(path: Path, create: bool = True) -> sqlite3.Connection:
    if not create and not Path(path).exists():
        raise InputError(
            f"{path}: no history database here",
            hint="a history is made by the first grading saved into it",
            code="no_history",
        )
    # Another program holding the database (a database browser with a write open) is waited for this
    # long, not SQLite's default of 5 s: the run ends with a message instead.
    con = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
    try:
        con.execute("PRAGMA foreign_keys = ON")
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "meta" not in tables:  # never add custseg's tables to another program's database
            raise sqlite3.DatabaseError(f"it has the tables {', '.join(sorted(tables)[:5])} and no custseg ones")
        _migrate(con)
    except sqlite3.OperationalError as exc:
        con.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise LockedError(
                f"{path}: the history database is locked by another program",
                hint="close the program that has it open, then run again",
            ) from None
        raise InputError(f"{path}: the history database cannot be opened ({exc})") from None
    except sqlite3.DatabaseError as exc:
        con.close()
        raise InputError(f"{path}: not a custseg history database ({exc})") from None
    return con


def _migrate(con: sqlite3.Connection) -> None:
    with con:
        for stmt in _SCHEMA:
            con.execute(stmt)
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise InputError(f"the history was written by a newer custseg (schema {version})", hint="upgrade custseg")
        # Future migrations go here, one step per version.
        con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))


def save_snapshot(
    con: sqlite3.Connection,
    as_of: dt.date,
    customers: pd.DataFrame,
    rules_digest: str,
    inputs: list[dict[str, object]],
    version: str,
) -> None:
    """Store (or replace) the snapshot for ``as_of`` in one transaction."""
    data = customers[GRADE_COLUMNS].copy()
    data["recency_days"] = data["recency_days"].astype("Float64")
    rows = [
        tuple(None if pd.isna(v) else (float(v) if isinstance(v, float) else v) for v in rec)
        for rec in data.itertuples(index=False, name=None)
    ]
    with con:
        con.execute("DELETE FROM snapshots WHERE as_of = ?", (as_of.isoformat(),))
        cur = con.execute(
            "INSERT INTO snapshots(as_of, created_at, rules_digest, inputs, tool_version, customers)"
            " VALUES (?,?,?,?,?,?)",
            (
                as_of.isoformat(),
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                rules_digest,
                json.dumps(inputs, ensure_ascii=False),
                version,
                len(rows),
            ),
        )
        sid = cur.lastrowid
        con.executemany(
            f"INSERT INTO grades VALUES (?, {', '.join('?' * len(GRADE_COLUMNS))})", [(sid, *r) for r in rows]
        )


def previous_snapshot(con: sqlite3.Connection, before: dt.date) -> tuple[str, pd.DataFrame] | None:
    row = con.execute(
        "SELECT id, as_of FROM snapshots WHERE as_of < ? ORDER BY as_of DESC LIMIT 1", (before.isoformat(),)
    ).fetchone()
    if not row:
        return None
    return row[1], snapshot_grades(con, row[0])


def snapshot_grades(con: sqlite3.Connection, snapshot_id: int) -> pd.DataFrame:
    return pd.read_sql_query(
        f"SELECT {', '.join(GRADE_COLUMNS)} FROM grades WHERE snapshot_id = ? ORDER BY customer_id",
        con,
        params=(snapshot_id,),
    )


def snapshot_by_date(con: sqlite3.Connection, as_of: str) -> pd.DataFrame:
    row = con.execute("SELECT id FROM snapshots WHERE as_of = ?", (as_of,)).fetchone()
    if not row:
        dates = [r[0] for r in con.execute("SELECT as_of FROM snapshots ORDER BY as_of")]
        raise InputError(f"no snapshot for {as_of} in the history", hint=f"snapshots: {', '.join(dates) or '(none)'}")
    return snapshot_grades(con, row[0])


def list_snapshots(con: sqlite3.Connection) -> pd.DataFrame:
    snaps = pd.read_sql_query(
        "SELECT id, as_of, customers, rules_digest, tool_version FROM snapshots ORDER BY as_of", con
    )
    tiers = pd.read_sql_query(
        "SELECT snapshot_id AS id, tier, COUNT(*) AS n FROM grades GROUP BY snapshot_id, tier", con
    )
    if len(tiers):
        wide = tiers.pivot_table(index="id", columns="tier", values="n", fill_value=0).reset_index()
        snaps = snaps.merge(wide, on="id", how="left")
    return snaps.drop(columns="id")


def customer_history(con: sqlite3.Connection, customer_id: str) -> pd.DataFrame:
    return pd.read_sql_query(
        "SELECT s.as_of, g.tier, g.segment, g.rfm_class, g.rfm_score, g.recency_days, g.frequency, g.monetary "
        "FROM grades g JOIN snapshots s ON s.id = g.snapshot_id WHERE g.customer_id = ? ORDER BY s.as_of",
        con,
        params=(customer_id,),
    )
