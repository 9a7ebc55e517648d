"""Warnings for a sound spec that probably misses something the template implies (pure).

* a "Trong đó" breakdown (children with an empty STT) with no formula or rule tying it to its total;
* a "Tỷ lệ" without a formula although it has count rows beneath it (numerator, denominator);
* a choice set no indicator uses;
* a name that differs from last year's (through ``previous:``) only in spelling.
"""

from __future__ import annotations

from typing import Any, Optional

from ..flow.findings import Finding, Location
from ..text.textnorm import name_key
from .runtime import CompiledSpec


def _warn(code: str, compiled: CompiledSpec, indicator: Optional[str] = None, **values) -> Finding:
    return Finding.make(code, "warning", indicator=indicator, location=Location(file=compiled.source, path=indicator), **values)


def lint_spec(compiled: CompiledSpec, previous: Optional[CompiledSpec] = None) -> list[Finding]:
    spec = compiled.spec
    out: list[Finding] = []
    rule_refs = [set(r.expr.refs) for r in compiled.rules]
    for _form, ind in spec.indicators():
        kids = [c for c in ind.children if c.type in ("count", "number")]
        breakdown = [c for c in kids if c.row_kind == "breakdown"]
        if breakdown and ind.type in ("count", "number") and not ind.formula and not ind.children_total:
            ids = {ind.id} | {c.id for c in breakdown}
            if not any(ind.id in refs and len(refs & ids) > 1 for refs in rule_refs):
                out.append(
                    _warn("lint-breakdown-without-sum", compiled, ind.id, id=ind.id, children=", ".join(c.id for c in breakdown))
                )
        if ind.type == "percent" and not ind.formula and name_key(ind.name).startswith("ty le"):
            counts = [c for c in ind.children if c.type == "count"]
            if len(counts) >= 2:
                out.append(
                    _warn("lint-ratio-without-formula", compiled, ind.id, id=ind.id, children=", ".join(c.id for c in counts))
                )
    out.extend(_rules_on_compiled_values(compiled))
    used = {ind.choices for _f, ind in spec.indicators() if ind.choices}
    for key in spec.choices:
        if key not in used:
            out.append(Finding.make("lint-unused-choices", "warning", location=Location(file=compiled.source, path=f"choices.{key}"), choices=key))
    if previous is not None:
        old_idx = previous.spec.index()
        for _f, ind in spec.indicators():
            if not ind.previous:
                continue
            old = old_idx.get(ind.previous)
            if old is None:
                out.append(
                    _warn("lint-previous-unknown", compiled, ind.id, previous=ind.previous, old_spec=previous.spec.id)
                )
            elif old.name != ind.name and name_key(old.name) == name_key(ind.name):
                out.append(
                    _warn(
                        "lint-spelling-changed", compiled, ind.id,
                        id=ind.id, previous=old.id, old_spec=previous.spec.id, old=old.name, new=ind.name,
                    )
                )
    return out


def _rules_on_compiled_values(compiled: CompiledSpec) -> list[Finding]:
    """A rule that also applies to compilations but reads a value no compilation has.

    Compiled, a count is the sum of the units' counts and a yes/no answer compiled
    by ``count:1`` is a number of units, not an answer: a rule on it is skipped on
    every compilation. Say so, so the maintainer writes ``applies_to: report`` (or a
    rule for compilations) on purpose.
    """
    out: list[Finding] = []
    index = compiled.spec.index()
    for ri, crule in enumerate(compiled.rules):
        if crule.rule.applies_to == "report":
            continue
        for ref in crule.expr.refs:
            ind = index.get(ref)
            if ind is None:
                continue
            method = ind.aggregate_method.method
            if method in ("count", "none") and not (method == "none" and ind.formula):
                out.append(
                    Finding.make(
                        "lint-rule-on-compiled-count" if method == "count" else "lint-rule-on-uncompiled",
                        "warning",
                        indicator=ref,
                        location=Location(file=compiled.source, path=f"rules[{ri}]({crule.rule.id})"),
                        rule=crule.rule.id,
                        ref=ref,
                        method=ind.aggregate.method if ind.aggregate else method,
                    )
                )
                break
    return out


def previous_spec(compiled: CompiledSpec, host: Any) -> Optional[CompiledSpec]:
    """The spec ``previous:`` refers to: the latest known national spec (id = its year)
    of an earlier year, found through the index; only that one is compiled."""
    from ..flow.findings import CchcError
    from .registry import compile_file, index

    year = compiled.spec.year
    unique, _clashes = index(host)
    years = sorted((src.year for src in unique.values() if src.year and src.year < year and src.id == str(src.year)), reverse=True)
    for y in years:
        try:
            prev, problems = compile_file(unique[str(y)].path, provider=unique[str(y)].origin, host=host)
        except CchcError:
            continue
        if not problems:
            return prev
    return None


def _key(w: Finding) -> tuple:
    return (w.code, w.indicator, repr(sorted(w.values.items())))


def attribute_to_parents(compiled: CompiledSpec, warnings: list[Finding], host: Any = None) -> list[Finding]:
    """Warnings a child spec only inherits are reported as its parent's (file and all).

    A maintainer checking a provincial variant should not be told to fix, in their
    file, what the national spec says; a warning the child's own changes cause
    stays the child's.
    """
    if not compiled.spec.extends or not compiled.source:
        return warnings
    from .registry import compile_file, spec_chain

    chain = spec_chain(compiled.source, host)
    if len(chain) < 2:
        return warnings
    try:
        parent, problems = compile_file(chain[1], host=host)
    except Exception:  # the child compiled, so its parent loads; be safe anyway
        return warnings
    if problems:
        return warnings
    inherited = {_key(w): w for w in attribute_to_parents(parent, lint_spec(parent, previous_spec(parent, host)), host)}
    return [inherited.get(_key(w), w) for w in warnings]
