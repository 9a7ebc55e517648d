"""The Word report as a grid source: tables, merges, page-break joins, limits, refusals."""

from __future__ import annotations

import sys
import time
import zipfile
from pathlib import Path

import pytest

from cchc_engine.readers.docx import DocxReader, read_docx
from cchc_engine.api import LIMITS, CchcError
from cchc_engine.testing import rows_from_grid as layout
from cchc_engine.testing import run_cli

REPO = Path(__file__).resolve().parents[1]
FORMATS = REPO / "tests" / "fixtures" / "formats"
sys.path.insert(0, str(REPO / "scripts"))

import make_format_fixtures as mff  # noqa: E402

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
HEADER = ("<w:tr><w:tc><w:p><w:r><w:t>STT</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Chỉ tiêu thống kê</w:t></w:r></w:p></w:tc>"
          "<w:tc><w:p><w:r><w:t>Đơn vị tính</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Số liệu</w:t></w:r></w:p></w:tc></w:tr>")


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def _row(*cells: str) -> str:
    return "<w:tr>" + "".join(f"<w:tc>{_p(c)}</w:tc>" for c in cells) + "</w:tr>"


def write_docx(path: Path, body: str) -> Path:
    """A minimal .docx: only the parts a reader needs, the body as given."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<?xml version='1.0' encoding='UTF-8'?><w:document {W}><w:body>{body}</w:body></w:document>")
    return path


def test_seed_report_tables_become_sheets_with_merges_and_titles():
    grid = read_docx(FORMATS / "seed001_report.docx")
    # 9 tables: the letterhead (not an appendix), 7 forms; form 7 continues after a page break.
    assert [s.name for s in grid.sheets] == [f"Bảng {n}" for n in range(2, 10)]
    assert [s.table for s in grid.sheets] == list(range(2, 10))
    assert [s.continues for s in grid.sheets] == [False] * 7 + [True]
    first = grid.sheets[0]
    texts = [[c.value for c in row] for row in first.rows]
    header = texts.index(["STT", "Chỉ tiêu thống kê", "Kết quả thống kê", None, "Ghi chú"])
    assert texts[header - 1] == ["Biểu mẫu 1 Công tác chỉ đạo điều hành CCHC"]  # the paragraph above the table
    assert texts[header + 1] == [None, None, "Đơn vị tính", "Số liệu", None]
    r = first.row_numbers[header]  # the header's row in the Word table
    assert r == 1 and first.row_numbers[header - 1] == 0  # the title above the table is no row of it
    assert {(r, 1, r + 1, 1), (r, 2, r + 1, 2), (r, 3, r, 4), (r, 5, r + 1, 5)} <= set(first.merges)
    assert "UBND HUYỆN LÂM THAO" in grid.text_lines  # the letterhead table
    # The footnote mark <sup>7</sup> is a superscript run, not part of the name.
    names = [row[1].value for s in grid.sheets for row in s.rows if len(row) > 1]
    assert "Tổng số VBQPPL do địa phương ban hành" in names
    raw = layout(grid)
    assert (raw.unit, raw.period) == ("huyện Lâm Thao", "2023-Q3")
    assert sorted({r.form for r in raw.rows}) == [str(n) for n in range(1, 8)]


def test_continuation_tables_without_header_are_joined_in_order():
    with_headers = layout(read_docx(FORMATS / "seed000_report.docx"))
    bare_grid = read_docx(FORMATS / "seed000_report_noheaders.docx")
    # 7 tables, one appendix: each table a sheet, the six after the first continuing it
    assert [(s.name, s.continues) for s in bare_grid.sheets] == [(f"Bảng {n}", n > 1) for n in range(1, 8)]
    bare = layout(bare_grid)
    assert [(r.stt, r.name, r.unit, r.value) for r in bare.rows] == [
        (r.stt, r.name, r.unit, r.value) for r in with_headers.rows]
    extracted = (REPO / "tests" / "fixtures" / "seed000_rows.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert [r.name for r in bare.rows] == [line.split("\t")[2] for line in extracted]  # every seed row, in order


def test_table_after_narrative_is_not_joined_and_other_tables_are_skipped(tmp_path):
    body = (_p("BÁO CÁO") + "<w:tbl>" + _row("Nơi nhận", "Ký tên") + "</w:tbl>" + _p("Phụ lục") +
            "<w:tbl>" + HEADER + _row("1.", "Số văn bản", "Văn bản", "5") + "</w:tbl>" + _p("") +
            "<w:tbl>" + _row("2.", "Số cuộc", "Cuộc", "7") + "</w:tbl>" +  # page break only: joined
            _p("Một đoạn văn giữa hai bảng.") +
            "<w:tbl>" + _row("3.", "Số vấn đề", "Vấn đề", "9") + "</w:tbl>")  # after text: not the appendix
    grid = read_docx(write_docx(tmp_path / "r.docx", body))
    assert [(s.name, s.continues) for s in grid.sheets] == [("Bảng 2", False), ("Bảng 3", True)]
    assert [[c.value for c in row] for row in grid.sheets[0].rows] == [
        ["Phụ lục"], ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu"], ["1.", "Số văn bản", "Văn bản", "5"]]
    assert grid.sheets[0].row_numbers == [0, 1, 2]
    assert [[c.value for c in row] for row in grid.sheets[1].rows] == [["2.", "Số cuộc", "Cuộc", "7"]]
    # the table after the narrative is not read, and its figures are not dropped without a word
    [note] = grid.findings
    assert (note.code, note.location.table, note.location.row, note.values["count"]) == ("table-not-read", 4, 1, 2)
    assert str(note.location).endswith("Bảng 4, dòng 1")


def test_cell_text_as_printed_nested_deleted_and_field_code(tmp_path):
    cell = ("<w:tc><w:p><w:r><w:t>Số TTHC</w:t></w:r><w:del><w:r><w:delText>XÓA</w:delText></w:r></w:del>"
            "<w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:tab/><w:t>cấp xã</w:t></w:r>"
            "<w:r><w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr><w:t>12</w:t></w:r></w:p>"
            "<w:p><w:r><w:t>(dòng 2)</w:t></w:r><w:r><w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr><w:t>m2 ha</w:t></w:r></w:p>"
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>lồng</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc>")
    body = "<w:tbl>" + HEADER + f"<w:tr><w:tc>{_p('1.')}</w:tc>{cell}</w:tr></w:tbl>"
    grid = read_docx(write_docx(tmp_path / "c.docx", body))
    assert grid.sheets[0].rows[1][1].value == "Số TTHC cấp xã\n(dòng 2)m2 ha\nlồng"


def test_vertical_and_horizontal_merges(tmp_path):
    body = ("<w:tbl>" + HEADER +
            "<w:tr><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr>" + _p("1.") + "</w:tc>"
            "<w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr>" + _p("Tên dài") + "</w:tc><w:tc>" + _p("5") + "</w:tc></w:tr>"
            "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr>" + _p("") + "</w:tc>" + "".join(f"<w:tc>{_p(x)}</w:tc>" for x in ("a", "b", "6")) +
            "</w:tr></w:tbl>")
    sheet = read_docx(write_docx(tmp_path / "m.docx", body)).sheets[0]
    assert [[c.value for c in row] for row in sheet.rows[1:]] == [["1.", "Tên dài", None, "5"], [None, "a", "b", "6"]]
    assert sorted(sheet.merges) == [(2, 1, 3, 1), (2, 2, 2, 3)]


def test_huge_span_and_row_counts_are_bounded(tmp_path):
    wide = "<w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2000000000\"/></w:tcPr>" + _p("x") + "</w:tc><w:tc>" + _p("far") + "</w:tc></w:tr>"
    grid = read_docx(write_docx(tmp_path / "w.docx", "<w:tbl>" + HEADER + wide + "</w:tbl>"))
    assert max(len(r) for r in grid.sheets[0].rows) == LIMITS.max_cols
    # with no grid of its own, the span is cut so the row fits the columns kept (said), and "far" stays
    assert [f.code for f in grid.findings] == ["table-span-bounded"]
    assert grid.sheets[0].rows[-1][-1].value == "far"
    many = "<w:tr>" + "".join(f"<w:tc>{_p(str(i))}</w:tc>" for i in range(LIMITS.max_cols + 3)) + "</w:tr>"
    grid = read_docx(write_docx(tmp_path / "many.docx", "<w:tbl>" + HEADER + many + "</w:tbl>"))
    assert [f.code for f in grid.findings] == ["cells-beyond-columns"]  # cells past the last kept: not silent
    assert grid.findings[0].values["count"] == 3
    rows = "<w:tr/>" * (LIMITS.max_cells_total + 1)
    path = write_docx(tmp_path / "big.docx", "<w:tbl>" + HEADER + rows + "</w:tbl>")
    t0 = time.process_time()  # CPU time: other load on the machine must not fail the guard
    with pytest.raises(CchcError) as err:
        read_docx(path)
    assert time.process_time() - t0 < 10
    assert "100.000" in str(err.value) and "big.docx" in str(err.value)


def test_long_narrative_reads_fast(tmp_path):
    # 50,000 narrative paragraphs (a real report has ~300), each longer than a title line.
    narrative = (_p("Thực hiện kế hoạch của UBND huyện về cải cách hành chính. " * 6) + _p("Ngắn.")) * 50_000
    path = write_docx(tmp_path / "long.docx", narrative + _p("Phụ lục") + "<w:tbl>" + HEADER + _row("1.", "Số văn bản", "Văn bản", "5") + "</w:tbl>")
    t0 = time.process_time()
    grid = read_docx(path)
    assert time.process_time() - t0 < 20
    assert [[c.value for c in r] for r in grid.sheets[0].rows][:2] == [["Ngắn."], ["Phụ lục"]]
    assert len(grid.text_lines) <= 20  # the narrative is not kept


def test_doc_no_appendix_and_not_a_word_file_are_one_line_exit_2(tmp_path):
    code, out, err = run_cli("compute", "--spec", "2021", str(FORMATS / "seed000_report.doc"))
    assert code == 2 and "Word 97-2003 (.doc)" in err and ".docx" in err and len(err.strip().splitlines()) == 1
    empty = write_docx(tmp_path / "bao-cao.docx", _p("BÁO CÁO") + "<w:tbl>" + _row("Nơi nhận", "Ký") + "</w:tbl>")
    code, out, err = run_cli("compute", "--spec", "2021", str(empty))
    assert code == 2 and "bao-cao.docx" in err and "không có bảng phụ lục (1 bảng" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    book = tmp_path / "so-lieu.docx"
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    code, out, err = run_cli("compute", "--spec", "2021", str(book))
    # a workbook named .docx is read as what it is (the engine decides by content), and this one is empty
    assert code == 2 and "so-lieu.docx" in err and "Word" not in err and len(err.strip().splitlines()) == 1


def test_compute_on_the_word_report_as_sent():
    code, out, err = run_cli("compute", "--spec", "2021", str(FORMATS / "seed000_report.docx"), "-f", "json")
    assert code == 0, err
    import json

    data = json.loads(out)
    assert (data["unit"], data["level"], data["period"]) == ("xã Thượng Long", "xa", "2021-Q3")
    value = {i["id"]: i for i in data["indicators"]}
    located = [i for i in data["indicators"] if i.get("location")]
    assert located and all(i["location"]["sheet"] == f"Bảng {i['location']['table']}" for i in located)
    assert {i["location"]["table"] for i in located} == set(range(1, 8))  # every table of the appendix
    assert len(value) > 100


def test_reader_is_registered_and_sniffs_word_files():
    reader = DocxReader()
    assert reader.sniff(FORMATS / "seed000_report.docx")
    assert not reader.sniff(FORMATS / "seed000_text.ods") and not reader.sniff(FORMATS / "seed000_report.txt")
    code, out, _ = run_cli("plugins", "--all")  # a built-in since the Word report is read by the core
    assert code == 0 and "cchc_engine.readers.docx" in out

