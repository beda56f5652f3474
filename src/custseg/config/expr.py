"""A small, safe expression language for rule conditions, evaluated vectorised over the customer table.

``monetary >= 500000 and frequency >= 3``, ``industry == "制造业"``, ``country_code in ["US", "CA"]``,
``last_order_date >= date("2026-01-01")``, ``not (recency_days > 365)``.

The text is parsed with Python's own parser into a syntax tree, and only a short list of node types
is accepted: names of columns, numbers, strings, lists of literals, comparisons (``== != < <= > >=``,
``in``, ``not in``), ``and``/``or``/``not``, ``+ - * /`` and the single function ``date("YYYY-MM-DD")``.
Everything else (attribute access, subscripts, other calls, lambdas, comprehensions, dunder names) is
rejected before anything runs; nothing is ever passed to ``eval``.
"""

from __future__ import annotations

import ast
import datetime as dt
import operator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

MAX_LENGTH = 2000


class ExpressionError(ValueError):
    """A condition that cannot be parsed or names something that does not exist."""


_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_CONSTANT_NAMES = {"true": True, "false": False, "True": True, "False": False}


@dataclass(frozen=True)
class Condition:
    text: str
    tree: ast.expr
    names: frozenset[str]


def parse_condition(text: str) -> Condition:
    """Parse and check a condition; raises :class:`ExpressionError` with a message a clerk can act on."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("the condition is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the condition is longer than {MAX_LENGTH} characters")
    source = " ".join(text.split())
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError as exc:
        col = f" at character {exc.offset}" if exc.offset else ""
        raise ExpressionError(f"cannot parse {text!r}{col}: {exc.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError(f"cannot parse {text!r}: too deeply nested") from None
    names: set[str] = set()
    try:
        _check(tree, names)
    except RecursionError:
        raise ExpressionError(f"cannot parse {text!r}: too deeply nested") from None
    return Condition(text, tree, frozenset(names))


def _check(node: ast.AST, names: set[str]) -> None:
    # The whitelist of the condition language, one branch per node kind it allows (anything else is
    # refused at the end): kept in one function so that what user text may do is read in one place.
    if isinstance(node, ast.BoolOp):
        for v in node.values:
            _check(v, names)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub, ast.UAdd)):
        _check(node.operand, names)
    elif isinstance(node, ast.Compare):
        for op in node.ops:
            if type(op) not in _COMPARE and not isinstance(op, (ast.In, ast.NotIn)):
                raise ExpressionError(f"the comparison {type(op).__name__} is not allowed; use == != < <= > >= in")
        _check(node.left, names)
        for c in node.comparators:
            _check(c, names)
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _ARITH:
            raise ExpressionError("only + - * / are allowed in arithmetic")
        _check(node.left, names)
        _check(node.right, names)
    elif isinstance(node, ast.Name):
        if node.id.startswith("_"):
            raise ExpressionError(f"the name {node.id!r} is not allowed")
        if node.id not in _CONSTANT_NAMES:
            names.add(node.id)
    elif isinstance(node, ast.Constant):
        if not isinstance(node.value, (int, float, str, bool)) or node.value is None:
            raise ExpressionError(f"the value {node.value!r} is not allowed")
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        for e in node.elts:
            if not (isinstance(e, ast.Constant) and isinstance(e.value, (int, float, str))) and not _is_date_call(e):
                raise ExpressionError("lists may hold only numbers, strings and dates")
    elif _is_date_call(node):
        try:
            dt.date.fromisoformat(node.args[0].value)  # type: ignore[attr-defined]
        except ValueError:
            raise ExpressionError(f"date({node.args[0].value!r}) is not a YYYY-MM-DD date") from None  # type: ignore[attr-defined]
    elif isinstance(node, ast.Call):
        raise ExpressionError('function calls are not allowed (only date("YYYY-MM-DD"))')
    elif isinstance(node, ast.Attribute):
        raise ExpressionError("attribute access (a.b) is not allowed")
    elif isinstance(node, ast.Subscript):
        raise ExpressionError("subscripts (a[b]) are not allowed")
    else:
        raise ExpressionError(f"{type(node).__name__} is not allowed in a condition")


def _is_date_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "date"
        and len(node.args) == 1
        and not node.keywords
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def check_names(cond: Condition, columns: set[str] | list[str], where: str) -> None:
    unknown = sorted(cond.names - set(columns))
    if unknown:
        raise ExpressionError(
            f"{where}: unknown column {', '.join(repr(u) for u in unknown)} in {cond.text!r}; "
            f"columns are: {', '.join(sorted(columns))}"
        )


def evaluate(cond: Condition, table: pd.DataFrame) -> pd.Series:
    """A boolean Series: True where the condition holds. Missing values never match."""
    result = _eval(cond.tree, table)
    if isinstance(result, pd.Series):
        if result.dtype != bool:
            if pd.api.types.is_bool_dtype(result.dtype):
                result = result.fillna(False).astype(bool)
            else:
                raise ExpressionError(f"{cond.text!r} is not a true/false condition")
        return result
    if isinstance(result, (bool, np.bool_)):
        return pd.Series(bool(result), index=table.index)
    raise ExpressionError(f"{cond.text!r} is not a true/false condition")


def _eval(node: ast.AST, table: pd.DataFrame) -> Any:
    if isinstance(node, ast.BoolOp):
        values = [_as_bool(_eval(v, table), table) for v in node.values]
        joined = values[0]
        for v in values[1:]:
            joined = (joined & v) if isinstance(node.op, ast.And) else (joined | v)
        return joined
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, table)
        if isinstance(node.op, ast.Not):
            return ~_as_bool(v, table)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.Compare):
        left = _eval(node.left, table)
        out: Any = None
        for op, comp in zip(node.ops, node.comparators, strict=True):
            right = _eval(comp, table)
            part = _compare(op, left, right, table)
            out = part if out is None else (out & part)
            left = right
        return out
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, table), _eval(node.right, table)
        try:
            return _ARITH[type(node.op)](_numeric(left), _numeric(right))
        except (TypeError, ZeroDivisionError) as exc:
            raise ExpressionError(f"arithmetic on non-numbers: {exc}") from None
    if isinstance(node, ast.Name):
        if node.id in _CONSTANT_NAMES:
            return _CONSTANT_NAMES[node.id]
        if node.id not in table.columns:
            raise ExpressionError(f"unknown column {node.id!r}")
        return table[node.id]
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [_eval(e, table) for e in node.elts]
    if _is_date_call(node):
        return pd.Timestamp(node.args[0].value)  # type: ignore[attr-defined]
    raise ExpressionError(f"{type(node).__name__} is not allowed")  # unreachable after _check


def _numeric(v: Any) -> Any:
    if isinstance(v, pd.Series) and v.dtype == object:
        return pd.to_numeric(v, errors="coerce")
    return v


def _as_bool(v: Any, table: pd.DataFrame) -> pd.Series:
    if isinstance(v, pd.Series):
        if v.dtype == bool:
            return v
        if pd.api.types.is_bool_dtype(v.dtype):
            return v.fillna(False).astype(bool)
        raise ExpressionError("and/or/not need true/false conditions on both sides")
    if isinstance(v, (bool, np.bool_)):
        return pd.Series(bool(v), index=table.index)
    raise ExpressionError("and/or/not need true/false conditions on both sides")


def _compare(op: ast.cmpop, left: Any, right: Any, table: pd.DataFrame) -> pd.Series:
    if isinstance(op, (ast.In, ast.NotIn)):
        if not isinstance(right, list):
            raise ExpressionError('\'in\' needs a list on its right, e.g. country_code in ["US", "CA"]')
        if isinstance(left, pd.Series):
            out = left.isin(right)
        else:
            out = pd.Series(left in right, index=table.index)
        out = out.fillna(False).astype(bool)
        return ~out if isinstance(op, ast.NotIn) else out
    fn = _COMPARE[type(op)]
    try:
        left, right = _align(left), _align(right)
        result = fn(left, right)
    except TypeError as exc:
        raise ExpressionError(f"cannot compare these values: {exc}") from None
    if isinstance(result, pd.Series):
        return result.fillna(False).astype(bool)
    return pd.Series(bool(result), index=table.index)


def _align(v: Any) -> Any:
    # Date columns compare with date("...") literals; text columns with strings; numbers with numbers.
    if isinstance(v, pd.Series) and v.dtype == object:
        non_null = v.dropna()
        if len(non_null) and isinstance(non_null.iloc[0], (dt.date, pd.Timestamp)):
            return pd.to_datetime(v, errors="coerce")
    return v
