"""cchc-docx: the statistics appendix as a Word table (format ``docx``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Optional

from cchc_engine import api
from cchc_engine.api import hookimpl

if TYPE_CHECKING:  # annotations only: the plugin is imported on every run, even --help
    from cchc_engine.api import IndicatorResult, Result

# Other api names are read as ``api.<name>`` when the plugin works: naming them here
# would import their modules on every `cchc` run, even --help.

__version__ = "0.2.1"

LANGS = ("vi", "en")

# This plugin's texts, added to the engine's catalogue (api.add_messages) the first time
# one is needed: codes prefixed with the plugin's name, (Vietnamese, English).
MESSAGES = {
    "docx-col-stt": ("STT", "STT"),
    "docx-col-name": ("Chỉ tiêu thống kê", "Indicator"),
    "docx-col-unit": ("Đơn vị tính", "Unit"),
    "docx-col-value": ("Số liệu", "Value"),
    "docx-col-note": ("Ghi chú", "Note"),
    "docx-title": ("THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH", "STATISTICS OF ADMINISTRATIVE REFORM"),
    "docx-attached": ("(Kèm theo Báo cáo số ......../BC-UBND ngày ....../....../{year} của {unit})", "(Attached to report No. ........ of {unit}, {year})"),
    "docx-legend": (
        "Ghi chú: số liệu in nghiêng là giá trị tính theo công thức; ô tô màu là ô có phát hiện khi kiểm tra.",
        "Note: values in italics are computed by formula; shaded cells are where the check found something.",
    ),
    "docx-findings": ("Kết quả kiểm tra", "Findings"),
    "docx-other-findings": ("Kết quả kiểm tra chung", "Other findings"),
    "docx-reported": ("Báo cáo ghi: {value}", "Reported: {value}"),
    "docx-zero-note": ("Mẫu số bằng 0: không phát sinh", "Zero denominator: nothing to report"),
    "docx-missing": ("chưa có số liệu", "no data"),
    "docx-severity-error": ("Lỗi", "Error"),
    "docx-severity-warning": ("Cảnh báo", "Warning"),
    "docx-severity-info": ("Thông tin", "Info"),
    "docx-quarter": ("QUÝ {q} NĂM {y}", "QUARTER {q} {y}"),
    "docx-half": ("6 THÁNG ĐẦU NĂM {y}", "FIRST HALF OF {y}"),
    "docx-nine": ("9 THÁNG NĂM {y}", "NINE MONTHS OF {y}"),
    "docx-year": ("NĂM {y}", "YEAR {y}"),
    "docx-month": ("THÁNG {m} NĂM {y}", "MONTH {m} {y}"),
}
_added = False


def text(key: str, lang: Optional[str] = None, **values: Any) -> str:
    """One of this plugin's texts (``docx-<key>``) in ``lang`` (default: the officer's), filled with ``values``."""
    global _added
    if not _added:
        api.add_messages(MESSAGES)
        _added = True
    return api.message(f"docx-{key}", lang=lang, **values)


def headers(lang: str) -> tuple[str, ...]:
    return tuple(text(f"col-{k}", lang) for k in ("stt", "name", "unit", "value", "note"))


_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}

A4_WIDTH_CM = 21.0
MARGINS_CM = (3.0, 1.5, 2.0, 2.0)  # left, right, top, bottom
TABLE_PT = 11  # the table's font size; the body text stays 12
CELL_PAD_CM = 0.19 * 2 + 0.05  # Word's default cell margins, plus the borders
INDENT_CM = 0.3
MIN_WORD_CM = 3.2
MEASURE_CHARS = 1000  # a longer "word" (an URL, an id) may break rather than widen its column


def period_title(period: Optional[str], lang: str) -> str:
    """'2023-Q3' → 'QUÝ III NĂM 2023'."""
    if not period:
        return ""
    year, _, part = period.partition("-")
    if part.startswith("Q"):
        return text("quarter", lang, q=_ROMAN.get(part[1:], part[1:]), y=year)
    if part == "H1":
        return text("half", lang, y=year)
    if part == "9M":
        return text("nine", lang, y=year)
    if part.startswith("M"):
        return text("month", lang, m=int(part[1:]), y=year)
    return text("year", lang, y=year)


def unread(ind: IndicatorResult, findings: list) -> Optional[str]:
    """What the officer typed where no value could be read ('101/119' in a count), else None.
    Only a text a warning or an error is about: 'Không' read as a blank (an info) is not lost."""
    if ind.type == "group" or ind.value is not None or ind.source == "computed":
        return None
    raw = (ind.raw or "").strip()
    if not raw or not any(f.severity in ("error", "warning") for f in findings):
        return None
    return raw


def show_value(ind: IndicatorResult, lang: str, findings: Optional[list] = None) -> str:
    """The Số liệu cell: '1.859', '75,86', '1 (Có)', 'Báo cáo ghi: 101/119', '' for a heading row."""
    if ind.type == "group":
        return ""
    typed = unread(ind, findings or [])
    if typed is not None:
        return text("reported", lang, value=typed)
    if ind.value is None:
        return ""  # a 0/0 ratio left blank says so in its note: a blank reads back as a blank
    elif isinstance(ind.value, (int, float)) and not isinstance(ind.value, bool):
        shown = api.format_number(ind.value, lang)
        if ind.label:
            shown += f" ({ind.label})"
    else:
        shown = str(ind.value)
    # A computed value is in italics (the legend says so), not marked with a star: the
    # cell must read back as the number it shows.
    return shown


def show_note(ind: IndicatorResult, lang: str) -> str:
    parts = [ind.note] if ind.note else []
    if ind.source == "computed" and ind.reported is not None:
        value = ind.reported
        shown = api.format_number(value, lang) if isinstance(value, (int, float)) else str(value)
        parts.append(text("reported", lang, value=shown))
    if ind.source == "computed" and ind.value is None and ind.zero_denominator:
        parts.append(text("zero-note", lang))
    return "; ".join(parts)


class DocxWriter:
    name = "docx"
    suffix = ".docx"
    binary = True
    description = "Appendix as Word (.docx): the form of the level, signed, then the findings"

    def write(self, result: Result, stream: BinaryIO, options: dict) -> None:
        result = api.clean_output(result)  # called directly too (tests, plugins): never crash on any str
        import docx
        from docx.enum.section import WD_ORIENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        options = options or {}
        lang = options.get("lang") if options.get("lang") in LANGS else "vi"
        doc = docx.Document()
        style = doc.styles["Normal"]
        style.font.name = "Times New Roman"
        style.font.size = Pt(12)
        section = doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        # The margins of Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP).
        section.left_margin, section.right_margin = Cm(MARGINS_CM[0]), Cm(MARGINS_CM[1])
        section.top_margin, section.bottom_margin = Cm(MARGINS_CM[2]), Cm(MARGINS_CM[3])
        _page_number_footer(section)

        def line(words: str, bold: bool = False, italic: bool = False, center: bool = True, size: int = 12) -> None:
            p = doc.add_paragraph()
            run = p.add_run(words)
            run.bold, run.italic, run.font.size = bold, italic, Pt(size)
            if center:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER

        unit = result.unit or ""
        committee = unit if _folded(unit).startswith(("ubnd", "uy ban")) else f"UBND {unit}"
        if unit:
            line(committee.upper(), bold=True, center=False)
        title = f"{text('title', lang)} {period_title(result.period, lang)}".strip()
        line(title, bold=True, size=13)
        if result.spec_title and result.spec_title.upper() not in title:
            line(result.spec_title, italic=True)
        year = (result.period or "").split("-")[0] or "......"
        line(text("attached", lang, year=year, unit=committee if unit else "UBND ........"), italic=True)

        by_ind: dict[str, list] = {}
        for f in result.findings:
            if f.indicator:
                by_ind.setdefault(f.indicator, []).append(f)
        # The form of the report's level: only its rows, numbered as its template ("Trong đó").
        forms = api.forms(result, options)
        titles = {form_id: title for form_id, title, _inds in forms}
        by_form: dict[str, list[IndicatorResult]] = {form_id: inds for form_id, _title, inds in forms}
        rows = {form_id: [_cells(ind, lang, by_ind.get(ind.id, [])) for ind in inds] for form_id, inds in by_form.items()}
        # One set of widths for every form, so the tables line up page after page.
        widths = [Cm(w) for w in column_widths(headers(lang), [r for form in rows.values() for r in form])]
        for form_id, inds in by_form.items():
            heading = doc.add_paragraph()
            heading.paragraph_format.keep_with_next = True  # never a form title alone at a page's foot
            heading.paragraph_format.space_before = Pt(10)
            run = heading.add_run(titles.get(form_id, form_id))
            run.bold = True
            table = doc.add_table(rows=1, cols=5)
            table.style = "Table Grid"
            table.autofit = False  # fixed layout: Word and LibreOffice keep the widths below
            for column, width in zip(table.columns, widths):
                column.width = width  # the grid LibreOffice lays the table out by
            header = table.rows[0]
            _repeat_as_header(header)
            for cell, label, width in zip(header.cells, headers(lang), widths):
                cell.width = width
                run = cell.paragraphs[0].add_run(label)
                run.bold = True
                run.font.size = Pt(TABLE_PT)
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            for ind, texts in zip(inds, rows[form_id]):
                row = table.add_row()
                _keep_row_on_one_page(row)
                for i, (cell, shown, width) in enumerate(zip(row.cells, texts, widths)):
                    cell.width = width
                    paragraph = cell.paragraphs[0]
                    run = paragraph.add_run(shown)
                    run.font.size = Pt(TABLE_PT)
                    if ind.type == "group" or (ind.depth == 0 and i < 2):
                        run.bold = True
                    if i == 1 and ind.depth:
                        paragraph.paragraph_format.left_indent = Cm(INDENT_CM * ind.depth)
                    if i in (0, 2):
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    if i == 3:
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                        run.italic = ind.source == "computed"
                        severity = _worst(by_ind.get(ind.id, []))
                        if severity:  # the cell is marked as the xlsx report marks it
                            _shade(cell, FILLS[severity])
        line(text("legend", lang), italic=True, center=False, size=11)
        _signature(doc, lang)
        if options.get("findings", True) is not False:
            _findings(doc, result, by_form, lang)
        doc.core_properties.title = f"{text('title', lang)} {period_title(result.period, lang)}".strip()
        doc.save(stream)


def _folded(words: str) -> str:
    """Lower case without accents ('Ủy ban' → 'uy ban'), to tell a name that already says UBND."""
    import unicodedata

    decomposed = unicodedata.normalize("NFD", words.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}  # as the xlsx report's


def _worst(findings: list) -> Optional[str]:
    rank = {"error": 0, "warning": 1, "info": 2}
    found = sorted((f.severity for f in findings if f.severity in rank), key=rank.__getitem__)
    return found[0] if found else None


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _signature(doc: Any, lang: str) -> None:
    """The official form's foot: place and date over the right column, then "Người lập
    biểu" and "Thủ trưởng đơn vị" with what each signs, and room to sign. Paragraphs on
    two centred tab stops, not a table: the report has one kind of table, the appendix."""
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Cm, Pt

    usable = A4_WIDTH_CM - MARGINS_CM[0] - MARGINS_CM[1]
    stops = (Cm(usable * 0.22), Cm(usable * 0.75))

    def para(parts: tuple[str, str], bold: bool = False, italic: bool = False, before: int = 0) -> None:
        p = doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.keep_with_next = True  # the block stays on one page
        fmt.space_before, fmt.space_after = Pt(before), Pt(0)
        for stop in stops:
            fmt.tab_stops.add_tab_stop(stop, WD_TAB_ALIGNMENT.CENTER)
        run = p.add_run("\t" + parts[0] + "\t" + parts[1])
        run.bold, run.italic = bold, italic

    para(("", api.message("report-sign-date", lang=lang)), italic=True, before=12)
    para((api.message("report-sign-preparer", lang=lang), api.message("report-sign-head", lang=lang)), bold=True)
    para((api.message("report-sign-preparer-hint", lang=lang), api.message("report-sign-head-hint", lang=lang)), italic=True)
    for _ in range(4):  # room for the signatures and the seal
        para(("", ""))
    doc.paragraphs[-1].paragraph_format.keep_with_next = False


def _repeat_as_header(row: Any) -> None:
    """Word repeats a row marked tblHeader at the top of every page the table spans."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _keep_row_on_one_page(row: Any) -> None:
    """A table row is short: split across two pages it would be read as two rows."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _page_number_footer(section: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field)


def _cells(ind: IndicatorResult, lang: str, findings: list) -> tuple[str, str, str, str, str]:
    return (ind.stt, ind.name, ind.unit, show_value(ind, lang, findings), show_note(ind, lang))


def text_cm(words: str, bold: bool = False, size: float = TABLE_PT) -> float:
    """The printed width of one line of ``words`` in Times New Roman."""
    return api.text_width_cm(words, size, bold)


def column_widths(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[float]:
    """Column widths (cm) that fit the text width and make the table as short as possible.

    Each column starts at its longest word (so nothing breaks mid-word), then the
    room left goes, a step at a time, to the column whose widening saves the most
    printed lines; what no column can use goes to the widest content. The result
    follows what the columns hold: a narrow STT, the names taking most of the page,
    a unit or note column as wide as its texts need.
    """
    usable = A4_WIDTH_CM - MARGINS_CM[0] - MARGINS_CM[1]
    ncols = len(headers)
    cells = [[_word_widths(r[i]) for r in rows] for i in range(ncols)]
    head = [_word_widths(h, bold=True) for h in headers]
    widths = []
    for i in range(ncols):
        longest = max((w for cell in cells[i] + [head[i]] for w in cell), default=0.5)
        widths.append(min(MIN_WORD_CM, longest) + CELL_PAD_CM + (INDENT_CM * 2 if i == 1 else 0.0))
    if sum(widths) >= usable:
        return [round(w * usable / sum(widths), 2) for w in widths]

    def lines(i: int, width: float) -> list[int]:
        return [_lines(cell, width - CELL_PAD_CM) for cell in cells[i]]

    current = [lines(i, w) for i, w in enumerate(widths)]

    def cost(per_col: list[list[int]]) -> float:
        # Row heights first; the total of all cells' lines breaks ties so that widening
        # one of two columns that both wrap a row still counts as progress.
        return sum(max(col[r] for col in per_col) + 0.1 * sum(col[r] for col in per_col) for r in range(len(rows)))

    step = 0.1
    while usable - sum(widths) >= step:
        base = cost(current)
        best, gain, best_lines = None, 0.0, None
        for i in range(ncols):
            trial = lines(i, widths[i] + step)
            saved = base - cost(current[:i] + [trial] + current[i + 1 :])
            if saved > gain:
                best, gain, best_lines = i, saved, trial
        if best is None:
            break
        widths[best] += step
        current[best] = best_lines
    if rows:  # what no column needs goes to the longest texts (the names)
        fullest = max(range(ncols), key=lambda i: sum(sum(cell) for cell in cells[i]))
        widths[fullest] += usable - sum(widths)
    else:
        widths = [w * usable / sum(widths) for w in widths]
    return [round(w, 2) for w in widths]


def _word_widths(text: str, bold: bool = False) -> list[float]:
    """The widths (cm) of a text's words, each with its following space. A long text's
    first few lines say all the widths need; the rest would only cost time."""
    return [text_cm(word + " ", bold) for word in (text or "")[:MEASURE_CHARS].split()]


def _lines(words: list[float], room: float) -> int:
    """Lines a greedy wrap of ``words`` takes in ``room`` cm (a too-long word breaks)."""
    if not words:
        return 1
    n, used = 1, 0.0
    for w in words:
        if used and used + w > room + 0.12:  # the trailing space may hang past the edge
            n, used = n + 1, 0.0
        while w > room + 0.12:
            n, w = n + 1, w - room
        used += w
    return n


def _findings(doc: Any, result: Result, by_form: dict, lang: str) -> None:
    """The check's findings, after the signed form and on a page of their own, so an
    officer can print the form without them (or leave them out: ``--no-findings``).
    Codes are here, never in the form; each finding names its row by STT."""
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt

    where_of = {ind.id: ind for inds in by_form.values() for ind in inds}
    p = doc.add_paragraph()
    p.add_run().add_break(WD_BREAK.PAGE)
    run = p.add_run(text("findings", lang))
    run.bold, run.font.size = True, Pt(13)
    p.paragraph_format.keep_with_next = True
    doc.add_paragraph(api.summary(result, lang)).runs[0].italic = True
    if not result.findings:
        doc.add_paragraph(api.message("report-no-findings", lang=lang))
        return
    for f in result.findings:
        label = text(f"severity-{f.severity}", lang) if f.severity in ("error", "warning", "info") else f.severity
        ind = where_of.get(f.indicator or "")
        place = []
        if ind is not None and ind.stt:
            place.append(f"STT {ind.stt}")
        where = api.where(f.location, result.file, lang) if f.location else ""
        if where:
            place.append(where)
        p = doc.add_paragraph(style="List Bullet")
        p.add_run(label).bold = True
        p.add_run(f" ({'; '.join(place)})" if place else "")
        p.add_run(f": {f.message} ")
        code = p.add_run(f"[{f.code}]")
        code.font.size = Pt(9)


@hookimpl
def register_writers(register: Callable[..., None]) -> None:
    register(DocxWriter())

