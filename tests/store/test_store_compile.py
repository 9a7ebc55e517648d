"""Compiling from the store: the same figures as compiling the files, merged with the
compiling unit's own report as the spec's ``source:`` says, who is missing, and the
units' explanations carried up."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from .storekit import UNITS, report

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from make_communes import commune_rows, commune_values, inject_error, write_commune  # noqa: E402


@pytest.fixture
def org(store):
    store.import_units(UNITS, by="admin")
    return store


def approve_all(store, period):
    for row in store.board(period):
        if row.current is not None and row.state != "approved":
            for i, f in enumerate(row.current.findings, 1):
                if f.get("explainable"):
                    store.explain(row.current.id, str(i), "giải trình", by="x")
            if row.current.errors == 0 or all(f.get("explainable") for f in row.current.findings if f["severity"] == "error"):
                store.review(row.current.id, "approve", by="rv")


def test_same_figures_as_compiling_the_files(org, session_ky, tmp_path):
    """Three real workbooks (one with an error): the store's compilation equals
    `aggregate` of the same files, value for value, with no file read again."""
    rng = random.Random(7)
    files = []
    for code, name in (("X1", "xã Cao Xá"), ("X2", "xã Sơn Vi"), ("X3", "xã Tứ Mỹ")):
        values = commune_values(session_ky.spec, rng)
        if code == "X3":
            values, _what = inject_error(values, rng)
        files.append(write_commune(tmp_path / f"{code}.xlsx", name, "2023-Q3", commune_rows(session_ky.spec, values)))
    for f in files:
        org.submit(session_ky, f.read_bytes(), f.name, by="an")
    for row in org.board("2023-Q3", under="H1"):
        if row.current is not None:
            org.review(row.current.id, "approve", by="rv") if row.current.errors == 0 else None
    from_files = session_ky.aggregate(files, level="huyen", unit="huyện Lâm Thao", period="2023-Q3")
    for f in files:
        f.unlink()  # the store holds the values: nothing is read again
    pending = org.compile(session_ky, "2023-Q3", "H1", accepted_only=False)
    assert len(pending.extra["aggregate"]["included"]) == 3
    below = {ind.id for _f, ind in session_ky.spec.spec.indicators()
             if ind.applies_to("xa") and ind.source not in ("own", "both")}
    for row in from_files.indicators:
        if row.id in below:
            assert pending.get(row.id).value == row.value, row.id
            assert pending.get(row.id).units == row.units, row.id
    # the unit with an error is listed as not compiled when only approved versions count
    accepted = org.compile(session_ky, "2023-Q3", "H1")
    assert len(accepted.extra["aggregate"]["included"]) == 2
    assert [(m["unit"], m["state"]) for m in accepted.extra["store"]["missing"]] == [("X3", "errors")]
    assert [f.values["unit_code"] for f in accepted.findings if f.code == "store-unit-not-compiled"] == ["X3"]


def test_own_below_and_both(org, session_ky):
    org.submit(session_ky, report("xã Cao Xá", "2023-Q3", van_ban_chi_dao=2, tthc_cap_xa=90, tthc_tong=90), "1.json", by="a")
    org.submit(session_ky, report("xã Sơn Vi", "2023-Q3", van_ban_chi_dao=3, tthc_cap_xa=95, tthc_tong=95), "2.json", by="b")
    # the district's own report: its own documents, and the number of commune procedures (not a sum)
    own = {"van_ban_chi_dao": 4, "tthc_cap_xa": 100, "tthc_cap_huyen": 250, "tthc_tong": 350, "kt_phong_ban": 7}
    org.submit(session_ky, report("huyện Lâm Thao", "2023-Q3", level="huyen", **own), "h.json", by="h")
    approve_all(org, "2023-Q3")
    result = org.compile(session_ky, "2023-Q3", "H1")
    assert result.value("van_ban_chi_dao") == 2 + 3 + 4  # both: the communes' and the district's own
    assert result.get("van_ban_chi_dao").units == 3
    assert result.value("tthc_cap_xa") == 100  # own (the spec says so): never 90 + 95
    assert result.value("kt_phong_ban") == 7  # only the district reports it: its own by default
    assert result.value("nv_de_ra") == 20  # below by default: 10 + 10, the district's own 10 not added
    assert result.value("tthc_tong") == 350  # own too, and the rule tổng = cấp huyện + cấp xã holds on the merged figures
    assert not [f for f in result.findings if f.severity == "error"]
    assert result.extra["store"]["own"]["version"] == 1
    assert [m["unit"] for m in result.extra["store"]["missing"]] == ["X3"]
    assert not [f for f in result.findings if f.code == "store-own-missing"]


def test_returned_units_are_never_compiled_and_explanations_go_up(org, session_ky):
    a = org.submit(session_ky, report("xã Cao Xá", "2023-Q3", vbqppl_da_kiem_tra=1, vbqppl_kt_can_xu_ly=3,
                                      vbqppl_kt_da_xu_ly=2), "1.json", by="a").submission
    b = org.submit(session_ky, report("xã Sơn Vi", "2023-Q3"), "2.json", by="b").submission
    org.explain(a.id, "1", "Gồm cả văn bản tồn kỳ trước", by="a")
    org.review(b.id, "return", "Sai số liệu mục 4", by="rv")
    result = org.compile(session_ky, "2023-Q3", "H1", accepted_only=False)
    assert [u["unit"] for u in result.extra["aggregate"]["included"]] == ["xã Cao Xá"]
    assert {(m["unit"], m["state"]) for m in result.extra["store"]["missing"]} == {("X2", "returned"), ("X3", "missing")}
    carried = [f for f in result.findings if f.code == "store-explanation-carried"]
    assert len(carried) == 1 and carried[0].severity == "info"
    assert "Gồm cả văn bản tồn kỳ trước" in carried[0].message and "xã Cao Xá" in carried[0].message
    assert result.extra["store"]["explanations"][0]["unit"] == "X1"
    assert [f.code for f in result.findings if f.code == "store-own-missing"] == ["store-own-missing"]
