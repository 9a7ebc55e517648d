"""What the pages need of the Store that its API gives in another shape: a unit or
None, a unit's ancestors, a version's review status, the explanations in force, an
audit row for what only the server sees (sign-ins, downloads)."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any, Optional

from ..flow.findings import CchcError


def unit_or_none(store: Any, code: Optional[str]) -> Optional[Any]:
    if not code:
        return None
    try:
        return store.unit(code)
    except CchcError:
        return None


def submission_or_none(store: Any, sid: Any) -> Optional[Any]:
    try:
        return store.submission(int(sid))
    except (CchcError, ValueError, TypeError):
        return None


def ancestors(store: Any, code: str) -> list[str]:
    """``code`` and every unit above it, nearest first ([] for an unknown code)."""
    out: list[str] = []
    unit = unit_or_none(store, code)
    while unit is not None and unit.code not in out:
        out.append(unit.code)
        unit = unit_or_none(store, unit.parent)
    return out


def status(store: Any, sub: Any) -> str:
    """received / returned / approved: the version's last review decides."""
    reviews = store.reviews(sub.id)
    if not reviews:
        return "received"
    return "approved" if reviews[-1].decision == "approve" else "returned"


def remarks(store: Any, versions: list[Any]) -> list[dict[str, Any]]:
    """Every review of these versions, newest first, with the version it was about."""
    out = []
    for v in versions:
        for r in store.reviews(v.id):
            out.append({"version": v.version, "action": r.decision, "reason": r.reason, "by": r.by, "at": r.at})
    out.sort(key=lambda r: r["at"], reverse=True)
    return out


def explanations_in_force(store: Any, sub: Any) -> dict[str, dict[str, Any]]:
    """finding key → the newest explanation the unit gave for it up to this version."""
    versions = {v.id: v.version for v in store.history(sub.unit, sub.period)}
    out: dict[str, dict[str, Any]] = {}
    for e in store.explanations(sub.unit, sub.period):
        v = versions.get(e.submission_id, 0)
        if v <= sub.version:
            out[e.finding_key] = {"text": e.text, "by": e.by, "at": e.at, "version": v}
    return out


def record(store: Any, actor: str, action: str, object_type: str, object_id: Any, detail: Optional[dict] = None) -> None:
    """An audit row for an action the store does not do itself (a sign-in, a download).

    The Store writes its own actions' rows; it has no public call for others yet, so
    this uses its transaction helper and audit writer (store.py's ``_write``/``_audit``)."""
    store._write(lambda conn: store._audit(conn, actor, action, object_type, object_id, detail))


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def plain(obj: Any) -> Any:
    """``obj.to_dict()`` for a Result, faster (the API answers every upload with one): the
    same dicts and lists (tests/server compares them), walking the known shapes by their
    exact type and leaving anything else to ``findings._plain`` (lazy mappings, subclasses)."""
    from ..flow.findings import _plain

    t = type(obj)
    if t is str or t is int or t is float or t is bool or obj is None:
        return obj
    if t is list or t is tuple:
        return [plain(v) for v in obj]
    if t is dict:
        return {k: plain(v) for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {n: plain(getattr(obj, n)) for n in _field_names(t)}
    return _plain(obj)
