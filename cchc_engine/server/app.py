"""The Starlette application: pages for units, reviewers and administrators, and the JSON API.

``create_app(store_url)`` builds one app: its store, its Sessions (one per spec and
language, made once and reused by every request), its cookie signer and login limiter.
Nothing lives at module level, so two apps in one process share nothing.

Every route loads its object, then asks ``authz.require`` (one function) whether the
signed-in account may act on that object's unit. Forms carry the sign-in's CSRF token;
the API takes ``Authorization: Bearer <token>`` instead of the cookie and no CSRF.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import os
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..flow.findings import CchcError
from . import auth, authz, charts, cycle, formview, texts

HERE = Path(__file__).parent
DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024
COOKIE = "cchc_session"
LANG_COOKIE = "cchc_lang"


@dataclass
class Config:
    spec: str = "2023"
    max_upload: int = DEFAULT_MAX_UPLOAD
    secure_cookies: bool = False
    login_attempts: int = 5
    login_window: float = 300.0


@dataclass
class AppState:
    """What one app owns (never shared with another app in the process)."""

    store: Any
    config: Config
    signer: auth.CookieSigner
    limiter: auth.LoginLimiter
    env: Environment
    sessions: dict[tuple[str, str], Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def session(self, lang: str = "vi") -> Any:
        """The Session for the app's spec in ``lang``; made once, reused by every request."""
        from ..session import Session

        key = (self.config.spec, lang)
        with self.lock:
            if key not in self.sessions:
                session = Session.open(self.config.spec, lang=lang)
                # The host loads its plugins and fills its registries on first use; do it
                # here, under the lock, so concurrent first requests never see them half-made.
                session.run(lambda: (session.host.readers.all(), session.host.writers.all(), session.host.pm))
                self.sessions[key] = session
            return self.sessions[key]


# --- the request's context ------------------------------------------------------------


@dataclass
class Ctx:
    request: Request
    app: AppState
    account: Optional[Any]
    csrf: str
    lang: str
    api: bool = False

    def t(self, key: str, **values: Any) -> str:
        return texts.t(key, self.lang, **values)

    def require(self, action: str, unit: Optional[str] = None) -> None:
        authz.require(self.app.store, self.account, action, unit)


def _state(request: Request) -> AppState:
    return request.app.state.cchc


def _ctx(request: Request, api: bool = False) -> Ctx:
    st = _state(request)
    lang = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "vi"
    lang = lang if lang in ("vi", "en") else "vi"
    account, csrf = None, ""
    if api:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            account = st.store.account_by_token(auth.token_hash(header[7:].strip()))
    else:
        data = st.signer.loads(request.cookies.get(COOKIE))
        if data:
            found = st.store.account(str(data.get("user", "")))
            if found is not None and found.active:
                account, csrf = found, str(data.get("csrf", ""))
    return Ctx(request, st, account, csrf, lang, api)


def _who(ctx: Ctx) -> str:
    return ctx.account.username if ctx.account else "-"


async def _form(ctx: Ctx, max_files: int = 1) -> Any:
    """The posted form, after the CSRF check (pages only)."""
    form = await ctx.request.form(max_files=max_files, max_fields=50)
    if not auth.csrf_ok(ctx.csrf, form.get("csrf")):
        raise authz.Forbidden(403)
    return form


def _page(ctx: Ctx, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    st = ctx.app
    tmpl = st.env.get_template(template)
    html = tmpl.render(
        t=ctx.t, lang=ctx.lang, account=ctx.account, csrf=ctx.csrf, request=ctx.request,
        url=lambda path, **q: _url(path, **q), fmt=lambda v: _fmt(v, ctx.lang), when=_when,
        status_text=lambda s: ctx.t("status-" + s), period_name=lambda p: texts.period_name(p, ctx.lang), **values,
    )
    resp = HTMLResponse(html, status_code=status)
    if ctx.request.query_params.get("lang") in ("vi", "en"):
        resp.set_cookie(LANG_COOKIE, ctx.lang, max_age=365 * 86400, httponly=True, samesite="lax",
                        secure=st.config.secure_cookies)
    return resp


def _url(path: str, **query: Any) -> str:
    q = {k: v for k, v in query.items() if v not in (None, "")}
    return path + ("?" + urlencode(q) if q else "")


def _fmt(value: Any, lang: str) -> str:
    from ..text.messages import fmt_number

    if value is None:
        return ""
    return fmt_number(value, lang)


def _when(at: Any) -> str:
    """The store's UTC time in the server's zone, as officers write it."""
    if at is None:
        return ""
    if isinstance(at, (int, float)):
        at = _dt.datetime.fromtimestamp(at, _dt.timezone.utc)
    return at.astimezone().strftime("%d/%m/%Y %H:%M")


def current_period(today: Optional[_dt.date] = None) -> str:
    """The period being collected now: Quý I until March, 6 tháng until June, Quý III
    until September, the year after (the reporting cycle's four reports)."""
    today = today or _dt.date.today()
    q = (today.month - 1) // 3
    return [f"{today.year}-Q1", f"{today.year}-H1", f"{today.year}-Q3", f"{today.year}"][q]


def period_choices(store: Any, selected: str) -> list[str]:
    """The cycle's four reports of this year and the three before, and the one asked for."""
    year = _dt.date.today().year
    out = []
    for y in range(year, year - 4, -1):
        out += [f"{y}", f"{y}-Q3", f"{y}-H1", f"{y}-Q1"]
    return sorted(set(out + ([selected] if selected else [])), key=_period_order, reverse=True)


def _period_order(p: str) -> tuple[int, int]:
    year, _, part = p.partition("-")
    rank = {"Q1": 1, "Q2": 2, "H1": 3, "Q3": 4, "9M": 5, "Q4": 6, "H2": 7, "": 8}.get(part, 0)
    return (int(year) if year.isdigit() else 0, rank)


def _period(ctx: Ctx) -> str:
    from ..flow.submission import normalise_period

    given = ctx.request.query_params.get("period") or ""
    return normalise_period(given) or current_period() if given else current_period()


# --- pages: signing in -------------------------------------------------------------------


async def home(request: Request) -> Response:
    ctx = _ctx(request)
    if ctx.account is None:
        return RedirectResponse("/login", 303)
    if ctx.account.role == "unit":
        return RedirectResponse(_url(f"/unit/{quote(ctx.account.unit or '')}"), 303)
    if ctx.account.role == "reviewer":
        return RedirectResponse("/board", 303)
    return RedirectResponse("/admin", 303)


async def login_page(request: Request) -> Response:
    ctx = _ctx(request)
    login_csrf = secrets.token_urlsafe(16)
    resp = _page(ctx, "login.html", error=None, login_csrf=login_csrf)
    # Before sign-in the CSRF token lives in a cookie of its own (double submit).
    resp.set_cookie("cchc_login", login_csrf, httponly=True, samesite="strict", secure=ctx.app.config.secure_cookies)
    return resp


async def login(request: Request) -> Response:
    ctx = _ctx(request)
    st = ctx.app
    form = await request.form(max_files=0, max_fields=10)
    if not auth.csrf_ok(request.cookies.get("cchc_login"), form.get("csrf")):
        raise authz.Forbidden(403)
    username = str(form.get("username") or "").strip()[:100]
    password = str(form.get("password") or "")[:1000]
    client = request.client.host if request.client else "?"
    keys = (username.lower(), client)
    login_csrf = secrets.token_urlsafe(16)

    def again(error: str, status: int) -> Response:
        resp = _page(ctx, "login.html", status=status, error=error, login_csrf=login_csrf, username=username)
        resp.set_cookie("cchc_login", login_csrf, httponly=True, samesite="strict", secure=st.config.secure_cookies)
        return resp

    if st.limiter.blocked(*keys):
        cycle.record(st.store, username or "-", "login-blocked", "address", client)
        return again(ctx.t("login-blocked", minutes=int(st.limiter.window // 60)), 429)
    account = st.store.account(username)
    usable = account is not None and account.active and bool(account.password_hash)
    ok = await run_in_threadpool(auth.verify_password, password, account.password_hash if usable else _DUMMY_HASH)
    if not usable or not ok:
        st.limiter.failed(*keys)
        cycle.record(st.store, username or "-", "login-failed", "address", client)
        return again(ctx.t("login-wrong"), 401)
    st.limiter.succeeded(*keys)
    cycle.record(st.store, account.username, "login", "address", client)
    resp = RedirectResponse("/", 303)
    resp.set_cookie(COOKIE, st.signer.dumps({"user": account.username, "csrf": secrets.token_urlsafe(24)}),
                    max_age=st.signer.max_age, httponly=True, samesite="lax", secure=st.config.secure_cookies)
    resp.delete_cookie("cchc_login")
    return resp


_DUMMY_HASH = "scrypt$16384$8$1$00000000000000000000000000000000$00"  # same work for an unknown name


async def logout(request: Request) -> Response:
    ctx = _ctx(request)
    if ctx.account is not None:
        await _form(ctx, max_files=0)
        cycle.record(ctx.app.store, ctx.account.username, "logout", "account", ctx.account.username)
    resp = RedirectResponse("/login", 303)
    resp.delete_cookie(COOKIE)
    return resp


# --- pages: a unit ------------------------------------------------------------------------


def _unit_or_404(ctx: Ctx, code: str) -> Any:
    unit = cycle.unit_or_none(ctx.app.store, code)
    if unit is None:
        raise _NotFound()
    return unit


class _NotFound(Exception):
    pass


async def unit_page(request: Request) -> Response:
    ctx = _ctx(request)
    unit = _unit_or_404(ctx, request.path_params["code"])
    ctx.require("view", unit.code)
    return _unit_view(ctx, unit, _period(ctx))


def _versions(store: Any, unit: str, period: str) -> list[dict[str, Any]]:
    """The unit's versions of the period, newest first, each with its review status."""
    return [{"sub": v, "status": cycle.status(store, v)} for v in reversed(store.history(unit, period))]


def _unit_view(ctx: Ctx, unit: Any, period: str, error: Optional[list[str]] = None) -> Response:
    store = ctx.app.store
    versions = list(reversed(store.history(unit.code, period)))
    return _page(ctx, "unit.html", status=422 if error else 200, unit=unit, period=period,
                 periods=period_choices(store, period), versions=_versions(store, unit.code, period),
                 reviews=cycle.remarks(store, versions), max_mb=ctx.app.config.max_upload // (1024 * 1024),
                 may_submit=authz.allowed(store, ctx.account, "submit", unit.code), error=error)


async def _received_file(form: Any) -> tuple[bytes, str]:
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        return await upload.read(), upload.filename
    text = str(form.get("text") or "")
    if text.strip():
        return text.encode("utf-8"), "pasted.txt"
    return b"", ""


async def unit_upload(request: Request) -> Response:
    ctx = _ctx(request)
    unit = _unit_or_404(ctx, request.path_params["code"])
    ctx.require("submit", unit.code)
    form = await _form(ctx)
    from ..flow.submission import normalise_period

    period = normalise_period(str(form.get("period") or "")) or current_period()
    data, filename = await _received_file(form)
    store = ctx.app.store
    if not data:
        return _unit_view(ctx, unit, period, [ctx.t("upload-empty")])
    try:
        got = await run_in_threadpool(store.submit, ctx.app.session("vi"), data, filename, unit=unit.code, period=period, by=_who(ctx))
    except CchcError as exc:
        error = _problems(exc, ctx.lang, filename)
        cycle.record(store, _who(ctx), "submit-refused", "unit", unit.code, {"file": filename[:200], "why": error[:3]})
        return _unit_view(ctx, unit, period, error)
    return RedirectResponse(f"/submissions/{got.submission.id}", 303)


def _problems(exc: Exception, lang: str, filename: str = "") -> list[str]:
    """What a refused file gets: the engine's own messages (exit-2 findings), in the page's
    language, naming the file as it was sent (not the private temporary copy)."""
    from ..flow.findings import CchcError
    from ..session import safe_suffix

    if not isinstance(exc, CchcError):
        raise exc
    temp = "upload" + safe_suffix(filename)
    out = []
    for f in exc.findings:
        d = f.to_dict()
        d["values"] = {k: (filename if v == temp and filename else v) for k, v in (d.get("values") or {}).items()}
        out.append(formview.finding_text(d, lang))
    return out


# --- pages: one submission ------------------------------------------------------------------


def _spec_of(ctx: Ctx, result: Any) -> Any:
    """The app's compiled spec when ``result`` was made with it (a failed rule's text is
    said again from it), else None (the stored message is shown)."""
    spec = ctx.app.session("vi").spec
    return spec if result.spec == spec.spec.id else None


def _submission_or_404(ctx: Ctx, action: str) -> Any:
    sub = cycle.submission_or_none(ctx.app.store, ctx.request.path_params["id"])
    if sub is None:
        raise _NotFound()
    ctx.require(action, sub.unit)
    return sub


def _findings(result: Any, sub: Any, lang: str, spec: Any = None) -> list[dict[str, Any]]:
    """Every finding of the version's result, with the store's key, whether the unit may
    explain it (the store says so for errors and warnings), its text in ``lang``."""
    from ..store import finding_key

    explainable = {f["key"]: bool(f.get("explainable")) for f in sub.findings}
    out = []
    for f in result.findings:
        d = f.to_dict()
        d["key"] = finding_key(d)
        d["explainable"] = explainable.get(d["key"], False)
        d["text"] = formview.finding_text(d, lang, spec)
        loc = d.get("location") or {}
        d["where"] = (f"{loc.get('sheet')}!{loc.get('cell')}" if loc.get("sheet") and loc.get("cell")
                      else (loc.get("cell") or (f"#{loc['row']}" if loc.get("row") is not None else "")))
        out.append(d)
    return out


def _values(result: Any) -> dict[str, Any]:
    return {i.id: i.value for i in result.indicators if i.value is not None and i.type not in ("group", "text")}


def _diff(store: Any, sub: Any, result: Any) -> tuple[Optional[Any], list[dict[str, Any]]]:
    """What changed from the previous version: the indicators whose value differs."""
    older = [v for v in store.history(sub.unit, sub.period) if v.version < sub.version]
    if not older:
        return None, []
    prev = older[-1]
    before = store.result(prev.id)
    old, new = _values(before), _values(result)
    names = {i.id: i for i in before.indicators}
    names.update({i.id: i for i in result.indicators})
    rows = []
    for key in dict.fromkeys(list(new) + list(old)):
        if old.get(key) != new.get(key):
            ind = names.get(key)
            rows.append({"id": key, "stt": ind.stt if ind else "", "name": ind.name if ind else key,
                         "old": old.get(key), "new": new.get(key)})
    return prev, rows


async def submission_page(request: Request) -> Response:
    ctx = _ctx(request)
    return await _submission_view(ctx, _submission_or_404(ctx, "view"))


async def _submission_view(ctx: Ctx, sub: Any, problem: Optional[str] = None) -> Response:
    store = ctx.app.store
    unit = store.unit(sub.unit)
    result = await run_in_threadpool(store.result, sub.id)
    findings = _findings(result, sub, ctx.lang, _spec_of(ctx, result))
    filename, data = store.file_bytes(sub.id)
    grid = await run_in_threadpool(formview.read_grid, ctx.app.session("vi"), data, filename)
    sheets = formview.shown_sheets(grid, findings, ctx.lang) if grid is not None else []
    prev, diff = await run_in_threadpool(_diff, store, sub, result)
    current = store.current(sub.unit, sub.period)
    versions = list(reversed(store.history(sub.unit, sub.period)))
    return _page(
        ctx, "submission.html", status=422 if problem else 200, sub=sub, unit=unit, status_now=cycle.status(store, sub),
        findings=findings, sheets=sheets, explanations=cycle.explanations_in_force(store, sub),
        versions=_versions(store, sub.unit, sub.period), reviews=cycle.remarks(store, versions),
        prev=prev, diff=diff, is_current=current is not None and current.id == sub.id, problem=problem,
        may_explain=authz.allowed(store, ctx.account, "explain", sub.unit),
        may_review=authz.allowed(store, ctx.account, "review", sub.unit),
        may_submit=authz.allowed(store, ctx.account, "submit", sub.unit),
        formats=_download_formats(ctx),
    )


async def submission_explain(request: Request) -> Response:
    ctx = _ctx(request)
    sub = _submission_or_404(ctx, "explain")
    form = await _form(ctx, max_files=0)
    key, text = str(form.get("finding") or ""), str(form.get("text") or "").strip()[:4000]
    try:
        ctx.app.store.explain(sub.id, key, text, by=_who(ctx))
    except CchcError as exc:
        return await _submission_view(ctx, sub, _problems(exc, ctx.lang)[0])
    return RedirectResponse(f"/submissions/{sub.id}#findings", 303)


async def submission_review(request: Request) -> Response:
    ctx = _ctx(request)
    sub = _submission_or_404(ctx, "review")
    form = await _form(ctx, max_files=0)
    action = str(form.get("action") or "")
    reason = str(form.get("reason") or "").strip()[:4000]
    if action not in ("approve", "return"):
        return await _submission_view(ctx, sub, ctx.t("review-need-action"))
    try:
        ctx.app.store.review(sub.id, action, reason, by=_who(ctx))
    except CchcError as exc:  # not the current version, errors left, a return without a reason
        return await _submission_view(ctx, sub, _problems(exc, ctx.lang)[0])
    return RedirectResponse(f"/submissions/{sub.id}#review", 303)


def _download_formats(ctx: Ctx) -> list[str]:
    host = ctx.app.session("vi").host
    have = {r.name for r in ctx.app.session("vi").run(lambda: host.writers.all())}
    return [f for f in ("xlsx", "docx", "json", "csv") if f in have]


def _write(session: Any, result: Any, fmt: str, lang: str) -> bytes:
    from ..text.sanitize import clean_output

    def go() -> bytes:
        reg = session.host.writers.get(fmt)
        if reg is None:
            raise _NotFound()
        writer = reg.item
        binary = bool(getattr(writer, "binary", False))
        buf: Any = io.BytesIO() if binary else io.StringIO()
        writer.write(clean_output(result), buf, {"lang": lang, "findings_only": False, "spec": session.spec})
        value = buf.getvalue()
        return value if binary else value.encode("utf-8")

    return session.run(go)


_MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json", "csv": "text/csv; charset=utf-8", "matrix-xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _attachment(data: bytes, name: str, media: str) -> Response:
    # The name is built here from codes we chose, never taken from a request or a file.
    return Response(data, media_type=media, headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(name)}",
                                                     "x-content-type-options": "nosniff"})


async def submission_download(request: Request) -> Response:
    ctx = _ctx(request)
    sub = _submission_or_404(ctx, "download")
    fmt = request.path_params["fmt"]
    if fmt not in _download_formats(ctx):
        raise _NotFound()
    session = ctx.app.session(ctx.lang)
    result = await run_in_threadpool(ctx.app.store.result, sub.id)
    spec = _spec_of(ctx, result)
    for f in result.findings:
        f.message = formview.finding_text(f.to_dict(), ctx.lang, spec)
    data = await run_in_threadpool(_write, session, result, fmt, ctx.lang)
    cycle.record(ctx.app.store, _who(ctx), "download", "submission", sub.id, {"format": fmt})
    return _attachment(data, f"{sub.unit}-{sub.period}-v{sub.version}.{fmt}", _MEDIA.get(fmt, "application/octet-stream"))


async def submission_original(request: Request) -> Response:
    ctx = _ctx(request)
    sub = _submission_or_404(ctx, "download")
    from ..session import safe_suffix

    filename, data = ctx.app.store.file_bytes(sub.id)
    cycle.record(ctx.app.store, _who(ctx), "download", "submission", sub.id, {"format": "original"})
    return _attachment(data, f"{sub.unit}-{sub.period}-v{sub.version}{safe_suffix(filename)}", "application/octet-stream")


# --- pages: a reviewer -------------------------------------------------------------------


def _root(ctx: Ctx) -> str:
    """The subtree asked for (``under``), else the account's own; admins default to the top."""
    under = ctx.request.query_params.get("under") or (ctx.account.unit if ctx.account else None)
    if not under:
        roots = [u for u in ctx.app.store.units() if not u.parent]
        under = roots[0].code if roots else ""
    return under


async def board_page(request: Request) -> Response:
    ctx = _ctx(request)
    if ctx.account is None:
        raise authz.Forbidden(401)
    root = _unit_or_404(ctx, _root(ctx))
    ctx.require("board", root.code)
    period = _period(ctx)
    store = ctx.app.store
    rows = _board(store, period, root.code)
    level = request.query_params.get("level") or ""
    parent = request.query_params.get("parent") or ""
    shown = [r for r in rows if (not level or r.unit.level == level) and (not parent or r.unit.parent == parent)]
    counts = {s: sum(1 for r in rows if r.state == s) for s in BOARD_STATES}
    units = {u.code: u for u in store.units(root.code)}
    parents = [u for u in units.values() if any(v.parent == u.code for v in units.values())]
    levels = sorted({u.level for u in units.values()})
    level_names = {lv.id: lv.name for lv in ctx.app.session("vi").spec.spec.levels}
    return _page(ctx, "board.html", root=root, period=period, periods=period_choices(store, period), rows=shown,
                 counts=counts, units=units, parents=parents, levels=levels, level=level, parent=parent,
                 level_names=level_names, total=len(rows))


# The store's board states, in the order a reviewer works through them: who has sent
# nothing first, then who must correct, then what waits for a decision.
BOARD_STATES = ("missing", "returned", "errors", "warnings", "valid", "approved")


def _board(store: Any, period: str, under: str) -> list[Any]:
    rows = store.board(period, under=under)
    depth: dict[Optional[str], int] = {}
    for r in rows:  # parents come before their children
        depth[r.unit.code] = depth.get(r.unit.parent, -1) + 1
    order = {s: i for i, s in enumerate(BOARD_STATES)}
    return sorted(rows, key=lambda r: (order.get(r.state, 0), depth[r.unit.code], r.unit.name, r.unit.code))


def _compile(store: Any, session: Any, period: str, unit: Any, accepted_only: bool, by: str) -> tuple[Any, list[dict]]:
    result = store.compile(session, period, unit.code, accepted_only=accepted_only)
    cycle.record(store, by, "compile", "unit", unit.code, {"period": period, "accepted_only": accepted_only})
    return result, list((result.extra.get("store") or {}).get("missing") or [])


async def compile_action(request: Request) -> Response:
    ctx = _ctx(request)
    if ctx.account is None:
        raise authz.Forbidden(401)
    form = await _form(ctx, max_files=0)
    unit = _unit_or_404(ctx, str(form.get("unit") or ""))
    ctx.require("compile", unit.code)
    from ..flow.submission import normalise_period

    period = normalise_period(str(form.get("period") or "")) or current_period()
    accepted_only = not form.get("all")
    try:
        result, missing = await run_in_threadpool(_compile, ctx.app.store, ctx.app.session("vi"), period, unit,
                                                  accepted_only, _who(ctx))
    except CchcError as exc:
        return _page(ctx, "error.html", status=422, message=" ".join(_problems(exc, ctx.lang)))
    spec = _spec_of(ctx, result)
    findings = [dict(f.to_dict(), text=formview.finding_text(f.to_dict(), ctx.lang, spec)) for f in result.findings]
    return _page(ctx, "compiled.html", unit=unit, period=period, result=result, missing=missing, findings=findings,
                 included=len(result.extra.get("aggregate", {}).get("included", []) or []), all="" if accepted_only else "1")


async def compile_download(request: Request) -> Response:
    ctx = _ctx(request)
    unit = _unit_or_404(ctx, request.path_params["code"])
    ctx.require("compile", unit.code)
    from ..flow.submission import normalise_period

    period = normalise_period(request.path_params["period"])
    kind = request.path_params["kind"]
    if period is None or kind not in ("report.xlsx", "matrix.xlsx", "missing.csv", "report.json"):
        raise _NotFound()
    session = ctx.app.session(ctx.lang)
    try:
        result, missing = await run_in_threadpool(_compile, ctx.app.store, session, period, unit,
                                                  not request.query_params.get("all"), _who(ctx))
    except CchcError as exc:
        return _page(ctx, "error.html", status=422, message=" ".join(_problems(exc, ctx.lang)))
    if kind == "missing.csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["code", "name", "state"])
        for m in missing:
            w.writerow([m.get("unit", ""), m.get("name", ""), m.get("state", "")])
        data, media = ("\ufeff" + buf.getvalue()).encode("utf-8"), _MEDIA["csv"]
    else:
        fmt = {"report.xlsx": "xlsx", "matrix.xlsx": "matrix-xlsx", "report.json": "json"}[kind]
        data, media = await run_in_threadpool(_write, session, result, fmt, ctx.lang), _MEDIA.get(fmt, "application/octet-stream")
    cycle.record(ctx.app.store, _who(ctx), "download", "unit", unit.code, {"period": period, "file": kind})
    return _attachment(data, f"{unit.code}-{period}-{kind}", media)


@dataclass
class _Shown:
    id: str
    stt: str
    name: str


def _numeric_indicators(session: Any, level: Optional[str]) -> list[_Shown]:
    """The indicators a chart can draw at ``level`` (numbers, counts, rates), in form order."""
    out = []
    for form in session.spec.spec.forms:
        for ind in form.walk():
            if ind.type in ("count", "number", "percent") and ind.has_value and (not level or ind.applies_to(level)):
                out.append(_Shown(ind.id, ind.stt_for(level) if level else ind.stt, ind.name_for(level) if level else ind.name))
    return out


async def chart_page(request: Request) -> Response:
    ctx = _ctx(request)
    if ctx.account is None:
        raise authz.Forbidden(401)
    root = _unit_or_404(ctx, _root(ctx))
    ctx.require("chart", root.code)
    store = ctx.app.store
    period = _period(ctx)
    session = ctx.app.session("vi")
    rows = [r for r in _board(store, period, root.code) if r.unit.code != root.code]
    level = request.query_params.get("level") or (rows[0].unit.level if rows else "")
    rows = [r for r in rows if r.unit.level == level]
    indicators = _numeric_indicators(session, level)
    chosen = request.query_params.get("indicator") or (indicators[0].id if indicators else "")
    ind = next((i for i in indicators if i.id == chosen), None)
    if ind is None and indicators:
        ind = indicators[0]
    bars_svg = line_svg = ""
    of = request.query_params.get("of") or ""
    if ind is not None:
        # each unit's current version's values (kept by the store when it was sent)
        values = {r.unit.code: store.period_values(r.unit.code, only=period).get(period, {}) for r in rows if r.current}
        bars_svg = charts.bars([(r.unit.name, values.get(r.unit.code, {}).get(ind.id)) for r in rows], ctx.lang)
        with_data = [r for r in rows if r.current is not None] or rows
        of_unit = cycle.unit_or_none(store, of) if of else (with_data[0].unit if with_data else None)
        if of_unit is not None and authz.allowed(store, ctx.account, "chart", of_unit.code):
            of = of_unit.code
            by_period = store.period_values(of_unit.code)
            line_svg = charts.line([(texts.period_name(p, ctx.lang), by_period[p].get(ind.id))
                                    for p in sorted(by_period, key=_period_order)], ctx.lang)
    return _page(ctx, "chart.html", root=root, period=period, periods=period_choices(store, period), indicators=indicators,
                 ind=ind, bars_svg=bars_svg, line_svg=line_svg, level=level, of=of,
                 units=[r.unit for r in rows], levels=sorted({u.level for u in store.units(root.code) if u.code != root.code}),
                 level_names={lv.id: lv.name for lv in session.spec.spec.levels})


# --- pages: the administrator ---------------------------------------------------------


async def admin_page(request: Request) -> Response:
    ctx = _ctx(request)
    ctx.require("admin")
    return _admin(ctx)


def _admin(ctx: Ctx, message: Optional[str] = None, token: Optional[str] = None, status: int = 200) -> Response:
    from ..plugins.listing import describe
    from ..spec.registry import sources

    session = ctx.app.session("vi")
    plugins = session.run(lambda: describe(session.host))
    specs = session.run(lambda: sources(session.host))
    store = ctx.app.store
    return _page(ctx, "admin.html", status=status, units=store.units(), accounts=store.accounts(), plugins=plugins,
                 specs=specs, spec_in_use=session.spec.spec, audit=store.audit_log(limit=50), message=message, token=token)


async def admin_units(request: Request) -> Response:
    ctx = _ctx(request)
    ctx.require("admin")
    form = await _form(ctx)
    data, _ = await _received_file(form)
    try:
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        for r in rows:
            if not (r.get("code") or "").strip() or not (r.get("name") or "").strip() or not (r.get("level") or "").strip():
                raise ValueError
        rows = [{k: (r.get(k) or "").strip() for k in ("code", "name", "level", "parent")} for r in rows]
    except (UnicodeDecodeError, ValueError, csv.Error):
        return _admin(ctx, message=ctx.t("units-csv-bad"), status=422)
    try:
        added, updated = ctx.app.store.import_units(rows, by=_who(ctx))
    except CchcError as exc:  # a parent that is not in the organisation, a cycle
        return _admin(ctx, message=" ".join(_problems(exc, ctx.lang)), status=422)
    return _admin(ctx, message=ctx.t("units-imported", n=added + updated))


async def admin_accounts(request: Request) -> Response:
    ctx = _ctx(request)
    ctx.require("admin")
    form = await _form(ctx, max_files=0)
    username = str(form.get("username") or "").strip()[:100]
    role = str(form.get("role") or "")
    unit = str(form.get("unit") or "").strip() or None
    password = str(form.get("password") or "")
    store = ctx.app.store
    if (not username or role not in ("unit", "reviewer", "admin") or len(password) < 8
            or (role != "admin" and cycle.unit_or_none(store, unit) is None) or store.account(username) is not None):
        return _admin(ctx, message=ctx.t("account-bad"), status=422)
    pw = await run_in_threadpool(auth.hash_password, password)
    token = auth.new_token()
    try:
        store.create_account(username, role, unit=unit, password_hash=pw, token_hash=auth.token_hash(token), by=_who(ctx))
    except CchcError as exc:
        return _admin(ctx, message=" ".join(_problems(exc, ctx.lang)), status=422)
    return _admin(ctx, message=ctx.t("account-made", username=username), token=token)


async def account_token(request: Request) -> Response:
    """A new API token for the signed-in account, shown once (the old one stops working)."""
    ctx = _ctx(request)
    if ctx.account is None:
        raise authz.Forbidden(401)
    await _form(ctx, max_files=0)
    token = auth.new_token()
    ctx.app.store.update_account(ctx.account.username, token_hash=auth.token_hash(token), by=_who(ctx))
    return _page(ctx, "token.html", token=token)


# --- the app -------------------------------------------------------------------------------


class BodyLimit:
    """Refuse a request body larger than ``limit`` (413) before anything parses it:
    by its Content-Length, and by counting what arrives when there is none."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await _too_large(scope, send)
            return
        seen = 0

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(scope, send)


class _TooLarge(Exception):
    pass


async def _too_large(scope: Any, send: Any) -> None:
    body = json.dumps({"error": "too-large"}).encode()
    await send({"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _errors(request: Request, exc: Exception) -> Response:
    api = request.url.path.startswith("/api/")
    if isinstance(exc, authz.Forbidden):
        if api:
            return JSONResponse({"error": "unauthorized" if exc.status == 401 else "forbidden"}, exc.status)
        if exc.status == 401:
            return RedirectResponse("/login", 303)
        ctx = _ctx(request)
        return _page(ctx, "error.html", status=403, message=ctx.t("forbidden"))
    if api:
        return JSONResponse({"error": "not-found"}, 404)
    ctx = _ctx(request)
    return _page(ctx, "error.html", status=404, message=ctx.t("not-found"))


def create_app(
    store_url: Any,
    *,
    spec: str = "2023",
    secret: Optional[bytes] = None,
    max_upload: int = DEFAULT_MAX_UPLOAD,
    secure_cookies: bool = False,
    login_attempts: int = 5,
    login_window: float = 300.0,
    more_routes: Sequence[Any] = (),
) -> Starlette:
    """The web app over the store at ``store_url`` (a URL, or a store object already open).

    ``secret`` signs session cookies; without it ``CCHC_SECRET`` (hex) is used, else a
    random one (sign-ins then end when the server restarts). ``more_routes`` are the JSON
    API's (``server.create_app`` gives ``api.routes()``: the API module uses this one's
    helpers, so this one does not import it)."""
    if isinstance(store_url, (str, os.PathLike)) or store_url is None:
        from ..store import Store

        store = Store.open(None if store_url is None else os.fspath(store_url))
    else:
        store = store_url
    if secret is None:
        env_secret = os.environ.get("CCHC_SECRET", "")
        secret = bytes.fromhex(env_secret) if env_secret else secrets.token_bytes(32)
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    config = Config(spec=spec, max_upload=max_upload, secure_cookies=secure_cookies,
                    login_attempts=login_attempts, login_window=login_window)
    state = AppState(store, config, auth.CookieSigner(secret), auth.LoginLimiter(login_attempts, login_window), env)
    routes = [
        Route("/", home),
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/unit/{code}", unit_page),
        Route("/unit/{code}/upload", unit_upload, methods=["POST"]),
        Route("/submissions/{id}", submission_page),
        Route("/submissions/{id}/explain", submission_explain, methods=["POST"]),
        Route("/submissions/{id}/review", submission_review, methods=["POST"]),
        Route("/submissions/{id}/download/{fmt}", submission_download),
        Route("/submissions/{id}/original", submission_original),
        Route("/board", board_page),
        Route("/compile", compile_action, methods=["POST"]),
        Route("/compile/{code}/{period}/{kind}", compile_download),
        Route("/chart", chart_page),
        Route("/admin", admin_page),
        Route("/admin/units", admin_units, methods=["POST"]),
        Route("/admin/accounts", admin_accounts, methods=["POST"]),
        Route("/account/token", account_token, methods=["POST"]),
        *more_routes,
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={authz.Forbidden: _errors, _NotFound: _errors})
    app.state.cchc = state
    app.add_middleware(_SecurityHeaders)
    app.add_middleware(BodyLimit, limit=max_upload)
    return app


class _SecurityHeaders:
    """No framing, no sniffing, scripts and styles from this site only."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                headers += [(b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"same-origin"),
                            (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")]
                message = dict(message, headers=headers)
            await send(message)

        await self.app(scope, receive, sending)
