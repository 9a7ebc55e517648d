"""``Store``: every submission kept. What the CLI commands and the web server call.

    store = Store.open("sqlite:///cchc.sqlite3")          # or postgresql+psycopg://…
    store.import_units(rows)                               # the organisation
    sub = store.submit(session, data, "xa-an-binh.xlsx", unit="XA01", period="2023-Q3", by="an")
    store.board("2023-Q3", under="HUYEN01")
    store.explain(sub.id, "period-below-contained@van_ban_chi_dao", "…", by="an")
    store.review(sub.id, "approve", by="reviewer")
    store.compile(session, "2023-Q3", "HUYEN01")

The store never parses a file: every check is the given Session's
(``Session.compute_bytes``), with the unit's earlier periods handed to it for the
checks across periods. A submission is one transaction: the file's bytes
(content-addressed), the new version row and its audit row are written together or
not at all; the version number is the highest + 1 under a unique constraint, and a
submit that loses a race to the same number takes the next (``_WRITE_RETRIES``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Optional, Sequence, TypeVar

from ..compile.collect import values_and_weights
from ..flow.findings import CchcError
from . import schema as t
from .db import current_revision, make_engine, resolve_url, shown_url, upgrade

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from ..flow.result import Result
    from ..session import Session

T = TypeVar("T")
_WRITE_RETRIES = 20
ROLES = ("unit", "reviewer", "admin")
DECISIONS = ("approve", "return")
# Board states, in the order an officer works through them.
STATES = ("missing", "errors", "warnings", "valid", "returned", "approved")


# --- what the store hands back (plain data: the server renders it, the CLI prints it) ---


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    parent: Optional[str] = None
    active: bool = True
    id: int = 0


@dataclass(frozen=True)
class Submission:
    """One stored version (without its file and full result: ``file_bytes``, ``result``)."""

    id: int
    unit: str  # the unit's code
    unit_name: str
    period: str
    version: int
    spec: str
    level: str
    filename: str
    sha256: str
    by: str
    at: datetime
    valid: bool
    errors: int
    warnings: int
    infos: int
    findings: tuple[dict, ...] = ()  # errors and warnings: finding dict + key + explainable


@dataclass(frozen=True)
class Explanation:
    id: int
    submission_id: int
    finding_key: str
    text: str
    by: str
    at: datetime


@dataclass(frozen=True)
class Review:
    id: int
    submission_id: int
    decision: str
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: str
    unit: Optional[str]  # the unit's code
    password_hash: Optional[str]
    token_hash: Optional[str]
    active: bool
    created_at: datetime


@dataclass
class Submitted:
    """What ``submit`` gives: the stored version and the Result its check gave."""

    submission: Submission
    result: "Result"


@dataclass(frozen=True)
class BoardRow:
    unit: Unit
    state: str  # one of STATES
    versions: int = 0
    last_at: Optional[datetime] = None
    current: Optional[Submission] = None
    unexplained_errors: int = 0
    unexplained_warnings: int = 0
    review: Optional[Review] = None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    detail: dict = field(default_factory=dict)


def now() -> datetime:
    return datetime.now(timezone.utc)


def _utc(at: Optional[datetime]) -> Optional[datetime]:
    # SQLite keeps no zone: what the store wrote is UTC.
    if at is not None and at.tzinfo is None:
        return at.replace(tzinfo=timezone.utc)
    return at


def finding_key(f: Mapping[str, Any]) -> str:
    """'code[:rule]@indicator' (or '@sheet!cell'): the same finding in the next version
    has the same key, so its explanation carries over."""
    values = f.get("values") or {}
    code = f["code"] + (f":{values['rule']}" if f.get("code") == "rule-failed" and values.get("rule") else "")
    where = f.get("indicator")
    if not where:
        loc = f.get("location") or {}
        where = f"{loc.get('sheet') or ''}!{loc.get('cell') or ''}" if loc.get("cell") else ""
    return f"{code}@{where}"


class Store:
    """The collection cycle's memory: units, every submitted version, explanations,
    review decisions, accounts, the audit log. Thread-safe (one engine, a connection
    per call); several processes may share one database."""

    def __init__(self, engine: "Engine", url: str) -> None:
        self.engine, self.url = engine, url
        self._unit_cache: dict[str, Unit] = {}  # code → Unit, per Store (never shared)
        self._statements: dict[str, Any] = {}  # SQL constructs built once per Store

    # --- opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, url: Optional[str] = None, *, migrate: bool = True) -> "Store":
        """The store at ``url`` (``--db``), else ``CCHC_DB``, else the user's default file;
        its schema brought up to date (Alembic) unless ``migrate=False``."""
        resolved = resolve_url(url)
        engine = make_engine(resolved)
        store = cls(engine, resolved)
        try:
            revision = current_revision(engine)
            if revision != t.HEAD:
                if not migrate:
                    raise CchcError.make("store-old-schema", url=shown_url(resolved), found=revision or "-", head=t.HEAD)
                upgrade(engine)
        except CchcError:
            raise
        except Exception as exc:  # unreachable server, unreadable file, a foreign database
            raise CchcError.make("store-unusable", url=shown_url(resolved), error=_short(exc)) from None
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _write(self, fn: Callable[["Connection"], T]) -> T:
        """``fn(conn)`` in one write transaction, again on a lost race (a unique version
        number taken by a concurrent submit, SQLite's lock held past the busy timeout)."""
        from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

        last: Optional[Exception] = None
        for _attempt in range(_WRITE_RETRIES):
            try:
                with self.engine.connect().execution_options(cchc_write=True) as conn:
                    with conn.begin():
                        return fn(conn)
            except DBAPIError as exc:
                if getattr(exc, "connection_invalidated", False):  # the server dropped it (a restart)
                    last = exc
                    continue
                if not isinstance(exc, (IntegrityError, OperationalError)):
                    raise
                if isinstance(exc, IntegrityError):
                    if "uq_submission_version" not in str(exc) and "submissions.unit_id" not in str(exc):
                        raise
                    last = exc
                    continue
                if "locked" not in str(exc):
                    raise
                last = exc
        raise CchcError.make("store-busy", error=_short(last)) from None

    def _read(self, single: bool = False) -> "Connection":
        """A connection for reading; ``single``: one statement, so PostgreSQL runs it
        without BEGIN/ROLLBACK round trips (autocommit)."""
        conn = self.engine.connect()
        if single and conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        return conn

    def _audit(self, conn: "Connection", actor: str, action: str, object_type: str, object_id: Any,
               detail: Optional[dict] = None) -> None:
        conn.execute(t.audit.insert(), {
            "at": now(), "actor": actor, "action": action, "object_type": object_type, "object_id": str(object_id),
            "detail": json.dumps(detail, ensure_ascii=False) if detail else None,
        })

    # --- the organisation -------------------------------------------------------------

    def import_units(self, rows: Iterable[Mapping[str, Any]], *, by: str = "") -> tuple[int, int]:
        """Add or update units from rows with ``code``, ``name``, ``level``, ``parent``
        (a code, or empty) and optionally ``active``; parents may come after their
        children in the rows. Returns (added, updated). One transaction."""
        rows = [dict(r) for r in rows]

        def write(conn: "Connection") -> tuple[int, int]:
            from sqlalchemy import select

            ids = {code: uid for uid, code in conn.execute(select(t.units.c.id, t.units.c.code))}
            added = updated = 0
            for r in rows:  # first pass: every unit exists, parents left for the second
                values = {"name": r["name"], "level": r["level"], "active": _truthy(r.get("active", True))}
                if r["code"] in ids:
                    conn.execute(t.units.update().where(t.units.c.id == ids[r["code"]]).values(**values))
                    updated += 1
                else:
                    ids[r["code"]] = conn.execute(t.units.insert().values(code=r["code"], **values)).inserted_primary_key[0]
                    added += 1
            for r in rows:
                parent = (r.get("parent") or "").strip()
                if parent and parent not in ids:
                    raise CchcError.make("store-unit-parent-unknown", unit=r["code"], parent=parent)
                conn.execute(t.units.update().where(t.units.c.id == ids[r["code"]])
                             .values(parent_id=ids[parent] if parent else None))
            _check_tree(conn)
            self._audit(conn, by or "-", "units-import", "units", "*", {"added": added, "updated": updated,
                                                                         "codes": [r["code"] for r in rows][:50]})
            return added, updated

        result = self._write(write)
        self._unit_cache.clear()
        return result

    def units(self, under: Optional[str] = None, *, include_root: bool = True, active_only: bool = True) -> list[Unit]:
        """Every unit (or the subtree of ``under``'s code), parents before children."""
        everything = self._all_units()
        if under is None:
            chosen = list(everything.values())
        else:
            root = self.unit(under)
            children: dict[Optional[str], list[Unit]] = {}
            for u in everything.values():
                children.setdefault(u.parent, []).append(u)
            chosen, stack = [], [root]
            while stack:
                u = stack.pop()
                if u is not root or include_root:
                    chosen.append(u)
                stack.extend(reversed(children.get(u.code, [])))
        return [u for u in chosen if u.active or not active_only]

    def children(self, code: str) -> list[Unit]:
        return [u for u in self._all_units().values() if u.parent == code and u.active]

    def unit(self, code: str) -> Unit:
        """The unit with this code (exit 2 with the codes it resembles when there is none)."""
        units = self._all_units()
        found = units.get(code)
        if found is None:
            raise CchcError.make("store-unit-unknown", unit=code, hint=_near(code, units))
        return found

    def find_unit(self, name: str, level: Optional[str] = None) -> Optional[Unit]:
        """The unit a report's title names ('UBND xã An Bình' → An Bình), or None when
        no unit, or more than one, has that name."""
        from ..text.textnorm import name_key

        key = name_key(name or "")
        if not key:
            return None
        units = [u for u in self._all_units().values() if u.active and (level is None or u.level == level)]
        exact = [u for u in units if name_key(u.name) == key]
        if len(exact) == 1:
            return exact[0]
        loose = [u for u in units if key.endswith(name_key(u.name)) or name_key(u.name).endswith(key)]
        return loose[0] if len(loose) == 1 else None

    def _all_units(self) -> dict[str, Unit]:
        if not self._unit_cache:
            from sqlalchemy import select

            parent = t.units.alias("parent")
            q = select(t.units.c.id, t.units.c.code, t.units.c.name, t.units.c.level, parent.c.code, t.units.c.active) \
                .select_from(t.units.outerjoin(parent, t.units.c.parent_id == parent.c.id)).order_by(t.units.c.id)
            with self._read() as conn:
                self._unit_cache = {code: Unit(code, name, level, pcode, bool(active), uid)
                                    for uid, code, name, level, pcode, active in conn.execute(q)}
        return self._unit_cache

    # --- submitting -------------------------------------------------------------------

    def submit(
        self,
        session: "Session",
        data: bytes,
        filename: str,
        *,
        unit: Optional[str] = None,
        period: Optional[str] = None,
        by: str,
    ) -> Submitted:
        """Check ``data`` with ``session`` (as ``cchc compute`` does, plus the checks across
        periods against this unit's stored reports) and keep it as a new version.

        ``unit`` is a unit's code; without it the report's title must name a unit of the
        organisation. Raises ``CchcError`` (exit 2) when the file is unusable, names no
        known unit or no period; a report with errors is kept (and says so)."""
        from ..flow.submission import normalise_period

        if period:
            canonical = normalise_period(period)
            if canonical is None:
                raise CchcError.make("invalid-period", period=period)
            period = canonical
        target = self.unit(unit) if unit else None
        spec = session.spec
        if target is not None and spec.spec.level(target.level) is None:
            raise CchcError.make("store-unit-level-unknown", unit=target.code, level=target.level, spec=spec.id)

        seen: dict[int, dict[str, dict[str, Any]]] = {}  # unit id → every stored period's values, read once

        def earlier(unit_name: Optional[str], p: Optional[str]) -> Optional[dict]:
            u = target or self.find_unit(unit_name or "")
            if u is None or not p:
                return None
            if u.id not in seen:
                with self._read(single=True) as conn:
                    seen[u.id] = _period_values(conn, u.id)
            return {k: v for k, v in seen[u.id].items() if k != p}

        result = session.compute_bytes(
            data, filename, level=target.level if target else None, period=period,
            unit=target.name if target else None, earlier=earlier,
        )
        if target is None:
            target = self.find_unit(result.unit or "")
            if target is None:
                raise CchcError.make("store-unit-not-found", name=result.unit or "-")
            if target.level != result.level:  # the title's level word was another: check as the unit is
                result = session.compute_bytes(data, filename, level=target.level, period=period,
                                               unit=target.name, earlier=earlier)
        if not result.period:
            from ..text.messages import said

            raise CchcError.make("missing-metadata", what=said("meta-period"), option=said("meta-period-option"))
        return Submitted(self._keep(session, target, result, data, filename, by, seen), result)

    def _keep(self, session: "Session", unit: Unit, result: "Result", data: bytes, filename: str, by: str,
              seen: Optional[dict[int, dict[str, dict[str, Any]]]] = None) -> Submission:
        seen = seen or {}
        digest = hashlib.sha256(data).hexdigest()
        explainable = set(getattr(session.spec.spec, "explainable_errors", []) or [])
        previous_period = _prev_year(result.period or "")

        def write(conn: "Connection") -> Submission:
            # the same period of the year before, shown beside each value (read in this
            # transaction: one connection per submit)
            if previous_period:
                known = seen.get(unit.id)  # the checks across periods read every period already
                earlier = known if known is not None else _period_values(conn, unit.id, only=previous_period)
                if previous_period in earlier:
                    result.extra["previous_year"] = {"period": previous_period, "values": earlier[previous_period]}
            row, findings = self._row(unit, result, digest, filename, by, explainable)
            blob, insert = self._submit_statements(conn)
            conn.execute(blob, {"sha256": digest, "size": len(data), "data": data})
            at = now()
            sid, version = conn.execute(insert, {**row, "submitted_at": at, "q_unit": unit.id,
                                                 "q_period": result.period}).one()
            self._audit(conn, by, "submit", "submission", sid, {"unit": unit.code, "period": result.period,
                                                                "version": version, "sha256": digest, "valid": result.valid})
            s = result.stats
            return Submission(id=sid, unit=unit.code, unit_name=unit.name, period=result.period, version=version,
                              spec=result.spec, level=result.level, filename=row["filename"], sha256=digest, by=by, at=at,
                              valid=result.valid, errors=s.errors, warnings=s.warnings, infos=s.infos,
                              findings=tuple(findings))

        return self._write(write)

    def _submit_statements(self, conn: "Connection") -> tuple[Any, Any]:
        """The submit's two inserts, built once per Store (building a statement costs more
        than running it on SQLite): the file's bytes (insert or ignore), and the version
        row whose number is taken in the insert itself (one round trip; a concurrent submit
        that took it first makes this one fail and run again, ``_write``)."""
        found = self._statements.get("submit")
        if found is None:
            from sqlalchemy import bindparam, func, select

            sub = t.submissions
            next_version = select(func.coalesce(func.max(sub.c.version), 0) + 1).where(
                sub.c.unit_id == bindparam("q_unit"), sub.c.period == bindparam("q_period")).scalar_subquery()
            found = self._statements["submit"] = (
                _insert_ignore(conn, t.blobs),
                sub.insert().values(version=next_version).returning(sub.c.id, sub.c.version),
            )
        return found

    @staticmethod
    def _row(unit: Unit, result: "Result", digest: str, filename: str, by: str,
             explainable: set[str]) -> tuple[dict[str, Any], list[dict]]:
        # One plain form of the result: its JSON (read back with json.loads, so the module's
        # own float spelling is fine here) and the findings the board and explain need.
        plain = result.to_dict()
        result_json = json.dumps(plain, ensure_ascii=False, separators=(",", ":"))
        findings = []
        for f in plain["findings"]:
            if f["severity"] not in ("error", "warning"):
                continue
            d = dict(f)
            d["key"] = finding_key(d)
            rule = (d.get("values") or {}).get("rule")
            d["explainable"] = f["severity"] == "warning" or f["code"] in explainable or (rule is not None and rule in explainable)
            findings.append(d)
        values, weights = values_and_weights(result)
        s = result.stats
        row = dict(
            unit_id=unit.id, period=result.period, spec=result.spec, level=result.level, filename=filename[:500],
            sha256=digest, submitted_by=by, valid=result.valid, errors=s.errors, warnings=s.warnings, infos=s.infos,
            result_json=result_json, values_json=json.dumps(values, ensure_ascii=False),
            weights_json=json.dumps(weights) if weights else None, compiled="aggregate" in result.extra,
            findings_json=json.dumps(findings, ensure_ascii=False),
        )
        return row, findings

    # --- reading submissions ----------------------------------------------------------

    _COLUMNS = ("id", "unit_id", "period", "version", "spec", "level", "filename", "sha256", "submitted_by",
                "submitted_at", "valid", "errors", "warnings", "infos", "findings_json")

    def _submission(self, row: Any) -> Submission:
        by_id = {u.id: u for u in self._all_units().values()}
        u = by_id[row.unit_id]
        return Submission(id=row.id, unit=u.code, unit_name=u.name, period=row.period, version=row.version,
                          spec=row.spec, level=row.level, filename=row.filename, sha256=row.sha256,
                          by=row.submitted_by, at=_utc(row.submitted_at), valid=bool(row.valid), errors=row.errors,
                          warnings=row.warnings, infos=row.infos, findings=tuple(json.loads(row.findings_json)))

    def _select(self) -> Any:
        from sqlalchemy import select

        return select(*(t.submissions.c[c] for c in self._COLUMNS))

    def submission(self, submission_id: int) -> Submission:
        with self._read() as conn:
            row = conn.execute(self._select().where(t.submissions.c.id == submission_id)).first()
        if row is None:
            raise CchcError.make("store-submission-unknown", id=submission_id)
        return self._submission(row)

    def current(self, unit: str, period: str) -> Optional[Submission]:
        """The highest version of ``unit``'s report for ``period``, or None."""
        u = self.unit(unit)
        with self._read() as conn:
            row = conn.execute(self._select().where(t.submissions.c.unit_id == u.id, t.submissions.c.period == period)
                               .order_by(t.submissions.c.version.desc()).limit(1)).first()
        return self._submission(row) if row is not None else None

    def history(self, unit: str, period: Optional[str] = None) -> list[Submission]:
        """Every version the unit sent (of ``period``, or of all), oldest first."""
        u = self.unit(unit)
        q = self._select().where(t.submissions.c.unit_id == u.id)
        if period:
            q = q.where(t.submissions.c.period == period)
        with self._read() as conn:
            rows = conn.execute(q.order_by(t.submissions.c.period, t.submissions.c.version)).all()
        return [self._submission(r) for r in rows]

    def result(self, submission_id: int) -> "Result":
        """The full Result the version's check gave (as `cchc compute -f json` wrote it)."""
        from sqlalchemy import select

        from ..flow.result import Result

        with self._read() as conn:
            text = conn.execute(select(t.submissions.c.result_json).where(t.submissions.c.id == submission_id)).scalar()
        if text is None:
            raise CchcError.make("store-submission-unknown", id=submission_id)
        return Result.from_dict(json.loads(text))

    def file_bytes(self, submission_id: int) -> tuple[str, bytes]:
        """(the name the sender gave, the file's bytes) of a version."""
        from sqlalchemy import select

        q = select(t.submissions.c.filename, t.blobs.c.data).select_from(
            t.submissions.join(t.blobs, t.submissions.c.sha256 == t.blobs.c.sha256)).where(t.submissions.c.id == submission_id)
        with self._read() as conn:
            row = conn.execute(q).first()
        if row is None:
            raise CchcError.make("store-submission-unknown", id=submission_id)
        return row[0], bytes(row[1])

    def period_values(self, unit: str, *, exclude_period: Optional[str] = None,
                      only: Optional[str] = None) -> dict[str, dict[str, Any]]:
        """{period: values of its current version} for the unit's stored periods."""
        u = self.unit(unit)
        with self._read() as conn:
            found = _period_values(conn, u.id, only=only)
        found.pop(exclude_period, None)
        return found

    # --- explanations and review ------------------------------------------------------

    def explain(self, submission_id: int, finding: str, text: str, *, by: str) -> Explanation:
        """Keep a unit's explanation (giải trình) of one finding of a version: a warning,
        or an error the spec lists in ``explainable_errors``. ``finding`` is its key
        ('code@indicator') or its number in the version's list (1 = first)."""
        sub = self.submission(submission_id)
        text = (text or "").strip()
        if not text:
            raise CchcError.make("store-explain-empty")
        found = _pick_finding(sub, finding)
        if not found.get("explainable"):
            raise CchcError.make("store-explain-not-allowed", finding=found["key"], message=found.get("message", ""))
        u = self.unit(sub.unit)

        def write(conn: "Connection") -> Explanation:
            at = now()
            eid = conn.execute(t.explanations.insert().values(
                submission_id=sub.id, unit_id=u.id, period=sub.period, finding_key=found["key"], text=text, by=by, at=at,
            )).inserted_primary_key[0]
            self._audit(conn, by, "explain", "submission", sub.id, {"finding": found["key"], "text": text})
            return Explanation(eid, sub.id, found["key"], text, by, at)

        return self._write(write)

    def explanations(self, unit: str, period: str) -> list[Explanation]:
        """Every explanation the unit gave for the period, oldest first (the newest of a
        key is the one in force)."""
        from sqlalchemy import select

        u = self.unit(unit)
        e = t.explanations
        with self._read() as conn:
            rows = conn.execute(select(e.c.id, e.c.submission_id, e.c.finding_key, e.c.text, e.c.by, e.c.at)
                                .where(e.c.unit_id == u.id, e.c.period == period).order_by(e.c.id)).all()
        return [Explanation(r.id, r.submission_id, r.finding_key, r.text, r.by, _utc(r.at)) for r in rows]

    def review(self, submission_id: int, decision: str, reason: str = "", *, by: str) -> Review:
        """Approve or return (with a reason) a version. Only the current version can be
        reviewed, and approving needs every error corrected or explained."""
        if decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}")
        reason = (reason or "").strip()
        if decision == "return" and not reason:
            raise CchcError.make("store-return-needs-reason")
        sub = self.submission(submission_id)
        cur = self.current(sub.unit, sub.period)
        if cur is not None and cur.id != sub.id:
            raise CchcError.make("store-review-not-current", unit=sub.unit_name, version=sub.version, current=cur.version)
        if decision == "approve":
            open_errors, _ = _unexplained(sub, self.explanations(sub.unit, sub.period))
            if open_errors:
                raise CchcError.make("store-approve-has-errors", unit=sub.unit_name, version=sub.version, errors=open_errors)

        def write(conn: "Connection") -> Review:
            at = now()
            rid = conn.execute(t.reviews.insert().values(
                submission_id=sub.id, decision=decision, reason=reason, by=by, at=at)).inserted_primary_key[0]
            self._audit(conn, by, "review", "submission", sub.id, {"decision": decision, "reason": reason})
            return Review(rid, sub.id, decision, reason, by, at)

        return self._write(write)

    def reviews(self, submission_id: int) -> list[Review]:
        from sqlalchemy import select

        r = t.reviews
        with self._read() as conn:
            rows = conn.execute(select(r.c.id, r.c.submission_id, r.c.decision, r.c.reason, r.c.by, r.c.at)
                                .where(r.c.submission_id == submission_id).order_by(r.c.id)).all()
        return [Review(x.id, x.submission_id, x.decision, x.reason, x.by, _utc(x.at)) for x in rows]

    # --- the board ----------------------------------------------------------------------

    def board(self, period: str, under: Optional[str] = None) -> list[BoardRow]:
        """Every expected unit (the subtree of ``under``, or all) and where its report
        of ``period`` stands: missing / errors / warnings (not explained) / valid /
        returned / approved, with its number of versions and the last one's time."""
        from sqlalchemy import func, select

        units = self.units(under)
        s, r, e = t.submissions, t.reviews, t.explanations
        latest = select(s.c.unit_id, func.max(s.c.version).label("v"), func.count().label("n")) \
            .where(s.c.period == period).group_by(s.c.unit_id).subquery()
        with self._read() as conn:
            current: dict[int, tuple[Submission, int]] = {}
            q = self._select().add_columns(latest.c.n).join(
                latest, (s.c.unit_id == latest.c.unit_id) & (s.c.version == latest.c.v)).where(s.c.period == period)
            for row in conn.execute(q):
                current[row.unit_id] = (self._submission(row), row.n)
            ids = [sub.id for sub, _n in current.values()]
            last_review: dict[int, Review] = {}
            if ids:
                for x in conn.execute(select(r.c.id, r.c.submission_id, r.c.decision, r.c.reason, r.c.by, r.c.at)
                                      .where(r.c.submission_id.in_(ids)).order_by(r.c.id)):
                    last_review[x.submission_id] = Review(x.id, x.submission_id, x.decision, x.reason, x.by, _utc(x.at))
            keys: dict[int, set[str]] = {}
            for uid, key in conn.execute(select(e.c.unit_id, e.c.finding_key).where(e.c.period == period)):
                keys.setdefault(uid, set()).add(key)
        out = []
        for u in units:
            got = current.get(u.id)
            if got is None:
                out.append(BoardRow(unit=u, state="missing"))
                continue
            sub, n = got
            errors, warnings = _unexplained_keys(sub, keys.get(u.id, set()))
            review = last_review.get(sub.id)
            if review is not None:
                state = "approved" if review.decision == "approve" else "returned"
            else:
                state = "errors" if errors else "warnings" if warnings else "valid"
            out.append(BoardRow(unit=u, state=state, versions=n, last_at=sub.at, current=sub,
                                unexplained_errors=errors, unexplained_warnings=warnings, review=review))
        return out

    # --- compiling ------------------------------------------------------------------------

    def compile(self, session: "Session", period: str, unit: str, *, accepted_only: bool = True) -> "Result":
        """Compile ``unit``'s report for ``period`` from the store: the current approved
        version of each unit directly below it (``accepted_only=False``: the current
        version of every unit not returned), merged with ``unit``'s own report as the
        spec's ``source:`` says, who is missing listed, explanations carried up.
        No file is read: the values were kept when each version was submitted."""
        from .compile import compile_from_store

        return compile_from_store(self, session, period, unit, accepted_only=accepted_only)

    # --- accounts (the server hashes; the store keeps and finds) --------------------------

    def create_account(self, username: str, role: str, *, unit: Optional[str] = None,
                       password_hash: Optional[str] = None, token_hash: Optional[str] = None, by: str = "") -> Account:
        if role not in ROLES:
            raise CchcError.make("store-bad-role", role=role, roles=", ".join(ROLES))
        unit_id = self.unit(unit).id if unit else None
        if role in ("unit", "reviewer") and unit_id is None:
            raise CchcError.make("store-account-needs-unit", role=role)

        def write(conn: "Connection") -> None:
            from sqlalchemy import select

            if conn.execute(select(t.accounts.c.id).where(t.accounts.c.username == username)).first() is not None:
                raise CchcError.make("store-account-exists", username=username)
            aid = conn.execute(t.accounts.insert().values(
                username=username, role=role, unit_id=unit_id, password_hash=password_hash, token_hash=token_hash,
                active=True, created_at=now())).inserted_primary_key[0]
            self._audit(conn, by or "-", "account-create", "account", aid, {"username": username, "role": role, "unit": unit})

        self._write(write)
        found = self.account(username)
        assert found is not None
        return found

    def update_account(self, username: str, *, by: str = "", **changes: Any) -> Account:
        """Change ``password_hash``, ``token_hash``, ``role``, ``unit`` (a code) or ``active``."""
        allowed = {"password_hash", "token_hash", "role", "unit", "active"}
        if not changes.keys() <= allowed:
            raise ValueError(f"unknown account fields: {sorted(changes.keys() - allowed)}")
        if "role" in changes and changes["role"] not in ROLES:
            raise CchcError.make("store-bad-role", role=changes["role"], roles=", ".join(ROLES))
        values = dict(changes)
        if "unit" in values:
            code = values.pop("unit")
            values["unit_id"] = self.unit(code).id if code else None

        def write(conn: "Connection") -> None:
            done = conn.execute(t.accounts.update().where(t.accounts.c.username == username).values(**values))
            if done.rowcount == 0:
                raise CchcError.make("store-account-unknown", username=username)
            # the audit never holds a hash, only which fields changed
            self._audit(conn, by or "-", "account-update", "account", username, {"changed": sorted(changes)})

        self._write(write)
        found = self.account(username)
        assert found is not None
        return found

    def account(self, username: str) -> Optional[Account]:
        return self._account(t.accounts.c.username == username)

    def account_by_token(self, token_hash: str) -> Optional[Account]:
        """The active account whose API token hashes to ``token_hash``, or None."""
        found = self._account(t.accounts.c.token_hash == token_hash)
        return found if found is not None and found.active else None

    def accounts(self) -> list[Account]:
        return self._accounts(None)

    def _account(self, where: Any) -> Optional[Account]:
        found = self._accounts(where)
        return found[0] if found else None

    def _accounts(self, where: Any) -> list[Account]:
        from sqlalchemy import select

        a, u = t.accounts, t.units
        q = select(a.c.id, a.c.username, a.c.role, u.c.code, a.c.password_hash, a.c.token_hash, a.c.active,
                   a.c.created_at).select_from(a.outerjoin(u, a.c.unit_id == u.c.id)).order_by(a.c.id)
        if where is not None:
            q = q.where(where)
        with self._read() as conn:
            return [Account(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), _utc(r[7])) for r in conn.execute(q)]

    # --- the audit log ------------------------------------------------------------------

    def audit_log(self, *, object_type: Optional[str] = None, object_id: Optional[Any] = None,
                  actor: Optional[str] = None, limit: int = 1000) -> list[AuditEntry]:
        """The newest entries first."""
        from sqlalchemy import select

        a = t.audit
        q = select(a.c.id, a.c.at, a.c.actor, a.c.action, a.c.object_type, a.c.object_id, a.c.detail)
        if object_type is not None:
            q = q.where(a.c.object_type == object_type)
        if object_id is not None:
            q = q.where(a.c.object_id == str(object_id))
        if actor is not None:
            q = q.where(a.c.actor == actor)
        with self._read() as conn:
            rows = conn.execute(q.order_by(a.c.id.desc()).limit(limit)).all()
        return [AuditEntry(r[0], _utc(r[1]), r[2], r[3], r[4], r[5], json.loads(r[6]) if r[6] else {}) for r in rows]


# --- helpers ---------------------------------------------------------------------------


def _period_values(conn: "Connection", unit_id: int, only: Optional[str] = None) -> dict[str, dict[str, Any]]:
    """{period: values of its current version} of one unit (or of its period ``only``)."""
    from sqlalchemy import func, select

    s = t.submissions
    latest = select(s.c.period, func.max(s.c.version).label("v")).where(s.c.unit_id == unit_id)
    if only is not None:
        latest = latest.where(s.c.period == only)
    latest = latest.group_by(s.c.period).subquery()
    q = select(s.c.period, s.c.values_json).join(latest, (s.c.period == latest.c.period) & (s.c.version == latest.c.v)) \
        .where(s.c.unit_id == unit_id)
    return {p: json.loads(v) for p, v in conn.execute(q).all()}


def _insert_ignore(conn: "Connection", table: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING: a concurrent submit of the same file's bytes is fine."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing()


def _check_tree(conn: "Connection") -> None:
    """A unit may not be its own ancestor."""
    from sqlalchemy import select

    parent = dict(conn.execute(select(t.units.c.id, t.units.c.parent_id)).all())
    codes = dict(conn.execute(select(t.units.c.id, t.units.c.code)).all())
    for start in parent:
        seen, node = set(), start
        while node is not None:
            if node in seen:
                raise CchcError.make("store-unit-cycle", unit=codes[start])
            seen.add(node)
            node = parent.get(node)


def _truthy(v: Any) -> bool:
    if isinstance(v, str):
        from ..text.textnorm import fold

        return fold(v.strip()) not in ("0", "false", "no", "khong", "")
    return bool(v)


def _near(code: str, units: Mapping[str, Unit]) -> str:
    import difflib

    close = difflib.get_close_matches(code, list(units), n=3, cutoff=0.6)
    return ", ".join(close) if close else "-"


def _short(exc: Optional[BaseException]) -> str:
    if exc is None:
        return "-"
    text = " ".join(str(getattr(exc, "orig", None) or exc).split())
    return f"{type(exc).__name__}: {text[:300]}"


def _prev_year(period: str) -> Optional[str]:
    from ..flow.periods import previous_year

    return previous_year(period)


def _pick_finding(sub: Submission, ref: str) -> dict:
    ref = (ref or "").strip()
    if ref.isdigit():
        n = int(ref)
        if 1 <= n <= len(sub.findings):
            return sub.findings[n - 1]
    else:
        for f in sub.findings:
            if f["key"] == ref:
                return f
    raise CchcError.make("store-finding-unknown", finding=ref, version=sub.version, count=len(sub.findings))


def _unexplained(sub: Submission, explanations: Sequence[Explanation]) -> tuple[int, int]:
    return _unexplained_keys(sub, {e.finding_key for e in explanations})


def _unexplained_keys(sub: Submission, keys: set[str]) -> tuple[int, int]:
    """(errors, warnings) of the version that no explanation covers (an error counts
    as covered only when the spec lets it be explained)."""
    errors = warnings = 0
    for f in sub.findings:
        covered = f["key"] in keys and f.get("explainable")
        if covered:
            continue
        if f["severity"] == "error":
            errors += 1
        else:
            warnings += 1
    return errors, warnings
