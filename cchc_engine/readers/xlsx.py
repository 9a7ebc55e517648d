"""Built-in reader: the official appendix layout in an .xlsx workbook (openpyxl).

It finds the header (STT / Chỉ tiêu thống kê / Đơn vị tính / Số liệu / Ghi chú and
their variants, one or two rows, repeated at page breaks) on any sheet, follows
"Biểu mẫu N" title rows or sheet names to know the form, and keeps every row
with its raw value, number format and cell address. Mapping rows to
indicators is shared with every other reader (mapping.py).
"""

from __future__ import annotations

import itertools
import re
import zipfile
from pathlib import Path
from typing import Any, Callable, Optional

from ..findings import CchcError, Location
from ..hookspecs import hookimpl
from ..submission import RawRow, RawSubmission, level_from_unit, period_from_title, unit_from_title
from ..textnorm import name_key

MAX_ROWS = 20_000  # non-empty rows per sheet; a real appendix has ~150
MAX_EMPTY_RUN = 5_000  # this many empty rows in a row: the rest of the sheet is formatting
MAX_COLS = 60  # columns read per row
# openpyxl parses every cell of a row (~20,000 cells a second), whatever max_col says:
# cells are counted in the raw XML first, so 1,000 columns or 50,000 rows are refused
# in a second instead of parsed for a minute. A real appendix has ~1,500 cells.
MAX_CELLS = 50_000  # per sheet
MAX_CELLS_TOTAL = 100_000  # per workbook
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # refuse zip bombs before parsing
MAX_MEMBERS = 5_000  # parts in the zip; a workbook has a few dozen
XML_PROLOG = 4096  # bytes of each XML part searched for a DOCTYPE before parsing

_FORM_ROW = re.compile(r"^bieu mau (\d+)\b")
_COLUMN_KEYS: dict[str, tuple[str, ...]] = {
    "stt": ("stt", "thu tu", "so thu tu", "tt"),
    "name": ("chi tieu thong ke", "ten chi tieu", "chi tieu", "noi dung", "noi dung chi tieu"),
    "unit": ("don vi tinh", "dvt", "don vi"),
    "value": ("so lieu", "so luong ty le", "so luong", "ket qua", "gia tri", "so lieu bao cao", "ket qua thuc hien"),
    "note": ("ghi chu",),
}


def _col_kind(text: str) -> Optional[str]:
    key = name_key(text)
    if not key:
        return None
    if key.startswith("ket qua thong ke"):
        return "group"  # the merged "Kết quả thống kê" over unit and value
    for kind, keys in _COLUMN_KEYS.items():
        for k in keys:
            if key == k or (kind in ("name", "value") and key.startswith(k)):
                return kind
    return None


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v).removesuffix(".0") if v.is_integer() else repr(v)
    return re.sub(r"\s+", " ", str(v)).strip()


class XlsxReader:
    name = "xlsx"
    suffixes = (".xlsx", ".xlsm")
    description = "Bảng phụ lục Excel (.xlsx) theo mẫu của Bộ Nội vụ"

    def sniff(self, path: Path) -> bool:
        # An OLE2 file (.xls, or an .xlsx with a password) is claimed too, so the
        # user is told what it is instead of "no reader".
        try:
            with open(path, "rb") as fh:
                head = fh.read(4)
        except OSError:
            return False
        return head == b"PK\x03\x04" or head == _OLE_MAGIC[:4]

    def read(self, path: Path, options: Optional[dict] = None) -> RawSubmission:
        """Read the workbook; every failure, whatever raised it, is a located 'file-unreadable'."""
        try:
            return _read(path)
        except CchcError:
            raise
        except RecursionError:
            raise _unreadable(path, "cấu trúc XML lồng nhau quá sâu") from None
        except MemoryError:
            raise _unreadable(path, "không đủ bộ nhớ để đọc tệp") from None
        except Exception as exc:  # openpyxl, zipfile, zlib, XML parsers raise many kinds
            raise _unreadable(path, _describe(exc)) from None


def _read(path: Path) -> RawSubmission:
    wb, scan = _open(path)
    raw = RawSubmission(file=str(path))
    wb_formulas = None
    try:
        if scan.formulas:
            # data_only=True gives the cached value (None when Excel never computed it);
            # a second, formula-only pass tells the two kinds of None apart.
            import openpyxl

            wb_formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
        for i, ws in enumerate(wb.worksheets):
            ws_f = wb_formulas.worksheets[i] if wb_formulas is not None else None
            merges = scan.merges.get(getattr(ws, "_worksheet_path", ""), [])
            _read_sheet(ws, raw, path, ws_f, merges)
    finally:
        wb.close()
        if wb_formulas is not None:
            wb_formulas.close()
    if not raw.rows:
        raise _unreadable(
            path, "không tìm thấy bảng phụ lục (dòng tiêu đề STT / Chỉ tiêu thống kê / Số liệu) trên trang tính nào"
        )
    raw.unit = unit_from_title(raw.title_lines)
    raw.period = period_from_title(raw.title_lines)
    raw.level = level_from_unit(raw.unit)
    return raw


def _unreadable(path: Path, error: str) -> CchcError:
    return CchcError.make("file-unreadable", location=Location(file=str(path)), file=path.name, error=error)


def _vn(n: int) -> str:
    return f"{n:,}".replace(",", ".")


_ENTITY_ERROR = "tệp chứa khai báo DOCTYPE/ENTITY trong XML (có thể là tệp độc hại, kiểu 'billion laughs'); tệp bị từ chối"


def _describe(exc: BaseException) -> str:
    """A short Vietnamese reason for an exception raised while reading a workbook."""
    import zlib
    from xml.etree.ElementTree import ParseError

    try:
        from defusedxml import DefusedXmlException
    except ImportError:  # pragma: no cover - defusedxml is a dependency
        DefusedXmlException = ()  # type: ignore[assignment]
    detail = str(exc)
    detail = detail if len(detail) <= 200 else detail[:200] + "…"
    seen: BaseException | None = exc
    for _ in range(10):  # openpyxl wraps what the XML parser raised
        if seen is None:
            break
        if DefusedXmlException and isinstance(seen, DefusedXmlException):
            return _ENTITY_ERROR
        seen = seen.__cause__ or seen.__context__
    if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError)):
        return f"tệp .xlsx bị hỏng: dữ liệu nén không đọc được ({detail})"
    if isinstance(exc, ParseError):
        return f"tệp .xlsx bị hỏng: XML không hợp lệ ({detail})"
    return f"tệp .xlsx bị hỏng ({type(exc).__name__}: {detail})"


# -- before openpyxl: what the file is, and whether it is safe to parse ---------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DOCTYPE = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]{1,3}[0-9]+:[A-Z]{1,3}[0-9]+)\"")


class _Scan:
    """What a pass over the raw sheet XML found: formulas anywhere, merged ranges per part."""

    def __init__(self) -> None:
        self.formulas = False
        self.merges: dict[str, list[tuple[int, int, int, int, str]]] = {}


def _ole_kind(path: Path) -> str:
    """'encrypted' (an .xlsx with a password) or 'xls' or '' from the OLE2 directory names.

    The directory entries carry UTF-16 names; looking for them in the first MBs is
    enough for the files Excel writes, and needs no compound-file parser.
    """
    with open(path, "rb") as fh:
        data = fh.read(8 * 1024 * 1024)
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        return "encrypted"
    if "Workbook".encode("utf-16-le") in data or "Book\0".encode("utf-16-le") in data:
        return "xls"
    return ""


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end
            return False
    return b"\0" not in head


def _open(path: Path):
    with open(path, "rb") as fh:
        head = fh.read(512)
    if not head:
        raise _unreadable(path, "tệp rỗng (0 byte), không phải tệp Excel .xlsx")
    if head.startswith(_OLE_MAGIC[:4]):
        kind = _ole_kind(path)
        if kind == "encrypted":
            error = "tệp được đặt mật khẩu (mã hóa); hãy mở bằng Excel, bỏ mật khẩu (File › Info › Protect Workbook) và lưu lại dạng .xlsx"
        elif kind == "xls":
            error = "định dạng Excel 97-2003 (.xls); hãy mở bằng Excel và lưu lại dạng .xlsx (không đặt mật khẩu)"
        else:
            error = "tệp được đặt mật khẩu (mã hóa) hoặc là định dạng Excel 97-2003 (.xls); hãy bỏ mật khẩu và lưu lại dạng .xlsx"
        raise _unreadable(path, error)
    if not head.startswith(b"PK"):
        if _looks_like_text(head):
            raise _unreadable(path, "không phải tệp Excel .xlsx mà là tệp văn bản (CSV/TXT đổi đuôi?); hãy dùng đúng đuôi tệp (.csv, .json)")
        raise _unreadable(path, "không phải tệp Excel .xlsx")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise _unreadable(path, f"tệp nén có quá nhiều thành phần ({_vn(len(infos))} > {_vn(MAX_MEMBERS)})")
            total = sum(i.file_size for i in infos)
            names = {i.filename for i in infos}
            if total > MAX_UNCOMPRESSED:
                # file_size is what zipfile will inflate at most (it stops there and checks the CRC)
                raise _unreadable(
                    path,
                    f"nội dung giải nén quá lớn ({_vn(total // (1024 * 1024))} MB > {_vn(MAX_UNCOMPRESSED // (1024 * 1024))} MB; "
                    "có thể là tệp 'zip bomb'); tệp bị từ chối",
                )
            if "xl/workbook.xml" not in names:
                kind = "tệp OpenDocument (.ods)" if "content.xml" in names else "tệp nén không phải bảng tính Excel"
                raise _unreadable(path, f"{kind}; hãy mở bằng Excel/LibreOffice và lưu lại dạng .xlsx")
            scan = _scan_parts(zf, infos, path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise _unreadable(path, f"tệp .xlsx bị hỏng ({exc})") from None
    import openpyxl  # lazy: keeps `cchc --help` fast

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True), scan
    except Exception as exc:  # openpyxl raises many kinds on broken parts
        raise _unreadable(path, _describe(exc)) from None


def _scan_parts(zf: zipfile.ZipFile, infos: list, path: Path) -> _Scan:
    """Refuse XML with a DOCTYPE (entity expansion) and note formulas and merged cells, in one cheap pass."""
    import zlib

    scan = _Scan()
    total_cells = 0
    for info in infos:
        name = info.filename
        if not name.endswith((".xml", ".rels", ".vml")):
            continue
        is_sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
        try:
            with zf.open(info) as fh:
                first = fh.read(XML_PROLOG)
                if any(tag in first for tag in _DOCTYPE):
                    raise _unreadable(path, f"{_ENTITY_ERROR} (phần '{name}')")
                if not is_sheet:
                    continue
                tail = b""
                chunk = first
                merges: list[tuple[int, int, int, int, str]] = []
                rows = cells = 0
                while chunk:
                    buf = tail + chunk
                    if not scan.formulas and _FORMULA.search(buf):
                        scan.formulas = True
                    # tags are short: one wholly in the 256-byte tail was counted with the previous chunk
                    rows += sum(1 for m in _ROW.finditer(buf) if m.end() > len(tail))
                    cells += sum(1 for m in _CELL.finditer(buf) if m.end() > len(tail))
                    if rows > MAX_ROWS:
                        raise _unreadable(path, _too_many_rows(_part_title(zf, name)))
                    if cells > MAX_CELLS or total_cells + cells > MAX_CELLS_TOTAL:
                        what = (
                            f"trang tính '{_part_title(zf, name)}' có hơn {_vn(MAX_CELLS)} ô"
                            if cells > MAX_CELLS
                            else f"bảng tính có hơn {_vn(MAX_CELLS_TOTAL)} ô"
                        )
                        raise _unreadable(
                            path,
                            f"{what} (giới hạn đọc; một phụ lục thật có khoảng 1.500 ô); "
                            "hãy xóa các dòng, cột thừa hoặc chép bảng phụ lục sang tệp riêng",
                        )
                    for m in _MERGE.finditer(buf):
                        ref = m.group(1).decode("ascii")
                        if m.end() > len(tail):  # a match wholly in the tail was counted already
                            merges.append(_range(ref))
                    tail = buf[-256:]
                    chunk = fh.read(1024 * 1024)
                scan.merges[name] = merges
                total_cells += cells
        except (zlib.error, zipfile.BadZipFile, EOFError) as exc:
            raise _unreadable(path, f"tệp .xlsx bị hỏng: phần '{name}' không giải nén được ({exc})") from None
    return scan


_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")


def _too_many_rows(sheet: str) -> str:
    return (
        f"trang tính '{sheet}' có hơn {_vn(MAX_ROWS)} dòng (giới hạn đọc; một phụ lục thật có khoảng 150 dòng); "
        "hãy xóa các dòng thừa hoặc chép bảng phụ lục sang tệp riêng"
    )


def _part_title(zf: zipfile.ZipFile, part: str) -> str:
    """The sheet's title for a part name, from workbook.xml and its rels; the part name if unknown."""
    try:
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
        book = zf.read("xl/workbook.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return part
    target = part.removeprefix("xl/")
    m = re.search(r'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="/?(?:xl/)?' + re.escape(target) + '"', rels)
    m = m or re.search(r'<Relationship\b[^>]*?Target="/?(?:xl/)?' + re.escape(target) + '"[^>]*?Id="([^"]+)"', rels)
    if m:
        s = re.search(r'<(?:\w+:)?sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="' + re.escape(m.group(1)) + '"', book)
        if s:
            import html

            return html.unescape(s.group(1))
    return part


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _range(ref: str) -> tuple[int, int, int, int, str]:
    """'D10:E12' → (min_col, min_row, max_col, max_row, ref)."""
    a, b = ref.split(":")
    ma, mb = re.match(r"([A-Z]+)(\d+)", a), re.match(r"([A-Z]+)(\d+)", b)
    c1, r1, c2, r2 = _col_number(ma.group(1)), int(ma.group(2)), _col_number(mb.group(1)), int(mb.group(2))
    return min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2), ref


def _header_columns(rows: list[tuple]) -> Optional[dict[str, int]]:
    """Column indexes from a one- or two-row header; None when this is not a header."""
    cols: dict[str, int] = {}
    group_col: Optional[int] = None
    for cells in rows:
        for i, c in enumerate(cells):
            kind = _col_kind(_text(c.value)) if c is not None else None
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


def _is_header(cells: tuple) -> bool:
    kinds = {_col_kind(_text(c.value)) for c in cells if c is not None and c.value is not None}
    return "stt" in kinds and "name" in kinds


def _is_subheader(cells: tuple) -> bool:
    texts = [_text(c.value) for c in cells if c is not None and c.value not in (None, "")]
    return bool(texts) and all(_col_kind(t) in ("unit", "value", "group") for t in texts)


def _read_sheet(ws, raw: RawSubmission, path: Path, ws_formulas=None, merges=()) -> None:
    sheet_form = None
    m = _FORM_ROW.match(name_key(ws.title))
    if m:
        sheet_form = m.group(1)
    form = sheet_form
    cols: Optional[dict[str, int]] = None
    pending_header: Optional[tuple] = None
    n = 0
    empty_run = 0
    rows = ws.iter_rows(max_col=MAX_COLS)
    formula_rows = ws_formulas.iter_rows(max_col=MAX_COLS) if ws_formulas is not None else itertools.repeat(None)
    for cells, fcells in zip(rows, formula_rows):
        texts = [_text(c.value) for c in cells if c is not None and c.value not in (None, "")]
        if not texts and not (fcells and any(_is_formula(c) for c in fcells)):
            empty_run += 1
            if empty_run > MAX_EMPTY_RUN:
                break  # rows of formatting only (or a stray cell far below): nothing more to read
            continue
        empty_run = 0
        n += 1
        if n > MAX_ROWS:
            raise _unreadable(path, _too_many_rows(ws.title))
        if not texts:
            if cols is not None:  # a row whose only content is formulas without a value
                _add_row(cells, cols, form, ws.title, raw, path, fcells, merges)
            continue
        first_key = name_key(texts[0])
        fm = _FORM_ROW.match(first_key)
        if fm and len(texts) <= 2:
            form = fm.group(1)
            continue
        if _is_header(cells):
            pending_header = cells
            found = _header_columns([cells])
            if found is not None and cols is None:
                cols = found
            continue
        if pending_header is not None and _is_subheader(cells):
            found = _header_columns([pending_header, cells])
            if found is not None:
                cols = found
            pending_header = None
            continue
        pending_header = None
        if cols is None:
            raw.title_lines.extend(texts)
            continue
        _add_row(cells, cols, form, ws.title, raw, path, fcells, merges)


def _is_formula(cell) -> bool:
    return cell is not None and getattr(cell, "data_type", None) == "f"


def _cell(cells: tuple, i: Optional[int]):
    if i is None or i >= len(cells):
        return None
    return cells[i]


def _add_row(
    cells: tuple, cols: dict[str, int], form: Optional[str], sheet: str, raw: RawSubmission, path: Path,
    fcells: Optional[tuple] = None, merges=(),
) -> None:
    stt_c, name_c, unit_c = _cell(cells, cols["stt"]), _cell(cells, cols["name"]), _cell(cells, cols.get("unit"))
    value_c, note_c = _cell(cells, cols["value"]), _cell(cells, cols.get("note"))
    stt = _text(stt_c.value) if stt_c is not None else ""
    if name_key(stt) in ("trong do", "trong đo"):
        stt = ""
    name = _text(name_c.value) if name_c is not None else ""
    value = value_c.value if value_c is not None else None
    if isinstance(value, str) and not value.strip():
        value = None
    fmt = getattr(value_c, "number_format", "") or ""
    row_idx = next((c.row for c in cells if getattr(c, "row", None)), None)
    if row_idx is None and fcells:
        row_idx = next((c.row for c in fcells if getattr(c, "row", None)), None)
    coord = getattr(value_c, "coordinate", None)
    if coord is None:
        # an empty cell in read-only mode has no coordinate: derive it
        from openpyxl.utils import get_column_letter

        coord = f"{get_column_letter(cols['value'] + 1)}{row_idx}" if row_idx else None
    formula_without_value = value is None and fcells is not None and _is_formula(_cell(fcells, cols["value"]))
    location = Location(file=str(path), sheet=sheet, cell=coord)
    if value is None and row_idx is not None and merges and (stt or name):
        _note_merged(raw, merges, cols["value"] + 1, row_idx, coord, location)
    raw.rows.append(
        RawRow(
            stt=stt,
            name=name,
            unit=_text(unit_c.value) if unit_c is not None else "",
            value=value,
            note=_text(note_c.value) if note_c is not None else "",
            form=form,
            location=location,
            percent_format="%" in fmt and isinstance(value, (int, float)),
            formula_without_value=formula_without_value,
        )
    )


def _note_merged(raw: RawSubmission, merges, col: int, row: int, coord: Optional[str], location: Location) -> None:
    """A value cell hidden under a merged range: its value is the range's first cell's, for one row only."""
    from ..findings import Finding

    for c1, r1, c2, r2, ref in merges:
        if c1 <= col <= c2 and r1 <= row <= r2 and (c1, r1) != (col, row):
            raw.findings.append(
                Finding.make("merged-value-cell", "warning", location=location, cell=coord or "", range=ref)
            )
            return


@hookimpl
def register_readers(register: Callable[..., None]) -> None:
    register(XlsxReader())
