"""Check a loaded spec and compile its formulas and rules once.

``compile_spec`` returns a ``CompiledSpec`` (what the engine runs) together
with every problem found, each a located finding: duplicate ids, duplicate STT
within a form at a shared level, unknown references, levels or choice sets,
formula cycles, type mismatches (a coded answer in arithmetic), aggregation
methods that would average percentages.
"""

from __future__ import annotations

from typing import Any, Optional

from ..flow import expr as ex
from ..flow.findings import Finding, Location
from ..text.messages import render
from .yamlpath import nearest_line, yaml_path
from .model import Indicator, Spec
from .runtime import CompiledRule, CompiledSpec, CompiledTotal  # noqa: F401  (their home is the runtime form)


class _Checker:
    def __init__(self, spec: Spec, source: Optional[str], lines: Optional[dict[tuple, int]], origins: Optional[dict] = None):
        self.spec = spec
        self.source = source
        self.lines = lines or {}
        self.origins = origins or {}
        self.data: Any = spec.model_dump(by_alias=True)
        self.findings: list[Finding] = []
        # indicator id -> YAML path tuple
        self.paths: dict[str, tuple] = {}
        self._stt_clashes: set[tuple] = set()

    def loc(self, path: tuple) -> Location:
        if self.origins:
            found = self._origin(path)
            if found is not None:
                return found
        line = None
        p = path
        while p and line is None:
            line = self.lines.get(p)
            p = p[:-1]
        return Location(file=self.source, path=yaml_path(path, self.data), row=line)

    def _origin(self, path: tuple) -> Optional[Location]:
        """For a merged spec: the file, line and YAML path that wrote what ``path`` points at."""
        cur: Any = self.data
        owner: Optional[tuple[str, str, int]] = None  # (kind, id, index in path after it)
        for i, part in enumerate(path):
            try:
                cur = cur[part]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(cur, dict) and cur.get("id") is not None and i >= 1:
                kind = "rule" if path[0] == "rules" else "ind" if path[i - 1] in ("indicators", "children") else None
                if kind:
                    owner = (kind, str(cur["id"]), i + 1)
        if owner is None:
            return None
        kind, oid, cut = owner
        rest = path[cut:]
        origin = None
        if rest:
            origin = self.origins.get("field", {}).get(((("rule:" if kind == "rule" else "") + oid), rest[0]))
            if origin is not None:
                rest = rest[1:]
        if origin is None:
            origin = self.origins.get(kind, {}).get(oid)
        if origin is None:
            return None
        file, lines, base, data = origin
        full = base + rest
        return Location(file=file, path=yaml_path(full, data), row=nearest_line(lines, full))

    def add(self, code: str, path: tuple, **values: Any) -> None:
        self.findings.append(Finding.make(code, "error", location=self.loc(path), **values))

    def warn(self, out: CompiledSpec, code: str, path: tuple, indicator: Optional[str] = None, **values: Any) -> None:
        """A sound spec that says something it probably does not mean: `spec check` prints it
        with its YAML location; the spec still compiles."""
        out.warnings.append(Finding.make(code, "warning", indicator=indicator, location=self.loc(path), **values))

    # -- structure ----------------------------------------------------------

    def collect(self) -> None:
        for fi, form in enumerate(self.spec.forms):
            self._collect(form.indicators, ("forms", fi, "indicators"))

    def _collect(self, inds: list[Indicator], base: tuple) -> None:
        for i, ind in enumerate(inds):
            path = base + (i,)
            if ind.id in self.paths:
                self.add("spec-duplicate-id", path + ("id",), id=ind.id, first=yaml_path(self.paths[ind.id], self.data))
            else:
                self.paths[ind.id] = path
            self._collect(ind.children, path + ("children",))

    def check_levels_and_choices(self) -> None:
        levels = set(self.spec.level_ids())
        for key, choices in self.spec.choices.items():
            codes: set[int] = set()
            for ci, choice in enumerate(choices):
                if choice.code in codes:
                    self.add("spec-duplicate-choice", ("choices", key, ci, "code"), code=choice.code, choices=key)
                codes.add(choice.code)
        for form in self.spec.forms:
            for ind in form.walk():
                path = self.paths[ind.id]
                for lv in (ind.levels or []) + list(ind.stt_at) + list(ind.name_at):
                    if lv not in levels:
                        self.add("spec-unknown-level", path + ("levels",), level=lv)
                if ind.choices and ind.choices not in self.spec.choices:
                    self.add("spec-unknown-choices", path + ("choices",), choices=ind.choices)
                elif ind.count_answers and not {0, 1} <= {c.code for c in self.spec.choices[ind.choices]}:
                    # a count read as an answer: 0 is the code 0, more is the code 1
                    self.add("spec-count-answers", path + ("count_answers",), id=ind.id, choices=ind.choices)
        for ri, rule in enumerate(self.spec.rules):
            for lv in rule.levels or []:
                if lv not in levels:
                    self.add("spec-unknown-level", ("rules", ri, "levels"), level=lv)

    def check_stt(self) -> None:
        for fi, form in enumerate(self.spec.forms):
            for level in self.spec.level_ids():
                seen: dict[str, str] = {}
                for ind in form.walk():
                    if not ind.applies_to(level):
                        continue
                    stt = ind.stt_for(level)
                    if not stt:
                        continue
                    if stt in seen and seen[stt] != ind.id:
                        other = seen[stt]
                        if ind.stt_repeats and self.spec.index()[other].stt_repeats:
                            continue  # declared: the template prints this STT twice; names tell them apart
                        # report each clashing pair once, at the first level where it clashes
                        key = (form.id, stt, other, ind.id)
                        if key not in self._stt_clashes:
                            self._stt_clashes.add(key)
                            self.add(
                                "spec-duplicate-stt",
                                self.paths[ind.id] + ("stt",),
                                stt=stt,
                                form=form.id,
                                id=ind.id,
                                other=other,
                                levels=level,
                            )
                    else:
                        seen[stt] = ind.id

    # -- expressions ----------------------------------------------------------

    def kind_of(self, ref: str) -> str:
        ind = self.spec.index().get(ref)
        if ind is None:
            raise _UnknownRef(ref)
        if ind.type == "group":
            raise _GroupRef(ref)
        if ind.type == "text":
            raise ex.ExprError("expr-text-ref", ref=ref)
        return "choice" if ind.type == "choice" else "num"

    def compile_expr(self, source: str, path: tuple, want: str) -> Optional[ex.Expr]:
        try:
            parsed = ex.parse(source)
        except ex.ExprError as exc:
            self.add("spec-expression", path, detail=str(exc))
            return None
        ok = True
        for ref in parsed.refs:
            ind = self.spec.index().get(ref)
            if ind is None:
                self.add("spec-unknown-reference", path, ref=ref)
                ok = False
            elif ind.type == "group":
                self.add("spec-group-reference", path, ref=ref)
                ok = False
        if not ok:
            return None
        try:
            kind = parsed.kind(self.kind_of)
        except ex.ExprError as exc:
            self.add("spec-type-mismatch", path, detail=str(exc))
            return None
        if kind != want:
            detail = render("spec-formula-not-number" if want == "num" else "spec-rule-not-condition", {})
            self.add("spec-type-mismatch", path, detail=detail)
            return None
        return parsed

    def compile_formulas(self, out: CompiledSpec) -> None:
        for form in self.spec.forms:
            for ind in form.walk():
                if not ind.formula:
                    continue
                if ind.type not in ("count", "number", "percent"):
                    self.add(
                        "spec-type-mismatch",
                        self.paths[ind.id] + ("formula",),
                        detail=render("spec-type-no-formula", {"type": ind.type}),
                    )
                    continue
                parsed = self.compile_expr(ind.formula, self.paths[ind.id] + ("formula",), "num")
                if parsed is not None:
                    out.formulas[ind.id] = parsed
        out.formula_order = self._order(out.formulas)

    def _order(self, formulas: dict[str, ex.Expr]) -> list[str]:
        """Topological order of formulas; a cycle is an error naming it."""
        order: list[str] = []
        state: dict[str, int] = {}  # 1 visiting, 2 done
        for start in formulas:
            if state.get(start):
                continue
            stack: list[tuple[str, int]] = [(start, 0)]
            trail: list[str] = []
            while stack:
                node, i = stack.pop()
                if i == 0:
                    if state.get(node) == 2:
                        continue
                    state[node] = 1
                    trail.append(node)
                deps = [r for r in formulas[node].refs if r in formulas]
                if i < len(deps):
                    stack.append((node, i + 1))
                    dep = deps[i]
                    if state.get(dep) == 1:
                        cycle = trail[trail.index(dep):] + [dep]
                        self.add("spec-cycle", self.paths[dep] + ("formula",), cycle=" → ".join(cycle))
                        for n in trail:
                            state[n] = 2
                        stack.clear()
                        break
                    if not state.get(dep):
                        stack.append((dep, 0))
                else:
                    state[node] = 2
                    trail.pop()
                    order.append(node)
        return order

    def compile_rules(self, out: CompiledSpec) -> None:
        ids: set[str] = set()
        for ri, rule in enumerate(self.spec.rules):
            path = ("rules", ri)
            if rule.id in ids:
                self.add("spec-duplicate-rule", path + ("id",), id=rule.id)
            ids.add(rule.id)
            parsed = self.compile_expr(rule.expr, path + ("expr",), "bool")
            if parsed is None:
                continue
            for name in _placeholders(rule.message) | _placeholders(rule.message_en):
                if name not in parsed.refs:
                    self.add("spec-message-placeholder", path + ("message",), rule=rule.id, name=name)
            target = rule.indicator or (parsed.refs[0] if parsed.refs else None)
            if rule.indicator and rule.indicator not in self.spec.index():
                self.add("spec-unknown-reference", path + ("indicator",), ref=rule.indicator)
            out.rules.append(CompiledRule(rule, parsed, target))

    def compile_rows(self, out: CompiledSpec) -> None:
        """children_total, note_of, rows with no source and section markers."""
        index = self.spec.index()
        for form in self.spec.forms:
            for ind in form.walk():
                path = self.paths[ind.id]
                if ind.children_total:
                    parts = [c.id for c in ind.children if c.type in ("count", "number")]
                    if ind.type not in ("count", "number"):
                        self.add(
                            "spec-children-total", path + ("children_total",), id=ind.id,
                            detail=render("spec-detail-total-type", {"type": ind.type}),
                        )
                    elif not parts:
                        self.add(
                            "spec-children-total", path + ("children_total",), id=ind.id,
                            detail=render("spec-detail-total-no-rows", {}),
                        )
                    else:
                        out.totals.append(CompiledTotal(ind.id, parts, ind.children_total))
                if ind.note_of:
                    src = index.get(ind.note_of)
                    if src is None:
                        self.add("spec-unknown-reference", path + ("note_of",), ref=ind.note_of)
                    elif not src.printed:
                        self.add(
                            "spec-note-of", path + ("note_of",), id=ind.id, ref=ind.note_of,
                            detail=render("spec-detail-note-of-unprinted", {}),
                        )
                    else:
                        out.note_of[ind.id] = ind.note_of
                elif not ind.printed and not ind.formula:
                    # no row, no formula, no Ghi chú: no workbook can ever fill it (only a
                    # plain JSON/YAML/CSV input that names its id), so it stays missing.
                    self.warn(out, "spec-row-none-without-source", path + ("row",), ind.id, id=ind.id)
        from ..text.textnorm import name_key

        seen: dict[str, str] = {}
        for fi, form in enumerate(self.spec.forms):
            for mi, marker in enumerate(form.markers):
                key = name_key(marker)
                path = ("forms", fi, "markers", mi)
                if not key:
                    self.add("spec-form-marker", path, form=form.id, detail=render("spec-detail-marker-empty", {}))
                elif key in seen and seen[key] != form.id:
                    self.add("spec-form-marker", path, form=form.id, detail=render("spec-detail-marker-taken", {"other": seen[key], "marker": marker}))
                else:
                    seen[key] = form.id

    def check_aggregates(self, out: CompiledSpec) -> None:
        for form in self.spec.forms:
            for ind in form.walk():
                agg = ind.aggregate_method
                path = self.paths[ind.id] + ("aggregate",)
                if agg.method == "formula" and not ind.formula:
                    self.add("spec-aggregate", path, detail=render("spec-aggregate-formula", {"id": ind.id}))
                elif agg.method == "count" and ind.type != "choice":
                    self.add("spec-aggregate", path, detail=render("spec-aggregate-count", {"id": ind.id}))
                elif agg.method == "sum" and ind.type in ("percent", "choice", "text", "group"):
                    self.add(
                        "spec-aggregate",
                        path,
                        detail=render("spec-aggregate-sum", {"id": ind.id, "type": ind.type}),
                    )
                elif agg.method in ("min", "max") and ind.type in ("text", "group"):
                    self.add("spec-aggregate", path, detail=render("spec-aggregate-minmax", {"id": ind.id, "type": ind.type}))


class _UnknownRef(ex.ExprError):
    def __init__(self, ref: str):
        super().__init__("expr-unknown-ref", ref=ref)


class _GroupRef(ex.ExprError):
    def __init__(self, ref: str):
        super().__init__("expr-group-ref", ref=ref)


def _placeholders(text: str) -> set[str]:
    import string

    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return set()


def compile_spec(
    spec: Spec,
    source: Optional[str] = None,
    lines: Optional[dict[tuple, int]] = None,
    provider: Optional[str] = None,
    origins: Optional[dict] = None,
) -> tuple[CompiledSpec, list[Finding]]:
    """Check ``spec`` and parse its expressions. Returns the compiled spec and the errors found.

    ``origins`` (an inherited spec: spec/inherit.py) locates each problem in the file
    and line that wrote the indicator, rule or field, parent or child.
    """
    checker = _Checker(spec, source, lines, origins)
    out = CompiledSpec(spec=spec, source=source, provider=provider)
    checker.collect()
    checker.check_levels_and_choices()
    checker.check_stt()
    checker.compile_formulas(out)
    checker.compile_rules(out)
    checker.compile_rows(out)
    checker.check_aggregates(out)
    return out, checker.findings

