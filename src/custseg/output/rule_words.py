"""A rule's condition as a sentence in the run's language, for people reading the workbook.

The condition is parsed with the same checked syntax tree the grading evaluates (config.expr), so an
edited rules file explains itself: ``(m_score >= 4 and r_score >= 2) or frequency >= 10`` reads
"（金额评分≥4且最近购买评分≥2）或购买频次≥10" in Chinese and "(money score ≥ 4 and recency score ≥ 2) or
frequency ≥ 10" in English. Machine-readable outputs keep the condition as written (``tier_rule``).
"""

from __future__ import annotations

import ast

from custseg.config.expr import parse_condition

# What a condition's column names read as, where the column header would not do (the scores are read
# as what they score).
_NAMES: dict[str, tuple[str, str]] = {
    "r_score": ("最近购买评分", "recency score"),
    "f_score": ("频次评分", "frequency score"),
    "m_score": ("金额评分", "money score"),
}
_COMPARE: dict[type, tuple[str, str]] = {
    ast.Eq: ("为", " is "),
    ast.NotEq: ("不为", " is not "),
    ast.Lt: ("<", " < "),
    ast.LtE: ("≤", " ≤ "),
    ast.Gt: (">", " > "),
    ast.GtE: ("≥", " ≥ "),
    ast.In: ("属于", " is one of "),
    ast.NotIn: ("不属于", " is none of "),
}
_BOOL: dict[type, tuple[str, str]] = {ast.And: ("且", " and "), ast.Or: ("或", " or ")}
_ARITH: dict[type, str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "×", ast.Div: "÷"}
_TRUE = ("其余客户", "all other customers")


def condition_words(text: str, lang: str) -> str:
    """The condition ``text`` as words in ``lang`` ("zh" or "en"); the text as it is when it cannot be
    parsed (a rules file is checked before any run, so that is only a safety net)."""
    i = 0 if lang == "zh" else 1
    try:
        tree = parse_condition(text).tree
    except ValueError:
        return text
    return _words(tree, i, top=True)


def _words(node: ast.AST, i: int, top: bool = False) -> str:
    from custseg.output.labels import HEADERS

    if isinstance(node, ast.BoolOp):
        parts = [_words(v, i) for v in node.values]
        joined = _BOOL[type(node.op)][i].join(parts)
        return joined if top else ("（" + joined + "）" if i == 0 else "(" + joined + ")")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = _words(node.operand, i, top=True)
        if isinstance(node.operand, ast.Compare | ast.BoolOp):
            inner = f"（{inner}）" if i == 0 else f"({inner})"
        return ("并非" if i == 0 else "not ") + inner
    if isinstance(node, ast.UnaryOp):  # a sign
        return ("-" if isinstance(node.op, ast.USub) else "") + _words(node.operand, i)
    if isinstance(node, ast.Compare):
        out = _words(node.left, i)
        for op, right in zip(node.ops, node.comparators, strict=True):
            out += _COMPARE[type(op)][i] + _words(right, i)
        return out
    if isinstance(node, ast.BinOp):
        return f"{_words(node.left, i)} {_ARITH[type(node.op)]} {_words(node.right, i)}"
    if isinstance(node, ast.Name):
        if node.id in ("true", "True"):
            return _TRUE[i]
        if node.id in ("false", "False"):
            return "否" if i == 0 else "never"
        name = (_NAMES.get(node.id) or HEADERS.get(node.id) or (node.id, node.id))[i]
        # An English header reads in lower case inside a sentence, an abbreviation as it is (RFM code).
        return name if i == 0 or name[:2].isupper() else name[:1].lower() + name[1:]
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, bool):
            return ("是" if v else "否") if i == 0 else ("yes" if v else "no")
        if isinstance(v, (int, float)):
            return f"{v:,}" if isinstance(v, int) or v != int(v) else f"{int(v):,}"
        text = str(v)  # the condition checker admits only numbers, texts and true/false here
        return f"“{text}”" if i == 0 else f'"{text}"'
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = ("、" if i == 0 else ", ").join(_words(e, i) for e in node.elts)
        return f"［{items}］" if i == 0 else f"[{items}]"
    if isinstance(node, ast.Call):  # date("YYYY-MM-DD"), the one call a condition may make
        return str(node.args[0].value)  # type: ignore[attr-defined]
    return ast.unparse(node)
