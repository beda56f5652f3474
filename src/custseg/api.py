"""The one flow: read -> lines -> money -> metrics -> scores -> classify -> compare.

:func:`grade` is the library's entry point and the only thing the CLI calls to compute a grading.
It touches files only to read its inputs; writing is :mod:`custseg.output.tabular`'s job.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from custseg import __version__
from custseg.cli.memory import release_free_memory
from custseg.config.rules import Rules
from custseg.core.classify import abc_classes, lifecycle, rfm_class, segments, service_plan, tags, tiers, trade_stage
from custseg.core.geo import geography
from custseg.core.lines import (
    LineOptions,
    customer_key_texts,
    empty_problems,
    problem,
    table_lines,
)
from custseg.core.metrics import customer_metrics
from custseg.core.money import CurrencyCodes, Rates, normalise_currency
from custseg.core.notes import Note
from custseg.core.scores import ScoreReport, score_customers
from custseg.core.values import AmbiguousDates, normalise_ids, parse_dates
from custseg.errors import CurrencyError, InputError
from custseg.input.headers import MASTER_INDEX, map_headers
from custseg.input.rates import load_rates_csv
from custseg.input.read import read_source
from custseg.input.sources import Source
from custseg.input.tables import ReadReport, Table
from custseg.schema import (
    CHANGE_COLUMNS,
    COUNTED_DISPOSITIONS,
    CUSTOMER_KEY,
    DISPOSITIONS,
    OUTPUT_COLUMNS,
    REASONS,
    WARNING_CODES,
)


@dataclass
class GradeOptions:
    """Everything about reading and grading that is not in the rules file (the CLI's options)."""

    column_map: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    sheets: list[str] | None = None
    date_order: str | None = None  # "dayfirst" | "monthfirst"; None: the rules' input.date_order
    decimal_comma: bool | None = None
    currency: str | None = None  # the currency of files that have no currency column
    rates_file: str | Path | None = None
    yen: str | None = None
    home_country: str | None = None
    base_currency: str | None = None
    status_map: dict[str, str] = field(default_factory=dict)
    lookback_months: int | None = None
    max_unzipped_mb: int = 2048
    lang: str = "zh"
    today: dt.date | None = None  # for tests; the real date otherwise


@dataclass
class InputInfo:
    name: str
    size: int
    sha256: str
    tables: list[str]
    digest: Any = field(default=None, repr=False, compare=False)  # the sha256 being worked out, until settled

    def settle(self) -> None:
        if self.digest is not None:
            self.sha256, self.digest = self.digest.result(), None


@dataclass
class GradeResult:
    customers: pd.DataFrame  # one row per customer, OUTPUT_COLUMNS first
    problems: pd.DataFrame  # file, sheet, row, column, value, reason_code, reason
    reconciliation: dict[str, int]  # rows_read and one count per disposition
    as_of: dt.date
    as_of_source: str  # "option" or "latest order date"
    rules: Rules
    scores: ScoreReport
    class_means: dict[str, float]
    inputs: list[InputInfo]
    skipped_sheets: list[tuple[str, str, str]]
    notes: list[Note]  # things the user should know (assumed currency, collapsed scores, ...)
    warnings: dict[str, int]  # duplicate_lines, returned_lines, ...
    revenue_by_currency: pd.DataFrame  # currency, amount, amount_base
    gone: pd.DataFrame = field(default_factory=pd.DataFrame)  # graded last time, absent now
    migration: pd.DataFrame = field(default_factory=pd.DataFrame)
    previous_source: str = ""
    version: str = __version__

    @property
    def problem_rows(self) -> int:
        return self.reconciliation.get("problem", 0)


Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


def _effective_rules(rules: Rules, opts: GradeOptions) -> Rules:
    """The command line wins over the rules file for every setting it names."""
    update = rules.model_copy(deep=True)
    if opts.base_currency:
        update.currency.base = opts.base_currency.upper()
    if opts.home_country:
        update.home_country = opts.home_country.upper()
    if opts.yen:
        update.currency.yen = opts.yen.upper()  # type: ignore[assignment]
    if opts.lookback_months is not None:
        update.lookback_months = opts.lookback_months
    if opts.date_order:
        update.input.date_order = opts.date_order  # type: ignore[assignment]
    if opts.decimal_comma is not None:
        update.input.decimal_comma = opts.decimal_comma
    if opts.status_map:
        update.input.status = {**update.input.status, **opts.status_map}  # type: ignore[dict-item]
    return Rules.model_validate(update.model_dump())


def _hash(source: Source) -> InputInfo:
    """The input's size and sha256. The hash is worked out on another thread (hashlib lets go of the GIL):
    0.09 s for the 1M-line benchmark's 93 MB, which validation does not wait for; the pipeline settles it
    before it returns."""
    from concurrent.futures import ThreadPoolExecutor

    data = source.read_bytes()
    pool = ThreadPoolExecutor(1, "custseg-sha256")
    digest = pool.submit(lambda: hashlib.sha256(data).hexdigest())
    pool.shutdown(wait=False)  # the thread ends with its one task
    return InputInfo(source.name, len(data), "", [], digest)


def _master_frame(
    tables: list[Table], date_order: str | None, problems: list[pd.DataFrame], notes: list[Note]
) -> pd.DataFrame | None:
    """The customer master, one row per customer id (the last row wins); rows without an id are
    reported, never dropped silently."""
    frames = []
    for t in tables:
        mapping = map_headers(t.headers, {}, MASTER_INDEX, t.file) if t.kind != "master" else t.mapping
        f = t.frame
        live = ~f.apply(lambda c: c.astype(str).str.strip().eq("")).all(axis=1)
        rows = t.rows[live.to_numpy()]
        f = f[live]
        out = pd.DataFrame(index=f.index)
        key = "customer_id" if mapping.has("customer_id") else "customer_name"
        out["customer_id"] = normalise_ids(f[mapping.fields[key]])
        for fld in ("customer_name", "country", "industry", "sales_owner", "tier_override"):
            if mapping.has(fld):
                out[fld] = f[mapping.fields[fld]].astype(str).str.strip()
        for fld in ("created_date", "last_contact_date"):
            if mapping.has(fld):
                try:
                    out[fld], _ = parse_dates(f[mapping.fields[fld]], date_order)  # type: ignore[arg-type]
                except AmbiguousDates as exc:
                    out[fld] = pd.NaT
                    notes.append(
                        Note(
                            "master_dates_ambiguous",
                            {"file": t.file, "column": mapping.fields[fld], "example": exc.example},
                        )
                    )
        for extra in mapping.unmapped:
            if extra not in out.columns and not extra.startswith("column_"):
                out[extra] = f[extra].astype(str)
        no_id = (out["customer_id"] == "").to_numpy()
        if no_id.any():
            p = problem(t.file, t.sheet, rows[no_id], mapping.fields[key], [""] * int(no_id.sum()), "master_missing_id")
            problems.append(p)
        frames.append(out[~no_id])
    if not frames:
        return None
    master = pd.concat(frames, ignore_index=True)
    return master.drop_duplicates("customer_id", keep="last").set_index("customer_id")


def read_inputs(
    sources: Sequence[Source],
    customers: Source | None,
    opts: GradeOptions,
) -> tuple[list[Table], list[Table], set[str], ReadReport, list[InputInfo]]:
    order_tables: list[Table] = []
    master_tables: list[Table] = []
    returned: set[str] = set()
    report = ReadReport()
    infos = []
    for src in sources:
        rr = read_source(src, opts.column_map, opts.encoding, opts.sheets, opts.max_unzipped_mb)
        info = _hash(src)
        src.release()
        for t in rr.tables:
            info.tables.append(f"{t.sheet or '-'}: {t.kind}, {t.n_rows} rows, header row {t.header_row}")
            if t.kind == "orders":
                order_tables.append(t)
            elif t.kind == "master":
                master_tables.append(t)
            elif t.kind == "returns":
                returned |= _returned_orders(t)
        report.skipped_sheets += rr.skipped_sheets
        infos.append(info)
    if customers is not None:
        rr = read_source(customers, opts.column_map, opts.encoding, None, opts.max_unzipped_mb, want="master")
        info = _hash(customers)
        customers.release()
        info.tables = [f"{t.sheet or '-'}: customer master, {t.n_rows} rows" for t in rr.tables]
        infos.append(info)
        master_tables += [t for t in rr.tables if t.kind == "master"]
    return order_tables, master_tables, returned, report, infos


def _order_lines(tables: list[Table], opts: LineOptions) -> tuple[pd.DataFrame, list[pd.DataFrame], int]:
    """Every order table's lines, one frame; each table's cells are let go once its lines are made."""
    parts, problem_parts, duplicates = [], [], 0
    for t in tables:
        lines_t, probs_t, dup = table_lines(t, opts)
        parts.append(lines_t)
        problem_parts.append(probs_t)
        duplicates += dup
        t.release()  # the lines point to the distinct texts they use, not to the cells
    if not parts:
        return pd.DataFrame(), problem_parts, duplicates
    if len(parts) > 1:
        _unify_customer_keys(parts)
    # One table (the usual case) is taken as it is: concatenating would copy every line once more.
    lines = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    return lines, problem_parts, duplicates


def _unify_customer_keys(parts: list[pd.DataFrame]) -> None:
    """Each table numbers its own customer ids; lines from several tables get one numbering, by id text
    (first come, first numbered). Tables without the codes (ids from names) leave them off everywhere."""
    if not all(CUSTOMER_KEY in p for p in parts):
        for p in parts:
            p.drop(columns=CUSTOMER_KEY, errors="ignore", inplace=True)
        return
    numbers: dict[str, int] = {}
    for p in parts:
        keys = p[CUSTOMER_KEY].to_numpy()
        if not len(keys):
            continue
        present, texts = customer_key_texts(keys, np.arange(len(keys)), p["customer_id"].to_numpy(dtype=object))
        remap = np.zeros(int(keys.max()) + 1, dtype=np.int32)
        remap[present] = [numbers.setdefault(t, len(numbers)) for t in texts]
        p[CUSTOMER_KEY] = remap[keys]


def _returned_orders(t: Table) -> set[str]:
    f = t.frame
    id_col = t.mapping.fields.get("order_id") or next(c for c in f.columns if c.lower().replace(" ", "") == "orderid")
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


def _build_rates(rules: Rules, opts: GradeOptions) -> Rates:
    base = rules.currency.base
    if opts.rates_file:
        rates = load_rates_csv(opts.rates_file, base)
    else:
        rates = Rates(base=base, source="rules" if rules.currency.rates else "")
    for code, rate in rules.currency.rates.items():
        rates.fixed.setdefault(code, rate)
    return rates


def grade(
    orders: Sequence[str | Path | Source],
    customers: str | Path | Source | None = None,
    rules: Rules | None = None,
    as_of: dt.date | str | None = None,
    previous: pd.DataFrame | None = None,
    options: GradeOptions | None = None,
    progress: Progress = _noop,
) -> GradeResult:
    """Grade the customers in ``orders`` (paths, or :class:`Source` objects for stdin)."""
    # pandas 3 keeps inferred text in pyarrow arrays when pyarrow is installed (it comes with fastexcel).
    # This pipeline's text is Python strings taken by code from distinct values; with pyarrow storage the
    # 1M-line run's peak was about 90 MB higher (633 against 546 MB), so text stays in Python storage here.
    with pd.option_context("mode.string_storage", "python"):
        result = _grade(orders, customers, rules, as_of, previous, options, progress)
    # The lines and their columns are gone now; their memory goes back before the outputs are written
    # (the workbook holds its rendered rows in memory: 144 MB for the 1M-line benchmark).
    release_free_memory()
    return result


def _grade(
    orders: Sequence[str | Path | Source],
    customers: str | Path | Source | None,
    rules: Rules | None,
    as_of: dt.date | str | None,
    previous: pd.DataFrame | None,
    options: GradeOptions | None,
    progress: Progress,
) -> GradeResult:
    opts = options or GradeOptions()
    rules = _effective_rules(rules or Rules(), opts)
    sources = [Source.of(o) for o in orders]
    cust_source = None if customers is None else Source.of(customers)

    progress("reading")
    order_tables, master_tables, returned, read_report, infos = read_inputs(sources, cust_source, opts)

    release_free_memory()

    progress("validating")
    date_order = None if rules.input.date_order == "auto" else rules.input.date_order
    line_opts = LineOptions(
        date_order=date_order,
        decimal_comma=rules.input.decimal_comma,  # type: ignore[arg-type]
        currency=(normalise_currency(opts.currency, rules.currency.yen) if opts.currency else None),
        yen=rules.currency.yen,
        status_map=dict(rules.input.status),
    )
    if opts.currency and not line_opts.currency:
        raise InputError(
            f"the currency {opts.currency!r} is not an ISO 4217 currency code",
            hint="for example GBP",
            code="bad_currency_option",
            values={"currency": opts.currency},
        )
    lines, problem_parts, duplicates = _order_lines(order_tables, line_opts)
    release_free_memory()
    if lines.empty:
        names = ", ".join(s.name for s in sources)
        raise InputError(
            f"{names}: the header is there but no order lines below it",
            hint="check that the export is not empty (or that the right file was given)",
        )
    problems = [p for p in problem_parts if len(p)]
    notes: list[Note] = []

    today = pd.Timestamp(opts.today or dt.date.today())
    valid = lines["disposition"].eq("used")
    future = valid & (lines["order_date"] > today)
    if future.any():
        problems.append(_row_problems(lines[future], "order_date", "future_date"))
        lines.loc[future, "disposition"] = "problem"
        valid &= ~future

    if as_of is not None:
        as_of_ts = pd.Timestamp(as_of).normalize()
        as_of_source = "option"
    elif valid.any():
        as_of_ts = lines.loc[valid, "order_date"].max()
        as_of_source = "latest order date"
    else:
        as_of_ts = today
        as_of_source = "today (no usable order)"
    after = valid & (lines["order_date"] > as_of_ts)
    lines.loc[after, "disposition"] = "after_as_of"
    valid &= ~after

    # Money: every amount into the base currency, or a problem row naming the currency and month.
    base = rules.currency.base
    currencies = CurrencyCodes.of(lines["currency"])
    declared = pd.Series(currencies.lines_in(""), index=lines.index)
    if valid.any() and (declared & valid).any():
        notes.append(Note("assumed_currency", {"n": int((declared & valid).sum()), "base": base}))
    if declared.any():
        currencies = currencies.renamed("", base)
    lines["currency"] = pd.Series(currencies.texts(), index=lines.index, dtype=object)  # texts from here on
    rates = _build_rates(rules, opts)
    in_use = set(currencies.names[np.unique(currencies.codes[valid.to_numpy()])])
    foreign = sorted(in_use - {base})
    if foreign and not rates.fixed and rates.monthly is None and rates.daily is None:
        raise CurrencyError(
            f"the orders are in {', '.join([base] + foreign) if base in in_use else ', '.join(foreign)}"
            f" but no exchange rates were given to put them into the base currency {base}",
            hint=f"give exchange rates (columns currency,rate: 1 unit = rate {base}), or make {foreign[0]} the base "
            "currency if that is the only currency",
            code="no_rates",
            values={"base": base, "currency": foreign[0]},
        )
    lines["amount_base"] = np.nan
    if valid.any():
        converted, reason = rates.convert(
            lines.loc[valid, "amount"],
            lines.loc[valid, "currency"],
            lines.loc[valid, "order_date"],
            currencies.subset(valid.to_numpy()),
        )
        lines.loc[valid, "amount_base"] = converted
        missing = reason.index[reason == "missing_rate"]
        if len(missing):
            sub = lines.loc[missing]
            p = _row_problems(
                sub, "currency", "missing_rate", values=sub["currency"] + " " + sub["order_date"].dt.strftime("%Y-%m")
            )
            p["reason"] = (
                "no exchange rate for "
                + sub["currency"].to_numpy()
                + " in "
                + sub["order_date"].dt.strftime("%Y-%m").to_numpy()
            )
            problems.append(p)
            lines.loc[missing, "disposition"] = "problem"
            valid.loc[missing] = False

    # Orders on a returns list net to zero: the sale and its refund.
    returned_lines = 0
    if returned and valid.any():
        hit = valid & lines["order_id"].isin(returned)
        returned_lines = int(hit.sum())
        lines.loc[hit, "amount_base"] = 0.0
    returned_lines += int((valid & lines["status_kind"].eq("returned")).sum()) if len(lines) else 0

    window_start = None
    if rules.lookback_months:
        window_start = (as_of_ts - pd.DateOffset(months=rules.lookback_months) + pd.Timedelta(days=1)).normalize()
        outside = valid & (lines["order_date"] < window_start)
        lines.loc[outside, "disposition"] = "outside_window"
    progress("scoring")
    release_free_memory()  # what the conversions above freed, before the largest arrays of the run
    counted = lines["disposition"].isin(COUNTED_DISPOSITIONS).to_numpy() if len(lines) else np.zeros(0, bool)
    table = customer_metrics(lines, as_of_ts, window_start, counted, currencies)
    release_free_memory()
    table = _add_cancelled_only(table, lines)
    master = _master_frame(master_tables, date_order, problems, notes)
    table = _merge_master(table, master, problems, lines)
    table = _fill_empty_metrics(table)
    table, score_report = score_customers(table, rules.scores)
    notes += [Note("score_levels", c) for c in score_report.collapsed]

    progress("classifying")
    table["rfm_class"], means = rfm_class(table)
    table["segment"] = segments(table, rules)
    table["abc_class"] = abc_classes(table["monetary"], rules.abc.a, rules.abc.b)
    table.loc[table["lifetime_frequency"] <= 0, "abc_class"] = ""
    table["lifecycle"] = lifecycle(table, rules)
    table["trade_stage"] = trade_stage(table)
    geo = geography(table["country"], rules.home_country, blocs_file=rules.trade_blocs_file)
    for c in geo.columns:
        table[c] = geo[c].to_numpy()
    # Only the customers without a country code can have an unknown country: their texts alone are trimmed.
    unknown = pd.Series(False, index=table.index)
    no_code = (table["country_code"] == "").to_numpy(dtype=bool)
    if no_code.any():
        unknown[no_code] = (table.loc[no_code, "country"].astype(str).str.strip() != "").to_numpy(dtype=bool)
    if unknown.any():
        problems.append(_customer_warnings(table[unknown], lines, "country", "unknown_country"))
    table["tier"], table["tier_rule"], bad_override = tiers(table, rules)
    if bad_override.any():
        sub = table[bad_override]
        problems.append(
            pd.DataFrame(
                {
                    "file": "customer master",
                    "sheet": "",
                    "row": 0,
                    "column": "tier_override",
                    "value": sub["tier_override"].astype(str).to_numpy(),
                    "reason_code": "bad_tier_override",
                    "reason": REASONS["bad_tier_override"][0] + ": " + sub.index.to_series().astype(str).to_numpy(),
                }
            )
        )
    table["tags"] = tags(table, rules)
    plan = service_plan(table, rules, as_of_ts, opts.lang)
    for c in plan.columns:
        table[c] = plan[c]

    customers_out = _order_columns(table.reset_index())
    problems_df = pd.concat(problems, ignore_index=True) if problems else empty_problems()
    problems_df = problems_df.sort_values(["file", "sheet", "row", "column"], kind="stable").reset_index(drop=True)

    for info in infos:
        info.settle()
    recon = {"rows_read": int(len(lines))}
    for d in DISPOSITIONS:
        recon[d] = int((lines["disposition"] == d).sum()) if len(lines) else 0
    assert recon["rows_read"] == sum(recon[d] for d in DISPOSITIONS)
    warnings = {"duplicate_lines": duplicates, "returned_lines": returned_lines}
    for code in sorted(WARNING_CODES):
        n = int((problems_df["reason_code"] == code).sum())
        if n:
            warnings[code] = n
    rev = _revenue_by_currency(lines, currencies)
    result = GradeResult(
        customers=customers_out,
        problems=problems_df,
        reconciliation=recon,
        as_of=as_of_ts.date(),
        as_of_source=as_of_source,
        rules=rules,
        scores=score_report,
        class_means=means,
        inputs=infos,
        skipped_sheets=read_report.skipped_sheets,
        notes=notes,
        warnings=warnings,
        revenue_by_currency=rev,
    )
    return with_previous(result, previous) if previous is not None else result


def with_previous(result: GradeResult, previous: pd.DataFrame, source: str = "") -> GradeResult:
    """The grading with previous_tier, tier_change and previous_segment, and the gone customers and the
    migration matrix, against an earlier grading (customer_id, tier, segment[, monetary])."""
    from custseg.core.compare import compare_with_previous

    table = result.customers.drop(columns=[c for c in CHANGE_COLUMNS if c in result.customers.columns])
    compared, gone, migration = compare_with_previous(table.set_index("customer_id"), previous, result.rules.tier_order)
    return dataclasses.replace(
        result,
        customers=_order_columns(compared.reset_index()),
        gone=gone,
        migration=migration,
        previous_source=source or result.previous_source,
    )


def _row_problems(sub: pd.DataFrame, column: str, code: str, values: pd.Series | None = None) -> pd.DataFrame:
    vals = values if values is not None else sub[column].astype(str)
    if column == "order_date" and values is None:
        vals = sub["order_date"].dt.strftime("%Y-%m-%d")
    out = problem("", "", sub["row"].to_numpy(), column, list(vals), code)
    out["file"] = sub["file"].to_numpy()
    out["sheet"] = sub["sheet"].to_numpy()
    return out


def _customer_warnings(sub: pd.DataFrame, lines: pd.DataFrame, column: str, code: str) -> pd.DataFrame:
    """One warning per customer, pointing at the first order line that carries the value."""
    first = lines[lines["customer_id"].isin(sub.index)].drop_duplicates("customer_id").set_index("customer_id")
    rows = []
    for cid, value in sub[column].items():
        where = first.loc[cid] if cid in first.index else None
        rows.append(
            {
                "file": where["file"] if where is not None else "customer master",
                "sheet": where["sheet"] if where is not None else "",
                "row": int(where["row"]) if where is not None else 0,
                "column": column,
                "value": str(value),
                "reason_code": code,
                "reason": f"{REASONS[code][0]} (customer {cid})",
            }
        )
    return pd.DataFrame(rows)


def _add_cancelled_only(table: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Customers whose every line was cancelled are still customers: a row with frequency 0."""
    if lines.empty:
        return table
    # The few cancelled lines first, and only the columns read here: not a copy of every column of the lines.
    cancelled = lines.loc[
        (lines["disposition"] == "cancelled").to_numpy(), ["customer_id", "row", "customer_name", "country"]
    ]
    cancelled = cancelled[cancelled["customer_id"] != ""]
    extra = cancelled[~cancelled["customer_id"].isin(table.index)]
    if extra.empty:
        return table
    first = extra.sort_values(["customer_id", "row"]).groupby("customer_id")[["customer_name", "country"]].last()
    table, at = _with_rows_for(table, first.index)
    for c in ("customer_name", "country"):
        if c in table:
            values = table[c].to_numpy(dtype=object, copy=True)
            empty = pd.isna(values[at])  # only the added rows are empty here
            values[at[empty]] = first[c].to_numpy(dtype=object)[empty]
            table[c] = pd.Series(values, index=table.index, dtype=object)
    return table


def _with_rows_for(table: pd.DataFrame, ids: pd.Index) -> tuple[pd.DataFrame, np.ndarray]:
    """``table.reindex(table.index.union(ids))`` (``ids`` not in the table) and where the new rows are. The
    customers come sorted by id, so the few new rows are put in their places by bisection: hashing and
    reindexing every customer took 75 ms for 81k."""
    if not (table.index.is_monotonic_increasing and table.index.is_unique and ids.is_monotonic_increasing):
        everyone = table.index.union(ids)
        out = table.reindex(everyone)
        out.index.name = "customer_id"
        return out, everyone.get_indexer(ids)
    at = table.index.searchsorted(ids)
    added = table.iloc[:0].reindex(ids)  # the new rows, with the dtypes reindexing gives them
    order = np.insert(np.arange(len(table)), at, len(table) + np.arange(len(ids)))
    out = pd.concat([table, added]).iloc[order]
    out.index.name = "customer_id"
    return out, at + np.arange(len(ids))


def _merge_master(
    table: pd.DataFrame, master: pd.DataFrame | None, problems: list[pd.DataFrame], lines: pd.DataFrame
) -> pd.DataFrame:
    if master is None:
        table["in_master"] = pd.NA
        return table
    missing = table.index.difference(master.index)
    if len(missing):
        ids = pd.DataFrame({"customer_id": missing}, index=missing)
        problems.append(_customer_warnings(ids, lines, "customer_id", "not_in_master"))
    prospects = master.index.difference(table.index)
    table = table.reindex(table.index.union(prospects))
    table.index.name = "customer_id"
    table["in_master"] = table.index.isin(master.index)
    for c in master.columns:
        values = master[c].reindex(table.index)
        if c in ("customer_name", "country") and c in table.columns:
            given = values.fillna("").astype(str) != ""
            table[c] = table[c].where(~given, values)  # the master wins over the orders
        else:
            table[c] = values
    return table


def _fill_empty_metrics(table: pd.DataFrame) -> pd.DataFrame:
    """Customers with no positive order (prospects, refunds only) still get a complete row."""
    defaults = {
        "frequency": 0,
        "lifetime_frequency": 0,
        "sample_orders": 0,
        "orders_excluding_samples": 0,
        "category_count": 0,
        "order_lines": 0,
    }
    for c, v in defaults.items():
        table[c] = table[c].fillna(v).astype("int64") if c in table else v
    for c in ("monetary", "lifetime_monetary", "refund_amount"):
        table[c] = table[c].fillna(0.0).astype(float) if c in table else 0.0
    for c in ("avg_order_value", "median_interval_days", "last_gap_days"):
        if c not in table:
            table[c] = np.nan
    for c in ("recency_days", "tenure_days"):
        table[c] = table[c].astype("Int64") if c in table else pd.Series(pd.NA, index=table.index, dtype="Int64")
    for c in ("first_order_date", "last_order_date"):
        if c not in table:
            table[c] = pd.NaT
    for c in ("customer_name", "country", "currencies", "categories", "main_category"):
        table[c] = table[c].fillna("").astype(object) if c in table else ""
    return table


def _order_columns(table: pd.DataFrame) -> pd.DataFrame:
    for c in OUTPUT_COLUMNS:
        if c not in table.columns:
            table[c] = pd.NA if c not in ("industry", "sales_owner") else ""
    internal = {
        "tenure_days",
        "median_interval_days",
        "last_gap_days",
        "sample_orders",
        "orders_excluding_samples",
        "order_lines",
        "tier_override",
    }
    change = [c for c in CHANGE_COLUMNS if c in table.columns]
    extra = [c for c in table.columns if c not in OUTPUT_COLUMNS and c not in internal and c not in change]
    out = table[OUTPUT_COLUMNS + change + extra]  # selecting columns by a list makes a new frame
    if "tier_override" in table.columns:
        out.insert(out.columns.get_loc("tier_rule") + 1, "tier_override", table["tier_override"].fillna(""))
    if not out["customer_id"].is_monotonic_increasing:  # the per-customer figures come sorted already
        out = out.sort_values("customer_id", kind="stable")
    return out.reset_index(drop=True)


def _revenue_by_currency(lines: pd.DataFrame, currencies: CurrencyCodes) -> pd.DataFrame:
    if lines.empty:
        return pd.DataFrame(columns=["currency", "amount", "amount_base"])
    used = lines["disposition"].isin(COUNTED_DISPOSITIONS).to_numpy()
    # Grouped by the currencies' codes, then put in the order of their names as a groupby by name gives.
    sums = (
        pd.DataFrame({"amount": lines["amount"].to_numpy()[used], "amount_base": lines["amount_base"].to_numpy()[used]})
        .groupby(currencies.codes[used])
        .sum()
    )
    sums.insert(0, "currency", currencies.names[sums.index.to_numpy()])
    by_name = sums.sort_values("currency").reset_index(drop=True)
    return by_name.sort_values("amount_base", ascending=False).reset_index(drop=True)
