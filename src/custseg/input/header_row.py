"""Header rows: which row of a sheet or text file is the header, and what kind of table it heads.

Title rows above the header (a company name, an export timestamp) are passed over; the header's
cells are mapped onto fields by :mod:`custseg.input.headers`.
"""

from __future__ import annotations

from custseg.errors import InputError
from custseg.input.headers import (
    MASTER_INDEX,
    ORDER_INDEX,
    ColumnMapping,
    describe_aliases,
    map_headers,
    map_order_headers,
    missing_order_fields,
    normalise_header,
)
from custseg.input.tables import TableKind

HEADER_SCAN_ROWS = 30


def _unique_headers(raw: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(raw):
        name = h.strip() or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _classify_header(
    headers: list[str], overrides: dict[str, str], where: str
) -> tuple[TableKind | None, ColumnMapping]:
    mapping = map_order_headers(headers, overrides, where)
    if not missing_order_fields(mapping):
        return "orders", mapping
    norms = {normalise_header(h) for h in headers}
    if "orderid" in mapping.fields or any(n in ("orderid", "订单编号", "订单号") for n in norms):
        if norms & {"returned", "退货", "是否退货", "returnstatus"}:
            return "returns", mapping
    master = map_headers(headers, overrides, MASTER_INDEX, where)
    has_customer = master.has("customer_id") or master.has("customer_name")
    extra = {"industry", "created_date", "sales_owner", "last_contact_date", "tier_override", "country"}
    if has_customer and extra & set(master.fields) and not mapping.has("order_date"):
        return "master", master
    return None, mapping


def _column_letter(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        name = chr(65 + rem) + name
    return name


def _check_duplicate_field_headers(cells: list[str], where: str, row_index: int) -> None:
    """The same header twice is ambiguous when it names a field: which column holds the amounts?"""
    seen: dict[str, int] = {}
    for col, cell in enumerate(cells):
        if not cell:
            continue
        norm = normalise_header(cell)
        if norm in seen and (norm in ORDER_INDEX or norm in MASTER_INDEX):
            raise InputError(
                f"{where}: the header {cell!r} appears twice (columns {_column_letter(seen[norm])} and "
                f"{_column_letter(col)} of row {row_index + 1})",
                hint="rename one of the two columns in the file so that custseg knows which one to use",
            )
        seen.setdefault(norm, col)


def find_header(
    rows: list[list[str]], overrides: dict[str, str], where: str, want: TableKind | None = None
) -> tuple[int, TableKind | None, ColumnMapping, list[str]]:
    """The first row (within the first rows) whose cells map to a known table shape.

    Title rows above the header (a company name, an export timestamp) are passed over.
    Returns (index, kind, mapping, headers); kind is None when no row fits.
    """
    first_nonblank: tuple[int, list[str]] | None = None
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cells = [c.strip() for c in row]
        while cells and not cells[-1]:  # spreadsheet rows come padded to the sheet's width
            cells.pop()
        if sum(1 for c in cells if c) < 2:
            continue
        _check_duplicate_field_headers(cells, where, i)
        headers = _unique_headers(cells)
        if first_nonblank is None:
            first_nonblank = (i, headers)
        if want == "master":
            mapping = map_headers(headers, overrides, MASTER_INDEX, where)
            if mapping.has("customer_id") or mapping.has("customer_name"):
                return i, "master", mapping, headers
            continue
        kind, mapping = _classify_header(headers, overrides, where)
        if kind is not None and (want is None or kind == want):
            return i, kind, mapping, headers
    if first_nonblank is None:
        return -1, None, ColumnMapping(), []
    i, headers = first_nonblank
    return i, None, map_order_headers(headers, overrides, where), headers


def no_order_columns(where: str, headers: list[str], mapping: ColumnMapping) -> InputError:
    """The error for a file or sheet without the order columns: what is missing, what was found, the aliases."""
    missing = missing_order_fields(mapping)
    if mapping.profile is not None and mapping.profile.unusable:
        return InputError(
            f"{where}: this is {mapping.profile.title}: {mapping.profile.unusable}",
            hint="export the orders from a report that names the buyer",
            code="profile_unusable",
            values={"profile": mapping.profile.name},
        )
    return InputError(
        f"{where}: no header row with the required order columns; missing {', '.join(missing)}; "
        f"headers found: {', '.join(headers) if headers else '(none)'}",
        hint=f"name the columns in column_map, FIELD: HEADER (aliases tried: {describe_aliases(missing)})",
        code="missing_columns",
        values={"aliases": describe_aliases(missing)},
    )


def table_not_found(where: str, want: TableKind | None, headers: list[str], mapping: ColumnMapping) -> InputError:
    """The error for a text file or frame whose header row heads no table of the kind wanted."""
    if want == "master":
        return InputError(
            f"{where}: no customer id or name column in the customer file; headers found: {', '.join(headers)}",
            hint="name it in column_map: customer_id: HEADER",
            code="master_without_id",
        )
    return no_order_columns(where, headers, mapping)
