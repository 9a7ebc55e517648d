"""Checks across periods: declared by the spec (periods: windows, time: kinds), run
against the unit's earlier reports in the store; skipped with one info without one."""

from __future__ import annotations

import json

import pytest
from .storekit import SPEC_KY, UNITS, report

from cchc_engine.flow.periods import contains, disjoint, window


@pytest.fixture
def org(store):
    store.import_units(UNITS, by="admin")
    return store


def warned(result, code=None):
    return [(f.code, f.indicator, f.values.get("other"), f.values.get("other_value"))
            for f in result.findings if f.code.startswith("period-") and (code is None or f.code == code)]


def test_windows_from_the_spec(session_ky):
    spec = session_ky.spec.spec
    q1, h1, q3, y = (window(spec, p) for p in ("2023-Q1", "2023-H1", "2023-Q3", "2023"))
    assert q1 == ((2022, 12, 15), (2023, 3, 14)) and y == ((2022, 12, 15), (2023, 12, 14))
    assert contains(h1, q1) and contains(y, h1) and contains(y, q3) and not contains(h1, q3)
    assert disjoint(h1, q3) and not disjoint(q1, h1)
    assert window(spec, "2023-Q2") is None  # no window declared: never guessed


def test_without_a_store_one_info_and_no_guess(session_ky, tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(report("xã Cao Xá", "2023"))
    result = session_ky.compute(path)
    assert [(f.code, f.severity, f.values) for f in result.findings if f.code.startswith("period-")] == [
        ("period-checks-skipped", "info", {"count": 4})]


def test_a_spec_without_periods_says_nothing(tmp_path):
    from cchc_engine.session import Session

    spec = tmp_path / "no-periods.yaml"
    spec.write_text('id: "2023-no-periods"\nextends: "2023"\nperiods: null\n', encoding="utf-8")
    path = tmp_path / "x.json"
    path.write_bytes(report("xã Cao Xá", "2023"))
    result = Session.open(str(spec), entry_points=False).compute(path)
    assert result.get("van_ban_chi_dao").value == 5
    assert not [f for f in result.findings if f.code.startswith("period-")]


def test_year_below_half_year_and_half_year_plus_q3(org, session_ky):
    org.submit(session_ky, report("xã Cao Xá", "2023-Q1", van_ban_chi_dao=3), "q1.json", by="an")
    org.submit(session_ky, report("xã Cao Xá", "2023-H1", van_ban_chi_dao=8), "h1.json", by="an")
    org.submit(session_ky, report("xã Cao Xá", "2023-Q3", van_ban_chi_dao=5), "q3.json", by="an")
    # the year's windows contain H1 and Q3, which are disjoint: 12 < 8 + 5
    year = org.submit(session_ky, report("xã Cao Xá", "2023", van_ban_chi_dao=12), "y.json", by="an").result
    assert warned(year) == [("period-below-contained", "van_ban_chi_dao", "2023-H1 + 2023-Q3", 13)]
    f = next(f for f in year.findings if f.code == "period-below-contained")
    assert f.severity == "warning" and f.location.cell is None  # a JSON input has no cell; a workbook's is kept
    assert "2023-H1 + 2023-Q3 (13)" in f.message
    # 13 is fine; 7 is below the half-year alone too, but the largest bound is named
    assert warned(org.submit(session_ky, report("xã Cao Xá", "2023", van_ban_chi_dao=13), "y.json", by="an").result) == []


def test_half_year_below_q1_and_q1_above_half_year(org, session_ky):
    org.submit(session_ky, report("xã Cao Xá", "2023-Q1", van_ban_chi_dao=6), "q1.json", by="an")
    h1 = org.submit(session_ky, report("xã Cao Xá", "2023-H1", van_ban_chi_dao=4), "h1.json", by="an").result
    assert warned(h1) == [("period-below-contained", "van_ban_chi_dao", "2023-Q1", 6)]
    # a corrected Q1 sent after the half-year: above the period that contains it
    q1 = org.submit(session_ky, report("xã Cao Xá", "2023-Q1", van_ban_chi_dao=9), "q1b.json", by="an").result
    assert warned(q1) == [("period-above-containing", "van_ban_chi_dao", "2023-H1", 4)]
    # Q3 and H1 do not contain each other: nothing to say
    assert warned(org.submit(session_ky, report("xã Cao Xá", "2023-Q3", van_ban_chi_dao=1), "q3.json", by="an").result) == []


def test_cumulative_never_decreases_within_a_year(org, session_ky):
    org.submit(session_ky, report("xã Cao Xá", "2023-H1", nv_hoan_thanh=6), "h1.json", by="an")
    q3 = org.submit(session_ky, report("xã Cao Xá", "2023-Q3", nv_hoan_thanh=5), "q3.json", by="an").result
    assert warned(q3) == [("period-cumulative-decreased", "nv_hoan_thanh", "2023-H1", 6)]
    # a new year starts again from nothing
    assert warned(org.submit(session_ky, report("xã Cao Xá", "2024-Q1", nv_hoan_thanh=1), "q1.json", by="an").result) == []


def test_state_jump_against_the_nearest_earlier_cut_off(org, session_ky):
    org.submit(session_ky, report("xã Cao Xá", "2023-Q1", bc_co_mat=20), "q1.json", by="an")
    org.submit(session_ky, report("xã Cao Xá", "2023-H1", bc_co_mat=22), "h1.json", by="an")
    q3 = org.submit(session_ky, report("xã Cao Xá", "2023-Q3", bc_co_mat=70), "q3.json", by="an").result
    assert warned(q3) == [("period-state-jump", "bc_co_mat", "2023-H1", 22)]
    assert warned(org.submit(session_ky, report("xã Cao Xá", "2023-Q3", bc_co_mat=60), "q3.json", by="an").result) == []


def test_other_units_periods_are_not_mixed_in(org, session_ky):
    org.submit(session_ky, report("xã Sơn Vi", "2023-H1", van_ban_chi_dao=50), "h1.json", by="binh")
    year = org.submit(session_ky, report("xã Cao Xá", "2023", van_ban_chi_dao=5), "y.json", by="an").result
    assert warned(year) == []


def test_same_period_of_the_previous_year_is_shown_beside(org, session_ky):
    org.submit(session_ky, report("xã Cao Xá", "2022-Q3", van_ban_chi_dao=11), "q3-2022.json", by="an")
    result = org.submit(session_ky, report("xã Cao Xá", "2023-Q3"), "q3.json", by="an").result
    assert result.extra["previous_year"]["period"] == "2022-Q3"
    assert result.extra["previous_year"]["values"]["van_ban_chi_dao"] == 11
    assert json.loads(result.to_json())["extra"]["previous_year"]["values"]["van_ban_chi_dao"] == 11


def test_an_xlsx_warning_points_at_its_cell(org, session_ky, tmp_path):
    """A workbook's figure: the warning is located at the cell the officer typed it in."""
    import random
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from make_communes import commune_rows, commune_values, write_commune

    values = commune_values(session_ky.spec, random.Random(3))
    values["van_ban_chi_dao"] = 2
    path = write_commune(tmp_path / "y.xlsx", "xã Cao Xá", "2023", commune_rows(session_ky.spec, values))
    org.submit(session_ky, report("xã Cao Xá", "2023-H1", van_ban_chi_dao=9), "h1.json", by="an")
    result = org.submit(session_ky, path.read_bytes(), "y.xlsx", by="an").result
    f = next(f for f in result.findings if f.code == "period-below-contained")
    assert f.location.file == "y.xlsx" and f.location.cell and f.location.cell.startswith("D")
    assert result.get("van_ban_chi_dao").location.cell == f.location.cell
    assert SPEC_KY.exists()
