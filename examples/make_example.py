"""Make the bundled example export, deterministically: `python examples/make_example.py`.

An exporter's order lines 2024-2026 for 40 customers in 20 countries: Chinese headers, a title row
above the header, one sheet per year in the workbook, USD/EUR/CNY, cancelled and returned lines,
sample orders and a total row; the same lines as a GB18030 CSV (Chinese Excel's default); a customer
master with industry, sales owner, a manual tier and a prospect; and monthly exchange rates.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADERS = [
    "客户编号",
    "客户名称",
    "订单编号",
    "下单日期",
    "产品类别",
    "订单类型",
    "数量",
    "单价",
    "金额",
    "币种",
    "国家",
    "订单状态",
]
COUNTRIES = [
    "美国",
    "United States",
    "德国",
    "Germany",
    "英国",
    "UK",
    "法国",
    "日本",
    "韩国",
    "越南",
    "Viet Nam",
    "阿联酋",
    "沙特阿拉伯",
    "巴西",
    "墨西哥",
    "澳大利亚",
    "Canada",
    "印度",
    "Poland",
    "Spain",
    "中国",
    "Italy",
]
CATEGORIES = {"LED灯具": (8, 30), "五金工具": (2, 15), "家居用品": (3, 20), "纺织面料": (1, 6)}
OWNERS = ["张伟", "李娜", "王芳"]
INDUSTRIES = ["批发零售", "制造业", "建筑工程", "电子商务"]
CURRENCY_BY_COUNTRY = {
    "德国": "EUR",
    "Germany": "EUR",
    "法国": "EUR",
    "Spain": "EUR",
    "Italy": "EUR",
    "Poland": "EUR",
    "中国": "CNY",
}
AS_OF = dt.date(2026, 10, 31)


def make_lines(rng: random.Random) -> tuple[list[list[str]], list[list[str]]]:
    customers = []
    for i in range(1, 41):
        country = COUNTRIES[(i * 7) % len(COUNTRIES)]
        customers.append(
            {
                "id": f"C{i:04d}",
                "name": f"{['Global', 'Pacific', 'Nordic', 'Sunrise', 'Atlas'][i % 5]} Trading {i}",
                "country": country,
                "industry": INDUSTRIES[i % 4],
                "owner": OWNERS[i % 3],
                "created": dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 600)),
                "activity": rng.choice([0.3, 1, 2, 4, 8]),  # orders a year
                "size": rng.choice([1, 2, 5, 20]),
            }
        )
    lines: list[list[str]] = []
    order_no = 250000
    for c in customers:
        cur = CURRENCY_BY_COUNTRY.get(c["country"], "USD")
        n_orders = max(0, int(round(c["activity"] * rng.uniform(0.5, 2.5))))
        start = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 500))
        dates = sorted(start + dt.timedelta(days=rng.randrange(0, (AS_OF - start).days + 1)) for _ in range(n_orders))
        for k, day in enumerate(dates):
            order_no += 1
            sample = k == 0 and rng.random() < 0.4
            status = "已发货"
            r = rng.random()
            if r < 0.05:
                status = "已取消"
            for _ in range(rng.randint(1, 4)):
                cat = rng.choice(list(CATEGORIES))
                lo, hi = CATEGORIES[cat]
                qty = rng.randint(1, 5) if sample else rng.randint(50, 500) * c["size"] // 2 + 10
                price = round(rng.uniform(lo, hi) * (7.1 if cur == "CNY" else 0.92 if cur == "EUR" else 1), 2)
                amount = round(qty * price, 2)
                lines.append(
                    [
                        c["id"],
                        c["name"],
                        f"SO{order_no}",
                        day.isoformat(),
                        cat,
                        "样品单" if sample else "大货",
                        str(qty),
                        f"{price:.2f}",
                        f"{amount:,.2f}",
                        cur,
                        c["country"],
                        status,
                    ]
                )
            if not sample and rng.random() < 0.08:  # a return a few weeks later, netted on its own date
                ret = min(day + dt.timedelta(days=20), AS_OF)
                lines.append(
                    [
                        c["id"],
                        c["name"],
                        f"RT{order_no}",
                        ret.isoformat(),
                        cat,
                        "大货",
                        "-10",
                        f"{price:.2f}",
                        f"-{10 * price:,.2f}",
                        cur,
                        c["country"],
                        "退货",
                    ]
                )
    master = [
        [
            c["id"],
            c["name"],
            c["country"],
            c["industry"],
            c["owner"],
            c["created"].isoformat(),
            "VIP" if c["id"] == "C0007" else "",
        ]
        for c in customers
    ]
    master.append(["C0099", "Horizon Imports 99", "Chile", "批发零售", "李娜", "2026-09-15", ""])  # a prospect
    lines.sort(key=lambda ln: (ln[3], ln[2]))
    return lines, master


def main() -> None:
    import openpyxl

    rng = random.Random(20261031)
    lines, master = make_lines(rng)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for year in ("2024", "2025", "2026"):
        ws = wb.create_sheet(f"{year}年订单")
        ws.append([f"华信进出口有限公司 {year}年订单明细表"])
        ws.append([f"导出时间：{AS_OF.isoformat()} 09:00"])
        ws.append(HEADERS)
        rows = [ln for ln in lines if ln[3].startswith(year)]
        for ln in rows:
            cells: list[object] = list(ln)
            cells[3] = dt.datetime.fromisoformat(ln[3])
            cells[6], cells[7] = int(ln[6]), float(ln[7])
            cells[8] = float(ln[8].replace(",", ""))
            ws.append(cells)
        ws.append(["合计", "", "", "", "", "", "", "", round(sum(float(r[8].replace(",", "")) for r in rows), 2)])
    ws = wb.create_sheet("客户档案")
    ws.append(["客户编号", "客户名称", "国家", "行业", "业务员", "建档日期", "手动等级"])
    for m in master:
        ws.append(m)
    wb.properties.created = dt.datetime(2026, 10, 31)
    wb.save(HERE / "orders.xlsx")
    with open(HERE / "orders.csv", "w", encoding="gb18030", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        w.writerows(lines)
    with open(HERE / "customers.csv", "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["客户编号", "客户名称", "国家", "行业", "业务员", "建档日期", "手动等级"])
        w.writerows(master)
    with open(HERE / "rates.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["currency", "month", "rate"])
        month = dt.date(2024, 1, 1)
        k = 0
        while month <= AS_OF:
            w.writerow(["EUR", month.strftime("%Y-%m"), f"{1.08 + 0.01 * ((k % 7) - 3):.4f}"])
            w.writerow(["CNY", month.strftime("%Y-%m"), f"{0.1390 + 0.0005 * ((k % 5) - 2):.4f}"])
            month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            k += 1
    print(f"{len(lines)} order lines, {len(master)} customers in the master")


if __name__ == "__main__":
    main()
