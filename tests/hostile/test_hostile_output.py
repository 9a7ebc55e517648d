"""Output safety (issue 15): writers never crash on any str, nothing runs, nothing is obeyed."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import cli

ROOT = Path(__file__).resolve().parents[2]
META = ("--spec", "2021", "--level", "xa", "--period", "2021-Q3")
HOSTILE_NOTE = "ghi\ud800chú \x00\x07\x1b[2J\x1b]0;pwned\x07 \x9b31m \ufffe\uffff [x](javascript:alert(1)) ![i](http://e/x.png)"


def _values_json(tmp_path: Path, notes: dict[str, str]) -> Path:
    values = {"1.1.1": "6", "1.1.2": "6", "1.1.3": "0"}
    data = {"values": {k: {"value": v, "note": notes.get(k, "")} for k, v in values.items()}}
    p = tmp_path / "ghi-chu.json"
    # ensure_ascii: the lone surrogate travels as \ud800 and json.loads gives it back
    p.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
    return p


WRITERS = ["table", "json", "csv", "md", "xlsx", "docx"]


@pytest.mark.parametrize("fmt", WRITERS)
def test_every_writer_writes_a_lone_surrogate_controls_and_noncharacters(tmp_path: Path, fmt: str) -> None:
    src = _values_json(tmp_path, {"1.1.1": HOSTILE_NOTE})
    out = tmp_path / f"out.{fmt if fmt != 'table' else 'txt'}"
    unit = "xã \x1b[31mThượng\ud800 Long\uffff"
    args = ("compute", *META, "--unit", unit, str(src), "-f", fmt, "-o", str(out))
    if fmt == "docx":  # a plugin: the real CLI, which loads the installed entry points
        env = {**os.environ, "PYTHONIOENCODING": "utf-8:surrogateescape", "PYTHONPATH": str(ROOT)}
        argv = [a.encode("utf-8", "surrogateescape") if "\ud800" not in a else a.encode("utf-8", "surrogatepass") for a in args]
        proc = subprocess.run([sys.executable, "-m", "cchc_engine", *argv], capture_output=True, env=env, timeout=60)
        code, err = proc.returncode, proc.stderr.decode("utf-8", "replace")
    else:
        code, _, err = cli(*args)
    assert code in (0, 1), err
    assert "Traceback" not in err
    if fmt == "xlsx":
        import openpyxl

        texts = [c.value for ws in openpyxl.load_workbook(out).worksheets for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
    elif fmt == "docx":
        import docx

        d = docx.Document(str(out))
        texts = [p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells]
    else:
        texts = [out.read_text(encoding="utf-8-sig")]
    blob = "\n".join(texts)
    assert "ghi\ufffdchú" in blob  # the note is there, its lone surrogate replaced
    for bad in ("\x00", "\x07", "\x1b", "\x9b", "\ufffe", "\uffff"):
        assert bad not in blob, (fmt, bad)


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_terminal_output_carries_no_control_sequences(fmt: str, tmp_path: Path) -> None:
    src = _values_json(tmp_path, {"1.1.1": HOSTILE_NOTE, "1.1.2": "\x1b[?1049h\x1bP+q\x1b\\"})
    code, out, err = cli("compute", *META, "--unit", "\x1b]8;;http://evil\x1b\\xã\x1b]8;;\x1b\\", str(src), "-f", fmt)
    assert code in (0, 1), err
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
    assert "ghi\ufffdchú" in out


def test_markdown_escapes_links_and_images(tmp_path: Path) -> None:
    src = _values_json(tmp_path, {"1.1.1": "[bấm vào](javascript:alert(1))", "1.1.2": "![ảnh](http://evil/x.png)"})
    code, out, err = cli("compute", *META, str(src), "-f", "md")
    assert code in (0, 1), err
    assert "](javascript:" not in out.replace("\\]", "")  # the only "](" left is escaped
    assert "[bấm vào](javascript" not in out and "![ảnh](" not in out
    assert "\\[bấm vào\\](javascript:alert(1))" in out


INJECTIONS = [
    "x\r=cmd|' /C calc'!A0",  # a bare CR: a new line to LibreOffice, not quoted by csv
    "x\n=cmd|' /C calc'!A0",
    " =cmd|' /C calc'!A0",
    "\u00a0=cmd|' /C calc'!A0",
    "\u200b=cmd|' /C calc'!A0",
    "\ufeff+1+1",
    "\uff1dcmd|' /C calc'!A0",  # full-width ＝
    "\uff0b1", "\uff0d1", "\uff20SUM(A1)",
    "\u3000@SUM(A1)",
]
_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def test_csv_neither_breaks_lines_nor_lets_a_formula_start(tmp_path: Path) -> None:
    for batch in (INJECTIONS[:3], INJECTIONS[3:6], INJECTIONS[6:9], INJECTIONS[9:]):
        notes = dict(zip(["1.1.1", "1.1.2", "1.1.3"], batch))
        src = _values_json(tmp_path, notes)
        out = tmp_path / "out.csv"
        code, _, err = cli("compute", *META, str(src), "-f", "csv", "-o", str(out))
        assert code in (0, 1), err
        data = out.read_bytes().decode("utf-8-sig")
        assert "\r" not in data  # no bare CR at all: every line break is a quoted "\n"
        with open(out, encoding="utf-8-sig", newline="") as fh:
            cells = [v for row in csv.reader(fh) for v in row]
        for cell in cells:
            lead = cell.lstrip(" \u00a0\u3000\u200b\ufeff")
            assert not lead.startswith(_STARTS), repr(cell)
        for note in batch:
            assert any(cell.startswith("'") and cell.endswith("calc'!A0" if "calc" in note else note[-3:]) for cell in cells), note
        # a field with a line break is quoted, so the break cannot start a record
        for cell in cells:
            if "\n" in cell:
                assert '"' + cell.replace('"', '""') + '"' in data, repr(cell)


def _limited_fsize():
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "csv"])
def test_a_full_disk_is_one_write_failed_line(tmp_path: Path, fmt: str) -> None:
    src = _values_json(tmp_path, {"1.1.1": "x" * 5000})
    out = tmp_path / f"bao-cao.{fmt}"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "cchc_engine", "compute", *META, str(src), "-f", fmt, "-o", str(out)],
        capture_output=True, text=True, timeout=60, env=env, preexec_fn=_limited_fsize,
    )
    assert proc.returncode == 2, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Lỗi: ") and "Không ghi được tệp" in lines[0], proc.stderr
    assert "bao-cao" in lines[0]
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_error_lines_on_stderr_carry_no_control_sequences(tmp_path: Path) -> None:
    bad = tmp_path / "bao\x1b[2Jcao\nthu.json"
    bad.write_text("{", encoding="utf-8")  # broken JSON: an error line naming the file
    code, _, err = cli("compute", *META, str(bad), "-f", "json")
    assert code == 2
    assert "\x1b" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Lỗi: ") and "bao[2Jcao thu.json" in lines[0], err
