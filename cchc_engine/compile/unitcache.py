"""The unit-result cache of `cchc aggregate`: a re-run reads only the files that changed.

An officer who fixes one commune and compiles the district (or the country) again
waits for that commune only: every other file's result — what a worker sends back
for it (``collect.to_wire``: metadata, packed values, error findings) — is served
from ``<cache dir>/units.sqlite3`` (``spec/cache.py`` ``cache_dir()``: safe to delete).

Data only: a row holds plain values (the metadata, error findings and any unpacked
values as JSON text, the packed values as a blob, a checksum of both); reading it
back builds a tuple of str, numbers, dicts and lists, checked field by field, and
runs no code whoever wrote it. The database is used only while it and its
directory are the user's own (``cachefiles.py``: a link, another account's file or
a group/other-writable one is refused, not followed); it is created 0600.

Never stale: an entry's key is the sha256 of

- the bytes that were parsed and the file's path (findings name the file): the worker
  reads the file once, hashes that buffer and parses a private copy of it, so a file
  that changes during a run is filed under the text that was read, never another's,
- the compiled spec (its JSON form, ``spec/codec.py``: any change to the spec or its parents),
- the engine's fingerprint (version, Python, and the size and time of every module of
  the package, built-in readers and writers included),
- the message language (findings are rendered text),
- the plugins' fingerprint (every loaded plugin's name, distribution and version, the
  content of every non-built-in plugin's code — a ``--plugins-dir`` file, an installed
  package — and ``--strict-plugins``),
- the reader options (none today; any new one must be added here).

A plugin whose code cannot be found (one defined in an interactive session) turns the
cache off for that run. Unusable files are not cached (they are re-read, and cheap).
Only the parent process reads and writes the database: workers never see it. Entries
are written in batches as results arrive (bounded memory), at most MAX_ENTRIES are
kept (the least recently used go first). A corrupt database is replaced; an
unreadable, unwritable or locked one is ignored — the run reads every file as
without a cache, with one line on stderr only under ``--debug``.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import time
from pathlib import Path
from typing import Any, Optional

CACHE_FORMAT = 2  # bump when an entry's layout (collect.to_wire) changes (2: JSON and blob rows)
DB_NAME = "units.sqlite3"
MAX_ENTRIES = 10_000  # a country is ~3,300 communes: three such runs, ~13 MB
MAX_FILE_BYTES = 64 * 1024 * 1024  # a larger file is not keyed (read it; the reader bounds it)
_FLUSH = 256  # rows written (and hits touched) per batch


def _ignored(path: Any, error: BaseException) -> None:
    from ..spec import cache as spec_cache

    if spec_cache.debug_log is not None:
        from ..text.messages import render

        spec_cache.debug_log(render("unit-cache-ignored", {"path": str(path), "error": f"{type(error).__name__}: {error}"}))


# --- the key ---------------------------------------------------------------------------------

_engine: Optional[str] = None


def engine_fingerprint() -> str:
    """Version, Python and every module of the package (name, size, modification time)."""
    global _engine
    if _engine is None:
        from ..fingerprint import files_fingerprint

        pkg = Path(__file__).resolve().parent.parent
        _engine = files_fingerprint(str(CACHE_FORMAT), sorted(pkg.rglob("*.py")), pkg)
    return _engine


def plugin_fingerprint(host: Any) -> Optional[str]:
    """Every loaded plugin's name, distribution, version and (for all but the built-ins,
    which the engine's fingerprint covers) the sha256 of its code; None when some
    plugin's code cannot be found."""
    h = hashlib.sha256(f"strict={bool(getattr(host, 'strict', False))}".encode())
    for name, plugin in sorted(host.pm.list_name_plugin(), key=lambda t: str(t[0])):
        info = host.info.get(name)
        source = getattr(info, "source", None)
        h.update(f"|{name}:{getattr(info, 'distribution', None)}:{getattr(info, 'version', None)}:{source}".encode())
        if source == "builtin":
            continue
        code = _code_digest(plugin)
        if code is None:
            return None
        h.update(code.encode())
    return h.hexdigest()


def _code_digest(plugin: Any) -> Optional[str]:
    """sha256 of the plugin's source: every .py file of its top-level package, or its one file."""
    module_name = getattr(plugin, "__name__", None) if isinstance(plugin, type(sys)) else type(plugin).__module__
    module = sys.modules.get(module_name or "")
    file = getattr(module, "__file__", None)
    if not file:
        return None
    top = sys.modules.get((module_name or "").split(".")[0])
    roots = list(getattr(top, "__path__", []) or [])
    files = sorted(Path(roots[0]).rglob("*.py"))[:1000] if roots else [Path(file)]
    h = hashlib.sha256()
    for f in files:
        try:
            h.update(f"{f.name}:".encode() + hashlib.sha256(f.read_bytes()).digest())
        except OSError:
            return None
    return h.hexdigest()


def _file_digest(path: str) -> Optional[bytes]:
    """sha256 of a regular file's bytes; None for anything else (the reader says why).

    ``stat`` before any ``open`` (opening a FIFO blocks until a writer comes), then
    opened without blocking and checked again by ``fstat`` (a FIFO swapped in between)."""
    raw = read_snapshot(path)
    return None if raw is None else hashlib.sha256(raw).digest()


def read_snapshot(path: str) -> Optional[bytes]:
    """A regular file's bytes, read once and bounded; None for anything else."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError):
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        chunks = [os.read(fd, st.st_size + 1)]  # one read for the whole file, as a rule
        size = len(chunks[0])
        while chunks[-1] and size <= MAX_FILE_BYTES:  # it grew since the stat: read on, bounded
            chunks.append(os.read(fd, 1 << 20))
            size += len(chunks[-1])
    except OSError:
        return None
    finally:
        os.close(fd)
    return b"".join(chunks) if size <= MAX_FILE_BYTES else None


# --- an entry as plain values ----------------------------------------------------------------

_OPT_STR = (str, type(None))


def _encode(wire: tuple) -> tuple[str, Optional[bytes]]:
    """(JSON text of everything but packed values, the packed values or None)."""
    unit, level, period, spec, values, weights, was_compiled, errors, warnings = wire[:9]
    packed = values if isinstance(values, bytes) else None
    meta = json.dumps([unit, level, period, spec, None if packed is not None else values, weights, was_compiled,
                       errors, warnings], ensure_ascii=True, separators=(",", ":"))  # ASCII: a lone surrogate too
    return meta, packed


def _check(meta: str, packed: Optional[bytes]) -> bytes:
    return hashlib.sha256(meta.encode("utf-8", "surrogatepass") + b"\0" + (packed or b"")).digest()[:16]


def _decode(meta: str, packed: Optional[bytes], packed_len: Optional[int]) -> tuple:
    """The wire tuple back, every field checked for its type; ValueError for anything else."""
    data = json.loads(meta)
    if not (isinstance(data, list) and len(data) == 9):
        raise ValueError("not a unit entry")
    unit, level, period, spec, values, weights, was_compiled, errors, warnings = data
    if not all(isinstance(v, _OPT_STR) for v in (unit, level, period, spec)):
        raise ValueError("metadata is not text")
    if packed is not None:
        if not isinstance(packed, bytes) or values is not None or (packed_len is not None and len(packed) != packed_len):
            raise ValueError("packed values of the wrong size")
        values = packed
    elif not isinstance(values, dict) or not all(isinstance(k, str) for k in values):
        raise ValueError("values are not a mapping")
    elif not all(isinstance(v, (int, float, str)) for v in values.values()):
        raise ValueError("a value is not a number or text")
    if weights is not None and not (isinstance(weights, dict) and all(
            isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool) for k, v in weights.items())):
        raise ValueError("weights are not numbers")
    if not isinstance(was_compiled, bool) or not isinstance(warnings, int) or isinstance(warnings, bool):
        raise ValueError("flags of the wrong type")
    if errors is not None and not (isinstance(errors, list) and all(
            isinstance(e, dict) and isinstance(e.get("code"), str) and isinstance(e.get("message"), str)
            and isinstance(e.get("location"), dict) and isinstance(e.get("values"), dict) for e in errors)):
        raise ValueError("findings of the wrong shape")
    return (unit, level, period, spec, values, weights, was_compiled, errors, warnings, None, 0.0, 0.0)


# --- the store -------------------------------------------------------------------------------


class UnitCache:
    """Open with ``UnitCache.open``; ``key(file)``, ``get(key)``, ``put(key, wire)``, ``close()``."""

    def __init__(self, db: Any, path: Path, base: bytes, packed_len: Optional[int] = None) -> None:
        self.db, self.path, self.base, self.packed_len = db, path, base, packed_len
        self._rows: list[tuple[bytes, str, Optional[bytes], bytes, int]] = []
        self._touched: list[tuple[int, bytes]] = []
        self.hits = self.misses = 0

    @classmethod
    def open(cls, compiled: Any, lang: str, host: Any = None, options: Optional[dict] = None) -> Optional["UnitCache"]:
        """The cache for this spec, language, plugins and options; None when it cannot be used."""
        from ..plugins.host import PluginHost
        from ..spec.cache import cache_dir
        from ..spec.codec import dumps

        host = host or PluginHost.builtins_only()
        plugs = plugin_fingerprint(host)
        if plugs is None:
            return None
        try:
            spec_key = hashlib.sha256(dumps(compiled)).hexdigest()
        except Exception:  # something in the spec the codec does not carry: no stable key
            return None
        try:
            from .aggregate import value_positions

            packed_len: Optional[int] = 9 * len(value_positions(compiled))
        except Exception:
            packed_len = None
        base = hashlib.sha256(
            "|".join((str(CACHE_FORMAT), engine_fingerprint(), spec_key, lang, plugs,
                      json.dumps(options or {}, sort_keys=True, default=str))).encode()
        ).digest()
        path = cache_dir() / DB_NAME
        db = _connect(path)
        if db is None:
            return None
        return cls(db, path, base, packed_len)

    def key(self, file: str) -> Optional[bytes]:
        """The key of the file's bytes now (to look it up); None for a file that is not keyed."""
        digest = _file_digest(file)
        if digest is None:
            return None
        return self.key_of(file, digest)

    def key_of(self, file: str, digest: bytes) -> bytes:
        """The key of ``file`` whose parsed bytes hash to ``digest`` (what a worker read)."""
        return hashlib.sha256(self.base + digest + os.fsencode(file)).digest()

    def get(self, key: bytes) -> Optional[tuple]:
        """The wire tuple stored for ``key``, or None (absent, unreadable, not a wire tuple)."""
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT meta, packed, checksum FROM units WHERE key = ?", (key,)).fetchone()
        except Exception as exc:
            self._fail(exc)
            return None
        if row is None:
            self.misses += 1
            return None
        try:
            meta, packed, checksum = row
            if not isinstance(meta, str) or checksum != _check(meta, packed):
                raise ValueError("damaged entry (checksum)")
            wire = _decode(meta, packed, self.packed_len)
        except Exception as exc:  # a damaged entry is a miss; reading the file replaces it
            _ignored(self.path, exc)
            self.misses += 1
            return None
        self.hits += 1
        self._touched.append((time.time_ns(), key))
        if len(self._touched) >= _FLUSH:
            self._flush()
        return wire

    def put(self, key: bytes, wire: tuple) -> None:
        if self.db is None or wire[9] is not None:  # an unusable file (problem) is not cached
            return
        try:
            meta, packed = _encode(wire)  # a hit costs no reading or computing time: timings not kept
        except (TypeError, ValueError):  # a value JSON cannot carry: this unit is not cached
            return
        self._rows.append((key, meta, packed, _check(meta, packed), time.time_ns()))
        if len(self._rows) >= _FLUSH:
            self._flush()

    def _flush(self) -> None:
        if self.db is None:
            return
        try:
            with self.db:
                if self._rows:
                    self.db.executemany("INSERT OR REPLACE INTO units (key, meta, packed, checksum, used) VALUES (?, ?, ?, ?, ?)", self._rows)
                if self._touched:
                    self.db.executemany("UPDATE units SET used = ? WHERE key = ?", self._touched)
        except Exception as exc:  # locked, full, read-only: the results stand, uncached
            self._fail(exc)
        self._rows, self._touched = [], []

    def close(self) -> None:
        """Write what is left, keep the newest MAX_ENTRIES entries, close."""
        self._flush()
        if self.db is None:
            return
        try:
            with self.db:
                (count,) = self.db.execute("SELECT count(*) FROM units").fetchone()
                if count > MAX_ENTRIES:
                    self.db.execute(
                        "DELETE FROM units WHERE key IN (SELECT key FROM units ORDER BY used LIMIT ?)", (count - MAX_ENTRIES,)
                    )
        except Exception as exc:
            self._fail(exc)
        try:
            if self.db is not None:
                self.db.close()
        except Exception:
            pass
        self.db = None

    def _fail(self, exc: BaseException) -> None:
        """One line under --debug, then no cache for the rest of the run."""
        _ignored(self.path, exc)
        try:
            self.db.close()
        except Exception:
            pass
        self.db = None


def _connect(path: Path) -> Any:
    """The database, its table made; a corrupt file is replaced once; None if unusable.

    Only the user's own: the directory (0700 when made) and the file (0600 when made)
    must belong to this account and be writable by no other; a link is not followed."""
    import sqlite3

    from ..cachefiles import check_entry, create_private, ensure_dir

    for attempt in (1, 2):
        db = None
        try:
            ensure_dir(path.parent)
            if not check_entry(path):
                create_private(path)  # SQLite would create it 0644, through a link
            for side in ("-journal", "-wal", "-shm"):
                check_entry(path.with_name(path.name + side))
            db = sqlite3.connect(str(path), timeout=2.0)
            db.execute("PRAGMA trusted_schema = OFF")  # no function a crafted schema names runs
            db.execute("PRAGMA cache_size = -1024")  # 1 MB: the parent's memory stays flat
            with db:
                (version,) = db.execute("PRAGMA user_version").fetchone()
                if version != CACHE_FORMAT:  # an older engine's rows (pickles): never read, dropped
                    db.execute("DROP TABLE IF EXISTS units")
                    db.execute(f"PRAGMA user_version = {int(CACHE_FORMAT)}")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS units (key BLOB PRIMARY KEY, meta TEXT NOT NULL, packed BLOB,"
                    " checksum BLOB NOT NULL, used INTEGER NOT NULL)"
                )
                db.execute("CREATE INDEX IF NOT EXISTS units_used ON units (used)")
            db.execute("SELECT count(*) FROM units").fetchone()
            return db
        except sqlite3.DatabaseError as exc:
            if db is not None:
                db.close()
            corrupt = type(exc) is sqlite3.DatabaseError  # "file is not a database", not a lock or a read-only file
            _ignored(path, exc)
            if not (corrupt and attempt == 1):
                return None
            try:
                path.unlink()
            except OSError:
                return None
        except Exception as exc:  # no directory, read-only file system, another account's file, ...
            if db is not None:
                db.close()
            _ignored(path, exc)
            return None
    return None
