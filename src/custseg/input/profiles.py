"""Known export layouts, as data: which platform wrote a file, recognised from its header row, and what each
of its columns means.

A header alias alone cannot decide a field: ``Name`` is the order in a Shopify export and the buyer in a
WooCommerce one, and ``Amount`` is a payment in Stripe but an estimate in a CRM's deals. A profile is
recognised from the whole header (every header of its ``recognise`` present) and says, for its platform,
which column is which field, whether the amount is the order's total (written once per order, or repeated
on each of its lines) or the line's, what its status words mean, and the currency of exports that never
write one. docs/export-formats.md gives the source of every layout.

Columns a profile names win over the aliases; a user's own mapping (``--map``, ``[input.columns]``) wins
over both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

AmountLevel = Literal["order", "line", "auto"]


@dataclass(frozen=True)
class ExportProfile:
    name: str
    title: str  # the platform and export, as its users call it
    recognise: tuple[str, ...]  # headers that all appear in the header row of this export
    columns: Mapping[str, tuple[str, ...]]  # field -> the headers that hold it, the first present wins
    # "order": the amount is the order's total, on one line of the order or repeated on each; "line": each
    # row's own amount, summed; "auto": decided from the file (see core.lines).
    amount_level: AmountLevel = "auto"
    statuses: Mapping[str, str] = field(default_factory=dict)  # status word -> kind, on top of the built-in
    other_statuses: str | None = None  # the kind of every status not listed (deals: only a won stage is a sale)
    currency: str | None = None  # the currency of an export that never writes one
    # Exports whose amounts are in each order's own currency: without a currency column the money cannot
    # be read right, and the run stops rather than add up a mixture.
    needs_currency: bool = False
    # Why an export cannot be graded at all (no buyer in it), said instead of a list of missing columns.
    unusable: str | None = None


_SHOPIFY_STATUSES = {
    "paid": "order",
    "partially_refunded": "returned",
    "refunded": "returned",
    "pending": "cancelled",
    "authorized": "cancelled",
    "partially_paid": "cancelled",  # only part of the money arrived: not a sale until it is paid
    "voided": "cancelled",
    "expired": "cancelled",
}

_WOO_STATUSES = {
    "completed": "order",
    "processing": "order",
    "refunded": "returned",
    "pending": "cancelled",
    "pending payment": "cancelled",
    "on-hold": "cancelled",
    "on hold": "cancelled",
    "failed": "cancelled",
    "cancelled": "cancelled",
    "checkout-draft": "cancelled",
    "wc-completed": "order",
    "wc-processing": "order",
    "wc-refunded": "returned",
    "wc-pending": "cancelled",
    "wc-on-hold": "cancelled",
    "wc-failed": "cancelled",
    "wc-cancelled": "cancelled",
    "wc-checkout-draft": "cancelled",
}

_WON = {"closed won": "order"}

_ODOO_STATUSES = {
    "draft": "cancelled",
    "sent": "cancelled",
    "quotation": "cancelled",
    "quotation sent": "cancelled",
    "sale": "order",
    "sales order": "order",
    "sale order": "order",
    "sale order/done": "order",
    "done": "order",
    "locked": "order",
    "cancel": "cancelled",
}

_KINGDEE_STATUSES = {
    "已审核": "order",
    "创建": "cancelled",
    "审核中": "cancelled",
    "暂存": "cancelled",
    "重新审核": "cancelled",
}

_TAOBAO_STATUSES = {
    "交易成功": "order",
    "买家已付款，等待卖家发货": "order",
    "卖家已发货，等待买家确认": "order",
    "等待买家付款": "cancelled",
    "交易关闭": "cancelled",
    "交易被淘宝关闭": "cancelled",
}

PROFILES: tuple[ExportProfile, ...] = (
    ExportProfile(
        "shopify_orders",
        "Shopify orders export",
        recognise=("Name", "Financial Status", "Created at", "Total", "Lineitem name"),
        columns={
            "order_id": ("Name",),
            "customer_email": ("Email",),
            "customer_name": ("Billing Name", "Shipping Name"),
            "order_date": ("Created at",),
            "amount": ("Total",),
            "currency": ("Currency",),
            "status": ("Financial Status",),
            "refunded_amount": ("Refunded Amount",),
            "cancelled_date": ("Cancelled at",),
            "country": ("Billing Country", "Shipping Country"),
        },
        amount_level="order",
        statuses=_SHOPIFY_STATUSES,
    ),
    ExportProfile(
        "woocommerce_orders",
        "WooCommerce orders export (one row per product)",
        recognise=("Order ID", "Date Created", "Status", "Customer ID", "Total Amount"),
        columns={
            "order_id": ("Order ID",),
            "customer_id": ("Customer ID",),
            "customer_email": ("Email",),
            "customer_name": ("Name",),
            "order_date": ("Date Created",),
            "amount": ("Total Amount",),
            "status": ("Status",),
            "category": ("Category",),
        },
        amount_level="order",
        statuses=_WOO_STATUSES,
    ),
    ExportProfile(
        "woocommerce_order_export",
        "WooCommerce Order Export & Import (WebToffee, Import Export Suite)",
        recognise=("order_id", "order_date", "status", "order_total"),
        columns={
            "order_id": ("order_id", "order_number"),
            "customer_id": ("customer_id",),
            "customer_email": ("customer_email", "billing_email"),
            "customer_name": ("billing_company",),
            "order_date": ("order_date",),
            "amount": ("order_total",),
            "currency": ("order_currency",),
            "status": ("status",),
            "country": ("billing_country", "shipping_country"),
        },
        amount_level="order",
        statuses=_WOO_STATUSES,
    ),
    ExportProfile(
        "etsy_sold_orders",
        "Etsy Sold Orders",
        recognise=("Sale Date", "Order ID", "Buyer User ID", "Order Total"),
        columns={
            "order_id": ("Order ID",),
            "customer_id": ("Buyer User ID", "Buyer"),
            "customer_name": ("Full Name",),
            "order_date": ("Sale Date",),
            "amount": ("Order Total",),
            "currency": ("Currency",),
            "status": ("Status",),
            "country": ("Delivery Country",),
        },
        amount_level="order",
        statuses={"fully refunded": "returned", "partially refunded": "returned"},
    ),
    ExportProfile(
        "amazon_order_report",
        "Amazon Seller Central order report",
        recognise=("amazon-order-id", "purchase-date", "item-price"),
        columns={"order_id": ("amazon-order-id",), "order_date": ("purchase-date",), "amount": ("item-price",)},
        unusable="Amazon's order reports name no buyer (no id, name or e-mail), so their customers cannot be graded",
    ),
    ExportProfile(
        "ebay_orders",
        "eBay Seller Hub orders report",
        recognise=("Sales Record Number", "Order Number", "Buyer Username"),
        columns={
            "order_id": ("Order Number",),
            "customer_id": ("Buyer Username",),
            "customer_email": ("Buyer Email",),
            "customer_name": ("Buyer Name",),
            "order_date": ("Sale Date",),
            "amount": ("Total Price",),
            "country": ("Buyer Country", "Ship To Country"),
        },
    ),
    ExportProfile(
        "stripe_payments",
        "Stripe payments export",
        recognise=("id", "Created date (UTC)", "Amount", "Amount Refunded", "Status"),
        columns={
            "order_id": ("id", "PaymentIntent ID"),
            "customer_id": ("Customer ID",),
            "customer_email": ("Customer Email",),
            "customer_name": ("Card Name", "Shipping Name"),
            "order_date": ("Created date (UTC)",),
            "amount": ("Amount",),
            "currency": ("Currency",),
            "status": ("Status",),
            "refunded_amount": ("Amount Refunded",),
            "country": ("Card Address Country", "Card Issue Country"),
        },
        amount_level="line",
        statuses={"paid": "order", "succeeded": "order", "refunded": "returned", "partially refunded": "returned"},
    ),
    ExportProfile(
        "zoho_invoices",
        "Zoho CRM invoices",
        recognise=("Invoice Number", "Invoice Status", "Grand Total"),
        columns={
            "order_id": ("Invoice Number", "INVOICEID"),
            "customer_id": ("Account Id", "ACCOUNTID"),
            "customer_name": ("Account Name",),
            "order_date": ("Invoice Date", "Created Time"),
            "amount": ("Grand Total",),
            "currency": ("Currency",),
            "status": ("Invoice Status", "Status"),
            "sales_owner": ("Invoice Owner",),
            "country": ("Billing Country",),
        },
        amount_level="line",
        # Zoho's invoice statuses (Created, Approved, Delivered) are issued invoices: the module has no
        # payment state.
        statuses={"created": "order", "approved": "order", "delivered": "order"},
    ),
    ExportProfile(
        "zoho_deals",
        "Zoho CRM deals",
        recognise=("Deal Name", "Stage", "Closing Date", "Amount"),
        columns={
            "order_id": ("Record Id", "DEALID", "Deal Name"),
            "customer_id": ("Account Id", "ACCOUNTID"),
            "customer_name": ("Account Name", "Contact Name"),
            "order_date": ("Closing Date",),
            "amount": ("Amount",),
            "currency": ("Currency",),
            "status": ("Stage",),
            "sales_owner": ("Deal Owner",),
        },
        amount_level="line",
        statuses=_WON,
        other_statuses="cancelled",  # an open or lost deal is not a sale
    ),
    ExportProfile(
        "salesforce_opportunities",
        "Salesforce opportunities (Data Loader)",
        recognise=("AccountId", "CloseDate", "StageName", "Amount"),
        columns={
            "order_id": ("Id",),
            "customer_id": ("AccountId",),
            "order_date": ("CloseDate",),
            "amount": ("Amount",),
            "currency": ("CurrencyIsoCode",),
            "status": ("StageName",),
            "sales_owner": ("OwnerId",),
        },
        amount_level="line",
        statuses=_WON,
        other_statuses="cancelled",
    ),
    ExportProfile(
        "salesforce_opportunity_report",
        "Salesforce opportunities report",
        recognise=("Opportunity Name", "Close Date", "Stage", "Amount"),
        columns={
            "order_id": ("Opportunity ID", "Opportunity Name"),
            "customer_id": ("Account ID",),
            "customer_name": ("Account Name",),
            "order_date": ("Close Date",),
            "amount": ("Amount",),
            "currency": ("Opportunity Currency", "Currency"),
            "status": ("Stage",),
            "sales_owner": ("Opportunity Owner",),
        },
        amount_level="line",
        statuses=_WON,
        other_statuses="cancelled",
    ),
    ExportProfile(
        "odoo_sale_order_lines",
        "Odoo sales orders, exported with their lines",
        recognise=("order_line/order_id/name", "order_line/order_id/date_order", "order_line/price_subtotal"),
        columns={
            "order_id": ("order_line/order_id/name",),
            "customer_name": ("order_line/order_partner_id/display_name", "order_line/order_id/partner_id"),
            "order_date": ("order_line/order_id/date_order",),
            "amount": ("order_line/price_subtotal",),
            "currency": (
                "order_line/currency_id",
                "order_line/order_id/currency_id",
                "order_line/order_id/pricelist_id/currency_id",
            ),
            "status": ("order_line/order_id/state",),
            "category": ("order_line/product_categ_name",),
        },
        amount_level="line",
        statuses=_ODOO_STATUSES,
        needs_currency=True,
    ),
    ExportProfile(
        "odoo_sale_orders",
        "Odoo sales orders",
        recognise=("name", "partner_id", "date_order", "amount_total", "state"),
        columns={
            "order_id": ("name",),
            "customer_name": ("partner_id",),
            "order_date": ("date_order",),
            "amount": ("amount_total",),
            "currency": ("currency_id", "pricelist_id/currency_id"),
            "status": ("state",),
            "sales_owner": ("user_id",),
        },
        amount_level="line",
        statuses=_ODOO_STATUSES,
        needs_currency=True,
    ),
    ExportProfile(
        "fxiaoke_sales_orders",
        "纷享销客 销售订单",
        recognise=("订单号", "客户名称", "订单日期", "订单金额", "负责人"),
        columns={
            "order_id": ("订单号",),
            "customer_id": ("客户编码",),
            "customer_name": ("客户名称",),
            "order_date": ("订单日期",),
            "amount": ("订单金额",),
            "currency": ("结算币别", "币别", "币种"),
            "status": ("生命状态", "订单状态"),
            "sales_owner": ("负责人",),
        },
        amount_level="order",
    ),
    ExportProfile(
        "kingdee_sales",
        "金蝶 销售订单 / 销售出库单",
        recognise=("单据编号", "日期", "客户", "价税合计"),
        columns={
            "order_id": ("单据编号",),
            "customer_name": ("客户",),
            "order_date": ("日期",),
            "amount": ("价税合计",),
            "currency": ("结算币别", "币别"),
            "status": ("单据状态",),
            "order_type": ("单据类型",),
            "sales_owner": ("销售员",),
        },
        amount_level="line",
        statuses=_KINGDEE_STATUSES,
    ),
    ExportProfile(
        "yonyou_sales",
        "用友 销售订单 / 销售出库单",
        recognise=("单据号", "单据日期", "客户", "价税合计"),
        columns={
            "order_id": ("单据号",),
            "customer_name": ("客户",),
            "order_date": ("单据日期",),
            "amount": ("价税合计",),
            "currency": ("原币币种", "币种"),
            "status": ("单据状态",),
            "sales_owner": ("业务员",),
        },
        amount_level="line",
        statuses=_KINGDEE_STATUSES,
    ),
    ExportProfile(
        "taobao_orders",
        "淘宝/天猫 已卖出的宝贝 订单报表",
        recognise=("订单编号", "买家会员名", "买家实际支付金额", "订单状态"),
        columns={
            "order_id": ("订单编号",),
            "customer_id": ("买家会员名",),
            "customer_name": ("收货人姓名",),
            "order_date": ("订单创建时间",),
            "amount": ("买家实际支付金额",),
            "status": ("订单状态",),
        },
        amount_level="line",
        statuses=_TAOBAO_STATUSES,
        currency="CNY",
    ),
)

BY_NAME: dict[str, ExportProfile] = {p.name: p for p in PROFILES}
