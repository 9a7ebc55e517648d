"""Coverage and the 'no appendix' verdict (issue 13): every value is placed or
reported, and a file that is not an appendix of the spec exits 2 for every reader."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import cli

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lam-thao-2023-q3.xlsx"
META = ("--level", "xa", "--period", "2023-Q3")


def _garbage(tmp_path: Path, name: str) -> Path:
    p = tmp_path / name
    if name == "abc.csv":
        p.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    elif name == "empty.json":
        p.write_text("{}", encoding="utf-8")
    elif name == "header.csv":
        p.write_text("key,value,note\n", encoding="utf-8")
    elif name == "binary.csv":
        p.write_bytes(os.urandom(512).replace(b"\0", b"\1") + b"\0\0")
    elif name == "own.json":
        code, out, err = cli("compute", "--spec", "2023", str(EXAMPLE), "-f", "json")
        assert code == 1, err
        p.write_text(out, encoding="utf-8")
    elif name == "unrelated.yaml":
        p.write_text("name: Nguyễn Văn A\nage: 40\n", encoding="utf-8")
    return p


@pytest.mark.parametrize("name", ["abc.csv", "empty.json", "header.csv", "binary.csv", "own.json", "unrelated.yaml"])
def test_a_file_that_is_no_appendix_exits_2(tmp_path, name):
    path = _garbage(tmp_path, name)
    code, out, err = cli("compute", "--spec", "2023", *META, str(path))
    assert code == 2, (out, err)
    assert "HỢP LỆ" not in out and len(err.strip().splitlines()) == 1
    assert "no-appendix" not in err  # the message, not the code
    expected = "không phải văn bản" if name == "binary.csv" else "Không tìm thấy phụ lục"
    assert expected in err


def test_validate_says_no_appendix_too(tmp_path):
    code, _, err = cli("validate", "--spec", "2023", *META, str(_garbage(tmp_path, "abc.csv")))
    assert code == 2 and "phụ lục" in err


def test_plain_input_values_are_all_accounted_for(tmp_path):
    p = tmp_path / "vals.json"
    p.write_text(json.dumps({"level": "xa", "period": "2023-Q3", "values": {
        "bm1/1": 3, "bm1/2.1": 10, "bm1/2.2": 8,  # placed
        "khong_co": 5,                            # unknown key with a value: error
        "bm1/3": 1,                               # keyed to a heading row: error too
    }}), encoding="utf-8")
    code, out, err = cli("compute", "--spec", "2023", str(p), "-f", "json")
    assert code == 1, err
    data = json.loads(out)
    st = data["stats"]
    assert (st["rows_with_value"], st["rows_placed"], st["rows_dropped"]) == (5, 3, 2)
    assert st["dropped_by"] == {"unmapped-row": 1, "value-on-group": 1}
    unmapped = [f for f in data["findings"] if f["code"] == "unmapped-row"]
    assert unmapped[0]["severity"] == "error" and unmapped[0]["location"]["path"] == "values.khong_co"
    group = [f for f in data["findings"] if f["code"] == "value-on-group"]
    assert group[0]["severity"] == "error" and group[0]["location"]["path"] == "values.bm1/3"


def test_a_single_form_spec_key_that_is_only_a_heading_is_no_appendix(tmp_path):
    # 2021 has one form: "1" is its first heading; a,b,c CSV's "1,2" must not make it an appendix
    p = tmp_path / "abc.csv"
    p.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    code, _, err = cli("compute", "--spec", "2021", "--level", "xa", "--period", "2021-Q3", str(p))
    assert code == 2 and "Không tìm thấy phụ lục" in err


def test_table_summary_shows_coverage():
    code, out, _ = cli("compute", "--spec", "2023", str(EXAMPLE))
    line = next(x for x in out.splitlines() if x.startswith("Số liệu trong tệp"))
    assert "114 dòng có giá trị" in line and "113" in line and "value-on-group 1" in line


def test_compute_o_summary_counts_dropped_values(tmp_path):
    code, _, err = cli("compute", "--spec", "2023", str(EXAMPLE), "-o", str(tmp_path / "r.json"))
    assert "1 giá trị không nhận" in err
