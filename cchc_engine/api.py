"""The stable surface for plugin authors: everything a reader, a writer, a spec
package or a check needs, documented in docs/internals-for-plugins.md.

    from cchc_engine.api import Grid, Finding, display_value, hookimpl

What is listed here keeps its name and signature across minor versions (a test
pins them against the docs). Anything imported from elsewhere in cchc_engine is
private and may change without notice.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from .config import plugin_config
from .findings import CchcError, Finding, Location
from .grid import Cell, Grid, Sheet, column_letter
from .hookspecs import hookimpl
from .messages import CATALOG, get_lang, render
from .messages import fmt_number as _fmt_number
from .protocols import Reader, Writer
from .result import IndicatorResult, Result, Stats
from .submission import RawRow, RawSubmission, RawValue, level_from_unit, normalise_period, period_from_title, unit_from_title
from .writers.common import (
    APPENDIX_COLUMNS,
    FINDING_COLUMNS,
    display_note,
    display_value,
    finding_row,
    findings_by_indicator,
    forms,
    heading_lines,
    headers,
    indent,
    is_computed,
    lang_of,
    machine_value,
    period_label,
    safe_text,
    severity_label,
    source_label,
    summary,
    where,
    worst,
)
from .writers.common import form_titles as _form_titles

__all__ = [
    # hooks and configuration
    "hookimpl", "plugin_config",
    # the cell grid a reader returns
    "Grid", "Sheet", "Cell", "column_letter",
    # rows a reader may return instead
    "RawSubmission", "RawRow", "RawValue",
    # readers and writers
    "Reader", "Writer",
    # the computed report and its findings
    "Result", "IndicatorResult", "Stats", "Finding", "Location", "CchcError",
    # language and messages
    "current_language", "message", "add_messages", "format_number",
    # display helpers (what the built-in writers use)
    "lang_of", "headers", "APPENDIX_COLUMNS", "FINDING_COLUMNS", "severity_label", "source_label",
    "display_value", "machine_value", "display_note", "is_computed", "indent", "where",
    "forms", "form_titles", "findings_by_indicator", "worst", "finding_row", "summary",
    "period_label", "heading_lines", "safe_text",
    # titles and periods
    "period_from_title", "unit_from_title", "level_from_unit", "normalise_period",
]


def current_language() -> str:
    """The language the officer reads: 'vi' (default) or 'en' (``cchc --lang en``)."""
    return get_lang()


def message(code: str, lang: Optional[str] = None, **values: Any) -> str:
    """A catalogue message rendered with ``values`` (numbers shown the Vietnamese way in 'vi')."""
    return render(code, values, lang=lang)


def format_number(value: Any, lang: Optional[str] = None) -> str:
    """1859 → '1.859', 75.86 → '75,86' in Vietnamese; '1,859' and '75.86' in English."""
    return _fmt_number(value, lang)


def add_messages(messages: Mapping[str, tuple[str, str]]) -> None:
    """Add a plugin's messages to the catalogue: ``{code: (vietnamese, english)}``.

    Then ``Finding.make(code, severity, **values)`` renders them in the officer's
    language. Adding the same text again is harmless; taking a code the catalogue
    already has with another text raises ``CchcError`` (pick a prefixed code,
    e.g. ``phu-tho-too-few-forms``).
    """
    for code, texts in messages.items():
        if not (isinstance(texts, tuple) and len(texts) == 2 and all(isinstance(t, str) for t in texts)):
            raise TypeError(f"add_messages: {code!r} needs a (vietnamese, english) pair of strings")
        if code in CATALOG and CATALOG[code] != texts:
            raise CchcError.make("plugin-message-taken", message_code=code)
    CATALOG.update(messages)


def form_titles(spec: Any) -> dict[str, str]:
    """Form id → printed title ('Biểu mẫu 1: Công tác chỉ đạo điều hành CCHC').

    ``spec`` is what a hook gets: the compiled spec (``check_result``'s ``spec``,
    a writer's ``options["spec"]``) or the writer's ``options`` themselves.
    """
    options = spec if isinstance(spec, dict) else {"spec": spec}
    return _form_titles(options)
