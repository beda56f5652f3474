"""The command line: the only package that knows Typer and rich."""

from custseg.cli.commands import app, main

__all__ = ["app", "main"]
