"""The .xlsx package around the sheets, parsed with expat: rels, workbook, styles, shared strings.

Parts are found the way Excel finds them (package rels → workbook → its rels), so
a sheet stored under another name is found and counted like any other. Styles give
each cell style's number format: percent (built-in 9/10 or a custom code with '%')
and dates (built-in ids and codes with d/m/y/h/s outside literals, as openpyxl).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from pathlib import Path
from typing import Any, Callable, Optional

from ..flow.findings import Finding, Location
from ..flow.grid import Grid
from ..text.textnorm import clean_cell_text
from . import container as C

_REL_DOC = "/officeDocument"
_MEMO_MAX = 32  # parsed parts a reader remembers (``Book.memo``): a few templates per run
_MEMO_PART = 256 * 1024
# Parsed rels/workbook/styles parts by their bytes (``Book.memo``): a few templates per run.
_DATE_IDS = {*range(14, 23), 45, 46, 47}
_STRIP = re.compile(r'"[^"]*"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')  # literals and [Red]/[$-409], as openpyxl
_DATE_CHARS = re.compile(r"(?<![_\\])[dmhysDMHYS]")


def _date_format(fmt_id: int, code: str) -> bool:
    if fmt_id in _DATE_IDS:
        return True
    return bool(code) and _DATE_CHARS.search(_STRIP.sub("", code.split(";")[0])) is not None


class Book:
    """The package around the sheets: rels, workbook (sheet order, names, 1904 dates), styles, shared strings."""

    def __init__(self, zf, path: Path, names: set[str], parts: Optional[dict] = None):
        self.zf, self.path, self.names = zf, path, names
        self.parts = parts  # the reader's memo of parsed parts (``memo``)
        self.budget = C.Budget()
        self.grid = Grid(file=str(path))
        self.strings: list[str] = []
        self.percent: list[bool] = []  # per cellXfs index
        self.date: list[bool] = []
        self.epoch = dt.datetime(1899, 12, 30)

    def parse(self, part: str, start: Callable, end=None, text=None) -> None:
        """Parse a small part (rels, workbook, styles, strings): handlers get local names, text is counted."""

        def counted(s: str) -> None:
            self.budget.add_text(len(s))
            text(s)

        C.parse_part(
            self.zf, part, lambda tag, a: start(C.local(tag), a),
            (lambda tag: end(C.local(tag))) if end else None, counted if text else None,
        )

    def memo(self, kind: str, part: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` (which parses ``part``), or what it gave for the same bytes before.

        The rels, workbook and styles parts recur byte for byte in every file of a run
        (one template); what they give depends on nothing else (``part`` is in the key:
        rels resolve against it), and a part that fails is never remembered, so a
        remembered answer is the one parsing would give. The memo is the reader's (one per
        plugin host), bounded in count and size; without one, every part is parsed."""
        if self.parts is None or self.zf.getinfo(part).file_size > _MEMO_PART:
            return compute()
        key = (kind, part, self.zf.read(part))
        got = self.parts.get(key)
        if got is None:
            got = compute()
            if len(self.parts) >= _MEMO_MAX:
                self.parts.clear()
            self.parts[key] = got
        return got

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Id → (type, resolved part name) from the rels of ``part``."""
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if rels_part not in self.names:
            return {}
        return dict(self.memo("rels", rels_part, lambda: self._rels(folder, rels_part)))

    def _rels(self, folder: str, rels_part: str) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}

        def start(tag: str, a: dict) -> None:
            if tag == "Relationship" and a.get("TargetMode") != "External":
                target = a.get("Target", "")
                full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                found[a.get("Id", "")] = (a.get("Type", ""), full)

        self.parse(rels_part, start)
        return found

    def sheets(self) -> list[tuple[str, str]]:
        """(sheet name, part) in the workbook's order, after reading styles and shared strings."""
        book = next((t for ty, t in self.rels("").values() if ty.endswith(_REL_DOC)), "xl/workbook.xml")
        if book not in self.names:
            raise C.Refused("read-not-workbook")
        sheets, self.epoch = self.memo("workbook", book, lambda: self._workbook(book))
        rels = self.rels(book)
        parts = {ty.rpartition("/")[2]: t for ty, t in rels.values() if t in self.names}
        # openpyxl finds these by content type: a workbook whose rels forget them is still read
        for kind, default in (("styles", "xl/styles.xml"), ("sharedStrings", "xl/sharedStrings.xml")):
            part = parts.get(kind) or (default if default in self.names else None)
            if part:
                (self._styles if kind == "styles" else self._strings)(part)
        found = []
        for name, rid in sheets:
            ty, target = rels.get(rid, ("", ""))
            if ty and not ty.endswith("/worksheet"):
                continue  # a chart sheet or a macro sheet holds no cells
            if target not in self.names:
                self.grid.findings.append(Finding.make(
                    "sheet-unresolvable", "warning", location=Location(file=str(self.path), sheet=name),
                    sheet=name, target=target or rid))
                continue
            found.append((name, target))
        return found

    def _workbook(self, part: str) -> tuple[tuple[tuple[str, str], ...], dt.datetime]:
        """The sheets (name, relationship id) in order, and the date epoch."""
        sheets: list[tuple[str, str]] = []
        epoch = [dt.datetime(1899, 12, 30)]

        def on_book(tag: str, a: dict) -> None:
            if tag == "sheet":
                sheets.append((clean_cell_text(a.get("name", "")), C.attr(a, "id", prefixed=True) or ""))
            elif tag == "workbookPr" and a.get("date1904") in ("1", "true"):
                epoch[0] = dt.datetime(1904, 1, 1)

        self.parse(part, on_book)
        return tuple(sheets), epoch[0]

    def _styles(self, part: str) -> None:
        percent, date = self.memo("styles", part, lambda: self._formats(part))
        self.percent, self.date = list(percent), list(date)

    def _formats(self, part: str) -> tuple[tuple[bool, ...], tuple[bool, ...]]:
        """Per cellXfs index: does its number format show a percent, a date?"""
        codes: dict[int, str] = {}
        where: list[str] = []
        percent: list[bool] = []
        date: list[bool] = []

        def start(tag: str, a: dict) -> None:
            if tag == "numFmt":
                codes[int(a.get("numFmtId", "0") or 0)] = a.get("formatCode", "")
            elif tag in ("cellXfs", "cellStyleXfs"):
                where.append(tag)
            elif tag == "xf" and where and where[-1] == "cellXfs":
                fid = int(a.get("numFmtId", "0") or 0)
                code = codes.get(fid, "")[:255]  # Excel's own limit; the date check is then cheap
                percent.append(fid in (9, 10) or "%" in code)
                date.append(_date_format(fid, code))

        self.parse(part, start, lambda tag: where.pop() if tag in ("cellXfs", "cellStyleXfs") and where else None)
        return tuple(percent), tuple(date)

    def _strings(self, part: str) -> None:
        buf: list[str] = []
        state = {"t": False, "skip": 0}

        def start(tag: str, a: dict) -> None:
            if tag == "si":
                if len(self.strings) >= C.MAX_STRINGS:
                    raise C.Refused("read-too-many-strings", max=C.MAX_STRINGS)
                buf.clear()
            elif tag == "rPh":
                state["skip"] += 1  # phonetic guide text is not part of the value
            state["t"] = tag == "t" and not state["skip"]

        def end(tag: str) -> None:
            if tag == "si":
                self.strings.append(clean_cell_text("".join(buf)))
            elif tag == "rPh":
                state["skip"] -= 1
            state["t"] = False

        self.parse(part, start, end, lambda s: buf.append(s) if state["t"] else None)
