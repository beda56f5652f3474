"""What every stage and every output agrees on: the output columns, the dispositions of order lines, the
status kinds and the reason codes of problem rows. Outputs import their names from here, not from the
stages that make them."""

from __future__ import annotations

# The machine-readable columns, in this order first (README: "Output columns").
OUTPUT_COLUMNS = [
    "customer_id",
    "customer_name",
    "country",
    "first_order_date",
    "last_order_date",
    "recency_days",
    "frequency",
    "monetary",
    "avg_order_value",
    "r_score",
    "f_score",
    "m_score",
    "rfm_score",
    "rfm_class",
    "segment",
    "tier",
    "tier_rule",
    "abc_class",
    "lifecycle",
    "trade_stage",
    "relationship",
    "needs",
    "custom_order_share",
    "lifetime_frequency",
    "lifetime_monetary",
    "refund_amount",
    "currencies",
    "country_code",
    "country_name",
    "region",
    "sub_region",
    "trade_blocs",
    "is_domestic",
    "timezone",
    "hours_from_home",
    "contact_window",
    "industry",
    "main_category",
    "category_count",
    "categories",
    "sales_owner",
    "created_date",
    "last_contact_date",
    "in_master",
    "satisfaction",
    "complaints",
    "tags",
    "action_key",
    "action",
    "follow_up_days",
    "next_follow_up",
    # The value ahead (core/predict.py): empty where no model could be fitted, or prediction is off.
    "p_alive",
    "expected_orders_90d",
    "expected_orders_365d",
    "predicted_value_12m",
    "prediction_model",
]
CHANGE_COLUMNS = ["previous_tier", "tier_change", "previous_segment"]
LIST_COLUMNS = ("currencies", "categories", "trade_blocs", "tags")
MONEY_COLUMNS = ("monetary", "avg_order_value", "lifetime_monetary", "refund_amount", "predicted_value_12m")
DATE_COLUMNS = ("first_order_date", "last_order_date", "created_date", "last_contact_date", "next_follow_up")

DISPOSITIONS = ("used", "outside_window", "cancelled", "after_as_of", "blank", "total", "problem")
# The lines whose amounts count in the per-customer figures (outside_window ones in the lifetime ones).
COUNTED_DISPOSITIONS = ["used", "outside_window"]

STATUS_KINDS = ("order", "cancelled", "returned", "refund")
# A line column beside customer_id: the same ids as int32 codes, one per distinct id (within a frame of lines).
CUSTOMER_KEY = "customer_key"

# row: as a spreadsheet shows it; line: as a text editor shows it, for text files (they differ after a
# quoted field that holds a line break).
PROBLEM_COLUMNS = ["file", "sheet", "row", "line", "column", "value", "reason_code", "reason"]

# reason_code -> (English, Chinese). Codes are stable keys for scripts; texts are for clerks.
REASONS: dict[str, tuple[str, str]] = {
    "missing_customer": ("no customer id or name", "缺少客户编号/名称"),
    "missing_date": ("no order date", "缺少下单日期"),
    "bad_date": ("not a date custseg can read", "日期无法识别"),
    "future_date": ("order date is later than today", "下单日期晚于今天"),
    "missing_amount": ("no amount (and no quantity × unit price)", "缺少金额（也无数量×单价）"),
    "bad_amount": ("not an amount custseg can read", "金额无法识别"),
    "unknown_currency": ("not a known currency", "无法识别的币种"),
    "missing_rate": ("no exchange rate for this currency and month or date", "缺少该币种该月份或该日的汇率"),
    "extra_fields": ("more values than the header has columns", "数据列数多于表头"),
    "conflicting_order_total": (
        "the order's total differs from the one on its first line",
        "同一订单各行的订单总额不一致",
    ),
    # Warnings: the customer is graded, the row is counted as used.
    "unknown_country": (
        "unknown country; the customer is graded with region left empty",
        "无法识别的国家；客户照常分级，地区留空",
    ),
    "not_in_master": ("customer missing from the customer master", "客户不在客户档案中"),
    "bad_tier_override": ("manual tier is not one of the tiers in the rules", "手动等级不在规则的等级列表中"),
    "master_missing_id": ("customer-master row without a customer id; not used", "客户档案中此行缺少客户编号，未使用"),
    "bad_feedback_value": (
        "satisfaction or complaints is not a number; left empty",
        "满意度或投诉次数不是数字，已留空",
    ),
    "formula_without_value": (
        "a formula saved without its result (the file was not saved by a spreadsheet program); "
        "its text is read as text, not calculated",
        "公式没有保存计算结果（文件未经表格软件保存），按公式文本读取，未计算",
    ),
}
WARNING_CODES = {
    "unknown_country",
    "not_in_master",
    "bad_tier_override",
    "master_missing_id",
    "bad_feedback_value",
    "formula_without_value",
}
