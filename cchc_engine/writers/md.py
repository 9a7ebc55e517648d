"""Built-in writer: Markdown (pipe tables), for reports pasted into issues and wikis."""

from __future__ import annotations

from typing import Any, Callable, TextIO

from ..flow.findings import Finding
from ..hookspecs import hookimpl
from ..flow.result import IndicatorResult, Result
from . import common as c

_NBSP = "\u00a0"  # Markdown trims ordinary spaces in cells; depth must survive


class MarkdownWriter:
    name = "md"
    suffix = ".md"
    binary = False
    description = "Markdown (pipe tables)"

    def write(self, result: Result, stream: TextIO, options: dict) -> None:
        from ..text.sanitize import clean_output

        result = clean_output(result)  # called directly too (tests, plugins): never crash on any str
        lang = c.lang_of(options)
        head = c.heading_lines(result, lang)
        out = [f"# {escape(head[0])}", ""]
        if len(head) > 1:
            out += [escape(head[1]), ""]
        by_id = c.findings_by_indicator(result)
        if not (options or {}).get("findings_only"):
            any_computed = False
            for _form_id, title, inds in c.forms(result, options):
                out += [f"## {escape(title)}", ""]
                rows = []
                for ind in inds:
                    any_computed = any_computed or (c.is_computed(ind) and ind.type != "group")
                    rows.append(_indicator_row(ind, lang, by_id.get(ind.id, [])))
                out += pipe_table(c.headers(c.APPENDIX_COLUMNS, lang), rows, ("---", "---", "---", "---:", "---"))
                out.append("")
            if any_computed:
                out += [escape(c.text("legend", lang)), ""]
        if not c.with_findings(options) and not (options or {}).get("findings_only"):
            stream.write("\n".join(out).rstrip("\n") + "\n")
            return
        out += [f"## {escape(c.text('findings', lang))}", "", escape(c.summary(result, lang)), ""]
        if result.findings:
            rows = [_finding_row(f, lang, result.file) for f in result.findings]
            out += pipe_table(c.headers(c.FINDING_COLUMNS, lang), rows)
        else:
            out.append(escape(c.text("no_findings", lang)))
        stream.write("\n".join(out) + "\n")


def _indicator_row(ind: IndicatorResult, lang: str, findings: list[Finding] = ()) -> list[str]:  # type: ignore[assignment]
    name = escape(ind.name)
    if ind.type == "group":
        # the indentation goes outside the markers: "** Name**" (space after **) is literal text
        name = f"**{name}**"
    name = _NBSP * 2 * max(0, ind.depth) + name
    typed = c.unread(ind, findings)
    if typed is not None:
        # marked as a shaded cell is elsewhere: bold, with a warning sign
        return [escape(ind.stt), name, escape(ind.unit), f"⚠ **{escape(c.display_unread(typed, lang))}**",
                escape(c.display_note(ind, lang))]
    value = escape(c.display_value(ind, lang, mark=False))
    if value and c.is_computed(ind):
        value += c.COMPUTED_MARK  # our own markup: not escaped
    return [escape(ind.stt), name, escape(ind.unit), value, escape(c.display_note(ind, lang))]


def _finding_row(f: Finding, lang: str, result_file: Any) -> list[str]:
    severity, code, indicator, where, message = c.finding_row(f, lang, result_file)
    return [escape(severity), code_span(code), code_span(indicator), escape(where), escape(message)]


def code_span(value: str) -> str:
    """Ids and codes as `code` (readable raw, no escaping needed); escaped text when they cannot be."""
    if not value:
        return ""
    return f"`{value}`" if not any(ch in value for ch in "`|\n\r") else escape(value)


def escape(value: Any) -> str:
    """Text safe inside a pipe table: '|', emphasis and link/image brackets escaped, line breaks as <br>, no raw HTML.

    ``[x](javascript:…)`` and ``![x](http://…)`` stay text: with ``[`` and ``]``
    escaped no link or image can form.
    """
    s = "" if value is None else str(value)
    s = s.replace("\\", "\\\\")
    for ch in "|*_`[]":
        s = s.replace(ch, "\\" + ch)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def pipe_table(headers: list[str], rows: list[list[str]], align: tuple[str, ...] = ()) -> list[str]:
    """Rows must already be escaped."""
    align = align or ("---",) * len(headers)
    lines = ["| " + " | ".join(escape(h) for h in headers) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


@hookimpl
def register_writers(register: Callable[..., None]) -> None:
    register(MarkdownWriter())
