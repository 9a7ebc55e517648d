"""The spec language: pydantic models for one year's CCHC statistics template.

A spec file is YAML; these models are its schema (``cchc spec schema`` prints the
JSON Schema generated from them). Semantic checks that need the whole spec
(references, cycles, duplicate STT) live in ``spec/check.py``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, PrivateAttr, Tag, field_validator, model_validator

from ..text.messages import render
from .behaviour import FormBehaviour, IndicatorBehaviour, SpecBehaviour

ID_PATTERN = r"^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*$"
_ID_RE = re.compile(ID_PATTERN)

IndicatorType = Literal["count", "number", "percent", "choice", "text", "group"]
Severity = Literal["error", "warning", "info"]
ZeroDenominator = Literal["blank", "100", "0"]
AggregateMethod = Literal["sum", "formula", "min", "max", "count", "none"]
MissingPolicy = Literal["skip", "zero", "warn"]
# How a row is printed: an ordinary row (numbered or not), a "Trong đó" part of its
# parent's total, or no row at all (a derived figure, or one read from a Ghi chú).
RowKind = Literal["item", "breakdown", "none"]
ChildrenTotal = Literal["equal", "at_most"]
RuleScope = Literal["all", "report", "compilation"]
# How a figure behaves from period to period (the store's checks across periods):
# counted within the period's data window, a state at its cut-off, or cumulative
# since the year began ("lũy kế").
TimeKind = Literal["window", "state", "cumulative"]
# Where a compiled figure comes from: the compiling unit's own report, the units
# below it, or both added (docs/spec-format.md, "Who reports what").
SourceKind = Literal["own", "below", "both"]


class _Strict(BaseModel):
    # Unknown keys are typos in a spec file: refuse them instead of ignoring them.
    model_config = ConfigDict(extra="forbid", frozen=False)


class Level(_Strict):
    """A reporting level, top first (tỉnh, then huyện, then xã)."""

    id: str = Field(pattern=ID_PATTERN, description="Stable id, e.g. 'tinh', 'huyen', 'xa'.")
    name: str = Field(description="Vietnamese name, e.g. 'Cấp huyện'.")
    aliases: list[str] = Field(default_factory=list, description="Other words that name it in titles.")


class Choice(_Strict):
    """One coded answer: the code reported, its label and accepted spellings."""

    code: int
    label: str
    aliases: list[str] = Field(default_factory=list)


class Aggregate(_Strict):
    """How an indicator is compiled from the units below.

    ``sum`` adds values; ``formula`` recomputes the indicator's formula from the
    compiled operands (ratios: never an average of percentages); ``min``/``max``
    take the lowest/highest answer; ``count`` counts units whose answer equals
    ``code``; ``none`` leaves the value for the higher level to fill.
    """

    method: AggregateMethod
    code: Optional[int] = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        # Accept the short spellings "sum" and "count:1" used in spec files.
        if isinstance(data, str):
            method, _, code = data.partition(":")
            out: dict[str, Any] = {"method": method.strip()}
            if code.strip():
                try:
                    out["code"] = int(code)
                except ValueError:
                    out["code"] = code
            return out
        return data

    @model_validator(mode="after")
    def _code_for_count(self) -> "Aggregate":
        if self.method == "count" and self.code is None:
            raise ValueError(render("spec-model-count-code", {}))
        return self


class Indicator(_Strict, IndicatorBehaviour):
    """One row of the appendix."""

    id: str = Field(pattern=ID_PATTERN, description="Stable id, unique in the spec; formulas refer to it.")
    stt: str = Field(default="", description="STT as printed in the template; may be empty ('Trong đó' rows).")
    name: str = Field(description="The indicator's name exactly as the template prints it.")
    stt_at: dict[str, str] = Field(
        default_factory=dict, description="STT where one level's template numbers it differently: {level: stt}."
    )
    name_at: dict[str, str] = Field(
        default_factory=dict, description="Name where one level's template words it differently: {level: name}."
    )
    unit: str = Field(default="", description="Đơn vị tính exactly as the template prints it.")
    meant_unit: Optional[str] = Field(
        default=None,
        description="What the value really counts when the printed unit says otherwise "
        "(a count printed with '%', dossiers printed 'TTHC'); shown in results, never printed.",
    )
    type: IndicatorType
    row: Optional[RowKind] = Field(
        default=None,
        description="How the template prints it: 'item' (a row, numbered or not), 'breakdown' "
        "(a 'Trong đó' part of its parent), 'none' (no row: derived, or read from another row's Ghi chú). "
        "Default: 'breakdown' when stt is empty, else 'item'.",
    )
    stt_repeats: bool = Field(
        default=False,
        description="The template prints this STT on another row of the same section too; "
        "rows sharing it are told apart by name.",
    )
    children_total: Optional[ChildrenTotal] = Field(
        default=None,
        description="Its value against the sum of its direct count/number children that carry values (blank "
        "ones count 0): 'equal' (a heading that states its total) or 'at_most' (a 'Trong đó' breakdown).",
    )
    children_total_severity: Optional[Severity] = Field(
        default=None,
        description="How serious a children_total that does not hold is: error (default), warning or info.",
    )
    note_of: Optional[str] = Field(
        default=None,
        description="Id of the row whose Ghi chú holds this figure (e.g. a ratio written '17%' beside its "
        "numerator); implies row: none. With a formula the number read is compared with the computed one.",
    )
    note_figure: int = Field(
        default=1, ge=1, le=20,
        description="Which figure of that Ghi chú (with note_of): 1 the first (default), 2 the second, …",
    )
    choices: Optional[str] = Field(
        default=None,
        description="Name of a choice set: the answers of a choice; on a count or number, the coded words the "
        "template prints as its unit ('Có = 1; Không = 0'), read as their codes.",
    )
    count_answers: bool = Field(
        default=False,
        description="A yes/no choice the template prints with a count unit ('Văn bản', 'Cuộc'): a number "
        "written there is an answer, 0 the code 0 and any more the code 1.",
    )
    levels: Optional[list[str]] = Field(default=None, description="Levels that report it; default all.")
    formula: Optional[str] = Field(default=None, description="Expression giving a derived value.")
    zero_denominator: Optional[ZeroDenominator] = Field(
        default=None, description="What ratio(x, 0) gives here; default the spec's."
    )
    aggregate: Optional[Aggregate] = Field(default=None, description="Compile method; default by type.")
    min: Optional[float] = None
    max: Optional[float] = None
    note: str = Field(default="", description="The template's remark (Ghi chú).")
    aliases: list[str] = Field(default_factory=list, description="Other names it is printed with.")
    previous: Optional[str] = Field(default=None, description="Id of the same indicator in the previous spec.")
    time: Optional[TimeKind] = Field(
        default=None,
        description="How the figure behaves across periods: 'window' (counted within the period's data window), "
        "'state' (at the cut-off), 'cumulative' (lũy kế since the year began). Default: no check across periods.",
    )
    source: Optional[SourceKind] = Field(
        default=None,
        description="Compiling from the store: 'own' (the compiling unit's own report), 'below' (the units below), "
        "'both' (added). Default: 'below' where the units below report it, else 'own'.",
    )
    children: list["Indicator"] = Field(default_factory=list)

    @model_validator(mode="after")
    def _type_fields(self) -> "Indicator":
        if self.type == "choice" and not self.choices:
            raise ValueError(render("spec-model-choice-needs-choices", {"id": self.id}))
        if self.type not in ("choice", "count", "number") and self.choices:
            raise ValueError(render("spec-model-choices-not-choice", {"id": self.id}))
        if self.count_answers and self.type != "choice":
            raise ValueError(render("spec-model-field-needs", {"id": self.id, "field": "count_answers", "needs": "type: choice"}))
        if self.note_figure != 1 and not self.note_of:
            raise ValueError(render("spec-model-field-needs", {"id": self.id, "field": "note_figure", "needs": "note_of"}))
        if self.children_total_severity and not self.children_total:
            raise ValueError(render("spec-model-field-needs", {"id": self.id, "field": "children_total_severity",
                                                                "needs": "children_total"}))
        if self.type == "group" and self.formula:
            raise ValueError(render("spec-model-group-formula", {"id": self.id}))
        if self.type == "group" and (self.children_total or self.note_of):
            raise ValueError(render("spec-model-group-value", {"id": self.id}))
        if self.note_of and self.row not in (None, "none"):
            raise ValueError(render("spec-model-note-of-row", {"id": self.id}))
        if self.row == "none" and self.children:
            raise ValueError(render("spec-model-none-children", {"id": self.id}))
        if self.time and self.type in ("group", "text", "choice"):
            raise ValueError(render("spec-model-time-type", {"id": self.id, "type": self.type}))
        return self


class Form(_Strict, FormBehaviour):
    """A Biểu mẫu (2023 has seven; 2021 has one); STT restarts in each."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(description="Form heading, e.g. 'Công tác chỉ đạo điều hành CCHC'.")
    label: str = Field(default="", description="How the template names it, e.g. 'Biểu mẫu 1'.")
    markers: list[str] = Field(
        default_factory=list,
        description="How the row that opens this section begins when it is not a 'Biểu mẫu N' title: "
        "its STT ('I', 'II', …) or its first words ('Phần A'); numbering restarts after it.",
    )
    indicators: list[Indicator]


class Rule(_Strict):
    """A cross-indicator check."""

    id: str = Field(pattern=ID_PATTERN)
    expr: str = Field(description="Boolean expression that holds for a sound report.")
    severity: Severity = "error"
    message: str = Field(description="Vietnamese message; {indicator_id} is replaced by its value.")
    message_en: str = ""
    missing: MissingPolicy = Field(
        default="skip",
        description="Operand missing: skip the rule (default), treat blanks as 0, or warn.",
    )
    levels: Optional[list[str]] = None
    applies_to: RuleScope = Field(
        default="all",
        description="'report': single reports only; 'compilation': compiled (summed) results only; 'all'. "
        "On compiled values a count is a sum and a yes/no answer compiled by 'count:1' is a number of units.",
    )
    indicator: Optional[str] = Field(default=None, description="Indicator the finding points at; default the first operand.")


class PeriodWindow(_Strict):
    """A period's data window, day/month to day/month ('15/12' to '14/3'); a start after
    the end is in the previous year."""

    start: str = Field(pattern=r"^\d{1,2}/\d{1,2}$", description="First day, 'day/month' (e.g. '15/12').")
    end: str = Field(pattern=r"^\d{1,2}/\d{1,2}$", description="Last day, 'day/month' (e.g. '14/3').")


class Periods(_Strict):
    """The report regime's data windows, for the checks across periods."""

    windows: dict[str, PeriodWindow] = Field(
        description="Window per kind of period: Q1..Q4, H1, H2, 9M, M01..M12, Y (the year)."
    )
    state_jump: Optional[float] = Field(
        default=None, gt=1, description="A 'state' figure that changes by more than this factor is a warning."
    )

    @field_validator("windows")
    @classmethod
    def _kinds(cls, v: dict[str, PeriodWindow]) -> dict[str, PeriodWindow]:
        bad = [k for k in v if not re.fullmatch(r"Q[1-4]|H[12]|9M|M(0[1-9]|1[0-2])|Y", k)]
        if bad:
            raise ValueError(render("spec-model-period-kind", {"kinds": ", ".join(bad)}))
        return v


class Position(_Strict):
    """Where an inherited spec puts an indicator: exactly one of the four keys."""

    after: Optional[str] = Field(default=None, description="After this indicator, as its sibling.")
    before: Optional[str] = Field(default=None, description="Before this indicator, as its sibling.")
    parent: Optional[str] = Field(default=None, description="As the last child of this indicator.")
    form: Optional[str] = Field(default=None, description="At the end of this form.")


class AddOp(Position):
    """`add:` new indicators at a position."""

    indicators: list[Indicator] = Field(min_length=1)


class MoveOp(Position):
    """`move:` an indicator (with its children) to a position."""

    id: str


class ReplaceOp(_Strict):
    """`replace:` some fields of an indicator, a form or a rule; null removes a field."""

    id: str
    with_: dict[str, Any] = Field(alias="with", description="Fields to set; the others are inherited.")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class RenumberOp(_Strict):
    """`renumber:` STT prefix 'from' becomes 'to' (in stt and stt_at), e.g. 7.6 → 7.1.6."""

    from_: str = Field(alias="from")
    to: str

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class RulesPatch(_Strict):
    """`rules:` of an inheriting spec: rules to remove, replace and add."""

    remove: list[str] = Field(default_factory=list)
    replace: list[ReplaceOp] = Field(default_factory=list)
    add: list[Rule] = Field(default_factory=list)


class Spec(_Strict, SpecBehaviour):
    """One year's (or one province's) statistics template.

    A spec with ``extends`` has no ``forms`` of its own: it names a parent spec and
    the operations that turn the parent into it (``remove``, ``add``, ``move``,
    ``renumber``, ``replace``, ``rules``), applied in that order by ``spec/inherit.py``.
    """

    schema_: Optional[str] = Field(default=None, alias="$schema")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", description="Spec id, e.g. '2023' or '2021-ha-tinh'.")
    year: int = Field(default=0, description="Required unless the spec extends another.")
    title: str = Field(default="", description="Required unless the spec extends another.")
    documents: list[str] = Field(default_factory=list, description="The issuing document(s) it follows.")
    extends: Optional[str] = Field(default=None, description="Id or path of the spec this one modifies.")
    levels: list[Level] = Field(default_factory=list, description="Required unless the spec extends another.")
    zero_denominator: ZeroDenominator = "blank"
    periods: Optional[Periods] = Field(default=None, description="Data windows of the periods (checks across periods).")
    explainable_errors: list[str] = Field(
        default_factory=list,
        description="Errors a unit may explain (giải trình) instead of correcting: finding codes or rule ids.",
    )
    choices: dict[str, list[Choice]] = Field(default_factory=dict)
    forms: list[Form] = Field(default_factory=list, description="Required unless the spec extends another.")
    rules: Annotated[
        Union[Annotated[list[Rule], Tag("list")], Annotated[RulesPatch, Tag("patch")]],
        Discriminator(lambda v: "patch" if isinstance(v, (dict, RulesPatch)) else "list"),
    ] = Field(default_factory=list, description="Rules; an inheriting spec gives {remove, replace, add} instead.")
    # inheritance operations (only with `extends`)
    remove: list[str] = Field(default_factory=list, description="Ids of indicators (with children), forms to drop.")
    move: list[MoveOp] = Field(default_factory=list)
    renumber: list[RenumberOp] = Field(default_factory=list)
    replace: list[ReplaceOp] = Field(default_factory=list)
    add: list[AddOp] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    _index: Optional[dict[str, Indicator]] = PrivateAttr(default=None)
    _form_of: Optional[dict[str, Form]] = PrivateAttr(default=None)

    @field_validator("id", mode="before")
    @classmethod
    def _id_str(cls, v: Any) -> Any:
        # `id: 2023` in YAML is an int; ids are strings.
        return str(v) if isinstance(v, int) else v

    @model_validator(mode="after")
    def _own_or_inherited(self) -> "Spec":
        if self.extends is None:
            if not self.year or not self.title:
                raise ValueError(render("spec-model-missing", {"what": "'year' / 'title'"}))
            if not self.levels:
                raise ValueError(render("spec-model-missing", {"what": "'levels'"}))
            if not self.forms:
                raise ValueError(render("spec-model-missing", {"what": "'forms'"}))
            if isinstance(self.rules, RulesPatch) or self.remove or self.move or self.renumber or self.replace or self.add:
                raise ValueError(render("spec-model-ops-need-extends", {}))
        return self


Indicator.aggregate_class = Aggregate
Indicator.model_rebuild()
