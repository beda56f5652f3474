"""`import custseg`: the library's names, loaded when first used."""

from __future__ import annotations

import subprocess
import sys

import pytest

import custseg

PUBLIC = [
    "__version__",
    "grade",
    "GradeOptions",
    "GradeResult",
    "Rules",
    "load_rules",
    "write_workbook",
    "write_table",
    "CustsegError",
    "InputError",
    "RulesError",
    "CurrencyError",
    "OutputError",
    "UsageError",
    "LockedError",
]


def test_public_names():
    assert custseg.__all__ == PUBLIC
    assert set(PUBLIC) <= set(dir(custseg))
    from custseg.api import GradeOptions, GradeResult, grade
    from custseg.config.rules import Rules, load_rules
    from custseg.errors import CurrencyError, CustsegError, InputError, LockedError, OutputError, RulesError, UsageError
    from custseg.output.files import write_table, write_workbook

    assert (custseg.grade, custseg.GradeOptions, custseg.GradeResult) == (grade, GradeOptions, GradeResult)
    assert (custseg.Rules, custseg.load_rules) == (Rules, load_rules)
    assert (custseg.write_table, custseg.write_workbook) == (write_table, write_workbook)
    errors = (InputError, RulesError, CurrencyError, OutputError, UsageError, LockedError)
    assert (custseg.CustsegError, custseg.InputError, custseg.RulesError) == (CustsegError, InputError, RulesError)
    assert (custseg.CurrencyError, custseg.OutputError, custseg.UsageError) == (CurrencyError, OutputError, UsageError)
    assert custseg.LockedError is LockedError and all(issubclass(e, CustsegError) for e in errors)
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = custseg.nope  # type: ignore[attr-defined]


def test_import_is_light_until_a_name_is_used():
    code = (
        "import sys, custseg\n"
        "light = not {'pandas', 'typer', 'rich'} & set(sys.modules)\n"
        "custseg.CustsegError, custseg.write_table, dir(custseg)\n"
        "still = 'pandas' not in sys.modules\n"
        "custseg.grade\n"
        "print(light, still, 'pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "True True True", out.stderr


def test_the_flow_runs_one_way_input_and_core_import_no_output_code():
    """input/ reads and core/ decides; neither calls output/'s writers (or the CLI), so the stages stay a flow
    from files to tables to files. Imports inside functions count too. output/labels.py is vocabulary, not
    writing: reading a previous workbook back (input/previous.py) needs its column titles."""
    import ast
    from pathlib import Path

    package = Path(custseg.__file__).parent
    reached = []
    for stage in ("input", "core"):
        for path in sorted((package / stage).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                module = (node.module or "") if isinstance(node, ast.ImportFrom) else ""
                if module.startswith(("custseg.output", "custseg.cli")) and module != "custseg.output.labels":
                    reached.append(f"{path.relative_to(package)}: {module}")
    assert reached == []
