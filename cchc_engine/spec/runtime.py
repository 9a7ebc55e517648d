"""The runtime form of a compiled spec: plain objects, no pydantic.

``spec/model.py`` validates a spec file (pydantic, at the boundary); what the
engine runs is this: the same fields, copied from the models by ``from_model``
(every field of every model, found through ``model_fields``, so a field added to
a model is carried without a change here), and the same lookup methods. A
compiled spec in this form pickles small and loads from the cache
(``spec/cache.py``) without importing pydantic.

Both forms get their methods from the same mixins (``spec/behaviour.py``);
``tests/test_spec_cache.py`` fails when a model gains a method (or a field) the
runtime form lacks, and compares their answers on every bundled spec.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from .behaviour import FormBehaviour, IndicatorBehaviour, SpecBehaviour

if TYPE_CHECKING:
    from ..flow import expr as ex
    from ..flow.findings import Finding


class Record:
    """A spec object as plain attributes (one per model field)."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items() if not k.startswith("_"))
        return f"{type(self).__name__}({inner})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and _public(self) == _public(other)

    __hash__ = None  # type: ignore[assignment]


def _public(obj: Record) -> dict[str, Any]:
    return {k: v for k, v in obj.__dict__.items() if not k.startswith("_")}


class Level(Record):
    pass


class Choice(Record):
    pass


class Form(Record, FormBehaviour):
    pass


class Rule(Record):
    pass


class Aggregate(Record):
    def __init__(self, method: str = "none", code: Optional[int] = None, **fields: Any) -> None:
        super().__init__(method=method, code=code, **fields)


class Indicator(Record, IndicatorBehaviour):
    aggregate_class = Aggregate


class Spec(Record, SpecBehaviour):
    _index: Optional[dict[str, Indicator]] = None
    _form_of: Optional[dict[str, Form]] = None

    def __getstate__(self) -> dict[str, Any]:
        return _public(self)  # the lookups are rebuilt on first use


RUNTIME_CLASSES: dict[str, type[Record]] = {
    cls.__name__: cls for cls in (Level, Choice, Form, Rule, Aggregate, Indicator, Spec)
}


def from_model(obj: Any) -> Any:
    """A spec model (and everything in it) as runtime objects: every model field is copied."""
    fields = getattr(type(obj), "model_fields", None)
    if fields is not None:
        cls = RUNTIME_CLASSES.get(type(obj).__name__, Record)
        out = cls.__new__(cls)
        out.__dict__.update({name: from_model(getattr(obj, name)) for name in fields})
        return out
    if isinstance(obj, list):
        return [from_model(v) for v in obj]
    if isinstance(obj, dict):
        return {k: from_model(v) for k, v in obj.items()}
    return obj


# --- the compiled spec (what compiler.compile_spec builds, what the engine runs) -----


@dataclass
class CompiledRule:
    rule: Any  # a Rule (model or runtime)
    expr: "ex.Expr"
    indicator: Optional[str]


@dataclass
class CompiledTotal:
    """``children_total``: an indicator's value against the sum of its children's (blanks count 0)."""

    indicator: str
    children: list[str]
    op: str  # "equal" or "at_most"


@dataclass
class CompiledSpec:
    """A checked spec with its expressions parsed and formulas in evaluation order."""

    spec: Any  # model.Spec while compiling, runtime.Spec once compiled (from_compiled)
    source: Optional[str] = None  # file path
    provider: Optional[str] = None  # plugin that registered it
    formulas: dict[str, "ex.Expr"] = field(default_factory=dict)
    formula_order: list[str] = field(default_factory=list)
    rules: list[CompiledRule] = field(default_factory=list)
    totals: list[CompiledTotal] = field(default_factory=list)
    # indicator id → id of the row whose Ghi chú holds its reported figure
    note_of: dict[str, str] = field(default_factory=dict)
    warnings: list["Finding"] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.spec.id

    def choice_set(self, ind: Any) -> list:
        return self.spec.choices.get(ind.choices or "", [])


def from_compiled(compiled: CompiledSpec) -> CompiledSpec:
    """The same compiled spec with its spec and rules as runtime objects."""
    return CompiledSpec(
        spec=from_model(compiled.spec),
        source=compiled.source,
        provider=compiled.provider,
        formulas=dict(compiled.formulas),
        formula_order=list(compiled.formula_order),
        rules=[CompiledRule(from_model(r.rule), r.expr, r.indicator) for r in compiled.rules],
        totals=list(compiled.totals),
        note_of=dict(compiled.note_of),
        warnings=list(compiled.warnings),
    )
