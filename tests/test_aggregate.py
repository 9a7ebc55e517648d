"""Compiling (tổng hợp) unit reports into the level above: `cchc aggregate`.

Commune workbooks of the 2023 spec are built at test time in the official layout
(scripts/make_fixtures.write_workbook via bench/make_communes) with known values.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import sys
from pathlib import Path

import pytest

from cchc_engine.plugins import PluginHost
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import make_communes as mc  # noqa: E402

from cchc_engine.compile.aggregate import UnitResult, compile_units  # noqa: E402
from cchc_engine.compile.collect import read_unit  # noqa: E402

# Three communes; the district's plan ratio is 30/45, not the mean of 75,86 / 50 / 50.
KNOWN = {
    "An Bình": {"nv_de_ra": 29, "nv_hoan_thanh": 22, "khao_sat_hai_long": 1, "kien_truc_cqdt": 1, "gn_ke_hoach": 1200.5},
    "Tân Phú": {"nv_de_ra": 10, "nv_hoan_thanh": 5, "khao_sat_hai_long": 0, "kien_truc_cqdt": 0, "gn_ke_hoach": 800.25},
    "Hà Long": {"nv_de_ra": 6, "nv_hoan_thanh": 3, "khao_sat_hai_long": 1, "kien_truc_cqdt": 1, "gn_ke_hoach": 99.25},
}


def commune_values(compiled, name: str, seed: int, **override) -> dict:
    values = mc.commune_values(compiled, random.Random(seed))
    values.update(KNOWN.get(name, {}))
    if values.get("khao_sat_hai_long") == 0:
        values["so_phieu_khao_sat"] = 0
    values.update(override)
    values.setdefault("gn_da_thuc_hien", 0)
    values["gn_da_thuc_hien"] = min(values["gn_da_thuc_hien"], values["gn_ke_hoach"])
    return mc.completed(compiled, values)


def write(compiled, folder: Path, name: str, seed: int, period: str = "2023-Q3", file: str | None = None, **override) -> Path:
    values = commune_values(compiled, name, seed, **override)
    path = folder / (file or f"{mc_slug(name)}.xlsx")
    return mc.write_commune(path, name, period, mc.commune_rows(compiled, values), numbers=seed % 2 == 0)


def mc_slug(name: str) -> str:
    return name.lower().replace(" ", "-")


@pytest.fixture(scope="module")
def communes(tmp_path_factory, spec2023) -> Path:
    folder = tmp_path_factory.mktemp("communes")
    for seed, name in enumerate(KNOWN, start=1):
        write(spec2023, folder, name, seed)
    return folder


@pytest.fixture(scope="module")
def units(communes, spec2023) -> list[UnitResult]:
    return [read_unit(p, _session(spec2023)) for p in sorted(communes.glob("*.xlsx"))]


def _session(compiled):
    from cchc_engine.session import Session

    return Session(spec=compiled, host=PluginHost.builtins_only())


def aggregate(*args: str) -> tuple[int, str, str]:
    from cchc_engine.cli.main import cli

    r = CliRunner().invoke(cli, ["aggregate", "--spec", "2023", *args], catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


# --- compiling values --------------------------------------------------------------


def test_sums_and_recomputes_ratios_from_totals(units, spec2023):
    result = compile_units(spec2023, "huyen", "huyện Thử", None, units)
    assert result.level == "huyen" and result.unit == "huyện Thử" and result.period == "2023-Q3"
    assert result.value("nv_de_ra") == 29 + 10 + 6
    assert result.value("nv_hoan_thanh") == 22 + 5 + 3
    plan = result.get("ty_le_hoan_thanh_ke_hoach")
    assert plan.value == round(30 / 45 * 100, 2) == 66.67  # not (75.86 + 50 + 50) / 3 = 58.62
    assert plan.source == "computed" and plan.units == 3
    assert result.get("nv_de_ra").units == 3
    assert result.value("gn_ke_hoach") == 2100  # 1200.5 + 800.25 + 99.25, no float noise
    assert result.valid, result.findings


def test_count_min_and_none_methods(units, spec2023):
    result = compile_units(spec2023, "huyen", "huyện Thử", None, units)
    survey = result.get("khao_sat_hai_long")  # aggregate: count:1
    assert survey.value == 2 and survey.units == 3 and "Có" in survey.label
    assert result.value("kien_truc_cqdt") == 0  # choice: min, the least advanced commune
    assert result.value("hinh_thuc_khao_sat") is None  # aggregate: none — the district fills it
    assert result.get("kt_phong_ban").source == "missing"  # district-only row: communes do not report it


def test_missing_value_is_not_a_zero(tmp_path, spec2023, units):
    blank = write(spec2023, tmp_path, "Mỹ Lộc", 7, nv_de_ra=None, nv_hoan_thanh=None)
    extra = read_unit(blank, _session(spec2023))
    assert "nv_de_ra" not in extra.values
    result = compile_units(spec2023, "huyen", "huyện Thử", None, [*units, extra])
    assert result.value("nv_de_ra") == 45 and result.get("nv_de_ra").units == 3
    assert result.extra["aggregate"]["included"][-1]["unit"] == "xã Mỹ Lộc"


def test_provenance_and_matrix(units, spec2023):
    result = compile_units(spec2023, "huyen", "huyện Thử", None, units)
    info = result.extra["aggregate"]
    assert [u["unit"] for u in info["included"]] == ["xã An Bình", "xã Hà Long", "xã Tân Phú"]
    assert all(u["level"] == "xa" and u["period"] == "2023-Q3" and u["errors"] == 0 for u in info["included"])
    assert info["excluded"] == [] and info["units_level"] == "xa"
    matrix = result.extra["matrix"]
    assert matrix["units"] == ["xã An Bình", "xã Hà Long", "xã Tân Phú"]
    assert matrix["values"]["nv_de_ra"] == [29, 6, 10]
    json.loads(result.to_json())  # provenance is plain JSON


def test_unit_errors_are_carried_up_or_skipped(tmp_path, spec2023, units):
    bad = read_unit(write(spec2023, tmp_path, "Lạc Sơn", 9, nv_de_ra=4, nv_hoan_thanh=7), _session(spec2023))
    assert bad.errors
    result = compile_units(spec2023, "huyen", "huyện Thử", None, [*units, bad])
    assert not result.valid
    assert "aggregate-unit-invalid" in codes(result)
    carried = [f for f in result.findings if f.code == "rule-failed"]
    assert carried and all("xã Lạc Sơn" in f.message and f.location.file == bad.file for f in carried)
    assert result.value("nv_de_ra") == 45 + 4  # included by default
    skipped = compile_units(spec2023, "huyen", "huyện Thử", None, [*units, bad], skip_invalid=True)
    assert skipped.valid and skipped.value("nv_de_ra") == 45
    assert skipped.flatten(["code", "file"]) == [["aggregate-unit-skipped", bad.file]]
    assert skipped.extra["aggregate"]["excluded"][0]["reason"] == "aggregate-unit-skipped"


# --- choosing the units -----------------------------------------------------------


def test_duplicate_unit_second_excluded(communes, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(communes, folder)
    shutil.copy(folder / "an-bình.xlsx", folder / "zz-an-binh-copy.xlsx")
    code, out, _ = aggregate("--level", "huyen", "--unit", "huyện Thử", str(folder), "-f", "json", "--jobs", "1")
    result = json.loads(out)
    assert code == 0
    assert [f["code"] for f in result["findings"]] == ["aggregate-duplicate-unit"]
    assert result["findings"][0]["location"]["file"].endswith("zz-an-binh-copy.xlsx")
    assert len(result["extra"]["aggregate"]["included"]) == 3


def test_mixed_periods_majority_or_option(communes, tmp_path, spec2023):
    other = write(spec2023, tmp_path, "Vĩnh Hưng", 11, period="2023-Q2")
    code, out, _ = aggregate("--level", "huyen", "--unit", "huyện Thử", str(communes), str(other), "-f", "json", "--jobs", "1")
    result = json.loads(out)
    assert code == 0 and result["period"] == "2023-Q3"
    assert sorted(f["code"] for f in result["findings"]) == ["aggregate-mixed-periods", "aggregate-other-period"]
    code, out, _ = aggregate(
        "--level", "huyen", "--unit", "huyện Thử", "--period", "2023-q2", str(communes), str(other), "-f", "json", "--jobs", "1"
    )
    result = json.loads(out)
    assert result["period"] == "2023-Q2" and [u["unit"] for u in result["extra"]["aggregate"]["included"]] == ["xã Vĩnh Hưng"]
    assert len(result["extra"]["aggregate"]["excluded"]) == 3


def test_wrong_level_and_corrupt_file_are_findings(communes, tmp_path, fixtures):
    corrupt = tmp_path / "hong.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not a workbook")
    district = fixtures / "seed001_numbers_sheets.xlsx"
    code, out, err = aggregate("--level", "huyen", "--unit", "huyện Thử", str(communes), str(corrupt), str(district), "-f", "json", "-j", "1")
    assert code == 1
    result = json.loads(out)
    found = {f["code"]: f for f in result["findings"]}
    assert set(found) == {"aggregate-file-unusable", "aggregate-wrong-level"}
    assert found["aggregate-file-unusable"]["location"]["file"] == str(corrupt) and "hong.xlsx" in found["aggregate-file-unusable"]["message"]
    assert "huyện Lâm Thao" in found["aggregate-wrong-level"]["message"]
    assert len(result["extra"]["aggregate"]["included"]) == 3
    assert {e["reason"] for e in result["extra"]["aggregate"]["excluded"]} == set(found)


def test_file_without_unit_or_period_is_a_finding(communes, tmp_path, spec2023):
    values = commune_values(spec2023, "Bắc Sơn", 5)
    anonymous = mc.write_workbook(mc.commune_rows(spec2023, values), tmp_path / "khong-ten.xlsx", title_lines=["THỐNG KÊ SỐ LIỆU"])
    code, out, _ = aggregate("--level", "huyen", "--unit", "huyện Thử", str(communes), str(anonymous), "-f", "json", "-j", "1")
    result = json.loads(out)
    assert code == 1
    assert [f["code"] for f in result["findings"]] == ["aggregate-file-unusable"]
    assert "khong-ten.xlsx" in result["findings"][0]["message"]


def test_file_without_title_block_takes_the_defaults_and_its_file_name(communes, tmp_path, spec2023):
    """--period and the units' level stand for what a file does not say; its name names the unit."""
    values = commune_values(spec2023, "Bắc Sơn", 5)
    anonymous = mc.write_workbook(mc.commune_rows(spec2023, values), tmp_path / "xã Bắc Sơn.xlsx", title_lines=["THỐNG KÊ SỐ LIỆU"])
    code, out, _ = aggregate("--level", "huyen", "--unit", "huyện Thử", "--period", "2023-Q3", str(communes), str(anonymous),
                             "-f", "json", "-j", "1")
    result = json.loads(out)
    assert code == 0, result["findings"]
    assert [(f["code"], f["severity"]) for f in result["findings"]] == [("aggregate-unit-from-file", "info")]
    assert "xã Bắc Sơn" in result["findings"][0]["message"] and "xã Bắc Sơn.xlsx" in result["findings"][0]["message"]
    included = {u["unit"]: u for u in result["extra"]["aggregate"]["included"]}
    assert included["xã Bắc Sơn"]["level"] == "xa" and included["xã Bắc Sơn"]["period"] == "2023-Q3"
    assert len(included) == 4
    # --units-level is that default too: the same file compiled as a district into a province
    code, out, _ = aggregate("--level", "tinh", "--units-level", "huyen", "--unit", "tỉnh Thử", "--period", "2023-Q3",
                             str(anonymous), "-f", "json", "-j", "1")
    result = json.loads(out)
    assert code == 0 and result["extra"]["aggregate"]["included"][0]["level"] == "huyen"
    # the library path takes the same defaults
    from cchc_engine.api import Session

    session = Session.open(spec2023, entry_points=False)
    lib = session.aggregate([communes, anonymous], level="huyen", unit="huyện Thử", period="2023-q3")
    assert [f.code for f in lib.findings if f.code.startswith("aggregate-")] == ["aggregate-unit-from-file"]
    assert len(lib.extra["aggregate"]["included"]) == 4


def test_a_period_guessed_from_the_date_yields_to_period(communes, tmp_path, spec2023):
    values = commune_values(spec2023, "Bắc Sơn", 5)
    dated = mc.write_workbook(mc.commune_rows(spec2023, values), tmp_path / "bac-son.xlsx",
                              title_lines=["UBND XÃ BẮC SƠN", "Bắc Sơn, ngày 10 tháng 1 năm 2024", "THỐNG KÊ SỐ LIỆU"])
    # alone, its only period is the letter's date: 2024, another period than the communes'
    code, out, _ = aggregate("--level", "huyen", "--unit", "huyện Thử", str(communes), str(dated), "-f", "json", "-j", "1")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["aggregate-mixed-periods", "aggregate-other-period"]
    # --period is what a file that does not say its period is taken to be
    code, out, _ = aggregate("--level", "huyen", "--unit", "huyện Thử", "--period", "2023-Q3", str(communes), str(dated),
                             "-f", "json", "-j", "1")
    result = json.loads(out)
    assert code == 0 and result["findings"] == [] and len(result["extra"]["aggregate"]["included"]) == 4


def test_a_copy_of_a_file_is_the_same_unit(tmp_path, spec2023):
    """x.xlsx and x (copy).xlsx without a title: one unit, a finding naming both and the one compiled."""
    values = commune_values(spec2023, "Bắc Sơn", 5)
    folder = tmp_path / "in"
    folder.mkdir()
    first = mc.write_workbook(mc.commune_rows(spec2023, values), folder / "x.xlsx", title_lines=["THỐNG KÊ SỐ LIỆU"])
    shutil.copy(first, folder / "x (copy).xlsx")
    code, out, _ = aggregate("--level", "huyen", "--unit", "huyện Thử", "--period", "2023-Q3", str(folder), "-f", "json", "-j", "1")
    result = json.loads(out)
    assert code == 0
    dup = [f for f in result["findings"] if f["code"] == "aggregate-duplicate-unit"]
    assert len(dup) == 1 and dup[0]["severity"] == "warning"
    compiled_file = result["extra"]["aggregate"]["included"][0]["file"]
    left_out = result["extra"]["aggregate"]["excluded"][0]["file"]
    assert {Path(compiled_file).name, Path(left_out).name} == {"x.xlsx", "x (copy).xlsx"}
    assert f"đã tổng hợp '{compiled_file}', bỏ qua '{left_out}'" in dup[0]["message"]
    assert len(result["extra"]["aggregate"]["included"]) == 1
    # the same file name in two communes' folders is two units, both compiled
    for sub in ("xa-a", "xa-b"):
        (tmp_path / "many" / sub).mkdir(parents=True)
        shutil.copy(first, tmp_path / "many" / sub / "bao-cao.xlsx")
    code, out, _ = aggregate("--level", "huyen", "--unit", "huyện Thử", "--period", "2023-Q3", str(tmp_path / "many"),
                             "-f", "json", "-j", "1")
    result = json.loads(out)
    assert code == 0 and [f["code"] for f in result["findings"]] == ["aggregate-unit-from-file"] * 2
    assert [u["unit"] for u in result["extra"]["aggregate"]["included"]] == ["bao-cao", "bao-cao"]


def test_nothing_usable_exits_2(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = aggregate("--level", "huyen", "--unit", "huyện Thử", str(empty))
    assert code == 2 and "Không có tệp báo cáo" in err
    corrupt = tmp_path / "hong.xlsx"
    corrupt.write_bytes(b"garbage")
    code, _, err = aggregate("--level", "huyen", "--unit", "huyện Thử", str(corrupt), "-j", "1")
    assert code == 2 and "hong.xlsx" in err and "Không còn báo cáo nào" in err


# --- communes → districts → province ----------------------------------------------


def test_two_step_equals_straight_compilation(communes, tmp_path, spec2023):
    more = tmp_path / "more"
    more.mkdir()
    for seed, name in enumerate(["Đông Hòa", "Tây Sơn", "Nam Định"], start=20):
        write(spec2023, more, name, seed)
    a = sorted(communes.glob("*.xlsx"))[:2]
    b = sorted(communes.glob("*.xlsx"))[2:] + sorted(more.glob("*.xlsx"))
    da, db = tmp_path / "huyen-a.json", tmp_path / "huyen-b.json"
    assert aggregate("--level", "huyen", "--unit", "huyện A", *map(str, a), "-o", str(da), "-j", "1")[0] == 0
    assert aggregate("--level", "huyen", "--unit", "huyện B", *map(str, b), "-o", str(db), "-j", "1")[0] == 0
    code, out, _ = aggregate("--level", "tinh", "--unit", "tỉnh Thử", str(da), str(db), "-f", "json", "-j", "1")
    assert code == 0
    two_step = json.loads(out)
    code, out, _ = aggregate(
        "--level", "tinh", "--units-level", "xa", "--unit", "tỉnh Thử", *map(str, a + b), "-f", "json", "-j", "1"
    )
    assert code == 0
    straight = json.loads(out)
    assert [u["unit"] for u in two_step["extra"]["aggregate"]["included"]] == ["huyện A", "huyện B"]
    pick = lambda r: {i["id"]: (i["value"], i["units"]) for i in r["indicators"]}  # noqa: E731
    assert pick(two_step) == pick(straight)
    assert pick(straight)["nv_de_ra"][1] == 6 and pick(straight)["khao_sat_hai_long"][1] == 6


def test_without_units_level_communes_into_province_is_wrong_level(communes):
    code, out, _ = aggregate("--level", "tinh", "--unit", "tỉnh Thử", str(communes), "-f", "json", "-j", "1")
    assert code == 2  # every file is of the wrong level: nothing usable


# --- CLI, writers, workers ----------------------------------------------------------


def test_jobs_2_gives_the_same_result(communes):
    one = aggregate("--level", "huyen", "--unit", "huyện Thử", str(communes), "-f", "json", "--jobs", "1")
    two = aggregate("--level", "huyen", "--unit", "huyện Thử", str(communes), "-f", "json", "--jobs", "2")
    assert one[0] == two[0] == 0
    assert json.loads(one[1]) == json.loads(two[1])
    assert "Đã tổng hợp 3 đơn vị" in two[2]


def test_matrix_csv(communes):
    code, out, _ = aggregate("--level", "huyen", "--unit", "huyện Thử", str(communes), "-f", "matrix-csv", "-j", "1")
    assert code == 0 and out.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert rows[0] == ["Biểu mẫu", "STT", "Chỉ tiêu thống kê", "Đơn vị tính", "xã An Bình", "xã Hà Long", "xã Tân Phú", "Tổng hợp"]
    by_name = {r[2]: r for r in rows[1:]}
    assert by_name["Số nhiệm vụ đề ra trong kế hoạch"][:2] == ["Biểu mẫu 1", "2.1"]
    assert by_name["Số nhiệm vụ đề ra trong kế hoạch"][4:] == ["29", "6", "10", "45"]
    assert by_name["Tỷ lệ hoàn thành Kế hoạch CCHC năm (Lũy kế đến thời điểm báo cáo)"][-1] == "66.67"


def test_matrix_xlsx_and_formula_text_is_neutralised(units, spec2023, tmp_path):
    from openpyxl import load_workbook

    from cchc_engine.flow.output import write_result

    units = [UnitResult(**{**u.__dict__, "unit": "=HYPERLINK(\"x\")" if i == 0 else u.unit}) for i, u in enumerate(units)]
    result = compile_units(spec2023, "huyen", "huyện Thử", None, units)
    out = tmp_path / "m.xlsx"
    write_result(result, "matrix-xlsx", out, {"lang": "vi"})
    ws = load_workbook(out).active
    header = next(r for r in ws.iter_rows(values_only=True) if r[1] == "STT")
    assert header[4] == "'=HYPERLINK(\"x\")" and header[-1] == "Tổng hợp"
    row = next(r for r in ws.iter_rows(values_only=True) if r[2] == "Số nhiệm vụ đề ra trong kế hoạch")
    assert list(row[4:]) == [29, 6, 10, 45]
    buf = io.StringIO()
    from cchc_engine.flow.output import get_writer

    get_writer("matrix-csv").write(result, buf, {"lang": "en"})
    assert "'=HYPERLINK" in buf.getvalue().splitlines()[0]
    assert buf.getvalue().splitlines()[0].endswith("Total")


# -- packed unit values (the parent holds thousands) ------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from budget import examples  # noqa: E402

from cchc_engine.compile.aggregate import PackedValues  # noqa: E402

_KEYS = [f"i{n}" for n in range(12)]
_POS = {k: i for i, k in enumerate(_KEYS)}


@settings(max_examples=examples(500), deadline=None)
@given(st.dictionaries(st.sampled_from(_KEYS), st.one_of(st.integers(-(2**60), 2**60), st.floats(allow_nan=False), st.booleans(), st.text(max_size=3))))
def test_packed_values_give_back_exactly_what_was_packed(values):
    packed = PackedValues.pack(values, _POS)
    assert dict(packed) == values
    assert {k: type(v) for k, v in packed.items()} == {k: type(v) for k, v in values.items()}
    assert len(packed) == len(values) and set(packed) == set(values)
    for k in _KEYS:
        assert (k in packed) == (k in values) and packed.get(k) == values.get(k)
    assert packed.get("not-a-key", "d") == "d"


def test_only_plain_numbers_of_the_spec_are_packed():
    assert isinstance(PackedValues.pack({"i0": 1, "i1": 2.5}, _POS), PackedValues)
    for odd in ({"i0": True}, {"i0": "Có"}, {"other": 1}, {"i0": 2**53 + 1}):
        assert PackedValues.pack(odd, _POS) is odd


def test_compiling_packed_units_gives_the_same_result(spec2023, tmp_path):
    from cchc_engine.compile.aggregate import compile_units, value_positions
    from cchc_engine.compile.collect import read_unit

    from make_communes import make_communes

    made = make_communes(tmp_path, 12, seed=7, compiled=spec2023)
    session = _session(spec2023)
    plain = [read_unit(Path(m["file"]), session) for m in made]
    assert all(type(u.values) is dict for u in plain)
    pos = value_positions(spec2023)
    packed = [UnitResult(**{**u.__dict__, "values": PackedValues.pack(u.values, pos)}) for u in plain]
    assert all(isinstance(u.values, PackedValues) for u in packed)
    a = compile_units(spec2023, "huyen", "huyện Thử", None, plain)
    b = compile_units(spec2023, "huyen", "huyện Thử", None, packed)
    assert a.to_json() == b.to_json()
