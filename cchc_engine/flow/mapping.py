"""Map the rows a reader found to the spec's indicators.

A row maps by its STT within its form, confirmed by its name; when the STT is
missing, reused or wrong, by its name (compared without accents, case,
punctuation or footnote marks), preferring the next unused indicator in
template order (so the two "Tổng số hồ sơ TTHC đã giải quyết xong" rows land
under their own ratios, and rows with identical texts go under the heading they
sit beneath). A later row never silently overwrites an earlier one.

Rows that are not where the header says are put back first: a row typed one
column to the left (its name in the STT column, its unit in the name column, its
number in the unit column, nothing under "Số liệu") is re-aligned with an ``info``
finding; a number that still has no place is an ``error`` at its cell, never a
value that silently vanishes. Fuzzy name matching needs a name of three words or
more that is not just a unit ("TTHC", "Hồ sơ" match nothing by similarity).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Optional

from .findings import Finding, Location
from .grid import column_letter
from ..spec.runtime import CompiledSpec
from ..spec.runtime import Form, Indicator  # the runtime form: what the engine is given
from .submission import Cell, RawRow, RawSubmission, Submission
from ..text.textnorm import name_key, stt_key

_FORM_NUM = re.compile(r"(\d+)")
_FUZZY_MIN = 0.8
_CONFIRM_MIN = 0.5
_FUZZY_MIN_WORDS = 3  # one shared word scores 0.85: a name of fewer syllables (units aside) is no guide
_STT = re.compile(r"^(?:\d+(?:\.\d+)*|[ivxlc]+(?:\.\d+)*|[a-zđ]\)?|[-+*•])$")
_NUMBER = re.compile(r"^[-+]?\d[\d.,\s]*%?$|^\d+\s*/\s*\d+$")
_CELL = re.compile(r"^([A-Z]+)(\d+)$")
# Units seen in the templates (DOMAIN.md) besides those the spec declares.
_UNIT_WORDS = (
    "Nhiệm vụ", "Văn bản", "Cơ quan/đơn vị", "Cơ quan, đơn vị", "Vấn đề", "Số lượng", "Thủ tục", "TTHC", "Hồ sơ",
    "Người", "Triệu đồng", "Đơn vị", "Ban", "Tổ chức", "PAKN", "Cuộc", "Lần", "Quy trình", "Chỉ tiêu", "Cặp file",
    "Quyết định", "Điểm", "Phiếu", "Đồng", "Tỷ lệ", "Số", "Cơ quan",
)


def _words(key: str) -> frozenset[str]:
    return frozenset(key.split())


def _similarity(a: str, b: str) -> float:
    """Word-set overlap; a name truncated before its '(…)' remark still scores high."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    wa, wb = _words(a), _words(b)
    inter = len(wa & wb)
    return inter / max(1, min(len(wa), len(wb))) * (0.9 if a.startswith(b) or b.startswith(a) else 0.85)


@dataclass
class _Target:
    ind: Indicator
    form: Form
    order: int
    keys: tuple[str, ...]
    # worked out once per spec and level (the Mapper is kept for every file of a run)
    key_set: frozenset[str] = frozenset()
    stt_key: str = ""  # stt_key of the STT printed at the Mapper's level
    applies: bool = True  # reported at the Mapper's level


class Mapper:
    """Per spec and level: lookup tables built once, reused for every file."""

    def __init__(self, compiled: CompiledSpec, level: str):
        self.compiled = compiled
        self.level = level
        spec = compiled.spec
        self.targets: list[_Target] = []
        self.by_stt: dict[tuple[str, str], _Target] = {}
        # every target printing an STT in a form: more than one where the spec says the STT repeats
        self.all_by_stt: dict[tuple[str, str], list[_Target]] = {}
        self.by_name: dict[str, list[_Target]] = {}
        self.form_by_num: dict[str, Form] = {}
        self.single_form: Optional[Form] = spec.forms[0] if len(spec.forms) == 1 else None
        self.parent: dict[str, Optional[str]] = {}
        for form in spec.forms:
            stack = [(ind, None) for ind in reversed(form.indicators)]
            while stack:
                ind, parent = stack.pop()
                self.parent[ind.id] = parent
                stack += [(child, ind.id) for child in reversed(ind.children)]
        self.unit_keys = {name_key(u) for u in _UNIT_WORDS} | {name_key(ind.unit) for _, ind in spec.indicators()}
        self.unit_keys.discard("")
        self.unit_words = sorted(self.unit_keys, key=len, reverse=True)  # longest first: "co quan don vi" before "don vi"
        for fi, form in enumerate(spec.forms):
            num = _FORM_NUM.search(form.label or form.id)
            self.form_by_num[num.group(1) if num else str(fi + 1)] = form
            self.form_by_num[form.id] = form
        order = 0
        for form, ind in spec.indicators():
            if not ind.printed:
                continue  # no row of its own: derived, or read from another row's Ghi chú
            names = {ind.name_for(level), ind.name, *ind.aliases, *ind.name_at.values()}
            keys = tuple(sorted({name_key(n) for n in names if n}))
            stt = stt_key(ind.stt_for(level))
            target = _Target(ind, form, order, keys, frozenset(keys), stt, ind.applies_to(level))
            order += 1
            self.targets.append(target)
            if stt and target.applies:
                self.by_stt.setdefault((form.id, stt), target)
                self.all_by_stt.setdefault((form.id, stt), []).append(target)
            for k in keys:
                self.by_name.setdefault(k, []).append(target)

    def form_for(self, hint: Optional[str]) -> Optional[Form]:
        if self.single_form is not None:
            return self.single_form
        if not hint:
            return None
        if hint in self.form_by_num:
            return self.form_by_num[hint]
        m = _FORM_NUM.search(hint)
        return self.form_by_num.get(m.group(1)) if m else None

    def _score(self, target: _Target, key: str) -> float:
        if key and key in target.key_set:
            return 1.0  # the most a similarity gives, and only for equal keys: the usual case, without the loop
        return max((_similarity(key, k) for k in target.keys), default=0.0)

    def match(
        self, row: RawRow, used: set[str], last_order: int, context: Optional[str] = None,
        later: Optional[Counter] = None, key: Optional[str] = None, stt: Optional[str] = None,
    ) -> tuple[Optional[_Target], bool]:
        """(target, matched_by_stt). ``context``: the heading the row sits under; ``later``: name keys of the rows below.

        ``key``/``stt``: the row's ``name_key``/``stt_key`` when the caller has them already."""
        form = self.form_for(row.form)
        if key is None:
            key = name_key(row.name)
        if stt is None:
            stt = stt_key(row.stt)
        if form is not None and stt:
            printed = self.all_by_stt.get((form.id, stt), ())
            if len(printed) == 1:  # the usual case: one indicator prints this STT
                t = printed[0]
                if t.ind.id not in used and (not key or key in t.key_set or self._score(t, key) >= _CONFIRM_MIN):
                    return t, True
                cands = []
            else:
                cands = [
                    t for t in printed
                    if t.ind.id not in used and (not key or self._score(t, key) >= _CONFIRM_MIN)
                ]
            if len(cands) == 1:
                return cands[0], True
            if cands:
                # a repeated STT: the best name wins; among equal names (the same text under two
                # headings: BCCI "Cấp huyện" / "Cấp xã") the one under the heading above the row
                scores = [self._score(t, key) if key else 0.0 for t in cands]
                top = max(scores)
                tied = [t for t, sc in zip(cands, scores) if sc == top]
                return (tied[0] if len(tied) == 1 else self._closest(tied, last_order, context)), True
        if not key:
            return None, False
        in_form = lambda t: form is None or t.form.id == form.id  # noqa: E731
        exact = [t for t in self.by_name.get(key, ()) if in_form(t) and t.ind.id not in used]
        if len(exact) == 1:
            return exact[0], False
        if exact:
            return self._closest(exact, last_order, context), False
        if self._content_words(key) < _FUZZY_MIN_WORDS:
            return None, False  # "TTHC", "Hồ sơ TTHC": units and a shared word say nothing about which row this is
        no_value = _blank(row.value)
        best: list[tuple[float, _Target]] = []
        for t in self.targets:
            if in_form(t) and t.ind.id not in used:
                if no_value and later and any(later.get(k, 0) > 0 for k in t.keys):
                    continue  # a row below names it exactly: a guess carrying no value must not take it
                s = self._score(t, key)
                if s >= _FUZZY_MIN:
                    best.append((s, t))
        if best:
            top = max(s for s, _ in best)
            return self._closest([t for s, t in best if s == top], last_order, context), False
        return None, False

    def _content_words(self, key: str) -> int:
        """Syllables of a name key that are not unit words ("ho so tthc" → 0)."""
        text = f" {key} "
        for unit in self.unit_words:
            text = text.replace(f" {unit} ", " ")
        return len(text.split())

    def _under(self, ind_id: str, heading: Optional[str]) -> bool:
        parent = self.parent.get(ind_id)
        while heading is not None and parent is not None:
            if parent == heading:
                return True
            parent = self.parent.get(parent)
        return False

    def _closest(self, cands: list[_Target], last_order: int, context: Optional[str] = None) -> _Target:
        # Identical texts: the one under the heading the row sits beneath, then one applicable at this
        # level, then the next one after the last mapped row.
        def rank(t: _Target) -> tuple[int, int, int]:
            after = t.order - last_order
            return (
                0 if self._under(t.ind.id, context) else 1,
                0 if t.applies else 1,
                after if after > 0 else 10_000 - after,
            )

        return min(cands, key=rank)

    def realign(self, row: RawRow) -> Optional[RawRow]:
        """The row put back one column to the right when it was typed one column to the left, else None.

        Shifted: text that is no STT in the STT column, a unit word (or nothing) in the
        name column, a number (or nothing) in the unit column, nothing under "Số liệu".
        """
        if not _blank(row.value):
            return None  # (first: most rows carry a value, and every test here is side-effect free)
        stt, name, unit = row.stt.strip(), row.name.strip(), row.unit.strip()
        stt_words = name_key(stt).split()
        if len(stt_words) < 2 or stt_words == ["trong", "do"] or _STT.match(stt_key(stt)):
            return None
        if name and name != "%" and name_key(name) not in self.unit_keys:
            return None
        if (unit and not _NUMBER.match(unit)) or not (name or unit):
            return None
        return replace(row, stt="", name=stt, unit=name, value=unit or None, percent_format=False,
                       formula_without_value=False, location=_left(row.location))

    def map(self, raw: RawSubmission, level: str) -> Submission:
        sub = Submission(file=raw.file, unit=raw.unit, level=level, period=raw.period, findings=list(raw.findings))
        cov = sub.coverage
        rows: list[tuple[RawRow, bool]] = []
        for row in raw.rows:
            fixed = self.realign(row)
            if fixed is not None:
                sub.findings.append(Finding.make(
                    "row-shifted", "info", location=fixed.location, name=fixed.name, unit=fixed.unit,
                    raw=_text(fixed.value), cell=_place(fixed.location)))
            rows.append((fixed or row, fixed is not None))
        keys = [name_key(row.name) for row, _ in rows]
        later = Counter(keys)
        used: set[str] = set()
        first_at: dict[str, Location] = {}  # made a text only for the rare duplicate that names it
        last_order = -1
        context: Optional[str] = None
        for (row, shifted), key in zip(rows, keys):
            later[key] -= 1
            has_value = not _blank(row.value)
            if not row.name.strip() and not has_value:
                continue
            cov.values += has_value
            stt = stt_key(row.stt)
            target, by_stt = self.match(row, used, last_order, context, later, key, stt)
            if target is None:
                # a second row with an already mapped name: say so instead of dropping it silently
                dup = self._duplicate_of(row, used)
                if shifted and has_value:
                    cov.drop("value-not-placed")
                    sub.findings.append(Finding.make(
                        "value-not-placed", "error", location=row.location, name=row.name.strip(),
                        raw=_text(row.value), cell=_place(row.location)))
                elif dup is not None and has_value:
                    cov.drop("duplicate-row")
                    sub.findings.append(
                        Finding.make(
                            "duplicate-row",
                            _duplicate_severity(sub, dup, row.value),
                            indicator=dup,
                            location=row.location,
                            name=row.name,
                            first=str(first_at[dup]) if dup in first_at else "?",
                            raw=_text(row.value),
                        )
                    )
                elif has_value or (row.stt.strip() and not self._is_heading(row)):
                    if has_value:
                        cov.drop("unmapped-row")
                    sub.findings.append(
                        Finding.make(
                            "unmapped-row",
                            "error" if has_value else "warning",  # a value that reached no indicator
                            location=row.location,
                            stt=row.stt.strip(),
                            name=row.name.strip(),
                            raw=_text(row.value),
                        )
                    )
                continue
            ind = target.ind
            used.add(ind.id)
            cov.matched += ind.type != "group"  # a heading alone does not make a file an appendix
            last_order = target.order
            context = ind.id if ind.children else self.parent.get(ind.id)
            first_at[ind.id] = row.location
            if not has_value and ind.type != "group" and _NUMBER.match(row.unit.strip()):
                # a number under "Đơn vị tính" and nothing under "Số liệu": it must not vanish
                where = _left(row.location)
                cov.values += 1
                cov.drop("value-not-placed")
                sub.findings.append(Finding.make(
                    "value-not-placed", "error", indicator=ind.id, location=where, name=row.name.strip(),
                    raw=row.unit.strip(), cell=_place(where)))
            if not by_stt and stt and stt != (target.stt_key if level == self.level else stt_key(ind.stt_for(level))):
                sub.findings.append(
                    Finding.make(
                        "stt-mismatch",
                        "info",
                        indicator=ind.id,
                        location=row.location,
                        stt=row.stt.strip(),
                        expected=ind.stt_for(level),
                        name=ind.name_for(level),
                    )
                )
            if ind.type == "group":
                if has_value:
                    cov.drop("value-on-group")
                    sub.findings.append(
                        Finding.make(
                            "value-on-group", "info", indicator=ind.id, location=row.location, name=row.name, raw=_text(row.value)
                        )
                    )
                continue
            sub.cells[ind.id] = Cell(
                indicator=ind.id,
                value=row.value,
                raw_text=_text(row.value),
                location=row.location,
                note=row.note,
                percent_format=row.percent_format,
                formula_without_value=row.formula_without_value,
            )
            cov.placed += has_value
        return sub

    def _duplicate_of(self, row: RawRow, used: set[str]) -> Optional[str]:
        form = self.form_for(row.form)
        key = name_key(row.name)
        for t in self.by_name.get(key, []):
            if t.ind.id in used and (form is None or t.form.id == form.id):
                return t.ind.id
        stt = stt_key(row.stt)
        if form is not None and stt:
            t = self.by_stt.get((form.id, stt))
            if t is not None and t.ind.id in used and self._score(t, key) >= _CONFIRM_MIN:
                return t.ind.id
        return None

    def _is_heading(self, row: RawRow) -> bool:
        return not row.unit.strip()

    def map_values(self, raw: RawSubmission, level: str) -> Submission:
        """Plain submissions: values keyed by indicator id or by STT (within a form when given)."""
        sub = Submission(file=raw.file, unit=raw.unit, level=level, period=raw.period, findings=list(raw.findings))
        index = self.compiled.spec.index()
        cov = sub.coverage
        for rv in raw.values:
            has_value = not _blank(rv.value)
            cov.values += has_value
            ind = index.get(rv.key)
            if ind is None:
                form = self.form_for(rv.form)
                if form is None and "/" in rv.key:
                    form_hint, _, stt = rv.key.partition("/")
                    form = self.form_for(form_hint)
                else:
                    stt = rv.key
                t = self.by_stt.get((form.id, stt_key(stt))) if form is not None else None
                ind = t.ind if t is not None else None
            if ind is None:
                if has_value:
                    cov.drop("unmapped-row")
                sub.findings.append(
                    Finding.make(
                        "unmapped-row", "error" if has_value else "warning", location=rv.location, stt=rv.key, name="",
                        raw=_text(rv.value),
                    )
                )
                continue
            cov.matched += ind.type != "group"
            if ind.id in sub.cells:
                if has_value:
                    cov.drop("duplicate-row")
                sub.findings.append(
                    Finding.make(
                        "duplicate-row",
                        _duplicate_severity(sub, ind.id, rv.value),
                        indicator=ind.id,
                        location=rv.location,
                        name=ind.name,
                        first=str(sub.cells[ind.id].location),
                        raw=_text(rv.value),
                    )
                )
                continue
            if ind.type == "group":
                if has_value:
                    # a sender who keys a value to a heading meant some indicator: the value is lost
                    cov.drop("value-on-group")
                    sub.findings.append(
                        Finding.make(
                            "value-on-group", "error", indicator=ind.id, location=rv.location, name=ind.name,
                            raw=_text(rv.value),
                        )
                    )
                continue
            sub.cells[ind.id] = Cell(ind.id, rv.value, _text(rv.value), rv.location, note=rv.note)
            cov.placed += has_value
        return sub


def _duplicate_severity(sub: Submission, first_id: str, value: object) -> str:
    """A second row that repeats the kept value loses nothing; a different value is an error."""
    kept = sub.cells.get(first_id)
    same = kept is not None and _text(kept.value) == _text(value)
    return "warning" if same or _blank(value) else "error"


def _left(location: Location) -> Location:
    """The same row one column to the left ('D14' → 'C14'): where a shifted row's value really is."""
    m = _CELL.match(location.cell or "")
    if not m:
        return location
    n = 0
    for ch in m.group(1):
        n = n * 26 + ord(ch) - 64
    return replace(location, cell=f"{column_letter(max(1, n - 1))}{m.group(2)}")


def _place(location: Location) -> str:
    """How a message names where a value is: 'D14', or 'Bảng 4, dòng 13' in a Word table."""
    if location.cell:
        return location.cell
    if location.table is not None and location.row is not None:
        from ..text.messages import render

        return render("location-table-row", {"table": location.table, "row": location.row})
    return ""


# Values the layout stage or a source could not place, said by a finding at their cell:
# counted in the stats with those the mapping drops (placed + dropped = values in the file).
_DROPPED_BEFORE_MAPPING = {"cell-outside-table": None, "cells-beyond-columns": "count", "sheet-without-header": "count"}


def _count_dropped_before(raw: RawSubmission, sub: Submission) -> None:
    cov = sub.coverage
    for f in raw.findings:
        if f.code in _DROPPED_BEFORE_MAPPING:
            key = _DROPPED_BEFORE_MAPPING[f.code]
            n = int(f.values.get(key, 1) or 0) if key else 1
            cov.values += n
            cov.dropped_by[f.code] = cov.dropped_by.get(f.code, 0) + n


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_NOTE_NUMBER = re.compile(r"\d{1,18}(?:[.,]\d{1,18}){0,6}(?:[ \t]{0,3}%)?")
_NOTE_SCAN = 500  # characters of a Ghi chú searched for a figure


def note_figure(note: str, which: int = 1) -> Optional[str]:
    """The ``which``-th figure written in a Ghi chú, in reading order ('Đạt 17%' → '17%'; of
    'Năm 2023 đạt 17%' the first is '2023', the second '17%'); the value parser reads it.

    A figure is digits with '.' or ',' groups and an optional '%' after it; only the
    first 500 characters of the note are searched."""
    for i, m in enumerate(_NOTE_NUMBER.finditer(note[:_NOTE_SCAN]), start=1):
        if i == which:
            return m.group(0)
    return None


def _cells_from_notes(sub: Submission, compiled: CompiledSpec) -> None:
    """Indicators declared ``note_of: <row>`` take the figure written in that row's Ghi chú
    (the ``note_figure``-th, default the first)."""
    index = compiled.spec.index()
    for ind_id, src_id in compiled.note_of.items():
        src = sub.cells.get(src_id)
        if src is None or ind_id in sub.cells or not src.note:
            continue
        figure = note_figure(src.note, index[ind_id].note_figure)
        if figure is None:
            continue
        sub.cells[ind_id] = Cell(indicator=ind_id, value=figure, raw_text=figure, location=src.location)


_MOSTLY_UNMAPPED_MIN = 3  # fewer unmapped rows than this is a typo, not a wrong file


def _judge_unmapped(raw: RawSubmission, sub: Submission) -> None:
    """A file whose rows mostly match nothing is not a report to call valid; say why when we can.

    Names typed in a legacy font (TCVN3/VNI) match nothing: the font is named,
    an error when most rows failed, a warning when the STTs saved the mapping.
    """
    from ..text.textnorm import legacy_font

    unmapped = [f for f in sub.findings[len(raw.findings) :] if f.code == "unmapped-row"]
    mostly = len(unmapped) >= _MOSTLY_UNMAPPED_MIN and len(unmapped) > len(sub.cells)
    font = legacy_font(row.name for row in raw.rows)
    if font is not None:
        sample = next((r for r in raw.rows if legacy_font([r.name]) is not None), raw.rows[0])
        sub.findings.append(
            Finding.make(
                "legacy-font",
                "error" if mostly else "warning",
                location=sample.location,
                font=font,
                sample=sample.name.strip()[:60],
            )
        )
    if mostly:
        sub.findings.append(
            Finding.make(
                "most-rows-unmapped",
                "error",
                location=unmapped[0].location,
                unmapped=len(unmapped),
                mapped=len(sub.cells),
            )
        )


def map_submission(raw: RawSubmission, compiled: CompiledSpec, level: str, mapper: Optional[Mapper] = None) -> Submission:
    """Rows or keyed values → a Submission of cells by indicator id."""
    from .coverage import require_appendix

    mapper = mapper or Mapper(compiled, level)
    sub = mapper.map(raw, level) if raw.rows else mapper.map_values(raw, level)
    _count_dropped_before(raw, sub)
    if raw.rows:
        _judge_unmapped(raw, sub)
    if raw.rows and raw.values:
        extra = mapper.map_values(RawSubmission(file=raw.file, values=raw.values), level)
        for k, v in extra.cells.items():
            sub.cells.setdefault(k, v)
        sub.findings.extend(extra.findings)
        sub.coverage.merge(extra.coverage)
    if compiled.note_of:
        _cells_from_notes(sub, compiled)
    if not any(f.code == "legacy-font" for f in sub.findings):
        # a legacy-font file is an appendix whose names cannot be read: that error says more
        require_appendix(sub.coverage, raw.file, compiled.spec.id)
    return sub

