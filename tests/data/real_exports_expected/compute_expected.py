"""Expected per-customer figures for the real platform exports of issue 18, computed without custseg.

Reads the exports in ``../shared/data/real_exports/`` (relative to the repository root; the repository is
checked out beside a ``shared`` folder) and writes, next to this script, for each export ``<stem>``:

- ``<stem>.csv``: customer_key, frequency, monetary, currency, first_order_date, last_order_date;
- ``<stem>.statuses.csv``: every status value seen, its row count and how it was treated;
- or, where the money cannot be read right, ``<stem>.unreadable.txt`` saying why, instead of figures.

Only the standard library is used (csv, decimal, datetime), and nothing of custseg is imported or run: the
figures follow each platform's documented export semantics (docs/export-formats.md lists the sources).
When the shared folder is absent the script says so and exits 0.

Rules applied to every file
---------------------------
R1  One order is counted once. Order-level fields are read once per order id: Shopify writes them on the
    first line of each ``Name`` only (item lines leave them blank); WooCommerce repeats ``Total Amount`` on
    every product line of the order (checked: equal on all lines of an order). Item lines without their own
    amount are neither money nor problems.
R2  frequency = distinct orders that are sales (R4); monetary = the sum over those orders of the order's
    total minus the export's refunded-amount column for that order (Shopify ``Refunded Amount``, Stripe
    ``Amount Refunded``); a fully refunded order without such a column nets to zero. Sums use Decimal and
    are written to the cent.
R3  Not a sale (neither an order nor money): failed, declined, voided, expired, unpaid, pending,
    authorized-only payments, ``requires_payment_method``, cancelled orders and orders with a cancellation
    date. A refunded order that was also cancelled (Shopify ``Cancelled at`` set) is a cancelled order:
    not a sale, and its refund only returns what it had taken.
R4  A sale: a paid (or, for CRM invoices, issued) order, including one refunded or partly refunded after it
    was paid and not cancelled (the sale counts, the refund nets it by R2).
R5  The customer key is the platform's customer id where there is one; guest ids (blank, ``0``, ``guest``,
    ``-``) are blank ids, and then, row by row, the e-mail lower-cased, then the name as written.
R6  The order's day is the order's creation date as written in the export's own zone (its offset is not
    converted to UTC or to this machine's zone); first/last_order_date are taken over the sales only.
R7  A row whose order-level amount is blank where the layout puts one is not money and not an order (a
    problem row for the reconciliation); the count is listed in the statuses file.

Per-file rules are stated in each reader below.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[2]
SHARED = REPO_ROOT.parent / "shared" / "data" / "real_exports"
CENT = Decimal("0.01")
GUEST_IDS = {"", "0", "guest", "-"}


@dataclass
class Order:
    """One order as the export states it, after the platform's rules decided whether it is a sale."""

    key: str
    order_id: str
    day: date
    total: Decimal
    refunded: Decimal
    currency: str


@dataclass
class Result:
    """What one export gives: its sales, the status table, and notes for the report."""

    orders: list[Order]
    statuses: list[tuple[str, int, str]]
    notes: list[str]


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def money(text: str) -> Decimal:
    """A plain or '$1,234.5'-style amount as Decimal."""
    return Decimal(text.replace("$", "").replace(",", "").strip())


def customer_key(customer_id: str, email: str, name: str) -> str:
    """R5: the id unless it is a guest id, then the lower-cased e-mail, then the name."""
    if customer_id.strip().lower() not in GUEST_IDS:
        return customer_id.strip()
    if email.strip():
        return email.strip().lower()
    return name.strip()


def status_table(counts: Counter[str], treatment: dict[str, str]) -> list[tuple[str, int, str]]:
    """Every status value seen with its row count; an unknown value stops the script rather than guess."""
    unknown = sorted(set(counts) - set(treatment))
    if unknown:
        raise SystemExit(f"status values with no documented treatment: {unknown}")
    return [(value, counts[value], treatment[value]) for value in sorted(counts, key=lambda v: (-counts[v], v))]


# --- Shopify orders export -------------------------------------------------------------------------------
# One row per line item; Financial Status, Currency, Total, Refunded Amount, Cancelled at and Billing Name
# only on the first line of each order (Name). No customer id column (Id is the order's id): the key is
# the lower-cased Email (on every line), then Billing Name. The order's day: Created at
# ("2024-01-25 13:23:17 +0100"), in the offset written. Total is the order total (subtotal + shipping +
# taxes - discounts). Financial Status vocabulary: shopify.dev OrderFinancialStatus.
SHOPIFY_STATUS = {
    "paid": "sale",
    "partially_refunded": "sale, net of Refunded Amount (if not cancelled)",
    "refunded": "sale, net of Refunded Amount (if not cancelled)",
    "pending": "not a sale (payment pending)",
    "authorized": "not a sale (authorized, not captured)",
    "partially_paid": "not a sale (only partly paid)",
    "voided": "not a sale (authorization voided)",
    "expired": "not a sale (payment expired)",
    "": "item line: the order's status is on its first line",
}


def shopify(path: Path) -> Result:
    rows = read_rows(path)
    counts = Counter(row["Financial Status"] for row in rows)
    first: dict[str, dict[str, str]] = {}
    for row in rows:
        if row["Financial Status"]:
            if row["Name"] in first:
                raise SystemExit(f"{path.name}: order {row['Name']} has order fields on two lines")
            first[row["Name"]] = row
    headless = {row["Name"] for row in rows} - set(first)
    if headless:
        raise SystemExit(f"{path.name}: orders with no line carrying the order fields: {sorted(headless)}")
    orders, notes, cancelled = [], [], Counter()
    for name, row in first.items():
        status = row["Financial Status"]
        if row["Cancelled at"].strip():
            cancelled[status] += 1
            continue
        if SHOPIFY_STATUS[status].startswith("not"):
            continue
        orders.append(
            Order(
                key=customer_key("", row["Email"], row["Billing Name"]),
                order_id=name,
                day=datetime.strptime(row["Created at"], "%Y-%m-%d %H:%M:%S %z").date(),
                total=money(row["Total"]),
                refunded=money(row["Refunded Amount"] or "0"),
                currency=row["Currency"],
            )
        )
    table = status_table(counts, SHOPIFY_STATUS)
    for i, (status, n, treatment) in enumerate(table):
        if cancelled[status]:
            table[i] = (status, n, f"{treatment}; {cancelled[status]} order(s) with Cancelled at set: not sales")
            notes.append(f"{cancelled[status]} order(s) {status!r} have Cancelled at set: cancelled, not sales (R3)")
    return Result(orders, table, notes)


# --- WooCommerce order export (one row per product line) -------------------------------------------------
# Headers: Order ID, Date Created, Date Paid, Status, Customer ID, Name, Email, ..., Total Amount. The
# order's Total Amount is repeated on each product line: counted once per Order ID (checked equal). Customer
# ID 0 is a guest: the key is the lower-cased Email, then Name. No currency anywhere: USD (stated by the
# source). No refunded-amount column: a "refunded" order was fully refunded (WooCommerce: "fully refunded
# the order's value after payment"), so it counts and nets to zero. The order's day: Date Created, no zone
# written (the store's zone). Status vocabulary: WooCommerce OrderStatus enum.
WOO_STATUS = {
    "processing": "sale (payment received)",
    "completed": "sale (fulfilled and complete)",
    "refunded": "sale, fully refunded: nets to zero",
    "on-hold": "not a sale (awaiting payment confirmation)",
    "pending": "not a sale (no payment made)",
    "failed": "not a sale (payment failed or declined)",
    "cancelled": "not a sale (cancelled)",
    "checkout-draft": "not a sale (draft)",
}


def woocommerce(path: Path) -> Result:
    rows = read_rows(path)
    counts = Counter(row["Status"] for row in rows)
    by_order: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_order[row["Order ID"]].append(row)
    orders = []
    for order_id, lines in by_order.items():
        fields = {(r["Status"], r["Total Amount"], r["Date Created"], r["Customer ID"], r["Email"]) for r in lines}
        if len(fields) != 1:
            raise SystemExit(f"{path.name}: order {order_id} has differing order-level fields")
        row = lines[0]
        if WOO_STATUS[row["Status"]].startswith("not"):
            continue
        total = money(row["Total Amount"])
        orders.append(
            Order(
                key=customer_key(row["Customer ID"], row["Email"], row["Name"]),
                order_id=order_id,
                day=datetime.strptime(row["Date Created"], "%Y-%m-%d %H:%M:%S").date(),
                total=total,
                refunded=total if row["Status"] == "refunded" else Decimal(0),
                currency="USD",
            )
        )
    return Result(orders, status_table(counts, WOO_STATUS), [])


# --- Stripe payments export (Dashboard > Payments > Export, one row per charge) ----------------------------
# Order id: id (the charge, ch_...), or the PaymentIntent ID where a row has no charge. Key: Customer ID,
# then the lower-cased Customer Email, then Card Name. Money: Amount - Amount Refunded, in Currency
# (upper-cased). The order's day: Created date (UTC). A charge is revenue when it was paid (Status Paid and
# Captured true); Failed charges and PaymentIntents still in requires_payment_method took no money.
STRIPE_STATUS = {
    "Paid": "sale, net of Amount Refunded",
    "Refunded": "sale, net of Amount Refunded",
    "Partially refunded": "sale, net of Amount Refunded",
    "Failed": "not a sale (charge failed)",
    "requires_payment_method": "not a sale (payment intent with no successful payment)",
    "Canceled": "not a sale (canceled)",
    "Uncaptured": "not a sale (authorized, not captured)",
}


def stripe(path: Path) -> Result:
    rows = read_rows(path)
    counts = Counter(row["Status"] for row in rows)
    orders = []
    status_table(counts, STRIPE_STATUS)
    for row in rows:
        if STRIPE_STATUS[row["Status"]].startswith("not"):
            continue
        if row["Captured"] != "true":
            raise SystemExit(f"{path.name}: {row['id']} is {row['Status']} but not captured")
        orders.append(
            Order(
                key=customer_key(row["Customer ID"], row["Customer Email"], row["Card Name"]),
                order_id=row["id"] or row["PaymentIntent ID"],
                day=datetime.strptime(row["Created date (UTC)"], "%Y-%m-%d %H:%M:%S").date(),
                total=money(row["Amount"]),
                refunded=money(row["Amount Refunded"] or "0"),
                currency=row["Currency"].upper(),
            )
        )
    return Result(orders, status_table(counts, STRIPE_STATUS), [])


# --- Zoho CRM Invoices (one row per invoice) ----------------------------------------------------------------
# Order id: INVOICEID. Key: Account Id (the Accounts export, zoho_accounts.csv, is the customer master:
# ACCOUNTID, Account Name, Account Owner, Industry). Money: Grand Total, written "$21,042" (the org's
# currency symbol; no currency column: "$" is taken as USD). The order's day: Created Time
# ("20 Apr, 2021 07:49:50", the exporting user's zone, as written). Invoice Status vocabulary (Created,
# Approved, Delivered, Cancelled) carries no payment state: an issued invoice is a sale, a cancelled one is
# not. An invoice with a blank Grand Total (all its money columns blank) is a problem row (R7).
ZOHO_STATUS = {
    "Created": "sale (issued invoice)",
    "Approved": "sale (issued invoice)",
    "Delivered": "sale (issued invoice)",
    "Cancelled": "not a sale (cancelled)",
}


def zoho(path: Path) -> Result:
    rows = read_rows(path)
    counts = Counter(row["Invoice Status"] for row in rows)
    status_table(counts, ZOHO_STATUS)
    orders, blank = [], Counter()
    for row in rows:
        if ZOHO_STATUS[row["Invoice Status"]].startswith("not"):
            continue
        if not row["Grand Total"].strip():
            blank[row["Invoice Status"]] += 1
            continue
        orders.append(
            Order(
                key=customer_key(row["Account Id"], "", ""),
                order_id=row["INVOICEID"],
                day=datetime.strptime(row["Created Time"], "%d %b, %Y %H:%M:%S").date(),
                total=money(row["Grand Total"]),
                refunded=Decimal(0),
                currency="USD",
            )
        )
    table = status_table(counts, ZOHO_STATUS)
    table.append(("(blank Grand Total, not cancelled)", sum(blank.values()), "problem row: no amount (R7)"))
    notes = [f"{n} {status} invoice(s) have a blank Grand Total: problem rows" for status, n in sorted(blank.items())]
    master = SHARED / "zoho_accounts.csv"
    if master.exists():
        ids = {row["ACCOUNTID"] for row in read_rows(master)}
        missing = {o.key for o in orders} - ids
        notes.append(f"customers missing from zoho_accounts.csv: {len(missing)}")
    return Result(orders, table, notes)


# --- Odoo sale.order line export ------------------------------------------------------------------------------
# One row per order line (order_line/price_subtotal, untaxed); the order's fields repeated on each line.
# No currency column (the order's currency_id/pricelist was not exported) while the amounts are in more
# than one currency: the money cannot be read right, so no figures are written (see the .unreadable.txt).
ODOO_STATUS = {
    "Sale Order": "confirmed sales order (state 'sale'); money unreadable: no currency column",
    "Sale Order/Done": "confirmed and locked (state 'done'); money unreadable: no currency column",
}


def odoo(path: Path) -> Result:
    rows = read_rows(path)
    counts = Counter(row["order_line/order_id/state"] for row in rows)
    return Result([], status_table(counts, ODOO_STATUS), [])


def odoo_unreadable(path: Path) -> str:
    rows = read_rows(path)
    orders = {row["order_line/order_id/name"] for row in rows}
    partners = {row["order_line/order_partner_id/display_name"] for row in rows}
    prices: dict[str, list[Decimal]] = defaultdict(list)
    company: dict[str, str] = {}
    for row in rows:
        name = row["order_line/order_id/name"]
        prices[name].append(money(row["order_line/price_unit"] or "0"))
        company[name] = row["order_line/order_partner_id/display_name"].split("]", 1)[-1].split(", [")[0]
    foreign: dict[str, set[str]] = defaultdict(set)
    for name, unit_prices in prices.items():
        if Decimal(0) < max(unit_prices) < 1000 and any(p != p.to_integral_value() for p in unit_prices):
            foreign[company[name]].add(name)
    examples = "; ".join(f"{company}: {', '.join(sorted(names))}" for company, names in sorted(foreign.items()))
    return (
        f"{path.name}: the money cannot be read right, so no per-customer figures are given.\n\n"
        f"{len(rows)} order lines, {len(orders)} orders (order_line/order_id/name), {len(partners)} partner\n"
        "display names. Amounts (order_line/price_unit, order_line/price_subtotal) are in more than one\n"
        "currency and the export has no currency column: most orders are priced in the thousands\n"
        "to hundreds of millions per unit (Indonesian rupiah), while whole orders of foreign buyers are priced\n"
        f"under 1,000 per unit, in cents ({examples}):\n"
        "another currency. Summing them would grade a mixture.\n"
        "Expected behaviour (issue 18): one clear line saying the amounts are in several currencies with no\n"
        "currency column, and no grading unless the user names the currency per order (--map currency=...).\n\n"
        "The customer is order_line/order_partner_id/display_name, written 'Company, Contact' with codes\n"
        "('[C19-0000133]ULTIMIND CORP, [C19-0000132]Name'); company names themselves contain ', ' ('FAJAR\n"
        "BENUA INDOPACK, PT'), so the company cannot be split off the contact by the comma alone.\n"
    )


READERS: dict[str, Callable[[Path], Result]] = {
    "shopify_eur.csv": shopify,
    "shopify_zar.csv": shopify,
    "woo_orders.csv": woocommerce,
    "stripe_answersai.csv": stripe,
    "zoho_invoices.csv": zoho,
    "odoo_sale_order.csv": odoo,
}


def per_customer(orders: list[Order]) -> list[list[str]]:
    seen: set[str] = set()
    groups: dict[str, list[Order]] = defaultdict(list)
    for order in orders:
        if order.order_id in seen:
            raise SystemExit(f"order {order.order_id} appears twice")
        seen.add(order.order_id)
        groups[order.key].append(order)
    out = []
    for key in sorted(groups):
        mine = groups[key]
        currencies = {o.currency for o in mine}
        if len(currencies) != 1:
            raise SystemExit(f"customer {key} has orders in {sorted(currencies)}")
        monetary = sum((o.total - o.refunded for o in mine), Decimal(0)).quantize(CENT)
        days = [o.day for o in mine]
        out.append([key, str(len(mine)), str(monetary), currencies.pop(), str(min(days)), str(max(days))])
    return out


def write_csv(path: Path, header: list[str], rows: list[list[str]] | list[tuple[str, int, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> int:
    if not SHARED.is_dir():
        print(f"The shared exports folder is absent ({SHARED}); nothing computed.")
        return 0
    for name, reader in READERS.items():
        path = SHARED / name
        if not path.exists():
            print(f"{name}: absent, skipped")
            continue
        stem = path.stem
        result = reader(path)
        write_csv(HERE / f"{stem}.statuses.csv", ["status", "rows", "treatment"], result.statuses)
        if reader is odoo:
            (HERE / f"{stem}.unreadable.txt").write_text(odoo_unreadable(path), encoding="utf-8")
            print(f"{name}: money unreadable (several currencies, no currency column); see {stem}.unreadable.txt")
            continue
        table = per_customer(result.orders)
        header = ["customer_key", "frequency", "monetary", "currency", "first_order_date", "last_order_date"]
        write_csv(HERE / f"{stem}.csv", header, table)
        total = sum((Decimal(row[2]) for row in table), Decimal(0))
        currency = ",".join(sorted({row[3] for row in table}))
        print(f"{name}: {len(table)} customers, {len(result.orders)} orders, monetary {total} {currency}")
        for note in result.notes:
            print(f"  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
