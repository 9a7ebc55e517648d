"""The per-worker memos of the per-file path that the speed targets need (cleaned texts, STT keys; the
engine's plan is the caller's: a Session keeps one per level): each is bounded, and none hands one template's (or one
indicator's) answer to another."""

from __future__ import annotations

from pathlib import Path

from cchc_engine.flow import engine, layout, values
from cchc_engine.flow.engine import run
from cchc_engine.flow.findings import Location
from cchc_engine.flow.mapping import Mapper, map_submission
from cchc_engine.spec.registry import compile_file
from cchc_engine.flow.submission import Cell, RawRow, RawSubmission, Submission
from cchc_engine.text.textnorm import _stt_key, stt_key

TEMPLATE = """\
id: {id}
year: 2026
title: Mẫu {id}
levels: [{{id: {level}, name: Cấp {level}}}]
forms:
  - id: f1
    title: Biểu 1
    indicators:
      - {{id: tong, stt: "{stt_tong}", name: {name_tong}, unit: Hồ sơ, type: count}}
      - {{id: xong, stt: "{stt_xong}", name: Số hồ sơ đã giải quyết, unit: Hồ sơ, type: count}}
      - {{id: ty_le, stt: "3", name: Tỷ lệ giải quyết, unit: "%", type: percent, formula: "ratio(xong, tong)"}}
"""


def compiled(tmp_path: Path, spec_id: str, level: str, stt_tong: str, stt_xong: str, name_tong: str):
    path = tmp_path / f"{spec_id}.yaml"
    path.write_text(
        TEMPLATE.format(id=spec_id, level=level, stt_tong=stt_tong, stt_xong=stt_xong, name_tong=name_tong), encoding="utf-8"
    )
    spec, problems = compile_file(path)
    assert problems == []
    return spec


def test_each_indicator_reads_a_typed_figure_its_own_way():
    from cchc_engine.spec.runtime import Indicator

    def ind(type_: str, unit: str) -> Indicator:
        return Indicator(id=f"x_{type_}", type=type_, unit=unit, meant_unit=None, min=None, max=None, choices=None)

    count, percent = ind("count", "Hồ sơ"), ind("percent", "%")
    # the same text is 1859 hồ sơ for a count and 1,859 % for a percent
    assert values.normalise("1.859", count).value == 1859
    got = values.normalise("1.859", percent)
    assert got.value == 1.859 and got.issue is not None and got.issue.code == "ambiguous-decimal"
    assert values.normalise("75,8%", count).issue.code == "percent-in-count"
    assert values.normalise("75,8%", percent).value == 75.8
    got = values.normalise("7,5", count)  # a half is no count
    assert got.value is None and got.issue.code == "not-integer"


def test_stt_key_memo_is_bounded():
    info = _stt_key.cache_info()
    assert info.maxsize == 2048
    for i in range(5000):
        assert stt_key(f" {i}.{i}. ") == f"{i}.{i}"
    assert _stt_key.cache_info().currsize <= 2048


def sub_of(spec, level: str, cells: dict) -> Submission:
    return Submission(
        file="x.xlsx", unit="xã A", level=level, period="2026",
        cells={k: Cell(k, v, str(v), Location(file="x.xlsx", sheet="S", cell=f"D{i + 5}")) for i, (k, v) in enumerate(cells.items())},
    )


def test_two_templates_in_one_process_each_get_their_own_plan_and_mapping(tmp_path):
    # same indicator ids, different levels, STTs and names: a plan or a lookup shared by mistake shows
    a = compiled(tmp_path, "mau-a", "xa", "1", "2", "Tổng số hồ sơ tiếp nhận")
    b = compiled(tmp_path, "mau-b", "tinh", "2", "1", "Tổng số hồ sơ đã nhận")
    cells = {"tong": 8, "xong": 2}
    for _ in range(2):  # twice each, interleaved: the second runs come from the memo
        ra, rb = run(a, sub_of(a, "xa", cells)), run(b, sub_of(b, "tinh", cells))
        assert (ra.level, ra.get("tong").stt, ra.get("tong").name) == ("xa", "1", "Tổng số hồ sơ tiếp nhận")
        assert (rb.level, rb.get("tong").stt, rb.get("tong").name) == ("tinh", "2", "Tổng số hồ sơ đã nhận")
        assert ra.value("ty_le") == rb.value("ty_le") == 25

    # the same rows mapped by each template's Mapper: STT "1" is `tong` in A and `xong` in B
    def raw() -> RawSubmission:
        rows = [RawRow("1", "Số hồ sơ", "Hồ sơ", 8, location=Location(file="x", sheet="S", cell="D5")),
                RawRow("2", "Số hồ sơ", "Hồ sơ", 2, location=Location(file="x", sheet="S", cell="D6"))]
        return RawSubmission(file="x", rows=rows)

    ma, mb = Mapper(a, "xa"), Mapper(b, "tinh")
    for _ in range(2):
        sa, sb = map_submission(raw(), a, "xa", ma), map_submission(raw(), b, "tinh", mb)
        assert (sa.cells["tong"].value, sa.cells["xong"].value) == (8, 2)
        assert (sb.cells["tong"].value, sb.cells["xong"].value) == (2, 8)


def test_the_engine_keeps_nothing_and_never_runs_one_spec_with_anothers_plan(tmp_path):
    a = compiled(tmp_path, "mau-a1", "xa", "1", "2", "Tổng số hồ sơ loại A")
    b = compiled(tmp_path, "mau-b1", "xa", "1", "2", "Tổng số hồ sơ loại B")
    assert not [k for k, v in vars(engine).items() if isinstance(v, dict) and not k.startswith("__")]
    plan_a = engine.LevelPlan(a, "xa")
    assert run(a, sub_of(a, "xa", {"tong": 4, "xong": 1}), plan=plan_a).get("tong").name == "Tổng số hồ sơ loại A"
    # a plan made for another spec (or level) is not used: the run plans afresh
    assert run(b, sub_of(b, "xa", {"tong": 4, "xong": 1}), plan=plan_a).get("tong").name == "Tổng số hồ sơ loại B"


def test_clean_cell_text_memo_is_bounded_and_gives_what_it_computed():
    import unicodedata

    from cchc_engine.text import textnorm
    textnorm._CLEAN_MEMO.clear()
    nfd = unicodedata.normalize("NFD", "Huyện Cẩm Xuyên")
    for _ in range(2):  # computed, then remembered: the same answers
        assert textnorm.clean_cell_text(nfd) == "Huyện Cẩm Xuyên"
        assert textnorm.clean_cell_text("Số\u200e 06\r\nhồ sơ\x07") == "Số 06\nhồ sơ"
        assert textnorm.clean_cell_text("Tỷ lệ \ud800") == "Tỷ lệ \ufffd"
        kept = "".join(["Số hồ sơ ", "đã giải quyết"])  # a fresh object each time round
        assert textnorm.clean_cell_text(kept) is kept  # nothing to change: ``s`` itself, as documented
    for i in range(textnorm._CLEAN_MEMO_MAX + 300):
        text = f"Chỉ tiêu {i}\x0b"
        assert textnorm.clean_cell_text(text) == f"Chỉ tiêu {i}"
        assert len(textnorm._CLEAN_MEMO) <= textnorm._CLEAN_MEMO_MAX


def test_clean_cell_text_changes_no_printable_character_but_by_nfc():
    # the memo's fast path takes a printable text to need NFC at most: every character the
    # cleaning removes or replaces must be non-printable
    from cchc_engine.text import textnorm
    every = "".join(map(chr, range(0x110000)))
    removed = set(textnorm._CONTROLS.findall(every)) | set(textnorm._SURROGATE.findall(every)) | {"\r"}
    assert removed and not any(ch.isprintable() for ch in removed)
