"""The unit-result cache of `cchc aggregate`: a re-run reads only the files that changed.

An officer who fixes one commune and compiles the district (or the country) again
waits for that commune only: every other file's result — what a worker sends back
for it (``collect.to_wire``: metadata, packed values, error findings) — is served
from ``<cache dir>/units.sqlite3`` (``spec/cache.py`` ``cache_dir()``: safe to delete).

Never stale: an entry's key is the sha256 of

- the file's bytes and its path (findings name the file),
- the compiled spec (its pickled runtime form: any change to the spec or its parents),
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
import pickle
import stat
import sys
import time
from pathlib import Path
from typing import Any, Optional

CACHE_FORMAT = 1  # bump when an entry's layout (collect.to_wire) changes
DB_NAME = "units.sqlite3"
MAX_ENTRIES = 10_000  # a country is ~3,300 communes: three such runs, ~13 MB
MAX_FILE_BYTES = 64 * 1024 * 1024  # a larger file is not keyed (read it; the reader bounds it)
_FLUSH = 256  # rows written (and hits touched) per batch


def _ignored(path: Any, error: BaseException) -> None:
    from .spec import cache as spec_cache

    if spec_cache.debug_log is not None:
        from .messages import render

        spec_cache.debug_log(render("unit-cache-ignored", {"path": str(path), "error": f"{type(error).__name__}: {error}"}))


# --- the key ---------------------------------------------------------------------------------

_engine: Optional[str] = None


def engine_fingerprint() -> str:
    """Version, Python and every module of the package (name, size, modification time)."""
    global _engine
    if _engine is None:
        from .fingerprint import files_fingerprint

        pkg = Path(__file__).resolve().parent
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
    """sha256 of a regular file's bytes; None for anything else (the reader says why)."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
                return None
            return hashlib.sha256(fh.read()).digest()
    except OSError:
        return None


# --- the store -------------------------------------------------------------------------------


class UnitCache:
    """Open with ``UnitCache.open``; ``key(file)``, ``get(key)``, ``put(key, wire)``, ``close()``."""

    def __init__(self, db: Any, path: Path, base: bytes) -> None:
        self.db, self.path, self.base = db, path, base
        self._rows: list[tuple[bytes, bytes, int]] = []
        self._touched: list[tuple[int, bytes]] = []
        self.hits = self.misses = 0

    @classmethod
    def open(cls, compiled: Any, lang: str, host: Any = None, options: Optional[dict] = None) -> Optional["UnitCache"]:
        """The cache for this spec, language, plugins and options; None when it cannot be used."""
        from .plugins.host import PluginHost
        from .spec.cache import cache_dir

        host = host or PluginHost.builtins_only()
        plugs = plugin_fingerprint(host)
        if plugs is None:
            return None
        try:
            spec_key = hashlib.sha256(pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
        except Exception:  # something in the spec does not pickle: no stable key
            return None
        base = hashlib.sha256(
            "|".join((str(CACHE_FORMAT), engine_fingerprint(), spec_key, lang, plugs,
                      json.dumps(options or {}, sort_keys=True, default=str))).encode()
        ).digest()
        path = cache_dir() / DB_NAME
        db = _connect(path)
        if db is None:
            return None
        return cls(db, path, base)

    def key(self, file: str) -> Optional[bytes]:
        digest = _file_digest(file)
        if digest is None:
            return None
        return hashlib.sha256(self.base + digest + os.fsencode(file)).digest()

    def get(self, key: bytes) -> Optional[tuple]:
        """The wire tuple stored for ``key``, or None (absent, unreadable, not a wire tuple)."""
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT data FROM units WHERE key = ?", (key,)).fetchone()
        except Exception as exc:
            self._fail(exc)
            return None
        if row is None:
            self.misses += 1
            return None
        try:
            wire = pickle.loads(row[0])  # written by this program into the user's own cache
            if not (isinstance(wire, tuple) and len(wire) == 12):
                raise ValueError("not a unit entry")
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
        wire = wire[:10] + (0.0, 0.0)  # a hit costs no reading or computing time
        self._rows.append((key, pickle.dumps(wire, protocol=pickle.HIGHEST_PROTOCOL), time.time_ns()))
        if len(self._rows) >= _FLUSH:
            self._flush()

    def _flush(self) -> None:
        if self.db is None:
            return
        try:
            with self.db:
                if self._rows:
                    self.db.executemany("INSERT OR REPLACE INTO units (key, data, used) VALUES (?, ?, ?)", self._rows)
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
    """The database, its table made; a corrupt file is replaced once; None if unusable."""
    import sqlite3

    for attempt in (1, 2):
        db = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(path), timeout=2.0)
            db.execute("PRAGMA cache_size = -1024")  # 1 MB: the parent's memory stays flat
            with db:
                db.execute("CREATE TABLE IF NOT EXISTS units (key BLOB PRIMARY KEY, data BLOB NOT NULL, used INTEGER NOT NULL)")
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
        except Exception as exc:  # no directory, read-only file system, ...
            if db is not None:
                db.close()
            _ignored(path, exc)
            return None
    return None
