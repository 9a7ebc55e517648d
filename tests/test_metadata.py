"""What the document says, used (issue 21): the spec chosen from the title's year and level
when --spec is left out, a --spec or --period that contradicts the document, a one-level
spec that never asks for --level."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from cchc_engine.flow.findings import CchcError
from cchc_engine.session import compute_file
from conftest import cli

ROOT = Path(__file__).resolve().parent.parent


def _codes(result) -> list[str]:
    return [f.code for f in result.findings]


@pytest.mark.parametrize(
    ("name", "spec", "level"),
    [
        ("seed000_text.xlsx", "2021", "Cấp xã"),  # a 2021 commune report: the national template
        ("seed001_numbers_sheets.xlsx", "2023", "Cấp huyện"),
        # a 2021 district report of Hà Tĩnh: both 2021 specs have the level; its rows say which
        ("seed004_blank.xlsx", "2021-ha-tinh", "Cấp huyện"),
    ],
)
def test_spec_left_out_is_the_one_the_document_says(fixtures, name, spec, level):
    code, out, err = cli("validate", str(fixtures / name), "-f", "json")
    line = f"Dùng bộ chỉ tiêu '{spec}' (năm {spec[:4]}, {level}) theo năm và cấp ghi trong báo cáo"
    assert err.strip().splitlines() == [line + "; muốn dùng bộ khác, hãy ghi --spec."]
    import json

    got = json.loads(out)
    assert got["spec"] == spec and [f["severity"] for f in got["findings"] if f["code"] == "spec-inferred"] == ["info"]
    # the same verdict and values as naming it
    named = json.loads(cli("validate", "--spec", spec, str(fixtures / name), "-f", "json")[1])
    assert [f for f in got["findings"] if f["code"] != "spec-inferred"] == named["findings"]
    assert code == (0 if named["valid"] else 1)


def test_spec_choice_in_english(fixtures):
    code, _out, err = cli("--lang", "en", "validate", str(fixtures / "seed000_text.xlsx"))
    assert err.strip() == "Using spec '2021' (2021, Cấp xã) for the year and level the report states; to use another, give --spec."


def _workbook(path: Path, title: str) -> Path:
    src = openpyxl.load_workbook(ROOT / "tests" / "fixtures" / "seed000_text.xlsx")
    ws = src.active
    for row in ws.iter_rows(max_row=12):
        for c in row:
            if isinstance(c.value, str) and "2021" in c.value:
                c.value = c.value.replace("2021", title)
    src.save(path)
    return path


def test_no_spec_of_that_year_lists_the_installed_ones(tmp_path):
    path = _workbook(tmp_path / "nam-2019.xlsx", "2019")
    code, _out, err = cli("validate", str(path))
    assert code == 2
    assert "Không có bộ chỉ tiêu nào của năm 2019 cho xã" in err and "--spec" in err
    assert "2021" in err and "2021-ha-tinh" in err and "2023" in err


def test_two_equally_fitting_specs_are_an_exit_2_naming_both(fixtures):
    user = Path(os.environ["CCHC_USER_SPECS"])
    text = (ROOT / "specs" / "2023" / "national.yaml").read_text(encoding="utf-8")
    (user / "ban-sao.yaml").write_text(text.replace('id: "2023"', 'id: "2023-ban-sao"', 1), encoding="utf-8")
    code, _out, err = cli("validate", str(fixtures / "seed001_numbers_sheets.xlsx"))
    assert code == 2
    assert "Có nhiều bộ chỉ tiêu của năm 2023 phù hợp với huyện" in err
    assert "2023 (2023; tinh, huyen, xa)" in err and "2023-ban-sao (2023; tinh, huyen, xa)" in err
    # naming one settles it
    assert cli("validate", "--spec", "2023-ban-sao", str(fixtures / "seed001_numbers_sheets.xlsx"))[0] == 1


def test_a_level_no_spec_of_the_year_has_is_not_a_fit(fixtures):
    user = Path(os.environ["CCHC_USER_SPECS"])
    (user / "tinh-2030.yaml").write_text(
        'id: tinh-2030\nyear: 2030\ntitle: T\nlevels: [{id: tinh, name: Cấp tỉnh}]\n'
        "forms: [{id: a, title: A, indicators: [{id: x, stt: '1', name: X, unit: Người, type: count}]}]\n",
        encoding="utf-8",
    )
    code, _out, err = cli("validate", "--period", "2030", str(fixtures / "seed000_text.xlsx"))
    assert code == 2 and "Không có bộ chỉ tiêu nào của năm 2030 cho xã" in err and "tinh-2030 (2030; tinh)" in err


def test_a_spec_of_another_year_is_a_warning_naming_both(fixtures, spec2023):
    result = compute_file(spec2023, fixtures / "seed000_text.xlsx")
    warned = [f for f in result.findings if f.code == "spec-year-mismatch"]
    assert len(warned) == 1 and warned[0].severity == "warning"
    assert "2021-Q3 (năm 2021)" in warned[0].message and "'2023' của năm 2023" in warned[0].message
    # the right spec says nothing
    assert "spec-year-mismatch" not in _codes(compute_file(None, fixtures / "seed000_text.xlsx"))
    # on the command line it is said first, on stderr, before the rows it explains
    code, _out, err = cli("validate", "--spec", "2023", str(fixtures / "seed000_text.xlsx"))
    assert code == 1 and err.startswith("Cảnh báo: Báo cáo ghi kỳ 2021-Q3 (năm 2021)")
    assert cli("validate", "--spec", "2021", str(fixtures / "seed000_text.xlsx"))[2] == ""


def test_a_period_that_contradicts_the_document_is_a_warning(fixtures, spec2021):
    result = compute_file(spec2021, fixtures / "seed000_text.xlsx", period="2023-Q3")
    assert result.period == "2023-Q3"  # the officer's word is used …
    f = next(f for f in result.findings if f.code == "period-contradicts-document")
    assert f.severity == "warning" and "--period 2023-Q3" in f.message and "(2021-Q3)" in f.message  # … and both named
    # the same quarter contradicts nothing; another part of the same year does
    assert "period-contradicts-document" not in _codes(compute_file(spec2021, fixtures / "seed000_text.xlsx", period="2021-q3"))
    assert "period-contradicts-document" in _codes(compute_file(spec2021, fixtures / "seed000_text.xlsx", period="2021-H1"))
    # a document that states only its year is made finer by --period, not contradicted
    from cchc_engine.flow.metadata import _differ

    assert (_differ("2021-Q3", "2021"), _differ("2022-Q3", "2021"), _differ("2021", "2021-Q3")) == (False, True, False)


def test_a_later_report_on_the_latest_spec_says_nothing_unless_its_own_year_has_one(tmp_path, spec2023):
    path = tmp_path / "q3-2024.xlsx"
    shutil.copy(ROOT / "tests" / "fixtures" / "seed001_numbers_sheets.xlsx", path)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows(max_row=10):
            for c in row:
                if isinstance(c.value, str) and "2023" in c.value:
                    c.value = c.value.replace("2023", "2024")
    wb.save(path)
    result = compute_file(spec2023, path)
    assert result.period == "2024-Q3" and "spec-year-mismatch" not in _codes(result)
    # a 2024 spec installed: now the 2023 one is the wrong year
    user = Path(os.environ["CCHC_USER_SPECS"])
    text = (ROOT / "specs" / "2023" / "national.yaml").read_text(encoding="utf-8")
    (user / "2024.yaml").write_text(text.replace('id: "2023"', 'id: "2024"', 1).replace("year: 2023", "year: 2024", 1),
                                    encoding="utf-8")
    assert "spec-year-mismatch" in _codes(compute_file(spec2023, path))


def test_a_report_without_a_year_asks_for_spec(tmp_path):
    wb = openpyxl.load_workbook(ROOT / "tests" / "fixtures" / "seed000_text.xlsx")
    ws = wb.active
    for row in ws.iter_rows(max_row=12):
        for c in row:
            if isinstance(c.value, str) and ("2021" in c.value or "Quý" in c.value):
                c.value = None
    path = tmp_path / "khong-nam.xlsx"
    wb.save(path)
    code, _out, err = cli("validate", str(path))
    assert code == 2 and "--spec" in err and "bộ chỉ tiêu (báo cáo không ghi năm)" in err


def test_the_choice_is_said_before_a_later_problem(tmp_path):
    # the one 2023 spec is chosen, then the report (no "UBND huyện …") does not say its level
    wb = openpyxl.load_workbook(ROOT / "tests" / "fixtures" / "seed001_numbers_sheets.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows(max_row=8):
            for c in row:
                if isinstance(c.value, str) and ("UBND" in c.value or "huyện" in c.value):
                    c.value = None
    path = tmp_path / "khong-cap.xlsx"
    wb.save(path)
    code, _out, err = cli("validate", str(path))
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 2
    assert lines[0].startswith("Dùng bộ chỉ tiêu '2023' (năm 2023, không ghi cấp)")
    assert "cấp báo cáo" in lines[1] and "--level" in lines[1]
    assert cli("validate", "--level", "huyen", str(path))[0] == 1  # then it runs (seed 001 has one real error)


def test_a_one_level_spec_never_asks_for_level(tmp_path):
    from test_spec_constructs import ROWS, compiled_spec, workbook

    compiled = compiled_spec(tmp_path)  # levels: [huyen] only
    result = compute_file(compiled, workbook(tmp_path, ROWS), period="2026")  # no title, no --level
    assert result.level == "huyen" and result.findings == []


def test_session_for_document_and_api_compute_without_spec(fixtures):
    from cchc_engine.api import Session, compute

    session = Session.for_document(fixtures / "seed001_numbers_sheets.xlsx", entry_points=False)
    assert session.spec.id == "2023"
    result = session.compute(fixtures / "seed001_numbers_sheets.xlsx")
    assert result.spec == "2023" and _codes(result).count("spec-inferred") == 1
    # another file computed in that Session says nothing about a choice it did not make for it
    other = session.compute(fixtures / "seed001_text_onesheet.xlsx")
    assert "spec-inferred" not in _codes(other)
    english = compute(fixtures / "seed000_text.xlsx", lang="en")
    assert english.spec == "2021"
    assert next(f for f in english.findings if f.code == "spec-inferred").message.startswith("Using spec '2021'")
    with pytest.raises(CchcError) as err:
        Session.for_document(fixtures / "nope.xlsx", entry_points=False)
    assert err.value.findings[0].code == "file-not-found"
