"""The library's error texts name no command-line flag; the CLI words every coded error with its own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from custseg.cli.hints import FLAG_TEXT, cli_text
from custseg.errors import InputError

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "custseg"
FLAG = re.compile(r"(?<![\w-])(--[a-z][a-z-]+|-o\b)")


def _error_calls() -> list[tuple[str, ast.Call]]:
    """Every call of an error class (…Error(...)) in the library, outside cli/."""
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "cli" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.endswith("Error"):
                calls.append((f"{path.relative_to(PACKAGE)}:{node.lineno}", node))
    return calls


def _texts(node: ast.AST) -> str:
    return " ".join(n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str))


def test_no_library_error_names_a_flag():
    named = [where for where, call in _error_calls() if FLAG.search(_texts(call))]
    assert named == []


def test_every_cli_wording_belongs_to_a_code_the_library_raises():
    codes = {
        kw.value.value
        for _, call in _error_calls()
        for kw in call.keywords
        if kw.arg == "code" and isinstance(kw.value, ast.Constant)
    }
    assert set(FLAG_TEXT) <= codes, sorted(set(FLAG_TEXT) - codes)


def test_cli_words_a_coded_error_with_its_values_and_keeps_an_uncoded_one():
    exc = InputError(
        "x: the columns 'a', 'b' all look like the field 'amount'",
        hint="say which",
        code="ambiguous_header",
        values={"field": "amount", "header": "a"},
    )
    assert cli_text(exc) == (exc.message, "say which one to use, for example --map amount=a")
    plain = InputError("x: file not found", hint="check the path and the spelling")
    assert cli_text(plain) == ("x: file not found", "check the path and the spelling")
