"""The server tests' kit: a real uvicorn in its own process on 127.0.0.1 and a free port,
over a real SQLite store seeded with a province, its districts, communes and accounts;
an HTTP client with cookies, CSRF and multipart."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-2023"

UNITS = [
    {"code": "P", "name": "Tỉnh Phú Thọ", "level": "tinh", "parent": ""},
    {"code": "D1", "name": "huyện Lâm Thao", "level": "huyen", "parent": "P"},
    {"code": "D2", "name": "huyện Cẩm Khê", "level": "huyen", "parent": "P"},
    {"code": "X1", "name": "xã Kim Lâm", "level": "xa", "parent": "D1"},
    {"code": "X2", "name": "xã Cao Xá", "level": "xa", "parent": "D1"},
    {"code": "X3", "name": "xã Tình Cương", "level": "xa", "parent": "D2"},
]
# username -> (role, unit)
ACCOUNTS = {
    "admin": ("admin", None),
    "rev_p": ("reviewer", "P"),
    "rev_d1": ("reviewer", "D1"),
    "rev_d2": ("reviewer", "D2"),
    "unit_x1": ("unit", "X1"),
    "unit_x2": ("unit", "X2"),
    "unit_x3": ("unit", "X3"),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    db: str
    proc: subprocess.Popen
    tokens: dict[str, str]
    log: Path

    def client(self, username: Optional[str] = None) -> "Client":
        c = Client(self.url)
        if username:
            c.login(username, PASSWORD)
        return c


SPEC = str(Path(__file__).parent / "specs" / "2023-server.yaml")


def start_server(tmp: Path, *, max_upload: int = 5 * 1024 * 1024, seed: bool = True) -> Server:
    from cchc_engine.server.auth import hash_password, new_token, token_hash
    from cchc_engine.store import Store

    db = "sqlite:///" + str(tmp / "cchc.sqlite3")
    tokens: dict[str, str] = {}
    store = Store.open(db)
    if seed:
        store.import_units(UNITS)
        pw = hash_password(PASSWORD)
        for name, (role, unit) in ACCOUNTS.items():
            tokens[name] = new_token()
            store.create_account(name, role, unit=unit, password_hash=pw, token_hash=token_hash(tokens[name]), by="test")
    store.close()
    port = free_port()
    env = dict(os.environ, CCHC_DB=db, CCHC_SECRET=os.urandom(32).hex(), CCHC_SERVER_MAX_UPLOAD=str(max_upload),
               CCHC_SERVER_SPEC=SPEC)
    log = tmp / "server.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "cchc_engine.server.asgi:app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=str(tmp),
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/api/openapi.json", timeout=2).read()
            break
        except (urllib.error.URLError, ConnectionError, OSError):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("the server did not start:\n" + log.read_text(errors="replace"))
            time.sleep(0.1)
    return Server(url, db, proc, tokens, log)


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.proc.kill()


# --- a small HTTP client with cookies, CSRF and multipart -------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Reply:
    status: int
    headers: Any
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def location(self) -> str:
        return self.headers.get("location") or ""


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.csrf = ""
        self.token: Optional[str] = None

    def request(self, method: str, path: str, data: Optional[bytes] = None, headers: Optional[dict] = None) -> Reply:
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=dict(headers or {}))
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with self.opener.open(req, timeout=60) as resp:
                return Reply(resp.status, resp.headers, resp.read())
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.headers, err.read())

    def get(self, path: str) -> Reply:
        reply = self.request("GET", path)
        m = re.search(rb'name="csrf" value="([^"]+)"', reply.body)
        if m:
            self.csrf = m.group(1).decode()
        return reply

    def post(self, path: str, fields: Optional[dict[str, str]] = None, files: Optional[dict[str, tuple[str, bytes]]] = None,
             csrf: bool = True) -> Reply:
        fields = dict(fields or {})
        if csrf and self.csrf and "csrf" not in fields:
            fields["csrf"] = self.csrf
        body, ctype = multipart(fields, files or {})
        return self.request("POST", path, body, {"Content-Type": ctype})

    def login(self, username: str, password: str) -> Reply:
        self.get("/login")
        reply = self.post("/login", {"username": username, "password": password})
        if reply.status == 303:
            self.get("/")  # the signed-in pages carry the session's CSRF token
            self.get(reply.location if reply.location != "/" else "/")
            follow = self.get("/").location
            if follow:
                self.get(follow)
        return reply

    def cookie(self, name: str) -> Optional[http.cookiejar.Cookie]:
        return next((c for c in self.jar if c.name == name), None)


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = []
    for k, v in fields.items():
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    for k, (name, data) in files.items():
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="{name}"\r\n'
                   f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"
