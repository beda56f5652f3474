"""Inputs as given: a path (plain or .gz), or bytes from stdin, read once and let go when done."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from custseg.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from custseg.input._csv_arrow import CsvPrefetch

# A guard against zip bombs: the uncompressed size of a workbook we are willing to open.
DEFAULT_MAX_UNZIPPED_MB = 2048


@dataclass
class Source:
    """An input: a path, or bytes read from stdin under a display name."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    prefetch: CsvPrefetch | None = None  # the file read and parsed on a second thread, if it was

    @classmethod
    def of(cls, obj: Source | str | Path) -> Source:
        """An input given to :func:`custseg.grade`: a Source as it is, or a path."""
        return obj if isinstance(obj, Source) else cls.from_arg(obj)

    @classmethod
    def from_arg(cls, arg: str | Path, stdin_bytes: bytes | None = None) -> Source:
        if str(arg) == "-":
            return cls(name="<stdin>", data=stdin_bytes if stdin_bytes is not None else b"")
        return cls(name=str(arg), path=Path(arg))

    @property
    def suffix(self) -> str:
        """The format's extension, looking through a .gz wrapper (orders.csv.gz -> .csv)."""
        if self.path is None:
            return ""
        suffixes = [s.lower() for s in self.path.suffixes]
        if suffixes and suffixes[-1] == ".gz":
            return suffixes[-2] if len(suffixes) > 1 else ""
        return suffixes[-1] if suffixes else ""

    def read_bytes(self, max_bytes: int = DEFAULT_MAX_UNZIPPED_MB * 1024 * 1024) -> bytes:
        if self.data is None:
            if self.prefetch is not None:
                self.data = self.prefetch.bytes()
            if self.data is None:
                self.data = self._read_file()
            if self.data[:2] == b"\x1f\x8b":
                self.data = _gunzip(self.name, self.data, max_bytes)
        return self.data

    def release(self) -> None:
        """Let a file's bytes go once read (it can be read again); stdin's stay, being the only copy."""
        if self.path is not None:
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
