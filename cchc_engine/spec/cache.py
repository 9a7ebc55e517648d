"""The compiled-spec cache: a spec compiles once, then loads in a millisecond or two.

An entry is the runtime form of a compiled spec (``spec/runtime.py``: plain
objects, so loading it imports no pydantic) with the problems found, written as
JSON by ``spec/codec.py`` — data only: reading an entry builds objects of a fixed
list of classes and runs no code, whoever wrote it — to ``<cache dir>/<key>.json``.
The cache directory is ``$CCHC_CACHE_DIR``, else ``$XDG_CACHE_HOME/cchc-engine``, else
``~/.cache/cchc-engine``; it is created 0700 and used only while it is the user's
own (``cachefiles.py``: owner, mode, no links followed, files 0600); deleting it is
always safe, and it never holds more than MAX_ENTRIES entries.

Never stale: the key is the hash of the bytes of the spec file that were parsed
(the loader reports them: read once, hashed and parsed from the same buffer, so
a file that changes while it is compiled cannot file one text's result under
another's key), its path, the message language (problems are rendered text) and
the engine's fingerprint (version, Python, and the size and time of the modules
that shape a compiled spec, so an upgrade or an edited engine misses). The entry
also lists every file read while compiling (parents through ``extends``) with the
hash of its content, and the ``extends`` chain as the spec id index resolves it:
an entry whose files changed is a miss, and so is one whose parent id now names
another file or two (a clashing file dropped into the search path): compiling then
reports the clash, exit 2, exactly as without a cache. An entry carries the sha256
of its payload: a truncated or edited one is a miss. A corrupt, foreign,
unreadable or unwritable cache is ignored: the spec is compiled as if there were
no cache, with one line on stderr only under ``--debug``.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Any, Callable, Optional

from .runtime import CompiledSpec, from_compiled

CACHE_FORMAT = 3  # bump when the entry's layout changes (3: JSON, spec/codec.py)
MAGIC = b"cchc-spec-cache\n"
MAX_ENTRY_BYTES = 64 * 1024 * 1024  # a compiled spec of 100,000 indicators is ~40 MB
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
        files = sorted((pkg / "spec").glob("*.py")) + [pkg / n for n in ("flow/expr.py", "flow/findings.py", "text/messages.py", "text/textnorm.py")]
        _fingerprint = files_fingerprint(str(CACHE_FORMAT), files, pkg)
    return _fingerprint


def _ignored(path: Any, error: BaseException) -> None:
    if debug_log is not None:
        from ..text.messages import render

        debug_log(render("spec-cache-ignored", {"path": str(path), "error": f"{type(error).__name__}: {error}"}))


# Larger files are not cached (the loader refuses them anyway): the key is read whole.
MAX_KEY_BYTES = 64 * 1024 * 1024


def _read_regular(path: Any) -> Optional[bytes]:
    """A regular file's bytes, bounded; None for anything else (a FIFO, /dev/zero, a directory,
    a missing file): the loader then says what is wrong with it, uncached. Opened without
    blocking and checked by fstat, so a FIFO swapped in after a stat cannot hang the run."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            raw = fh.read(MAX_KEY_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
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
    from ..text.messages import get_lang

    raw = _read_regular(path)
    if raw is None:
        return _compile(compile_fn)[:2]  # the loader reports what is wrong with the file
    directory = _usable_dir()
    if directory is None:
        return _compile(compile_fn)[:2]
    lang = get_lang()
    hit = _load(directory / _entry_name(path, lang, hashlib.sha256(raw).hexdigest()), chain_fn)
    if hit is not None:
        return hit
    compiled, problems, reads = _compile(compile_fn)
    # Filed under the bytes the loader parsed, not the ones read above: a file that
    # changed in between is stored under its new text (or not at all).
    own = str(Path(path).resolve())
    parsed = [digest for dep, digest in reads if dep == own]
    if parsed:
        chain = _chain(chain_fn) if len(reads) > 1 else None
        _store(directory / _entry_name(path, lang, parsed[0]), (CACHE_FORMAT, reads, chain, compiled, problems))
    return compiled, problems


def _entry_name(path: Path, lang: str, digest: str) -> str:
    key = hashlib.sha256("|".join((engine_fingerprint(), lang, str(path), digest)).encode("utf-8", "surrogateescape")).hexdigest()
    return f"{key}.json"


def _usable_dir() -> Optional[Path]:
    """The cache directory, made 0700 if missing; None (and a --debug line) when it is not the user's own."""
    from ..cachefiles import ensure_dir

    directory = cache_dir()
    try:
        return ensure_dir(directory)
    except OSError as exc:
        _ignored(directory, exc)
        return None


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
    from ..cachefiles import read_entry
    from .codec import loads

    try:
        data = read_entry(entry_path, MAX_ENTRY_BYTES)
        if data is None:
            return None
        if not data.startswith(MAGIC):
            raise ValueError("not a spec cache entry")
        digest, _, payload = data[len(MAGIC):].partition(b"\n")
        if hashlib.sha256(payload).hexdigest().encode() != digest:
            raise ValueError("damaged entry (checksum)")
        fmt, reads, chain, compiled, problems = loads(payload)
        if fmt != CACHE_FORMAT or not isinstance(compiled, CompiledSpec) or not isinstance(problems, list):
            raise ValueError("unexpected entry")
        reads = [(str(dep), str(digest)) for dep, digest in reads]
    except Exception as exc:  # foreign, corrupt, truncated, from an incompatible engine: a miss
        _ignored(entry_path, exc)
        return None
    for dep, digest in reads:
        if _sha(dep) != digest:
            return None  # a parent changed (or went away): compile again
    if chain is not None and _chain(chain_fn) != chain:
        return None  # a parent's id now names another file (or two)
    return compiled, problems


def _store(entry_path: Path, entry: tuple) -> None:
    from ..cachefiles import write_entry
    from .codec import dumps

    try:
        payload = dumps(entry)
        write_entry(entry_path, MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
        _prune(entry_path.parent)
    except Exception as exc:  # read-only, full, not a directory, a value JSON cannot carry: no cache
        _ignored(entry_path.parent, exc)


def _prune(directory: Path) -> None:
    """Keep the newest MAX_ENTRIES entries (only on a store, i.e. after a compile); drop the
    pickles an older engine left (never read: a pickle can run code)."""
    for old in directory.glob("*.pickle"):
        old.unlink(missing_ok=True)
    entries = list(directory.glob("*.json"))
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda p: p.lstat().st_mtime_ns)
    for old in entries[: len(entries) - MAX_ENTRIES]:
        old.unlink(missing_ok=True)
