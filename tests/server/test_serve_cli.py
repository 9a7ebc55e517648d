"""`cchc serve` itself: the first administrator, and a real start on a free port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

from .serverkit import free_port


def test_create_admin_then_serve(tmp_path) -> None:
    from cchc_engine.server.auth import verify_password
    from cchc_engine.store import Store

    db = "sqlite:///" + str(tmp_path / "p.sqlite3")
    env = dict(os.environ, CCHC_ADMIN_PASSWORD="mot-mat-khau-dai")
    done = subprocess.run([sys.executable, "-m", "cchc_engine", "serve", "--db", db, "--create-admin", "quantri"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    account = Store.open(db).account("quantri")
    assert account.role == "admin" and verify_password("mot-mat-khau-dai", account.password_hash)

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "cchc_engine", "serve", "--db", db, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).read().decode()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert "Đăng nhập" in page
    finally:
        proc.terminate()
        proc.wait(timeout=10)
