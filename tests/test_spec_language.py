"""Spec language gaps a maintainer hit writing a real provincial template (issue 21): a
yes/no row printed with a count unit and the reverse, identical rows told apart by their
heading, a figure of a Ghi chú other than the first, a heading total that is a warning,
and the rounding tolerance (half a unit of the last digit written). Each is documented
with its example in docs/spec-format.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import cli
from test_spec_constructs import ROWS, SPEC, compiled_spec, compute, spec_file

CHOICES = "levels: [{id: huyen, name: Cấp huyện}]\nchoices:\n  co_khong:\n    - {code: 0, label: Không}\n    - {code: 1, label: Có}\n"


def _with(rows_after: str, indicators: str, text: str = SPEC) -> str:
    """SPEC with ``indicators`` (YAML lines) inserted before the row whose id line is ``rows_after``."""
    at = text.index(rows_after)
    return text[:at] + indicators + text[at:]


YES_NO = _with(
    "      - {id: hop_a,",
    "      - {id: ks, stt: \"5\", name: Có khảo sát sự hài lòng, unit: Văn bản, type: choice, choices: co_khong,"
    " count_answers: true}\n"
    "      - {id: kt_dx, stt: \"6\", name: Số cuộc kiểm tra đột xuất, unit: \"Có = 1; Không = 0\", type: count,"
    " choices: co_khong}\n",
    SPEC.replace("levels: [{id: huyen, name: Cấp huyện}]\n", CHOICES),
)


def _yes_no_rows(ks, kt):
    at = ROWS.index(("3", "Số đơn vị được kiểm tra", "%", 7, None))
    return ROWS[:at] + [("5", "Có khảo sát sự hài lòng", "Văn bản", ks, None),
                        ("6", "Số cuộc kiểm tra đột xuất", "Có = 1; Không = 0", kt, None)] + ROWS[at:]


@pytest.mark.parametrize(
    ("ks", "kt", "want", "codes"),
    [
        (1, 2, (1, 2), []),
        ("0", "0", (0, 0), []),
        # the officer reads "Văn bản" and counts: any number above 0 answers yes
        ("3", 3, (1, 3), [("ks", "choice-from-count")]),
        (4, None, (1, None), [("ks", "choice-from-count")]),
        # the template prints "Có = 1" on the count row: the word is its code
        ("Có", "Có", (1, 1), [("kt_dx", "count-from-choice")]),
        ("Không", "Không", (0, 0), [("kt_dx", "none-as-zero")]),
        ("Có", "nhiều", (1, None), [("kt_dx", "invalid-number")]),
    ],
)
def test_yes_no_row_printed_with_a_count_unit_and_the_reverse(tmp_path, ks, kt, want, codes):
    result = compute(tmp_path, _yes_no_rows(ks, kt), YES_NO)
    assert (result.value("ks"), result.value("kt_dx")) == want
    assert result.flatten(["indicator", "code"]) == [list(c) for c in codes]
    for f in result.findings:
        if f.code in ("choice-from-count", "count-from-choice"):
            assert f.severity == "info"
    if ("ks", "choice-from-count") in codes:
        message = next(f.message for f in result.findings if f.code == "choice-from-count")
        assert "'Văn bản'" in message and "'Có' (1)" in message


def test_without_the_declarations_the_same_cells_are_errors(tmp_path):
    text = YES_NO.replace(", count_answers: true", "").replace(", type: count, choices: co_khong", ", type: count")
    result = compute(tmp_path, _yes_no_rows("3", "Có"), text)
    assert result.flatten(["indicator", "code"]) == [["ks", "unknown-choice"], ["kt_dx", "invalid-number"]]


def test_count_answers_needs_codes_0_and_1_and_a_choice(tmp_path):
    text = YES_NO.replace("    - {code: 0, label: Không}\n", "    - {code: 2, label: Không}\n")
    code, _out, err = cli("spec", "check", str(spec_file(tmp_path, text)))
    assert code == 1 and "count_answers" in err and "'co_khong'" in err and "mã 0" in err
    text = YES_NO.replace(", type: count, choices: co_khong}", ", type: count, choices: co_khong, count_answers: true}")
    code, _out, err = cli("spec", "check", str(spec_file(tmp_path, text)))
    assert code == 1 and "'count_answers' chỉ dùng cùng type: choice" in err


BCCI = _with(
    "      - {id: hop_a,",
    """      - id: bcci
        stt: "5"
        name: Tiếp nhận qua dịch vụ bưu chính công ích
        type: group
        children:
          - id: bcci_huyen
            name: Cấp huyện
            type: group
            row: item
            children:
              - {id: bcci_huyen_hs, stt: a, stt_repeats: true, name: Số hồ sơ, unit: Hồ sơ, type: count}
          - id: bcci_xa
            name: Cấp xã
            type: group
            row: item
            children:
              - {id: bcci_xa_hs, stt: a, stt_repeats: true, name: Số hồ sơ, unit: Hồ sơ, type: count}
""",
)


@pytest.mark.parametrize(
    ("rows", "want"),
    [
        ([("Cấp huyện", None), ("Số hồ sơ", 5), ("Cấp xã", None), ("Số hồ sơ", 7)], (5, 7)),
        ([("Cấp xã", None), ("Số hồ sơ", 7), ("Cấp huyện", None), ("Số hồ sơ", 5)], (5, 7)),  # headings swapped
        ([("Cấp xã", None), ("Số hồ sơ", 7)], (None, 7)),  # a commune's form prints only its own
    ],
)
@pytest.mark.parametrize("stt", ["a", None])
def test_identical_rows_are_told_apart_by_their_heading(tmp_path, rows, want, stt):
    at = ROWS.index(("2", "Số cuộc họp giao ban", "Cuộc", 12, None))
    block = [("5", "Tiếp nhận qua dịch vụ bưu chính công ích", None, None, None)]
    block += [(None if v is None else stt, name, None if v is None else "Hồ sơ", v, None) for name, v in rows]
    result = compute(tmp_path, ROWS[:at] + block + ROWS[at:], BCCI)
    assert (result.value("bcci_huyen_hs"), result.value("bcci_xa_hs")) == want
    assert result.findings == []


NOTE = SPEC.replace(
    '         formula: "ratio(kh_xong, kh)", note_of: kh_xong}\n',
    '         formula: "ratio(kh_xong, kh)", note_of: kh_xong, note_figure: 2}\n'
    "      - {id: kh_vb, name: Số văn bản giao nhiệm vụ, unit: Văn bản, type: count, note_of: kh_xong, note_figure: 3}\n",
)


def test_note_figure_reads_a_figure_other_than_the_first(tmp_path):
    rows = [r if r[1] != "Số nhiệm vụ đã hoàn thành" else r[:4] + ("Năm 2026 đạt 16,37% theo 4 văn bản",) for r in ROWS]
    result = compute(tmp_path, rows, NOTE)
    assert (result.get("kh_ty_le").value, result.get("kh_ty_le").reported, result.value("kh_vb")) == (16.37, None, 4)
    assert result.findings == []
    # the default is the first figure: here the year, which no percent can be
    result = compute(tmp_path, rows, NOTE.replace(", note_figure: 2", ""))
    assert result.flatten(["indicator", "code"]) == [["kh_ty_le", "percent-out-of-range"]]
    # fewer figures than asked: nothing read, nothing said
    short = [r if r[1] != "Số nhiệm vụ đã hoàn thành" else r[:4] + ("Đạt 16,37%",) for r in ROWS]
    result = compute(tmp_path, short, NOTE)
    assert result.value("kh_vb") is None and result.get("kh_ty_le").reported is None and result.findings == []


def test_note_figure_needs_note_of(tmp_path):
    text = NOTE.replace("note_of: kh_xong, note_figure: 3}", "note_figure: 3}")
    code, _out, err = cli("spec", "check", str(spec_file(tmp_path, text)))
    assert code == 1 and "'note_figure' chỉ dùng cùng note_of" in err


def test_heading_total_check_can_be_a_warning(tmp_path):
    text = SPEC.replace("        children_total: equal\n", "        children_total: equal\n        children_total_severity: warning\n")
    rows = [r if r[1] != "Người bị kỷ luật trong năm" else r[:3] + (7, None) for r in ROWS]
    result = compute(tmp_path, rows, text)
    assert [(f.code, f.severity) for f in result.findings] == [("children-total-mismatch", "warning")]
    assert result.valid
    # the default stays an error
    assert [(f.code, f.severity) for f in compute(tmp_path, rows).findings] == [("children-total-mismatch", "error")]
    text = SPEC.replace("        type: count\n        children_total: at_most\n", "        type: count\n        children_total_severity: info\n")
    code, _out, err = cli("spec", "check", str(spec_file(tmp_path, text)))
    assert code == 1 and "'children_total_severity' chỉ dùng cùng children_total" in err


def test_children_total_sums_direct_children_only(tmp_path):
    # a grandchild is in the sum only through its parent's own value
    text = SPEC.replace(
        "          - {id: kl_bh, stt: \"1.3\", name: Buộc thôi việc, unit: Người, type: count}\n",
        "          - id: kl_bh\n            stt: \"1.3\"\n            name: Buộc thôi việc\n            unit: Người\n"
        "            type: count\n            children:\n"
        "              - {id: kl_bh_cc, stt: \"1.3.1\", name: Công chức, unit: Người, type: count}\n",
    )
    at = ROWS.index(("1.3", "Buộc thôi việc", "Người", None, None))
    rows = ROWS[:at] + [("1.3", "Buộc thôi việc", "Người", None, None), ("1.3.1", "Công chức", "Người", 2, None)] + ROWS[at + 1:]
    result = compute(tmp_path, rows, text)
    assert result.findings == []  # 8 = 5 + 3: the grandchild's 2 is not added
    rows[at] = ("1.3", "Buộc thôi việc", "Người", 2, None)
    result = compute(tmp_path, rows, text)
    assert result.flatten(["indicator", "code"]) == [["kl", "children-total-mismatch"]]
    assert "5 + 3 + 2" in result.findings[0].message


def _ratio_rows(done: int, planned: int, note: str):
    return [
        (r[0], r[1], r[2], planned, r[4]) if r[1] == "Số nhiệm vụ trong kế hoạch"
        else (r[0], r[1], r[2], done, note) if r[1] == "Số nhiệm vụ đã hoàn thành"
        else r
        for r in ROWS
    ]


@pytest.mark.parametrize(
    ("done", "planned", "note", "code"),
    [
        (3274, 20000, "17%", "ratio-mismatch"),  # 16,37: '17' stands for 16,5–17,5
        (3274, 20000, "16%", None),  # 16,37 rounded to 16
        (3274, 20000, "16,4%", None),  # 16,37 rounded right
        (33, 200, "17%", "ratio-rounding"),  # 16,5: the edge, inside
        (35, 200, "17%", "ratio-rounding"),  # 17,5: the other edge
        (3298, 20000, "17%", "ratio-mismatch"),  # 16,49: just outside
        (3299, 20000, "16,5%", None),  # 16,495 → 16,5
        (15172, 20000, "75,8%", "ratio-truncated"),  # 75,86 written 75,8
        (15172, 20000, "75,9%", None),
        (15172, 20000, "76%", None),
        (15172, 20000, "75%", "ratio-truncated"),
        (15172, 20000, "77%", "ratio-mismatch"),
    ],
)
def test_rounding_tolerance_is_half_a_unit_of_the_last_digit_written(tmp_path, done, planned, note, code):
    result = compute(tmp_path, _ratio_rows(done, planned, note))
    got = [(f.code, f.severity) for f in result.findings]
    severity = {"ratio-mismatch": "error", "ratio-truncated": "warning", "ratio-rounding": "info"}
    assert got == ([] if code is None else [(code, severity[code])])
    if code == "ratio-truncated":
        assert "làm tròn đúng là" in result.findings[0].message


def test_the_docs_show_each_construct():
    doc = (Path(__file__).resolve().parent.parent / "docs" / "spec-format.md").read_text(encoding="utf-8")
    for needle in ("count_answers: true", "choices: co_khong}", "note_figure: 2", "children_total_severity: warning",
                   "direct children", "half a unit of the last digit", "stt_repeats: true, name: Số hồ sơ"):
        assert needle in doc, needle
