"""The terminal summary (rich). Only the CLI calls this; the library never prints.

The consoles it is given have markup off, so that text from the inputs (a customer named "[/b]")
is shown as written; only this module's own lines turn markup on, with every value escaped.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from custseg.api import GradeResult
from custseg.core.notes import warning_label
from custseg.output import labels as L
from custseg.output.summary import class_table, segment_table, tier_table, top_customers
from custseg.schema import WARNING_CODES


def _money(v: float) -> str:
    return f"{v:,.2f}"


def _group(title: str, table: pd.DataFrame, mapping: dict[str, str], lang: str, base: str) -> Table:
    i = L.idx(lang)
    t = Table(title=title, title_justify="left", show_edge=False, header_style="bold")
    for name in (
        "",
        L.TEXT["customers"][i],
        L.TEXT["share"][i],
        f"{L.TEXT['revenue'][i]} ({base})",
        L.TEXT["revenue_share"][i],
        L.TEXT["avg_recency"][i],
    ):
        t.add_column(name, justify="left" if not name else "right")
    for rec in table.itertuples(index=False):
        t.add_row(
            mapping.get(str(rec.key), str(rec.key)),
            f"{rec.customers:,}",
            f"{rec.share:.1%}",
            _money(rec.revenue),
            f"{rec.revenue_share:.1%}",
            "" if rec.avg_recency != rec.avg_recency else f"{rec.avg_recency:.0f}",
        )
    return t


def render_summary(console: Console, result: GradeResult, lang: str, outputs: list[tuple[str, str]]) -> None:
    i = L.idx(lang)
    base = result.rules.currency.base
    values = L.value_labels(result.rules, lang)
    data = result.customers
    console.print(
        f"[bold]custseg[/bold]  {L.TEXT['as_of'][i]}: [bold]{result.as_of.isoformat()}[/bold] "
        f"({L.TEXT.get(result.as_of_source, (result.as_of_source,) * 2)[i]})  {L.TEXT['base_currency'][i]}: {base}  "
        f"{L.TEXT['customers'][i]}: {len(data):,}",
        markup=True,
    )
    console.print(_group(L.TEXT["tiers"][i], tier_table(data, result.rules.tier_order), values["tier"], lang, base))
    console.print(_group(L.TEXT["classes"][i], class_table(data), values["rfm_class"], lang, base))
    console.print(
        _group(
            L.TEXT["segments"][i],
            segment_table(data, [s.key for s in result.rules.segments]),
            values["segment"],
            lang,
            base,
        )
    )
    rev = result.revenue_by_currency
    if len(rev) > 1 or (len(rev) == 1 and rev["currency"].iloc[0] != base):
        cur = Table(title=L.TEXT["currencies"][i], title_justify="left", show_edge=False, header_style="bold")
        for name in (L.TEXT["currency"][i], L.TEXT["amount"][i], f"{L.TEXT['revenue'][i]} ({base})"):
            cur.add_column(name, justify="left" if name == L.TEXT["currency"][i] else "right")
        for rec in rev.itertuples(index=False):
            cur.add_row(str(rec.currency), _money(rec.amount), _money(rec.amount_base))
        console.print(cur)
    top = Table(title=L.TEXT["top"][i], title_justify="left", show_edge=False, header_style="bold")
    for key in ("customer_id", "customer_name", "country", "frequency", "monetary", "tier", "segment"):
        top.add_column(L.header(key, lang, base), justify="right" if key in ("frequency", "monetary") else "left")
    for rec in top_customers(data).itertuples(index=False):
        top.add_row(
            str(rec.customer_id),
            str(rec.customer_name)[:30],
            str(rec.country),
            f"{rec.frequency:,}",
            _money(rec.monetary),
            values["tier"].get(rec.tier, rec.tier),
            values["segment"].get(rec.segment, rec.segment),
        )
    console.print(top)
    for column in ("relationship", "needs"):  # one line each: counts by value, in the values' order
        if column in data:
            counts = data[column].value_counts()
            parts = [f"{label} {int(counts[key]):,}" for key, label in values[column].items() if key in counts]
            if parts:
                console.print(f"[bold]{L.header(column, lang)}[/bold]: " + ", ".join(parts), markup=True)
    render_reconciliation(console, result, lang)
    if "tier_change" in data.columns:
        counts = data["tier_change"].value_counts()
        parts = [f"{L.CHANGE_LABELS[k][i]} {int(counts.get(k, 0)):,}" for k in ("up", "down", "same", "new")]
        parts.append(f"{L.CHANGE_LABELS['gone'][i]} {len(result.gone):,}")
        console.print(
            f"[bold]{L.HEADERS['tier_change'][i]}[/bold] ({escape(result.previous_source)}): " + ", ".join(parts),
            markup=True,
        )
    for note in result.notes:
        console.print(f"[yellow]{'提示' if lang == 'zh' else 'note'}:[/yellow] {escape(note.text(lang))}", markup=True)
    for label, where in outputs:
        shown = L.TEXT.get(label, (label, label))[i]
        console.print(f"{shown}: [bold]{escape(where)}[/bold]", markup=True)


def render_reconciliation(console: Console, result: GradeResult, lang: str) -> None:
    i = L.idx(lang)
    rec = result.reconciliation
    parts = [
        f"{L.RECONCILIATION[k][i]} {rec.get(k, 0):,}"
        for k in L.RECONCILIATION
        if k != "rows_read" and (rec.get(k, 0) or k in ("used", "problem"))
    ]
    console.print(
        f"[bold]{L.TEXT['reconciliation'][i]}[/bold]: {L.RECONCILIATION['rows_read'][i]} "
        f"{rec['rows_read']:,} = " + " + ".join(parts),
        markup=True,
    )
    warn = {k: v for k, v in result.warnings.items() if v}
    if warn:
        console.print(
            f"{L.TEXT['warnings'][i]}: " + ", ".join(f"{warning_label(k, lang)} {v:,}" for k, v in warn.items())
        )
    probs = result.problems
    rows = probs[~probs["reason_code"].isin(WARNING_CODES)]
    if len(rows):
        t = Table(
            title=f"{L.SHEETS['problems'][i]} ({result.problem_rows:,})",
            title_justify="left",
            show_edge=False,
            header_style="bold",
        )
        first = rows.head(5)
        # The text line only where it tells something: after a quoted field that holds a line break.
        with_line = bool((first["line"].notna() & (first["line"] != first["row"])).any())
        keys = ("file", "sheet", "row") + (("line",) if with_line else ()) + ("column", "value", "reason")
        for key in keys:
            t.add_column(L.header(key, lang))
        for r in first.itertuples(index=False):
            line = ("" if pd.isna(r.line) else str(r.line),) if with_line else ()
            t.add_row(str(r.file), str(r.sheet), str(r.row), *line, str(r.column), str(r.value)[:30], str(r.reason))
        console.print(t)


def render_frame(console: Console, frame: pd.DataFrame, title: str = "") -> None:
    t = Table(title=title or None, title_justify="left", show_edge=False, header_style="bold")
    for c in frame.columns:
        t.add_column(str(c))
    for rec in frame.itertuples(index=False):
        t.add_row(*["" if _missing(v) else (f"{v:,.2f}" if isinstance(v, float) else str(v)) for v in rec])
    console.print(t)


def _missing(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False
