"""The I/O edge of `cchc aggregate`: read many submissions into small UnitResults.

Every file is read, mapped and validated by a ``Session`` (the caller's, given to each
worker process of a ``ProcessPoolExecutor`` when it starts); files go out in batches and
only a compact tuple per file travels back — metadata, the values already packed
as bytes, the error findings as dicts (see "the worker protocol" below). The parent
rebuilds a small ``UnitResult`` per file, in file order, through a bounded window
of pending batches, and hands it to ``aggregate.Compiler``: memory stays flat
however many workbooks there are.

A JSON Result written by ``cchc compute -f json`` or ``cchc aggregate -f json``
is accepted as a unit too (a district compiled from its communes): it is
already validated and computed, and a compiled one holds counts where a
submission holds coded answers, so it is loaded as a Result, not re-read as a
submission through a reader.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Optional

from .aggregate import PackedValues, UnitResult, value_positions
from ..flow.findings import CchcError, Finding, Location
from ..text.messages import render, said, set_lang
from ..flow.result import Result

if TYPE_CHECKING:
    from ..plugins.host import PluginHost
    from ..session import Session
    from .unitcache import UnitCache

MAX_RESULT_JSON = 20 * 1024 * 1024


def expand_paths(paths: Iterable[Path], host: "PluginHost") -> list[str]:
    """Files as given; directories give every file a reader accepts by suffix, sorted
    (as ``sorted(dir.rglob("*"))`` orders paths: by their parts), hidden files and
    Office lock files (``~$``) left out. The suffixes are those of ``host``'s readers.

    As str, and walked without a Path per file: the parent of a country's
    compilation holds thousands of them, and Path objects cost several times more."""
    suffixes = {s.lower() for r in host.readers.all() for s in getattr(r.item, "suffixes", ())}
    out: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            _walk(os.fspath(p), suffixes, out)
        else:
            out.append(os.fspath(p))
    return out


def _walk(folder: str, suffixes: set[str], out: list[str]) -> None:
    """Depth first, each folder's entries by name: the order of sorting full paths by parts.
    Like ``Path.rglob``: symlinked folders are not entered, unreadable ones are skipped."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except (PermissionError, FileNotFoundError, NotADirectoryError):
        return
    for e in entries:
        try:
            if e.is_dir(follow_symlinks=False):
                _walk(e.path, suffixes, out)
            elif e.is_file() and _suffix(e.name) in suffixes and not e.name.startswith(("~$", ".")):
                out.append(e.path)
        except OSError:
            continue


def _suffix(name: str) -> str:
    """``Path(name).suffix.lower()``, without the Path."""
    i = name.rfind(".")
    return name[i:].lower() if 0 < i < len(name) - 1 else ""


# --- one file (runs in a worker) ----------------------------------------------------


class _Reading:
    """What a process reading files holds for one run: the caller's Session, the defaults
    for files that do not say their level or period, and its private folder of copies
    (``read_keyed``). One per ``read_units`` call in the caller's process; one per
    worker process of a pool, given when the pool starts it (``init_worker``)."""

    def __init__(self, session: "Session", defaults: Optional[dict] = None) -> None:
        self.session = session
        self.defaults = dict(defaults or {})
        self.positions = value_positions(session.spec)  # the order packed values are sent in
        self.copies: Optional[str] = None


# The reading of a worker process (init_worker): set only in a pool's worker processes,
# never in the process that reads with jobs=1.
_worker: Optional[_Reading] = None


def init_worker(session: "Session", defaults: Optional[dict] = None) -> None:
    """A pool worker keeps the caller's Session (under the fork start method, the very
    object with its host and plugins; under spawn, rebuilt from its settings) and the
    ``defaults`` (``level``, ``period``) for the files that do not say theirs."""
    global _worker
    _worker = _Reading(session, defaults)
    set_lang(session.lang)  # this process works for that one Session alone


def init_pool_worker(session: "Session", defaults: Optional[dict] = None) -> None:
    """A pool worker: Ctrl-C (sent to the whole terminal group) and SIGTERM/SIGHUP are the
    parent's to handle — it stops the pool and says one line; a worker printing its own
    traceback would be a second, confusing one."""
    import signal

    for name, action in (("SIGINT", signal.SIG_IGN), ("SIGTERM", _worker_stop), ("SIGHUP", _worker_stop)):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), action)
    init_worker(session, defaults)


def _worker_stop(signum: int, _frame: Any) -> None:
    """A pool worker told to stop: remove its private folder, end at once, quietly."""
    import shutil

    folder = _worker.copies if _worker is not None else None
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
    os._exit(128 + signum)


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

        from ..text.inputerrors import validation_summary

        if not isinstance(exc, ValidationError):
            raise
        # pydantic's English, said in the catalogue's words with each field's path
        raise CchcError.make(
            "file-unreadable", location=Location(file=str(path)), file=path.name,
            error=said("result-json-invalid", detail=validation_summary(exc, data)),
        ) from None


def values_and_weights(result: Result) -> tuple[dict[str, Any], dict[str, int]]:
    """What compiling takes of a Result: each figure by id, and for a compiled Result how
    many units each figure sums (its weight in an average)."""
    values: dict[str, Any] = {}
    weights: dict[str, int] = {}
    for ind in result.indicators:
        if ind.value is not None and ind.type not in ("group", "text"):
            values[ind.id] = ind.value
            if ind.units is not None:
                weights[ind.id] = ind.units
    return values, weights


def unit_from_result(result: Result, file: str) -> UnitResult:
    values, weights = values_and_weights(result)
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


def read_unit(path: Path, session: "Session", defaults: Optional[dict] = None) -> UnitResult:
    """Read, map and validate one file with ``session``; never raises (an unusable file
    is a ``problem``).

    ``defaults`` (``level``: the units' level, ``period``) stand for what a file does not
    say (no title block); a file that names no unit is sent with ``unit`` None and the
    compiler names it after the file (``aggregate-unit-from-file``).

    ``read_seconds`` / ``compute_seconds`` are CPU seconds (process time), so the
    read-versus-compute share holds on a busy machine too."""
    file = str(path)
    t0 = time.process_time()
    try:
        result = load_result_json(path) if path.is_file() else None
        if result is not None:
            unit = unit_from_result(result, file)
            unit.read_seconds = time.process_time() - t0
            return unit
        defaults = defaults or {}
        raw, level = session.read(path, default_level=defaults.get("level"), default_period=defaults.get("period"))
        t1 = time.process_time()
        unit_name, period = raw.unit, raw.period
        res = session.result(raw, level)
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


# --- the worker protocol -------------------------------------------------------------
#
# A worker sends back, per file, one tuple of plain values (no dataclass, no path: the
# parent knows which files it sent): the unit's metadata, its values already packed (the
# kind bytes and doubles of aggregate.PackedValues, as one bytes object) or, for the rare
# unit that does not pack (text values, a compiled Result's weights), a dict; its error
# findings as dicts; the timings. A batch of files is one task and one list back.

_Wire = tuple  # (unit, level, period, spec, values bytes | dict, weights, compiled, errors, warnings, problem, read s, compute s)


def to_wire(u: UnitResult, positions: dict[str, int]) -> _Wire:
    values: Any = u.values
    if not u.weights and not u.compiled:
        packed = PackedValues.pack(values, positions)
        if isinstance(packed, PackedValues):
            values = packed.to_bytes()
    return (u.unit, u.level, u.period, u.spec, values, u.weights or None, u.compiled, u.errors or None,
            u.warnings, u.problem, u.read_seconds, u.compute_seconds)


def from_wire(file: str, w: _Wire, positions: dict[str, int]) -> UnitResult:
    unit, level, period, spec, values, weights, was_compiled, errors, warnings, problem, read_s, compute_s = w
    if isinstance(values, bytes):
        values = PackedValues.from_bytes(positions, values)
    return UnitResult(file=file, unit=unit, level=level, period=period, spec=spec, values=values,
                      weights=weights or {}, compiled=was_compiled, errors=errors or [], warnings=warnings,
                      problem=problem, read_seconds=read_s, compute_seconds=compute_s)


def _read_chunk(paths: list[str], keyed: bool = False, reading: Optional[_Reading] = None) -> list[Any]:
    """Wires for ``paths`` (in a pool worker, with its ``_worker``); ``keyed`` (the parent
    caches results): (wire, sha256 of the bytes parsed) pairs, each file read once
    (``read_keyed``)."""
    reading = reading or _worker
    assert reading is not None, "init_worker runs first in every pool worker"
    if keyed:
        return [read_keyed(p, reading) for p in paths]
    return [to_wire(read_unit(Path(p), reading.session, reading.defaults), reading.positions) for p in paths]


def read_keyed(file: str, reading: _Reading) -> tuple[_Wire, Optional[bytes]]:
    """Read ``file`` once: hash that buffer and parse a private copy of it, so the digest the
    result is cached under is the digest of the very bytes parsed. A file changing while the
    run reads it (or before, after the parent looked it up) cannot file one text's result
    under another's key. A file that is not snapshotted (not regular, too large) is read as
    usual and not cached (digest None)."""
    from .unitcache import read_snapshot

    raw = read_snapshot(file)
    copy = _private_copy(file, raw, reading) if raw is not None else None
    if copy is None:
        return to_wire(read_unit(Path(file), reading.session, reading.defaults), reading.positions), None
    try:
        unit = read_unit(Path(copy), reading.session, reading.defaults)
    finally:
        try:
            os.unlink(copy)
        except OSError:
            pass
    return to_wire(_renamed(unit, copy, file), reading.positions), hashlib.sha256(raw).digest()  # type: ignore[arg-type]


def _private_copy(file: str, raw: bytes, reading: _Reading) -> Optional[str]:
    """``raw`` written to a file with the same name in this process's private directory
    (0700, in /dev/shm when there is one: no disk write), or None if that fails."""
    import tempfile

    try:
        folder = reading.copies
        if folder is None or not os.path.isdir(folder):
            shm = "/dev/shm"
            base = shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else tempfile.gettempdir()
            _remove_stale(base)
            folder = reading.copies = tempfile.mkdtemp(prefix=f"{_COPIES}{os.getpid()}-", dir=base)
            _remove_at_exit(folder)
        copy = os.path.join(folder, os.path.basename(file) or "file")
        fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        return copy
    except OSError:
        return None


_COPIES = "cchc-read-"


def _remove_stale(base: str) -> None:
    """Remove the private folders of this account's processes that are gone (a worker killed
    outright leaves its folder, empty or with the one copy it was reading)."""
    import shutil

    try:
        names = [n for n in os.listdir(base) if n.startswith(_COPIES)]
    except OSError:
        return
    for name in names:
        pid = name[len(_COPIES):].split("-", 1)[0]
        path = os.path.join(base, name)
        try:
            if not pid.isdigit() or os.lstat(path).st_uid != os.geteuid():
                continue
            os.kill(int(pid), 0)  # alive (or another account's): left alone
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except (OSError, AttributeError):
            continue


def _remove_at_exit(folder: str) -> None:
    """Remove the private folder when this process ends (a pool worker runs multiprocessing's
    finalizers, not atexit; the parent runs atexit)."""
    import atexit
    import shutil
    from multiprocessing import util

    util.Finalize(None, shutil.rmtree, args=(folder, True), exitpriority=10)
    atexit.register(shutil.rmtree, folder, True)


def _renamed(unit: UnitResult, copy: str, file: str) -> UnitResult:
    """The unit as if ``file`` itself had been read: the copy's path replaced in what it says."""
    def swap(obj: Any) -> Any:
        if isinstance(obj, str):
            return obj.replace(copy, file) if copy in obj else obj
        if isinstance(obj, dict):
            return {k: swap(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [swap(v) for v in obj]
        return obj

    unit.file = file
    if unit.errors:
        unit.errors = swap(unit.errors)
    if unit.problem:
        unit.problem = swap(unit.problem)
    return unit


# --- many files -------------------------------------------------------------------------

BATCH_MAX = 32  # files per task when there are many: ~0.3 s of work, few round trips


def batch_size(files: int, jobs: int) -> int:
    """Files per task: up to BATCH_MAX, but at least ~8 tasks per worker so the last
    ones finish together and the progress bar moves."""
    return max(1, min(BATCH_MAX, files // (jobs * 8)))


def read_units(
    paths: list[Any],
    session: "Session",
    jobs: Optional[int] = None,
    chunk: Optional[int] = None,
    on_done: Optional[Callable[[int], None]] = None,
    cache: Optional["UnitCache"] = None,
    defaults: Optional[dict] = None,
) -> Iterator[UnitResult]:
    """UnitResults in file order (``file`` a str). ``jobs`` 1 reads in this process; more
    use a process pool with at most ``4 × jobs`` batches of ``chunk`` files (default
    ``batch_size``) pending at a time. Each unit's values arrive packed
    (aggregate.PackedValues) when they are plain numbers. With a ``cache``
    (unitcache.UnitCache), a file whose result is stored is not read: its result comes
    from the cache, and what is read is stored (the caller closes the cache; its key must
    hold ``defaults``, the level and period given to files that do not say theirs). Every
    file is read with ``session`` (its spec, plugins and language), in this process or in
    the workers, which are given it when they start."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    files = [os.fspath(p) for p in paths]
    reading = _Reading(session, defaults)
    positions = reading.positions
    from concurrent.futures import ProcessPoolExecutor  # here: only a pool needs multiprocessing (start-up time)

    chunk = max(1, chunk or batch_size(len(files), jobs))
    pool = None
    if jobs > 1 and len(files) > 1:
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=init_pool_worker, initargs=(session, defaults))
    try:
        # In file order: ("hit", index, wire) or ("read", first index, keys, future | paths).
        pending: deque[tuple] = deque()
        reads = 0  # read batches in ``pending``
        served = 0  # hits handed over since the progress bar last moved
        keyed = cache is not None

        def submit(batch: list[int], keys: list[Optional[bytes]]) -> tuple:
            nonlocal reads
            reads += 1
            paths_ = [files[i] for i in batch]
            return ("read", batch[0], keys, pool.submit(_read_chunk, paths_, keyed) if pool is not None else paths_)

        def settle(item: tuple) -> Iterator[UnitResult]:
            nonlocal reads, served
            if item[0] == "hit":
                yield from_wire(files[item[1]], item[2], positions)
                served += 1
                if on_done and served >= BATCH_MAX:
                    on_done(served)
                    served = 0
                return
            reads -= 1
            _kind, start, keys, work = item
            wires = work.result() if pool is not None else _read_chunk(work, keyed, reading)
            for k, w in enumerate(wires):
                if cache is not None:
                    w, digest = w
                    # filed under the bytes the worker parsed, whatever the parent hashed to look it up
                    if keys[k] is not None and digest is not None:
                        cache.put(cache.key_of(files[start + k], digest), w)
                yield from_wire(files[start + k], w, positions)
            if on_done:
                on_done(len(wires))

        batch: list[int] = []
        keys: list[Optional[bytes]] = []
        for i, f in enumerate(files):
            key = cache.key(f) if cache is not None else None
            wire = cache.get(key) if key is not None else None  # type: ignore[union-attr]
            if wire is None:
                batch.append(i)
                keys.append(key)
                if len(batch) < chunk:
                    continue
            if batch and (wire is not None or len(batch) >= chunk):
                pending.append(submit(batch, keys))  # a batch is a run of consecutive files
                batch, keys = [], []
            if wire is not None:
                pending.append(("hit", i, wire))
            # Hand over what is ready, in order; wait for a batch only when enough are in flight.
            while pending and (pending[0][0] == "hit" or pool is None or reads >= 4 * jobs or len(pending) > 256):
                yield from settle(pending.popleft())
        if batch:
            pending.append(submit(batch, keys))
        while pending:
            yield from settle(pending.popleft())
        if served and on_done:
            on_done(served)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if reading.copies:  # this process's private copies (jobs 1 with a cache)
            import shutil

            shutil.rmtree(reading.copies, ignore_errors=True)
