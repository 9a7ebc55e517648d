"""The computed report: one object with `valid`, stats, indicators and findings.

This is the JSON contract (docs/json-output.md, cchc_engine/schema/result.schema.json).
"""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

from .findings import SEVERITY_ORDER, Finding, Location

Source = Literal["reported", "computed", "missing", "not-applicable"]
JSON_VERSION = 1


class IndicatorResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    stt: str
    form: str
    name: str
    unit: str
    type: str
    depth: int = 0
    value: Union[int, float, str, None] = None
    label: Optional[str] = Field(default=None, description="The choice label for a coded answer.")
    source: Source = "missing"
    raw: Optional[str] = None
    reported: Union[int, float, str, None] = Field(default=None, description="The reported value when it was replaced by a computed one.")
    location: Optional[Location] = None
    note: str = ""
    formula: Optional[str] = None
    zero_denominator: Optional[str] = Field(default=None, description="Policy applied when the ratio's denominator was 0.")
    applicable: bool = True
    units: Optional[int] = Field(default=None, description="Compiled reports: how many units contributed.")


class Stats(BaseModel):
    indicators: int = 0
    reported: int = 0
    computed: int = 0
    missing: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0


class Result(BaseModel):
    """The completed report for one submission (or one compilation)."""

    model_config = ConfigDict(extra="forbid")

    version: int = JSON_VERSION
    spec: str
    spec_title: str = ""
    level: str
    level_name: str = ""
    period: Optional[str] = None
    unit: Optional[str] = None
    file: Optional[str] = None
    valid: bool = True
    stats: Stats = Field(default_factory=Stats)
    indicators: list[IndicatorResult] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict, description="Compilations: units, missing units, provenance.")

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
        return self.model_dump_json(indent=indent, exclude_none=False)
