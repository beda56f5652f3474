"""The CSV prefetch: a file parsed on a second thread reads as the file read in the main thread."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from custseg.errors import InputError
from custseg.input.read import read_source
from custseg.input.sources import Source

DATA = Path(__file__).parents[1] / "data"

PREFETCH_CASES = {
    "utf8.csv": None,
    "utf8_bom.csv": None,
    "gbk.csv": None,
    "gb18030.csv": None,
    "cp1252_semicolon.csv": None,
    "us_dates_symbols.csv": None,
    "utf16_excel_unicode.txt": None,
    "title_rows.csv": (
        "客户订单明细,,\n导出日期 2026-06-30,,\n客户编号,下单日期,金额\nA,2026-01-05,10\nB,2026-02-01,20\n"
    ),
    "quoted_header.csv": '"customer_id","order_date","amount"\r\n"A","2026-01-05","1,000"\r\nB,2026-02-01,20\r\n',
    "crlf_tabs.tsv": "customer_id\torder_date\tamount\r\nA\t2026-01-05\t10\r\n\r\nB\t2026-02-01\t20\r\n",
    "ragged.csv": "customer_id,order_date,amount\nA,2026-01-05,10\nB,2026-02-01,20,extra\n",
}


@pytest.mark.parametrize("name", sorted(PREFETCH_CASES))
def test_prefetched_csv_reads_as_the_file_read_in_the_main_thread(tmp_path, monkeypatch, name):
    """The CLI parses the first CSV on a second thread on a guess of its layout; whether the guess is taken
    or dropped, the table is the one the main thread reads."""
    import custseg.input.csv_file
    from custseg.input._csv_arrow import CsvPrefetch

    path = tmp_path / name
    if PREFETCH_CASES[name] is None:
        shutil.copy(DATA / name, path)
    else:
        path.write_bytes(PREFETCH_CASES[name].encode("utf-8"))
    plain = read_source(Source.from_arg(path), {}).tables[0]
    prefetch = CsvPrefetch(path)
    source = Source.from_arg(path)
    source.prefetch = prefetch
    parsed_again = []
    real = custseg.input.csv_file._parse_csv_arrow
    monkeypatch.setattr(custseg.input.csv_file, "_parse_csv_arrow", lambda *a: parsed_again.append(1) or real(*a))
    fetched = read_source(source, {}).tables[0]
    taken = not parsed_again
    prefetch.thread.join()  # a wrong guess's parse may still be running; it keeps nothing once done
    assert source.prefetch is None and prefetch.data is None and prefetch.result is None  # all let go
    assert fetched.headers == plain.headers and fetched.rows.tolist() == plain.rows.tolist()
    assert fetched.overflow == plain.overflow
    for h in plain.headers:
        assert fetched.columns[h].texts().tolist() == plain.columns[h].texts().tolist(), h
    # Clean UTF-8 with the header on its first line is taken (the ragged file as pyarrow's refusal, which sends
    # it to pandas and the csv module at once); other encodings and layouts are parsed again.
    assert taken == (name in {"utf8.csv", "utf8_bom.csv", "us_dates_symbols.csv", "crlf_tabs.tsv", "ragged.csv"})


def test_prefetch_of_a_missing_file_leaves_the_error_to_the_reader(tmp_path):
    from custseg.input._csv_arrow import CsvPrefetch

    source = Source.from_arg(tmp_path / "missing.csv")
    source.prefetch = CsvPrefetch(tmp_path / "missing.csv")
    with pytest.raises(InputError) as caught:
        read_source(source, {})
    assert (caught.value.message, caught.value.hint) == (
        f"{tmp_path / 'missing.csv'}: file not found",
        "check the path and the spelling",
    )


def test_a_parse_that_ends_after_the_reader_passed_it_by_is_not_kept(tmp_path, monkeypatch):
    """The reader drops a wrong guess at once; the thread's parse, finishing later, must not leave its codes."""
    import threading

    import custseg.input._csv_arrow as csv_arrow
    from custseg.input._csv_arrow import CsvPrefetch

    release = threading.Event()
    real = csv_arrow.encode_csv_body

    def slow_encode(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(csv_arrow, "encode_csv_body", slow_encode)
    path = tmp_path / "o.csv"
    path.write_bytes(b"customer_id,order_date,amount\nA,2026-01-05,10\n")
    prefetch = CsvPrefetch(path)
    data = prefetch.file_bytes()
    assert data is not None
    hit, result = prefetch.take(data, 0, ";", 3, 1_000_000, 1 << 24)  # not the guessed layout
    assert (hit, result) == (False, None)
    release.set()
    prefetch.thread.join()
    assert prefetch.result is None and prefetch.data is None
