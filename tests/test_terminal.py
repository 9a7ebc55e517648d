"""Terminal tables fit the terminal (issue 13): under COLUMNS=80 no line is wider
than 80, long names and messages wrap, values and findings are never cut; piped
output and --wide keep one line per row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cchc_engine.cli.main import cli as group
from cchc_engine.text.termtable import fit, plan_widths

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lam-thao-2023-q3.xlsx"


def run(args: list[str], columns: str | None = "80"):
    env = {"COLUMNS": columns} if columns else {"COLUMNS": ""}
    res = CliRunner().invoke(group, args, env=env, catch_exceptions=False)
    return res.exit_code, res.stdout, res.stderr


def _too_wide(text: str, width: int = 80) -> list[str]:
    return [line for line in text.splitlines() if len(line) > width]


def test_compute_table_fits_80_columns_and_keeps_every_value():
    code, out, _ = run(["compute", "--spec", "2023", str(EXAMPLE)])
    assert code == 1
    assert _too_wide(out) == []
    _, js, _ = run(["compute", "--spec", "2023", str(EXAMPLE), "-f", "json"])
    data = json.loads(js)
    lines = out.splitlines()
    # every shown value is on one line, whole (numbers are never wrapped or cut)
    from cchc_engine.writers.common import display_value
    from cchc_engine.flow.result import IndicatorResult

    for ind in data["indicators"]:
        shown = display_value(IndicatorResult(**ind), "vi")
        if shown:
            assert any(shown in line for line in lines), shown
    # every word of every finding survives (wrapped, not cut)
    words = set(out.split())
    for f in data["findings"]:
        for word in f["message"].split():
            if len(word) <= 12:
                assert word in words, (word, f["message"])


@pytest.mark.parametrize("args", [
    ["spec", "show", "2023"],
    ["specs"],
    ["spec", "diff", "2021", "2023"],
    ["aggregate", "--spec", "2023", "--level", "tinh", "--unit", "tỉnh Phú Thọ", str(EXAMPLE)],
    ["compare", "--spec-old", "2023", str(EXAMPLE), "--spec-new", "2023", str(EXAMPLE)],
])
def test_other_tables_fit_80_columns(args):
    code, out, err = run(args)
    assert code in (0, 1), err
    assert out.strip() and _too_wide(out) == []


def test_piped_and_wide_output_is_not_wrapped():
    _, piped, _ = run(["compute", "--spec", "2023", str(EXAMPLE)], columns=None)
    _, wide, _ = run(["--wide", "compute", "--spec", "2023", str(EXAMPLE)])
    long_name = "Tỷ lệ hồ sơ TTHC được tiếp nhận trực tuyến mức độ 3 và 4 (Chỉ thống kê đối với các TTHC mức độ 3 và 4 có phát sinh hồ sơ)"
    for out in (piped, wide):
        assert any(long_name in line for line in out.splitlines())
    assert _too_wide(wide) != []


def test_output_file_is_never_wrapped(tmp_path):
    out = tmp_path / "r.txt"
    run(["compute", "--spec", "2023", str(EXAMPLE), "-o", str(out)])  # COLUMNS=80 is set
    text = out.read_text(encoding="utf-8")
    assert any("Trực tuyến = 0 Phát phiếu = 1 Kết hợp = 2" in line for line in text.splitlines())
    assert _too_wide(text) != []


def test_plan_widths_never_exceeds_the_width_when_it_can():
    for natural in ([5, 90, 40, 15, 70], [9, 16, 25, 14, 170], [4, 60, 30, 9, 12, 40, 25]):
        wrap = set(range(1, len(natural)))
        widths = plan_widths(natural, wrap, 80)
        assert sum(widths) + 2 * (len(natural) - 1) <= 80
        assert all(w <= n for w, n in zip(widths, natural))


def test_fit_wraps_with_indentation_and_keeps_every_character():
    name = "    " + "rất dài " * 30
    table = fit([["1.1", name, "42"]], ["STT", "Tên", "Số"], ("left", "left", "right"), wrap=(1,), width=40)
    assert all(len(line) <= 40 for line in table.splitlines())
    body = [line for line in table.splitlines()[2:]]
    assert all(line[3:].startswith("      ") or "42" in line for line in body[1:])
    assert "".join(table.split()).count("rấtdài") == 30


@pytest.fixture(scope="module")
def example_findings():
    _, js, _ = run(["compute", "--spec", "2023", str(EXAMPLE), "-f", "json"])
    data = json.loads(js)
    from cchc_engine.flow.findings import Location
    from cchc_engine.writers.common import where

    return [(f["code"], f["indicator"], where(Location(**f["location"]), data["file"])) for f in data["findings"]]


@pytest.mark.parametrize("width", [60, 61, 67, 72, 80, 88, 100, 111, 120, 135, 160, 200])
def test_findings_never_split_an_id_a_code_or_a_cell_reference(width, example_findings):
    code, out, _ = run(["validate", "--spec", "2023", str(EXAMPLE)], columns=str(width))
    assert code == 1 and _too_wide(out, width) == []
    lines = [line.replace("\u00a0", " ") for line in out.splitlines()]
    for finding_code, indicator, cell in example_findings:
        assert any(finding_code in line for line in lines), (width, finding_code)
        # a finding about the whole report (period checks skipped) names no indicator or cell
        assert indicator is None or any(indicator in line for line in lines), (width, indicator)
        assert not cell or any(cell in line for line in lines), (width, cell)  # "Biểu mẫu 7!D35" on one line
    assert sum(1 for _, indicator, cell in example_findings if indicator and cell) >= 6
    # the message's words too: an id inside a message ("ratio(hs_tiep_nhan_tong)") stays whole
    words = {w for line in lines for w in line.split()}
    assert "hs_tiep_nhan_tong)" in words and "ratio(hs_tiep_nhan_truc_tuyen," in words


def test_specs_is_compact_at_80_columns():
    code, out, _ = run(["specs"])
    assert code == 0 and _too_wide(out) == []
    assert len(out.splitlines()) <= 6 * 3 + 3  # a few lines a spec, not a column of path fragments
    assert "/" not in out  # the files are shown with -v
    code, out, _ = run(["specs", "-v"])
    assert code == 0 and "national.yaml" in out
