"""What readers produce: raw rows of an appendix (or raw values by key) plus metadata.

Readers only read; mapping rows to indicators (mapping.py) and turning raw
text into values (values.py) are shared, so every reader — built-in or a
plugin — gets the same matching and the same findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from .coverage import Coverage
from .findings import CchcError, Finding, Location


@dataclass
class RawRow:
    """One table row as found in the file."""

    stt: str
    name: str
    unit: str
    value: Any  # as the file holds it: str, int, float, datetime, None
    note: str = ""
    form: Optional[str] = None  # form number/label seen above the row ("1" for "Biểu mẫu 1")
    location: Location = field(default_factory=Location)
    percent_format: bool = False  # the cell is formatted as a percentage (stores 0.7674 for 76,74 %)
    formula_without_value: bool = False


@dataclass
class RawValue:
    """A value given by key (indicator id or STT) in a plain JSON/YAML/CSV submission."""

    key: str
    value: Any
    note: str = ""
    form: Optional[str] = None
    location: Location = field(default_factory=Location)


@dataclass
class RawSubmission:
    """Everything a reader found in one file."""

    file: str
    unit: Optional[str] = None
    level: Optional[str] = None
    period: Optional[str] = None
    spec: Optional[str] = None
    title_lines: list[str] = field(default_factory=list)
    rows: list[RawRow] = field(default_factory=list)
    values: list[RawValue] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Cell:
    """A submitted value mapped to an indicator, still raw."""

    indicator: str
    value: Any
    raw_text: str
    location: Location
    note: str = ""
    percent_format: bool = False
    formula_without_value: bool = False


@dataclass
class Submission:
    """A mapped submission: metadata and one cell per indicator reported."""

    file: str
    unit: Optional[str]
    level: str
    period: Optional[str]
    cells: dict[str, Cell] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)  # what became of each value in the file


# --- metadata from titles -------------------------------------------------------

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER = re.compile(r"\bquy\s+(iv|iii|ii|i|[1-4])\b")
_HALF = re.compile(r"\b(6 thang dau nam|6 thang|sau thang)\b")
_MONTHS9 = re.compile(r"\b9 thang\b")
_YEAR = re.compile(r"\bnam\s+(20\d\d)\b")
_ANY_YEAR = re.compile(r"\b(20\d\d)\b")
_PERIOD = re.compile(r"^(20\d\d)(?:-(Q[1-4]|H[12]|M(?:0[1-9]|1[0-2])|9M))?$")


def normalise_period(text: str) -> Optional[str]:
    """'2023', '2023-q3', '2023-H1' → canonical; None when not a period."""
    t = text.strip().upper().replace("_", "-").replace(" ", "")
    return t if _PERIOD.match(t) else None


def period_from_title(lines: list[str]) -> Optional[str]:
    """'… QUÝ III NĂM 2021 …' → '2021-Q3'; '6 tháng đầu năm 2023' → '2023-H1'; 'năm 2023' → '2023'."""
    from .textnorm import fold

    text = " ".join(fold(line) for line in lines)
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    m = _YEAR.search(text) or _ANY_YEAR.search(text)
    if not m:
        return None
    year = m.group(1)
    q = _QUARTER.search(text)
    if q:
        n = _ROMAN.get(q.group(1)) or int(q.group(1))
        return f"{year}-Q{n}"
    if _HALF.search(text):
        return f"{year}-H1"
    if _MONTHS9.search(text):
        return f"{year}-9M"
    return year


_UNIT = re.compile(
    r"\b(?:UBND|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN)\s+((?:XÃ|PHƯỜNG|THỊ TRẤN|HUYỆN|QUẬN|THỊ XÃ|THÀNH PHỐ|TỈNH)\s+[^\d(),.;]+)",
    re.IGNORECASE,
)


def unit_from_title(lines: list[str]) -> Optional[str]:
    """'… CỦA UBND XÃ THƯỢNG LONG' → 'xã Thượng Long' (the first explicit 'UBND <cấp> <tên>')."""
    for line in lines:
        m = _UNIT.search(line)
        if m:
            words = m.group(1).strip().split()
            kind = []
            while words and words[0].upper() in ("XÃ", "PHƯỜNG", "THỊ", "TRẤN", "HUYỆN", "QUẬN", "THÀNH", "PHỐ", "TỈNH"):
                kind.append(words.pop(0).lower())
                if kind[-1] in ("xã", "phường", "trấn", "huyện", "quận", "phố", "tỉnh") and not (
                    kind[-1] == "thị" or (kind == ["thị"])
                ):
                    break
            name = " ".join(w.capitalize() for w in words)
            if name:
                return f"{' '.join(kind)} {name}"
    return None


def level_from_unit(unit: Optional[str]) -> Optional[str]:
    """The level named by a unit's kind: 'xã …' → 'xã' (matched against the spec's level aliases later)."""
    if not unit:
        return None
    kind = unit.split()[0].lower()
    if kind in ("xã", "phường") or unit.lower().startswith("thị trấn"):
        return "xã"
    if kind in ("huyện", "quận") or unit.lower().startswith(("thị xã", "thành phố")):
        return "huyện"
    if kind == "tỉnh":
        return "tỉnh"
    return None


def require(value: Optional[str], what: str, option: str, file: str) -> str:
    if not value:
        raise CchcError.make("missing-metadata", location=Location(file=file), what=what, option=option)
    return value
