"""The I/O edge of `cchc compute`: choose a reader, read, map, run, write.

    spec (registry) → reader (plugin) → Grid → layout → RawSubmission → mapping → Submission
        → engine.run → Result → writer (plugin) → atomic file / stdout
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from . import plugins
from .findings import CchcError, Location
from .messages import os_error, render
from .grid import Grid
from .mapping import map_submission
from .result import Result
from .spec.runtime import CompiledSpec
from .submission import RawSubmission, Submission, normalise_period, require


def pick_reader(path: Path, host: Optional[plugins.PluginHost] = None) -> Any:
    """A plugin's choose_reader first, then by suffix, then by sniffing the content."""
    host = host or plugins.get_host()
    regs = host.readers.all()
    readers = [r.item for r in regs]
    chosen = host.call_first("choose_reader", path=str(path), readers=readers)
    if chosen is not None:
        return chosen
    suffix = path.suffix.lower()
    for reader in readers:
        if suffix in getattr(reader, "suffixes", ()):
            return reader
    for reader in readers:
        if host.sniff(reader, path):
            return reader
    raise CchcError.make(
        "no-reader", location=Location(file=str(path)), file=path.name, readers=", ".join(r.name for r in regs) or render("none-installed", {})
    )


def read_raw(
    path: Path, options: Optional[dict] = None, spec: Optional[CompiledSpec] = None, host: Optional[plugins.PluginHost] = None
) -> RawSubmission:
    """Read ``path`` with its reader; a Grid goes through the layout stage (with ``spec`` when known)."""
    path = Path(path)  # a str from an in-process caller too
    if not path.exists():
        raise CchcError.make("file-not-found", location=Location(file=str(path)), file=str(path))
    if path.is_dir():
        raise CchcError.make("file-unreadable", location=Location(file=str(path)), file=str(path), error=render("is-a-directory", {}))
    _require_regular_file(path)
    host = host or plugins.get_host()
    reader = pick_reader(path, host)
    # A plugin reader that raises makes the file unusable (exit 2), naming the plugin.
    with host.guard(reader, host.readers, "plugin-read-failed", location=Location(file=str(path)),
                    file=path.name, reader=getattr(reader, "name", "?")):
        got = reader.read(path, options or {})
        # inside the guard: a plugin's malformed grid or wrong return type is that plugin's failure
        if isinstance(got, Grid):
            from .layout import layout

            return layout(got, spec)
        if not isinstance(got, RawSubmission):
            raise TypeError(f"read() returned {type(got).__name__}, not Grid or RawSubmission")
    return got


def _require_regular_file(path: Path) -> None:
    """A FIFO, socket or device would block or never end: refuse it before any reader opens it."""
    import os
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise CchcError.make("file-unreadable", location=Location(file=str(path)), file=str(path), error=os_error(exc)) from None
    if not stat.S_ISREG(mode):
        raise CchcError.make("file-not-regular", location=Location(file=str(path)), file=str(path))


def resolve_metadata(
    raw: RawSubmission, compiled: CompiledSpec, level: Optional[str], period: Optional[str], unit: Optional[str]
) -> tuple[str, Optional[str], Optional[str]]:
    """Options first, then what the file says; level must be one of the spec's."""
    spec = compiled.spec
    level_text = require(level or raw.level, render("meta-level", {}), "--level", raw.file)
    lv = spec.level(level_text)
    if lv is None:
        raise CchcError.make(
            "unknown-level", location=Location(file=raw.file), level=level_text, spec=spec.id, levels=", ".join(spec.level_ids())
        )
    period_text = period or raw.period
    if period:  # the officer's word: the guess from the document's date is not needed
        raw.findings = [f for f in raw.findings if f.code != "period-from-date"]
    canonical = None
    if period_text:
        canonical = normalise_period(period_text)
        if canonical is None:
            raise CchcError.make("invalid-period", location=Location(file=raw.file), period=period_text)
    else:
        require(None, render("meta-period", {}), render("meta-period-option", {}), raw.file)
    return lv.id, canonical, unit or raw.unit


def read_submission(
    path: Path,
    compiled: CompiledSpec,
    level: Optional[str] = None,
    period: Optional[str] = None,
    unit: Optional[str] = None,
    host: Optional[plugins.PluginHost] = None,
) -> Submission:
    raw = read_raw(path, spec=compiled, host=host)
    level_id, period_c, unit_c = resolve_metadata(raw, compiled, level, period, unit)
    raw.period, raw.unit = period_c, unit_c
    return map_submission(raw, compiled, level_id)


def compute_file(
    compiled: CompiledSpec,
    path: Path,
    level: Optional[str] = None,
    period: Optional[str] = None,
    unit: Optional[str] = None,
    host: Optional[plugins.PluginHost] = None,
) -> Result:
    from .engine import run

    return run(compiled, read_submission(path, compiled, level, period, unit, host=host), host=host)


# Writing lives in output.py; these names stay importable from here.
from .output import choose_format, get_writer, write_result  # noqa: E402,F401


def format_for(out: Optional[Path], fmt: Optional[str], command: str = "compute") -> str:
    return choose_format(command, out, fmt)
