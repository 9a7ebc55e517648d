"""A real report crosses pages: the header repeats mid-table in any shape, a Ghi chú goes on
past the break, a Word continuation loses its STT column, an appendix comes through altChunk.

Every fixture here is seed 000 (a clean commune report: 52 values, no finding) cut as
scripts/make_format_fixtures.py says, read in every format it exists in. The verdict must
stay the clean report's: the same values, no error or warning, the notes whole, and every
value cell of the file either placed or dropped with a finding (stats count both).
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest

from cchc_engine.session import compute_file
from cchc_engine.readers.docx import read_docx
from cchc_engine.spec.registry import resolve
from cchc_engine.testing import run_cli
from conftest import FIXTURES

REPO = Path(__file__).resolve().parent.parent
FORMATS = FIXTURES / "formats"
sys.path.insert(0, str(REPO / "scripts"))

import make_format_fixtures as mff  # noqa: E402

SEED = (FORMATS / "seed000_report.txt").read_text(encoding="utf-8")
PAGED = ["seed000_pagebreaks.xlsx", "formats/seed000_pagebreaks.xls", "formats/seed000_pagebreaks.ods",
         "formats/seed000_pagebreaks.docx", "formats/seed000_pagebreaks.txt"]
WORD = ["formats/seed000_report_widths.docx", "formats/seed000_report_altchunk.docx",
        "formats/seed000_report_altchunk_mht.docx"]


@pytest.fixture(scope="module")
def spec():
    return resolve("2021")


@pytest.fixture(scope="module")
def clean(spec):
    """The report as typed without page breaks: what every cut version must give."""
    result = compute_file(spec, FIXTURES / "seed000_text.xlsx")
    assert result.valid and not result.findings
    return result


def _values(result) -> dict[str, object]:
    return {i.id: i.value for i in result.indicators if i.raw not in (None, "")}


def _value_cells(text: str) -> int:
    """Non-empty 'Số liệu' cells of the appendix rows in the seed's text (header rows excluded)."""
    n = 0
    for kind, rows in mff.blocks(text):
        for cells in rows if kind == "table" else ():
            cells = (list(cells) + [""] * 5)[:5]
            if mff._is_header(cells) or mff._is_header_2(cells) or cells in (mff.NO_STT_HEADER, mff.COLUMN_NUMBERS):
                continue
            n += bool(mff._plain(cells[3]))
    return n


@pytest.mark.parametrize("name", PAGED)
def test_a_header_repeated_anywhere_and_a_note_cut_by_the_break(name, spec, clean, every_format):
    # the pasted text is read by the bundled cchc-tsv
    result = compute_file(spec, FIXTURES / name, host=every_format)
    assert _values(result) == _values(clean) and len(_values(result)) == 52
    # no false error, no warning: only the four notes said to be joined, each at its row
    assert [(f.code, f.severity) for f in result.findings] == [("note-continued", "info")] * 4
    assert all(f.location is not None and (f.location.cell or f.location.row) for f in result.findings)
    whole = mff.pagebreak_notes(SEED)
    notes = {i.name_for("xa") if hasattr(i, "name_for") else i.name: i.note for i in result.indicators}
    by_name = {i.name: i.note for i in result.indicators}
    for indicator, note in whole.items():
        assert by_name.get(indicator, notes.get(indicator)) == note, indicator
    paged = mff.pagebreak_text(SEED)
    stats = result.stats
    assert stats.rows_placed + stats.rows_dropped == stats.rows_with_value == _value_cells(paged) == 52
    assert result.valid


@pytest.mark.parametrize("name", WORD)
def test_every_word_table_of_the_appendix_is_read(name, spec, clean):
    result = compute_file(spec, FIXTURES / name)
    assert _values(result) == _values(clean)
    assert result.findings == [] and result.valid
    stats = result.stats
    assert stats.rows_placed + stats.rows_dropped == stats.rows_with_value == _value_cells(SEED)
    tables = {i.location.table for i in result.indicators if i.location is not None and i.raw not in (None, "")}
    assert tables == set(range(1, 8))  # the values of all seven tables, the last four included


def test_a_continuation_without_its_stt_column_between_five_column_tables():
    grid = read_docx(FORMATS / "seed000_report_widths.docx")
    widths = [max(len(r) for r in s.rows) for s in grid.sheets]
    assert widths == [5, 5, 5, 4, 5, 5, 5] and [s.continues for s in grid.sheets] == [False] + [True] * 6
    assert grid.sheets[3].rows[0][0].value == "Số liệu về biên chế công chức"  # the name where STT was


def test_the_old_rule_read_these_files_with_false_errors_and_losses(spec):
    """What the issue measured, kept honest: each fixture defeats the rule it was made for.

    The page-break workbook has the second header row alone mid-table, a Ghi chú on it,
    and a row holding only a note: under the old rule (a header only under STT | Chỉ tiêu)
    those rows carried 'Số liệu' as a value. Here, its second header row repeats 3 times."""
    text = mff.pagebreak_text(SEED)
    alone = [r for kind, rows in mff.blocks(text) if kind == "table" for r in rows
             if mff._is_header_2(r) and not mff._is_header(r)]
    assert len(alone) == 4 and sum(bool(mff._plain(r[4])) for r in alone if len(r) > 4) == 3
    with zipfile.ZipFile(FORMATS / "seed000_report_altchunk.docx") as z:
        assert "word/afchunk.docx" in z.namelist()
        body = z.read("word/document.xml").decode("utf-8")
        assert body.count("<w:tbl>") == 3 and "<w:altChunk" in body  # 4 of 7 tables only in the chunk


def test_word_locations_name_the_table_and_row_in_both_languages(tmp_path):
    # one count typed as a fraction: the error must say where Word shows it
    items = mff.blocks(SEED)
    target = "1.3.1."
    where = None
    n_table = 0
    for kind, rows in items:
        if kind != "table":
            continue
        n_table += 1
        for r, cells in enumerate(rows, start=1):
            if cells[0] == target:
                where, cells[3] = (n_table, r), "101/119"
    assert where is not None
    text = "\n".join("\t".join(c) if isinstance(c, list) else c for c in _lines(items))
    path = mff.write_report_docx(text, tmp_path / "bao-cao.docx")
    for lang, expected in (("vi", "Bảng {}, dòng {}"), ("en", "Table {}, row {}")):
        code, out, err = run_cli("compute", "--spec", "2021", str(path), "--lang", lang, "-f", "json")
        assert code == 1, err
        import json

        [finding] = [f for f in json.loads(out)["findings"] if f["severity"] == "error"]
        assert finding["location"]["table"] == where[0] and finding["location"]["row"] == where[1]
        assert finding["location"]["sheet"] == f"Bảng {where[0]}" and finding["location"]["cell"] is None
        assert expected.format(*where) in err or finding["message"]  # the summary names the file; the place:
        from cchc_engine.flow.findings import Location
        from cchc_engine.text.lang import get_lang, set_lang

        before = get_lang()
        set_lang(lang)
        try:
            assert str(Location(**finding["location"])).endswith(expected.format(*where))
        finally:
            set_lang(before)


def _lines(items):
    """``blocks`` items back to text lines (tables as cell lists, a blank line at each break)."""
    out: list = []
    for kind, payload in items:
        if kind == "para":
            out += [payload[0], ""]
        elif kind == "break":
            out.append("")
        else:
            out += payload + [""]
    return out


def test_an_altchunk_html_page_is_read_in_place(tmp_path, spec, clean):
    """A plain HTML page (not MHT): the same tables, rowspan/colspan header, footnote marks."""
    items = mff.blocks(SEED)
    page = mff.html_of_items(items[mff._table_index(SEED, 3):]).replace("VBQPPL", "VBQPPL<sup>7</sup>")
    path = mff.write_altchunk_docx(SEED, tmp_path / "html.docx", chunk=page.encode("utf-8"), chunk_name="afchunk.htm",
                                   chunk_type="application/xhtml+xml")
    result = compute_file(spec, path)
    assert _values(result) == _values(clean) and result.findings == []
    grid = read_docx(path)
    assert [s.table for s in grid.sheets] == list(range(1, 8)) and all(s.continues for s in grid.sheets[1:])
    header = [[c.value for c in r] for r in grid.sheets[3].rows[:2]]
    assert header[1][2:4] == ["Đơn vị tính", "Số liệu"] and (1, 3, 1, 4) in grid.sheets[3].merges


def test_an_altchunk_that_cannot_be_read_is_an_error_naming_it(tmp_path, spec):
    path = mff.write_altchunk_docx(SEED, tmp_path / "rtf.docx", chunk=b"{\\rtf1\\ansi 1.5. 12}", chunk_name="afchunk.rtf",
                                   chunk_type="application/rtf")
    result = compute_file(spec, path)
    errors = [f for f in result.findings if f.severity == "error"]
    assert [f.code for f in errors] == ["embedded-part-not-read"] and not result.valid
    assert errors[0].values["part"] == "word/afchunk.rtf" and "word/afchunk.rtf" in errors[0].message
    assert len(_values(result)) < 52  # what it could read, it read


def test_an_altchunk_alone_that_cannot_be_read_is_one_line_exit_2(tmp_path):
    path = mff.write_altchunk_docx(SEED, tmp_path / "chi-phu-luc.docx", tables_outside=0, chunk=b"{\\rtf1 x}",
                                   chunk_name="afchunk.rtf", chunk_type="application/rtf")
    code, out, err = run_cli("compute", "--spec", "2021", str(path))
    assert code == 2 and "word/afchunk.rtf" in err and len(err.strip().splitlines()) == 1


def test_spans_beyond_the_table_grid_are_bounded_and_said(tmp_path, spec):
    """A gridSpan or gridBefore past the table's own grid does not push values out of their column."""
    src = (FORMATS / "seed000_report.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(src)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    body = parts["word/document.xml"].decode("utf-8")
    first_data = body.index("<w:t>1.1.1.</w:t>")
    tc = body.rindex("<w:tc>", 0, first_data)
    tcpr = '<w:tcPr><w:gridSpan w:val="400"/></w:tcPr>'
    body = body[: tc + len("<w:tc>")] + tcpr + body[tc + len("<w:tc>"):]
    tr = body.rindex("<w:tr", 0, tc)
    tr_end = body.index(">", tr) + 1
    body = body[:tr_end] + '<w:trPr><w:gridBefore w:val="900"/></w:trPr>' + body[tr_end:]
    parts["word/document.xml"] = body.encode("utf-8")
    out = tmp_path / "span.docx"
    with zipfile.ZipFile(out, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    grid = read_docx(out)
    bounded = [f for f in grid.findings if f.code == "table-span-bounded"]
    assert len(bounded) == 1 and bounded[0].location.table == 1 and bounded[0].values["count"] == 1
    assert str(bounded[0].location).endswith("Bảng 1, dòng 5") and bounded[0].values["asked"] == 900
    assert max(len(r) for r in grid.sheets[0].rows) == 5  # the table's own 5 columns, never 60
    result = compute_file(spec, out)
    assert [f.code for f in result.findings if f.severity != "info"] == ["table-span-bounded"]
    stats = result.stats
    assert stats.rows_placed + stats.rows_dropped == stats.rows_with_value


def test_values_dropped_before_mapping_are_counted(tmp_path, spec):
    """A figure outside the appendix columns: dropped with a finding at its cell, and counted."""
    from openpyxl import load_workbook

    book = load_workbook(FIXTURES / "seed000_text.xlsx")
    sheet = book.active
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "1.1.1.")
    sheet.cell(row, 7).value = "12"
    path = tmp_path / "outside.xlsx"
    book.save(path)
    result = compute_file(spec, path)
    stats = result.stats
    assert [f.code for f in result.findings] == ["cell-outside-table"]
    assert (stats.rows_with_value, stats.rows_placed, stats.rows_dropped) == (53, 52, 1)
    assert stats.dropped_by == {"cell-outside-table": 1}


def test_a_hostile_embedded_html_page_is_bounded(tmp_path):
    """100,000 cells a row, spans of a billion, tables nested 5,000 deep: read within the limits, said."""
    import time

    row = "<tr>" + '<td rowspan="999999999" colspan="999999">x</td>' + "<td>1</td>" * 100_000 + "</tr>"
    nested = "<table><tr><td>" * 5_000 + "sâu" + "</td></tr></table>" * 5_000
    page = f"<html><body><table>{row * 3}</table><table><tr><td>{nested}</td></tr></table></body></html>"
    path = mff.write_altchunk_docx(SEED, tmp_path / "hostile.docx", chunk=page.encode("utf-8"), chunk_name="a.htm",
                                   chunk_type="text/html")
    t0 = time.process_time()  # CPU time: other load on the machine must not fail the guard
    grid = read_docx(path)
    assert time.process_time() - t0 < 30
    assert max(len(r) for s in grid.sheets for r in s.rows) <= 60
    codes = {f.code: f.values for f in grid.findings}
    assert codes["cells-beyond-columns"]["count"] > 299_000 and codes["table-span-bounded"]["asked"] == 1000
    assert grid.sheets[-1].rows[0][0].value.endswith("sâu")  # the nested tables are the cell's text


def test_report_tables_name_a_word_table_and_row_in_the_readers_language():
    """The findings table of a report (writers' ``where``) says a Word location as Word shows it."""
    from cchc_engine.flow.findings import Location
    from cchc_engine.writers.common import where

    loc = Location(file="bc.docx", sheet="Bảng 4", row=13, table=4)
    assert where(loc, "bc.docx", lang="en") == "Table 4, row 13"
    assert where(loc, "bc.docx", lang="vi") == "Bảng 4, dòng 13"
    assert where(Location(file="a.xlsx", sheet="Biểu mẫu 7", cell="D35"), "a.xlsx", lang="en") == "Biểu mẫu 7!D35"
