"""One base currency: symbols, fixed, monthly and daily rates, missing rates, mixed histories."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import TODAY, invoke

from custseg.api import GradeOptions, grade
from custseg.core.money import normalise_currency
from custseg.errors import CurrencyError

ORDERS = """customer_id,order_id,order_date,amount,currency
A,1,2026-01-10,100,USD
A,2,2026-01-20,200,EUR
A,3,2026-02-05,1000,CNY
B,4,2026-02-10,¥500,
C,5,2026-02-11,€90,
D,6,2026-02-12,50,GBP
"""


@pytest.fixture
def orders(tmp_path):
    p = tmp_path / "o.csv"
    p.write_text(ORDERS, encoding="utf-8")
    return p


def monetary(result):
    return {k: round(v, 6) for k, v in result.customers.set_index("customer_id")["monetary"].items()}


@pytest.mark.parametrize(
    "token, code",
    [
        ("$", "USD"),
        ("US$", "USD"),
        ("€", "EUR"),
        ("£", "GBP"),
        ("¥", "CNY"),
        ("RMB", "CNY"),
        ("人民币", "CNY"),
        ("元", "CNY"),
        ("美元", "USD"),
        ("欧元", "EUR"),
        ("英镑", "GBP"),
        ("日元", "JPY"),
        ("usd", "USD"),
        ("XYZ", None),
        ("", None),
    ],
)
def test_symbols_and_words(token, code):
    assert normalise_currency(token) == code


def test_yen_option():
    assert normalise_currency("¥", yen="JPY") == "JPY"


def test_fixed_rates(orders, tmp_path):
    rates = tmp_path / "r.csv"
    rates.write_text("currency,rate\nEUR,1.10\nCNY,0.14\nGBP,1.25\n", encoding="utf-8")
    r = grade([orders], options=GradeOptions(today=TODAY, rates_file=rates))
    assert monetary(r) == {"A": 460.0, "B": 70.0, "C": 99.0, "D": 62.5}  # 100 + 200 x 1.10 + 1000 x 0.14, ...
    a = r.customers.set_index("customer_id").loc["A"]
    assert a["currencies"] == "CNY;EUR;USD"
    by_cur = r.revenue_by_currency.set_index("currency")
    assert by_cur.loc["EUR", "amount"] == 290.0 and round(by_cur.loc["EUR", "amount_base"], 6) == 319.0


def test_monthly_rates_and_a_missing_month(orders, tmp_path):
    rates = tmp_path / "r.csv"
    rates.write_text(
        "currency,month,rate\nEUR,2026-01,1.10\nEUR,2026-02,1.20\nCNY,2026-02,0.15\nGBP,2026-02,1.30\n",
        encoding="utf-8",
    )
    r = grade([orders], options=GradeOptions(today=TODAY, rates_file=rates))
    assert monetary(r) == {"A": 100 + 220 + 150, "B": 75, "C": 108, "D": 65}
    rates.write_text("currency,month,rate\nEUR,2026-01,1.10\nCNY,2026-02,0.15\nGBP,2026-02,1.30\n", encoding="utf-8")
    r = grade([orders], options=GradeOptions(today=TODAY, rates_file=rates))
    probs = r.problems[r.problems["reason_code"] == "missing_rate"]
    assert probs[["row", "value", "reason"]].values.tolist() == [
        [6, "EUR 2026-02", "no exchange rate for EUR in 2026-02"]
    ]
    assert "C" not in set(r.customers["customer_id"])  # its only line is a problem row, never converted at 1.0
    assert r.reconciliation["problem"] == 1


def test_daily_rates_use_the_latest_on_or_before(orders, tmp_path):
    rates = tmp_path / "r.csv"
    rates.write_text(
        "currency,date,rate\nEUR,2026-01-01,1.00\nEUR,2026-01-15,1.50\nEUR,2026-02-11,2.00\n"
        "CNY,2026-01-01,0.10\nGBP,2026-02-12,1.25\n",
        encoding="utf-8",
    )
    r = grade([orders], options=GradeOptions(today=TODAY, rates_file=rates))
    assert monetary(r) == {"A": 100 + 200 * 1.5 + 100, "B": 50, "C": 180, "D": 62.5}


def test_foreign_currency_without_rates_takes_the_ecb_reference_rates(orders, runner):
    # Issue 20: it stopped with no_rates before. B's bare ¥ is CNY, C's € is EUR; the rates are the
    # ECB's (1 EUR in USD, CNY, GBP) of each order's date or the business day before it; 2026-01-10
    # is a Saturday, but A's line that day is in USD and needs none.
    ecb = {
        "2026-01-20": {"USD": 1.1728},
        "2026-02-05": {"USD": 1.1798, "CNY": 8.1869},
        "2026-02-10": {"USD": 1.1894, "CNY": 8.2245},
        "2026-02-11": {"USD": 1.19},
        "2026-02-12": {"USD": 1.1874, "GBP": 0.8711},
    }
    from test_reference_rates import ECB

    for day, rates in ecb.items():
        assert {k: float(ECB[day][k]) for k in rates} == rates, day
    r = grade([orders], options=GradeOptions(today=TODAY))
    expected = {
        "A": 100 + 200 * 1.1728 + 1000 / 8.1869 * 1.1798,
        "B": 500 / 8.2245 * 1.1894,
        "C": 90 * 1.19,
        "D": 50 / 0.8711 * 1.1874,
    }
    assert monetary(r) == {k: round(v, 6) for k, v in expected.items()}
    result = invoke(runner, ["grade", str(orders), "-o", "-"])
    assert result.exit_code == 0 and "欧洲央行欧元参考汇率" in result.stderr


def test_rates_into_another_base_are_refused(orders, tmp_path):
    rates = tmp_path / "r.csv"
    rates.write_text("currency,rate,base\nUSD,7.1,CNY\n", encoding="utf-8")
    with pytest.raises(CurrencyError, match="the rates are into CNY, but the base currency is USD"):
        grade([orders], options=GradeOptions(today=TODAY, rates_file=rates))


def test_declared_currency_and_base_currency(tmp_path):
    p = tmp_path / "o.csv"
    p.write_text("customer_id,order_date,amount\nA,2026-01-01,10\n", encoding="utf-8")
    r = grade([p], options=GradeOptions(today=TODAY))
    assert r.customers.loc[0, "currencies"] == "USD" and "taken as USD" in r.notes[0].text("en")
    assert r.notes[0].text("zh") == "1 行订单没有币种，按本位币 USD 计算；如不是，请用 --currency 指定"
    # Issue 18: a file in one declared currency, with no base or rates given, is graded in that currency
    # (it stopped and asked for --base-currency before).
    r = grade([p], options=GradeOptions(today=TODAY, currency="GBP"))
    assert r.rules.currency.base == "GBP" and r.customers.loc[0, "monetary"] == 10.0
    # With another base given, the ECB's rates of 2025-12-31 (2026-01-01 is a holiday) convert it:
    # 10 GBP = 10 / 0.8726 EUR x 1.175 USD.
    r = grade([p], options=GradeOptions(today=TODAY, currency="GBP", base_currency="USD"))
    assert round(r.customers.loc[0, "monetary"], 6) == round(10 / 0.8726 * 1.175, 6)
    r = grade([p], options=GradeOptions(today=TODAY, currency="GBP", base_currency="GBP"))
    assert r.customers.loc[0, "currencies"] == "GBP" and not any(n.code == "assumed_currency" for n in r.notes)


def test_unknown_currency_is_a_problem_row(tmp_path):
    p = tmp_path / "o.csv"
    p.write_text(
        "customer_id,order_date,amount,currency\nA,2026-01-01,10,USD\nA,2026-01-02,10,Dollars\n", encoding="utf-8"
    )
    r = grade([p], options=GradeOptions(today=TODAY))
    assert r.problems[["row", "column", "value", "reason_code"]].values.tolist() == [
        [3, "currency", "Dollars", "unknown_currency"]
    ]


def test_rates_in_the_rules_file(orders, tmp_path):
    from custseg.config.rules import rules_from_text

    rules = rules_from_text("[currency]\nbase = 'CNY'\nrates = { USD = 7.0, EUR = 7.5, GBP = 9.0 }\n")
    r = grade([orders], rules=rules, options=GradeOptions(today=TODAY))
    assert monetary(r) == {"A": 700 + 1500 + 1000, "B": 500, "C": 675, "D": 450}


def test_money_sums_without_visible_drift(tmp_path):
    p = tmp_path / "o.csv"
    lines = ["customer_id,order_date,amount"] + ["A,2026-01-01,0.10"] * 1000
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = grade([p], options=GradeOptions(today=TODAY))
    assert round(r.customers.loc[0, "monetary"], 2) == 100.00


def test_jpy_workbook_has_no_decimals(orders, tmp_path, runner):
    import openpyxl

    rates = tmp_path / "r.csv"
    rates.write_text("currency,rate\nUSD,150\nEUR,160\nCNY,21\nGBP,190\n", encoding="utf-8")
    out = tmp_path / "g.xlsx"
    res = invoke(runner, ["grade", str(orders), "--base-currency", "JPY", "--rates", str(rates), "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(out)["客户分级"]
    header = [c.value for c in ws[1]]
    col = header.index("购买金额 (JPY)") + 1
    id_col = header.index("客户编号") + 1
    got = {ws.cell(r, id_col).value: ws.cell(r, col).value for r in range(2, ws.max_row + 1)}
    # By hand, with the file's rates into JPY: A = 100 USD x 150 + 200 EUR x 160 + 1000 CNY x 21 = 68,000;
    # B = ¥500 (CNY, as ¥ reads without --yen) x 21 = 10,500; C = €90 x 160 = 14,400; D = 50 GBP x 190 = 9,500.
    assert got == {"A": 68000, "B": 10500, "C": 14400, "D": 9500}
    assert {ws.cell(r, col).number_format for r in range(2, ws.max_row + 1)} == {"#,##0"}


def test_money_stage_converts_used_lines_and_sets_aside_a_missing_rate():
    from custseg.core.money import Rates, to_base_currency
    from custseg.schema import DISPOSITIONS

    dispositions = ["used", "used", "used", "used", "cancelled"]
    lines = pd.DataFrame(
        {
            "file": "o.csv",
            "sheet": "",
            "row": [2, 3, 4, 5, 6],
            "order_date": pd.to_datetime(["2026-01-15", "2026-02-03", "2026-03-09", "2026-03-10", "2026-03-11"]),
            "amount": [100.0, 50.0, 20.0, 7.0, 1000.0],
            "currency": pd.Categorical(["EUR", "EUR", "EUR", "", "GBP"]),
            "disposition": pd.Categorical(dispositions, categories=DISPOSITIONS),
        }
    )
    monthly = pd.DataFrame(
        {
            "currency": ["EUR", "EUR"],
            "month": pd.PeriodIndex(["2026-01", "2026-02"], freq="M"),
            "rate": [1.1, 1.2],
        }
    )
    got = to_base_currency(lines, Rates(base="USD", monthly=monthly))
    assert lines["amount_base"].tolist()[:2] == [110.00000000000001, 60.0]
    assert pd.isna(lines["amount_base"].iloc[2]) and pd.isna(lines["amount_base"].iloc[4])
    assert lines["amount_base"].iloc[3] == 7.0  # no currency: the base one
    assert lines["currency"].tolist() == ["EUR", "EUR", "EUR", "USD", "GBP"]
    assert lines["disposition"].tolist() == ["used", "used", "problem", "used", "cancelled"]
    assert got.problems[["row", "column", "value", "reason_code", "reason"]].values.tolist() == [
        [4, "currency", "EUR 2026-03", "missing_rate", "no exchange rate for EUR in 2026-03"]
    ]
    assert [(n.code, n.values) for n in got.notes] == [
        ("assumed_currency", {"n": 1, "base": "USD"}),
        ("rates_missing", {"n": 1, "currencies": "EUR", "base": "USD"}),
    ]
    assert got.exchange_rates["amounts"] == {"base": 1, "file": 2}


def test_money_stage_without_any_rate_for_a_foreign_currency_stops():
    from custseg.core.money import Rates, to_base_currency

    lines = pd.DataFrame(
        {
            "order_date": pd.to_datetime(["2026-01-15"]),
            "amount": [100.0],
            "currency": pd.Categorical(["EUR"]),
            "disposition": pd.Categorical(["used"]),
        }
    )
    with pytest.raises(CurrencyError, match="the orders are in EUR but no exchange rates were given") as exc:
        to_base_currency(lines, Rates(base="USD"))
    assert exc.value.code == "no_rates"


def test_returned_orders_net_to_zero():
    from custseg.core.money import net_returns

    lines = pd.DataFrame(
        {
            "order_id": ["O1", "O1", "O2", "O3", "O4"],
            "status_kind": ["order", "order", "returned", "order", "order"],
            "amount_base": [10.0, 5.0, -3.0, 8.0, 9.0],
            "disposition": ["used", "used", "used", "used", "cancelled"],
        }
    )
    assert net_returns(lines, {"O1", "O4"}) == 3  # two lines of O1 and the returned line of O2
    assert lines["amount_base"].tolist() == [0.0, 0.0, -3.0, 8.0, 9.0]


ZAR_SHOP = (
    "customer_id,order_date,amount,currency\nA,2026-01-05,1200.50,ZAR\nA,2026-02-01,799.50,ZAR\nB,2026-02-03,300,\n"
)


def test_orders_in_one_currency_are_graded_in_it_when_no_base_or_rates_were_given(tmp_path, runner):
    """A's 1,200.50 + 799.50 = 2,000.00 ZAR; B's line names no currency and is taken as the base, ZAR."""
    path = tmp_path / "shop.csv"
    path.write_text(ZAR_SHOP, encoding="utf-8")
    result = grade(path, options=GradeOptions(today=TODAY))
    assert result.rules.currency.base == "ZAR"
    assert result.customers.set_index("customer_id")["monetary"].to_dict() == {"A": 2000.0, "B": 300.0}
    assert [(n.code, n.values) for n in result.notes[:2]] == [
        ("base_from_orders", {"base": "ZAR"}),
        ("assumed_currency", {"n": 1, "base": "ZAR"}),
    ]
    assert result.notes[0].text("en") == "no base currency was given and every order is in ZAR: the figures are in ZAR"
    cli = invoke(
        runner, ["grade", str(path), "-o", str(tmp_path / "g.csv"), "--summary-json", str(tmp_path / "s.json")]
    )
    assert cli.exit_code == 0
    assert '"base_currency": "ZAR"' in (tmp_path / "s.json").read_text(encoding="utf-8")


def test_a_base_currency_given_or_set_in_the_rules_is_kept(tmp_path):
    # USD given: the ZAR lines are converted with the ECB's rates (it stopped with no_rates before
    # issue 20): 2026-01-05 1 EUR = 1.1664 USD = 19.2268 ZAR; 2026-02-01 is a Sunday, so the rates of
    # Friday 01-30: 1.1919 USD, 18.9906 ZAR. B's line names no currency and is taken as USD.
    from test_reference_rates import ECB

    assert [float(ECB[d][c]) for d in ("2026-01-05", "2026-01-30") for c in ("USD", "ZAR")] == [
        1.1664,
        19.2268,
        1.1919,
        18.9906,
    ]
    path = tmp_path / "shop.csv"
    path.write_text(ZAR_SHOP, encoding="utf-8")
    result = grade(path, options=GradeOptions(today=TODAY, base_currency="USD"))
    expected = {"A": 1200.50 / 19.2268 * 1.1664 + 799.50 / 18.9906 * 1.1919, "B": 300.0}
    assert result.rules.currency.base == "USD"
    assert monetary(result) == {k: round(v, 6) for k, v in expected.items()}
    from custseg.config.rules import rules_from_text

    ruled = grade(path, rules=rules_from_text('[currency]\nbase = "USD"\n'), options=GradeOptions(today=TODAY))
    assert ruled.rules.currency.base == "USD" and monetary(ruled) == monetary(result)
