"""What people read: column headers, sheet names and value labels in Chinese (default) and English.

Machine-readable outputs never use these; they keep the English snake_case keys.
"""

from __future__ import annotations

from custseg.config.rules import Rules
from custseg.core.classify import LIFECYCLE_LABELS, RFM_CLASS_LABELS, TRADE_STAGE_LABELS
from custseg.core.dimensions import NEEDS_LABELS, RELATIONSHIP_LABELS

SHEETS = {
    "customers": ("客户分级", "Customers"),
    "summary": ("分级汇总", "Summary"),
    "changes": ("等级变动", "Changes"),
    "problems": ("问题数据", "Problems"),
    "run_info": ("运行信息", "Run info"),
}

HEADERS: dict[str, tuple[str, str]] = {
    "customer_id": ("客户编号", "Customer ID"),
    "customer_name": ("客户名称", "Customer name"),
    "country": ("国家(原文)", "Country (as given)"),
    "first_order_date": ("首次下单日期", "First order"),
    "last_order_date": ("最近下单日期", "Last order"),
    "recency_days": ("最近购买(天)", "Recency (days)"),
    "frequency": ("购买频次", "Frequency"),
    "monetary": ("购买金额", "Monetary"),
    "avg_order_value": ("平均订单金额", "Avg order value"),
    "r_score": ("R分", "R score"),
    "f_score": ("F分", "F score"),
    "m_score": ("M分", "M score"),
    "rfm_score": ("RFM代码", "RFM code"),
    "rfm_class": ("RFM八类", "RFM class"),
    "segment": ("客户分群", "Segment"),
    "tier": ("客户等级", "Tier"),
    "tier_rule": ("等级依据", "Tier rule"),
    "tier_override": ("手动等级", "Tier override"),
    "abc_class": ("ABC分类", "ABC class"),
    "lifecycle": ("生命周期", "Lifecycle"),
    "trade_stage": ("外贸阶段", "Trade stage"),
    "relationship": ("客户关系", "Relationship"),
    "needs": ("需求类型", "Needs"),
    "custom_order_share": ("定制订单占比", "Custom order share"),
    "timezone": ("时区", "Time zone"),
    "hours_from_home": ("时差(小时)", "Hours from home"),
    "contact_window": ("对方工作时间(我方时间)", "Their working hours (home time)"),
    "satisfaction": ("满意度", "Satisfaction"),
    "complaints": ("投诉次数", "Complaints"),
    "lifetime_frequency": ("累计订单数", "Lifetime orders"),
    "lifetime_monetary": ("累计金额", "Lifetime monetary"),
    "refund_amount": ("退货退款金额", "Refunds"),
    "currencies": ("交易币种", "Currencies"),
    "country_code": ("国家代码", "Country code"),
    "country_name": ("国家", "Country"),
    "region": ("大洲", "Region"),
    "sub_region": ("区域", "Sub-region"),
    "trade_blocs": ("贸易集团", "Trade blocs"),
    "is_domestic": ("国内客户", "Domestic"),
    "industry": ("行业", "Industry"),
    "main_category": ("主营品类", "Main category"),
    "category_count": ("品类数", "Categories (count)"),
    "categories": ("品类", "Categories"),
    "sales_owner": ("业务员", "Sales owner"),
    "created_date": ("建档日期", "Created"),
    "last_contact_date": ("最近联系日期", "Last contact"),
    "in_master": ("在客户档案中", "In master"),
    "tags": ("标签", "Tags"),
    "action_key": ("服务代码", "Action key"),
    "action": ("建议服务", "Recommended action"),
    "follow_up_days": ("跟进周期(天)", "Follow-up (days)"),
    "next_follow_up": ("下次跟进日期", "Next follow-up"),
    "p_alive": ("存活概率", "P(alive)"),
    "expected_orders_90d": ("预计订单数(90天)", "Expected orders (90 days)"),
    "expected_orders_365d": ("预计订单数(365天)", "Expected orders (365 days)"),
    "predicted_value_12m": ("预计12个月价值", "Predicted value (12 months)"),
    "prediction_model": ("预测模型", "Prediction model"),
    "previous_tier": ("上期等级", "Previous tier"),
    "tier_change": ("等级变动", "Tier change"),
    "previous_segment": ("上期分群", "Previous segment"),
    # problem rows
    "file": ("文件", "File"),
    "sheet": ("工作表", "Sheet"),
    "row": ("行号", "Row"),
    "line": ("文本行号", "Text line"),
    "column": ("列", "Column"),
    "value": ("原始值", "Value"),
    "reason_code": ("原因代码", "Reason code"),
    "reason": ("原因", "Reason"),
}

CHANGE_LABELS = {
    "up": ("升级", "Up"),
    "down": ("降级", "Down"),
    "same": ("不变", "Same"),
    "new": ("新增", "New"),
    "gone": ("未再出现", "Gone"),
}

RECONCILIATION = {
    "rows_read": ("读取行数", "Rows read"),
    "used": ("已使用", "Used"),
    "outside_window": ("回溯期外(仅计入累计)", "Outside look-back window (lifetime only)"),
    "cancelled": ("已取消", "Cancelled"),
    "after_as_of": ("评估日期之后", "After the as-of date"),
    "blank": ("空行", "Blank rows"),
    "total": ("合计行", "Total rows"),
    "problem": ("问题数据", "Problem rows"),
}

# How a status kind is shown: a "cancelled" status may also be a payment that did not happen.
STATUS_KINDS = {
    "order": ("订单", "order"),
    "cancelled": ("不计收入（取消/未付款）", "not revenue (cancelled or unpaid)"),
    "returned": ("已退款订单（按退款额冲减）", "refunded sale (netted by its refund)"),
    "refund": ("退款单据（当日冲减）", "refund document (nets on its own date)"),
}

TEXT = {
    "as_of": ("评估日期", "As-of date"),
    "base_currency": ("本位币", "Base currency"),
    "customers": ("客户数", "Customers"),
    "share": ("占比", "Share"),
    "revenue": ("金额", "Revenue"),
    "revenue_share": ("金额占比", "Revenue share"),
    "avg_recency": ("平均最近购买(天)", "Avg recency (days)"),
    "tiers": ("客户等级", "Tiers"),
    "classes": ("RFM八类", "RFM classes"),
    "segments": ("客户分群", "Segments"),
    "countries": ("国家", "Countries"),
    "regions": ("区域", "Regions"),
    "abc": ("ABC分类", "ABC classes"),
    "owners": ("业务员", "Sales owners"),
    "currencies": ("原币种金额", "Revenue by currency"),
    "amount": ("原币金额", "Amount"),
    "currency": ("币种", "Currency"),
    "rf_grid": ("R × F 客户数", "R × F customers"),
    "legend": ("说明", "Legend"),
    "none": ("未填写", "Not given"),
    "no_problems": ("无问题数据：每一行都已使用或已说明去向", "No problem rows: every row was used or accounted for"),
    "empty_columns": ("未显示的空列", "Empty columns left out"),
    # Where the as-of date came from, and what each written file is, in the terminal's lines.
    "option": ("指定", "given"),
    "latest order date": ("最近订单日期", "latest order date"),
    "today (no usable order)": ("今天，无可用订单", "today, no usable order"),
    "workbook": ("工作簿", "workbook"),
    "customer_table": ("客户表", "customers"),
    "problems": ("问题数据", "problems"),
    "history": ("历史记录", "history"),
    "summary": ("摘要", "summary"),
    # The stages the spinner names while a long run works.
    "reading": ("读取", "reading"),
    "validating": ("校验", "validating"),
    "converting": ("换算币种", "converting"),
    "scoring": ("评分", "scoring"),
    "classifying": ("分级", "classifying"),
    "writing": ("写出", "writing"),
    "reconciliation": ("行数核对", "Row reconciliation"),
    "top": ("前10大客户", "Top 10 customers"),
    "migration": ("等级迁移矩阵", "Tier migration"),
    "tier_x_segment": ("等级 × 分群", "Tier × segment"),
    "relationship_x_tier": ("客户关系 × 等级", "Relationship × tier"),
    "needs_x_tier": ("需求类型 × 等级", "Needs × tier"),
    "value_by_tier": ("预计未来12个月（按等级）", "The year ahead, by tier"),
    "value_by_segment": ("预计未来12个月（按分群）", "The year ahead, by segment"),
    "version": ("custseg 版本", "custseg version"),
    "inputs": ("输入文件", "Inputs"),
    "notes": ("提示", "Notes"),
    "statuses": ("订单状态", "Order statuses"),
    "status": ("状态", "Status"),
    "rows": ("行数", "Rows"),
    "treated_as": ("处理方式", "Treated as"),
    "known": ("已识别", "Known"),
    "warnings": ("警告", "Warnings"),
    "rules": ("规则", "Rules in force"),
    "cutoffs": ("评分分界", "Score cut-offs"),
    "prediction": ("预测模型（存活概率与预计价值）", "Prediction model (p_alive and predicted value)"),
    "truncated": (
        "问题数据超过 Excel 行数上限，仅保留前面的行；完整列表见 --problems 输出的 CSV",
        "Too many problem rows for Excel; the first are shown; the full list is in the --problems CSV",
    ),
}

LEGEND = {
    "zh": [
        "R分：最近购买越近越高（默认按天数分档：≤30天=5，≤90=4，≤180=3，≤365=2，其余=1）",
        "F分：购买频次越高越高（默认按订单数分档：1=1，2=2，3-4=3，5-9=4，≥10=5）",
        "M分：购买金额越高越高（默认按五分位，金额相同者同分）",
        "RFM八类：R、F、M 各自不低于全体平均分即为“高”",
        "客户分群：按 R 分与 FM 分（F、M 平均，四舍五入）查表，见 README",
    ],
    "en": [
        "R score: more recent is higher (default day bands: ≤30 days=5, ≤90=4, ≤180=3, ≤365=2, else 1)",
        "F score: more orders is higher (default bands: 1=1, 2=2, 3-4=3, 5-9=4, ≥10=5)",
        "M score: more money is higher (default quintiles; equal amounts share a score)",
        "RFM class: each of R, F, M is high when at or above the population's mean score",
        "Segment: looked up from R and FM (the mean of F and M, halves rounded up); see the README",
    ],
}


def idx(lang: str) -> int:
    """The index of ``lang`` in the (Chinese, English) label pairs."""
    return 0 if lang == "zh" else 1


def header(key: str, lang: str, base_currency: str = "") -> str:
    """A column's header in ``lang``; money columns name the base currency when it is given."""
    label = HEADERS.get(key, (key, key))[idx(lang)]
    if base_currency and key in (
        "monetary",
        "avg_order_value",
        "lifetime_monetary",
        "refund_amount",
        "predicted_value_12m",
    ):
        label = f"{label} ({base_currency})"
    return label


def value_labels(rules: Rules, lang: str) -> dict[str, dict[str, str]]:
    """key -> label maps for every coded column."""
    i = idx(lang)
    tiers = {t.key: (t.label_zh, t.label_en)[i] for t in rules.tiers}
    segs = {s.key: (s.label_zh, s.label_en)[i] for s in rules.segments}
    return {
        "tier": tiers,
        "previous_tier": tiers,
        "segment": segs,
        "previous_segment": segs,
        "rfm_class": {k: v[i] for k, v in RFM_CLASS_LABELS.items()},
        "lifecycle": {k: v[i] for k, v in LIFECYCLE_LABELS.items()},
        "trade_stage": {k: v[i] for k, v in TRADE_STAGE_LABELS.items()},
        "relationship": {k: v[i] for k, v in RELATIONSHIP_LABELS.items()},
        "needs": {k: v[i] for k, v in NEEDS_LABELS.items()},
        "tier_change": {k: v[i] for k, v in CHANGE_LABELS.items()},
        "tier_rule": tier_rule_words(rules, lang),
        "tags": {t.key: (t.label_zh, t.label_en)[i] or t.key for t in rules.tags},
    }


def tier_rule_words(rules: Rules, lang: str) -> dict[str, str]:
    """Each tier_rule text the grading writes ("key: condition", "manual override", "key: no positive
    order") -> the rule in words in ``lang``; the condition as written stays in CSV, JSON and run info."""
    from custseg.output.rule_words import condition_words

    i = idx(lang)
    words = {f"{t.key}: {t.when}": condition_words(t.when, lang) for t in rules.tiers}
    words[f"{rules.tiers[-1].key}: no positive order"] = ("无有效订单", "no positive order")[i]
    words["manual override"] = ("手动等级", "manual tier")[i]
    return words


def reverse_labels(rules: Rules) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """(header -> key, column -> {label -> key}) over both languages, to read custseg's own workbooks back."""
    headers: dict[str, str] = {}
    for key, (zh, en) in HEADERS.items():
        headers[zh] = headers[en] = headers[key] = key
    values: dict[str, dict[str, str]] = {}
    for lang in ("zh", "en"):
        for col, mapping in value_labels(rules, lang).items():
            rev = values.setdefault(col, {})
            for k, label in mapping.items():
                rev[label] = k
                rev[k] = k
    return headers, values
