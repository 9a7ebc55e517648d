"""The Word report is the form of its level, as an officer signs it: only its rows, a value
that could not be read shown as typed in a shaded cell, no file path, the signature block,
and the findings (with their codes) in their own section after it, which --no-findings
leaves out."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from cchc_engine import api
from cchc_engine.testing import run_cli, write_submission

FOLDER_WORD = "thu-muc-rieng"


def resolve(spec: str):
    """The compiled bundled spec (through the api, as a plugin's tests may)."""
    return api.Session.open(spec, entry_points=False).spec


def _submission(tmp_path: Path, spec: str, level: str, bad: dict | None = None) -> Path:
    compiled = resolve(spec)
    values = {
        ind.id: (1 if ind.type != "text" else "Có")
        for ind in compiled.spec.index().values()
        if ind.applies_to(level) and ind.printed and ind.type != "group" and not ind.formula
    }
    values.update(bad or {})
    folder = tmp_path / FOLDER_WORD
    folder.mkdir(exist_ok=True)
    return write_submission(compiled, level, values, "json", directory=folder)


def _docx(tmp_path: Path, src: Path, spec: str, *extra: str):
    out = tmp_path / "bao-cao.docx"
    code, _out, err = run_cli("compute", "--spec", spec, str(src), "-o", str(out), *extra)
    assert code in (0, 1), err
    return docx.Document(str(out))


@pytest.mark.parametrize("level", ["tinh", "xa"])
def test_only_the_levels_rows_each_stt_once(tmp_path, level):
    doc = _docx(tmp_path, _submission(tmp_path, "2021", level), "2021")
    stts = Counter(r.cells[0].text for t in doc.tables for r in t.rows[1:] if r.cells[0].text[:1].isdigit())
    assert [s for s, n in stts.items() if n > 1] == []
    names = {r.cells[1].text for t in doc.tables for r in t.rows}
    for ind in resolve("2021").spec.index().values():
        if ind.printed:
            assert (ind.name_for(level) in names) == ind.applies_to(level), (ind.id, level)


@pytest.mark.parametrize(("lang", "shown"), [("vi", "Báo cáo ghi: 101/119"), ("en", "Reported: 101/119")])
def test_an_unread_value_is_shown_as_typed_in_a_shaded_cell(tmp_path, lang, shown):
    doc = _docx(tmp_path, _submission(tmp_path, "2023", "huyen", {"kt_phong_ban": "101/119"}), "2023", "--lang", lang)
    [cell] = [r.cells[3] for t in doc.tables for r in t.rows if r.cells[1].text == "Số Phòng, Ban đã kiểm tra"]
    assert cell.text == shown
    shd = cell._tc.tcPr.find(qn("w:shd"))
    assert shd is not None and shd.get(qn("w:fill")) == "FFC7CE"


def test_signature_block_then_the_findings_section_and_no_findings_leaves_it_out(tmp_path):
    src = _submission(tmp_path, "2023", "huyen", {"kt_phong_ban": "101/119"})
    doc = _docx(tmp_path, src, "2023")
    texts = [p.text for p in doc.paragraphs]
    assert not any(FOLDER_WORD in t for t in texts)
    sign = texts.index("\tNgười lập biểu\tThủ trưởng đơn vị")
    assert texts[sign - 1] == "\t\t……, ngày …… tháng …… năm ……"
    assert texts[sign + 1] == "\t(Ký, ghi rõ họ tên)\t(Ký tên, đóng dấu)"
    heading = next(i for i, t in enumerate(texts) if t.strip() == "Kết quả kiểm tra")
    assert heading > sign
    assert doc.paragraphs[heading]._p.xml.count('w:type="page"') == 1  # a page of its own
    assert any("fraction-in-count" in t and "STT 3.1" in t for t in texts[heading:])
    assert not any("fraction-in-count" in t or "ratio(" in t for t in texts[:heading])
    assert not any("ratio(" in c.text for t in doc.tables for r in t.rows for c in r.cells)

    doc = _docx(tmp_path, src, "2023", "--no-findings")
    texts = [p.text for p in doc.paragraphs]
    assert "\tNgười lập biểu\tThủ trưởng đơn vị" in texts
    assert not any("Kết quả kiểm tra" in t or "fraction-in-count" in t for t in texts)
