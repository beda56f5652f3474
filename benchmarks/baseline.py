"""What a competent analyst would write by hand for the same job, timed as the benchmarks' baseline.

    python benchmarks/baseline.py ORDERS OUTPUT.xlsx [--as-of 2026-10-31]

pandas read_csv/read_excel, one groupby for recency/frequency/monetary, qcut scores, and to_excel
with pandas' default engine (openpyxl). No validation, no currencies, no classification, no
formatting: the floor of what the job needs done by hand.
"""

from __future__ import annotations

import argparse

import pandas as pd


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("orders")
    parser.add_argument("output")
    parser.add_argument("--as-of", default="2026-10-31")
    args = parser.parse_args()
    if args.orders.endswith((".xlsx", ".xls")):
        df = pd.read_excel(args.orders)
    else:
        df = pd.read_csv(args.orders)
    df["下单日期"] = pd.to_datetime(df["下单日期"])
    df = df[df["订单状态"] != "已取消"]
    as_of = pd.Timestamp(args.as_of)
    rfm = df.groupby("客户编号").agg(
        last=("下单日期", "max"), frequency=("订单编号", "nunique"), monetary=("金额", "sum")
    )
    rfm["recency"] = (as_of - rfm["last"]).dt.days
    rfm["r_score"] = pd.qcut(rfm["recency"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1])
    rfm["f_score"] = pd.qcut(rfm["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    rfm["m_score"] = pd.qcut(rfm["monetary"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    rfm.to_excel(args.output)


if __name__ == "__main__":
    main()
