"""Built-in writer: plain-text tables for the screen (tabulate)."""

from __future__ import annotations

import inspect
from typing import Any, Callable, TextIO

from ..hookspecs import hookimpl
from ..result import Result
from . import common as c


class TableWriter:
    name = "table"
    suffix = ".txt"
    binary = False
    description = "Bảng văn bản cho màn hình (tabulate)"

    def write(self, result: Result, stream: TextIO, options: dict) -> None:
        lang = c.lang_of(options)
        out: list[str] = []
        if not (options or {}).get("findings_only"):
            out += c.heading_lines(result, lang)
            out.append("")
            any_computed = False
            for _form_id, title, inds in c.forms(result, options):
                out.append(title)
                rows = []
                for ind in inds:
                    any_computed = any_computed or (c.is_computed(ind) and ind.type != "group")
                    rows.append(
                        [ind.stt, c.indent(ind) + ind.name, ind.unit, c.display_value(ind, lang), c.display_note(ind, lang)]
                    )
                out.append(_tabulate(rows, c.headers(c.APPENDIX_COLUMNS, lang), ("left", "left", "left", "right", "left")))
                out.append("")
            if any_computed:
                out.append(c.text("legend", lang))
                out.append("")
        out += findings_lines(result, lang)
        stream.write("\n".join(out) + "\n")


def findings_lines(result: Result, lang: str) -> list[str]:
    """The summary line, then the findings table."""
    out = [c.summary(result, lang)]
    line = coverage_line(result, lang)
    if line:
        out.append(line)
    if result.findings:
        rows = [c.finding_row(f, lang, result.file) for f in result.findings]
        out.append(_tabulate(rows, c.headers(c.FINDING_COLUMNS, lang), ("left",) * 5))
    else:
        out.append(c.text("no_findings", lang))
    return out


def coverage_line(result: Result, lang: str) -> str:
    """What became of the file's values; empty for a result not read from one file."""
    from ..messages import render

    s = result.stats
    if not s.rows_with_value and not s.rows_dropped:
        return ""
    why = ", ".join(f"{code} {n}" for code, n in sorted(s.dropped_by.items()))
    return render(
        "coverage-line",
        {"values": s.rows_with_value, "placed": s.rows_placed, "dropped": s.rows_dropped, "why": f" ({why})" if why else ""},
        lang=lang,
    )


def _tabulate(rows: list[list[Any]], headers: list[str], colalign: tuple[str, ...]) -> str:
    from tabulate import tabulate

    # Numbers are already formatted the Vietnamese way ("1.859" is not 1.859), and
    # indentation shows depth: tabulate must neither parse nor strip cells.
    kwargs: dict[str, Any] = {"disable_numparse": True, "colalign": colalign}
    if _accepts(tabulate, "preserve_whitespace"):
        kwargs["preserve_whitespace"] = True
        return tabulate(rows, headers=headers, tablefmt="simple", **kwargs)
    import tabulate as module  # tabulate < 0.10: a module-level switch

    saved = module.PRESERVE_WHITESPACE
    module.PRESERVE_WHITESPACE = True
    try:
        return tabulate(rows, headers=headers, tablefmt="simple", **kwargs)
    finally:
        module.PRESERVE_WHITESPACE = saved


def _accepts(func: Callable[..., Any], arg: str) -> bool:
    try:
        return arg in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


@hookimpl
def register_writers(register: Callable[..., None]) -> None:
    register(TableWriter())
