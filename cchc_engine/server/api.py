"""The JSON API: the pages' actions for vendors' systems, with a per-account token.

    curl -H "Authorization: Bearer $TOKEN" -F period=2023-Q3 -F file=@bao-cao.xlsx \\
         https://cchc.example.gov.vn/api/submissions

Every route asks the same authorization function as the pages. The document at
/api/openapi.json is written here by hand next to the routes, and a test pins that
each route is in it and nothing else is.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import authz, formview


def _ctx(request: Request) -> Any:
    from .app import _ctx as make

    ctx = make(request, api=True)
    if ctx.account is None:
        raise authz.Forbidden(401)
    return ctx


def _result_json(doc: dict[str, Any], lang: str) -> dict[str, Any]:
    """The ``-f json`` result, its messages in ``lang``."""
    if lang == "vi":
        return doc
    out = dict(doc)
    out["findings"] = [dict(f, message=formview.finding_text(f, lang)) for f in doc.get("findings", [])]
    return out


def _submission_json(store: Any, sub: Any, result: Any, lang: str, new: bool = False) -> dict[str, Any]:
    from .cycle import plain, status

    return {"id": sub.id, "unit": sub.unit, "period": sub.period, "version": sub.version,
            "status": "received" if new else status(store, sub),  # a version just made has no review
            "filename": sub.filename, "sha256": sub.sha256, "by": sub.by, "at": sub.at.isoformat(), "valid": sub.valid,
            "result": _result_json(plain(result), lang)}


async def post_submission(request: Request) -> Response:
    from ..flow.findings import CchcError
    from ..flow.submission import normalise_period
    from .app import _problems, current_period
    from .cycle import unit_or_none

    ctx = _ctx(request)
    form = await request.form(max_files=1, max_fields=20)
    unit_code = str(form.get("unit") or ctx.account.unit or "")
    store = ctx.app.store
    unit = unit_or_none(store, unit_code)
    if unit is None:
        return JSONResponse({"error": "unknown-unit", "unit": unit_code}, 404)
    ctx.require("submit", unit.code)
    period = normalise_period(str(form.get("period") or "")) or current_period()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return JSONResponse({"error": "no-file"}, 422)
    data = await upload.read()
    try:
        got = await run_in_threadpool(store.submit, ctx.app.session("vi"), data, upload.filename, unit=unit.code,
                                      period=period, by=ctx.account.username)
    except CchcError as exc:
        return JSONResponse({"error": "unusable-file", "messages": _problems(exc, ctx.lang, upload.filename)}, 422)
    body = await run_in_threadpool(_submission_json, store, got.submission, got.result, ctx.lang, True)
    return JSONResponse(body, 201)


async def get_submission(request: Request) -> Response:
    from .cycle import submission_or_none

    ctx = _ctx(request)
    sub = submission_or_none(ctx.app.store, request.path_params["id"])
    if sub is None:
        return JSONResponse({"error": "not-found"}, 404)
    ctx.require("view", sub.unit)
    result = await run_in_threadpool(ctx.app.store.result, sub.id)
    return JSONResponse(_submission_json(ctx.app.store, sub, result, ctx.lang))


async def get_board(request: Request) -> Response:
    from .app import _board, _period
    from .cycle import unit_or_none

    ctx = _ctx(request)
    under = request.query_params.get("under") or ctx.account.unit
    if not under or unit_or_none(ctx.app.store, under) is None:
        return JSONResponse({"error": "unknown-unit", "unit": under}, 404)
    ctx.require("board", under)
    period = _period(ctx)
    rows = _board(ctx.app.store, period, under)
    return JSONResponse({"period": period, "under": under, "units": [
        {"unit": r.unit.code, "name": r.unit.name, "level": r.unit.level, "parent": r.unit.parent, "state": r.state,
         "versions": r.versions, "submission": r.current.id if r.current else None,
         "version": r.current.version if r.current else None,
         "unexplained_errors": r.unexplained_errors, "unexplained_warnings": r.unexplained_warnings}
        for r in rows]})


async def post_compile(request: Request) -> Response:
    from ..flow.findings import CchcError
    from ..text.sanitize import clean_output
    from .app import _compile, _period, _problems
    from .cycle import unit_or_none

    ctx = _ctx(request)
    code = request.query_params.get("unit") or ctx.account.unit
    unit = unit_or_none(ctx.app.store, code)
    if unit is None:
        return JSONResponse({"error": "unknown-unit", "unit": code}, 404)
    ctx.require("compile", unit.code)
    period = _period(ctx)
    accepted_only = request.query_params.get("all") not in ("1", "true")
    session = ctx.app.session(ctx.lang)
    try:
        result, missing = await run_in_threadpool(_compile, ctx.app.store, session, period, unit, accepted_only,
                                                  ctx.account.username)
    except CchcError as exc:
        return JSONResponse({"error": "cannot-compile", "messages": _problems(exc, ctx.lang)}, 422)
    doc = session.run(lambda: clean_output(result).to_dict())
    return JSONResponse({"period": period, "unit": unit.code, "missing": missing, "result": doc})


async def openapi(request: Request) -> Response:
    return JSONResponse(OPENAPI)


def routes() -> list[Route]:
    return [
        Route("/api/submissions", post_submission, methods=["POST"]),
        Route("/api/submissions/{id}", get_submission, methods=["GET"]),
        Route("/api/board", get_board, methods=["GET"]),
        Route("/api/compile", post_compile, methods=["POST"]),
        Route("/api/openapi.json", openapi, methods=["GET"]),
    ]


_ERR = {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_AUTH = {"401": _ERR, "403": _ERR, "404": _ERR}
_PERIOD = {"name": "period", "in": "query", "schema": {"type": "string", "example": "2023-Q3"},
           "description": "2023, 2023-H1, 2023-Q3…; default the period being collected now"}
_LANG = {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["vi", "en"]}, "description": "language of messages"}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "cchc-engine server API", "version": "1",
             "description": "Upload a unit's report and get it checked; read submissions, the period's board; compile. "
                            "Authenticate with `Authorization: Bearer <token>` (the account's API token)."},
    "components": {
        "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {"type": "object", "properties": {"error": {"type": "string"}, "messages": {"type": "array", "items": {"type": "string"}}},
                      "required": ["error"]},
            "Submission": {"type": "object", "required": ["id", "unit", "period", "version", "status", "result"], "properties": {
                "id": {"type": "integer"}, "unit": {"type": "string"}, "period": {"type": "string"},
                "version": {"type": "integer"}, "status": {"type": "string", "enum": ["received", "returned", "approved"]},
                "filename": {"type": "string"}, "sha256": {"type": "string"}, "by": {"type": "string"},
                "at": {"type": "string", "format": "date-time"},
                "valid": {"type": "boolean"},
                "result": {"type": "object", "description": "the `cchc compute -f json` result (docs/json-output.md)"}}},
        },
    },
    "security": [{"token": []}],
    "paths": {
        "/api/submissions": {"post": {
            "summary": "Upload a unit's report (a new version); the checked result comes back",
            "parameters": [_LANG],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                "file": {"type": "string", "format": "binary"}, "period": {"type": "string"},
                "unit": {"type": "string", "description": "unit code; default the account's unit"}}}}}},
            "responses": {"201": {"description": "stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Submission"}}}},
                          "413": _ERR, "422": _ERR, **_AUTH}}},
        "/api/submissions/{id}": {"get": {
            "summary": "One submission (one version) with its result",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}, _LANG],
            "responses": {"200": {"description": "the submission", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Submission"}}}}, **_AUTH}}},
        "/api/board": {"get": {
            "summary": "Every expected unit of a subtree with the status of its current version, not submitted first",
            "parameters": [_PERIOD, {"name": "under", "in": "query", "schema": {"type": "string"}, "description": "root unit; default the account's"}],
            "responses": {"200": {"description": "the board"}, **_AUTH}}},
        "/api/compile": {"post": {
            "summary": "Compile the approved versions of a unit's children (all=1: every current version not returned); who is missing",
            "parameters": [_PERIOD, _LANG, {"name": "unit", "in": "query", "schema": {"type": "string"}, "description": "default the account's unit"},
                           {"name": "all", "in": "query", "schema": {"type": "string", "enum": ["1"]}, "description": "not only approved versions"}],
            "responses": {"200": {"description": "the compiled result and the missing units"}, **_AUTH}}},
        "/api/openapi.json": {"get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OpenAPI 3.1"}}}},
    },
}
