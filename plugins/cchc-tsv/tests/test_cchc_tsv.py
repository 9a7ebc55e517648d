"""cchc-tsv through the real CLI. Run after `pip install ./plugins/cchc-tsv`.

The text is built the way a report pasted from Word looks (title lines, "Biểu
mẫu N" lines, a two-row header repeated at a page break, <b>/<i>/<sup> tags),
from the cchc-engine repository's fixture rows of the 2023 Lâm Thao report, or
from a small excerpt written here by hand.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cchc_engine.testing import run_cli, run_compute

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures"
HEADER = "STT\tChỉ tiêu thống kê <i>(Sử dụng trong kỳ báo cáo hàng quý, 6 tháng, năm)</i>\tKết quả thống kê\t\tGhi chú\n\t\tĐơn vị tính\tSố liệu\t\n"

EXCERPT = (
    "Lâm Thao, ngày 28 tháng 9 năm 2023\n\n"
    "Báo cáo gồm phần đánh giá; bảng số liệu ở cuối.\n\n"
    "## THÔNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2023\n\n"
    "(Kèm theo Báo cáo số \\_\\_\\_ /BC-UBND của UBND huyện)\n\n"
    "**Biểu mẫu 7**  \n**Xây dựng và phát triển Chính quyền điện tử, Chính quyền số**\n\n"
    + HEADER
    + "6.\t<b>Cung cấp dịch vụ công trực tuyến</b>\t\t\t\n"
    + "6.7.\tTỷ lệ hồ sơ TTHC được tiếp nhận trực tuyến mức độ 3 và 4 (Chỉ thống kê đối với các TTHC mức độ 3 và 4 có phát sinh hồ sơ)\t%\t76,74\t\n"
    + "\n" + HEADER
    + "6.7.1.\t<i>Tổng số hồ sơ TTHC đã tiếp nhận (cả trực tiếp và trực tuyến)</i>\t<i>Hồ sơ</i>\t7.725\t\n"
    + "6.7.2.\t<i>Số hồ sơ TTHC được tiếp nhận trực tuyến mức độ 3 và 4</i>\tHồ sơ\t5.620\t\n"
)


def findings(out: str) -> list[tuple[str, str]]:
    return [(f["code"], f["indicator"]) for f in json.loads(out)["findings"]]


def test_installed_plugin_is_listed():
    code, out, _ = run_cli("plugins", "--json")
    [tsv] = [p for p in json.loads(out) if p["name"] == "tsv"]
    assert tsv["version"] == "0.3.1" and tsv["registered"]["readers"] == ["tsv"]


def test_excerpt_pasted_from_word(tmp_path):
    path = tmp_path / "bao-cao.txt"
    path.write_text(EXCERPT, encoding="utf-8")
    code, out, err = run_compute(path, spec="2023", fmt="json", level="huyen")
    assert code == 1, err
    report = json.loads(out)
    assert report["period"] == "2023-Q3"  # from the title line
    assert ("ratio-mismatch", "ty_le_hs_truc_tuyen") in findings(out)
    assert not [f for f in report["findings"] if f["code"] == "unmapped-row"]
    mismatch = next(f for f in report["findings"] if f["code"] == "ratio-mismatch")
    assert mismatch["location"]["row"] == 15 and mismatch["values"]["computed"] == 72.75  # line of "6.7."


def test_sniffed_by_content_under_another_suffix(tmp_path):
    path = tmp_path / "email-body.eml.dat"
    path.write_text(EXCERPT, encoding="utf-8")
    code, out, err = run_compute(path, spec="2023", fmt="json", level="huyen")
    assert code == 1, err
    assert ("ratio-mismatch", "ty_le_hs_truc_tuyen") in findings(out)


def seed001_text() -> str:
    """The whole 2023 appendix of the Lâm Thao report, as pasted text."""
    meta = json.loads((FIXTURES / "seed001_meta.json").read_text(encoding="utf-8"))
    with open(FIXTURES / "seed001_rows.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    out = ["Số: /BC-UBND", "", "Lâm Thao, ngày tháng 9 năm 2023", "", "Phần báo cáo.", ""]
    out += [f"## {meta['title_lines'][0]}", "", meta["title_lines"][1], ""]
    form = None
    for i, row in enumerate(rows):
        if row["form"] != form:
            form = row["form"]
            out += ["", f"**Biểu mẫu {form}**  ", f"**{meta['forms'][form]}**", "", HEADER.rstrip("\n")]
        elif i in meta["page_breaks"]:
            out += ["", HEADER.rstrip("\n")]
        name = f"<b>{row['name']}</b>" if row["stt"].count(".") == 1 and not row["value"] else row["name"]
        out.append("\t".join([row["stt"], name, row["unit"], row["value"], row["note"]]))
    return "\n".join(out) + "\n"


@pytest.mark.skipif(not (FIXTURES / "seed001_rows.tsv").exists(), reason="needs the cchc-engine repository's fixtures")
def test_whole_2023_appendix(tmp_path):
    path = tmp_path / "sample.txt"
    path.write_text(seed001_text(), encoding="utf-8")
    code, out, err = run_compute(path, spec="2023", fmt="json", level="huyen", period="2023-Q3")
    assert code == 1, err
    report = json.loads(out)
    assert report["stats"]["indicators"] == 134 and report["stats"]["missing"] == 0
    assert [f for f in findings(out) if f[0] in ("ratio-mismatch", "unmapped-row")] == [("ratio-mismatch", "ty_le_hs_truc_tuyen")]
    mismatch = next(f for f in report["findings"] if f["code"] == "ratio-mismatch")
    assert mismatch["values"]["computed"] == 72.75 and mismatch["location"]["file"] == str(path)


def test_no_table_is_one_clear_error(tmp_path):
    path = tmp_path / "thu.txt"
    path.write_text("Kính gửi Sở Nội vụ,\nxin gửi báo cáo.\n", encoding="utf-8")
    code, _out, err = run_compute(path, spec="2023", level="huyen", period="2023-Q3")
    assert code == 2 and "không tìm thấy bảng phụ lục" in err and err.count("\n") == 1


def test_header_words_of_the_xlsx_path(tmp_path):
    """'THỨ TỰ … Số lượng/ tỷ lệ' and 'Nội dung' are a header here as in a workbook (one layout stage)."""
    text = EXCERPT.replace(HEADER, "THỨ TỰ\tNội dung chỉ tiêu\tĐơn vị tính\tSố lượng/ tỷ lệ\tGhi chú\n")
    path = tmp_path / "thu-tu.txt"
    path.write_text(text, encoding="utf-8")
    code, out, err = run_compute(path, spec="2023", fmt="json", level="huyen")
    assert code == 1, err
    assert ("ratio-mismatch", "ty_le_hs_truc_tuyen") in findings(out)
    value = {i["id"]: i["value"] for i in json.loads(out)["indicators"]}
    assert (value["hs_tiep_nhan_tong"], value["hs_tiep_nhan_truc_tuyen"]) == (7725, 5620)


def test_too_many_cells_is_refused(tmp_path):
    path = tmp_path / "tabs.txt"
    path.write_text("STT\tChỉ tiêu thống kê\tĐơn vị tính\tSố liệu\n" + ("1\tx\tCái\t1\n" * 30_000), encoding="utf-8")
    code, _out, err = run_compute(path, spec="2023", level="huyen", period="2023-Q3")
    assert code == 2 and "hơn 100.000 ô" in err and "tabs.txt" in err and err.count("\n") == 1
