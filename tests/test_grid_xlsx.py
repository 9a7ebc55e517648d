"""The fast .xlsx grid source against the openpyxl reference, and its hostile-input limits."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from cchc_engine.flow.engine import run
from cchc_engine.flow.layout import layout
from cchc_engine.flow.mapping import map_submission
from cchc_engine.readers.xlsx import XlsxReader

sys.path.insert(0, str(Path(__file__).resolve().parent))
from grid_reference import as_tuples, openpyxl_grid  # noqa: E402
from make_grid_fixtures import rich_workbook  # noqa: E402 (scripts/, on the path by conftest)

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = sorted((ROOT / "tests" / "fixtures").rglob("*.xlsx")) + sorted((ROOT / "examples").glob("*.xlsx"))


def test_rich_workbook_matches_openpyxl(tmp_path):
    p = rich_workbook(tmp_path / "rich.xlsx")
    fast = XlsxReader().read(p)
    assert as_tuples(fast) == as_tuples(openpyxl_grid(p))
    names = [s.name for s in fast.sheets]
    assert names == ["Trống", "Biểu mẫu 1", "Biểu mẫu 2"]
    s = fast.sheets[1]
    cells = {f"{chr(65 + j)}{n}": c for n, row in zip(s.row_numbers, s.rows) for j, c in enumerate(row)}
    assert cells["D5"].percent and cells["D5"].value == 0.7674
    assert cells["D6"].percent  # a custom format with '%'
    assert cells["D7"].formula and cells["D7"].value is None
    assert cells["D8"].value == dt.datetime(2023, 9, 28, 10, 30)
    assert cells["E5"].value == "xy"  # the control character is gone
    assert cells["D30"].value == 1.25 and 30 in s.row_numbers
    assert (3, 3, 3, 4) in s.merges


@pytest.mark.parametrize("path", WORKBOOKS, ids=[p.name for p in WORKBOOKS])
def test_fixture_grids_and_results_match_openpyxl(path, spec2023, spec2021):
    fast, ref = XlsxReader().read(path), openpyxl_grid(path)
    assert as_tuples(fast) == as_tuples(ref)
    a, b = layout(fast), layout(ref)
    assert (a.unit, a.level, a.period, len(a.rows)) == (b.unit, b.level, b.period, len(b.rows))
    compiled = spec2021 if a.period and a.period.startswith("2021") else spec2023
    level = {"xã": "xa", "huyện": "huyen"}.get(a.level or "", "huyen")
    ra, rb = (run(compiled, map_submission(x, compiled, level)) for x in (a, b))
    assert [(i.id, i.value) for i in ra.indicators] == [(i.id, i.value) for i in rb.indicators]
    assert [f.message for f in ra.findings] == [f.message for f in rb.findings]


def test_no_openpyxl_import_on_the_read_path(tmp_path):
    import subprocess

    code = (
        "import sys; from pathlib import Path; from cchc_engine.flow.pipeline import read_raw;"
        f"raw = read_raw(Path({str(WORKBOOKS[0])!r})); assert raw.rows;"
        "print('openpyxl' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
