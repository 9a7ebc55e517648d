"""cchc-docx through the real CLI, with cchc_engine.testing's sample spec and workbook.

Run after `pip install ./plugins/cchc-docx`: the writer must be found through the
`cchc` entry point, exactly as a user gets it.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from cchc_engine.testing import run_cli, run_compute, write_sample_submission

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "examples" / "lam-thao-2023-q3.xlsx"


def test_installed_plugin_is_listed():
    code, out, _err = run_cli("plugins")
    assert code == 0
    import cchc_docx

    assert cchc_docx.__version__ == "0.2.1"  # the same as pyproject.toml's, which `cchc plugins` shows
    assert any(line.split()[:3] == ["docx", "cchc-docx", cchc_docx.__version__] and "định dạng: docx" in line for line in out.splitlines())


def test_sample_appendix_as_a_word_table(tmp_path):
    code, data, err = run_compute(write_sample_submission(tmp_path), fmt="docx")
    assert code == 0, err
    doc = docx.Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    assert texts[:2] == ["UBND HUYỆN LÂM THAO", "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2023"]
    assert "Biểu mẫu 1: Công tác chỉ đạo điều hành CCHC" in texts
    [table] = doc.tables
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"]
    # the cell shows the number only, so the report reads back; italics mark it computed
    assert rows[2] == ["2", "Tỷ lệ hoàn thành Kế hoạch CCHC năm", "%", "75,86", "Báo cáo ghi: 75,8"]
    assert rows[5][3] == "1 (Có)"
    assert table.rows[2].cells[3].paragraphs[0].runs[0].italic  # computed values are marked
    # the finding (with its code) is in the findings section after the signed form, naming the row by STT
    heading = next(i for i, t in enumerate(texts) if t.strip() == "Kết quả kiểm tra")
    sign = texts.index("\tNgười lập biểu\tThủ trưởng đơn vị")
    assert sign < heading
    assert any("(STT 2;" in t and t.endswith("[ratio-truncated]") for t in texts[heading:])
    assert not any("ratio-truncated" in t or "ratio(" in t for t in texts[:heading])


def test_english_headers(tmp_path):
    code, data, _ = run_compute(write_sample_submission(tmp_path), fmt="docx", extra=["--lang", "en"])
    assert [c.text for c in docx.Document(io.BytesIO(data)).tables[0].rows[0].cells][:2] == ["STT", "Indicator"]


@pytest.mark.skipif(not EXAMPLE.exists(), reason="needs the cchc-engine repository's example")
def test_whole_2023_appendix(tmp_path):
    out = tmp_path / "phu-luc.docx"
    code, _out, err = run_cli("compute", "--spec", "2023", str(EXAMPLE), "-o", str(out))  # format from the suffix
    assert code == 1 and "Đã ghi" in err  # the example has one ratio-mismatch error
    doc = docx.Document(str(out))
    assert len(doc.tables) == 7 and sum(len(t.rows) - 1 for t in doc.tables) == 134
    values = {r.cells[0].text: r.cells[3].text for r in doc.tables[6].rows}
    assert values["6.7"] == "72,75"
    assert any("ratio-mismatch" in p.text and "76,74" in p.text for p in doc.paragraphs)
