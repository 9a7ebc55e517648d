"""Checks across periods, as the spec declares them (``periods:`` and each indicator's ``time:``).

The report regime gives each kind of period a data window (Quý I 15/12–14/3, 6 tháng
15/12–14/6, Quý III 15/6–14/9, Năm 15/12–14/12). From the windows alone, with no code
per year:

- a ``window`` figure (counted within the window) can never be below the figure of a
  period whose window its own contains (the year against the half-year, the half-year
  against Q1), nor below the sum of such periods whose windows are disjoint (the year
  against half-year + Q3); and never above the figure of a period containing it;
- a ``cumulative`` figure (lũy kế since the year began) never decreases within a year;
- a ``state`` figure (at the cut-off) that changes by more than the spec's
  ``state_jump`` factor since the nearest earlier cut-off is worth a look.

Each is a warning at the figure's cell naming the other period and its value. The
earlier figures come from the store; without one the engine says, once, that these
checks were skipped (``period-checks-skipped``) and never guesses. Pure: no I/O.
"""

from __future__ import annotations

import re
from itertools import combinations
from typing import Any, Callable, Iterable, Mapping, Optional

from .findings import Finding, Location

# What the store hands over: {period: {indicator: value}} of the same unit, any order.
Earlier = Mapping[str, Mapping[str, Any]]
EarlierSource = Callable[[Optional[str], Optional[str]], Earlier]

_PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]|9M|M(?:0[1-9]|1[0-2])))?$")
_DAY = tuple[int, int, int]  # (year, month, day): ordered as dates are


def kind_of(period: str) -> Optional[tuple[int, str]]:
    """'2023-Q3' → (2023, 'Q3'); '2023' → (2023, 'Y'); None for anything else."""
    m = _PERIOD.match(period or "")
    if m is None:
        return None
    return int(m.group(1)), m.group(2) or "Y"


def _day_month(text: str) -> tuple[int, int]:
    day, month = (int(x) for x in text.split("/"))
    return month, day


def window(spec: Any, period: str) -> Optional[tuple[_DAY, _DAY]]:
    """The first and last day of ``period``'s data window, or None (no window declared)."""
    periods = getattr(spec, "periods", None)
    found = kind_of(period)
    if periods is None or found is None:
        return None
    year, kind = found
    w = periods.windows.get(kind)
    if w is None:
        return None
    (sm, sd), (em, ed) = _day_month(w.start), _day_month(w.end)
    start_year = year - 1 if (sm, sd) > (em, ed) else year
    return (start_year, sm, sd), (year, em, ed)


def contains(outer: tuple[_DAY, _DAY], inner: tuple[_DAY, _DAY]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def disjoint(a: tuple[_DAY, _DAY], b: tuple[_DAY, _DAY]) -> bool:
    return a[1] < b[0] or b[1] < a[0]


def timed(spec: Any) -> list[tuple[str, str]]:
    """(indicator id, time kind) of every indicator with a ``time:``, when the spec has windows."""
    if getattr(spec, "periods", None) is None:
        return []
    return [(ind.id, ind.time) for _form, ind in spec.indicators() if getattr(ind, "time", None)]


def previous_year(period: str) -> Optional[str]:
    """The same period of the year before: '2023-Q3' → '2022-Q3'."""
    found = kind_of(period)
    if found is None:
        return None
    year, kind = found
    return str(year - 1) if kind == "Y" else f"{year - 1}-{kind}"


def check_periods(
    spec: Any,
    period: Optional[str],
    values: Mapping[str, Any],
    locations: Mapping[str, Optional[Location]],
    earlier: Optional[Earlier],
    plan: Iterable[tuple[str, str]],
) -> list[Finding]:
    """The warnings across periods for one report (``earlier``: the same unit's other
    periods from the store; None: no store, one info instead)."""
    plan = list(plan)
    if not plan:
        return []
    if earlier is None:
        return [Finding.make("period-checks-skipped", "info", count=len(plan))]
    own = window(spec, period) if period else None
    if own is None:
        return []
    others: list[tuple[str, tuple[_DAY, _DAY], Mapping[str, Any]]] = []
    for p, vals in earlier.items():
        if p == period:
            continue
        w = window(spec, p)
        if w is not None:
            others.append((p, w, vals))
    if not others:
        return []
    inside = [o for o in others if contains(own, o[1]) and o[1] != own]
    around = [o for o in others if contains(o[1], own) and o[1] != own]
    jump = spec.periods.state_jump
    out: list[Finding] = []
    for ind_id, kind in plan:
        v = values.get(ind_id)
        if not _number(v):
            continue
        loc = locations.get(ind_id) or Location()
        if kind == "window":
            f = _below_contained(ind_id, period, v, inside, loc) or _above_containing(ind_id, period, v, around, loc)
        elif kind == "cumulative":
            f = _cumulative(ind_id, period, own, v, others, loc)
        elif kind == "state" and jump:
            f = _state_jump(ind_id, period, own, v, others, jump, loc)
        else:
            f = None
        if f is not None:
            out.append(f)
    return out


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _below_contained(ind_id: str, period: str, v: Any, inside: list, loc: Location) -> Optional[Finding]:
    """The largest lower bound the contained periods give: one, or a disjoint set added."""
    have = [(p, w, vals[ind_id]) for p, w, vals in inside if _number(vals.get(ind_id))]
    best: Optional[tuple[float, list[str]]] = None
    for size in range(1, min(len(have), 4) + 1):
        for combo in combinations(have, size):
            if size > 1 and not all(disjoint(a[1], b[1]) for a, b in combinations(combo, 2)):
                continue
            total = sum(c[2] for c in combo)
            if best is None or total > best[0]:
                best = (total, [c[0] for c in sorted(combo, key=lambda c: c[1])])
    if best is None or not v < best[0] - 1e-9:
        return None
    return Finding.make(
        "period-below-contained", "warning", indicator=ind_id, location=loc,
        period=period, value=v, other=" + ".join(best[1]), other_value=_shown(best[0]),
    )


def _above_containing(ind_id: str, period: str, v: Any, around: list, loc: Location) -> Optional[Finding]:
    have = [(p, vals[ind_id]) for p, _w, vals in around if _number(vals.get(ind_id))]
    low = min(have, key=lambda x: x[1], default=None)
    if low is None or not v > low[1] + 1e-9:
        return None
    return Finding.make(
        "period-above-containing", "warning", indicator=ind_id, location=loc,
        period=period, value=v, other=low[0], other_value=_shown(low[1]),
    )


def _cumulative(ind_id: str, period: str, own: tuple, v: Any, others: list, loc: Location) -> Optional[Finding]:
    """Lũy kế within the year of the cut-off: an earlier cut-off's figure above this one,
    or a later cut-off's below it."""
    year = own[1][0]
    for p, w, vals in sorted(others, key=lambda o: o[1][1]):
        other = vals.get(ind_id)
        if w[1][0] != year or not _number(other) or w[1] == own[1]:
            continue
        if (w[1] < own[1] and other > v + 1e-9) or (w[1] > own[1] and other < v - 1e-9):
            return Finding.make(
                "period-cumulative-decreased", "warning", indicator=ind_id, location=loc,
                period=period, value=v, other=p, other_value=_shown(other),
            )
    return None


def _state_jump(ind_id: str, period: str, own: tuple, v: Any, others: list, factor: float,
                loc: Location) -> Optional[Finding]:
    """Against the nearest earlier cut-off that has the figure."""
    before = [(w[1], p, vals.get(ind_id)) for p, w, vals in others if w[1] < own[1] and _number(vals.get(ind_id))]
    if not before:
        return None
    _end, p, other = max(before, key=lambda b: b[0])
    if v <= 0 or other <= 0:
        return None
    if max(v, other) / min(v, other) <= factor:
        return None
    return Finding.make(
        "period-state-jump", "warning", indicator=ind_id, location=loc,
        period=period, value=v, other=p, other_value=_shown(other), factor=factor,
    )


def _shown(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return round(v, 2) if isinstance(v, float) else v
