"""custseg: grade the customers of an export business from its order exports.

For analysts::

    import custseg

    result = custseg.grade(["orders.xlsx"], as_of="2026-10-31")
    custseg.write_workbook(result, "graded.xlsx")
    custseg.write_table(result.customers, "graded.csv")

Every name below is imported when first used, so that ``import custseg`` loads no pandas and changes
nothing process-wide; the command line (:mod:`custseg.cli`) wraps the same calls.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> the module that defines it
_EXPORTS = {
    "grade": "custseg.api",
    "GradeOptions": "custseg.api",
    "GradeResult": "custseg.api",
    "Rules": "custseg.config.rules",
    "load_rules": "custseg.config.rules",
    "write_workbook": "custseg.output.files",
    "write_table": "custseg.output.files",
    "CustsegError": "custseg.errors",
    "InputError": "custseg.errors",
    "RulesError": "custseg.errors",
    "CurrencyError": "custseg.errors",
    "OutputError": "custseg.errors",
    "UsageError": "custseg.errors",
    "LockedError": "custseg.errors",
}

__all__ = [
    "__version__",
    "grade",
    "GradeOptions",
    "GradeResult",
    "Rules",
    "load_rules",
    "write_workbook",
    "write_table",
    "CustsegError",
    "InputError",
    "RulesError",
    "CurrencyError",
    "OutputError",
    "UsageError",
    "LockedError",
]

if TYPE_CHECKING:  # pragma: no cover
    from custseg.api import GradeOptions, GradeResult, grade
    from custseg.config.rules import Rules, load_rules
    from custseg.errors import (
        CurrencyError,
        CustsegError,
        InputError,
        LockedError,
        OutputError,
        RulesError,
        UsageError,
    )
    from custseg.output.files import write_table, write_workbook


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'custseg' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
