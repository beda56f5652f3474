"""Canonical fields and the header aliases that map an export's columns onto them.

Headers are compared after normalisation (NFKC, lower case, no spaces or punctuation), so
``Customer ID``, ``customer_id`` and ``ＣｕｓｔｏｍｅｒＩＤ`` are one header.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from custseg.errors import InputError

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
    ),
    "quantity": ("数量", "Quantity", "Qty", "QUANTITYORDERED"),
    "unit_price": ("单价", "UnitPrice", "Price", "Unit Price", "PRICEEACH"),
    "currency": ("币种", "货币", "币别", "currency", "Currency Code", "CCY"),
    "country": ("国家", "国家/地区", "国家地区", "国别", "Country", "Country/Region", "COUNTRY"),
    "category": ("产品类别", "品类", "产品分类", "类别", "category", "Product Category", "PRODUCTLINE", "Product Line"),
    "status": ("订单状态", "状态", "status", "Order Status", "STATUS"),
    "order_type": ("订单类型", "单据类型", "Order Type", "order_type"),
}

# Customer-master columns (from --customers or a master sheet); extra columns are carried as they are.
MASTER_ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": ORDER_ALIASES["customer_id"],
    "customer_name": ORDER_ALIASES["customer_name"],
    "country": ORDER_ALIASES["country"],
    "industry": ("行业", "所属行业", "industry", "Industry", "Sector"),
    "created_date": ("建档日期", "创建日期", "建档时间", "created", "Created Date", "created_date", "Since"),
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


@dataclass
class ColumnMapping:
    """Which header became which field; ``unmapped`` keeps the rest in file order."""

    fields: dict[str, str] = field(default_factory=dict)  # field -> header
    unmapped: list[str] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return name in self.fields


def map_headers(
    headers: list[str],
    overrides: dict[str, str],
    index: dict[str, str],
    where: str,
) -> ColumnMapping:
    """Map headers to fields; two headers for one field is an error that names the fix."""
    mapping = ColumnMapping()
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
    used = set(mapping.fields.values())
    mapping.unmapped = [h for h in headers if h not in used]
    return mapping


def missing_order_fields(mapping: ColumnMapping) -> list[str]:
    """The required fields an order sheet lacks (empty when it can be graded)."""
    missing = []
    if not (mapping.has("customer_id") or mapping.has("customer_name")):
        missing.append("customer_id (or customer_name)")
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
