"""The output writers: what people and machines read after a run.

Results are built directly here (no reader, no engine) so each test pins what a
writer does with one known report; one test at the end round-trips a real
fixture through engine → xlsx writer → xlsx reader.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from budget import examples  # noqa: E402

from cchc_engine.flow.findings import Finding, Location
from cchc_engine.plugins import PluginHost

writers = PluginHost.builtins_only().writers  # the built-in writers
from cchc_engine.flow.result import IndicatorResult, Result
from cchc_engine.spec.compiler import CompiledSpec
from cchc_engine.spec.model import Form, Indicator, Level, Spec
from cchc_engine.writers.common import safe_text
from cchc_engine.writers.sheetprint import printable_units

ROOT = Path(__file__).resolve().parent.parent
FILE = "bao-cao-lam-thao.xlsx"
LONG_NAME = (
    "Tỷ lệ hoàn thành Kế hoạch CCHC năm (Lũy kế đến thời điểm báo cáo), gồm các nhiệm vụ "
    "do UBND tỉnh giao và nhiệm vụ huyện tự đề ra trong kế hoạch cải cách hành chính năm 2023"
)
NOTE_FORMULA = '=HYPERLINK("http://x")'


def loc(sheet: str, cell: str) -> Location:
    return Location(file=FILE, sheet=sheet, cell=cell)


def make_result() -> Result:
    bm1, bm2 = "Biểu mẫu 1", "Biểu mẫu 2"
    indicators = [
        IndicatorResult(
            id="van_ban_chi_dao", stt="1", form="bm1", name="Số văn bản chỉ đạo CCHC đã ban hành",
            unit="Văn bản", type="count", value=1859, source="reported", raw="1.859", location=loc(bm1, "D9"),
        ),
        IndicatorResult(
            id="ty_le_hoan_thanh", stt="2", form="bm1", name=LONG_NAME, unit="%", type="percent",
            value=75.86, source="computed", raw="75,8", reported=75.8, location=loc(bm1, "D10"),
            formula="ratio(nv_hoan_thanh, nv_de_ra)",
        ),
        IndicatorResult(id="kiem_tra", stt="3", form="bm1", name="Kiểm tra CCHC", unit="", type="group", source="missing"),
        IndicatorResult(
            id="kt_xa", stt="3.1", form="bm1", name="Số UBND cấp xã đã kiểm tra", unit="Cơ quan, đơn vị",
            type="count", depth=1, source="missing",
        ),
        IndicatorResult(
            id="hinh_thuc_khao_sat", stt="1", form="bm2", name="Hình thức khảo sát",
            unit="Trực tuyến = 0; Phát phiếu = 1; Kết hợp = 2", type="choice", value=2, label="Kết hợp",
            source="reported", raw="kết hợp", location=loc(bm2, "D9"),
        ),
        IndicatorResult(
            id="ket_qua_noi_bat", stt="2", form="bm2", name="Kết quả nổi bật | sáng kiến", unit="", type="text",
            value="-abc", source="reported", raw="-abc", note=NOTE_FORMULA, location=loc(bm2, "D10"),
        ),
        IndicatorResult(
            id="chenh_lech_du_toan", stt="3", form="bm2", name="Chênh lệch so với dự toán", unit="Triệu đồng",
            type="number", value=-12.5, source="reported", raw="-12,5", location=loc(bm2, "D11"),
        ),
    ]
    findings = [
        Finding.make("ratio-rounding", "info", indicator="ty_le_hoan_thanh", location=loc(bm1, "D10"),
                     reported=75.8, computed=75.86, formula="ratio(nv_hoan_thanh, nv_de_ra)"),
        Finding.make("ratio-mismatch", "error", indicator="van_ban_chi_dao", location=loc(bm1, "D9"),
                     reported=1859, computed=1858, formula="sum(vb_1, vb_2)"),
        Finding.make("rule-missing-operand", "warning", indicator="kt_xa", rule="kiem_tra_xa", missing="kt_xa"),
        Finding.make("unmapped-row", "warning", location=loc(bm2, "D30"), stt="9", name="Dòng lạ", raw="5"),
        Finding.make("value-on-group", "info", indicator="kiem_tra", location=loc(bm1, "D11"), name="Kiểm tra CCHC", raw="0"),
    ]
    return Result(
        spec="2023", spec_title="Thống kê số liệu báo cáo cải cách hành chính", level="huyen", level_name="Cấp huyện",
        period="2023-Q3", unit="huyện Lâm Thao", file=FILE, indicators=indicators, findings=findings,
    ).finish()


def make_spec() -> CompiledSpec:
    def form(fid: str, n: int, title: str) -> Form:
        return Form(id=fid, label=f"Biểu mẫu {n}", title=title, indicators=[Indicator(id=f"{fid}_x", name="x", type="count")])

    spec = Spec(
        id="2023", year=2023, title="Thống kê số liệu báo cáo cải cách hành chính",
        levels=[Level(id="huyen", name="Cấp huyện")],
        forms=[form("bm1", 1, "Công tác chỉ đạo điều hành CCHC"), form("bm2", 2, "Cải cách thể chế")],
    )
    return CompiledSpec(spec=spec)


def write_text(name: str, result: Result, **options) -> str:
    writer = writers.get(name).item
    assert writer.binary is False
    stream = io.StringIO()
    writer.write(result, stream, options)
    return stream.getvalue()


def write_xlsx(result: Result, **options) -> openpyxl.Workbook:
    writer = writers.get("xlsx").item
    assert writer.binary is True
    stream = io.BytesIO()
    writer.write(result, stream, options)
    return openpyxl.load_workbook(io.BytesIO(stream.getvalue()))


# -- registry -----------------------------------------------------------------------------


def test_builtin_writers_are_registered_through_the_plugin_hook():
    names = {w.name for w in writers.all()}
    assert {"table", "json", "csv", "md", "xlsx"} <= names
    for name in ("table", "json", "csv", "md", "xlsx"):
        reg = writers.get(name)
        assert reg.plugin == f"cchc_engine.writers.{name}"
        w = reg.item
        assert w.suffix.startswith(".") and w.description and isinstance(w.binary, bool)


# -- table --------------------------------------------------------------------------------


def test_table_shows_the_appendix_with_computed_mark_and_findings():
    out = write_text("table", make_result(), spec=make_spec())
    assert out.startswith("Thống kê số liệu báo cáo cải cách hành chính\n")
    assert "Đơn vị: huyện Lâm Thao" in out and "Quý III năm 2023" in out and FILE in out
    assert "Biểu mẫu 1: Công tác chỉ đạo điều hành CCHC" in out and "Biểu mẫu 2: Cải cách thể chế" in out
    for head in ("STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú", "Mức", "Mã", "Vị trí", "Nội dung"):
        assert head in out
    assert LONG_NAME in out  # never truncated
    assert "75,86 *" in out and "Báo cáo ghi: 75,8" in out
    assert "* giá trị tính theo công thức" in out
    assert "1.859" in out and "2 (Kết hợp)" in out and "-12,5" in out
    assert "  Số UBND cấp xã đã kiểm tra" in out  # indented by depth
    assert "(thiếu)" in out
    group_line = next(line for line in out.splitlines() if "Kiểm tra CCHC" in line and "value-on-group" not in line)
    assert group_line.split("Kiểm tra CCHC")[1].strip() == ""  # a group row has no value
    assert "Số chỉ tiêu: 7 · báo cáo: 4 · tính toán: 1 · thiếu: 1 · lỗi: 1 · cảnh báo: 2 · thông tin: 2 — CÓ LỖI" in out
    assert "Biểu mẫu 1!D9" in out and "ratio-mismatch" in out and "van_ban_chi_dao" in out
    assert "Giá trị báo cáo 1.859 không khớp giá trị tính theo công thức sum(vb_1, vb_2) = 1.858." in out


def test_table_without_spec_uses_form_ids():
    out = write_text("table", make_result())
    assert "\nbm1\n" in out and "\nbm2\n" in out


def test_table_findings_only_is_summary_and_findings():
    out = write_text("table", make_result(), findings_only=True)
    assert out.startswith("Số chỉ tiêu: 7")
    assert "ratio-mismatch" in out and "unmapped-row" in out
    assert LONG_NAME not in out and "Chỉ tiêu thống kê" not in out


def test_table_in_english():
    out = write_text("table", make_result(), lang="en")
    for head in ("Indicator", "Unit", "Value", "Note", "Severity", "Code", "Where", "Message"):
        assert head in out
    assert "Chỉ tiêu thống kê" not in out
    assert "75.86 *" in out and "1,859" in out and "HAS ERRORS" in out and "(missing)" in out


def test_valid_report_says_so():
    result = Result(spec="2023", level="xa").finish()
    assert "HỢP LỆ" in write_text("table", result)
    assert "Không có phát hiện nào." in write_text("table", result, findings_only=True)


# -- json ---------------------------------------------------------------------------------


def test_json_round_trips_and_keeps_vietnamese():
    result = make_result()
    out = write_text("json", result)
    assert Result.from_dict(json.loads(out)) == result
    assert "Thống kê số liệu báo cáo cải cách hành chính" in out and "Trực tuyến = 0" in out
    assert "\\u" not in out
    data = json.loads(out)
    assert data["indicators"][1]["value"] == 75.86 and data["indicators"][1]["source"] == "computed"


def test_json_findings_only_keeps_the_keys():
    result = make_result()
    full = json.loads(write_text("json", result))
    short = json.loads(write_text("json", result, findings_only=True))
    assert short.keys() == full.keys()
    assert short["indicators"] == [] and short["findings"] == full["findings"] and short["stats"] == full["stats"]


# -- csv ----------------------------------------------------------------------------------


def read_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_rows_are_machine_values_with_bom():
    out = write_text("csv", make_result())
    rows = {r["id"]: r for r in read_csv(out)}
    assert list(next(iter(rows.values())).keys()) == [
        "form", "stt", "id", "name", "unit", "value", "source", "raw", "cell", "note", "findings"
    ]
    ty_le = rows["ty_le_hoan_thanh"]
    assert ty_le["value"] == "75.86" and ty_le["source"] == "computed" and ty_le["name"] == LONG_NAME
    assert ty_le["cell"] == "Biểu mẫu 1!D10" and ty_le["findings"] == "ratio-rounding"
    assert rows["van_ban_chi_dao"]["value"] == "1859" and rows["van_ban_chi_dao"]["findings"] == "ratio-mismatch"
    assert rows["hinh_thuc_khao_sat"]["value"] == "2"
    assert rows["kt_xa"]["value"] == "" and rows["kt_xa"]["source"] == "missing" and rows["kt_xa"]["cell"] == ""
    assert rows["kt_xa"]["findings"] == "rule-missing-operand"


def test_csv_text_cannot_run_as_a_formula_but_numbers_stay_numbers():
    out = write_text("csv", make_result())
    rows = {r["id"]: r for r in read_csv(out)}
    text = rows["ket_qua_noi_bat"]
    assert text["note"] == "'" + NOTE_FORMULA
    assert text["value"] == "'-abc" and text["raw"] == "'-abc"
    negative = rows["chenh_lech_du_toan"]
    assert negative["value"] == "-12.5" and negative["raw"] == "'-12,5"
    line = next(line for line in out.splitlines() if line.startswith("bm2,3,"))
    assert ",-12.5," in line and ',"-12.5"' not in line


def test_csv_into_a_utf8_sig_stream_has_one_bom():
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    writers.get("csv").item.write(make_result(), stream, {})
    stream.flush()
    data = raw.getvalue()
    assert data.startswith(b"\xef\xbb\xbfform,") and not data.startswith(b"\xef\xbb\xbf\xef\xbb\xbf")


def test_csv_findings_only_lists_findings():
    rows = read_csv(write_text("csv", make_result(), findings_only=True))
    assert [r["code"] for r in rows][:1] == ["ratio-mismatch"]
    assert {"severity", "code", "indicator", "sheet", "cell", "message"} <= rows[0].keys()
    assert len(rows) == 5


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+2", "'=1+2"), ("+1", "'+1"), ("-abc", "'-abc"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"), ("\rx", "'\rx"), ("Bình thường", "Bình thường"), ("", ""),
        (-5, -5), (75.86, 75.86), (None, None),
    ],
)
def test_safe_text(value, expected):
    assert safe_text(value) == expected


# -- markdown -----------------------------------------------------------------------------


def test_markdown_has_pipe_tables():
    out = write_text("md", make_result(), spec=make_spec())
    assert out.startswith("# Thống kê số liệu báo cáo cải cách hành chính\n")
    assert "## Biểu mẫu 1: Công tác chỉ đạo điều hành CCHC" in out
    assert "| STT | Chỉ tiêu thống kê | Đơn vị tính | Số liệu | Ghi chú |" in out
    assert f"| 2 | {LONG_NAME} | % | 75,86 * | Báo cáo ghi: 75,8 |" in out
    assert "| 1 | Số văn bản chỉ đạo CCHC đã ban hành | Văn bản | 1.859 |  |" in out
    assert "| 3 | **Kiểm tra CCHC** |  |  |  |" in out
    assert "Kết quả nổi bật \\| sáng kiến" in out  # a | in a name does not split the cell
    assert "| lỗi | `ratio-mismatch` | `van_ban_chi_dao` | Biểu mẫu 1!D9 |" in out
    assert "* giá trị tính theo công thức" in out
    for line in out.splitlines():
        if line.startswith("| "):
            assert line.endswith(" |")


def test_markdown_in_english_findings_only():
    out = write_text("md", make_result(), lang="en", findings_only=True)
    assert "| Severity | Code | Indicator | Where | Message |" in out
    assert LONG_NAME not in out


# -- xlsx ---------------------------------------------------------------------------------


def find_row(ws, indicator_name: str) -> int:
    for row in ws.iter_rows(min_col=2, max_col=2):
        if row[0].value == indicator_name:
            return row[0].row
    raise AssertionError(f"{indicator_name!r} not on sheet {ws.title}")


def assert_no_formulas(wb: openpyxl.Workbook) -> None:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"


def test_xlsx_official_layout_with_findings_marked():
    wb = write_xlsx(make_result(), spec=make_spec())
    assert wb.sheetnames == ["Phụ lục", "Kết quả kiểm tra"]
    ws = wb["Phụ lục"]
    assert ws["A1"].value == "UBND HUYỆN LÂM THAO"
    assert ws["A2"].value == "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2023"
    col_a = [c.value for c in ws["A"]]
    assert "Biểu mẫu 1: Công tác chỉ đạo điều hành CCHC" in col_a and "Biểu mẫu 2: Cải cách thể chế" in col_a
    header = col_a.index("Biểu mẫu 1: Công tác chỉ đạo điều hành CCHC") + 2
    assert [c.value for c in ws[header]] == ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"]

    r = find_row(ws, LONG_NAME)
    value = ws.cell(row=r, column=4)
    assert value.value == 75.86 and value.data_type == "n" and value.number_format == "0.00"
    assert value.font.i
    assert "Giá trị tính theo công thức: ratio(nv_hoan_thanh, nv_de_ra)" in value.comment.text
    assert value.fill.fgColor.rgb.endswith("DDEBF7")  # info
    assert ws.cell(row=r, column=5).value == "Báo cáo ghi: 75,8"

    r = find_row(ws, "Số văn bản chỉ đạo CCHC đã ban hành")
    value = ws.cell(row=r, column=4)
    assert value.value == 1859 and value.fill.fgColor.rgb.endswith("FFC7CE")  # error
    assert "không khớp" in value.comment.text and not value.font.i

    r = find_row(ws, "Số UBND cấp xã đã kiểm tra")
    assert ws.cell(row=r, column=4).value is None
    assert ws.cell(row=r, column=4).fill.fgColor.rgb.endswith("FFEB9C")  # warning
    assert ws.cell(row=r, column=2).alignment.indent == 1

    r = find_row(ws, "Hình thức khảo sát")
    assert ws.cell(row=r, column=4).value == 2 and "Kết hợp" in ws.cell(row=r, column=4).number_format

    r = find_row(ws, "Kết quả nổi bật | sáng kiến")
    assert ws.cell(row=r, column=4).value == "'-abc"
    assert ws.cell(row=r, column=5).value == "'" + NOTE_FORMULA and ws.cell(row=r, column=5).data_type == "s"
    r = find_row(ws, "Chênh lệch so với dự toán")
    assert ws.cell(row=r, column=4).value == -12.5 and ws.cell(row=r, column=4).data_type == "n"

    widths = {k: ws.column_dimensions[k].width for k in "ABCDE"}
    assert sum(widths.values()) <= printable_units(5) and max(widths, key=widths.get) == "B"
    assert ws.cell(row=find_row(ws, LONG_NAME), column=2).alignment.wrap_text
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "portrait"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage

    fs = wb["Kết quả kiểm tra"]
    rows = [[c.value for c in row] for row in fs.iter_rows(min_row=4) if row[0].value]
    assert rows[0][:4] == ["lỗi", "ratio-mismatch", "van_ban_chi_dao", "Biểu mẫu 1!D9"]
    assert [r[1] for r in rows] == ["ratio-mismatch", "rule-missing-operand", "unmapped-row", "ratio-rounding", "value-on-group"]
    assert "CÓ LỖI" in fs["A1"].value
    assert_no_formulas(wb)


def test_xlsx_sheet_per_form_and_english():
    wb = write_xlsx(make_result(), spec=make_spec(), sheet_per_form=True, lang="en")
    # form titles are data; the findings sheet is named in the output language
    assert wb.sheetnames == ["Biểu mẫu 1", "Biểu mẫu 2", "Findings"]
    assert "Chênh lệch so với dự toán" in [c.value for c in wb["Biểu mẫu 2"]["B"]]
    assert [c.value for c in wb["Findings"][3]] == ["Severity", "Code", "Indicator", "Where", "Message"]
    assert "Value" in [c.value for row in wb["Biểu mẫu 1"].iter_rows() for c in row]
    assert_no_formulas(wb)


def test_xlsx_findings_only():
    wb = write_xlsx(make_result(), findings_only=True)
    assert wb.sheetnames == ["Kết quả kiểm tra"]
    assert wb["Kết quả kiểm tra"]["B4"].value == "ratio-mismatch"


def test_xlsx_written_report_reads_back_with_the_same_values(tmp_path, spec2023, fixtures):
    """Dogfood: the official layout the xlsx writer produces is what the xlsx reader reads."""
    from cchc_engine.flow.engine import run
    from cchc_engine.flow.layout import layout
    from cchc_engine.flow.mapping import map_submission
    compiled = spec2023
    reader = PluginHost.builtins_only().readers.get("xlsx").item
    fixture = fixtures / "seed001_numbers_sheets.xlsx"
    first = run(compiled, map_submission(layout(reader.read(fixture)), compiled, "huyen"))
    assert first.findings  # the seed has a mismatch and rounding differences

    out = io.BytesIO()
    writers.get("xlsx").item.write(first, out, {"spec": compiled})
    written = tmp_path / "written.xlsx"  # the reader takes a path
    written.write_bytes(out.getvalue())
    raw = layout(reader.read(written))
    again = run(compiled, map_submission(raw, compiled, "huyen"))
    assert (raw.unit, raw.period) == ("huyện Lâm Thao", "2023-Q3")
    assert [(i.id, i.value) for i in again.indicators] == [(i.id, i.value) for i in first.indicators]
    assert again.flatten(["code"], severity="error") == []


# -- never crash --------------------------------------------------------------------------

_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
_value = st.one_of(
    st.none(), st.integers(min_value=-(10**15), max_value=10**15), st.floats(allow_nan=True, allow_infinity=True), _text
)
_location = st.one_of(
    st.none(),
    st.builds(Location, file=st.one_of(st.none(), _text), sheet=st.one_of(st.none(), _text),
              cell=st.one_of(st.none(), _text), row=st.one_of(st.none(), st.integers(0, 10**6))),
)
_indicator = st.builds(
    IndicatorResult,
    id=st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True), stt=_text, form=st.sampled_from(["bm1", "bm2", "Biểu:mẫu/3?"]),
    name=_text, unit=_text, type=st.sampled_from(["count", "number", "percent", "choice", "text", "group"]),
    depth=st.integers(-2, 40), value=_value, label=st.one_of(st.none(), _text),
    source=st.sampled_from(["reported", "computed", "missing", "not-applicable"]), raw=st.one_of(st.none(), _text),
    reported=_value, location=_location, note=_text, formula=st.one_of(st.none(), _text),
    zero_denominator=st.one_of(st.none(), st.sampled_from(["blank", "100"])), units=st.one_of(st.none(), st.integers(0, 99)),
)
_finding = st.builds(
    Finding, code=_text, severity=st.sampled_from(["error", "warning", "info"]),
    indicator=st.one_of(st.none(), st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)),
    location=st.builds(Location, sheet=st.one_of(st.none(), _text), cell=st.one_of(st.none(), _text)), message=_text,
)
_result = st.builds(
    Result, spec=_text, spec_title=_text, level=_text, level_name=_text, period=st.one_of(st.none(), _text),
    unit=st.one_of(st.none(), _text), file=st.one_of(st.none(), _text),
    indicators=st.lists(_indicator, max_size=8), findings=st.lists(_finding, max_size=5),
)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(result=_result, lang=st.sampled_from(["vi", "en"]), findings_only=st.booleans(), sheet_per_form=st.booleans())
def test_writers_never_crash(result, lang, findings_only, sheet_per_form):
    result = result.finish()
    options = {"lang": lang, "findings_only": findings_only, "sheet_per_form": sheet_per_form, "spec": make_spec()}
    for name in ("table", "json", "csv", "md"):
        assert write_text(name, result, **options)
    wb = write_xlsx(result, **options)
    assert_no_formulas(wb)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, float):
                    assert math.isfinite(cell.value)


# -- schemas ------------------------------------------------------------------------------


def test_result_schema_file_is_generated_from_the_model():
    path = ROOT / "cchc_engine" / "schema" / "result.schema.json"
    from cchc_engine.flow.result import result_schema

    assert json.loads(path.read_text(encoding="utf-8")) == result_schema(), (
        "run: python scripts/make_schemas.py"
    )


def test_spec_schema_file_is_generated_from_the_model():
    from cchc_engine.spec.schema import spec_schema

    path = ROOT / "cchc_engine" / "schema" / "spec.schema.json"
    assert json.loads(path.read_text(encoding="utf-8")) == spec_schema(), "run: python scripts/make_schemas.py"


def test_json_output_doc_names_every_field():
    doc = (ROOT / "docs" / "json-output.md").read_text(encoding="utf-8")
    from dataclasses import fields

    for model in (Result, IndicatorResult, Finding, Location):
        for field in (f.name for f in fields(model)):
            assert f"`{field}`" in doc, f"docs/json-output.md does not describe {model.__name__}.{field}"
    from cchc_engine.flow.result import Stats

    for field in (f.name for f in fields(Stats)):
        assert f"`{field}`" in doc


def test_json_output_doc_example_is_a_valid_result():
    doc = (ROOT / "docs" / "json-output.md").read_text(encoding="utf-8")
    example = doc.split("```json\n", 1)[1].split("```", 1)[0]
    result = Result.from_dict(json.loads(example))
    assert result.get("ty_le_hoan_thanh_ke_hoach").value == 75.86
