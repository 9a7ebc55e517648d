"""A submission is one transaction: parallel submits (processes and threads) never lose
one, and a submit killed (SIGKILL) inside its transaction leaves no half record."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from .storekit import SPEC_KY, UNITS, report, wait_for

from cchc_engine.store import Store

WORKER = textwrap.dedent("""
    import sys, json
    sys.path.insert(0, {kit!r})
    from storekit import report
    from cchc_engine.session import Session
    from cchc_engine.store import Store

    url, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store.open(url)
    session = Session.open({spec!r}, entry_points=False)
    for i in range(n):
        sub = store.submit(session, report("xã Cao Xá", "2023-Q3", van_ban_chi_dao=i), f"{{name}}-{{i}}.json",
                           unit="X1", by=name).submission
        print(sub.version, flush=True)
""")


def _script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "worker.py"
    path.write_text(body.format(kit=str(Path(__file__).parent), spec=str(SPEC_KY)))
    return path


def test_parallel_processes_lose_nothing(store, store_url, tmp_path):
    store.import_units(UNITS)
    script = _script(tmp_path, WORKER)
    procs = [subprocess.Popen([sys.executable, str(script), store_url, f"p{k}", "5"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for k in range(4)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-2000:] for o in outs]
    history = store.history("X1", "2023-Q3")
    assert sorted(s.version for s in history) == list(range(1, 21))
    assert sorted((s.by, s.filename) for s in history) == sorted((f"p{k}", f"p{k}-{i}.json") for k in range(4) for i in range(5))
    # every process saw the version it wrote, each number exactly once
    seen = sorted(int(v) for out, _err in outs for v in out.split())
    assert seen == list(range(1, 21))
    assert len([e for e in store.audit_log(actor=None) if e.action == "submit"]) == 20


def test_parallel_threads_share_one_store_and_session(store, session_ky):
    store.import_units(UNITS)
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(4):
                store.submit(session_ky, report("xã Sơn Vi", "2023-Q3", van_ban_chi_dao=k * 10 + i), f"t{k}-{i}.json",
                             unit="X2", by=f"t{k}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not errors, errors
    history = store.history("X2", "2023-Q3")
    assert [s.version for s in history] == list(range(1, 17))
    values = sorted(store.result(s.id).value("van_ban_chi_dao") for s in history)
    assert values == sorted(k * 10 + i for k in range(4) for i in range(4))


KILLED = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {kit!r})
    from storekit import report
    from cchc_engine.session import Session
    from cchc_engine.store import Store, store as module

    url, marker = sys.argv[1], sys.argv[2]
    store = Store.open(url)
    session = Session.open({spec!r}, entry_points=False)
    write_audit = module.Store._audit

    def audit_then_hang(self, conn, *args, **kwargs):
        # inside the submit's transaction: the blob and the version row are written
        write_audit(self, conn, *args, **kwargs)
        open(marker, "w").close()
        time.sleep(120)

    module.Store._audit = audit_then_hang
    store.submit(session, report("xã Cao Xá", "2023-Q3"), "killed.json", unit="X1", by="killed")
""")


def test_a_submit_killed_mid_transaction_leaves_nothing(store, store_url, session_ky, tmp_path):
    store.import_units(UNITS)
    script = _script(tmp_path, KILLED)
    marker = tmp_path / "in-transaction"
    proc = subprocess.Popen([sys.executable, str(script), store_url, str(marker)], stderr=subprocess.PIPE, text=True)
    try:
        wait_for(marker, timeout=120)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(60)
    assert proc.returncode == -signal.SIGKILL
    fresh = Store.open(store_url)  # another process's view, as after a crash
    assert fresh.history("X1") == []
    assert [e for e in fresh.audit_log() if e.action == "submit"] == []
    from sqlalchemy import func, select

    from cchc_engine.store import schema

    with fresh.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.blobs)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(schema.submissions)).scalar() == 0
    # the lock died with the process: the next submit goes through as version 1
    kept = fresh.submit(session_ky, report("xã Cao Xá", "2023-Q3"), "ok.json", unit="X1", by="an").submission
    assert kept.version == 1
    fresh.close()


def test_sqlite_file_is_private(tmp_path, monkeypatch):
    """The default store: in the user's data folder, folder 0700 and file 0600."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("CCHC_DB", raising=False)
    s = Store.open()
    s.import_units(UNITS)
    path = tmp_path / "data" / "cchc" / "store.sqlite3"
    assert s.url == f"sqlite:///{path}"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"
    with s.engine.connect() as conn:  # the -wal file lives while a connection is open
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        wal = Path(str(path) + "-wal")
        assert wal.exists() and oct(wal.stat().st_mode & 0o777) == "0o600"
    s.close()
    # CCHC_DB wins over the default
    monkeypatch.setenv("CCHC_DB", f"sqlite:///{tmp_path / 'other.sqlite3'}")
    assert Store.open().url.endswith("other.sqlite3")
