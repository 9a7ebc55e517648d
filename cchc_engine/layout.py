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
from .messages import render, said
from .submission import RawRow, RawSubmission, level_from_unit, period_and_source, unit_from_title
from .textnorm import name_key

_FORM_ROW = re.compile(r"^bieu mau (\d+)\b")
_LEVEL_LINE = re.compile(r"^(?:bieu |ap dung |danh )?(?:cho |dung cho )?cap (xa|huyen|tinh)$")
_LEVELS = {"xa": "xã", "huyen": "huyện", "tinh": "tỉnh"}
_COLUMN_KEYS: dict[str, tuple[str, ...]] = {
    "stt": ("stt", "thu tu", "so thu tu", "tt", "so tt"),
    "name": ("chi tieu thong ke", "ten chi tieu", "chi tieu", "noi dung", "noi dung chi tieu"),
    "unit": ("don vi tinh", "dvt", "don vi"),
    "value": ("so lieu", "so luong ty le", "so luong", "ket qua", "gia tri", "so lieu bao cao", "ket qua thuc hien"),
    "note": ("ghi chu",),
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
    for sheet in grid.sheets:
        _SheetLayout(sheet, raw, markers).run()
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
    if "stt" not in cols or "name" not in cols:
        return None
    if "value" not in cols:
        if group_col is not None and "unit" in cols:
            cols["value"] = cols["unit"] + 1
        elif group_col is not None:
            cols["unit"], cols["value"] = group_col, group_col + 1
        else:
            return None
    return cols


def _is_header(texts: list[str]) -> bool:
    # "STT"/"Thứ tự" is short: most rows are told apart without folding their long names
    for t in texts:
        # an ASCII digit first ("1.1", "8") stays first in the key, and no STT header word starts with one
        if len(t) <= 12 and not "0" <= t[:1] <= "9" and col_kind(t) == "stt":
            break
    else:
        return False
    return any(col_kind(t) == "name" for t in texts)


def _is_subheader(texts: list[str]) -> bool:
    return bool(texts) and all(col_kind(t) in ("unit", "value", "group") for t in texts)


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
    def __init__(self, sheet: Sheet, raw: RawSubmission, markers: list[tuple[str, str]]):
        _normalise(sheet)
        self.sheet, self.raw, self.markers = sheet, raw, markers
        m = _FORM_ROW.match(name_key(sheet.name))
        self.form: Optional[str] = m.group(1) if m else form_of(sheet.name, markers) if markers else None
        self.cols: Optional[dict[str, int]] = None
        self.merged: Optional[tuple[int, dict]] = None
        self.pre: list[list[str]] = []  # text rows above the first header
        # what _add_row needs from the header, worked out once per header (not once per row)
        self._plan: Optional[tuple[dict[str, int], _ColumnPlan]] = None
        self.pre_numbers: list[tuple[int, int]] = []  # (row index, column) of numbers above the header

    def run(self) -> None:
        self._rows()
        self._flush_titles()
        self._note_numbers_above()

    def _note_numbers_above(self) -> None:
        """Numbers above the first header (or on a sheet with none) have no indicator: never drop them silently."""
        if not self.pre_numbers:
            return
        sheet, (i, j) = self.sheet, self.pre_numbers[0]
        first = f"{column_letter(j + 1)}{sheet.row_numbers[i]}"
        loc = Location(file=self.raw.file, sheet=sheet.name or None, cell=first if sheet.name else None,
                       row=None if sheet.name else sheet.row_numbers[i])
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

    def _rows(self) -> None:
        pending: Optional[list[Cell]] = None
        for i, cells in enumerate(self.sheet.rows):
            all_texts = _cell_texts(cells)
            texts = [t for t in all_texts if t]
            if not texts:
                if self.cols is not None and any(c.formula for c in cells):
                    self._add_row(i, cells, all_texts)  # a row whose only content is formulas without a value
                continue
            found = form_of(texts[0], self.markers) if len(texts) <= 2 else None
            if found is not None:
                self.form = found
                continue
            if _is_header(texts):
                pending = cells
                cols = header_columns([cells])
                if cols is not None and self.cols is None:
                    self.cols = cols
                    self._flush_titles()
                continue
            if pending is not None and _is_subheader(texts):
                cols = header_columns([pending, cells])
                if cols is not None:
                    self.cols = cols
                pending = None
                continue
            pending = None
            if self.cols is None:
                self.pre.append(texts)
                self.pre_numbers += [(i, j) for j, c in enumerate(cells) if _is_number(c.value)]
                continue
            self._add_row(i, cells, all_texts)

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
        coord = plan.value_letter + str(row_number)
        if sheet.name:
            location = Location(file=self.raw.file, sheet=sheet.name, cell=coord)
        else:  # pasted text: a line, not a cell
            location = Location(file=self.raw.file, row=row_number)
        if value is None and not value_c.formula and (stt or name):
            self._note_merged(row_number, coord, location)
        if n > plan.span:  # only then can a cell lie in a column the header does not name
            self._note_outside(cells, i, texts, plan.used)
        self.raw.rows.append(
            RawRow(
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

    def _note_outside(self, cells: list[Cell], i: int, texts: list[str], used: frozenset[int]) -> None:
        """A cell with content in a column the header does not name: no place for it, so say so."""
        for j, t in enumerate(texts):
            if t and j not in used:
                self._outside(cells[j], i, j)

    def _outside(self, c: Cell, i: int, j: int) -> None:
        row_number = self.sheet.row_numbers[i]
        coord = f"{column_letter(j + 1)}{row_number}"
        where = Location(file=self.raw.file, sheet=self.sheet.name, cell=coord) if self.sheet.name else Location(
            file=self.raw.file, row=row_number)
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
        if (r1, c1) == (row, col) or c1 <= cols["name"] + 1 or c1 <= cols["stt"] + 1:
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
