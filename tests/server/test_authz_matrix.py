"""Every route × every role × someone else's object: one authorization function answers.

The objects belong to commune X1 (under district D1, under province P). Allowed: X1's own
account, the reviewers of D1 and P, the administrator; everyone else is refused (403, or
the sign-in page / 401 when nobody is signed in). A route added to the app without a row
here fails ``test_every_route_is_in_the_matrix``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .build import commune

from .serverkit import ACCOUNTS

ROLES = ["anonymous", *ACCOUNTS]
OWNER_SIDE = {"unit_x1", "rev_d1", "rev_p", "admin"}
REVIEWERS = {"rev_d1", "rev_p", "admin"}
SUBMITTERS = {"unit_x1", "admin"}
PUBLIC = set(ROLES)
SIGNED_IN = set(ACCOUNTS)

# route path -> (method, concrete path, form fields, who may)
MATRIX = {
    "/": ("GET", "/", None, PUBLIC),
    "/login": ("GET", "/login", None, PUBLIC),
    "/logout": ("POST", "/logout", {}, PUBLIC),
    "/unit/{code}": ("GET", "/unit/X1?period=2023-Q3", None, OWNER_SIDE),
    "/unit/{code}/upload": ("POST", "/unit/X1/upload", {"period": "2023-Q3"}, SUBMITTERS),
    "/submissions/{id}": ("GET", "/submissions/{S}", None, OWNER_SIDE),
    "/submissions/{id}/explain": ("POST", "/submissions/{S}/explain", {"finding": "x", "text": "y"}, SUBMITTERS),
    "/submissions/{id}/review": ("POST", "/submissions/{S}/review", {"action": "none"}, REVIEWERS),
    "/submissions/{id}/download/{fmt}": ("GET", "/submissions/{S}/download/json", None, OWNER_SIDE),
    "/submissions/{id}/original": ("GET", "/submissions/{S}/original", None, OWNER_SIDE),
    "/board": ("GET", "/board?under=D1&period=2023-Q3", None, REVIEWERS),
    "/compile": ("POST", "/compile", {"unit": "D1", "period": "2023-Q3"}, REVIEWERS),
    "/compile/{code}/{period}/{kind}": ("GET", "/compile/D1/2023-Q3/missing.csv", None, REVIEWERS),
    "/chart": ("GET", "/chart?under=D1&period=2023-Q3", None, REVIEWERS),
    "/admin": ("GET", "/admin", None, {"admin"}),
    "/admin/units": ("POST", "/admin/units", {}, {"admin"}),
    "/admin/accounts": ("POST", "/admin/accounts", {"username": ""}, {"admin"}),
    "/account/token": ("POST", "/account/token", {}, SIGNED_IN),
    "/api/submissions": ("POST", "/api/submissions", {"unit": "X1", "period": "2023-Q3"}, SUBMITTERS),
    "/api/submissions/{id}": ("GET", "/api/submissions/{S}", None, OWNER_SIDE),
    "/api/board": ("GET", "/api/board?under=D1&period=2023-Q3", None, REVIEWERS),
    "/api/compile": ("POST", "/api/compile?unit=D1&period=2023-Q3", {}, REVIEWERS),
    "/api/openapi.json": ("GET", "/api/openapi.json", None, PUBLIC),
    "/static": ("GET", "/static/style.css", None, PUBLIC),
}


def test_every_route_is_in_the_matrix(tmp_path: Path) -> None:
    from cchc_engine.server import create_app

    app = create_app("sqlite:///" + str(tmp_path / "x.sqlite3"))
    paths = {getattr(r, "path", None) for r in app.routes}
    assert paths == set(MATRIX), (paths ^ set(MATRIX))


@pytest.fixture(scope="module")
def submission_of_x1(server, tmp_path_factory) -> int:
    path = commune(tmp_path_factory.mktemp("files") / "x1.xlsx", "Kim Lâm", extra_row=True)
    c = server.client()
    c.token = server.tokens["unit_x1"]
    reply = c.post("/api/submissions", {"period": "2023-Q3"}, {"file": ("x1.xlsx", path.read_bytes())}, csrf=False)
    assert reply.status == 201, reply.text
    return reply.json()["id"]


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_route_as_every_role(server, submission_of_x1: int, route: str) -> None:
    method, path, fields, allowed = MATRIX[route]
    path = path.replace("{S}", str(submission_of_x1))
    api = route.startswith("/api/")
    got = {}
    for role in ROLES:
        if api:
            c = server.client()
            if role != "anonymous":
                c.token = server.tokens[role]
        else:
            c = server.client(None if role == "anonymous" else role)
        if method == "GET":
            reply = c.get(path)
        else:
            reply = c.post(path, fields, csrf=not api)
        refused = (reply.status in (401, 403)) or (not api and reply.status == 303 and reply.location.endswith("/login")
                                                   and route not in ("/", "/logout"))
        got[role] = not refused
        if route == "/account/token" and not refused:  # the old token stops working: keep the new one
            server.tokens[role] = re.search(r"cchc_[A-Za-z0-9_-]+", reply.text).group(0)
        assert reply.status < 500, (role, reply.status, reply.text[:500])
        if refused and api:
            assert reply.status == (401 if role == "anonymous" else 403), role
    assert {r for r, ok in got.items() if ok} == allowed


def test_a_reviewer_sees_only_their_subtree_on_the_board(server, submission_of_x1: int) -> None:
    c = server.client("rev_d2")
    page = c.get("/board?period=2023-Q3").text
    assert "xã Tình Cương" in page and "xã Kim Lâm" not in page
    assert c.get("/board?under=P&period=2023-Q3").status == 403
    c.token = server.tokens["rev_d2"]
    codes = [u["unit"] for u in c.get("/api/board?period=2023-Q3").json()["units"]]
    assert codes == ["X3", "D2"] or sorted(codes) == ["D2", "X3"]
