"""Findings: errors as data.

A finding is what the engine says about a submission or a spec: a kebab-case
``code``, a ``severity``, where it is, the values involved, and a message
rendered from the catalogue in ``messages.py`` in the user's language. The same
object travels in ``CchcError`` when a run cannot go on.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from .messages import render

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class Location(BaseModel):
    """Where a value came from: file, sheet and cell (e.g. 'Phụ lục'!D14), or a YAML path."""

    model_config = ConfigDict(extra="forbid")

    file: Optional[str] = None
    sheet: Optional[str] = None
    cell: Optional[str] = None
    row: Optional[int] = None
    path: Optional[str] = Field(default=None, description="YAML/JSON path inside a spec or a plain submission.")

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet and self.cell:
            parts.append(f"{self.sheet}!{self.cell}")
        elif self.sheet:
            parts.append(self.sheet)
        elif self.cell:
            parts.append(self.cell)
        if self.row is not None and not self.cell:
            parts.append(f"dòng {self.row}")
        if self.path:
            parts.append(self.path)
        return ": ".join(parts) if parts else ""


class Finding(BaseModel):
    """One thing found wrong (or worth knowing) about an input."""

    model_config = ConfigDict(extra="forbid")

    code: str
    severity: Severity
    indicator: Optional[str] = None
    location: Location = Field(default_factory=Location)
    values: dict[str, Any] = Field(default_factory=dict)
    message: str = ""

    @classmethod
    def make(
        cls,
        code: str,
        severity: Severity,
        *,
        indicator: Optional[str] = None,
        location: Optional[Location] = None,
        lang: Optional[str] = None,
        template: Optional[str] = None,
        **values: Any,
    ) -> "Finding":
        """Build a finding and render its message (from ``template`` or the catalogue)."""
        message = render(code, values, lang=lang, template=template)
        return cls(
            code=code,
            severity=severity,
            indicator=indicator,
            location=location or Location(),
            values={k: v for k, v in values.items() if _jsonable(v)},
            message=message,
        )

    def located(self) -> str:
        """One line: 'where: message'."""
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message


def _jsonable(v: Any) -> bool:
    return v is None or isinstance(v, (str, int, float, bool, list, tuple, dict))


class CchcError(Exception):
    """A run that cannot go on; carries findings. Exit code 2 unless said otherwise."""

    def __init__(self, findings: list[Finding] | Finding, exit_code: int = 2):
        self.findings = findings if isinstance(findings, list) else [findings]
        self.exit_code = exit_code
        super().__init__("\n".join(f.located() for f in self.findings))

    @classmethod
    def make(cls, code: str, *, location: Optional[Location] = None, exit_code: int = 2, **values: Any) -> "CchcError":
        return cls(Finding.make(code, "error", location=location, **values), exit_code=exit_code)
