"""The collection cycle on the store, on SQLite and PostgreSQL: units, versions, the
board's states, explanations, review decisions, accounts and the audit log."""

from __future__ import annotations

import hashlib

import pytest
from .storekit import UNITS, report

from cchc_engine.flow.findings import CchcError


@pytest.fixture
def org(store):
    assert store.import_units(UNITS, by="admin") == (5, 0)
    return store


def codes(exc: pytest.ExceptionInfo) -> list[str]:
    return [f.code for f in exc.value.findings]


def test_units_tree_and_update(org):
    assert [u.code for u in org.units("H1")] == ["H1", "X1", "X2", "X3"]
    assert [u.code for u in org.units("H1", include_root=False)] == ["X1", "X2", "X3"]
    assert org.unit("X2").parent == "H1" and org.unit("X2").level == "xa"
    # a second import renames and deactivates; nothing else changes
    assert org.import_units([{"code": "X3", "name": "xã Tứ Mỹ (cũ)", "level": "xa", "parent": "H1", "active": "0"}]) == (0, 1)
    assert [u.code for u in org.units("H1")] == ["H1", "X1", "X2"]
    assert org.units("H1", active_only=False)[-1].name == "xã Tứ Mỹ (cũ)"
    with pytest.raises(CchcError) as exc:
        org.unit("X9")
    assert codes(exc) == ["store-unit-unknown"]


def test_units_cycle_and_unknown_parent_are_refused_whole(org):
    with pytest.raises(CchcError) as exc:
        org.import_units([{"code": "H1", "name": "huyện Lâm Thao", "level": "huyen", "parent": "X1"}])
    assert codes(exc) == ["store-unit-cycle"]
    assert org.unit("H1").parent == "T"  # the transaction left nothing behind
    with pytest.raises(CchcError) as exc:
        org.import_units([{"code": "X4", "name": "xã Mới", "level": "xa", "parent": "H9"}])
    assert codes(exc) == ["store-unit-parent-unknown"]
    assert "X4" not in {u.code for u in org.units()}


def test_submit_keeps_every_version_and_the_bytes(org, session_ky):
    data1 = report("xã Cao Xá", "2023-Q3")
    first = org.submit(session_ky, data1, "cao-xa.json", by="an")
    assert (first.submission.unit, first.submission.version, first.submission.period) == ("X1", 1, "2023-Q3")
    assert first.result.valid and first.submission.valid
    data2 = report("xã Cao Xá", "2023-Q3", van_ban_chi_dao=7)
    second = org.submit(session_ky, data2, "cao-xa-v2.json", unit="X1", by="an")
    assert second.submission.version == 2
    history = org.history("X1")
    assert [(s.version, s.filename, s.by) for s in history] == [(1, "cao-xa.json", "an"), (2, "cao-xa-v2.json", "an")]
    # nothing overwritten: the first version's file and result are still there, byte for byte
    assert org.file_bytes(first.submission.id) == ("cao-xa.json", data1)
    assert first.submission.sha256 == hashlib.sha256(data1).hexdigest()
    assert org.result(first.submission.id).value("van_ban_chi_dao") == 5
    assert org.result(second.submission.id).value("van_ban_chi_dao") == 7
    assert org.current("X1", "2023-Q3").id == second.submission.id
    # the same bytes from another unit share the stored file
    other = org.submit(session_ky, data1, "copy.json", unit="X2", by="binh")
    assert other.submission.sha256 == first.submission.sha256
    assert org.file_bytes(other.submission.id)[1] == data1


def test_submit_refuses_what_it_cannot_place(org, session_ky):
    with pytest.raises(CchcError) as exc:
        org.submit(session_ky, report("xã Không Có", "2023-Q3"), "x.json", by="an")
    assert codes(exc) == ["store-unit-not-found"]
    with pytest.raises(CchcError) as exc:
        org.submit(session_ky, report("xã Cao Xá", "2023-Q3"), "x.json", period="quý 3", by="an")
    assert codes(exc) == ["invalid-period"]
    with pytest.raises(CchcError) as exc:
        org.submit(session_ky, b"\x00\x01 not a report", "x.json", unit="X1", by="an")
    assert exc.value.exit_code == 2
    assert org.history("X1") == []


def test_board_states_through_the_cycle(org, session_ky):
    def states():
        return {r.unit.code: (r.state, r.versions) for r in org.board("2023-Q3", under="H1")}

    assert states() == {"H1": ("missing", 0), "X1": ("missing", 0), "X2": ("missing", 0), "X3": ("missing", 0)}
    # X1: an error (done > planned) that cannot be explained, then corrected
    bad = org.submit(session_ky, report("xã Cao Xá", "2023-Q3", nv_hoan_thanh=12), "a.json", by="an")
    assert not bad.result.valid
    key = next(f["key"] for f in bad.submission.findings if f["severity"] == "error")
    assert key == "rule-failed:nv_hoan_thanh_le_de_ra@nv_hoan_thanh"
    with pytest.raises(CchcError) as exc:
        org.explain(bad.submission.id, key, "không sửa được", by="an")
    assert codes(exc) == ["store-explain-not-allowed"]
    with pytest.raises(CchcError) as exc:
        org.review(bad.submission.id, "approve", by="rv")
    assert codes(exc) == ["store-approve-has-errors"]
    # X2: a warning (checked more than were examined), explained; X3: an explainable error
    warn = org.submit(session_ky, report("xã Sơn Vi", "2023-Q3", vbqppl_da_kiem_tra=1, vbqppl_kt_can_xu_ly=3,
                                         vbqppl_kt_da_xu_ly=2), "b.json", by="binh")
    err = org.submit(session_ky, report("xã Tứ Mỹ", "2023-Q3", nv_giao_dung_han=9), "c.json", by="cuong")
    assert states() == {"H1": ("missing", 0), "X1": ("errors", 1), "X2": ("warnings", 1), "X3": ("errors", 1)}
    org.explain(warn.submission.id, "1", "Số cần xử lý gồm cả văn bản kỳ trước", by="binh")
    err_key = next(f["key"] for f in err.submission.findings if f["severity"] == "error")
    org.explain(err.submission.id, err_key, "Nhiệm vụ giao bổ sung giữa kỳ", by="cuong")
    fixed = org.submit(session_ky, report("xã Cao Xá", "2023-Q3"), "a2.json", by="an")
    assert states()["X1"] == ("valid", 2) and states()["X2"] == ("valid", 1) and states()["X3"] == ("valid", 1)
    # only the current version can be reviewed; a return needs a reason
    with pytest.raises(CchcError) as exc:
        org.review(bad.submission.id, "return", "sai", by="rv")
    assert codes(exc) == ["store-review-not-current"]
    with pytest.raises(CchcError) as exc:
        org.review(fixed.submission.id, "return", "  ", by="rv")
    assert codes(exc) == ["store-return-needs-reason"]
    org.review(fixed.submission.id, "approve", by="rv")
    org.review(warn.submission.id, "return", "Thiếu số liệu mục 3", by="rv")
    rows = {r.unit.code: r for r in org.board("2023-Q3", under="H1")}
    assert rows["X1"].state == "approved" and rows["X2"].state == "returned"
    assert rows["X2"].review.reason == "Thiếu số liệu mục 3"
    # a new version after a return is a new, unreviewed version; its explanation carries over
    again = org.submit(session_ky, report("xã Sơn Vi", "2023-Q3", vbqppl_da_kiem_tra=1, vbqppl_kt_can_xu_ly=3,
                                          vbqppl_kt_da_xu_ly=2, van_ban_chi_dao=6), "b2.json", by="binh")
    assert again.submission.version == 2
    assert {r.unit.code: r.state for r in org.board("2023-Q3", under="H1")}["X2"] == "valid"


def test_explain_needs_a_known_finding_and_text(org, session_ky):
    sub = org.submit(session_ky, report("xã Sơn Vi", "2023-Q3", vbqppl_da_kiem_tra=1, vbqppl_kt_can_xu_ly=3,
                                        vbqppl_kt_da_xu_ly=2), "b.json", by="binh").submission
    with pytest.raises(CchcError) as exc:
        org.explain(sub.id, "7", "x", by="binh")
    assert codes(exc) == ["store-finding-unknown"]
    with pytest.raises(CchcError) as exc:
        org.explain(sub.id, "1", "   ", by="binh")
    assert codes(exc) == ["store-explain-empty"]
    kept = org.explain(sub.id, "1", "Lý do", by="binh")
    assert [e.text for e in org.explanations("X2", "2023-Q3")] == ["Lý do"]
    assert kept.finding_key == sub.findings[0]["key"]


def test_accounts_and_the_audit_log(org, session_ky):
    a = org.create_account("an", "unit", unit="X1", password_hash="scrypt$1", token_hash="t1", by="admin")
    assert (a.username, a.role, a.unit, a.active) == ("an", "unit", "X1", True)
    org.create_account("rv", "reviewer", unit="H1", by="admin")
    org.create_account("root", "admin", by="admin")
    with pytest.raises(CchcError) as exc:
        org.create_account("an", "unit", unit="X1")
    assert codes(exc) == ["store-account-exists"]
    with pytest.raises(CchcError) as exc:
        org.create_account("x", "boss")
    assert codes(exc) == ["store-bad-role"]
    with pytest.raises(CchcError) as exc:
        org.create_account("y", "reviewer")
    assert codes(exc) == ["store-account-needs-unit"]
    assert org.account_by_token("t1").username == "an"
    assert org.account_by_token("nope") is None
    org.update_account("an", token_hash="t2", by="admin")
    assert org.account_by_token("t1") is None and org.account_by_token("t2").username == "an"
    org.update_account("an", active=False, by="admin")
    assert org.account_by_token("t2") is None
    assert [x.username for x in org.accounts()] == ["an", "rv", "root"]
    sub = org.submit(session_ky, report("xã Cao Xá", "2023-Q3"), "a.json", by="an").submission
    org.review(sub.id, "approve", by="rv")
    log = org.audit_log(object_type="submission", object_id=sub.id)
    assert [(e.action, e.actor) for e in log] == [("review", "rv"), ("submit", "an")]
    assert log[1].detail["version"] == 1 and log[0].detail["decision"] == "approve"
    updates = org.audit_log(object_type="account", object_id="an")
    assert updates[0].detail == {"changed": ["active"]}  # which fields, never a hash
    assert "t2" not in str([e.detail for e in org.audit_log()])
