"""The layout stage on grids built in memory (any source gives such a grid), and on the engine's own blank form."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from cchc_engine import hookimpl
from cchc_engine.flow.findings import CchcError
from cchc_engine.flow.grid import Cell, Grid
from cchc_engine.flow.layout import layout, unit_from_label
from conftest import cli

HEADER = ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"]


def _grid(rows, name="Phụ lục", merges=(), first=1) -> Grid:
    grid = Grid(file="/x/bao-cao.xlsx")
    sheet = grid.add_sheet(name)
    for i, row in enumerate(rows):
        sheet.append(row, first + i)
    sheet.merges = list(merges)
    return grid


def _codes(raw, code):
    return [(f.location.cell, f.values) for f in raw.findings if f.code == code]


def test_blank_template_filled_by_hand_reads_back_clean(tmp_path):
    """`cchc template` → fill the unit line and values → compute: no merged-cell warning, unit/level/period from the form."""
    import openpyxl

    blank = tmp_path / "mau.xlsx"
    code, _, err = cli("template", "--spec", "2023", "--level", "xa", "-o", str(blank))
    assert code == 0, err
    wb = openpyxl.load_workbook(blank)
    ws = wb.active
    unit_row = next(r for r in range(1, 10) if str(ws.cell(row=r, column=1).value or "").startswith("Đơn vị báo cáo"))
    ws.cell(row=unit_row, column=1).value = "Đơn vị báo cáo: xã A   Kỳ báo cáo: Quý III năm 2023"
    filled = 0
    for r in range(1, ws.max_row + 1):
        d = ws.cell(row=r, column=4)
        if d.protection.locked is False and ws.cell(row=r, column=3).value not in ("%",):
            d.value = 1
            filled += 1
    assert filled > 20
    path = tmp_path / "da-dien.xlsx"
    wb.save(path)
    code, out, err = cli("compute", "--spec", "2023", str(path), "-f", "json")
    assert code in (0, 1), err
    report = json.loads(out)
    assert (report["unit"], report["level"], report["period"]) == ("xã A", "xa", "2023-Q3")
    codes = {f["code"] for f in report["findings"]}
    assert "merged-value-cell" not in codes and "cell-outside-table" not in codes and "unmapped-row" not in codes
    assert report["stats"]["reported"] >= filled


def test_merged_value_cell_is_flagged_but_a_merged_heading_is_not():
    rows = [HEADER, ["1", "Số A", "Cái", 5], ["2", "Số B", "Cái"], ["3", "Số C", "Cái"], ["NHÓM II"], ["4", "Số D", "Cái", 1]]
    raw = layout(_grid(rows, merges=[(2, 4, 3, 4), (5, 1, 5, 5)]))
    assert _codes(raw, "merged-value-cell") == [("D3", {"cell": "D3", "range": "D2:D3"})]


def test_a_value_outside_the_columns_is_a_finding_at_its_cell():
    rows = [HEADER, ["1", "Số A", "Cái", 5, "", 17], ["2", "Số B", "Cái", 3]]
    raw = layout(_grid(rows))
    assert _codes(raw, "cell-outside-table") == [("F2", {"cell": "F2", "raw": "17"})]
    assert [r.value for r in raw.rows] == [5, 3]


def test_two_row_header_forms_and_trong_do():
    rows = [
        ["UBND HUYỆN LÂM THAO"], ["THỐNG KÊ QUÝ III NĂM 2023"], ["(Cấp huyện)"],
        ["Biểu mẫu 2"],
        ["THỨ TỰ", "Nội dung", "Kết quả thống kê", None, "Ghi chú"], [None, None, "Đơn vị tính", "Số lượng/ tỷ lệ"],
        ["1", "Tổng", "Hồ sơ", 10], ["Trong đó", "Trực tuyến", "Hồ sơ", Cell(0.25, percent=True)],
        ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu"],  # repeated at a page break
        ["2", "Khác", "Cái", Cell(None, formula=True)],
    ]
    raw = layout(_grid(rows))
    assert [(r.stt, r.name, r.value, r.form, r.location.cell) for r in raw.rows] == [
        ("1", "Tổng", 10, "2", "D7"), ("", "Trực tuyến", 0.25, "2", "D8"), ("2", "Khác", None, "2", "D10"),
    ]
    assert raw.rows[1].percent_format and raw.rows[2].formula_without_value
    assert (raw.unit, raw.level, raw.period) == ("huyện Lâm Thao", "huyện", "2023-Q3")


def test_spec_declared_markers_start_forms():
    spec = SimpleNamespace(spec=SimpleNamespace(forms=[SimpleNamespace(id="pa", markers=["Phần A"]), SimpleNamespace(id="pb", markers=["Phần B"])]))
    rows = [["Phần A: Chỉ đạo"], HEADER, ["1", "Số A", "Cái", 5], ["Phần B"], ["1", "Số B", "Cái", 6]]
    assert [r.form for r in layout(_grid(rows), spec).rows] == ["pa", "pb"]
    # no spec, no markers: "Phần B" is just a row of the table
    assert [(r.stt, r.form) for r in layout(_grid(rows)).rows] == [("1", None), ("Phần B", None), ("1", None)]


def test_a_long_report_before_the_table_gives_titles_from_its_head_and_tail():
    # the narrative in between mentions another unit and another year: it is not a title
    narrative = [[f"Đoạn {i}: UBND xã Khác Xa đã triển khai kế hoạch năm 2020 " + "và nhiều việc khác " * 8] for i in range(40)]
    tail = [["Phụ lục"], ["THỐNG KÊ SỐ LIỆU QUÝ III NĂM 2021"], ["(Kèm theo Báo cáo số 12/BC-UBND)"]]
    rows = [["UBND XÃ THƯỢNG LONG"], *narrative, *tail, HEADER, ["1", "Số A", "Cái", 5]]
    raw = layout(_grid(rows))
    assert (raw.unit, raw.period) == ("xã Thượng Long", "2021-Q3")
    assert len(raw.title_lines) <= 11


def test_pasted_text_sheet_is_located_by_line():
    raw = layout(_grid([HEADER, ["1", "Số A", "Cái", 5]], name="", first=40))
    loc = raw.rows[0].location
    assert (loc.sheet, loc.cell, loc.row) == (None, None, 41)


def test_no_header_anywhere_is_one_clear_error():
    with pytest.raises(CchcError) as exc:
        layout(_grid([["Danh sách"], ["Họ tên", "Chức vụ"]]))
    assert "không tìm thấy bảng phụ lục" in str(exc.value) and "bao-cao.xlsx" in str(exc.value)


@pytest.mark.parametrize(
    "line,unit",
    [
        ("Đơn vị báo cáo: xã A   Kỳ báo cáo: Quý III năm 2023", "xã A"),
        ("Đơn vị báo cáo: UBND XÃ THƯỢNG LONG  Kỳ báo cáo: Quý III", "xã Thượng Long"),
        ("Đơn vị báo cáo: ........................................  Kỳ báo cáo: ....................", None),
    ],
)
def test_unit_label(line, unit):
    assert unit_from_label([line]) == unit


def test_numbers_above_the_header_or_on_a_sheet_without_one_are_reported():
    grid = _grid([["THỐNG KÊ QUÝ III NĂM 2023"], ["Tổng số", 42], HEADER, ["1", "Số A", "Cái", 5]])
    other = grid.add_sheet("Tổng hợp")
    other.append(["Đơn vị", "Số hồ sơ"])
    other.append(["xã A", 12])
    other.append(["xã B", 30])
    raw = layout(grid)
    assert _codes(raw, "cell-outside-table") == [("B2", {"cell": "B2", "raw": "42"})]
    [(cell, values)] = _codes(raw, "sheet-without-header")
    assert cell == "B2" and values == {"sheet": "Tổng hợp", "count": 2, "cell": "B2"}
    assert [r.value for r in raw.rows] == [5]


def test_so_tt_header():
    raw = layout(_grid([["Số TT", "Tên chỉ tiêu", "ĐVT", "Kết quả"], ["1", "Số A", "Cái", 5]]))
    assert [(r.stt, r.name, r.unit, r.value) for r in raw.rows] == [("1", "Số A", "Cái", 5)]


def test_plugin_grid_with_plain_values_and_no_row_numbers():
    grid = Grid(file="p.xyz")
    sheet = grid.add_sheet("Bảng 1")
    sheet.rows = [HEADER, ["1", "Số A", "Cái", 5]]  # filled directly, not through append
    raw = layout(grid)
    assert [(r.value, r.location.cell) for r in raw.rows] == [(5, "D2")]


class _GridReader:
    suffixes = (".grid",)
    description = "test"

    def __init__(self, name, result):
        self.name, self.result = name, result

    def sniff(self, path):
        return False

    def read(self, path, options):
        return self.result(path) if callable(self.result) else self.result


class _Plugin:
    def __init__(self, reader):
        self.reader = reader

    @hookimpl
    def register_readers(self, register):
        register(self.reader)


def test_plugin_grid_reader_goes_through_layout_and_a_wrong_result_names_the_plugin(tmp_path):
    from cchc_engine.testing import register_plugin, run_compute

    def grid(path):
        g = Grid(file=str(path))
        s = g.add_sheet("Bảng 1")
        for row in (["UBND XÃ THƯỢNG LONG"], ["QUÝ III NĂM 2021"], HEADER, ["1.1.1.", "Số nhiệm vụ đề ra trong kế hoạch", "Nhiệm vụ", 6]):
            s.append(row)
        return g

    path = tmp_path / "a.grid"
    path.write_text("x", encoding="utf-8")
    with register_plugin(_Plugin(_GridReader("grid", grid)), "test-grid"):
        code, out, err = run_compute(path, spec="2021", fmt="json")
    assert code in (0, 1), err
    report = json.loads(out)
    assert (report["unit"], report["period"], report["level"]) == ("xã Thượng Long", "2021-Q3", "xa")
    assert next(i["value"] for i in report["indicators"] if i["id"] == "kh_nhiem_vu_de_ra") == 6
    with register_plugin(_Plugin(_GridReader("none", None)), "test-none"):
        code, out, err = run_compute(path, spec="2021", fmt="json")
    assert code == 2 and "test-none" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err


# --- a header recognised by what it says, anywhere (issue 21) ---------------------------------


def _rows(raw):
    return [(r.stt, r.name, r.unit, r.value, r.note) for r in raw.rows]


def test_a_header_without_stt_or_only_its_second_row_is_a_header_anywhere():
    no_stt = layout(_grid([["Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"], ["Số văn bản", "Văn bản", "5", ""]]))
    assert _rows(no_stt) == [("", "Số văn bản", "Văn bản", "5", "")]
    second_only = layout(_grid([["", "", "Đơn vị tính", "Số liệu", "Ghi chú"], ["1.", "Số văn bản", "Văn bản", "5", ""]]))
    assert _rows(second_only) == [("1.", "Số văn bản", "Văn bản", "5", "")]
    # mid-table, moved one column right (a pasted block): the columns follow the titles
    moved = layout(_grid([HEADER, ["1.", "Số văn bản", "Văn bản", "5"],
                          [None, None, None, "Đơn vị tính", "Số liệu"], [None, "2.", "Số cuộc", "Cuộc", "7"]]))
    assert _rows(moved) == [("1.", "Số văn bản", "Văn bản", "5", ""), ("2.", "Số cuộc", "Cuộc", "7", "")]
    assert not moved.findings


def test_a_note_continued_on_the_repeated_header_or_a_note_only_row_is_joined():
    raw = layout(_grid([HEADER, ["1.", "Số văn bản", "Văn bản", "5", "Chỉ UBND cấp"],
                        [None, None, "Đơn vị tính", "Số liệu", "huyện báo cáo"],
                        ["2.", "Số cuộc", "Cuộc", "7", "Kết quả"], [None, None, None, None, "đạt được"]]))
    assert _rows(raw) == [("1.", "Số văn bản", "Văn bản", "5", "Chỉ UBND cấp huyện báo cáo"),
                          ("2.", "Số cuộc", "Cuộc", "7", "Kết quả đạt được")]
    assert _codes(raw, "note-continued") == [("E3", {"text": "huyện báo cáo", "name": "Số văn bản"}),
                                             ("E5", {"text": "đạt được", "name": "Số cuộc"})]
    assert {f.severity for f in raw.findings} == {"info"}


def test_rows_that_only_look_like_titles_are_data():
    raw = layout(_grid([HEADER, ["I.", "Nội dung cải cách thể chế", None, None],  # a heading, not "Nội dung"
                        ["", "Số lượng", "Người", "3"], ["(1)", "(2)", "(3)", "(4)"]]))
    assert [r.name for r in raw.rows] == ["Nội dung cải cách thể chế", "Số lượng", "(2)"]
    numbered = layout(_grid([HEADER, ["(1)", "(2)", "(3)", "(4)", "(5)"], ["1.", "Số văn bản", "Văn bản", "5"]]))
    assert _rows(numbered) == [("1.", "Số văn bản", "Văn bản", "5", "")]  # the column numbers under the header


def test_a_continued_table_of_another_width_is_aligned_by_what_it_holds():
    grid = Grid(file="/x/bao-cao.docx")
    first = grid.add_sheet("Bảng 1")
    first.table = 1
    for i, row in enumerate([HEADER, ["1.", "Số văn bản", "Văn bản", "5", ""]], start=1):
        first.append(row, i)
    lost = grid.add_sheet("Bảng 2")  # without its STT column
    lost.table, lost.continues = 2, True
    for i, row in enumerate([["Số cuộc", "Cuộc", "7", "ghi"], ["Số vấn đề", "Vấn đề", "9", ""]], start=1):
        lost.append(row, i)
    back = grid.add_sheet("Bảng 3")  # five columns again, no header
    back.table, back.continues = 3, True
    back.append(["3.", "Số người", "Người", "4", ""], 1)
    raw = layout(grid)
    assert _rows(raw) == [("1.", "Số văn bản", "Văn bản", "5", ""), ("", "Số cuộc", "Cuộc", "7", "ghi"),
                          ("", "Số vấn đề", "Vấn đề", "9", ""), ("3.", "Số người", "Người", "4", "")]
    assert not raw.findings
    assert [str(r.location) for r in raw.rows][1:3] == ["/x/bao-cao.docx: Bảng 2, dòng 1", "/x/bao-cao.docx: Bảng 2, dòng 2"]
