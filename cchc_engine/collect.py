"""The I/O edge of `cchc aggregate`: read many submissions into small UnitResults.

Every file is read, mapped and validated by the engine in a worker process
(``ProcessPoolExecutor``); only a ``UnitResult`` — metadata, ``{indicator: value}``
and the error findings as dicts — travels back, so memory stays flat however
many workbooks there are. Results come back in file order through a bounded
window of pending tasks.

A JSON Result written by ``cchc compute -f json`` or ``cchc aggregate -f json``
is accepted as a unit too (a district compiled from its communes): it is
already validated and computed, and a compiled one holds counts where a
submission holds coded answers, so it is loaded as a Result, not re-read as a
submission through a reader.
"""

from __future__ import annotations

import json
import os
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

from . import plugins
from .aggregate import UnitResult
from .findings import CchcError, Finding, Location
from .messages import render
from .result import Result
from .spec.runtime import CompiledSpec

MAX_RESULT_JSON = 20 * 1024 * 1024


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; directories give every file a reader accepts by suffix, sorted."""
    suffixes = {s.lower() for r in plugins.readers.all() for s in getattr(r.item, "suffixes", ())}
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes and not f.name.startswith(("~$", "."))))
        else:
            out.append(p)
    return out


# --- one file (runs in a worker) ----------------------------------------------------

_state: dict[str, Any] = {}


def init_worker(spec_name: str, lang: str, host_settings: Optional[dict] = None) -> None:
    """Per process: resolve the spec once, keep one Mapper per level."""
    from .messages import set_lang
    from .spec.registry import resolve

    set_lang(lang)
    if host_settings is not None and not plugins.has_host():
        # A spawned worker (Windows, macOS) gets the parent's plugins: --plugins-dir, --strict-plugins.
        plugins.set_host(plugins.PluginHost(**host_settings))
    _state.clear()
    _state["compiled"] = resolve(spec_name)
    _state["mappers"] = {}


def load_result_json(path: Path) -> Optional[Result]:
    """A JSON Result (has version, spec, level and indicators), else None."""
    if path.suffix.lower() != ".json" or path.stat().st_size > MAX_RESULT_JSON:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, OSError):
        return None
    if not (isinstance(data, dict) and {"version", "spec", "level", "indicators"} <= data.keys()):
        return None
    try:
        return Result.from_dict(data)
    except ValueError as exc:
        from pydantic import ValidationError  # imported by from_dict already

        from .inputerrors import validation_summary

        if not isinstance(exc, ValidationError):
            raise
        # pydantic's English, said in the catalogue's words with each field's path
        raise CchcError.make(
            "file-unreadable", location=Location(file=str(path)), file=path.name,
            error=render("result-json-invalid", {"detail": validation_summary(exc, data)}),
        ) from None


def unit_from_result(result: Result, file: str) -> UnitResult:
    values, weights = {}, {}
    for ind in result.indicators:
        if ind.value is not None and ind.type not in ("group", "text"):
            values[ind.id] = ind.value
            if ind.units is not None:
                weights[ind.id] = ind.units
    return UnitResult(
        file=file,
        unit=result.unit,
        level=result.level,
        period=result.period,
        spec=result.spec,
        values=values,
        weights=weights,
        compiled="aggregate" in result.extra,
        errors=[f.to_dict() for f in result.findings if f.severity == "error"],
        warnings=sum(1 for f in result.findings if f.severity == "warning"),
    )


def read_unit(path: Path, compiled: Optional[CompiledSpec] = None) -> UnitResult:
    """Read, map and validate one file; never raises (an unusable file is a ``problem``).

    ``read_seconds`` / ``compute_seconds`` are CPU seconds (process time), so the
    read-versus-compute share holds on a busy machine too."""
    from .engine import run
    from .mapping import Mapper, map_submission
    from .pipeline import read_raw, resolve_metadata

    compiled = compiled or _state["compiled"]
    mappers: dict[str, Mapper] = _state.setdefault("mappers", {}) if compiled is _state.get("compiled") else {}
    file = str(path)
    t0 = time.process_time()
    try:
        result = load_result_json(path) if path.is_file() else None
        if result is not None:
            unit = unit_from_result(result, file)
            unit.read_seconds = time.process_time() - t0
            return unit
        raw = read_raw(path, spec=compiled)
        t1 = time.process_time()
        level, period, unit_name = resolve_metadata(raw, compiled, None, None, None)
        if not unit_name:
            raise CchcError.make(
                "missing-metadata", location=Location(file=file), what=render("meta-unit", {}), option=render("meta-unit-option", {})
            )
        raw.period, raw.unit = period, unit_name
        mapper = mappers.get(level) or mappers.setdefault(level, Mapper(compiled, level))
        res = run(compiled, map_submission(raw, compiled, level, mapper))
        t2 = time.process_time()
    except CchcError as exc:
        return UnitResult(file=file, problem=exc.findings[0].to_dict(), read_seconds=time.process_time() - t0)
    except Exception as exc:  # a corrupt file is a finding for that file; the run goes on
        f = Finding.make("file-unreadable", "error", location=Location(file=file), file=path.name, error=f"{type(exc).__name__}: {exc}")
        return UnitResult(file=file, problem=f.to_dict(), read_seconds=time.process_time() - t0)
    values = {
        ind.id: ind.value for ind in res.indicators if ind.value is not None and ind.type not in ("group", "text")
    }
    return UnitResult(
        file=file,
        unit=unit_name,
        level=level,
        period=period,
        spec=raw.spec,
        values=values,
        errors=[f.to_dict() for f in res.findings if f.severity == "error"],
        warnings=res.stats.warnings,
        read_seconds=t1 - t0,
        compute_seconds=t2 - t1,
    )


def _read_chunk(paths: list[str]) -> list[UnitResult]:
    return [read_unit(Path(p)) for p in paths]


# --- many files -------------------------------------------------------------------------


def read_units(
    paths: list[Path],
    spec_name: str,
    lang: str,
    jobs: Optional[int] = None,
    chunk: int = 8,
    on_done: Optional[Callable[[int], None]] = None,
) -> Iterator[UnitResult]:
    """UnitResults in file order. ``jobs`` 1 reads in this process; more use a process pool
    with at most ``4 × jobs`` chunks of ``chunk`` files pending at a time. Each unit's
    values arrive packed (aggregate.PackedValues): the caller holds thousands of them."""
    from .aggregate import PackedValues, value_positions

    jobs = max(1, jobs or os.cpu_count() or 1)
    positions: dict[str, int] = {}

    def packed(u: UnitResult) -> UnitResult:
        u.values = PackedValues.pack(u.values, positions)
        return u

    if jobs == 1 or len(paths) <= 1:
        init_worker(spec_name, lang)
        positions.update(value_positions(_state["compiled"]))
        for p in paths:
            yield packed(read_unit(p))
            if on_done:
                on_done(1)
        return
    from .spec.registry import resolve

    positions.update(value_positions(resolve(spec_name)))
    chunk = max(1, min(chunk, len(paths) // (jobs * 2) or 1))
    chunks = [[str(p) for p in paths[i : i + chunk]] for i in range(0, len(paths), chunk)]
    settings = plugins.get_host().settings()
    with ProcessPoolExecutor(max_workers=jobs, initializer=init_worker, initargs=(spec_name, lang, settings)) as pool:
        pending: deque[Future] = deque()
        it = iter(chunks)
        for c in it:
            pending.append(pool.submit(_read_chunk, c))
            if len(pending) >= 4 * jobs:
                break
        while pending:
            done = pending.popleft().result()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(pool.submit(_read_chunk, nxt))
            for u in done:
                yield packed(u)
            if on_done:
                on_done(len(done))
