"""The server's thin storage adapter, shaped like ``cchc_engine.store.Store``.

The store of the collection cycle (units, versions, explanations, reviews, accounts,
audit) is designed in docs/architecture.md ("The store and the server") and built in
``cchc_engine/store/``. Until that package is merged, the server keeps the same
names over the standard library's sqlite3 (WAL, one file), so every route is written
against the Store's API and swapping the class is one line in ``create_app``.

Nothing is overwritten: a new file is a new version row; a review, an explanation and
every action are new rows. Each change is one transaction.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional
from urllib.parse import urlparse

SCHEMA = """
CREATE TABLE IF NOT EXISTS units (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL, parent TEXT
);
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY, username TEXT UNIQUE NOT NULL, role TEXT NOT NULL,
    unit TEXT, password_hash TEXT NOT NULL, token_hash TEXT UNIQUE, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS blobs (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY, unit TEXT NOT NULL, period TEXT NOT NULL, spec TEXT NOT NULL,
    version INTEGER NOT NULL, filename TEXT NOT NULL, sha256 TEXT NOT NULL, by TEXT NOT NULL,
    at REAL NOT NULL, status TEXT NOT NULL, valid INTEGER NOT NULL, errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL, result TEXT NOT NULL, "values" TEXT NOT NULL,
    UNIQUE (unit, period, version)
);
CREATE INDEX IF NOT EXISTS submissions_period ON submissions (period, unit);
CREATE TABLE IF NOT EXISTS explanations (
    id INTEGER PRIMARY KEY, submission_id INTEGER NOT NULL, finding TEXT NOT NULL,
    text TEXT NOT NULL, by TEXT NOT NULL, at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY, submission_id INTEGER NOT NULL, action TEXT NOT NULL,
    reason TEXT NOT NULL, by TEXT NOT NULL, at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY, at REAL NOT NULL, who TEXT NOT NULL, what TEXT NOT NULL,
    object TEXT NOT NULL, detail TEXT NOT NULL DEFAULT ''
);
"""

STATUSES = ("not-submitted", "received", "returned", "approved")


@dataclass
class Unit:
    code: str
    name: str
    level: str
    parent: Optional[str] = None


@dataclass
class Account:
    id: int
    username: str
    role: str  # unit | reviewer | admin
    unit: Optional[str]
    password_hash: str = field(repr=False)


@dataclass
class Submission:
    id: int
    unit: str
    period: str
    spec: str
    version: int
    filename: str
    sha256: str
    by: str
    at: float
    status: str
    valid: bool
    errors: int
    warnings: int
    result: dict[str, Any] = field(repr=False)
    values: dict[str, Any] = field(repr=False)


@dataclass
class BoardRow:
    unit: Unit
    status: str
    submission: Optional[Submission] = None


def _path_of(url: str) -> str:
    """``sqlite:///path`` (or a plain path) → the file's path; other schemes are the Store's."""
    if "://" not in url:
        return url
    parsed = urlparse(url)
    if parsed.scheme not in ("sqlite", "sqlite+pysqlite"):
        raise ValueError(f"this build's server storage takes sqlite URLs only, not {parsed.scheme!r}")
    path = url.split(":///", 1)[1] if ":///" in url else parsed.path
    return path or ":memory:"


class LocalStore:
    """The Store API the server calls, over sqlite3. Thread-safe: one connection per thread."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self._db().executescript(SCHEMA)  # executescript commits by itself

    @classmethod
    def open(cls, url: str) -> "LocalStore":
        path = _path_of(url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return cls(path)

    # --- connection ----------------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA busy_timeout=30000")
            self._local.db = db
        return db

    class _Tx:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __enter__(self) -> sqlite3.Connection:
            self.db.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, exc_type: Any, *_: Any) -> None:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")

    def _tx(self) -> "LocalStore._Tx":
        return LocalStore._Tx(self._db())

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # --- units ---------------------------------------------------------------------

    def import_units(self, rows: Iterable[dict[str, Any]], by: str = "system") -> int:
        """Add or rename units from rows with code, name, level, parent (a CSV's rows)."""
        n = 0
        with self._tx() as db:
            for row in rows:
                db.execute(
                    "INSERT INTO units (code, name, level, parent) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(code) DO UPDATE SET name=excluded.name, level=excluded.level, parent=excluded.parent",
                    (row["code"], row["name"], row["level"], row.get("parent") or None),
                )
                n += 1
            self._audit(db, by, "import-units", "units", str(n))
        return n

    def unit(self, code: Optional[str]) -> Optional[Unit]:
        if not code:
            return None
        row = self._db().execute("SELECT code, name, level, parent FROM units WHERE code = ?", (code,)).fetchone()
        return Unit(**dict(row)) if row else None

    def units(self, under: Optional[str] = None) -> list[Unit]:
        """Every unit, or ``under`` and everything below it (the subtree, root first)."""
        rows = [Unit(**dict(r)) for r in self._db().execute("SELECT code, name, level, parent FROM units ORDER BY code")]
        if under is None:
            return rows
        children: dict[Optional[str], list[Unit]] = {}
        for u in rows:
            children.setdefault(u.parent, []).append(u)
        root = next((u for u in rows if u.code == under), None)
        if root is None:
            return []
        out, stack = [], [root]
        while stack:
            u = stack.pop()
            out.append(u)
            stack.extend(reversed(children.get(u.code, [])))
        return out

    def ancestors(self, code: str) -> list[str]:
        """``code`` and every unit above it, nearest first."""
        out, seen = [], set()
        unit = self.unit(code)
        while unit is not None and unit.code not in seen:
            out.append(unit.code)
            seen.add(unit.code)
            unit = self.unit(unit.parent)
        return out

    # --- submissions ---------------------------------------------------------------

    def submit(self, session: Any, data: bytes, filename: str, *, unit: str, period: str, by: str) -> Submission:
        """Check ``data`` with the Session (as ``unit`` at its level, for ``period``) and keep
        it as the unit's next version. Raises ``CchcError`` when the file is unusable."""
        u = self.unit(unit)
        if u is None:
            raise KeyError(unit)
        result = session.compute_bytes(data, filename, level=u.level, period=period, unit=u.name)
        return self.add_version(result, data, filename, unit=unit, period=period, by=by, spec=session.spec.spec.id)

    def add_version(self, result: Any, data: bytes, filename: str, *, unit: str, period: str, by: str, spec: str) -> Submission:
        doc = plain(result)
        values = {i.id: i.value for i in result.indicators if i.value is not None}
        sha = hashlib.sha256(data).hexdigest()
        at = time.time()
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO blobs (sha256, data) VALUES (?, ?)", (sha, data))
            (last,) = db.execute("SELECT COALESCE(MAX(version), 0) FROM submissions WHERE unit = ? AND period = ?", (unit, period)).fetchone()
            cur = db.execute(
                'INSERT INTO submissions (unit, period, spec, version, filename, sha256, by, at, status, valid, errors, warnings, result, "values") '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?)",
                (unit, period, spec, last + 1, filename, sha, by, at, int(result.valid), result.stats.errors,
                 result.stats.warnings, json.dumps(doc, ensure_ascii=False), json.dumps(values, ensure_ascii=False)),
            )
            sid = cur.lastrowid
            self._audit(db, by, "submit", f"submission:{sid}", f"{unit} {period} v{last + 1}")
        # what was just written, without reading it back
        return Submission(sid, unit, period, spec, last + 1, filename, sha, by, at, "received", bool(result.valid),
                          result.stats.errors, result.stats.warnings, doc, values)

    def submission(self, id: int) -> Optional[Submission]:
        row = self._db().execute("SELECT * FROM submissions WHERE id = ?", (id,)).fetchone()
        return _submission(row) if row else None

    def blob(self, sha256: str) -> bytes:
        row = self._db().execute("SELECT data FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
        return bytes(row[0]) if row else b""

    def history(self, unit: str, period: Optional[str] = None) -> list[Submission]:
        """The unit's versions, newest first (of one period, or every period)."""
        if period is None:
            rows = self._db().execute("SELECT * FROM submissions WHERE unit = ? ORDER BY period DESC, version DESC", (unit,))
        else:
            rows = self._db().execute("SELECT * FROM submissions WHERE unit = ? AND period = ? ORDER BY version DESC", (unit, period))
        return [_submission(r) for r in rows]

    def current(self, unit: str, period: str) -> Optional[Submission]:
        got = self.history(unit, period)
        return got[0] if got else None

    def periods(self) -> list[str]:
        return [r[0] for r in self._db().execute("SELECT DISTINCT period FROM submissions ORDER BY period DESC")]

    def board(self, period: str, under: Optional[str] = None) -> list[BoardRow]:
        """Every expected unit (``under``'s subtree, or all) with the status of its current
        version; not submitted first, then returned, received, approved."""
        units = self.units(under)
        latest: dict[str, Submission] = {}
        for r in self._db().execute(
            "SELECT s.* FROM submissions s JOIN (SELECT unit, MAX(version) v FROM submissions WHERE period = ? GROUP BY unit) m "
            "ON s.unit = m.unit AND s.version = m.v WHERE s.period = ?", (period, period)
        ):
            latest[r["unit"]] = _submission(r)
        depth: dict[Optional[str], int] = {}
        for u in units:  # root first, parents before children
            depth[u.code] = depth.get(u.parent, -1) + 1
        rows = [BoardRow(u, latest[u.code].status if u.code in latest else "not-submitted", latest.get(u.code)) for u in units]
        order = {"not-submitted": 0, "returned": 1, "received": 2, "approved": 3}
        rows.sort(key=lambda b: (order[b.status], depth[b.unit.code], b.unit.name, b.unit.code))
        return rows

    # --- the review cycle ----------------------------------------------------------

    def explain(self, submission_id: int, finding: str, text: str, *, by: str) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO explanations (submission_id, finding, text, by, at) VALUES (?, ?, ?, ?, ?)",
                       (submission_id, finding, text, by, time.time()))
            self._audit(db, by, "explain", f"submission:{submission_id}", finding)

    def explanations(self, submission_id: int) -> dict[str, dict[str, Any]]:
        """The latest explanation per finding key, for this version and the unit's earlier
        versions of the period (a finding that stays keeps its explanation; this version's
        own explanation wins)."""
        out: dict[str, dict[str, Any]] = {}
        rows = self._db().execute(
            "SELECT e.*, s.version FROM explanations e JOIN submissions s ON s.id = e.submission_id "
            "JOIN submissions me ON me.id = ? WHERE s.unit = me.unit AND s.period = me.period AND s.version <= me.version "
            "ORDER BY s.version, e.id", (submission_id,))
        for r in rows:
            out[r["finding"]] = dict(r)
        return out

    def review(self, submission_id: int, action: str, reason: str, *, by: str) -> None:
        """``approve`` or ``return`` (with a reason): a review row and the version's status."""
        if action not in ("approve", "return"):
            raise ValueError(action)
        status = "approved" if action == "approve" else "returned"
        with self._tx() as db:
            db.execute("INSERT INTO reviews (submission_id, action, reason, by, at) VALUES (?, ?, ?, ?, ?)",
                       (submission_id, action, reason, by, time.time()))
            db.execute("UPDATE submissions SET status = ? WHERE id = ?", (status, submission_id))
            self._audit(db, by, action, f"submission:{submission_id}", reason)

    def reviews(self, unit: str, period: str) -> list[dict[str, Any]]:
        """Every review of the unit's versions in the period, newest first."""
        rows = self._db().execute(
            "SELECT r.*, s.version FROM reviews r JOIN submissions s ON s.id = r.submission_id "
            "WHERE s.unit = ? AND s.period = ? ORDER BY r.id DESC", (unit, period))
        return [dict(r) for r in rows]

    def compile(self, session: Any, period: str, unit: str, *, by: str = "system") -> Any:
        """The compiled Result of ``unit``'s direct children's current versions for ``period``,
        and the codes of the children that have sent nothing."""
        from ..result import Result

        me = self.unit(unit)
        if me is None:
            raise KeyError(unit)
        children = [u for u in self.units(unit) if u.parent == unit]
        unit_results, missing = [], []
        for child in children:
            sub = self.current(child.code, period)
            if sub is None:
                missing.append(child)
                continue
            unit_results.append(session.unit_result(Result.from_dict(sub.result), sub.filename))
        levels = {c.level for c in children}
        result = session.compile(unit_results, level=me.level, unit=me.name, period=period,
                                 units_level=levels.pop() if len(levels) == 1 else None)
        with self._tx() as db:
            self._audit(db, by, "compile", f"unit:{unit}", period)
        return result, missing

    # --- accounts ------------------------------------------------------------------

    def create_account(self, username: str, role: str, unit: Optional[str], password_hash: str, *, by: str = "system") -> Account:
        if role not in ("unit", "reviewer", "admin"):
            raise ValueError(role)
        with self._tx() as db:
            db.execute("INSERT INTO accounts (username, role, unit, password_hash, created) VALUES (?, ?, ?, ?, ?)",
                       (username, role, unit, password_hash, time.time()))
            self._audit(db, by, "create-account", f"account:{username}", role)
        got = self.account(username)
        assert got is not None
        return got

    def set_token(self, username: str, token_hash: str, *, by: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE accounts SET token_hash = ? WHERE username = ?", (token_hash, username))
            self._audit(db, by, "new-token", f"account:{username}")

    def account(self, username: str) -> Optional[Account]:
        row = self._db().execute("SELECT id, username, role, unit, password_hash FROM accounts WHERE username = ?", (username,)).fetchone()
        return Account(**dict(row)) if row else None

    def account_by_id(self, id: int) -> Optional[Account]:
        row = self._db().execute("SELECT id, username, role, unit, password_hash FROM accounts WHERE id = ?", (id,)).fetchone()
        return Account(**dict(row)) if row else None

    def account_by_token(self, token_hash: str) -> Optional[Account]:
        row = self._db().execute("SELECT id, username, role, unit, password_hash FROM accounts WHERE token_hash = ?", (token_hash,)).fetchone()
        return Account(**dict(row)) if row else None

    def accounts(self) -> list[Account]:
        return [Account(**dict(r)) for r in self._db().execute("SELECT id, username, role, unit, password_hash FROM accounts ORDER BY username")]

    # --- audit ---------------------------------------------------------------------

    def record(self, who: str, what: str, obj: str, detail: str = "") -> None:
        with self._tx() as db:
            self._audit(db, who, what, obj, detail)

    def _audit(self, db: sqlite3.Connection, who: str, what: str, obj: str, detail: str = "") -> None:
        db.execute("INSERT INTO audit (at, who, what, object, detail) VALUES (?, ?, ?, ?, ?)", (time.time(), who, what, obj, detail))

    def audit_log(self, limit: int = 200) -> list[dict[str, Any]]:
        return [dict(r) for r in self._db().execute("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))]


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def plain(obj: Any) -> Any:
    """``obj.to_dict()`` for a Result, faster: the same dicts and lists (a test compares
    them), walking the known shapes by their exact type and leaving anything else to
    ``findings._plain`` (lazy mappings, subclasses)."""
    from ..findings import _plain

    t = type(obj)
    if t is str or t is int or t is float or t is bool or obj is None:
        return obj
    if t is list or t is tuple:
        return [plain(v) for v in obj]
    if t is dict:
        return {k: plain(v) for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {n: plain(getattr(obj, n)) for n in _field_names(t)}
    return _plain(obj)


def _submission(row: sqlite3.Row) -> Submission:
    d = dict(row)
    d["valid"] = bool(d["valid"])
    d["result"] = json.loads(d["result"])
    d["values"] = json.loads(d["values"])
    return Submission(**d)
