"""Text encodings of exports: which one a file is in, decoding it, and telling text from binary content."""

from __future__ import annotations

import codecs

import numpy as np

from custseg.errors import InputError


def detect_encoding(data: bytes) -> str:
    """The encoding a text export is in (see :func:`sniff_encoding`)."""
    return sniff_encoding(data)[0]


def sniff_encoding(data: bytes) -> tuple[str, bool]:
    """UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), GB18030 or a single-byte code page.

    GB18030 decodes many single-byte texts without error, so it is accepted only when most of what
    it decodes are common (GB2312) characters: a DOS or Windows text gives rare ones. The flag says
    whether the whole file is valid UTF-8, which lets the reader parse its bytes as they are.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", valid_utf8(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", False
    head = data[:4096]
    if len(head) >= 4 and head.count(b"\x00") > len(head) // 4:
        # UTF-16 without a BOM: every other byte is NUL for ASCII text.
        return ("utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"), False
    if valid_utf8(data):
        return "utf-8", True
    if _mostly_utf8(data):
        return "utf-8", False
    high = [b for b in data[:1_000_000] if b >= 0x80]
    try:
        text = data.decode("gb18030")
        wide = [c for c in text[:1_000_000] if ord(c) >= 0x80]
        common = 0
        for c in wide:
            try:
                c.encode("gb2312")
                common += 1
            except UnicodeEncodeError:
                pass
        if wide and common / len(wide) >= 0.8:
            return "gb18030", False
    except UnicodeDecodeError:
        pass
    # Single-byte code pages: Latin letters sit at 0xC0-0xFF in Windows-1252/Latin-1 and at
    # 0x80-0xA5 in the DOS code pages (437/850) that older ERPs still write.
    if high and not any(b >= 0xC0 for b in high) and any(0x80 <= b < 0xA0 for b in high):
        return "cp437", False
    try:
        data.decode("cp1252")
        return "cp1252", False
    except UnicodeDecodeError:
        return "latin-1", False


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few broken bytes (a damaged export) rather than another encoding.

    Text in a single-byte code page almost never forms valid multi-byte UTF-8 sequences, so valid
    sequences that outnumber the broken ones mean UTF-8.
    """
    sample = data[:1_000_000]
    text = sample.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    valid = sum(1 for c in text if ord(c) >= 0x80 and c != "\ufffd")
    return valid > 0 and broken <= max(4, valid)


def is_binary(data: bytes) -> bool:
    """Control bytes other than tab, CR and LF in more than 5% of the first 64 KiB: not a text export."""
    head = data[:65536]
    if not head:
        return False
    control = sum(1 for b in head if b < 0x20 and b not in (0x09, 0x0A, 0x0D))
    return control > len(head) * 0.05


def decode_text(data: bytes, name: str, encoding: str | None, detected: str | None = None) -> tuple[str, str]:
    """(text, encoding): ``data`` decoded in the encoding named, else the one detected. A named encoding that
    does not fit is an InputError; a detected one decodes what it can and shows the rest as U+FFFD."""
    enc = encoding or detected or detect_encoding(data)
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError) as exc:
        if encoding:
            raise InputError(
                f"{name}: cannot be decoded as {encoding} ({exc})",
                hint="leave the encoding out to detect it, or try gb18030 / utf-8 / cp1252",
                code="wrong_encoding",
            ) from None
        # Invalid bytes inside an otherwise UTF-8 file: keep going, the bad characters show as U+FFFD.
        text = data.decode(enc, errors="replace")
    # Stray NUL bytes (a damaged export) would end fields early in C parsers; they carry no text.
    return text.replace("\x00", ""), enc


def valid_utf8(data: bytes) -> bool:
    """The whole of ``data`` is UTF-8: checked in place by pyarrow's validator, else decoded 16 MiB at a
    time (decoding a large file at once would hold a str of up to four times its size). Both reject the same
    bytes: overlong forms, surrogates, code points past U+10FFFF, cut sequences (a test runs them over every
    two-byte sequence and the edges of longer ones)."""
    try:
        import pyarrow as pa
    except ImportError:
        pass
    else:
        offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
        text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
        try:
            text.validate(full=True)
        except pa.ArrowInvalid:
            return False
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    step = 1 << 24
    try:
        for pos in range(0, len(data), step):
            decoder.decode(view[pos : pos + step], final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
