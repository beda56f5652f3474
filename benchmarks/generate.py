"""Generate realistic order exports for the benchmarks, deterministically.

    python benchmarks/generate.py 1000000            # benchmarks/data/orders_1000000.csv
    python benchmarks/generate.py 500000 --xlsx      # also benchmarks/data/orders_500000.xlsx

About 10% as many customers as lines, 2-4 lines an order, mixed currencies (USD, EUR, CNY, GBP) and
countries, 3% cancelled lines, 2% returns, Chinese headers. The data stays out of git (benchmarks/data/).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
COUNTRIES = np.array(
    [
        "美国",
        "United States",
        "德国",
        "Germany",
        "英国",
        "法国",
        "日本",
        "韩国",
        "越南",
        "阿联酋",
        "巴西",
        "墨西哥",
        "澳大利亚",
        "Canada",
        "印度",
        "Poland",
        "Spain",
        "中国",
        "Italy",
        "Chile",
    ]
)
CURRENCIES = np.array(["USD", "EUR", "CNY", "GBP"])
CATEGORIES = np.array(["LED灯具", "五金工具", "家居用品", "纺织面料", "电子配件", "包装材料"])


def generate(lines: int, seed: int = 20261123) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    customers = max(lines // 10, 1)
    orders = max(lines // 3, 1)
    # Customers differ in how often they order: a skewed (Zipf-like) choice of customer per order.
    weights = 1.0 / np.arange(1, customers + 1) ** 0.7
    weights /= weights.sum()
    order_customer = rng.choice(customers, size=orders, p=weights)
    start = np.datetime64("2016-01-01")
    span = int((np.datetime64("2026-10-31") - start).astype(int))
    order_day = start + rng.integers(0, span, size=orders).astype("timedelta64[D]")
    order_of_line = np.sort(rng.integers(0, orders, size=lines))
    cust = order_customer[order_of_line]
    cust_country = rng.integers(0, len(COUNTRIES), size=customers)
    cust_currency = rng.choice(len(CURRENCIES), size=customers, p=[0.55, 0.2, 0.15, 0.1])
    qty = rng.integers(1, 500, size=lines)
    price = np.round(rng.lognormal(2.0, 0.8, size=lines), 2)
    amount = np.round(qty * price, 2)
    status = np.where(rng.random(lines) < 0.03, "已取消", "已发货").astype(object)
    returns = rng.random(lines) < 0.02
    status[returns] = "退货"
    return pd.DataFrame(
        {
            "客户编号": np.char.add("C", np.char.zfill(cust.astype(str), 7)),
            "客户名称": np.char.add("Customer ", cust.astype(str)),
            "订单编号": np.char.add("SO", order_of_line.astype(str)),
            "下单日期": pd.to_datetime(order_day[order_of_line]).strftime("%Y-%m-%d"),
            "产品类别": CATEGORIES[rng.integers(0, len(CATEGORIES), size=lines)],
            "数量": qty,
            "单价": price,
            "金额": amount,
            "币种": CURRENCIES[cust_currency[cust]],
            "国家": COUNTRIES[cust_country[cust]],
            "订单状态": status,
        }
    )


def write_rates(path: Path) -> None:
    months = pd.period_range("2016-01", "2026-10", freq="M").astype(str)
    rows = [("EUR", m, 1.08) for m in months] + [("CNY", m, 0.14) for m in months] + [("GBP", m, 1.27) for m in months]
    pd.DataFrame(rows, columns=["currency", "month", "rate"]).to_csv(path, index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lines", type=int)
    parser.add_argument("--xlsx", action="store_true", help="also write an XLSX of the same lines")
    args = parser.parse_args()
    out = HERE / "data"
    out.mkdir(exist_ok=True)
    frame = generate(args.lines)
    frame.to_csv(out / f"orders_{args.lines}.csv", index=False)
    write_rates(out / "rates.csv")
    if args.xlsx:
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(out / f"orders_{args.lines}.xlsx"), {"constant_memory": True})
        ws = wb.add_worksheet("订单")
        ws.write_row(0, 0, list(frame.columns))
        for i, row in enumerate(frame.itertuples(index=False, name=None), start=1):
            ws.write_row(i, 0, row)
        wb.close()
    print(f"wrote {args.lines:,} lines, {frame['客户编号'].nunique():,} customers to {out}")


if __name__ == "__main__":
    main()
