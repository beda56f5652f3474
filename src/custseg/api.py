"""The one flow: read -> lines -> validate -> money -> metrics -> master -> scores -> classify -> reconcile
(-> compare).

:func:`grade` is the library's entry point and the only thing the CLI calls to compute a grading: a call
per stage, each stage a function of its module (input.inputs, core.lines, core.validate, core.money,
core.metrics, core.master, core.scores, core.classify, core.reconcile, core.compare). It touches files
only to read its inputs; writing is :mod:`custseg.output.tabular`'s job. It changes nothing global in the
process: pandas options and returning freed memory to the system are the caller's (the CLI's) to set.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from custseg import __version__
from custseg.config.rules import Rules
from custseg.core.classify import classify
from custseg.core.lines import LineOptions, layout_notes, order_lines
from custseg.core.master import with_master
from custseg.core.metrics import customer_metrics
from custseg.core.money import base_from_orders, currencies_in_use, net_returns, to_base_currency
from custseg.core.notes import Note
from custseg.core.predict_stage import with_predictions
from custseg.core.problems import all_problems, formula_problems, with_lines
from custseg.core.reconcile import (
    reconciliation,
    require_usable_lines,
    revenue_by_currency,
    status_table,
    warning_counts,
)
from custseg.core.scores import ScoreReport, score_customers
from custseg.core.validate import after_as_of, as_of_date, future_dates, outside_window, window_start
from custseg.input.headers import column_map
from custseg.input.inputs import InputInfo, read_inputs
from custseg.input.rates import build_rates
from custseg.input.sources import DEFAULT_MAX_UNZIPPED_MB, Source
from custseg.schema import CHANGE_COLUMNS, COUNTED_DISPOSITIONS, OUTPUT_COLUMNS

if TYPE_CHECKING:
    from custseg.core.predict import PredictReport

__all__ = ["GradeOptions", "GradeResult", "InputInfo", "Progress", "grade", "with_previous"]


@dataclass
class GradeOptions:
    """Everything about reading and grading that is not in the rules file (the CLI's options)."""

    column_map: dict[str, str] = field(default_factory=dict)
    profile: str | None = None  # an export profile's name, or "generic"; None: recognised from the headers
    encoding: str | None = None
    sheets: list[str] | None = None
    date_order: str | None = None  # "dayfirst" | "monthfirst"; None: the rules' input.date_order
    decimal_comma: bool | None = None
    currency: str | None = None  # the currency of files that have no currency column
    rates_file: str | Path | None = None
    # "bundled": the ECB reference rates for the currencies the rates file (or the rules' rates) does not
    # name; "none": those currencies have no rate (problem rows); None: the rules' currency.rates_fallback.
    rates_fallback: str | None = None
    yen: str | None = None
    home_country: str | None = None
    base_currency: str | None = None
    status_map: dict[str, str] = field(default_factory=dict)
    lookback_months: int | None = None
    predict: bool | None = None  # the value-ahead columns; None: the rules' predict.enabled
    max_unzipped_mb: int = DEFAULT_MAX_UNZIPPED_MB
    lang: str = "zh"
    today: dt.date | None = None  # for tests; the real date otherwise


@dataclass
class GradeResult:
    customers: pd.DataFrame  # one row per customer, OUTPUT_COLUMNS first
    problems: pd.DataFrame  # PROBLEM_COLUMNS: file, sheet, row, line, column, value, reason_code, reason
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
    # Which rates converted the amounts: source, amounts by origin, the reference table and its stale
    # amounts (core.money); empty when every amount was in the base currency.
    exchange_rates: dict[str, object] = field(default_factory=dict)
    statuses: pd.DataFrame = field(default_factory=pd.DataFrame)  # status, rows, kind, known
    gone: pd.DataFrame = field(default_factory=pd.DataFrame)  # graded last time, absent now
    migration: pd.DataFrame = field(default_factory=pd.DataFrame)
    previous_source: str = ""
    prediction: PredictReport | None = None  # the fitted model behind p_alive and the values; None: off
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


def _with_base(rules: Rules, base: str) -> Rules:
    """``rules`` with the base currency ``base`` (the same object when it is the base already)."""
    if base == rules.currency.base:
        return rules
    return rules.model_copy(update={"currency": rules.currency.model_copy(update={"base": base})})


def grade(
    orders: object,
    customers: object | None = None,
    rules: Rules | None = None,
    as_of: dt.date | str | None = None,
    previous: pd.DataFrame | None = None,
    options: GradeOptions | None = None,
    progress: Progress = _noop,
) -> GradeResult:
    """Grade the customers in ``orders``: one input or a list of them, each a path, bytes, a file object, a
    pandas DataFrame or a :class:`Source` (see :meth:`Source.of`); with the customer master ``customers``
    (one such input) if given, against ``previous`` grades if given."""
    opts = options or GradeOptions()
    rules = rules or Rules()
    # The orders choose the base currency only where nobody did: no base given, no rates to convert with.
    base_chosen = bool(opts.base_currency or "base" in rules.currency.model_fields_set)
    rates_given = bool(opts.rates_file or rules.currency.rates)
    rules = _effective_rules(rules, opts)
    sources = [Source.of(o) for o in _inputs(orders)]
    cust_source = None if customers is None else Source.of(customers)

    progress("reading")
    columns = column_map(rules.input.columns | opts.column_map, opts.profile or rules.input.profile)
    inputs = read_inputs(sources, cust_source, columns, opts.encoding, opts.sheets, opts.max_unzipped_mb)
    progress("validating")
    line_opts = LineOptions.of(rules, opts.currency)
    lines, problems, duplicates, facts = order_lines(inputs.order_tables, line_opts, [s.name for s in sources])
    problems.append(formula_problems(inputs.formulas))
    progress("converting")
    today = pd.Timestamp(opts.today or dt.date.today())
    problems.append(future_dates(lines, today))
    as_of_ts, as_of_source = as_of_date(lines, as_of, today)
    after_as_of(lines, as_of_ts)
    base_notes: list[Note] = []
    if not (base_chosen or rates_given):
        base, base_notes = base_from_orders(lines, rules.currency.base)
        rules = _with_base(rules, base)
    rates = build_rates(
        rules.currency.base,
        opts.rates_file,
        rules.currency.rates,
        currencies_in_use(lines, rules.currency.base),
        fallback=(opts.rates_fallback or rules.currency.rates_fallback) == "bundled",
    )
    money = to_base_currency(lines, rates)
    problems.append(money.problems)
    returned_lines = net_returns(lines, inputs.returned)
    start = window_start(as_of_ts, rules.lookback_months)
    outside_window(lines, start)
    require_usable_lines(lines, problems, [s.name for s in sources])

    progress("scoring")
    counted = lines["disposition"].isin(COUNTED_DISPOSITIONS).to_numpy()
    table = customer_metrics(lines, as_of_ts, start, counted, money.currencies)
    table, master_problems, master_notes = with_master(table, lines, inputs.master_tables, line_opts.date_order)
    if opts.predict is not None:
        rules = rules.model_copy(update={"predict": rules.predict.model_copy(update={"enabled": opts.predict})})
    progress("predicting")
    table, prediction, predict_notes = with_predictions(table, lines, counted, as_of_ts, rules.predict)
    table, score_report = score_customers(table, rules.scores)
    statuses, status_notes = status_table(lines)
    notes = (
        base_notes
        + layout_notes(facts)
        + status_notes
        + money.notes
        + master_notes
        + [Note("score_levels", c) for c in score_report.collapsed]
        + predict_notes
    )

    progress("classifying")
    table, means, class_problems = classify(table, rules, as_of_ts, opts.lang, lines)
    problems_df = with_lines(
        all_problems(problems + master_problems + class_problems), inputs.order_tables + inputs.master_tables
    )
    result = GradeResult(
        customers=_order_columns(table.reset_index()),
        problems=problems_df,
        reconciliation=reconciliation(lines),
        as_of=as_of_ts.date(),
        as_of_source=as_of_source,
        rules=rules,
        scores=score_report,
        class_means=means,
        inputs=inputs.infos,
        skipped_sheets=inputs.skipped_sheets,
        notes=notes,
        warnings=warning_counts(problems_df, duplicates, returned_lines),
        revenue_by_currency=revenue_by_currency(lines, money.currencies),
        exchange_rates=money.exchange_rates,
        statuses=statuses,
        prediction=prediction,
    )
    return with_previous(result, previous) if previous is not None else result


def _inputs(orders: object) -> list[object]:
    """``orders`` as a list of inputs: a list or tuple is several, anything else one (a DataFrame or bytes
    are one input, not a sequence of columns or bytes)."""
    return list(orders) if isinstance(orders, list | tuple) else [orders]


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


def _order_columns(table: pd.DataFrame) -> pd.DataFrame:
    """The customer table as the outputs show it: OUTPUT_COLUMNS first (missing ones empty), tier_override
    after tier_rule, then the comparison columns, then the master's extra columns; the internal figures
    left out; sorted by customer_id."""
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
        "order_years",
        "custom_orders",
        "needs_type",
    }
    change = [c for c in CHANGE_COLUMNS if c in table.columns]
    extra = [c for c in table.columns if c not in OUTPUT_COLUMNS and c not in internal and c not in change]
    out = table[OUTPUT_COLUMNS + change + extra]  # selecting columns by a list makes a new frame
    if "tier_override" in table.columns:
        out.insert(out.columns.get_loc("tier_rule") + 1, "tier_override", table["tier_override"].fillna(""))
    if not out["customer_id"].is_monotonic_increasing:  # the per-customer figures come sorted already
        out = out.sort_values("customer_id", kind="stable")
    return out.reset_index(drop=True)
