"""Plain JSON/YAML/CSV submissions (issue 15): no silent guess, no silent cut-off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import cli

META = ("--spec", "2021", "--level", "xa", "--period", "2021-Q3")


def compute(path: Path, *extra: str) -> tuple[int, dict, str]:
    code, out, err = cli("compute", *META, str(path), "-f", "json", *extra)
    assert code in (0, 1), err
    return code, json.loads(out), err


def value_of(result: dict, ind_id: str):
    return next(i for i in result["indicators"] if i["id"] == ind_id)["value"]


def findings(result: dict) -> list[tuple]:
    return [(f["indicator"], f["code"]) for f in result["findings"]]


def test_yaml_values_are_read_as_text_by_the_vietnamese_parser(tmp_path: Path) -> None:
    p = tmp_path / "so-lieu.yaml"
    p.write_text(
        "values:\n  kh_nhiem_vu_de_ra: 268.358\n  kh_nhiem_vu_hoan_thanh: 017\n  kh_van_ban_chi_dao: 1:30\n", encoding="utf-8"
    )
    _, result, _ = compute(p)
    assert value_of(result, "kh_nhiem_vu_de_ra") == 268358  # YAML 1.1 said 268.358
    assert value_of(result, "kh_nhiem_vu_hoan_thanh") == 17  # YAML 1.1 said 15 (octal)
    assert value_of(result, "kh_van_ban_chi_dao") is None  # YAML 1.1 said 90 (sexagesimal)
    assert ("kh_van_ban_chi_dao", "invalid-number") in findings(result)


def test_yaml_keys_are_text_too(tmp_path: Path) -> None:
    p = tmp_path / "stt.yaml"
    p.write_text("values:\n  1.1.1: 6\n  1.1.2: 6\n", encoding="utf-8")
    _, result, _ = compute(p)
    assert value_of(result, "kh_nhiem_vu_de_ra") == 6


def test_json_numbers_are_read_as_text_by_the_vietnamese_parser(tmp_path: Path) -> None:
    p = tmp_path / "so-lieu.json"
    p.write_text('{"values": {"kh_nhiem_vu_de_ra": 268.358, "kh_nhiem_vu_hoan_thanh": 6}}', encoding="utf-8")
    _, result, _ = compute(p)
    assert value_of(result, "kh_nhiem_vu_de_ra") == 268358
    assert value_of(result, "kh_nhiem_vu_hoan_thanh") == 6


def test_duplicate_json_keys_are_a_finding(tmp_path: Path) -> None:
    p = tmp_path / "trung.json"
    p.write_text('{"values": {"kh_nhiem_vu_de_ra": 6, "kh_nhiem_vu_hoan_thanh": 6, "kh_nhiem_vu_de_ra": 9}}', encoding="utf-8")
    code, result, _ = compute(p)
    assert code == 1 and not result["valid"]
    dup = [f for f in result["findings"] if f["code"] == "duplicate-key"]
    assert len(dup) == 1 and "kh_nhiem_vu_de_ra" in dup[0]["message"] and "9" in dup[0]["message"]


def test_csv_lines_after_the_limit_are_a_finding_where_it_stopped(tmp_path: Path) -> None:
    from cchc_engine.readers.plain import MAX_VALUES

    # empty records as filler: cheap to read, and they count as lines all the same
    lines = ["key,value", "1.1.1,6", "1.1.2,6"] + [","] * MAX_VALUES + ["1.1.3,5"]
    p = tmp_path / "dai.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, result, _ = compute(p)
    assert code == 1 and not result["valid"]
    cut = [f for f in result["findings"] if f["code"] == "values-truncated"]
    assert len(cut) == 1 and cut[0]["location"]["row"] == MAX_VALUES + 1
    assert value_of(result, "kh_van_ban_chi_dao") is None  # below the cut: not read, and said so


@pytest.mark.parametrize("suffix", [".json", ".csv", ".yaml"])
def test_hostile_characters_in_a_plain_file_reach_no_writer(tmp_path: Path, suffix: str) -> None:
    note = "ghi chú\x1b[31m\x00\ufffe"
    if suffix == ".json":
        text = json.dumps({"unit": "xã\ud800 Thượng Long", "values": {"1.1.1": {"value": "6", "note": note + "\ud800"}}})
    elif suffix == ".csv":
        text = "key,value,note\n1.1.1,6," + note.replace("\x00", "") + "\n"
    else:
        text = 'values:\n  1.1.1: {value: "6", note: "ghi chú\\e[31m\\x07"}\n'
    p = tmp_path / f"ky-tu{suffix}"
    p.write_text(text, encoding="utf-8")
    for fmt in ("json", "table", "md", "csv"):
        code, out, err = cli("compute", *META, str(p), "-f", fmt)
        assert code in (0, 1), (fmt, err)
        assert "\x1b" not in out and "\x00" not in out and "\ufffe" not in out, fmt
        out.encode("utf-8")  # no lone surrogate left
