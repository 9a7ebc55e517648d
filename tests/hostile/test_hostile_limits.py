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


# --- YAML alias budgets (spec files and YAML values files) ---------------------------------


def _limited():
    """A child that may not grow past 1.5 GB: the old code would eat the machine."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))


def run_limited(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "cchc_engine", *args],
        capture_output=True, text=True, timeout=timeout, env=env, preexec_fn=_limited,
    )


def _good_xlsx(tmp_path: Path) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from make_catalogue import appendix_workbook, workbook_bytes

    p = tmp_path / "good.xlsx"
    p.write_bytes(workbook_bytes(appendix_workbook()))
    return p


def test_a_recursive_alias_in_a_yaml_values_file_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "so-lieu.yaml"
    p.write_text("values: &a {k: *a}\n", encoding="utf-8")  # 33 bytes; grew ~350 MB/s forever
    assert p.stat().st_size < 40
    line = one_error_line(run_limited("compute", *META, str(p), "-f", "json", timeout=20))
    assert "so-lieu.yaml" in line and "tự tham chiếu" in line


def test_a_recursive_alias_in_a_spec_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "vong.yaml"
    spec.write_text('id: "vong"\ndocuments: &a [*a]\n', encoding="utf-8")
    line = one_error_line(
        run_limited("compute", "--spec", str(spec), "--level", "xa", "--period", "2021-Q3", str(_good_xlsx(tmp_path)), timeout=20)
    )
    assert "vong.yaml" in line and "tự tham chiếu" in line


def test_aliases_of_a_big_scalar_count_by_their_expanded_size(tmp_path: Path) -> None:
    big = "x" * (4 * 2**20)
    spec = tmp_path / "big-alias.yaml"
    spec.write_text(f'id: "big"\nbig: &b "{big}"\nmore: [' + ", ".join(["*b"] * 200) + "]\n", encoding="utf-8")
    assert spec.stat().st_size < 5 * 2**20  # under the file limit: only the expansion is too big
    line = one_error_line(
        run_limited("compute", "--spec", str(spec), "--level", "xa", "--period", "2021-Q3", str(_good_xlsx(tmp_path)), timeout=30)
    )
    assert "sau khi mở rộng alias" in line


def test_line_map_walks_each_node_once() -> None:
    import time

    import yaml

    from cchc_engine.spec.loader import _line_map

    # a fan of aliases: 30 levels of two aliases each would be 2^30 paths
    text = "a0: &a0 [x]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n" for i in range(1, 31))
    node = yaml.compose(text)
    start = time.process_time()
    lines = _line_map(node)
    assert time.process_time() - start < 1.0
    assert lines[("a30",)] == 31


def test_spec_from_dev_zero_is_refused_quickly(tmp_path: Path) -> None:
    line = one_error_line(run_limited("compute", "--spec", "/dev/zero", *META[2:], str(_good_xlsx(tmp_path)), timeout=20))
    assert "/dev/zero" in line


def test_a_spec_bigger_than_the_limit_is_read_no_further(tmp_path: Path) -> None:
    from cchc_engine.flow.findings import CchcError
    from cchc_engine.spec.loader import MAX_BYTES, read_text

    p = tmp_path / "huge.yaml"
    p.write_bytes(b"#" * (MAX_BYTES + 10))
    with pytest.raises(CchcError) as exc:
        read_text(p)
    assert "MB" in str(exc.value)


# --- format widths in rule messages ---------------------------------------------------------


def test_a_huge_format_width_in_a_rule_message_does_not_abort(tmp_path: Path) -> None:
    spec = tmp_path / "rong.yaml"
    spec.write_text(
        'id: "2021-rong"\nextends: "2021"\ntitle: "Độ rộng"\nrules:\n  add:\n'
        '    - id: rong_qua\n      expr: "kh_nhiem_vu_hoan_thanh < kh_nhiem_vu_de_ra"\n      severity: error\n'
        '      message: "Hoàn thành {kh_nhiem_vu_hoan_thanh:>3000000000} / {kh_nhiem_vu_de_ra:.99999999f}"\n',
        encoding="utf-8",
    )
    proc = run_limited(
        "compute", "--spec", str(spec), "--level", "xa", "--period", "2021-Q3", str(_good_xlsx(tmp_path)), "-f", "json",
        timeout=30,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]  # 6 of 6 done: the added rule fails, as written
    assert "Traceback" not in proc.stderr
    import json

    msgs = [f["message"] for f in json.loads(proc.stdout)["findings"] if f["code"] == "rule-failed"]
    assert msgs == ["Hoàn thành 6 / 6"]
