"""Where the store lives and how it is opened: the URL, the engine, the migrations.

SQLite by default — one file in the user's data directory, WAL, created 0700/0600 —
and PostgreSQL by URL through psycopg 3. ``--db`` wins, then ``CCHC_DB``, then the
default file. A write transaction on SQLite begins ``IMMEDIATE`` (it takes the write
lock at once, so two submits queue instead of failing on a lock upgrade); readers are
never blocked in WAL mode.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from ..flow.findings import CchcError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

ENV = "CCHC_DB"
# How long a submit waits for another one's write lock on SQLite before giving up.
SQLITE_BUSY_MS = 60_000


def data_dir() -> Path:
    """The user's data directory for cchc (not the cache: deleting it loses the store)."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "cchc"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "cchc"
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "cchc"


def resolve_url(url: Optional[str]) -> str:
    """``--db``, else ``CCHC_DB``, else the default SQLite file. A bare path is a SQLite
    file; ``postgresql://`` means psycopg 3 (``postgresql+psycopg://``)."""
    url = (url or os.environ.get(ENV) or "").strip()
    if not url:
        return "sqlite:///" + str(data_dir() / "store.sqlite3")
    if "://" not in url:
        return "sqlite:///" + str(Path(url).expanduser().resolve())
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def shown_url(url: str) -> str:
    """The URL as an officer may read it: the password hidden."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1]


def require_sqlalchemy() -> None:
    try:
        import sqlalchemy  # noqa: F401
    except ImportError:
        raise CchcError.make("store-needs-extra") from None


def make_engine(url: str) -> "Engine":
    """An engine for ``url``; SQLite's file (and folder) made private first."""
    require_sqlalchemy()
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise CchcError.make("store-bad-url", url=url) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            _private_file(Path(database))
        # Connections are kept (a pool): closing SQLite's last one checkpoints the WAL, a
        # fsync per submit. The sqlite3 module's own transaction handling is off: BEGIN is ours.
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, never corrupt
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            write = conn.get_execution_options().get("cchc_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise CchcError.make("store-needs-extra") from None
        # No ping before each use (two round trips a submit): a connection the server
        # dropped (a restart) is thrown away by SQLAlchemy when it fails, and a write is
        # then run again on a new one (Store._write).
        return create_engine(parsed, pool_pre_ping=False)
    raise CchcError.make("store-bad-url", url=shown_url(url))


def _private_file(path: Path) -> None:
    """Create the database's folder 0700 and its file 0600 when they do not exist yet
    (SQLite gives its -wal and -shm files the database file's mode)."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)


def current_revision(engine: "Engine") -> Optional[str]:
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: "Engine", revision: str = "head") -> None:
    """Run the migrations (Alembic, shipped in the package) up to ``revision``, in one
    transaction per run on the store's own connection."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).resolve().parent / "migrations"))
    with engine.connect().execution_options(cchc_write=True) as conn:
        with conn.begin():
            # Two commands opening a new store at once: the second waits, then finds it
            # made (SQLite's BEGIN IMMEDIATE does the same there).
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(24240024)")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
