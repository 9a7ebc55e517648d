"""The printed report is the form of its level, as an officer signs it (issue 21, item 3).

Real files through the real CLI: a province and a commune report of the 2021 template
(whose levels number different rows 1.2.1, 4.1.1 …), a value that could not be read,
the signature block, and the findings kept out of the form (and out entirely with
--no-findings). The Word report's side of this is in plugins/cchc-docx/tests/test_form.py.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cchc_engine.spec.registry import resolve
from cchc_engine.testing import run_cli, write_submission

FOLDER_WORD = "thu-muc-rieng"  # a folder name that must never reach the printed page


def _submission(tmp_path: Path, spec: str, level: str, bad: dict | None = None) -> Path:
    """Every input of ``level`` filled with 1 (texts with words), ``bad`` overriding by id."""
    compiled = resolve(spec)
    values = {
        ind.id: (1 if ind.type != "text" else "Có")
        for ind in compiled.spec.index().values()
        if ind.applies_to(level) and ind.printed and ind.type != "group" and not ind.formula
    }
    values.update(bad or {})
    folder = tmp_path / FOLDER_WORD
    folder.mkdir(exist_ok=True)
    return write_submission(compiled, level, values, "json", directory=folder)


def _xlsx(tmp_path: Path, src: Path, spec: str, *extra: str):
    out = tmp_path / "bao-cao.xlsx"
    code, _out, err = run_cli("compute", "--spec", spec, str(src), "-o", str(out), *extra)
    assert code in (0, 1), err
    return load_workbook(out)


def _rows(ws) -> list[tuple]:
    return [tuple(c.value for c in row[:5]) for row in ws.iter_rows()]


@pytest.mark.parametrize("level", ["tinh", "xa"])
def test_a_province_or_commune_report_prints_only_its_levels_rows_once(tmp_path, level):
    wb = _xlsx(tmp_path, _submission(tmp_path, "2021", level), "2021")
    rows = _rows(wb["Phụ lục"])
    stts = Counter(r[0] for r in rows if isinstance(r[0], str) and r[0][:1].isdigit())
    assert [s for s, n in stts.items() if n > 1] == []  # 1.2.1, 4.1.1 … once each
    names = {r[1] for r in rows}
    compiled = resolve("2021")
    for ind in compiled.spec.index().values():
        if not ind.printed:
            continue
        shown = ind.name_for(level) in names
        assert shown == ind.applies_to(level), (ind.id, level)
    # numbered as the level's template: the province's 1.2.1 is "Số sở, ngành đã kiểm tra"
    expected = "Số sở, ngành đã kiểm tra" if level == "tinh" else "Số cuộc đã kiểm tra"
    assert ("1.2.1", expected) in {(r[0], r[1]) for r in rows}


def test_the_province_report_reads_back_without_dropping_a_value(tmp_path):
    src = _submission(tmp_path, "2021", "tinh")
    out = tmp_path / "tinh.xlsx"
    assert run_cli("compute", "--spec", "2021", str(src), "-o", str(out))[0] in (0, 1)
    code, text, err = run_cli("compute", "--spec", "2021", "--level", "tinh", str(out), "-f", "json")
    back = json.loads(text)
    assert back["stats"]["rows_dropped"] == 0, back["stats"]
    assert not [f for f in back["findings"] if f["code"] in ("duplicate-row", "unmapped-row", "merged-value-cell")]


def test_a_value_that_could_not_be_read_shows_what_was_typed_in_a_marked_cell(tmp_path):
    src = _submission(tmp_path, "2023", "huyen", {"kt_phong_ban": "101/119"})
    for lang, shown in (("vi", "Báo cáo ghi: 101/119"), ("en", "Reported: 101/119")):
        wb = _xlsx(tmp_path, src, "2023", "--lang", lang)
        ws = wb.worksheets[0]
        [cell] = [row[3] for row in ws.iter_rows() if row[1].value == "Số Phòng, Ban đã kiểm tra"]
        assert cell.value == shown
        assert cell.fill.fgColor.rgb.endswith("FFC7CE")  # an error's colour
    code, text, _ = run_cli("compute", "--spec", "2023", str(src), "-f", "md")
    assert "⚠ **Báo cáo ghi: 101/119**" in text


def test_the_printed_page_names_no_folder_and_ends_with_the_signature_block(tmp_path):
    wb = _xlsx(tmp_path, _submission(tmp_path, "2023", "huyen"), "2023")
    ws = wb["Phụ lục"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any(FOLDER_WORD in t for t in texts)
    tail = texts[-5:]
    assert tail == [
        "……, ngày …… tháng …… năm ……", "Người lập biểu", "Thủ trưởng đơn vị",
        "(Ký, ghi rõ họ tên)", "(Ký tên, đóng dấu)",
    ]
    # the block has no text in the value column, so the report reads back clean
    sign_rows = [row for row in ws.iter_rows() if row[0].value in ("Người lập biểu", "(Ký, ghi rõ họ tên)")]
    assert sign_rows and all(row[3].value is None for row in sign_rows)


def test_finding_codes_stay_on_the_findings_sheet_which_no_findings_leaves_out(tmp_path):
    src = _submission(tmp_path, "2023", "huyen", {"kt_phong_ban": "101/119"})
    wb = _xlsx(tmp_path, src, "2023")
    assert wb.sheetnames == ["Phụ lục", "Kết quả kiểm tra"]
    form = [str(c.value) for row in wb["Phụ lục"].iter_rows() for c in row if c.value is not None]
    comments = [c.comment.text for row in wb["Phụ lục"].iter_rows() for c in row if c.comment]
    assert not any("fraction-in-count" in t for t in form + comments)
    assert any(c.value == "fraction-in-count" for row in wb["Kết quả kiểm tra"].iter_rows() for c in row)

    wb = _xlsx(tmp_path, src, "2023", "--no-findings")
    assert wb.sheetnames == ["Phụ lục"]
    assert not [c for row in wb["Phụ lục"].iter_rows() for c in row if c.comment and "101/119" in c.comment.text]
    code, text, _ = run_cli("compute", "--spec", "2023", str(src), "-f", "md", "--no-findings")
    assert code == 1 and "Kết quả kiểm tra" not in text and "fraction-in-count" not in text


def test_no_findings_has_vietnamese_and_english_help():
    _code, vi, _ = run_cli("compute", "--help")
    _code, en, _ = run_cli("--lang", "en", "compute", "--help")
    assert "--no-findings" in vi and "Không kèm kết quả kiểm tra" in vi
    assert "Leave the findings out" in en
