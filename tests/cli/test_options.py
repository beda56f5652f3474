"""The command line's option checks: values and messages, before any file is read."""

from __future__ import annotations

import datetime as dt

import pytest

from custseg.cli import options as opt
from custseg.errors import UsageError


def test_as_of_is_an_iso_date():
    assert opt.parse_as_of("2026-10-31") == dt.date(2026, 10, 31)
    assert opt.parse_as_of(None) is None and opt.parse_as_of("") is None
    with pytest.raises(UsageError, match=r"^--as-of '31/10/2026' is not a date YYYY-MM-DD$"):
        opt.parse_as_of("31/10/2026")


def test_date_order():
    assert opt.parse_date_order(True, False) == "dayfirst"
    assert opt.parse_date_order(False, True) == "monthfirst"
    assert opt.parse_date_order(False, False) is None
    with pytest.raises(UsageError, match=r"^--dayfirst and --monthfirst contradict each other$"):
        opt.parse_date_order(True, True)


def test_max_problems_is_a_count_or_a_percentage():
    assert opt.parse_max_problems("100") == (100, None)
    assert opt.parse_max_problems(" 5% ") == (None, 0.05)
    assert opt.parse_max_problems(None) == (None, None)
    with pytest.raises(UsageError) as caught:
        opt.parse_max_problems("many")
    assert caught.value.message == "--max-problems 'many' is not a count or a percentage"
    assert caught.value.hint == "e.g. --max-problems 100 or 5%"


def test_status_map():
    assert opt.parse_status_map(["On Hold=cancelled", " Back = returned "]) == {
        "On Hold": "cancelled",
        "Back": "returned",
    }
    assert opt.parse_status_map(["a=b=order"]) == {"a=b": "order"}  # the kind is after the last =
    with pytest.raises(UsageError) as caught:
        opt.parse_status_map(["On Hold"])
    assert caught.value.message == "--status 'On Hold' is not TEXT=KIND"
    assert caught.value.hint == 'e.g. --status "On Hold=cancelled"'
    with pytest.raises(UsageError, match=r"^--status 'x=lost': the kind must be order, cancelled, returned or refund$"):
        opt.parse_status_map(["x=lost"])


def test_map_options():
    assert opt.parse_map_options(["amount=成交金额", " customer_id = 客户 "]) == {
        "amount": "成交金额",
        "customer_id": "客户",
    }
    assert opt.parse_map_options(None) == {}
    with pytest.raises(UsageError) as caught:
        opt.parse_map_options(["nonsense"])
    assert caught.value.message == "--map 'nonsense' is not FIELD=HEADER"
    assert caught.value.hint == "for example --map amount=成交金额"
    with pytest.raises(UsageError) as caught:
        opt.parse_map_options(["amont=x"])
    assert caught.value.message == "--map names an unknown field 'amont'"
    assert caught.value.hint.startswith(
        "fields are: amount, cancelled_date, category, complaints, country, created_date, currency, customer_email,"
    )


def test_output_format_from_option_extension_or_default():
    assert opt.output_format(None, None) == "xlsx"
    assert opt.output_format("-", None) == "csv"
    assert opt.output_format("g.JSONL", None) == "jsonl"
    assert opt.output_format("g.txt", opt.OutFormat.json) == "json"
    with pytest.raises(UsageError) as caught:
        opt.output_format("g.txt", None)
    assert caught.value.message == "-o 'g.txt': cannot tell the format from the extension"
    assert caught.value.hint == "use .xlsx, .csv, .json or .jsonl, or say --format"


@pytest.mark.parametrize(
    ("orders", "output", "fmt", "message"),
    [
        (["-", "-"], "-", "csv", "stdin ('-') can be read only once"),
        (["-"], None, "xlsx", "reading from stdin needs -o (a file, or '-' for stdout)"),
        (["a.csv"], "-", "xlsx", "a workbook cannot go to stdout; use --format csv/json/jsonl or -o FILE.xlsx"),
    ],
)
def test_streams(orders, output, fmt, message):
    with pytest.raises(UsageError) as caught:
        opt.check_streams(orders, output, fmt)
    assert caught.value.message == message


def test_streams_that_are_fine():
    opt.check_streams(["-"], "-", "jsonl")
    opt.check_streams(["a.csv", "b.csv"], None, "xlsx")


SHARED = {
    "--map": ["grade", "inspect"],
    "--encoding": ["grade", "inspect"],
    "--sheet": ["grade", "inspect"],
    "--customers": ["grade", "rules check"],
    "--rules": ["grade", "compare"],
    "--history": ["grade", "history", "compare"],
    "--format": ["history", "compare"],
}


def test_shared_options_read_the_same_in_every_command():
    import typer.main

    from custseg.cli.commands import app

    group = typer.main.get_command(app)
    commands = {name: group.commands[name] for name in ("grade", "inspect", "history", "compare")}  # type: ignore[attr-defined]
    commands["rules check"] = group.commands["rules"].commands["check"]  # type: ignore[attr-defined]
    for name, users in SHARED.items():
        seen = [(p.help, p.metavar, p.multiple) for user in users for p in commands[user].params if name in p.opts]
        assert len(seen) == len(users) and len(set(seen)) == 1, (name, seen)
    grade_help = {p.opts[0]: p.help for p in commands["grade"].params}
    assert grade_help["--map"] == "FIELD=HEADER, e.g. --map amount=成交金额 (repeatable)."
