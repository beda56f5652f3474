"""Make the small platform exports of issue 18 in this folder, deterministically.

    python3 tests/data/exports/make_exports.py

Each file has one platform's real header row (every column, in order) and invented customers: no row of
any real export is copied. The per-file comment names where the header comes from (a section of
docs/export-formats.md and the source it cites). The expected per-customer figures in ``expected/`` were
worked out by hand from the rows below and are NOT computed by this script; README.md writes every sum out.

CSV files use only the standard library; the .xlsx files need openpyxl. Workbooks are written with fixed
document properties and fixed zip timestamps, so two runs give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXED_TIME = dt.datetime(2025, 6, 1, 0, 0, 0)


class Q(str):
    """A cell the exporter writes in double quotes even when nothing needs quoting (e.g. Shopify's "")."""


def cell_text(value: str, style: str) -> str:
    """One CSV cell as the exporter writes it.

    style "minimal": quoted only when it holds a comma, quote or line break (or is a Q);
    style "fputcsv": PHP's fputcsv, which also quotes a cell holding a space or tab (Etsy);
    style "all": every cell quoted (Salesforce Data Loader).
    """
    needs = any(ch in value for ch in ',"\r\n')
    if style == "fputcsv":
        needs = needs or any(ch in value for ch in " \t")
    if style == "all" or needs or isinstance(value, Q):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_csv(
    name: str,
    header: list[str],
    rows: list[list[str]],
    *,
    style: str = "minimal",
    newline: str = "\n",
    encoding: str = "utf-8",
) -> None:
    for row in rows:
        assert len(row) == len(header), (name, len(row), len(header), row[:3])
    lines = [",".join(cell_text(v, style) for v in row) for row in [header, *rows]]
    (HERE / name).write_bytes((newline.join(lines) + newline).encode(encoding))


def from_dicts(header: list[str], dicts: list[dict[str, str]]) -> list[list[str]]:
    """Rows in header order; a key that is not a header is a typo in this script."""
    for d in dicts:
        unknown = set(d) - set(header)
        assert not unknown, unknown
    return [[d.get(h, "") for h in header] for d in dicts]


# --- Shopify orders export ---------------------------------------------------------------------------------
# Header: exactly the 75 columns of the shared shopify_eur.csv (Admin > Orders > Export), the layout of
# docs/export-formats.md "Shopify: Orders export" (sources: docs.xbp.app Shopify order format; shopify.dev
# OrderFinancialStatus). One row per line item; the order-level fields (Financial Status, Paid at, Currency,
# Subtotal, Shipping, Taxes, Total, Billing *, Cancelled at, Refunded Amount, Id...) only on the first line
# of each Name; item lines keep Name, Email, Created at, the Lineitem columns, Vendor and Lineitem
# discount. Empty Discount Code, Note Attributes and Tags are written "" on first lines and zip codes carry a
# leading apostrophe ('69001), as in the shared export.
SHOPIFY_HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,"
    "Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,"
    "Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,"
    "Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,"
    "Billing Address2,Billing Company,Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,"
    "Shipping Name,Shipping Street,Shipping Address1,Shipping Address2,Shipping Company,Shipping City,"
    "Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,"
    "Payment Method,Payment Reference,Refunded Amount,Vendor,Id,Tags,Risk Level,Source,Lineitem discount,"
    "Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,"
    "Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,Payment ID,"
    "Payment Terms Name,Next Payment Due At,Payment References"
).split(",")


def shopify_order(
    name: str,
    email: str,
    status: str,
    created: str,
    paid: str,
    fulfillment: str,
    subtotal: str,
    shipping: str,
    total: str,
    refunded: str,
    cancelled: str,
    billing: tuple[str, str, str, str, str, str, str],
    items: list[tuple[str, str, str, str, str, str]],
    order_id: str,
    method: str = "Shopify Payments",
) -> list[dict[str, str]]:
    """The lines of one order: items are (quantity, name, price, compare-at price, sku, vendor)."""
    bname, street, city, zipcode, province, country, phone = billing
    ref = f"r{name[1:]}Pay7Qx"
    first = {
        "Financial Status": status,
        "Paid at": paid,
        "Fulfillment Status": fulfillment,
        "Fulfilled at": created if fulfillment == "fulfilled" else "",
        "Accepts Marketing": "yes",
        "Currency": "EUR",
        "Subtotal": subtotal,
        "Shipping": shipping,
        "Taxes": "0.00",
        "Total": total,
        "Discount Code": Q(""),
        "Discount Amount": "0.00",
        "Shipping Method": "Express",
        "Billing Name": bname,
        "Billing Street": street,
        "Billing Address1": street,
        "Billing City": city,
        "Billing Zip": zipcode,
        "Billing Province": province,
        "Billing Country": country,
        "Billing Phone": phone,
        "Shipping Name": bname,
        "Shipping Street": street,
        "Shipping Address1": street,
        "Shipping City": city,
        "Shipping Zip": zipcode,
        "Shipping Province": province,
        "Shipping Country": country,
        "Shipping Phone": phone,
        "Note Attributes": Q(""),
        "Cancelled at": cancelled,
        "Payment Method": method,
        "Payment Reference": ref,
        "Refunded Amount": refunded,
        "Id": order_id,
        "Tags": Q(""),
        "Risk Level": "Low",
        "Source": "web",
        "Payment ID": ref,
        "Payment References": f"{ref} + {name}.1",
    }
    lines = []
    for i, (qty, item, price, compare, sku, vendor) in enumerate(items):
        line = {
            "Name": name,
            "Email": email,
            "Created at": created,
            "Lineitem quantity": qty,
            "Lineitem name": item,
            "Lineitem price": price,
            "Lineitem compare at price": compare,
            "Lineitem sku": sku,
            "Lineitem requires shipping": "true",
            "Lineitem taxable": "true",
            "Lineitem fulfillment status": "fulfilled" if fulfillment == "fulfilled" else "pending",
            "Vendor": vendor,
            "Lineitem discount": "0.00",
        }
        if i == 0:
            line.update(first)
        lines.append(line)
    return lines


def make_shopify() -> None:
    fr = ("Alice Martin", "12 Rue des Fleurs", "Lyon", "'69001", "", "FR", "+33472000001")
    de_bob = ("Bob Jones", "Hauptstrasse 5", "Berlin", "'10115", "BE", "DE", "+49301234567")
    nl = ("Carol Weber", "Keizersgracht 100", "Amsterdam", "'1015 CJ", "NH", "NL", "+31201234567")
    it = ("Dave Rossi", "Via Roma 8, Scala B", "Milano", "'20121", "MI", "IT", "+390212345678")
    es = ("Erin Walsh", "Calle Mayor 3", "Madrid", "'28013", "M", "ES", "+34911234567")
    at = ("Frank Müller", "Ringstraße 1", "Wien", "'1010", "", "AT", "+4311234567")
    # fmt: off
    orders = [
        shopify_order(
            "#1001", "alice@example.com", "paid", "2025-03-02 10:15:01 +0100", "2025-03-02 10:15:03 +0100",
            "fulfilled", "100.00", "20.00", "120.00", "0.00", "", fr,
            [("1", "Aviator Sunglasses Gold", "60.00", "80.00", "AV-GOLD-58", "Solaris"),
             ("2", "Microfibre Cloth", "20.00", "25.00", "MC-01", "Solaris")],
            "6100000001001",
        ),
        shopify_order(
            "#1002", "Bob.Jones@Example.com", "paid", "2025-03-04 18:40:12 +0100", "2025-03-04 18:40:15 +0100",
            "fulfilled", "70.00", "10.00", "80.00", "0.00", "", de_bob,
            [("1", "Round Frame Tortoise", "70.00", "95.00", "RF-TORT-50", "Optica")],
            "6100000001002",
        ),
        shopify_order(
            "#1003", "bob.jones@example.com", "partially_refunded", "2025-03-09 09:05:44 +0100",
            "2025-03-09 09:05:47 +0100", "fulfilled", "150.00", "0.00", "150.00", "30.00", "", de_bob,
            [("1", "Cat Eye Black", "100.00", "130.00", "CE-BLK-54", "Optica"),
             ("1", "Hard Case, Large", "50.00", "", "HC-L", "Solaris")],
            "6100000001003",
        ),
        shopify_order(
            "#1004", "carol@example.com", "refunded", "2025-03-11 14:22:30 +0100", "2025-03-11 14:22:33 +0100",
            "unfulfilled", "60.00", "0.00", "60.00", "60.00", "2025-03-12 08:00:05 +0100", nl,
            [("1", "Sport Wrap Blue", "60.00", "75.00", "SW-BLU-62", "Solaris")],
            "6100000001004",
        ),
        shopify_order(
            "#1005", "dave@example.com", "pending", "2025-03-15 20:10:00 +0100", "",
            "unfulfilled", "45.00", "0.00", "45.00", "0.00", "", it,
            [("1", "Reading Glasses +1.5", "45.00", "", "RG-150", "Optica")],
            "6100000001005", method="Bank Deposit",
        ),
        shopify_order(
            "#1006", "erin@example.com", "voided", "2025-03-18 11:30:00 +0100", "",
            "unfulfilled", "210.00", "0.00", "210.00", "0.00", "2025-03-20 09:45:10 +0100", es,
            [("1", "Pilot Titanium", "150.00", "190.00", "PT-TI-57", "Optica"),
             ("1", "Clip-on Polariser", "60.00", "", "CP-57", "Solaris")],
            "6100000001006",
        ),
        shopify_order(
            "#1007", "", "paid", "2025-03-21 16:00:00 +0100", "2025-03-21 16:00:02 +0100",
            "fulfilled", "99.90", "0.00", "99.90", "0.00", "", at,
            [("1", "Oversize Square Havana", "79.90", "99.00", "OS-HAV-56", "Optica"),
             ("1", "Neck Cord", "20.00", "", "NC-01", "Solaris")],
            "6100000001007",
        ),
        shopify_order(
            "#1008", "carol@example.com", "paid", "2025-03-25 12:12:12 +0100", "2025-03-25 12:12:14 +0100",
            "fulfilled", "30.50", "5.00", "35.50", "0.00", "", nl,
            [("1", "Lens Spray 30 ml", "30.50", "", "LS-30", "Solaris")],
            "6100000001008",
        ),
        shopify_order(
            "#1009", "erin@example.com", "paid", "2025-03-28 19:55:01 +0100", "2025-03-28 19:55:04 +0100",
            "fulfilled", "64.00", "0.00", "64.00", "0.00", "", es,
            [("2", "Kids Frame Red", "32.00", "40.00", "KF-RED-44", "Optica")],
            "6100000001009",
        ),
    ]
    # fmt: on
    write_csv("shopify_orders.csv", SHOPIFY_HEADER, from_dicts(SHOPIFY_HEADER, [ln for o in orders for ln in o]))


# --- WooCommerce order export (custom "orders export", one row per product line) ---------------------------
# Header: exactly the 14 columns of the shared woo_orders.csv; docs/export-formats.md "WooCommerce > A custom
# orders export" (source: shoaibmt/pmd_scripts orders_export.csv). Customer ID 0 for guests; Total Amount is
# the order's total repeated on every product line; Date Paid blank when unpaid; no currency column (the test
# passes --currency USD). Status vocabulary: WooCommerce OrderStatus enum (docs section "Order statuses").
WOO_HEADER = (
    "Order ID,Date Created,Date Paid,Status,Customer ID,Name,Email,Product ID,Product Name,Category,"
    "Total Amount,Total Discount,Payment Method,Payment Method Title"
).split(",")


def make_woocommerce() -> None:
    card = ("stripe", "Credit Card (Stripe)")
    bank = ("bacs", "Direct bank transfer")
    # fmt: off
    orders = [
        # order id, created, paid, status, customer id, name, email, total, payment, products
        ("5001", "2025-04-01 09:10:00", "2025-04-01T09:10:05", "completed", "17", "Hannah Lee",
         "hannah@example.com", "150.00", card, [("301", "Yoga Mat Pro"), ("302", "Cork Block, set of 2")]),
        ("5002", "2025-04-03 12:00:00", "2025-04-03T12:00:04", "processing", "17", "Hannah Lee",
         "hannah@example.com", "49.50", card, [("303", "Yoga Strap")]),
        ("5003", "2025-04-04 15:30:00", "2025-04-04T15:30:06", "processing", "0", "Ivan Petrov",
         "IVAN.P@example.com", "210.00", card,
         [("310", "Kettlebell 12 kg"), ("311", "Kettlebell 16 kg"), ("312", "Chalk Bag")]),
        ("5004", "2025-04-06 08:45:00", "2025-04-06T08:45:03", "refunded", "0", "Ivan Petrov",
         "ivan.p@example.com", "80.00", card, [("313", "Resistance Bands")]),
        ("5005", "2025-04-07 19:20:00", "", "failed", "0", "Jane Doe", "jane@example.com", "99.00", card,
         [("320", "Foam Roller")]),
        ("5006", "2025-04-08 10:00:00", "", "on-hold", "23", "Kim Park", "kim@example.com", "120.00", bank,
         [("301", "Yoga Mat Pro"), ("303", "Yoga Strap")]),
        ("5007", "2025-04-10 11:11:00", "2025-04-10T11:11:09", "completed", "23", "Kim Park",
         "kim@example.com", "60.00", card, [("330", "Meditation Cushion")]),
        ("5008", "2025-04-11 17:05:00", "2025-04-11T17:05:02", "completed", "0", "Luis Gómez", "", "35.00",
         card, [("303", "Yoga Strap")]),
        ("5009", "2025-04-12 07:30:00", "2025-04-12T07:30:05", "completed", "0", "Hannah Lee",
         "hannah@example.com", "25.00", card, [("340", "Water Bottle")]),
    ]
    # fmt: on
    rows = []
    for oid, created, paid, status, cid, name, email, total, (method, title), products in orders:
        for pid, pname in products:
            rows.append([oid, created, paid, status, cid, name, email, pid, pname, "", total, "0.00", method, title])
    write_csv("woocommerce_orders.csv", WOO_HEADER, rows)


# --- Etsy Sold Orders (EtsySoldOrders*.csv, one row per order) ---------------------------------------------
# Header: the 36 columns of the Sold Orders CSV as listed, in order, by YitongM/Etsy2ParcelMonkeyCSV
# Mapping/EtsyMapping.cs (cited by docs/export-formats.md "Etsy > Sold Orders"); the UK-English names
# (Delivery, "Sales tax") are theirs. "Order Total" is spelled as the doc and a second copy of the header
# found by code search write it (EtsyMapping.cs writes "Order total"). Quoting as PHP's fputcsv does (a cell
# holding a space is quoted), as that copy of the header shows. Sale Date MM/DD/YY (the format an items-export
# parser reads, per the doc). Status values: "Completed" (not in the doc's list: an unknown word, counted as a
# sale), "Fully Refunded" (refund-netted: Adjusted Order Total 0.00), "Canceled" (not a sale).
# fmt: off
ETSY_HEADER = [
    "Sale Date", "Order ID", "Buyer User ID", "Full Name", "First Name", "Last Name", "Number of Items",
    "Payment Method", "Date Posted", "Street 1", "Street 2", "Delivery City", "Delivery State",
    "Delivery Zipcode", "Delivery Country", "Currency", "Order Value", "Coupon Code", "Coupon Details",
    "Discount Amount", "Delivery Discount", "Delivery", "Sales tax", "Order Total", "Status",
    "Card Processing Fees", "Order Net", "Adjusted Order Total", "Adjusted Card Processing Fees",
    "Adjusted Net Order Amount", "Buyer", "Order Type", "Payment Type", "InPerson Discount",
    "InPerson Location", "SKU",
]
# fmt: on


def make_etsy() -> None:
    # fmt: off
    people = {
        "411001": ("Nora Quinn", "Nora", "Quinn", "14 Elm Street", "Portland", "OR", "97205", "United States",
                   "noraquinn"),
        "411002": ("Omar Haddad", "Omar", "Haddad", "3 King's Road", "Manchester", "", "M1 1AA", "United Kingdom",
                   "omarh"),
        "411003": ("Pia Schmidt", "Pia", "Schmidt", "Lindenweg 7", "Hamburg", "", "20095", "Germany", "piaschmidt"),
        "411004": ("Ravi Kumar", "Ravi", "Kumar", "22 Lake View", "Toronto", "ON", "M5V 2T6", "Canada", "ravik"),
        "411005": ("Sofia Rossi", "Sofia", "Rossi", "88 Ocean Ave", "Miami", "FL", "33139", "United States",
                   "sofiarossi"),
    }
    # sale date, order id, buyer id, items, value, coupon, discount, delivery, tax, total, status,
    # fees, net, adjusted total, adjusted fees, adjusted net, date posted, sku
    orders = [
        ("01/05/25", "3300000001", "411001", "2", "40.00", "", "0", "5.00", "3.00", "48.00", "Completed",
         "1.70", "46.30", "", "", "", "01/06/25", "MUG-BLUE"),
        ("01/19/25", "3300000002", "411001", "1", "20.00", "", "0", "4.00", "0", "24.00", "Completed",
         "0.97", "23.03", "", "", "", "01/20/25", "COASTER-4"),
        ("02/02/25", "3300000003", "411002", "1", "55.00", "", "0", "5.00", "0", "60.00", "Completed",
         "2.05", "57.95", "", "", "", "02/03/25", "VASE-TALL"),
        ("02/10/25", "3300000004", "411002", "1", "30.00", "", "0", "5.00", "0", "35.00", "Fully Refunded",
         "1.30", "33.70", "0.00", "0.00", "0.00", "", "BOWL-S"),
        ("02/14/25", "3300000005", "411003", "1", "12.50", "", "0", "3.00", "0", "15.50", "Completed",
         "0.71", "14.79", "", "", "", "02/15/25", "CARD-HEART"),
        ("03/01/25", "3300000006", "411003", "1", "18.00", "", "0", "4.00", "0", "22.00", "Canceled",
         "0.91", "21.09", "0.00", "0.00", "0.00", "", "MUG-RED"),
        ("03/08/25", "3300000007", "411004", "2", "70.00", "", "0", "10.00", "0", "80.00", "Canceled",
         "2.65", "77.35", "0.00", "0.00", "0.00", "", "PLATE-SET"),
        ("03/15/25", "3300000008", "411005", "3", "100.00", "SPRING10", "10.00", "6.00", "4.00", "100.00",
         "Completed", "3.25", "96.75", "", "", "", "03/17/25", "TEA-SET"),
        ("03/20/25", "3300000009", "411001", "1", "10.00", "", "0", "2.00", "0", "12.00", "Completed",
         "0.61", "11.39", "", "", "", "03/21/25", "SPOON-REST"),
    ]
    # fmt: on
    # fmt: off
    rows = []
    for (sale, oid, buyer, items, value, coupon, disc, delivery, tax, total, status, fees, net, adj, adj_fees,
         adj_net, posted, sku) in orders:
        full, first, last, street, city, state, zipcode, country, username = people[buyer]
        details = "% off: 10% off your order" if coupon else ""
        rows.append([
            sale, oid, buyer, full, first, last, items, "Online - Card", posted, street, "", city, state,
            zipcode, country, "USD", value, coupon, details, disc, "0", delivery, tax, total, status, fees, net,
            adj, adj_fees, adj_net, username, "online", "online_cc", "", "", sku,
        ])
    # fmt: on
    write_csv("etsy_sold_orders.csv", ETSY_HEADER, rows, style="fputcsv")


# --- Stripe payments export (Dashboard > Payments > Export, one row per charge) -----------------------------
# Header: exactly the 87 columns of the shared stripe_answersai.csv; docs/export-formats.md "Stripe: Payments
# export" (sources: Stripe Charge object; support.stripe.com "Exporting payment reports"). Status Paid /
# Failed / requires_payment_method as in the shared export: a requires_payment_method row has no charge id
# (its order id is the PaymentIntent ID) and blank Amount Refunded and Captured. Partial and full refunds are
# Paid rows with Amount Refunded and Refunded date (UTC). Currency lower-case usd.
STRIPE_HEADER = (
    "id,Created date (UTC),Amount,Amount Refunded,Currency,Captured,Converted Amount,Converted Amount Refunded,"
    "Converted Currency,Decline Reason,Description,Fee,Is Link,Link Funding,Mode,PaymentIntent ID,"
    "Payment Source Type,Refunded date (UTC),Statement Descriptor,Status,Seller Message,Taxes On Fee,Card ID,"
    "Card Name,Card Address Line1,Card Address Line2,Card Address City,Card Address State,"
    "Card Address Country,Card Address Zip,Card AVS Line1 Status,Card AVS Zip Status,Card Brand,"
    "Card CVC Status,Card Exp Month,Card Exp Year,Card Fingerprint,Card Funding,Card Issue Country,Card Last4,"
    "Card Tokenization Method,Customer ID,Customer Description,Customer Email,Customer Phone,Shipping Name,"
    "Shipping Address Line1,Shipping Address Line2,Shipping Address City,Shipping Address State,"
    "Shipping Address Country,Shipping Address Postal Code,Disputed Amount,Dispute Date (UTC),"
    "Dispute Evidence Due (UTC),Dispute Reason,Dispute Status,Invoice ID,Invoice Number,Checkout Session ID,"
    "Checkout Custom Field 1 Key,Checkout Custom Field 1 Value,Checkout Custom Field 2 Key,"
    "Checkout Custom Field 2 Value,Checkout Custom Field 3 Key,Checkout Custom Field 3 Value,"
    "Checkout Line Item Summary,Checkout Promotional Consent,Checkout Terms of Service Consent,"
    "Client Reference ID,Payment Link ID,UTM Campaign,UTM Content,UTM Medium,UTM Source,UTM Term,"
    "Terminal Location ID,Terminal Reader ID,Application Fee,Application ID,Destination,Transfer,"
    "Transfer Group"
).split(",")


def stripe_row(
    charge: str,
    created: str,
    amount: str,
    refunded: str,
    status: str,
    customer: str,
    email: str,
    card_name: str,
    card: tuple[str, str, str, str],
    refunded_date: str = "",
) -> dict[str, str]:
    """card is (brand, last4, issue country, fingerprint)."""
    brand, last4, country, fingerprint = card
    n = charge[-2:] if charge else "00"
    row = {
        "id": charge,
        "Created date (UTC)": created,
        "Amount": amount,
        "Currency": "usd",
        "Converted Amount": amount,
        "Converted Currency": "usd",
        "Description": "Subscription creation" if n in ("01", "05", "07", "09", "11", "12") else "Subscription update",
        "Fee": "0.00",
        "Mode": "Live",
        "PaymentIntent ID": f"pi_3R0Exmpl{n}PayInt{n}",
        "Status": status,
        "Customer ID": customer,
        "Customer Email": email,
    }
    if status == "requires_payment_method":
        row["Seller Message"] = (
            "The latest payment attempt of this PaymentIntent has failed or been canceled, and the attached "
            "payment method has been removed. You can try confirming again with a new payment method."
        )
        return row
    fee = f"{(int(amount.replace('.', '')) * 29 // 1000 + 30) / 100:.2f}" if status == "Paid" else "0.00"
    row.update(
        {
            "Amount Refunded": refunded,
            "Captured": "true" if status == "Paid" else "false",
            "Converted Amount Refunded": refunded,
            "Fee": fee,
            "Is Link": "false",
            "Payment Source Type": "card",
            "Refunded date (UTC)": refunded_date,
            "Statement Descriptor": "EXAMPLEAPP",
            "Seller Message": (
                "Payment complete." if status == "Paid" else "The bank returned the decline code `generic_decline`."
            ),
            "Decline Reason": "" if status == "Paid" else "generic_decline",
            "Taxes On Fee": "0.00",
            "Card ID": f"pm_1R0Exmpl{n}Card",
            "Card Name": card_name,
            "Card Brand": brand,
            "Card CVC Status": "pass" if status == "Paid" else "",
            "Card Exp Month": "11",
            "Card Exp Year": "2028",
            "Card Fingerprint": fingerprint,
            "Card Funding": "credit",
            "Card Issue Country": country,
            "Card Last4": last4,
            "Invoice ID": f"in_1R0Exmpl{n}Inv",
            "Invoice Number": f"EXAMPLE-00{n}",
        }
    )
    return row


def make_stripe() -> None:
    visa = ("Visa", "4242", "US", "Fp4242visaAAAA")
    mc = ("MasterCard", "5454", "GB", "Fp5454mcBBBBBB")
    amex = ("American Express", "0005", "US", "Fp0005amexCCCC")
    r = stripe_row
    # fmt: off
    rows = [
        r("ch_3R0Exmpl01", "2025-02-03 10:00:00", "49.00", "0.00", "Paid", "cus_RmiaA1", "mia@example.com",
          "Mia Long", visa),
        r("ch_3R0Exmpl02", "2025-03-03 10:00:05", "49.00", "0.00", "Paid", "cus_RmiaA1", "mia@example.com",
          "Mia Long", visa),
        r("ch_3R0Exmpl03", "2025-04-03 10:00:02", "49.00", "19.00", "Paid", "cus_RmiaA1", "mia@example.com",
          "Mia Long", visa, "2025-04-10 08:30:00"),
        r("ch_3R0Exmpl04", "2025-05-03 10:00:01", "49.00", "0.00", "Failed", "cus_RmiaA1", "mia@example.com",
          "Mia Long", visa),
        r("ch_3R0Exmpl05", "2025-02-14 16:20:00", "120.00", "120.00", "Paid", "cus_RnoaB2", "noah@example.com",
          "Noah Berg", mc, "2025-02-20 09:00:00"),
        r("ch_3R0Exmpl06", "2025-03-14 16:20:07", "15.50", "0.00", "Paid", "cus_RnoaB2", "", "Noah Berg", mc),
        r("ch_3R0Exmpl07", "2025-02-20 13:36:32", "99.00", "0.00", "Failed", "cus_RpatC3", "", "Pat Cole", amex),
        r("", "2025-02-20 13:40:00", "99.00", "", "requires_payment_method", "cus_RpatC3", "pat@example.com", "",
          amex),
        r("ch_3R0Exmpl09", "2025-03-01 07:15:00", "25.00", "0.00", "Paid", "", "Quinn.Ray@Example.com",
          "Quinn Ray", visa),
        r("ch_3R0Exmpl10", "2025-04-01 07:15:09", "25.00", "0.00", "Paid", "", "quinn.ray@example.com",
          "Quinn Ray", visa),
        r("ch_3R0Exmpl11", "2025-03-05 21:00:00", "10.00", "0.00", "Paid", "", "", "Olu Ade", mc),
        r("ch_3R0Exmpl12", "2025-03-09 12:00:00", "200.00", "0.00", "Paid", "cus_RrexD4", "", "Rex Dunn", amex),
    ]
    # fmt: on
    write_csv("stripe_payments.csv", STRIPE_HEADER, from_dicts(STRIPE_HEADER, rows))


# --- Zoho CRM Invoices and Accounts -----------------------------------------------------------------------------
# Headers: exactly those of the shared zoho_invoices.csv (16 columns) and zoho_accounts.csv (11 columns);
# docs/export-formats.md "Zoho CRM > Invoices" and "> Accounts" (sources: Workato Zoho CRM connector, New
# invoice trigger and Create invoice action). Money written as the sample writes it: "$21,042" (symbol,
# thousands separator, no trailing zeros); Created Time "20 Apr, 2021 07:49:50". An invoice whose money
# columns are all blank (as 270 of the sample's are) is a problem row (R7). Account 506 is invoiced but not in
# the Accounts master; account 507 is in the master with no invoice.
ZOHO_INVOICE_HEADER = (
    "INVOICEID,Subject,Invoice Number,Sales Order Id,Invoice Owner Id,Invoice Owner,Invoice Status,"
    "Created Time,Modified Time,Account Id,Contact Id,Sub Total,Discount,Tax,Adjustments,Grand Total"
).split(",")
ZOHO_ACCOUNT_HEADER = (
    "ACCOUNTID,Account Name,Account Owner Id,Account Owner,Account Type,Industry,Website,Tasks Involved,"
    "Events Involved,Calls Involved,Activities Involved"
).split(",")
ZOHO_OWNERS = {"1101": "Mei Chen", "1102": "Tom Baker", "1103": "Ana Souza"}


def make_zoho() -> None:
    # fmt: off
    # invoice id, subject, number, owner id, status, created, modified, account, contact, grand total
    invoices = [
        ("24000101", "ZR-1001-Office Chair (Black)", "1700101", "1101", "Created", "03 Feb, 2025 09:15:00",
         "03 Feb, 2025 11:00:00", "501", "2601", "$1,200"),
        ("24000102", "ZR-1002-Desk Lamp (Brass)", "1700102", "1101", "Approved", "17 Feb, 2025 14:05:30",
         "18 Feb, 2025 08:12:45", "501", "2601", "$850.5"),
        ("24000103", "ZR-1003-Standing Desk (Oak)", "1700103", "1102", "Delivered", "05 Mar, 2025 10:20:00",
         "09 Mar, 2025 16:40:10", "501", "2602", "$2,000"),
        ("24000104", "ZR-1004-Conference Table (Walnut)", "1700104", "1102", "Delivered",
         "20 Apr, 2025 07:49:50", "21 Apr, 2025 02:44:57", "502", "2603", "$21,042"),
        ("24000105", "ZR-1005-Bookshelf (White)", "1700105", "1103", "Cancelled", "22 Apr, 2025 12:00:00",
         "23 Apr, 2025 09:30:00", "502", "2603", "$3,300"),
        ("24000106", "", "1700106", "1103", "Approved", "02 May, 2025 08:08:08", "02 May, 2025 09:09:09",
         "503", "2604", ""),
        ("24000107", "ZR-1007-Filing Cabinet (Grey)", "1700107", "1101", "Delivered", "10 May, 2025 15:30:00",
         "12 May, 2025 10:00:00", "503", "2604", "$640.25"),
        ("24000108", "ZR-1008-Sofa (Green)", "1700108", "1102", "Cancelled", "14 May, 2025 11:11:11",
         "15 May, 2025 11:11:11", "504", "2605", "$500"),
        ("24000109", "ZR-1009-Coat Stand", "1700109", "1103", "Created", "01 Jun, 2025 09:00:00",
         "01 Jun, 2025 09:30:00", "505", "2606", "$99.99"),
        ("24000110", "ZR-1010-Meeting Chairs (x4)", "1700110", "1101", "Delivered", "12 Jun, 2025 13:45:00",
         "14 Jun, 2025 17:00:00", "505", "2606", "$1,000.1"),
        ("24000111", "ZR-1011-Reception Desk", "1700111", "1102", "Approved", "20 Jun, 2025 10:10:10",
         "21 Jun, 2025 10:10:10", "506", "2607", "$12,500"),
    ]
    # fmt: on
    rows = []
    for iid, subject, number, owner, status, created, modified, account, contact, grand in invoices:
        # Sub Total = Grand Total, a $10 discount and $10 tax, no adjustment: Grand Total is what counts.
        money = [grand, "$10", "$10", "$0", grand] if grand else ["", "", "", "", ""]
        rows.append(
            [
                iid,
                subject,
                number,
                "2" + iid[2:],
                owner,
                ZOHO_OWNERS[owner],
                status,
                created,
                modified,
                account,
                contact,
                *money,
            ]
        )
    write_csv("zoho_invoices.csv", ZOHO_INVOICE_HEADER, rows)
    # fmt: off
    accounts = [
        ["501", "Northwind Traders", "1101", "Mei Chen", "Customer", "Retail", "northwind.example.com",
         "Yes", "No", "Yes", "Yes"],
        ["502", "Contoso Ltd", "1102", "Tom Baker", "Customer", "Technology", "contoso.example.com",
         "No", "No", "No", "No"],
        ["503", "Fabrikam, Inc.", "1103", "Ana Souza", "Customer", "Manufacturing", "fabrikam.example.com",
         "Yes", "Yes", "No", "Yes"],
        ["504", "Tailspin Toys", "1102", "Tom Baker", "Customer", "Retail", "tailspin.example.com",
         "No", "No", "No", "No"],
        ["505", "Wingtip Hotels", "1101", "Mei Chen", "Customer", "Hospitality", "wingtip.example.com",
         "No", "No", "Yes", "Yes"],
        ["507", "Litware Labs", "1103", "Ana Souza", "Prospect", "Consulting", "litware.example.com",
         "No", "No", "No", "No"],
    ]
    # fmt: on
    write_csv("zoho_accounts.csv", ZOHO_ACCOUNT_HEADER, accounts)


# --- Zoho CRM Deals ------------------------------------------------------------------------------------------
# Header: the Deals fields docs/export-formats.md "Zoho CRM > Deals" lists, in its order (source: Workato
# Zoho CRM create/update deal actions): Deal Name, Account Name, Contact Name, Amount, Closing Date, Stage,
# Probability, Deal Owner. No id column is documented: one row is one deal, the customer is Account Name.
# Amount is written like the Invoices sample's money ("$12,000"); Closing Date like the date part of its
# Created Time ("15 Mar, 2025"): both are assumptions, the doc gives no format. Only Closed Won is a sale;
# Closed Lost and the open stages (Qualification, Proposal/Price Quote, Negotiation/Review) are not.
ZOHO_DEALS_HEADER = "Deal Name,Account Name,Contact Name,Amount,Closing Date,Stage,Probability,Deal Owner".split(",")


def make_zoho_deals() -> None:
    # fmt: off
    rows = [
        ["Acme - 50 workstations", "Acme Corp", "Jill Stone", "$12,000", "15 Jan, 2025", "Closed Won", "100",
         "Mei Chen"],
        ["Acme - support renewal", "Acme Corp", "Jill Stone", "$3,500.5", "28 Feb, 2025", "Closed Won", "100",
         "Mei Chen"],
        ["Acme - second site", "Acme Corp", "Ron Vale", "$8,000", "10 Mar, 2025", "Closed Lost", "0", "Mei Chen"],
        ["Borealis - fleet tablets", "Borealis Ltd", "Kai Moen", "$20,000", "30 Jun, 2025", "Negotiation/Review",
         "90", "Tom Baker"],
        ["Borealis - pilot", "Borealis Ltd", "Kai Moen", "$7,250", "20 Feb, 2025", "Closed Won", "100",
         "Tom Baker"],
        ["Cobalt - intro", "Cobalt GmbH", "Uwe Brandt", "$5,000", "31 Jul, 2025", "Qualification", "10",
         "Ana Souza"],
        ["Delta - Q1 order", "Delta Foods", "Lia Santos", "$1,000", "05 Jan, 2025", "Closed Won", "100",
         "Ana Souza"],
        ["Delta - Q2 order", "Delta Foods", "Lia Santos", "$1,000", "05 Apr, 2025", "Closed Won", "100",
         "Ana Souza"],
        ["Delta - cold room", "Delta Foods", "Lia Santos", "$2,000", "18 Apr, 2025", "Closed Lost", "0",
         "Ana Souza"],
        ["Evergreen - rollout", "Evergreen Co.", "Max Fell", "$9,999", "15 Aug, 2025", "Proposal/Price Quote",
         "75", "Tom Baker"],
    ]
    # fmt: on
    write_csv("zoho_deals.csv", ZOHO_DEALS_HEADER, rows)


# --- Salesforce Opportunities (Data Loader / API export) -----------------------------------------------------
# Header: Opportunity API field names from docs/export-formats.md "Salesforce: Opportunities" (sources:
# Salesforce field reference, Opportunity; OpportunityStage IsClosed/IsWon), in the order of the export's
# query; every cell quoted as Data Loader writes them. A sale only where IsWon is true (Closed Won); Closed
# Lost and open stages are not. One Closed Won opportunity has no Amount (a problem row, R7). All USD.
SF_HEADER = [
    "Id",
    "Name",
    "AccountId",
    "StageName",
    "Amount",
    "CloseDate",
    "IsClosed",
    "IsWon",
    "CurrencyIsoCode",
    "Type",
    "LeadSource",
    "OwnerId",
]


def make_salesforce() -> None:
    a, b, c, d, e = (
        "001Hs00000AaaAAAA1",
        "001Hs00000BbbBBBB2",
        "001Hs00000CccCCCC3",
        "001Hs00000DddDDDD4",
        "001Hs00000EeeEEEE5",
    )
    o1, o2 = "005Hs00000Own1AAA", "005Hs00000Own2BBB"
    won, lost, open_ = ("true", "true"), ("true", "false"), ("false", "false")
    new, up, repl = "New Customer", "Existing Customer - Upgrade", "Existing Customer - Replacement"
    # fmt: off
    opps = [
        ("006Hs00000Opp0001", "Aurora - platform licence", a, "Closed Won", "10000.00", "2025-01-15", won,
         new, "Web", o1),
        ("006Hs00000Opp0002", "Aurora - add-on seats", a, "Closed Won", "2500.00", "2025-03-20", won,
         up, "Web", o1),
        ("006Hs00000Opp0003", "Aurora - services", a, "Closed Lost", "4000.00", "2025-02-10", lost,
         up, "Web", o1),
        ("006Hs00000Opp0004", "Aurora - renewal 2026", a, "Negotiation/Review", "8000.00", "2025-12-15", open_,
         repl, "Web", o1),
        ("006Hs00000Opp0005", "Beacon - starter", b, "Closed Won", "750.50", "2025-02-05", won,
         new, "Partner Referral", o2),
        ("006Hs00000Opp0006", "Beacon - expansion", b, "Prospecting", "1200.00", "2025-11-30", open_,
         up, "Partner Referral", o2),
        ("006Hs00000Opp0007", "Cedar - hardware", c, "Closed Won", "3000.00", "2025-01-31", won,
         new, "Trade Show", o2),
        ("006Hs00000Opp0008", "Cedar - hardware 2", c, "Closed Won", "3000.00", "2025-04-30", won,
         up, "Trade Show", o2),
        ("006Hs00000Opp0009", "Cedar - training", c, "Closed Lost", "500.00", "2025-05-15", lost,
         up, "Trade Show", o2),
        ("006Hs00000Opp0010", "Delta - intro", d, "Qualification", "900.00", "2025-10-01", open_,
         new, "Phone Inquiry", o1),
        ("006Hs00000Opp0011", "Elm - pilot (amount not entered)", e, "Closed Won", "", "2025-03-03", won,
         new, "Web", o1),
    ]
    # fmt: on
    rows = [
        [oid, name, acc, stage, amount, close, closed, is_won, "USD", typ, source, owner]
        for oid, name, acc, stage, amount, close, (closed, is_won), typ, source, owner in opps
    ]
    write_csv("salesforce_opportunities.csv", SF_HEADER, rows, style="all")


# --- Odoo sale.order line export ----------------------------------------------------------------------------
# Header: exactly the 17 columns of the shared odoo_sale_order.csv (CRLF line ends, as it has); for
# odoo_sale_order.csv one column more at the end, order_line/order_id/currency_id (the order's currency, which
# the doc says is exported only if the user picks it). docs/export-formats.md "Odoo: sale.order export" (source:
# odoo/odoo addons/sale/models/sale.py for the states). Order fields repeated on each line, the external id
# (first column) on the first line of each order only; partner "[code]Company, [code]Contact", with company
# names that contain ", PT". Amount: order_line/price_subtotal, line-level, summed. States as the shared
# export writes them: "Sale Order" and "Sale Order/Done" (not in the doc's list of words: unknown, counted
# as sales); "Quotation", "Quotation Sent", "Cancelled" (not sales).
ODOO_HEADER = (
    "id,order_line/order_id/date_order,order_line/order_id/confirmation_date,order_line/order_id/name,"
    "order_line/order_id/customer_reference,order_line/order_partner_id/display_name,order_line/end_customer,"
    "order_line/product_categ_name,order_line/name,order_line/product_uom_qty,"
    "order_line/product_uom/display_name,order_line/price_unit,order_line/product_margin_price,"
    "order_line/price_subtotal,order_line/order_id/state,order_line/order_id/picking_state,"
    "order_line/order_id/invoice_status"
).split(",")

P1 = "[C25-0000011]SINAR TEKNIK, PT, [C25-0000012]Budi Santoso"
P2 = "[C25-0000021]CV ANUGERAH MAKMUR, [C25-0000022]Siti Rahma"
P3 = "[C25-0000031]PT BUMI INDAH, [C25-0000032]Andi Wijaya"
P4 = "[C25-0000041]KARYA PRIMA, PT, [C25-0000042]Dewi Lestari"
P5 = "[C25-0000051]ACME SEALS PTE LTD, [C25-0000052]John Tan"


def odoo_rows(orders: list[tuple], with_currency: bool) -> list[list[str]]:
    """orders: (external id, date_order, confirmation_date, name, reference, partner, end customer, state,
    picking, invoicing, currency, lines); lines: (category, product, qty, uom, price_unit, margin, subtotal)."""
    rows = []
    for ext, date_order, confirmed, name, ref, partner, end, state, picking, invoicing, currency, lines in orders:
        for i, (categ, product, qty, uom, unit, margin, subtotal) in enumerate(lines):
            row = [
                ext if i == 0 else "",
                date_order,
                confirmed,
                name,
                ref,
                partner,
                end,
                categ,
                product,
                qty,
                uom,
                unit,
                margin,
                subtotal,
                state,
                picking,
                invoicing,
            ]
            rows.append(row + [currency] if with_currency else row)
    return rows


def make_odoo() -> None:
    # fmt: off
    orders = [
        ("__export__.sale_order_1101", "1/6/2025 8:15", "1/6/2025 8:20", "SO25-000101", "PO/2025/001", P1,
         "SINAR TEKNIK, PT ", "Sale Order", "done", "Fully Invoiced", "IDR",
         [("GPC_FG", '[GP-001] GRAPHITE PACKING (1/4")', "2", "mtr", "1500000", "900000", "3000000"),
          ("SWG_FG", "[SW-010] SPIRAL WOUND GASKET 4IN CL150", "1", "Unit(s)", "2250000", "1300000", "2250000"),
          ("PTF_FG", "[PT-003] PTFE TAPE 12MM", "4", "Roll", "125000", "70000", "500000")]),
        ("__export__.sale_order_1102", "1/9/2025 10:00", "1/9/2025 10:05", "SO25-000102", "AM-0109", P2,
         "CV ANUGERAH MAKMUR", "Sale Order/Done", "done", "Fully Invoiced", "IDR",
         [("GPC_FG", "[GP-002] GRAPHITE SHEET 1.5MM", "1", "Unit(s)", "1000000", "600000", "1000000"),
          ("PTF_FG", "[PT-004] PTFE TAPE 19MM", "2", "Roll", "200000", "110000", "400000")]),
        ("__export__.sale_order_1103", "1/14/2025 13:30", "", "SO25-000103", "", P1, "SINAR TEKNIK, PT ",
         "Quotation", "draft", "Nothing to Invoice", "IDR",
         [("SWG_FG", "[SW-011] SPIRAL WOUND GASKET 6IN CL300", "1", "Unit(s)", "900000", "500000", "900000"),
          ("PTF_FG", "[PT-003] PTFE TAPE 12MM", "1", "Roll", "100000", "70000", "100000")]),
        ("__export__.sale_order_1104", "2/3/2025 9:45", "2/3/2025 9:50", "SO25-000104", "PO/2025/014", P1,
         "SINAR TEKNIK, PT ", "Sale Order/Done", "done", "Fully Invoiced", "IDR",
         [("DJG_FG", "[DJ-100] DOUBLE JACKETED GASKET 500X540X3 MM", "1", "Unit(s)", "2000000", "1100000", "2000000")]),
        ("__export__.sale_order_1105", "2/10/2025 11:00", "", "SO25-000105", "", P3, "PT BUMI INDAH",
         "Cancelled", "draft", "Nothing to Invoice", "IDR",
         [("GPC_FG", "[GP-001] GRAPHITE PACKING (1/4\")", "1", "mtr", "750000", "450000", "750000")]),
        ("__export__.sale_order_1106", "2/17/2025 15:20", "", "SO25-000106", "", P3, "PT BUMI INDAH",
         "Quotation Sent", "draft", "Nothing to Invoice", "IDR",
         [("PTF_FG", "[PT-004] PTFE TAPE 19MM", "1", "Roll", "300000", "165000", "300000")]),
        ("__export__.sale_order_1107", "3/4/2025 8:00", "3/4/2025 8:02", "SO25-000107", "AM-0304", P2,
         "CV ANUGERAH MAKMUR", "Sale Order", "not_received", "To Invoice", "IDR",
         [("PTF_FG", "[PT-003] PTFE TAPE 12MM", "2", "Roll", "125000", "70000", "250000"),
          ("PTF_FG", "[PT-004] PTFE TAPE 19MM", "1", "Roll", "250000", "165000", "250000")]),
        ("__export__.sale_order_1108", "3/12/2025 14:10", "3/12/2025 14:15", "SO25-000108", "KP/III/25", P4,
         "KARYA PRIMA, PT", "Sale Order", "partially_received", "To Invoice", "IDR",
         [("SMP", "[SMP-01] SAMPLE GASKET (free of charge)", "1", "Unit(s)", "0", "0", "0"),
          ("SWG_FG", "[SW-010] SPIRAL WOUND GASKET 4IN CL150", "1", "Unit(s)", "1200000", "700000", "1200000")]),
    ]
    # fmt: on
    write_csv(
        "odoo_sale_order.csv",
        ODOO_HEADER + ["order_line/order_id/currency_id"],
        odoo_rows(orders, with_currency=True),
        newline="\r\n",
    )

    # The same shape as the shared export: no currency column, while one buyer's orders are priced in US
    # dollars (unit prices under 1,000, with cents) and the others in rupiah. custseg must refuse to grade it.
    # fmt: off
    two = [
        ("__export__.sale_order_1201", "4/1/2025 9:00", "4/1/2025 9:05", "SO25-000201", "PO/2025/040", P1,
         "SINAR TEKNIK, PT ", "Sale Order", "done", "Fully Invoiced", None,
         [("GPC_FG", '[GP-001] GRAPHITE PACKING (1/4")', "2", "mtr", "1500000", "900000", "3000000"),
          ("PTF_FG", "[PT-003] PTFE TAPE 12MM", "4", "Roll", "125000", "70000", "500000")]),
        ("__export__.sale_order_1202", "4/2/2025 10:30", "4/2/2025 10:31", "SO25-000202", "ACME-PO-7781", P5,
         "ACME SEALS PTE LTD", "Sale Order", "done", "Fully Invoiced", None,
         [("SWG_FG", "[SW-010] SPIRAL WOUND GASKET 4IN CL150", "10", "Unit(s)", "12.5", "7.25", "125"),
          ("PTF_FG", "[PT-004] PTFE TAPE 19MM", "20", "Roll", "3.75", "2.1", "75")]),
        ("__export__.sale_order_1203", "4/8/2025 14:00", "4/8/2025 14:02", "SO25-000203", "AM-0408", P2,
         "CV ANUGERAH MAKMUR", "Sale Order/Done", "done", "Fully Invoiced", None,
         [("GPC_FG", "[GP-002] GRAPHITE SHEET 1.5MM", "1", "Unit(s)", "1000000", "600000", "1000000")]),
        ("__export__.sale_order_1204", "4/15/2025 8:20", "4/15/2025 8:25", "SO25-000204", "ACME-PO-7790", P5,
         "ACME SEALS PTE LTD", "Sale Order", "not_received", "To Invoice", None,
         [("DJG_FG", "[DJ-100] DOUBLE JACKETED GASKET 500X540X3 MM", "2", "Unit(s)", "180.4", "99.5", "360.8"),
          ("PTF_FG", "[PT-003] PTFE TAPE 12MM", "8", "Roll", "2.95", "1.6", "23.6")]),
        ("__export__.sale_order_1205", "4/22/2025 11:45", "4/22/2025 11:50", "SO25-000205", "KP/IV/25", P4,
         "KARYA PRIMA, PT", "Sale Order", "partially_received", "To Invoice", None,
         [("SWG_FG", "[SW-011] SPIRAL WOUND GASKET 6IN CL300", "3", "Unit(s)", "900000", "500000", "2700000"),
          ("PTF_FG", "[PT-004] PTFE TAPE 19MM", "1", "Roll", "250000", "165000", "250000")]),
    ]
    # fmt: on
    write_csv("odoo_two_currencies.csv", ODOO_HEADER, odoo_rows(two, with_currency=False), newline="\r\n")


# --- 淘宝/天猫 卖家中心 已卖出的宝贝 订单报表 ------------------------------------------------------------------------
# Header: the 41 订单报表 fields in the order of c2003070110/TBTool TaobaoSaledObject.java, cited by
# docs/export-formats.md "淘宝 / 天猫"; 收货地址 and 订单付款时间 carry the trailing space real downloads have
# (a tmall order-report analysis found by code search renames '收货地址 ' and '订单付款时间 '). GBK-encoded,
# CRLF, like the download opened by Excel. One row per order; 买家实际支付金额 is the order's amount; CNY.
# fmt: off
TAOBAO_HEADER = [
    "订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分", "总金额",
    "返点积分", "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", "收货地址 ",
    "运送方式", "联系电话", "联系手机", "订单创建时间", "订单付款时间 ", "宝贝标题", "宝贝种类", "物流单号",
    "物流公司", "订单备注", "宝贝总数量", "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费",
    "发票抬头", "是否手机订单", "分阶段订单信息", "特权订金订单id", "定金排名", "修改后的sku",
    "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣", "是否是O2O交易",
]
# fmt: on


def make_taobao() -> None:
    # fmt: off
    buyers = {
        "tb_xiaoming88": ("xm88***@163.com", "李小明", "浙江省 杭州市 西湖区 文三路100号", "138****1234"),
        "花开半夏": ("hk***@qq.com", "王芳", "江苏省 南京市 鼓楼区 中山路20号", "139****5678"),
        "lucky_cat_2020": ("lc2020***@126.com", "张磊", "广东省 深圳市 南山区 科技园8栋", "137****4321"),
        "阿杰的店铺": ("aj***@sina.com", "刘杰", "四川省 成都市 武侯区 人民南路5号", "136****8765"),
        "Amy王": ("amy***@gmail.com", "王艾米", "上海 上海市 浦东新区 世纪大道88号", "135****2468"),
    }
    # order no, buyer, goods, post, paid amount, status, created, paid at, title, qty, close reason, shipping no
    orders = [
        ("2025031012345678901", "tb_xiaoming88", "118.00", "10.00", "128.00", "交易成功", "2025-03-10 10:20:30",
         "2025-03-10 10:21:02", "手工陶瓷马克杯 蓝色", "2", "", "SF1234567890"),
        ("2025031512345678902", "tb_xiaoming88", "72.50", "0.00", "72.50", "交易成功", "2025-03-15 21:05:11",
         "2025-03-15 21:05:40", "竹制杯垫 4片装", "1", "", "YT2345678901"),
        ("2025031812345678903", "tb_xiaoming88", "99.00", "0.00", "99.00", "交易关闭", "2025-03-18 08:30:00",
         "", "陶瓷茶壶 白色", "1", "买家不想买了", ""),
        ("2025032012345678904", "花开半夏", "246.00", "10.00", "256.00", "卖家已发货，等待买家确认",
         "2025-03-20 13:14:15", "2025-03-20 13:15:00", "青花瓷餐具 六件套", "1", "", "ZT3456789012"),
        ("2025032212345678905", "花开半夏", "45.00", "0.00", "45.00", "等待买家付款", "2025-03-22 22:22:22", "",
         "木质汤勺", "3", "", ""),
        ("2025032512345678906", "lucky_cat_2020", "300.00", "0.00", "300.00", "交易成功", "2025-03-25 09:00:00",
         "2025-03-25 09:00:30", "招财猫摆件 大号", "1", "", "SF4567890123"),
        ("2025032812345678907", "lucky_cat_2020", "19.90", "0.00", "19.90", "交易成功", "2025-03-28 16:45:00",
         "2025-03-28 16:46:10", "招财猫钥匙扣", "1", "", "YD5678901234"),
        ("2025040112345678908", "阿杰的店铺", "80.00", "8.00", "88.00", "等待买家付款", "2025-04-01 11:11:11", "",
         "紫砂茶杯 两只装", "1", "", ""),
        ("2025040312345678909", "Amy王", "60.00", "6.60", "66.60", "交易成功", "2025-04-03 19:30:00",
         "2025-04-03 19:31:00", "手绘盘子 8寸", "1", "", "JD6789012345"),
        ("2025040512345678910", "Amy王", "33.40", "0.00", "33.40", "买家已付款，等待卖家发货", "2025-04-05 07:50:00",
         "2025-04-05 07:50:45", "陶瓷筷架 5只", "1", "", ""),
    ]
    # fmt: on
    rows = []
    for no, buyer, goods, post, paid_amount, status, created, paid_at, title, qty, reason, ship_no in orders:
        alipay, receiver, address, mobile = buyers[buyer]
        carrier = "顺丰速运" if ship_no.startswith("SF") else ("其他" if ship_no else "")
        actually_paid = paid_amount if paid_at else "0.00"
        # fmt: off
        rows.append([
            no, buyer, alipay, goods, post, "0", paid_amount, "0", actually_paid, "0", status,
            "", receiver, address, "快递", "", mobile, created, paid_at, title, "1", ship_no,
            carrier, "", qty, "", "青瓷小铺", reason, "0", "0",
            "", "手机订单", "", "", "", "", "", "", "0.00", "0.00", "否",
        ])
        # fmt: on
    write_csv("taobao_orders.csv", TAOBAO_HEADER, rows, newline="\r\n", encoding="gbk")


# --- Workbooks ---------------------------------------------------------------------------------------------------


def save_workbook(wb, name: str) -> None:  # noqa: ANN001 (openpyxl is imported lazily)
    """Save with fixed properties and fixed zip entry times, so that two runs give the same bytes."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.creator = "custseg tests"
    wb.properties.lastModifiedBy = "custseg tests"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            fixed = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(item.filename))
    (HERE / name).write_bytes(out.getvalue())


def day(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# --- 金蝶 K/3 Cloud 销售订单 list export, with a 销售退货单 sheet ---------------------------------------------
# Columns: the field captions of docs/export-formats.md "金蝶 (Kingdee) K/3 Cloud" (销售订单 SAL_SaleOrder field
# list): 单据编号 FBillNo, 日期 FDate, 客户 FCustId, 价税合计 FAllAmount (entry, line-level, tax included),
# 币别 (结算币别), 单据状态 FDocumentStatus (已审核 confirmed; 创建, 审核中 unconfirmed), 销售员 FSalerId. The
# doc found no description of the Excel list export's layout: here the header fields are repeated on each
# entry line. The second sheet holds a 销售退货单 (a separate return document) with the same captions and a
# negative 价税合计; the doc names no 退货单 field list. Dates are date cells, amounts number cells.
KINGDEE_HEADER = ["单据编号", "日期", "客户", "价税合计", "币别", "单据状态", "销售员"]


def make_kingdee() -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "销售订单"
    ws.append(KINGDEE_HEADER)
    # fmt: off
    orders = [
        ("XSDD000001", "2025-01-06", "深圳华信电子", "已审核", "陈静", [11300, 5650]),
        ("XSDD000002", "2025-01-10", "上海远航贸易", "已审核", "王强", [22600]),
        ("XSDD000003", "2025-01-15", "深圳华信电子", "创建", "陈静", [3390]),
        ("XSDD000004", "2025-02-03", "杭州明辉科技", "审核中", "王强", [1130, 2260]),
        ("XSDD000005", "2025-02-12", "上海远航贸易", "已审核", "王强", [1000, 2000, 3000]),
        ("XSDD000006", "2025-02-20", "深圳华信电子", "已审核", "陈静", [4520]),
        ("XSDD000007", "2025-03-01", "广州南方五金", "已审核", "陈静", [8000]),
    ]
    # fmt: on
    for bill, date, customer, status, saler, amounts in orders:
        for amount in amounts:
            ws.append([bill, day(date), customer, amount, "人民币", status, saler])
    returns = wb.create_sheet("销售退货单")
    returns.append(KINGDEE_HEADER)
    returns.append(["XSTHD000001", day("2025-02-25"), "深圳华信电子", -5650, "人民币", "已审核", "陈静"])
    for sheet in (ws, returns):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
            cell.number_format = "yyyy-mm-dd"
        for (cell,) in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
            cell.number_format = "#,##0.00"
    save_workbook(wb, "kingdee_sale_order.xlsx")


# --- 用友 NC 销售订单 -------------------------------------------------------------------------------------------
# Columns: the captions of docs/export-formats.md "用友 (Yonyou)" (NC 6.5 so_saleorder / so_saleorder_b, source
# soon14/NC65_SCM_SO tb_nc_scm_so_30.sql): 单据号 vbillcode, 单据日期 dbilldate (text YYYY-MM-DD, as the U8
# import template writes it), 客户 ccustomerid, 原币币种 corigcurrencyid, 无税金额 norigmny and 价税合计
# norigtaxmny (both line-level: 价税合计 is the amount, 无税金额 must not be taken for it), 业务员 cemployeeid.
# No status column (the doc found no meaning of fstatusflag). The header fields are repeated on each line (the
# doc found no layout of the Excel export). A return is an order of its own with a negative 价税合计.
YONYOU_HEADER = ["单据号", "单据日期", "客户", "原币币种", "无税金额", "价税合计", "业务员"]


def make_yonyou() -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "销售订单"
    ws.append(YONYOU_HEADER)
    # fmt: off
    orders = [
        ("SO20250301001", "2025-03-01", "宁波海天塑机", "赵敏", [(1000, 1130), (2000, 2260)]),
        ("SO20250301002", "2025-03-03", "青岛瑞丰食品", "孙浩", [(5000, 5650)]),
        ("SO20250301003", "2025-03-07", "宁波海天塑机", "赵敏", [(500, 565), (300, 339), (100, 113)]),
        ("SO20250301004", "2025-03-12", "厦门鹭岛纺织", "孙浩", [(10000, 11300)]),
        ("SO20250301005", "2025-03-18", "青岛瑞丰食品", "孙浩", [(200, 226), (800, 904)]),
        ("SO20250301006", "2025-03-25", "厦门鹭岛纺织", "赵敏", [(2500, 2825)]),
        ("SO20250301007", "2025-03-28", "青岛瑞丰食品", "孙浩", [(-200, -226)]),
    ]
    # fmt: on
    for bill, date, customer, employee, lines in orders:
        for untaxed, taxed in lines:
            ws.append([bill, date, customer, "人民币", untaxed, taxed, employee])
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=6):
        for cell in row:
            cell.number_format = "#,##0.00"
    save_workbook(wb, "yonyou_sale_order.xlsx")


# --- 纷享销客 销售订单 --------------------------------------------------------------------------------------------
# Columns: the SalesOrderObj field labels of docs/export-formats.md "纷享销客 (ShareCRM / FXiaoKe)" (source:
# truemogician/CRM-ERP-Synchronizer 纷享销客/Models/SalesOrder.cs): 订单号, 客户名称 (account_id), 订单日期
# (order_time), 订单金额 (order_amount, order-level), 负责人 (owner). The doc found no description of the
# Excel export, no currency on the order (the test passes --currency CNY) and no status vocabulary, so there
# is no status column. One row per order; one order has a blank 订单金额 (a problem row, R7).
FXIAOKE_HEADER = ["订单号", "客户名称", "订单日期", "订单金额", "负责人"]


def make_fxiaoke() -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "销售订单"
    ws.append(FXIAOKE_HEADER)
    # fmt: off
    orders = [
        ("XS2025040001", "北京长城机电有限公司", "2025-04-01", 50000, "张伟"),
        ("XS2025040002", "北京长城机电有限公司", "2025-04-08", 12500.5, "张伟"),
        ("XS2025040003", "苏州新航精密", "2025-04-10", 8000, "李娜"),
        ("XS2025040004", "苏州新航精密", "2025-04-15", None, "李娜"),
        ("XS2025040005", "成都蜀光照明", "2025-04-20", 3600, "王磊"),
        ("XS2025040006", "北京长城机电有限公司", "2025-04-25", 7499.5, "张伟"),
        ("XS2025040007", "天津港湾物流", "2025-04-28", 15000, "王磊"),
        ("XS2025040008", "成都蜀光照明", "2025-04-30", 1400, "王磊"),
    ]
    # fmt: on
    for number, customer, date, amount, owner in orders:
        ws.append([number, customer, day(date), amount, owner])
    for (cell,) in ws.iter_rows(min_row=2, min_col=3, max_col=3):
        cell.number_format = "yyyy-mm-dd"
    for (cell,) in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.number_format = "#,##0.00"
    save_workbook(wb, "fxiaoke_sales_orders.xlsx")


# --- Generic 外贸 order sheet -------------------------------------------------------------------------------------
# No standard exists (docs/export-formats.md "Generic 外贸 order sheet"): the headers are the ones that section
# lists (客户编号, 客户名称, 订单编号, 单据日期, 产品类别, 金额, 币别, 订单状态, 业务员, 国家). A merged title row
# above the header, a blank row, and a 月合计 subtotal row in the 产品类别 column with no customer or date. One
# currency (USD). 订单状态: 已完成 (completed: a sale), 已退款 (refunded, no refunded-amount column: a sale
# netted to zero), 退货 (a return document of its own, positive amount: nets the customer, not an order),
# 待付款 (pending: not a sale), 已关闭 (closed, like 交易关闭: not a sale), 已对账 (a word the doc does not
# list: unknown, counted as a sale).
TRADE_HEADER = [
    "客户编号",
    "客户名称",
    "订单编号",
    "单据日期",
    "产品类别",
    "金额",
    "币别",
    "订单状态",
    "业务员",
    "国家",
]


def make_trade_sheet() -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2025年3月"
    ws.append(["宁波海越进出口有限公司 2025年3月订单明细"])
    ws.merge_cells("A1:J1")
    ws.append(TRADE_HEADER)
    # fmt: off
    lines = [
        ("C001", "Global Tools Inc.", "SO-2503-01", "2025-03-03", "五金工具", 12000, "已完成", "李娜", "美国"),
        ("C001", "Global Tools Inc.", "SO-2503-02", "2025-03-10", "电动工具", 8500, "已完成", "李娜", "美国"),
        ("C002", "Müller Handels GmbH", "SO-2503-03", "2025-03-05", "五金工具", 6000, "已完成", "张伟", "德国"),
        ("C002", "Müller Handels GmbH", "SO-2503-04", "2025-03-12", "园艺工具", 3000, "已退款", "张伟", "德国"),
        ("C003", "Sahara Trading LLC", "SO-2503-05", "2025-03-08", "电动工具", 2400, "待付款", "李娜", "阿联酋"),
        ("C003", "Sahara Trading LLC", "SO-2503-06", "2025-03-15", "五金工具", 5000, "已完成", "李娜", "阿联酋"),
        ("C004", "Andes Importaciones SA", "SO-2503-07", "2025-03-18", "园艺工具", 4200, "已关闭", "张伟", "智利"),
        ("C001", "Global Tools Inc.", "TH-2503-01", "2025-03-20", "五金工具", 1500, "退货", "李娜", "美国"),
        ("C004", "Andes Importaciones SA", "SO-2503-08", "2025-03-25", "五金工具", 1800, "已对账", "张伟", "智利"),
    ]
    # fmt: on
    for cid, name, order, date, category, amount, status, owner, country in lines:
        ws.append([cid, name, order, day(date), category, amount, "USD", status, owner, country])
    ws.append([])
    ws.append([None, None, None, None, "月合计", sum(line[5] for line in lines)])
    for (cell,) in ws.iter_rows(min_row=3, min_col=4, max_col=4):
        cell.number_format = "yyyy-mm-dd"
    for (cell,) in ws.iter_rows(min_row=3, min_col=6, max_col=6):
        cell.number_format = "#,##0.00"
    save_workbook(wb, "trade_sheet.xlsx")


def main() -> int:
    make_shopify()
    make_woocommerce()
    make_etsy()
    make_stripe()
    make_zoho()
    make_zoho_deals()
    make_salesforce()
    make_odoo()
    make_taobao()
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        print("openpyxl is not installed: the .xlsx files were left as they are")
        return 1
    make_kingdee()
    make_yonyou()
    make_fxiaoke()
    make_trade_sheet()
    return 0


if __name__ == "__main__":
    sys.exit(main())
