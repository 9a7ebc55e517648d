"""Grid source for the Word report (.docx): the appendix tables of a whole report, as sent.

One expat pass over word/document.xml, bounded like the built-in zip sources (part
count and size, DOCTYPE refused, text and cells counted). Every table with an
appendix header is a Sheet "Bảng N" (N = its position among the document's tables)
whose first rows are the paragraphs printed just above it (appendix title, "Biểu mẫu
N" and its title), one cell each, then the table's rows: the layout stage reads it
like a worksheet. A table continued after a page break (same column count, only
empty paragraphs between) is joined to it, header or not. gridSpan/vMerge become
merges; footnote marks (short superscript runs), deleted text and field codes are
not text. The letterhead (first short paragraphs, a table above the appendix) and
the titles go to ``grid.text_lines``.
"""

from __future__ import annotations

import re
import zipfile
from collections import deque
from pathlib import Path
from typing import Optional

from cchc_engine.api import (
    LIMITS,
    CchcError,
    Cell,
    Finding,
    Grid,
    Location,
    ReadBudget,
    ReadRefused,
    Sheet,
    clean_cell_text,
    column_letter,
    header_columns,
    open_package,
)

from . import text

HEAD, CAPTIONS = 8, 6  # letterhead lines kept; paragraphs above a table taken as its title rows
MAX_HEAD_CHARS, MAX_CAPTION_CHARS = 120, 300  # longer paragraphs are narrative, not titles
_FOOTNOTE_MARK = re.compile(r"[\d*()]{1,4}")
# A Word table is the sheet "Bảng N" (N = its position among the document's tables), in every --lang:
# it is where the officer finds the cell, as an Excel sheet's name is.
SHEET = text("sheet", lang="vi")
_SKIP = {"delText", "instrText", "Fallback", "del", "moveFrom"}  # not what the page shows (or shown twice)


def local(tag: str) -> str:
    """'w:tbl' → 'tbl' (the parse gives tags as written, prefix and all)."""
    return tag[tag.rindex(":") + 1 :] if ":" in tag else tag


def attr(attrs: dict, name: str) -> Optional[str]:
    """An attribute by local name ('w:val' or 'val')."""
    if name in attrs:
        return attrs[name]
    for key, value in attrs.items():
        if key.rpartition(":")[2] == name:
            return value
    return None


class _Table:
    def __init__(self, index: int, captions: list[str], text_before: bool):
        self.index, self.captions, self.text_before = index, captions, text_before
        self.rows: list[list[Cell]] = []
        self.merges: list[tuple[int, int, int, int]] = []
        self.dropped: list[str] = []  # addresses of non-empty cells beyond MAX_COLS


class _Document:
    """expat handlers: top-level paragraphs and tables; a table inside a cell is that cell's text."""

    def __init__(self) -> None:
        self.budget, self.head, self.recent = ReadBudget(), [], deque(maxlen=CAPTIONS)
        self.tables: list[_Table] = []
        self.between = False  # a non-empty paragraph since the last table
        self.depth = self.skip = self.mark = 0
        self.text: list[str] = []
        self.in_t = self.sup = False
        self.row: list[Cell] = []
        self.span, self.vmerge = 1, None
        self.open_v: dict[int, list[int]] = {}  # column → vertical merge [r1, c1, r2, c2] still open

    def start(self, tag: str, attrs: dict) -> None:
        name = local(tag)
        if self.skip or name in _SKIP:
            self.skip += 1
        elif name == "tbl":
            self.depth += 1
            if self.depth == 1:
                self.table = _Table(len(self.tables) + 1, list(self.recent), self.between)
                self.recent.clear()
                self.between, self.open_v = False, {}
        elif name == "t":
            self.in_t, self.mark = True, len(self.text)
        elif name == "p":
            if self.depth == 0:
                self.text = []
            elif self.text:
                self.text.append("\n")  # a second paragraph in a cell
        elif self.depth > 1:
            return
        elif name == "tr" and self.depth == 1:
            self.row = []
        elif name == "tc" and self.depth == 1:
            self.text, self.span, self.vmerge = [], 1, None
        elif name == "gridBefore" and self.depth == 1:
            self._pad(int(attr(attrs, "val") or 0))
        elif name == "gridSpan" and self.depth == 1:
            self.span = max(1, min(int(attr(attrs, "val") or 1), LIMITS.max_cols))
        elif name == "vMerge" and self.depth == 1:
            self.vmerge = attr(attrs, "val") or "continue"
        elif name == "r":
            self.sup = False
        elif name == "vertAlign":
            self.sup = attr(attrs, "val") == "superscript"
        elif name in ("tab", "br", "cr"):
            self.text.append(" " if name == "tab" else "\n")

    def chars(self, data: str) -> None:
        if self.in_t and not self.skip:
            self.budget.add_text(len(data))
            self.text.append(data)

    def end(self, tag: str) -> None:
        name = local(tag)
        if self.skip:
            self.skip -= 1
        elif name == "t":
            self.in_t = False
            if self.sup and self.depth <= 1 and _FOOTNOTE_MARK.fullmatch("".join(self.text[self.mark:]).strip()):
                del self.text[self.mark:]  # "VBQPPL⁷": the footnote mark is not part of the name
        elif name == "tbl":
            self.depth -= 1
            if self.depth == 0:
                for c in list(self.open_v):
                    self._close(c)
                self.tables.append(self.table)
        elif name == "p" and self.depth == 0:
            line = " ".join(clean_cell_text("".join(self.text)).split())
            if line:
                self.between = True
                if len(self.head) < HEAD and len(line) <= MAX_HEAD_CHARS:
                    self.head.append(line)
                self.recent.append(line) if len(line) <= MAX_CAPTION_CHARS else self.recent.clear()
        elif name == "tc" and self.depth == 1:
            text = clean_cell_text("".join(self.text)).strip() or None
            r, c = len(self.table.rows) + 1, len(self.row) + 1
            if self.vmerge == "continue" and c in self.open_v:
                self.open_v[c][2], text = r, None
            else:
                self._close(c)
                if self.vmerge == "restart":
                    self.open_v[c] = [r, c, r, c + self.span - 1]
                elif self.span > 1:
                    self.table.merges.append((r, c, r, c + self.span - 1))
            self._add(Cell(text))
            self._pad(self.span - 1)
        elif name == "tr" and self.depth == 1:
            self.table.rows.append(self.row)
            self.budget.add_cells(max(1, len(self.row)))  # empty rows cost too

    def _close(self, col: int) -> None:
        m = self.open_v.pop(col, None)
        if m is not None and (m[2] > m[0] or m[3] > m[1]):
            self.table.merges.append((m[0], m[1], m[2], m[3]))

    def _add(self, cell: Cell) -> None:
        if len(self.row) < LIMITS.max_cols:
            self.row.append(cell)
        elif cell.value is not None:
            self.table.dropped.append(f"{column_letter(len(self.row) + 1)}{len(self.table.rows) + 1}")

    def _pad(self, n: int) -> None:
        for _ in range(max(0, min(n, LIMITS.max_cols))):
            self._add(Cell())


def read_docx(path: Path) -> Grid:
    """The appendix tables of a .docx as a Grid (see the module docstring)."""
    with open_package(path, text("kind")) as package:  # what it raises: one located line
        if "word/document.xml" not in package.names():
            raise ReadRefused("docx-not-docx")
        doc = _Document()
        package.parse("word/document.xml", doc.start, doc.end, doc.chars)
    grid = Grid(file=str(path), text_lines=list(doc.head))
    letterhead: list[str] = []  # a table above the appendix: "UBND HUYỆN …" beside the national motto
    last: Optional[tuple[_Table, Sheet]] = None
    for table in doc.tables:
        width = max((len(r) for r in table.rows), default=0)
        if last and not table.text_before and table.index == last[0].index + 1 and width == len(last[1].rows[-1]):
            sheet = last[1]  # the same appendix after a page break: its rows continue the sheet
        elif any(header_columns([row]) is not None for row in table.rows[:10]):
            sheet = grid.add_sheet(f"{SHEET} {table.index}")
            for line in table.captions:
                sheet.append([line])
                sheet.merges.append((len(sheet.rows), 1, len(sheet.rows), max(1, width)))
            grid.text_lines += table.captions
        else:
            if not grid.sheets:
                lines = (ln.strip() for row in table.rows for c in row if c.value for ln in str(c.value).split("\n"))
                letterhead += [ln for ln in lines if ln and len(ln) <= MAX_HEAD_CHARS]
            last = None
            continue
        offset = len(sheet.rows)
        for row in table.rows:
            sheet.append(row)
        sheet.merges += [(r1 + offset, c1, r2 + offset, c2) for r1, c1, r2, c2 in table.merges]
        if table.dropped:
            first = re.sub(r"\d+$", lambda m: str(int(m.group()) + offset), table.dropped[0])
            grid.findings.append(Finding.make(
                "cells-beyond-columns", "warning", location=Location(file=str(path), sheet=sheet.name, cell=first),
                count=len(table.dropped), column=column_letter(LIMITS.max_cols), cell=first, max=LIMITS.max_cols))
        last = (table, sheet)
    grid.text_lines[:0] = letterhead[:HEAD]
    if not grid.sheets:
        raise CchcError.make(
            "file-unreadable", location=Location(file=str(path)), file=path.name,
            error=text("no-appendix", tables=len(doc.tables)),
        )
    return grid


class DocxReader:
    name = "docx"
    suffixes = (".docx", ".doc")  # a .doc gets one line saying how to convert it
    description = "The Word report (.docx) as sent: its appendix tables"

    def sniff(self, path: Path) -> bool:
        try:
            with zipfile.ZipFile(path) as zf:
                return "word/document.xml" in zf.namelist()
        except Exception:
            return False

    def read(self, path: Path, options: Optional[dict] = None) -> Grid:
        return read_docx(Path(path))
