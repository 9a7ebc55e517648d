"""The Word appendix prints on A4 like an official document: the margins of Nghị định
30/2020, column widths in proportion to what the columns hold (STT narrow, the names
wide), a fixed table layout so Word and LibreOffice keep them, the header row repeated
on every page, rows never split across pages, and page numbers."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm

from cchc_docx import A4_WIDTH_CM, MARGINS_CM, column_widths, text_cm
from cchc_engine.testing import run_cli

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "examples" / "lam-thao-2023-q3.xlsx"


@pytest.fixture(scope="module")
def appendix(tmp_path_factory):
    out = tmp_path_factory.mktemp("docx") / "phu-luc.docx"
    code, _out, err = run_cli("compute", "--spec", "2023", str(EXAMPLE), "-f", "docx", "-o", str(out))
    assert code == 1, err  # the example has one ratio-mismatch error
    return docx.Document(str(out))


def _grid_cm(table) -> list[float]:
    grid = table._tbl.tblGrid
    return [int(col.get(qn("w:w"))) / 567 for col in grid.findall(qn("w:gridCol"))]  # twips → cm


def test_a4_portrait_with_official_margins_and_page_numbers(appendix):
    section = appendix.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert (round(section.left_margin.cm, 1), round(section.right_margin.cm, 1)) == MARGINS_CM[:2]
    assert (round(section.top_margin.cm, 1), round(section.bottom_margin.cm, 1)) == MARGINS_CM[2:]
    assert 'instr="PAGE"' in section.footer._element.xml


def test_columns_are_proportional_to_content_and_fill_the_text_width(appendix):
    usable = A4_WIDTH_CM - MARGINS_CM[0] - MARGINS_CM[1]
    widths = _grid_cm(appendix.tables[0])
    assert len(widths) == 5 and len(set(widths)) == 5  # not five equal columns
    stt, name, unit, value, note = widths
    assert min(widths) == stt and max(widths) == name
    assert name > 2 * max(unit, value, note)  # the names hold most of the text
    assert sum(widths) == pytest.approx(usable, abs=0.05)
    for table in appendix.tables:  # the same grid in every form, so the tables line up
        assert _grid_cm(table) == pytest.approx(widths, abs=0.01)
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        for row in table.rows[:3]:
            assert [round(c.width.cm, 2) for c in row.cells] == pytest.approx(widths, abs=0.01)
    # Each column is at least as wide as its longest word: nothing breaks mid-word.
    for i, width in enumerate(widths):
        words = [w for t in appendix.tables for r in t.rows for w in r.cells[i].text.split()]
        longest = max(text_cm(w, bold=True) for w in words)
        assert width >= min(longest, 3.2)


def test_header_repeats_and_rows_do_not_split(appendix):
    for table in appendix.tables:
        first, *rest = table.rows
        assert first._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rest)
    titles = [p for p in appendix.paragraphs if p.text.startswith("Biểu mẫu")]
    assert len(titles) == 7 and all(p.paragraph_format.keep_with_next for p in titles)
    findings = [p for p in appendix.paragraphs if p.text.startswith("Kết quả kiểm tra")]
    assert findings and all(p.paragraph_format.keep_with_next for p in findings)


def test_column_widths_follow_the_content_not_the_column_count():
    headers = ("STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú")
    short = [("1", "Số văn bản", "Văn bản", "3", "")] * 10
    long_notes = [("1", "Số văn bản", "Văn bản", "3", "Ghi chú rất dài " * 6)] * 10
    a, b = column_widths(headers, short), column_widths(headers, long_notes)
    assert b[4] > a[4] and b[1] < a[1]  # a column that holds more text gets more of the page
    assert sum(a) == pytest.approx(sum(b), abs=0.05)
    assert Cm(sum(a)).cm <= A4_WIDTH_CM - MARGINS_CM[0] - MARGINS_CM[1] + 0.05


def test_a_huge_cell_does_not_slow_the_widths_down():
    import time

    headers = ("STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú")
    rows = [("1", "Số văn bản " * 5, "Văn bản", "3", "ghi chú dài " * 100_000)] + [("2", "Số nhiệm vụ", "Nhiệm vụ", "4", "")] * 500
    start = time.perf_counter()
    widths = column_widths(headers, rows)
    assert time.perf_counter() - start < 2.0
    assert sum(widths) == pytest.approx(A4_WIDTH_CM - MARGINS_CM[0] - MARGINS_CM[1], abs=0.05)
