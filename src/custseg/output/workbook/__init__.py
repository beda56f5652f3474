"""The formatted workbook (客户分级管理表格)."""

from custseg.output.workbook.sheets import write_workbook

__all__ = ["write_workbook"]
