"""Reference grid sources for tests: what openpyxl (the library Excel files were first read with) sees.

``openpyxl_grid(path)`` builds the same Grid the fast expat source must build:
rows holding at least one value (or a formula without a cached value), trailing
blanks trimmed, real row numbers, merged ranges, the percent flag from the number
format and the formula flag from a second, formula-keeping pass.
"""

from __future__ import annotations

from pathlib import Path

from cchc_engine.flow.grid import Cell, Grid
from cchc_engine.text.textnorm import clean_cell_text

MAX_COLS = 60


def _clean(v):
    return clean_cell_text(v) if isinstance(v, str) else v


def openpyxl_grid(path: Path) -> Grid:
    import openpyxl

    values = openpyxl.load_workbook(path, data_only=True)
    formulas = openpyxl.load_workbook(path, data_only=False)
    grid = Grid(file=str(path))
    for ws, wf in zip(values.worksheets, formulas.worksheets):
        sheet = grid.add_sheet(clean_cell_text(ws.title))
        sheet.merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        for row in ws.iter_rows(max_col=MAX_COLS):
            cells = []
            for c in row:
                value = _clean(c.value)
                f = wf.cell(row=c.row, column=c.column)
                formula = value is None and f.data_type == "f"
                pct = isinstance(value, (int, float)) and "%" in (c.number_format or "")
                cells.append(Cell(None if value == "" else value, percent=pct, formula=formula))
            while cells and cells[-1].value is None and not cells[-1].formula:
                cells.pop()
            if cells:
                sheet.append(cells, row[0].row)
    return grid


def as_tuples(grid: Grid) -> list:
    """A comparable form of a grid: sheets, row numbers, cells (value, type, percent, formula), merges."""
    out = []
    for s in grid.sheets:
        rows = [(n, [(c.value, type(c.value).__name__, c.percent, c.formula) for c in r]) for n, r in zip(s.row_numbers, s.rows)]
        out.append((s.name, rows, sorted(s.merges)))
    return out
