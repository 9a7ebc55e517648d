"""Title lines → unit, level and period (submission.py), including the engine's own blank form."""

from __future__ import annotations

import unicodedata

import openpyxl
import pytest

from cchc_engine.session import compute_file
from cchc_engine.spec.registry import resolve
from cchc_engine.flow.submission import level_from_unit, period_from_title, unit_from_title
from cchc_engine.template import build_template


@pytest.mark.parametrize(
    "line, unit",
    [
        ("QUÝ III NĂM 2021 CỦA UBND XÃ THƯỢNG LONG", "xã Thượng Long"),
        ("UBND PHƯỜNG 1", "phường 1"),
        ("UBND QUẬN 3", "quận 3"),
        ("UBND XÃ SỐ 1", "xã Số 1"),
        ("UBND XÃ SỐ 2", "xã Số 2"),
        ("ỦY BAN NHÂN DÂN THỊ XÃ KỲ ANH", "thị xã Kỳ Anh"),  # "Kỳ" is a name here, not "Kỳ báo cáo"
        ("UBND HUYỆN NĂM CĂN", "huyện Năm Căn"),  # "Năm" is a name here, not "năm 2023"
        ("UỶ BAN NHÂN DÂN THỊ TRẤN THIÊN CẦM", "thị trấn Thiên Cầm"),
        ("UBND HUYỆN CẨM XUYÊN NĂM 2021", "huyện Cẩm Xuyên"),
        ("UBND HUYỆN LÂM THAO, TỈNH PHÚ THỌ", "huyện Lâm Thao"),
        ("UBND xã Thượng Long báo cáo công tác CCHC quý III năm 2021, như sau:", "xã Thượng Long"),
        ("Đơn vị báo cáo: xã A   Kỳ báo cáo: Quý III năm 2023", "xã A"),
        ("Đơn vị báo cáo: xã A Kỳ báo cáo: Quý III năm 2023", "xã A"),
        ("Đơn vị báo cáo: UBND phường Bến Nghé.......  Kỳ báo cáo: năm 2023", "phường Bến Nghé"),
        ("Đơn vị báo cáo: ........................................  Kỳ báo cáo: ....................", None),
        ("(Ban hành kèm theo Báo cáo số: /BC-UBND ngày /9/2021 của UBND xã)", None),
    ],
)
def test_unit_from_title(line, unit):
    assert unit_from_title([line]) == unit
    assert unit_from_title([unicodedata.normalize("NFD", line)]) == unit  # combining accents: same unit


def test_numbered_units_stay_distinct_and_keep_their_level():
    units = [unit_from_title([f"UBND XÃ SỐ {n}"]) for n in (1, 2, 3)]
    assert len(set(units)) == 3
    assert [level_from_unit(u) for u in ("phường 1", "quận 3", "thị xã Kỳ Anh")] == ["xã", "huyện", "huyện"]


def test_the_period_is_not_part_of_the_unit():
    line = "Đơn vị báo cáo: xã A   Kỳ báo cáo: Quý III năm 2023"
    assert (unit_from_title([line]), period_from_title([line])) == ("xã A", "2023-Q3")


@pytest.mark.parametrize("spec, level", [("2023", "xa"), ("2021", "huyen")])
def test_the_engines_blank_form_filled_in_reads_back_clean(tmp_path, spec, level):
    compiled = resolve(spec)
    wb, _info = build_template(compiled, level)
    ws = wb.active
    line = next(c for row in ws.iter_rows() for c in row if str(c.value or "").startswith("Đơn vị báo cáo"))
    line.value = "Đơn vị báo cáo: xã A   Kỳ báo cáo: Quý III năm 2023" if level == "xa" else (
        "Đơn vị báo cáo: UBND huyện Số 2   Kỳ báo cáo: 6 tháng đầu năm 2021")
    path = tmp_path / "mau.xlsx"
    wb.save(path)
    result = compute_file(compiled, path)  # no --level, --period or --unit: the form says them
    expected = ("xã A", "xa", "2023-Q3") if level == "xa" else ("huyện Số 2", "huyen", "2021-H1")
    assert (result.unit, result.level, result.period) == expected
    assert not [f for f in result.findings if f.code in ("merged-value-cell", "unmapped-row", "duplicate-row")]


def test_the_level_line_gives_the_level_when_the_unit_has_no_kind(tmp_path):
    compiled = resolve("2023")
    wb, _info = build_template(compiled, "xa")
    ws = wb.active
    line = next(c for row in ws.iter_rows() for c in row if str(c.value or "").startswith("Đơn vị báo cáo"))
    line.value = "Đơn vị báo cáo: Thượng Long   Kỳ báo cáo: năm 2023"
    path = tmp_path / "mau.xlsx"
    wb.save(path)
    assert any(str(c.value).strip("()").lower() == "cấp xã" for row in openpyxl.load_workbook(path).active.iter_rows()
               for c in row if c.value)
    result = compute_file(compiled, path)
    assert (result.unit, result.level, result.period) == ("Thượng Long", "xa", "2023")


@pytest.mark.parametrize("line, period", [
    ("BÁO CÁO KẾT QUẢ CCHC QUÝ III NĂM 2023", "2023-Q3"),
    ("Quý 4 năm 2023", "2023-Q4"),
    ("QUÝ IV/2023", "2023-Q4"),
    ("BÁO CÁO 6 THÁNG ĐẦU NĂM 2023", "2023-H1"),
    ("Báo cáo sáu tháng đầu năm 2023", "2023-H1"),
    ("BÁO CÁO 6 THÁNG CUỐI NĂM 2023", "2023-H2"),  # July to December: never the first half
    ("Báo cáo sáu tháng cuối năm 2023", "2023-H2"),
    ("báo cáo 9 tháng đầu năm 2023", "2023-9M"),
    ("Báo cáo năm 2023", "2023"),
])
def test_the_period_words_of_a_title(line, period):
    assert period_from_title([line]) == period


@pytest.mark.parametrize("line, unit, level", [
    ("UBND THÀNH PHỐ VIỆT TRÌ", "thành phố Việt Trì", "huyện"),  # a city within a province
    ("UBND THÀNH PHỐ HÀ NỘI", "thành phố Hà Nội", "tỉnh"),  # a city under the central government
    ("ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH", "thành phố Hồ Chí Minh", "tỉnh"),
    ("UBND THÀNH PHỐ ĐÀ NẴNG", "thành phố Đà Nẵng", "tỉnh"),
    ("UBND ĐẶC KHU PHÚ QUỐC", "đặc khu Phú Quốc", "xã"),  # a special zone: commune level since 2025
    ("UBND THỊ XÃ PHÚ THỌ", "thị xã Phú Thọ", "huyện"),
    ("UBND PHƯỜNG NÔNG TRANG", "phường Nông Trang", "xã"),
    ("UBND TỈNH PHÚ THỌ", "tỉnh Phú Thọ", "tỉnh"),
    ("UBND TP. VIỆT TRÌ", "thành phố Việt Trì", "huyện"),  # the kind abbreviated, as letterheads do
    ("UBND TP HỒ CHÍ MINH", "thành phố Hồ Chí Minh", "tỉnh"),
    ("UBND TX.PHÚ THỌ", "thị xã Phú Thọ", "huyện"),
    ("UBND TT. HÙNG SƠN", "thị trấn Hùng Sơn", "xã"),
    ("Đơn vị báo cáo: UBND TP. Việt Trì  Kỳ báo cáo: năm 2023", "thành phố Việt Trì", "huyện"),
])
def test_the_level_a_units_kind_says(line, unit, level):
    assert unit_from_title([line]) == unit and level_from_unit(unit) == level
