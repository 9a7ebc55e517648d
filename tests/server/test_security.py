"""Security as a feature: text from files is text, forms need their CSRF token, uploads are
bounded, received names are never paths, sign-ins are limited, passwords are scrypt hashes,
cookies are HttpOnly and SameSite, the audit log says who did what."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .build import SCRIPT, commune
from .serverkit import PASSWORD, start_server, stop_server


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("files")
    return {
        "script": commune(d / "script.xlsx", "Kim Lâm", note=("nv_de_ra", SCRIPT), changes={"nv_hoan_thanh": 999}),
        "clean": commune(d / "clean.xlsx", "Kim Lâm"),
    }


def _upload(c, path: Path, name: str = "bao-cao.xlsx", unit: str = "X1"):
    c.get(f"/unit/{unit}?period=2023-Q3")
    return c.post(f"/unit/{unit}/upload", {"period": "2023-Q3"}, {"file": (name, path.read_bytes())})


def test_a_cell_holding_a_script_is_shown_as_text(server, files) -> None:
    c = server.client("unit_x1")
    reply = _upload(c, files["script"])
    assert reply.status == 303, reply.text
    page = c.get(reply.location)
    assert page.status == 200
    assert SCRIPT not in page.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page.text
    # the finding is marked at its cell, with what was typed there
    assert re.search(r'<td id="c0-D10" class="mark error"[^>]*>999<a class="pin"', page.text)
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_a_form_without_its_csrf_token_is_refused(server, files) -> None:
    c = server.client("unit_x1")
    reply = _upload(c, files["clean"])
    sid = reply.location.rsplit("/", 1)[1]
    c.get(f"/submissions/{sid}")
    assert c.post(f"/submissions/{sid}/explain", {"finding": "x", "text": "y"}, csrf=False).status == 403
    assert c.post(f"/submissions/{sid}/explain", {"finding": "x", "text": "y", "csrf": "forged"}).status == 403
    other = server.client("unit_x2")  # another sign-in's token is not this one's
    assert c.post(f"/submissions/{sid}/explain", {"finding": "x", "text": "y", "csrf": other.csrf or "z"}).status == 403


def _post_big(server, path: str, headers: dict, size: int) -> int:
    """POST ``size`` bytes; the server may answer and close before it has all of them."""
    import http.client
    from urllib.parse import urlparse

    from .serverkit import multipart

    body, ctype = multipart({"period": "2023-Q3", **({"csrf": headers.pop("csrf")} if "csrf" in headers else {})},
                            {"file": ("big.xlsx", b"x" * size)})
    u = urlparse(server.url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.request("POST", path, body, {"Content-Type": ctype, **headers})
    except (BrokenPipeError, ConnectionResetError):
        pass
    status = conn.getresponse().status
    conn.close()
    return status


def test_an_upload_over_the_limit_is_refused_before_it_is_read(server) -> None:
    c = server.client("unit_x1")
    c.get("/unit/X1")
    cookie = "; ".join(f"{k.name}={k.value}" for k in c.jar)
    assert _post_big(server, "/unit/X1/upload", {"Cookie": cookie, "csrf": c.csrf}, 6 * 1024 * 1024) == 413
    assert _post_big(server, "/api/submissions", {"Authorization": "Bearer " + server.tokens["unit_x1"]}, 6 * 1024 * 1024) == 413
    # without a Content-Length (chunked), the body is counted as it arrives
    import http.client
    from urllib.parse import urlparse

    u = urlparse(server.url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.xlsx"\r\n\r\n'
    chunks = iter([head] + [b"x" * 65536] * 100)
    try:
        conn.request("POST", "/api/submissions", chunks, {"Authorization": "Bearer " + server.tokens["unit_x1"],
                                                          "Content-Type": "multipart/form-data; boundary=b"},
                     encode_chunked=True)
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert conn.getresponse().status == 413
    conn.close()


def test_a_received_name_is_text_never_a_path(server, files, tmp_path) -> None:
    c = server.client()
    c.token = server.tokens["unit_x1"]
    name = "../../" + str(tmp_path / "escaped.xlsx")
    reply = c.post("/api/submissions", {"period": "2023-Q3"}, {"file": (name, files["clean"].read_bytes())}, csrf=False)
    assert reply.status == 201, reply.text
    body = reply.json()
    assert body["filename"] == name and body["result"]["file"] == name
    assert not (tmp_path / "escaped.xlsx").exists()
    assert not list(Path(server.db.split(":///")[1]).parent.glob("*.xlsx"))


def test_an_unusable_file_gets_the_engines_message_in_vietnamese(server) -> None:
    c = server.client("unit_x1")
    c.get("/unit/X1")
    reply = c.post("/unit/X1/upload", {"period": "2023-Q3"}, {"file": ("hong.xlsx", b"PK\x03\x04 not a zip")})
    assert reply.status == 422
    assert "Không đọc được báo cáo" in reply.text
    c.token = server.tokens["unit_x1"]
    api = c.post("/api/submissions?lang=en", {"period": "2023-Q3"}, {"file": ("hong.xlsx", b"PK\x03\x04 not a zip")}, csrf=False)
    assert api.status == 422 and api.json()["error"] == "unusable-file" and api.json()["messages"]


def test_cookies_are_signed_httponly_samesite_and_a_forged_one_is_nobody(server) -> None:
    c = server.client()
    c.get("/login")
    reply = c.post("/login", {"username": "unit_x2", "password": PASSWORD})
    assert reply.status == 303
    header = reply.headers["set-cookie"]
    assert "cchc_session=" in header and "HttpOnly" in header and "SameSite=lax" in header
    cookie = c.cookie("cchc_session")
    payload, sig = cookie.value.rsplit(".", 1)
    cookie.value = payload + "." + ("A" if sig[0] != "A" else "B") + sig[1:]
    assert c.get("/unit/X2").status == 303  # back to sign-in


def test_sign_in_attempts_are_limited(tmp_path) -> None:
    srv = start_server(tmp_path)
    try:
        c = srv.client()
        for _ in range(5):
            c.get("/login")
            assert c.post("/login", {"username": "unit_x3", "password": "wrong"}).status == 401
        c.get("/login")
        blocked = c.post("/login", {"username": "unit_x3", "password": PASSWORD})
        assert blocked.status == 429 and "thử lại sau 5 phút" in blocked.text
        assert srv.client("unit_x1").get("/unit/X1").status == 200  # another name still signs in
    finally:
        stop_server(srv)
    from cchc_engine.store import Store

    store = Store.open(srv.db)
    assert store.account("unit_x3").password_hash.startswith("scrypt$16384$8$1$")
    log = [(a.actor, a.action) for a in store.audit_log()]
    assert log.count(("unit_x3", "login-failed")) == 5 and ("unit_x3", "login-blocked") in log
    assert ("unit_x1", "login") in log
