"""Built-in grid source for .xlsx: no openpyxl on the read path.

The package around the sheets (rels, workbook, styles, shared strings) is read by
``xlsx_book``; this module reads the cells of each sheet, whatever the part is
named or encoded (UTF-16), counting them against the limits: a plain sheet by one
expat check and one scan of its cells, anything else by the streaming expat pass
(``_SheetParser``). Layout is not done here (``cchc_engine.flow.layout``). Why not
python-calamine or ElementTree: README.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any, Callable, Optional
from xml.parsers import expat

from ..flow.grid import Cell, Grid, column_letter
from ..hookspecs import hookimpl
from ..text.messages import render
from ..text.textnorm import clean_cell_text
from . import container as C
from .xlsx_book import Book


def _what() -> str:
    """What the file is, for reasons shown to the user (catalogue ``kind-xlsx``)."""
    return render("kind-xlsx", {})


_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})")
_RANGE = re.compile(r"([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})")


class XlsxReader:
    name = "xlsx"
    suffixes = (".xlsx", ".xlsm")
    description = "Appendix workbook (.xlsx) in the Ministry of Home Affairs' layout"

    def __init__(self) -> None:
        # What the files of one template repeat (references, cell tags, texts), worked out
        # once per reader: a reader belongs to one plugin host, so to its Sessions only.
        self.memos = _Memos()

    def sniff(self, path: Path) -> bool:
        # An OLE2 file that is not an .xls (an .xlsx with a password) is claimed, so the user is
        # told what it is instead of "no reader"; a zip only when it holds a workbook (a Word
        # report, an .ods or another zip is left to the readers that know it).
        try:
            with open(path, "rb") as fh:
                head = fh.read(4)
            if head == C.OLE_MAGIC[:4]:
                return C.ole_kind(path) != "xls"  # a password-protected .xlsx: said so; an .xls is xls's
            if head != b"PK\x03\x04":
                return False
            with zipfile.ZipFile(path) as zf:
                return "xl/workbook.xml" in zf.namelist()
        except zipfile.BadZipFile:
            return True  # a damaged zip: say so ("bị hỏng") rather than "no reader"
        except OSError:
            return False

    def read(self, path: Path, options: Optional[dict] = None) -> Grid:
        # (An .xls or .ods under this suffix never gets here: pipeline.pick_reader reads the
        # content and gives it to its own reader.)
        try:
            with C.open_zip(path, _what()) as zf:
                return _read(Book(zf, path, set(zf.namelist()), self.memos.parts), self.memos)
        except Exception as exc:  # zipfile, zlib, expat and our own refusals: one located line
            raise C.describe(exc, path, _what()) from None


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _number(text: str):
    """'5' → 5, '0.7674' → 0.7674, as openpyxl; a number Python refuses (4,300+ digits) stays text for values.py."""
    try:
        return float(text) if ("." in text or "e" in text or "E" in text) else int(text)
    except ValueError:
        return clean_cell_text(text)


def _ref(r: str) -> Optional[tuple[int, int]]:
    """"B12" → (12, 2); None for anything else."""
    m = _REF.fullmatch(r)
    return (int(m.group(2)), _col_number(m.group(1))) if m else None


class _SheetParser:
    """Cells of one sheet part, counted against the limits as they come.

    Two ways to the same cells. A part small enough to hold whole (``SCAN_MAX``),
    UTF-8, without a DTD and well-formed (one expat pass with no Python handler) is
    read by one regular-expression scan of its rows and cells (``_scan``), which
    knows only the shapes spreadsheet writers produce. Anything else in the part —
    a tag it does not expect, a comment, a limit reached, XML expat refuses — sends
    the whole sheet, from a clean state, to the streaming expat path
    (``start``/``end``/``text``), which is the authority: it refuses, counts and
    reports exactly as it always did. Why not ElementTree: README, speed.

    The streaming handlers run once per element (thousands per file): the open cell
    lives in plain attributes (``ct``/``cs``/``cv``/``cf``/``cis``, ``inc`` while
    inside a ``<c>``) and the common tags are tested first."""

    def __init__(self, book: Book, name: str, memos: "_Memos"):
        self.book, self.sheet, self.memos = book, book.grid.add_sheet(name), memos
        self.budget = book.budget
        self._reset()

    def _reset(self) -> None:
        self.rows: dict[int, dict[int, Cell]] = {}
        self.row = self.col = self.cells = self.nrows = 0
        self.beyond = C.Beyond()
        self.sheet.merges.clear()
        self.sheet.rows.clear()
        self.sheet.row_numbers.clear()
        self.inc = False
        self.ct, self.cs, self.cv, self.cf, self.cis = "n", "0", None, False, None
        self.buf: list[str] = []
        self.collect = False
        self.skip = 0

    def start(self, tag: str, a: dict) -> None:
        if ":" in tag:
            tag = C.local(tag)
        if tag == "c":
            self.cells += 1
            budget = self.budget
            budget.cells_total += 1
            if self.cells > C.MAX_CELLS:
                raise C.Refused("read-too-many-cells-sheet", sheet=self.sheet.name, max=C.MAX_CELLS)
            if budget.cells_total > C.MAX_CELLS_TOTAL:
                raise C.Refused("read-too-many-cells", max=C.MAX_CELLS_TOTAL)
            rc = self.memos.ref(a.get("r", ""))
            if rc is not None:
                self.row, self.col = rc
            else:
                self.col += 1
            self.inc = True
            self.ct, self.cs, self.cv, self.cf, self.cis = a.get("t", "n"), a.get("s", "0"), None, False, None
        elif self.inc and (tag == "v" or tag == "t" or tag == "f"):
            self.buf.clear()
            self.collect = not self.skip
            if tag == "f":
                self.cf = True
        elif tag == "row":
            self.nrows += 1
            if self.nrows > C.MAX_ROWS:
                raise C.Refused("read-too-many-rows", sheet=self.sheet.name, max=C.MAX_ROWS)
            self.row = int(a["r"]) if a.get("r", "").isdigit() else self.row + 1
            self.col = 0
        elif tag == "rPh":
            self.skip += 1
        elif tag == "mergeCell":
            self._merge(a.get("ref", ""))

    def _merge(self, ref: str) -> None:
        got = self.memos.merge(ref)
        if got is None:
            return
        if len(self.sheet.merges) < C.MAX_CELLS:
            self.sheet.merges.append(got)

    def text(self, s: str) -> None:
        if self.collect:  # only kept text costs memory: that is what the budget counts
            self.budget.add_text(len(s))
            self.buf.append(s)

    def end(self, tag: str) -> None:
        if not self.inc:
            return
        if ":" in tag:
            tag = C.local(tag)
        if tag == "v":
            self.cv = "".join(self.buf)
        elif tag == "c":
            self.inc = False
            self._cell(self.row, self.col, self.ct, self.cv, self.cs, self.cis, self.cf)
        elif tag == "t":
            self.cis = (self.cis or "") + "".join(self.buf)
        elif tag == "rPh":
            self.skip -= 1
        self.collect = False

    def _value(self, t: str, v: Optional[str], s: str, cis: Optional[str], cf: bool) -> tuple:
        """(value, percent, formula) of one cell from its type, raw value, style and inline text."""
        v = v or None
        value = None
        book = self.book
        if t == "inlineStr":
            value = clean_cell_text(cis) if cis is not None else None
        elif v is not None:
            if t == "s":
                value = book.strings[int(v)]
            elif t in ("str", "e"):
                value = clean_cell_text(v)
            elif t == "b":
                flag = v.strip().lower()
                # anything but 0/1/true/false stays text: values.py reports it instead of a guessed False
                value = flag in ("1", "true") if flag in ("0", "1", "true", "false") else clean_cell_text(v)
            elif t == "d":
                try:
                    value = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
                except ValueError:
                    value = clean_cell_text(v)  # kept as text: values.py says what is wrong with it
            else:
                value = _number(v)
                style = int(s) if s.isdigit() else 0
                if isinstance(value, (int, float)) and style < len(book.date) and book.date[style]:
                    try:
                        value = _from_excel(value, book.epoch)
                    except (OverflowError, ValueError):
                        value = "#VALUE!"  # a date format on a serial no date can have, as openpyxl reads it
        pct = False
        if isinstance(value, (int, float)):
            style = int(s) if s.isdigit() else 0
            pct = style < len(book.percent) and book.percent[style]
        return value, pct, cf and value is None

    def _cell(self, row: int, col: int, t: str, v: Optional[str], s: str, cis: Optional[str], cf: bool) -> None:
        value, pct, formula = self._value(t, v, s, cis, cf)
        cells = self.rows.get(row)
        if cells is not None and col in cells:
            # Excel never writes a cell twice; a second copy would silently replace the first
            raise C.Refused("read-duplicate-cell", sheet=self.sheet.name, cell=f"{column_letter(col)}{row}")
        if (value is None or value == "") and not formula:
            return
        if col > C.MAX_COLS:
            self.beyond.add(row, col)
            return
        if cells is None:
            cells = self.rows[row] = {}
        cells[col] = Cell(value, pct, formula)

    def run(self, part: str) -> None:
        data = _scan_bytes(self.book.zf, part)
        if data is not None:
            saved = self.budget.cells_total, self.budget.text
            try:
                self._scan(data)
            except Exception:  # noqa: BLE001 — not understood or refused: the streaming path decides
                self.budget.cells_total, self.budget.text = saved
                self._reset()
                data = None
        sheet = self.sheet
        if data is None:
            C.parse_part(self.book.zf, part, self.start, self.end, self.text)
        for number in sorted(self.rows):
            cells = self.rows[number]
            sheet.rows.append([cells[j] if j in cells else Cell() for j in range(1, max(cells) + 1)])
            sheet.row_numbers.append(number)
        self.beyond.report(self.book.grid, sheet.name)

    # -- the scan path -----------------------------------------------------------

    def _scan(self, data: bytes) -> None:
        """Read a checked part by its tokens; raise ``_Fallback`` for whatever the stream must decide."""
        expat.ParserCreate().Parse(data, True)  # well-formed, or the stream says exactly how it is not
        s = data.decode("utf-8")
        if s[:1] == "\ufeff":
            s = s[1:]
        if "<!" in s or s.find("<?", 2 if s.startswith("<?xml") else 0) >= 0:
            raise _Fallback  # a comment, CDATA or instruction: a "<" that opens no element
        # Well-formed, no comment/CDATA/instruction: every "<" now opens or closes an element
        # (attribute values and text cannot hold one), so a search for tags is exact.
        i = s.find("<sheetData>")
        j = s.find("</sheetData>", i) if i >= 0 else -1
        if i < 0 or j < 0:
            i = j = len(s)
        for outside in (s[:i], s[j:]):
            for m in _ACTED_ON.finditer(outside):
                merge = _MERGE.match(outside, m.start())
                if merge is None:
                    raise _Fallback  # a cell, row or phonetic run where the stream would see it
                self._merge(merge.group(1))
        i = min(i + 11, j)  # after "<sheetData>"
        memos = self.memos
        budget, value_of, text = self.budget, self._value, memos.text
        found = _CELL.findall(s, i, j)
        # At most as many rows as tags starting "<row" (a <rowX> too: the bound is only stricter)
        nrows = s.count("<row", i, j)
        if nrows > C.MAX_ROWS or len(found) > C.MAX_CELLS or budget.cells_total + len(found) > C.MAX_CELLS_TOTAL:
            raise _Fallback
        # Every "<" in <sheetData> must belong to a tag named row… or to a cell read here:
        # then no <c>, <rPh> or <mergeCell> the stream acts on was skipped (rows carry
        # nothing here: every cell read has its own reference). Exact, see above.
        lt = nrows + s.count("</row", i, j)
        inline_memo, heads, max_cols = memos.inlines, memos.heads, C.MAX_COLS
        rows, numbers = self.sheet.rows, self.sheet.row_numbers
        row: list = []
        last = 0
        text_len = 0
        for head, v, inline, f, close in found:
            row_no, col, key, st, t, closed = heads.get(head) or memos.head(head)
            # Cells in reading order (as every writer stores them) go straight into rows; a
            # cell out of order (or written twice) is left to the stream, which sorts or refuses.
            if key <= last:
                raise _Fallback
            last = key
            if closed:  # <c …/>: nothing to keep
                if v or inline or f or close:
                    raise _Fallback  # what follows it is not its content
                lt += 1
                continue
            if not close:
                raise _Fallback  # content of another shape
            if not (v or inline or f):  # <c …></c>
                lt += 2
                continue
            if inline and t == "inlineStr":  # what openpyxl writes for text
                lt += 6
                got = inline_memo.get(inline)
                if got is None:
                    got = memos.inline(inline)
                value, n = got
                text_len += n
                if not value:
                    continue
                pct = formula = False
            else:
                cv = cis = None
                if v:
                    lt += 4
                    cv = text(v[3:])
                    text_len += len(cv)
                elif inline:
                    lt += 6
                    cis = text(inline[inline.index(">") + 1 :])
                    text_len += len(cis)
                else:
                    lt += 2 + f.count("<")
                    m = _FORMULA.fullmatch(f)
                    text_len += len(text(m.group(1) or ""))
                    if m.group(2) is not None:
                        cv = text(m.group(2))
                        text_len += len(cv)
                value, pct, formula = value_of(t, cv, st, cis, bool(f))
                if (value is None or value == "") and not formula:
                    continue
            if col > max_cols:
                self.beyond.add(row_no, col)
                continue
            if not numbers or numbers[-1] != row_no:
                row = []
                rows.append(row)
                numbers.append(row_no)
            if len(row) + 1 < col:
                row.extend([Cell() for _ in range(col - 1 - len(row))])
            row.append(Cell(value, pct, formula))
        if lt != s.count("<", i, j):
            raise _Fallback  # a tag of another shape: the stream reads it
        budget.cells_total += len(found)
        budget.text += text_len
        if budget.text > C.MAX_TEXT:
            raise _Fallback
        self.cells, self.nrows = len(found), nrows


class _Fallback(Exception):
    """The scan met something only the streaming path may decide."""


SCAN_MAX = 2 * 1024 * 1024  # uncompressed bytes of a sheet part read whole (a real appendix: 10–300 KB)
_DECL = re.compile(rb"<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._-]{1,40})[\"']")
# Tags the stream acts on wherever they are (any prefix); outside <sheetData> only a plain
# <mergeCell ref="…"/> may be one of them.
_ACTED_ON = re.compile(r"<(?:[^\s/>:]+:)?(?:c|row|rPh|mergeCell)[\s/>]")
_MERGE = re.compile(r'<mergeCell\s+ref="([^"&\s<]*)"\s*/>')
_ATTRS = r'(?:\s+[\w:.-]+="[^"]*")*'
# The shapes spreadsheet writers give a cell, one match each: reference, the other
# attributes (then ``_head``), and the content <v>, <is><t> or <f>[<v>] up to </c>. What
# a match leaves out ("<"s not counted, no </c>) sends the sheet to the stream.
_CELL = re.compile(
    r'<c r="([A-Z]{1,3}[0-9]{1,7}"[^>]*)>'
    r'(?:(<v>[^<]*)</v>|<is>(<t(?: xml:space="preserve")?>[^<]*)</t></is>'
    r"|(<f" + _ATTRS + r'\s*(?:/>|>[^<]*</f>)(?:<v>[^<]*</v>)?))?(</c>)?'
)
_FORMULA = re.compile(r"<f" + _ATTRS + r"\s*(?:/>|>([^<]*)</f>)(?:<v>([^<]*)</v>)?")
_ATTR_LIST = re.compile(r'(?:\s+[\w:.-]+="[^"&\t\n\r]*")*\s*')
_ATTR = re.compile(r'([\w:.-]+)="([^"]*)"')
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _entity(m: re.Match) -> str:
    name = m.group(1)
    if name[0] != "#":
        return _NAMED[name]
    return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))


# Texts as written (char references: up to 8 bytes a Vietnamese letter) → decoded. The
# template's few hundred texts recur in every file; what is unique to a file (names,
# notes, figures) only fills the memos, so they are small: a worker's memory must not
# grow with the files it reads (bench: parent RSS N=3300/N=1000 with --jobs 1).
_MEMO_ENTRIES, _MEMO_RAW_CHARS = 2048, 1024
_REFS_MAX, _MERGES_MAX = 100_000, 10_000


class _Memos:
    """What one reader has worked out from the texts of the files it read: each answer a
    function of its text alone, bounded (emptied when full). The scan path needs them
    (bench figures in issue 23: without, a file costs ~1.5 ms more CPU)."""

    __slots__ = ("refs", "merges", "heads", "decoded", "inlines", "parts")

    def __init__(self) -> None:
        self.refs: dict[str, tuple[int, int]] = {}  # "B12" → (12, 2)
        self.merges: dict[str, tuple[int, int, int, int]] = {}  # "A1:B2" → (1, 1, 2, 2)
        self.heads: dict[str, tuple[int, int, int, str, str, bool]] = {}
        self.decoded: dict[str, str] = {}
        self.inlines: dict[str, tuple[str, int]] = {}  # an inline <t> as written → (value, characters)
        self.parts: dict[tuple[str, str, bytes], Any] = {}  # parsed rels/workbook/styles (xlsx_book.Book.memo)

    def ref(self, r: str) -> Optional[tuple[int, int]]:
        got = self.refs.get(r)
        if got is None:
            got = _ref(r)
            if got is None:
                return None
            if len(self.refs) >= _REFS_MAX:
                self.refs.clear()
            self.refs[r] = got
        return got

    def merge(self, ref: str) -> Optional[tuple[int, int, int, int]]:
        got = self.merges.get(ref)
        if got is None:
            m = _RANGE.fullmatch(ref[:30])
            if not m:
                return None
            c1, r1, c2, r2 = _col_number(m.group(1)), int(m.group(2)), _col_number(m.group(3)), int(m.group(4))
            got = (min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))
            if len(self.merges) >= _MERGES_MAX:
                self.merges.clear()
            self.merges[ref] = got
        return got

    def head(self, head: str) -> tuple[int, int, int, str, str, bool]:
        """``D7" s="1" t="n"`` (a cell's tag after ``r="``) → (row, column, order key, s, t, self-closing).

        The other attributes as expat would give them: double-quoted values with no
        reference or white space to normalise (else the stream)."""
        ref, _, attrs = head.partition('"')
        closed = attrs.endswith("/")
        body = attrs[:-1] if closed else attrs
        if not _ATTR_LIST.fullmatch(body):
            raise _Fallback
        found = dict(_ATTR.findall(body))
        row, col = self.ref(ref)
        got = (row, col, row * 65536 + col, found.get("s", "0"), found.get("t", "n"), closed)
        if len(self.heads) >= 4 * _MEMO_ENTRIES:  # a template has ~700 heads; a run, a few templates
            self.heads.clear()
        self.heads[head] = got
        return got

    def text(self, raw: str) -> str:
        """Character data as expat gives it: line ends normalised, then references replaced
        (writers such as openpyxl store every Vietnamese letter as ``&#7897;``)."""
        if "&" not in raw and "\r" not in raw:
            return raw
        got = self.decoded.get(raw)
        if got is None:
            got = raw.replace("\r\n", "\n").replace("\r", "\n") if "\r" in raw else raw
            got = _ENTITY.sub(_entity, got)
            if len(raw) <= _MEMO_RAW_CHARS:
                if len(self.decoded) >= _MEMO_ENTRIES:
                    self.decoded.clear()
                self.decoded[raw] = got
        return got

    def inline(self, raw: str) -> tuple[str, int]:
        """``<t>text`` (or ``<t xml:space="preserve">text``) → (the cell's value, characters it counts)."""
        text = self.text(raw[raw.index(">") + 1 :])
        got = (clean_cell_text(text), len(text))
        if len(raw) <= _MEMO_RAW_CHARS:
            if len(self.inlines) >= _MEMO_ENTRIES:
                self.inlines.clear()
            self.inlines[raw] = got
        return got


def _scan_bytes(zf: zipfile.ZipFile, part: str) -> Optional[bytes]:
    """The part's bytes when the scan may take it: small, UTF-8, no DTD; else None (the stream)."""
    try:
        if zf.getinfo(part).file_size > SCAN_MAX:
            return None
    except KeyError:
        return None
    data = zf.read(part)
    if len(data) > SCAN_MAX or b"\x00" in data[:256] or b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return None  # UTF-16 (or a NUL the parser refuses), or a DTD: the stream refuses or reads it
    head = data[3:300] if data[:3] == b"\xef\xbb\xbf" else data[:300]
    if head[:5] == b"<?xml":
        m = _DECL.match(head)
        if m and m.group(1).lower() not in (b"utf-8", b"utf8"):
            return None
    elif head[:1] in (b"\xfe", b"\xff"):
        return None
    return data


def _read(book: Book, memos: _Memos) -> Grid:
    for name, part in book.sheets():
        _SheetParser(book, name, memos).run(part)
    return book.grid


def _from_excel(value: float, epoch: dt.datetime):
    """A serial date as openpyxl gives it (time of day alone for 0 ≤ v < 1; the 1900 leap-year bug)."""
    day, fraction = divmod(value, 1)
    diff = dt.timedelta(milliseconds=round(fraction * 86_400_000))
    if 0 <= value < 1 and diff.days == 0:
        return (dt.datetime.min + diff).time()
    if 0 < value < 60 and epoch.year == 1899:
        day += 1
    return epoch + dt.timedelta(days=day) + diff


@hookimpl
def register_readers(register: Callable[..., None]) -> None:
    register(XlsxReader())
