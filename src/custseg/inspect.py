"""`custseg inspect`: what custseg sees in a file before grading, as plain lines of text."""

from __future__ import annotations

from collections.abc import Iterator

from custseg.core.lines import LineOptions, table_lines
from custseg.core.reconcile import status_table
from custseg.input.read import read_source
from custseg.input.sources import Source


def inspect_source(
    source: Source, overrides: dict[str, str], encoding: str | None, sheets: list[str] | None
) -> Iterator[str]:
    """Lines of text on ``source`` as grade would read it: each table's encoding, header row and mapping,
    and for order tables the dates, amounts, currencies, dispositions and problem counts."""
    report = read_source(source, overrides, encoding, sheets)
    yield f"{source.name}"
    for t in report.tables:
        where = f"  sheet {t.sheet!r}" if t.sheet else "  text file"
        if t.encoding:
            delim = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(t.delimiter, repr(t.delimiter))
            where += f": encoding {t.encoding}, delimiter {delim}"
        yield f"{where}; {t.kind}; header on row {t.header_row}; {t.n_rows:,} data rows"
        if t.kind == "orders":
            p = t.mapping.profile
            yield f"    export profile: {p.name} ({p.title})" if p else "    export profile: generic (by the aliases)"
        for fld, header in t.mapping.fields.items():
            yield f"    {header!r:30} -> {fld}"
        if t.mapping.unmapped:
            yield f"    not used: {', '.join(t.mapping.unmapped)}"
        if t.kind != "orders":
            continue
        from custseg.core.values import AmbiguousDates, parse_amounts, parse_dates

        date_col = t.columns[t.mapping.fields["order_date"]]
        try:
            dates, order = parse_dates(date_col)
            span = f"{dates.min().date()} .. {dates.max().date()}" if dates.notna().any() else "no readable dates"
            unreadable = int(dates.isna().sum())
            yield f"    dates: {order or 'year first / unambiguous'}; {span}; {unreadable:,} unreadable or blank"
        except AmbiguousDates as exc:
            yield f"    dates: AMBIGUOUS (e.g. {exc.example!r}); grading needs --dayfirst or --monthfirst"
        if "amount" in t.mapping.fields:
            amounts = parse_amounts(t.columns[t.mapping.fields["amount"]])
            yield (
                f"    amounts: decimal {'comma' if amounts.decimal_comma else 'point'}; "
                f"{int(amounts.value.isna().sum()):,} unreadable or blank"
            )
        try:
            lines, problems, dups, facts = table_lines(t, LineOptions())
            if facts.order_layout:
                how = "on each order's first line" if facts.order_layout == "first_line" else "repeated on its lines"
                yield f"    amounts: order totals {how}, counted once per order"
            for key, n in facts.key_sources.items():
                yield f"    customer: {n:,} used rows keyed by their {'e-mail' if key == 'email' else 'name'} (no id)"
            counts = {k: v for k, v in lines["disposition"].value_counts().to_dict().items() if v}
            cur = sorted(set(lines["currency"]) - {""})
            yield f"    currencies found: {', '.join(cur) if cur else 'none (the base or --currency applies)'}"
            yield "    rows: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())) + f"; duplicates {dups:,}"
            for code, n in problems["reason_code"].value_counts().items():
                yield f"    problem {code}: {n:,}"
            statuses, _ = status_table(lines)
            for s in statuses.itertuples():
                unknown = "" if s.known else ", not known: counted as orders unless --status says otherwise"
                yield f"    status {s.status!r}: {s.rows:,} rows, treated as {s.kind}{unknown}"
        except Exception as exc:  # inspect shows what it can; grade reports the error properly
            yield f"    cannot read the rows: {exc}"
    for _file, sheet, why in report.skipped_sheets:
        yield f"  sheet {sheet!r}: skipped ({why})"
