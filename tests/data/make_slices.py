"""Cut the small real-data slices in this folder from the shared data: `python tests/data/make_slices.py`.

Runs only where the shared data folder (../shared/data beside the repository) is present; elsewhere it
says so and leaves the committed slices as they are. The cut is deterministic, so running it again
gives the same bytes. Where each slice comes from, and its licence, is in README.md here.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2] / "shared" / "data"

# Customers are taken in CustomerID order among those with at most this many lines, so that about
# thirty complete histories stay a few hundred lines.
MAX_LINES_PER_CUSTOMER = 15
WITH_CREDIT_NOTES = 10  # customers with at least one 'C' (credit note) invoice
WITHOUT_CREDIT_NOTES = 20
NO_CUSTOMER_ROWS = 12  # lines without a CustomerID, the first ones in the file


def online_retail_slice(source: Path, target: Path) -> None:
    """Every line of the chosen customers, plus a few lines without a CustomerID, in file order, each line
    byte for byte as the source has it (latin-1, US dates, quoted descriptions)."""
    raw = gzip.decompress(source.read_bytes())
    lines = raw.splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    rows = [next(csv.reader([line.decode("latin-1")])) for line in body]
    lines_of: dict[str, int] = {}
    credit: set[str] = set()
    for row in rows:
        invoice, customer = row[0], row[6]
        if customer:
            lines_of[customer] = lines_of.get(customer, 0) + 1
            if invoice.startswith("C"):
                credit.add(customer)
    small = sorted((c for c, n in lines_of.items() if n <= MAX_LINES_PER_CUSTOMER), key=float)
    chosen = set([c for c in small if c in credit][:WITH_CREDIT_NOTES])
    chosen |= set([c for c in small if c not in credit][:WITHOUT_CREDIT_NOTES])
    no_customer = [i for i, row in enumerate(rows) if not row[6]][:NO_CUSTOMER_ROWS]
    keep = sorted({i for i, row in enumerate(rows) if row[6] in chosen} | set(no_customer))
    out = io.BytesIO()
    # mtime 0 and no file name in the gzip header: the same bytes on every run.
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as gz:
        gz.write(header + b"".join(body[i] for i in keep))
    target.write_bytes(out.getvalue())
    print(f"{target.name}: {len(keep)} lines, {len(chosen)} customers, {len(no_customer)} without a CustomerID")


def main() -> int:
    source = SHARED / "online_retail" / "online_retail.csv.gz"
    if not source.exists():
        print("the shared data is not here: the slices are left as they are")
        return 0
    online_retail_slice(source, HERE / "online_retail_slice.csv.gz")
    return 0


if __name__ == "__main__":
    sys.exit(main())
