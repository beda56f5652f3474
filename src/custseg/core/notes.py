"""Things a run tells the user (assumed currency, collapsed scores, ...), in either language.

A note is a code and its values; the text is made where it is shown, so the terminal and the
workbook speak the run's language while the library keeps a stable code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TEMPLATES: dict[str, tuple[str, str]] = {
    "assumed_currency": (
        "{n} 行订单没有币种，按本位币 {base} 计算；如不是，请用 --currency 指定",
        "{n} order lines have no currency; they are taken as {base} (the base currency); say otherwise with --currency",
    ),
    "base_from_orders": (
        "未指定本位币，订单全部为 {base}，金额按 {base} 计算",
        "no base currency was given and every order is in {base}: the figures are in {base}",
    ),
    "rates_reference": (
        "{n} 笔金额按欧洲央行欧元参考汇率换算为 {base}（{origin}，{first_date} 至 {last_date}）："
        "取订单日期当天的汇率，周末、节假日取之前最近一个工作日的汇率，经欧元交叉换算",
        "{n} amounts were converted into {base} with the ECB's euro reference rates ({origin}, {first_date} to "
        "{last_date}): the rate of the order date, or of the latest business day before it (weekends, holidays), "
        "crossed through EUR",
    ),
    "rates_stale": (
        "{n} 笔金额的订单日期比汇率表的最后日期 {last_date} 晚 {days} 天以上，使用了 {last_date} 的汇率；"
        "下载欧洲央行的 eurofxref-hist.zip 后用 custseg rates update 载入更新的汇率",
        "{n} amounts are on orders more than {days} days after the rate table's last date {last_date} and used "
        "its rates of {last_date}; download the ECB's eurofxref-hist.zip and load it with custseg rates update",
    ),
    "rates_combined": (
        "{given} 笔金额用 {file} 的汇率，该文件没有的币种 {reference} 笔用欧洲央行参考汇率（--rates-fallback bundled）",
        "{given} amounts used the rates of {file}; {reference} in currencies it does not name used the ECB "
        "reference rates (--rates-fallback bundled)",
    ),
    "rates_missing": (
        "{n} 行订单的币种（{currencies}）在订单日期没有汇率，未换算，列入问题数据；"
        "请用 --rates FILE 提供这些币种到 {base} 的汇率",
        "{n} order lines in {currencies} have no exchange rate for their date: not converted, listed as problems; "
        "give their rates into {base} with --rates FILE",
    ),
    "unknown_status": (
        "订单状态“{status}”（{rows} 行）未能识别，已按订单计算；"
        '如不是，请用 --status "{status}=cancelled"（或 =returned）指定',
        "the status {status!r} ({rows} lines) is not one custseg knows: counted as orders; say otherwise with "
        '--status "{status}=cancelled" (or =returned)',
    ),
    "customer_key_fallback": (
        "{email} 行订单没有客户编号，按邮箱识别客户；{name} 行按客户名称识别",
        "{email} order lines have no customer id and are keyed by e-mail; {name} by the customer's name",
    ),
    "order_totals_first_line": (
        "金额为订单总额，只写在每单的第一行：{orders} 单各计一次，其余 {items} 行明细不计金额",
        "the amounts are order totals written on each order's first line: counted once for {orders} orders; "
        "their other {items} lines carry no money",
    ),
    "order_totals_repeated": (
        "金额为订单总额，每行重复：{orders} 单各计一次，其余 {items} 行不重复计算",
        "the amounts are order totals repeated on every line of the order: counted once for {orders} orders, "
        "not again on their other {items} lines",
    ),
    "score_levels": (
        "{score} 在本数据上只用到 5 档中的 {levels} 档（{method}）",
        "{score} uses {levels} of 5 levels on this data ({method})",
    ),
    "master_dates_ambiguous": (
        "{file}：客户档案的“{column}”日期（如 {example}）日月顺序无法确定，已留空；"
        "请用 --dayfirst 或 --monthfirst 指定",
        "{file}: the customer master's {column!r} dates (e.g. {example!r}) read both "
        "day-first and month-first; left empty, pass --dayfirst or --monthfirst",
    ),
    "predict_off": (
        "未计算存活概率与预计价值（已关闭预测）",
        "p_alive and the predicted values not computed: prediction is off",
    ),
    "predict_too_few_repeat_buyers": (
        "存活概率、预计订单与预计价值留空：复购客户只有 {repeat} 位，少于模型需要的 {minimum} 位",
        "p_alive, expected orders and predicted value left empty: {repeat} repeat buyers, fewer than the "
        "{minimum} a fit needs",
    ),
    "predict_identical_histories": (
        "存活概率、预计订单与预计价值留空：客户购买记录几乎相同，模型无法拟合",
        "p_alive, expected orders and predicted value left empty: the purchase histories are (almost) identical",
    ),
    "predict_no_dropout": (
        "存活概率留空：数据期内看不出客户流失（{model} 的流失概率近乎为零），预计订单与预计价值只按购买频率估算",
        "p_alive left empty: no customer seems to have left in the period (the {model} dropout is as good as "
        "zero); expected orders and value come from the purchase rate alone",
    ),
    "predict_no_convergence": (
        "存活概率、预计订单与预计价值留空：{model} 模型拟合未收敛（{message}）",
        "p_alive, expected orders and predicted value left empty: the {model} fit did not converge ({message})",
    ),
    "predict_value_too_few_repeat_buyers": (
        "预计12个月价值留空：有复购金额的客户只有 {repeat} 位，少于 {minimum} 位",
        "predicted_value_12m left empty: {repeat} repeat buyers with positive repeat spend, fewer than {minimum}",
    ),
    "predict_value_identical_histories": (
        "预计12个月价值留空：复购客户的次数或客单价全部相同",
        "predicted_value_12m left empty: every repeat buyer has the same count or the same spend",
    ),
    "predict_value_spend_depends_on_frequency": (
        "预计12个月价值留空：客单价与购买次数相关（相关系数 {corr}，超过 ±{limit}），Gamma-Gamma 模型不适用",
        "predicted_value_12m left empty: spend per purchase correlates with the number of purchases ({corr}, "
        "beyond ±{limit}), so the Gamma-Gamma model does not apply",
    ),
    "predict_value_spend_no_convergence": (
        "预计12个月价值留空：客单价模型拟合未收敛",
        "predicted_value_12m left empty: the spend model fit did not converge",
    ),
}

WARNING_LABELS: dict[str, tuple[str, str]] = {
    "duplicate_lines": ("重复行", "duplicate lines"),
    "returned_lines": ("退货行", "returned lines"),
    "unknown_country": ("未识别国家", "unknown countries"),
    "not_in_master": ("不在客户档案中", "not in the customer master"),
    "bad_tier_override": ("无效手动等级", "invalid manual tiers"),
    "master_missing_id": ("档案缺客户编号", "master rows without an id"),
    "formula_without_value": ("公式无计算结果", "formulas without values"),
}


@dataclass(frozen=True)
class Note:
    code: str
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        template = TEMPLATES[self.code][0 if lang == "zh" else 1]
        return template.format(**self.values)

    def __str__(self) -> str:
        return self.text("en")


def warning_label(key: str, lang: str) -> str:
    return WARNING_LABELS.get(key, (key, key))[0 if lang == "zh" else 1]
