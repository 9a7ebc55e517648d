"""Built-in grid source for .xlsx: one expat pass per part, no openpyxl on the read path.

Parts are found the way Excel finds them (package rels → workbook → its rels →
sheets, sharedStrings, styles), so a sheet renamed ``.bin`` or stored in UTF-16 is
read and counted like any other. Styles give the number format of each cell:
percent (built-in 9/10 or a custom code with '%') and dates, as openpyxl reads them.
Layout is not done here (``cchc_engine.layout``). Why not python-calamine: README.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from pathlib import Path
from typing import Callable, Optional

from ..findings import Finding, Location
from ..grid import Cell, Grid, Sheet, column_letter
from ..hookspecs import hookimpl
from ..textnorm import clean_cell_text
from . import container as C

WHAT = {"what": "tệp Excel .xlsx", "what_en": "the Excel .xlsx file"}
_REL_DOC = "/officeDocument"
_DATE_IDS = {*range(14, 23), 45, 46, 47}
_STRIP = re.compile(r'"[^"]*"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')  # literals and [Red]/[$-409], as openpyxl
_DATE_CHARS = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})")


class XlsxReader:
    name = "xlsx"
    suffixes = (".xlsx", ".xlsm")
    description = "Bảng phụ lục Excel (.xlsx) theo mẫu của Bộ Nội vụ"

    def sniff(self, path: Path) -> bool:
        # An OLE2 file (.xls, or an .xlsx with a password) is claimed too, so it is read as
        # .xls or the user is told what it is instead of "no reader".
        try:
            with open(path, "rb") as fh:
                head = fh.read(4)
        except OSError:
            return False
        return head == b"PK\x03\x04" or head == C.OLE_MAGIC[:4]

    def read(self, path: Path, options: Optional[dict] = None) -> Grid:
        with open(path, "rb") as fh:
            head = fh.read(8)
        if head.startswith(C.OLE_MAGIC) and C.ole_kind(path) == "xls":
            from .xls import XlsReader  # an old workbook under a new name: read it as what it is

            return XlsReader().read(path, options)
        try:
            with C.open_zip(path, WHAT["what"]) as zf:
                names = set(zf.namelist())
                if "content.xml" in names and "xl/workbook.xml" not in names:
                    from .ods import OdsReader

                    return OdsReader().read(path, options)
                return _Book(zf, path, names).read()
        except Exception as exc:  # zipfile, zlib, expat and our own refusals: one located line
            raise C.describe(exc, path, WHAT["what"]) from None


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _date_format(fmt_id: int, code: str) -> bool:
    if fmt_id in _DATE_IDS:
        return True
    return bool(code) and _DATE_CHARS.search(_STRIP.sub("", code.split(";")[0])) is not None


def _number(text: str):
    return float(text) if ("." in text or "e" in text or "E" in text) else int(text)


class _Book:
    def __init__(self, zf, path: Path, names: set[str]):
        self.zf, self.path, self.names = zf, path, names
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

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Id → (type, resolved part name) from the rels of ``part``."""
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        found: dict[str, tuple[str, str]] = {}
        if rels_part not in self.names:
            return found

        def start(tag: str, a: dict) -> None:
            if tag == "Relationship" and a.get("TargetMode") != "External":
                target = a.get("Target", "")
                full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                found[a.get("Id", "")] = (a.get("Type", ""), full)

        self.parse(rels_part, start)
        return found

    def read(self) -> Grid:
        book = next((t for ty, t in self.rels("").values() if ty.endswith(_REL_DOC)), "xl/workbook.xml")
        if book not in self.names:
            raise C.Refused("read-not-workbook")
        sheets: list[tuple[str, str]] = []

        def on_book(tag: str, a: dict) -> None:
            if tag == "sheet":
                sheets.append((clean_cell_text(a.get("name", "")), C.attr(a, "id", prefixed=True) or ""))
            elif tag == "workbookPr" and a.get("date1904") in ("1", "true"):
                self.epoch = dt.datetime(1904, 1, 1)

        self.parse(book, on_book)
        rels = self.rels(book)
        parts = {ty.rpartition("/")[2]: t for ty, t in rels.values() if t in self.names}
        # openpyxl finds these by content type: a workbook whose rels forget them is still read
        for kind, default in (("styles", "xl/styles.xml"), ("sharedStrings", "xl/sharedStrings.xml")):
            part = parts.get(kind) or (default if default in self.names else None)
            if part:
                (self._styles if kind == "styles" else self._strings)(part)
        for name, rid in sheets:
            ty, target = rels.get(rid, ("", ""))
            if ty and not ty.endswith("/worksheet"):
                continue  # a chart sheet or a macro sheet holds no cells
            if target not in self.names:
                self.grid.findings.append(Finding.make(
                    "sheet-unresolvable", "warning", location=Location(file=str(self.path), sheet=name),
                    sheet=name, target=target or rid))
                continue
            self._sheet(name, target)
        return self.grid

    def _styles(self, part: str) -> None:
        codes: dict[int, str] = {}
        where: list[str] = []

        def start(tag: str, a: dict) -> None:
            if tag == "numFmt":
                codes[int(a.get("numFmtId", "0") or 0)] = a.get("formatCode", "")
            elif tag in ("cellXfs", "cellStyleXfs"):
                where.append(tag)
            elif tag == "xf" and where and where[-1] == "cellXfs":
                fid = int(a.get("numFmtId", "0") or 0)
                code = codes.get(fid, "")
                self.percent.append(fid in (9, 10) or "%" in code)
                self.date.append(_date_format(fid, code))

        self.parse(part, start, lambda tag: where.pop() if tag in ("cellXfs", "cellStyleXfs") and where else None)

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

    def _sheet(self, name: str, part: str) -> None:
        _SheetParser(self, name).run(part)


class _SheetParser:
    """Cells of one sheet part, counted against the limits as they come."""

    def __init__(self, book: _Book, name: str):
        self.book, self.sheet = book, book.grid.add_sheet(name)
        self.rows: dict[int, dict[int, Cell]] = {}
        self.row = self.col = self.cells = self.nrows = 0
        self.beyond = C.Beyond()
        self.c: Optional[dict] = None
        self.buf: list[str] = []
        self.collect = False
        self.skip = 0

    def start(self, tag: str, a: dict) -> None:
        if ":" in tag:
            tag = C.local(tag)
        if tag == "row":
            self.nrows += 1
            if self.nrows > C.MAX_ROWS:
                raise C.Refused("read-too-many-rows", sheet=self.sheet.name, max=C.MAX_ROWS)
            self.row = int(a["r"]) if a.get("r", "").isdigit() else self.row + 1
            self.col = 0
        elif tag == "c":
            self.cells += 1
            self.book.budget.cells_total += 1
            if self.cells > C.MAX_CELLS:
                raise C.Refused("read-too-many-cells-sheet", sheet=self.sheet.name, max=C.MAX_CELLS)
            if self.book.budget.cells_total > C.MAX_CELLS_TOTAL:
                raise C.Refused("read-too-many-cells", max=C.MAX_CELLS_TOTAL)
            m = _REF.fullmatch(a.get("r", ""))
            if m:
                self.row, self.col = int(m.group(2)), _col_number(m.group(1))
            else:
                self.col += 1
            self.c = {"t": a.get("t", "n"), "s": a.get("s", "0"), "v": None, "f": False, "is": None}
        elif tag == "rPh":
            self.skip += 1
        elif self.c is not None and tag in ("v", "t", "f"):
            self.buf.clear()
            self.collect = not self.skip
            if tag == "f":
                self.c["f"] = True
        elif tag == "mergeCell":
            m = re.fullmatch(r"([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})", a.get("ref", ""))
            if m and len(self.sheet.merges) < C.MAX_CELLS:
                c1, r1, c2, r2 = _col_number(m.group(1)), int(m.group(2)), _col_number(m.group(3)), int(m.group(4))
                self.sheet.merges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))

    def text(self, s: str) -> None:
        if self.collect:  # only kept text costs memory: that is what the budget counts
            self.book.budget.add_text(len(s))
            self.buf.append(s)

    def end(self, tag: str) -> None:
        c = self.c
        if c is None:
            return
        if ":" in tag:
            tag = C.local(tag)
        if tag == "v":
            c["v"] = "".join(self.buf)
        elif tag == "t":
            c["is"] = (c["is"] or "") + "".join(self.buf)
        elif tag == "rPh":
            self.skip -= 1
        elif tag == "c":
            self._cell(c)
            self.c = None
        self.collect = False

    def _cell(self, c: dict) -> None:
        t, v = c["t"], c["v"] or None
        value = None
        style = int(c["s"]) if c["s"].isdigit() else 0
        if t == "inlineStr":
            value = clean_cell_text(c["is"]) if c["is"] is not None else None
        elif v is not None:
            if t == "s":
                value = self.book.strings[int(v)]
            elif t in ("str", "e"):
                value = clean_cell_text(v)
            elif t == "b":
                value = bool(int(v))
            elif t == "d":
                value = dt.datetime.fromisoformat(v.replace("Z", "+00:00")) if "T" in v else dt.datetime.fromisoformat(v)
            else:
                value = _number(v)
                if style < len(self.book.date) and self.book.date[style]:
                    try:
                        value = _from_excel(value, self.book.epoch)
                    except (OverflowError, ValueError):
                        value = "#VALUE!"  # a date format on a serial no date can have, as openpyxl reads it
        formula = c["f"] and value is None
        if (value is None or value == "") and not formula:
            return
        if self.col > C.MAX_COLS:
            self.beyond.add(self.row, self.col)
            return
        pct = isinstance(value, (int, float)) and style < len(self.book.percent) and self.book.percent[style]
        self.rows.setdefault(self.row, {})[self.col] = Cell(value, percent=pct, formula=formula)

    def run(self, part: str) -> None:
        C.parse_part(self.book.zf, part, self.start, self.end, self.text)
        for number in sorted(self.rows):
            cells = self.rows[number]
            self.sheet.append([cells.get(j, Cell()) for j in range(1, max(cells) + 1)], number)
        self.beyond.report(self.book.grid, self.sheet.name)


def _from_excel(value: float, epoch: dt.datetime):
    """A serial date as openpyxl gives it (time of day alone for 0 ≤ v < 1; the 1900 leap-year bug)."""
    day, fraction = divmod(value, 1)
    diff = dt.timedelta(milliseconds=round(fraction * 86_400_000))
    if 0 <= value < 1 and diff.days == 0:
        return (dt.datetime.min + diff).time()
    if 0 < value < 60 and epoch.year == 1899:
        day += 1
    return epoch + dt.timedelta(days=day) + diff


@hookimpl
def register_readers(register: Callable[..., None]) -> None:
    register(XlsxReader())
