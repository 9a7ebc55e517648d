"""Spec diff 2021 → 2023, year-over-year compare, and spec lint warnings."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import yaml
from click.testing import CliRunner

from cchc_engine.cli.main import cli
from cchc_engine.cli.maintain_cmds import compare_results
from cchc_engine.session import compute_file
from cchc_engine.spec.compiler import compile_spec
from cchc_engine.spec.diff import diff_specs, similarity
from cchc_engine.spec.lint import lint_spec
from cchc_engine.spec.model import Spec
from cchc_engine.spec.registry import resolve
from cchc_engine.template import build_template

D = diff_specs(resolve("2021").spec, resolve("2023").spec)


def _change(new_id=None, old_id=None):
    for c in D.changes:
        if (new_id is None or (c.new and c.new.id == new_id)) and (old_id is None or (c.old and c.old.id == old_id)):
            return c
    raise KeyError(new_id or old_id)


def test_plan_completion_ratio_is_new_and_computed():
    c = _change("ty_le_hoan_thanh_ke_hoach")
    assert c.kinds == ["added"] and c.details["computed"] and c.new.formula == "ratio(nv_hoan_thanh, nv_de_ra)"


def test_public_investment_disbursement_is_new():
    for nid in ("ty_le_giai_ngan", "gn_ke_hoach", "gn_da_thuc_hien"):
        assert _change(nid).kinds == ["added"]
    assert _change("gn_ke_hoach").new.unit == "Triệu đồng"
    assert _change("pakn_tiep_nhan").kinds == ["added"]


def test_crosswalk_renumbering_renaming_and_type():
    c = _change("nv_de_ra")
    assert c.match == "previous" and c.old.id == "kh_nhiem_vu_de_ra" and c.kinds == ["renumbered"]
    c = _change("khao_sat_hai_long")
    assert "type" in c.kinds and (c.old.type, c.new.type) == ("group", "choice")
    c = _change("tthc_tong")
    assert c.match == "id" and {"renamed", "renumbered"} <= set(c.kinds)
    c = _change("tthc_thanh_toan_truc_tuyen")
    assert "moved" in c.kinds  # 2021 section 3 (TTHC) → 2023 Biểu mẫu 7 (e-government)
    assert "unit" in _change("dvc_md3_dang_cung_cap").kinds  # TTHC → Thủ tục
    assert "removed" in _change(old_id="kt_so_cuoc").kinds


def test_name_guesses_are_marked_with_their_score():
    guesses = [c for c in D.changes if c.guess]
    assert guesses and all(0.72 <= c.score <= 1 for c in guesses)
    assert similarity("Số TTHC cấp xã:", "so tthc cap xa") == 1.0


def test_spec_diff_cli_formats():
    res = CliRunner().invoke(cli, ["spec", "diff", "2021", "2023", "-f", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert any(c["new"] and c["new"]["id"] == "ty_le_giai_ngan" and c["kinds"] == ["added"] for c in data["changes"])
    res = CliRunner().invoke(cli, ["spec", "diff", "2021", "2023", "-f", "md"])
    assert res.exit_code == 0 and "| mới" in res.output and "Tỷ lệ hoàn thành Kế hoạch CCHC năm" in res.output


def _filled(tmp_path: Path, spec: str, value: int) -> Path:
    compiled = resolve(spec)
    wb, info = build_template(compiled, "xa")
    path = tmp_path / f"{spec}.xlsx"
    wb.save(path)
    wb = openpyxl.load_workbook(path)
    index = compiled.spec.index()
    for ind_id, cell in info.inputs.items():
        if index[ind_id].type == "count":
            wb.active[cell].value = value
    wb.save(path)
    return path


def test_compare_lists_shared_and_unmatched(tmp_path):
    old_c, new_c = resolve("2021"), resolve("2023")
    old_f, new_f = _filled(tmp_path, "2021", 4), _filled(tmp_path, "2023", 7)
    ro = compute_file(old_c, old_f, level="xa", period="2021-Q3")
    rn = compute_file(new_c, new_f, level="xa", period="2023-Q3")
    rows = compare_results(ro, rn, old_c.spec, new_c.spec)
    by_new = {r["new_id"]: r for r in rows if r["new_id"]}
    shared = by_new["nv_de_ra"]
    assert (shared["status"], shared["old_id"], shared["old_value"], shared["new_value"], shared["change"]) == (
        "shared", "kh_nhiem_vu_de_ra", 4, 7, 3
    )
    assert by_new["gn_ke_hoach"]["status"] == "only-new"
    assert any(r["status"] == "only-old" and r["old_id"] == "kt_so_cuoc" for r in rows)
    res = CliRunner().invoke(
        cli,
        ["compare", "--spec-old", "2021", str(old_f), "--spec-new", "2023", str(new_f), "--level", "xa",
         "--period-old", "2021-Q3", "--period-new", "2023-Q3", "-f", "json"],
    )
    assert res.exit_code == 0, res.output
    assert {r["status"] for r in json.loads(res.stdout)["rows"]} == {"shared", "only-new", "only-old"}


LINT_SPEC = """
id: l
year: 2024
title: T
levels: [{id: xa, name: Xã}]
choices:
  unused: [{code: 0, label: Không}]
forms:
  - id: f
    title: F
    indicators:
      - id: tong
        stt: "1"
        name: Tổng số TTHC
        unit: Thủ tục
        type: count
        children:
          - {id: xa, stt: "", name: Số TTHC cấp xã, unit: Thủ tục, type: count}
      - id: ty_le
        stt: "2"
        name: Tỷ lệ hồ sơ đúng hạn
        unit: "%"
        type: percent
        children:
          - {id: hs_tong, stt: "2.1", name: Tổng số hồ sơ, unit: Hồ sơ, type: count}
          - {id: hs_dung_han, stt: "2.2", name: Số hồ sơ đúng hạn, unit: Hồ sơ, type: count, previous: old_dh}
"""


def test_lint_warnings():
    old = Spec.model_validate(yaml.safe_load(LINT_SPEC.replace("id: hs_dung_han,", "id: old_dh,").replace("Số hồ sơ đúng hạn", "So ho so dung han")))
    compiled, problems = compile_spec(Spec.model_validate(yaml.safe_load(LINT_SPEC)))
    assert problems == []
    found = {(f.code, f.indicator or f.values.get("choices")) for f in lint_spec(compiled, compile_spec(old)[0])}
    assert found == {
        ("lint-breakdown-without-sum", "tong"),
        ("lint-ratio-without-formula", "ty_le"),
        ("lint-unused-choices", "unused"),
        ("lint-spelling-changed", "hs_dung_han"),
    }


def test_spec_check_warns_but_exits_0(tmp_path):
    p = tmp_path / "l.yaml"
    p.write_text(LINT_SPEC, encoding="utf-8")
    res = CliRunner().invoke(cli, ["spec", "check", str(p)])
    assert res.exit_code == 0
    assert "Cảnh báo" in res.output and "không được chỉ tiêu nào dùng" in res.output
    assert "hợp lệ" in res.output
