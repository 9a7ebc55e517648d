"""Built-in writer: plain-text tables for the screen (tabulate), fitted to the terminal."""

from __future__ import annotations

import sys
from typing import Any, Callable, Optional, TextIO

from ..hookspecs import hookimpl
from ..flow.result import Result
from ..text.termtable import fit, fit_line, fit_records, fits, terminal_width

NBSP = "\u00a0"
from . import common as c


class TableWriter:
    name = "table"
    suffix = ".txt"
    binary = False
    description = "Plain-text tables for the terminal (tabulate)"

    def write(self, result: Result, stream: TextIO, options: dict) -> None:
        from ..text.sanitize import clean_output

        result = clean_output(result)  # called directly too (tests, plugins): never crash on any str
        lang = c.lang_of(options)
        options = options or {}
        # the terminal's width on the screen; a file (-o x.txt) keeps one line per row
        width = options["width"] if "width" in options else (terminal_width() if stream is sys.stdout else 0) or 0
        out: list[str] = []
        if not options.get("findings_only"):
            out += [fit_line(line, width) for line in c.heading_lines(result, lang)]
            out.append("")
            any_computed = False
            by_id = c.findings_by_indicator(result)
            for _form_id, title, inds in c.forms(result, options):
                out.append(fit_line(title, width))
                rows = []
                for ind in inds:
                    any_computed = any_computed or (c.is_computed(ind) and ind.type != "group")
                    typed = c.unread(ind, by_id.get(ind.id, []))
                    shown = c.display_value(ind, lang) if typed is None else "! " + c.display_unread(typed, lang)
                    rows.append([ind.stt, c.indent(ind) + ind.name, ind.unit, shown, c.display_note(ind, lang)])
                out.append(
                    fit(rows, c.headers(c.APPENDIX_COLUMNS, lang), ("left", "left", "left", "right", "left"), (1, 2, 4), width)
                )
                out.append("")
            if any_computed:
                out.append(fit_line(c.text("legend", lang), width))
                out.append("")
        out += findings_lines(result, lang, width)
        stream.write("\n".join(out) + "\n")


def findings_lines(result: Result, lang: str, width: Optional[int] = 0) -> list[str]:
    """The summary line, then the findings table (messages wrapped, never cut)."""
    out = [fit_line(c.summary(result, lang), width)]
    line = coverage_line(result, lang)
    if line:
        out.append(fit_line(line, width))
    if result.findings:
        rows = [c.finding_row(f, lang, result.file) for f in result.findings]
        heads = c.headers(c.FINDING_COLUMNS, lang)
        if width:
            # a cell reference is one word ("Biểu mẫu 7!D35"): it may break after "file:", never inside
            rows = [[*r[:3], ": ".join(part.replace(" ", NBSP) for part in r[3].split(": ")), r[4]] for r in rows]
        if fits(rows, heads, (2, 3, 4), width):
            out.append(fit(rows, heads, ("left",) * 5, (2, 3, 4), width))
        else:  # a narrow terminal: one finding per record, nothing split
            out.append(fit_records(rows, heads, 4, width))
    else:
        out.append(c.text("no_findings", lang))
    return out


def coverage_line(result: Result, lang: str) -> str:
    """What became of the file's values; empty for a result not read from one file."""
    from ..text.messages import render

    s = result.stats
    if not s.rows_with_value and not s.rows_dropped:
        return ""
    why = ", ".join(f"{code} {n}" for code, n in sorted(s.dropped_by.items()))
    return render(
        "coverage-line",
        {"values": s.rows_with_value, "placed": s.rows_placed, "dropped": s.rows_dropped, "why": f" ({why})" if why else ""},
        lang=lang,
    )


@hookimpl
def register_writers(register: Callable[..., None]) -> None:
    register(TableWriter())
