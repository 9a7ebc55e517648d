"""Print layout shared by the spreadsheet outputs (report xlsx, template, matrix).

Excel and LibreOffice do not grow a row for wrapped text written by openpyxl: a
row keeps its one-line height and the second line overlaps the next row. So every
row that holds wrapped text gets an explicit height, from the number of lines
its texts take at their column's width. The lines come from a greedy word wrap
with the advance widths of Times New Roman (the font of Vietnamese official
documents, and the font these outputs use), with a small safety margin so that
a renderer with slightly wider metrics still fits: a little air is better than
a hidden line.

Widths are in Excel column units (the width of "0" in the workbook's default
font, Calibri 11: 7 px at 96 dpi); a column of width w is ``7w + 5`` px wide.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Iterable, Optional, Sequence

FONT = "Times New Roman"
BODY_SIZE = 11
PX_PER_UNIT = 7.0  # max digit width of Calibri 11 (the Normal style openpyxl writes)
CELL_PAD_PX = 5.0  # Excel adds this to every column; text keeps ~2-3 px off each border
INDENT_PX = 9.0  # one alignment indent level
SAFETY = 1.0  # Liberation Serif (LibreOffice) has the exact Times metrics; Excel hints within ±2 %
MAX_ROW_HEIGHT = 409.0  # Excel's limit, in points

# A4 in inches, and the margins every sheet gets (left wider for binding).
A4_WIDTH_IN, A4_HEIGHT_IN = 8.27, 11.69
MARGIN_LEFT_IN, MARGIN_RIGHT_IN = 0.6, 0.4
MARGIN_TOP_IN, MARGIN_BOTTOM_IN = 0.6, 0.6

# Times New Roman advance widths in em (Adobe's Times-Roman metrics).
_EM = {
    " ": 0.25, "!": 0.333, '"': 0.408, "#": 0.5, "$": 0.5, "%": 0.833, "&": 0.778, "'": 0.18,
    "(": 0.333, ")": 0.333, "*": 0.5, "+": 0.564, ",": 0.25, "-": 0.333, ".": 0.25, "/": 0.278,
    ":": 0.278, ";": 0.278, "<": 0.564, "=": 0.564, ">": 0.564, "?": 0.444, "@": 0.921,
    "[": 0.333, "]": 0.333, "_": 0.5, "|": 0.2, "“": 0.444, "”": 0.444, "–": 0.5, "—": 1.0,
    "…": 1.0, "·": 0.25, "×": 0.564,
    "A": 0.722, "B": 0.667, "C": 0.667, "D": 0.722, "E": 0.611, "F": 0.556, "G": 0.722,
    "H": 0.722, "I": 0.333, "J": 0.389, "K": 0.722, "L": 0.611, "M": 0.889, "N": 0.722,
    "O": 0.722, "P": 0.556, "Q": 0.722, "R": 0.667, "S": 0.556, "T": 0.611, "U": 0.722,
    "V": 0.722, "W": 0.944, "X": 0.722, "Y": 0.722, "Z": 0.611,
    "a": 0.444, "b": 0.5, "c": 0.444, "d": 0.5, "e": 0.444, "f": 0.333, "g": 0.5, "h": 0.5,
    "i": 0.278, "j": 0.278, "k": 0.5, "l": 0.278, "m": 0.778, "n": 0.5, "o": 0.5, "p": 0.5,
    "q": 0.5, "r": 0.333, "s": 0.389, "t": 0.278, "u": 0.5, "v": 0.5, "w": 0.722, "x": 0.5,
    "y": 0.5, "z": 0.444, "đ": 0.5, "Đ": 0.722,
}
_DIGIT = 0.5
_OTHER = 0.6  # anything else (CJK would be 1.0, but it does not occur in these reports)
_BOLD = 1.05
_SPLIT = re.compile(r"(?<=[ \-/])")  # Excel and LibreOffice break after spaces, hyphens, slashes


def char_em(ch: str) -> float:
    if ch in _EM:
        return _EM[ch]
    if ch.isdigit():
        return _DIGIT
    base = unicodedata.normalize("NFD", ch)[:1]  # "ệ" is as wide as "e"
    return _EM.get(base, _DIGIT if base.isdigit() else _OTHER)


def text_px(text: str, size: float = BODY_SIZE, bold: bool = False) -> float:
    """The printed width of one line of text, in pixels at 96 dpi."""
    em = sum(char_em(ch) for ch in text)
    return em * size * 96 / 72 * (_BOLD if bold else 1.0) * SAFETY


def text_units(text: str, size: float = BODY_SIZE, bold: bool = False) -> float:
    """The column width (Excel units) that shows ``text`` on one line."""
    return (text_px(text, size, bold) + CELL_PAD_PX + 1) / PX_PER_UNIT


def column_px(width: float) -> float:
    return width * PX_PER_UNIT + CELL_PAD_PX


def wrapped_lines(text: Optional[str], width: float, size: float = BODY_SIZE, bold: bool = False, indent: int = 0) -> int:
    """How many lines ``text`` takes in a wrapping cell of ``width`` Excel units."""
    if text is None or text == "":
        return 1
    room = max(8.0, column_px(width) - 4 - indent * INDENT_PX)
    total = 0
    for paragraph in str(text).split("\n"):
        lines, used = 1, 0.0
        for word in _SPLIT.split(paragraph):
            w = text_px(word, size, bold)
            trimmed = text_px(word.rstrip(" "), size, bold)  # a trailing space may hang past the edge
            if used + trimmed <= room:
                used += w
                continue
            if used > 0:
                lines, used = lines + 1, 0.0
            while trimmed > room:  # a word longer than the column breaks anywhere
                lines += 1
                trimmed -= room
                w -= room
            used = w
        total += lines
    return total


def line_height(size: float = BODY_SIZE) -> float:
    """Points per line of text in a row: Excel fits Times New Roman 11 at ~14.25 pt a
    line; a little more keeps descenders and diacritics clear in LibreOffice too."""
    return round(size * 1.27, 2)


def row_height(cells: Iterable[tuple[Optional[str], float, float, bool, int]]) -> float:
    """The height (points) of a row of wrapping cells: (text, width, size, bold, indent)."""
    best = 0.0
    for text, width, size, bold, indent in cells:
        n = wrapped_lines(text, width, size, bold, indent)
        best = max(best, n * line_height(size) + 3)
    return min(MAX_ROW_HEIGHT, round(max(best, line_height(BODY_SIZE) + 3), 2))


def printable_units(ncols: int, landscape: bool = False) -> float:
    """The total column width (Excel units) that fits one A4 page between the margins."""
    paper = A4_HEIGHT_IN if landscape else A4_WIDTH_IN
    px = (paper - MARGIN_LEFT_IN - MARGIN_RIGHT_IN) * 96
    return (px - ncols * CELL_PAD_PX) / PX_PER_UNIT


def fit_widths(fixed: dict[str, float], flexible: str, total: float, minimum: float) -> dict[str, float]:
    """Widths for ``fixed`` columns plus ``flexible`` taking what is left of ``total``."""
    out = dict(fixed)
    out[flexible] = max(minimum, math.floor((total - sum(fixed.values())) * 10) / 10)
    return out


def set_widths(ws, widths: dict[str, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[col].width = width


def page_setup(
    ws,
    landscape: bool = False,
    fit_width: bool = True,
    title_rows: Optional[tuple[int, int]] = None,
    title_cols: Optional[str] = None,
) -> None:
    """A4, margins, page numbers, fit to one page wide, header rows repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_margins.left, ws.page_margins.right = MARGIN_LEFT_IN, MARGIN_RIGHT_IN
    ws.page_margins.top, ws.page_margins.bottom = MARGIN_TOP_IN, MARGIN_BOTTOM_IN
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages tall as the rows need
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_setup.scale = 100
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "&P/&N"  # page numbers: no words, nothing to translate
    ws.oddFooter.center.size = 9
    if title_rows:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    if title_cols:
        ws.print_title_cols = title_cols


def printable_height_pt(landscape: bool = False) -> float:
    """The height (points) rows may fill on one A4 page between the top and bottom margins."""
    paper = A4_WIDTH_IN if landscape else A4_HEIGHT_IN
    return (paper - MARGIN_TOP_IN - MARGIN_BOTTOM_IN) * 72


def paginate(rows: Sequence[tuple[int, float, bool]], page_pt: float, repeated_pt: float = 0.0, fill: float = 0.985) -> list[int]:
    """Where to break pages: the last row of every page but the last.

    ``rows`` are (row number, height in points, may start a page) in order. A page
    may start only where the reader still knows where they are: not on a form title,
    a form's own header (the repeated print titles would show it twice) or the first
    row under it, so a form title never sits alone at the foot of a page. Rows have
    explicit heights, so the sum is what the printer lays out; ``fill`` keeps a margin
    for a printer that rounds row heights up.
    """
    breaks: list[int] = []
    budget = page_pt * fill
    used, start = 0.0, 0  # index of the first row on the current page
    i = 0
    while i < len(rows):
        _, height, _ = rows[i]
        if used + height <= budget or i == start:
            used += height
            i += 1
            continue
        cut = next((j for j in range(i, start, -1) if rows[j][2]), None)
        if cut is None:  # nothing may start a page here: break where the page is full
            cut = i
        breaks.append(rows[cut - 1][0])
        start, i = cut, cut
        used = repeated_pt
        budget = page_pt * fill
    return breaks


def add_row_breaks(ws, breaks: Iterable[int]) -> None:
    from openpyxl.worksheet.pagebreak import Break

    for row in breaks:
        ws.row_breaks.append(Break(id=row))


def merged_title_height(text: str, widths: Sequence[float], size: float, bold: bool) -> float:
    """The height of a title row merged across columns of ``widths``."""
    total = sum(widths) + (len(widths) - 1) * CELL_PAD_PX / PX_PER_UNIT
    return row_height([(text, total, size, bold, 0)])
