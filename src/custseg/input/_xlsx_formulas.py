"""Formula cells of an .xlsx workbook that carry no saved value.

A spreadsheet program saves each formula with its last result, and every reader here (python-calamine,
fastexcel, openpyxl with ``data_only``) gives that result. A workbook written by a program (openpyxl,
an ERP's or CRM's export, a script) may hold only the formula: ``=HYPERLINK("https://crm/…","Acme")``
as a customer's name. The readers then give an empty cell, and the customer's name was silently lost.
No reader in use gives the formula's text, so this module finds those cells in the sheet's XML: their
text is kept as text (never calculated, never written back as a formula) and each is reported.

The sheet's XML is streamed and searched for the end of a formula followed by the end of its cell with no
value between: a workbook saved by a spreadsheet program has none, so the search costs one pass of
decompression and a byte search, no per-cell work. That pass is not free: about 1 s for the 286 MB sheet
XML of a 500k-line export, on a second thread, which overlaps the readers only where a core is idle.

Formulas shared down a column (``<f t="shared" si="0"/>``) carry their text only in their first cell;
each other cell's formula is that one moved to it, as openpyxl moves it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from posixpath import normpath
from typing import IO

_CHUNK = 1 << 22
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CELL_REF = re.compile(rb'\sr="([A-Z]{1,3})([0-9]{1,7})"')
_CELL_TYPE = re.compile(rb'\st="([A-Za-z]+)"')
_SHARED_INDEX = re.compile(rb'\ssi="([0-9]+)"')
_ROOT_PREFIX = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s>]")
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}

Cell = tuple[int, int]  # 0-based row and column, from A1


@dataclass
class _Patterns:
    """The searches for one namespace prefix (most writers use none; some write ``<x:c>``)."""

    prefix: bytes

    def __post_init__(self) -> None:
        p = re.escape(self.prefix)
        no_value = rb"\s*(?:<" + p + rb"v\s*/>|<" + p + rb"v></" + p + rb"v>)?\s*</" + p + rb"c>"
        # A formula with its text, or an empty (shared) one, then nothing but an empty value up to the cell's end.
        self.text_end = re.compile(rb"</" + p + rb"f>" + no_value)
        self.empty_end = re.compile(rb"<" + p + rb"f(?:\s[^>]*)?/>" + no_value)
        self.formula = b"<" + self.prefix + b"f"
        self.cell_start = b"<" + self.prefix + b"c "
        self.formula_start = re.compile(rb"<" + p + rb"f(\s[^>]*)?(/?)>")
        self.cell_end = b"</" + self.prefix + b"c>"
        self.shared_text = re.compile(
            rb"<" + p + rb"c\s[^>]*>\s*<" + p + rb'f\s[^>]*\bt="shared"[^>]*>([^<]*)</' + p + rb"f>"
        )


@dataclass
class _Found:
    cells: dict[Cell, str] = field(default_factory=dict)
    shared: dict[Cell, str] = field(default_factory=dict)  # cells of a shared formula: its index


class FormulaCells:
    """The sheets of an .xlsx workbook and, per sheet, its formula cells without a saved value.

    The sheets are searched on a second thread from the start, while the readers parse them: decompressing
    a large sheet's XML is most of the search's time, and zlib does it without holding the interpreter."""

    def __init__(self, data: bytes, sheets: list[str] | None = None) -> None:
        self.data = data
        self.parts: dict[str, str] = {}
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                self.parts = _sheet_parts(zf)
        except Exception:  # noqa: BLE001 - a damaged workbook: the readers say what is wrong with it
            self.parts = {}
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="custseg-formulas")
        names = [n for n in (self.parts if sheets is None else sheets) if n in self.parts]
        self._found = {n: self._pool.submit(self._search, self.parts[n]) for n in names}
        self._pool.shutdown(wait=False)

    def sheet(self, name: str) -> dict[Cell, str]:
        """``{(row, column): formula text without "="}`` for the sheet ``name``'s formula cells that have no
        saved value (empty when it has none, or when its part cannot be found)."""
        found = self._found.get(name)
        if found is None:
            part = self.parts.get(name)
            return {} if part is None else self._search(part)
        return found.result()

    def _search(self, part: str) -> dict[Cell, str]:
        with zipfile.ZipFile(io.BytesIO(self.data)) as zf:
            with zf.open(part) as fh:
                found = _scan(_chunks(fh))
            if found.shared:  # rare: their text is in the formula's first cell, read in a second pass
                with zf.open(part) as fh:
                    masters = _shared_masters(_chunks(fh))
                for cell, index in found.shared.items():
                    found.cells[cell] = _moved(masters.get(index), cell)
        return found.cells


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip member holding its XML, from the workbook part and its relationships."""
    from defusedxml import ElementTree

    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels if r.tag.endswith("Relationship")}
    names = set(zf.namelist())
    out = {}
    for el in book.iter():
        if el.tag.endswith("}sheet") or el.tag == "sheet":
            target = targets.get(el.get(f"{{{_REL_NS}}}id"), "")
            path = target.lstrip("/") if target.startswith("/") else normpath(f"xl/{target}")
            if path in names:
                out[el.get("name", "")] = path
    return out


def _chunks(fh: IO[bytes]) -> Iterator[bytes]:
    while chunk := fh.read(_CHUNK):
        yield chunk


def _scan(chunks: Iterator[bytes]) -> _Found:
    found = _Found()
    patterns: _Patterns | None = None
    carry = b""
    for chunk in chunks:
        buf = carry + chunk
        if patterns is None:
            root = _ROOT_PREFIX.search(buf)
            if root is None and len(buf) < 65536:
                carry = buf
                continue
            patterns = _Patterns(root.group(1) + b":" if root is not None and root.group(1) else b"")
        # Cells are searched up to the last complete one; the rest waits for the next chunk.
        cut = buf.rfind(patterns.cell_end)
        cut = 0 if cut < 0 else cut + len(patterns.cell_end)
        if buf.find(patterns.formula, 0, cut) >= 0:  # one fast pass where no formula is
            for search in (patterns.text_end, patterns.empty_end):
                for m in search.finditer(buf, 0, cut):
                    _take_cell(buf, m.start(), patterns, found)
        carry = buf[cut:]
    return found


def _take_cell(buf: bytes, at: int, patterns: _Patterns, found: _Found) -> None:
    """The cell whose formula ends at ``at`` (it has no value): its place and its formula's text."""
    start = buf.rfind(patterns.cell_start, 0, at)
    if start < 0:
        return
    tag_end = buf.find(b">", start)
    attrs = buf[start:tag_end]
    ref = _CELL_REF.search(attrs)
    if ref is None:  # a cell with no reference: writers that omit it write no formulas without values
        return
    kind = _CELL_TYPE.search(attrs)
    # A text result saved as the empty text is a value (=IF(A2="","",A2) saved by Excel: t="str" and an
    # empty <v>); only an absent value, or an empty one of another type, is none.
    if kind is not None and kind.group(1) == b"str" and _has_value_element(buf, at, patterns):
        return
    formula = patterns.formula_start.search(buf, tag_end)
    if formula is None or formula.start() > at:
        return
    cell = (int(ref.group(2)) - 1, _column_index(ref.group(1)))
    text = buf[formula.end() : at] if not formula.group(2) else b""
    if not text and formula.group(1) and b'"shared"' in formula.group(1):
        index = _SHARED_INDEX.search(formula.group(1))
        if index is not None:
            found.shared[cell] = index.group(1).decode()
            return
    found.cells[cell] = _unescape(text.decode("utf-8", "replace"))


def _has_value_element(buf: bytes, after: int, patterns: _Patterns) -> bool:
    """Whether the cell holding ``after`` has a <v> element after it."""
    end = buf.find(patterns.cell_end, after)
    return b"<" + patterns.prefix + b"v" in buf[after:end]


def _shared_masters(chunks: Iterator[bytes]) -> dict[str, tuple[Cell, str]]:
    """Shared formula index -> its first cell and its text."""
    masters: dict[str, tuple[Cell, str]] = {}
    patterns: _Patterns | None = None
    carry = b""
    for chunk in chunks:
        buf = carry + chunk
        if patterns is None:
            root = _ROOT_PREFIX.search(buf)
            patterns = _Patterns(root.group(1) + b":" if root is not None and root.group(1) else b"")
        cut = buf.rfind(patterns.cell_end)
        cut = 0 if cut < 0 else cut + len(patterns.cell_end)
        for m in patterns.shared_text.finditer(buf, 0, cut):
            whole = m.group(0)
            ref, index = _CELL_REF.search(whole), _SHARED_INDEX.search(whole)
            if ref is not None and index is not None and m.group(1):
                cell = (int(ref.group(2)) - 1, _column_index(ref.group(1)))
                masters.setdefault(index.group(1).decode(), (cell, _unescape(m.group(1).decode("utf-8", "replace"))))
        carry = buf[cut:]
    return masters


def _moved(master: tuple[Cell, str] | None, cell: Cell) -> str:
    """The shared formula of ``master`` as it reads in ``cell`` (its references moved along)."""
    if master is None:
        return ""
    from openpyxl.formula.translate import Translator
    from openpyxl.utils import get_column_letter

    (row, col), text = master

    def ref(c: Cell) -> str:
        return f"{get_column_letter(c[1] + 1)}{c[0] + 1}"

    try:
        return Translator("=" + text, origin=ref((row, col))).translate_formula(ref(cell))[1:]
    except Exception:  # noqa: BLE001 - a formula openpyxl cannot parse keeps its first cell's text
        return text


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _unescape(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return _NAMED[name]

    return _ENTITY.sub(one, text)
