"""Built-in reader: the official appendix layout in an .xlsx workbook (openpyxl).

It finds the header (STT / Chỉ tiêu thống kê / Đơn vị tính / Số liệu / Ghi chú and
their variants, one or two rows, repeated at page breaks) on any sheet, follows
"Biểu mẫu N" title rows or sheet names to know the form, and keeps every row
with its raw value, number format and cell address. Mapping rows to
indicators is shared with every other reader (mapping.py).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any, Callable, Optional

from ..findings import CchcError, Location
from ..hookspecs import hookimpl
from ..submission import RawRow, RawSubmission, level_from_unit, period_from_title, unit_from_title
from ..textnorm import name_key

MAX_ROWS = 20_000  # per sheet; a real appendix has ~150
MAX_COLS = 60
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # refuse zip bombs before parsing

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
        try:
            with open(path, "rb") as fh:
                return fh.read(4) == b"PK\x03\x04"
        except OSError:
            return False

    def read(self, path: Path, options: Optional[dict] = None) -> RawSubmission:
        wb = _open(path)
        raw = RawSubmission(file=str(path))
        try:
            for ws in wb.worksheets:
                _read_sheet(ws, raw, path)
        finally:
            wb.close()
        if not raw.rows:
            raise CchcError.make(
                "file-unreadable", location=Location(file=str(path)), file=path.name,
                error="không tìm thấy bảng phụ lục (dòng tiêu đề STT / Chỉ tiêu thống kê / Số liệu) trên trang tính nào",
            )
        raw.unit = unit_from_title(raw.title_lines)
        raw.period = period_from_title(raw.title_lines)
        raw.level = level_from_unit(raw.unit)
        return raw


def _open(path: Path):
    loc = Location(file=str(path))
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        # OLE2: an encrypted .xlsx or an old .xls
        error = "tệp được đặt mật khẩu (mã hóa) hoặc là định dạng Excel 97-2003 (.xls); hãy bỏ mật khẩu và lưu lại dạng .xlsx"
        raise CchcError.make("file-unreadable", location=loc, file=path.name, error=error)
    if not head.startswith(b"PK"):
        raise CchcError.make("file-unreadable", location=loc, file=path.name, error="không phải tệp Excel .xlsx")
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise CchcError.make("file-unreadable", location=loc, file=path.name, error=f"tệp .xlsx bị hỏng ({exc})") from None
    if total > MAX_UNCOMPRESSED:
        raise CchcError.make(
            "file-unreadable", location=loc, file=path.name,
            error=f"nội dung giải nén quá lớn ({total // (1024 * 1024)} MB > {MAX_UNCOMPRESSED // (1024 * 1024)} MB)",
        )
    if "xl/workbook.xml" not in names:
        kind = "tệp OpenDocument (.ods)" if "content.xml" in names else "tệp nén không phải bảng tính Excel"
        raise CchcError.make("file-unreadable", location=loc, file=path.name, error=f"{kind}; hãy lưu lại dạng .xlsx")
    import openpyxl  # lazy: keeps `cchc --help` fast

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on broken parts
        raise CchcError.make(
            "file-unreadable", location=loc, file=path.name, error=f"tệp .xlsx bị hỏng ({type(exc).__name__}: {exc})"
        ) from None


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


def _read_sheet(ws, raw: RawSubmission, path: Path) -> None:
    sheet_form = None
    m = _FORM_ROW.match(name_key(ws.title))
    if m:
        sheet_form = m.group(1)
    form = sheet_form
    cols: Optional[dict[str, int]] = None
    pending_header: Optional[tuple] = None
    n = 0
    for cells in ws.iter_rows(max_col=MAX_COLS):
        n += 1
        if n > MAX_ROWS:
            raw.findings.append(
                _finding_limit(path, ws.title, n)
            )
            break
        texts = [_text(c.value) for c in cells if c is not None and c.value not in (None, "")]
        if not texts:
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
                cols = found if cols is None or "value" not in cols or cols.get("value") != found["value"] else cols
                cols = found
            pending_header = None
            continue
        pending_header = None
        if cols is None:
            raw.title_lines.extend(texts)
            continue
        _add_row(cells, cols, form, ws.title, raw, path)


def _cell(cells: tuple, i: Optional[int]):
    if i is None or i >= len(cells):
        return None
    return cells[i]


def _add_row(cells: tuple, cols: dict[str, int], form: Optional[str], sheet: str, raw: RawSubmission, path: Path) -> None:
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
    coord = getattr(value_c, "coordinate", None)
    if coord is None:
        # an empty cell in read-only mode has no coordinate: derive it
        from openpyxl.utils import get_column_letter

        row_idx = next((c.row for c in cells if getattr(c, "row", None)), None)
        coord = f"{get_column_letter(cols['value'] + 1)}{row_idx}" if row_idx else None
    raw.rows.append(
        RawRow(
            stt=stt,
            name=name,
            unit=_text(unit_c.value) if unit_c is not None else "",
            value=value,
            note=_text(note_c.value) if note_c is not None else "",
            form=form,
            location=Location(file=str(path), sheet=sheet, cell=coord),
            percent_format="%" in fmt and isinstance(value, (int, float)),
        )
    )


def _finding_limit(path: Path, sheet: str, n: int):
    from ..findings import Finding

    return Finding.make(
        "file-unreadable", "warning", location=Location(file=str(path), sheet=sheet), file=path.name,
        error=f"trang tính có hơn {MAX_ROWS:,} dòng; phần còn lại không được đọc",
    )


@hookimpl
def register_readers(register: Callable[..., None]) -> None:
    register(XlsxReader())
