"""The 客户分级管理表格: a formatted workbook written with XlsxWriter: what goes where, in which format.

XlsxWriter streams rows (constant-memory mode), writes native charts and conditional formats that
Excel, WPS and LibreOffice open, and is told never to turn a string into a formula, number or link:
every text cell is written with ``write_string``, and text shaped like XlsxWriter's own rich-text markup
is written as plain runs (``_fast_rows.worksheet_class``). The customer sheet's rows, millions of cells on
a large run, go through ``_fast_rows.write_rows``, and the zip is written by ``_deflate.close_workbook``:
the two private modules that rely on XlsxWriter's and zipfile's undocumented names.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from custseg.api import GradeResult
from custseg.atomic import atomic_path
from custseg.core.dimensions import NEEDS_LABELS, RELATIONSHIP_LABELS
from custseg.core.money import minor_unit
from custseg.core.notes import warning_label
from custseg.core.predict_stage import prediction_figures
from custseg.errors import OutputError
from custseg.output import labels as L
from custseg.output.summary import (
    by_column,
    by_tier,
    class_table,
    rf_grid,
    segment_table,
    tier_by_segment,
    tier_table,
    value_ahead,
)
from custseg.output.workbook import _deflate, _fast_rows
from custseg.output.workbook._fast_rows import SheetColumn
from custseg.schema import DATE_COLUMNS, LIST_COLUMNS, MONEY_COLUMNS, PROBLEM_COLUMNS, REASONS

EXCEL_MAX_ROWS = 1_048_576
PROBLEM_SHEET_ROWS = EXCEL_MAX_ROWS - 2  # the header, and a last line that points to the full CSV
TIER_COLOURS = ["#FFD966", "#9BC2E6", "#C6E0B4", "#EDEDED", "#F8CBAD", "#D9D2E9", "#FCE4D6", "#DDEBF7"]
HEADER_COLOUR = "#1F4E78"


def display_width(text: str) -> int:
    """Columns a text takes in Excel: CJK and other wide characters count twice."""
    if text.isascii():  # every ASCII character is narrow
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class _Writer:
    """Writes a grading's sheets into an XlsxWriter workbook, in one language, each sheet a method."""

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
        self.empty_columns: list[str] = []
        if lang == "zh":
            self.values |= _geo_labels_zh(result.customers)
        self.problems_note = problems_note

    def t(self, key: str) -> str:
        """A label of the workbook in its language."""
        return L.TEXT[key][self.i]

    # ------------------------------------------------------------------ cells

    def cell(self, ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """One cell, by the value's type: nothing for missing, dates, yes/no, numbers, else text (never a formula)."""
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

    def shown(self, mapping: dict[str, str] | None, key: str) -> str:
        """A key as the workbook shows it: its label, and the summaries' "(none)" (no value) in words."""
        if key == "(none)":
            return self.t("none")
        return mapping.get(key, key) if mapping else key

    def header_row(self, ws: Any, row: int, names: list[str]) -> None:
        """A row of column headers in the header format."""
        for c, name in enumerate(names):
            ws.write_string(row, c, name, self.f["header"])

    # ------------------------------------------------------------------ customers

    def customers(self) -> None:
        """The customer sheet: every column of the graded customers, a row each, tiers coloured, filter,
        frozen header and ids, data bar on revenue and colour scale on recency."""
        ws = self.wb.add_worksheet(L.SHEETS["customers"][self.i])
        data = self.customer_view
        cols = list(data.columns)
        heads = [L.header(c, self.lang, self.base) for c in cols]
        self.header_row(ws, 0, heads)
        ws.set_row(0, 32)
        # Each column is turned once into what the row writers take: texts as codes into their distinct
        # values, numbers as an array (the per-cell cost dominates large workbooks).
        columns = [self.sheet_column(c, data[c]) for c in cols]
        tier_col = cols.index("tier")
        tier_formats = [self.tier_formats.get(k) for k in data["tier"].tolist()]
        _fast_rows.write_rows(ws, 1, columns, tier_col, tier_formats)
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
        override = cols.index("tier_override")
        # The manager picks a tier from the list; next month the workbook can be given as the customer
        # master (--customers), and its 手动等级 column overrides the rules.
        ws.data_validation(
            1,
            override,
            max(n, 1) + 200,
            override,
            {"validate": "list", "source": [self.values["tier"].get(t, t) for t in self.r.rules.tier_order]},
        )
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

    @cached_property
    def customer_view(self) -> pd.DataFrame:
        """The customers as the customer sheet shows them: by tier (the rules' order), then monetary, the
        columns people look at first in front (WORKBOOK_FIRST), every column no customer has a value in left
        out (empty_columns says which) but the tier override, kept for the manager to fill in. The CSV and
        JSON keep every column, sorted by customer_id, for scripts."""
        data = self.r.customers
        rank = {t: k for k, t in enumerate(self.r.rules.tier_order)}
        order = np.lexsort((-data["monetary"].to_numpy(dtype=float), data["tier"].map(rank).to_numpy()))
        data = data.iloc[order].reset_index(drop=True)
        if "tier_override" not in data:
            data = data.assign(tier_override="")
        first = [c for c in WORKBOOK_FIRST if c in data.columns]
        cols = first + [c for c in data.columns if c not in first]
        kept = [c for c in cols if c in KEEP_COLUMNS or not _empty_column(data[c])]
        self.empty_columns = [c for c in cols if c not in kept]
        data = data[kept]
        # Scores as "4 5 1", not the number 451 (CSV and JSON keep the number).
        score = data["rfm_score"]
        data = data.assign(rfm_score=score.map(_spaced_score))
        return data

    def sheet_column(self, name: str, col: pd.Series) -> SheetColumn:
        """A customer column as its cells: dates as Excel's day numbers, numbers (money in the money
        format), and texts as shown in the workbook's language (yes/no, labels for keys; blank: no cell)."""
        yes, no = ("是", "否") if self.lang == "zh" else ("yes", "no")
        if name in DATE_COLUMNS:
            dates = col if pd.api.types.is_datetime64_any_dtype(col.dtype) else pd.to_datetime(col, errors="coerce")
            days = (dates - pd.Timestamp("1899-12-30")).dt.days
            return SheetColumn(self.f["date"], numbers=days.to_numpy(dtype=np.float64, na_value=np.nan))
        if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
            return SheetColumn(
                self.f["money"] if name in MONEY_COLUMNS else None,
                numbers=col.to_numpy(dtype=np.float64, na_value=np.nan),
            )
        mapping = self.values.get(name, {})
        kind = pd.api.types.infer_dtype(col, skipna=True)
        if kind == "string" and mapping and name in LIST_COLUMNS:
            # Lists of keys (tags): each key shown by its label, joined as the language lists things.
            sep = "、" if self.lang == "zh" else "; "
            codes, uniques = pd.factorize(col)
            texts = [sep.join(mapping.get(k, k) for k in t.split(";") if k) for t in uniques.tolist()]
            blank = np.array([t == "" for t in texts] + [True])
            return SheetColumn(None, texts=texts, codes=np.where(blank[codes], -1, codes))
        if kind == "string":
            # Text (most of these columns): each distinct text is looked up once.
            codes, uniques = pd.factorize(col)
            if mapping:
                shown = [mapping.get(t, t) or None for t in uniques.tolist()]
                blank = np.array([t is None for t in shown] + [True])  # code -1 (missing) is blank too
                texts = [t or "" for t in shown]
            else:  # ids, names and other free text (as many distinct texts as customers): no lookup a text
                texts = uniques.tolist()
                blank = np.append(np.asarray(uniques, dtype=object) == "", True)
            return SheetColumn(None, texts=texts, codes=np.where(blank[codes], -1, codes))
        if kind in ("boolean", "empty"):
            # Yes/no columns: each distinct value once, as the general path below gives them.
            codes, uniques = pd.factorize(col)
            return SheetColumn(None, texts=[yes if v else no for v in uniques.tolist()], codes=codes)
        text: list[str | None] = []
        for v in col.tolist():
            if v is None or v is pd.NA or (isinstance(v, float) and v != v):
                text.append(None)
            elif isinstance(v, bool):
                text.append(yes if v else no)
            else:
                t = str(v)
                text.append((mapping.get(t, t) if mapping else t) or None)
        return SheetColumn.of_texts(text)

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
                self.shown(mapping, key),
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
        """The summary sheet: the grouped tables one under another, charts of the first ones beside them."""
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
        ct = class_table(data)
        _, _, row = self.group_table(
            ws, row, self.t("classes"), ct, self.values["rfm_class"], L.header("rfm_class", self.lang)
        )
        st = segment_table(data, [s.key for s in rules.segments])
        _, _, row = self.group_table(
            ws, row, self.t("segments"), st, self.values["segment"], L.header("segment", self.lang)
        )
        row = self.tier_by_segment(ws, row)
        row = self.by_tier(ws, row, "relationship", list(RELATIONSHIP_LABELS), "relationship_x_tier")
        row = self.by_tier(ws, row, "needs", list(NEEDS_LABELS), "needs_x_tier")
        row, alive_rows = self.value_ahead(ws, row, "tier", rules.tier_order, "value_by_tier")
        row, _ = self.value_ahead(ws, row, "segment", [s.key for s in rules.segments], "value_by_segment")
        row = self.rf_grid(ws, row)
        row, region_rows = self.breakdowns(ws, row)
        row = self.currencies(ws, row)
        ws.write_string(row, 0, self.t("legend"), self.f["title"])
        for k, line in enumerate(L.LEGEND[self.lang]):
            ws.write_string(row + 1 + k, 0, line)
        self.summary_charts(ws, (t_first, t_last) if len(tt) else None, region_rows)
        if alive_rows is not None:
            self.chart(
                ws,
                "column",
                alive_rows,
                2,
                f"{self.t('tiers')} - {L.header('p_alive', self.lang)}",
                50,
                {"fill": {"color": "#A5A5A5"}, "data_labels": {"value": True, "num_format": "0%"}},
                # A probability: the whole 0-100% scale, so that 99.99% does not read as a spread.
                {"min": 0, "max": 1, "num_format": "0%"},
            )

    def tier_by_segment(self, ws: Any, row: int) -> int:
        """Customers counted by tier and segment, from ``row``; returns the next free row."""
        rules = self.r.rules
        mx = tier_by_segment(self.r.customers, rules.tier_order, [s.key for s in rules.segments])
        ws.write_string(row, 0, self.t("tier_x_segment"), self.f["title"])
        self.header_row(
            ws, row + 1, [L.header("tier", self.lang)] + [self.shown(self.values["segment"], c) for c in mx.columns]
        )
        for k, (tier, counts) in enumerate(mx.iterrows()):
            self.cell(ws, row + 2 + k, 0, self.values["tier"].get(tier, tier), self.tier_formats.get(tier))
            for j, v in enumerate(counts.tolist()):
                self.cell(ws, row + 2 + k, j + 1, int(v), self.f["int"])
        return row + len(mx) + 4

    def by_tier(self, ws: Any, row: int, column: str, order: list[str], title: str) -> int:
        """Customers counted by ``column`` and tier, from ``row`` (nothing when no customer has a value);
        returns the next free row."""
        mx = by_tier(self.r.customers, column, order, self.r.rules.tier_order)
        if mx.empty:
            return row
        ws.write_string(row, 0, self.t(title), self.f["title"])
        self.header_row(
            ws, row + 1, [L.header(column, self.lang)] + [self.values["tier"].get(t, t) for t in mx.columns]
        )
        for k, (key, counts) in enumerate(mx.iterrows()):
            self.cell(ws, row + 2 + k, 0, self.values[column].get(key, key), self.f["bold"])
            for j, v in enumerate(counts.tolist()):
                self.cell(ws, row + 2 + k, j + 1, int(v), self.f["int"])
        return row + len(mx) + 4

    def value_ahead(
        self, ws: Any, row: int, by: str, order: list[str], title: str
    ) -> tuple[int, tuple[int, int] | None]:
        """Expected orders and predicted value per tier or segment, from ``row`` (nothing when no customer
        has a prediction); returns the next free row and the table's first and last data rows when it has
        a P(alive) to chart."""
        table = value_ahead(self.r.customers, by, order)
        if table.empty:
            return row, None
        ws.write_string(row, 0, self.t(title), self.f["title"])
        self.header_row(
            ws,
            row + 1,
            [L.header(by, self.lang), self.t("customers")]
            + [L.header(c, self.lang, self.base) for c in ("p_alive", "expected_orders_365d", "predicted_value_12m")],
        )
        for k, rec in enumerate(table.itertuples(index=False)):
            r = row + 2 + k
            self.cell(ws, r, 0, self.shown(self.values[by], str(rec.key)), self.tier_formats.get(rec.key))
            self.cell(ws, r, 1, int(rec.customers), self.f["int"])
            self.cell(ws, r, 2, None if pd.isna(rec.p_alive) else float(rec.p_alive), self.f["pct"])
            self.cell(ws, r, 3, float(rec.expected_orders_365d), self.f["num1"])
            value = rec.predicted_value_12m
            self.cell(ws, r, 4, None if pd.isna(value) else float(value), self.f["money"])
        rows = (row + 2, row + 1 + len(table))
        return row + len(table) + 4, rows if table["p_alive"].notna().any() else None

    def rf_grid(self, ws: Any, row: int) -> int:
        """Customers counted by R and F score, with a colour scale (Excel has no heat-map chart), from
        ``row``; returns the next free row."""
        grid = rf_grid(self.r.customers)
        ws.write_string(row, 0, self.t("rf_grid"), self.f["title"])
        self.header_row(ws, row + 1, ["R \\ F"] + [f"F={f}" for f in grid.columns])
        for k, (r_score, counts) in enumerate(grid.iterrows()):
            self.cell(ws, row + 2 + k, 0, f"R={r_score}", self.f["bold"])
            for j, v in enumerate(counts.tolist()):
                self.cell(ws, row + 2 + k, j + 1, int(v), self.f["int"])
        ws.conditional_format(
            row + 2, 1, row + 6, 5, {"type": "2_color_scale", "min_color": "#FFFFFF", "max_color": "#F8696B"}
        )
        return row + 9

    def breakdowns(self, ws: Any, row: int) -> tuple[int, tuple[int, int] | None]:
        """The grouped tables by region, country, ABC class and sales owner (those with values), from
        ``row``; returns the next free row and the region table's first and last data rows."""
        data = self.r.customers
        region_rows = None
        for key, column in (
            ("regions", "region"),
            ("countries", "country_name"),
            ("abc", "abc_class"),
            ("owners", "sales_owner"),
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
            first, last, row = self.group_table(
                ws, row, self.t(key), table, self.breakdown_labels(key), L.header(column, self.lang)
            )
            if key == "regions":
                region_rows = (first, last)
        return row, region_rows

    def breakdown_labels(self, key: str) -> dict[str, str] | None:
        """The labels of a breakdown's keys in the workbook's language (the Chinese names of regions and
        countries in a Chinese workbook); None: the keys as they are."""
        return self.values.get({"regions": "region", "countries": "country_name"}.get(key, ""))

    def currencies(self, ws: Any, row: int) -> int:
        """Revenue per original currency and in the base currency, from ``row``; returns the next free row."""
        rev = self.r.revenue_by_currency
        ws.write_string(row, 0, self.t("currencies"), self.f["title"])
        self.header_row(ws, row + 1, [self.t("currency"), self.t("amount"), f"{self.t('revenue')} ({self.base})"])
        for k, rec in enumerate(rev.itertuples(index=False)):
            self.cell(ws, row + 2 + k, 0, rec.currency)
            self.cell(ws, row + 2 + k, 1, float(rec.amount), self.f["money"])
            self.cell(ws, row + 2 + k, 2, float(rec.amount_base), self.f["money"])
        return row + len(rev) + 4

    def summary_charts(self, ws: Any, tier_rows: tuple[int, int] | None, region_rows: tuple[int, int] | None) -> None:
        """Native charts beside the tables (Excel, WPS and LibreOffice draw them): customers and revenue by
        tier, revenue by region; ``tier_rows`` and ``region_rows`` are their tables' first and last data rows."""
        anchor_row = 2
        money = f"{self.t('revenue')} ({self.base})"
        if tier_rows is not None:
            self.chart(
                ws,
                "column",
                tier_rows,
                1,
                f"{self.t('tiers')} - {self.t('customers')}",
                anchor_row,
                {"data_labels": {"value": True}},
            )
            self.chart(
                ws,
                "column",
                tier_rows,
                3,
                f"{self.t('tiers')} - {money}",
                anchor_row + 16,
                {"fill": {"color": "#ED7D31"}},
            )
        if region_rows is not None and region_rows[1] >= region_rows[0]:
            self.chart(
                ws,
                "bar",
                region_rows,
                3,
                f"{self.t('regions')} - {money}",
                anchor_row + 32,
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
        y_axis: dict[str, Any] | None = None,
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
        if y_axis:
            chart.set_y_axis(y_axis)
        ws.insert_chart(anchor_row, 14, chart, {"x_scale": 1.1, "y_scale": 1.0})

    # ------------------------------------------------------------------ changes

    def changes(self) -> None:
        """The changes sheet: the tier migration matrix against the previous grading, and the customers who
        moved up, down, are new or gone."""
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
        """The problem rows (as many as fit in a sheet, then a line pointing to the full CSV)."""
        ws = self.wb.add_worksheet(L.SHEETS["problems"][self.i])
        cols = PROBLEM_COLUMNS
        self.header_row(ws, 0, [L.header(c, self.lang) for c in cols])
        data = self.r.problems
        limit = PROBLEM_SHEET_ROWS
        shown = data.iloc[:limit]
        reasons = {code: texts[1] for code, texts in REASONS.items()}  # REASONS holds (English, Chinese)
        values = [shown[c].tolist() for c in cols]
        codes = values[cols.index("reason_code")]
        for r in range(len(shown)):
            for c, col in enumerate(cols):
                v = values[c][r]
                if col == "reason" and self.lang == "zh":
                    detail = str(v).split(" (", 1)[1].rstrip(")") if " (" in str(v) else ""
                    # The one detail the library writes in words: which customer a warning is about.
                    detail = "客户 " + detail[len("customer ") :] if detail.startswith("customer ") else detail
                    v = reasons.get(codes[r], v) + (f"（{detail}）" if detail else "")
                if col in ("row", "line"):
                    if v is not pd.NA and v:  # no line for a workbook's row, no row for the master's customer
                        ws.write_number(r + 1, c, int(v))
                else:
                    ws.write_string(r + 1, c, str(v))
        if data.empty:
            ws.write_string(1, 0, self.t("no_problems"))
        if len(data) > limit:
            ws.write_string(
                limit + 1, 0, self.t("truncated") + (f": {self.problems_note}" if self.problems_note else "")
            )
        for c, w in enumerate([28, 12, 8, 8, 16, 24, 18, 48]):
            ws.set_column(c, c, w)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(shown), 1), len(cols) - 1)

    # ------------------------------------------------------------------ run info

    def statuses(self, ws: Any, r: int) -> int:
        """Every order status seen, its rows, how it was treated and whether custseg knows it, from row
        ``r`` of the run-info sheet; returns the row after it. The table starts in the second column: the
        first holds the sheet's own labels (a status 已取消 beside the reconciliation's 已取消 would read as
        one of them)."""
        ws.write_string(r, 0, self.t("statuses"), self.f["title"])
        for j, key in enumerate(("status", "rows", "treated_as", "known"), start=1):
            ws.write_string(r + 1, j, self.t(key), self.f["header"])
        r += 2
        for row in _status_rows(self.r.statuses, self.i):
            for j, v in enumerate(row, start=1):
                self.cell(ws, r, j, v, self.f["int"] if j == 2 else None)
            r += 1
        return r

    def run_info(self) -> None:
        """The run's facts: version, as-of date, inputs, reconciliation, notes, statuses, score cut-offs and
        the rules."""
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
        # Which rates converted how many amounts, by the summary JSON's keys (empty: all in the base currency).
        for key, value in _flatten({"exchange_rates": self.r.exchange_rates} if self.r.exchange_rates else {}):
            kv(key, value if isinstance(value, (int, str)) else json.dumps(value, ensure_ascii=False))
        if self.empty_columns:  # known once the customer sheet, written first, has been laid out
            kv(self.t("empty_columns"), ", ".join(L.header(c, self.lang) for c in self.empty_columns))
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
        if len(self.r.statuses):
            r = self.statuses(ws, r + 1)
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
        ws.write_string(r, 0, self.t("prediction"), self.f["title"])
        r += 1
        for key, value in _flatten(prediction_figures(self.r.prediction)):
            plain = isinstance(value, (int, float, str)) and not isinstance(value, bool)
            kv(key, value if plain else json.dumps(value))
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


# The customer sheet's first columns: what a sales manager looks at first.
WORKBOOK_FIRST = [
    "customer_id",
    "customer_name",
    "tier",
    "segment",
    "rfm_class",
    "monetary",
    "frequency",
    "recency_days",
    "last_order_date",
    "next_follow_up",
    "action",
    "sales_owner",
    "country_name",
    "relationship",
    "needs",
    "contact_window",
    "tier_override",
    "tier_rule",
]
# Columns kept on the customer sheet even when every customer's is empty.
KEEP_COLUMNS = {"customer_id", "customer_name", "tier", "tier_override", "monetary", "recency_days"}


def _spaced_score(v: Any) -> str:
    """An RFM code (451, or empty for a customer with no scores) as "4 5 1"."""
    text = "" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v).split(".")[0]
    return " ".join(text)


def _empty_column(col: pd.Series) -> bool:
    """No customer has a value: every cell missing or blank text."""
    if col.isna().all():
        return True
    return bool(pd.api.types.infer_dtype(col, skipna=True) == "string" and (col.fillna("") == "").all())


def _geo_labels_zh(customers: pd.DataFrame) -> dict[str, dict[str, str]]:
    """The Chinese names of the countries, regions and sub-regions the customers have: the grading keeps
    the English names (stable keys for scripts), the Chinese workbook shows these."""
    from custseg.core.geo import country_name_zh, regions

    rows = regions().values()
    # Each (name, code) pair once: a name always comes from its code.
    pairs = customers[["country_name", "country_code"]].drop_duplicates()
    return {
        "country_name": {
            n: country_name_zh(c) for n, c in zip(pairs["country_name"], pairs["country_code"], strict=True) if c
        },
        "region": {r["region"]: r["region_zh"] for r in rows},
        "sub_region": {r["sub_region"]: r["sub_region_zh"] for r in rows},
    }


def _status_rows(statuses: Any, lang_index: int) -> list[list[Any]]:
    """The statuses table as the run-info sheet shows it: status (a blank one named so), rows, how it was
    treated, known."""
    blank = ("（空）", "(blank)")[lang_index]
    return [
        [s.status or blank, int(s.rows), L.STATUS_KINDS[s.kind][lang_index], bool(s.known)]
        for s in statuses.itertuples(index=False)
    ]


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
            hint="write CSV instead",
            code="too_many_rows_for_excel",
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
        splices = _deflate.row_splices()
        wb.worksheet_class = _fast_rows.worksheet_class(splices)
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
            _fast_rows.discard_row_files(wb)
            raise
        try:
            _deflate.close_workbook(wb, splices)
        except Exception as exc:  # XlsxWriter wraps OS errors in its own types
            raise OutputError(f"{target}: cannot be written ({exc})") from None
