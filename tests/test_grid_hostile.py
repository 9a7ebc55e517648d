"""Hostile .xlsx packages against the expat grid source (issue 15, the xlsx/zip items).

Each input is built here in tmp_path at the size the issue names; each run goes
through the real CLI and must finish quickly with one located answer.
"""

from __future__ import annotations

import io
import json
import sys
import time
import warnings
import zipfile
from pathlib import Path

from conftest import cli

sys.path.insert(0, str(Path(__file__).resolve().parent / "hostile"))
from make_catalogue import META, appendix_workbook, rezip, workbook_bytes  # noqa: E402

SHEET = "xl/worksheets/sheet1.xml"


def _base() -> bytes:
    return workbook_bytes(appendix_workbook())


def _sheet(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(SHEET)


def _run(path: Path, limit: float = 5.0):
    start = time.process_time()
    code, out, err = cli("compute", *META, str(path), "-f", "json")
    elapsed = time.process_time() - start
    assert "Traceback" not in err and "Lỗi nội bộ" not in err, err
    assert elapsed < limit, f"{path.name} took {elapsed:.1f} s"
    return code, out, err, elapsed


def _refused(path: Path, fragment: str, limit: float = 5.0) -> None:
    code, out, err, _ = _run(path, limit)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("Lỗi: ") and path.name in err, err
    assert fragment in err, err


def _value(out: str, ind: str):
    return next(i["value"] for i in json.loads(out)["indicators"] if i["id"] == ind)


def test_merge_cells_in_a_comment_are_linear(tmp_path):
    """`<mergeCell ` × 90,000 in a comment (the 21 KB file that took 429 s): read in well under a second."""
    sheet = _sheet(_base()).replace(b"<sheetData>", b"<!--" + b'<mergeCell ref="A1:B2"/> ' * 90_000 + b"--><sheetData>", 1)
    p = tmp_path / "merge-comment.xlsx"
    p.write_bytes(rezip(_base(), {SHEET: sheet}))
    from cchc_engine.readers.xlsx import XlsxReader

    start = time.process_time()
    grid = XlsxReader().read(p)
    assert time.process_time() - start < 1.0
    assert grid.sheets[0].merges == []
    code, out, err, _ = _run(p)
    assert code == 0 and _value(out, "kh_nhiem_vu_de_ra") == 6, err


def _stream_part(path: Path, base: bytes, name: str, head: bytes, body: bytes, times: int, tail: bytes, encoding=None) -> None:
    """Copy ``base`` with part ``name`` = head + body × times + tail (streamed, encoded as asked)."""
    enc = (lambda b: b.decode().encode(encoding)) if encoding else (lambda b: b)
    src = zipfile.ZipFile(io.BytesIO(base))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for info in src.infolist():
            if info.filename != name:
                z.writestr(info.filename, src.read(info.filename))
        with z.open(name, "w", force_zip64=True) as fh:
            fh.write((b"\xff\xfe" if encoding == "utf-16-le" else b"") + enc(head))
            chunk = enc(body) * max(1, 1000 // max(1, len(body) // 100))
            per = max(1, 1000 // max(1, len(body) // 100))
            for _ in range(times // per):
                fh.write(chunk)
            fh.write(enc(tail))


def test_ten_million_shared_strings_are_refused(tmp_path):
    p = tmp_path / "sst.xlsx"
    base = rezip(_base(), {"xl/sharedStrings.xml": b"<sst/>"})
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    _stream_part(p, base, "xl/sharedStrings.xml", head, b"<si><t>a</t></si>", 10_000_000, b"</sst>")
    _refused(p, "hơn 100.000 chuỗi")


def test_shared_string_bytes_are_counted(tmp_path):
    """One shared string of 40 M characters: refused by the text budget, not held in memory."""
    p = tmp_path / "sst-bytes.xlsx"
    base = rezip(_base(), {"xl/sharedStrings.xml": b"<sst/>"})
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    _stream_part(p, base, "xl/sharedStrings.xml", head, b"a" * 1000, 40_000, b"</t></si></sst>")
    _refused(p, "MB văn bản")


def _big_sheet(head_attrs: bytes = b"") -> tuple[bytes, bytes, bytes]:
    head = b'<?xml version="1.0" encoding="UTF-16"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    row = b"<row>" + b"<c><v>1</v></c>" * 1000 + b"</row>"
    return head, row, b"</sheetData></worksheet>"


def test_two_million_cells_in_utf16_are_counted(tmp_path):
    p = tmp_path / "utf16.xlsx"
    head, row, tail = _big_sheet()
    _stream_part(p, _base(), SHEET, head, row, 2_000, tail, encoding="utf-16-le")
    _refused(p, "hơn 50.000 ô")


def test_sheet_part_renamed_bin_is_read_and_counted(tmp_path):
    """The rels point at worksheets/sheet1.bin: found through the rels, counted like any sheet."""
    base = _base()
    z = zipfile.ZipFile(io.BytesIO(base))
    rels = z.read("xl/_rels/workbook.xml.rels").replace(b"sheet1.xml", b"sheet1.bin")
    small = tmp_path / "renamed.xlsx"
    parts = {n: z.read(n) for n in z.namelist() if n != SHEET}
    parts["xl/_rels/workbook.xml.rels"] = rels
    parts["xl/worksheets/sheet1.bin"] = z.read(SHEET)
    with zipfile.ZipFile(small, "w") as out:
        for n, b in parts.items():
            out.writestr(n, b)
    code, out, err, _ = _run(small)
    assert code == 0 and _value(out, "kh_nhiem_vu_de_ra") == 6, err
    big = tmp_path / "renamed-big.xlsx"
    head, row, tail = _big_sheet()
    _stream_part(big, small.read_bytes(), "xl/worksheets/sheet1.bin", head, row, 2_000, tail, encoding="utf-16-le")
    _refused(big, "hơn 50.000 ô")


def test_formula_without_value_in_utf16_sheet_is_reported(tmp_path):
    data = workbook_bytes(appendix_workbook())
    sheet = _sheet(data).decode()
    target = '<c r="D8" t="n"><v>6</v></c>'
    assert target in sheet
    sheet = sheet.replace(target, '<c r="D8"><f>3+3</f></c>')
    utf16 = b"\xff\xfe" + ('<?xml version="1.0" encoding="UTF-16"?>' + sheet).encode("utf-16-le")
    p = tmp_path / "formula-utf16.xlsx"
    p.write_bytes(rezip(data, {SHEET: utf16}))
    code, out, err, _ = _run(p)
    assert code in (0, 1), err
    found = [f for f in json.loads(out)["findings"] if f["code"] == "formula-cell"]
    assert found and found[0]["location"]["cell"] == "D8"


def test_duplicate_part_names_are_refused(tmp_path):
    data = _base()
    sheet = _sheet(data)
    p = tmp_path / "duplicate.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it is asked to write
        src = zipfile.ZipFile(io.BytesIO(data))
        with zipfile.ZipFile(p, "w") as z:
            for info in src.infolist():
                z.writestr(info.filename, src.read(info.filename))
            z.writestr(SHEET, sheet.replace(b"<v>6</v>", b"<v>60</v>"))
    _refused(p, "hai thành phần cùng tên 'xl/worksheets/sheet1.xml'")


def test_unresolvable_sheet_is_a_finding(tmp_path):
    data = _base()
    z = zipfile.ZipFile(io.BytesIO(data))
    book = z.read("xl/workbook.xml").replace(
        b"</sheets>",
        b'<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" name="Bi\xe1\xbb\x83u 2" sheetId="2" r:id="rId9"/></sheets>',
    )
    rels = z.read("xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/missing.xml" Id="rId9"/></Relationships>',
    )
    p = tmp_path / "missing-sheet.xlsx"
    p.write_bytes(rezip(data, {"xl/workbook.xml": book, "xl/_rels/workbook.xml.rels": rels}))
    code, out, err, _ = _run(p)
    found = [f for f in json.loads(out)["findings"] if f["code"] == "sheet-unresolvable"]
    assert found and found[0]["location"]["sheet"] == "Biểu 2" and "missing.xml" in found[0]["message"]


def test_rows_after_a_long_empty_gap_are_read(tmp_path):
    """6,000 formatted empty rows, then the last appendix row (value 0): read, not dropped as before."""

    def gap(ws):
        last = ws.max_row
        row = [ws.cell(row=last, column=c).value for c in range(1, 6)]
        for c in range(1, 6):
            ws.cell(row=last, column=c).value = None
        for r in range(last, last + 6_000):
            ws.cell(row=r, column=6).number_format = "0.00"  # formatting only: <c r=".." s="1"/>
        for c, v in enumerate(row, start=1):
            ws.cell(row=last + 6_000, column=c, value=v)

    p = tmp_path / "gap.xlsx"
    p.write_bytes(workbook_bytes(appendix_workbook(extra=gap)))
    code, out, err, _ = _run(p)
    assert code == 0, err
    assert _value(out, "kt_van_de_da_xu_ly") == 0  # 1.2.3, the row below the gap (None if dropped)
    assert next(i for i in json.loads(out)["indicators"] if i["id"] == "kt_van_de_da_xu_ly")["stt"] == "1.2.3"


def test_a_number_python_refuses_is_a_finding_not_a_broken_file(tmp_path):
    """5,000 digits in a numeric cell (int() refuses 4,300+): the cell gets a finding; the file is read."""
    data = _base()
    sheet = _sheet(data).decode()
    target = '<c r="D7" t="n"><v>6</v></c>'
    assert target in sheet
    p = tmp_path / "digits.xlsx"
    p.write_bytes(rezip(data, {SHEET: sheet.replace(target, f'<c r="D7" t="n"><v>{"9" * 5000}</v></c>').encode()}))
    code, out, err, _ = _run(p)
    assert code == 1, err
    found = [f for f in json.loads(out)["findings"] if f["location"].get("cell") == "D7"]
    assert found and found[0]["severity"] == "error"


def test_malformed_typed_cells_are_kept_as_text(tmp_path):
    """A bad ISO date, a bad boolean, a 5,000-digit serial under a date style: the file is still read."""
    from cchc_engine.readers.xlsx import XlsxReader

    data = _base()
    sheet = _sheet(data).decode()
    for ref, repl in (
        ('<c r="D7" t="n"><v>6</v></c>', '<c r="D7" t="d"><v>2023-13-45T99:00</v></c>'),
        ('<c r="D8" t="n"><v>6</v></c>', '<c r="D8" t="b"><v>maybe</v></c>'),
        ('<c r="D9" t="n"><v>0</v></c>', f'<c r="D9" s="1" t="n"><v>{"9" * 5000}</v></c>'),
    ):
        assert ref in sheet
        sheet = sheet.replace(ref, repl)
    styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode()
    styles = styles.replace('<cellXfs count="1">', '<cellXfs count="2">').replace("</cellXfs>", '<xf numFmtId="14"/></cellXfs>')
    p = tmp_path / "typed.xlsx"
    p.write_bytes(rezip(data, {SHEET: sheet.encode(), "xl/styles.xml": styles.encode()}))
    [s] = XlsxReader().read(p).sheets
    at = {s.address(i, j): c.value for i, row in enumerate(s.rows) for j, c in enumerate(row)}
    assert at["D7"] == "2023-13-45T99:00" and at["D8"] == "maybe" and at["D9"] == "9" * 5000


def test_a_cell_written_twice_is_refused(tmp_path):
    """Like duplicate zip parts: a second <c r="D8"> must not silently replace the value the officer sees."""
    data = _base()
    sheet = _sheet(data).decode()
    target = '<c r="D8" t="n"><v>6</v></c>'
    assert target in sheet
    p = tmp_path / "twice.xlsx"
    p.write_bytes(rezip(data, {SHEET: sheet.replace(target, target + '<c r="D8" t="n"><v>60</v></c>').encode()}))
    _refused(p, "ô D8 hai lần")
