"""Compiling a unit's report from the store (``cchc aggregate --db``).

The units directly below the compiling unit give their current accepted version
(approved; or, asked for, every current version not returned) as the values kept
when it was submitted — no file is read again — and the Session compiles them
(``Session.compile``: sums, counts, ratios recomputed from summed operands). The
compiling unit's own report is then merged, indicator by indicator, as the spec's
``source:`` says: ``own`` (its own figure), ``below`` (the compiled one), ``both``
(added); by default ``below`` where the units below report the indicator, else
``own``. The engine runs once more on the merged values, so ratios and the rules
see the figures the report will carry. Who is missing (no version, returned, not
yet approved) is a warning each; the units' explanations come along as infos.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any, Optional

from ..flow.findings import Finding, Location

if TYPE_CHECKING:
    from ..flow.result import Result
    from ..session import Session
    from .store import Store, Unit


def compile_from_store(store: "Store", session: "Session", period: str, unit: str, *, accepted_only: bool = True) -> "Result":
    from sqlalchemy import func, select

    from ..compile.aggregate import UnitResult, below
    from ..flow.submission import normalise_period
    from . import schema as t

    canonical = normalise_period(period)
    if canonical is None:
        from ..flow.findings import CchcError

        raise CchcError.make("invalid-period", period=period)
    period = canonical
    root = store.unit(unit)
    spec = session.spec
    kids = store.children(root.code)
    kid_by_id = {k.id: k for k in kids}
    s, r, e, u = t.submissions, t.reviews, t.explanations, t.units
    latest = select(s.c.unit_id, func.max(s.c.version).label("v")).join(u, u.c.id == s.c.unit_id) \
        .where(s.c.period == period, u.c.parent_id == root.id).group_by(s.c.unit_id).subquery()
    q = select(s.c.id, s.c.unit_id, s.c.version, s.c.spec, s.c.level, s.c.values_json, s.c.weights_json, s.c.compiled,
               s.c.findings_json).join(latest, (s.c.unit_id == latest.c.unit_id) & (s.c.version == latest.c.v)) \
        .where(s.c.period == period)
    last_decision = select(r.c.submission_id, func.max(r.c.id).label("rid")).group_by(r.c.submission_id).subquery()
    dq = select(r.c.submission_id, r.c.decision).join(last_decision, r.c.id == last_decision.c.rid) \
        .join(s, s.c.id == r.c.submission_id).join(u, u.c.id == s.c.unit_id) \
        .where(s.c.period == period, u.c.parent_id == root.id)
    with store._read() as conn:
        rows = conn.execute(q).all()
        decisions = dict(conn.execute(dq).all())
        explained = conn.execute(select(e.c.unit_id, e.c.finding_key, e.c.text, e.c.by).join(u, u.c.id == e.c.unit_id)
                                 .where(e.c.period == period, u.c.parent_id == root.id).order_by(e.c.id)).all()
    own = store.current(root.code, period)

    units: list[UnitResult] = []
    taken: dict[int, Any] = {}
    for row in rows:
        kid = kid_by_id.get(row.unit_id)
        if kid is None:
            continue
        decision = decisions.get(row.id)
        if decision == "return" or (accepted_only and decision != "approve"):
            continue
        findings = json.loads(row.findings_json)
        taken[row.unit_id] = (row, findings)
        units.append(UnitResult(
            file=f"{kid.code} v{row.version}", unit=kid.name, level=row.level, period=period, spec=row.spec,
            values=json.loads(row.values_json), weights=json.loads(row.weights_json) if row.weights_json else {},
            compiled=bool(row.compiled),
            errors=[_plain(f) for f in findings if f["severity"] == "error"],
            warnings=sum(1 for f in findings if f["severity"] == "warning"),
        ))
    levels = Counter(k.level for k in kids)
    units_level = levels.most_common(1)[0][0] if levels else below(spec, root.level)
    compiled = session.compile(units, level=root.level, unit=root.name, period=period, units_level=units_level)

    own_values: dict[str, Any] = {}
    if own is not None:
        with store._read() as conn:
            own_values = json.loads(conn.execute(select(s.c.values_json).where(s.c.id == own.id)).scalar() or "{}")
    result = session.run(lambda: _merge(session, root, period, units_level, compiled, own_values))

    # who is missing, and what the included units explained
    states = {row.unit.code: row.state for row in store.board(period, under=root.code)} if len(taken) < len(kids) else {}
    missing = []
    for kid in kids:
        if kid.id in taken:
            continue
        state = states.get(kid.code, "missing")
        missing.append({"unit": kid.code, "name": kid.name, "state": state})
        result.findings.append(Finding.make("store-unit-not-compiled", "warning", unit=kid.name, unit_code=kid.code,
                                            state=_state_word(state)))
    carried = []
    for unit_id, key, text, by in explained:
        got = taken.get(unit_id)
        if got is None:
            continue
        _row, findings = got
        f = next((f for f in findings if f["key"] == key), None)
        if f is None:  # explained on an older version, gone from the current one
            continue
        kid = kid_by_id[unit_id]
        carried.append({"unit": kid.code, "finding": key, "text": text, "by": by})
        result.findings.append(Finding.make("store-explanation-carried", "info", indicator=f.get("indicator"),
                                            location=Location(file=f"{kid.code} v{_row.version}"),
                                            unit=kid.name, message=f.get("message", ""), text=text))
    if own is None and result.extra.get("store_own_needed"):
        result.findings.append(Finding.make("store-own-missing", "warning", unit=root.name, period=period))
    result.extra.pop("store_own_needed", None)
    result.extra["store"] = {
        "unit": root.code, "period": period, "accepted_only": accepted_only,
        "own": {"submission": own.id, "version": own.version} if own is not None else None,
        "missing": missing, "explanations": carried,
    }
    return result.finish()


def _plain(f: dict) -> dict:
    return {k: v for k, v in f.items() if k not in ("key", "explainable")}


def _state_word(state: str) -> str:
    from ..text.messages import render

    return render(f"board-state-{state}", {})


def _merge(session: "Session", root: "Unit", period: str, units_level: Optional[str], compiled: "Result",
           own: dict[str, Any]) -> "Result":
    """The compiled values and the unit's own, by each indicator's ``source``, run once more."""
    from ..flow.engine import run
    from ..flow.submission import Cell, Submission

    spec = session.spec
    level = root.level
    below_rows = {row.id: row for row in compiled.indicators}
    cells: dict[str, Cell] = {}
    kept: dict[str, Any] = {}  # compiled rows copied as they are (counts of answers)
    units: dict[str, int] = {}
    needs_own = False
    for _form, ind in spec.spec.indicators():
        if not ind.has_value or not ind.applies_to(level):
            continue
        source = ind.source or ("below" if units_level and ind.applies_to(units_level) else "own")
        method = ind.aggregate_method.method
        mine = own.get(ind.id)
        row = below_rows.get(ind.id)
        theirs = row.value if row is not None else None
        if source != "below":
            needs_own = True
        if source == "own":
            value = mine
        elif method == "count" or source == "below" or method == "formula":
            if method == "count" and row is not None and theirs is not None:
                kept[ind.id] = row
                continue
            if row is not None and row.units is not None:
                units[ind.id] = row.units
            if method == "formula":
                continue  # recomputed from the merged operands
            value = theirs
        else:  # both
            if _num(mine) and _num(theirs):
                value = mine + theirs
            else:
                value = theirs if mine is None else mine
            units[ind.id] = (row.units or 0 if row is not None else 0) + (1 if mine is not None else 0)
        if value is not None:
            cells[ind.id] = Cell(indicator=ind.id, value=value, raw_text=str(value), location=Location())
    sub = Submission(file="", unit=root.name, level=level, period=period, cells=cells)
    result = session.check(run(spec, sub, compilation=True))  # the plugins check the merged report
    result.file = None
    for row in result.indicators:
        if row.id in kept:
            k = kept[row.id]
            row.value, row.units, row.label, row.source = k.value, k.units, k.label, "computed"
            continue
        if row.location is not None and not any(row.location.to_dict().values()):
            row.location = None
        if row.id in units and row.value is not None:
            row.units = units[row.id]
            row.source = "computed"
            row.raw = None
        elif row.source == "reported":
            row.raw = None  # the unit's own figure, from its stored report
    # the units' exclusions and findings come from compiling them; the rules from the merged run
    result.findings = [f for f in compiled.findings if f.code.startswith("aggregate-")] + result.findings
    result.extra = dict(compiled.extra)
    result.extra["store_own_needed"] = needs_own
    return result


def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)
