"""The pure core: compiled spec + mapped submission → Result.

1. every cell normalised by its indicator's type (values.py), level checked;
2. derived indicators computed in formula order; a reported value is compared
   with the computed one within half a unit of the last digit the unit wrote;
3. every rule evaluated with its severity and missing-value policy;
4. the figures the spec checks across periods, against the earlier reports the
   caller gives (``earlier``, from a store).
No I/O and no plugin calls happen here (a Session adds the plugins' ``check_result``
findings after ``run``), and nothing is remembered between calls: what a level needs
from the spec is a ``LevelPlan`` the caller may keep (a Session keeps one per level).
"""

from __future__ import annotations

import math
from typing import Any, Optional

from . import expr as ex
from .findings import Finding, Location
from ..text.messages import render, said
from .result import IndicatorResult, Result
from ..spec.runtime import CompiledSpec
from ..spec.runtime import Indicator  # the runtime form: what the engine is given
from .submission import Submission
from .values import decimals_written, normalise

def _reported_decimals(original: Any, value: float) -> int:
    """How many decimals the unit wrote: '75,8%' → 1, '100' → 0, 76.74 (from 0.7674 in a % cell) → 2."""
    if isinstance(original, str):
        return decimals_written(original)  # linear: "75,86" + 150,000 spaces + "％" took 71 s
    text = repr(float(value))
    return 0 if text.endswith(".0") else len(text.split(".")[1])


def rounding_tolerance(kind: str, decimals: int) -> float:
    """How far a reported figure may be from the computed one and still be its rounding: half a
    unit of the last digit written ('17 %' stands for 16,5–17,5; '75,9' for 75,85–75,95).
    A count is whole: half of one."""
    return 0.5 * 10 ** (-decimals) if kind in ("percent", "number") else 0.5


def _truncated(value: float, decimals: int) -> float:
    """``value`` with the digits after ``decimals`` cut off (75.86, 1 → 75.8), in decimal arithmetic."""
    from decimal import ROUND_DOWN, Decimal

    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN))


def _round_out(value: float, ind: Indicator) -> float | int:
    """Computed values as the report shows them: counts whole, ratios to 2 decimals."""
    if ind.type == "count":
        return int(round(value))
    rounded = round(value, 2)
    return int(rounded) if float(rounded).is_integer() else rounded


class _Env:
    """Values by indicator id for the expression evaluator."""

    def __init__(self, compiled: CompiledSpec, level: str, values: dict[str, Any], zero_missing: bool = False,
                 plan: Optional["LevelPlan"] = None):
        plan = plan or LevelPlan(compiled, level)
        self.index = plan.index
        self.not_applicable = plan.not_applicable
        self.level = level
        self.values = values
        self.zero_missing = zero_missing

    def __call__(self, ref: str) -> Any:
        if ref in self.not_applicable or ref not in self.index:  # (an unknown id fails as it did: KeyError)
            self.index[ref]
            raise ex.NotApplicable(ref)
        v = self.values.get(ref)
        if v is None:
            if self.zero_missing:
                return 0
            raise ex.Missing(ref)
        return v


class LevelPlan:
    """What a run needs from the spec at one level, worked out once: the spec is immutable once
    compiled, and `cchc aggregate` runs it on thousands of files (a Session keeps one per level)."""

    __slots__ = ("compiled", "spec", "level", "index", "not_applicable", "rows", "formulas", "level_name", "timed")

    def __init__(self, compiled: CompiledSpec, level: str):
        spec = compiled.spec
        self.compiled, self.spec, self.level = compiled, spec, level
        self.index = spec.index()
        self.not_applicable = frozenset(i for i, ind in self.index.items() if not ind.applies_to(level))
        lv = next((x for x in spec.levels if x.id == level), None)
        self.level_name = lv.name if lv else level
        # per indicator in report order: (indicator, IndicatorResult fields, applies, choice set, label by code)
        self.rows: list[tuple[Indicator, dict[str, Any], bool, list, dict[Any, str]]] = []
        for form in spec.forms:
            for ind, depth in _walk(form.indicators):
                applies = ind.applies_to(level)
                choices = compiled.choice_set(ind)
                labels: dict[Any, str] = {}
                for c in choices:
                    labels.setdefault(c.code, c.label)  # the first choice with a code names it, as before
                fields = dict(
                    id=ind.id, stt=ind.stt_for(level), form=form.id, name=ind.name_for(level), unit=ind.shown_unit,
                    type=ind.type, depth=depth, formula=ind.formula, note=ind.note, applicable=applies,
                    source="missing" if applies else "not-applicable",
                )
                self.rows.append((ind, fields, applies, choices, labels))
        self.formulas = [
            (ind_id, self.index[ind_id], compiled.formulas[ind_id])
            for ind_id in compiled.formula_order
            if self.index[ind_id].applies_to(level)
        ]
        # (id, time kind) of the figures checked across periods (periods.py)
        self.timed = [(i, kind) for i, kind in _timed(spec) if self.index[i].applies_to(level)]


def _timed(spec: Any) -> list[tuple[str, str]]:
    if getattr(spec, "periods", None) is None:
        return []
    from .periods import timed

    return timed(spec)


def run(
    compiled: CompiledSpec, sub: Submission, *, plan: Optional[LevelPlan] = None, compilation: bool = False,
    earlier: Any = None,
) -> Result:
    """Validate and compute one submission (``compilation``: values summed from the units below).

    ``plan`` is ``LevelPlan(compiled, sub.level)`` made earlier (made here when not given).
    ``earlier(unit, period)`` gives the unit's figures of other periods from a store
    (``{period: {indicator: value}}``) for the checks across periods the spec declares;
    without it those checks are skipped with one info."""
    spec = compiled.spec
    level = sub.level
    if plan is None or plan.compiled is not compiled or plan.level != level:
        plan = LevelPlan(compiled, level)
    result = Result(
        spec=spec.id,
        spec_title=spec.title,
        level=level,
        level_name=plan.level_name,
        period=sub.period,
        unit=sub.unit,
        file=sub.file,
    )
    cov = sub.coverage
    st = result.stats
    st.rows_with_value, st.rows_placed, st.rows_dropped = cov.values, cov.placed, cov.dropped
    st.dropped_by = dict(cov.dropped_by)
    findings: list[Finding] = list(sub.findings)
    values: dict[str, Any] = {}
    rows: dict[str, IndicatorResult] = {}

    # 1. normalise every reported cell
    cells = sub.cells
    indicators = result.indicators
    for ind, fields, applies, choices, labels in plan.rows:
        row = IndicatorResult(**fields)
        rows[ind.id] = row
        indicators.append(row)
        cell = cells.get(ind.id)
        if cell is None:
            continue
        row.location = cell.location
        row.raw = cell.raw_text
        if cell.note:
            row.note = cell.note
        if cell.formula_without_value:
            findings.append(Finding.make("formula-cell", "warning", indicator=ind.id, location=cell.location))
        norm = normalise(cell.value, ind, choices, percent_format=cell.percent_format)
        for issue in (norm.issue, *norm.notes) if norm.issue is not None else ():
            findings.append(Finding.make(issue.code, issue.severity, indicator=ind.id, location=cell.location, **issue.values))
        if norm.value is None:
            continue
        if not applies:
            findings.append(
                Finding.make(
                    "level-not-reporting",
                    "warning",
                    indicator=ind.id,
                    location=cell.location,
                    name=ind.name_for(level),
                    level=result.level_name,
                )
            )
        values[ind.id] = norm.value
        row.value = norm.value
        row.source = "reported"
        if ind.type == "choice":
            row.label = labels.get(norm.value)

    # 2. formulas, in dependency order
    env = _Env(compiled, level, values, plan=plan)
    for ind_id, ind, formula in plan.formulas:
        row = rows[ind_id]
        try:
            computed: Optional[float] = formula.evaluate(env)
            policy = None
        except (ex.Missing, ex.NotApplicable):
            continue  # keep what was reported; a blank is never a zero
        except ex.ValueTooLarge:
            findings.append(
                Finding.make("value-too-large", "error", indicator=ind_id, location=row.location or Location(), expr=ind.formula or "")
            )
            continue
        except ex.ZeroDenominator:
            policy = ind.zero_denominator or spec.zero_denominator
            computed = None if policy == "blank" else float(policy)
        cell = cells.get(ind_id)
        _settle(ind, row, computed, policy, values, findings, cell.value if cell else None)

    # 3. a value against the sum of its rows (children_total), then the rules
    for total in compiled.totals:
        finding = _check_total(total, compiled, level, values, rows)
        if finding is not None:
            findings.append(finding)
    envs = {False: env, True: _Env(compiled, level, values, zero_missing=True, plan=plan)}
    for crule in compiled.rules:
        rule = crule.rule
        if rule.levels and level not in rule.levels:
            continue
        if rule.applies_to == ("compilation" if not compilation else "report"):
            continue
        finding = _check_rule(crule, compiled, level, values, rows, envs[rule.missing == "zero"])
        if finding is not None:
            findings.append(finding)

    # 4. across periods (the spec's `time:` figures), against the store's earlier reports
    if plan.timed and not compilation:
        from .periods import check_periods

        history = earlier(sub.unit, sub.period) if earlier is not None else None
        locations = {i: rows[i].location for i, _kind in plan.timed}
        findings.extend(check_periods(spec, sub.period, values, locations, history, plan.timed))

    result.findings = findings
    return result.finish()


def _walk(inds: list[Indicator], depth: int = 0):
    for ind in inds:
        yield ind, depth
        yield from _walk(ind.children, depth + 1)


def _settle(
    ind: Indicator,
    row: IndicatorResult,
    computed: Optional[float],
    policy: Optional[str],
    values: dict[str, Any],
    findings: list[Finding],
    original: Any = None,
) -> None:
    """Carry the computed value; compare it with the reported one."""
    reported = values.get(ind.id)
    loc = row.location or Location()
    formula_text = ind.formula or ""
    if policy is not None:
        row.zero_denominator = policy
        if reported is not None and (computed is None or not ex.close(reported, computed)):
            findings.append(
                Finding.make(
                    "zero-denominator",
                    "info",
                    indicator=ind.id,
                    location=loc,
                    formula=formula_text,
                    policy=_policy_label(policy),
                    computed=computed,  # None under the 'blank' policy: shown as "trống"
                    reported=reported,
                )
            )
    elif reported is not None and computed is not None:
        decimals = _reported_decimals(original, reported)
        if not ex.close(reported, computed) and not math.isclose(round(computed, decimals), reported, abs_tol=1e-9):
            extra: dict[str, Any] = {}
            if abs(reported - computed) <= rounding_tolerance(ind.type, decimals) + 1e-9:
                code, severity = "ratio-rounding", "info"
            elif ind.type in ("percent", "number") and math.isclose(_truncated(computed, decimals), reported, abs_tol=1e-9):
                # 75,8 for 75,86: digits cut, not rounded; the figure is right as far as it goes
                code, severity = "ratio-truncated", "warning"
                extra["rounded"] = round(computed, decimals)
            else:
                code, severity = "ratio-mismatch", "error"
            findings.append(
                Finding.make(
                    code,
                    severity,
                    indicator=ind.id,
                    location=loc,
                    reported=reported,
                    computed=_round_out(computed, ind),
                    formula=formula_text,
                    **extra,
                )
            )
    if computed is None:  # zero denominator under the 'blank' policy: không phát sinh
        if reported is not None:
            row.reported = reported
        values.pop(ind.id, None)
        row.value = None
        row.source = "computed"
        return
    shown = _round_out(computed, ind)
    if reported is not None and not ex.close(reported, shown):
        row.reported = reported
    values[ind.id] = computed
    row.value = shown
    row.source = "computed"


def _check_total(total, compiled: CompiledSpec, level: str, values: dict[str, Any], rows: dict[str, IndicatorResult]):
    """A heading's value against its rows: blank rows count 0; nothing to say when all are blank."""
    index = compiled.spec.index()
    ind = index[total.indicator]
    value = values.get(ind.id)
    if value is None or not ind.applies_to(level):
        return None
    parts = [c for c in total.children if index[c].applies_to(level) and values.get(c) is not None]
    if not parts:
        return None
    sum_ = sum(values[c] for c in parts)
    ok = ex.close(value, sum_) if total.op == "equal" else (sum_ <= value or ex.close(sum_, value))
    if ok:
        return None
    return Finding.make(
        "children-total-mismatch" if total.op == "equal" else "children-total-exceeded",
        ind.children_total_severity or "error",
        indicator=ind.id,
        location=rows[ind.id].location or Location(),
        name=ind.name_for(level),
        total=value,
        sum=sum_,
        parts=[values[c] for c in parts],  # numbers: the message joins them with " + "
    )


def _policy_label(policy: str) -> Any:
    return said("policy-blank") if policy == "blank" else policy


def _check_rule(crule, compiled: CompiledSpec, level: str, values: dict[str, Any], rows: dict[str, IndicatorResult],
                env: Optional[_Env] = None):
    rule = crule.rule
    target = crule.indicator
    loc = (rows[target].location if target in rows else None) or Location()
    if env is None:
        env = _Env(compiled, level, values, zero_missing=rule.missing == "zero")
    try:
        ok = crule.expr.evaluate(env)
    except ex.NotApplicable:
        return None
    except ex.ZeroDenominator:
        return None
    except ex.ValueTooLarge:
        return Finding.make("value-too-large", "error", indicator=target, location=loc, expr=rule.expr)
    except ex.Missing:
        if rule.missing != "warn":
            return None
        missing = [r for r in crule.expr.refs if values.get(r) is None and compiled.spec.index()[r].applies_to(level)]
        return Finding.make("rule-missing-operand", "warning", indicator=target, location=loc, rule=rule.id, missing=", ".join(missing))
    if ok:
        return None
    operands = {r: values.get(r) for r in crule.expr.refs}
    from ..text.messages import get_lang

    template = rule.message_en if get_lang() == "en" and rule.message_en else rule.message
    blank = render("value-blank", {})
    # the officer reads "(trống)" for a blank operand, never "None"
    text = render("rule-failed", {r: (blank if v is None else v) for r, v in operands.items()}, template=template)
    # values.operands is the machine form (docs/json-output.md): numbers stay numbers, blank is null
    shown = {r: _machine(v) for r, v in operands.items()}
    # The message is the spec's own text for this rule; values are data only (the rule's id
    # finds that text again, to say it in another language).
    return Finding(
        code="rule-failed",
        severity=rule.severity,
        indicator=target,
        location=loc,
        values={"rule": rule.id, "expr": rule.expr, "operands": shown},
        message=text,
    )


def _machine(value: Any) -> Any:
    """An operand as JSON carries it: 3 (not 3.0), 75.86, null for blank, text as is."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value
