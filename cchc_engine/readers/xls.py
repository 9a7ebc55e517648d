"""Built-in grid source for .xls (Excel 97-2003) through xlrd, which keeps number formats.

``formatting_info=True`` gives each cell's format string, so a cell formatted as a
percent is flagged like in .xlsx; numbers that are whole come back as int, as the
.xlsx source gives them, so every format of one appendix reads the same.

xlrd writes what it finds odd ("WARNING *** file size … not 512 + multiple of sector
size") to its ``logfile``, stdout by default: that would break ``-f json`` on stdout.
Its log goes to a writer that drops it (xlrd raises no Python warnings), so nothing
but our own output reaches the terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from ..flow.grid import Cell, Grid
from ..hookspecs import hookimpl
from ..text.textnorm import clean_cell_text
from . import container as C
from ..text.messages import render


def _what() -> str:
    """What the file is, for reasons shown to the user (catalogue ``kind-xls``)."""
    return render("kind-xls", {})


MAX_BYTES = 50 * 1024 * 1024  # xlrd reads the whole file into memory; a real appendix is < 1 MB


class XlsReader:
    name = "xls"
    suffixes = (".xls",)
    description = "Appendix workbook, Excel 97-2003 (.xls)"

    def sniff(self, path: Path) -> bool:
        try:
            with open(path, "rb") as fh:
                return fh.read(8) == C.OLE_MAGIC and C.ole_kind(path) == "xls"
        except OSError:
            return False

    def read(self, path: Path, options: Optional[dict] = None) -> Grid:
        with open(path, "rb") as fh:
            head = fh.read(512)
        if not head:
            raise C.unreadable(path, "read-empty", what=_what())
        if not head.startswith(C.OLE_MAGIC):
            raise C.unreadable(path, "read-is-text" if C.looks_like_text(head) else "read-not-zip", what=_what())
        C.refuse_ole(path, head, xls_ok=True)  # a password-protected file or a Word .doc: say so
        if path.stat().st_size > MAX_BYTES:
            raise C.unreadable(path, "read-too-large", size=path.stat().st_size // 2**20, max=MAX_BYTES // 2**20)
        try:
            return _read(path)
        except C.Refused as exc:
            raise C.unreadable(path, exc.code, **exc.values) from None
        except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct.error, IndexError …
            detail = f"{type(exc).__name__}: {exc}"[:200]
            raise C.unreadable(path, "read-xls-broken", detail=detail) from None


class _Discard:
    """xlrd's logfile: whatever it says about a file is not for the officer's terminal."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def _read(path: Path) -> Grid:
    import xlrd  # lazy: only .xls files pay for it

    book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True, logfile=_Discard(), verbosity=0)
    grid = Grid(file=str(path))
    total = 0
    try:
        for index in range(book.nsheets):
            sh = book.sheet_by_index(index)
            sheet = grid.add_sheet(clean_cell_text(sh.name))
            if sh.nrows > C.MAX_ROWS:
                raise C.Refused("read-too-many-rows", sheet=sheet.name, max=C.MAX_ROWS)
            count, beyond = 0, C.Beyond()
            for r in range(sh.nrows):
                row = sh.row(r)
                used = sum(1 for c in row if c.ctype not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK))
                count, total = count + used, total + used
                if count > C.MAX_CELLS:
                    raise C.Refused("read-too-many-cells-sheet", sheet=sheet.name, max=C.MAX_CELLS)
                if total > C.MAX_CELLS_TOTAL:
                    raise C.Refused("read-too-many-cells", max=C.MAX_CELLS_TOTAL)
                for j, c in enumerate(row[C.MAX_COLS :], start=C.MAX_COLS + 1):
                    if c.ctype not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        beyond.add(r + 1, j)
                cells = [_cell(book, c) for c in row[: C.MAX_COLS]]
                while cells and cells[-1].value is None:
                    cells.pop()
                if cells:
                    sheet.append(cells, r + 1)
            beyond.report(grid, sheet.name)
            sheet.merges = [(r1 + 1, c1 + 1, r2, c2) for r1, r2, c1, c2 in sh.merged_cells]
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return grid


def _cell(book, c) -> Cell:
    import xlrd

    t, v = c.ctype, c.value
    if t in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) or (t == xlrd.XL_CELL_TEXT and v == ""):
        return Cell()
    if t == xlrd.XL_CELL_TEXT:
        return Cell(clean_cell_text(v))
    if t == xlrd.XL_CELL_BOOLEAN:
        return Cell(bool(v))
    if t == xlrd.XL_CELL_ERROR:
        return Cell(xlrd.error_text_from_code.get(v, "#VALUE!"))
    if t == xlrd.XL_CELL_DATE:
        try:
            return Cell(xlrd.xldate_as_datetime(v, book.datemode))
        except (ValueError, OverflowError):
            return Cell("#VALUE!")
    number = int(v) if isinstance(v, float) and v.is_integer() and abs(v) < 1e15 else v
    fmt = book.format_map.get(book.xf_list[c.xf_index].format_key) if c.xf_index is not None else None
    return Cell(number, percent="%" in (fmt.format_str if fmt else ""))


@hookimpl
def register_readers(register: Callable[..., None]) -> None:
    register(XlsReader())
