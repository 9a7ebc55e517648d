"""Spec constructs for templates provinces really use (issue 11): declared section
markers with restarting numbers, repeated printed STT, un-numbered rows that are not
breakdowns, a heading with a value and `children_total`, a blank-aware sum, a printed
unit that is not the meant one, a ratio read from Ghi chú, rules scoped to single
reports or compilations, and a one-level template in `spec diff`."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from cchc_engine.flow.engine import run
from cchc_engine.session import compute_file
from cchc_engine.spec.diff import diff_specs
from cchc_engine.spec.lint import lint_spec
from cchc_engine.spec.registry import compile_file
from cchc_engine.flow.submission import Cell, Submission
from cchc_engine.flow.findings import Location
from cchc_engine.text.messages import render
from conftest import cli

SPEC = """\
id: huyen-2026
year: 2026
title: Thống kê số liệu CCHC cấp huyện
levels: [{id: huyen, name: Cấp huyện}]
forms:
  - id: s1
    markers: ["I"]
    title: Công tác chỉ đạo điều hành
    indicators:
      - {id: kh, stt: "1", name: Số nhiệm vụ trong kế hoạch, unit: Nhiệm vụ, type: count}
      - {id: kh_xong, stt: "2", name: Số nhiệm vụ đã hoàn thành, unit: Nhiệm vụ, type: count}
      - {id: kh_ty_le, name: Tỷ lệ hoàn thành kế hoạch, unit: "%", type: percent,
         formula: "ratio(kh_xong, kh)", note_of: kh_xong}
      - id: vb
        stt: "3"
        name: Văn bản ban hành
        type: group
        children:
          - {id: vb_qd, name: Quyết định, unit: Văn bản, type: count, row: item}
          - {id: vb_kh, name: Kế hoạch, unit: Văn bản, type: count, row: item}
          - {id: vb_cv, name: Công văn, unit: Văn bản, type: count, row: item}
      - id: hs
        stt: "4"
        name: Tổng số hồ sơ tiếp nhận
        unit: Hồ sơ
        type: count
        children_total: at_most
        children:
          - {id: hs_tt, name: Tiếp nhận trực tuyến, unit: Hồ sơ, type: count}
  - id: s2
    markers: ["II"]
    title: Tổ chức bộ máy
    indicators:
      - id: kl
        stt: "1"
        name: Số người bị kỷ luật
        unit: Người
        type: count
        children_total: equal
        children:
          - {id: kl_kt, stt: "1.1", name: Khiển trách, unit: Người, type: count}
          - {id: kl_cc, stt: "1.2", name: Cảnh cáo, unit: Người, type: count}
          - {id: kl_bh, stt: "1.3", name: Buộc thôi việc, unit: Người, type: count}
      - {id: hop_a, stt: "2", name: Số cuộc họp giao ban, unit: Cuộc, type: count, stt_repeats: true}
      - {id: hop_b, stt: "2", name: Số cuộc họp chuyên đề, unit: Cuộc, type: count, stt_repeats: true}
      - {id: dv_kt, stt: "3", name: Số đơn vị được kiểm tra, unit: "%", meant_unit: Đơn vị, type: count}
      - id: cc
        stt: "4"
        name: Tổng số công chức
        unit: Người
        type: count
        children:
          - {id: cc_a, name: Loại A, unit: Người, type: count}
          - {id: cc_b, name: Loại B, unit: Người, type: count}
rules:
  - id: cc_tong
    expr: "cc == sum_present(cc_a, cc_b)"
    message: "Tổng số công chức {cc} khác tổng các loại"
  - id: kh_xong_le_kh
    expr: "value_or(kh_xong, 0) <= kh"
    message: "Hoàn thành {kh_xong} nhiều hơn kế hoạch {kh}"
  - id: co_ky_luat_khi_co_hinh_thuc
    expr: "not present(kl_kt) or kl >= kl_kt"
    message: "Khiển trách {kl_kt} nhiều hơn tổng kỷ luật {kl}"
    applies_to: report
  - id: it_nhat_mot_cuoc_hop
    expr: "hop_a >= 1"
    message: "Tổng hợp không có cuộc họp giao ban nào"
    applies_to: compilation
"""

ROWS = [
    ("I", "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH", None, None, None),
    ("1", "Số nhiệm vụ trong kế hoạch", "Nhiệm vụ", 9375, None),
    ("2", "Số nhiệm vụ đã hoàn thành", "Nhiệm vụ", 1535, "Đạt 16,37%"),
    ("3", "Văn bản ban hành", None, None, None),
    (None, "Quyết định", "Văn bản", 4, None),
    (None, "Kế hoạch", "Văn bản", 2, None),
    (None, "Công văn", "Văn bản", 10, None),
    ("4", "Tổng số hồ sơ tiếp nhận", "Hồ sơ", 100, None),
    ("Trong đó", "Tiếp nhận trực tuyến", "Hồ sơ", 60, None),
    ("II", "TỔ CHỨC BỘ MÁY", None, None, None),
    # numbering restarts; the name is worded differently, so only "STT 1 of section II" finds it
    ("1", "Người bị kỷ luật trong năm", "Người", 8, None),
    ("1.1", "Khiển trách", "Người", 5, None),
    ("1.2", "Cảnh cáo", "Người", 3, None),
    ("1.3", "Buộc thôi việc", "Người", None, None),
    ("2", "Số cuộc họp giao ban", "Cuộc", 12, None),
    ("2", "Số cuộc họp chuyên đề", "Cuộc", 4, None),
    ("3", "Số đơn vị được kiểm tra", "%", 7, None),
    ("4", "Tổng số công chức", "Người", 30, None),
    (None, "Loại A", "Người", 30, None),
    (None, "Loại B", "Người", None, None),
]


def spec_file(tmp_path: Path, text: str = SPEC) -> Path:
    p = tmp_path / "huyen-2026.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def workbook(tmp_path: Path, rows=ROWS, name: str = "bao-cao.xlsx") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    ws.append(["PHỤ LỤC THỐNG KÊ SỐ LIỆU CCHC"])
    ws.append(["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"])
    for row in rows:
        ws.append(list(row))
    path = tmp_path / name
    wb.save(path)
    return path


def compiled_spec(tmp_path: Path, text: str = SPEC):
    compiled, problems = compile_file(spec_file(tmp_path, text))
    assert problems == []
    return compiled


def compute(tmp_path: Path, rows=ROWS, text: str = SPEC):
    return compute_file(compiled_spec(tmp_path, text), workbook(tmp_path, rows), level="huyen", period="2026")


def changed(rows, stt_name: str, **col):
    out = []
    for r in rows:
        r = list(r)
        if r[1] == stt_name:
            if "value" in col:
                r[3] = col["value"]
            if "note" in col:
                r[4] = col["note"]
        out.append(tuple(r))
    return out


def test_every_construct_reads_with_zero_findings(tmp_path):
    result = compute(tmp_path)
    assert [f.located() for f in result.findings] == []
    got = {i.id: i.value for i in result.indicators}
    assert got["kl"] == 8 and got["kl_kt"] == 5  # section II's "1", though worded differently
    assert got["kh"] == 9375  # section I's "1"
    assert (got["hop_a"], got["hop_b"]) == (12, 4)  # the repeated printed STT 2
    assert (got["vb_qd"], got["vb_kh"], got["vb_cv"]) == (4, 2, 10)
    assert got["dv_kt"] == 7 and result.get("dv_kt").unit == "Đơn vị"
    ratio = result.get("kh_ty_le")
    assert (ratio.value, ratio.source, ratio.reported) == (16.37, "computed", None)
    assert ratio.location == result.get("kh_xong").location
    assert got["cc"] == 30


def test_repeated_stt_rows_follow_their_names_in_any_order(tmp_path):
    rows = [r for r in ROWS if r[1] != "Số cuộc họp giao ban"]
    at = rows.index(("2", "Số cuộc họp chuyên đề", "Cuộc", 4, None))
    rows.insert(at + 1, ("2", "Số cuộc họp giao ban", "Cuộc", 12, None))
    result = compute(tmp_path, rows)
    assert result.findings == []
    assert (result.get("hop_a").value, result.get("hop_b").value) == (12, 4)


def test_heading_equal_to_its_rows_is_checked(tmp_path):
    result = compute(tmp_path, changed(ROWS, "Người bị kỷ luật trong năm", value=7))
    assert result.flatten(["indicator", "code"]) == [["kl", "children-total-mismatch"]]
    assert "7" in result.findings[0].message and "5 + 3" in result.findings[0].message
    assert {k: result.findings[0].values[k] for k in ("total", "sum", "parts")} == {"total": 7, "sum": 8, "parts": [5, 3]}


def test_breakdown_larger_than_total_is_checked(tmp_path):
    result = compute(tmp_path, changed(ROWS, "Tiếp nhận trực tuyến", value=101))
    assert result.flatten(["indicator", "code"]) == [["hs", "children-total-exceeded"]]


def test_blank_aware_sum_is_evaluated_not_skipped(tmp_path):
    result = compute(tmp_path, changed(ROWS, "Tổng số công chức", value=31))
    assert result.flatten(["indicator", "code"]) == [["cc", "rule-failed"]]
    # all parts blank: nothing to compare, no finding
    rows = changed(changed(ROWS, "Tổng số công chức", value=31), "Loại A", value=None)
    assert compute(tmp_path, rows).findings == []


def test_ratio_read_from_ghi_chu_is_compared_with_the_computed_one(tmp_path):
    result = compute(tmp_path, changed(ROWS, "Số nhiệm vụ đã hoàn thành", note="20%"))
    assert result.flatten(["indicator", "code"]) == [["kh_ty_le", "ratio-mismatch"]]
    ratio = result.get("kh_ty_le")
    assert (ratio.value, ratio.reported) == (16.37, 20)
    # a note without a figure is only a note
    assert compute(tmp_path, changed(ROWS, "Số nhiệm vụ đã hoàn thành", note="đạt kế hoạch")).findings == []


def test_without_the_section_markers_the_restarted_number_is_not_found(tmp_path):
    # the same workbook against the same spec minus `marker:`: the reworded "1" of section II is lost
    text = SPEC.replace('    markers: ["I"]\n', "").replace('    markers: ["II"]\n', "")
    result = compute(tmp_path, text=text)
    assert result.get("kl").value is None
    assert "unmapped-row" in {f.code for f in result.findings}


def test_rules_scoped_to_reports_or_compilations(tmp_path):
    compiled = compiled_spec(tmp_path)
    cells = {"kl": 2, "kl_kt": 5, "hop_a": 0}
    sub = Submission(
        file="x", unit=None, level="huyen", period="2026",
        cells={k: Cell(k, v, str(v), Location()) for k, v in cells.items()},
    )
    single = run(compiled, sub)
    assert sorted(f.values.get("rule") for f in single.findings if f.code == "rule-failed") == ["co_ky_luat_khi_co_hinh_thuc"]
    compiled_run = run(compiled, sub, compilation=True)
    assert sorted(f.values.get("rule") for f in compiled_run.findings if f.code == "rule-failed") == ["it_nhat_mot_cuoc_hop"]


def test_spec_check_and_lint_are_quiet_and_show_lists_the_constructs(tmp_path):
    path = spec_file(tmp_path)
    code, out, err = cli("spec", "check", str(path))
    assert code == 0 and err == "", err
    compiled = compiled_spec(tmp_path)
    assert lint_spec(compiled) == []
    code, out, err = cli("spec", "show", str(path))
    assert code == 0
    assert "Ghi chú của kh_xong" in out and "Đơn vị" in out and "= tổng dòng con" in out
    assert "chỉ tổng hợp" in out and "[s2] II: Tổ chức bộ máy" in out


def test_lint_still_warns_about_a_real_breakdown_without_a_sum(tmp_path):
    text = SPEC.replace("        children_total: at_most\n", "")
    warnings = lint_spec(compiled_spec(tmp_path, text))
    assert [(w.code, w.indicator) for w in warnings] == [("lint-breakdown-without-sum", "hs")]


def test_template_prints_trong_do_only_for_breakdowns_and_the_sections(tmp_path):
    from cchc_engine.template import build_template

    wb, info = build_template(compiled_spec(tmp_path), "huyen")
    ws = wb.active
    col_a = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    col_b = [ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)]
    # breakdowns (explicit, or the old default of an empty STT) get "Trong đó"; plain sub-items do not
    assert [col_b[i] for i, a in enumerate(col_a) if a == "Trong đó"] == ["Tiếp nhận trực tuyến", "Loại A"]
    assert col_a[col_b.index("Quyết định")] is None
    assert "I" in col_a and "II" in col_a and col_a.count("STT") == 1
    assert "Tỷ lệ hoàn thành kế hoạch" not in col_b  # written in Ghi chú, not a row
    assert ws[info.inputs["dv_kt"].replace("D", "C")].value == "%"  # printed as the template prints it


def test_template_round_trips_through_the_reader(tmp_path):
    from cchc_engine.template import build_template

    compiled = compiled_spec(tmp_path)
    wb, info = build_template(compiled, "huyen")
    ws = wb.active
    for ind_id, cell in info.inputs.items():
        ws[cell] = 1
    ws[info.inputs["kl"]] = 3
    ws[info.inputs["cc"]] = 2
    ws[info.inputs["hs"]] = 1
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    result = compute_file(compiled, path, level="huyen", period="2026")
    assert [f.located() for f in result.findings] == []
    assert all(result.get(i).value == v for i, v in [("kl", 3), ("kl_kt", 1), ("hop_a", 1), ("hop_b", 1), ("vb_cv", 1)])


def test_one_level_template_is_not_a_level_change_in_diff(tmp_path):
    three = SPEC.replace(
        "levels: [{id: huyen, name: Cấp huyện}]",
        "levels: [{id: tinh, name: Cấp tỉnh}, {id: huyen, name: Cấp huyện}, {id: xa, name: Cấp xã}]",
    ).replace("id: huyen-2026", "id: ba-cap")
    old = compiled_spec(tmp_path, three).spec
    new = compiled_spec(tmp_path).spec
    d = diff_specs(old, new)
    assert d.of_kind("levels") == []
    # a real level change still shows: an indicator the old spec reported only at xã
    old2 = compiled_spec(tmp_path, three.replace("name: Số cuộc họp giao ban, unit: Cuộc,", "name: Số cuộc họp giao ban, levels: [xa], unit: Cuộc,")).spec
    assert [c.new.id for c in diff_specs(old2, new).of_kind("levels")] == ["hop_a"]


@pytest.mark.parametrize(
    "bad, code",
    [
        ("      - {id: hop_b, stt: \"2\", name: Số cuộc họp chuyên đề, unit: Cuộc, type: count, stt_repeats: true}",
         "spec-duplicate-stt"),
    ],
)
def test_repeated_stt_must_be_declared_on_both_rows(tmp_path, bad, code):
    text = SPEC.replace(bad, bad.replace(", stt_repeats: true", ""))
    _, problems = compile_file(spec_file(tmp_path, text))
    assert [p.code for p in problems] == [code]
    assert problems[0].location.row is not None and "hop_b" in problems[0].location.path


def test_construct_errors_are_located(tmp_path):
    text = SPEC.replace("note_of: kh_xong", "note_of: khong_co").replace(
        "        children_total: equal\n", "        children_total: equal\n        row: none\n"
    )
    p = spec_file(tmp_path, text)
    code, _out, err = cli("spec", "check", str(p))
    assert code == 1
    assert "row: none" in err or "không có dòng in" in err
    text = SPEC.replace("note_of: kh_xong", "note_of: khong_co")
    _, problems = compile_file(spec_file(tmp_path, text))
    assert [(p.code, p.location.path) for p in problems] == [
        ("spec-unknown-reference", "forms[0](s1).indicators[2](kh_ty_le).note_of")
    ]
    assert problems[0].location.row == 1 + text.splitlines().index('         formula: "ratio(kh_xong, kh)", note_of: khong_co}')



def test_row_none_with_no_formula_and_no_note_of_is_a_located_warning(tmp_path):
    # a row the template never prints and nothing computes: no workbook can ever fill it
    bad = "      - {id: dv_kt, stt: \"3\", name: Số đơn vị được kiểm tra, unit: \"%\", meant_unit: Đơn vị, type: count}"
    assert bad in SPEC
    text = SPEC.replace(bad, bad[:-1] + ", row: none}")
    compiled, problems = compile_file(spec_file(tmp_path, text))
    assert problems == []  # still a sound spec: a plain JSON input may give the value by id
    assert [(w.code, w.severity, w.indicator, w.location.path) for w in compiled.warnings] == [
        ("spec-row-none-without-source", "warning", "dv_kt", "forms[1](s2).indicators[3](dv_kt).row")
    ]
    assert compiled.warnings[0].location.row == 1 + text.splitlines().index(bad[:-1] + ", row: none}")
    code, out, err = cli("spec", "check", str(tmp_path / "huyen-2026.yaml"))
    assert code == 0 and "huyen-2026" in out
    line = f"huyen-2026.yaml: {render('location-row', {'row': str(compiled.warnings[0].location.row)})}"
    assert "Cảnh báo:" in err and line in err and "dv_kt" in err and "row: none" in err
    code, _out, err = cli("--lang", "en", "spec", "check", str(tmp_path / "huyen-2026.yaml"))
    assert code == 0 and "neither a formula nor note_of" in err
    # with a formula (a derived figure) or note_of (a Ghi chú figure) it says nothing
    for fix in (', formula: "kh + 1"}', ", note_of: kh}"):
        compiled, problems = compile_file(spec_file(tmp_path, text.replace(bad[:-1] + ", row: none}", bad[:-1] + ", row: none" + fix)))
        assert problems == [] and compiled.warnings == [], fix
    # the bundled specs have none
    for spec_id in ("2021", "2023", "2021-ha-tinh"):
        from cchc_engine.spec.registry import resolve

        assert resolve(spec_id).warnings == []

ROOT = Path(__file__).resolve().parent.parent


def test_new_year_doc_shows_this_very_spec():
    assert SPEC in (ROOT / "docs" / "new-year.md").read_text(encoding="utf-8")


def _doc_block(text: str, lang: str, after: str) -> str:
    start = text.index(f"```{lang}\n", text.index(after)) + len(lang) + 4
    return text[start:text.index("```", start)]


def test_package_data_recipe_in_new_year_builds_a_wheel_that_carries_and_registers_its_yaml(tmp_path):
    import subprocess
    import sys
    import zipfile

    doc = (ROOT / "docs" / "new-year.md").read_text(encoding="utf-8")
    pkg = tmp_path / "cchc-specs-ha-tinh"
    mod = pkg / "cchc_specs_ha_tinh"
    (mod / "specs").mkdir(parents=True)
    (pkg / "pyproject.toml").write_text(_doc_block(doc, "toml", "**Ship it in a package**"), encoding="utf-8")
    (mod / "__init__.py").write_text(_doc_block(doc, "python", "**Ship it in a package**"), encoding="utf-8")
    (mod / "specs" / "ha-tinh-2026.yaml").write_text(SPEC.replace("id: huyen-2026", "id: ha-tinh-2026"), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist"), str(pkg)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    wheel = next((tmp_path / "dist").glob("*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        assert "cchc_specs_ha_tinh/specs/ha-tinh-2026.yaml" in zf.namelist()
        zf.extractall(tmp_path / "site")
    # the unpacked wheel on the path is what an install gives: found through its entry point
    import json
    import os

    env = dict(os.environ, PYTHONPATH=str(tmp_path / "site"))
    proc = subprocess.run(
        [sys.executable, "-m", "cchc_engine", "specs", "--json"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    listed = {r["id"]: r for r in json.loads(proc.stdout)}
    assert listed["ha-tinh-2026"]["origin"] == "ha_tinh_specs"
    assert Path(listed["ha-tinh-2026"]["path"]).is_relative_to(tmp_path / "site")
    proc = subprocess.run(
        [sys.executable, "-m", "cchc_engine", "spec", "check", "ha-tinh-2026"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0 and "ha-tinh-2026" in proc.stdout, proc.stderr


TWO_LEVELS = """\
id: hai-cap
year: 2026
title: Hai cấp
levels: [{id: tinh, name: Cấp tỉnh}, {id: xa, name: Cấp xã, aliases: [xã]}]
choices:
  ck: [{code: 0, label: Không}, {code: 1, label: Có}]
forms:
  - id: f
    title: Một
    indicators:
      - {id: ks, stt: "1", name: Khảo sát sự hài lòng, unit: "Có = 1; Không = 0", type: choice, choices: ck, aggregate: "count:1"}
      - {id: phieu, stt: "2", name: Số phiếu khảo sát, unit: Phiếu, type: count}
rules:
  - id: co_phieu_thi_co_khao_sat
    expr: "phieu == 0 or ks == 1"
    message: "Có {phieu} phiếu nhưng không khảo sát"
    applies_to: report
  - id: tinh_it_nhat_100_phieu
    expr: "phieu >= 100"
    severity: warning
    message: "Cả tỉnh chỉ có {phieu} phiếu"
    applies_to: compilation
"""


def test_rule_scopes_through_cchc_aggregate(tmp_path, monkeypatch):
    import json

    d = tmp_path / "specs"
    d.mkdir()
    (d / "hai-cap.yaml").write_text(TWO_LEVELS, encoding="utf-8")
    monkeypatch.setenv("CCHC_SPECS_PATH", str(d))
    units = tmp_path / "units"
    units.mkdir()
    for name, ks, phieu in (("xã A", 0, 20), ("xã B", 1, 30)):
        (units / f"{name}.json").write_text(
            json.dumps({"unit": name, "level": "xa", "period": "2026", "values": {"ks": ks, "phieu": phieu}}, ensure_ascii=False),
            encoding="utf-8",
        )
    # a single report: the report-only rule fires on xã A, the compilation rule does not
    code, out, _ = cli("compute", "--spec", "hai-cap", str(units / "xã A.json"), "-f", "json")
    assert [f["values"]["rule"] for f in json.loads(out)["findings"]] == ["co_phieu_thi_co_khao_sat"]
    # the compilation: ks is now a count of units (1), phieu a sum (50); only the compilation rule runs
    code, out, err = cli("aggregate", "--spec", "hai-cap", "--level", "tinh", "--unit", "tỉnh Thử", str(units), "-f", "json", "--jobs", "1")
    result = json.loads(out)
    got = {i["id"]: i["value"] for i in result["indicators"]}
    assert (got["ks"], got["phieu"]) == (1, 50)
    # the units' own findings are carried with their file; the compilation's own have none
    own = [f["values"].get("rule") for f in result["findings"] if f["code"] == "rule-failed" and not (f.get("location") or {}).get("file")]
    carried = [f["values"].get("rule") for f in result["findings"] if f["code"] == "rule-failed" and (f.get("location") or {}).get("file")]
    assert own == ["tinh_it_nhat_100_phieu"] and carried == ["co_phieu_thi_co_khao_sat"]
    # spec check is quiet: the report-only rule reads the counted answer on purpose
    assert cli("spec", "check", "hai-cap")[2] == ""
    (d / "hai-cap.yaml").write_text(TWO_LEVELS.replace("    applies_to: report\n", ""), encoding="utf-8")
    err = cli("spec", "check", "hai-cap")[2]
    assert "'co_phieu_thi_co_khao_sat'" in err and "'ks'" in err and "applies_to: report" in err


def test_a_count_the_template_prints_with_percent_reads_as_typed(tmp_path):
    # the officer types 7 into the template's "%" cell: Excel stores 0.07 formatted as a percent
    path = workbook(tmp_path, changed(ROWS, "Số đơn vị được kiểm tra", value=0.07))
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    row = next(r for r in ws.iter_rows() if r[1].value == "Số đơn vị được kiểm tra")
    row[3].number_format = "0%"
    wb.save(path)
    compiled = compiled_spec(tmp_path)
    result = compute_file(compiled, path, level="huyen", period="2026")
    assert result.findings == [] and result.get("dv_kt").value == 7
    result = compute(tmp_path, changed(ROWS, "Số đơn vị được kiểm tra", value="7%"))
    assert result.findings == [] and result.get("dv_kt").value == 7
    # without meant_unit the same cell is a percent in a count, as before
    text = SPEC.replace(', meant_unit: Đơn vị', '')
    result = compute(tmp_path, changed(ROWS, "Số đơn vị được kiểm tra", value="7%"), text=text)
    assert result.flatten(["indicator", "code"]) == [["dv_kt", "percent-in-count"]]


def test_construct_misuse_is_a_located_error_in_both_languages(tmp_path):
    text = SPEC.replace('    markers: ["II"]\n', '    markers: ["i"]\n').replace(
        "          - {id: cc_b, name: Loại B, unit: Người, type: count}\n",
        "          - {id: cc_b, name: Loại B, unit: Người, type: count}\n"
        "      - {id: nhom, stt: \"5\", name: Nhóm, unit: Người, type: count, children_total: equal,\n"
        "         children: [{id: nhom_ty_le, name: Tỷ lệ, unit: \"%\", type: percent}]}\n",
    )
    path = spec_file(tmp_path, text)
    code, _out, err = cli("spec", "check", str(path))
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 2
    marker = next(ln for ln in lines if "markers" in ln)
    total = next(ln for ln in lines if "children_total" in ln)
    assert "forms[1](s2).markers[0]" in marker and "'s1'" in marker
    line = 1 + text.splitlines().index('    markers: ["i"]')
    assert f"dòng {line}:" in marker
    assert "forms[1](s2).indicators[5](nhom).children_total" in total and "count/number" in total
    code, _out, err = cli("--lang", "en", "spec", "check", str(path))
    assert code == 1 and "already uses the marker 'i'" in err and "no count/number child rows" in err


def test_template_opens_the_ghi_chu_cell_a_figure_is_read_from(tmp_path):
    from cchc_engine.template import build_template

    compiled = compiled_spec(tmp_path)
    wb, info = build_template(compiled, "huyen")
    ws = wb.active
    cell = ws[info.notes["kh_ty_le"]]
    assert info.notes["kh_ty_le"] == "E" + info.inputs["kh_xong"][1:]
    assert cell.protection.locked is False and "Tỷ lệ hoàn thành kế hoạch" in cell.comment.text
    for ind_id, ref in info.inputs.items():
        ws[ref] = 0
    ws[info.inputs["kh"]], ws[info.inputs["kh_xong"]] = 9375, 1535
    cell.value = "16,37%"
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    result = compute_file(compiled, path, level="huyen", period="2026")
    assert result.findings == [] and result.get("kh_ty_le").value == 16.37
    cell.value = "20%"
    wb.save(path)
    result = compute_file(compiled, path, level="huyen", period="2026")
    assert result.flatten(["indicator", "code"]) == [["kh_ty_le", "ratio-mismatch"]]
