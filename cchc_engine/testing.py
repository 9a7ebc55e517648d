"""A testing kit for plugin authors (docs/plugins.md, "Testing your plugin").

    from cchc_engine.testing import SAMPLE_SPEC, register_plugin, run_compute, write_sample_submission

    def test_my_writer(tmp_path):
        xlsx = write_sample_submission(tmp_path)
        with register_plugin(MyPlugin(), "my-plugin"):
            code, out, err = run_compute(xlsx, fmt="hello")
        assert code == 0 and "75,86" in out

``SAMPLE_SPEC`` is a tiny spec shipped with the package: one form, six
indicators (a ratio with its numerator and denominator, a choice), one rule.
``write_sample_submission`` writes a matching appendix in the official xlsx
layout. Everything runs the real CLI in-process (click's CliRunner).
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional, Sequence, Union

SAMPLE_SPEC = Path(__file__).resolve().parent / "testing_data" / "sample-spec.yaml"

# (stt, name, unit, value as an official would type it)
SAMPLE_ROWS: tuple[tuple[str, str, str, Any], ...] = (
    ("1", "Số văn bản chỉ đạo CCHC đã ban hành", "Văn bản", "03"),
    ("2", "Tỷ lệ hoàn thành Kế hoạch CCHC năm", "%", "75,8%"),
    ("2.1", "Số nhiệm vụ đề ra trong kế hoạch", "Nhiệm vụ", 29),
    ("2.2", "Số nhiệm vụ đã hoàn thành", "Nhiệm vụ", 22),
    ("3", "Khảo sát sự hài lòng của người dân, tổ chức", "Có = 1; Không = 0", "Có"),
    ("3.1", "Số lượng phiếu khảo sát", "Số lượng", 50),
)
SAMPLE_TITLE = ("UBND HUYỆN LÂM THAO", "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2023")


def write_sample_submission(
    directory: Union[str, Path],
    *,
    values: Optional[Mapping[str, Any]] = None,
    name: str = "sample.xlsx",
    title_lines: Sequence[str] = SAMPLE_TITLE,
) -> Path:
    """Write an appendix for SAMPLE_SPEC in the official layout; ``values`` overrides by STT.

    As written it is valid (exit 0): the reported ratio 75,8 differs from 22/29
    = 75,86 by rounding only (an info finding). ``values={"2.2": 30}`` breaks
    the rule hoan_thanh_le_de_ra (exit 1).
    """
    from openpyxl import Workbook

    values = dict(values or {})
    wb = Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    for line in title_lines:
        ws.append([line])
    ws.append([])
    ws.append(["STT", "Chỉ tiêu thống kê", "Kết quả thống kê", None, "Ghi chú"])
    ws.append([None, None, "Đơn vị tính", "Số liệu", None])
    for stt, row_name, unit, value in SAMPLE_ROWS:
        ws.append([stt, row_name, unit, values.pop(stt, value), None])
    for stt, value in values.items():  # rows the spec does not know, to test unmapped-row
        ws.append([stt, f"Dòng thêm {stt}", "", value, None])
    path = Path(directory) / name
    wb.save(path)
    return path


@contextlib.contextmanager
def register_plugin(plugin: Any, name: str) -> Iterator[Any]:
    """Register ``plugin`` (a module or an object with @hookimpl methods) on the current
    host for the block, the way an entry point would, and unregister it after."""
    from .plugins import get_host

    host = get_host()
    host.register(plugin, name=name)
    try:
        yield plugin
    finally:
        host.unregister(name)


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run ``cchc ARGS`` in-process, plugin commands included; (exit code, stdout, stderr)."""
    from click.testing import CliRunner

    from .cli.main import cli

    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def run_compute(
    path: Union[str, Path],
    spec: Union[str, Path] = SAMPLE_SPEC,
    fmt: Optional[str] = None,
    level: Optional[str] = None,
    period: Optional[str] = None,
    extra: Sequence[str] = (),
) -> tuple[int, Union[str, bytes], str]:
    """``cchc compute`` on ``path``: (exit code, output, stderr).

    The output is the text printed, or for a binary format (docx, xlsx) the bytes
    of the file written with -o.
    """
    from .findings import CchcError
    from .plugins import get_host

    writers = get_host().writers

    args = ["compute", "--spec", str(spec), str(path)]
    if level:
        args += ["--level", level]
    if period:
        args += ["--period", period]
    if fmt:
        args += ["-f", fmt]
    args += list(extra)
    try:
        reg = writers.get(fmt) if fmt else None
    except CchcError:  # e.g. a duplicate format: the CLI run below reports it
        reg = None
    if reg is not None and getattr(reg.item, "binary", False):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / f"out{getattr(reg.item, 'suffix', '')}"
            code, _stdout, stderr = run_cli(*args, "-o", str(out))
            return code, (out.read_bytes() if out.exists() else b""), stderr
    return run_cli(*args)
