"""The stable surface for plugin authors: everything a reader, a writer, a spec
package or a check needs, documented in docs/internals-for-plugins.md.

    from cchc_engine.api import Grid, Finding, display_value, hookimpl

What is listed here keeps its name and signature across minor versions (a test
pins them against the docs). Anything imported from elsewhere in cchc_engine is
private and may change without notice.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Mapping, Optional

from .hookspecs import hookimpl

if TYPE_CHECKING:  # what editors and type checkers see; at run time each name loads on first use
    from .session import aggregate, compute, Session
    from .spec.tree import indicator_tree
    from .config import plugin_config
    from .flow.findings import CchcError, Finding, Location
    from .flow.grid import Cell, column_letter, Grid, Sheet
    from .protocols import Reader, Writer
    from .readers.package import LIMITS, Package, ReadBudget, ReadRefused
    from .flow.result import IndicatorResult, Result, Stats
    from .flow.submission import (
        level_from_unit,
        normalise_period,
        period_from_title,
        period_key,
        RawRow,
        RawSubmission,
        RawValue,
        unit_from_title,
    )
    from .text.textnorm import clean_cell_text, strip_markup
    from .writers.common import (
        APPENDIX_COLUMNS,
        display_note,
        display_value,
        FINDING_COLUMNS,
        finding_row,
        findings_by_indicator,
        forms,
        headers,
        heading_lines,
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

# Every other name is imported on first use (PEP 562 ``__getattr__``): a plugin imports
# the api at every `cchc` run, even --help, and pays only for the names it takes.
_LAZY: dict[str, tuple[str, str]] = {
    "Session": (".session", "Session"),
    "compute": (".session", "compute"),
    "aggregate": (".session", "aggregate"),
    "indicator_tree": (".spec.tree", "indicator_tree"),
    "period_key": (".flow.submission", "period_key"),
    "plugin_config": (".config", "plugin_config"),
    "CchcError": (".flow.findings", "CchcError"),
    "Finding": (".flow.findings", "Finding"),
    "Location": (".flow.findings", "Location"),
    "Cell": (".flow.grid", "Cell"),
    "Grid": (".flow.grid", "Grid"),
    "Sheet": (".flow.grid", "Sheet"),
    "column_letter": (".flow.grid", "column_letter"),
    "Reader": (".protocols", "Reader"),
    "Writer": (".protocols", "Writer"),
    "IndicatorResult": (".flow.result", "IndicatorResult"),
    "Result": (".flow.result", "Result"),
    "Stats": (".flow.result", "Stats"),
    "RawRow": (".flow.submission", "RawRow"),
    "RawSubmission": (".flow.submission", "RawSubmission"),
    "RawValue": (".flow.submission", "RawValue"),
    "level_from_unit": (".flow.submission", "level_from_unit"),
    "normalise_period": (".flow.submission", "normalise_period"),
    "period_from_title": (".flow.submission", "period_from_title"),
    "unit_from_title": (".flow.submission", "unit_from_title"),
    "clean_cell_text": (".text.textnorm", "clean_cell_text"),
    "strip_markup": (".text.textnorm", "strip_markup"),
    "Package": (".readers.package", "Package"),
    "ReadRefused": (".readers.package", "ReadRefused"),
    "ReadBudget": (".readers.package", "ReadBudget"),
    "LIMITS": (".readers.package", "LIMITS"),
    **{
        name: (".writers.common", name)
        for name in (
            "APPENDIX_COLUMNS", "FINDING_COLUMNS", "display_note", "display_value", "finding_row",
            "findings_by_indicator", "forms", "heading_lines", "headers", "indent", "is_computed", "lang_of",
            "machine_value", "period_label", "safe_text", "severity_label", "source_label", "summary", "where",
            "worst",
        )
    },
}

__all__ = [
    # the library entry points: one report, many units, a Session of your own
    "compute", "aggregate", "Session", "indicator_tree", "period_key",
    # hooks and configuration
    "hookimpl", "plugin_config",
    # the cell grid a reader returns
    "Grid", "Sheet", "Cell", "column_letter",
    # rows a reader may return instead
    "RawSubmission", "RawRow", "RawValue",
    # readers and writers
    "Reader", "Writer",
    # what a reader of a zip package or of text uses (the built-in sources' checks and limits)
    "open_package", "Package", "ReadRefused", "ReadBudget", "LIMITS",
    "clean_cell_text", "strip_markup", "column_kind", "header_columns",
    # the computed report and its findings
    "Result", "IndicatorResult", "Stats", "Finding", "Location", "CchcError",
    # language and messages
    "current_language", "message", "add_messages", "format_number",
    # display helpers (what the built-in writers use)
    "lang_of", "headers", "APPENDIX_COLUMNS", "FINDING_COLUMNS", "severity_label", "source_label",
    "display_value", "machine_value", "display_note", "is_computed", "indent", "where",
    "forms", "form_titles", "findings_by_indicator", "worst", "finding_row", "summary",
    "period_label", "heading_lines", "safe_text", "clean_output", "text_width_cm",
    # titles and periods
    "period_from_title", "unit_from_title", "level_from_unit", "normalise_period",
]


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'cchc_engine.api' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module, __package__), attribute)
    globals()[name] = value  # once: later lookups are plain module attributes
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


def current_language() -> str:
    """The language the officer reads: 'vi' (default) or 'en' (``cchc --lang en``)."""
    from .text.messages import get_lang

    return get_lang()


def message(code: str, lang: Optional[str] = None, **values: Any) -> str:
    """A catalogue message rendered with ``values`` (numbers shown the Vietnamese way in 'vi')."""
    from .text.messages import render

    return render(code, values, lang=lang)


def format_number(value: Any, lang: Optional[str] = None) -> str:
    """1859 → '1.859', 75.86 → '75,86' in Vietnamese; '1,859' and '75.86' in English."""
    from .text.messages import fmt_number

    return fmt_number(value, lang)


def add_messages(messages: Mapping[str, tuple[str, str]]) -> None:
    """Add a plugin's messages to the catalogue: ``{code: (vietnamese, english)}``.

    Then ``Finding.make(code, severity, **values)`` renders them in the officer's
    language. Adding the same text again is harmless; taking a code the catalogue
    already has with another text raises ``CchcError`` (pick a prefixed code,
    e.g. ``phu-tho-too-few-forms``).
    """
    from .flow.findings import CchcError
    from .text.messages import CATALOG

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
    from .writers.common import form_titles as titles

    options = spec if isinstance(spec, dict) else {"spec": spec}
    return titles(options)


def open_package(path: Any, what: str) -> Any:
    """The zip package at ``path`` after the checks of the built-in sources (kind of file,
    part count, inflated size, duplicate parts), as a context manager (``Package``): what
    reading raises inside the block becomes one located exit-2 line. ``what`` names the
    kind of file in messages ("tệp Word (.docx)")."""
    from .readers.package import open_package as open_

    return open_(path, what)


def column_kind(text: str) -> Optional[str]:
    """What a header cell names, as the layout stage reads it: ``"stt"``, ``"name"``,
    ``"unit"``, ``"value"``, ``"note"``, ``"group"`` (the merged "Kết quả thống kê") or None."""
    from .flow.layout import col_kind

    return col_kind(text)


def header_columns(rows: Any) -> Optional[dict[str, int]]:
    """The columns (0-based) of a one- or two-row header given as rows of ``Cell``:
    ``{"stt": 0, "name": 1, "unit": 2, "value": 3}``, or None when the rows are no header."""
    from .flow.layout import header_columns as columns

    return columns(rows)


def clean_output(obj: Any) -> Any:
    """A copy of a ``Result`` (or any dataclass, list, dict) whose every text is safe to write
    (``clean_cell_text`` on each string); returned as is when nothing needs cleaning."""
    from .text.sanitize import clean_output as clean

    return clean(obj)


def text_width_cm(text: str, size: float = 11, bold: bool = False) -> float:
    """The printed width of one line of ``text`` in Times New Roman at ``size`` points, in cm:
    what the built-in writers size their columns and rows by."""
    from .writers.sheetprint import text_px

    return text_px(text, size, bold) / 96 * 2.54
