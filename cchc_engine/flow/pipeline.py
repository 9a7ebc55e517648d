"""The reading edge: choose a reader, read a file, settle its level, period and unit.

    spec (registry) → reader (plugin) → Grid → layout → RawSubmission → mapping → Submission
        → engine.run → Result → writer (plugin) → atomic file / stdout

The whole flow from a file to a Result is ``Session`` (session.py); these are its first steps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

from .findings import CchcError, Finding, Location
from .grid import Grid
from .layout import layout
from ..text.messages import os_error, render, said
from ..plugins.host import PluginHost
from ..spec.runtime import CompiledSpec
from .submission import RawSubmission, Submission, normalise_period, require


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


class Document:
    """A file read once: its reader's ``Grid`` (laid out again for each spec asked about)
    or the ``RawSubmission`` a plain reader gave.

    Choosing a spec from what the document says needs its titles before any spec is
    known (``layout(grid, None)``) and then the layout for the spec chosen (a spec's
    section markers change where forms start): one read serves both.
    """

    def __init__(self, path: Path, got: Any, reader: Any, host: PluginHost) -> None:
        self.path, self.got, self.reader, self.host = path, got, reader, host
        self._meta: Optional[RawSubmission] = None

    def raw(self, spec: Optional[CompiledSpec] = None) -> RawSubmission:
        """The rows and metadata as ``spec`` lays them out (a fresh object each call:
        resolving metadata writes into it)."""
        if isinstance(self.got, RawSubmission):
            import copy

            return copy.deepcopy(self.got)
        path = self.path
        # a plugin's malformed grid is that plugin's failure, as when it was read
        with self.host.guard(self.reader, self.host.readers, "plugin-read-failed", location=Location(file=str(path)),
                             file=path.name, reader=getattr(self.reader, "name", "?")):
            return layout(self.got, spec)

    def metadata(self) -> RawSubmission:
        """What the document says of itself (unit, level, period, spec) before any spec is chosen."""
        if self._meta is None:
            self._meta = self.raw(None)
        return self._meta


def read_document(path: Path, options: Optional[dict] = None, host: Optional[PluginHost] = None) -> Document:
    """Read ``path`` with its reader, once; ``Document.raw(spec)`` lays it out."""
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
        # inside the guard: a plugin's wrong return type is that plugin's failure
        if not isinstance(got, (Grid, RawSubmission)):
            raise TypeError(f"read() returned {type(got).__name__}, not Grid or RawSubmission")
    return Document(path, got, reader, host)


def read_raw(
    path: Path, options: Optional[dict] = None, spec: Optional[CompiledSpec] = None, host: Optional[PluginHost] = None
) -> RawSubmission:
    """Read ``path`` with its reader; a Grid goes through the layout stage (with ``spec`` when
    known). Readers come from ``host`` (without one, the built-in readers)."""
    doc = read_document(path, options, host)
    if isinstance(doc.got, RawSubmission):
        return doc.got
    return doc.raw(spec)


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
    raw: RawSubmission,
    compiled: CompiledSpec,
    level: Optional[str],
    period: Optional[str],
    unit: Optional[str],
    *,
    default_level: Optional[str] = None,
    default_period: Optional[str] = None,
    installed_years: Optional[Callable[[], set[int]]] = None,
) -> tuple[str, Optional[str], Optional[str]]:
    """Options first, then what the file says, then the defaults; level must be one of the spec's.

    ``default_level`` / ``default_period`` serve a file that does not say (``cchc
    aggregate``'s --units-level and --period). A spec with one level needs no level at
    all. An option or a spec that contradicts the document is a warning naming both
    (``metadata.contradictions``); ``installed_years`` (the years of the installed
    specs, asked only when the report's year is after the spec's) lets it say that a
    spec of the report's own year exists.
    """
    from .metadata import contradictions

    spec = compiled.spec
    level_text = level or raw.level or default_level
    if not level_text and len(spec.levels) == 1:
        level_text = spec.levels[0].id  # a one-level spec: nothing to ask
    level_text = require(level_text, render("meta-level", {}), "--level", raw.file)
    lv = spec.level(level_text)
    if lv is None:
        raise CchcError.make(
            "unknown-level", location=Location(file=raw.file), level=level_text, spec=spec.id, levels=", ".join(spec.level_ids())
        )
    dated = any(f.code == "period-from-date" for f in raw.findings)
    raw.findings.extend(contradictions(raw, compiled, period, dated=dated, installed_years=installed_years))
    if dated and default_period:
        # a period guessed from the date the letter was signed is not the document saying it
        period = period or default_period
    period_text = period or raw.period or default_period
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


def prepare(
    path: Path,
    compiled: Optional[CompiledSpec] = None,
    level: Optional[str] = None,
    period: Optional[str] = None,
    unit: Optional[str] = None,
    host: Optional[PluginHost] = None,
    mapper: Any = None,
    on_choice: Optional[Callable[[Any], None]] = None,
) -> tuple[CompiledSpec, Submission]:
    """Read and map ``path``: the spec it was mapped with and the Submission.

    Without ``compiled`` the spec is chosen from what the document says
    (``metadata.choose_spec``: its year, its level, then how well its rows match), and
    the choice is the Submission's first finding (``spec-inferred``, info), also given to
    ``on_choice`` as soon as it is made (the CLI says it before anything else can fail).
    ``mapper`` (a ``Mapper`` or a callable ``(compiled, level) -> Mapper``) reuses lookups
    across files.
    """
    from .mapping import map_submission
    from .metadata import choose_spec, installed_years

    doc = read_document(path, host=host)
    host = doc.host
    chosen: list = []
    if compiled is None:
        compiled, note = choose_spec(doc, level=level, period=period)
        chosen.append(note)
        if on_choice is not None:
            on_choice(note)
    raw = doc.raw(compiled)
    level_id, period_c, unit_c = resolve_metadata(
        raw, compiled, level, period, unit, installed_years=lambda: installed_years(host)
    )
    raw.period, raw.unit = period_c, unit_c
    raw.findings[:0] = chosen
    if callable(mapper):
        mapper = mapper(compiled, level_id)
    return compiled, map_submission(raw, compiled, level_id, mapper)
