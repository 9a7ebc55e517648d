"""The list-at-once compilation that ``aggregate.Compiler`` replaced, kept as the reference
its stream must equal (choices, findings, values, provenance, matrix: the same JSON).

Copied from cchc_engine/compile/aggregate.py before the stream (commit 237e78c), unchanged but
for imports: it holds every unit and compiles each indicator over the whole list.
Since then, as the Compiler: a usable unit that names no unit is named after its file.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Iterable, Optional

from cchc_engine.compile.aggregate import UnitResult, _folder, _level_name, below, choose_period, unit_from_file_name
from cchc_engine.flow.findings import Finding, Location
from cchc_engine.text.messages import render
from cchc_engine.flow.result import Result
from cchc_engine.spec.runtime import CompiledSpec
from cchc_engine.flow.submission import Cell, Submission
from cchc_engine.text.textnorm import name_key


def compile_units(
    compiled: CompiledSpec,
    level: str,
    unit_name: str,
    period: Optional[str],
    unit_results: Iterable[UnitResult],
    *,
    units_level: Optional[str] = None,
    skip_invalid: bool = False,
) -> Result:
    """One Result for ``unit_name`` at ``level`` from the units' results.

    ``units_level`` is the level the units must be (default: the level just
    below ``level``); ``period`` None takes the units' majority period.
    ``Result.extra`` holds the provenance (``aggregate``) and the per-unit
    values (``matrix``) for the matrix writers.
    """
    units = list(unit_results)
    expected = units_level or below(compiled, level)
    findings: list[Finding] = []
    excluded: list[dict] = []
    included: list[UnitResult] = []

    def exclude(u: UnitResult, code: str, severity: str, **values: Any) -> None:
        f = Finding.make(code, severity, location=Location(file=u.file), file=u.file, unit=u.name, **values)
        findings.append(f)
        excluded.append(_provenance(u) | {"reason": code, "message": f.message})

    # 1. who is in
    candidates: list[UnitResult] = []
    named_by_file: set[int] = set()
    for u in units:
        if u.problem is None and not u.unit:
            u = replace(u, unit=unit_from_file_name(u.file))
            named_by_file.add(id(u))
            findings.append(Finding.make("aggregate-unit-from-file", "info", location=Location(file=u.file),
                                         file=u.file, unit=u.unit))
        if u.problem is not None:
            exclude(u, "aggregate-file-unusable", "error", reason=u.problem.get("message", ""))
        elif u.spec and u.spec != compiled.id:
            exclude(u, "aggregate-mixed-spec", "error", found=u.spec, spec=compiled.id)
        elif u.level != expected:
            # level names, never ids, in what the officer reads
            exclude(u, "aggregate-wrong-level", "error", found=_level_name(compiled, u.level),
                    expected=_level_name(compiled, expected), level=_level_name(compiled, level))
        else:
            candidates.append(u)
    seen_periods = sorted({u.period for u in candidates if u.period})
    target_period = period or choose_period(u.period for u in candidates)
    if len(seen_periods) > 1:
        findings.append(
            Finding.make("aggregate-mixed-periods", "warning", periods=", ".join(seen_periods), period=target_period)
        )
    first_of: dict[tuple[str, Optional[str]], UnitResult] = {}
    for u in candidates:
        if u.period != target_period:
            exclude(u, "aggregate-other-period", "warning", found=u.period, period=target_period)
            continue
        key = (name_key(u.name), u.period, _folder(u.file) if id(u) in named_by_file else None)
        if key in first_of:
            exclude(u, "aggregate-duplicate-unit", "warning", first=first_of[key].file, period=u.period)
            continue
        first_of[key] = u
        errors = len(u.errors)
        if errors and skip_invalid:
            exclude(u, "aggregate-unit-skipped", "warning", errors=errors)
            continue
        if errors:
            findings.append(
                Finding.make("aggregate-unit-invalid", "warning", location=Location(file=u.file), unit=u.name, errors=errors)
            )
            findings.extend(_carried(u, d) for d in u.errors)
        included.append(u)

    # 2. compile the values
    result = _compile_values(compiled, level, unit_name, target_period, included)
    result.findings = findings + result.findings
    result.extra["aggregate"] = {
        "level": level,
        "units_level": expected,
        "period": target_period,
        "included": [_provenance(u) for u in included],
        "excluded": excluded,
    }
    result.extra["matrix"] = {
        "units": [u.name for u in included],
        "files": [u.file for u in included],
        "values": {
            ind.id: [u.values.get(ind.id) for u in included] for ind in result.indicators if ind.type != "group"
        },
    }
    return result.finish()


def _provenance(u: UnitResult) -> dict:
    return {"unit": u.unit, "file": u.file, "level": u.level, "period": u.period, "errors": len(u.errors)}


def _carried(u: UnitResult, data: dict) -> Finding:
    """A unit's own finding, carried up: the unit's name in the message, its file in the location."""
    f = Finding.from_plain(data)
    loc = f.location.replace(file=f.location.file or u.file)
    message = render("aggregate-unit-finding", {"unit": u.name, "message": f.message})
    return f.replace(location=loc, message=message, values={**f.values, "unit": u.name})


def _add(values: list[Any]) -> Any:
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return sum(values)
    total = math.fsum(values)
    # Drop binary noise (0.1 + 0.2) so the compiled figure prints as officers added it.
    total = round(total, 9)
    return int(total) if total.is_integer() else total


def _compile_values(
    compiled: CompiledSpec, level: str, unit_name: str, period: Optional[str], units: list[UnitResult]
) -> Result:
    from cchc_engine.flow.engine import run

    spec = compiled.spec
    cells: dict[str, Cell] = {}
    counts: dict[str, tuple[int, int, str]] = {}  # indicator -> (count, units, label)
    weights: dict[str, int] = {}
    for _form, ind in spec.indicators():
        if not ind.has_value or not ind.applies_to(level):
            continue
        given = [(u.values[ind.id], u.weights.get(ind.id, 1), u.compiled) for u in units if u.values.get(ind.id) is not None]
        if not given:
            continue
        weights[ind.id] = sum(w for _, w, _ in given)
        agg = ind.aggregate_method
        method = agg.method
        value: Any = None
        nums = [v for v, _, _ in given if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if method == "sum" and nums:
            value = _add(nums)
        elif method in ("min", "max") and nums:
            value = min(nums) if method == "min" else max(nums)
        elif method == "count":
            n = sum(v if was_compiled else int(v == agg.code) for v, _, was_compiled in given if isinstance(v, (int, float)))
            label = next((c.label for c in compiled.choice_set(ind) if c.code == agg.code), str(agg.code))
            counts[ind.id] = (int(n), weights[ind.id], label)
            continue
        if value is not None:
            cells[ind.id] = Cell(indicator=ind.id, value=value, raw_text=str(value), location=Location())
    sub = Submission(file="", unit=unit_name, level=level, period=period, cells=cells)
    result = run(compiled, sub, compilation=True)
    result.file = None
    for row in result.indicators:
        if row.id in counts:
            n, w, label = counts[row.id]
            row.value, row.units, row.source = n, w, "computed"
            row.label = render("aggregate-count-label", {"label": label})
            continue
        if row.location is not None and not any(row.location.to_dict().values()):
            row.location = None
        if row.id in weights and (row.value is not None or row.source == "computed"):
            row.units = weights[row.id]
        if row.source == "reported":  # compiled from the units, not reported by anyone at this level
            row.source = "computed"
            row.raw = None
    return result


