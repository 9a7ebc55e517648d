"""A Session: everything one run needs, held by the caller instead of by the process.

    session = Session.open("2023", lang="vi")
    result = session.compute("bao-cao.xlsx", level="huyen", period="2023-Q3")

A Session owns the compiled spec, the plugin host, the language and the per-level
mappers and plans, and it is the one path from a file to a ``Result`` for the CLI, the
aggregate workers, the testing kit, the store and the web server: read (the host's
reader, the layout stage), map, ``engine.run`` (pure), then the plugins' checks
(``check``). Two Sessions in one process (different specs, languages, plugins) give the
results each gives alone: the host is passed to every step that needs one (there is no
process-wide host), nothing they use lives at module level, and the language is set only
inside a copy of the caller's context, so a server thread handling an English request
never changes a Vietnamese one.

Design notes are in docs/architecture.md ("The Session").
"""

from __future__ import annotations

import contextvars
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Optional, Sequence, TypeVar, Union

from .flow.engine import LevelPlan, run
from .flow.findings import Finding
from .text.lang import LANGS, set_lang
from .flow.mapping import Mapper, map_submission
from .flow.pipeline import read_raw, resolve_metadata
from .plugins.host import PluginHost
from .spec.registry import resolve
from .spec.runtime import CompiledSpec

if TYPE_CHECKING:
    from .compile.aggregate import UnitResult
    from .flow.result import Result
    from .flow.submission import RawSubmission, Submission

T = TypeVar("T")

# Suffixes a received file may keep when it is written to a private temporary file
# (the reader is chosen by suffix); anything else is sniffed from the content.
_SAFE_SUFFIX_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


@dataclass(eq=False)
class Session:
    """The spec, the plugin host and the language of a run, and what is built from them once.

    ``spec`` is a compiled spec (``Session.open`` resolves an id, a year or a path with
    the Session's own host). ``mappers`` and ``plans`` are made on first use, one per
    level, and kept for the Session's life: an aggregate worker or a server reuses them
    for every file.
    """

    spec: "CompiledSpec"
    host: "PluginHost"
    lang: str = "vi"
    mappers: dict[str, "Mapper"] = field(default_factory=dict, repr=False)
    plans: dict[str, "LevelPlan"] = field(default_factory=dict, repr=False)
    # files this Session's spec was chosen for (for_document): the choice, said in their results
    inferred: dict[str, "Finding"] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise ValueError(f"lang must be one of {LANGS}, not {self.lang!r}")

    def __reduce__(self) -> Any:
        # A spawned worker process gets the spec, the language and a host made with the
        # same settings (plugins registered by hand on this host do not travel).
        return (_rebuilt, (self.spec, self.lang, self.host.settings()))

    # --- making one ---------------------------------------------------------------

    @classmethod
    def open(
        cls,
        spec: Union[str, os.PathLike, "CompiledSpec"],
        *,
        lang: str = "vi",
        host: Optional["PluginHost"] = None,
        plugins_dirs: Sequence[Union[str, os.PathLike]] = (),
        entry_points: bool = True,
        strict_plugins: bool = False,
    ) -> "Session":
        """A Session for ``spec`` (a compiled spec, an id such as ``2023``, or a YAML path).

        Without ``host`` a new plugin host is made for this Session alone (installed
        plugins unless ``entry_points=False``, plus ``plugins_dirs``).
        """
        if host is None:
            host = PluginHost(entry_points=entry_points, plugins_dirs=tuple(plugins_dirs), strict=strict_plugins)
        if not isinstance(spec, CompiledSpec):
            name = os.fspath(spec)
            spec = _in_context(lang, lambda: resolve(name, host))
        return cls(spec=spec, host=host, lang=lang)

    @classmethod
    def for_document(
        cls,
        path: Union[str, os.PathLike],
        *,
        level: Optional[str] = None,
        period: Optional[str] = None,
        lang: str = "vi",
        host: Optional["PluginHost"] = None,
        plugins_dirs: Sequence[Union[str, os.PathLike]] = (),
        entry_points: bool = True,
        strict_plugins: bool = False,
    ) -> "Session":
        """A Session for the installed spec the document at ``path`` follows: the one of the
        year its title states that fits its level (``metadata.choose_spec``, among the
        specs ``host`` knows). Its ``compute(path)`` says which was chosen (an info finding
        ``spec-inferred``). Raises ``CchcError`` (exit 2) listing the candidates when none
        or several fit.
        """
        if host is None:
            host = PluginHost(entry_points=entry_points, plugins_dirs=tuple(plugins_dirs), strict=strict_plugins)
        chosen_host = host
        compiled, note = _in_context(
            lang, lambda: choose_spec_for(Path(path), level=level, period=period, host=chosen_host)
        )
        session = cls(spec=compiled, host=host, lang=lang)
        session.inferred[os.path.abspath(path)] = note
        return session

    # --- one file -------------------------------------------------------------------

    def compute(
        self,
        path: Union[str, os.PathLike],
        *,
        level: Optional[str] = None,
        period: Optional[str] = None,
        unit: Optional[str] = None,
        earlier: Optional[Callable[[Optional[str], Optional[str]], Any]] = None,
    ) -> "Result":
        """Read, map, validate and compute one file: what ``cchc compute`` reports.

        ``earlier(unit, period)`` gives the unit's other periods from a store
        (``{period: {indicator: value}}``) for the spec's checks across periods
        (periods.py); without it they are skipped with one info.
        Raises ``CchcError`` (exit code 2) when the file or the call is unusable.
        """

        def compute_now() -> "Result":
            file = Path(path)
            raw, level_id = self.read(file, level=level, period=period, unit=unit, contradictions=True)
            note = self.inferred.get(os.path.abspath(file))
            if note is not None:
                raw.findings.insert(0, note)
            return self.result(raw, level_id, earlier=earlier)

        return self.run(compute_now)

    def compute_bytes(
        self,
        data: bytes,
        filename: str,
        *,
        level: Optional[str] = None,
        period: Optional[str] = None,
        unit: Optional[str] = None,
        earlier: Optional[Callable[[Optional[str], Optional[str]], Any]] = None,
    ) -> "Result":
        """``compute`` for bytes received from elsewhere (an upload, a database row).

        The bytes go to a file in a private (0700) temporary folder, named only by a
        safe suffix taken from ``filename``: a received name never becomes a path. The
        result's ``file`` is ``filename`` (as text, for display), never the temp path.
        """
        suffix = safe_suffix(filename)
        with tempfile.TemporaryDirectory(prefix="cchc-upload-") as folder:
            os.chmod(folder, 0o700)
            path = Path(folder) / f"upload{suffix}"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            result = self.compute(path, level=level, period=period, unit=unit, earlier=earlier)
        _rename_file(result, str(path), filename)
        return result

    # --- the steps of one file (the aggregate workers time them apart) -----------------

    def read(
        self,
        path: Path,
        *,
        level: Optional[str] = None,
        period: Optional[str] = None,
        unit: Optional[str] = None,
        default_level: Optional[str] = None,
        default_period: Optional[str] = None,
        contradictions: bool = False,
    ) -> tuple["RawSubmission", str]:
        """The file read by its reader (and the layout stage), with its level, period and
        unit settled: the options first, then what the file says, then the defaults
        (``cchc aggregate``'s for files that do not say theirs). (raw, level id).

        A spec or option that contradicts the document is a warning in the raw findings;
        ``contradictions`` (``compute``) also lets it name an installed spec of the
        report's own year when this one is older."""
        from .flow.metadata import installed_years

        host = self.host
        raw = read_raw(path, spec=self.spec, host=host)
        level_id, period_c, unit_c = resolve_metadata(
            raw, self.spec, level, period, unit, default_level=default_level, default_period=default_period,
            installed_years=(lambda: installed_years(host)) if contradictions else None,
        )
        raw.period, raw.unit = period_c, unit_c
        return raw, level_id

    def result(self, raw: "RawSubmission", level: str, *, earlier: Any = None) -> "Result":
        """A read file mapped onto the spec, validated and computed (engine.run, pure;
        ``earlier`` as in ``compute``), then checked by the plugins (``check``)."""
        return self.computed(map_submission(raw, self.spec, level, self.mapper(level)), earlier=earlier)

    def mapper(self, level: str) -> "Mapper":
        """This Session's Mapper for ``level``, made on first use."""
        mapper = self.mappers.get(level)
        if mapper is None:
            mapper = self.mappers[level] = Mapper(self.spec, level)
        return mapper

    def computed(self, sub: "Submission", *, earlier: Any = None) -> "Result":
        """A mapped submission validated and computed (engine.run, pure, with this
        Session's plan for its level), then checked by the plugins (``check``)."""
        plan = self.plans.get(sub.level)
        if plan is None:
            plan = self.plans[sub.level] = LevelPlan(self.spec, sub.level)
        return self.check(run(self.spec, sub, plan=plan, earlier=earlier))

    def check(self, result: "Result") -> "Result":
        """Add the plugins' ``check_result`` findings to ``result`` (a plugin that raises
        or returns something else is a ``plugin-failed``/``plugin-bad-return`` finding),
        and one ``plugin-not-loaded`` finding per plugin that failed to load, since its
        checks are missing from this result (errors under ``strict_plugins``)."""
        host = self.host
        host.load()
        severity = "error" if host.strict else "warning"
        result.findings.extend(
            Finding.make("plugin-not-loaded", severity, plugin=name, error=error)  # type: ignore[arg-type]
            for name, error in host.unloaded.items()
        )
        result.findings.extend(host.check_result(result, self.spec))
        return result.finish()

    # --- many units -------------------------------------------------------------------

    def compile(
        self,
        units: Iterable["UnitResult"],
        *,
        level: str,
        unit: str,
        period: Optional[str] = None,
        units_level: Optional[str] = None,
        skip_invalid: bool = False,
    ) -> "Result":
        """One compiled Result for ``unit`` at ``level`` from the units' results (values
        already read: from files, from a store). See ``aggregate.compile_units``."""
        from .compile.aggregate import compile_units  # here: `cchc compute` never compiles (start-up time)

        return self.run(
            lambda: self.check(
                compile_units(self.spec, level, unit, period, units, units_level=units_level, skip_invalid=skip_invalid)
            )
        )

    def aggregate(
        self,
        paths: Iterable[Union[str, os.PathLike]],
        *,
        level: str,
        unit: str,
        period: Optional[str] = None,
        units_level: Optional[str] = None,
        skip_invalid: bool = False,
    ) -> "Result":
        """Read every file (folders give the files a reader takes) in this process and
        compile them: what ``cchc aggregate`` reports, without its worker pool. A file
        that does not say its level or period is taken to be of ``units_level`` (the
        level below ``level`` when not given) and ``period``."""
        from .compile.aggregate import below, compile_units  # here: `cchc compute` never compiles (start-up time)
        from .compile.collect import expand_paths, read_unit
        from .flow.findings import CchcError
        from .flow.submission import normalise_period

        def compile_all() -> "Result":
            spec = self.spec.spec
            lv = spec.level(level)
            if lv is None:
                raise CchcError.make("unknown-level", level=level, spec=spec.id, levels=", ".join(spec.level_ids()))
            ulv = spec.level(units_level) if units_level else None
            defaults = {"level": ulv.id if ulv is not None else below(self.spec, lv.id),
                        "period": normalise_period(period) if period else None}
            files = expand_paths([Path(p) for p in paths], self.host)
            units = (read_unit(Path(f), self, defaults) for f in files)
            return self.check(
                compile_units(self.spec, lv.id, unit, defaults["period"], units,
                              units_level=ulv.id if ulv is not None else None, skip_invalid=skip_invalid)
            )

        return self.run(compile_all)

    def unit_result(self, result: "Result", file: str = "") -> "UnitResult":
        """What compiling needs of a computed Result (values, weights, error findings)."""
        from .compile.collect import unit_from_result  # here: `cchc compute` never compiles (start-up time)

        return unit_from_result(result, file or (result.file or ""))

    # --- the context ----------------------------------------------------------------

    def run(self, fn: Callable[[], T]) -> T:
        """Call ``fn`` with this Session's language in force, in a copy of the caller's
        context: nothing the call sets is seen by the caller or another thread. (The
        host and the spec are never ambient: every step is given them.)"""
        return _in_context(self.lang, fn)


def _rebuilt(spec: "CompiledSpec", lang: str, settings: dict) -> Session:
    return Session(spec=spec, host=PluginHost(**settings), lang=lang)


def _in_context(lang: str, fn: Callable[[], T]) -> T:
    def call() -> T:
        set_lang(lang)
        return fn()

    return contextvars.copy_context().run(call)


def choose_spec_for(
    path: Path, *, level: Optional[str] = None, period: Optional[str] = None, host: Optional["PluginHost"] = None
) -> tuple["CompiledSpec", "Finding"]:
    """The installed spec a document follows, and the finding saying which (``metadata.choose_spec``)."""
    from .flow.metadata import choose_spec
    from .flow.pipeline import read_document

    return choose_spec(read_document(path, host=host), level=level, period=period)


def compute_file(
    compiled: Optional["CompiledSpec"],
    path: Union[str, os.PathLike],
    level: Optional[str] = None,
    period: Optional[str] = None,
    unit: Optional[str] = None,
    host: Optional["PluginHost"] = None,
) -> "Result":
    """One file through a Session of its own, in the caller's language (scripts, tests);
    without ``host``, the built-in plugins only; ``compiled`` None: the spec the document
    says (``Session.for_document``)."""
    from .text.lang import get_lang

    host = host or PluginHost.builtins_only()
    if compiled is None:
        session = Session.for_document(path, level=level, period=period, lang=get_lang(), host=host)
    else:
        session = Session(spec=compiled, host=host, lang=get_lang())
    return session.compute(path, level=level, period=period, unit=unit)


def safe_suffix(filename: str) -> str:
    """``.xlsx`` from ``Báo cáo Q3 (bản cuối).XLSX``; '' when the name has no plain suffix."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    dot = base.rfind(".")
    if dot <= 0:
        return ""
    suffix = base[dot + 1 :].lower()
    if not suffix or len(suffix) > 8 or not set(suffix) <= _SAFE_SUFFIX_CHARS:
        return ""
    return "." + suffix


def _rename_file(result: "Result", temp_path: str, shown: str) -> None:
    """Findings located in the temporary copy name the file as the sender named it."""
    result.file = shown
    for f in result.findings:
        if f.location is not None and f.location.file == temp_path:
            f.location.file = shown
    for ind in result.indicators:
        loc = getattr(ind, "location", None)
        if loc is not None and getattr(loc, "file", None) == temp_path:
            loc.file = shown


# --- the one-call library API (cchc_engine.api.compute / aggregate) ----------------------


def compute(
    path: Union[str, os.PathLike],
    *,
    spec: Union[str, os.PathLike, "CompiledSpec", None] = None,
    level: Optional[str] = None,
    period: Optional[str] = None,
    unit: Optional[str] = None,
    lang: str = "vi",
    host: Optional["PluginHost"] = None,
) -> "Result":
    """Check and compute one report, as ``cchc compute`` does; a Session of its own.
    ``spec`` None: the installed spec the document's year and level say (``Session.for_document``).

        >>> from cchc_engine import api
        >>> result = api.compute("examples/lam-thao-2023-q3.xlsx", spec="2023")
        >>> result.valid, result.period
        (False, '2023-Q3')
    """
    if spec is None:
        session = Session.for_document(path, level=level, period=period, lang=lang, host=host)
    else:
        session = Session.open(spec, lang=lang, host=host)
    return session.compute(path, level=level, period=period, unit=unit)


def aggregate(
    paths: Iterable[Union[str, os.PathLike]],
    *,
    spec: Union[str, os.PathLike, "CompiledSpec"],
    level: str,
    unit: str,
    period: Optional[str] = None,
    units_level: Optional[str] = None,
    lang: str = "vi",
    host: Optional["PluginHost"] = None,
) -> "Result":
    """Compile the reports of the units below ``unit``, as ``cchc aggregate`` does."""
    return Session.open(spec, lang=lang, host=host).aggregate(
        paths, level=level, unit=unit, period=period, units_level=units_level
    )
