"""Compile (tổng hợp) the reports of many units into the level above. Pure: no I/O.

Each unit arrives as a small ``UnitResult`` (metadata, ``{indicator: value}`` and
its error findings as dicts) made by ``collect.py`` in a worker process, so the
parent never holds a workbook. ``compile_units`` then

1. chooses the units: unreadable files, another spec, the wrong level, another
   period, a second report of the same unit, and (with ``skip_invalid``) reports
   with errors are left out — each with a finding, never silently;
2. compiles every indicator by its ``aggregate_method``: ``sum`` adds the values
   given (blanks are not zeros and are not counted), ``min``/``max``,
   ``count:<code>`` counts units answering ``code``, ``none`` stays blank;
3. runs the engine on the compiled values at the target level, so ``formula``
   indicators (ratios) are recomputed from the compiled operands — never an
   average of percentages — and the higher level's rules run on the totals.

A unit may itself be a compiled Result (a district compiled from its communes):
its values are totals, its ``count`` values already counts (they add up), and
``IndicatorResult.units`` says how many reporting units stand behind each value,
so communes → districts → province gives what communes → province gives.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Optional

from .findings import Finding, Location
from .messages import render
from .result import Result
from .spec.runtime import CompiledSpec
from .submission import Cell, Submission
from .textnorm import name_key


@dataclass
class UnitResult:
    """One unit's report, small and picklable: what a worker sends back."""

    file: str
    unit: Optional[str] = None
    level: Optional[str] = None  # a level id of the spec
    period: Optional[str] = None
    spec: Optional[str] = None
    values: Mapping[str, Any] = field(default_factory=dict)  # a dict, or PackedValues in the parent
    # Compiled inputs: how many reporting units stand behind each value (default 1).
    weights: dict[str, int] = field(default_factory=dict)
    compiled: bool = False  # a compiled Result: count values are counts, not codes
    errors: list[dict] = field(default_factory=list)  # error findings (Finding.to_dict())
    warnings: int = 0
    problem: Optional[dict] = None  # why the file is unusable (a finding dict)
    read_seconds: float = 0.0
    compute_seconds: float = 0.0

    @property
    def name(self) -> str:
        return self.unit or render("aggregate-unknown-unit", {})


_MAX_EXACT = 2**53  # a larger int does not survive a double: such a unit keeps its dict


class PackedValues(Mapping):
    """A unit's ``{indicator: number}`` in 9 bytes a value instead of ~60.

    The parent of ``cchc aggregate`` holds every unit's values until it compiles
    them (a country is ~3,300 communes × ~120 values), so they are kept as one
    array of doubles plus one kind byte (absent / int / float) per indicator of
    the spec, in the spec's order (``positions``, shared by every unit). Reads give
    back exactly what was packed: ints as ints, floats as floats.
    """

    __slots__ = ("_pos", "_nums", "_kinds")

    def __init__(self, positions: dict[str, int], nums: array, kinds: bytearray):
        self._pos, self._nums, self._kinds = positions, nums, kinds

    @classmethod
    def pack(cls, values: Mapping[str, Any], positions: dict[str, int]) -> Mapping[str, Any]:
        """Packed when every key is the spec's and every value a number; else ``values`` as given."""
        if isinstance(values, PackedValues):
            return values
        nums = array("d", bytes(8 * len(positions)))
        kinds = bytearray(len(positions))
        for key, v in values.items():
            i = positions.get(key)
            if i is None or isinstance(v, bool):
                return values
            if isinstance(v, int) and -_MAX_EXACT <= v <= _MAX_EXACT:
                nums[i], kinds[i] = v, 1
            elif isinstance(v, float):
                nums[i], kinds[i] = v, 2
            else:
                return values
        return cls(positions, nums, kinds)

    def __getitem__(self, key: str) -> Any:
        i = self._pos[key]
        kind = self._kinds[i]
        if kind == 0:
            raise KeyError(key)
        return int(self._nums[i]) if kind == 1 else self._nums[i]

    def get(self, key: str, default: Any = None) -> Any:
        i = self._pos.get(key)
        if i is None or not self._kinds[i]:
            return default
        return int(self._nums[i]) if self._kinds[i] == 1 else self._nums[i]

    def __contains__(self, key: object) -> bool:
        i = self._pos.get(key)  # type: ignore[call-overload]
        return i is not None and bool(self._kinds[i])

    def __iter__(self) -> Iterator[str]:
        return (k for k, i in self._pos.items() if self._kinds[i])

    def __len__(self) -> int:
        return len(self._kinds) - self._kinds.count(0)


def value_positions(compiled: CompiledSpec) -> dict[str, int]:
    """The shared key order for PackedValues: every indicator of the spec."""
    return {ind.id: i for i, (_form, ind) in enumerate(compiled.spec.indicators())}


def below(compiled: CompiledSpec, level: str) -> Optional[str]:
    """The level just below ``level`` in the spec's order (tỉnh → huyện → xã), if any."""
    ids = compiled.spec.level_ids()
    i = ids.index(level)
    return ids[i + 1] if i + 1 < len(ids) else None


def choose_period(periods: Iterable[Optional[str]]) -> Optional[str]:
    """The most common period; a tie goes to the latest (deterministic)."""
    counts = Counter(p for p in periods if p)
    if not counts:
        return None
    return max(counts, key=lambda p: (counts[p], p))


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
    for u in units:
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
        key = (name_key(u.name), u.period)
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
    from .engine import run

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


def _level_name(compiled: CompiledSpec, level_id: Optional[str]) -> str:
    if not level_id:
        return "-"
    lv = compiled.spec.level(level_id)
    return lv.name if lv is not None and lv.name else level_id
