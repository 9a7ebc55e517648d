"""Built-in writers: the compiled report as a matrix — one row per indicator (its form,
STT, name and unit: STT restarts in every form), one column per unit, then the compiled
total (``matrix-xlsx``, ``matrix-csv``).

Pure: the per-unit values travel in ``Result.extra["matrix"]`` (made by
``aggregate.compile_units``); a Result without them gives the total column only.
"""

from __future__ import annotations

import csv
import math
from typing import Any, BinaryIO, Callable, TextIO

from ..hookspecs import hookimpl
from ..text.messages import render
from ..flow.result import IndicatorResult, Result
from .common import form_titles, headers, heading_lines, lang_of, machine_value, safe_text

LEAD = 4  # form, STT, name, unit: the columns that identify a row (repeated on wide prints)
NAME_MAX = 60.0  # the name column grows into spare page width up to this


def _rows(result: Result, options: dict) -> tuple[list[str], list[tuple[IndicatorResult, list[Any]]]]:
    """Unit names, and per applicable indicator its row: form, STT, name, unit, values…, total.

    STT restarts in every form ("1" is in all seven forms of 2023), so the form column is
    what makes a row's STT unambiguous.
    """
    matrix = result.extra.get("matrix") or {}
    units: list[str] = [u or "?" for u in matrix.get("units", [])]
    per_unit: dict[str, list[Any]] = matrix.get("values", {})
    labels = form_labels(options)
    rows: list[tuple[IndicatorResult, list[Any]]] = []
    for ind in result.indicators:
        if not ind.applicable:
            continue
        lead = [labels.get(ind.form, ind.form), ind.stt, ind.name]
        if ind.type == "group":
            rows.append((ind, [*lead, "", *([None] * len(units)), None]))
            continue
        vals = (list(per_unit.get(ind.id) or []) + [None] * len(units))[: len(units)]
        rows.append((ind, [*lead, ind.unit, *(machine_value(v) for v in vals), machine_value(ind.value)]))
    return units, rows


def _head(units: list[str], lang: str) -> list[str]:
    stt, name, unit = headers(("stt", "name", "unit"), lang)
    return [render("matrix-col-form", {}, lang=lang), stt, name, unit, *units, render("aggregate-matrix-total", {}, lang=lang)]


class MatrixCsvWriter:
    name = "matrix-csv"
    suffix = ".csv"
    binary = False
    description = "Compilation matrix as CSV: one row per indicator, one column per unit, the total last"

    def write(self, result: Result, stream: TextIO, options: dict) -> None:
        from ..text.sanitize import clean_output

        result = clean_output(result)  # called directly too (tests, plugins): never crash on any str
        units, rows = _rows(result, options or {})
        head = _head(units, lang_of(options))
        stream.write("\ufeff")  # Excel opens UTF-8 Vietnamese correctly only with a BOM
        w = csv.writer(stream, lineterminator="\r\n")
        w.writerow([safe_text(h) for h in head])
        for _ind, row in rows:
            w.writerow(["" if v is None else safe_text(v if isinstance(v, str) else _num(v)) for v in row])


def _num(v: Any) -> str:
    return repr(v) if isinstance(v, float) else str(v)


class MatrixXlsxWriter:
    name = "matrix-xlsx"
    suffix = ".xlsx"
    binary = True
    description = "Compilation matrix as Excel: one row per indicator, one column per unit, the total last"

    def write(self, result: Result, stream: BinaryIO, options: dict) -> None:
        from ..text.sanitize import clean_output

        result = clean_output(result)  # called directly too (tests, plugins): never crash on any str
        from openpyxl import Workbook

        options = options or {}
        lang = lang_of(options)
        wb = Workbook()
        ws = wb.active
        ws.title = render("aggregate-matrix-total", {}, lang=lang)
        _matrix_sheet(ws, result, options, lang)
        wb.save(stream)


def _matrix_sheet(ws, result: Result, options: dict, lang: str) -> None:
    """The matrix laid out for print: A4, fit to width (landscape when the units need it),
    header row and identifying columns repeated on every page, wrapped texts with room."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from . import sheetprint as sp

    units, rows = _rows(result, options)
    head = _head(units, lang)
    titles = form_titles(options)
    size = sp.BODY_SIZE
    font, bold = Font(name=sp.FONT, size=size), Font(name=sp.FONT, size=size, bold=True)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    grey = PatternFill("solid", fgColor="D9D9D9")

    widths = _widths(units, rows, head)
    ncols = len(widths)
    landscape, fit, scale = _orientation(sum(widths), ncols)
    # Shrunk to fit, the printer rounds the font size while the columns shrink exactly:
    # text comes out a few percent wider than its column, so wrap estimates leave room.
    wrap = 1.0 if scale >= 1.0 else 0.95
    spare = sp.printable_units(ncols, landscape) - sum(widths)
    if fit and spare > 0:  # room left on the page: fewer wrapped names
        widths[2] += min(spare, max(0.0, NAME_MAX - widths[2]))
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    title_span = ncols if fit else LEAD

    r = 1
    for k, line in enumerate(heading_lines(result, lang)):
        cell = ws.cell(row=r, column=1, value=safe_text(line))
        cell.font = Font(name=sp.FONT, size=13 if k == 0 else size, bold=k == 0, italic=k > 0)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=title_span)
        ws.row_dimensions[r].height = sp.merged_title_height(line, [w * wrap for w in widths[:title_span]], 13 if k == 0 else size, k == 0)
        r += 1
    ws.row_dimensions[r].height = 9.0
    r += 1

    header_row = r
    for col, h in enumerate(head, start=1):
        cell = ws.cell(row=r, column=col, value=safe_text(h))
        cell.font, cell.border, cell.fill = bold, border, grey
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.row_dimensions[r].height = sp.row_height((h, w * wrap, size, True, 0) for h, w in zip(head, widths))

    plan: list[tuple[int, float, bool]] = []  # (row, height, may start a page) for page breaks
    form, prev_group = None, False
    for ind, row in rows:
        r += 1
        if ind.form != form:  # a heading row per form, kept with the rows under it
            form = ind.form
            cell = ws.cell(row=r, column=1, value=safe_text(titles.get(form, form)))
            cell.font, cell.alignment = bold, Alignment(vertical="center", wrap_text=True)
            for col in range(1, ncols + 1):
                ws.cell(row=r, column=col).border = border
                ws.cell(row=r, column=col).fill = PatternFill("solid", fgColor="F2F2F2")
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=LEAD)
            ws.row_dimensions[r].height = sp.merged_title_height(str(cell.value), [w * wrap for w in widths[:LEAD]], size, True)
            plan.append((r, ws.row_dimensions[r].height, True))
            r += 1
            prev_group = True
        group = ind.type == "group"
        texts = []
        for col, v in enumerate(row, start=1):
            cell = ws.cell(row=r, column=col, value=safe_text(v))
            cell.border = border
            cell.font = bold if group or col == ncols else font
            if col <= LEAD or isinstance(v, str):
                cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center" if col in (2, 4) else None)
                texts.append((None if v is None else str(v), widths[col - 1] * wrap, size, group and col <= 3, 0))
            else:
                cell.alignment = Alignment(vertical="top")
                cell.number_format = _number_format(ind, v)
            if col == 2:
                cell.number_format = "@"  # "1.1" is a code, not a number
        ws.row_dimensions[r].height = sp.row_height(texts)
        plan.append((r, ws.row_dimensions[r].height, not prev_group))
        prev_group = group

    ws.freeze_panes = ws.cell(row=header_row + 1, column=LEAD + 1)
    sp.page_setup(
        ws, landscape=landscape, fit_width=fit, title_rows=(header_row, header_row),
        title_cols=None if fit else f"A:{get_column_letter(LEAD)}",
    )
    top = [(i, ws.row_dimensions[i].height or 15.0, False) for i in range(1, header_row + 1)]
    page = sp.printable_height_pt(landscape) / scale
    sp.add_row_breaks(ws, sp.paginate(top + plan, page, ws.row_dimensions[header_row].height))


def _orientation(total: float, ncols: int) -> tuple[bool, bool, float]:
    """(landscape, fit to one page wide, print scale) for columns ``total`` units wide.

    Portrait when it fits at 80 % or more (a portrait page holds more rows); else
    landscape fitted to the page down to 60 %; wider still, landscape at 100 % with the
    pages running across, each repeating the identifying columns.
    """
    from . import sheetprint as sp

    portrait = sp.printable_units(ncols) / total
    if portrait >= 0.8:
        return False, True, min(1.0, portrait)
    landscape = sp.printable_units(ncols, landscape=True) / total
    if landscape >= 0.6:
        return True, True, min(1.0, landscape)
    return True, False, 1.0


def _widths(units: list[str], rows: list[tuple[IndicatorResult, list[Any]]], head: list[str]) -> list[float]:
    """Form and STT as wide as their longest entry, the name wide, one column per unit."""
    from . import sheetprint as sp

    def fit(texts, lo: float, hi: float) -> float:
        need = max((sp.text_units(str(t)) for t in texts if t not in (None, "")), default=lo)
        return float(min(hi, max(lo, math.ceil(need))))

    form = fit([row[0] for _i, row in rows] + [head[0]], 7, 14)
    stt = fit([row[1] for _i, row in rows], 5, 9)
    unit = fit([w for _i, row in rows for w in str(row[3] or "").split()], 11, 13)
    values = [fit([row[4 + k] for _i, row in rows if not isinstance(row[4 + k], str)], 9, 14) for k in range(len(units))]
    total = fit([row[-1] for _i, row in rows if not isinstance(row[-1], str)], 10, 14)
    name = 46.0 if len(units) <= 2 else 40.0
    return [form, stt, name, unit, *values, total]


def _number_format(ind: IndicatorResult, value: Any) -> str:
    if ind.type == "percent":
        return "0.00"
    if isinstance(value, float) and not value.is_integer():
        return "#,##0.00"
    if ind.type == "choice":
        return "0"
    return "#,##0"


def form_labels(options: dict) -> dict[str, str]:
    """'bm1' → 'Biểu mẫu 1' (the form's label in the spec; its id without a spec)."""
    spec = (options or {}).get("spec")
    spec = getattr(spec, "spec", spec)  # a CompiledSpec or a Spec
    return {f.id: getattr(f, "label", "") or f.id for f in getattr(spec, "forms", None) or []}


@hookimpl
def register_writers(register: Callable[..., None]) -> None:
    register(MatrixCsvWriter())
    register(MatrixXlsxWriter())
