"""A testing kit for plugin authors (docs/plugins.md, "Testing your plugin").

    from cchc_engine.testing import register_plugin, run_compute, write_submission

    def test_my_writer(tmp_path):
        xlsx = write_submission("2023", "huyen", {"tthc_tong": 120}, directory=tmp_path)
        with register_plugin(MyPlugin(), "my-plugin"):
            code, out, err = run_compute(xlsx, spec="2023", fmt="hello")
        assert code == 0 and "120" in out

- ``write_submission(spec, level, values_by_id, fmt="xlsx")``: a submission for any
  spec in the official appendix layout (or as JSON/CSV), values by indicator id.
- ``SAMPLE_SPEC`` / ``write_sample_submission``: a tiny spec shipped with the
  package (one form, six indicators, one rule) and a matching workbook.
- ``run_cli`` / ``run_compute``: the real CLI, in-process (click's CliRunner).
- ``register_plugin``: a throwaway plugin for one block, on the kit's host.
- ``using_host``: the host ``run_cli``, ``run_compute`` and ``register_plugin`` use in a
  block (a plugin host is never process-wide: the kit hands its host to each run).
- ``compute``: one file through a ``Session`` on the kit's host.
- ``assert_same_result``: a new reader gives the same report, read at the same
  places, as the xlsx path.
- ``rows_from_grid``: the rows the layout stage finds in a reader's ``Grid``.
- pytest fixtures ``cchc_host``, ``cchc_submission``, ``cchc_sample``: add
  ``pytest_plugins = ["cchc_engine.testing"]`` to your ``conftest.py``.
"""

from __future__ import annotations

import contextlib
import contextvars
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Optional, Sequence, Union

if TYPE_CHECKING:
    from .plugins.host import PluginHost
    from .flow.result import Result

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

    As written it is valid (exit 0): the reported ratio 75,8 is 22/29 = 75,86
    cut short, not rounded (a warning). ``values={"2.2": 30}`` breaks
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


# The kit's host in a ``using_host`` / ``register_plugin`` block (or a ``cchc_host`` test).
# Only the kit reads it, to hand the host to each run: the engine never looks it up.
_kit_host: contextvars.ContextVar[Optional["PluginHost"]] = contextvars.ContextVar("cchc_kit_host", default=None)


def kit_host() -> "PluginHost":
    """The host of the enclosing ``using_host`` block, else a new one (installed plugins)."""
    from .plugins.host import PluginHost

    return _kit_host.get() or PluginHost()


@contextlib.contextmanager
def using_host(host: "PluginHost") -> Iterator["PluginHost"]:
    """``run_cli``, ``run_compute``, ``compute`` and ``register_plugin`` use ``host`` in the block."""
    token = _kit_host.set(host)
    try:
        yield host
    finally:
        _kit_host.reset(token)


@contextlib.contextmanager
def register_plugin(plugin: Any, name: str, host: Optional["PluginHost"] = None) -> Iterator[Any]:
    """Register ``plugin`` (a module or an object with @hookimpl methods) for the block,
    the way an entry point would, and unregister it after: on ``host``, else on the
    kit's host (``using_host``, ``cchc_host``), else on a new host that the kit's runs
    in the block use."""
    host = host or kit_host()
    host.register(plugin, name=name)
    try:
        with using_host(host):
            yield plugin
    finally:
        host.unregister(name)


def run_cli(*args: str, host: Optional["PluginHost"] = None) -> tuple[int, str, str]:
    """Run ``cchc ARGS`` in-process, plugin commands included, with ``host`` (else the
    kit's host, else the one the CLI makes); (exit code, stdout, stderr)."""
    from click.testing import CliRunner

    from .cli.main import cli

    host = host or _kit_host.get()
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, obj={"host": host} if host else None)
    return result.exit_code, result.stdout, result.stderr


def compute(
    path: Union[str, Path], spec: Any = SAMPLE_SPEC, *, level: Optional[str] = None, period: Optional[str] = None,
    unit: Optional[str] = None, lang: str = "vi", host: Optional["PluginHost"] = None,
) -> "Result":
    """One file through a ``Session`` (``spec`` an id, a year, a path or a compiled spec)
    on ``host`` (else the kit's host): the Result ``cchc compute`` reports."""
    from .session import Session

    return Session.open(_compiled(spec), lang=lang, host=host or kit_host()).compute(path, level=level, period=period, unit=unit)


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
    from .flow.findings import CchcError

    host = kit_host()
    writers = host.writers

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
            code, _stdout, stderr = run_cli(*args, "-o", str(out), host=host)
            return code, (out.read_bytes() if out.exists() else b""), stderr
    return run_cli(*args, host=host)


# --- a submission for any spec ------------------------------------------------------------

_SAMPLE_UNITS = {"tinh": "tỉnh Mẫu", "huyen": "huyện Mẫu", "xa": "xã Mẫu"}
SUBMISSION_FORMATS = ("xlsx", "json", "csv")


def _compiled(spec: Any) -> Any:
    if hasattr(spec, "spec") and hasattr(spec, "formulas"):
        return spec  # already a CompiledSpec
    from .spec.registry import resolve

    return resolve(str(spec), kit_host())  # the kit's host, else the installed plugins' specs too


def write_submission(
    spec: Any,
    level: str,
    values_by_id: Mapping[str, Any],
    fmt: str = "xlsx",
    *,
    directory: Union[str, Path, None] = None,
    name: Optional[str] = None,
    unit: Optional[str] = None,
    period: str = "2023-Q3",
) -> Path:
    """Write a submission of ``spec`` (an id, a year, a YAML path or a compiled spec) at
    ``level`` with ``values_by_id`` ({indicator id: value as an officer types it}).

    ``fmt="xlsx"`` is the official appendix (the workbook `cchc template` writes, with the
    unit and period in its title lines and the values in the Số liệu column), ``"json"``
    and ``"csv"`` the plain formats other systems send. An id the spec does not have at
    this level is a ``KeyError``: a test should not pass by writing nothing.
    Returns the file's path (in ``directory``, else a new temporary folder).
    """
    if fmt not in SUBMISSION_FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(SUBMISSION_FORMATS)}, not {fmt!r}")
    compiled = _compiled(spec)
    s = compiled.spec
    lv = s.level(level)
    if lv is None:
        raise KeyError(f"level {level!r} is not in spec {s.id} ({', '.join(s.level_ids())})")
    index = s.index()
    for ind_id in values_by_id:
        if ind_id not in index or not index[ind_id].applies_to(lv.id):
            raise KeyError(f"indicator {ind_id!r} is not reported at level {lv.id} of spec {s.id}")
    unit = unit or _SAMPLE_UNITS.get(lv.id, lv.name)
    folder = Path(directory) if directory is not None else Path(tempfile.mkdtemp(prefix="cchc-test-"))
    path = folder / (name or f"submission-{s.id}-{lv.id}.{fmt}")
    if fmt == "json":
        import json

        data = {"unit": unit, "level": lv.id, "period": period, "values": dict(values_by_id)}
        path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    elif fmt == "csv":
        import csv

        with open(path, "w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["key", "value"])
            out.writerows([["#unit", unit], ["#level", lv.id], ["#period", period]])
            out.writerows([[k, "" if v is None else v] for k, v in values_by_id.items()])
    else:
        from .template import build_template
        from .writers.common import period_label

        wb, info = build_template(compiled, lv.id)
        ws = wb.active
        # The title lines an officer's report carries: who reports, for which period.
        ws["A1"].value = f"UBND {unit.upper()}"
        ws["A2"].value = f"THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH {period_label(period, 'vi').upper()}"
        cells = {**info.derived, **info.inputs}
        for ind_id, value in values_by_id.items():
            if ind_id not in cells:
                raise KeyError(f"indicator {ind_id!r} has no value cell at level {lv.id} (a group?)")
            ws[cells[ind_id]].value = value
        wb.save(path)
    return path


def rows_from_grid(grid: Any, spec: Any = None) -> Any:
    """The rows the engine sees in your reader's ``Grid``: the layout stage's ``RawSubmission``
    (header, forms, "Trong đó" rows, unit/level/period from the titles). ``spec``, when given
    (an id, a year or a compiled spec), lends its form markers and level names."""
    from .flow.layout import layout

    return layout(grid, _compiled(spec) if spec is not None else None)


def assert_same_result(
    path: Union[str, Path],
    xlsx: Union[str, Path],
    spec: Any,
    *,
    level: Optional[str] = None,
    period: Optional[str] = None,
    unit: Optional[str] = None,
    locations: bool = True,
) -> Any:
    """Assert that ``path`` (read by your reader) gives the same report as ``xlsx`` (read by
    the built-in xlsx reader): every indicator's value and source, and every finding's
    code, severity and indicator — and, with ``locations`` (a grid reader), the sheet and
    cell each indicator's value was read from and each finding points at: a reader one
    row off fails here. Both files go through one ``Session`` on the kit's host.
    Returns the Result of ``path``."""
    from .session import Session

    session = Session.open(_compiled(spec), host=kit_host())
    got = session.compute(Path(path), level=level, period=period, unit=unit)
    want = session.compute(Path(xlsx), level=level, period=period, unit=unit)

    def read_at(i: Any) -> tuple[str, ...]:
        loc = getattr(i, "location", None)
        return ((loc.sheet or "", loc.cell or "") if loc is not None else ("", "")) if locations else ()

    def values(result: Any) -> list[tuple[Any, ...]]:
        return [(i.id, i.value, i.source, *read_at(i)) for i in result.indicators]

    def findings(result: Any) -> list[tuple[str, ...]]:
        def where(f: Any) -> tuple[str, ...]:
            return (f.location.sheet or "", f.location.cell or "") if locations else ()

        return sorted((f.code, f.severity, f.indicator or "", *where(f)) for f in result.findings)

    diff = [(a, b) for a, b in zip(values(got), values(want)) if a != b]
    assert not diff and len(got.indicators) == len(want.indicators), (
        f"{Path(path).name} and {Path(xlsx).name} differ (yours, xlsx): {diff[:5]}"
    )
    assert findings(got) == findings(want), (
        f"findings differ: only yours {sorted(set(findings(got)) - set(findings(want)))[:5]}, "
        f"only xlsx {sorted(set(findings(want)) - set(findings(got)))[:5]}"
    )
    assert (got.unit, got.level, got.period) == (want.unit, want.level, want.period)
    return got


# --- pytest fixtures (``pytest_plugins = ["cchc_engine.testing"]`` in conftest.py) ---------

try:
    import pytest as _pytest
except ImportError:  # the kit's functions work without pytest
    _pytest = None  # type: ignore[assignment]

if _pytest is not None:

    @_pytest.fixture
    def cchc_host() -> Iterator[Any]:
        """A fresh plugin host for one test (installed plugins loaded, nothing left behind):
        ``cchc_host.register(MyPlugin(), "mine")``; ``run_cli``, ``run_compute`` and
        ``compute`` use it."""
        from .plugins.host import PluginHost

        with using_host(PluginHost()) as host:
            yield host

    @_pytest.fixture
    def cchc_submission(tmp_path: Path) -> Any:
        """``cchc_submission(spec, level, values_by_id, fmt="xlsx")`` → a file in tmp_path."""

        def make(spec: Any, level: str, values_by_id: Mapping[str, Any], fmt: str = "xlsx", **kw: Any) -> Path:
            return write_submission(spec, level, values_by_id, fmt, directory=tmp_path, **kw)

        return make

    @_pytest.fixture
    def cchc_sample(tmp_path: Path) -> Path:
        """The sample appendix for SAMPLE_SPEC, valid as written."""
        return write_sample_submission(tmp_path)
