"""`cchc compute` on real appendices: reading, mapping, normalising, computing, rules, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from cchc_engine.session import compute_file
from conftest import cli

MAPPING_CODES = {"unmapped-row", "duplicate-row"}


def _value_rows(path: Path) -> int:
    """Rows in the workbook that carry a value under a named indicator (not headers)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_col=1, max_col=4, values_only=True):
            if row[3] not in (None, "") and row[1] and str(row[3]).strip() not in ("Số liệu",):
                n += 1
    wb.close()
    return n


@pytest.mark.parametrize(
    "name, spec",
    [
        ("seed000_text.xlsx", "2021"),
        ("seed000_numbers.xlsx", "2021"),
        ("seed001_text_onesheet.xlsx", "2023"),
        ("seed001_numbers_sheets.xlsx", "2023"),
    ],
)
def test_fixture_workbooks_compute_with_every_value_row_mapped(fixtures, name, spec):
    from cchc_engine.spec.registry import resolve

    result = compute_file(resolve(spec), fixtures / name)
    assert not [f for f in result.findings if f.code in MAPPING_CODES]
    located = [i for i in result.indicators if i.location is not None and i.raw not in (None, "")]
    groups_with_value = [f for f in result.findings if f.code == "value-on-group"]
    assert len(located) + len(groups_with_value) == _value_rows(fixtures / name)


def test_metadata_comes_from_the_title(fixtures, spec2021, spec2023):
    r = compute_file(spec2021, fixtures / "seed000_text.xlsx")
    assert (r.unit, r.level, r.period) == ("xã Thượng Long", "xa", "2021-Q3")
    r = compute_file(spec2023, fixtures / "seed001_numbers_sheets.xlsx")
    assert (r.unit, r.level, r.period) == ("huyện Lâm Thao", "huyen", "2023-Q3")


@pytest.mark.parametrize("name", ["seed001_text_onesheet.xlsx", "seed001_numbers_sheets.xlsx"])
def test_2023_ratios_rounding_and_mismatch(fixtures, spec2023, name):
    r = compute_file(spec2023, fixtures / name)
    plan = r.get("ty_le_hoan_thanh_ke_hoach")
    assert (plan.value, plan.source, plan.reported) == (75.86, "computed", 75.8)
    online = r.get("ty_le_hs_truc_tuyen")
    assert (online.value, online.reported) == (72.75, 76.74)
    assert r.flatten(["indicator", "code"], severity="error") == [["ty_le_hs_truc_tuyen", "ratio-mismatch"]]
    mismatch = next(f for f in r.findings if f.code == "ratio-mismatch")
    assert "76,74" in mismatch.message and "72,75" in mismatch.message
    assert "ratio(hs_tiep_nhan_truc_tuyen, hs_tiep_nhan_tong)" in mismatch.message
    assert mismatch.location.cell and mismatch.location.sheet
    # 75,8 for 75,86 is cut, not rounded (75,9): said, not an error
    assert ["ty_le_hoan_thanh_ke_hoach", "ratio-truncated"] in r.flatten(["indicator", "code"])
    cut = next(f for f in r.findings if f.code == "ratio-truncated")
    assert cut.severity == "warning" and "75,9" in cut.message
    # disbursement (blank in the seed) is computed: 238.526 / 268.358
    assert r.value("ty_le_giai_ngan") == 88.88
    # 0/0 follows the spec's policy (blank = không phát sinh), the reported 100 % and 0 are noted
    for ind in ("ty_le_xu_ly_sau_kiem_tra", "ty_le_xu_ly_sau_ra_soat", "ty_le_giai_quyet_pakn"):
        row = r.get(ind)
        assert (row.value, row.zero_denominator) == (None, "blank")
        assert [ind, "zero-denominator"] in r.flatten(["indicator", "code"])


def test_consistent_report_has_no_errors(fixtures, spec2021, spec2023, tmp_path):
    # seed 000 is consistent as reported
    r = compute_file(spec2021, fixtures / "seed000_text.xlsx")
    assert r.valid and r.stats.errors == 0 and r.stats.warnings == 0
    # seed 001 with its one wrong ratio corrected is consistent too
    p = tmp_path / "fixed.xlsx"
    shutil.copy(fixtures / "seed001_text_onesheet.xlsx", p)
    wb = openpyxl.load_workbook(p)
    ws = wb["Phụ lục"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "76,74")
    ws.cell(cell.row, cell.column).value = "72,75"
    wb.save(p)
    r = compute_file(spec2023, p)
    assert r.valid, r.flatten(["indicator", "code", "message"], severity="error")


def _edit(fixtures: Path, tmp_path: Path, stt: str, value, name="seed000_text.xlsx") -> Path:
    """Copy a fixture and put ``value`` in the value cell of the row with ``stt``."""
    p = tmp_path / name
    shutil.copy(fixtures / name, p)
    wb = openpyxl.load_workbook(p)
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_col=1, max_col=4):
        if str(row[0].value or "").strip() == stt:
            row[3].value = value
            wb.save(p)
            return p
    raise AssertionError(f"no row {stt}")


@pytest.mark.parametrize(
    "stt, value, code, fragment",
    [
        ("1.1.1.", "101/119", "fraction-in-count", "'101/119' là một phân số"),
        ("1.1.1.", "sáu", "invalid-number", "'sáu' không phải là số hợp lệ"),
        ("4.2.1.", "-3", "negative-value", "'-3' âm"),
        ("4.2.1.", "75,8%", "percent-in-count", "là tỷ lệ phần trăm"),
        ("3.4.2.", "120", "percent-out-of-range", "'120' nằm ngoài khoảng 0–100%"),
        ("7.3.", "Xong rồi", "unknown-choice", "'Xong rồi' không thuộc bộ mã"),
        ("1.1.1.", "2,5", "not-integer", "'2,5' không phải số nguyên"),
    ],
)
def test_malformed_value_is_a_located_finding(fixtures, spec2021, tmp_path, stt, value, code, fragment):
    p = _edit(fixtures, tmp_path, stt, value)
    r = compute_file(spec2021, p)
    f = next(f for f in r.findings if f.code == code)
    assert f.severity == "error" and fragment in f.message
    assert f.location.sheet == "Phụ lục" and f.location.cell.startswith("D")
    assert r.get(f.indicator).value is None  # nothing guessed


def test_choice_by_label_any_case(fixtures, spec2021, tmp_path):
    p = _edit(fixtures, tmp_path, "7.3.", "ĐANG LÀM")
    r = compute_file(spec2021, p)
    row = next(i for i in r.indicators if i.stt == "7.3")
    assert (row.value, row.label) == (1, "Đang làm")


def test_english_decimal_in_percent_is_accepted_with_info(fixtures, spec2021, tmp_path):
    p = _edit(fixtures, tmp_path, "3.4.2.", "75.8")
    r = compute_file(spec2021, p)
    row = next(i for i in r.indicators if i.stt == "3.4.2")
    assert row.value == 75.8
    assert [row.id, "ambiguous-decimal"] in r.flatten(["indicator", "code"], severity="info")


def test_rule_failure_is_located_with_both_values(fixtures, spec2021, tmp_path):
    p = _edit(fixtures, tmp_path, "1.1.2.", "9")  # 9 done of 6 planned
    r = compute_file(spec2021, p)
    errors = [f for f in r.findings if f.code == "rule-failed" and f.severity == "error"]
    assert errors, r.flatten(["indicator", "code"])
    assert "9" in errors[0].message and "6" in errors[0].message
    assert errors[0].location.cell


def test_duplicate_row_never_overwrites(fixtures, spec2021, tmp_path):
    p = tmp_path / "dup.xlsx"
    shutil.copy(fixtures / "seed000_text.xlsx", p)
    wb = openpyxl.load_workbook(p)
    ws = wb.worksheets[0]
    ws.append(["1.1.1.", "Số nhiệm vụ đề ra trong kế hoạch", "Nhiệm vụ", "99", ""])
    wb.save(p)
    r = compute_file(spec2021, p)
    # a different second value reached no indicator: an error at its cell, counted as dropped
    assert any(f.code == "duplicate-row" and f.severity == "error" and "99" in f.message for f in r.findings)
    assert 6 in [i.value for i in r.indicators if i.stt == "1.1.1"]
    assert r.stats.dropped_by.get("duplicate-row") == 1 and not r.valid


def test_row_without_code_maps_by_name_and_wrong_code_is_noted(fixtures, spec2021, tmp_path):
    p = tmp_path / "codes.xlsx"
    shutil.copy(fixtures / "seed000_text.xlsx", p)
    wb = openpyxl.load_workbook(p)
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_col=1, max_col=2):
        if row[1].value == "Số nhiệm vụ đã hoàn thành":
            row[0].value = None
        if row[1].value == "Số văn bản chỉ đạo CCHC đã ban hành":
            row[0].value = "1.1.9."
    wb.save(p)
    r = compute_file(spec2021, p)
    assert not [f for f in r.findings if f.code in MAPPING_CODES]
    assert any(f.code == "stt-mismatch" for f in r.findings)
    assert 6 in [i.value for i in r.indicators if i.stt == "1.1.2"]


def test_unknown_row_with_a_value_is_an_error_with_its_cell(fixtures, spec2021, tmp_path):
    p = tmp_path / "extra.xlsx"
    shutil.copy(fixtures / "seed000_text.xlsx", p)
    before = compute_file(spec2021, fixtures / "seed000_text.xlsx").stats
    wb = openpyxl.load_workbook(p)
    wb.worksheets[0].append(["9.9.", "Số cây xanh đã trồng", "Cây", "12", ""])
    wb.save(p)
    r = compute_file(spec2021, p)
    f = next(f for f in r.findings if f.code == "unmapped-row")
    assert f.severity == "error" and "Số cây xanh đã trồng" in f.message and f.location.cell
    assert not r.valid
    s = r.stats
    assert s.rows_with_value == before.rows_with_value + 1
    assert s.rows_placed == before.rows_placed
    assert s.dropped_by.get("unmapped-row", 0) == before.dropped_by.get("unmapped-row", 0) + 1
    assert s.rows_with_value == s.rows_placed + s.rows_dropped


# --- the CLI ------------------------------------------------------------------------


def test_cli_compute_exit_codes(fixtures):
    code, out, err = cli("compute", "--spec", "2021", str(fixtures / "seed000_text.xlsx"), "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["valid"] is True and data["unit"] == "xã Thượng Long"
    code, out, err = cli("compute", "--spec", "2023", str(fixtures / "seed001_text_onesheet.xlsx"), "-f", "json")
    assert code == 1
    assert json.loads(out)["valid"] is False


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"", "không phải tệp Excel"),
        (b"just text, not a workbook", "không phải tệp Excel"),
        (b"PK\x03\x04broken zip", "bị hỏng"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "mật khẩu"),
    ],
)
def test_cli_unusable_file_exits_2_with_one_line(tmp_path, content, fragment):
    p = tmp_path / "bad.xlsx"
    p.write_bytes(content)
    code, out, err = cli("compute", "--spec", "2023", "--level", "huyen", "--period", "2023-Q3", str(p))
    assert code == 2
    assert fragment in err and "bad.xlsx" in err
    assert "Traceback" not in err
    assert p.read_bytes() == content  # the input is untouched


def test_cli_missing_file_and_metadata(tmp_path, fixtures):
    code, _, err = cli("compute", "--spec", "2023", str(tmp_path / "nope.xlsx"))
    assert code == 2 and "Không tìm thấy tệp" in err
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"])
    ws.append(["1.", "Số văn bản chỉ đạo CCHC đã ban hành", "Văn bản", 3, ""])
    p = tmp_path / "notitle.xlsx"
    wb.save(p)
    code, _, err = cli("compute", "--spec", "2023", str(p))
    assert code == 2 and "--level" in err
    code, _, err = cli("compute", "--spec", "2023", "--level", "huyen", str(p))
    assert code == 2 and "--period" in err
    code, out, err = cli("compute", "--spec", "2023", "--level", "huyện", "--period", "2023-q3", "--unit", "huyện X", str(p), "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["level"], data["period"], data["unit"]) == ("huyen", "2023-Q3", "huyện X")


def test_cli_output_is_atomic_and_never_the_input(fixtures, tmp_path):
    src = tmp_path / "in.xlsx"
    shutil.copy(fixtures / "seed000_text.xlsx", src)
    before = src.read_bytes()
    code, _, err = cli("compute", "--spec", "2021", str(src), "-o", str(src))
    assert code == 2 and "trùng với tệp đầu vào" in err
    assert src.read_bytes() == before
    out = tmp_path / "out.json"
    code, _, err = cli("compute", "--spec", "2021", str(src), "-o", str(out))
    assert code == 0, err
    assert json.loads(out.read_text(encoding="utf-8"))["spec"] == "2021"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_cli_validate_prints_findings_only(fixtures):
    code, out, _ = cli("validate", "--spec", "2023", str(fixtures / "seed001_numbers_sheets.xlsx"), "-f", "json")
    assert code == 1
    data = json.loads(out)
    assert data["indicators"] == [] and any(f["code"] == "ratio-mismatch" for f in data["findings"])


def test_cli_english_messages(fixtures):
    code, out, _ = cli("compute", "--spec", "2023", str(fixtures / "seed001_numbers_sheets.xlsx"), "-f", "json", "--lang", "en")
    data = json.loads(out)
    msg = next(f["message"] for f in data["findings"] if f["code"] == "ratio-mismatch")
    assert msg.startswith("Reported 76.74 does not match")
    from cchc_engine.text.messages import set_lang

    set_lang("vi")
