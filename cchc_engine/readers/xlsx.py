"""Built-in grid source for .xlsx: one expat pass per part, no openpyxl on the read path.

The package around the sheets (rels, workbook, styles, shared strings) is read by
``xlsx_book``; this module reads the cells of each sheet, whatever the part is
named or encoded (UTF-16), counting them against the limits as they come.
Layout is not done here (``cchc_engine.layout``). Why not python-calamine: README.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Callable, Optional

from ..grid import Cell, Grid, column_letter
from ..hookspecs import hookimpl
from ..messages import render
from ..textnorm import clean_cell_text
from . import container as C
from .xlsx_book import Book

def _what() -> str:
    """What the file is, for reasons shown to the user (catalogue ``kind-xlsx``)."""
    return render("kind-xlsx", {})
_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})")
_RANGE = re.compile(r"([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})")


class XlsxReader:
    name = "xlsx"
    suffixes = (".xlsx", ".xlsm")
    description = "Appendix workbook (.xlsx) in the Ministry of Home Affairs' layout"

    def sniff(self, path: Path) -> bool:
        # An OLE2 file (.xls, or an .xlsx with a password) is claimed, so it is read as .xls
        # or the user is told what it is instead of "no reader"; a zip only when it holds a
        # workbook (a Word report or another zip is left to the readers that know it).
        try:
            with open(path, "rb") as fh:
                head = fh.read(4)
            if head == C.OLE_MAGIC[:4]:
                return True
            if head != b"PK\x03\x04":
                return False
            with zipfile.ZipFile(path) as zf:
                return "xl/workbook.xml" in zf.namelist()
        except zipfile.BadZipFile:
            return True  # a damaged zip: say so ("bị hỏng") rather than "no reader"
        except OSError:
            return False

    def read(self, path: Path, options: Optional[dict] = None) -> Grid:
        with open(path, "rb") as fh:
            head = fh.read(8)
        if head.startswith(C.OLE_MAGIC) and C.ole_kind(path) == "xls":
            from .xls import XlsReader  # an old workbook under a new name: read it as what it is

            return XlsReader().read(path, options)
        try:
            with C.open_zip(path, _what()) as zf:
                names = set(zf.namelist())
                if "content.xml" in names and "xl/workbook.xml" not in names:
                    from .ods import OdsReader

                    return OdsReader().read(path, options)
                return _read(Book(zf, path, names))
        except Exception as exc:  # zipfile, zlib, expat and our own refusals: one located line
            raise C.describe(exc, path, _what()) from None


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _number(text: str):
    """'5' → 5, '0.7674' → 0.7674, as openpyxl; a number Python refuses (4,300+ digits) stays text for values.py."""
    try:
        return float(text) if ("." in text or "e" in text or "E" in text) else int(text)
    except ValueError:
        return clean_cell_text(text)


# "B12" → (12, 2): the same few hundred references recur in every file of a run (one
# template), so a dict lookup replaces a regex match and a letters loop per cell. Bounded.
_REFS: dict[str, tuple[int, int]] = {}
_REFS_MAX = 100_000


def _ref(r: str) -> Optional[tuple[int, int]]:
    got = _REFS.get(r)
    if got is None:
        m = _REF.fullmatch(r)
        if not m:
            return None
        got = (int(m.group(2)), _col_number(m.group(1)))
        if len(_REFS) >= _REFS_MAX:
            _REFS.clear()
        _REFS[r] = got
    return got


class _SheetParser:
    """Cells of one sheet part, counted against the limits as they come.

    The handlers run once per element (thousands per file): the open cell lives in
    plain attributes (``ct``/``cs``/``cv``/``cf``/``cis``, ``inc`` while inside a
    ``<c>``) and the common tags are tested first."""

    def __init__(self, book: Book, name: str):
        self.book, self.sheet = book, book.grid.add_sheet(name)
        self.budget = book.budget
        self.rows: dict[int, dict[int, Cell]] = {}
        self.row = self.col = self.cells = self.nrows = 0
        self.beyond = C.Beyond()
        self.inc = False
        self.ct, self.cs, self.cv, self.cf, self.cis = "n", "0", None, False, None
        self.buf: list[str] = []
        self.collect = False
        self.skip = 0

    def start(self, tag: str, a: dict) -> None:
        if ":" in tag:
            tag = C.local(tag)
        if tag == "c":
            self.cells += 1
            budget = self.budget
            budget.cells_total += 1
            if self.cells > C.MAX_CELLS:
                raise C.Refused("read-too-many-cells-sheet", sheet=self.sheet.name, max=C.MAX_CELLS)
            if budget.cells_total > C.MAX_CELLS_TOTAL:
                raise C.Refused("read-too-many-cells", max=C.MAX_CELLS_TOTAL)
            rc = _ref(a.get("r", ""))
            if rc is not None:
                self.row, self.col = rc
            else:
                self.col += 1
            self.inc = True
            self.ct, self.cs, self.cv, self.cf, self.cis = a.get("t", "n"), a.get("s", "0"), None, False, None
        elif self.inc and (tag == "v" or tag == "t" or tag == "f"):
            self.buf.clear()
            self.collect = not self.skip
            if tag == "f":
                self.cf = True
        elif tag == "row":
            self.nrows += 1
            if self.nrows > C.MAX_ROWS:
                raise C.Refused("read-too-many-rows", sheet=self.sheet.name, max=C.MAX_ROWS)
            self.row = int(a["r"]) if a.get("r", "").isdigit() else self.row + 1
            self.col = 0
        elif tag == "rPh":
            self.skip += 1
        elif tag == "mergeCell":
            m = _RANGE.fullmatch(a.get("ref", "")[:30])
            if m and len(self.sheet.merges) < C.MAX_CELLS:
                c1, r1, c2, r2 = _col_number(m.group(1)), int(m.group(2)), _col_number(m.group(3)), int(m.group(4))
                self.sheet.merges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))

    def text(self, s: str) -> None:
        if self.collect:  # only kept text costs memory: that is what the budget counts
            self.budget.add_text(len(s))
            self.buf.append(s)

    def end(self, tag: str) -> None:
        if not self.inc:
            return
        if ":" in tag:
            tag = C.local(tag)
        if tag == "v":
            self.cv = "".join(self.buf)
        elif tag == "c":
            self.inc = False
            self._cell()
        elif tag == "t":
            self.cis = (self.cis or "") + "".join(self.buf)
        elif tag == "rPh":
            self.skip -= 1
        self.collect = False

    def _cell(self) -> None:
        t, v, s = self.ct, self.cv or None, self.cs
        value = None
        style = int(s) if s.isdigit() else 0
        if t == "inlineStr":
            value = clean_cell_text(self.cis) if self.cis is not None else None
        elif v is not None:
            if t == "s":
                value = self.book.strings[int(v)]
            elif t in ("str", "e"):
                value = clean_cell_text(v)
            elif t == "b":
                flag = v.strip().lower()
                # anything but 0/1/true/false stays text: values.py reports it instead of a guessed False
                value = flag in ("1", "true") if flag in ("0", "1", "true", "false") else clean_cell_text(v)
            elif t == "d":
                try:
                    value = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
                except ValueError:
                    value = clean_cell_text(v)  # kept as text: values.py says what is wrong with it
            else:
                value = _number(v)
                if isinstance(value, (int, float)) and style < len(self.book.date) and self.book.date[style]:
                    try:
                        value = _from_excel(value, self.book.epoch)
                    except (OverflowError, ValueError):
                        value = "#VALUE!"  # a date format on a serial no date can have, as openpyxl reads it
        formula = self.cf and value is None
        if self.col in self.rows.get(self.row, ()):
            # Excel never writes a cell twice; a second copy would silently replace the first
            raise C.Refused("read-duplicate-cell", sheet=self.sheet.name, cell=f"{column_letter(self.col)}{self.row}")
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


def _read(book: Book) -> Grid:
    for name, part in book.sheets():
        _SheetParser(book, name).run(part)
    return book.grid


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
