"""Built-in writer: the appendix in the official Excel layout, with findings marked.

Title rows, then per form a "Biểu mẫu N: …" row and the header STT | Chỉ tiêu
thống kê | Đơn vị tính | Số liệu | Ghi chú. Computed values are filled in as
numbers (percent as 75.86, not 0.7586) in italic with the formula in a comment;
cells with findings are coloured by severity and carry the messages in a
comment; a value that could not be read shows what was typed ("Báo cáo ghi:
101/119"). Only the rows of the report's level are printed, then the signature
block of the official form. The sheet "Kết quả kiểm tra" lists every finding
with its code (left out with ``options["findings"] = False``: ``--no-findings``),
so codes never reach the printed appendix. The layout is the one the xlsx reader
reads, so a written report reads back to the same values.

Text cells never hold a formula: every text goes through ``safe_text`` and is
stored as a string.
"""

from __future__ import annotations

import io
import math
import re
from typing import Any, BinaryIO, Callable

from ..flow.findings import Finding
from ..hookspecs import hookimpl
from ..text.messages import CATALOG, FORM_TEXT
from ..flow.result import IndicatorResult, Result
from ..text.textnorm import fold
from . import common as c
from . import sheetprint as sp

APPENDIX_SHEET = FORM_TEXT["appendix"]  # the official form's name, in every language
FINDINGS_SHEET = CATALOG["report-findings"][0]  # Vietnamese; the sheet is named in the output language
FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
HEADER_FILL = "D9D9D9"
# One A4 portrait page wide at 100 %; the value column grows to its longest shown value
# (a number never wraps), the name column takes what is left.
FIXED_WIDTHS = {"A": 7, "C": 14, "E": 19}
VALUE_WIDTH = (11.0, 22.0)
FINDING_WIDTHS = {"A": 9, "B": 17, "C": 17, "D": 15}  # E, the message, takes the rest of A4
SIZE = sp.BODY_SIZE
GAP = 9.0  # points: the blank row between forms
MAX_CELL = 32_767  # Excel's limit on a cell's text
EXCEL_MAX = 9.99999999999999e307  # larger numbers are kept as text
NUMBER_FORMATS = {"percent": "0.00", "count": "#,##0"}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


class XlsxWriter:
    name = "xlsx"
    suffix = ".xlsx"
    binary = True
    description = "The appendix as an Excel workbook in the official layout, cells with findings marked"

    def write(self, result: Result, stream: BinaryIO, options: dict) -> None:
        from ..text.sanitize import clean_output

        result = clean_output(result)  # called directly too (tests, plugins): never crash on any str
        from openpyxl import Workbook

        options = options or {}
        lang = c.lang_of(options)
        wb = Workbook()
        wb.properties.creator = "cchc-engine"
        first = wb.active
        targets: dict[str, str] = {}  # indicator id -> "'Sheet'!D14" in this workbook
        findings_sheet = c.text("findings", lang)
        show = c.with_findings(options)
        if options.get("findings_only"):
            first.title = findings_sheet
            _findings_sheet(first, result, lang, targets)
        else:
            names: set[str] = {findings_sheet}
            by_id = c.findings_by_indicator(result)
            forms = c.forms(result, options)
            if options.get("sheet_per_form") and forms:
                for i, (form_id, title, inds) in enumerate(forms):
                    ws = first if i == 0 else wb.create_sheet()
                    ws.title = _sheet_name(title.split(":")[0] or form_id, names)
                    _appendix_sheet(ws, result, [(form_id, title, inds)], by_id, lang, targets, show, i == len(forms) - 1)
            else:
                first.title = APPENDIX_SHEET
                _appendix_sheet(first, result, forms, by_id, lang, targets, show, True)
            if show:
                _findings_sheet(wb.create_sheet(findings_sheet), result, lang, targets)
        buf = io.BytesIO()
        wb.save(buf)
        stream.write(buf.getvalue())


# -- the appendix ------------------------------------------------------------------------


def _appendix_sheet(
    ws, result: Result, forms, by_id: dict[str, list[Finding]], lang: str, targets: dict[str, str],
    show: bool = True, signed: bool = True,
) -> None:
    from openpyxl.styles import Alignment, Border, PatternFill, Side

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = _widths(forms, lang)
    sp.set_widths(ws, widths)

    row = 1
    for text, font in _title_lines(result, lang, show):
        _title_row(ws, row, text, font, centre, widths)
        row += 1
    ws.row_dimensions[row].height = GAP
    row += 1

    header_rows = []
    page_starts: set[int] = set()
    for _form_id, title, inds in forms:
        _title_row(ws, row, title, _font(bold=True), Alignment(horizontal="left", vertical="center", wrap_text=True), widths)
        row += 1
        heads = c.headers(c.APPENDIX_COLUMNS, lang)
        for col, head in enumerate(heads, start=1):
            cell = ws.cell(row=row, column=col)
            put(cell, head)
            cell.font, cell.alignment, cell.border = _font(bold=True), centre, border
            cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        ws.row_dimensions[row].height = sp.row_height((h, w, SIZE, True, 0) for h, w in zip(heads, widths.values()))
        header_rows.append(row)
        row += 1
        prev_group = False
        for k, ind in enumerate(inds):
            # A page may start here (the print titles repeat the header), but not right
            # under the form's header or under a section heading.
            if k >= 2 and not prev_group:
                page_starts.add(row)
            prev_group = ind.type == "group"
            _indicator_row(ws, row, ind, by_id.get(ind.id, []), lang, border, widths, show)
            targets.setdefault(ind.id, f"{_quoted(ws.title)}!D{row}")
            row += 1
        ws.row_dimensions[row].height = GAP
        row += 1
    if signed:
        # no page may start in the block: a page break moves the table's last rows with it,
        # so the signatures never stand alone on a page
        row = _signature(ws, row, lang, widths)

    # Every form has the same header row, so the first one repeats on every printed page.
    first = (header_rows[0], header_rows[0]) if header_rows else None
    sp.page_setup(ws, title_rows=first)
    if first:
        heights = [(r, ws.row_dimensions[r].height or sp.line_height() + 3, r in page_starts) for r in range(1, row)]
        sp.add_row_breaks(ws, sp.paginate(heights, sp.printable_height_pt(), ws.row_dimensions[first[0]].height))


def _widths(forms, lang: str) -> dict[str, float]:
    """Column widths that fit A4 portrait: the value column as wide as its widest value."""
    # Only numbers count: a text value wraps, a number with its label ("1 (Phát phiếu)") cannot.
    shown = [c.display_value(ind, lang, mark=False) for _f, _t, inds in forms for ind in inds if c.is_number(ind.value)]
    need = max((sp.text_units(v) for v in shown), default=0.0)
    value = min(VALUE_WIDTH[1], max(VALUE_WIDTH[0], math.ceil(need + sp.INDENT_PX / sp.PX_PER_UNIT)))
    fixed = {**FIXED_WIDTHS, "D": value}
    widths = sp.fit_widths(fixed, "B", sp.printable_units(5), 30)
    return {col: widths[col] for col in "ABCDE"}


def _font(bold: bool = False, italic: bool = False, size: float = SIZE, **kw: Any):
    from openpyxl.styles import Font

    return Font(name=sp.FONT, size=size, bold=bold, italic=italic, **kw)


def _title_lines(result: Result, lang: str, show: bool = True) -> list[tuple[str, Any]]:
    lines = []
    if result.unit:
        unit = result.unit if fold(result.unit).startswith(("ubnd", "uy ban")) else f"UBND {result.unit}"
        lines.append((unit.upper(), _font(bold=True)))
    title = (result.spec_title or result.spec).upper()
    period = c.period_label(result.period, lang)
    lines.append((f"{title} {period.upper()}".strip(), _font(bold=True, size=13)))
    head = c.heading_lines(result, lang, file=False)  # a printed page names no file
    if len(head) > 1:
        lines.append((head[1], _font(italic=True)))
    lines.append((c.text("legend_xlsx" if show else "legend_xlsx_plain", lang), _font(italic=True, size=9)))
    return lines


def _title_row(ws, row: int, text: str, font, alignment, widths: dict[str, float]) -> None:
    cell = ws.cell(row=row, column=1)
    put(cell, text)
    cell.font, cell.alignment = font, alignment
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
    ws.row_dimensions[row].height = sp.merged_title_height(str(cell.value or ""), list(widths.values()), font.sz or SIZE, bool(font.b))


def _indicator_row(
    ws, row: int, ind: IndicatorResult, findings: list[Finding], lang: str, border, widths: dict[str, float], show: bool = True,
) -> None:
    from openpyxl.styles import Alignment, PatternFill

    top_wrap = Alignment(vertical="top", wrap_text=True)
    stt, name, unit, value, note = (ws.cell(row=row, column=col) for col in range(1, 6))
    put(stt, ind.stt)
    put(name, ind.name)
    put(unit, ind.unit)
    put(note, c.display_note(ind, lang))
    bold = ind.type == "group"
    indent = max(0, min(ind.depth, 15))
    for cell in (stt, name, unit, value, note):
        cell.border = border
        cell.alignment = top_wrap
        cell.font = _font(bold=bold and cell in (stt, name))
    stt.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
    unit.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
    name.alignment = Alignment(vertical="top", wrap_text=True, indent=indent)
    typed = c.unread(ind, findings)
    if typed is not None:
        put(value, c.display_unread(typed, lang))  # what was typed, in the marked cell
        value.alignment = Alignment(vertical="top", wrap_text=True)
    elif not bold:
        _value_cell(value, ind)

    lines = []
    if c.is_computed(ind):
        value.font = _font(italic=True)
        lines.append(c.text("computed_by", lang, formula=ind.formula or "?"))
        if ind.value is None and ind.zero_denominator == "blank":
            lines.append(c.text("zero_note", lang))
    for f in findings if show else ():
        lines.append(f"[{c.severity_label(f.severity, lang)}] {f.message}")  # codes: on the findings sheet
    severity = c.worst(findings)
    if severity:
        value.fill = PatternFill("solid", fgColor=FILLS.get(severity, FILLS["info"]))
    if lines:
        value.comment = _comment("\n".join(lines))

    # The value cell wraps only when it holds text; a number is as wide as column D.
    texts = (
        (stt.value, widths["A"], bold, 0),
        (name.value, widths["B"], bold, indent),
        (unit.value, widths["C"], False, 0),
        (value.value if isinstance(value.value, str) else None, widths["D"], False, 0),
        (note.value, widths["E"], False, 0),
    )
    ws.row_dimensions[row].height = sp.row_height(
        (None if t is None else str(t), w, SIZE, b, i) for t, w, b, i in texts
    )


def _signature(ws, row: int, lang: str, widths: dict[str, float]) -> int:
    """The official form's foot: place and date on the right, then "Người lập biểu" and
    "Thủ trưởng đơn vị" with what each signs, and room to sign. Returns the row after it.

    Laid out so the report reads back clean: no text in the value column (it would be a
    value), and the merges start in the STT column, as a heading's do (the reader takes
    a range starting right of the name as a value hidden under a merge).
    """
    from openpyxl.styles import Alignment

    height = sp.line_height() + 3
    cell = ws.cell(row=row, column=1)
    put(cell, c.text("sign_date", lang))
    cell.font = _font(italic=True)
    cell.alignment = Alignment(horizontal="right", vertical="center")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
    ws.row_dimensions[row].height = height
    row += 1
    for left, right, bold in (("sign_preparer", "sign_head", True), ("sign_preparer_hint", "sign_head_hint", False)):
        for col, key in ((1, left), (5, right)):
            cell = ws.cell(row=row, column=col)
            put(cell, c.text(key, lang))
            cell.font = _font(bold=bold, italic=not bold)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        ws.row_dimensions[row].height = sp.row_height([(c.text(right, lang), widths["E"], sp.BODY_SIZE, bold, 0)])
        row += 1
    for _ in range(4):  # room for the signatures and the seal
        ws.row_dimensions[row].height = height
        row += 1
    return row


def _value_cell(cell, ind: IndicatorResult) -> None:
    from openpyxl.styles import Alignment

    value = ind.value
    if value is None:
        return
    if c.is_number(value) and abs(value) <= EXCEL_MAX:
        cell.value = value
        cell.number_format = _number_format(ind, value)
        cell.alignment = Alignment(horizontal="right", vertical="top", indent=1)  # off the border
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
    from openpyxl.styles import Alignment, Border, PatternFill, Side

    thin = Side(style="thin", color="A6A6A6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    from openpyxl.worksheet.hyperlink import Hyperlink

    # An indicator id has no place to break ("ty_le_hs_truc_tuyen"): LibreOffice cuts it
    # rather than wrap it, so its column is as wide as the longest one (within reason).
    ids = max((sp.text_units(f.indicator) for f in result.findings if f.indicator), default=0.0)
    fixed = {**FINDING_WIDTHS, "C": min(26.0, max(12.0, math.ceil(ids)))}
    by_col = sp.fit_widths(fixed, "E", sp.printable_units(5), 30)
    by_col = {col: by_col[col] for col in "ABCDE"}
    widths = list(by_col.values())
    sp.set_widths(ws, by_col)
    _title_row(ws, 1, c.summary(result, lang), _font(bold=True), Alignment(vertical="top", wrap_text=True), by_col)
    header = 3
    heads = c.headers(c.FINDING_COLUMNS, lang)
    for col, head in enumerate(heads, start=1):
        cell = ws.cell(row=header, column=col)
        put(cell, head)
        cell.font = _font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.border = border
    ws.row_dimensions[header].height = sp.row_height((h, w, SIZE, True, 0) for h, w in zip(heads, widths))
    if not result.findings:
        put(ws.cell(row=header + 1, column=1), c.text("no_findings", lang))
        ws.cell(row=header + 1, column=1).font = _font()
    for i, f in enumerate(result.findings, start=header + 1):
        texts = c.finding_row(f, lang, result.file)
        for col, v in enumerate(texts, start=1):
            cell = ws.cell(row=i, column=col)
            put(cell, v)
            cell.font = _font()
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.row_dimensions[i].height = sp.row_height((str(t), w, SIZE, False, 0) for t, w in zip(texts, widths))
        ws.cell(row=i, column=1).fill = PatternFill("solid", fgColor=FILLS.get(f.severity, FILLS["info"]))
        target = targets.get(f.indicator or "")
        if target:  # jump to the marked cell in this workbook
            link = ws.cell(row=i, column=3)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=target)
            link.font = _font(color="0563C1", underline="single")
    ws.freeze_panes = ws.cell(row=header + 1, column=1)
    last = header + max(1, len(result.findings))
    ws.auto_filter.ref = f"A{header}:E{last}"
    sp.page_setup(ws, title_rows=(header, header))


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
