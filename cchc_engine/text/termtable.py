"""Plain-text tables that fit the terminal.

Long text columns (names, units, notes, messages) are wrapped onto more lines
within the width, between words only: a wrapped column is at least as wide as its
longest word (an indicator id, a cell reference), so an id is never split; values
and codes are never wrapped or cut, and no text is ever dropped. A table whose
columns cannot all keep their longest words within the width is shown as records
instead (:func:`fit_records`: one line of keys, then the long text indented). The width is ``COLUMNS`` when set, else the terminal's when stdout
is one; piped output (and ``--wide``) is not wrapped at all, so scripts and
files see one line per row.

Bidi controls (U+202E and friends) are removed from everything shown, whatever
it came from (a cell, a spec name, a plugin's finding, an option): a terminal
that honours them would print the row reordered, so what the officer reads
would not be what the file says.
"""

from __future__ import annotations

import contextvars
import os
import sys
from typing import Any, Callable, Optional, Sequence

from .textnorm import BIDI_CONTROLS

SEP = 2  # tabulate's "simple" format puts two spaces between columns
HEADER_PAD = 2  # tabulate's MIN_PADDING around headers
MIN_WRAP = 12  # a wrapped column narrower than this reads worse than a long line

_NO_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))

_wide: contextvars.ContextVar[bool] = contextvars.ContextVar("cchc_wide", default=False)


def set_wide(wide: bool) -> None:
    _wide.set(wide)


def terminal_width() -> Optional[int]:
    """The width to fit, or None for no limit (piped output, --wide)."""
    if _wide.get():
        return None
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        if not sys.stdout.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    import shutil  # here: every `cchc` run imports this module, few print a table

    return shutil.get_terminal_size().columns


def shown(text: str) -> str:
    """``text`` as the terminal may show it: without bidi controls."""
    return text.translate(_NO_BIDI) if not text.isascii() else text


def _width(text: str) -> int:
    try:
        from wcwidth import wcswidth

        w = wcswidth(text)
        return w if w >= 0 else len(text)
    except ImportError:
        return len(text)


def _natural(cells: Sequence[str]) -> int:
    return max((_width(line) for c in cells for line in c.split("\n")), default=0)


def longest_word(cells: Sequence[str]) -> int:
    """The widest word (between ASCII spaces and line breaks) in ``cells``: what a column
    must hold on one line. A no-break space (U+00A0) keeps "Biểu mẫu 7!D35" one word."""
    return max((_width(word) for c in cells for line in c.split("\n") for word in line.split(" ")), default=0)


def _wrap(text: str, width: int) -> str:
    """Wrap each line of ``text`` between words; continuation lines keep the first line's
    indentation. A word longer than the whole width (only then) is broken."""
    import textwrap

    out: list[str] = []
    for line in text.split("\n"):
        if _width(line) <= width:
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip(" \u00a0"))]
        if len(indent) > width // 2:
            indent = indent[: width // 2]
        room = width - _width(indent)
        out.extend(
            textwrap.wrap(
                line.strip(), width=width, initial_indent=indent, subsequent_indent=indent,
                break_long_words=longest_word([line]) > room, break_on_hyphens=False,
            )
            or [line]
        )
    return "\n".join(out)


def plan_widths(natural: list[int], wrap: set[int], width: int, floors: Optional[dict[int, int]] = None) -> list[int]:
    """Column widths within ``width``: fixed columns keep theirs; wrapped ones share the
    rest in proportion to their natural widths (a long name gets more than a short unit),
    none narrower than MIN_WRAP nor than its ``floors`` entry (its longest word; when even
    that does not fit, the line runs long: values and words are never cut)."""
    floors = floors or {}
    fixed = sum(w for i, w in enumerate(natural) if i not in wrap)
    room = width - fixed - SEP * (len(natural) - 1)
    widths = list(natural)
    todo = set(wrap)
    while todo:
        total = sum(natural[i] for i in todo)
        if total <= room:
            break
        share = {i: room * natural[i] // max(1, total) for i in todo}
        # a column that needs less than its share keeps its natural width and frees the rest
        small = {i for i in todo if natural[i] <= share[i]}
        if small:
            for i in small:
                room -= natural[i]
            todo -= small
            continue
        # many wrapped columns in little room: a lower floor rather than a long line
        floor = min(MIN_WRAP, max(4, room // len(todo)))
        narrow = {i for i in todo if share[i] < max(floor, floors.get(i, 0))}
        if narrow:
            for i in narrow:
                widths[i] = min(natural[i], max(floor, floors.get(i, 0)))
                room -= widths[i]
            todo -= narrow
            continue
        for i in todo:
            widths[i] = share[i]
        # the rounding remainder goes to the widest column
        widths[max(todo, key=lambda i: natural[i])] += room - sum(share.values())
        break
    return widths


def fit(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str],
    colalign: Optional[Sequence[str]] = None,
    wrap: Sequence[int] = (),
    width: Optional[int] = None,
    tablefmt: str = "simple",
) -> str:
    """tabulate(rows) with the ``wrap`` columns wrapped so each line fits ``width``.

    ``width=None`` asks :func:`terminal_width`. Cells are shown as given
    (no number parsing, whitespace kept: indentation shows depth).
    """
    cells = [["" if v is None else shown(str(v)) for v in row] for row in rows]
    head = [shown(str(h)) for h in headers]
    limit = terminal_width() if width is None else width
    if limit and tablefmt == "simple":
        ncols = len(head)
        # tabulate makes a column at least its header + 2 wide
        natural = [
            max(_natural([head[i]]) + HEADER_PAD, _natural([r[i] for r in cells if i < len(r)])) for i in range(ncols)
        ]
        if sum(natural) + SEP * (ncols - 1) > limit:
            # a wrapped column keeps its longest word whole, up to half the width
            floors = {i: min(longest_word([r[i] for r in cells if i < len(r)]), max(MIN_WRAP, limit // 2)) for i in wrap}
            fixed = sum(w for i, w in enumerate(natural) if i not in floors)
            if fixed + sum(min(natural[i], f) for i, f in floors.items()) + SEP * (ncols - 1) > limit:
                floors = {}  # the words cannot all stay whole: fit the width, break the longest
            widths = plan_widths(natural, set(wrap), limit, floors)
            if floors and sum(widths) + SEP * (ncols - 1) > limit:
                widths = plan_widths(natural, set(wrap), limit)  # whole words would overflow: as before
            for i in wrap:
                if widths[i] < natural[i]:
                    head[i] = _wrap(head[i], max(1, widths[i] - HEADER_PAD))
                    for r in cells:
                        if i < len(r):
                            r[i] = _wrap(r[i], widths[i])
    return _tabulate(cells, head, colalign, tablefmt)


def fits(rows: Sequence[Sequence[Any]], headers: Sequence[str], wrap: Sequence[int], width: Optional[int]) -> bool:
    """Whether :func:`fit` can lay the table out in ``width`` with every word whole:
    the fixed columns at their widths, each wrapped one at its longest word."""
    if not width:
        return True
    cells = [["" if v is None else shown(str(v)) for v in row] for row in rows]
    need = 0
    for i, head in enumerate(headers):
        column = [r[i] for r in cells if i < len(r)]
        natural = max(_natural([shown(str(head))]) + HEADER_PAD, _natural(column))
        need += min(natural, max(longest_word(column), 4)) if i in wrap else natural
    return need + SEP * (len(headers) - 1) <= width


def fit_records(rows: Sequence[Sequence[Any]], headers: Sequence[str], text_col: int, width: Optional[int]) -> str:
    """A table too wide for ``width`` as records: the short columns on one line joined by
    " · " (each whole; the line breaks only between them), then column ``text_col``
    indented below, wrapped between words. A header line names the parts once."""
    sep, indent = " · ", "    "
    limit = width or 0

    def joined(parts: list[str]) -> list[str]:
        lines: list[str] = []
        for part in (p for p in parts if p):
            if lines and (not limit or _width(lines[-1] + sep + part) <= limit):
                lines[-1] += sep + part
            else:
                lines.append(part)
        return lines or [""]

    keys = [shown(str(h)) for i, h in enumerate(headers) if i != text_col]
    out = joined(keys) + [indent + shown(str(headers[text_col]))]
    out.append("-" * min(limit or 40, max(_width(line) for line in out)))
    for row in rows:
        cells = ["" if v is None else shown(str(v)) for v in row]
        out += joined([c for i, c in enumerate(cells) if i != text_col])
        body = cells[text_col] if text_col < len(cells) else ""
        out.append(_wrap(indent + body, limit) if limit else indent + body)
    return "\n".join(out)


def _tabulate(rows: list[list[str]], headers: list[str], colalign: Optional[Sequence[str]], tablefmt: str) -> str:
    from tabulate import tabulate

    kwargs: dict[str, Any] = {"disable_numparse": True}
    if colalign:
        kwargs["colalign"] = tuple(colalign)
    if _accepts(tabulate, "preserve_whitespace"):
        return tabulate(rows, headers=headers, tablefmt=tablefmt, preserve_whitespace=True, **kwargs)
    import tabulate as module  # tabulate < 0.10: a module-level switch

    saved = module.PRESERVE_WHITESPACE
    module.PRESERVE_WHITESPACE = True
    try:
        return tabulate(rows, headers=headers, tablefmt=tablefmt, **kwargs)
    finally:
        module.PRESERVE_WHITESPACE = saved


def _accepts(func: Callable[..., Any], arg: str) -> bool:
    try:
        import inspect

        return arg in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


def fit_line(text: str, width: Optional[int]) -> str:
    """A plain line (title, summary) wrapped at ``width`` on word boundaries; nothing cut."""
    text = shown(text)
    if not width or _width(text) <= width:
        return text
    import textwrap

    return "\n".join(textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False)) or text
