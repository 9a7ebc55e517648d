"""Normalise one raw cell value by its indicator's type, Vietnamese conventions first.

Readers hand over whatever the cell held: text typed by an officer (``"1.859"``,
``"75,8%"``, ``"<b>0</b>"``, ``"Có"``), a real number from Excel (``0.7674`` in a
percent-formatted cell), a date Excel guessed, ``None``. :func:`normalise` turns it
into the indicator's value, or into ``None`` plus an :class:`Issue` saying why.

Reading rules, in order of trust:

* Vietnamese first: ``.`` groups thousands (``1.859`` = 1859), ``,`` is the decimal
  mark (``92,59``); ``1.234,5`` is 1234,5.
* English spellings are accepted when nothing Vietnamese fits (``75.8``, ``1,234.5``)
  and reported as ``ambiguous-decimal`` (info, value kept).
* A lone dot before exactly three digits (``1.859``) is a thousands dot, except in a
  percentage, where 1859 cannot be and it is read as 1,859 (info).

The function is pure and never raises: a bad value is data, not an exception.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, Optional, Sequence

from ..text.textnorm import drop_footnotes, name_key

if TYPE_CHECKING:  # only for hints: the models are loaded by whoever builds an Indicator
    from ..spec.model import Choice, Indicator

__all__ = ["Issue", "Normalised", "decimals_written", "normalise", "parse_vn_number"]


@dataclass(frozen=True)
class Issue:
    """What is wrong (or worth knowing) about one value; ``code`` is a catalogue code."""

    code: str
    severity: str  # "error" | "warning" | "info"
    values: dict[str, Any]  # message placeholders; always holds "raw"


@dataclass(frozen=True)
class Normalised:
    """A value read from a cell: ``value`` is None when blank or rejected."""

    value: int | float | str | None
    raw: str
    issue: Issue | None = None
    notes: tuple[Issue, ...] = ()  # further infos about a kept value (a footnote mark)


# --- text clean-up -------------------------------------------------------------

# Linear: the name cannot contain "<" and the attributes stop at the next "<".
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_WS = re.compile(r"\s+")
# Superscripts a footnote is marked with ("1859¹", "75,86²"); NFKC would make them digits.
_SUPERSCRIPTS = "\u00b9\u00b2\u00b3\u2070\u2071\u2074\u2075\u2076\u2077\u2078\u2079\u207a\u207b\u207c\u207d\u207e\u207f"
_SUPERSCRIPT_RUN = re.compile(f"[{_SUPERSCRIPTS}]+")
_FOOTNOTE_MARK = "\x00"  # where a footnote stood, until the number is read
# Beyond this no statistics figure goes (10^15: a quadrillion hồ sơ or đồng); bigger
# numbers would overflow floats in ratios and str() in messages.
MAX_ABS = 10**15
# Invisible characters Word and web pages leave behind (zero-width space, BOM, soft hyphen...).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_BLANKS = frozenset({"", "-", "\u2013", "\u2014", "\u2212"})
# Dashes and dots only ("--", "...", "……"): the template's placeholder left as it was, a blank.
_PLACEHOLDER = re.compile(r"[-\u2013\u2014\u2212.\u2026 ]+")
# "None" written in words in a count or number row: nothing happened, the figure is 0.
_NONE_WORDS = frozenset({"khong", "khong co", "khong phat sinh", "chua phat sinh", "kps"})
_RAW_SHOWN = 120  # longest raw text quoted in a message

# --- numbers ---------------------------------------------------------------------

_MAX_NUMBER_LEN = 64  # nothing in a statistics appendix is longer; keeps int()/Decimal cheap
_NUMBER = re.compile(r"([-+\u2212\u2013])? ?([0-9][0-9., ]*[0-9]|[0-9]|[.,][0-9]+) ?(%)?", re.ASCII)
_SPACE_GROUPS = re.compile(r"([0-9]{1,3}(?: [0-9]{3})+)([.,][0-9]+)?", re.ASCII)
_GROUPS = {
    ".": re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+", re.ASCII),
    ",": re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+", re.ASCII),
}
_FRACTION = re.compile(r"[-+]? ?[0-9][0-9.,]* ?/ ?[0-9][0-9.,]*", re.ASCII)
_DATE_TEXT = re.compile(
    r"(?P<d>[0-9]{1,2})(?P<s>[/.-])(?P<m>[0-9]{1,2})(?P=s)(?P<y>[0-9]{4}|[0-9]{2})"
    r"|(?P<y2>[0-9]{4})-(?P<m2>[0-9]{1,2})-(?P<d2>[0-9]{1,2})",
    re.ASCII,
)
# "Có = 1", "1 = Có", "1: Có", "1 (Có)", "Có (1)": an answer written with its code.
_MAX_CODED_LEN = 120
# "Có = 1", "Có: 1", "Có (1)", and the code first as a list numbers it: "1 - Có", "1. Có", "1) Có".
_CODED = re.compile(r"(.+?)\s*[=:]\s*(.+)|(.+?)\s*\((.+)\)|(\d{1,2})\s*[-–.)]\s*(\D.*)", re.DOTALL)


class _Parsed(NamedTuple):
    value: Decimal  # the Vietnamese reading (English when nothing Vietnamese fits)
    english: bool  # read with English conventions: worth an info
    alt: Optional[Decimal]  # the English reading of a lone "d.ddd" (thousands or decimal?)
    comma3: bool  # a lone comma before exactly three digits: 1,000 is 1 or 1000
    percent: bool  # carried a % sign


def _clean(text: str) -> str:
    """Text as a number or a label: entities decoded, tags gone, spaces single.

    A footnote (``<sup>1</sup>`` or a superscript ``¹`` after the figure) is left
    as ``_FOOTNOTE_MARK`` for :func:`_footnote` to judge: it is a mark, never a digit.
    """
    if "&" in text:
        text = _unescape(text)
    if "<" in text:
        text = _TAG.sub(" ", drop_footnotes(text, _FOOTNOTE_MARK))
    if not text.isascii():
        text = _SUPERSCRIPT_RUN.sub(_FOOTNOTE_MARK, text.translate(_INVISIBLE))
        # NFKC folds full-width digits and "％", and turns NBSP-like spaces into spaces.
        text = unicodedata.normalize("NFKC", text)
    return _WS.sub(" ", text).strip()


def _footnote(clean: str) -> tuple[str, bool]:
    """Drop footnote marks that follow the figure ("1859¹", "75,86 %²"); (text, had one).

    A mark inside the digits ("1²859") is left in place, so the text is not a
    number: guessing which digits were meant is not ours to do.
    """
    if _FOOTNOTE_MARK not in clean:
        return clean, False
    head = clean.rstrip(_FOOTNOTE_MARK + " ")
    if _FOOTNOTE_MARK in head:
        return clean, False
    return head, True


def _parse_body(body: str) -> Optional[tuple[Decimal, bool, Optional[Decimal], bool]]:
    """Digits with separators (no sign, no %): (value, english, alt, comma3) or None."""
    if " " in body:  # "1 312" / "1 312,5": spaces group thousands
        m = _SPACE_GROUPS.fullmatch(body)
        if not m:
            return None
        whole, frac = m.group(1).replace(" ", ""), m.group(2)
        if frac is None:
            return Decimal(whole), False, None, False
        return Decimal(f"{whole}.{frac[1:]}"), frac[0] == ".", None, False
    dots, commas = body.count("."), body.count(",")
    if not dots and not commas:
        return Decimal(body), False, None, False
    if dots and commas:  # the last separator is the decimal mark, the other groups thousands
        i = max(body.rfind("."), body.rfind(","))
        mark, head, frac = body[i], body[:i], body[i + 1 :]
        group = "," if mark == "." else "."
        if not _GROUPS[group].fullmatch(head):
            return None
        return Decimal(f"{head.replace(group, '')}.{frac}"), mark == ".", None, False
    if commas:
        if commas == 1:  # "92,59": the Vietnamese decimal comma
            head, frac = body.split(",")
            comma3 = len(frac) == 3 and head[:1] not in ("", "0")
            return Decimal(f"{head or '0'}.{frac}"), False, None, comma3
        if _GROUPS[","].fullmatch(body):  # "1,234,567": English grouping
            return Decimal(body.replace(",", "")), True, None, False
        return None
    if dots == 1:
        head, frac = body.split(".")
        english = Decimal(f"{head or '0'}.{frac}")
        if len(frac) == 3 and _GROUPS["."].fullmatch(body):  # "1.859": thousands, or 1,859?
            return Decimal(head + frac), False, english, False
        return english, True, None, False  # "75.8": an English decimal point
    if _GROUPS["."].fullmatch(body):  # "1.234.567"
        return Decimal(body.replace(".", "")), False, None, False
    return None


def _parse_number(text: str) -> Optional[_Parsed]:
    """Read cleaned text as a number, or None."""
    if len(text) > _MAX_NUMBER_LEN:
        return None
    m = _NUMBER.fullmatch(text)
    if not m:
        return None
    parsed = _parse_body(m.group(2))
    if parsed is None:
        return None
    value, english, alt, comma3 = parsed
    if m.group(1) and m.group(1) != "+":
        value = -value
        alt = None if alt is None else -alt
    return _Parsed(value, english, alt, comma3, m.group(3) is not None)


def _plain(d: Decimal | float | int) -> int | float:
    """An exact-as-possible Python number: int when whole, float otherwise."""
    if isinstance(d, int):
        return d
    if isinstance(d, Decimal):
        return int(d) if d == d.to_integral_value() else float(d)
    return int(d) if d.is_integer() and abs(d) < 2**63 else d


_DECIMALS_WRITTEN = re.compile(r"[^\d]*\d+(?:[.,](\d+))?\s*%?", re.ASCII)


def decimals_written(text: str) -> int:
    """How many decimals a typed figure shows: '75,8%' → 1, '100' → 0, '75,86 ％²' → 2.

    The text is cleaned first (spaces collapsed, footnotes dropped) and judged
    only when it is as short as a number can be: linear on any input.
    """
    try:
        clean = _read_text(text)[0]
    except Exception:
        return 0
    if len(clean) > _MAX_NUMBER_LEN:
        return 0
    m = _DECIMALS_WRITTEN.fullmatch(clean)
    return len(m.group(1)) if m and m.group(1) else 0


def parse_vn_number(text: str) -> float | None:
    """Read a number written the Vietnamese way; None if it is not one.

    ``'1.859'`` → 1859.0, ``'92,59'`` → 92.59, ``'1.234,5'`` → 1234.5, ``'75,8%'`` → 75.8
    (the sign is dropped), ``'06'`` → 6.0. English spellings are the fallback:
    ``'75.8'`` → 75.8, ``'1,234.5'`` → 1234.5. Fractions, dates and words give None.
    """
    try:
        if isinstance(text, bool):
            return None
        if isinstance(text, numbers.Real):
            f = float(text)
            return f if math.isfinite(f) else None
        if not isinstance(text, str):
            return None
        parsed = _parse_number(_clean(text))
        return None if parsed is None else float(parsed.value)
    except Exception:  # never raise: a reader calls this on every cell
        return None


# --- issues ------------------------------------------------------------------------


def _shown(raw: str) -> str:
    return raw if len(raw) <= _RAW_SHOWN else raw[: _RAW_SHOWN - 1] + "\u2026"


def _rejected(raw: str, code: str, **values: Any) -> Normalised:
    return Normalised(None, raw, Issue(code, "error", {"raw": _shown(raw), **values}))


def _invalid(raw: str, ind: Indicator) -> Normalised:
    return _rejected(raw, "invalid-number", type=ind.type)


def _unit(ind: Indicator) -> str:
    # The unit the value contradicts; a count printed with "%" would make the message absurd.
    unit = ind.meant_unit or ind.unit
    return unit if unit and "%" not in unit else ind.type


def _percent_only_printed(ind: Indicator) -> bool:
    """The template prints "%" but the spec says the value means something else (``meant_unit``)."""
    return "%" in (ind.unit or "") and bool(ind.meant_unit) and "%" not in (ind.meant_unit or "")


def _takes_percent(ind: Indicator) -> bool:
    return ind.type == "percent" or (ind.type == "number" and "%" in (ind.meant_unit or ind.unit or ""))


def _finish(x: int | float, ind: Indicator, raw: str, info: Optional[Issue] = None) -> Normalised:
    """Check a finite number against the indicator's type and bounds."""
    t = ind.type
    if abs(x) > MAX_ABS:
        return _invalid(raw, ind)
    if t == "count":
        if x < 0:
            return _rejected(raw, "negative-value")
        if isinstance(x, float) and not x.is_integer():
            return _rejected(raw, "not-integer")
        x = int(x)
    elif t == "percent":
        if x < 0 or x > 100:
            return _rejected(raw, "percent-out-of-range", value=x)
    elif x < 0 and ind.min is not None and ind.min >= 0:
        return _rejected(raw, "negative-value")
    if (ind.min is not None and x < ind.min) or (ind.max is not None and x > ind.max):
        return _rejected(
            raw,
            "out-of-range",
            value=x,
            min=ind.min if ind.min is not None else "-\u221e",
            max=ind.max if ind.max is not None else "+\u221e",
        )
    return Normalised(_plain(x), raw, info)


# --- by kind of input -----------------------------------------------------------------


def _date_text(v: object) -> str:
    """How the officer saw the date: 15/09/2023 (time appended when there is one)."""
    if isinstance(v, _dt.datetime):
        day = v.strftime("%d/%m/") + str(v.year)
        return day if v.time() == _dt.time() else f"{day} {v.time().isoformat()}"
    if isinstance(v, _dt.date):
        return v.strftime("%d/%m/") + str(v.year)
    return str(v)  # time, timedelta


def _real_text(x: int | float | Decimal) -> str:
    """A plain spelling of a real number: 53, 0.7674."""
    try:
        if isinstance(x, float) and x.is_integer() and abs(x) < 1e16:
            return str(int(x))
        if isinstance(x, Decimal) and x.is_finite():
            if x == x.to_integral_value() and abs(x.adjusted()) < 20:
                return str(int(x))
            return format(x, "f") if -20 < x.adjusted() < 20 else str(x)
        return str(x) if isinstance(x, (int, Decimal)) else repr(float(x))
    except (ValueError, OverflowError, TypeError):  # e.g. ints beyond str()'s digit limit
        return "<số quá lớn>"


def _from_real(raw: object, ind: Indicator, choices: Optional[Sequence[Choice]], percent_format: bool) -> Normalised:
    """A real number from the workbook (int, float, Decimal, ...)."""
    text = _real_text(raw)  # type: ignore[arg-type]
    t = ind.type
    if t == "text":
        return Normalised(text, text)
    if t == "group":
        return Normalised(None, text)
    x = _real_value(raw)
    if x is None or abs(x) > MAX_ABS:
        return _invalid(text, ind)
    if t == "choice":
        if isinstance(x, float) and not x.is_integer():
            return _rejected(text, "unknown-choice", allowed=_allowed(choices))
        return _choice_code(int(x), text, choices, ind)
    if percent_format and x != 0:
        # Excel stores 76,74 % as 0.7674; the round drops the float noise of * 100.
        # (A zero is zero in any format: templates that print "%" on a count row
        # leave their cells percent-formatted.)
        if not _takes_percent(ind) and not _percent_only_printed(ind):
            return _rejected(text, "percent-in-count", unit=_unit(ind))
        # (a "%" the template prints on a count row, `meant_unit` says: the officer typed
        # 3 into a cell the template formats as a percent; 3 is what they mean)
        x = x * 100 if isinstance(x, int) else round(x * 100, 10)
        if isinstance(x, float) and not math.isfinite(x):
            return _invalid(text, ind)
    return _finish(x, ind, text)


def _real_value(raw: object) -> int | float | None:
    """The number a workbook value stands for; None for NaN, infinities and the unconvertible."""
    try:
        cls = raw.__class__
        if cls is int:  # the usual cases first: the ABC checks below cost more than the rest
            return raw  # type: ignore[return-value]
        if cls is float:
            return raw if math.isfinite(raw) else None  # type: ignore[arg-type,return-value]
        if isinstance(raw, numbers.Integral):
            return int(raw)  # type: ignore[call-overload]
        if isinstance(raw, Decimal):
            if not raw.is_finite():
                return None
            # Whole Decimals stay exact; a huge exponent would make int() build a giant number.
            if raw == raw.to_integral_value() and raw.adjusted() < 30:
                return int(raw)
        x = float(raw)  # type: ignore[arg-type]
    except (ValueError, OverflowError, TypeError, ArithmeticError):
        return None
    return x if math.isfinite(x) else None


def _read_text(text: str) -> tuple[str, bool, Optional[_Parsed]]:
    """(cleaned text, had a footnote mark, the number it reads as or None)."""
    clean, footnote = _footnote(_clean(text))
    return clean, footnote, None if clean in _BLANKS else _parse_number(clean)


def _from_text(text: str, ind: Indicator) -> Normalised:
    """Text typed in a number cell (count, number, percent)."""
    clean, footnote, parsed = _read_text(text)
    if clean in _BLANKS or (len(clean) <= _MAX_NUMBER_LEN and _PLACEHOLDER.fullmatch(clean)):
        return Normalised(None, text)
    words = name_key(clean) if parsed is None else ""
    if words in _NONE_WORDS:
        if ind.type in ("count", "number"):
            return _finish(0, ind, text, Issue("none-as-zero", "info", {"raw": _shown(text)}))
        if ind.type == "percent" and words != "khong":  # a rate of nothing: blank, as 0/0 is
            return Normalised(None, text, Issue("none-as-blank", "info", {"raw": _shown(text)}))
    unit_typed = False
    if parsed is None:
        bare = _without_unit(clean, ind)  # "7.725 hồ sơ" in a row whose unit is "Hồ sơ"
        if bare is not None:
            _bare, footnote_too, parsed = _read_text(bare)
            footnote = footnote or footnote_too
            unit_typed = parsed is not None
    if parsed is None:
        if len(clean) <= _MAX_NUMBER_LEN:
            m = _DATE_TEXT.fullmatch(clean)
            if m and _is_date(m):
                return _rejected(text, "date-not-number")
            if _FRACTION.fullmatch(clean):
                return _rejected(text, "fraction-in-count") if ind.type == "count" else _invalid(text, ind)
        return _invalid(text, ind)
    if parsed.percent and not _takes_percent(ind) and not _percent_only_printed(ind):
        return _rejected(text, "percent-in-count", unit=_unit(ind))
    value, english = parsed.value, parsed.english
    if ind.type == "percent" and parsed.alt is not None:
        value, english = parsed.alt, True  # 1.859 % cannot be 1859 %
    elif ind.type == "count" and parsed.comma3:
        return _rejected(text, "not-integer")  # 1,000: one (Vietnamese) or a thousand (English)?
    x = _plain(value)
    info = Issue("ambiguous-decimal", "info", {"raw": _shown(text), "value": x}) if english else None
    done = _finish(x, ind, text, info)
    if done.value is None:
        return done
    marks = []
    if footnote:
        marks.append(Issue("footnote-mark", "info", {"raw": _shown(text), "value": done.value}))
    if unit_typed:
        marks.append(Issue("unit-in-value", "info", {"raw": _shown(text), "unit": ind.unit, "value": done.value}))
    if done.issue is not None:
        return Normalised(done.value, done.raw, done.issue, tuple(marks))
    return Normalised(done.value, done.raw, marks[0], tuple(marks[1:])) if marks else done


# "7.725 hồ sơ", "5 (văn bản)": a number, then the row's own unit, as some officers type it.
_NUMBER_THEN_WORDS = re.compile(rf"(.*?\d{re.escape(_FOOTNOTE_MARK)}?)\s*\(?\s*([^\d()]+?)\s*\)?")  # a footnote mark stays


def _without_unit(text: str, ind: Indicator) -> Optional[str]:
    """``text`` without a trailing unit that is the indicator's own (any case or accents); else None."""
    unit = (getattr(ind, "unit", None) or "").strip()
    if not unit or unit == "%" or len(text) > _MAX_NUMBER_LEN + len(unit) + 4:
        return None
    m = _NUMBER_THEN_WORDS.fullmatch(text)
    return m.group(1) if m and name_key(m.group(2)) == name_key(unit) else None


def _is_date(m: re.Match[str]) -> bool:
    day, month = (m.group("d"), m.group("m")) if m.group("d") else (m.group("d2"), m.group("m2"))
    return 1 <= int(day) <= 31 and 1 <= int(month) <= 12


# --- choices ---------------------------------------------------------------------------


def _allowed(choices: Optional[Sequence[Choice]]) -> str:
    return ", ".join(f"{c.code} ({c.label})" for c in sorted(choices or (), key=lambda c: c.code))


def _choice_code(code: int, raw: str, choices: Optional[Sequence[Choice]], ind: Optional[Indicator] = None) -> Normalised:
    # Without a choice set (a caller's slip) any whole code is taken as given.
    if not choices or any(c.code == code for c in choices):
        return Normalised(code, raw)
    if code > 1 and ind is not None and ind.count_answers:
        # a yes/no row the template prints with a count unit: "3" (văn bản) answers yes
        label = next((c.label for c in choices if c.code == 1), "1")
        return Normalised(1, raw, Issue("choice-from-count", "info", {"raw": _shown(raw), "unit": ind.unit, "label": label, "answer": 1}))
    return _rejected(raw, "unknown-choice", allowed=_allowed(choices))


def _whole(text: str) -> Optional[int]:
    parsed = _parse_number(text)
    if parsed is None or parsed.percent or parsed.value != parsed.value.to_integral_value():
        return None
    return int(parsed.value)


def _from_choice_text(text: str, choices: Optional[Sequence[Choice]], ind: Optional[Indicator] = None) -> Normalised:
    clean, _ = _footnote(_clean(text))
    if clean in _BLANKS:
        return Normalised(None, text)
    code = _whole(clean)
    if code is not None:
        return _choice_code(code, text, choices, ind)
    by_key: dict[str, int] = {}
    for c in choices or ():
        for name in (c.label, *c.aliases):
            by_key.setdefault(name_key(name), c.code)
    key = name_key(clean)
    if key and key in by_key:
        return Normalised(by_key[key], text)
    m = _CODED.fullmatch(clean) if len(clean) <= _MAX_CODED_LEN else None
    contradicted = False
    if m:
        a, b = next((m.group(i), m.group(i + 1)) for i in (1, 3, 5) if m.group(i) is not None)
        for label, number in ((a, b), (b, a)):
            code = _whole(number.strip())
            if code is None:
                continue
            said = by_key.get(name_key(label))
            # The code decides, unless the label names another answer ("Có = 0").
            if said is None or said == code:
                return _choice_code(code, text, choices)
            contradicted = True
    found = None if contradicted else _answer_then_detail(key, by_key)
    if found is not None:  # "Có (01 kế hoạch)", "Có, đã ban hành": the answer, then words about it
        code, label = found, next((c.label for c in choices or () if c.code == found), str(found))
        return Normalised(code, text, Issue("choice-with-detail", "info", {"raw": _shown(text), "label": label, "answer": code}))
    return _rejected(text, "unknown-choice", allowed=_allowed(choices))


def _answer_then_detail(key: str, by_key: dict[str, int]) -> Optional[int]:
    """The code of the answer ``key`` starts with (the longest), when the words after it
    name no other answer ("có nhưng chưa hoàn thành" for Chưa/Hoàn thành is not guessed)."""
    starts = [k for k in by_key if k and key.startswith(k + " ")]
    if not starts:
        return None
    first = max(starts, key=len)
    code, rest = by_key[first], f" {key[len(first):].strip()} "
    if any(f" {k} " in rest for k, c in by_key.items() if k and c != code):
        return None
    others = {c for c in by_key.values() if c != code}
    if any(_whole(word) in others for word in rest.split()):
        return None  # another answer's code in the detail ("Có - 0"): not guessed
    return code


# --- entry point -------------------------------------------------------------------------


def normalise(
    raw: object,
    ind: Indicator,
    choices: Sequence[Choice] | None = None,
    *,
    percent_format: bool = False,
) -> Normalised:
    """Read one cell value for ``ind``; never raises.

    ``choices`` is the indicator's choice set (type ``choice``); ``percent_format``
    says the workbook cell is percent-formatted, so a real 0.7674 means 76,74 %.
    Errors give ``value=None``; an info issue keeps the value.
    """
    try:
        return _normalise(raw, ind, choices, percent_format)
    except Exception:  # a safety net only: the tests prove _normalise does not need it
        try:
            text = str(raw).strip()
        except Exception:
            text = type(raw).__name__
        return Normalised(None, text, Issue("invalid-number", "error", {"raw": _shown(text), "type": getattr(ind, "type", "")}))


def _normalise(raw: object, ind: Indicator, choices: Optional[Sequence[Choice]], percent_format: bool) -> Normalised:
    t = ind.type
    cls = raw.__class__
    if cls is int or cls is float:  # what workbooks hold, before the ABC checks below
        return _from_real(raw, ind, choices, percent_format)
    if cls is str:
        return _from_str(raw.strip(), ind, choices)  # type: ignore[attr-defined]
    if raw is None:
        return Normalised(None, "")
    if isinstance(raw, bool):  # before numbers: bool is an int
        text = "TRUE" if raw else "FALSE"
        if t in ("text", "group"):
            return Normalised(text if t == "text" else None, text)
        return _invalid(text, ind)
    if isinstance(raw, (_dt.date, _dt.time, _dt.timedelta)):  # datetime is a date
        text = _date_text(raw)
        if t in ("text", "group"):
            return Normalised(text if t == "text" else None, text)
        return _rejected(text, "date-not-number")
    if isinstance(raw, numbers.Real):
        return _from_real(raw, ind, choices, percent_format)
    if isinstance(raw, (bytes, bytearray)):
        raw = bytes(raw).decode("utf-8", errors="replace")
    return _from_str((raw if isinstance(raw, str) else str(raw)).strip(), ind, choices)


def _unescape(text: str) -> str:
    import html  # here: its entity table costs a tenth of a run, and few cells hold an "&"

    return html.unescape(text)


def _from_str(text: str, ind: Indicator, choices: Optional[Sequence[Choice]]) -> Normalised:
    t = ind.type
    if t == "group":
        return Normalised(None, text)
    if t == "text":
        value = _TAG.sub("", _unescape(text) if "&" in text else text).strip()
        return Normalised(None if value in _BLANKS else value, text)
    if t == "choice":
        return _from_choice_text(text, choices, ind)
    got = _from_text(text, ind)
    if choices and got.value is None and got.issue is not None and got.issue.code == "invalid-number":
        # a count row the template prints with coded words as its unit ("Có = 1; Không = 0"):
        # the word typed is the code the template gives it
        coded = _from_choice_text(text, choices)
        if isinstance(coded.value, int):
            return Normalised(coded.value, text, Issue("count-from-choice", "info", {"raw": _shown(text), "unit": ind.unit, "answer": coded.value}))
    return got
