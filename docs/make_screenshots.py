"""Make the README's pictures: `python docs/make_screenshots.py` (needs LibreOffice and poppler-utils).

Grades the bundled example, renders the workbook's summary sheet to PNG through LibreOffice's PDF
export, and records the terminal summary as SVG with rich.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from rich.console import Console

from custseg.api import GradeOptions, grade
from custseg.cli.report import render_summary
from custseg.output.workbook.sheets import write_workbook

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ex = ROOT / "examples"
    # As the README's first command grades it: no flags, the bundled ECB rates.
    result = grade([ex / "orders.xlsx"], options=GradeOptions())
    console = Console(record=True, width=110, force_terminal=True, highlight=False, markup=False, file=io.StringIO())
    render_summary(console, result, "zh", [("workbook", "examples/orders_客户分级_2026-10-25.xlsx")])
    console.save_svg(str(ROOT / "docs" / "terminal.svg"), title="custseg grade examples/orders.xlsx")
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "graded.xlsx"
        write_workbook(result, book)
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(book)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        pdf = Path(tmp) / "graded.pdf"
        pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        page = next(i for i, text in enumerate(pages.split("\f"), 1) if text.startswith("评估日期"))
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "110",
                "-png",
                "-singlefile",
                "-f",
                str(page),
                "-l",
                str(page),
                str(pdf),
                str(Path(tmp) / "summary"),
            ],
            check=True,
        )
        shutil.copy(Path(tmp) / "summary.png", ROOT / "docs" / "workbook-summary.png")


if __name__ == "__main__":
    main()
