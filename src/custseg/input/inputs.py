"""Gathering a run's inputs: the order files' tables sorted by kind (orders, customer master, returns),
the customer master file's tables, and each input's size, sha256 and what was found in it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from custseg.core.values import normalise_ids
from custseg.errors import UsageError
from custseg.input.headers import normalise_header
from custseg.input.read import read_source
from custseg.input.sources import DEFAULT_MAX_UNZIPPED_MB, Source
from custseg.input.tables import Table


@dataclass
class InputInfo:
    """One input as the run info shows it: name, size in bytes, sha256 and a line per table read."""

    name: str
    size: int
    sha256: str
    tables: list[str]


@dataclass
class Inputs:
    """What :func:`read_inputs` gathered."""

    order_tables: list[Table] = field(default_factory=list)
    master_tables: list[Table] = field(default_factory=list)
    returned: set[str] = field(default_factory=set)  # the order ids on returns lists
    skipped_sheets: list[tuple[str, str, str]] = field(default_factory=list)  # file, sheet, why
    infos: list[InputInfo] = field(default_factory=list)
    # Formula cells saved without a value in any table read: (file, sheet, row, header, "=…" text).
    formulas: list[tuple[str, str, int, str, str]] = field(default_factory=list)


def read_inputs(
    sources: Sequence[Source],
    customers: Source | None,
    column_map: dict[str, str],
    encoding: str | None = None,
    sheets: list[str] | None = None,
    max_unzipped_mb: int = DEFAULT_MAX_UNZIPPED_MB,
) -> Inputs:
    """Read every order source (its order, master and returns tables) and the customer master source, if
    any; each source's bytes are let go once read and hashed."""
    found = Inputs()
    tables: list[Table] = []
    for src in sources:
        report = read_source(src, column_map, encoding, sheets, max_unzipped_mb)
        tables += report.tables
        info = _info(src)
        for t in report.tables:
            layout = f", export profile {t.mapping.profile.name}" if t.mapping.profile else ""
            info.tables.append(f"{t.sheet or '-'}: {t.kind}, {t.n_rows} rows, header row {t.header_row}{layout}")
            if t.kind == "orders":
                found.order_tables.append(t)
            elif t.kind == "master":
                found.master_tables.append(t)
            elif t.kind == "returns":
                found.returned |= returned_orders(t)
        found.skipped_sheets += report.skipped_sheets
        found.infos.append(info)
    if customers is not None:
        report = read_source(customers, column_map, encoding, None, max_unzipped_mb, want="master")
        info = _info(customers)
        info.tables = [f"{t.sheet or '-'}: customer master, {t.n_rows} rows" for t in report.tables]
        found.infos.append(info)
        tables += report.tables
        found.master_tables += [t for t in report.tables if t.kind == "master"]
    _check_mapped_headers(column_map, tables)
    found.formulas = [(t.file, t.sheet, *cell) for t in tables for cell in t.formulas]
    return found


def _check_mapped_headers(column_map: dict[str, str], tables: Sequence[Table]) -> None:
    """Every header the column map names is a header of some table read (compared as the aliases are):
    a misspelt one would otherwise leave its field unmapped, or its alias's column in its place, quietly."""
    seen = {normalise_header(h) for t in tables for h in t.headers}
    for fld, header in column_map.items():
        if normalise_header(header) not in seen:
            headers = ", ".join(dict.fromkeys(h for t in tables for h in t.headers)) or "(none)"
            raise UsageError(
                f"the column map names the header {header!r} for {fld}, but no table read has it; "
                f"headers found: {headers}",
                hint="check its spelling against the headers found",
                code="unknown_mapped_header",
                values={"field": fld, "header": header},
            )


def _info(source: Source) -> InputInfo:
    """The source's size and sha256; its bytes are let go after (a file can be read again)."""
    data = source.read_bytes()
    info = InputInfo(source.name, len(data), hashlib.sha256(data).hexdigest(), [])
    source.release()
    return info


def returned_orders(table: Table) -> set[str]:
    """The order ids of a returns table: every id, or where the table has a returned flag column, the ids
    flagged yes (yes, y, true, 1, 是, returned, 已退货)."""
    f = table.frame
    id_col = table.mapping.fields.get("order_id") or next(
        c for c in f.columns if c.lower().replace(" ", "") == "orderid"
    )
    flag_col = next(
        (c for c in f.columns if c.strip().lower() in ("returned", "退货", "是否退货", "return status")), None
    )
    ids = normalise_ids(f[id_col])
    if flag_col is not None:
        yes = (
            f[flag_col]
            .astype(str)
            .str.strip()
            .str.casefold()
            .isin(["yes", "y", "true", "1", "是", "returned", "已退货"])
        )
        ids = ids[yes]
    return set(ids[ids != ""])
