"""Findings: errors as data.

A finding is what the engine says about a submission or a spec: a kebab-case
``code``, a ``severity``, where it is, the values involved, and a message
rendered from the catalogue in ``messages.py`` in the user's language. The same
object travels in ``CchcError`` when a run cannot go on.

These are plain dataclasses, not pydantic models: the engine makes thousands of
them and a ``cchc compute`` must not pay pydantic's import. pydantic still
validates them where they come from outside (a JSON Result given to
``cchc aggregate``) and generates the JSON Schema, through ``TypeAdapter`` on
these same classes (``__pydantic_config__`` and the attribute docstrings are
read by it; nothing here imports it).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Optional

from ..text.messages import render

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

# Read by pydantic when it validates or describes these classes (scripts, JSON inputs).
_STRICT: dict[str, Any] = {"extra": "forbid", "use_attribute_docstrings": True}


class _Data:
    """Dict/JSON round trips for the result dataclasses.

    ``model_dump``/``model_copy``/``model_validate`` are the names these objects
    had as pydantic models; they stay so code written against them keeps working.
    """

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)

    def replace(self, **changes: Any) -> Any:
        """A shallow copy with ``changes`` applied (no validation, like pydantic's model_copy)."""
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    @classmethod
    def from_dict(cls, data: Any) -> Any:
        """Validate untrusted data (a JSON input) into this class; imports pydantic, lazily."""
        return _adapter(cls).validate_python(data)

    def model_dump(self, **_: Any) -> dict[str, Any]:
        return self.to_dict()

    def model_copy(self, update: Optional[dict[str, Any]] = None, **_: Any) -> Any:
        return self.replace(**(update or {}))

    @classmethod
    def model_validate(cls, data: Any) -> Any:
        return cls.from_dict(data)


_adapters: dict[type, Any] = {}


def _adapter(cls: type) -> Any:
    """One pydantic TypeAdapter per class (building one costs milliseconds)."""
    if cls not in _adapters:
        from pydantic import TypeAdapter

        _adapters[cls] = TypeAdapter(cls)
    return _adapters[cls]


_SCALARS = frozenset((str, int, float, bool, type(None)))


@functools.lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _plain(obj: Any) -> Any:
    """Dataclasses → dicts, tuples → lists, recursively (what pydantic's model_dump gives)."""
    # Scalars (most of a result) are kept without a call: a store writes one result per version.
    scalars = _SCALARS
    if type(obj) in scalars:
        return obj
    if isinstance(obj, _Data):
        out = {}
        for name in _field_names(type(obj)):
            v = getattr(obj, name)
            out[name] = v if type(v) in scalars else _plain(v)
        return out
    if isinstance(obj, dict):
        return {k: v if type(v) in scalars else _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [v if type(v) in scalars else _plain(v) for v in obj]
    if isinstance(obj, Mapping):  # a lazy mapping (aggregate.MatrixValues) is read here
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, Sequence) and not isinstance(obj, (str, bytes, bytearray, memoryview)):
        return [_plain(v) for v in obj]  # a lazy sequence (aggregate.ProvenanceList)
    return obj


@dataclass(slots=True, kw_only=True)
class Location(_Data):
    """Where a value came from: file, sheet and cell (e.g. 'Phụ lục'!D14), or a YAML path."""

    __pydantic_config__ = _STRICT

    file: Optional[str] = None
    sheet: Optional[str] = None
    cell: Optional[str] = None
    row: Optional[int] = None
    path: Optional[str] = None
    """YAML/JSON path inside a spec or a plain submission."""
    table: Optional[int] = None
    """A document's table (a Word report's: 4 for its fourth table); ``row`` is then that table's row."""

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.table is not None and self.row is not None:
            parts.append(render("location-table-row", {"table": self.table, "row": self.row}))
            if self.path:
                parts.append(self.path)
            return ": ".join(parts)
        if self.sheet and self.cell:
            parts.append(f"{self.sheet}!{self.cell}")
        elif self.sheet:
            parts.append(self.sheet)
        elif self.cell:
            parts.append(self.cell)
        if self.row is not None and not self.cell:
            parts.append(render("location-row", {"row": str(self.row)}))
        if self.path:
            parts.append(self.path)
        return ": ".join(parts) if parts else ""


@dataclass(slots=True, kw_only=True)
class Finding(_Data):
    """One thing found wrong (or worth knowing) about an input."""

    __pydantic_config__ = _STRICT

    code: str
    severity: Severity
    indicator: Optional[str] = None
    location: Location = field(default_factory=Location)
    values: dict[str, Any] = field(default_factory=dict)
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

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> "Finding":
        """Back from ``to_dict()`` of a finding this engine made (a worker's); no validation."""
        return cls(
            code=data["code"],
            severity=data["severity"],
            indicator=data.get("indicator"),
            location=Location(**(data.get("location") or {})),
            values=dict(data.get("values") or {}),
            message=data.get("message", ""),
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
