"""The layout stage: any cell grid (xlsx, xls, ods, a Word table, pasted text) → appendix rows.

This is the one place that knows the official appendix layout:

* the header (STT / Chỉ tiêu thống kê / Đơn vị tính / Số liệu / Ghi chú and their
  variants), in one row or two (merged "Kết quả thống kê" over "Đơn vị tính | Số
  liệu"), found on any sheet and repeated at page breaks;
* forms: "Biểu mẫu N" title rows, sheet names, and the markers a spec declares;
* title lines above the table → unit, level and period (``submission`` helpers);
* "Trong đó" rows; value cells hidden under a merged range (a warning), while a
  heading merged across the whole row, as ``cchc template`` writes it, is a heading.

Grid sources do no layout; ``pipeline.read_raw`` calls ``layout`` on every Grid.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import chain
from typing import Any, Optional

from .findings import CchcError, Finding, Location
from .grid import Cell, Grid, Sheet, column_letter
from ..text.messages import render, said
from .submission import RawRow, RawSubmission, level_from_unit, period_and_source, unit_from_title
from ..text.textnorm import name_key

_FORM_ROW = re.compile(r"^bieu mau (\d+)\b")
_LEVEL_LINE = re.compile(r"^(?:bieu |ap dung |danh )?(?:cho |dung cho )?cap (xa|huyen|tinh)$")
_LEVELS = {"xa": "xã", "huyen": "huyện", "tinh": "tỉnh"}
# The English titles are the ones `--lang en` prints (col-* in the catalogue): a report
# the tool wrote in English reads back like the Vietnamese one.
_COLUMN_KEYS: dict[str, tuple[str, ...]] = {
    "stt": ("stt", "thu tu", "so thu tu", "tt", "so tt", "no"),
    "name": ("chi tieu thong ke", "ten chi tieu", "chi tieu", "noi dung", "noi dung chi tieu", "indicator"),
    "unit": ("don vi tinh", "dvt", "don vi", "unit"),
    "value": ("so lieu", "so luong ty le", "so luong", "ket qua", "gia tri", "so lieu bao cao", "ket qua thuc hien", "value"),
    "note": ("ghi chu", "note"),
}
_MAX_HEADER_TEXT = 200  # a header cell is a few words; longer text is never compared
# A whole report before the table (a Word report, pasted text): its letterhead and the
# lines just above the table are the title lines, not the narrative in between.
TITLE_HEAD, TITLE_TAIL, TITLE_HEAD_CHARS = 5, 6, 120
TITLE_SUBJECT = 6  # lines below the head searched for the subject ("V/v …"): it follows the number and date


def layout(grid: Grid, spec: Any = None) -> RawSubmission:
    """The appendix rows of every sheet of ``grid``, with title metadata; ``spec`` is a CompiledSpec or None."""
    raw = RawSubmission(file=grid.file, findings=list(grid.findings))
    markers = spec_form_markers(spec)
    before: Optional[_SheetLayout] = None
    for sheet in grid.sheets:
        before = _SheetLayout(sheet, raw, markers, before)
        before.run()
    if not raw.rows:
        raise CchcError.make(
            "file-unreadable", location=Location(file=grid.file), file=_name(grid.file), error=said("read-no-appendix")
        )
    lines = raw.title_lines
    raw.unit = grid.unit or unit_from_label(lines) or unit_from_title(lines) or unit_from_title(grid.text_lines)
    if grid.period:
        raw.period = grid.period
    else:
        raw.period, dated = period_with_source(lines, grid.text_lines)
        if dated:  # dropped again when the officer gives --period (pipeline.resolve_metadata)
            raw.findings.append(Finding.make("period-from-date", "warning", location=Location(file=grid.file), period=raw.period))
    raw.level = grid.level or level_from_unit(raw.unit) or level_from_lines(lines + grid.text_lines)
    return raw


def period_with_source(titles: list[str], text_lines: list[str]) -> tuple[Optional[str], bool]:
    """The period the titles name; a bare year made finer by the report's own subject
    line; and whether its year is only the date the document was signed.

    An appendix title often names only a year (or only the date of the letter it is
    attached to: "… ngày 10/6/2021"), while the letter or report it came with says
    which part of the year it covers ("V/v … báo cáo CCHC 6 tháng đầu năm 2021").
    That subject line is the report's own word on its period, so a quarter, half or
    nine months of the same year it names wins over the bare year; a subject naming
    another year changes nothing. When the subject names the year (alone or finer), the
    year is the subject's word, not a guess from the date.
    """
    found, dated = period_and_source(titles)
    if found is None:
        found, dated = period_and_source(text_lines)
    if found is None or "-" in found:
        return found, dated
    stated, stated_dated = period_and_source(subject_lines(titles) + subject_lines(text_lines))
    if stated and (stated == found or stated.startswith(found + "-")):
        return stated, stated_dated
    return found, dated


_SUBJECT_KEY = re.compile(r"^v v\b|^ve viec\b")  # "V/v …" / "Về việc …" under the letter's number


def subject_lines(lines: list[str]) -> list[str]:
    """A letter's subject ("V/v …", with the line it wraps onto) and a report's title
    (the line under "BÁO CÁO"), as Vietnamese official documents print them."""
    out: list[str] = []
    for i, line in enumerate(lines):
        key = name_key(line[:_MAX_HEADER_TEXT])
        if _SUBJECT_KEY.match(key):
            out += lines[i : i + 2]
        elif key == "bao cao" and i + 1 < len(lines):
            out.append(lines[i + 1])
    return out


def spec_form_markers(spec: Any) -> list[tuple[str, str]]:
    """(folded marker text, form id) for the section markers a spec declares on its forms.

    The place for spec-declared markers ("Phần A", "Mẫu số 02/…"): a form that lists
    ``markers`` is started by a title row beginning with one of them. Without a spec,
    or with a spec that declares none, only "Biểu mẫu N" rows and sheet names count.
    """
    forms = getattr(getattr(spec, "spec", spec), "forms", None) or ()
    found = []
    for form in forms:
        for marker in getattr(form, "markers", None) or ():
            key = name_key(str(marker))
            if key:
                found.append((key, form.id))
    return found


def form_of(text: str, markers: list[tuple[str, str]]) -> Optional[str]:
    """The form a title text starts: a spec marker's form id, or N of 'Biểu mẫu N'."""
    key = name_key(text[:_MAX_HEADER_TEXT])
    for marker, form in markers:
        if key == marker or key.startswith(marker + " "):
            return form
    m = _FORM_ROW.match(key)
    return m.group(1) if m else None


_UNIT_LABEL, _PERIOD_LABEL = "đơn vị báo cáo", "kỳ báo cáo"


def unit_from_label(lines: list[str]) -> Optional[str]:
    """'Đơn vị báo cáo: xã A   Kỳ báo cáo: Quý III năm 2023' → 'xã A' (the line ``cchc template`` writes).

    The unit ends where the period label starts, so it never swallows the period;
    'UBND XÃ A' after the label is normalised as a title would be. Dots only (the
    blank form) give nothing.
    """
    for line in lines:
        line = line[:_MAX_HEADER_TEXT]
        low = line.lower()
        i = low.find(_UNIT_LABEL)
        if i < 0:
            continue
        rest = line[i + len(_UNIT_LABEL) :]
        j = rest.lower().find(_PERIOD_LABEL)
        name = " ".join((rest[:j] if j >= 0 else rest).strip(" \t:;,.…-_").split())
        if any(ch.isalpha() for ch in name):
            return unit_from_title([name]) or name
    return None


def level_from_lines(lines: list[str]) -> Optional[str]:
    """'(Cấp xã)' on a line of its own, as ``cchc template`` writes it → 'xã'."""
    for line in lines:
        m = _LEVEL_LINE.match(name_key(line[:_MAX_HEADER_TEXT]))
        if m:
            return _LEVELS[m.group(1)]
    return None


def col_kind(text: str) -> Optional[str]:
    key = name_key(text[:_MAX_HEADER_TEXT]) if len(text) <= _MAX_HEADER_TEXT else ""
    if not key:
        return None
    if key.startswith("ket qua thong ke"):
        return "group"  # the merged "Kết quả thống kê" over unit and value
    for kind, keys in _COLUMN_KEYS.items():
        for k in keys:
            if key == k or (kind in ("name", "value") and key.startswith(k)):
                return kind
    return None


def cell_text(v: Any) -> str:
    if v is None:
        return ""
    if v.__class__ is str:
        return " ".join(v.split())
    if isinstance(v, float):
        return repr(v).removesuffix(".0") if v.is_integer() else repr(v)
    return " ".join(str(v).split())


def _cell_texts(cells: list[Cell]) -> list[str]:
    """``cell_text`` of every cell of a row (inlined: this runs on every cell of every file)."""
    out = []
    for c in cells:
        v = c.value
        if v is None:
            out.append("")
        elif v.__class__ is str:
            out.append(" ".join(v.split()))
        elif v.__class__ is int:
            out.append(str(v))  # no whitespace to fold
        else:
            out.append(cell_text(v))
    return out


def header_columns(rows: list[list[Cell]]) -> Optional[dict[str, int]]:
    """Column indexes from a one- or two-row header; None when this is not a header."""
    cols: dict[str, int] = {}
    group_col: Optional[int] = None
    for cells in rows:
        for i, c in enumerate(cells):
            kind = col_kind(cell_text(c.value))
            if kind == "group":
                group_col = i if group_col is None else group_col
            elif kind and kind not in cols:
                cols[kind] = i
    if "name" not in cols or ("stt" not in cols and "value" not in cols and group_col is None):
        return None  # a header names at least the indicator and where its figure goes (or STT and name)
    if "value" not in cols:
        if group_col is not None and "unit" in cols:
            cols["value"] = cols["unit"] + 1
        elif group_col is not None:
            cols["unit"], cols["value"] = group_col, group_col + 1
        else:
            return None
    return cols


_TITLE_KEYS = frozenset(k for keys in _COLUMN_KEYS.values() for k in keys) | {"ket qua thong ke"}
_COLUMN_NUMBER = re.compile(r"^\(?(?:\d{1,2}|[A-Z])\)?$")  # "1 | 2 | 3" or "(1) | (2)" or "A | B" under a header


def _title_kind(text: str, exact: bool = False) -> Optional[str]:
    """The column a header cell names, or None; ``exact``: only a title as a whole (not 'Nội dung …')."""
    if not text or len(text) > 80 or "0" <= text[:1] <= "9":
        return None  # no column title is long or starts with a digit: most cells end here, unfolded
    kind = col_kind(text)
    if kind is not None and exact and name_key(text) not in _TITLE_KEYS:
        return None
    return kind


def title_cells(texts: list[str], note_col: Optional[int] = None,
                kinds_at: Optional[dict[int, str]] = None) -> Optional[dict[int, str]]:
    """Column → kind of the titles in a header row, or None when ``texts`` (one per column) is not one.

    A header is recognised by what it says, wherever it stands: every non-empty cell a
    column title (at least two kinds, or STT with the name), full ("STT | Chỉ tiêu |
    Đơn vị tính | Số liệu | Ghi chú") or partial ("Đơn vị tính | Số liệu" with STT and
    name blank, as the second header row repeats at a page break), with or without STT
    or the name. One title alone counts where the current header has that title's
    column ("Số liệu" under "Số liệu"). Text in the note column (``note_col``) is allowed:
    the note of the row above, continued past a page break.
    """
    found: dict[int, str] = {}
    other = 0  # a cell that is no title under "Ghi chú": the note going on
    for j, t in enumerate(texts):
        if not t:
            continue
        kind = _title_kind(t)
        if j == note_col and kind not in (None, "note") and _title_kind(t, exact=True) is None:
            kind = None  # under "Ghi chú", text is a note unless it is a title whole ("kết quả đạt được" is no "Kết quả")
        if kind is None:
            if j != note_col or other:
                # "STT | Chỉ tiêu …" is a header whatever else its row holds (text out to column 1,000);
                # any other row with a cell that is no title is not
                return found if {"stt", "name"} <= set(found.values()) else None
            other = 1
        else:
            found[j] = kind
    if not found:
        return None
    kinds = set(found.values())
    if len(found) == 1:
        (j, kind), = found.items()
        if kinds_at is None or kinds_at.get(j) != kind or _title_kind(texts[j], exact=True) is None:
            return None
    elif len(kinds) < 2 and "group" not in kinds:
        return None
    return found


def is_header_row(texts: list[str]) -> bool:
    """``texts`` (one per column) is a header row on its own, in any table (see ``title_cells``)."""
    return title_cells(texts) is not None


def table_has_header(rows: list[list[Cell]]) -> bool:
    """One of ``rows`` is an appendix header, full or partial (a source's test for 'this table is the appendix')."""
    return any(is_header_row(_cell_texts(row)) for row in rows)


def _is_column_numbers(texts: list[str]) -> bool:
    """'1 | 2 | 3 | 4 | 5' (or '(1)', 'A'): the column numbers printed under a header."""
    filled = [t for t in texts if t]
    return len(filled) >= 3 and all(_COLUMN_NUMBER.match(t) for t in filled)


_STT_TEXT = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.?|[a-zđ]\)|[-+*•])$", re.IGNORECASE)
_FIGURE_TEXT = re.compile(r"^[-+]?\d[\d.,\s]*%?$|^\d+\s*/\s*\d+$")


def _fit(texts: list[str], cols: dict[str, int]) -> int:
    """How well one row's cells fit the columns ``cols`` says: STTs under STT, names under the
    name, figures under "Số liệu" (aligning a continued table that lost a column)."""
    score = 0
    for kind, j in cols.items():
        t = texts[j] if j < len(texts) else ""
        if not t:
            continue
        figure = bool(_FIGURE_TEXT.match(t))
        if kind == "stt":
            score += 1 if _STT_TEXT.match(t) else -2
        elif kind == "name":
            score += -2 if figure or _STT_TEXT.match(t) else 1
        elif kind == "unit":
            score += -1 if figure or len(t) > 40 else 0
        elif kind == "value":
            score += 2 if figure else -1 if len(t) > 40 else 0
    return score


def _shifted(cols: dict[str, int], delta: int) -> dict[str, int]:
    return {k: v + delta for k, v in cols.items() if v + delta >= 0}


def _normalise(sheet: Sheet) -> None:
    """A plugin may fill ``rows`` directly: plain values become Cells, missing row numbers count from 1."""
    if set(map(type, chain.from_iterable(sheet.rows))) - {Cell}:  # C loops: this runs on every sheet
        sheet.rows = [[c if isinstance(c, Cell) else Cell(c) for c in row] for row in sheet.rows]
    if len(sheet.row_numbers) != len(sheet.rows):
        sheet.row_numbers = list(range(1, len(sheet.rows) + 1))


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _name(file: str) -> str:
    return re.split(r"[\\/]", file)[-1]


_EMPTY = Cell()
_NO_COLUMN = 1 << 30  # an index no row reaches: the header names no such column


class _ColumnPlan:
    """Where each field of a row is, from one header: indexes, the value column's letter."""

    __slots__ = ("stt", "name", "unit", "value", "note", "value_letter", "used", "span")

    def __init__(self, cols: dict[str, int]):
        get = lambda key: cols.get(key, _NO_COLUMN)  # noqa: E731
        self.stt, self.name, self.unit, self.value, self.note = get("stt"), get("name"), get("unit"), get("value"), get("note")
        self.value_letter = column_letter(cols["value"] + 1)
        self.used = frozenset(cols.values())
        span = 0
        while span in self.used:
            span += 1
        self.span = span  # columns 0 … span-1 are all named: a row no longer than that has no cell outside


class _SheetLayout:
    def __init__(self, sheet: Sheet, raw: RawSubmission, markers: list[tuple[str, str]],
                 before: Optional["_SheetLayout"] = None):
        _normalise(sheet)
        self.sheet, self.raw, self.markers = sheet, raw, markers
        m = _FORM_ROW.match(name_key(sheet.name))
        self.form: Optional[str] = m.group(1) if m else form_of(sheet.name, markers) if markers else None
        self.cols: Optional[dict[str, int]] = None
        self.width = 0  # columns of the block whose header gave ``cols``
        self.merged: Optional[tuple[int, dict]] = None
        self.pre: list[list[str]] = []  # text rows above the first header
        # what _add_row needs from the header, worked out once per header (not once per row)
        self._plan: Optional[tuple[dict[str, int], _ColumnPlan]] = None
        self.pre_numbers: list[tuple[int, int]] = []  # (row index, column) of numbers above the header
        self.last_row: Optional[RawRow] = None  # the row a note continued on the next row belongs to
        # the last header that named every column it has, and the width of its table: what a
        # continued table of another width is aligned against, and a partial header completed from
        self.header: Optional[dict[str, int]] = None
        self.header_width = 0
        self._kinds_at: Optional[tuple[dict[str, int], dict[int, str]]] = None  # column → kind, per header
        if before is not None and sheet.continues and before.cols is not None:
            # a table continued after a page break: the same header, form and last row
            self.cols, self.width, self.form, self.last_row = before.cols, before.width, before.form, before.last_row
            self.header, self.header_width = before.header, before.header_width
            self._align_continuation()

    def run(self) -> None:
        self._rows()
        self._flush_titles()
        self._note_numbers_above()

    def _note_numbers_above(self) -> None:
        """Numbers above the first header (or on a sheet with none) have no indicator: never drop them silently."""
        if not self.pre_numbers:
            return
        sheet, (i, j) = self.sheet, self.pre_numbers[0]
        loc, first = self._where(i, j)
        if self.cols is None:
            self.raw.findings.append(Finding.make(
                "sheet-without-header", "warning", location=loc, sheet=sheet.name, count=len(self.pre_numbers), cell=first))
            return
        for i, j in self.pre_numbers:
            self._outside(sheet.rows[i][j], i, j)

    def _flush_titles(self) -> None:
        """Title lines of this sheet: all of a short block; the head and the tail of a long
        one, and the subject line ("V/v …", the title under "BÁO CÁO") just below its head."""
        pre, self.pre = self.pre, []
        if len(pre) > TITLE_HEAD + TITLE_TAIL:
            # a title is a short line; a paragraph of the narrative is not
            def short(t: list[str]) -> bool:
                return all(len(x) < TITLE_HEAD_CHARS for x in t)

            below = [t[0] for t in pre[TITLE_HEAD : TITLE_HEAD + TITLE_SUBJECT] if short(t) and len(t) == 1]
            subject = [[line] for line in subject_lines(below)]
            pre = [t for t in pre[-TITLE_TAIL:] if short(t)] + [t for t in pre[:TITLE_HEAD] if short(t)] + subject
        for texts in pre:
            self.raw.title_lines.extend(texts)

    def _align_continuation(self) -> None:
        """A continued table of another width with no header of its own (a 4-column continuation
        without its STT column after 5-column tables): the columns whose contents fit best."""
        rows = self.sheet.rows
        width = max((len(r) for r in rows), default=0)
        if not width or any(is_header_row(_cell_texts(r)) for r in rows[:10]):
            return
        if self.header is not None and width == self.header_width:
            self.cols, self.width = self.header, width  # back to the header's own table width
            return
        if width == self.width:
            return
        cols = self.header or self.cols
        assert cols is not None
        base = self.header_width if self.header is not None else self.width
        best: Optional[tuple[int, int, dict[str, int]]] = None
        for delta in sorted(range(-2, 3), key=lambda d: (d != width - base, abs(d))):
            cand = {k: v for k, v in _shifted(cols, delta).items() if v < width}
            if "name" not in cand or "value" not in cand:
                continue
            score = sum(_fit(_cell_texts(r), cand) for r in rows[:60])
            if best is None or score > best[0]:
                best = (score, delta, cand)
        if best is not None:
            self.cols, self.width = best[2], width

    def _rows(self) -> None:
        pending: Optional[list[Cell]] = None  # the header row just above, for a two-row header
        after_header = False
        for i, cells in enumerate(self.sheet.rows):
            all_texts = _cell_texts(cells)
            texts = [t for t in all_texts if t]
            if not texts:
                if self.cols is not None and any(c.formula for c in cells):
                    self._add_row(i, cells, all_texts)  # a row whose only content is formulas without a value
                continue
            found = form_of(texts[0], self.markers) if len(texts) <= 2 else None
            if found is not None:
                self.form, self.last_row = found, None  # a note never goes on into another form
                continue
            # a row whose first cell is a figure or an STT ("1.2.") is no header: most rows end here
            first = texts[0][:1]
            titles = None if "0" <= first <= "9" else self._titles(all_texts)
            if titles is not None:
                self._header(i, cells, all_texts, titles, pending)
                pending, after_header = cells, True
                continue
            if after_header and _is_column_numbers(all_texts):
                continue  # "1 | 2 | 3 | 4 | 5" under the header
            pending, after_header = None, False
            if self.cols is None:
                self.pre.append(texts)
                self.pre_numbers += [(i, j) for j, c in enumerate(cells) if _is_number(c.value)]
                continue
            note = self.cols.get("note")
            if note is not None and len(texts) == 1 and note < len(all_texts) and all_texts[note] \
                    and not any(c.formula for c in cells) and self._continue_note(i, note, all_texts[note]):
                continue  # a row holding only a note: the rest of the note above
            self._add_row(i, cells, all_texts)

    def _titles(self, texts: list[str]) -> Optional[dict[int, str]]:
        cols = self.cols
        if cols is None:
            return title_cells(texts)
        if self._kinds_at is None or self._kinds_at[0] is not cols:
            self._kinds_at = (cols, {v: k for k, v in cols.items()})
        return title_cells(texts, cols.get("note"), self._kinds_at[1])

    def _header(self, i: int, cells: list[Cell], texts: list[str], titles: dict[int, str],
                pending: Optional[list[Cell]]) -> None:
        """A header row, anywhere: the columns it names (with the row above when that was a
        header too); a partial one moves the current columns to where its titles stand."""
        width = len(cells)
        cols = header_columns([pending, cells]) if pending is not None else None
        cols = cols or header_columns([cells])
        if self.header is not None:
            # what this header does not name stays where the last full header put it,
            # moved as far as the titles both name have moved
            old = self.header
            for kind in ("value", "unit", "name", "note", "stt"):
                at = [j for j, k in titles.items() if k == kind]
                if at and kind in old:
                    moved = _shifted(old, at[0] - old[kind])
                    taken = set((cols or {}).values())
                    cols = {**{k: v for k, v in moved.items() if v not in taken}, **(cols or {})}
                    break
        if cols is None and "value" in titles.values() and "unit" in titles.values():
            unit = next(j for j, k in titles.items() if k == "unit")
            if unit >= 1:  # "Đơn vị tính | Số liệu" first: the name and STT stand left of them
                cols = {"name": unit - 1, "unit": unit, **{k: j for j, k in titles.items() if k != "unit"}}
                if unit >= 2:
                    cols["stt"] = unit - 2
        if cols is not None and "name" in cols and "value" in cols:
            if self.cols is None:
                self.cols = cols
                self._flush_titles()
            self.cols = cols
            self.width = max((len(r) for r in self.sheet.rows), default=width)
            if "stt" in cols or self.header is None:
                self.header, self.header_width = cols, self.width
        note = self.cols.get("note") if self.cols else None
        if note is not None and note < len(texts) and texts[note] and note not in titles:
            self._continue_note(i, note, texts[note])  # (with no row above, a note of nothing: no value lost)

    def _continue_note(self, i: int, col: int, text: str) -> bool:
        """The rest of the note of the row above, cut by a page break: joined to it, and said."""
        row = self.last_row
        if row is None:
            return False
        where, _ = self._where(i, col)
        row.note = f"{row.note} {text}".strip() if row.note else text
        self.raw.findings.append(Finding.make(
            "note-continued", "info", location=where, text=text if len(text) <= 60 else text[:60] + "…",
            name=(row.name.strip() or row.stt.strip())[:80]))
        return True

    def _where(self, i: int, j: int) -> tuple[Location, str]:
        """The location of ``rows[i][j]`` and how a message names it ('D14', 'Bảng 4, dòng 13', 'dòng 7')."""
        sheet, number = self.sheet, self.sheet.row_numbers[i]
        if sheet.table is not None:
            return (Location(file=self.raw.file, sheet=sheet.name, table=sheet.table, row=number),
                    render("location-table-row", {"table": sheet.table, "row": number}))
        coord = f"{column_letter(j + 1)}{number}"
        if sheet.name:
            return Location(file=self.raw.file, sheet=sheet.name, cell=coord), coord
        return Location(file=self.raw.file, row=number), coord  # pasted text: a line, not a cell

    def _column_plan(self) -> "_ColumnPlan":
        cols = self.cols
        assert cols is not None
        if self._plan is None or self._plan[0] is not cols:
            self._plan = (cols, _ColumnPlan(cols))
        return self._plan[1]

    def _add_row(self, i: int, cells: list[Cell], texts: list[str]) -> None:
        plan = self._plan[1] if self._plan is not None and self._plan[0] is self.cols else self._column_plan()
        n = len(cells)
        stt = texts[plan.stt] if plan.stt < n else ""
        if stt[:1] in ("T", "t") and name_key(stt[:_MAX_HEADER_TEXT]) == "trong do":
            stt = ""
        name = texts[plan.name] if plan.name < n else ""
        value_c = cells[plan.value] if plan.value < n else _EMPTY
        value = value_c.value
        if isinstance(value, str) and not value.strip():
            value = None
        sheet = self.sheet
        row_number = sheet.row_numbers[i]
        if sheet.table is not None:  # a document's table: "Bảng 4, dòng 13"
            location, coord = self._where(i, plan.value)
        elif sheet.name:
            coord = plan.value_letter + str(row_number)
            location = Location(file=self.raw.file, sheet=sheet.name, cell=coord)
        else:  # pasted text: a line, not a cell
            coord = plan.value_letter + str(row_number)
            location = Location(file=self.raw.file, row=row_number)
        if value is None and not value_c.formula and (stt or name):
            self._note_merged(row_number, coord, location)
        if n > plan.span:  # only then can a cell lie in a column the header does not name
            self._note_outside(cells, i, texts, plan.used)
        self.raw.rows.append(
            row := RawRow(
                stt,
                name,
                texts[plan.unit] if plan.unit < n else "",
                value,
                texts[plan.note] if plan.note < n else "",
                self.form,
                location,
                value_c.percent and isinstance(value, (int, float)),
                value_c.formula and value is None,
            )
        )
        if stt or name or value is not None:
            self.last_row = row

    def _note_outside(self, cells: list[Cell], i: int, texts: list[str], used: frozenset[int]) -> None:
        """A cell with content in a column the header does not name: no place for it, so say so."""
        for j, t in enumerate(texts):
            if t and j not in used:
                self._outside(cells[j], i, j)

    def _outside(self, c: Cell, i: int, j: int) -> None:
        where, coord = self._where(i, j)
        if self.sheet.table is not None:
            coord = render("location-table-column", {"place": coord, "column": j + 1})
        raw = cell_text(c.value)
        self.raw.findings.append(Finding.make(
            "cell-outside-table", "warning", location=where, cell=coord, raw=raw if len(raw) <= 60 else raw[:60] + "…"))

    def _note_merged(self, row: int, coord: str, location: Location) -> None:
        """A value cell hidden under a merged range: its value is the range's first cell's, for one row only.

        A range that also covers the name (or STT) column is a heading merged across the
        row — a form title as ``cchc template`` writes it — not a hidden value.
        """
        cols = self.cols
        assert cols is not None
        col = cols["value"] + 1
        if self.merged is None or self.merged[0] != col:
            self.merged = (col, _merge_index(self.sheet, col))
        m = self.merged[1].get(row)
        if m is None:
            return
        r1, c1, r2, c2 = m
        if (r1, c1) == (row, col) or c1 <= cols["name"] + 1 or c1 <= cols.get("stt", -1) + 1:
            return
        ref = f"{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"
        self.raw.findings.append(Finding.make("merged-value-cell", "warning", location=location, cell=coord, range=ref))


_MERGE_WORK = 1_000_000  # overlapping ranges are invalid in Excel; a file full of them gets no more than this


def _merge_index(sheet: Sheet, col: int) -> dict[int, tuple[int, int, int, int]]:
    """Row number → the merged range covering column ``col`` on that row (rows the sheet has only)."""
    rows = sheet.row_numbers  # increasing
    index: dict[int, tuple[int, int, int, int]] = {}
    work = 0
    for m in sheet.merges:
        if not m[1] <= col <= m[3]:
            continue
        for k in range(bisect_left(rows, m[0]), bisect_right(rows, m[2])):
            index.setdefault(rows[k], m)
            work += 1
        if work > _MERGE_WORK:
            break
    return index
