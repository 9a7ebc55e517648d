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


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
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
        assert Path(args[args.index("-f") - 1]).name in err or "yaml" in err  # the file is named
    assert elapsed < LIMIT_SECONDS, f"{case.name} took {elapsed:.1f} s"
    for p, data in before.items():  # inputs are never touched
        assert p.read_bytes() == data
