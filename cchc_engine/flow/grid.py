"""The cell grid: the one thing a reader produces.

A reader (a *grid source*) turns a file into sheets of cells and nothing more:
every layout question — where the header is, which form a row belongs to,
"Trong đó" rows, merged cells, title lines with the unit, level and period,
repeated page headers, rows shifted by a lost cell — is answered once, for
every format, by ``cchc_engine.flow.layout``.

A plugin reader writes::

    from cchc_engine.api import Grid

    grid = Grid(file=str(path))
    sheet = grid.add_sheet("Phụ lục")
    sheet.append(["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"])
    sheet.append(["1", "Số văn bản ban hành", "Văn bản", 5, ""])
    sheet.append([None, "Tỷ lệ", "%", Cell(0.7674, percent=True)])
    return grid

This module imports nothing heavy: it is on the hot path of every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

__all__ = ["Cell", "Sheet", "Grid", "column_letter"]


@dataclass(slots=True)
class Cell:
    """One cell as the file holds it.

    ``value`` is what the file stores (str, int, float, bool, datetime or None);
    ``percent`` is True when the number format displays a percent (the cell then
    stores 0.7674 for 76,74 %); ``formula`` is True for a formula whose cached
    value is absent (``value`` is None: the file was never recalculated).
    """

    value: Any = None
    percent: bool = False
    formula: bool = False


@dataclass
class Sheet:
    """A named table of cells: ``rows[i][j]`` is row ``row_numbers[i]``, column ``j + 1``.

    Sources that skip empty rows (sparse xlsx) give each row its real 1-based number,
    so addresses stay those the officer sees. ``merges`` are merged ranges as
    ``(first_row, first_col, last_row, last_col)``, 1-based and inclusive; the value
    of a merged range is in its first cell. A sheet named ``""`` is plain text (pasted
    lines): findings then give its line number (``row``) instead of a cell address.

    A document's table (a Word report's) sets ``table``, its number as the document
    counts its tables: ``row_numbers`` are then that table's rows (0 for the title
    lines printed above it) and findings say "Bảng 4, dòng 13". ``continues`` marks a
    sheet whose rows go on from the previous sheet's (a table continued after a page
    break, with or without its header, with or without its STT column): the layout
    stage keeps the previous sheet's columns and form for it.
    """

    name: str
    rows: list[list[Cell]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    table: Optional[int] = None
    continues: bool = False

    def append(self, values: Iterable[Any], number: Optional[int] = None) -> None:
        """Add a row; plain values are wrapped in ``Cell``. ``number`` defaults to the next row."""
        row = [v if isinstance(v, Cell) else Cell(v) for v in values]
        self.rows.append(row)
        self.row_numbers.append(number if number is not None else (self.row_numbers[-1] + 1 if self.row_numbers else 1))

    def address(self, index: int, col: int) -> str:
        """A1-style address of ``rows[index][col]`` (``col`` 0-based), e.g. 'D14'."""
        return f"{column_letter(col + 1)}{self.row_numbers[index]}"


@dataclass
class Grid:
    """Every sheet (or Word table) a source found in one file.

    ``text_lines`` holds text outside any table (a Word report's paragraphs) in which
    the layout stage looks for the unit, level and period, like the title lines above
    a table. ``findings`` are the source's own findings (a limit that stopped reading,
    an unresolvable sheet), each located. ``unit``/``level``/``period`` may be set
    when the source knows them better than the titles do (the layout keeps them).
    """

    file: str
    sheets: list[Sheet] = field(default_factory=list)
    text_lines: list[str] = field(default_factory=list)
    findings: list[Any] = field(default_factory=list)  # cchc_engine.flow.findings.Finding
    unit: Optional[str] = None
    level: Optional[str] = None
    period: Optional[str] = None

    def add_sheet(self, name: str) -> Sheet:
        sheet = Sheet(name)
        self.sheets.append(sheet)
        return sheet


def column_letter(n: int) -> str:
    """1 → 'A', 27 → 'AA'."""
    letters = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
