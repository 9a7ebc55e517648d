"""Limits that count what costs (issue 15): files that never end, YAML that expands, widths that abort.

Runs that could hang or abort the interpreter on the old code run in a
subprocess with a timeout, so a regression fails the test instead of the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
META = ("--spec", "2021", "--level", "xa", "--period", "2021-Q3")


def run_cli(*args: str, timeout: float = 30, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "cchc_engine", *args], capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd
    )


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Lỗi: "), proc.stderr[-2000:]
    return lines[0]


def test_a_fifo_as_input_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "bao-cao.json"
    os.mkfifo(fifo)
    line = one_error_line(run_cli("compute", *META, str(fifo), "-f", "json", timeout=20))
    assert "bao-cao.json" in line and "không phải là tệp thông thường" in line


def test_a_device_as_input_is_refused(tmp_path: Path) -> None:
    line = one_error_line(run_cli("compute", *META, "/dev/zero", "-f", "json", timeout=20))
    assert "/dev/zero" in line
