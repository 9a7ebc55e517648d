"""The blank workbook: official layout, validations, and a filled copy reads back cleanly."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from cchc_engine.session import compute_file
from cchc_engine.spec.registry import resolve
from cchc_engine.template import build_template, choice_list

MAPPING_CODES = {"unmapped-row", "duplicate-row", "stt-mismatch"}
CASES = [(s, lv) for s in ("2021", "2023", "2021-ha-tinh") for lv in resolve(s).spec.level_ids()]


def _value_for(compiled, ind):
    if ind.type == "count":
        return 3
    if ind.type == "percent":
        return 42.5
    if ind.type == "number":
        return 12.5
    if ind.type == "choice":
        return choice_list(compiled, ind)[-1]
    return "Ghi chú thử"


def _fill(tmp_path: Path, spec: str, level: str) -> tuple[Path, dict]:
    compiled = resolve(spec)
    wb, info = build_template(compiled, level)
    path = tmp_path / f"mau-{spec}-{level}.xlsx"
    wb.save(path)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    index = compiled.spec.index()
    filled = {}
    for ind_id, cell in info.inputs.items():
        ws[cell].value = filled[ind_id] = _value_for(compiled, index[ind_id])
    wb.save(path)
    return path, filled


@pytest.mark.parametrize("spec,level", CASES)
def test_template_loads_and_has_layout(tmp_path, spec, level):
    compiled = resolve(spec)
    wb, info = build_template(compiled, level)
    path = tmp_path / "mau.xlsx"
    wb.save(path)
    ws = openpyxl.load_workbook(path).active
    texts = [c.value for row in ws.iter_rows() for c in row if c.value]
    assert "STT" in texts and "Chỉ tiêu thống kê" in texts and "Đơn vị tính" in texts and "Số liệu" in texts
    assert ws.protection.sheet
    assert ws.page_setup.orientation == "portrait" and str(ws.page_setup.paperSize) == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    if len(compiled.spec.forms) > 1:
        assert "Biểu mẫu 1" in texts and "Biểu mẫu 7" in texts
    for ind_id, cell in info.inputs.items():
        assert ws[cell].protection.locked is False
    for ind_id, cell in info.derived.items():
        assert ws[cell].protection.locked is not False and ws[cell].value is None
    # only indicators reported at this level
    index = compiled.spec.index()
    assert all(index[i].applies_to(level) for i in info.inputs)


@pytest.mark.parametrize("spec,level", CASES)
def test_every_input_cell_has_a_validation_and_choices_a_dropdown(tmp_path, spec, level):
    compiled = resolve(spec)
    wb, info = build_template(compiled, level)
    path = tmp_path / "mau.xlsx"
    wb.save(path)
    ws = openpyxl.load_workbook(path).active
    covered = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for row in ws[rng.coord] if ":" in rng.coord else [[ws[rng.coord]]]:
                for c in row:
                    covered[c.coordinate] = dv
    index = compiled.spec.index()
    for ind_id, cell in info.inputs.items():
        assert cell in covered, ind_id
        dv = covered[cell]
        ind = index[ind_id]
        expected = {"choice": "list", "count": "whole", "percent": "decimal", "number": "decimal", "text": "textLength"}[ind.type]
        assert dv.type == expected, ind_id
        if ind.type == "choice":
            assert dv.formula1.strip('"').split(",") == choice_list(compiled, ind)
        if ind.type == "percent":
            assert (dv.formula1, dv.formula2) == ("0", "100")
        # One validation serves every cell of a kind: its message names the kind, never a row.
        assert dv.error and dv.errorTitle == "Giá trị không hợp lệ"
        assert not any(other.name in dv.error for other in index.values() if len(other.name) > 12), (ind_id, dv.error)
        if ind.type == "count" and ind.min is None and ind.max is None:
            assert dv.error == "Hãy nhập một số nguyên, từ 0 trở lên."
        if ind.type == "percent":
            assert dv.error == "Hãy nhập tỷ lệ phần trăm từ 0 đến 100 (không ghi dấu %)."


@pytest.mark.parametrize("spec,level", CASES)
def test_filled_template_reads_back_without_mapping_warnings(tmp_path, spec, level):
    compiled = resolve(spec)
    path, filled = _fill(tmp_path, spec, level)
    result = compute_file(compiled, path, level=level, period=f"{compiled.spec.year}-Q3")
    assert [f.located() for f in result.findings if f.code in MAPPING_CODES] == []
    # every filled cell is reported with the value typed (choices: their code)
    for ind_id, typed in filled.items():
        row = result.get(ind_id)
        assert row.source == "reported", ind_id
        if isinstance(typed, (int, float)):
            assert row.value == typed, ind_id
    assert not [f for f in result.findings if f.code in ("invalid-number", "unknown-choice", "level-not-reporting")]


def test_derived_cells_are_computed_from_the_filled_operands(tmp_path):
    compiled = resolve("2023")
    path, _ = _fill(tmp_path, "2023", "huyen")
    result = compute_file(compiled, path, level="huyen", period="2023-Q3")
    row = result.get("ty_le_hoan_thanh_ke_hoach")
    assert row.source == "computed" and row.value == 100


def test_template_command_writes_atomically(tmp_path):
    from click.testing import CliRunner

    from cchc_engine.cli.main import cli

    out = tmp_path / "mau.xlsx"
    res = CliRunner().invoke(cli, ["template", "--spec", "2021-ha-tinh", "--level", "huyện", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert openpyxl.load_workbook(out).active.title == "Phụ lục"
    res = CliRunner().invoke(cli, ["template", "--spec", "2023", "--level", "thon", "-o", str(out)])
    assert res.exit_code == 2


def _column(ws, col: int) -> list:
    return [ws.cell(row=r, column=col).value for r in range(1, ws.max_row + 1)]


@pytest.mark.parametrize("level,first", [("xa", "Số TTHC cấp xã:"), ("huyen", "Số TTHC cấp huyện:"), ("tinh", "Số TTHC cấp tỉnh:")])
def test_the_first_breakdown_printed_at_a_level_carries_trong_do(level, first):
    # 2021, 3.1.3: "Trong đó" on the first of the by-level rows the form prints, as the
    # Ministry's forms do (seed 000: "Trong đó | Số TTHC cấp huyện:"), even when the rows
    # before it belong to another level (the commune's form has no "cấp tỉnh/huyện" row).
    wb, _ = build_template(resolve("2021"), level)
    a, b = _column(wb.active, 1), _column(wb.active, 2)
    total = b.index("Tổng số TTHC đang có hiệu lực")
    assert (a[total + 1], b[total + 1]) == ("Trong đó", first)
    assert a[total + 2] != "Trong đó"  # the rest of the run prints no second "Trong đó"
    # every run of breakdown rows printed at this level opens with exactly one "Trong đó"
    index = {ind.name_for(level): ind for _f, ind in resolve("2021").spec.indicators() if ind.applies_to(level)}
    for r, (stt, name) in enumerate(zip(a, b)):
        ind = index.get(name)
        if ind is not None and ind.row_kind == "breakdown":
            prev = index.get(b[r - 1])
            opens = not (prev is not None and prev.row_kind == "breakdown" and prev in _siblings(ind))
            assert (stt == "Trong đó") == opens, (r + 1, name)


def _siblings(ind):
    for _f, parent in resolve("2021").spec.indicators():
        if ind in parent.children:
            return parent.children
    return []


def test_marker_sections_are_one_table_with_no_blank_row(tmp_path):
    # sections opened by a spec's markers ("I", "II") are parts of one table, as the
    # provincial forms print them: no blank row between the last row of I and the row of II
    from test_spec_constructs import compiled_spec

    wb, info = build_template(compiled_spec(tmp_path), "huyen")
    ws = wb.active
    a, b = _column(ws, 1), _column(ws, 2)
    header = a.index("STT") + 1
    second = a.index("II") + 1
    assert b[second - 2] == "Tiếp nhận trực tuyến"  # the row just above section II is section I's last
    # from the header to the last row, every row is a bordered row of the table
    for r in range(header, ws.max_row + 1):
        if ws.cell(row=r, column=2).value is None and r > header + 1:
            pytest.fail(f"blank row {r} inside the table")
        assert ws.cell(row=r, column=1).border.left.style == "thin", r
