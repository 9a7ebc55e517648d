"""The catalogue of broken and hostile inputs (issue #7), built on demand.

Each case writes its input into a given directory (``tmp_path`` in the tests, a
temporary directory in ``run_catalogue.py``) and returns the arguments of
``cchc compute``; nothing big is committed. A case says what the run must print
(a Vietnamese fragment, found in stderr or stdout) and which exit codes are right:

* a *bad* input must be refused or reported: exit 1 or 2, one located line, no traceback;
* a *tolerated* input (formulas, merged cells, legacy encodings, BOM, CRLF) is read,
  with a warning where the user must act: exit 0 or 1, never 2 and never a crash.

Usage: ``python tests/hostile/make_catalogue.py DIR`` writes every case into DIR
and prints the commands.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import struct
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

REPO = Path(__file__).resolve().parents[2]

# A few real rows of the 2021 appendix (seed 000, xã Thượng Long, 2021 Q3).
ROWS_2021 = [
    ("1.", "Công tác chỉ đạo điều hành CCHC", "", None, ""),
    ("1.1.", "Kế hoạch CCHC", "", None, ""),
    ("1.1.1.", "Số nhiệm vụ đề ra trong kế hoạch", "Nhiệm vụ", 6, ""),
    ("1.1.2.", "Số nhiệm vụ đã hoàn thành", "Nhiệm vụ", 6, ""),
    ("1.1.3.", "Số văn bản chỉ đạo CCHC đã ban hành", "Văn bản", 0, ""),
    ("1.2.", "Kiểm tra CCHC", "", None, ""),
    ("1.2.1", "Số cuộc đã kiểm tra", "Cuộc", 0, ""),
    ("1.2.2", "Số vấn đề phát hiện qua kiểm tra", "Vấn đề", 0, ""),
    ("1.2.3", "Số vấn đề phát hiện đã xử lý xong", "Vấn đề", 0, ""),
]
HEADER = ("STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú")
TITLE = ("THỐNG KÊ SỐ LIỆU VỀ KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH", "QUÝ III NĂM 2021 CỦA UBND XÃ THƯỢNG LONG")
META = ("--spec", "2021", "--level", "xa", "--period", "2021-Q3", "--unit", "xã Thượng Long")


@dataclass
class Case:
    name: str
    build: Callable[[Path], list[str]]  # writes the input into a directory, returns compute's arguments
    expect: str  # Vietnamese fragment the run must print (stderr or stdout)
    exits: tuple[int, ...] = (2,)
    bad: bool = True  # a bad input: exit 1 or 2; a tolerated one: 0 or 1
    absent: tuple[str, ...] = field(default_factory=tuple)  # fragments that must not appear
    what: str = ""
    family: str = "issue-7"
    # Run in-process by tests/test_hostile.py too. The issue-15 families have their own
    # tests in tests/hostile/ (some need a subprocess: a FIFO, an abort); run_catalogue.py
    # runs every case.
    in_suite: bool = True


# -- helpers ---------------------------------------------------------------------------


def appendix_workbook(rows=ROWS_2021, extra: Optional[Callable] = None, write_only: bool = False):
    """An openpyxl workbook with the title, the header and ``rows`` in A:E."""
    from openpyxl import Workbook

    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("Phụ lục") if write_only else wb.active
    if not write_only:
        ws.title = "Phụ lục"
    for t in TITLE:
        ws.append([t])
    ws.append([])
    ws.append(list(HEADER))
    for r in rows:
        ws.append(list(r))
    if extra is not None:
        extra(ws)
    return wb


def workbook_bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rezip(data: bytes, replace: dict[str, bytes], add_content_types: str = "") -> bytes:
    """Copy a zip, replacing (or adding) parts; optionally add an Override to [Content_Types].xml."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = replace.pop(info.filename, None)
            if body is None:
                body = src.read(info.filename)
            if info.filename == "[Content_Types].xml" and add_content_types:
                body = body.replace(b"</Types>", add_content_types.encode() + b"</Types>")
            dst.writestr(info.filename, body)
        for name, body in replace.items():
            dst.writestr(name, body)
    return out.getvalue()


def cfb(stream_names: list[str]) -> bytes:
    """A minimal OLE2 compound file (version 3, 512-byte sectors) whose directory holds empty streams.

    Excel writes a password-protected .xlsx as such a file with the streams
    EncryptionInfo and EncryptedPackage; an .xls holds a "Workbook" stream.
    """
    free, end, fatsect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 0x2C, 1)  # FAT sectors
    struct.pack_into("<I", header, 0x30, 1)  # first directory sector
    struct.pack_into("<I", header, 0x38, 4096)  # mini stream cutoff
    struct.pack_into("<II", header, 0x3C, end, 0)  # mini FAT
    struct.pack_into("<II", header, 0x44, end, 0)  # DIFAT
    struct.pack_into("<I", header, 0x4C, 0)  # DIFAT[0] = FAT in sector 0
    for i in range(1, 109):
        struct.pack_into("<I", header, 0x4C + 4 * i, free)
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<II", fat, 0, fatsect, end)

    def entry(name: str, kind: int, child: int = free, right: int = free) -> bytes:
        e = bytearray(128)
        raw = (name + "\0").encode("utf-16-le")
        e[0 : len(raw)] = raw
        struct.pack_into("<HBB", e, 64, len(raw), kind, 1)  # name length, type, black
        struct.pack_into("<III", e, 68, free, right, child)  # left, right, child
        struct.pack_into("<I", e, 116, end)  # start sector
        return bytes(e)

    entries = [entry("Root Entry", 5, child=1 if stream_names else free)]
    for i, name in enumerate(stream_names, start=1):
        entries.append(entry(name, 2, right=i + 1 if i < len(stream_names) else free))
    directory = b"".join(entries)
    directory += b"\0" * (-len(directory) % 512)
    return bytes(header) + bytes(fat) + directory


def billion_laughs(root: bytes, levels: int = 10, hide: int = 0) -> bytes:
    """An XML part whose DOCTYPE expands '&lol9;' to 10^9 'lol's; ``hide`` pads the prolog with a comment."""
    ents = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{"".join(f"&lol{i - 1};" for _ in range(10))}">' for i in range(1, levels)
    ]
    pad = ("<!--" + "x" * hide + "-->\n") if hide else ""
    doctype = f'<?xml version="1.0" encoding="UTF-8"?>\n{pad}<!DOCTYPE lolz [{"".join(ents)}]>\n'
    return doctype.encode() + root.replace(b"LAUGH", f"&lol{levels - 1};".encode())


def _out(path: Path, *extra: str, meta=META) -> list[str]:
    return [*meta, str(path), "-f", "json", *extra]


def _write(d: Path, name: str, data: bytes) -> Path:
    p = d / name
    p.write_bytes(data)
    return p


# -- the cases ------------------------------------------------------------------------------


def empty_xlsx(d: Path) -> list[str]:
    return _out(_write(d, "empty.xlsx", b""))


def empty_csv(d: Path) -> list[str]:
    return _out(_write(d, "empty.csv", b""))


def xls_renamed(d: Path) -> list[str]:
    return _out(_write(d, "old-excel.xlsx", cfb(["Workbook", "\x05SummaryInformation"])))


def xls_suffix(d: Path) -> list[str]:
    return _out(_write(d, "old-excel.xls", cfb(["Workbook"])))


def encrypted_xlsx(d: Path) -> list[str]:
    names = ["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"]
    return _out(_write(d, "password.xlsx", cfb(names)))


def _ods() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>')
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest/>')
    return buf.getvalue()


def ods_renamed(d: Path) -> list[str]:
    return _out(_write(d, "libre.xlsx", _ods()))


def ods_suffix(d: Path) -> list[str]:
    return _out(_write(d, "libre.ods", _ods()))


def csv_renamed_xlsx(d: Path) -> list[str]:
    return _out(_write(d, "really-csv.xlsx", "key,value\n1.1.1,6\n1.1.2,6\n".encode("utf-8")))


def xlsx_renamed_csv(d: Path) -> list[str]:
    return _out(_write(d, "really-xlsx.csv", workbook_bytes(appendix_workbook())))


def binary_csv(d: Path) -> list[str]:
    return _out(_write(d, "picture.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4))


def truncated_zip(d: Path) -> list[str]:
    data = workbook_bytes(appendix_workbook())
    return _out(_write(d, "truncated.xlsx", data[: len(data) // 2]))


def corrupt_zip(d: Path) -> list[str]:
    """The central directory is intact, the deflated sheet data is garbage."""
    data = bytearray(workbook_bytes(appendix_workbook()))
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = zf.getinfo("xl/worksheets/sheet1.xml")
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    for i in range(start + 2, start + info.compress_size - 2):
        data[i] = (data[i] * 7 + 13) & 0xFF
    return _out(_write(d, "corrupt.xlsx", bytes(data)))


def no_appendix(d: Path) -> list[str]:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Danh sách cán bộ"])
    ws.append(["Họ tên", "Chức vụ"])
    ws.append(["Nguyễn Văn A", "Chủ tịch"])
    return _out(_write(d, "no-appendix.xlsx", workbook_bytes(wb)))


def rows_50000(d: Path) -> list[str]:
    def more(ws):
        for i in range(50_000):
            ws.append([f"9.{i}", f"Dòng thêm {i}", "Cái", i, ""])

    return _out(_write(d, "rows-50000.xlsx", workbook_bytes(appendix_workbook(extra=more, write_only=True))))


def rows_30000_sparse(d: Path) -> list[str]:
    def more(ws):
        for i in range(30_000):
            ws.append([None, f"Dòng thêm {i}"])

    return _out(_write(d, "rows-30000.xlsx", workbook_bytes(appendix_workbook(extra=more, write_only=True))))


def _wide(d: Path, name: str, repeat: int) -> list[str]:
    """The appendix in A:E, then text out to column 1,000 on every row."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Phụ lục")
    junk = [f"x{j}" for j in range(995)]
    for t in TITLE:
        ws.append([t])
    ws.append(list(HEADER) + junk)
    for r in ROWS_2021 * repeat:
        ws.append(list(r) + junk)
    return _out(_write(d, name, workbook_bytes(wb)))


def cols_1000(d: Path) -> list[str]:
    """1,000 columns on 184 rows: 184,000 cells, refused before parsing."""
    return _wide(d, "cols-1000.xlsx", 20)


def cols_1000_few_rows(d: Path) -> list[str]:
    """1,000 columns on 14 rows (14,000 cells, under the limit): read, columns past MAX_COLS ignored."""
    return _wide(d, "cols-1000-few-rows.xlsx", 1)


def header_past_col_1000(d: Path) -> list[str]:
    """1,000 columns with the header only beyond them: refused as 'no appendix', quickly."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Rộng")
    for _ in range(200):
        ws.append([None] * 995 + list(HEADER))
    return _out(_write(d, "header-far-right.xlsx", workbook_bytes(wb)))


def _formula_rows() -> list[tuple]:
    rows = list(ROWS_2021)
    rows[3] = ("1.1.2.", "Số nhiệm vụ đã hoàn thành", "Nhiệm vụ", "=3+3", "")
    return rows


def formula_no_cache(d: Path) -> list[str]:
    return _out(_write(d, "formula.xlsx", workbook_bytes(appendix_workbook(_formula_rows()))))


def formula_cached(d: Path) -> list[str]:
    """As Excel saves it: the formula and its cached value <v>6</v>."""
    data = workbook_bytes(appendix_workbook(_formula_rows()))
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    # openpyxl writes the empty cache as <v></v> or <v/> with lxml, <v /> without it
    sheet, n = re.subn(rb"<f>3\+3</f><v(?:\s*/>|></v>)", b"<f>3+3</f><v>6</v>", sheet)
    assert n == 1, sheet
    return _out(_write(d, "formula-cached.xlsx", rezip(data, {"xl/worksheets/sheet1.xml": sheet})))


def merged_value(d: Path) -> list[str]:
    """Unit and value merged on one row; the value column merged down over three rows."""

    def merge(ws):
        ws.merge_cells("C8:D8")  # 1.1.2: unit over the value cell
        ws.merge_cells("D10:D12")  # 1.2.1 .. 1.2.3: one value for three rows

    return _out(_write(d, "merged.xlsx", workbook_bytes(appendix_workbook(extra=merge))))


def date_for_number(d: Path) -> list[str]:
    rows = list(ROWS_2021)
    rows[2] = ("1.1.1.", "Số nhiệm vụ đề ra trong kế hoạch", "Nhiệm vụ", _dt.datetime(2021, 6, 6), "")
    return _out(_write(d, "date.xlsx", workbook_bytes(appendix_workbook(rows))))


_SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>LAUGH</t></si></sst>'
_SST_CT = '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'


def laughs_shared_strings(d: Path) -> list[str]:
    data = rezip(workbook_bytes(appendix_workbook()), {"xl/sharedStrings.xml": billion_laughs(_SST)}, _SST_CT)
    return _out(_write(d, "laughs-sst.xlsx", data))


def laughs_sheet_hidden(d: Path) -> list[str]:
    """The DOCTYPE after 8 KB of comment: past the reader's prolog check, caught by defusedxml."""
    data = workbook_bytes(appendix_workbook())
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    body = sheet.split(b"?>", 1)[1] if sheet.startswith(b"<?xml") else sheet
    body = body.replace("Kế hoạch CCHC".encode(), b"LAUGH", 1)
    return _out(_write(d, "laughs-sheet.xlsx", rezip(data, {"xl/worksheets/sheet1.xml": billion_laughs(body, hide=8192)})))


def zip_bomb(d: Path) -> list[str]:
    """sheet1.xml is 300 MB of spaces (deflates to ~300 KB): refused by the size check before parsing."""
    p = d / "bomb.xlsx"
    base = zipfile.ZipFile(io.BytesIO(workbook_bytes(appendix_workbook())))
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for info in base.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info.filename, base.read(info.filename))
        chunk = b" " * (1024 * 1024)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for _ in range(300):
                fh.write(chunk)
            fh.write(b"<sheetData/></worksheet>")
    return _out(p)


def _good_input(d: Path) -> Path:
    return _write(d, "good.xlsx", workbook_bytes(appendix_workbook()))


def spec_anchor_bomb(d: Path) -> list[str]:
    lines = ['id: "bomb"', 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    spec = _write(d, "bomb.yaml", ("\n".join(lines) + "\n").encode())
    return ["--spec", str(spec), "--level", "xa", "--period", "2021-Q3", str(_good_input(d)), "-f", "json"]


def spec_deep_nesting(d: Path) -> list[str]:
    spec = _write(d, "deep.yaml", b'id: "deep"\nx: ' + b"[" * 10_000 + b"]" * 10_000 + b"\n")
    return ["--spec", str(spec), "--level", "xa", "--period", "2021-Q3", str(_good_input(d)), "-f", "json"]


def spec_deep_expression(d: Path) -> list[str]:
    formula = "(" * 200 + "nv_de_ra" + ")" * 200
    spec = (
        'id: "2021-deep-expr"\nextends: "2021"\ntitle: "Biểu thức lồng sâu"\nadd:\n'
        "  - after: tthc_md34_tich_hop_dvcqg\n    indicators:\n"
        f'      - {{id: sau_qua, stt: "3.9.9", name: "Chỉ tiêu lồng sâu", unit: "Nhiệm vụ", type: number, formula: "{formula}"}}\n'
    )
    p = _write(d, "deep-expr.yaml", spec.encode())
    return ["--spec", str(p), "--level", "xa", "--period", "2021-Q3", str(_good_input(d)), "-f", "json"]


def _cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: precomposed where the code page has it, else base + combining tone."""
    import unicodedata

    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        # keep a horn/breve/circumflex on the base (ơ, ư, ă, â, ê, ô exist in cp1258), tones as combining marks
        while marks:
            composed = unicodedata.normalize("NFC", base + marks[0])
            try:
                composed.encode("cp1258")
            except UnicodeEncodeError:
                break
            base, marks = composed, marks[1:]
        out += base.encode("cp1258") + marks.encode("cp1258")
    return bytes(out)


_CSV_TEXT = "key,value,note\n#unit,xã Thượng Long\n1.1.1,6,Kế hoạch số 12/KH-UBND\n1.1.2,6,Đã hoàn thành\n1.1.3,0,\n"


def csv_cp1258(d: Path) -> list[str]:
    return _out(_write(d, "windows-1258.csv", _cp1258(_CSV_TEXT)), meta=META[:6])


def csv_bom_crlf(d: Path) -> list[str]:
    return _out(_write(d, "bom-crlf.csv", b"\xef\xbb\xbf" + _CSV_TEXT.replace("\n", "\r\n").encode("utf-8")), meta=META[:6])


def json_bom(d: Path) -> list[str]:
    text = '{"unit": "xã Thượng Long", "values": {"1.1.1": 6, "1.1.2": {"value": "06", "note": "Đã hoàn thành"}}}\r\n'
    return _out(_write(d, "bom.json", b"\xef\xbb\xbf" + text.encode("utf-8")), meta=META[:6])


def json_utf16(d: Path) -> list[str]:
    text = '{"unit": "xã Thượng Long", "values": {"1.1.1": 6, "1.1.2": 6}}'
    return _out(_write(d, "utf16.json", text.encode("utf-16")), meta=META[:6])


def json_cp1258(d: Path) -> list[str]:
    text = '{"unit": "xã Thượng Long", "values": {"1.1.1": 6, "1.1.2": 6}}'
    return _out(_write(d, "windows-1258.json", _cp1258(text)), meta=META[:6])


def json_deep(d: Path) -> list[str]:
    return _out(_write(d, "deep.json", b'{"values": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"))


def json_broken(d: Path) -> list[str]:
    return _out(_write(d, "broken.json", b'{"values": {"1.1.1": 6,'))


def csv_huge_field(d: Path) -> list[str]:
    return _out(_write(d, "huge-field.csv", b'key,value\n1.1.1,"' + b"9" * 300_000 + b'"\n'))


def yaml_anchor_bomb(d: Path) -> list[str]:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("values: {1.1.1: *a9}")
    return _out(_write(d, "bomb-values.yaml", ("\n".join(lines) + "\n").encode()))


# -- issue 13: what must not pass as "HỢP LỆ", and where output must not go ------------------


def csv_unrelated(d: Path) -> list[str]:
    return _out(_write(d, "abc.csv", b"a,b,c\n1,2,3\n"))


def json_empty_object(d: Path) -> list[str]:
    return _out(_write(d, "empty-object.json", b"{}"))


def csv_header_only(d: Path) -> list[str]:
    return _out(_write(d, "header-only.csv", b"key,value,note\r\n"))


def json_own_output(d: Path) -> list[str]:
    """cchc's own result JSON fed back as a submission: not an appendix."""
    import json

    result = {
        "version": 1, "spec": "2021", "level": "xa", "valid": True,
        "stats": {"indicators": 124, "reported": 90, "computed": 7, "missing": 0},
        "indicators": [{"id": "kh_nhiem_vu_de_ra", "stt": "1.1.1", "value": 6, "source": "reported"}],
        "findings": [],
    }
    return _out(_write(d, "ket-qua.json", json.dumps(result, ensure_ascii=False).encode("utf-8")))


def json_huge_integer(d: Path) -> list[str]:
    data = b'{"values": {"1.1.1": ' + b"1" + b"0" * 400 + b', "1.1.2": 6}}'
    return _out(_write(d, "huge-integer.json", data))


def xlsx_no_extension(d: Path) -> list[str]:
    return _out(_write(d, "phu-luc", workbook_bytes(appendix_workbook())))


def output_to_directory(d: Path) -> list[str]:
    (d / "ket-qua").mkdir()
    return _out(_write(d, "phu-luc.xlsx", workbook_bytes(appendix_workbook())), "-o", str(d / "ket-qua") + "/")


def output_unknown_suffix(d: Path) -> list[str]:
    path = _write(d, "phu-luc.xlsx", workbook_bytes(appendix_workbook()))
    return [*META, str(path), "-o", str(d / "ket-qua.pdf")]


_TOLERATED = dict(bad=False, exits=(0, 1))

CASES: list[Case] = [
    Case("empty-xlsx", empty_xlsx, "tệp rỗng", what="0 byte, đuôi .xlsx"),
    Case("empty-csv", empty_csv, "tệp rỗng", what="0 byte, đuôi .csv"),
    Case("xls-renamed-xlsx", xls_renamed, "Excel 97-2003 (.xls)", what="tệp OLE2 có luồng Workbook, đuôi .xlsx"),
    Case("xls", xls_suffix, "Excel 97-2003 (.xls)", what="tệp .xls"),
    Case("password-xlsx", encrypted_xlsx, "đặt mật khẩu", what="OLE2 có EncryptionInfo/EncryptedPackage"),
    Case("ods-renamed-xlsx", ods_renamed, "OpenDocument (.ods)", what="zip có mimetype + content.xml"),
    Case("ods", ods_suffix, "OpenDocument (.ods)", what="tệp .ods"),
    Case("csv-renamed-xlsx", csv_renamed_xlsx, "tệp văn bản", what="CSV đổi đuôi .xlsx"),
    Case("xlsx-renamed-csv", xlsx_renamed_csv, "là tệp Excel", what="xlsx đổi đuôi .csv"),
    Case("binary-csv", binary_csv, "tệp nhị phân", what="ảnh PNG đổi đuôi .csv"),
    Case("truncated-zip", truncated_zip, "bị hỏng", what="xlsx bị cắt một nửa"),
    Case("corrupt-zip", corrupt_zip, "bị hỏng", what="dữ liệu nén của sheet1.xml bị ghi đè"),
    Case("no-appendix", no_appendix, "không tìm thấy bảng phụ lục", what="bảng tính không có phụ lục"),
    Case("rows-50000", rows_50000, "hơn 50.000 ô", what="50.000 dòng × 5 ô"),
    Case("rows-30000-sparse", rows_30000_sparse, "hơn 20.000 dòng", what="30.000 dòng, một ô mỗi dòng"),
    Case("cols-1000", cols_1000, "hơn 50.000 ô", what="1.000 cột × 184 dòng"),
    Case("cols-1000-few-rows", cols_1000_few_rows, '"valid": true', what="1.000 cột × 14 dòng, phụ lục ở A:E", **_TOLERATED),
    Case("header-past-col-1000", header_past_col_1000, "không tìm thấy bảng phụ lục", what="tiêu đề ở cột 996–1000"),
    Case("formula-no-cache", formula_no_cache, "công thức Excel không có giá trị đã tính", what="=3+3 như openpyxl ghi", **_TOLERATED),
    Case("formula-cached", formula_cached, '"valid": true', what="=3+3 với <v>6</v> như Excel ghi", absent=("formula-cell",), **_TOLERATED),
    Case("merged-value", merged_value, "vùng ô gộp", what="C8:D8 và D10:D12 gộp", **_TOLERATED),
    Case("date-for-number", date_for_number, "ngày tháng", exits=(1,), what="ô ngày tháng ở chỉ tiêu số đếm"),
    Case("laughs-sharedstrings", laughs_shared_strings, "DOCTYPE/ENTITY", what="billion laughs trong sharedStrings.xml"),
    Case("laughs-sheet-hidden", laughs_sheet_hidden, "DOCTYPE/ENTITY", what="billion laughs sau 8 KB chú thích"),
    Case("zip-bomb", zip_bomb, "zip bomb", what="sheet1.xml 300 MB khoảng trắng"),
    Case("spec-anchor-bomb", spec_anchor_bomb, "hơn 200.000 nút sau khi mở rộng alias", what="YAML anchor 9^10"),
    Case("spec-deep-nesting", spec_deep_nesting, "lồng quá 64 mức", what="YAML lồng 10.000 mức"),
    Case("spec-deep-expression", spec_deep_expression, "lồng nhau quá 50 mức", what="công thức 200 cặp ngoặc"),
    Case("yaml-values-anchor-bomb", yaml_anchor_bomb, "hơn 200.000 nút sau khi mở rộng alias", what="tệp số liệu YAML anchor 9^10"),
    Case("csv-cp1258", csv_cp1258, "xã Thượng Long", what="CSV Windows-1258", **_TOLERATED),
    Case("csv-bom-crlf", csv_bom_crlf, "Đã hoàn thành", what="CSV UTF-8 BOM, CRLF", **_TOLERATED),
    Case("json-bom", json_bom, "Đã hoàn thành", what="JSON UTF-8 BOM, CRLF", **_TOLERATED),
    Case("json-utf16", json_utf16, "xã Thượng Long", what="JSON UTF-16 BOM", **_TOLERATED),
    Case("json-cp1258", json_cp1258, "xã Thượng Long", what="JSON Windows-1258", **_TOLERATED),
    Case("json-deep", json_deep, "lồng nhau quá sâu", what="JSON lồng 100.000 mức"),
    Case("json-broken", json_broken, "JSON không hợp lệ", what="JSON bị cắt"),
    Case("csv-huge-field", csv_huge_field, "CSV không hợp lệ", what="một ô 300.000 ký tự"),
    Case("csv-unrelated", csv_unrelated, "Không tìm thấy phụ lục", what="CSV a,b,c không liên quan"),
    Case("json-empty-object", json_empty_object, "Không tìm thấy phụ lục", what="JSON {}"),
    Case("csv-header-only", csv_header_only, "Không tìm thấy phụ lục", what="CSV chỉ có dòng tiêu đề"),
    Case("json-own-output", json_own_output, "Không tìm thấy phụ lục", what="kết quả JSON của cchc đọc lại"),
    Case("json-huge-integer", json_huge_integer, '"spec": "2021"', absent=("Lỗi nội bộ", "OverflowError"),
         what="số nguyên 10**400", **_TOLERATED),
    Case("xlsx-no-extension", xlsx_no_extension, '"spec": "2021"', absent=("bị hỏng",), what="xlsx hợp lệ không có đuôi",
         **_TOLERATED),
    Case("output-to-directory", output_to_directory, "là một thư mục", absent=("Lỗi nội bộ",), what="-o THƯ-MỤC/"),
    Case("output-unknown-suffix", output_unknown_suffix, "đuôi '.pdf'", what="-o ket-qua.pdf"),
]


# -- issue 15: the second sweep -------------------------------------------------------------

META_2023 = ("--spec", "2023", "--level", "huyen", "--period", "2023-Q3", "--unit", "huyện Lâm Thao")


def _json_values(d: Path, name: str, values: dict, raw_text: Optional[str] = None) -> Path:
    import json

    text = raw_text if raw_text is not None else json.dumps({"values": values}, ensure_ascii=True)
    return _write(d, name, text.encode("utf-8"))


def _workbook_with(d: Path, name: str, rows) -> Path:
    return _write(d, name, workbook_bytes(appendix_workbook(rows)))


# linear-time text
def lt_cell(d: Path) -> list[str]:
    rows = list(ROWS_2021)
    rows[4] = ("1.1.3.", "<" * 300_000, "Văn bản", 0, "")
    return _out(_workbook_with(d, "lt-cell.xlsx", rows))


def json_lt_key(d: Path) -> list[str]:
    return _out(_json_values(d, "lt-key.json", {"1.1.1": "6", "<" * 300_000: "1"}), meta=META[:6])


def percent_spaces(d: Path) -> list[str]:
    values = {"nv_de_ra": "7.725", "nv_hoan_thanh": "5.620", "ty_le_hoan_thanh_ke_hoach": "76,74" + " " * 150_000 + "\uff05"}
    return _out(_json_values(d, "percent-spaces.json", values), meta=META_2023)


def tsv_lt(d: Path) -> list[str]:
    lines = ["\t".join(HEADER), "1.1.1.\tSố nhiệm vụ đề ra trong kế hoạch\tNhiệm vụ\t6\t" + "<" * 300_000]
    return _out(_write(d, "lt.tsv", ("\n".join(lines) + "\n").encode("utf-8")))


# limits that count what costs
def fifo_input(d: Path) -> list[str]:
    import os

    p = d / "fifo.json"
    os.mkfifo(p)
    return _out(p)


def spec_dev_zero(d: Path) -> list[str]:
    return ["--spec", "/dev/zero", *META[2:6], str(_good_input(d)), "-f", "json"]


def yaml_values_recursive(d: Path) -> list[str]:
    return _out(_write(d, "recursive.yaml", b"values: &a {k: *a}\n"), meta=META[:6])


def _spec_run(d: Path, name: str, text: str) -> list[str]:
    spec = _write(d, name, text.encode("utf-8"))
    return ["--spec", str(spec), *META[2:6], str(_good_input(d)), "-f", "json"]


def spec_recursive(d: Path) -> list[str]:
    return _spec_run(d, "recursive-spec.yaml", 'id: "vong"\ndocuments: &a [*a]\n')


def spec_big_aliases(d: Path) -> list[str]:
    big = "x" * (4 * 2**20)
    return _spec_run(d, "big-aliases.yaml", f'id: "big"\nbig: &b "{big}"\nmore: [' + ", ".join(["*b"] * 200) + "]\n")


def _extending(rule_or_formula: str) -> str:
    return 'id: "2021-hostile"\nextends: "2021"\ntitle: "Thử"\n' + rule_or_formula


def rule_huge_width(d: Path) -> list[str]:
    return _spec_run(d, "wide.yaml", _extending(
        'rules:\n  add:\n    - id: rong_qua\n      expr: "kh_nhiem_vu_hoan_thanh < kh_nhiem_vu_de_ra"\n      severity: error\n'
        '      message: "Hoàn thành {kh_nhiem_vu_hoan_thanh:>3000000000} / {kh_nhiem_vu_de_ra}"\n'))


def _formula_spec(d: Path, name: str, formula: str) -> list[str]:
    return _spec_run(d, name, _extending(
        "add:\n  - after: tthc_md34_tich_hop_dvcqg\n    indicators:\n"
        f'      - {{id: thu_cong_thuc, stt: "3.9.9", name: "Chỉ tiêu thử", unit: "Nhiệm vụ", type: number, formula: "{formula}"}}\n'))


def spec_chain_995(d: Path) -> list[str]:
    return _formula_spec(d, "chain.yaml", "+".join(["1"] * 995))


def spec_formula_1997(d: Path) -> list[str]:
    formula = "+".join(["a"] * 999)
    assert len(formula) == 1997
    return _formula_spec(d, "a-plus.yaml", formula)


def spec_constant_400(d: Path) -> list[str]:
    return _formula_spec(d, "constant.yaml", "kh_nhiem_vu_de_ra * " + "9" * 400)


# crashes on valid-looking text
def _notes_json(d: Path, name: str, note: str, unit: str = "xã Thượng Long") -> Path:
    import json

    data = {"unit": unit, "values": {"1.1.1": {"value": "6", "note": note}, "1.1.2": "6", "1.1.3": "0"}}
    return _write(d, name, json.dumps(data, ensure_ascii=True).encode("utf-8"))


HOSTILE_NOTE = "ghi\ud800chú \x00\x07\x1b[2J \x9b31m \ufffe\uffff"


def _writer_case(fmt: str) -> Callable[[Path], list[str]]:
    def build(d: Path) -> list[str]:
        src = _notes_json(d, "notes.json", HOSTILE_NOTE, unit="xã \x1b[31mThượng\ud800 Long")
        if fmt in ("xlsx", "docx"):
            return [*META[:6], str(src), "-f", fmt, "-o", str(d / f"out.{fmt}")]
        return [*META[:6], str(src), "-f", fmt]

    return build


def count_400_digits(d: Path) -> list[str]:
    return _out(_json_values(d, "digits.json", {}, raw_text='{"values": {"1.1.1": ' + "9" * 400 + ', "1.1.2": 6}}'), meta=META[:6])


def percent_4299_digits(d: Path) -> list[str]:
    data = workbook_bytes(appendix_workbook())
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    # 1.1.1's value cell holds 6: make it a number of 4,299 digits, percent formatted or not
    sheet = sheet.replace(b"<v>6</v>", b"<v>" + b"7" * 4299 + b"</v>", 1)
    return _out(_write(d, "digits.xlsx", rezip(data, {"xl/worksheets/sheet1.xml": sheet})))


# injection
def _csv_note(note: str) -> Callable[[Path], list[str]]:
    def build(d: Path) -> list[str]:
        return [*META[:6], str(_notes_json(d, "note.json", note)), "-f", "csv"]

    return build


def md_link(d: Path) -> list[str]:
    return [*META[:6], str(_notes_json(d, "link.json", "[bấm](javascript:alert(1)) ![a](http://x/y.png)")), "-f", "md"]


def table_escape(d: Path) -> list[str]:
    return [*META[:6], str(_notes_json(d, "esc.json", "\x1b]0;pwned\x07\x1b[2Jxoá màn hình")), "-f", "table"]


# confident wrong answers
def footnote_superscript(d: Path) -> list[str]:
    rows = list(ROWS_2021)
    rows[2] = ("1.1.1.", "Số nhiệm vụ đề ra trong kế hoạch", "Nhiệm vụ", "6\u00b9", "")
    return _out(_workbook_with(d, "footnote.xlsx", rows))


_TCVN3 = dict(zip(
    "ăâêôơưđàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐ",
    "¨©ª«¬\u00ad®µ¶·¸¹»¼½¾ÆÇÈÉÊËÌÎÏÐÑÒÓÔÕÖ×ØÜÝÞßáâãäåæçèéêëìíîïñòóôõö÷øùúûüýþ§",
))
_VNI_TONES = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_HAT = {None: "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE = {None: "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def to_tcvn3(text: str) -> str:
    """Unicode → what a .VnTime document shows when read as Unicode (lower-case table)."""
    return "".join(_TCVN3.get(ch, _TCVN3.get(ch.lower(), ch)) for ch in text)


def to_vni(text: str) -> str:
    """Unicode → what a VNI-Times document shows when read as Unicode."""
    import unicodedata

    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("ñ" if ch == "đ" else "Ñ")
            continue
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        if not marks:
            out.append(ch)
            continue
        tone = next((m for m in marks if m in _VNI_TONES), None)
        if base in "iI":
            out.append(_VNI_I.get(tone, base))
        elif "\u031b" in marks:  # horn: ơ ư
            out.append(("ô" if base in "oO" else "ö") + (_VNI_TONES[tone] if tone else ""))
        elif "\u0302" in marks:
            out.append(base + _VNI_HAT[tone])
        elif "\u0306" in marks:
            out.append(base + _VNI_BREVE[tone])
        elif base in "yY" and tone == "\u0323":
            out.append("î")
        else:
            out.append(base + (_VNI_TONES[tone] if tone else ""))
    return "".join(out)


def _legacy(convert: Callable[[str], str], name: str) -> Callable[[Path], list[str]]:
    def build(d: Path) -> list[str]:
        rows = [(stt.replace("1.", "9.", 1) if stt else stt, convert(n), convert(u), v, nt) for stt, n, u, v, nt in ROWS_2021]
        return _out(_workbook_with(d, name, rows))

    return build


def nfd_title(d: Path) -> list[str]:
    import unicodedata

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    for t in TITLE:
        ws.append([unicodedata.normalize("NFD", t)])
    ws.append([])
    ws.append(list(HEADER))
    for r in ROWS_2021:
        ws.append(list(r))
    return _out(_write(d, "nfd-title.xlsx", workbook_bytes(wb)), meta=META[:6])


def json_duplicate_key(d: Path) -> list[str]:
    text = '{"values": {"1.1.1": 6, "1.1.2": 6, "1.1.1": 9}}'
    return _out(_json_values(d, "dup.json", {}, raw_text=text), meta=META[:6])


def yaml_typing(d: Path) -> list[str]:
    return _out(_write(d, "typing.yaml", b"values:\n  1.1.1: 268.358\n  1.1.2: 017\n  1.1.3: 1:30\n"), meta=META[:6])


def csv_50001_lines(d: Path) -> list[str]:
    lines = ["key,value", "1.1.1,6", "1.1.2,6"] + [","] * 50_000 + ["1.1.3,5"]
    return _out(_write(d, "long.csv", ("\n".join(lines) + "\n").encode()), meta=META[:6])


def zwsp_name(d: Path) -> list[str]:
    rows = list(ROWS_2021)
    # a wrong STT: only the name can map the row, and it carries a zero-width space and a soft hyphen
    rows[4] = ("9.9.9.", "Số văn bản chỉ đạo CC\u200bHC đã ban hà\u00adnh", "Văn bản", 3, "")
    return _out(_workbook_with(d, "zwsp.xlsx", rows))


_ISSUE15 = dict(family="issue-15", in_suite=False)

CASES += [
    Case("lt-cell", lt_cell, '"valid"', what="ô tên 300.000 ký tự '<'", **_TOLERATED, **_ISSUE15),
    Case("json-lt-key", json_lt_key, "unmapped-row", what="khóa JSON 300.000 ký tự '<'", **_TOLERATED, **_ISSUE15),
    Case("percent-spaces", percent_spaces, "ratio-mismatch", exits=(1,), what="76,74 + 150.000 dấu cách + ％", **_ISSUE15),
    Case("tsv-lt", tsv_lt, '"valid"', what="tsv, ghi chú 300.000 ký tự '<'", **_TOLERATED, **_ISSUE15),
    Case("fifo-input", fifo_input, "không phải là tệp thông thường", what="FIFO làm tệp đầu vào", **_ISSUE15),
    Case("spec-dev-zero", spec_dev_zero, "không phải là tệp thông thường", what="--spec /dev/zero", **_ISSUE15),
    Case("yaml-values-recursive", yaml_values_recursive, "tự tham chiếu", what="values: &a {k: *a} (33 byte)", **_ISSUE15),
    Case("spec-recursive-alias", spec_recursive, "tự tham chiếu", what="documents: &a [*a]", **_ISSUE15),
    Case("spec-big-aliases", spec_big_aliases, "sau khi mở rộng alias", what="200 alias của một chuỗi 4 MB", **_ISSUE15),
    Case("rule-huge-width", rule_huge_width, "Hoàn thành 6 / 6", exits=(1,), what="thông báo {x:>3000000000}", **_ISSUE15),
    Case("spec-chain-995", spec_chain_995, "chuỗi phép tính quá dài", exits=(1, 2), what="1+1+… 995 số hạng", **_ISSUE15),
    Case("spec-formula-1997", spec_formula_1997, "chuỗi phép tính quá dài", exits=(1, 2), what="a+a+… 1.997 ký tự", **_ISSUE15),
    Case("spec-constant-400", spec_constant_400, "hằng số quá lớn", exits=(1, 2), what="hằng số 400 chữ số", **_ISSUE15),
    *[
        Case(f"writer-{fmt}-hostile-text", _writer_case(fmt), "ghi\ufffdchú" if fmt not in ("xlsx", "docx") else "",
             absent=("\x1b", "\x00", "\x9b"), what=f"-f {fmt}: surrogate, C0/C1, U+FFFF", **_TOLERATED, **_ISSUE15)
        for fmt in ("table", "json", "csv", "md", "xlsx", "docx")
    ],
    Case("count-400-digits", count_400_digits, "invalid-number", exits=(1,), what="số đếm 400 chữ số (JSON)", **_ISSUE15),
    Case("xlsx-4299-digits", percent_4299_digits, "invalid-number", exits=(1,), what="ô số 4.299 chữ số (xlsx)", **_ISSUE15),
    Case("csv-cr-injection", _csv_note("x\r=cmd|' /C calc'!A0"), "\"x\n=cmd|", what="ghi chú x\\r=cmd", **_TOLERATED, **_ISSUE15),
    Case("csv-nbsp-injection", _csv_note("\u00a0=cmd|' /C calc'!A0"), "'\u00a0=cmd", what="NBSP rồi =cmd", **_TOLERATED, **_ISSUE15),
    Case("csv-zwsp-injection", _csv_note("\u200b=cmd|' /C calc'!A0"), "'\u200b=cmd", what="ZWSP rồi =cmd", **_TOLERATED, **_ISSUE15),
    Case("csv-fullwidth-injection", _csv_note("\uff1dcmd|' /C calc'!A0"), "'\uff1dcmd", what="＝cmd", **_TOLERATED, **_ISSUE15),
    Case("md-link", md_link, "\\[bấm\\](javascript:", absent=("[bấm](",), what="liên kết javascript:", **_TOLERATED, **_ISSUE15),
    Case("table-escape", table_escape, "xoá màn hình", absent=("\x1b",), what="chuỗi ESC trong ghi chú", **_TOLERATED, **_ISSUE15),
    Case("footnote-superscript", footnote_superscript, "footnote-mark", absent=('"value": 61',), what="6¹ ở ô số đếm", **_TOLERATED, **_ISSUE15),
    Case("legacy-tcvn3", _legacy(to_tcvn3, "tcvn3.xlsx"), "phông TCVN3", exits=(1,), what="tên chỉ tiêu phông .VnTime", **_ISSUE15),
    Case("legacy-vni", _legacy(to_vni, "vni.xlsx"), "phông VNI", exits=(1,), what="tên chỉ tiêu phông VNI-Times", **_ISSUE15),
    Case("nfd-title", nfd_title, '"unit": "xã Thượng Long"', what="tiêu đề dạng NFD", **_TOLERATED, **_ISSUE15),
    Case("json-duplicate-key", json_duplicate_key, "duplicate-key", exits=(1,), what="khóa JSON lặp", **_ISSUE15),
    Case("yaml-typing", yaml_typing, '"value": 268358', absent=('"value": 15', '"value": 90'), what="268.358, 017, 1:30",
         **_TOLERATED, **_ISSUE15),
    Case("csv-50001-lines", csv_50001_lines, "values-truncated", exits=(1,), what="CSV 50.003 dòng, lỗi ở dòng cuối", **_ISSUE15),
    Case("zwsp-in-name", zwsp_name, '"value": 3', absent=("unmapped-row",), what="ZWSP và soft hyphen trong tên", **_TOLERATED,
         **_ISSUE15),
]


def main(argv: Optional[list[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: make_catalogue.py DIR", file=sys.stderr)
        return 2
    d = Path(argv[0])
    for case in CASES:
        sub = d / case.name
        sub.mkdir(parents=True, exist_ok=True)
        args = case.build(sub)
        print(f"{case.name}: cchc compute {' '.join(args)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
