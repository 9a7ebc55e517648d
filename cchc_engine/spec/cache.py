"""The compiled-spec cache: a spec compiles once, then loads in a millisecond.

An entry is the runtime form of a compiled spec (``spec/runtime.py``: plain
objects, so loading it imports no pydantic) with the problems found, pickled to
``<cache dir>/<key>.pickle``. The cache directory is ``$CCHC_CACHE_DIR``, else
``$XDG_CACHE_HOME/cchc-engine``, else ``~/.cache/cchc-engine``; deleting it is
always safe, and it never holds more than MAX_ENTRIES entries.

Never stale: the key is the hash of the spec file's content, its path, the
message language (problems are rendered text) and the engine's fingerprint
(version, Python, and the size and time of the modules that shape a compiled
spec, so an upgrade or an edited engine misses). The entry also lists every
file read while compiling (parents through ``extends``) with the hash of its
content, and the ``extends`` chain as the spec id index resolves it: an entry
whose files changed is a miss, and so is one whose parent id now names another
file or two (a clashing file dropped into the search path): compiling then
reports the clash, exit 2, exactly as without a cache. A corrupt, unreadable or
unwritable cache is ignored: the spec is compiled as if there were no cache,
with one line on stderr only under ``--debug``.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
from pathlib import Path
from typing import Any, Callable, Optional

from .runtime import CompiledSpec, from_compiled

CACHE_FORMAT = 2  # bump when the entry's layout changes
MAX_ENTRIES = 200  # a store beyond this removes the oldest entries (edits leave old ones behind)

# Set by the CLI under --debug: receives the one line saying why the cache was ignored.
debug_log: Optional[Callable[[str], None]] = None

# What a compile is given to hear of every spec file it reads: (path, bytes).
ReadNote = Callable[[Path, bytes], None]


def cache_dir() -> Path:
    env = os.environ.get("CCHC_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "cchc-engine"


_fingerprint: Optional[str] = None


def engine_fingerprint() -> str:
    """Version, Python, and the modules whose code decides what a compiled spec holds."""
    global _fingerprint
    if _fingerprint is None:
        from ..fingerprint import files_fingerprint

        pkg = Path(__file__).resolve().parent.parent
        files = sorted((pkg / "spec").glob("*.py")) + [pkg / n for n in ("expr.py", "findings.py", "messages.py", "textnorm.py")]
        _fingerprint = files_fingerprint(str(CACHE_FORMAT), files, pkg)
    return _fingerprint


def _ignored(path: Any, error: BaseException) -> None:
    if debug_log is not None:
        from ..messages import render

        debug_log(render("spec-cache-ignored", {"path": str(path), "error": f"{type(error).__name__}: {error}"}))


# Larger files are not cached (the loader refuses them anyway): the key is read whole.
MAX_KEY_BYTES = 64 * 1024 * 1024


def _read_regular(path: Any) -> Optional[bytes]:
    """A regular file's bytes, bounded; None for anything else (a FIFO, /dev/zero, a directory,
    a missing file): the loader then says what is wrong with it, uncached."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as fh:
            raw = fh.read(MAX_KEY_BYTES + 1)
    except OSError:
        return None
    return raw if len(raw) <= MAX_KEY_BYTES else None


def _sha(path: str) -> Optional[str]:
    raw = _read_regular(path)
    return None if raw is None else hashlib.sha256(raw).hexdigest()


def load_or_compile(
    path: Path,
    compile_fn: Callable[[ReadNote], tuple[CompiledSpec, list[Any]]],
    chain_fn: Optional[Callable[[], list[Path]]] = None,
) -> tuple[CompiledSpec, list[Any]]:
    """``compile_fn(on_read)`` through the cache; the compiled spec comes back in its
    runtime form. ``compile_fn`` passes ``on_read`` to the loader, which calls it with
    every file it parses: the entry is used again only while those bytes are unchanged.

    ``chain_fn`` gives the file and the parents it resolves to now (registry.spec_chain):
    an entry with parents is used only while they resolve to the same files (an id
    that now names another file, or two, is a miss), not only while their bytes are
    the same. ``compile_fn`` raising (a spec that cannot even be loaded) is not cached."""
    from ..messages import get_lang

    raw = _read_regular(path)
    if raw is None:
        return _compile(compile_fn)[:2]  # the loader reports what is wrong with the file
    key = hashlib.sha256(
        "|".join((engine_fingerprint(), get_lang(), str(path), hashlib.sha256(raw).hexdigest())).encode()
    ).hexdigest()
    entry_path = cache_dir() / f"{key}.pickle"
    hit = _load(entry_path, chain_fn)
    if hit is not None:
        return hit
    compiled, problems, reads = _compile(compile_fn)
    chain = _chain(chain_fn) if len(reads) > 1 else None
    _store(entry_path, (CACHE_FORMAT, reads, chain, compiled, problems))
    return compiled, problems


def _chain(chain_fn: Optional[Callable[[], list[Path]]]) -> Optional[list[str]]:
    if chain_fn is None:
        return None
    try:
        return [str(p) for p in chain_fn()]
    except Exception:  # unresolvable now: compiling says why
        return ["?"]


def _compile(compile_fn: Callable[[ReadNote], tuple[CompiledSpec, list[Any]]]) -> tuple[CompiledSpec, list[Any], list]:
    reads: list[tuple[str, str]] = []  # (path, sha256 of the bytes parsed), this compile's own

    def on_read(path: Path, raw: bytes) -> None:
        reads.append((str(Path(path).resolve()), hashlib.sha256(raw).hexdigest()))

    compiled, problems = compile_fn(on_read)
    return from_compiled(compiled), problems, reads


def _load(entry_path: Path, chain_fn: Optional[Callable[[], list[Path]]]) -> Optional[tuple[CompiledSpec, list[Any]]]:
    try:
        with open(entry_path, "rb") as fh:
            entry = pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception as exc:  # corrupt, truncated, unreadable, from an incompatible engine: a miss
        _ignored(entry_path, exc)
        return None
    try:
        fmt, reads, chain, compiled, problems = entry
        if fmt != CACHE_FORMAT or not isinstance(compiled, CompiledSpec):
            raise ValueError("unexpected entry")
    except (TypeError, ValueError) as exc:
        _ignored(entry_path, exc)
        return None
    for dep, digest in reads:
        if _sha(dep) != digest:
            return None  # a parent changed (or went away): compile again
    if chain is not None and _chain(chain_fn) != chain:
        return None  # a parent's id now names another file (or two)
    return compiled, problems


def _store(entry_path: Path, entry: tuple) -> None:
    tmp = None
    try:
        entry_path.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # only when writing: a hit never needs it

        fd, tmp = tempfile.mkstemp(dir=entry_path.parent, prefix=".tmp-", suffix=".pickle")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(entry, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry_path)
        tmp = None
        _prune(entry_path.parent)
    except Exception as exc:  # read-only, full, not a directory: the run goes on without a cache
        _ignored(entry_path.parent, exc)
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _prune(directory: Path) -> None:
    """Keep the newest MAX_ENTRIES entries (only on a store, i.e. after a compile)."""
    entries = list(directory.glob("*.pickle"))
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda p: p.stat().st_mtime_ns)
    for old in entries[: len(entries) - MAX_ENTRIES]:
        old.unlink(missing_ok=True)
