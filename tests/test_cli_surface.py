"""Smaller CLI contracts from issue 13: exit codes of `spec check`, `specs` counts
that agree with compute, `compare` refusing reports of different levels."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lam-thao-2023-q3.xlsx"


def test_spec_check_of_a_missing_file_exits_2(tmp_path):
    code, _, err = cli("spec", "check", str(tmp_path / "nope.yaml"))
    assert code == 2 and "nope.yaml" in err and len(err.strip().splitlines()) == 1


def test_specs_counts_agree_with_compute(fixtures):
    code, out, _ = cli("specs", "--json")
    rows = {r["id"]: r for r in json.loads(out)}
    for spec_id, file in (("2023", EXAMPLE), ("2021", fixtures / "seed000_text.xlsx")):
        _, js, _ = cli("compute", "--spec", spec_id, str(file), "-f", "json")
        stats = json.loads(js)["stats"]
        assert rows[spec_id]["rows"] == stats["indicators"]
    _, check, _ = cli("spec", "check", "2023")
    assert f"{rows['2023']['rows']} dòng chỉ tiêu ({rows['2023']['indicators']} có số liệu)" in check


def test_compare_refuses_reports_of_different_levels(fixtures):
    code, out, err = cli("compare", "--spec-old", "2021", str(fixtures / "seed000_text.xlsx"),
                         "--spec-new", "2023", str(EXAMPLE))
    assert code == 2 and out == ""
    assert "Cấp xã" in err and "Cấp huyện" in err
    assert "'xa'" not in err and "huyen" not in err  # level names, never ids


def test_compare_refuses_reports_of_different_units(fixtures):
    code, _, err = cli("compare", "--spec-old", "2021", str(fixtures / "seed000_text.xlsx"),
                       "--spec-new", "2023", str(EXAMPLE), "--level", "xa")
    assert code == 2 and "xã Thượng Long" in err and "huyện Lâm Thao" in err


def test_template_message_names_the_level_not_its_id(tmp_path):
    code, _, err = cli("template", "--spec", "2023", "--level", "xa", "-o", str(tmp_path / "m.xlsx"))
    assert code == 0 and "(Cấp xã)" in err and "cấp xa" not in err


def test_rule_operands_are_numbers_in_json_and_blank_reads_trong(tmp_path):
    p = tmp_path / "r.json"
    p.write_text(json.dumps({"level": "xa", "period": "2021-Q3", "values": {
        "tthc_tong": 1859, "tthc_cap_xa": "2.000"}}), encoding="utf-8")
    code, out, _ = cli("compute", "--spec", "2021", str(p), "-f", "json")
    assert code == 1
    failed = {f["values"]["rule"]: f for f in json.loads(out)["findings"] if f["code"] == "rule-failed"}
    tthc = failed["tthc_tong_theo_cap"]
    # "2.000" typed the Vietnamese way is the number 2000 for machines
    assert tthc["values"]["operands"] == {"tthc_tong": 1859, "tthc_cap_tinh": None, "tthc_cap_huyen": None, "tthc_cap_xa": 2000}
    assert "cấp tỉnh (trống)" in tthc["message"] and "None" not in tthc["message"]
    assert "(1.859)" in tthc["message"]  # the officer still reads the Vietnamese form
    _, en, _ = cli("--lang", "en", "compute", "--spec", "2021", str(p), "-f", "json")
    msg = next(f["message"] for f in json.loads(en)["findings"] if f["values"].get("rule") == "tthc_tong_theo_cap")
    assert "province (blank)" in msg


def test_md_group_rows_are_bold_not_literal_stars():
    import re

    code, out, _ = cli("compute", "--spec", "2023", str(EXAMPLE), "-f", "md")
    rows = [line for line in out.splitlines() if "**" in line]
    assert any("Thực hiện kết nối, liên thông" in line for line in rows)  # a nested heading
    for line in rows:
        # an opening ** followed by whitespace (NBSP indentation included) is literal text in Markdown
        cell = line.split("|")[2].strip(" \u00a0")
        assert re.fullmatch(r"\*\*\S.*\S\*\*", cell), line


def test_xlsx_without_extension_is_read(tmp_path):
    import shutil

    p = tmp_path / "phu-luc"
    shutil.copy(EXAMPLE, p)
    code, out, err = cli("compute", "--spec", "2023", str(p), "-f", "json")
    assert code == 1, err  # the example's own error, not "bị hỏng"
    assert json.loads(out)["stats"]["reported"] == 101


def test_a_1997_character_formula_is_a_located_finding_not_an_internal_error(tmp_path):
    formula = "+".join(["tong"] * 400)[:1997].rstrip("+")
    assert 1990 <= len(formula) <= 1997
    spec = f"""\
id: dai
year: 2030
title: Công thức dài
levels:
  - {{id: xa, name: Cấp xã}}
forms:
  - id: bm1
    title: Biểu thử
    indicators:
      - {{id: tong, stt: "1", name: Tổng số, unit: Nhiệm vụ, type: count}}
      - {{id: dai, stt: "2", name: Dài, unit: Nhiệm vụ, type: count, formula: "{formula}"}}
"""
    p = tmp_path / "dai.yaml"
    p.write_text(spec, encoding="utf-8")
    code, _, err = cli("spec", "check", str(p))
    assert code == 1, err
    assert "Lỗi nội bộ" not in err and "RecursionError" not in err
    assert "dai.yaml" in err and "formula" in err  # located at the formula
    code, _, err = cli("compute", "--spec", str(p), "--level", "xa", "--period", "2030", str(EXAMPLE))
    assert code == 2 and "Lỗi nội bộ" not in err


def test_level_names_not_ids_in_aggregate_and_level_messages(tmp_path):
    code, _, err = cli("aggregate", "--spec", "2023", "--level", "huyen", "--unit", "huyện X", str(EXAMPLE))
    assert code == 2
    assert "là báo cáo Cấp huyện; tổng hợp lên Cấp huyện cần báo cáo Cấp xã" in err
    assert "'huyen'" not in err and "'xa'" not in err and "cấp Cấp" not in err


def test_os_errors_read_in_the_users_language(tmp_path):
    code, _, err = cli("spec", "check", str(tmp_path / "nope.yaml"))
    assert code == 2 and "không có tệp hay thư mục này" in err and "No such file" not in err
    code, _, err = cli("--lang", "en", "spec", "check", str(tmp_path / "nope.yaml"))
    assert "no such file or directory" in err
    code, _, err = cli("compute", "--spec", "2023", str(EXAMPLE), "-o", str(tmp_path / "missing-dir" / "r.json"))
    assert code == 2 and "không có tệp hay thư mục này" in err
