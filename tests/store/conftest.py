"""The store's tests run on SQLite and on a real PostgreSQL server started here.

``pg_server`` (session scope) runs initdb and pg_ctl from the PostgreSQL server
binaries in a temporary folder, as the unprivileged ``postgres`` user when the tests
run as root (initdb refuses root), on a free loopback port, and stops the server at
the end. Missing binaries are a failure naming the package to install, never a skip.
Each test gets a fresh database (``store_url``, parametrised over both backends).
"""

from __future__ import annotations

import itertools
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest

HERE = Path(__file__).resolve().parent
from .storekit import SPEC_KY
PG_DIRS = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin",
           "/usr/lib/postgresql/14/bin", "/usr/local/pgsql/bin", "/usr/pgsql-15/bin")


def _pg_bin() -> Optional[Path]:
    env = os.environ.get("CCHC_PG_BIN")
    candidates = ([env] if env else []) + list(PG_DIRS)
    for d in candidates:
        if d and (Path(d) / "initdb").is_file() and (Path(d) / "pg_ctl").is_file():
            return Path(d)
    found = shutil.which("initdb")
    return Path(found).parent if found and (Path(found).parent / "pg_ctl").is_file() else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self, bindir: Path, root: Path, port: int, as_user: Optional[str]):
        self.bindir, self.root, self.port, self.as_user = bindir, root, port, as_user
        self.data = root / "data"
        self.counter = itertools.count(1)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        switch: dict[str, Any] = {}
        if self.as_user:  # as that account (Python's own setuid: runuser is not on every PATH)
            info = pwd.getpwnam(self.as_user)
            switch = {"user": info.pw_uid, "group": info.pw_gid, "extra_groups": [], "cwd": str(self.root)}
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **switch)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://cchc@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        name = f"t{os.getpid()}_{next(self.counter)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=cchc dbname=postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bindir = _pg_bin()
    if bindir is None:
        pytest.fail(
            "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or on PATH: "
            "install them (apt-get install postgresql) or point CCHC_PG_BIN at their folder. "
            "The store's tests run on PostgreSQL as well as SQLite and are never skipped."
        )
    as_user = None
    if os.geteuid() == 0:  # initdb refuses root: run the server as an unprivileged account
        for name in ("postgres", "nobody"):
            try:
                pwd.getpwnam(name)
                as_user = name
                break
            except KeyError:
                continue
    root = Path(tempfile.mkdtemp(prefix="cchc-pg-"))
    if as_user:
        info = pwd.getpwnam(as_user)
        os.chown(root, info.pw_uid, info.pw_gid)
    os.chmod(root, 0o700)
    server = PgServer(bindir, root, _free_port(), as_user)
    done = server.run("initdb", "-D", str(server.data), "-U", "cchc", "-A", "trust", "-E", "UTF8",
                      "--locale=C", "--no-sync")
    if done.returncode != 0:
        pytest.fail(f"initdb failed: {done.stderr or done.stdout}")
    options = (f"-p {server.port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
    started = server.run("pg_ctl", "-D", str(server.data), "-l", str(root / "log.txt"), "-o", options, "-w", "-t", "60", "start")
    if started.returncode != 0:
        log = (root / "log.txt").read_text(errors="replace") if (root / "log.txt").exists() else ""
        pytest.fail(f"pg_ctl start failed: {started.stderr or started.stdout}\n{log[-2000:]}")
    try:
        yield server
    finally:
        server.run("pg_ctl", "-D", str(server.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return request.getfixturevalue("pg_server").new_database()


@pytest.fixture
def store(store_url):
    from cchc_engine.store import Store

    s = Store.open(store_url)
    yield s
    s.close()


@pytest.fixture(scope="session")
def session_ky():
    from cchc_engine.session import Session

    return Session.open(str(SPEC_KY), entry_points=False)
