"""What readers produce: raw rows of an appendix (or raw values by key) plus metadata.

Readers only read; mapping rows to indicators (mapping.py) and turning raw
text into values (values.py) are shared, so every reader — built-in or a
plugin — gets the same matching and the same findings.
"""

from __future__ import annotations

import re
import unicodedata
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
_SECOND_HALF = re.compile(r"\b(?:6|sau) thang cuoi nam\b")  # "6 tháng cuối năm": July to December
_MONTHS9 = re.compile(r"\b9 thang\b")
_YEAR = re.compile(r"\bnam\s+(20\d\d)\b")
_ANY_YEAR = re.compile(r"\b(20\d\d)\b")
# The date of the document ("Phú Thọ, ngày 10 tháng 6 năm 2021", "ngày … tháng … năm 2021",
# "10/6/2021"), folded: the day it was signed, not the period it covers.
_DATE = re.compile(r"\bngay\s+(?:\d{1,2}\s+)?thang\s+(?:\d{1,2}\s+)?nam\s+20\d\d\b|\b\d{1,2}\s+\d{1,2}\s+20\d\d\b")
_PERIOD = re.compile(r"^(20\d\d)(?:-(Q[1-4]|H[12]|M(?:0[1-9]|1[0-2])|9M))?$")


def normalise_period(text: str) -> Optional[str]:
    """'2023', '2023-q3', '2023-H1' → canonical; None when not a period."""
    t = text.strip().upper().replace("_", "-").replace(" ", "")
    return t if _PERIOD.match(t) else None


# A period's last month and how many months it covers: 2023-Q2 ends in June after 3 months.
_PERIOD_SPAN = {"Q1": (3, 3), "Q2": (6, 3), "Q3": (9, 3), "Q4": (12, 3), "H1": (6, 6), "H2": (12, 6), "9M": (9, 9)}


def period_key(period: str) -> tuple[int, int, int]:
    """A sort key putting periods in the order they end: (year, last month, months covered).

    ``sorted(["2023", "2023-Q3", "2023-H1", "2022-Q4", "2023-Q2"], key=period_key)`` →
    ``['2022-Q4', '2023-Q2', '2023-H1', '2023-Q3', '2023']``: a shorter period before a
    longer one that ends with it. ``ValueError`` for text that is not a period."""
    canonical = normalise_period(period)
    if canonical is None:
        raise ValueError(f"not a period: {period!r}")
    year, _, part = canonical.partition("-")
    if not part:
        return (int(year), 12, 12)
    if part.startswith("M") and part != "9M":
        return (int(year), int(part[1:]), 1)
    last, months = _PERIOD_SPAN[part]
    return (int(year), last, months)


def period_from_title(lines: list[str]) -> Optional[str]:
    """'… QUÝ III NĂM 2021 …' → '2021-Q3'; '6 tháng đầu năm 2023' → '2023-H1';
    '6 tháng cuối năm 2023' → '2023-H2'; '9 tháng năm 2023' → '2023-9M'; 'năm 2023' → '2023'."""
    return period_and_source(lines)[0]


def period_and_source(lines: list[str]) -> tuple[Optional[str], bool]:
    """``period_from_title``'s period, and whether its year is only the document's date
    ("ngày 10 tháng 6 năm 2021", "10/6/2021"): a guess (last year's report is often
    sent early in the next), which the officer should confirm."""
    from ..text.textnorm import fold

    text = " ".join(fold(line) for line in lines)
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    undated = _DATE.sub(" ", text)
    m = _YEAR.search(undated) or _ANY_YEAR.search(undated)
    from_date = m is None
    if m is None:
        m = _YEAR.search(text) or _ANY_YEAR.search(text)
        if m is None:
            return None, False
    year = m.group(1)
    q = _QUARTER.search(text)
    if q:
        n = _ROMAN.get(q.group(1)) or int(q.group(1))
        return f"{year}-Q{n}", from_date
    if _SECOND_HALF.search(text):
        return f"{year}-H2", from_date
    if _HALF.search(text):
        return f"{year}-H1", from_date
    if _MONTHS9.search(text):
        return f"{year}-9M", from_date
    return year, from_date


_BODY = re.compile(r"(?:\bUBND|\b(?:ỦY|UỶ|UY) BAN NHÂN DÂN)\s+", re.IGNORECASE)
_LABEL = re.compile(r"(?:đơn vị báo cáo|reporting unit)\s*:\s*", re.IGNORECASE)
_LABEL_END = re.compile(r"\s{2,}|\bkỳ báo cáo\b|\bperiod\b|\.{3,}|…|_{3,}", re.IGNORECASE)
# "đặc khu" (special zone): a commune-level unit since the 2025 reorganisation (Phú Quốc, Vân Đồn, …).
_KINDS = ("thị trấn", "thị xã", "thành phố", "đặc khu", "xã", "phường", "huyện", "quận", "tỉnh")
# Cities under the central government: a "thành phố" at province level. (Huế joined them in
# 2025 and was a district-level city before, so its name alone cannot say: it is left out.)
_CENTRAL_CITIES = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho"}
# "UBND TP. Việt Trì", "UBND TX.Phú Thọ", "UBND TT Hùng Sơn": the kind abbreviated.
_ABBREVIATED_KIND = re.compile(r"^(tp|tx|tt)(?:\.\s*|\s+)(?=\w)", re.IGNORECASE)
_KIND_OF = {"tp": "thành phố", "tx": "thị xã", "tt": "thị trấn"}
_STOP_BEFORE_NUMBER = {"nam", "quy", "thang", "ngay"}  # "… NĂM 2023", "… QUÝ III": the period, not the name
_MAX_NAME_WORDS = 6


def _kind_at(words: list[str]) -> tuple[str, int]:
    """('thị xã', 2) when ``words`` start with a unit kind, else ('', 0)."""
    for kind in _KINDS:
        parts = kind.split()
        if [w.lower() for w in words[: len(parts)]] == parts:
            return kind, len(parts)
    return "", 0


def _unit_name(words: list[str], titled: bool) -> str:
    """The name words after a unit kind, up to where the title goes on to say something else.

    Numbers belong to a name ("PHƯỜNG 1", "QUẬN 3", "XÃ SỐ 2"); the period ("NĂM 2023",
    "Quý III"), another unit kind ("… HUYỆN X TỈNH Y"), a bracket or punctuation end it;
    With ``titled`` (a printed title or running text) a word in lower case ends it too
    ("xã A báo cáo …") and the words are re-cased ("THƯỢNG LONG" → "Thượng Long");
    otherwise (a name the officer typed after "Đơn vị báo cáo:") they stay as typed.
    """
    from ..text.textnorm import fold

    name: list[str] = []
    for i, raw in enumerate(words):
        word = raw.strip(",.;:!?)]")
        folded = fold(word)
        nxt = fold(words[i + 1]) if i + 1 < len(words) else ""
        if not word or raw.startswith(("(", "[", "-", "–")) or len(name) >= _MAX_NAME_WORDS:
            break
        if name and _kind_at(words[i:])[1]:
            break
        if folded in _STOP_BEFORE_NUMBER and re.match(r"^(?:\d|[ivx]+\b)", nxt):
            break
        if folded == "ky" and nxt.startswith("bao") or folded == "bao" and nxt.startswith("cao"):
            break
        if word[0].isdigit() and name and fold(name[-1]) != "so":
            break
        if titled and word[0].isalpha() and word[0].islower():
            break
        name.append(word[:1].upper() + word[1:].lower() if titled else word)
        if word != raw:  # punctuation after it ends the name
            break
    return " ".join(name)


def unit_from_title(lines: list[str]) -> Optional[str]:
    """The reporting unit a title names, e.g. 'xã Thượng Long', 'phường 1', 'xã Số 2'.

    "Đơn vị báo cáo: xã A   Kỳ báo cáo: …" (the engine's own blank form) first, then
    the first explicit "UBND <cấp> <tên>" ("… CỦA UBND XÃ THƯỢNG LONG"). Titles are
    NFC-normalised first, so a title typed with combining accents gives the same unit.
    """
    lines = [unicodedata.normalize("NFC", str(line)) for line in lines]
    for line in lines:
        m = _LABEL.search(line)
        if m:
            text = _LABEL_END.split(line[m.end():], 1)[0].strip(" .:_")
            text = _BODY.sub("", text, count=1) if _BODY.match(text) else text
            words = _spelled_out(text).split()
            kind, n = _kind_at(words)
            name = _unit_name(words[n:], titled=False)
            if name:
                return f"{kind} {name}" if kind else name
    for line in lines:
        for m in _BODY.finditer(line):
            words = _spelled_out(line[m.end():]).split()
            kind, n = _kind_at([w.strip(",.;:)") for w in words[:2]])
            name = _unit_name(words[n:], titled=True) if kind else ""
            if name:
                return f"{kind} {name}"
    return None


def _spelled_out(text: str) -> str:
    """'TP. Việt Trì' → 'thành phố Việt Trì' (and TX., TT.); anything else as it is."""
    m = _ABBREVIATED_KIND.match(text)
    return f"{_KIND_OF[m.group(1).lower()]} {text[m.end():]}" if m else text


def level_from_unit(unit: Optional[str]) -> Optional[str]:
    """The level named by a unit's kind: 'xã …' → 'xã' (matched against the spec's level aliases later)."""
    if not unit:
        return None
    kind = unit.split()[0].lower()
    if kind in ("xã", "phường") or unit.lower().startswith(("thị trấn", "đặc khu")):
        return "xã"
    if unit.lower().startswith("thành phố"):
        from ..text.textnorm import fold

        return "tỉnh" if fold(unit[len("thành phố"):]).strip() in _CENTRAL_CITIES else "huyện"
    if kind in ("huyện", "quận") or unit.lower().startswith("thị xã"):
        return "huyện"
    if kind == "tỉnh":
        return "tỉnh"
    return None


def require(value: Optional[str], what: str, option: str, file: str) -> str:
    if not value:
        raise CchcError.make("missing-metadata", location=Location(file=file), what=what, option=option)
    return value
