"""The issue-15 catalogue cases that run in-process: each must give its verdict, not just not crash.

(The cases that need a subprocess — a FIFO, /dev/zero, memory bombs, an abort, the
docx plugin, the tsv plugin — run in test_hostile_limits.py / test_hostile_output.py
and in run_catalogue.py.)
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import cli

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_catalogue import CASES  # noqa: E402

IN_PROCESS = {
    "lt-cell", "json-lt-key", "percent-spaces", "rule-huge-width", "spec-chain-995", "spec-formula-1997",
    "spec-constant-400", "writer-table-hostile-text", "writer-json-hostile-text", "writer-csv-hostile-text",
    "writer-md-hostile-text", "writer-xlsx-hostile-text", "count-400-digits", "xlsx-4299-digits", "csv-cr-injection",
    "csv-nbsp-injection", "csv-zwsp-injection", "csv-fullwidth-injection", "md-link", "table-escape",
    "footnote-superscript", "legacy-tcvn3", "legacy-vni", "nfd-title", "json-duplicate-key", "yaml-typing", "zwsp-in-name",
}
SELECTED = [c for c in CASES if c.name in IN_PROCESS]


def test_every_selected_case_exists() -> None:
    assert {c.name for c in SELECTED} == IN_PROCESS


@pytest.mark.parametrize("case", SELECTED, ids=[c.name for c in SELECTED])
def test_issue15_case_gives_its_verdict(case, tmp_path: Path) -> None:
    args = case.build(tmp_path)
    code, out, err = cli("compute", *args)
    assert "Traceback" not in err and "Lỗi nội bộ" not in err, err
    assert code in case.exits, (code, err[-2000:], out[-2000:])
    assert case.expect in err or case.expect in out, (case.expect, err[-2000:], out[-3000:])
    for fragment in case.absent:
        assert fragment not in err and fragment not in out, fragment
