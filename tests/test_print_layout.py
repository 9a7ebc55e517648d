"""Print-ready outputs: what LibreOffice and Excel need in the file to print a clean A4.

Neither grows a row for wrapped text written by openpyxl, so every wrapped row must
carry its height; widths must fit the page; the header must repeat on every page;
a page must not begin with a form title (the repeated header would show twice) or
leave a form title alone at its foot. These tests read those properties back from
real files written to tmp_path (no LibreOffice here; the renders are looked at by hand).
"""

from __future__ import annotations

import csv
import io
import random
import sys
from pathlib import Path

import openpyxl
import pytest

from cchc_engine.compile.aggregate import UnitResult, compile_units
from cchc_engine.flow.output import write_result
from cchc_engine.session import compute_file
from cchc_engine.spec.registry import resolve
from cchc_engine.template import build_template
from cchc_engine.writers import sheetprint as sp

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lam-thao-2023-q3.xlsx"
sys.path.insert(0, str(ROOT / "bench"))

import make_communes as mc  # noqa: E402


# --- the estimator ---------------------------------------------------------------------


def test_wrapped_lines_grow_with_text_and_shrink_with_width():
    word = "Số nhiệm vụ đã hoàn thành "
    counts = [sp.wrapped_lines(word * n, 40) for n in (1, 4, 8, 16)]
    assert counts[0] == 1 and counts == sorted(counts) and counts[-1] > counts[1] > 1
    assert sp.wrapped_lines(word * 8, 20) > sp.wrapped_lines(word * 8, 40)
    assert sp.wrapped_lines("Có = 1\nKhông = 0", 40) == 2  # a newline is a line
    assert sp.wrapped_lines("x" * 400, 10) >= 400 * sp.text_px("x") // sp.column_px(10)  # no break: cut anywhere
    assert sp.wrapped_lines(word * 3, 40, bold=True) >= sp.wrapped_lines(word * 3, 40)


def test_row_height_is_lines_times_line_height_and_capped():
    one = sp.row_height([("STT", 7, 11, False, 0)])
    three = sp.row_height([("Trực tuyến = 0\nPhát phiếu = 1\nKết hợp = 2", 14, 11, False, 0)])
    assert three == pytest.approx(3 * sp.line_height() + 3) and three > 2.5 * one
    assert sp.row_height([("chữ " * 20000, 10, 11, False, 0)]) == sp.MAX_ROW_HEIGHT


def test_paginate_breaks_only_where_a_page_may_start_and_fills_pages():
    rows = [(i, 20.0, i % 5 != 1) for i in range(1, 201)]  # rows 1, 6, 11… may not start a page
    breaks = sp.paginate(rows, page_pt=300, repeated_pt=20)
    assert breaks and all((b + 1) % 5 != 1 for b in breaks)
    starts = [1] + [b + 1 for b in breaks]
    ends = breaks + [200]
    for k, (a, b) in enumerate(zip(starts, ends)):
        used = 20.0 * (b - a + 1) + (20 if k else 0)
        assert used <= 300
        if b != 200:
            assert used >= 300 - 3 * 20  # never more than two rows of the page left empty


# --- cchc template ---------------------------------------------------------------------


def _template(tmp_path, spec: str, level: str):
    wb, info = build_template(resolve(spec), level)
    path = tmp_path / f"mau-{spec}-{level}.xlsx"
    wb.save(path)
    return openpyxl.load_workbook(path).active, info


def _first_header(ws) -> int:
    return next(c.row for c in ws["A"] if c.value == "STT")


@pytest.mark.parametrize("spec,level", [("2023", "huyen"), ("2021", "xa")])
def test_template_rows_are_as_tall_as_their_wrapped_text(tmp_path, spec, level):
    ws, info = _template(tmp_path, spec, level)
    rows = {int(cell[1:]) for cell in {**info.inputs, **info.derived}.values()}
    heights = {r: ws.row_dimensions[r].height for r in rows}
    assert all(h for h in heights.values()), "every indicator row has an explicit height"
    by_len = sorted(rows, key=lambda r: len(ws[f"B{r}"].value or ""))
    short, long_ = by_len[0], by_len[-1]
    assert heights[long_] > heights[short]
    # Taller where the name or the coded-answer unit wraps, one line where nothing does.
    for r in rows:
        texts = [(ws[f"{c}{r}"].value, ws.column_dimensions[c].width) for c in "ABCE"]
        lines = max(sp.wrapped_lines(str(t) if t is not None else None, w, bold=ws[f"B{r}"].font.b) for t, w in texts)
        assert heights[r] >= lines * sp.line_height()
    coded = [r for r in rows if "= 0" in str(ws[f"C{r}"].value or "") and len(str(ws[f"C{r}"].value)) > 20]
    assert coded and all(heights[r] >= 2 * sp.line_height() for r in coded)


@pytest.mark.parametrize("spec,level", [("2023", "huyen"), ("2021", "xa")])
def test_template_fits_a4_portrait_and_repeats_its_header(tmp_path, spec, level):
    ws, _ = _template(tmp_path, spec, level)
    widths = [ws.column_dimensions[c].width for c in "ABCDE"]
    assert sum(widths) <= sp.printable_units(5)
    assert max(widths) == ws.column_dimensions["B"].width and min(widths) == ws.column_dimensions["A"].width
    assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    header = _first_header(ws)
    assert ws.print_title_rows == f"${header}:${header + 1}"  # both header rows, every form (one table look)
    assert ws[f"B{header + 2}"].font.name == sp.FONT  # the metrics the heights were estimated with


def test_template_pages_never_start_on_a_form_title_or_header(tmp_path):
    ws, info = _template(tmp_path, "2023", "huyen")
    breaks = [b.id for b in ws.row_breaks.brk]
    assert len(breaks) >= 3  # 134 rows of the 2023 district appendix do not fit on three pages
    data_rows = {int(cell[1:]) for cell in {**info.inputs, **info.derived}.values()}
    headers = {c.row for c in ws["A"] if c.value == "STT"}
    titles = {c.row for c in ws["A"] if str(c.value or "").startswith("Biểu mẫu")}
    for b in breaks:
        first = b + 1
        assert first not in headers and first not in titles and first - 1 not in titles
        assert first in data_rows or ws[f"B{first}"].value  # an indicator row, under the repeated header
        assert first - 1 not in headers and first - 2 not in headers  # no header left at a page's foot
    page = sp.printable_height_pt()
    header = _first_header(ws)
    repeated = ws.row_dimensions[header].height + ws.row_dimensions[header + 1].height
    for k, (a, b) in enumerate(zip([0] + breaks, breaks + [ws.max_row])):
        used = sum(ws.row_dimensions[r].height or 15 for r in range(a + 1, b + 1)) + (repeated if k else 0)
        assert used <= page


# --- the completed report (-f xlsx) ---------------------------------------------------


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    compiled = resolve("2023")
    result = compute_file(compiled, EXAMPLE)
    out = tmp_path_factory.mktemp("report") / "bao-cao.xlsx"
    write_result(result, "xlsx", out, {"lang": "vi", "spec": compiled})
    return openpyxl.load_workbook(out), result


def test_report_rows_grow_with_names_units_and_notes(report):
    wb, result = report
    ws = wb["Phụ lục"]
    names = {ind.name: ind for ind in result.indicators}
    rows = {ws[f"B{c.row}"].value: c.row for c in ws["B"] if c.value in names}
    assert len(rows) > 100
    assert all(ws.row_dimensions[r].height for r in rows.values())
    one_line = rows["Số nhiệm vụ đề ra trong kế hoạch"]
    wrapped_name = rows["Số văn bản chỉ đạo CCHC đã ban hành (Kết luận, chỉ thị, công văn chỉ đạo, quán triệt)"]
    coded_unit = rows["Hình thức khảo sát"]  # unit "Trực tuyến = 0; Phát phiếu = 1; Kết hợp = 2"
    h = lambda r: ws.row_dimensions[r].height  # noqa: E731
    assert h(one_line) < h(wrapped_name) and h(one_line) < h(coded_unit)
    assert h(coded_unit) >= 3 * sp.line_height()
    for r in rows.values():  # the unit and the note wrap inside their column, never past its edge
        assert ws[f"C{r}"].alignment.wrap_text and ws[f"E{r}"].alignment.wrap_text and ws[f"B{r}"].alignment.wrap_text
        for col in "BCE":
            text = ws[f"{col}{r}"].value
            lines = sp.wrapped_lines(str(text) if text is not None else None, ws.column_dimensions[col].width)
            assert h(r) >= lines * sp.line_height()


def test_report_fits_a4_and_repeats_the_header_on_every_page(report):
    wb, _ = report
    ws = wb["Phụ lục"]
    widths = {c: ws.column_dimensions[c].width for c in "ABCDE"}
    assert sum(widths.values()) <= sp.printable_units(5)
    assert max(widths, key=widths.get) == "B" and min(widths, key=widths.get) == "A"
    header = next(c.row for c in ws["A"] if c.value == "STT")
    assert ws.print_title_rows == f"${header}:${header}"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.orientation == "portrait"
    assert len(ws.row_breaks.brk) >= 3
    titles = {c.row for c in ws["A"] if str(c.value or "").startswith("Biểu mẫu")}
    assert not any(b.id + 1 in titles or b.id in titles for b in ws.row_breaks.brk)
    # A number never wraps, so the value column holds the widest shown value ("1 (Phát phiếu)").
    assert widths["D"] >= sp.text_units("1 (Phát phiếu)")


def test_report_findings_wrap_within_the_page(report):
    wb, result = report
    fs = wb["Kết quả kiểm tra"]
    widths = [fs.column_dimensions[c].width for c in "ABCDE"]
    assert sum(widths) <= sp.printable_units(5)
    assert fs.print_title_rows == "$3:$3" and fs.page_setup.fitToWidth == 1
    rows = list(range(4, 4 + len(result.findings)))
    assert len(rows) >= 5
    for r in rows:
        message = fs[f"E{r}"].value
        assert fs[f"E{r}"].alignment.wrap_text
        assert fs.row_dimensions[r].height >= sp.wrapped_lines(message, widths[4]) * sp.line_height()
    # Indicator ids have nowhere to break: the column is as wide as the longest one.
    longest = max(sp.text_units(f.indicator) for f in result.findings if f.indicator)
    assert widths[2] >= min(26, longest)


# --- matrix-xlsx / matrix-csv ----------------------------------------------------------


def _compiled_matrix(n: int, seed: int = 3):
    compiled = resolve("2023")
    rng = random.Random(seed)
    units = [
        UnitResult(file=f"xa-{k}.xlsx", unit=f"xã Số {k}", level="xa", period="2023-Q3", spec=compiled.id,
                   values=mc.commune_values(compiled, rng))
        for k in range(1, n + 1)
    ]
    return compiled, compile_units(compiled, "huyen", "huyện Thử", None, units)


def _matrix(tmp_path, n: int):
    compiled, result = _compiled_matrix(n)
    out = tmp_path / f"tong-hop-{n}.xlsx"
    write_result(result, "matrix-xlsx", out, {"lang": "vi", "spec": compiled})
    ws = openpyxl.load_workbook(out).active
    header = next(c.row for c in ws["B"] if c.value == "STT")
    return ws, header, result


def test_matrix_has_a_form_column_that_makes_stt_unambiguous(tmp_path):
    ws, header, result = _matrix(tmp_path, 4)
    head = [c.value for c in ws[header]]
    assert head[:4] == ["Biểu mẫu", "STT", "Chỉ tiêu thống kê", "Đơn vị tính"] and head[-1] == "Tổng hợp"
    data = [[c.value for c in row] for row in ws.iter_rows(min_row=header + 1) if row[1].value]
    stts = [r[1] for r in data]
    assert stts.count("1") >= 7  # each of the seven forms has its own "1"
    pairs = [(r[0], r[1]) for r in data]
    assert len(set(pairs)) == len(pairs)
    assert {r[0] for r in data} == {f"Biểu mẫu {k}" for k in range(1, 8)}
    assert sum(1 for c in ws["A"] if str(c.value or "").startswith("Biểu mẫu 1:")) == 1  # form heading row


def test_matrix_csv_has_the_form_column_too(tmp_path):
    compiled, result = _compiled_matrix(2)
    from cchc_engine.flow.output import get_writer

    buf = io.StringIO()
    get_writer("matrix-csv").write(result, buf, {"lang": "en", "spec": compiled})
    rows = list(csv.reader(io.StringIO(buf.getvalue().lstrip("\ufeff"))))
    assert rows[0][:2] == ["Form", "STT"]
    pairs = [(r[0], r[1]) for r in rows[1:] if r[1]]
    assert len(set(pairs)) == len(pairs) and ("Biểu mẫu 7", "1") in pairs


@pytest.mark.parametrize("n,landscape,fit", [(2, False, True), (12, True, True), (40, True, False)])
def test_matrix_print_setup_follows_its_width(tmp_path, n, landscape, fit):
    ws, header, _ = _matrix(tmp_path, n)
    ncols = 4 + n + 1
    widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width for c in range(1, ncols + 1)]
    assert int(ws.page_setup.paperSize) == 9
    assert (ws.page_setup.orientation == "landscape") is landscape
    assert bool(ws.sheet_properties.pageSetUpPr.fitToPage) is fit
    room = sp.printable_units(ncols, landscape)
    if fit:
        assert ws.page_setup.fitToWidth == 1 and sum(widths) <= room / 0.6
        assert ws.print_title_cols is None
    else:  # too wide to shrink onto one page: pages run across, names repeated on each
        assert sum(widths) > room / 0.6 and ws.print_title_cols == "$A:$D"
    assert ws.print_title_rows == f"${header}:${header}"
    assert ws.freeze_panes == f"E{header + 1}"
    names = [r for r in range(header + 1, ws.max_row + 1) if ws[f"C{r}"].value]
    assert all(ws.row_dimensions[r].height for r in names)
    tall = max(names, key=lambda r: len(ws[f"C{r}"].value))
    short = min(names, key=lambda r: len(ws[f"C{r}"].value))
    assert ws.row_dimensions[tall].height > ws.row_dimensions[short].height
