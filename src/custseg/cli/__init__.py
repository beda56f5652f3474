"""The command line: the only package that knows Typer and rich.

``app`` and ``main`` (the console script) are loaded when first asked for, so that a module of this package
(cli.memory) can be imported without Typer."""

from __future__ import annotations

from typing import Any

__all__ = ["app", "main"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from custseg.cli import commands

        return getattr(commands, name)
    raise AttributeError(name)
