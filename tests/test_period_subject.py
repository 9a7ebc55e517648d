"""A half-year report whose appendix title names only a year (seed 004: "… ngày 10/6/2021")
reads as that half-year when the report's own subject line says so
("V/v … báo cáo cải cách hành chính 6 tháng đầu năm 2021"); the layout stage,
on grids built in memory and on the real report in every format."""

from __future__ import annotations

from typing import Optional

import pytest

from cchc_engine.flow.grid import Grid
from cchc_engine.flow.layout import layout, subject_lines
from cchc_engine.session import compute_file
from cchc_engine.spec.registry import resolve
from conftest import FIXTURES

HEADER = ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"]
TITLES = [
    "Phụ lục II",
    "THỐNG KÊ SỐ LIỆU VỀ KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH UBND HUYỆN CẨM XUYÊN",
    "(Ban hành kèm theo Công văn số 1649 /UBND-NV ngày 10/6/2021 của UBND huyện)",
]
LETTERHEAD = [
    "ỦY BAN NHÂN DÂN", "HUYỆN CẨM XUYÊN", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    "Số: 1649/UBND – NV", "V/v yêu cầu báo cáo cải cách", "hành chính 6 tháng đầu năm 2021",
    "Cẩm Xuyên, ngày 10 tháng 6 năm 2021",
]


def _layout(titles: list[str], text_lines: Optional[list[str]] = None, sheet: str = "Phụ lục"):
    grid = Grid(file="/x/bao-cao.xlsx", text_lines=list(text_lines or []))
    s = grid.add_sheet(sheet)
    for line in titles:
        s.append([line])
    s.append(HEADER)
    s.append(["1.1.1", "Số nhiệm vụ đề ra trong kế hoạch", "Nhiệm vụ", "6", ""])
    return layout(grid)


def _period(titles: list[str], text_lines: Optional[list[str]] = None, sheet: str = "Phụ lục") -> Optional[str]:
    return _layout(titles, text_lines, sheet).period


def test_the_subject_line_makes_a_bare_year_finer():
    assert _period(TITLES) == "2021"  # the appendix alone: only the year of the letter's date
    assert _period(TITLES, LETTERHEAD) == "2021-H1"  # a Word report: the letter's subject says the half-year
    subject = ["V/v báo cáo CCHC", "quý III năm 2021"]
    assert _period(TITLES, subject) == "2021-Q3"
    assert _period(TITLES, ["BÁO CÁO", "Kết quả thực hiện công tác cải cách hành chính 9 tháng năm 2021"]) == "2021-9M"


@pytest.mark.parametrize(
    "titles, text_lines, period",
    [
        (TITLES, ["V/v báo cáo CCHC năm 2021"], "2021"),  # a yearly report stays yearly
        (TITLES, ["V/v báo cáo CCHC 6 tháng đầu năm 2020"], "2021"),  # another year: not this report's subject
        (["THỐNG KÊ SỐ LIỆU QUÝ III NĂM 2021"], LETTERHEAD, "2021-Q3"),  # the title names the period itself
        (TITLES, ["Thực hiện kế hoạch 6 tháng đầu năm 2021, UBND huyện …"], "2021"),  # narrative, not a subject
    ],
)
def test_only_the_reports_own_subject_of_the_same_year_counts(titles, text_lines, period):
    assert _period(titles, text_lines) == period


def test_pasted_text_keeps_the_subject_line_below_the_letterhead():
    # a whole letter pasted above the table (a sheet named ""): the subject is lines 6–7,
    # below the 5 head lines kept as titles, above a narrative that names no period
    narrative = [f"Đoạn {i} của công văn, không nói đến kỳ báo cáo nào." for i in range(12)]
    assert _period(LETTERHEAD + narrative + TITLES, sheet="") == "2021-H1"


def test_subject_lines():
    assert subject_lines(LETTERHEAD) == ["V/v yêu cầu báo cáo cải cách", "hành chính 6 tháng đầu năm 2021"]
    assert subject_lines(["Về việc báo cáo CCHC quý I năm 2024"]) == ["Về việc báo cáo CCHC quý I năm 2024"]
    assert subject_lines(["BÁO CÁO", "Công tác cải cách hành chính quý III năm 2021"]) == [
        "Công tác cải cách hành chính quý III năm 2021"
    ]
    assert subject_lines(["Báo cáo kết quả", "Vv", "vào việc"]) == []


@pytest.mark.parametrize(
    "name, period",
    [
        ("formats/seed004_report.docx", "2021-H1"),  # the whole report: the letter's subject line
        ("formats/seed004_report.txt", "2021-H1"),  # the same, pasted
        ("seed004_blank.xlsx", "2021"),  # the appendix alone names no half-year
        ("formats/seed004_blank.xls", "2021"),
        ("formats/seed004_blank.ods", "2021"),
    ],
)
def test_seed_004_in_every_format(every_format, name, period):
    import json

    meta = json.loads((FIXTURES / "seed004_meta.json").read_text(encoding="utf-8"))
    assert meta["period"] == "2021-H1"  # what the seed is: a half-year report
    result = compute_file(resolve("2021-ha-tinh"), FIXTURES / name, host=every_format)
    assert (result.unit, result.level, result.period) == ("huyện Cẩm Xuyên", "huyen", period)


def _findings(titles: list[str], text_lines: Optional[list[str]] = None) -> list[tuple[str, str, Optional[str]]]:
    raw = _layout(titles, text_lines)
    return [(f.code, f.severity, raw.period) for f in raw.findings if f.code == "period-from-date"]


@pytest.mark.parametrize(
    "titles, text_lines, warned",
    [
        (TITLES, None, True),  # only "ngày 10/6/2021": last year's report may be sent in June too
        (["THỐNG KÊ SỐ LIỆU CẢI CÁCH HÀNH CHÍNH", "Cẩm Xuyên, ngày 10 tháng 6 năm 2021"], None, True),
        (["THỐNG KÊ SỐ LIỆU CẢI CÁCH HÀNH CHÍNH", "Cẩm Xuyên, ngày ... tháng ... năm 2021"], None, True),
        (TITLES, LETTERHEAD, False),  # the subject names the half-year and its year
        (TITLES, ["V/v báo cáo CCHC năm 2021"], False),  # the subject names the year
        (TITLES, ["V/v báo cáo CCHC 6 tháng đầu năm 2020"], True),  # another year: still only the date's
        (["THỐNG KÊ SỐ LIỆU CCHC NĂM 2021", "Hà Tĩnh, ngày 10 tháng 6 năm 2021"], None, False),  # the title names it
        (["THỐNG KÊ SỐ LIỆU QUÝ III NĂM 2023"], None, False),
    ],
)
def test_a_period_whose_year_is_only_the_documents_date_is_a_warning(titles, text_lines, warned):
    found = _findings(titles, text_lines)
    assert bool(found) is warned, found
    if warned:
        assert found[0][:2] == ("period-from-date", "warning")


def test_the_date_warning_goes_when_the_officer_gives_the_period():
    compiled = resolve("2021")
    guessed = compute_file(compiled, FIXTURES / "seed004_blank.xlsx")
    given = compute_file(compiled, FIXTURES / "seed004_blank.xlsx", period="2021-H1")
    [warning] = [f for f in guessed.findings if f.code == "period-from-date"]
    assert guessed.period == "2021" and "2021" in warning.message and "--period" in warning.message
    assert given.period == "2021-H1" and not [f for f in given.findings if f.code == "period-from-date"]
