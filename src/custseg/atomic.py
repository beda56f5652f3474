"""Atomic writes, for every module that writes a file: the outputs and the rates table `custseg rates
update` keeps. A file is written to a temporary file beside its target and renamed into place, so a
crash, Ctrl-C or a full disk leaves the previous file as it was. Apart from output/ so that input code
(input/ecb.py) need not import output code."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from custseg.errors import OutputError


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it into place only when the block succeeds.

    A crash, Ctrl-C or a full disk leaves the previous ``target`` as it was.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.exists():
        raise OutputError(
            f"{target}: the folder {folder} does not exist",
            hint="create it first or choose another folder",
            code="no_output_folder",
        )
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except PermissionError:
        raise OutputError(
            f"{target}: cannot write in {folder} (permission denied)",
            hint="choose a folder you can write to",
            code="output_folder_denied",
        ) from None
    except OSError as exc:
        raise OutputError(f"{target}: cannot write in {folder} ({exc.strerror})") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp makes the file readable by its owner only; the output gets the mode a plain open() would
        # give it, or the mode of the file it replaces, so a shared folder or a cron job's readers keep access.
        os.chmod(tmp_path, _output_mode(target))
        try:
            os.replace(tmp_path, target)
        except PermissionError:
            raise OutputError(
                f"{target}: cannot replace the file (permission denied or it is open in another program)",
                hint="close it in Excel or WPS, or write to another name",
                code="output_in_use",
            ) from None
    except OSError as exc:
        if isinstance(exc, OutputError):
            raise
        raise OutputError(
            f"{target}: cannot be written ({exc.strerror or exc})", hint="check the free disk space and permissions"
        ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()


def _output_mode(target: Path) -> int:
    """The permissions a new output gets: those of the file it replaces, else what the umask allows."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)  # the only portable way to read it is to set it
        os.umask(umask)
        return 0o666 & ~umask


def write_text_atomic(target: Path, fill: Callable[[IO[str]], None]) -> None:
    """Write ``target`` as UTF-8 text through ``fill(fh)``, atomically, synced to disk before the rename."""
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fill(fh)
            fh.flush()
            os.fsync(fh.fileno())
