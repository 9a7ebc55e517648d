"""The blank workbook: official layout, validations, and a filled copy reads back cleanly."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from cchc_engine.pipeline import compute_file
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
