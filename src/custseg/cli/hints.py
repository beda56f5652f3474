"""What to do about a library error, in the command line's words: its flags.

The library's errors name their fix in the library's terms (GradeOptions fields); the CLI says the same
with the flag that sets it. Keyed by the error's ``code``; the templates take the error's ``values``.
"""

from __future__ import annotations

from custseg.errors import CustsegError

# code -> (message or None to keep the library's, hint)
FLAG_TEXT: dict[str, tuple[str | None, str]] = {
    "no_history": (None, "create one with `custseg grade ... --history PATH`"),
    "ambiguous_header": (None, "say which one to use, for example --map {field}={header}"),
    "gzip_too_large": (None, "raise the limit with --max-unzipped-mb if the file is genuine"),
    "wrong_encoding": (None, "try without --encoding to detect it, or --encoding gb18030 / utf-8 / cp1252"),
    "missing_columns": (None, "name the columns with --map FIELD=HEADER (aliases tried: {aliases})"),
    "unreadable_text": (None, "export the orders again as CSV (UTF-8) or XLSX, or name the encoding with --encoding"),
    "master_without_id": (None, "name it with --map customer_id=HEADER"),
    "workbook_too_large": (None, "raise the limit with --max-unzipped-mb if the file is genuine, or export as CSV"),
    "sheet_of_text_file": ("{name}: --sheet applies to workbooks only, and this is a text file", ""),
    "previous_missing": (None, "give last run's workbook or CSV with --previous"),
    "bad_currency_option": ("--currency {currency!r} is not an ISO 4217 currency code", "for example --currency GBP"),
    "no_rates": (
        None,
        "pass --rates rates.csv (columns currency,rate: 1 unit = rate {base}), or --base-currency {currency} "
        "if that is the only currency",
    ),
    "base_not_in_reference": (
        None,
        "pass --rates FILE with rates into {base}, or --base-currency USD (or EUR, CNY ...: `custseg rates show` "
        "lists the currencies)",
    ),
    "no_reference_rates": (None, "reinstall custseg with its dependencies, or pass --rates FILE"),
    "ambiguous_dates": (None, "say which with --dayfirst or --monthfirst (or input.date_order in the rules file)"),
    "rates_into_other_base": (None, "pass --base-currency {rates_base} or a rates file into {base}"),
    "unknown_mapped_header": (None, "check the spelling of --map {field}={header} against the headers found"),
    "nothing_usable": (
        None,
        "fix those cells, or name the right columns with --map FIELD=HEADER (`custseg inspect FILE` shows how "
        "each is read)",
    ),
    "nothing_usable_set_aside": (None, "check --as-of and the statuses (`--status TEXT=KIND` treats one otherwise)"),
    "output_is_input": (None, "choose another name with -o"),
    "no_output_folder": (None, "create it first or choose another -o"),
    "output_folder_denied": (None, "choose a folder you can write to with -o"),
    "output_in_use": (None, "close it in Excel or WPS, or write to another name with -o"),
    "too_many_rows_for_excel": (None, "write CSV instead: -o customers.csv"),
    "currency_column_needed": (
        None,
        "export it again with the currency column (currency_id), or say --currency CODE if every order is in "
        "that one currency",
    ),
    "unknown_profile": (None, "choose one of: {profiles} (or --profile generic for none)"),
    "rules_file_too_large": (None, "check the file given with --rules; `custseg rules init` writes one"),
    "rates_file_too_large": (
        None,
        "give --rates one rate per currency, or per currency and the months or days the orders need",
    ),
    "previous_too_large": (None, "check the file given with --previous, or raise the limit with --max-unzipped-mb"),
}


def cli_text(exc: CustsegError) -> tuple[str, str | None]:
    """The error's message and hint as the command line says them."""
    if exc.code not in FLAG_TEXT:
        return exc.message, exc.hint
    message, hint = FLAG_TEXT[exc.code]
    return (message.format(**exc.values) if message else exc.message), (hint.format(**exc.values) or None)
