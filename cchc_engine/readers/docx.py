"""Built-in grid source for the Word report (.docx): the appendix tables of a whole report, as sent.

The Word report is the file an officer holds, so reading it needs nothing but the
engine: one expat pass over ``word/document.xml`` (and over the documents it embeds),
bounded like the other zip sources (``container.py``: part count and size, DOCTYPE
refused, text and cells counted).

* Every table of the appendix is a Sheet "Bảng N" (N = its position among the
  document's tables, as Word counts them: ``Sheet.table``), its ``row_numbers`` the
  rows of that table, so a finding reads "Bảng 4, dòng 13" ("Table 4, row 13").
  The paragraphs printed just above a table (appendix title, "Biểu mẫu N" and its
  title) come first, one cell each, numbered 0: the layout stage reads them as an
  Excel sheet's title rows.
* The appendix starts at the first table with a header row (full or partial: the
  layout stage's ``is_header_row``). A table that follows a table of the appendix with
  only empty paragraphs between (a page break) continues it (``Sheet.continues``),
  whatever its column count: a continuation without its STT column is aligned by the
  layout stage. A later table with a header starts a new part. A table after the
  appendix started, with text between and no header, is not read; when it holds
  figures, a ``table-not-read`` warning says so.
* ``w:altChunk`` (a document embedded whole: "Insert ▸ Text from file", server-side
  generators): an embedded .docx, HTML page or MHT archive (``docx_html.py``) is read in
  place, its tables numbered on after the outer ones before it; one that cannot be read
  (RTF, plain text, a missing part, nested too deep) is an ``embedded-part-not-read``
  error naming the part.
* ``gridSpan``/``gridBefore`` are bounded by the table's own grid (``w:tblGrid``):
  a span past the last column is cut there with a ``table-span-bounded`` warning,
  never a reason for values to move out of their column.
* Footnote marks (short superscript runs), deleted text and field codes are not
  text. The letterhead (first short paragraphs, a table above the appendix) and the
  titles go to ``grid.text_lines``.
"""

from __future__ import annotations

import re
import zipfile
from collections import deque
from pathlib import Path
from typing import Any, Callable, Optional

from ..flow.findings import CchcError, Finding, Location
from ..flow.grid import Cell, Grid, Sheet, column_letter
from ..hookspecs import hookimpl
from ..text.messages import render, said
from ..text.textnorm import clean_cell_text
from . import container as C

HEAD, CAPTIONS = 8, 6  # letterhead lines kept; paragraphs above a table taken as its title rows
MAX_HEAD_CHARS, MAX_CAPTION_CHARS = 120, 300  # longer paragraphs are narrative, not titles
MAX_CHUNK_DEPTH = 2  # a document embedded in an embedded document: deeper is not read
HEADER_SCAN = 10  # rows of a table searched for its header
# A Word table is the sheet "Bảng N" in every --lang: it is an identifier, as an Excel sheet's
# name is; a finding's location says "Bảng 4, dòng 13" / "Table 4, row 13" from Location.table.
SHEET = render("table-sheet-name", {}, lang="vi")
MAIN = "word/document.xml"
_FOOTNOTE_MARK = re.compile(r"[\d*()]{1,4}")
_FIGURE = re.compile(r"^[-+]?\d[\d.,\s]*%?$|^\d+\s*/\s*\d+$")  # a cell that is a figure, not a date in a line
_SKIP = {"delText", "instrText", "Fallback", "del", "moveFrom"}  # not what the page shows (or shown twice)


def _what() -> str:
    return render("kind-docx", {})


def _int(value: Optional[str], default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


class _Table:
    def __init__(self, index: int, captions: list[str], text_before: bool):
        self.index, self.captions, self.text_before = index, captions, text_before
        self.rows: list[list[Cell]] = []
        self.merges: list[tuple[int, int, int, int]] = []
        self.beyond = C.Beyond()  # non-empty cells right of MAX_COLS
        self.grid_cols = 0  # w:gridCol count: the table's own width
        self.bounded: list[tuple[int, int, int]] = []  # (row, asked, given) of spans cut at the grid's edge


class _Document:
    """expat handlers: top-level paragraphs and tables; a table inside a cell is that cell's text.

    ``chunk(rid)`` is called for a ``w:altChunk`` of the body, in document order, so the
    tables of an embedded document land where it stands."""

    def __init__(self, budget: C.Budget, chunk: Callable[[str], None]) -> None:
        self.budget, self.chunk = budget, chunk
        self.head: list[str] = []
        self.recent: deque[str] = deque(maxlen=CAPTIONS)
        self.tables: list[_Table] = []
        self.between = False  # a non-empty paragraph since the last table
        self.depth = self.skip = self.mark = 0
        self.text: list[str] = []
        self.in_t = self.sup = False
        self.row: list[Cell] = []
        self.cells: list[tuple[Optional[str], int, Optional[str]]] = []  # (text, gridSpan, vMerge) of the row
        self.before = 0  # the row's gridBefore
        self.span, self.vmerge = 1, None
        self.open_v: dict[int, list[int]] = {}  # column → vertical merge [r1, c1, r2, c2] still open

    def reset_body(self) -> None:
        """Before an embedded document: its paragraphs are not inside the outer table."""
        self.depth = self.skip = 0
        self.in_t = False

    def start(self, tag: str, attrs: dict) -> None:
        name = C.local(tag)
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
        elif name == "altChunk":
            rid = C.attr(attrs, "id", prefixed=True)
            if self.depth == 0 and rid:
                self.chunk(rid)
            else:
                self.chunk("")  # inside a table cell: not read, and said
        elif self.depth > 1:
            return
        elif name == "gridCol" and self.depth == 1:
            self.table.grid_cols += 1
        elif name == "tr" and self.depth == 1:
            self.cells, self.before = [], 0
        elif name == "tc" and self.depth == 1:
            self.text, self.span, self.vmerge = [], 1, None
        elif name == "gridBefore" and self.depth == 1:
            self.before = max(0, _int(C.attr(attrs, "val"), 0))
        elif name == "gridSpan" and self.depth == 1:
            self.span = max(1, _int(C.attr(attrs, "val"), 1))
        elif name == "vMerge" and self.depth == 1:
            self.vmerge = C.attr(attrs, "val") or "continue"
        elif name == "r":
            self.sup = False
        elif name == "vertAlign":
            self.sup = C.attr(attrs, "val") == "superscript"
        elif name in ("tab", "br", "cr"):
            self.text.append(" " if name == "tab" else "\n")

    def _bound_row(self) -> int:
        """The row's gridBefore and spans cut so the row fits the table's grid (or MAX_COLS): the
        cells are real, a span past the last grid column is not. Returns the gridBefore kept."""
        grid = self.table.grid_cols or C.MAX_COLS
        before, spans = self.before, [span for _, span, _ in self.cells]
        asked = [before, *spans]
        over = before + sum(spans) - max(grid, len(spans))
        if over > 0:
            cut = min(before, over)
            before, over = before - cut, over - cut
            for k in sorted(range(len(spans)), key=lambda k: -spans[k]):
                if over <= 0:
                    break
                cut = min(spans[k] - 1, over)
                spans[k], over = spans[k] - cut, over - cut
            self.cells = [(text, span, v) for (text, _, v), span in zip(self.cells, spans)]
        if [before, *spans] != asked:
            self.table.bounded.append((len(self.table.rows) + 1, max(asked), max([before, *spans])))
        return before

    def chars(self, data: str) -> None:
        if self.in_t and not self.skip:
            self.budget.add_text(len(data))
            self.text.append(data)

    def end(self, tag: str) -> None:
        name = C.local(tag)
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
            if len(self.cells) < C.MAX_COLS:
                self.cells.append((text, self.span, self.vmerge))
            elif text is not None:  # a row of more cells than any sheet keeps: counted, not held
                self.table.beyond.add(len(self.table.rows) + 1, C.MAX_COLS + 1)
        elif name == "tr" and self.depth == 1:
            self._lay_row()
            self.table.rows.append(self.row)
            self.budget.add_cells(max(1, len(self.row)))  # empty rows cost too

    def _lay_row(self) -> None:
        """The row's cells in their grid columns: gridBefore, spans as merges, vMerge down."""
        self.row = []
        self._pad(self._bound_row())
        r = len(self.table.rows) + 1
        for text, span, vmerge in self.cells:
            c = len(self.row) + 1
            if vmerge == "continue" and c in self.open_v:
                self.open_v[c][2], text = r, None
            else:
                self._close(c)
                if vmerge == "restart":
                    self.open_v[c] = [r, c, r, c + span - 1]
                elif span > 1:
                    self.table.merges.append((r, c, r, min(c + span - 1, C.MAX_COLS)))
            self._add(Cell(text))
            self._pad(span - 1)

    def _close(self, col: int) -> None:
        m = self.open_v.pop(col, None)
        if m is not None and (m[2] > m[0] or m[3] > m[1]):
            self.table.merges.append((m[0], m[1], m[2], m[3]))

    def _add(self, cell: Cell) -> None:
        if len(self.row) < C.MAX_COLS:
            self.row.append(cell)
        elif cell.value is not None:
            self.table.beyond.add(len(self.table.rows) + 1, len(self.row) + 1)

    def _pad(self, n: int) -> None:
        for _ in range(max(0, min(n, C.MAX_COLS))):
            self._add(Cell())


class _Budget(C.Budget):
    def add_cells(self, n: int = 1) -> None:
        self.cells_total += n
        if self.cells_total > C.MAX_CELLS_TOTAL:
            raise C.Refused("read-too-many-cells", max=C.vn(C.MAX_CELLS_TOTAL))


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id → target part name, from the part's ``_rels`` (absent: none)."""
    folder, _, base = part.rpartition("/")
    rels = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
    found: dict[str, str] = {}
    if rels not in zf.namelist():
        return found

    def start(tag: str, attrs: dict) -> None:
        if C.local(tag) == "Relationship" and attrs.get("Id") and attrs.get("Target"):
            if attrs.get("TargetMode") != "External":
                found[attrs["Id"]] = _join(folder, attrs["Target"])

    C.parse_part(zf, rels, start)
    return found


def _join(folder: str, target: str) -> str:
    """A relationship target resolved against the part's folder ('afchunk.docx' → 'word/afchunk.docx')."""
    parts = [] if target.startswith("/") else [p for p in folder.split("/") if p]
    for p in target.lstrip("/").split("/"):
        if p == "..":
            parts = parts[:-1]
        elif p and p != ".":
            parts.append(p)
    return "/".join(parts)


class _Reader:
    """One .docx: the outer document and the documents it embeds, into one list of tables."""

    def __init__(self, path: Path):
        self.path = path
        self.budget = _Budget()
        self.doc: Optional[_Document] = None
        self.unread: list[tuple[str, str]] = []  # (part, why) of embedded documents not read

    def read(self) -> _Document:
        with C.open_zip(self.path, _what()) as zf:
            if MAIN not in zf.namelist():
                raise C.Refused("read-not-docx")
            self._parse(zf, MAIN, 0)
        assert self.doc is not None
        return self.doc

    def _parse(self, zf: zipfile.ZipFile, part: str, depth: int) -> None:
        rels = _rels(zf, part)

        def chunk(rid: str) -> None:
            self._chunk(zf, rels.get(rid, ""), rid, depth)

        if self.doc is None:
            self.doc = _Document(self.budget, chunk)
            C.parse_part(zf, part, self.doc.start, self.doc.end, self.doc.chars)
            return
        outer = self.doc.chunk
        self.doc.chunk = chunk
        try:
            C.parse_part(zf, part, self.doc.start, self.doc.end, self.doc.chars)
        finally:
            self.doc.chunk = outer

    def _chunk(self, zf: zipfile.ZipFile, part: str, rid: str, depth: int) -> None:
        """An embedded document: read in place when it is a Word document, else said."""
        doc = self.doc
        assert doc is not None
        if not part or part not in zf.namelist():
            self.unread.append((part or rid or "altChunk", "missing"))
            return
        if depth + 1 > MAX_CHUNK_DEPTH:
            self.unread.append((part, "deep"))
            return
        info = zf.getinfo(part)
        with zf.open(part) as fh:
            head = fh.read(4)
        if head != b"PK\x03\x04":
            self._html_chunk(zf, part)
            return
        if info.file_size > C.MAX_UNCOMPRESSED:  # the outer zip's total already bounds it; said plainly
            self.unread.append((part, "other"))
            return
        inner = C.open_zip_bytes(zf.read(part), self.path, _what())
        with inner:
            if MAIN not in inner.namelist():
                self.unread.append((part, "other"))
                return
            saved = (doc.depth, doc.skip, doc.in_t, doc.text, doc.table if doc.depth else None)
            doc.reset_body()
            try:
                self._parse(inner, MAIN, depth + 1)
            finally:
                doc.depth, doc.skip, doc.in_t, doc.text = saved[:4]
                if saved[4] is not None:
                    doc.table = saved[4]


    def _html_chunk(self, zf: zipfile.ZipFile, part: str) -> None:
        """An embedded HTML or MHT page (what server-side generators write): read in place;
        anything else (RTF, plain text, an image) is said, not guessed at."""
        from .docx_html import feed_html, html_text

        doc = self.doc
        assert doc is not None
        text = html_text(zf.read(part))
        if text is None:
            self.unread.append((part, "other"))
            return
        saved = (doc.depth, doc.skip, doc.in_t, doc.text, doc.table if doc.depth else None)
        doc.reset_body()
        try:
            feed_html(doc, text)
        finally:
            doc.depth, doc.skip, doc.in_t, doc.text = saved[:4]
            if saved[4] is not None:
                doc.table = saved[4]


def read_docx(path: Path) -> Grid:
    """The appendix tables of a .docx as a Grid (see the module docstring)."""
    reader = _Reader(path)
    try:
        doc = reader.read()
    except Exception as exc:  # the file's problems: one located line
        if isinstance(exc, (KeyError, AttributeError, TypeError, AssertionError)):
            raise
        raise C.describe(exc, path, _what()) from None
    return _grid(path, doc, reader.unread)


def _grid(path: Path, doc: _Document, unread: list[tuple[str, str]]) -> Grid:
    from ..flow.layout import table_has_header

    grid = Grid(file=str(path), text_lines=list(doc.head))
    letterhead: list[str] = []  # a table above the appendix: "UBND HUYỆN …" beside the national motto
    last: Optional[_Table] = None  # the last table read as part of the appendix
    for table in doc.tables:
        width = max((len(r) for r in table.rows), default=0)
        follows = last is not None and not table.text_before and table.index == last.index + 1
        if not follows and not table_has_header(table.rows[:HEADER_SCAN]):
            if not grid.sheets:
                lines = (ln.strip() for row in table.rows for c in row if c.value for ln in str(c.value).split("\n"))
                letterhead += [ln for ln in lines if ln and len(ln) <= MAX_HEAD_CHARS]
            else:
                _note_unread_table(grid, table)
            last = None
            continue
        sheet = grid.add_sheet(f"{SHEET} {table.index}")
        sheet.table, sheet.continues = table.index, follows
        for line in table.captions:
            sheet.append([line], number=0)
            sheet.merges.append((0, 1, 0, max(1, width)))
        grid.text_lines += table.captions
        for i, row in enumerate(table.rows, start=1):
            sheet.append(row, number=i)
        sheet.merges += table.merges
        _note_table(grid, sheet, table)
        last = table
    grid.text_lines[:0] = letterhead[:HEAD]
    for part, why in unread:
        grid.findings.append(Finding.make(
            "embedded-part-not-read", "error", location=Location(file=str(path), path=part),
            part=part, why=said(f"read-embedded-{why}")))
    if not grid.sheets:
        if unread:  # the appendix is in what could not be read: that is the one line to say
            part, why = unread[0]
            raise CchcError.make("file-unreadable", location=Location(file=str(path)), file=path.name,
                                 error=said("embedded-part-not-read", part=part, why=said(f"read-embedded-{why}")))
        raise CchcError.make(
            "file-unreadable", location=Location(file=str(path)), file=path.name,
            error=said("read-docx-no-appendix", tables=len(doc.tables)),
        )
    return grid


def _note_table(grid: Grid, sheet: Sheet, table: _Table) -> None:
    where = lambda row: Location(file=grid.file, sheet=sheet.name, table=table.index, row=row)  # noqa: E731
    if table.beyond.count:
        first = table.beyond.first
        row = int(re.sub(r"^[A-Z]+", "", first))
        grid.findings.append(Finding.make(
            "cells-beyond-columns", "warning", location=where(row), count=table.beyond.count,
            column=column_letter(C.MAX_COLS), cell=said("location-table-row", table=table.index, row=row),
            max=C.MAX_COLS))
    if table.bounded:
        row, asked, _ = table.bounded[0]
        grid.findings.append(Finding.make(
            "table-span-bounded", "warning", location=where(row), count=len(table.bounded), asked=asked,
            columns=table.grid_cols or C.MAX_COLS))


def _note_unread_table(grid: Grid, table: _Table) -> None:
    """A table after the appendix that is not part of it: its figures are never dropped without a word."""
    figures = [(r, c) for r, row in enumerate(table.rows, start=1) for c, cell in enumerate(row)
               if cell.value is not None and len(str(cell.value)) <= 30 and _FIGURE.match(str(cell.value))]
    if figures:
        row = figures[0][0]
        grid.findings.append(Finding.make(
            "table-not-read", "warning", location=Location(file=grid.file, sheet=f"{SHEET} {table.index}", table=table.index, row=row),
            table=table.index, count=len(figures)))


class DocxReader:
    name = "docx"
    suffixes = (".docx", ".doc")  # a .doc gets one line saying how to convert it
    description = "The Word report (.docx) as sent: its appendix tables"

    def sniff(self, path: Path) -> bool:
        try:
            with zipfile.ZipFile(path) as zf:
                return MAIN in zf.namelist()
        except Exception:
            return False

    def read(self, path: Path, options: Optional[dict] = None) -> Grid:
        return read_docx(Path(path))


@hookimpl
def register_readers(register: Callable[..., None]) -> None:
    register(DocxReader())

