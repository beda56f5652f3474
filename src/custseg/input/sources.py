"""Inputs as given: a path (plain or .gz), bytes (stdin, or a file's content), a file object or a pandas
DataFrame; a file's bytes are read once and let go when done.

This module does not import pandas: the CLI makes its Sources before pandas is imported.
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from custseg.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from custseg.input._csv_arrow import CsvPrefetch

# A guard against zip bombs: the uncompressed size of a workbook (or .gz) we are willing to open. A whole
# Excel sheet of an export as wide as Online Retail fits (the measurements are in the README).
DEFAULT_MAX_UNZIPPED_MB = 512


@dataclass
class Source:
    """An input: a path, bytes under a display name (stdin, a file's content), or a pandas DataFrame."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    prefetch: CsvPrefetch | None = None  # the file read and parsed on a second thread, if it was
    frame: pd.DataFrame | None = None  # a DataFrame's cells are read as they are, with no file in between

    @classmethod
    def of(cls, obj: object) -> Source:
        """An input given to :func:`custseg.grade`: a Source as it is; a path (str or Path); bytes, the whole
        content of a file (named "<bytes>"); a file object, binary or text (named after its ``name``, else
        "<file>"; text is taken as UTF-8); or a pandas DataFrame (named "<DataFrame>", each column a header)."""
        if isinstance(obj, Source):
            return obj
        if isinstance(obj, str | os.PathLike):
            return cls.from_arg(os.fspath(obj))
        if isinstance(obj, bytes | bytearray | memoryview):
            return cls(name="<bytes>", data=bytes(obj))
        pandas = sys.modules.get("pandas")  # a DataFrame means pandas is imported already
        if pandas is not None and isinstance(obj, pandas.DataFrame):
            return cls(name="<DataFrame>", frame=obj)
        if callable(getattr(obj, "read", None)):
            return cls._of_file_object(obj)
        raise InputError(
            f"cannot read an input of type {type(obj).__name__}: give a path, bytes, a file object or a pandas "
            "DataFrame",
            code="unsupported_input",
            values={"type": type(obj).__name__},
        )

    @classmethod
    def _of_file_object(cls, obj: object) -> Source:
        name = getattr(obj, "name", None)
        name = name if isinstance(name, str) and name else "<file>"
        content = obj.read()  # type: ignore[attr-defined]
        if isinstance(content, str):
            content = content.encode("utf-8")
        if not isinstance(content, bytes | bytearray | memoryview):
            raise InputError(
                f"{name}: reading the file object gave {type(content).__name__}, not bytes or text",
                code="unsupported_input",
                values={"type": type(content).__name__},
            )
        return cls(name=name, data=bytes(content))

    @classmethod
    def from_arg(cls, arg: str | Path, stdin_bytes: bytes | None = None) -> Source:
        """A command-line argument: a path, or "-" for the bytes read from stdin."""
        if str(arg) == "-":
            return cls(name="<stdin>", data=stdin_bytes if stdin_bytes is not None else b"")
        return cls(name=str(arg), path=Path(arg))

    @property
    def suffix(self) -> str:
        """The format's extension, looking through a .gz wrapper (orders.csv.gz -> .csv). A file object's
        name gives it too; stdin, bytes and DataFrames ("<...>") have none."""
        if self.path is None and self.name.startswith("<"):
            return ""
        suffixes = [s.lower() for s in (self.path or Path(self.name)).suffixes]
        if suffixes and suffixes[-1] == ".gz":
            return suffixes[-2] if len(suffixes) > 1 else ""
        return suffixes[-1] if suffixes else ""

    def read_bytes(self, max_bytes: int = DEFAULT_MAX_UNZIPPED_MB * 1024 * 1024) -> bytes:
        """The input's bytes (unpacked if gzipped). A DataFrame's are its CSV text: what the run info's size
        and hash describe; the reader takes the DataFrame's cells themselves."""
        if self.data is None and self.frame is not None:
            self.data = self.frame.to_csv(index=False).encode("utf-8")
        if self.data is None:
            if self.prefetch is not None:
                self.data = self.prefetch.file_bytes()
            if self.data is None:
                self.data = self._read_file()
            if self.data[:2] == b"\x1f\x8b":
                self.data = _gunzip(self.name, self.data, max_bytes)
        return self.data

    def release(self) -> None:
        """Let a file's bytes go once read (it can be read again); stdin's stay, being the only copy."""
        if self.path is not None or self.frame is not None:
            self.data = None
        self.prefetch = None

    def _read_file(self) -> bytes:
        assert self.path is not None
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            raise InputError(f"{self.name}: file not found", hint="check the path and the spelling") from None
        except IsADirectoryError:
            raise InputError(f"{self.name}: is a folder, not a file") from None
        except PermissionError:
            raise InputError(f"{self.name}: permission denied", hint="check the file's permissions") from None
        except OSError as exc:
            raise InputError(f"{self.name}: cannot be read ({exc.strerror})") from None


def _gunzip(name: str, data: bytes, max_bytes: int) -> bytes:
    """Decompress a .gz input, refusing to grow past ``max_bytes`` (a gzip bomb guard)."""
    import gzip

    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
            while chunk := gz.read(1 << 20):
                out.write(chunk)
                if out.tell() > max_bytes:
                    raise InputError(
                        f"{name}: unpacks to more than {max_bytes // 2**20:,} MB",
                        hint="raise max_unzipped_mb if the file is genuine",
                        code="gzip_too_large",
                    )
    except (OSError, EOFError) as exc:
        raise InputError(f"{name}: the .gz file is corrupt or truncated ({exc})", hint="download it again") from None
    return out.getvalue()
