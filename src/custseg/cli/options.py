"""The command line's options, each defined once and shared by the commands that take it, and the checks of
their values. Nothing here imports pandas or reads a file: every option is checked before either happens,
so a typo answers as fast as ``--help``."""

from __future__ import annotations

import datetime as dt
import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from custseg.errors import UsageError


class Lang(StrEnum):
    zh = "zh"
    en = "en"


class OutFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"


class TableFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


# Inputs, as grade, inspect and rules check read them.
Orders = Annotated[
    list[str],
    typer.Argument(metavar="ORDERS", help="Order exports: CSV, TSV, XLSX (XLS/ODS); '-' reads CSV from stdin."),
]
Customers = Annotated[
    str | None,
    typer.Option(
        "--customers",
        metavar="FILE",
        help="Customer master (CSV/XLSX): name, country, industry (行业), sales owner (业务员), 手动等级 ...",
    ),
]
ColumnMap = Annotated[
    list[str] | None,
    typer.Option("--map", metavar="FIELD=HEADER", help="FIELD=HEADER, e.g. --map amount=成交金额 (repeatable)."),
]
Profile = Annotated[
    str | None,
    typer.Option(
        "--profile",
        metavar="NAME",
        help="Read the orders as this export layout (shopify_orders, stripe_payments, zoho_invoices ...; "
        "`generic` for none). Default: recognised from the header row; `custseg inspect` names it.",
    ),
]
Encoding = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="NAME",
        help="Text encoding of CSV inputs (detected by default), e.g. gb18030, utf-8, cp1252.",
    ),
]
Sheet = Annotated[list[str] | None, typer.Option("--sheet", metavar="NAME", help="Read only this sheet (repeatable).")]
RulesFile = Annotated[
    Path | None, typer.Option("--rules", metavar="FILE", help="Rules file (TOML); see `custseg rules init`.")
]
History = Annotated[
    Path | None,
    typer.Option(
        "--history",
        metavar="DB",
        help="SQLite history: grade stores its run as a snapshot and compares the previous snapshot; "
        "history and compare read it.",
    ),
]
TableFormatOption = Annotated[TableFormat, typer.Option("--format", help="table, csv or json.")]

# grade's own.
Output = Annotated[
    str | None,
    typer.Option(
        "-o",
        "--output",
        metavar="PATH",
        help="Output file; its extension picks the format. "
        "'-' writes CSV (or --format json/jsonl) to stdout. Default: "
        "<input>_客户分级_<as-of>.xlsx beside the first input.",
    ),
]
OutFormatOption = Annotated[OutFormat | None, typer.Option("--format", help="Output format, overriding the extension.")]
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="Evaluation date YYYY-MM-DD. Default: the latest valid order date in the inputs.",
    ),
]
DayFirst = Annotated[bool, typer.Option("--dayfirst", help="Read 03/05/2025 as 3 May.")]
MonthFirst = Annotated[bool, typer.Option("--monthfirst", help="Read 03/05/2025 as March 5.")]
DecimalComma = Annotated[bool, typer.Option("--decimal-comma", help="Amounts use a decimal comma (1.234,50).")]
Currency = Annotated[
    str | None,
    typer.Option("--currency", metavar="CODE", help="Currency of inputs without a currency column, e.g. GBP."),
]
BaseCurrency = Annotated[
    str | None,
    typer.Option(
        "--base-currency", metavar="CODE", help="Currency of monetary figures (default USD, or the rules file's)."
    ),
]
RatesFile = Annotated[
    Path | None,
    typer.Option(
        "--rates",
        metavar="FILE",
        help="Exchange rates CSV: currency,rate[,month|date] (1 unit = rate units of base). Without it, "
        "the ECB's daily reference rates that come with custseg convert the orders.",
    ),
]


class RatesFallback(StrEnum):
    none = "none"
    bundled = "bundled"


RatesFallbackOption = Annotated[
    RatesFallback | None,
    typer.Option(
        "--rates-fallback",
        help="For currencies the --rates file does not name: none (their lines are problems) or bundled "
        "(the ECB reference rates). Default: the rules' currency.rates_fallback, else none.",
    ),
]
RateDate = Annotated[
    str | None,
    typer.Option("--date", metavar="YYYY-MM-DD", help="The date to show the rates of. Default: the table's last."),
]
Yen = Annotated[str | None, typer.Option("--yen", metavar="CNY|JPY", help="What a bare ¥ means: CNY (default) or JPY.")]
HomeCountry = Annotated[
    str | None,
    typer.Option("--home-country", metavar="CODE", help="ISO code of the home market for is_domestic (default CN)."),
]
Status = Annotated[
    list[str] | None,
    typer.Option(
        "--status",
        metavar="TEXT=KIND",
        help='TEXT=KIND with KIND order, cancelled or returned, e.g. "On Hold=cancelled" (repeatable).',
    ),
]
LookbackMonths = Annotated[
    int | None,
    typer.Option(
        "--lookback-months",
        min=0,
        metavar="N",
        help="Frequency and monetary count only the last N months (0: all).",
    ),
]
NoPredict = Annotated[
    bool,
    typer.Option(
        "--no-predict",
        help="Skip the fitted model: p_alive, expected orders and predicted value stay empty.",
    ),
]
Previous = Annotated[
    Path | None,
    typer.Option("--previous", metavar="FILE", help="Last run's workbook or CSV: adds previous_tier and tier_change."),
]
Problems = Annotated[
    Path | None, typer.Option("--problems", metavar="FILE", help="Also write the problem rows to this CSV.")
]
MaxProblems = Annotated[
    str | None,
    typer.Option(
        "--max-problems",
        metavar="N|N%",
        help="Exit 3 when problem rows exceed this count or percentage (e.g. 100 or 5%); outputs are still written.",
    ),
]
SummaryJson = Annotated[
    Path | None, typer.Option("--summary-json", metavar="FILE", help="Write the summary figures as JSON.")
]
LangOption = Annotated[Lang, typer.Option("--lang", help="Language of the workbook and terminal.")]
CsvSafe = Annotated[
    bool,
    typer.Option(
        "--csv-safe",
        help="Prefix text cells starting with = + - @ with ' in CSV output (spreadsheet formula injection).",
    ),
]
Bom = Annotated[
    bool,
    typer.Option(
        "--bom",
        help="Start CSV output (stdout, -o FILE.csv, --problems) with a UTF-8 byte order mark, so that Excel "
        "reads it as UTF-8 and not in the system's code page.",
    ),
]
MaxUnzippedMb = Annotated[
    int,
    typer.Option(
        "--max-unzipped-mb",
        min=1,
        metavar="MB",
        help="Refuse workbooks that unpack to more than this (zip-bomb guard).",
    ),
]
Quiet = Annotated[bool, typer.Option("-q", "--quiet", help="Print nothing but errors.")]


def parse_as_of(text: str | None, flag: str = "--as-of") -> dt.date | None:
    """``--as-of 2026-10-31`` (or another date option, ``flag``) -> that date; None when not given."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{flag} {text!r} is not a date YYYY-MM-DD") from None


def parse_currency_code(text: str, flag: str) -> str:
    """A three-letter currency code as given to ``flag``, upper-cased; the table decides whether it has it."""
    code = text.strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise UsageError(f"{flag} {text!r} is not a three-letter currency code, e.g. EUR")
    return code


def parse_date_order(dayfirst: bool, monthfirst: bool) -> str | None:
    """``--dayfirst`` / ``--monthfirst`` -> GradeOptions.date_order."""
    if dayfirst and monthfirst:
        raise UsageError("--dayfirst and --monthfirst contradict each other")
    return "dayfirst" if dayfirst else "monthfirst" if monthfirst else None


def parse_max_problems(text: str | None) -> tuple[int | None, float | None]:
    """``--max-problems 100`` -> (100, None); ``--max-problems 5%`` -> (None, 0.05). A negative limit would
    fail every run and NaN none, so neither is a limit."""
    if not text:
        return None, None
    t = text.strip()
    try:
        if t.endswith("%"):
            share = float(t[:-1]) / 100
            if math.isfinite(share) and share >= 0:
                return None, share
        elif int(t) >= 0:
            return int(t), None
    except ValueError:
        pass
    raise UsageError(f"--max-problems {text!r} is not a count or a percentage", hint="e.g. --max-problems 100 or 5%")


def parse_status_map(items: list[str] | None) -> dict[str, str]:
    """``--status "On Hold=cancelled"`` -> {"On Hold": "cancelled"}."""
    out = {}
    for item in items or []:
        if "=" not in item:
            raise UsageError(f"--status {item!r} is not TEXT=KIND", hint='e.g. --status "On Hold=cancelled"')
        text, kind = (p.strip() for p in item.rsplit("=", 1))
        if kind not in ("order", "cancelled", "returned", "refund"):
            raise UsageError(f"--status {item!r}: the kind must be order, cancelled, returned or refund")
        out[text] = kind
    return out


def parse_map_options(items: list[str] | None) -> dict[str, str]:
    """``--map amount=成交金额`` -> {"amount": "成交金额"}: GradeOptions.column_map."""
    from custseg.input.headers import MASTER_ALIASES, ORDER_ALIASES  # plain tables: no pandas

    result: dict[str, str] = {}
    known = set(ORDER_ALIASES) | set(MASTER_ALIASES)
    for item in items or []:
        if "=" not in item:
            raise UsageError(f"--map {item!r} is not FIELD=HEADER", hint="for example --map amount=成交金额")
        fld, header = (part.strip() for part in item.split("=", 1))
        if fld not in known:
            raise UsageError(f"--map names an unknown field {fld!r}", hint="fields are: " + ", ".join(sorted(known)))
        result[fld] = header
    return result


def output_format(output: str | None, fmt: OutFormat | None) -> str:
    """The format of grade's output: --format, else -o's extension; a workbook without -o, CSV on stdout."""
    from custseg.output.files import format_of

    if fmt is not None:
        return fmt.value
    if output is None:
        return "xlsx"
    if output == "-":
        return "csv"
    found = format_of(output)
    if found is None:
        raise UsageError(
            f"-o {output!r}: cannot tell the format from the extension",
            hint="use .xlsx, .csv, .json or .jsonl, or say --format",
        )
    return found


def check_streams(orders: list[str], output: str | None, fmt: str) -> None:
    """stdin ('-') is read once and needs -o; stdout takes text formats only."""
    if orders.count("-") > 1:
        raise UsageError("stdin ('-') can be read only once")
    if "-" in orders and output is None:
        raise UsageError("reading from stdin needs -o (a file, or '-' for stdout)")
    if output == "-" and fmt == "xlsx":
        raise UsageError("a workbook cannot go to stdout; use --format csv/json/jsonl or -o FILE.xlsx")


def check_bom(bom: bool, fmt: str, problems: Path | None) -> None:
    """--bom marks CSV output; a run that writes none would ignore it silently (and JSON must not start
    with a byte order mark: RFC 8259)."""
    if bom and fmt != "csv" and problems is None:
        raise UsageError(
            f"--bom applies to CSV output, and this run writes {fmt}",
            hint="write CSV (-o FILE.csv, or -o - with --format csv), or leave out --bom",
        )
