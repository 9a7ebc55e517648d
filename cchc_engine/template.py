"""A blank appendix workbook for one spec and level, in the official layout.

    title rows → per form: "Biểu mẫu N" + form title (multi-form specs only)
    → two-row header STT | Chỉ tiêu thống kê | Kết quả thống kê (Đơn vị tính, Số liệu) | Ghi chú
    → one row per indicator reported at that level (its STT and wording at that level)

Every input cell is unlocked and carries an Excel data validation (a dropdown of
the answer labels for coded answers, whole numbers ≥ 0 for counts, 0–100 for
percents, decimals for numbers); everything else is locked by sheet protection.

Derived cells (indicators with a formula) are left empty, locked and grey with the
remark "Tự động tính": ``cchc compute`` computes them. An Excel formula would look
nicer, but a workbook written by openpyxl holds no cached results, and the reader
reads cached values (``data_only``), so the cell would read back blank at best —
and a reported value would then be checked against itself. Keeping them empty
means what the unit types is exactly what the engine reads.

Printed, it is an A4 portrait form at 100 %: every row is as tall as its wrapped
name, unit or note (``writers/sheetprint.py``), the header rows repeat on every
page, and manual page breaks keep each form's title with its header and first rows.

Pure: spec + level → openpyxl Workbook (saving is the caller's job).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Optional

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from .text.messages import FORM_TEXT, fmt_number, render
from .spec.runtime import CompiledSpec
from .spec.runtime import Indicator  # the runtime form: what the engine is given
from .writers import sheetprint as sp

SHEET = FORM_TEXT["appendix"]
COLUMNS = ("A", "B", "C", "D", "E")  # STT, name, unit, value, note
# One A4 portrait page wide at 100 %: the name column takes what the others leave.
# A fits "Trong đó" on one line (the breakdown marker printed in the STT column).
WIDTHS = sp.fit_widths({"A": 9, "C": 14, "D": 11, "E": 16}, "B", sp.printable_units(5), 30)
SIZE = sp.BODY_SIZE
GAP = 9.0  # points: the blank row between forms
BODY = Font(name=sp.FONT, size=SIZE)
BOLD = Font(name=sp.FONT, size=SIZE, bold=True)
GREY = PatternFill("solid", start_color="D9D9D9", end_color="D9D9D9")
INPUT = PatternFill("solid", start_color="FFF9E5", end_color="FFF9E5")
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
MAX_LIST = 255  # Excel's limit for an inline list validation


@dataclass
class TemplateInfo:
    """What was written: the input cell of each indicator (for tests and messages)."""

    level: str
    forms: int = 0
    rows: int = 0
    inputs: dict[str, str] = field(default_factory=dict)  # indicator id → "D14"
    derived: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # note_of indicator id → the Ghi chú cell it is read from


def _walk(inds: list[Indicator], level: str, depth: int = 0) -> Iterator[tuple[Indicator, int, bool]]:
    """The rows ``level`` prints: (indicator, depth, first of a run of 'Trong đó' breakdown
    siblings → print 'Trong đó').

    Only rows that are breakdowns (``row: breakdown``, or the old default: no STT)
    start a 'Trong đó'; an un-numbered ordinary row (``row: item``) prints nothing
    there, and a row the template does not print (``row: none``) is skipped. Rows of
    other levels are skipped before the run is counted: at the commune level
    "Số TTHC cấp xã:" is the first breakdown printed, so it carries the 'Trong đó'
    its district sibling carries on the district's form.
    """
    prev_breakdown = False
    for ind in inds:
        if not ind.printed:
            continue
        if ind.applies_to(level):
            breakdown = ind.row_kind == "breakdown"
            yield ind, depth, breakdown and not prev_breakdown
            prev_breakdown = breakdown
        yield from _walk(ind.children, level, depth + 1)


def choice_list(compiled: CompiledSpec, ind: Indicator) -> list[str]:
    """What the dropdown offers: the labels (the value normaliser reads them back as codes);
    the codes themselves when a label could not sit in an inline list."""
    choices = compiled.choice_set(ind)
    labels = [c.label for c in choices]
    if any("," in lab or '"' in lab for lab in labels) or len(",".join(labels)) + 2 > MAX_LIST:
        return [str(c.code) for c in choices]
    return labels


def _validation(compiled: CompiledSpec, ind: Indicator) -> DataValidation:
    """The cell check for every input of ``ind``'s kind (type, choices, bounds): one
    validation serves all of them, so its message says what the kind takes, never
    naming one row."""
    if ind.type == "choice":
        items = choice_list(compiled, ind)
        dv = DataValidation(type="list", formula1='"' + ",".join(items) + '"', allow_blank=True)
        listed = ", ".join(f"{c.code} = {c.label}" for c in compiled.choice_set(ind))
        dv.prompt = listed
        error = render("template-invalid-choice", {"choices": listed})
    elif ind.type == "count":
        lo = int(ind.min) if ind.min is not None else 0
        if ind.max is not None:
            dv = DataValidation(type="whole", operator="between", formula1=str(lo), formula2=str(int(ind.max)), allow_blank=True)
            error = render("template-invalid-count-range", {"min": lo, "max": int(ind.max)})
        else:
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1=str(lo), allow_blank=True)
            error = render("template-invalid-count", {"min": lo})
    elif ind.type == "percent":
        lo = ind.min if ind.min is not None else 0
        hi = ind.max if ind.max is not None else 100
        dv = DataValidation(type="decimal", operator="between", formula1=_num(lo), formula2=_num(hi), allow_blank=True)
        error = render("template-invalid-percent", {"min": _shown(lo), "max": _shown(hi)})
    elif ind.type == "number":
        lo = ind.min if ind.min is not None else -1e15
        hi = ind.max if ind.max is not None else 1e15
        dv = DataValidation(type="decimal", operator="between", formula1=_num(lo), formula2=_num(hi), allow_blank=True)
        if ind.min is None and ind.max is None:
            error = render("template-invalid-number", {})
        else:
            error = render("template-invalid-number-range", {"min": _shown(lo), "max": _shown(hi)})
    else:  # text
        dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="2000", allow_blank=True)
        error = render("template-invalid-text", {"max": _shown(2000)})
    dv.showErrorMessage = True
    dv.error = error[:225]  # Excel's limit on a validation message
    dv.errorTitle = render("template-invalid-title", {})
    return dv


def _shown(x: float) -> str:
    """A bound as an officer reads it: 100, 0,5, 2.000."""
    return fmt_number(x)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _row(ws, r: int, values: tuple, bold: bool = False, indent: int = 0) -> None:
    """One bordered row of wrapping cells, its height grown to its longest text."""
    for col, value in zip(COLUMNS, values):
        cell = ws[f"{col}{r}"]
        cell.value = value
        cell.border = BORDER
        cell.alignment = CENTER if col in ("A", "C", "D") else WRAP
        cell.font = BOLD if bold else BODY
    if indent:
        ws[f"B{r}"].alignment = Alignment(wrap_text=True, vertical="center", indent=indent)
    ws.row_dimensions[r].height = sp.row_height(
        (None if v is None else str(v), WIDTHS[col], SIZE, bold, indent if col == "B" else 0)
        for col, v in zip(COLUMNS, values)
    )


def _title(ws, r: int, text: str, size: float, bold: bool, merge: bool = True, center: bool = True) -> None:
    cell = ws[f"A{r}"]
    cell.value = text
    cell.font = Font(name=sp.FONT, size=size, bold=bold)
    cell.alignment = Alignment(horizontal="center" if center else "left", vertical="center", wrap_text=merge)
    if merge:
        ws.merge_cells(f"A{r}:E{r}")
        ws.row_dimensions[r].height = sp.merged_title_height(text, list(WIDTHS.values()), size, bold)


def _header(ws, r: int) -> tuple[int, int]:
    """The two-row header STT | Chỉ tiêu thống kê | Kết quả thống kê (Đơn vị tính, Số liệu) | Ghi chú."""
    f = FORM_TEXT
    _row(ws, r, ("STT", f["name"], f["result"], None, f["note"]), bold=True)
    _row(ws, r + 1, (None, None, f["unit"], f["value"], None), bold=True)
    ws.merge_cells(f"C{r}:D{r}")
    for col in ("A", "B", "E"):
        ws.merge_cells(f"{col}{r}:{col}{r + 1}")
    return (r, r + 1)


def build_template(compiled: CompiledSpec, level: str) -> tuple[Workbook, TemplateInfo]:
    """The blank appendix workbook for ``level`` (a level id of the spec)."""
    spec = compiled.spec
    info = TemplateInfo(level=level)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    sp.set_widths(ws, WIDTHS)

    lv = next(x for x in spec.levels if x.id == level)
    r = 1
    for text, size in ((FORM_TEXT["appendix"], 12), (spec.title.upper(), 13), (f"({lv.name})", 11), (render("template-unit-line", {}), 11)):
        _title(ws, r, text, size, bold=size > 11)
        r += 1
    ws.row_dimensions[r].height = GAP
    r += 1
    page_starts: set[int] = set()
    header_rows: Optional[tuple[int, int]] = None
    validations: dict[str, tuple[DataValidation, list[str]]] = {}
    multi = len(spec.forms) > 1
    sectioned = any(f.markers for f in spec.forms)
    note_figures: dict[str, list] = {}  # row id → indicators whose figure is written in its Ghi chú
    for _form, ind in spec.indicators():
        if ind.note_of and ind.applies_to(level):
            note_figures.setdefault(ind.note_of, []).append(ind)
    for form in spec.forms:
        rows = list(_walk(form.indicators, level))
        if not rows:
            continue
        info.forms += 1
        if sectioned:
            # one table whose sections open with their own row ("I | CÔNG TÁC CHỈ ĐẠO…")
            if header_rows is None:
                header_rows = _header(ws, r)
                r += 2
            else:
                page_starts.add(r)  # a page may open with a section's own row, never strand it
            _row(ws, r, ((form.markers or [form.label])[0] or None, form.title.upper(), None, None, None), bold=True)
            r += 1
        elif multi:
            _title(ws, r, form.label or form.id, SIZE, bold=True, merge=False, center=False)
            r += 1
            _title(ws, r, form.title.upper(), SIZE, bold=True)
            r += 1
        if not sectioned:
            first = _header(ws, r)
            header_rows = header_rows or first
            r += 2
        prev_group = False
        for k, (ind, depth, trong_do) in enumerate(rows):
            # A page may start here (the print titles repeat the header above it), but not
            # right under the form's header or under a section heading.
            if k >= 2 and not prev_group:
                page_starts.add(r)
            prev_group = ind.type == "group"
            stt = ind.stt_for(level) or (FORM_TEXT["of_which"] if trong_do else None)
            name = ind.name_for(level)
            note = ind.note or None
            is_group = ind.type == "group"
            derived = bool(ind.formula)
            if derived:
                note = render("template-auto", {}) + (f" — {ind.note}" if ind.note else "")
            _row(ws, r, (stt, name, ind.unit or None, None, note), bold=is_group or depth == 0, indent=min(depth, 4))
            value = ws[f"D{r}"]
            if is_group:
                pass
            elif derived:
                value.fill = GREY
                value.comment = Comment(f"{render('template-auto', {})}: {ind.formula}", "cchc")
                info.derived[ind.id] = f"D{r}"
            else:
                value.protection = Protection(locked=False)
                value.fill = INPUT
                value.number_format = {"count": "0", "percent": "0.00", "number": "#,##0.##"}.get(ind.type, "@")
                key = f"{ind.type}:{ind.choices or ''}:{ind.min}:{ind.max}"
                if key not in validations:
                    validations[key] = (_validation(compiled, ind), [])
                validations[key][1].append(f"D{r}")
                info.inputs[ind.id] = f"D{r}"
            for figure in note_figures.get(ind.id, []):
                # the template asks for this figure in the row's Ghi chú (note_of): that cell is an input
                note_cell = ws[f"E{r}"]
                note_cell.protection = Protection(locked=False)
                note_cell.fill = INPUT
                note_cell.comment = Comment(render("template-note-figure", {"name": figure.name, "unit": figure.unit}), "cchc")
                info.notes[figure.id] = f"E{r}"
            info.rows += 1
            r += 1
        if not sectioned:
            # separate forms are separate tables; sections are parts of one table, as printed
            ws.row_dimensions[r].height = GAP
            r += 1
    for dv, cells in validations.values():
        for cell in cells:
            dv.add(cell)
        ws.add_data_validation(dv)

    ws.protection.sheet = True
    ws.protection.formatColumns = False  # officers may widen a column
    ws.protection.formatRows = False
    # Every form has the same two header rows, so the first form's repeat on every page.
    sp.page_setup(ws, title_rows=header_rows)
    if header_rows:
        heights = [(row, ws.row_dimensions[row].height or sp.line_height() + 3, row in page_starts) for row in range(1, r)]
        repeated = sum(ws.row_dimensions[row].height for row in range(header_rows[0], header_rows[1] + 1))
        sp.add_row_breaks(ws, sp.paginate(heights, sp.printable_height_pt(), repeated))
    ws.freeze_panes = None
    return wb, info
