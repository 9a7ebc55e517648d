"""Spec inheritance: each operation, its errors, and the shipped Hà Tĩnh variant."""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc_engine.flow.findings import CchcError
from cchc_engine.session import compute_file
from cchc_engine.spec.loader import load_spec_file
from cchc_engine.spec.registry import check_file, resolve

ROOT = Path(__file__).resolve().parent.parent
PARENT = """\
id: base
year: 2024
title: Base
levels: [{id: tinh, name: Tỉnh}, {id: xa, name: Xã}]
choices:
  ck: [{code: 0, label: Không}, {code: 1, label: Có}]
forms:
  - id: f1
    title: One
    indicators:
      - id: g
        stt: "1"
        name: Group
        type: group
        children:
          - {id: a, stt: "1.1", name: A, unit: Người, type: count}
          - {id: b, stt: "1.2", name: B, unit: Người, type: count}
      - {id: c, stt: "2", name: C, unit: "%", type: percent}
  - id: f2
    title: Two
    indicators:
      - {id: d, stt: "1", name: D, unit: "Không = 0 Có = 1", type: choice, choices: ck}
rules:
  - {id: b_le_a, expr: "b <= a", message: "B > A"}
"""


def _load(tmp_path: Path, child: str, parent: str = PARENT):
    (tmp_path / "base.yaml").write_text(parent, encoding="utf-8")
    path = tmp_path / "child.yaml"
    path.write_text("id: child\nextends: base.yaml\n" + child, encoding="utf-8")
    return load_spec_file(path)[0]


def _ids(spec, form=0):
    return [i.id for i in spec.forms[form].walk()]


def _error(tmp_path, child, code):
    with pytest.raises(CchcError) as exc:
        _load(tmp_path, child)
    assert [f.code for f in exc.value.findings][0] == code, exc.value
    return exc.value.findings[0]


def test_inherits_everything_and_overrides_fields(tmp_path):
    s = _load(tmp_path, "title: Child\nyear: 2025\n")
    assert (s.id, s.year, s.title, s.extends) == ("child", 2025, "Child", "base.yaml")
    assert _ids(s) == ["g", "a", "b", "c"] and [r.id for r in s.rule_list] == ["b_le_a"]


def test_remove_indicator_and_form(tmp_path):
    s = _load(tmp_path, "remove: [b, f2]\nrules: {remove: [b_le_a]}\n")
    assert _ids(s) == ["g", "a", "c"] and len(s.forms) == 1 and s.rule_list == []


def test_add_at_each_position(tmp_path):
    s = _load(
        tmp_path,
        """add:
  - {after: a, indicators: [{id: x1, stt: "1.1a", name: X1, type: count}]}
  - {before: c, indicators: [{id: x2, stt: "1.9", name: X2, type: count}]}
  - {parent: g, indicators: [{id: x3, stt: "1.3", name: X3, type: count}]}
  - {form: f2, indicators: [{id: x4, stt: "2", name: X4, type: count}]}
""",
    )
    assert _ids(s) == ["g", "a", "x1", "b", "x3", "x2", "c"]
    assert _ids(s, 1) == ["d", "x4"]


def test_move_renumber_replace(tmp_path):
    s = _load(
        tmp_path,
        """move: [{id: c, parent: g}]
renumber: [{from: "2", to: "1.3"}]
replace: [{id: a, with: {name: A mới, note: Chỉ cấp tỉnh báo cáo, levels: [tinh]}}, {id: f2, with: {title: Hai}}]
""",
    )
    idx = s.index()
    assert _ids(s) == ["g", "a", "b", "c"] and idx["c"].stt == "1.3"
    assert (idx["a"].name, idx["a"].note, idx["a"].levels) == ("A mới", "Chỉ cấp tỉnh báo cáo", ["tinh"])
    assert s.forms[1].title == "Hai"


def test_replace_null_drops_a_field_and_rules_ops(tmp_path):
    s = _load(
        tmp_path,
        """replace: [{id: a, with: {unit: null}}]
rules:
  replace: [{id: b_le_a, with: {severity: warning}}]
  add: [{id: c_le_100, expr: "c <= 100", message: "C > 100"}]
""",
    )
    assert s.index()["a"].unit == ""
    assert [(r.id, r.severity) for r in s.rule_list] == [("b_le_a", "warning"), ("c_le_100", "error")]


def test_renumber_leaves_added_rows_alone(tmp_path):
    s = _load(tmp_path, 'add: [{form: f1, indicators: [{id: n, stt: "2.1", name: N, type: count}]}]\nrenumber: [{from: "2", to: "3"}]\n')
    assert s.index()["c"].stt == "3" and s.index()["n"].stt == "2.1"


def test_unknown_ids_are_located_errors(tmp_path):
    f = _error(tmp_path, "remove: [a, zzz]\n", "spec-inherit-unknown-id")
    assert f.location.file.endswith("child.yaml") and f.location.row == 3 and "zzz" in f.message
    _error(tmp_path, "replace: [{id: nope, with: {name: x}}]\n", "spec-inherit-unknown-id")
    _error(tmp_path, "move: [{id: nope, after: a}]\n", "spec-inherit-unknown-id")
    _error(tmp_path, "move: [{id: a, after: nope}]\n", "spec-inherit-unknown-id")
    _error(tmp_path, "add: [{after: nope, indicators: [{id: q, name: Q, type: count}]}]\n", "spec-inherit-unknown-id")
    _error(tmp_path, "rules: {remove: [nope]}\n", "spec-inherit-unknown-rule")
    _error(tmp_path, 'renumber: [{from: "9", to: "8"}]\n', "spec-inherit-unknown-stt")


def test_bad_operations_are_errors(tmp_path):
    _error(tmp_path, "add: [{after: a, parent: g, indicators: [{id: q, name: Q, type: count}]}]\n", "spec-inherit-position")
    _error(tmp_path, "add: [{after: a, indicators: [{id: b, name: B2, type: count}]}]\n", "spec-inherit-duplicate-id")
    _error(tmp_path, "move: [{id: g, parent: a}]\n", "spec-inherit-move-into-self")
    f = _error(tmp_path, "add: [{after: a, indicators: [{id: q, name: Q, type: cnt}]}]\n", "spec-schema")
    assert "add[0]" in f.location.path


def test_missing_parent_and_cycle(tmp_path):
    (tmp_path / "x.yaml").write_text("id: x\nextends: y.yaml\n", encoding="utf-8")
    (tmp_path / "y.yaml").write_text("id: y\nextends: x.yaml\n", encoding="utf-8")
    with pytest.raises(CchcError) as exc:
        load_spec_file(tmp_path / "x.yaml")
    assert exc.value.findings[0].code == "spec-extends-cycle" and "x.yaml → y.yaml → x.yaml" in exc.value.findings[0].message
    (tmp_path / "z.yaml").write_text("id: z\nextends: nowhere\n", encoding="utf-8")
    with pytest.raises(CchcError) as exc:
        load_spec_file(tmp_path / "z.yaml")
    assert exc.value.findings[0].code == "spec-extends-not-found"


def test_forms_required_only_without_extends(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("id: s\nyear: 2024\ntitle: T\nlevels: [{id: xa, name: Xã}]\n", encoding="utf-8")
    with pytest.raises(CchcError) as exc:
        load_spec_file(p)
    assert "forms" in exc.value.findings[0].message
    p.write_text(PARENT + "remove: [a]\n", encoding="utf-8")
    with pytest.raises(CchcError):
        load_spec_file(p)


def test_extends_by_id_through_the_registry():
    assert resolve("2021-ha-tinh").spec.extends == "2021"
    assert resolve("2021").spec.id == "2021"  # a year still means the national spec


def test_ha_tinh_is_short_and_sound():
    ha_tinh, national = ROOT / "specs/2021/ha-tinh.yaml", ROOT / "specs/2021/national.yaml"
    assert ha_tinh.stat().st_size * 3 < national.stat().st_size
    compiled, problems = check_file(ha_tinh)
    assert problems == []
    idx = compiled.spec.index()
    assert idx["ung_dung_cntt"].stt == "7.1" and idx["ap_dung_iso"].stt == "7.2"
    assert [c.stt for c in idx["ung_dung_cntt"].children] == [f"7.1.{i}" for i in range(1, 10)]
    assert [c.stt for c in idx["ap_dung_iso"].children] == [f"7.2.{i}" for i in range(1, 8)]
    assert idx["ket_noi_qlvb"].stt == "7.1.6.1" and idx["kt_so_ubnd_cap_duoi"].note == "Chỉ UBND cấp huyện báo cáo"
    assert idx["kt_so_don_vi_truc_thuoc"].name_for("huyen") == "Số phòng, ban, đơn vị trực thuộc đã kiểm tra"


def test_seed004_blank_reads_through_ha_tinh_with_no_unmapped_row():
    result = compute_file(resolve("2021-ha-tinh"), ROOT / "tests/fixtures/seed004_blank.xlsx", level="huyen")
    assert [f for f in result.findings if f.code in ("unmapped-row", "duplicate-row")] == []
    # what remains is the seed's own typo: 1.2.x printed as 1.1.x, matched by name
    assert {f.values["stt"] for f in result.findings if f.code == "stt-mismatch"} == {"1.1.1.", "1.1.2.", "1.1.3.", "1.1.4."}


def test_spec_check_cli_accepts_id_and_path():
    from click.testing import CliRunner

    from cchc_engine.cli.main import cli

    for arg in ("2021-ha-tinh", str(ROOT / "specs/2021/ha-tinh.yaml")):
        res = CliRunner().invoke(cli, ["spec", "check", arg])
        assert res.exit_code == 0, res.output
        assert "'2021-ha-tinh' hợp lệ" in res.output
