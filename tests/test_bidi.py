"""Bidi controls never reach what the officer reads.

U+202E (right-to-left override) and its friends are invisible in a cell but make a
terminal that honours them print the rest of the line reordered. They are dropped
where text enters (``textnorm.clean_cell_text``, so "\u200e1.859" reads as 1.859) and
once more by the terminal tables for text that did not come from a file (spec names,
plugin findings, file names, options).
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from make_fixtures import load_rows, write_workbook

from cchc_engine.cli.main import cli as group
from cchc_engine.cli.main import error_line
from cchc_engine.flow.findings import Finding, Location
from cchc_engine.text.termtable import fit, fit_line
from cchc_engine.text.textnorm import BIDI_CONTROLS, clean_cell_text
from conftest import FIXTURES

META = json.loads((FIXTURES / "seed000_meta.json").read_text(encoding="utf-8"))
RLO, PDF, LRM, RLI, PDI, ALM = "\u202e", "\u202c", "\u200e", "\u2067", "\u2069", "\u061c"


def _has_bidi(text: str) -> list[str]:
    return sorted({f"U+{ord(ch):04X}" for ch in text if ch in BIDI_CONTROLS})


def test_every_bidi_control_is_dropped_at_the_boundary():
    controls = "\u061c\u200e\u200f" + "".join(map(chr, range(0x202A, 0x202F))) + "".join(map(chr, range(0x2066, 0x206A)))
    assert set(controls) == set(BIDI_CONTROLS)
    assert clean_cell_text(f"Số {controls}hồ sơ") == "Số hồ sơ"
    # marks that are not bidi controls stay (ZWJ joins emoji; NBSP is a space)
    assert clean_cell_text("a\u200db\u00a0c") == "a\u200db\u00a0c"


def test_a_workbook_with_bidi_controls_reads_and_prints_as_the_officer_typed_it(spec2021, tmp_path):
    rows = load_rows(FIXTURES / "seed000_rows.tsv")
    by_stt = {r["stt"]: r for r in rows}
    # a count typed after a copied LRM, a name and a note turned around by RLO … PDF
    by_stt["1.1.1."]["value"] = LRM + "06"
    by_stt["1.1.2."]["name"] = RLO + "Số nhiệm vụ đã hoàn thành" + PDF
    by_stt["1.1.3."]["note"] = RLI + "ghi chú" + PDI + ALM
    path = write_workbook(rows, tmp_path / "xa.xlsx", title_lines=META["workbook_title_lines"])
    res = CliRunner().invoke(group, ["compute", "--spec", "2021", str(path), "-f", "json"], catch_exceptions=False)
    data = json.loads(res.stdout)
    ind = {i["id"]: i for i in data["indicators"]}
    assert ind["kh_nhiem_vu_de_ra"]["value"] == 6  # was an invalid-number error: "\u200e06"
    assert ind["kh_nhiem_vu_hoan_thanh"]["value"] == 6  # the reversed name still matched its row
    assert ind["kh_van_ban_chi_dao"]["note"] == "ghi chú"
    assert not [f for f in data["findings"] if f["code"] == "invalid-number"]

    res = CliRunner().invoke(group, ["compute", "--spec", "2021", str(path)], env={"COLUMNS": "100"}, catch_exceptions=False)
    assert _has_bidi(res.stdout + res.stderr) == []
    assert "ghi chú" in res.stdout


def test_terminal_tables_drop_bidi_controls_from_any_text():
    # text that never went through a reader: a plugin's finding, a spec name, an option
    table = fit([["1", RLO + "Tỷ lệ hồ sơ" + PDF, LRM + "42"]], ["STT", RLI + "Tên" + PDI, "Số"], wrap=(1,), width=30)
    assert _has_bidi(table) == []
    assert "Tỷ lệ hồ sơ" in table and "42" in table and "Tên" in table
    line = fit_line(f"xã {RLO}gnoL gnơưhT{PDF}: 3 lỗi", 20)
    assert _has_bidi(line) == [] and "gnoL" in line


def test_an_error_line_naming_a_file_has_no_bidi_control(tmp_path):
    # a file name is not cell text: it reaches the error line as given
    name = f"bao-cao-{RLO}xslx.exe"
    finding = Finding.make("file-unreadable", "error", location=Location(file=str(tmp_path / name)), file=name, error="x")
    assert _has_bidi(error_line(finding)) == []
    res = CliRunner().invoke(group, ["compute", "--spec", "2021", str(tmp_path / name)], catch_exceptions=False)
    assert res.exit_code == 2
    assert _has_bidi(res.stderr) == [] and "xslx.exe" in res.stderr
