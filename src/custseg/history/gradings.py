"""A grading's use of the history: the store held for the whole run, the previous grading looked up, this
grading recorded as the snapshot of its as-of date."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from custseg.history.store import connect, history_lock, previous_snapshot, save_snapshot

if TYPE_CHECKING:  # pragma: no cover
    from custseg.api import GradeResult


@dataclass
class PreviousGrading:
    """An earlier grading out of the history: ``grades`` has customer_id, customer_name, tier, segment,
    rfm_class, rfm_score, recency_days, frequency and monetary; ``source`` says which snapshot it is."""

    source: str
    grades: pd.DataFrame


@contextlib.contextmanager
def open_history(path: Path) -> Iterator[sqlite3.Connection]:
    """The history at ``path`` (created if new), locked against other runs for the block: a run that looks
    up its previous grading and records its own holds it from before the read to after the record, so two
    runs never interleave (another holder: LockedError, exit code 4)."""
    with history_lock(path):
        con = connect(path)
        try:
            yield con
        finally:
            con.close()


def previous_grading(con: sqlite3.Connection, as_of: dt.date) -> PreviousGrading | None:
    """The latest snapshot before ``as_of``, which a grading at ``as_of`` is compared with; None if none."""
    found = previous_snapshot(con, as_of)
    if found is None:
        return None
    return PreviousGrading(f"history snapshot {found[0]}", found[1])


def record_grading(con: sqlite3.Connection, result: GradeResult) -> None:
    """Store ``result`` as the snapshot of its as-of date, replacing one of the same date (re-running a month
    does not duplicate it), with its inputs' names, sizes and hashes, its rules' digest and custseg's version."""
    save_snapshot(
        con,
        result.as_of,
        result.customers,
        result.rules.digest(),
        [{"name": i.name, "sha256": i.sha256, "size": i.size} for i in result.inputs],
        result.version,
    )
