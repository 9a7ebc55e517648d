"""The spec language: bundled specs are sound and complete; broken specs are refused with located messages."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from cchc_engine.spec.registry import check_file, resolve
from cchc_engine.text.textnorm import name_key, stt_key
from conftest import ROOT, cli, seed_rows

GOOD = """\
id: test
year: 2030
title: Mẫu thử
levels:
  - {id: tinh, name: Cấp tỉnh}
  - {id: xa, name: Cấp xã}
choices:
  co_khong:
    - {code: 0, label: Không}
    - {code: 1, label: Có}
forms:
  - id: bm1
    title: Biểu thử
    indicators:
      - {id: tong, stt: "1", name: Tổng số, unit: Nhiệm vụ, type: count}
      - {id: xong, stt: "2", name: Đã xong, unit: Nhiệm vụ, type: count}
      - {id: ty_le, stt: "3", name: Tỷ lệ, unit: "%", type: percent, formula: "ratio(xong, tong)"}
      - {id: co, stt: "4", name: Có làm, unit: "Có = 1", type: choice, choices: co_khong}
rules:
  - {id: xong_le_tong, expr: "xong <= tong", message: "Đã xong ({xong}) lớn hơn tổng ({tong})."}
"""


def write(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("spec_id", ["2021", "2023"])
def test_bundled_specs_check_clean(spec_id):
    code, out, err = cli("spec", "check", spec_id)
    assert code == 0, err
    assert f"Bộ chỉ tiêu '{spec_id}' hợp lệ" in out


def test_specs_lists_both_with_provider():
    code, out, _ = cli("specs", "--json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert {"2021", "2023"} <= set(rows)
    assert rows["2023"]["indicators"] == 115
    assert rows["2023"]["plugin"] == "cchc_engine.builtin.specs"
    assert rows["2021"]["levels"] == ["tinh", "huyen", "xa"]


def test_spec_resolves_by_year_id_and_path(tmp_path):
    assert resolve("2023").spec.id == "2023"
    assert resolve(str(ROOT / "specs" / "2021" / "national.yaml")).spec.id == "2021"
    assert resolve(str(write(tmp_path, GOOD))).spec.id == "test"


def test_unknown_spec_names_what_exists():
    code, _, err = cli("compute", "--spec", "1999", "x.xlsx")
    assert code == 2
    assert "Không tìm thấy bộ chỉ tiêu '1999'" in err and "2023" in err
    assert "Traceback" not in err


def _names(compiled, level):
    keys = set()
    for _, ind in compiled.spec.indicators():
        for n in (ind.name, ind.name_for(level), *ind.aliases, *ind.name_at.values()):
            keys.add(name_key(n))
    return keys


def test_every_named_row_of_seed_000_is_in_2021(spec2021):
    keys = _names(spec2021, "xa")
    rows = [r for r in seed_rows("seed000") if r["name"].strip()]
    assert len(rows) == 114
    missing = [r["name"] for r in rows if name_key(r["name"]) not in keys]
    assert missing == []


def test_every_named_row_of_seed_001_is_in_2023_in_its_form(spec2023):
    rows = [r for r in seed_rows("seed001") if r["name"].strip()]
    assert len(rows) == 134
    by_form = {}
    for form, ind in spec2023.spec.indicators():
        for n in (ind.name, ind.name_for("huyen"), *ind.aliases):
            by_form.setdefault(form.label.split()[-1], {}).setdefault(name_key(n), set()).add(stt_key(ind.stt_for("huyen")))
    wrong = []
    for r in rows:
        if stt_key(r["stt"]) not in by_form[r["form"]].get(name_key(r["name"]), set()):
            wrong.append((r["form"], r["stt"], r["name"]))
    assert wrong == []


def _eval(compiled, ind_id, values):
    def lookup(ref):
        return values[ref]

    return compiled.formulas[ind_id].evaluate(lookup)


def test_2023_formulas_reproduce_the_seed_figures(spec2023):
    # Biểu mẫu 1: 22 of 29 tasks → 75.86 %; Biểu mẫu 3: 2.967 of 2.967 hồ sơ → 100 %
    assert round(_eval(spec2023, "ty_le_hoan_thanh_ke_hoach", {"nv_hoan_thanh": 22, "nv_de_ra": 29}), 2) == 75.86
    assert _eval(spec2023, "ty_le_hs_huyen_dung_han", {"hs_huyen_dung_han": 2967, "hs_huyen_giai_quyet_xong": 2967}) == 100
    # every "Tỷ lệ" with count children is a formula
    for _, ind in spec2023.spec.indicators():
        if ind.type == "percent" and len([c for c in ind.children if c.type == "count"]) >= 2:
            assert ind.formula, ind.id


def test_levels_come_from_the_spec_not_code(tmp_path):
    compiled, problems = check_file(write(tmp_path, GOOD))
    assert problems == []
    assert compiled.spec.level_ids() == ["tinh", "xa"]  # a two-tier template is fine


BROKEN = {
    "unknown-reference": (GOOD.replace("ratio(xong, tong)", "ratio(xong, tong_so)"), "spec-unknown-reference", "forms[0](bm1).indicators[2](ty_le).formula"),
    "cycle": (
        GOOD.replace("type: count}\n      - {id: xong", "type: count, formula: \"ty_le + 1\"}\n      - {id: xong"),
        "spec-cycle",
        "formula",
    ),
    "duplicate-id": (GOOD.replace("id: xong, stt", "id: tong, stt"), "spec-duplicate-id", "forms[0](bm1).indicators[1](tong).id"),
    "duplicate-stt": (GOOD.replace('stt: "2"', 'stt: "1"'), "spec-duplicate-stt", "indicators[1](xong).stt"),
    "choice-in-arithmetic": (GOOD.replace("xong <= tong", "xong + co <= tong"), "spec-type-mismatch", "rules[0](xong_le_tong).expr"),
    "missing-choice-set": (GOOD.replace("choices: co_khong}", "choices: yes_no}"), "spec-unknown-choices", "choices"),
    "unknown-level": (GOOD.replace("type: count}\n      - {id: xong", "type: count, levels: [huyen]}\n      - {id: xong"), "spec-unknown-level", "levels"),
    "schema": (GOOD.replace("type: percent", "type: percentage"), "spec-schema", "forms[0](bm1).indicators[2](ty_le).type"),
    "typo-key": (GOOD.replace("unit: Nhiệm vụ, type: count}", "unit: Nhiệm vụ, typ: count, type: count}", 1), "spec-schema", "typ"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_spec_is_located_and_exits_1(tmp_path, case):
    text, code_expected, path_part = BROKEN[case]
    p = write(tmp_path, text)
    code, out, err = cli("spec", "check", str(p))
    assert code == 1, (out, err)
    assert str(p) in err
    assert path_part in err
    assert "Traceback" not in err
    try:
        _, problems = check_file(p)
    except Exception as exc:  # load-time errors (schema) travel in CchcError
        problems = exc.findings
    assert code_expected in {f.code for f in problems}


def test_malformed_yaml_names_file_and_line(tmp_path):
    p = write(tmp_path, GOOD.replace("title: Biểu thử", "title: [Biểu thử"))
    code, _, err = cli("spec", "check", str(p))
    assert code == 1
    assert "YAML không hợp lệ" in err and str(p) in err and "dòng" in err


def test_duplicate_yaml_key_is_refused(tmp_path):
    p = write(tmp_path, GOOD.replace("year: 2030", "year: 2030\nyear: 2031"))
    code, _, err = cli("spec", "check", str(p))
    assert code == 1 and "bị lặp" in err


def test_anchor_bomb_is_refused_quickly(tmp_path):
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    p = write(tmp_path, "\n".join(lines) + "\n")
    start = time.perf_counter()
    code, _, err = cli("spec", "check", str(p))
    assert time.perf_counter() - start < 5
    assert code == 1 and "quá lớn hoặc lồng nhau quá sâu" in err


def test_deep_nesting_is_refused_quickly(tmp_path):
    p = write(tmp_path, "[" * 10_000 + "]" * 10_000)
    start = time.perf_counter()
    code, _, err = cli("spec", "check", str(p))
    assert time.perf_counter() - start < 5
    assert code == 1 and "lồng quá" in err


def test_yaml_cannot_build_python_objects(tmp_path):
    p = write(tmp_path, "id: x\nrun: !!python/object/apply:os.system ['echo pwned']\n")
    code, _, err = cli("spec", "check", str(p))
    assert code == 1 and "YAML không hợp lệ" in err
    p = write(tmp_path, "!!python/object/apply:os.system ['echo pwned']\n")  # not even a spec: said so (issue 22)
    code, _, err = cli("spec", "check", str(p))
    assert code == 2 and "không phải tệp bộ chỉ tiêu" in err and "pwned" not in err


def test_spec_show_prints_full_names_and_formulas():
    code, out, _ = cli("spec", "show", "2023", "--form", "bm7")
    assert code == 0
    assert "Tỷ lệ hồ sơ TTHC được tiếp nhận trực tuyến mức độ 3 và 4 (Chỉ thống kê đối với các TTHC mức độ 3 và 4 có phát sinh hồ sơ)" in out
    assert "ratio(hs_tiep_nhan_truc_tuyen, hs_tiep_nhan_tong)" in out


def test_shipped_json_schema_validates_the_bundled_specs():
    import jsonschema
    import yaml

    from cchc_engine.spec.schema import spec_schema

    code, out, _ = cli("spec", "schema")
    assert code == 0 and json.loads(out) == spec_schema()
    for path in (ROOT / "specs").glob("*/national.yaml"):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), spec_schema())
