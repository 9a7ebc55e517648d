"""The reading edge: choose a reader, read a file, settle its level, period and unit.

    spec (registry) → reader (plugin) → Grid → layout → RawSubmission → mapping → Submission
        → engine.run → Result → writer (plugin) → atomic file / stdout

The whole flow from a file to a Result is ``Session`` (session.py); these are its first steps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from .findings import CchcError, Finding, Location
from .grid import Grid
from .layout import layout
from .messages import os_error, render, said
from .plugins.host import PluginHost
from .spec.runtime import CompiledSpec
from .submission import RawSubmission, normalise_period, require


def pick_reader(path: Path, host: PluginHost) -> Any:
    """A plugin's choose_reader first, then the reader of the suffix when its sniff agrees,
    else the reader whose sniff recognises the content, else by suffix.

    The one place a file's format is decided: readers never hand a file to each other.
    Two readers claiming the suffix: the first registered reads it, and a warning names
    both (``cchc plugins`` lists them too)."""
    regs = host.readers.all()
    readers = [r.item for r in regs]
    chosen = host.call_first("choose_reader", path=str(path), readers=readers)
    if chosen is not None:
        return chosen
    suffix = path.suffix.lower()
    claiming = [r for r in regs if suffix in getattr(r.item, "suffixes", ())]
    if len(claiming) > 1:
        first, second = claiming[0], claiming[1]
        host.note(
            Finding.make(
                "reader-suffix-clash", "warning", suffix=suffix, first=first.name, first_plugin=first.plugin,
                second=second.name, second_plugin=second.plugin,
            ),
            second.plugin,
        )
    if claiming:
        # The content decides when it is another format's under this suffix (an .xlsx saved
        # as .xls, an .ods named .xlsx): readers never hand a file on to each other.
        if _agrees(claiming[0].item, path):
            return claiming[0].item
        for reg in regs:
            if reg not in claiming and host.sniff(reg.item, path):
                return reg.item
        return claiming[0].item  # its read says what is wrong with the file
    for reader in readers:
        if host.sniff(reader, path):
            return reader
    raise CchcError.make(
        "no-reader", location=Location(file=str(path)), file=path.name, readers=", ".join(r.name for r in regs) or said("none-installed")
    )


def _agrees(reader: Any, path: Path) -> bool:
    """The suffix's reader's sniff; one that raises is taken as yes: its read says what is
    wrong (the reader is the suffix's own choice, so no warning about its sniff)."""
    try:
        return bool(reader.sniff(path))
    except Exception:
        return True


def read_raw(
    path: Path, options: Optional[dict] = None, spec: Optional[CompiledSpec] = None, host: Optional[PluginHost] = None
) -> RawSubmission:
    """Read ``path`` with its reader; a Grid goes through the layout stage (with ``spec`` when
    known). Readers come from ``host`` (without one, the built-in readers)."""
    path = Path(path)  # a str from an in-process caller too
    if not path.exists():
        raise CchcError.make("file-not-found", location=Location(file=str(path)), file=str(path))
    if path.is_dir():
        raise CchcError.make("file-unreadable", location=Location(file=str(path)), file=str(path), error=said("is-a-directory"))
    _require_regular_file(path)
    host = host or PluginHost.builtins_only()
    reader = pick_reader(path, host)
    # A plugin reader that raises makes the file unusable (exit 2), naming the plugin.
    with host.guard(reader, host.readers, "plugin-read-failed", location=Location(file=str(path)),
                    file=path.name, reader=getattr(reader, "name", "?")):
        got = reader.read(path, options or {})
        # inside the guard: a plugin's malformed grid or wrong return type is that plugin's failure
        if isinstance(got, Grid):
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
