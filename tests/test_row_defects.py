"""Rows that are not where the header says: where every value goes (mapping.py).

Each test builds a real workbook from the seed rows (tests/fixtures/seedNNN_rows.tsv)
with a defect, computes it, and compares indicator by indicator with the same
rows without the defect.
"""

from __future__ import annotations

import json
from pathlib import Path

from make_fixtures import load_rows, write_workbook

from cchc_engine.session import compute_file
from conftest import FIXTURES

META = {k: json.loads((FIXTURES / f"seed{k}_meta.json").read_text(encoding="utf-8")) for k in ("000", "001")}


def _compute(spec, rows: list[dict], path: Path, seed: str = "001", **kw):
    meta = META[seed]
    write_workbook(rows, path, layout="one_sheet", values="text", title_lines=meta["workbook_title_lines"],
                   form_titles=meta["forms"])
    return compute_file(spec, path, **kw)


def _values(result) -> dict[str, object]:
    return {i.id: i.raw for i in result.indicators if i.raw not in (None, "")}


def _codes(result) -> list[tuple[str, str, str]]:
    return sorted((f.code, f.indicator or "", f.severity) for f in result.findings)


def _shift_left(row: dict) -> dict:
    """The row as it arrives when a Word table lost its first cell: everything one column left."""
    return {**row, "stt": row["name"], "name": row["unit"], "unit": row["value"], "value": "", "note": ""}


def test_a_block_of_12_rows_shifted_left_is_realigned_value_by_value(spec2023, tmp_path):
    rows = load_rows(FIXTURES / "seed001_rows.tsv")
    start = next(i for i, r in enumerate(rows) if r["form"] == "7" and r["stt"] == "6.4.")
    block = range(start, start + 12)
    assert all(rows[i]["unit"] for i in block)  # every shifted row has a unit word in the name column
    good = _compute(spec2023, rows, tmp_path / "good.xlsx")
    shifted_rows = [(_shift_left(r) if i in block else r) for i, r in enumerate(rows)]
    bad = _compute(spec2023, shifted_rows, tmp_path / "shifted.xlsx")

    assert _values(bad) == _values(good)  # every value reached its own indicator
    shifted = [f for f in bad.findings if f.code == "row-shifted"]
    assert len(shifted) == 12 and all(f.severity == "info" for f in shifted)
    # The values are located where they really are: the unit column (C), not D.
    by_id = {i.id: i for i in bad.indicators}
    moved = [by_id[i.id] for i in good.indicators if i.location is not None and i.location.cell
             and any(f.location.cell == f"C{i.location.cell[1:]}" for f in shifted)]
    assert len(moved) == sum(1 for i in block if rows[i]["value"])
    assert all(m.location.cell.startswith("C") for m in moved)
    assert [c for c in _codes(bad) if c[0] != "row-shifted"] == _codes(good)
    assert not bad.valid == (not good.valid)


def test_a_shifted_row_that_matches_nothing_is_an_error_at_its_cell(spec2023, tmp_path):
    rows = load_rows(FIXTURES / "seed001_rows.tsv")
    i = next(i for i, r in enumerate(rows) if r["form"] == "7" and r["stt"] == "6.7.2.")
    rows[i] = _shift_left({**rows[i], "name": "Số liệu không có trong mẫu của Bộ Nội vụ"})
    result = _compute(spec2023, rows, tmp_path / "lost.xlsx")
    lost = [f for f in result.findings if f.code == "value-not-placed"]
    assert len(lost) == 1 and lost[0].severity == "error" and lost[0].values["raw"] == "5.620"
    assert lost[0].location.cell.startswith("C") and lost[0].location.sheet == "Phụ lục"
    assert not result.valid


def test_a_number_under_the_unit_is_an_error_not_a_blank(spec2023, tmp_path):
    rows = load_rows(FIXTURES / "seed001_rows.tsv")
    i = next(i for i, r in enumerate(rows) if r["form"] == "7" and r["stt"] == "6.7.1.")
    rows[i] = {**rows[i], "unit": rows[i]["value"], "value": ""}  # "7.725" typed under Đơn vị tính
    result = _compute(spec2023, rows, tmp_path / "unit.xlsx")
    lost = [f for f in result.findings if f.code == "value-not-placed"]
    assert [(f.indicator, f.values["raw"], f.severity) for f in lost] == [("hs_tiep_nhan_tong", "7.725", "error")]


def test_one_or_two_word_names_take_no_indicator_by_similarity(spec2023, tmp_path):
    rows = load_rows(FIXTURES / "seed001_rows.tsv")
    i = next(i for i, r in enumerate(rows) if r["form"] == "3" and r["stt"] == "1.2.")
    extra = [{**rows[i], "stt": "", "name": name, "unit": "", "value": "9"} for name in ("TTHC", "Hồ sơ TTHC")]
    good = _compute(spec2023, rows, tmp_path / "good.xlsx")
    bad = _compute(spec2023, rows[:i] + extra + rows[i:], tmp_path / "short.xlsx")
    assert _values(bad) == _values(good)  # "9" went nowhere silently and took nothing away
    assert [(f.code, f.values["name"]) for f in bad.findings if f.code == "unmapped-row"] == [
        ("unmapped-row", "TTHC"), ("unmapped-row", "Hồ sơ TTHC")]


def test_a_guess_without_value_leaves_the_indicator_to_the_exact_row_below(spec2023, tmp_path):
    rows = load_rows(FIXTURES / "seed001_rows.tsv")
    i = next(i for i, r in enumerate(rows) if r["form"] == "7" and r["stt"] == "6.7.1.")
    heading = {**rows[i], "stt": "", "name": "Số hồ sơ TTHC đã tiếp nhận", "unit": "", "value": ""}
    exact = {**rows[i], "stt": ""}  # no STT: found by its name only
    good = _compute(spec2023, rows, tmp_path / "good.xlsx")
    bad = _compute(spec2023, rows[:i] + [heading, exact] + rows[i + 1:], tmp_path / "guess.xlsx")
    assert _values(bad)["hs_tiep_nhan_tong"] == "7.725"
    assert _values(bad) == _values(good)
    assert not [f for f in bad.findings if f.code == "duplicate-row"]


def test_identical_rows_go_under_the_heading_they_sit_beneath(spec2023, tmp_path):
    # A commune that filled in the district block too: the same two rows under "cấp huyện"
    # (3.1, not reported by a commune) and under "cấp xã" (3.2).
    rows = load_rows(FIXTURES / "seed001_rows.tsv")
    form3 = [r for r in rows if r["form"] == "3"]
    result = _compute(spec2023, form3, tmp_path / "xa.xlsx", level="xa")
    values = _values(result)
    assert (values.get("hs_xa_giai_quyet_xong"), values.get("hs_xa_dung_han")) == ("4.078", "4.078")
    # The rows under "cấp huyện" stay the district's (which a commune does not report: said so).
    assert (values.get("hs_huyen_giai_quyet_xong"), values.get("hs_huyen_dung_han")) == ("2.967", "2.967")
    assert {f.indicator for f in result.findings if f.code == "level-not-reporting"} >= {
        "hs_huyen_giai_quyet_xong", "hs_huyen_dung_han"}
    # Swap the two blocks: the rows still follow their headings, not the order.
    i31 = next(i for i, r in enumerate(form3) if r["stt"] == "3.1.")
    i32 = next(i for i, r in enumerate(form3) if r["stt"] == "3.2.")
    swapped = form3[:i31] + form3[i32:i32 + 3] + form3[i31:i32] + form3[i32 + 3:]
    for r in swapped:
        r["stt"] = ""  # nothing but the names and the headings to go by
    again = _compute(spec2023, swapped, tmp_path / "swapped.xlsx", level="huyen")
    assert {k: _values(again).get(k) for k in ("hs_huyen_giai_quyet_xong", "hs_xa_giai_quyet_xong")} == {
        "hs_huyen_giai_quyet_xong": "2.967", "hs_xa_giai_quyet_xong": "4.078"}
