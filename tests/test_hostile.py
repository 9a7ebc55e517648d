"""Broken and hostile inputs (issue #7): each is refused or reported in seconds, in Vietnamese, never a traceback.

The inputs are built in tmp_path by tests/hostile/make_catalogue.py; the same
catalogue runs through the real CLI in subprocesses in tests/hostile/run_catalogue.py.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from conftest import cli

sys.path.insert(0, str(Path(__file__).resolve().parent / "hostile"))
from make_catalogue import CASES, Case  # noqa: E402

LIMIT_SECONDS = 10


SUITE_CASES = [c for c in CASES if c.in_suite]  # the rest have their own tests in tests/hostile/


@pytest.mark.parametrize("case", SUITE_CASES, ids=[c.name for c in SUITE_CASES])
def test_catalogue_case(case: Case, tmp_path: Path) -> None:
    args = case.build(tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and p.stat().st_size < 50_000_000}
    start = time.perf_counter()
    code, out, err = cli("compute", *args)
    elapsed = time.perf_counter() - start
    assert "Traceback" not in err and "Lỗi nội bộ" not in err, err
    assert code in case.exits, (code, err[-2000:])
    assert code in ((1, 2) if case.bad else (0, 1))
    assert case.expect in err or case.expect in out, (err[-2000:], out[-2000:])
    for fragment in case.absent:
        assert fragment not in err and fragment not in out
    if code == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Lỗi: "), err
        named = [Path(args[args.index("-f") - 1]).name] if "-f" in args else []
        if "-o" in args:  # an output problem names the output
            named.append(Path(args[args.index("-o") + 1].rstrip("/")).name)
        assert any(n in err for n in named) or "yaml" in err  # the file is named
    assert elapsed < LIMIT_SECONDS, f"{case.name} took {elapsed:.1f} s"
    for p, data in before.items():  # inputs are never touched
        assert p.read_bytes() == data


# --- output safety -------------------------------------------------------------------------

_INJECTIONS = ['=HYPERLINK("http://evil","x")', "+1+1", "@SUM(A1)", "-2+3"]


def _injected_workbook(tmp_path: Path) -> Path:
    from make_catalogue import ROWS_2021, appendix_workbook, workbook_bytes

    def notes(ws):  # text cells, as a user types '=... in Excel (not formulas)
        for i, note in enumerate(_INJECTIONS):
            r = 7 + i + (1 if i == 3 else 0)  # 1.1.1, 1.1.2, 1.1.3 and 1.2.1 (after the 1.2 heading)
            assert str(ws.cell(row=r, column=1).value).startswith(("1.1.", "1.2.")), r
            cell = ws.cell(row=r, column=5)
            cell.value = note
            cell.data_type = "s"

    p = tmp_path / "notes.xlsx"
    p.write_bytes(workbook_bytes(appendix_workbook(ROWS_2021, extra=notes)))
    return p


META = ("--spec", "2021", "--level", "xa", "--period", "2021-Q3", "--unit", "=cmd|' /C calc'!A0")


def test_injected_text_is_never_a_formula_in_xlsx(tmp_path: Path) -> None:
    import openpyxl

    src = _injected_workbook(tmp_path)
    out = tmp_path / "out.xlsx"
    code, _, err = cli("compute", *META, str(src), "-f", "xlsx", "-o", str(out))
    assert code in (0, 1), err
    wb = openpyxl.load_workbook(out)
    texts, numbers = [], []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                elif isinstance(cell.value, (int, float)):
                    numbers.append(cell.value)
    for note in _INJECTIONS:
        assert any(t.startswith("'" + note) for t in texts), note
    assert not any(t.startswith(("=", "+", "-", "@")) for t in texts)
    assert 6 in numbers  # numbers stay numbers


def test_injected_text_is_quoted_in_csv(tmp_path: Path) -> None:
    import csv

    src = _injected_workbook(tmp_path)
    out = tmp_path / "out.csv"
    code, _, err = cli("compute", *META, str(src), "-f", "csv", "-o", str(out))
    assert code in (0, 1), err
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    cells = [v for r in rows for v in r.values() if v]
    for note in _INJECTIONS:
        assert "'" + note in cells, note
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert next(r for r in rows if r["stt"].startswith("1.1.1"))["value"] == "6"


def test_output_through_a_symlink_to_the_input_is_refused(tmp_path: Path) -> None:
    src = _injected_workbook(tmp_path)
    before = src.read_bytes()
    link = tmp_path / "link.xlsx"
    link.symlink_to(src)
    code, _, err = cli("compute", *META, str(src), "-f", "xlsx", "-o", str(link))
    assert code == 2 and "trùng với tệp đầu vào" in err
    assert src.read_bytes() == before and link.is_symlink()
    code, _, err = cli("compute", *META, str(link), "-f", "xlsx", "-o", str(src))  # and the other way round
    assert code == 2 and "trùng với tệp đầu vào" in err
    assert src.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
