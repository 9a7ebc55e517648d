"""Every seed in every format an officer sends gives the same report.

The .xls/.ods are LibreOffice conversions of the .xlsx fixtures, the .docx is the
whole Word report with the appendix as Word tables (split at page breaks), the
.txt is the pasted text (scripts/make_format_fixtures.py). Same indicators, same
values, same findings (code, indicator, severity), same unit/level/period.
"""

from __future__ import annotations

import pytest

from cchc_engine.session import compute_file
from cchc_engine.spec.registry import resolve
from conftest import FIXTURES

SAME = {
    "seed000 (2021 xã, text values)": ("2021", "seed000_text.xlsx", [
        "formats/seed000_text.xls", "formats/seed000_text.ods", "formats/seed000_report.docx",
        "formats/seed000_report_noheaders.docx", "formats/seed000_report.txt",
        "formats/seed000_report_widths.docx", "formats/seed000_report_altchunk.docx",
        "formats/seed000_report_altchunk_mht.docx"]),
    # headers repeated mid-table in every shape, notes continued past the break (make_format_fixtures)
    "seed000 (2021 xã, page breaks)": ("2021", "seed000_pagebreaks.xlsx", [
        "formats/seed000_pagebreaks.xls", "formats/seed000_pagebreaks.ods", "formats/seed000_pagebreaks.docx",
        "formats/seed000_pagebreaks.txt"]),
    "seed000 (2021 xã, Excel numbers)": ("2021", "seed000_numbers.xlsx", [
        "formats/seed000_numbers.xls", "formats/seed000_numbers.ods", "seed000_text.xlsx"]),
    "seed001 (2023 huyện, one sheet)": ("2023", "seed001_text_onesheet.xlsx", [
        "formats/seed001_text_onesheet.xls", "formats/seed001_text_onesheet.ods", "formats/seed001_report.docx",
        "formats/seed001_report.txt"]),
    "seed001 (2023 huyện, a sheet per form, numbers)": ("2023", "seed001_numbers_sheets.xlsx", [
        "formats/seed001_numbers_sheets.xls", "formats/seed001_numbers_sheets.ods", "seed001_text_onesheet.xlsx"]),
    "seed004 (2021 Hà Tĩnh, blank)": ("2021", "seed004_blank.xlsx", [
        "formats/seed004_blank.xls", "formats/seed004_blank.ods", "formats/seed004_report.docx",
        "formats/seed004_report.txt"]),
}

# The whole report says more than its appendix: seed 004's letter names the half-year
# ("V/v … 6 tháng đầu năm 2021") that its appendix title does not (tests/test_period_subject.py).
REPORT_PERIOD = {"formats/seed004_report.docx": "2021-H1", "formats/seed004_report.txt": "2021-H1"}


def _summary(result) -> tuple:
    return (
        (result.unit, result.level, result.period),
        {i.id: (i.value, i.source) for i in result.indicators},
        sorted((f.code, f.indicator or "", f.severity) for f in result.findings),
    )


@pytest.mark.parametrize("case", sorted(SAME))
def test_every_format_gives_the_same_report(case, every_format):
    spec, base, others = SAME[case]
    compiled = resolve(spec)
    assert {r.name for r in every_format.readers.all()} >= {"xlsx", "xls", "ods", "docx", "tsv"}
    expected = _summary(compute_file(compiled, FIXTURES / base, host=every_format))
    assert sum(1 for v, _ in expected[1].values() if v is not None) > 20 or "blank" in case
    results = {name: _summary(compute_file(compiled, FIXTURES / name, host=every_format)) for name in others}
    for name, got in results.items():
        unit, level, period = expected[0]
        assert got[0] == (unit, level, REPORT_PERIOD.get(name, period)), name
        assert got[1] == expected[1], name
        want = expected[2]
        if name in REPORT_PERIOD:  # the letter names the period: no warning that it was guessed from a date
            assert ("period-from-date", "", "warning") in want, name
            want = [f for f in want if f[0] != "period-from-date"]
        assert got[2] == want, name
