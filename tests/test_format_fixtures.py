"""The committed fixtures of every seed in every format are what the script builds."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FORMATS = REPO / "tests" / "fixtures" / "formats"
sys.path.insert(0, str(REPO / "scripts"))

import make_format_fixtures as mff  # noqa: E402

SEEDS = ("000", "001", "004")


@pytest.mark.parametrize("seed", SEEDS)
def test_committed_report_docx_is_the_script_output(seed, tmp_path):
    text = (FORMATS / f"seed{seed}_report.txt").read_text(encoding="utf-8")
    head = mff.LETTERHEADS.get(seed, ())
    if head:  # the pasted text carries the letterhead as its first line; the docx as a table
        first, _, text = text.partition("\n\n")
        assert first == head[0]
    built = mff.write_report_docx(text, tmp_path / "a.docx", letterhead=head)
    again = mff.write_report_docx(text, tmp_path / "b.docx", letterhead=head)
    assert built.read_bytes() == again.read_bytes()  # deterministic
    assert built.read_bytes() == (FORMATS / f"seed{seed}_report.docx").read_bytes()


def test_every_workbook_fixture_exists_as_xls_and_ods():
    for xlsx in sorted((REPO / "tests" / "fixtures").glob("*.xlsx")):
        xls, ods = FORMATS / f"{xlsx.stem}.xls", FORMATS / f"{xlsx.stem}.ods"
        assert xls.read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1"), xls  # OLE2, not renamed xlsx
        with zipfile.ZipFile(ods) as z:
            assert z.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
            assert z.infolist()[0].filename == "mimetype"
            assert b"table:table-cell" in z.read("content.xml")


def test_report_docx_tables_follow_the_seed_blocks():
    import docx

    text = (FORMATS / "seed000_report.txt").read_text(encoding="utf-8")
    tab_blocks = [b for kind, b in mff.blocks(text) if kind == "table"]
    doc = docx.Document(str(FORMATS / "seed000_report.docx"))
    assert len(doc.tables) == len(tab_blocks) == 7
    first = doc.tables[0]
    # The two-row header: "Kết quả thống kê" spans unit | value; STT merged down.
    assert [c.text for c in first.rows[0].cells][1:4] == [
        "Chỉ tiêu thống kê (Sử dụng trong kỳ báo cáo hàng quý, 6 tháng, năm)", "Kết quả thống kê", "Kết quả thống kê"]
    assert [c.text for c in first.rows[1].cells][2:4] == ["Đơn vị tính", "Số liệu"]
    from docx.oxml.ns import qn

    top, below = first.rows[0]._tr.tc_lst, first.rows[1]._tr.tc_lst
    assert top[0].tcPr.find(qn("w:vMerge")).get(qn("w:val")) == "restart"
    assert below[0].tcPr.find(qn("w:vMerge")).get(qn("w:val")) in (None, "continue")
    assert top[2].tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "2"
    assert sum(len(t.rows) for t in doc.tables) == sum(len(b) for b in tab_blocks)
    # Continuation tables without their header in the noheaders variant.
    bare = docx.Document(str(FORMATS / "seed000_report_noheaders.docx"))
    first_data = [next(r[0] for r in b if not (mff._is_header(r) or mff._is_header_2(r))) for b in tab_blocks[1:]]
    assert [t.rows[0].cells[0].text for t in bare.tables] == ["STT", *first_data]
    assert all(len(t.rows) == len(b) - 2 for t, b in zip(bare.tables[1:], tab_blocks[1:]))


def test_committed_page_break_fixtures_are_the_script_output(tmp_path):
    sys.path.insert(0, str(REPO / "scripts"))
    import make_fixtures as mf

    text = (FORMATS / "seed000_report.txt").read_text(encoding="utf-8")
    paged = mff.pagebreak_text(text)
    assert (FORMATS / "seed000_pagebreaks.txt").read_text(encoding="utf-8") == paged
    built = {
        "seed000_pagebreaks.docx": mff.write_report_docx(paged, tmp_path / "a.docx"),
        "seed000_report_widths.docx": mff.write_report_docx(text, tmp_path / "b.docx", shape=mff.widths_shape),
        "seed000_report_altchunk.docx": mff.write_altchunk_docx(text, tmp_path / "c.docx"),
        "seed000_report_altchunk_mht.docx": mff.write_altchunk_docx(
            text, tmp_path / "d.docx", chunk=mff.mht_of(mff.html_of_items(mff.blocks(text)[mff._table_index(text, 3):])),
            chunk_name="afchunk.mht", chunk_type="message/rfc822"),
    }
    for name, path in built.items():
        assert path.read_bytes() == (FORMATS / name).read_bytes(), name
    book = mff.write_blocks_workbook(paged, tmp_path / "p.xlsx", mf.SEEDS["000"]["workbook_title_lines"])
    assert book.read_bytes() == (REPO / "tests" / "fixtures" / "seed000_pagebreaks.xlsx").read_bytes()
