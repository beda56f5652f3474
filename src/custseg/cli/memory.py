"""Give freed memory back to the operating system between the stages of a large run: process-wide, so the
command line's to do, at each stage change the library reports."""

from __future__ import annotations

import ctypes
import sys


def release_free_memory() -> None:
    """Return free heap pages to the OS (glibc only; elsewhere nothing to do).

    Reading a large file creates and frees millions of strings and chunk-sized arrays; glibc keeps
    the freed heap for reuse, but the next stages allocate arrays big enough to be mapped anew, so
    without this that memory would sit unused on top of the run's peak.
    """
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:  # pyarrow's own allocator (mimalloc or jemalloc) keeps freed blocks too
        arrow.default_memory_pool().release_unused()
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # musl and other C libraries have no malloc_trim
        pass
