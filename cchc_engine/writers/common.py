"""What every writer shares: column headers, labels and how a value is shown.

People read Vietnamese numbers (1.859 and 75,86), choice answers with their
label ("2 (Hoàn thành)") and a mark on computed values; machines read plain
numbers (75.86) and codes. Writers for spreadsheets (csv, xlsx) pass every text
through ``safe_text`` so no cell coming from a submission runs as a formula.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Optional

from ..flow.findings import Finding, Location
from ..text.messages import CATALOG, FORM_TEXT, LANGS, fmt_number, get_lang, render
from ..flow.result import IndicatorResult, Result

# -- headers and labels ------------------------------------------------------------

APPENDIX_COLUMNS = ("stt", "name", "unit", "value", "note")
FINDING_COLUMNS = ("severity", "code", "indicator", "where", "message")

def _table(prefix: str, keys: Iterable[str]) -> dict[str, dict[str, str]]:
    """{lang: {key: text}} from the catalogue (messages.py), for the writers' quick lookups."""
    return {lang: {k: CATALOG[f"{prefix}-{k.replace('_', '-')}"][i] for k in keys} for i, lang in enumerate(LANGS)}


_HEADERS = _table("col", APPENDIX_COLUMNS + FINDING_COLUMNS)
SEVERITY_LABELS = _table("severity", ("error", "warning", "info"))
SOURCE_LABELS = _table("source", ("reported", "computed", "missing", "not-applicable"))
# Everything else a writer prints.
_TEXTS = _table("report", (
    "unit", "level", "period", "file", "spec", "legend", "indicators", "valid", "invalid", "findings",
    "no_findings", "computed_by", "reported_was", "zero_blank", "zero_note", "units", "legend_xlsx",
    "legend_xlsx_plain", "sign_date", "sign_preparer", "sign_preparer_hint", "sign_head", "sign_head_hint",
))

COMPUTED_MARK = " *"


def lang_of(options: Optional[dict]) -> str:
    """The output language: options['lang'], else the current message language."""
    lang = (options or {}).get("lang") or get_lang()
    return lang if lang in LANGS else "vi"


def headers(columns: Iterable[str], lang: str) -> list[str]:
    return [_HEADERS[lang][c] for c in columns]


def text(key: str, lang: str, **values: Any) -> str:
    template = _TEXTS[lang][key]
    return template.format(**values) if values else template


def severity_label(severity: str, lang: str) -> str:
    return SEVERITY_LABELS[lang].get(severity, severity)


def source_label(source: str, lang: str) -> str:
    return SOURCE_LABELS[lang].get(source, source)


# -- values ----------------------------------------------------------------------------


def is_number(value: Any) -> bool:
    """A real, finite number (bool is not one here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return not (isinstance(value, float) and not math.isfinite(value))


def is_computed(ind: IndicatorResult) -> bool:
    return ind.source == "computed"


def is_printed(ind: IndicatorResult) -> bool:
    """A row of the report's own level: the form of a level has only its rows (a row of
    another level would print blank, often under an STT the level's own row also has)."""
    return ind.applicable and ind.source != "not-applicable"


def with_findings(options: Optional[dict]) -> bool:
    """Whether a printed report carries its findings sheet or section (``--no-findings``: not)."""
    return (options or {}).get("findings", True) is not False


def unread(ind: IndicatorResult, findings: Iterable[Finding] = ()) -> Optional[str]:
    """What the officer typed where no value could be read ('101/119' in a count), else None.

    Only a text that a warning or an error is about counts: a blank written in words in a
    rate row ('Không', an info) is a value read as blank, not a value lost.
    """
    if ind.type == "group" or ind.value is not None or ind.source == "computed":
        return None
    raw = (ind.raw or "").strip()
    if not raw or not any(f.severity in ("error", "warning") for f in findings):
        return None
    return raw


def display_value(ind: IndicatorResult, lang: str, mark: bool = True) -> str:
    """The value as people read it: '1.859', '75,86 *', '2 (Hoàn thành)', '' for a group."""
    if ind.type == "group":
        return ""
    value = ind.value
    if value is None:
        if ind.source == "computed" and ind.zero_denominator == "blank":
            shown = f"({text('zero_blank', lang)})"
        elif ind.source in ("missing", "not-applicable"):
            shown = f"({source_label(ind.source, lang)})"
        else:
            shown = ""
    elif is_number(value):
        shown = fmt_number(value, lang)
        if ind.label:
            shown = f"{shown} ({ind.label})"
    else:
        shown = str(value)
    if mark and shown and is_computed(ind):
        shown += COMPUTED_MARK
    return shown


def machine_value(value: Any) -> Any:
    """The value for machines: 75.86, 3 (not 3.0), a choice's code, text as is; None for blank."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value.is_integer() and abs(value) < 1e15:
            return int(value)
    return value


def machine_text(value: Any) -> str:
    """``machine_value`` as CSV text: '75.86', '1859', '' for blank."""
    v = machine_value(value)
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v)


def display_unread(raw: str, lang: str) -> str:
    """'Báo cáo ghi: 101/119': what was typed where no value could be read."""
    return text("reported_was", lang, value=raw)


def display_note(ind: IndicatorResult, lang: str) -> str:
    """The Ghi chú column: the template's or submitter's note, plus what people must know
    about the value (the reported figure a computed one replaced, units compiled)."""
    parts = [ind.note] if ind.note else []
    if ind.reported is not None and ind.source == "computed":
        shown = fmt_number(ind.reported, lang) if is_number(ind.reported) else str(ind.reported)
        parts.append(text("reported_was", lang, value=shown))
    if ind.units is not None:
        parts.append(text("units", lang, n=ind.units))
    return "; ".join(parts)


def where(location: Optional[Location], result_file: Optional[str] = None, lang: str = "vi") -> str:
    """A location as 'Sheet!D14' (the file only when it is not the report's own file)."""
    if location is None:
        return ""
    row_word = render("report-row-word", {}, lang=lang)
    parts = []
    if location.file and location.file != result_file:
        parts.append(_basename(location.file))
    if location.table is not None and location.row is not None:
        # a Word table, as Word shows it ("Bảng 4, dòng 13" / "Table 4, row 13")
        parts.append(render("location-table-row", {"table": location.table, "row": location.row}, lang=lang))
    elif location.sheet and location.cell:
        parts.append(f"{location.sheet}!{location.cell}")
    elif location.cell:
        parts.append(location.cell)
    elif location.sheet:
        parts.append(location.sheet if location.row is None else f"{location.sheet}, {row_word} {location.row}")
    elif location.row is not None:
        parts.append(f"{row_word} {location.row}")
    if location.path:
        parts.append(location.path)
    return ": ".join(parts)


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def indent(ind: IndicatorResult, unit: str = "  ") -> str:
    return unit * max(0, ind.depth)


# -- report parts ---------------------------------------------------------------------


def forms(result: Result, options: Optional[dict]) -> list[tuple[str, str, list[IndicatorResult]]]:
    """(form id, form title, indicators) in report order: the rows of the report's level only,
    as its template prints them. Titles come from the spec when given.

    With the spec, a row the template does not print (``row: none``) is left out and the
    first of a run of "Trong đó" rows carries "Trong đó" in its STT, as ``cchc template``
    writes the form (the rows are copies: the result is not changed).
    """
    import dataclasses

    titles = form_titles(options)
    shapes = _row_shapes(options)
    order: dict[str, list[IndicatorResult]] = {}
    for ind in result.indicators:
        if not is_printed(ind):
            continue
        shape = shapes.get(ind.id)
        if shape is not None and not shape[0]:
            continue
        rows = order.setdefault(ind.form, [])
        if shape is not None and shape[1] and not ind.stt:
            prev = rows[-1] if rows else None
            prev_shape = shapes.get(prev.id) if prev is not None else None
            if not (prev is not None and prev.depth == ind.depth and prev_shape is not None and prev_shape[1]):
                ind = dataclasses.replace(ind, stt=FORM_TEXT["of_which"])
        rows.append(ind)
    return [(fid, titles.get(fid, fid), inds) for fid, inds in order.items() if inds]


def _row_shapes(options: Optional[dict]) -> dict[str, tuple[bool, bool]]:
    """{indicator id: (the template prints its row, it is a 'Trong đó' breakdown)} from the spec, if given."""
    spec = (options or {}).get("spec")
    spec = getattr(spec, "spec", spec)
    index = getattr(spec, "index", None)
    if not callable(index):
        return {}
    out: dict[str, tuple[bool, bool]] = {}
    for ind_id, ind in index().items():
        printed = getattr(ind, "printed", True)
        out[ind_id] = (bool(printed), getattr(ind, "row_kind", "item") == "breakdown")
    return out


def form_titles(options: Optional[dict]) -> dict[str, str]:
    spec = (options or {}).get("spec")
    spec = getattr(spec, "spec", spec)  # a CompiledSpec or a Spec
    out: dict[str, str] = {}
    for form in getattr(spec, "forms", None) or []:
        title = getattr(form, "title", "") or ""
        label = getattr(form, "label", "") or ""
        out[form.id] = f"{label}: {title}" if label and title else (label or title or form.id)
    return out


def findings_by_indicator(result: Result) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in result.findings:
        if f.indicator:
            out.setdefault(f.indicator, []).append(f)
    return out


def worst(findings: Iterable[Finding]) -> Optional[str]:
    """The most serious severity among findings, or None."""
    rank = {"error": 0, "warning": 1, "info": 2}
    found = sorted((f.severity for f in findings), key=lambda s: rank.get(s, 3))
    return found[0] if found else None


def finding_row(f: Finding, lang: str, result_file: Optional[str] = None) -> list[str]:
    return [severity_label(f.severity, lang), f.code, f.indicator or "", where(f.location, result_file, lang), f.message]


def summary(result: Result, lang: str) -> str:
    """'Số chỉ tiêu: 134 · báo cáo: 100 · … · thông tin: 5 — CÓ LỖI'."""
    s = result.stats
    sev = SEVERITY_LABELS[lang]
    src = SOURCE_LABELS[lang]
    parts = [
        f"{text('indicators', lang).capitalize()}: {s.indicators}",
        f"{src['reported']}: {s.reported}",
        f"{src['computed']}: {s.computed}",
        f"{src['missing']}: {s.missing}",
        f"{sev['error']}: {s.errors}",
        f"{sev['warning']}: {s.warnings}",
        f"{sev['info']}: {s.infos}",
    ]
    verdict = text("valid", lang) if result.valid else text("invalid", lang)
    return " · ".join(parts) + " — " + verdict


_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def period_label(period: Optional[str], lang: str) -> str:
    """'2023-Q3' → 'Quý III năm 2023' ('2023 Q3' in English); unknown forms as given."""
    if not period:
        return ""
    year, _, part = period.partition("-")
    if not year.isdigit():
        return period
    if not part:
        return render("period-year", {"year": year}, lang=lang)
    if part[0] == "Q" and part[1:] in _ROMAN:
        return render("period-quarter", {"roman": _ROMAN[part[1:]], "quarter": part[1:], "year": year}, lang=lang)
    if part in ("H1", "H2", "9M"):
        return render(f"period-{part.lower()}", {"year": year}, lang=lang)
    if part[0] == "M" and part[1:].isdigit():
        return render("period-month", {"month": str(int(part[1:])), "month2": part[1:], "year": year}, lang=lang)
    return period


def heading_lines(result: Result, lang: str, file: bool = True) -> list[str]:
    """Title, then one line of metadata (unit, level, period, the file's name: never its
    folder, which says where the officer keeps it, not what the report is)."""
    title = result.spec_title or result.spec
    meta = []
    if result.unit:
        meta.append(f"{text('unit', lang)}: {result.unit}")
    if result.level_name or result.level:
        meta.append(f"{text('level', lang)}: {result.level_name or result.level}")
    if result.period:
        meta.append(f"{text('period', lang)}: {period_label(result.period, lang)}")
    if file and result.file:
        meta.append(f"{text('file', lang)}: {_basename(result.file)}")
    return [title, " · ".join(meta)] if meta else [title]


# -- spreadsheets ----------------------------------------------------------------------

# What a spreadsheet takes as the start of a formula (OWASP "CSV injection"), plus
# the line breaks and the full-width / small forms LibreOffice also accepts.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "\ufe62", "\ufe63", "\ufe6b", "\u2212")
# Invisible characters a spreadsheet skips before deciding what a cell starts with.
_INVISIBLE_LEAD = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u180e")


def safe_text(value: Any) -> Any:
    """Text that could run as a formula gets a leading "'"; anything else is returned as is.

    The test looks past leading blanks (space, NBSP, ideographic space) and
    invisible characters (zero-width space, BOM, bidi marks), which spreadsheets
    skip too. Only strings are touched: a negative *number* stays a number.
    """
    if not isinstance(value, str) or not value:
        return value
    i, n = 0, len(value)
    while i < n and (value[i] in _INVISIBLE_LEAD or (value[i].isspace() and value[i] not in "\t\r\n")):
        i += 1
    if value.startswith(_FORMULA_START, i):
        return "'" + value
    return value
