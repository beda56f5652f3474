"""The command line: parses options, calls the library, renders results. The only module that knows Typer
and rich consoles. pandas and the rest are imported inside commands so that ``custseg --help`` is fast."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from custseg import __version__
from custseg.cli import options as opt
from custseg.errors import EXIT_TOO_MANY_PROBLEMS, CustsegError
from custseg.input.sources import DEFAULT_MAX_UNZIPPED_MB

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from custseg.api import GradeResult
    from custseg.input._csv_arrow import CsvPrefetch
    from custseg.input.sources import Source

# Where `custseg history` looks without --history.
HISTORY_DB = Path("custseg-history.db")

app = typer.Typer(
    name="custseg",
    help="Grade the customers of an export business from its order exports (客户分级管理表格).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
rules_app = typer.Typer(help="Write, check and explain the grading rules file.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
rates_app = typer.Typer(help="The ECB reference rates custseg converts with: show them, load a newer table.")
app.add_typer(rates_app, name="rates", no_args_is_help=True)

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(fn: F) -> F:
    """Turn a user-fixable error into one line on stderr and its exit code; no traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CustsegError as exc:
            from custseg.cli.hints import cli_text

            message, hint = cli_text(exc)
            print(f"Error: {message}", file=sys.stderr)
            if hint:
                print(f"  hint: {hint}", file=sys.stderr)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            print("Interrupted; no output was changed.", file=sys.stderr)
            raise typer.Exit(130) from None
        except BrokenPipeError:
            # `custseg grade ... -o - | head`: the reader went away; that is not an error.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        print(f"custseg {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """custseg: RFM scores, segments, value tiers, lifecycle and geography per customer, from order exports."""


@app.command()
@handle_errors
def grade(
    orders: opt.Orders,
    output: opt.Output = None,
    fmt: opt.OutFormatOption = None,
    as_of: opt.AsOf = None,
    customers: opt.Customers = None,
    rules_file: opt.RulesFile = None,
    column_map: opt.ColumnMap = None,
    profile: opt.Profile = None,
    encoding: opt.Encoding = None,
    sheet: opt.Sheet = None,
    dayfirst: opt.DayFirst = False,
    monthfirst: opt.MonthFirst = False,
    decimal_comma: opt.DecimalComma = False,
    currency: opt.Currency = None,
    base_currency: opt.BaseCurrency = None,
    rates: opt.RatesFile = None,
    rates_fallback: opt.RatesFallbackOption = None,
    yen: opt.Yen = None,
    home_country: opt.HomeCountry = None,
    status: opt.Status = None,
    lookback_months: opt.LookbackMonths = None,
    no_predict: opt.NoPredict = False,
    previous: opt.Previous = None,
    history: opt.History = None,
    problems: opt.Problems = None,
    max_problems: opt.MaxProblems = None,
    summary_json: opt.SummaryJson = None,
    lang: opt.LangOption = opt.Lang.zh,
    csv_safe: opt.CsvSafe = False,
    bom: opt.Bom = False,
    max_unzipped_mb: opt.MaxUnzippedMb = DEFAULT_MAX_UNZIPPED_MB,
    quiet: opt.Quiet = False,
) -> None:
    """Grade customers from order exports and write the graded customer table."""
    # One parameter per option (Typer reads them from the signature); the body is the option checks, one
    # library call, the writing and the rendering.
    # Every option is checked before a file is read or pandas imported: a typo answers as fast as --help.
    date_order = opt.parse_date_order(dayfirst, monthfirst)
    as_of_date = opt.parse_as_of(as_of)
    limit = opt.parse_max_problems(max_problems)
    out_fmt = opt.output_format(output, fmt)
    opt.check_streams(orders, output, out_fmt)
    opt.check_bom(bom, out_fmt, problems)
    column_fields = opt.parse_map_options(column_map)
    status_map = opt.parse_status_map(status)
    # The first CSV input is read and parsed on a second thread while pandas and the library are imported.
    prefetch = _prefetch(orders[0])

    import pandas as pd

    from custseg.api import GradeOptions, with_previous
    from custseg.api import grade as grade_orders
    from custseg.cli.progress import StageProgress
    from custseg.config.rules import Rules, load_rules
    from custseg.history.gradings import open_history, previous_grading, record_grading
    from custseg.input.previous import read_previous

    rules = load_rules(rules_file) if rules_file else Rules()
    sources = _sources(orders, prefetch)
    options = GradeOptions(
        column_map=column_fields,
        profile=profile,
        encoding=encoding,
        sheets=sheet or None,
        date_order=date_order,
        decimal_comma=True if decimal_comma else None,
        currency=currency,
        rates_file=rates,
        rates_fallback=rates_fallback.value if rates_fallback else None,
        yen=yen,
        home_country=home_country,
        base_currency=base_currency,
        status_map=status_map,
        lookback_months=lookback_months,
        predict=False if no_predict else None,
        max_unzipped_mb=max_unzipped_mb,
        lang=lang.value,
    )
    console = _console(stderr=output == "-", quiet=quiet)
    previous_grades = read_previous(previous, rules, max_unzipped_mb) if previous else None
    with (
        open_history(history) if history else contextlib.nullcontext() as store,
        StageProgress(console, quiet, lang.value) as step,
    ):
        # Text in Python strings, not pyarrow's: process-wide pandas state, so set here and not by the library.
        with pd.option_context("mode.string_storage", "python"):
            result = grade_orders(sources, customers, rules, as_of_date, None, options, progress=step)
        if previous_grades is not None:
            result = with_previous(result, previous_grades, str(previous))
        elif store is not None and (found := previous_grading(store, result.as_of)) is not None:
            result = with_previous(result, found.grades, found.source)
        step("writing")
        outputs = _write_outputs(result, orders, output, out_fmt, lang.value, csv_safe, bom, problems, summary_json)
        if store is not None:
            record_grading(store, result)
            outputs.append(("history", str(history)))
    if not quiet:
        from custseg.cli.report import render_summary

        render_summary(console, result, lang.value, outputs)
    _check_problem_limit(result, *limit)


def _prefetch(first: str) -> CsvPrefetch | None:
    from custseg.input._csv_arrow import CsvPrefetch

    return CsvPrefetch(Path(first)) if CsvPrefetch.wanted(first) else None


def _sources(orders: list[str], prefetch: CsvPrefetch | None) -> list[Source]:
    from custseg.input.sources import Source

    stdin_bytes = sys.stdin.buffer.read() if "-" in orders else None
    sources = [Source.from_arg(o, stdin_bytes) for o in orders]
    sources[0].prefetch = prefetch
    return sources


def _default_output(first: str, as_of: str, lang: str) -> Path:
    p = Path(first)
    word = "客户分级" if lang == "zh" else "graded"
    return p.with_name(f"{p.stem}_{word}_{as_of}.xlsx")


def _check_problem_limit(result: GradeResult, count: int | None, share: float | None) -> None:
    n = result.problem_rows
    read = max(result.reconciliation["rows_read"], 1)
    over = (count is not None and n > count) or (share is not None and n / read > share)
    if over:
        limit = f"{count}" if count is not None else f"{share:.1%}"
        print(
            f"Error: {n:,} problem rows ({n / read:.1%} of {read:,} rows read) exceed --max-problems {limit}; "
            "the outputs were written",
            file=sys.stderr,
        )
        raise typer.Exit(EXIT_TOO_MANY_PROBLEMS)


def _write_outputs(
    result: GradeResult,
    inputs: list[str],
    output: str | None,
    fmt: str,
    lang: str,
    csv_safe: bool,
    bom: bool,
    problems: Path | None,
    summary_json: Path | None,
) -> list[tuple[str, str]]:
    from custseg.cli.streams import data_stdout
    from custseg.output.atomic import check_not_an_input
    from custseg.output.files import write_table, write_text
    from custseg.output.tabular import write_problems_csv

    written: list[tuple[str, str]] = []
    problems_note = str(problems) if problems else ""
    if problems:
        check_not_an_input(problems, inputs)
        write_problems_csv(result.problems, problems, csv_safe, bom)
        written.append(("problems", str(problems)))
    if output == "-":
        stdout = data_stdout()
        write_table(result.customers, stdout, fmt, csv_safe, bom)
        stdout.flush()
        written.append(("customer_table", "<stdout>"))
    else:
        target = Path(output) if output else _default_output(inputs[0], result.as_of.isoformat(), lang)
        check_not_an_input(target, inputs)
        if fmt == "xlsx":
            from custseg.output.workbook.sheets import write_workbook

            write_workbook(result, target, lang, problems_note)
        else:
            write_table(result.customers, target, fmt, csv_safe, bom)
        written.append(("workbook" if fmt == "xlsx" else "customer_table", str(target)))
    if summary_json:
        import json

        check_not_an_input(summary_json, inputs)
        from custseg.output.summary import summary_payload

        payload = summary_payload(result)
        write_text(summary_json, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        written.append(("summary", str(summary_json)))
    return written


def _console(stderr: bool, quiet: bool) -> Console:
    from rich.console import Console

    # rich drops colour by itself when the stream is not a terminal or NO_COLOR is set; logs and pipes
    # get a fixed width so that tables do not wrap at 80 columns.
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() or "COLUMNS" in os.environ else 120
    return Console(stderr=stderr, highlight=False, markup=False, soft_wrap=False, quiet=quiet, width=width)


@app.command()
@handle_errors
def inspect(
    files: Annotated[list[str], typer.Argument(help="Files to look at, as `grade` would read them.")],
    column_map: opt.ColumnMap = None,
    profile: opt.Profile = None,
    encoding: opt.Encoding = None,
    sheet: opt.Sheet = None,
) -> None:
    """Show what custseg sees in a file before grading: encoding, sheets, header, export profile, column
    mapping, values."""
    from custseg.input.headers import column_map as user_columns
    from custseg.input.sources import Source
    from custseg.inspect import inspect_source

    column_fields = user_columns(opt.parse_map_options(column_map), profile)
    stdin_bytes = sys.stdin.buffer.read() if "-" in files else None
    for f in files:
        for line in inspect_source(Source.from_arg(f, stdin_bytes), column_fields, encoding, sheet):
            print(line)  # plain lines: they are read, grepped and pasted into emails


@rules_app.command("init")
@handle_errors
def rules_init(
    path: Annotated[Path, typer.Argument(help="Where to write the rules file.")] = Path("custseg-rules.toml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write the default rules as a commented TOML file to edit."""
    from custseg.config.rules import default_rules_text
    from custseg.errors import OutputError
    from custseg.output.files import write_text

    if path.exists() and not force:
        raise OutputError(f"{path}: already exists", hint="pass --force to overwrite it, or choose another name")
    write_text(path, default_rules_text())
    print(f"wrote {path}; edit it, check it with `custseg rules check {path}`, use it with `--rules {path}`")


@rules_app.command("check")
@handle_errors
def rules_check(
    path: Annotated[Path, typer.Argument(help="The rules file to check.")],
    orders: Annotated[
        list[str] | None, typer.Option("--orders", help="Also show each score's cut-offs on this export (repeatable).")
    ] = None,
    customers: opt.Customers = None,
) -> None:
    """Validate a rules file and explain it: tiers in order, the segment map, and (with --orders) the cut-offs."""
    from custseg.config.rules import load_rules
    from custseg.errors import RulesError
    from custseg.explain import explain_rules, unknown_columns

    rules = load_rules(path)
    extra: set[str] = set()
    if customers:
        from custseg.input.read import read_source
        from custseg.input.sources import Source

        for table in read_source(Source.from_arg(customers), {}, want="master").tables:
            extra |= set(table.headers) | set(table.mapping.fields)
    unknown = unknown_columns(rules, extra)
    if unknown:
        raise RulesError(
            f"{path}: the conditions name columns that do not exist: {', '.join(unknown)}",
            hint="check the spelling (`custseg rules init` lists the columns); for a customer-master column, "
            "pass --customers FILE",
        )
    for line in explain_rules(rules, orders or []):
        print(line)


# What `rates show` and `rates update` say, in either language.
RATES_TEXT: dict[str, tuple[str, str]] = {
    "source": (
        "汇率来源：欧洲央行欧元参考汇率（{origin}），{first} 至 {last}",
        "rates: the ECB's euro reference rates ({origin}), {first} to {last}",
    ),
    "rule": (
        "按订单日期取当天或之前最近一个工作日的汇率（周末、节假日），经欧元交叉换算；"
        "订单晚于 {last} 超过 {days} 天时使用 {last} 的汇率并计数",
        "a run takes the rate of the order date or of the latest business day before it (weekends, holidays), "
        "crossed through EUR; orders more than {days} days after {last} take the rates of {last} and are counted",
    ),
    "on": (
        "{day} 使用 {rate_date} 的汇率（1 单位 = 多少 {base}）：",
        "on {day}, the rates of {rate_date} (1 unit = so many {base}):",
    ),
    "stale": (
        "注意：{day} 晚于汇率表的最后日期 {last} 超过 {days} 天",
        "note: {day} is more than {days} days after the table's last date {last}",
    ),
    "none": ("无汇率", "no rate"),
    "before": (
        "{day} 早于汇率表的第一天 {first}，没有汇率",
        "{day} is before the table's first date {first}: no rates",
    ),
    "loaded": (
        "已载入 {path}：{first} 至 {last}，{n} 种货币；此后的运行使用它（此前：{before}）",
        "loaded {path}: {first} to {last}, {n} currencies; runs use it from now on (before: {before})",
    ),
}


def _rates_text(key: str, lang: str, **values: Any) -> str:
    return RATES_TEXT[key][0 if lang == "zh" else 1].format(**values)


@rates_app.command("show")
@handle_errors
def rates_show(
    currency: Annotated[
        list[str] | None, typer.Option("--currency", metavar="CODE", help="Only this currency (repeatable).")
    ] = None,
    date: opt.RateDate = None,
    base_currency: Annotated[
        str, typer.Option("--base-currency", metavar="CODE", help="The currency the rates are into.")
    ] = "USD",
    lang: opt.LangOption = opt.Lang.zh,
) -> None:
    """The ECB reference rates a run would use: the table's source and dates, and the rates on a date."""
    day = opt.parse_as_of(date, "--date")
    base = opt.parse_currency_code(base_currency, "--base-currency")
    codes = [opt.parse_currency_code(c, "--currency") for c in currency or []]
    from custseg.core.money import STALE_AFTER_DAYS
    from custseg.input.ecb import rates_on, table_in_use

    table = table_in_use()
    language = lang.value
    first, last = table.first_date.isoformat(), table.last_date.isoformat()
    print(_rates_text("source", language, origin=table.origin, first=first, last=last))
    print(_rates_text("rule", language, last=last, days=STALE_AFTER_DAYS))
    when = day or table.last_date
    if when < table.first_date:
        print(_rates_text("before", language, day=when.isoformat(), first=first))
        return
    shown = rates_on(when, base, codes or None, table)
    rate_date = next((d for d in shown["rate_date"] if d is not None), None)
    print(_rates_text("on", language, day=when.isoformat(), rate_date=rate_date or "-", base=base))
    for rec in shown.itertuples(index=False):
        value = _rates_text("none", language) if rec.rate != rec.rate else f"{rec.rate:.6g}"
        print(f"  {rec.currency}  {value}")
    if (when - table.last_date).days > STALE_AFTER_DAYS:
        print(_rates_text("stale", language, day=when.isoformat(), last=last, days=STALE_AFTER_DAYS))


@rates_app.command("update")
@handle_errors
def rates_update(
    path: Annotated[
        Path, typer.Argument(help="The ECB's eurofxref-hist.zip, downloaded from its euro reference rates page.")
    ],
    lang: opt.LangOption = opt.Lang.zh,
) -> None:
    """Load a newer ECB history (eurofxref-hist.zip) into the user's data folder; runs use it from then on."""
    from custseg.input.ecb import load_update

    before, now = load_update(path)
    print(
        _rates_text(
            "loaded",
            lang.value,
            path=now.path,
            first=now.first_date.isoformat(),
            last=now.last_date.isoformat(),
            n=len(now.currencies),
            before=f"{before.origin}, {before.last_date.isoformat()}",
        )
    )


@app.command("history")
@handle_errors
def history_cmd(
    customer_id: Annotated[str | None, typer.Argument(help="A customer id; without it, the list of snapshots.")] = None,
    history: opt.History = HISTORY_DB,
    fmt: opt.TableFormatOption = opt.TableFormat.table,
) -> None:
    """A customer's tier, segment and RFM over time, or the snapshots in the history."""
    from custseg.history.store import connect, customer_history, list_snapshots

    history = history or HISTORY_DB
    with contextlib.closing(connect(history, create=False)) as con:
        frame = customer_history(con, customer_id) if customer_id else list_snapshots(con)
    if customer_id and frame.empty:
        from custseg.errors import InputError

        raise InputError(f"customer {customer_id!r} is not in the history {history}")
    _emit(frame, fmt, f"{customer_id}" if customer_id else "snapshots")


@app.command("compare")
@handle_errors
def compare_cmd(
    before: Annotated[str, typer.Argument(help="Earlier grading: an output file, or an as-of date with --history.")],
    after: Annotated[str, typer.Argument(help="Later grading: an output file, or an as-of date with --history.")],
    history: opt.History = None,
    rules_file: opt.RulesFile = None,
    fmt: opt.TableFormatOption = opt.TableFormat.table,
) -> None:
    """The tier migration between two gradings, and who moved (up, down, new, gone)."""
    from custseg.config.rules import Rules, load_rules
    from custseg.core.compare import compare_gradings
    from custseg.input.previous import read_previous

    rules = load_rules(rules_file) if rules_file else Rules()
    if history:
        from custseg.history.store import connect, snapshot_by_date

        with contextlib.closing(connect(history, create=False)) as con:
            a, b = snapshot_by_date(con, before), snapshot_by_date(con, after)
    else:
        a, b = read_previous(Path(before), rules), read_previous(Path(after), rules)
    changes, migration = compare_gradings(a, b, rules.tier_order)
    if fmt is opt.TableFormat.table:
        from rich.console import Console

        from custseg.cli.report import render_frame

        console = Console(highlight=False, markup=False)
        render_frame(console, migration, "tier migration")
        render_frame(console, changes, "changes")
    elif fmt is opt.TableFormat.csv:
        _emit(changes, fmt, "")
    else:
        import json

        payload = {
            "migration": json.loads(migration.to_json(orient="records", force_ascii=False)),
            "changes": json.loads(changes.to_json(orient="records", force_ascii=False)),
        }
        from custseg.cli.streams import data_stdout

        data_stdout().write(json.dumps(payload, ensure_ascii=False) + "\n")


def _emit(frame: Any, fmt: opt.TableFormat, title: str) -> None:
    from custseg.cli.streams import data_stdout

    if fmt is opt.TableFormat.csv:
        frame.to_csv(data_stdout(), index=False, lineterminator="\n")
    elif fmt is opt.TableFormat.json:
        data_stdout().write(frame.to_json(orient="records", force_ascii=False, date_format="iso") + "\n")
    else:
        from rich.console import Console

        from custseg.cli.report import render_frame

        render_frame(Console(highlight=False, markup=False), frame, title)


def main() -> None:
    """The console entry point. Once a command has finished and its output is flushed, the process ends
    without tearing the interpreter down: freeing a large run's millions of objects one at a time is
    measurable after every file was written and closed (mypy ends the same way). Outputs are written
    atomically and the history commits its transactions, so nothing is left to do. Any exit Python would
    report differently (a message as the code) goes the usual way.

    Warnings of the libraries underneath (pandas' ParserWarning, a deprecation) are not shown: they speak
    to a developer, not to the clerk reading stderr, and whatever they say about the data custseg reports
    itself as a problem row, a note or an error. The tests run with warnings as errors to catch them.

    A character the console cannot show is shown as "?" (:mod:`custseg.cli.streams`)."""
    warnings.simplefilter("ignore")
    from custseg.cli.streams import tolerate_console_encoding

    tolerate_console_encoding()
    try:
        app()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is None or (isinstance(code, int) and not isinstance(code, bool)):
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # a closed pipe or stream: let Python report it as it would
            raise SystemExit(code) from None
        os._exit(code or 0)
    raise SystemExit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
