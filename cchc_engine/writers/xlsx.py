"""Built-in writer: the appendix in the official Excel layout, with findings marked.

Title rows, then per form a "Biểu mẫu N: …" row and the header STT | Chỉ tiêu
thống kê | Đơn vị tính | Số liệu | Ghi chú. Computed values are filled in as
numbers (percent as 75.86, not 0.7586) in italic with the formula in a comment;
cells with findings are coloured by severity and carry the messages in a
comment; the sheet "Kết quả kiểm tra" lists every finding. The layout is the
one the xlsx reader reads, so a written report can be read back.

Text cells never hold a formula: every text goes through ``safe_text`` and is
stored as a string.
"""

from __future__ import annotations

import io
import math
import re
from typing import Any, BinaryIO, Callable, Optional

from ..findings import Finding
from ..hookspecs import hookimpl
from ..result import IndicatorResult, Result
from ..textnorm import fold
from . import common as c

APPENDIX_SHEET = "Phụ lục"
FINDINGS_SHEET = "Kết quả kiểm tra"
FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
HEADER_FILL = "D9D9D9"
WIDTHS = {"A": 8, "B": 70, "C": 14, "D": 14, "E": 30}
FINDING_WIDTHS = {"A": 12, "B": 24, "C": 28, "D": 26, "E": 90}
MAX_CELL = 32_767  # Excel's limit on a cell's text
EXCEL_MAX = 9.99999999999999e307  # larger numbers are kept as text
NUMBER_FORMATS = {"percent": "0.00", "count": "#,##0"}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


class XlsxWriter:
    name = "xlsx"
    suffix = ".xlsx"
    binary = True
    description = "Bảng phụ lục Excel theo mẫu chính thức, đánh dấu ô có phát hiện"

    def write(self, result: Result, stream: BinaryIO, options: dict) -> None:
        from openpyxl import Workbook

        options = options or {}
        lang = c.lang_of(options)
        wb = Workbook()
        wb.properties.creator = "cchc-engine"
        first = wb.active
        targets: dict[str, str] = {}  # indicator id -> "'Sheet'!D14" in this workbook
        if options.get("findings_only"):
            first.title = FINDINGS_SHEET
            _findings_sheet(first, result, lang, targets)
        else:
            names: set[str] = {FINDINGS_SHEET}
            by_id = c.findings_by_indicator(result)
            forms = c.forms(result, options)
            if options.get("sheet_per_form") and forms:
                for i, (form_id, title, inds) in enumerate(forms):
                    ws = first if i == 0 else wb.create_sheet()
                    ws.title = _sheet_name(title.split(":")[0] or form_id, names)
                    _appendix_sheet(ws, result, [(form_id, title, inds)], by_id, lang, targets)
            else:
                first.title = APPENDIX_SHEET
                _appendix_sheet(first, result, forms, by_id, lang, targets)
            _findings_sheet(wb.create_sheet(FINDINGS_SHEET), result, lang, targets)
        buf = io.BytesIO()
        wb.save(buf)
        stream.write(buf.getvalue())


# -- the appendix ------------------------------------------------------------------------


def _appendix_sheet(ws, result: Result, forms, by_id: dict[str, list[Finding]], lang: str, targets: dict[str, str]) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    for col, width in WIDTHS.items():
        ws.column_dimensions[col].width = width

    row = 1
    for text, font in _title_lines(result, lang):
        _title_row(ws, row, text, font, centre)
        row += 1
    row += 1

    header_rows = []
    for _form_id, title, inds in forms:
        _title_row(ws, row, title, Font(bold=True), Alignment(horizontal="left", vertical="center"))
        row += 1
        for col, head in enumerate(c.headers(c.APPENDIX_COLUMNS, lang), start=1):
            cell = ws.cell(row=row, column=col)
            put(cell, head)
            cell.font, cell.alignment, cell.border = bold, centre, border
            cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        header_rows.append(row)
        row += 1
        for ind in inds:
            _indicator_row(ws, row, ind, by_id.get(ind.id, []), lang, border)
            targets.setdefault(ind.id, f"{_quoted(ws.title)}!D{row}")
            row += 1
        row += 1

    _page_setup(ws)
    if len(header_rows) == 1:  # one form per sheet: repeat its header on every printed page
        ws.print_title_rows = f"{header_rows[0]}:{header_rows[0]}"


def _title_lines(result: Result, lang: str) -> list[tuple[str, Any]]:
    from openpyxl.styles import Font

    lines = []
    if result.unit:
        unit = result.unit if fold(result.unit).startswith(("ubnd", "uy ban")) else f"UBND {result.unit}"
        lines.append((unit.upper(), Font(bold=True)))
    title = (result.spec_title or result.spec).upper()
    period = c.period_label(result.period, lang)
    lines.append((f"{title} {period.upper()}".strip(), Font(bold=True, size=13)))
    head = c.heading_lines(result, lang)
    if len(head) > 1:
        lines.append((head[1], Font(italic=True)))
    lines.append((c.text("legend_xlsx", lang), Font(italic=True, size=9)))
    return lines


def _title_row(ws, row: int, text: str, font, alignment) -> None:
    cell = ws.cell(row=row, column=1)
    put(cell, text)
    cell.font, cell.alignment = font, alignment
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)


def _indicator_row(ws, row: int, ind: IndicatorResult, findings: list[Finding], lang: str, border) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    top_wrap = Alignment(vertical="top", wrap_text=True)
    stt, name, unit, value, note = (ws.cell(row=row, column=col) for col in range(1, 6))
    put(stt, ind.stt)
    put(name, ind.name)
    put(unit, ind.unit)
    put(note, c.display_note(ind, lang))
    for cell in (stt, name, unit, value, note):
        cell.border = border
        cell.alignment = top_wrap
    stt.alignment = Alignment(horizontal="center", vertical="top")
    unit.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
    name.alignment = Alignment(vertical="top", wrap_text=True, indent=max(0, min(ind.depth, 15)))
    if ind.type == "group":
        for cell in (stt, name):
            cell.font = Font(bold=True)
    else:
        _value_cell(value, ind)

    lines = []
    if c.is_computed(ind):
        value.font = Font(italic=True)
        lines.append(c.text("computed_by", lang, formula=ind.formula or "?"))
        if ind.value is None and ind.zero_denominator == "blank":
            lines.append(c.text("zero_note", lang))
    for f in findings:
        lines.append(f"[{c.severity_label(f.severity, lang)}] {f.code}: {f.message}")
    severity = c.worst(findings)
    if severity:
        value.fill = PatternFill("solid", fgColor=FILLS.get(severity, FILLS["info"]))
    if lines:
        value.comment = _comment("\n".join(lines))

    height = _row_height(ind.name, WIDTHS["B"] - 2 * ind.depth, c.display_note(ind, lang), WIDTHS["E"])
    if height:
        ws.row_dimensions[row].height = height


def _value_cell(cell, ind: IndicatorResult) -> None:
    from openpyxl.styles import Alignment

    value = ind.value
    if value is None:
        return
    if c.is_number(value) and abs(value) <= EXCEL_MAX:
        cell.value = value
        cell.number_format = _number_format(ind, value)
        cell.alignment = Alignment(horizontal="right", vertical="top")
    else:
        put(cell, value)
        cell.alignment = Alignment(vertical="top", wrap_text=True)


def _number_format(ind: IndicatorResult, value: Any) -> str:
    if ind.type == "choice" and ind.label:
        # The cell keeps the code (what a submission holds); Excel shows "2 (Hoàn thành)".
        label = re.sub(r'["\\\[\]\r\n]', "", clean(ind.label))[:100]
        return f'0" ({label})"'
    if ind.type in NUMBER_FORMATS:
        return NUMBER_FORMATS[ind.type]
    if isinstance(value, float) and not value.is_integer():
        return "#,##0.00"
    return "#,##0"


# -- findings -----------------------------------------------------------------------------


def _findings_sheet(ws, result: Result, lang: str, targets: dict[str, str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    for col, width in FINDING_WIDTHS.items():
        ws.column_dimensions[col].width = width
    put(ws.cell(row=1, column=1), c.summary(result, lang))
    ws.cell(row=1, column=1).font = Font(bold=True)
    header = 3
    for col, head in enumerate(c.headers(c.FINDING_COLUMNS, lang), start=1):
        cell = ws.cell(row=header, column=col)
        put(cell, head)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    if not result.findings:
        put(ws.cell(row=header + 1, column=1), c.text("no_findings", lang))
    for i, f in enumerate(result.findings, start=header + 1):
        for col, v in enumerate(c.finding_row(f, lang, result.file), start=1):
            cell = ws.cell(row=i, column=col)
            put(cell, v)
            cell.alignment = Alignment(vertical="top", wrap_text=col == 5)
        ws.cell(row=i, column=1).fill = PatternFill("solid", fgColor=FILLS.get(f.severity, FILLS["info"]))
        target = targets.get(f.indicator or "")
        if target:  # jump to the marked cell in this workbook
            link = ws.cell(row=i, column=3)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=target)
            link.font = Font(color="0563C1", underline="single")
    ws.freeze_panes = ws.cell(row=header + 1, column=1)
    last = header + max(1, len(result.findings))
    ws.auto_filter.ref = f"A{header}:E{last}"
    _page_setup(ws)


# -- helpers ------------------------------------------------------------------------------


def put(cell, value: Any) -> None:
    """Store a text as text, never as a formula or an error code."""
    if value is None:
        return
    if c.is_number(value) and abs(value) <= EXCEL_MAX:
        cell.value = value
        return
    text = clean(str(value))
    cell.value = c.safe_text(text)
    cell.data_type = "s"  # "#N/A" would otherwise become an error cell


def clean(text: str) -> str:
    """Drop characters XML cannot carry and keep within Excel's cell limit."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text if len(text) <= MAX_CELL - 1 else text[: MAX_CELL - 2] + "…"


def _comment(text: str):
    from openpyxl.comments import Comment

    text = clean(text)[:8000]
    lines = sum(max(1, math.ceil(len(line) / 55)) for line in text.split("\n"))
    return Comment(text, "cchc-engine", width=320, height=min(600, 24 + 15 * lines))


def _row_height(name: str, name_width: int, note: str, note_width: int) -> Optional[float]:
    """Excel does not grow rows for wrapped text written by openpyxl; estimate the lines."""

    def lines(text: str, width: int) -> int:
        width = max(10, int(width * 1.1))
        return sum(max(1, math.ceil(len(part) / width)) for part in (text or "").split("\n"))

    n = max(lines(name, name_width), lines(note, note_width))
    return min(409.0, 15.0 * n + 2) if n > 1 else None


def _page_setup(ws) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _sheet_name(text: str, taken: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub(" ", clean(text)).strip().strip("'")[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


@hookimpl
def register_writers(register: Callable[..., None]) -> None:
    register(XlsxWriter())
