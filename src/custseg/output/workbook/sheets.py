"""The 客户分级管理表格: a formatted workbook written with XlsxWriter.

XlsxWriter streams rows (constant-memory mode), writes native charts and conditional formats that
Excel, WPS and LibreOffice open, and is told never to turn a string into a formula, number or link:
every text cell is written with ``write_string``, so ``=HYPERLINK(...)`` from an input stays text,
and text shaped like XlsxWriter's own rich-text markup is written as plain runs (``_text_safe_sheet``).
The customer sheet's rows, millions of cells on a large run, go straight into XlsxWriter's row stream
as the XML it would write for them (``_stream_rows``; a test compares the bytes).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import threading
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from custseg.api import GradeResult
from custseg.core.money import minor_unit
from custseg.core.notes import warning_label
from custseg.errors import OutputError
from custseg.output import labels as L
from custseg.output.atomic import atomic_path
from custseg.output.summary import (
    by_column,
    class_table,
    rf_grid,
    segment_table,
    tier_by_segment,
    tier_table,
)
from custseg.schema import DATE_COLUMNS, MONEY_COLUMNS, REASONS

EXCEL_MAX_ROWS = 1_048_576
PROBLEM_SHEET_ROWS = EXCEL_MAX_ROWS - 2  # the header, and a last line that points to the full CSV
TIER_COLOURS = ["#FFD966", "#9BC2E6", "#C6E0B4", "#EDEDED", "#F8CBAD", "#D9D2E9", "#FCE4D6", "#DDEBF7"]
HEADER_COLOUR = "#1F4E78"
_STREAM_ROWS = 5000  # customer rows rendered and written at a time by _stream_rows
# Rendered rows of a sheet whose rows are spliced into the zip are held in memory up to this size (the
# 1M-line benchmark's 81k customers: 144 MB), not written to the row file and read back: 0.15-0.4 s of
# the run. A larger sheet goes to the row file, as XlsxWriter's own rows do.
ROWS_IN_MEMORY = 256 << 20
# What XlsxWriter's control-character escaping changes (the escape itself, control characters, non-characters):
# text without any of it skips that escaping's two regular-expression passes.
_CONTROL_ESCAPES = re.compile("_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
# The same, and XlsxWriter's test for leading or trailing whitespace (Python's \s: str.isspace()), in RE2's
# spelling for pyarrow; a test checks both against Python's on every code point.
_CONTROL_RE2 = r"_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\x{fffe}\x{ffff}]"
_SPACE_RE2 = r"[\t-\r\x1c-\x1f\x{85}\p{Z}]"
_EDGE_SPACE_RE2 = f"^{_SPACE_RE2}|{_SPACE_RE2}$"
# zlib's fastest level for the workbook's zip. On the 1M-line benchmark the customer sheet is 142 MB of XML:
# the default level 6 deflates it in 1.5-1.8 s to 14.9 MB, level 1 in 0.5 s to 19.5 MB: a third of the run's
# writing time for a file 31% larger. XlsxWriter has no setting for it; _zip_level supplies one while a
# workbook closes.
ZIP_LEVEL = 1
_ZIP_LOCK = threading.Lock()


def display_width(text: str) -> int:
    """Columns a text takes in Excel: CJK and other wide characters count twice."""
    if text.isascii():  # every ASCII character is narrow
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@dataclass
class _SheetColumn:
    """A customer-sheet column as the row writers take it: texts as codes into their distinct values
    (code -1: no cell), or numbers (NaN: no cell); and the column's format."""

    fmt: Any
    texts: list[str] | None = None
    codes: np.ndarray | None = None
    numbers: np.ndarray | None = None

    @classmethod
    def of_texts(cls, values: list[str | None], fmt: Any = None) -> _SheetColumn:
        codes, uniques = pd.factorize(np.array(values, dtype=object))
        return cls(fmt, texts=uniques.tolist(), codes=codes)

    def value(self, row: int) -> str | float | None:
        if self.texts is not None:
            assert self.codes is not None
            code = self.codes[row]
            return None if code < 0 else self.texts[code]
        assert self.numbers is not None
        number = float(self.numbers[row])
        return None if number != number else number


class _Writer:
    def __init__(self, wb: Any, result: GradeResult, lang: str, problems_note: str) -> None:
        self.wb = wb
        self.r = result
        self.lang = lang
        self.i = L.idx(lang)
        self.base = result.rules.currency.base
        digits = minor_unit(self.base)
        money = "#,##0" + ("." + "0" * digits if digits else "")
        self.f = {
            "header": wb.add_format(
                {
                    "bold": True,
                    "font_color": "#FFFFFF",
                    "bg_color": HEADER_COLOUR,
                    "border": 1,
                    "text_wrap": True,
                    "valign": "vcenter",
                }
            ),
            "title": wb.add_format({"bold": True, "font_size": 13}),
            "bold": wb.add_format({"bold": True}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
            "money": wb.add_format({"num_format": money}),
            "int": wb.add_format({"num_format": "0"}),
            "pct": wb.add_format({"num_format": "0.0%"}),
            "num1": wb.add_format({"num_format": "0.0"}),
            "text": wb.add_format({}),
            "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        }
        self.tier_formats = {
            t.key: wb.add_format({"bg_color": TIER_COLOURS[k % len(TIER_COLOURS)], "bold": k == 0})
            for k, t in enumerate(result.rules.tiers)
        }
        self.values = L.value_labels(result.rules, lang)
        self.problems_note = problems_note

    def t(self, key: str) -> str:
        return L.TEXT[key][self.i]

    # ------------------------------------------------------------------ cells

    def cell(self, ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
        if value is None or value is pd.NA or value is pd.NaT:
            return
        if isinstance(value, float) and value != value:
            return
        if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
            ws.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), fmt or self.f["date"])
        elif isinstance(value, bool):
            ws.write_string(
                row, col, ("是" if value else "否") if self.lang == "zh" else ("yes" if value else "no"), fmt
            )
        elif isinstance(value, (int, float)) or hasattr(value, "item"):
            ws.write_number(row, col, float(value), fmt)
        else:
            ws.write_string(row, col, str(value), fmt)

    def header_row(self, ws: Any, row: int, names: list[str]) -> None:
        for c, name in enumerate(names):
            ws.write_string(row, c, name, self.f["header"])

    # ------------------------------------------------------------------ customers

    def customers(self) -> None:
        ws = self.wb.add_worksheet(L.SHEETS["customers"][self.i])
        data = self.r.customers
        cols = list(data.columns)
        heads = [L.header(c, self.lang, self.base) for c in cols]
        self.header_row(ws, 0, heads)
        ws.set_row(0, 32)
        # Each column is turned once into what the row writers take: texts as codes into their distinct
        # values, numbers as an array (the per-cell cost dominates large workbooks).
        columns: list[_SheetColumn] = []
        yes, no = ("是", "否") if self.lang == "zh" else ("yes", "no")
        for c in cols:
            col = data[c]
            if c in DATE_COLUMNS:
                dates = col if pd.api.types.is_datetime64_any_dtype(col.dtype) else pd.to_datetime(col, errors="coerce")
                days = (dates - pd.Timestamp("1899-12-30")).dt.days
                columns.append(_SheetColumn(self.f["date"], numbers=days.to_numpy(dtype=np.float64, na_value=np.nan)))
            elif pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
                columns.append(
                    _SheetColumn(
                        self.f["money"] if c in MONEY_COLUMNS else None,
                        numbers=col.to_numpy(dtype=np.float64, na_value=np.nan),
                    )
                )
            elif pd.api.types.infer_dtype(col, skipna=True) == "string":
                # Text (most of these columns): each distinct text is looked up once.
                codes, uniques = pd.factorize(col)
                mapping = self.values.get(c, {})
                if mapping:
                    shown = [mapping.get(t, t) or None for t in uniques.tolist()]
                    blank = np.array([t is None for t in shown] + [True])  # code -1 (missing) is blank too
                    texts = [t or "" for t in shown]
                else:  # ids, names and other free text (80k distinct each): no lookup a text
                    texts = uniques.tolist()
                    blank = np.append(np.asarray(uniques, dtype=object) == "", True)
                columns.append(_SheetColumn(None, texts=texts, codes=np.where(blank[codes], -1, codes)))
            elif pd.api.types.infer_dtype(col, skipna=True) in ("boolean", "empty"):
                # Yes/no columns: each distinct value once, as the general path below gives them.
                codes, uniques = pd.factorize(col)
                columns.append(_SheetColumn(None, texts=[yes if v else no for v in uniques.tolist()], codes=codes))
            else:
                mapping = self.values.get(c, {})
                text: list[str | None] = []
                for v in col.tolist():
                    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
                        text.append(None)
                    elif isinstance(v, bool):
                        text.append(yes if v else no)
                    else:
                        t = str(v)
                        text.append((mapping.get(t, t) if mapping else t) or None)
                columns.append(_SheetColumn.of_texts(text))
        tier_col = cols.index("tier")
        tier_formats = [self.tier_formats.get(k) for k in data["tier"].tolist()]
        streamed = _stream_rows(ws, 1, columns, tier_col, tier_formats)
        # The rest (the last row at least) cell by cell. XlsxWriter's undecorated writers: the public ones
        # only add A1-notation parsing, and we pass row and column numbers. The public ones stand in if renamed.
        write_number = getattr(ws, "_write_number", ws.write_number)
        write_string = getattr(ws, "_write_string", ws.write_string)  # input text never becomes a formula
        for r in range(streamed, len(data)):
            for c, column in enumerate(columns):
                v = column.value(r)
                if v is not None:
                    (write_string if column.texts is not None else write_number)(
                        r + 1, c, v, tier_formats[r] if c == tier_col else column.fmt
                    )
        widths = [display_width(h) for h in heads]
        for c, column in enumerate(columns):
            if column.texts is not None and column.codes is not None:
                for k in np.unique(column.codes[:500]):
                    if k >= 0:
                        widths[c] = max(widths[c], display_width(column.texts[k]))
        n = len(data)
        for c, w in enumerate(widths):
            ws.set_column(c, c, 12 if cols[c] in DATE_COLUMNS else min(max(w + 2, 8), 48), None)
        ws.freeze_panes(1, 2)
        ws.autofilter(0, 0, max(n, 1), len(cols) - 1)
        _print_setup(ws, repeat_header=True)
        if n:
            m = cols.index("monetary")
            ws.conditional_format(1, m, n, m, {"type": "data_bar", "bar_color": "#5B9BD5", "bar_solid": True})
            rc = cols.index("recency_days")
            ws.conditional_format(
                1,
                rc,
                n,
                rc,
                {"type": "3_color_scale", "min_color": "#63BE7B", "mid_color": "#FFEB84", "max_color": "#F8696B"},
            )

    # ------------------------------------------------------------------ summary

    def group_table(
        self, ws: Any, row: int, title: str, table: pd.DataFrame, mapping: dict[str, str] | None, first_header: str
    ) -> tuple[int, int, int]:
        """Write a grouped table; returns (first data row, last data row, next free row)."""
        ws.write_string(row, 0, title, self.f["title"])
        names = [
            first_header,
            self.t("customers"),
            self.t("share"),
            f"{self.t('revenue')} ({self.base})",
            self.t("revenue_share"),
            self.t("avg_recency"),
        ]
        self.header_row(ws, row + 1, names)
        first = row + 2
        for k, rec in enumerate(table.itertuples(index=False)):
            r = first + k
            key = str(rec.key)
            self.cell(
                ws,
                r,
                0,
                mapping.get(key, key) if mapping else key,
                self.tier_formats.get(key) if mapping is self.values["tier"] else None,
            )
            self.cell(ws, r, 1, int(rec.customers), self.f["int"])
            self.cell(ws, r, 2, float(rec.share), self.f["pct"])
            self.cell(ws, r, 3, float(rec.revenue), self.f["money"])
            self.cell(ws, r, 4, float(rec.revenue_share), self.f["pct"])
            self.cell(ws, r, 5, float(rec.avg_recency), self.f["num1"])
        last = first + len(table) - 1
        return first, last, last + 3

    def summary(self) -> None:
        ws = self.wb.add_worksheet(L.SHEETS["summary"][self.i])
        _print_setup(ws, fit_width=True)
        ws.set_column(0, 0, 26)
        ws.set_column(1, 12, 14)
        data = self.r.customers
        rules = self.r.rules
        ws.write_string(
            0,
            0,
            f"{self.t('as_of')}: {self.r.as_of.isoformat()}    {self.t('base_currency')}: {self.base}",
            self.f["bold"],
        )
        row = 2
        tt = tier_table(data, rules.tier_order)
        t_first, t_last, row = self.group_table(
            ws, row, self.t("tiers"), tt, self.values["tier"], L.header("tier", self.lang)
        )
        chart_anchor_row = 2
        ct = class_table(data)
        _, _, row = self.group_table(
            ws, row, self.t("classes"), ct, self.values["rfm_class"], L.header("rfm_class", self.lang)
        )
        st = segment_table(data, [s.key for s in rules.segments])
        _, _, row = self.group_table(
            ws, row, self.t("segments"), st, self.values["segment"], L.header("segment", self.lang)
        )

        # Tier x segment counts.
        mx = tier_by_segment(data, rules.tier_order, [s.key for s in rules.segments])
        ws.write_string(row, 0, self.t("tier_x_segment"), self.f["title"])
        self.header_row(
            ws, row + 1, [L.header("tier", self.lang)] + [self.values["segment"].get(c, c) for c in mx.columns]
        )
        for k, (tier, counts) in enumerate(mx.iterrows()):
            self.cell(ws, row + 2 + k, 0, self.values["tier"].get(tier, tier), self.tier_formats.get(tier))
            for j, v in enumerate(counts.tolist()):
                self.cell(ws, row + 2 + k, j + 1, int(v), self.f["int"])
        row += len(mx) + 4

        # R x F grid with a colour scale (Excel has no heat-map chart).
        grid = rf_grid(data)
        ws.write_string(row, 0, self.t("rf_grid"), self.f["title"])
        self.header_row(ws, row + 1, ["R \\ F"] + [f"F={f}" for f in grid.columns])
        for k, (r_score, counts) in enumerate(grid.iterrows()):
            self.cell(ws, row + 2 + k, 0, f"R={r_score}", self.f["bold"])
            for j, v in enumerate(counts.tolist()):
                self.cell(ws, row + 2 + k, j + 1, int(v), self.f["int"])
        ws.conditional_format(
            row + 2, 1, row + 6, 5, {"type": "2_color_scale", "min_color": "#FFFFFF", "max_color": "#F8696B"}
        )
        row += 9

        region_first = region_last = None
        for key, column, mapping in (
            ("regions", "region", None),
            ("countries", "country_name", None),
            ("abc", "abc_class", None),
            ("owners", "sales_owner", None),
        ):
            table = by_column(data, column)
            if table.empty:
                continue
            if key == "abc":  # A, B, C, then customers with no positive order
                table = (
                    table.assign(_k=table["key"].replace("(none)", "~"))
                    .sort_values("_k")
                    .drop(columns="_k")
                    .reset_index(drop=True)
                )
            if key == "regions" and self.lang == "zh":
                from custseg.core.geo import regions

                zh = {r["region"]: r["region_zh"] for r in regions().values()}
                mapping = zh
            if key == "countries" and self.lang == "zh":
                from custseg.core.geo import country_name_zh

                # Each pair once, at its last row: the dict keeps the same last code per name, without
                # stepping through every customer's two texts.
                pairs = data[["country_name", "country_code"]].drop_duplicates(keep="last")
                codes = dict(zip(pairs["country_name"], pairs["country_code"], strict=False))
                mapping = {name: country_name_zh(code) for name, code in codes.items() if code}
            first, last, row = self.group_table(ws, row, self.t(key), table, mapping, L.header(column, self.lang))
            if key == "regions":
                region_first, region_last = first, last

        # Revenue per original currency and in the base currency.
        rev = self.r.revenue_by_currency
        ws.write_string(row, 0, self.t("currencies"), self.f["title"])
        self.header_row(ws, row + 1, [self.t("currency"), self.t("amount"), f"{self.t('revenue')} ({self.base})"])
        for k, rec in enumerate(rev.itertuples(index=False)):
            self.cell(ws, row + 2 + k, 0, rec.currency)
            self.cell(ws, row + 2 + k, 1, float(rec.amount), self.f["money"])
            self.cell(ws, row + 2 + k, 2, float(rec.amount_base), self.f["money"])
        row += len(rev) + 4

        ws.write_string(row, 0, self.t("legend"), self.f["title"])
        for k, line in enumerate(L.LEGEND[self.lang]):
            ws.write_string(row + 1 + k, 0, line)

        # Native charts beside the tables (Excel, WPS and LibreOffice draw them).
        money = f"{self.t('revenue')} ({self.base})"
        if len(tt):
            self.chart(
                ws,
                "column",
                (t_first, t_last),
                1,
                f"{self.t('tiers')} - {self.t('customers')}",
                chart_anchor_row,
                {"data_labels": {"value": True}},
            )
            self.chart(
                ws,
                "column",
                (t_first, t_last),
                3,
                f"{self.t('tiers')} - {money}",
                chart_anchor_row + 16,
                {"fill": {"color": "#ED7D31"}},
            )
        if region_first is not None and region_last is not None and region_last >= region_first:
            self.chart(
                ws,
                "bar",
                (region_first, region_last),
                3,
                f"{self.t('regions')} - {money}",
                chart_anchor_row + 32,
                {"fill": {"color": "#70AD47"}},
            )

    def chart(
        self,
        ws: Any,
        kind: str,
        rows: tuple[int, int],
        value_col: int,
        title: str,
        anchor_row: int,
        series_options: dict[str, Any],
    ) -> None:
        """A one-series chart of a summary table: categories in column A, values in ``value_col``."""
        sheet = ws.get_name()
        chart = self.wb.add_chart({"type": kind})
        chart.add_series(
            {
                "name": title,
                "categories": [sheet, rows[0], 0, rows[1], 0],
                "values": [sheet, rows[0], value_col, rows[1], value_col],
                **series_options,
            }
        )
        chart.set_title({"name": title})
        chart.set_legend({"none": True})
        ws.insert_chart(anchor_row, 14, chart, {"x_scale": 1.1, "y_scale": 1.0})

    # ------------------------------------------------------------------ changes

    def changes(self) -> None:
        ws = self.wb.add_worksheet(L.SHEETS["changes"][self.i])
        data = self.r.customers
        changed = data[data["tier_change"].isin(["up", "down", "new"])]
        cols = [
            "customer_id",
            "customer_name",
            "previous_tier",
            "tier",
            "tier_change",
            "previous_segment",
            "segment",
            "monetary",
        ]
        gone = self.r.gone
        ws.write_string(0, 0, self.t("migration"), self.f["title"])
        order = self.r.rules.tier_order + ["(new)", "(gone)"]
        mig = self.r.migration
        labels = {
            **self.values["tier"],
            "(new)": L.CHANGE_LABELS["new"][self.i],
            "(gone)": L.CHANGE_LABELS["gone"][self.i],
        }
        prev_keys = [k for k in order if k in set(mig["previous_tier"])] if len(mig) else []
        cur_keys = [k for k in order if k in set(mig["tier"])] if len(mig) else []
        self.header_row(
            ws,
            1,
            [f"{L.header('previous_tier', self.lang)} \\ {L.header('tier', self.lang)}"]
            + [labels.get(k, k) for k in cur_keys]
            + [f"{self.t('revenue')} ({self.base})"],
        )
        for k, p in enumerate(prev_keys):
            sub = mig[mig["previous_tier"] == p]
            self.cell(ws, 2 + k, 0, labels.get(p, p), self.f["bold"])
            for j, c in enumerate(cur_keys):
                n = int(sub.loc[sub["tier"] == c, "customers"].sum())
                self.cell(ws, 2 + k, 1 + j, n, self.f["int"])
            self.cell(ws, 2 + k, 1 + len(cur_keys), float(sub["revenue"].sum()), self.f["money"])
        row = 2 + len(prev_keys) + 2
        ws.write_string(row, 0, L.header("tier_change", self.lang), self.f["title"])
        self.header_row(ws, row + 1, [L.header(c, self.lang, self.base) for c in cols])
        r = row + 2
        rows = [changed[cols]]
        if len(gone):
            g = gone.reindex(columns=cols)
            rows.append(g)
        all_rows = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)
        for rec in all_rows.itertuples(index=False):
            for j, c in enumerate(cols):
                v = getattr(rec, c)
                mapping = self.values.get(c)
                if mapping and isinstance(v, str):
                    v = mapping.get(v, v)
                self.cell(ws, r, j, v, self.f["money"] if c == "monetary" else None)
            r += 1
        ws.set_column(0, len(cols), 16)
        ws.freeze_panes(row + 2, 0)

    # ------------------------------------------------------------------ problems

    def problems(self) -> None:
        ws = self.wb.add_worksheet(L.SHEETS["problems"][self.i])
        cols = ["file", "sheet", "row", "column", "value", "reason_code", "reason"]
        self.header_row(ws, 0, [L.header(c, self.lang) for c in cols])
        data = self.r.problems
        limit = PROBLEM_SHEET_ROWS
        shown = data.iloc[:limit]
        reasons = {code: texts[1] for code, texts in REASONS.items()}  # REASONS holds (English, Chinese)
        values = [shown[c].tolist() for c in cols]
        for r in range(len(shown)):
            for c, col in enumerate(cols):
                v = values[c][r]
                if col == "reason" and self.lang == "zh":
                    code = values[5][r]
                    detail = str(v).split(" (", 1)[1].rstrip(")") if " (" in str(v) else ""
                    v = reasons.get(code, v) + (f"（{detail}）" if detail else "")
                if col == "row":
                    if v:
                        ws.write_number(r + 1, c, int(v))
                else:
                    ws.write_string(r + 1, c, str(v))
        if len(data) > limit:
            ws.write_string(
                limit + 1, 0, self.t("truncated") + (f": {self.problems_note}" if self.problems_note else "")
            )
        for c, w in enumerate([28, 12, 8, 16, 24, 18, 48]):
            ws.set_column(c, c, w)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(shown), 1), len(cols) - 1)

    # ------------------------------------------------------------------ run info

    def run_info(self) -> None:
        ws = self.wb.add_worksheet(L.SHEETS["run_info"][self.i])
        ws.set_column(0, 0, 34)
        ws.set_column(1, 1, 70)
        ws.set_column(2, 6, 14)
        r = 0

        def kv(key: str, value: Any, fmt: Any = None) -> None:
            nonlocal r
            ws.write_string(r, 0, key, self.f["bold"])
            self.cell(ws, r, 1, value, fmt)
            r += 1

        kv(self.t("version"), self.r.version)
        kv(self.t("as_of"), f"{self.r.as_of.isoformat()} ({self.r.as_of_source})")
        kv(self.t("base_currency"), self.base)
        kv("rules digest", self.r.rules.digest())
        kv("score method", self.r.scores.method)
        if self.r.previous_source:
            kv(L.header("previous_tier", self.lang), self.r.previous_source)
        r += 1
        ws.write_string(r, 0, self.t("inputs"), self.f["title"])
        r += 1
        for info in self.r.inputs:
            kv(info.name, f"{info.size:,} bytes  sha256 {info.sha256}")
            for t in info.tables:
                kv("", t)
        for _file, sheet, why in self.r.skipped_sheets:
            kv("", f"[{sheet}] skipped: {why}")
        r += 1
        ws.write_string(r, 0, self.t("reconciliation"), self.f["title"])
        r += 1
        for key, texts in L.RECONCILIATION.items():
            kv(texts[self.i], int(self.r.reconciliation.get(key, 0)), self.f["int"])
        for key, n in self.r.warnings.items():
            kv(warning_label(key, self.lang), int(n), self.f["int"])
        if self.r.notes:
            r += 1
            ws.write_string(r, 0, self.t("notes"), self.f["title"])
            r += 1
            for note in self.r.notes:
                kv("", note.text(self.lang))
        r += 1
        ws.write_string(r, 0, self.t("cutoffs"), self.f["title"])
        r += 1
        self.header_row(ws, r, ["score", "method", "level", "min", "max", self.t("customers")])
        r += 1
        for rec in self.r.scores.cutoffs.itertuples(index=False):
            for j, v in enumerate(rec):
                self.cell(ws, r, j, v)
            r += 1
        for s, mean in self.r.class_means.items():
            kv(f"{s} mean (RFM class cut)", round(mean, 4) if mean == mean else None)
        r += 1
        ws.write_string(r, 0, self.t("rules"), self.f["title"])
        r += 1
        for key, value in _flatten(self.r.rules.model_dump(mode="json")):
            kv(
                key,
                value
                if isinstance(value, (int, float)) and not isinstance(value, bool)
                else json.dumps(value, ensure_ascii=False)
                if not isinstance(value, str)
                else value,
            )


def _print_setup(ws: Any, repeat_header: bool = False, fit_width: bool = False) -> None:
    """Printed on A4 landscape: a sales manager prints the summary and forwards the workbook."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    if repeat_header:
        ws.repeat_rows(0)
        ws.repeat_columns(0, 1)
    if fit_width:
        ws.fit_to_pages(1, 0)


def _text_safe_sheet(splices: _RowSplices | None = None) -> type:
    """XlsxWriter's worksheet, except that text shaped like its pre-formatted rich text ("<r>...</r>") is
    written as three plain runs of the same text (XlsxWriter wants more than two). XlsxWriter copies such
    text into the sheet's XML as it is, so an input value could otherwise carry markup, even a formula,
    into the file.

    And the rows of a constant-memory sheet are copied into the sheet's XML as bytes: XlsxWriter reads
    them back through a text layer and writes them through another, 0.5 s of decoding and encoding on
    the 1M-line benchmark's 142 MB. Where the files are not both UTF-8 text files, XlsxWriter copies.
    With ``splices`` (the zip is written by ``_zip_level``'s class), the rows are not copied at all: the
    row file is put into the sheet's XML as the zip is written. A test compares the bytes with
    XlsxWriter's own worksheet."""

    from xlsxwriter.worksheet import Worksheet

    class TextSafeWorksheet(Worksheet):
        def _write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> Any:
            if string.startswith("<r>") and string.endswith("</r>"):
                tail = [cell_format] if cell_format is not None else []
                return self._write_rich_string(row, col, string[:1], string[1:2], string[2:], *tail)
            return super()._write_string(row, col, string, cell_format)

        def _write_optimized_sheet_data(self) -> None:
            rows, fh = getattr(self, "row_data_fh", None), getattr(self, "fh", None)
            if (
                self.dim_rowmin is None
                or not _utf8_text_file(rows)
                or not _utf8_text_file(fh)
                or not getattr(self, "row_data_filename", None)
            ):
                _put_back_held_rows(self)  # XlsxWriter copies the row file itself: no held row may be missing
                super()._write_optimized_sheet_data()
                # XlsxWriter leaves the (empty) row file of a sheet without rows in the temporary folder.
                _discard_row_file(self)
                return
            self._xml_start_tag("sheetData")
            rows.flush()
            fh.flush()
            held = getattr(self, "held_rows", None)
            self.held_rows = None
            if splices is not None and isinstance(getattr(fh, "name", None), str):
                rows.close()
                splices.add(fh.name, fh.buffer.tell(), self.row_data_filename, held)
            else:
                rows.buffer.seek(0)
                _copy_rows(rows.buffer, held, fh.buffer)
                rows.close()
                os.unlink(self.row_data_filename)
            self._xml_end_tag("sheetData")

    TextSafeWorksheet.hold_rows = splices is not None  # type: ignore[attr-defined]
    return TextSafeWorksheet


class _HeldRows:
    """Rows rendered in memory for a sheet's row file: they belong at byte ``at`` of that file."""

    def __init__(self, at: int) -> None:
        self.at = at
        self.blocks: list[Any] = []
        self.size = 0


def _put_back_held_rows(sheet: Any) -> None:
    """Write a sheet's held rows into its row file, in their place, for a copy that reads only the file."""
    held, sheet.held_rows = getattr(sheet, "held_rows", None), None
    if held is None:
        return
    sheet.row_data_fh.flush()
    raw = sheet.row_data_fh.buffer
    raw.seek(held.at)
    tail = raw.read()
    raw.seek(held.at)
    for block in held.blocks:
        raw.write(block)
    raw.write(tail)
    raw.flush()


def _copy_rows(rows_file: Any, held: _HeldRows | None, dest: Any) -> None:
    """A sheet's rows: its row file with the held rows put back in their place."""
    import shutil

    if held is not None:
        left = held.at
        while left > 0:
            chunk = rows_file.read(min(left, 1 << 20))
            if not chunk:
                break
            dest.write(chunk)
            left -= len(chunk)
        for block in held.blocks:
            dest.write(block)
    shutil.copyfileobj(rows_file, dest, 1 << 20)


def _discard_row_file(sheet: Any) -> None:
    """Close and delete a constant-memory sheet's row file, if it is still there."""
    fh, name = getattr(sheet, "row_data_fh", None), getattr(sheet, "row_data_filename", None)
    if fh is not None and not fh.closed:
        fh.close()
    if name:
        with contextlib.suppress(OSError):
            os.unlink(name)


def _utf8_text_file(fh: Any) -> bool:
    return isinstance(fh, io.TextIOWrapper) and fh.encoding.lower().replace("-", "").replace("_", "") == "utf8"


def _stream_rows(
    ws: Any, first_row: int, columns: list[_SheetColumn], varying_col: int, varying_formats: list[Any]
) -> int:
    """Write all but the last of a block of rows straight into a constant-memory worksheet's row stream, as
    the XML XlsxWriter itself writes for them (a test compares the bytes), at a fraction of its per-cell
    cost. Returns how many rows were written; the caller writes the rest cell by cell.

    XlsxWriter spends about 3 µs a cell on bookkeeping a large plain table does not need (a cell tuple, a
    dictionary per row, attribute lists, a regex per string); 3.6M cells took 11.6 s. Here each distinct
    value of a column is rendered once (texts escaped by pyarrow, or by XlsxWriter's own helpers where
    they need more than &, < and >), and pyarrow puts the cells and rows together in C (1.8 s of Python
    joins for 3.6M cells before). The cells of column ``varying_col`` take their formats from
    ``varying_formats``, one a row; the other columns' cells have their column's format. The worksheet is
    left as if it had written the rows. Nothing is written where that cannot be done (another XlsxWriter,
    not constant-memory, a number it would turn into an error). The last row is left to XlsxWriter
    because it writes that one when the workbook closes, when conditional formats may have changed the
    attributes of a <row>.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        from xlsxwriter.utility import (
            _preserve_whitespace,
            _utf16_len,
            _utf16_truncate,
            xl_col_to_name,
        )

        escape_controls = ws._escape_control_characters
        escape_data = ws._escape_data
        flush, check = ws._write_single_row, ws._check_dimensions
        if not ws.constant_memory or ws.previous_row >= first_row or ws.fh is not ws.row_data_fh:
            return 0
        if ws.excel_version == 2010 or ws.default_row_height != ws.original_row_height:
            return 0  # their <row> elements carry attributes this writer does not write
    except (ImportError, AttributeError):
        return 0
    n = len(varying_formats) - 1  # all but the last row
    if n <= 0 or first_row + n >= ws.xls_rowmax:
        return 0

    strmax = ws.xls_strmax

    def text_xml(value: str) -> str:
        if len(value) > strmax // 2 and _utf16_len(value) > strmax:
            value = _utf16_truncate(value, strmax)
        if _CONTROL_ESCAPES.search(value):
            value = escape_controls(value)
        # XlsxWriter passes text that looks like "<r>...</r>" through as rich-text XML; input text is
        # escaped here instead, so that no cell can carry markup into the file.
        space = ' xml:space="preserve"' if _preserve_whitespace(value) else ""
        return f"<is><t{space}>{escape_data(value)}</t></is></c>"

    # Each column as codes into its distinct values (-1: no cell). Numbers are told apart by their bits,
    # so that -0.0 stays "-0" as XlsxWriter writes it.
    is_text = [column.texts is not None for column in columns]
    formats = [column.fmt for column in columns]
    codes: list[Any] = []
    distinct: list[list[Any]] = []
    for column in columns:
        if column.texts is not None:
            assert column.codes is not None
            k = column.codes[:n]
            distinct.append(column.texts)
        else:
            assert column.numbers is not None
            numbers = column.numbers[:n]
            if np.isinf(numbers).any():
                return 0  # XlsxWriter refuses these; let it say so
            k, bits = pd.factorize(numbers.view(np.int64))
            k[np.isnan(numbers)] = -1
            distinct.append(bits.view(np.float64).tolist())
        codes.append(k)
    # The varying column: one code for each pair of value and format.
    format_codes, row_formats = pd.factorize(np.array([id(f) for f in varying_formats[:n]], dtype=np.int64))
    by_id = {id(f): f for f in varying_formats[:n]}
    pair_codes = np.where(codes[varying_col] < 0, -1, codes[varying_col] * len(row_formats) + format_codes)
    filled = [c for c in range(len(columns)) if (codes[c] >= 0).any()]
    # XlsxWriter numbers formats in the order cells first use them, row by row; the same order here keeps
    # styles.xml identical. Each format's first use: (row, column).
    firsts: dict[int, tuple[int, int, Any]] = {}

    def used(fmt: Any, row: int, col: int) -> None:
        if fmt is not None and (id(fmt) not in firsts or (row, col) < firsts[id(fmt)][:2]):
            firsts[id(fmt)] = (row, col, fmt)

    for c in filled:
        rows = np.flatnonzero(codes[c] >= 0)
        if c == varying_col:
            for code in np.unique(format_codes[rows]):
                used(by_id[int(row_formats[code])], int(rows[format_codes[rows] == code][0]), c)
        else:
            used(formats[c], int(rows[0]), c)
    flush(first_row)  # the rows above (the header) go out first, as XlsxWriter would send them
    for _first, _c, fmt in sorted(firsts.values(), key=lambda t: t[:2]):
        fmt._get_xf_index()

    def style(fmt: Any) -> str:
        return f' s="{fmt._get_xf_index()}"' if fmt is not None else ""

    def big(text: str) -> Any:
        return pa.scalar(text, pa.large_string())

    nothing = big("")

    def text_bodies(values: list[str]) -> Any:
        """The cell XML after the opening tag for each distinct text, in C; the rare text that needs
        XlsxWriter's control-character escape or may need cutting to Excel's length goes through
        text_xml (the patterns are RE2's spelling of the ones in _CONTROL_ESCAPES and _preserve_whitespace)."""
        texts = pa.array(values, type=pa.large_string())
        escaped = texts
        for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
            if pc.any(pc.match_substring(escaped, char)).as_py():  # ids and names seldom hold one: no new copy
                escaped = pc.replace_substring(escaped, char, entity)
        opening = pc.if_else(
            pc.match_substring_regex(texts, _EDGE_SPACE_RE2), big('<is><t xml:space="preserve">'), big("<is><t>")
        )
        body = pc.binary_join_element_wise(opening, escaped, big("</t></is></c>"), nothing)
        special = pc.or_(pc.greater(pc.utf8_length(texts), strmax // 2), pc.match_substring_regex(texts, _CONTROL_RE2))
        if pc.any(special).as_py():
            where = np.flatnonzero(special.to_numpy(zero_copy_only=False))
            body = pc.replace_with_mask(
                body, special, pa.array([text_xml(values[i]) for i in where], pa.large_string())
            )
        return body

    # Each distinct cell, from the end of its reference to its end; null where a row has no cell.
    kinds = [' t="inlineStr"' if text else "" for text in is_text]
    rendered: list[Any] = []
    number_cells: dict[tuple[str, bytes], Any] = {}
    for c, values in enumerate(distinct):
        if c not in filled:
            rendered.append(None)
            continue
        if c == varying_col:
            body = text_bodies(values).to_pylist() if is_text[c] else [f"<v>{v:.16G}</v></c>" for v in values]
            styles = [f'"{style(by_id[int(i)])}{kinds[c]}>' for i in row_formats]
            cells = pa.array([mid + xml for xml in body for mid in styles], type=pa.large_string())
            codes[c] = pair_codes
        else:
            mid = f'"{style(formats[c])}{kinds[c]}>'
            if is_text[c]:
                cells = pc.binary_join_element_wise(big(mid), text_bodies(values), nothing)
            else:
                # Columns of the same numbers in the same format (monetary and lifetime_monetary without a
                # look-back window: 80k distinct amounts each on the 1M-line benchmark) share their cells.
                key = (mid, np.asarray(values, dtype=np.float64).tobytes())
                cells = number_cells.get(key)
                if cells is None:
                    cells = number_cells[key] = pa.array(
                        [f"{mid}<v>{v:.16G}</v></c>" for v in values], type=pa.large_string()
                    )
        rendered.append(pa.concat_arrays([cells, pa.nulls(1, pa.large_string())]))
        codes[c] = np.where(codes[c] < 0, len(cells), codes[c])
    check(first_row, 0)
    check(first_row + n - 1, max(filled, default=0))
    heads = [big(f'<c r="{xl_col_to_name(c)}') for c in range(len(columns))]
    open_row, mid_row, close_row = big('<row r="'), big('">'), big("</row>")
    fh = ws.fh
    raw = fh.buffer if _utf8_text_file(fh) else None

    def block_xml(start: int) -> memoryview:
        stop = min(start + _STREAM_ROWS, n)
        numbers = pc.cast(pa.array(np.arange(first_row + start + 1, first_row + stop + 1)), pa.large_string())
        parts = [open_row, numbers, mid_row]
        for c in filled:
            cells = rendered[c].take(pa.array(codes[c][start:stop]))
            parts.append(pc.binary_join_element_wise(heads[c], numbers, cells, nothing))
        parts.append(close_row)
        rows = pc.binary_join_element_wise(*parts, nothing, null_handling="replace", null_replacement="")
        present = np.zeros(stop - start, dtype=bool)
        for c in filled:
            present |= codes[c][start:stop] < len(distinct[c]) * (len(row_formats) if c == varying_col else 1)
        if not present.all():
            rows = rows.filter(pa.array(present))  # XlsxWriter writes no <row> for a row without cells
        offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset : rows.offset + len(rows) + 1]
        return memoryview(rows.buffers()[2])[offsets[0] : offsets[-1]]

    # A block of rows at a time, so that only a few blocks' cell texts are held. pyarrow's takes and joins
    # run without the GIL, so two threads render blocks side by side (0.85 -> 0.5 s for the 1M-line
    # benchmark's 81k customers); they are written in order.
    held = None
    if raw is not None and getattr(ws, "hold_rows", False):
        fh.flush()
        held = _HeldRows(raw.tell())
    with ThreadPoolExecutor(2, "custseg-rows") as pool:
        pending: list[Any] = []
        for start in range(0, n, _STREAM_ROWS):
            pending.append(pool.submit(block_xml, start))
            while pending and (len(pending) > 3 or start + _STREAM_ROWS >= n):
                data = pending.pop(0).result()
                if held is not None and held.size + len(data) <= ROWS_IN_MEMORY:
                    held.blocks.append(data)
                    held.size += len(data)
                    continue
                if held is not None:  # too large to hold: what is held goes to the file first, in order
                    fh.flush()
                    for block in held.blocks:
                        raw.write(block)
                    held = None
                if raw is not None:
                    fh.flush()
                    raw.write(data)
                else:
                    fh.write(bytes(data).decode("utf-8"))
    if held is not None and held.blocks:
        ws.held_rows = held
    # As if XlsxWriter had written these rows: nothing of them is left to flush.
    ws.previous_row = first_row + n - 1
    ws.table.clear()
    return n


class _RowSplices:
    """Where each constant-memory sheet's rows go: the sheet's XML file, the byte offset in it, and the row
    file. The zip entry is written as the file's head, the rows and its tail, so the rows (142 MB of XML on
    the 1M-line benchmark) are not first copied into the sheet's file and read back: 0.3-0.5 s."""

    def __init__(self) -> None:
        self.by_sheet: dict[str, tuple[int, str, _HeldRows | None]] = {}

    def add(self, sheet_file: str, at: int, rows_file: str, held: _HeldRows | None = None) -> None:
        self.by_sheet[sheet_file] = (at, rows_file, held)

    def discard(self) -> None:
        """Delete the row files of an interrupted close."""
        for _, rows_file, _held in self.by_sheet.values():
            with contextlib.suppress(OSError):
                os.unlink(rows_file)
        self.by_sheet.clear()


def _can_swap_zipfile() -> bool:
    import xlsxwriter.workbook as xlsx_workbook

    return isinstance(getattr(xlsx_workbook, "ZipFile", None), type)


# Bytes deflated at a time on each thread; blocks past the first are primed with the 32 KiB before them.
DEFLATE_BLOCK = 4 << 20


def _deflater() -> Any:
    """ISA-L's zlib where it is installed: the 1M-line benchmark's 144 MB customer sheet deflates in 0.13 s
    on one core against zlib's 0.50 s at level 1, and to 18.8 MB against 19.7. Its streams are deflate
    streams like zlib's (any unzip reads them); without it, zlib."""
    try:
        from isal import isal_zlib
    except ImportError:
        import zlib

        return zlib
    return isal_zlib


def _deflate_block(block: bytes, primer: bytes, level: int, last: bool) -> bytes:
    import zlib

    mod = _deflater() if level > 0 else zlib  # zlib's level 0 stores; ISA-L's has no such level
    if mod is not zlib:
        level = min(3, (level + 2) // 3)  # zlib's 1-9 onto ISA-L's 1-3 (the workbook's 1 stays 1)
    deflate = (
        mod.compressobj(level, mod.DEFLATED, -15, zdict=primer) if primer else mod.compressobj(level, mod.DEFLATED, -15)
    )
    return deflate.compress(block) + deflate.flush(mod.Z_FINISH if last else mod.Z_SYNC_FLUSH)


class _ParallelDeflate:
    """zlib's compress/flush for a zip entry, deflating blocks on two threads as pigz does (zlib and ISA-L
    run without the GIL): each block is raw deflate primed with the 32 KiB before it and ended on a byte
    boundary, the last one finished, so the blocks joined are one deflate stream that any unzip reads. The
    1M-line benchmark's customer sheet took 0.5-0.7 s to deflate with zlib on one core. An entry of one
    block is deflated exactly as :func:`_deflater`'s library would."""

    def __init__(self, level: int, pool: Any) -> None:
        self.level, self.pool = level, pool
        self.pending: list[Any] = []
        self.chunks: list[Any] = []  # the data not in a block yet, in order: joined once for its blocks
        self.size = 0
        self.primer = b""

    def _submit(self, block: Any, last: bool) -> None:
        self.pending.append(self.pool.submit(_deflate_block, block, self.primer, self.level, last))
        self.primer = bytes(block[-32768:])

    def compress(self, data: Any) -> bytes:
        if len(data):
            # Kept as given (bytes, or the held rows' buffers), not copied into one growing buffer and out of
            # it again: 144 MB went through three copies that way. A mutable buffer is copied.
            self.chunks.append(bytes(data) if isinstance(data, bytearray) else data)
            self.size += len(data)
        if self.size > DEFLATE_BLOCK:  # > not >=: the last block is never empty
            joined = memoryview(b"".join(self.chunks))
            at = 0
            while len(joined) - at > DEFLATE_BLOCK:
                self._submit(joined[at : at + DEFLATE_BLOCK], last=False)
                at += DEFLATE_BLOCK
            self.chunks, self.size = [joined[at:]], len(joined) - at
        done = []
        # Hand back the blocks finished so far, in order; wait once five are queued (about 20 MiB held at most).
        while self.pending and (self.pending[0].done() or len(self.pending) > 4):
            done.append(self.pending.pop(0).result())
        return b"".join(done)

    def flush(self) -> bytes:
        self._submit(b"".join(self.chunks), last=True)
        self.chunks, self.size = [], 0
        done = [f.result() for f in self.pending]
        self.pending.clear()
        return b"".join(done)


@contextlib.contextmanager
def _zip_level(level: int, splices: _RowSplices | None = None) -> Iterator[None]:
    """Make XlsxWriter's Workbook.close deflate at ``level``: the ZipFile class its module uses is swapped
    for one with that default level while one of our workbooks closes (the lock keeps two closes from
    swapping over each other). If XlsxWriter stops importing ZipFile by name, the default level stays
    (and the caller, having asked :func:`_can_swap_zipfile`, has no splices to make).

    The sheets in ``splices`` are written as their head, row file and tail, deflated on two threads."""
    import shutil
    import zipfile

    import xlsxwriter.workbook as xlsx_workbook

    with _ZIP_LOCK:
        original = getattr(xlsx_workbook, "ZipFile", None)
        if original is None:
            yield
            return

        class LevelledZipFile(original):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                kwargs.setdefault("compresslevel", level)
                super().__init__(*args, **kwargs)

            def write(
                self, filename: Any, arcname: Any = None, compress_type: Any = None, compresslevel: Any = None
            ) -> None:
                splice = splices.by_sheet.pop(filename, None) if splices is not None else None
                if splice is None:
                    super().write(filename, arcname, compress_type, compresslevel)
                    return
                at, rows_file, held = splice
                try:
                    # As ZipFile.write makes the entry, with the whole size for its ZIP64 decision.
                    zinfo = zipfile.ZipInfo.from_file(filename, arcname)
                    zinfo.compress_type = self.compression if compress_type is None else compress_type
                    zinfo._compresslevel = self.compresslevel if compresslevel is None else compresslevel
                    zinfo.file_size = (
                        os.path.getsize(filename) + os.path.getsize(rows_file) + (held.size if held is not None else 0)
                    )
                    # The pool is entered first: it must outlive the entry's close, which deflates the last block.
                    with (
                        ThreadPoolExecutor(2, "custseg-deflate") as pool,
                        open(filename, "rb") as sheet,
                        open(rows_file, "rb") as rows,
                        self.open(zinfo, "w") as dest,
                    ):
                        if zinfo.compress_type == zipfile.ZIP_DEFLATED and hasattr(dest, "_compressor"):
                            dest._compressor = _ParallelDeflate(zinfo._compresslevel, pool)
                        dest.write(sheet.read(at))
                        _copy_rows(rows, held, dest)
                        shutil.copyfileobj(sheet, dest, 1 << 20)
                finally:
                    os.unlink(rows_file)

        xlsx_workbook.ZipFile = LevelledZipFile
        try:
            yield
        finally:
            xlsx_workbook.ZipFile = original


def _flatten(obj: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _flatten(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(obj, list) and obj and isinstance(obj[0], dict):
        for i, v in enumerate(obj):
            out += _flatten(v, f"{prefix}[{i}]")
    else:
        out.append((prefix, obj))
    return out


def write_workbook(result: GradeResult, target: Path, lang: str = "zh", problems_note: str = "") -> None:
    """Write the workbook atomically: to a temporary file beside ``target``, renamed into place at the end."""
    import xlsxwriter

    if len(result.customers) > EXCEL_MAX_ROWS - 1:
        raise OutputError(
            f"{target}: {len(result.customers):,} customers do not fit in an Excel sheet (1,048,575 rows at most)",
            hint="write CSV instead: -o customers.csv",
        )
    with atomic_path(Path(target)) as tmp:
        wb = xlsxwriter.Workbook(
            str(tmp),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "default_date_format": "yyyy-mm-dd",
            },
        )
        splices = _RowSplices() if _can_swap_zipfile() else None
        wb.worksheet_class = _text_safe_sheet(splices)
        # The as-of date as the creation date keeps re-runs of the same month identical.
        as_of = dt.datetime.combine(result.as_of, dt.time())
        wb.set_properties(
            {"title": "客户分级管理表格" if lang == "zh" else "Customer grading", "author": "custseg", "created": as_of}
        )
        w = _Writer(wb, result, lang, problems_note)
        try:
            w.customers()
            w.summary()
            if "tier_change" in result.customers.columns:
                w.changes()
            w.problems()
            w.run_info()
        except BaseException:
            # Interrupted: delete the per-sheet row files (the customer sheet's can be hundreds of MB in the
            # temporary folder); the half-written workbook is discarded.
            for sheet in wb.worksheets():
                _discard_row_file(sheet)
            raise
        try:
            with _zip_level(ZIP_LEVEL, splices):
                wb.close()
        except Exception as exc:  # XlsxWriter wraps OS errors in its own types
            raise OutputError(f"{target}: cannot be written ({exc})") from None
        finally:
            if splices is not None:
                splices.discard()
