"""Canonical fields and the header aliases that map an export's columns onto them.

Headers are compared after normalisation (NFKC, lower case, no spaces or punctuation), so
``Customer ID``, ``customer_id`` and ``ＣｕｓｔｏｍｅｒＩＤ`` are one header.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from custseg.errors import InputError, UsageError
from custseg.input.profiles import BY_NAME, PROFILES, ExportProfile

# field -> aliases, in the order the README documents them.
ORDER_ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": (
        "客户编号",
        "客户ID",
        "客户代码",
        "客户编码",
        "客户号",
        "CustomerID",
        "Customer ID",
        "customer_id",
        "Customer No",
        "Customer Code",
        "Client ID",
        "Account Id",
        "AccountId",
        "Buyer User ID",
        "买家会员名",
    ),
    "customer_email": (
        "邮箱",
        "电子邮箱",
        "客户邮箱",
        "Email",
        "E-mail",
        "Email Address",
        "Customer Email",
        "Buyer Email",
        "customer_email",
        "billing_email",
    ),
    "customer_name": (
        "客户名称",
        "客户",
        "客户名",
        "客户全称",
        "Customer Name",
        "CUSTOMERNAME",
        "customer",
        "client",
        "Client Name",
        "Company",
        "公司名称",
        "Billing Name",
        "Account Name",
        "Full Name",
        "Buyer Name",
    ),
    "order_id": (
        "订单编号",
        "订单号",
        "单号",
        "合同号",
        "发票号",
        "InvoiceNo",
        "Invoice",
        "Invoice No",
        "Order ID",
        "ORDERNUMBER",
        "Order No",
        "order_number",
        "PO Number",
        "Order Number",
        "单据编号",
        "单据号",
    ),
    "order_date": (
        "下单日期",
        "订单日期",
        "日期",
        "成交日期",
        "发货日期",
        "InvoiceDate",
        "Invoice Date",
        "Order Date",
        "ORDERDATE",
        "date",
        "order_date",
        "单据日期",
        "订单创建时间",
        "Created at",
        "Sale Date",
        "Created date (UTC)",
        "Date Created",
    ),
    "amount": (
        "订单金额",
        "金额",
        "成交金额",
        "销售额",
        "总金额",
        "合计金额",
        "amount",
        "revenue",
        "total",
        "Sales",
        "SALES",
        "Order Amount",
        "Line Total",
        "order_value",
        "价税合计",
        "金额合计",
        "买家实际支付金额",
        "Grand Total",
        "Order Total",
        "Total Amount",
        "Total Price",
        "order_total",
    ),
    "quantity": ("数量", "Quantity", "Qty", "QUANTITYORDERED"),
    "unit_price": ("单价", "UnitPrice", "Price", "Unit Price", "PRICEEACH"),
    "currency": ("币种", "货币", "币别", "结算币别", "原币币种", "currency", "Currency Code", "CCY", "order_currency"),
    "country": ("国家", "国家/地区", "国家地区", "国别", "Country", "Country/Region", "COUNTRY", "Billing Country"),
    "category": ("产品类别", "品类", "产品分类", "类别", "category", "Product Category", "PRODUCTLINE", "Product Line"),
    "status": (
        "订单状态",
        "状态",
        "单据状态",
        "交易状态",
        "status",
        "Order Status",
        "STATUS",
        "Financial Status",
        "Invoice Status",
    ),
    "refunded_amount": (
        "退款金额",
        "已退款金额",
        "Refunded Amount",
        "Amount Refunded",
        "Refund Amount",
        "refunded_amount",
    ),
    "cancelled_date": ("取消时间", "取消日期", "Cancelled at", "Canceled at", "Cancelled Date", "cancelled_date"),
    "order_type": ("订单类型", "单据类型", "Order Type", "order_type"),
    "sales_owner": ("业务员", "销售员", "Invoice Owner", "Deal Owner", "Opportunity Owner", "Salesperson", "Sales Rep"),
    "product": (
        "产品名称",
        "品名",
        "商品名称",
        "货品名称",
        "物料名称",
        "宝贝标题",
        "Product",
        "Product Name",
        "Item Name",
        "Lineitem name",
        "Description",
    ),
}

# Aliases tried only for a field none of the aliases above found: a payment date stands in for the order
# date only where the export has no order date, a shipping name or country for the billing one.
FALLBACK_ALIASES: dict[str, tuple[str, ...]] = {
    "customer_name": ("Shipping Name", "收货人姓名", "收货人", "Card Name"),
    "order_date": ("Paid at", "Date Paid", "Created Time", "订单付款时间", "付款时间"),
    "country": ("Shipping Country", "Ship To Country", "Delivery Country", "Buyer Country", "收货国家"),
}

# Customer-master columns (from --customers or a master sheet); extra columns are carried as they are.
MASTER_ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": ORDER_ALIASES["customer_id"],
    "customer_name": ORDER_ALIASES["customer_name"],
    "country": ORDER_ALIASES["country"],
    "industry": ("行业", "所属行业", "industry", "Industry", "Sector"),
    "created_date": (
        "建档日期",
        "创建日期",
        "建档时间",
        "签约日期",
        "合同日期",
        "created",
        "Created Date",
        "created_date",
        "Since",
        "Customer Since",
        "Contract Date",
    ),
    "sales_owner": (
        "业务员",
        "销售",
        "负责人",
        "跟单员",
        "sales_owner",
        "Sales Owner",
        "Salesperson",
        "Sales Rep",
        "Account Manager",
        "Owner",
    ),
    "last_contact_date": (
        "最近联系日期",
        "上次联系日期",
        "最后联系",
        "last_contact_date",
        "Last Contact",
        "Last Contact Date",
    ),
    "tier_override": ("手动等级", "指定等级", "tier_override", "Tier Override", "Manual Tier"),
    "needs_type": ("需求类型", "客户需求", "needs_type", "Needs", "Need Type"),
    "satisfaction": (
        "满意度",
        "客户满意度",
        "满意度评分",
        "评分",
        "satisfaction",
        "Satisfaction",
        "CSAT",
        "NPS",
        "NPS Score",
    ),
    "complaints": ("投诉次数", "投诉", "投诉数", "complaints", "Complaints", "Complaint Count", "Number of Complaints"),
    "timezone": ("时区", "timezone", "Time Zone", "Timezone", "TZ"),
}


def normalise_header(text: object) -> str:
    """Fold a header to the form aliases are compared in."""
    s = unicodedata.normalize("NFKC", str(text if text is not None else "")).casefold()
    return re.sub(r"[\s\W_]+", "", s)


def _alias_index(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for fld, names in aliases.items():
        for name in (fld, *names):
            index.setdefault(normalise_header(name), fld)
    return index


ORDER_INDEX = _alias_index(ORDER_ALIASES)
MASTER_INDEX = _alias_index(MASTER_ALIASES)
FALLBACK_INDEX = {n: f for f, names in FALLBACK_ALIASES.items() for n in map(normalise_header, names)}


class ColumnMap(dict[str, str]):
    """The user's own mapping, field -> header (``--map``, ``[input.columns]``), and the export profile
    the user named (``--profile``; None: recognised from the headers, "generic": none)."""

    def __init__(self, fields: dict[str, str] | None = None, profile: str | None = None) -> None:
        super().__init__(fields or {})
        self.profile = profile


def column_map(fields: dict[str, str], profile: str | None = None) -> ColumnMap:
    """The user's mapping and profile as one :class:`ColumnMap`; a :class:`UsageError` (unknown_profile)
    for a profile custseg does not have."""
    if profile is not None and profile != "generic" and profile not in BY_NAME:
        raise UsageError(
            f"there is no export profile {profile!r}",
            hint=f"profiles: generic, {', '.join(BY_NAME)}",
            code="unknown_profile",
            values={"profiles": ", ".join(BY_NAME)},
        )
    return ColumnMap(fields, profile)


@dataclass
class ColumnMapping:
    """Which header became which field; ``unmapped`` keeps the rest in file order; ``profile`` the export
    layout recognised (None: a generic sheet, read by the aliases alone)."""

    fields: dict[str, str] = field(default_factory=dict)  # field -> header
    unmapped: list[str] = field(default_factory=list)
    profile: ExportProfile | None = None

    def has(self, name: str) -> bool:
        return name in self.fields


def recognise_profile(headers: list[str], forced: str | None = None) -> ExportProfile | None:
    """The export profile the header row shows: every header of its ``recognise`` present, the profile that
    names the most of them where several do; ``forced`` (a profile name, or "generic" for none) wins."""
    if forced is not None:
        return BY_NAME.get(forced)
    norms = {normalise_header(h) for h in headers}
    best: ExportProfile | None = None
    for p in PROFILES:
        if all(normalise_header(h) in norms for h in p.recognise) and (
            best is None or len(p.recognise) > len(best.recognise)
        ):
            best = p
    return best


def map_order_headers(headers: list[str], overrides: dict[str, str], where: str) -> ColumnMapping:
    """The order fields of a header row: the user's mapping, then the columns of the export profile the
    headers show, then the aliases."""
    forced = overrides.profile if isinstance(overrides, ColumnMap) else None
    return map_headers(headers, overrides, ORDER_INDEX, where, recognise_profile(headers, forced))


def map_headers(
    headers: list[str],
    overrides: dict[str, str],
    index: dict[str, str],
    where: str,
    profile: ExportProfile | None = None,
) -> ColumnMapping:
    """Map headers to fields: the user's ``overrides`` first, then the ``profile``'s columns, then the
    aliases of ``index`` (and, for order fields still unmapped, the fallback aliases); two headers for one
    field by the aliases is an error that names the fix."""
    mapping = ColumnMapping(profile=profile)
    by_norm = {normalise_header(h): h for h in headers}
    taken: set[str] = set()
    for fld, header in overrides.items():
        if header in headers:
            actual = header
        elif normalise_header(header) in by_norm:
            actual = by_norm[normalise_header(header)]
        else:
            continue  # an override for a column of another file or sheet
        mapping.fields[fld] = actual
        taken.add(actual)
    for fld, names in (profile.columns if profile else {}).items():
        found = next((by_norm[n] for n in map(normalise_header, names) if n in by_norm), None)
        if fld not in mapping.fields and found is not None and found not in taken:
            mapping.fields[fld] = found
            taken.add(found)
    candidates: dict[str, list[str]] = {}
    for h in headers:
        if h in taken:
            continue
        found = index.get(normalise_header(h))
        if found and found not in mapping.fields:
            candidates.setdefault(found, []).append(h)
    for fld, hs in candidates.items():
        if len(hs) > 1:
            raise InputError(
                f"{where}: the columns {', '.join(repr(h) for h in hs)} all look like the field {fld!r}",
                hint=f"say which one to use, for example column_map={{{fld!r}: {hs[0]!r}}}",
                code="ambiguous_header",
                values={"field": fld, "header": hs[0]},
            )
        mapping.fields[fld] = hs[0]
        taken.add(hs[0])
    if index is ORDER_INDEX:
        for h in headers:
            found = FALLBACK_INDEX.get(normalise_header(h))
            if found and found not in mapping.fields and h not in taken:
                mapping.fields[found] = h
                taken.add(h)
    used = set(mapping.fields.values())
    mapping.unmapped = [h for h in headers if h not in used]
    return mapping


def missing_order_fields(mapping: ColumnMapping) -> list[str]:
    """The required fields an order sheet lacks (empty when it can be graded)."""
    missing = []
    if not (mapping.has("customer_id") or mapping.has("customer_email") or mapping.has("customer_name")):
        missing.append("customer_id (or customer_email or customer_name)")
    if not mapping.has("order_date"):
        missing.append("order_date")
    if not (mapping.has("amount") or (mapping.has("quantity") and mapping.has("unit_price"))):
        missing.append("amount (or quantity and unit_price)")
    return missing


def describe_aliases(fields: list[str]) -> str:
    parts = []
    for f in fields:
        key = f.split(" ")[0]
        names = ORDER_ALIASES.get(key, ())
        parts.append(f"{key}: {'; '.join(names)}")
    return " | ".join(parts)
