"""Built-in grid source for .ods (LibreOffice / OpenDocument): one expat pass over content.xml.

``office:value-type="percentage"`` marks a percent cell (it stores 0.7674 for
76,74 %), as a percent number format does in .xlsx. Repeated rows and columns
(``number-rows-repeated``, ``number-columns-repeated``: LibreOffice writes a
million empty rows that way) only move the position; a repeated cell with content
is counted against the cell limits for every repetition, so a tiny file cannot
expand into millions of cells. Text is counted as it expands, not as it is written:
``<text:s text:c="1000"/>`` is 1,000 characters, and a cell's text repeated across
columns and rows counts once per repetition. A table inside a cell (ODF allows it)
is read as that cell's text, with a ``cell-nested-table`` warning; the outer sheet
goes on. Why not odfpy: README.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable, Optional

from ..flow.grid import Cell, Grid, Sheet
from ..hookspecs import hookimpl
from ..text.textnorm import clean_cell_text
from . import container as C
from ..text.messages import render


def _what() -> str:
    """What the file is, for reasons shown to the user (catalogue ``kind-ods``)."""
    return render("kind-ods", {})


MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_TEXT_SKIP = ("annotation", "note")  # comments on a cell are not its value


class OdsReader:
    name = "ods"
    suffixes = (".ods",)
    description = "Appendix as a LibreOffice / OpenDocument spreadsheet (.ods)"

    def sniff(self, path: Path) -> bool:
        try:
            with open(path, "rb") as fh:
                head = fh.read(100)
        except OSError:
            return False
        return head.startswith(b"PK") and MIMETYPE.encode() in head

    def read(self, path: Path, options: Optional[dict] = None) -> Grid:
        try:
            with C.open_zip(path, _what()) as zf:
                names = set(zf.namelist())
                mimetype = ""
                if "mimetype" in names:
                    with zf.open("mimetype") as fh:
                        mimetype = fh.read(200).decode("ascii", "replace").strip()
                if "content.xml" not in names or (mimetype and mimetype != MIMETYPE):
                    raise C.Refused("read-not-ods", mimetype=mimetype or "—")
                grid = _Content(path).parse(zf)
        except Exception as exc:  # zipfile, zlib, expat and our own refusals: one located line
            raise C.describe(exc, path, _what()) from None
        if not grid.sheets:
            raise C.unreadable(path, "read-ods-no-table")
        return grid


def _int(attrs: dict, key: str) -> int:
    v = attrs.get(key, "1")
    return max(1, int(v)) if v.isdigit() else 1


def _number(text: str):
    try:
        return float(text) if ("." in text or "e" in text or "E" in text) else int(text)
    except ValueError:
        return clean_cell_text(text)


class _Content:
    def __init__(self, path: Path):
        self.grid = Grid(file=str(path))
        self.budget = C.Budget()
        self.sheet: Optional[Sheet] = None
        self.row = self.col = self.cells = 0
        self.row_repeat = 1
        self.current: list[Cell] = []
        self.cell: Optional[dict] = None
        self.text: list[str] = []
        self.skip = 0  # inside an annotation
        self.paragraphs = 0
        self.beyond = C.Beyond()
        self.nested = 0  # depth of tables inside the current cell: their text is the cell's

    def parse(self, zf) -> Grid:
        C.parse_part(zf, "content.xml", self.start, self.end, self.chars)
        return self.grid

    def count(self, n: int) -> None:
        self.cells += n
        self.budget.cells_total += n
        if self.cells > C.MAX_CELLS:
            raise C.Refused("read-too-many-cells-sheet", sheet=self.sheet.name if self.sheet else "", max=C.MAX_CELLS)
        if self.budget.cells_total > C.MAX_CELLS_TOTAL:
            raise C.Refused("read-too-many-cells", max=C.MAX_CELLS_TOTAL)

    def start(self, tag: str, a: dict) -> None:
        tag = C.local(tag)
        if self.nested:
            if tag == "table":
                self.nested += 1
            elif tag in ("table-cell", "covered-table-cell") and self.text and self.text[-1] != "\n":
                self.text.append("\t")  # the inner cells' text, one after the other
            elif tag == "table-row" and self.text:
                self.text.append("\n")
            elif tag not in ("table-row", "table-cell", "covered-table-cell", "table-column", "table-columns"):
                self._text_tag(tag, a)
            return
        if tag == "table":
            if self.cell is not None:  # a table inside a cell: read as the cell's text, never as a sheet
                self.nested = 1
                self._nested_finding()
                return
            self.sheet = self.grid.add_sheet(clean_cell_text(a.get("table:name", "")))
            self.row = self.cells = 0
            self.beyond = C.Beyond()
        elif tag == "table-row" and self.sheet is not None:
            self.row_repeat = _int(a, "table:number-rows-repeated")
            self.current, self.col = [], 0
        elif tag in ("table-cell", "covered-table-cell") and self.sheet is not None:
            self.cell = {"a": a, "covered": tag == "covered-table-cell"}
            self.text, self.paragraphs = [], 0
        elif tag in _TEXT_SKIP:
            self.skip += 1
        else:
            self._text_tag(tag, a)

    def _text_tag(self, tag: str, a: dict) -> None:
        if self.cell is None or self.skip:
            return
        if tag == "p":
            if self.paragraphs:
                self.text.append("\n")
            self.paragraphs += 1
        elif tag == "s":
            n = min(_int(a, "text:c"), 1000)
            self.budget.add_text(n)  # spaces count as they expand, not as the 20 bytes that wrote them
            self.text.append(" " * n)
        elif tag == "tab":
            self.budget.add_text(1)
            self.text.append("\t")
        elif tag == "line-break":
            self.budget.add_text(1)
            self.text.append("\n")

    def _nested_finding(self) -> None:
        from ..flow.findings import Finding, Location
        from ..flow.grid import column_letter

        sheet = self.sheet.name if self.sheet is not None else ""
        cell = f"{column_letter(self.col + 1)}{self.row + 1}"
        self.grid.findings.append(Finding.make(
            "cell-nested-table", "warning", location=Location(file=self.grid.file, sheet=sheet, cell=cell), cell=cell))

    def chars(self, s: str) -> None:
        if self.cell is not None and not self.skip:
            self.budget.add_text(len(s))
            self.text.append(s)

    def end(self, tag: str) -> None:
        tag = C.local(tag)
        if self.nested:
            if tag == "table":
                self.nested -= 1
            return
        if tag in _TEXT_SKIP:
            self.skip -= 1
        elif tag in ("table-cell", "covered-table-cell") and self.cell is not None:
            self._end_cell(self.cell["a"], self.cell["covered"])
            self.cell = None
        elif tag == "table-row" and self.sheet is not None:
            self._end_row()
        elif tag == "table" and self.sheet is not None:
            self.beyond.report(self.grid, self.sheet.name)
            self.sheet = None

    def _end_cell(self, a: dict, covered: bool) -> None:
        repeat = _int(a, "table:number-columns-repeated")
        value = None if covered else self._value(a)
        formula = not covered and value is None and "table:formula" in a and "office:value-type" not in a
        if value is None and not formula:
            self.col += repeat  # empty cells only move the position, however many
            return
        copies = min(repeat, C.MAX_CELLS + 1) * self.row_repeat
        self.count(copies)
        if isinstance(value, str) and copies > 1:  # each copy is read, laid out and written again
            self.budget.add_text(len(value) * (copies - 1))
        row_no = self.row + 1
        spans = (_int(a, "table:number-rows-spanned"), _int(a, "table:number-columns-spanned"))
        for k in range(min(repeat, C.MAX_COLS)):
            self.col += 1
            if self.col > C.MAX_COLS:
                self.beyond.add(row_no, self.col, (repeat - k) * self.row_repeat)
                self.col += repeat - k - 1
                return
            self.current.extend(Cell() for _ in range(self.col - 1 - len(self.current)))
            percent = a.get("office:value-type") == "percentage" and isinstance(value, (int, float))
            self.current.append(Cell(value, percent=percent, formula=formula))
            if spans != (1, 1) and self.sheet is not None:
                self.sheet.merges.append((row_no, self.col, row_no + spans[0] - 1, self.col + spans[1] - 1))
        if repeat > C.MAX_COLS:
            self.beyond.add(row_no, C.MAX_COLS + 1, (repeat - C.MAX_COLS) * self.row_repeat)
            self.col += repeat - C.MAX_COLS

    def _value(self, a: dict):
        kind = a.get("office:value-type")
        text = "".join(self.text)
        if kind in ("float", "percentage", "currency"):
            return _number(a.get("office:value", text))
        if kind == "date" and a.get("office:date-value"):
            try:
                return dt.datetime.fromisoformat(a["office:date-value"])
            except ValueError:
                return clean_cell_text(text)
        if kind == "boolean":
            return a.get("office:boolean-value", "").lower() == "true"
        return clean_cell_text(text) if text else None

    def _end_row(self) -> None:
        sheet = self.sheet
        assert sheet is not None
        if len(sheet.rows) + self.row_repeat > C.MAX_ROWS and self.current:
            raise C.Refused("read-too-many-rows", sheet=sheet.name, max=C.MAX_ROWS)
        if self.current:
            for k in range(self.row_repeat):
                sheet.append(list(self.current) if k else self.current, self.row + k + 1)
        self.row += self.row_repeat


@hookimpl
def register_readers(register: Callable[..., None]) -> None:
    register(OdsReader())
