"""cchc-docx: the statistics appendix as a Word table (format ``docx``)."""

from __future__ import annotations

from typing import Any, BinaryIO, Callable, Optional

from cchc_engine import hookimpl
from cchc_engine.messages import fmt_number
from cchc_engine.result import IndicatorResult, Result

__version__ = "0.1.0"

HEADERS = {
    "vi": ("STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"),
    "en": ("STT", "Indicator", "Unit", "Value", "Note"),
}
TEXTS = {
    "vi": {
        "title": "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH",
        "attached": "(Kèm theo Báo cáo số ......../BC-UBND ngày ....../....../{year} của {unit})",
        "legend": "Ghi chú: số liệu in nghiêng, có dấu * là giá trị tính theo công thức.",
        "findings": "Kết quả kiểm tra",
        "other_findings": "Kết quả kiểm tra chung",
        "reported": "Báo cáo ghi: {value}",
        "zero": "không phát sinh",
        "missing": "chưa có số liệu",
        "severity": {"error": "Lỗi", "warning": "Cảnh báo", "info": "Thông tin"},
        "quarter": "QUÝ {q} NĂM {y}", "half": "6 THÁNG ĐẦU NĂM {y}", "nine": "9 THÁNG NĂM {y}", "year": "NĂM {y}",
        "month": "THÁNG {m} NĂM {y}",
    },
    "en": {
        "title": "STATISTICS OF ADMINISTRATIVE REFORM",
        "attached": "(Attached to report No. ........ of {unit}, {year})",
        "legend": "Note: values in italics marked * are computed by formula.",
        "findings": "Findings",
        "other_findings": "Other findings",
        "reported": "Reported: {value}",
        "zero": "none (0/0)",
        "missing": "no data",
        "severity": {"error": "Error", "warning": "Warning", "info": "Info"},
        "quarter": "QUARTER {q} {y}", "half": "FIRST HALF OF {y}", "nine": "NINE MONTHS OF {y}", "year": "YEAR {y}",
        "month": "MONTH {m} {y}",
    },
}
_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def period_title(period: Optional[str], lang: str) -> str:
    """'2023-Q3' → 'QUÝ III NĂM 2023'."""
    if not period:
        return ""
    t = TEXTS[lang]
    year, _, part = period.partition("-")
    if part.startswith("Q"):
        return t["quarter"].format(q=_ROMAN.get(part[1:], part[1:]), y=year)
    if part == "H1":
        return t["half"].format(y=year)
    if part == "9M":
        return t["nine"].format(y=year)
    if part.startswith("M"):
        return t["month"].format(m=int(part[1:]), y=year)
    return t["year"].format(y=year)


def show_value(ind: IndicatorResult, lang: str) -> str:
    """The Số liệu cell: '1.859', '75,86 *', '1 (Có)', '' for a heading row."""
    t = TEXTS[lang]
    if ind.type == "group":
        return ""
    if ind.value is None:
        if ind.source == "computed" and ind.zero_denominator:
            shown = f"({t['zero']})"
        else:
            return ""
    elif isinstance(ind.value, (int, float)) and not isinstance(ind.value, bool):
        shown = fmt_number(ind.value, lang)
        if ind.label:
            shown += f" ({ind.label})"
    else:
        shown = str(ind.value)
    return shown + " *" if ind.source == "computed" else shown


def show_note(ind: IndicatorResult, lang: str) -> str:
    parts = [ind.note] if ind.note else []
    if ind.source == "computed" and ind.reported is not None:
        value = ind.reported
        shown = fmt_number(value, lang) if isinstance(value, (int, float)) else str(value)
        parts.append(TEXTS[lang]["reported"].format(value=shown))
    return "; ".join(parts)


def form_titles(options: dict) -> dict[str, str]:
    """'bm1' → 'Biểu mẫu 1: Công tác chỉ đạo điều hành CCHC', from the spec when given."""
    spec = options.get("spec")
    spec = getattr(spec, "spec", spec)
    out = {}
    for form in getattr(spec, "forms", None) or []:
        label, title = getattr(form, "label", "") or "", getattr(form, "title", "") or ""
        out[form.id] = f"{label}: {title}" if label and title else (label or title or form.id)
    return out


class DocxWriter:
    name = "docx"
    suffix = ".docx"
    binary = True
    description = "Phụ lục Word (.docx): bảng 5 cột theo mẫu, kèm kết quả kiểm tra"

    def write(self, result: Result, stream: BinaryIO, options: dict) -> None:
        import docx
        from docx.enum.section import WD_ORIENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        options = options or {}
        lang = options.get("lang") if options.get("lang") in TEXTS else "vi"
        t = TEXTS[lang]
        doc = docx.Document()
        style = doc.styles["Normal"]
        style.font.name = "Times New Roman"
        style.font.size = Pt(12)
        section = doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Cm(2))

        def line(text: str, bold: bool = False, italic: bool = False, center: bool = True, size: int = 12) -> None:
            p = doc.add_paragraph()
            run = p.add_run(text)
            run.bold, run.italic, run.font.size = bold, italic, Pt(size)
            if center:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER

        unit = result.unit or ""
        if unit:
            line(f"UBND {unit.upper()}", bold=True, center=False)
        title = f"{t['title']} {period_title(result.period, lang)}".strip()
        line(title, bold=True, size=13)
        if result.spec_title and result.spec_title.upper() not in title:
            line(result.spec_title, italic=True)
        year = (result.period or "").split("-")[0] or "......"
        line(t["attached"].format(year=year, unit=f"UBND {unit}" if unit else "UBND ........"), italic=True)

        titles = form_titles(options)
        by_form: dict[str, list[IndicatorResult]] = {}
        for ind in result.indicators:
            by_form.setdefault(ind.form, []).append(ind)
        form_of = {ind.id: ind.form for ind in result.indicators}
        widths = (Cm(1.5), Cm(8.5), Cm(2.6), Cm(2.4), Cm(2.0))
        for form_id, inds in by_form.items():
            doc.add_heading(titles.get(form_id, form_id), level=2)
            table = doc.add_table(rows=1, cols=5)
            table.style = "Table Grid"
            header = table.rows[0]
            _repeat_as_header(header)
            for cell, text, width in zip(header.cells, HEADERS[lang], widths):
                cell.width = width
                run = cell.paragraphs[0].add_run(text)
                run.bold = True
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            for ind in inds:
                cells = table.add_row().cells
                texts = (ind.stt, ind.name, ind.unit, show_value(ind, lang), show_note(ind, lang))
                for i, (cell, text, width) in enumerate(zip(cells, texts, widths)):
                    cell.width = width
                    run = cell.paragraphs[0].add_run(text)
                    if ind.type == "group" or (ind.depth == 0 and i < 2):
                        run.bold = True
                    if i == 1 and ind.depth:
                        cell.paragraphs[0].paragraph_format.left_indent = Cm(0.3 * ind.depth)
                    if i == 3:
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
                        run.italic = ind.source == "computed"
            _findings(doc, [f for f in result.findings if f.indicator and form_of.get(f.indicator) == form_id], t["findings"], t)
        _findings(doc, [f for f in result.findings if not f.indicator or f.indicator not in form_of], t["other_findings"], t)
        line(t["legend"], italic=True, center=False, size=11)
        doc.core_properties.title = f"{t['title']} {period_title(result.period, lang)}".strip()
        doc.save(stream)


def _repeat_as_header(row: Any) -> None:
    """Word repeats a row marked tblHeader at the top of every page the table spans."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _findings(doc: Any, findings: list, heading: str, t: dict) -> None:
    if not findings:
        return
    p = doc.add_paragraph()
    p.add_run(heading + ":").bold = True
    for f in findings:
        where = str(f.location) if f.location else ""
        where = where.rsplit("/", 1)[-1]
        text = f"{t['severity'].get(f.severity, f.severity)} [{f.code}]"
        text += f" {f.indicator}" if f.indicator else ""
        text += f" ({where})" if where else ""
        doc.add_paragraph(f"{text}: {f.message}", style="List Bullet")


@hookimpl
def register_writers(register: Callable[..., None]) -> None:
    register(DocxWriter())
