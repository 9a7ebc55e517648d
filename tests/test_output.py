"""Where output goes (issue 13): writer by -o suffix per command, devices, FIFOs,
symlinks, directories, the umask, broken pipes and --debug."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import openpyxl
import pytest

from conftest import cli

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lam-thao-2023-q3.xlsx"


def _compute(*args: str):
    return cli("compute", "--spec", "2023", str(EXAMPLE), *args)


# --- the writer is chosen among the command's own formats ------------------------------


def test_compute_o_xlsx_writes_the_completed_report_not_the_matrix(tmp_path):
    out = tmp_path / "ket-qua.xlsx"
    code, _, err = _compute("-o", str(out))
    assert code == 1, err  # the example has one real error
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Phụ lục" and "Tổng hợp" not in wb.sheetnames


def test_compute_o_csv_writes_the_report_csv(tmp_path):
    out = tmp_path / "x.csv"
    _compute("-o", str(out))
    header = out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("form,stt,id,name")  # report csv, not matrix-csv


@pytest.mark.parametrize("args,fragment", [
    (("-o", "x.foo"), "'.foo'"),
    (("-f", "matrix-csv"), "matrix-csv"),
    (("-f", "matrix-xlsx", "-o", "m.xlsx"), "matrix-xlsx"),
])
def test_compute_refuses_a_format_not_its_own(tmp_path, args, fragment):
    args = tuple(str(tmp_path / a) if a.endswith((".foo", ".xlsx")) else a for a in args)
    code, out, err = _compute(*args)
    assert code == 2
    assert fragment in err and len(err.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())


def test_validate_binary_format_names_compute_not_a_missing_option():
    code, _, err = cli("validate", "--spec", "2023", str(EXAMPLE), "-f", "xlsx")
    assert code == 2
    assert "cchc compute" in err and "-f xlsx -o" in err


def test_template_refuses_a_non_xlsx_name(tmp_path):
    code, _, err = cli("template", "--spec", "2023", "--level", "xa", "-o", str(tmp_path / "mau.csv"))
    assert code == 2 and ".xlsx" in err
    assert not (tmp_path / "mau.csv").exists()


def test_aggregate_suffix_picks_the_report_and_f_picks_the_matrix(tmp_path):
    for fmt, out in ((None, tmp_path / "t.xlsx"), ("matrix-xlsx", tmp_path / "m.xlsx")):
        extra = ("-f", fmt) if fmt else ()
        code, _, err = cli("aggregate", "--spec", "2023", "--level", "tinh", "--unit", "tỉnh Phú Thọ", str(EXAMPLE),
                           "-o", str(out), *extra)
        assert code in (0, 1), err
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames[0] == "Phụ lục"
    assert openpyxl.load_workbook(tmp_path / "m.xlsx").sheetnames[0] == "Tổng hợp"


# --- what the path is ---------------------------------------------------------------------


def test_fifo_is_written_directly_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    code, _, err = _compute("-f", "json", "-o", str(fifo))
    reader.join(10)
    assert code == 1, err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert json.loads(got[0])["spec"] == "2023"


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_character_device_is_written_directly_not_replaced(tmp_path):
    # a private null device (major 1, minor 3), so a regression cannot harm /dev/null
    dev = tmp_path / "null"
    os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    code, _, err = _compute("-o", str(dev))  # no suffix: the terminal table
    assert code == 1, err
    st = os.stat(dev)
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)


def test_symlink_target_is_replaced_and_the_link_kept(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    code, _, err = _compute("-o", str(link))
    assert code == 1, err
    assert link.is_symlink() and os.readlink(link) == real.name
    assert json.loads(real.read_text(encoding="utf-8"))["spec"] == "2023"


@pytest.mark.parametrize("suffix", ["/", ""])
def test_directory_output_is_one_line_exit_2(tmp_path, suffix):
    target = tmp_path / "out"
    if not suffix:
        target.mkdir()
    code, _, err = _compute("-f", "csv", "-o", str(target) + suffix)
    assert code == 2
    assert "thư mục" in err and "Lỗi nội bộ" not in err and len(err.strip().splitlines()) == 1
    assert not target.is_file()


def test_new_output_honours_the_umask_and_a_replaced_file_keeps_its_mode(tmp_path):
    out = tmp_path / "r.json"
    old = os.umask(0o002)
    try:
        _compute("-o", str(out))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o664
    os.chmod(out, 0o640)
    _compute("-o", str(out))
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o640


def test_dash_writes_binary_to_stdout(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "cchc_engine", "template", "--spec", "2023", "--level", "xa", "-o", "-"],
        capture_output=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout[:2] == b"PK"


# --- the process edge ------------------------------------------------------------------------


def test_broken_pipe_exits_quietly_with_the_verdict():
    cmd = f"{sys.executable} -m cchc_engine compute --spec 2023 '{EXAMPLE}' -f csv | head -3"
    proc = subprocess.run(["bash", "-c", "set -o pipefail; " + cmd], capture_output=True, text=True, timeout=60)
    assert len(proc.stdout.splitlines()) == 3
    assert "BrokenPipe" not in proc.stderr and "Lỗi" not in proc.stderr, proc.stderr
    assert proc.returncode == 1  # the example's verdict, not a crash


def test_debug_keeps_the_exit_code(tmp_path):
    from click.testing import CliRunner

    from cchc_engine.cli.main import cli as group

    res = CliRunner().invoke(group, ["--debug", "compute", "--spec", "2023", str(tmp_path / "nope.xlsx")])
    assert res.exit_code == 2
    assert "nope.xlsx" in res.stderr
