"""The rates file's checks: each mistake is one error that names the file, the line and the value."""

from __future__ import annotations

import pytest
from conftest import invoke

from custseg.errors import CurrencyError, InputError
from custseg.input.rates import load_rates_csv

GIVE_RATES = "1 unit of currency = rate units of the base currency, e.g. EUR,1.08"
CHANGING = "add a month or date column for rates that change over time"


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        (
            "code,value\nEUR,1.1\n",
            "r.csv: the rates file needs the columns currency and rate; found code, value",
            GIVE_RATES,
        ),
        ("currency\nEUR\n", "r.csv: the rates file needs the columns currency and rate; found currency", GIVE_RATES),
        ("currency,rate\nEUR,1.1\nXYZ,2\nEURO,3\n", "r.csv: not ISO 4217 currency codes: EURO, XYZ", None),
        ("currency,rate\nEUR,1.1\nGBP,0\n", "r.csv, line 3: the rate '0' is not a positive number", None),
        ("currency,rate\nEUR,-1.08\n", "r.csv, line 2: the rate '-1.08' is not a positive number", None),
        ("currency,rate\nEUR,\n", "r.csv, line 2: the rate '' is not a positive number", None),
        ("currency,rate\nEUR,abc\n", "r.csv, line 2: the rate 'abc' is not a positive number", None),
        (
            "currency,rate,month\nEUR,1.1,2026-01\nEUR,1.2,2026/02\n",
            "r.csv, line 3: the month '2026/02' is not YYYY-MM",
            None,
        ),
        ("currency,rate,month\nEUR,1.1,2026-13\n", "r.csv, line 2: the month '2026-13' is not YYYY-MM", None),
        (
            "currency,rate,date\nEUR,1.1,2026-01-05\nEUR,1.2,someday\n",
            "r.csv, line 3: the date 'someday' cannot be read",
            "write dates as YYYY-MM-DD",
        ),
        (
            "currency,rate\nEUR,1.1\nGBP,1.3\neur,1.2\n",
            "r.csv, lines 2 and 4: the currency EUR has two rates (1.1 and 1.2)",
            CHANGING,
        ),
        (  # RMB is CNY
            "currency,rate\nRMB,0.14\nCNY,0.15\n",
            "r.csv, lines 2 and 3: the currency CNY has two rates (0.14 and 0.15)",
            CHANGING,
        ),
        (
            "currency,rate,month\nEUR,1.1,2026-01\nGBP,1.3,2026-01\nEUR,1.2,2026-02\nEUR,1.15,2026-01\n",
            "r.csv, lines 2 and 5: the currency EUR has two rates in 2026-01 (1.1 and 1.15)",
            "keep one rate per currency and month",
        ),
        (
            "currency,rate,date\nEUR,1.1,2026-01-05\nEUR,1.2,2026-01-06\nEUR,1.12,2026-01-05\n",
            "r.csv, lines 2 and 4: the currency EUR has two rates on 2026-01-05 (1.1 and 1.12)",
            "keep one rate per currency and date",
        ),
    ],
)
def test_a_bad_rates_file_is_one_input_error(tmp_path, monkeypatch, text, message, hint):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_rates_csv("r.csv", "USD")
    assert (caught.value.message, caught.value.hint) == (message, hint)


def test_rates_into_another_base_are_a_currency_error(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("currency,rate,base\nEUR,1.1,EUR\n", encoding="utf-8")
    with pytest.raises(CurrencyError) as caught:
        load_rates_csv(p, "USD")
    assert caught.value.message == f"{p}: the rates are into EUR, but the base currency is USD"
    assert caught.value.hint == "make EUR the base currency, or give rates into USD"


def test_the_same_currency_in_several_months_is_no_duplicate(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("currency,rate,month\nEUR,1.1,2026-01\nEUR,1.2,2026-02\n", encoding="utf-8")
    rates = load_rates_csv(p, "USD")
    assert rates.fixed == {} and rates.monthly is not None
    assert [(c, str(m), r) for c, m, r in rates.monthly.itertuples(index=False)] == [
        ("EUR", "2026-01", 1.1),
        ("EUR", "2026-02", 1.2),
    ]


def test_grade_with_a_bad_rates_file_exits_1_with_the_line(runner, core_csv, tmp_path):
    rates = tmp_path / "r.csv"
    rates.write_text("currency,rate\nEUR,1.1\nGBP,0\n", encoding="utf-8")
    out = tmp_path / "g.csv"
    result = invoke(runner, ["grade", str(core_csv), "--rates", str(rates), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"Error: {rates}, line 3: the rate '0' is not a positive number"
    assert not out.exists()


@pytest.mark.parametrize(
    "text",
    [
        "currency,rate\nEUR,1.1\nEUR,1.1\n",
        "currency,rate,month\nEUR,1.1,2026-01\nEUR,1.10,2026-01\n",
        "currency,rate,date\nEUR,1.1,2026-01-05\nEUR,1.1,2026-01-05\n",
    ],
)
def test_the_same_rate_twice_is_no_conflict(tmp_path, text):
    # A copied row gives the same number whichever is kept: nothing to guess, so it is no error.
    p = tmp_path / "r.csv"
    p.write_text(text, encoding="utf-8")
    rates = load_rates_csv(p, "USD")
    table = rates.monthly if rates.monthly is not None else rates.daily
    assert rates.fixed == {"EUR": 1.1} if table is None else set(table["rate"]) == {1.1}


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("currency;rate\nEUR;1,08\n", 1.08),  # was read as 108
        ("currency;rate\nEUR;1,08\nJPY;0,0067\n", 1.08),
        ("currency;rate\nJPY;0,0067\nEUR;1,085\n", 1.085),  # 0,0067 decides the column: comma is decimal
        ("currency;rate\nIDR;1.234,5\nEUR;1,085\n", 1.085),
        ('currency,rate\nIDR,"1,234.5"\nEUR,"1,085"\n', 1085.0),  # a decimal point decides: comma groups
        ("currency,rate\nEUR,1.085\n", 1.085),
    ],
)
def test_the_rate_column_has_one_decimal_separator(tmp_path, text, rate):
    p = tmp_path / "r.csv"
    p.write_text(text, encoding="utf-8")
    assert load_rates_csv(p, "USD").fixed["EUR"] == rate


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "currency;rate\nEUR;1,08\nGBP;1.27\n",
            "r.csv: the rates are written with a decimal comma on line 2 ('1,08') and a decimal point on line 3"
            " ('1.27')",
        ),
        (
            "currency;rate\nEUR;1,085\n",
            "r.csv, line 2: the rate '1,085' could be read with its comma as a decimal comma or as a thousands"
            " separator",
        ),
    ],
)
def test_a_rate_whose_comma_is_undecided_is_refused(tmp_path, monkeypatch, text, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_rates_csv("r.csv", "USD")
    assert caught.value.message == message
