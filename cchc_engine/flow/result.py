"""The computed report: one object with `valid`, stats, indicators and findings.

This is the JSON contract (docs/json-output.md, cchc_engine/schema/result.schema.json).
Plain dataclasses (see findings.py for why); ``result_schema()`` and
``Result.from_dict`` reach pydantic lazily, for the schema and for JSON inputs.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Literal, Optional, Union

from .findings import _STRICT, SEVERITY_ORDER, Finding, Location, _adapter, _Data

Source = Literal["reported", "computed", "missing", "not-applicable"]
JSON_VERSION = 1


def _config(doc: Optional[str] = None, strict: bool = True) -> dict[str, Any]:
    # A plain dataclass's docstring is not used by pydantic as the schema's description
    # (it may be the generated signature), so the description is given explicitly.
    config: dict[str, Any] = dict(_STRICT) if strict else {"use_attribute_docstrings": True}
    if doc:
        config["json_schema_extra"] = {"description": doc}
    return config


@dataclass(slots=True, kw_only=True)
class IndicatorResult(_Data):
    __pydantic_config__ = _config()

    id: str
    stt: str
    form: str
    name: str
    unit: str
    type: str
    depth: int = 0
    value: Union[int, float, str, None] = None
    label: Optional[str] = None
    """The choice label for a coded answer."""
    source: Source = "missing"
    raw: Optional[str] = None
    reported: Union[int, float, str, None] = None
    """The reported value when it was replaced by a computed one."""
    location: Optional[Location] = None
    note: str = ""
    formula: Optional[str] = None
    zero_denominator: Optional[str] = None
    """Policy applied when the ratio's denominator was 0."""
    applicable: bool = True
    units: Optional[int] = None
    """Compiled reports: how many units contributed."""


@dataclass(slots=True, kw_only=True)
class Stats(_Data):
    __pydantic_config__ = _config(strict=False)

    indicators: int = 0
    reported: int = 0
    computed: int = 0
    missing: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    rows_with_value: int = 0
    """Rows (or keys) of the file that carry a value."""
    rows_placed: int = 0
    """Of those, values placed on an indicator."""
    rows_dropped: int = 0
    """Values that reached no indicator; each has a finding at its cell."""
    dropped_by: dict[str, int] = field(default_factory=dict)
    """Dropped values by the code of their finding."""


@dataclass(slots=True, kw_only=True)
class Result(_Data):
    """The completed report for one submission (or one compilation)."""

    __pydantic_config__ = _config("The completed report for one submission (or one compilation).")

    version: int = JSON_VERSION
    spec: str
    spec_title: str = ""
    level: str
    level_name: str = ""
    period: Optional[str] = None
    unit: Optional[str] = None
    file: Optional[str] = None
    valid: bool = True
    stats: Stats = field(default_factory=Stats)
    indicators: list[IndicatorResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    """Compilations: units, missing units, provenance."""

    def finish(self) -> "Result":
        """Sort findings and recount stats and validity."""
        self.findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity]))
        s = self.stats
        s.indicators = len(self.indicators)
        s.reported = sum(1 for i in self.indicators if i.source == "reported")
        s.computed = sum(1 for i in self.indicators if i.source == "computed")
        s.missing = sum(1 for i in self.indicators if i.source == "missing" and i.type != "group")
        s.errors = sum(1 for f in self.findings if f.severity == "error")
        s.warnings = sum(1 for f in self.findings if f.severity == "warning")
        s.infos = sum(1 for f in self.findings if f.severity == "info")
        self.valid = s.errors == 0
        return self

    def flatten(self, fields: list[str], severity: Optional[str] = None) -> list[list[Any]]:
        """[[f.indicator, f.code], ...] for one-line assertions in tests."""
        out = []
        for f in self.findings:
            if severity and f.severity != severity:
                continue
            row = []
            for name in fields:
                if name in ("file", "sheet", "cell", "row", "path"):
                    row.append(getattr(f.location, name))
                else:
                    row.append(getattr(f, name))
            out.append(row)
        return out

    def value(self, indicator: str) -> Any:
        for ind in self.indicators:
            if ind.id == indicator:
                return ind.value
        raise KeyError(indicator)

    def get(self, indicator: str) -> IndicatorResult:
        for ind in self.indicators:
            if ind.id == indicator:
                return ind
        raise KeyError(indicator)

    def to_json(self, indent: Optional[int] = 2) -> str:
        """The JSON contract, byte for byte what pydantic wrote when these were models."""
        data = self.to_dict()
        if _plain_json_differs(data):
            return _adapter(Result).dump_json(self, indent=indent).decode("utf-8")
        if indent is None:
            return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return json.dumps(data, ensure_ascii=False, indent=indent)

    def model_dump_json(self, indent: Optional[int] = None, **_: Any) -> str:
        return self.to_json(indent=indent)


def _plain_json_differs(obj: Any) -> bool:
    """True where ``json.dumps`` would not write what pydantic writes: non-finite or
    exponent floats (pydantic: null, 1e-7; json: NaN, 1e-07) and non-JSON objects."""
    if isinstance(obj, float):
        return not math.isfinite(obj) or "e" in repr(obj)
    if isinstance(obj, dict):
        return any(not isinstance(k, str) or _plain_json_differs(v) for k, v in obj.items())
    if isinstance(obj, list):
        return any(_plain_json_differs(v) for v in obj)
    return not (obj is None or isinstance(obj, (str, int)))


def result_schema() -> dict[str, Any]:
    """The JSON Schema of a Result (cchc_engine/schema/result.schema.json); imports pydantic."""
    return _adapter(Result).json_schema()
