"""Built-in writers: the compiled report as a matrix — one row per indicator, one
column per unit, then the compiled total (``matrix-xlsx``, ``matrix-csv``).

Pure: the per-unit values travel in ``Result.extra["matrix"]`` (made by
``aggregate.compile_units``); a Result without them gives the total column only.
"""

from __future__ import annotations

import csv
from typing import Any, BinaryIO, Callable, TextIO

from ..hookspecs import hookimpl
from ..messages import render
from ..result import Result
from .common import headers, heading_lines, lang_of, machine_value, safe_text


def _table(result: Result, lang: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows; values as numbers (machine form), groups as section rows."""
    matrix = result.extra.get("matrix") or {}
    units: list[str] = [u or "?" for u in matrix.get("units", [])]
    per_unit: dict[str, list[Any]] = matrix.get("values", {})
    stt, name, unit = headers(("stt", "name", "unit"), lang)
    head = [stt, name, unit, *units, render("aggregate-matrix-total", {}, lang=lang)]
    rows: list[list[Any]] = []
    for ind in result.indicators:
        if not ind.applicable:
            continue
        if ind.type == "group":
            rows.append([ind.stt, ind.name, "", *([None] * len(units)), None])
            continue
        vals = (list(per_unit.get(ind.id) or []) + [None] * len(units))[: len(units)]
        rows.append([ind.stt, ind.name, ind.unit, *(machine_value(v) for v in vals), machine_value(ind.value)])
    return head, rows


class MatrixCsvWriter:
    name = "matrix-csv"
    suffix = ".csv"
    binary = False
    description = "Bảng tổng hợp CSV: mỗi chỉ tiêu một dòng, mỗi đơn vị một cột, cột cuối là tổng"

    def write(self, result: Result, stream: TextIO, options: dict) -> None:
        head, rows = _table(result, lang_of(options))
        stream.write("\ufeff")  # Excel opens UTF-8 Vietnamese correctly only with a BOM
        w = csv.writer(stream, lineterminator="\r\n")
        w.writerow([safe_text(h) for h in head])
        for row in rows:
            w.writerow(["" if v is None else safe_text(v if isinstance(v, str) else _num(v)) for v in row])


def _num(v: Any) -> str:
    return repr(v) if isinstance(v, float) else str(v)


class MatrixXlsxWriter:
    name = "matrix-xlsx"
    suffix = ".xlsx"
    binary = True
    description = "Bảng tổng hợp Excel: mỗi chỉ tiêu một dòng, mỗi đơn vị một cột, cột cuối là tổng"

    def write(self, result: Result, stream: BinaryIO, options: dict) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter

        lang = lang_of(options)
        head, rows = _table(result, lang)
        wb = Workbook()
        ws = wb.active
        ws.title = render("aggregate-matrix-total", {}, lang=lang)
        r = 1
        for line in heading_lines(result, lang):
            ws.cell(row=r, column=1, value=safe_text(line)).font = Font(bold=True)
            r += 1
        r += 1
        for c, h in enumerate(head, start=1):
            cell = ws.cell(row=r, column=c, value=safe_text(h))
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        header_row = r
        for row in rows:
            r += 1
            for c, v in enumerate(row, start=1):
                cell = ws.cell(row=r, column=c, value=safe_text(v))
                if c == 1:
                    cell.number_format = "@"
            ws.cell(row=r, column=len(head)).font = Font(bold=True)
        ws.freeze_panes = ws.cell(row=header_row + 1, column=4)
        widths = {1: 8, 2: 60, 3: 14}
        for c in range(1, len(head) + 1):
            ws.column_dimensions[get_column_letter(c)].width = widths.get(c, 14)
        wb.save(stream)


@hookimpl
def register_writers(register: Callable[..., None]) -> None:
    register(MatrixCsvWriter())
    register(MatrixXlsxWriter())
