"""custseg: grade the customers of an export business from its order exports.

The library entry point is :func:`custseg.grade`; the command line wraps it.
Heavy modules (pandas, openpyxl) are imported lazily so that ``custseg --help``
stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "grade", "GradeResult", "Rules", "CustsegError"]

if TYPE_CHECKING:  # pragma: no cover
    from custseg.api import GradeResult, grade
    from custseg.config.rules import Rules
    from custseg.errors import CustsegError


def __getattr__(name: str) -> Any:
    if name in ("grade", "GradeResult"):
        from custseg import api as pipeline

        return getattr(pipeline, name)
    if name == "Rules":
        from custseg.config.rules import Rules

        return Rules
    if name == "CustsegError":
        from custseg.errors import CustsegError

        return CustsegError
    raise AttributeError(name)
