"""The .xls and .ods grid sources give the grid the .xlsx source gives for the same workbook.

The .xls/.ods files were converted from the .xlsx by LibreOffice
(scripts/make_grid_fixtures.py) and are committed: the suite needs no LibreOffice.
"""

from __future__ import annotations

import io
import json
import sys
import time
import zipfile
from pathlib import Path

import pytest

from cchc_engine.flow.findings import CchcError
from cchc_engine.readers.ods import OdsReader
from cchc_engine.readers.xls import XlsReader
from cchc_engine.readers.xlsx import XlsxReader

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import cli  # noqa: E402
from grid_reference import as_tuples  # noqa: E402

GRID = Path(__file__).resolve().parent / "fixtures" / "grid"
ROOT = GRID.parents[2]


@pytest.mark.parametrize("reader,suffix", [(XlsReader(), ".xls"), (OdsReader(), ".ods")])
def test_same_grid_as_xlsx(reader, suffix):
    want = as_tuples(XlsxReader().read(GRID / "rich.xlsx"))
    got = reader.read(GRID / f"rich{suffix}")
    assert as_tuples(got) == want
    s = got.sheets[1]
    d5 = s.rows[s.row_numbers.index(5)][3]
    assert d5.percent and d5.value == 0.7674  # 'percentage' in .ods, a '%' number format in .xls
    assert (31, 1, 31, 5) in s.merges and 30 in s.row_numbers


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_lam_thao_in_every_format_gives_the_same_report(suffix):
    code_a, out_a, err_a = cli("compute", "--spec", "2023", str(ROOT / "examples" / "lam-thao-2023-q3.xlsx"), "-f", "json")
    code_b, out_b, err_b = cli("compute", "--spec", "2023", str(GRID / f"lam-thao-2023-q3{suffix}"), "-f", "json")
    assert code_a == code_b == 1, (err_a, err_b)
    a, b = json.loads(out_a), json.loads(out_b)
    assert [(i["id"], i["value"]) for i in a["indicators"]] == [(i["id"], i["value"]) for i in b["indicators"]]
    assert [(f["code"], f["indicator"]) for f in a["findings"]] == [(f["code"], f["indicator"]) for f in b["findings"]]
    assert (b["unit"], b["period"], b["level"]) == ("huyện Lâm Thao", "2023-Q3", "huyen")


def _ods(content: str, mimetype: str = "application/vnd.oasis.opendocument.spreadsheet") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
    return buf.getvalue()


_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def test_ods_repeats_are_bounded(tmp_path):
    """A 1 KB file repeating a filled cell 16,384 × 1,048,576 times is refused at once, not expanded."""
    row = '<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>'
    empty = '<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    body = f'<office:document-content {_NS}><office:body><office:spreadsheet><table:table table:name="A">{empty}{row}</table:table></office:spreadsheet></office:body></office:document-content>'
    p = tmp_path / "bomb.ods"
    p.write_bytes(_ods(body))
    assert p.stat().st_size < 2000
    start = time.perf_counter()
    with pytest.raises(CchcError) as exc:
        OdsReader().read(p)
    assert time.perf_counter() - start < 1
    assert "hơn 50.000 ô" in str(exc.value)


def test_ods_empty_repeats_only_move_the_position(tmp_path):
    cell = '<table:table-cell office:value-type="percentage" office:value="0.25"><text:p>25%</text:p></table:table-cell>'
    body = (
        f'<office:document-content {_NS}><office:body><office:spreadsheet><table:table table:name="A">'
        '<table:table-row table:number-rows-repeated="999999"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
        f'<table:table-row><table:table-cell table:number-columns-repeated="3"/>{cell}</table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    p = tmp_path / "far.ods"
    p.write_bytes(_ods(body))
    [sheet] = OdsReader().read(p).sheets
    assert sheet.row_numbers == [1_000_000]
    assert sheet.address(0, 3) == "D1000000" and sheet.rows[0][3].percent and sheet.rows[0][3].value == 0.25


@pytest.mark.parametrize(
    "name,data,fragment",
    [
        ("odt.ods", _ods("<x/>", "application/vnd.oasis.opendocument.text"), "không phải bảng tính OpenDocument"),
        ("zip.ods", b"", "tệp rỗng"),
        ("word.ods", b"", "văn bản Word"),
        ("notes.ods", "STT\tChỉ tiêu\n".encode(), "tệp văn bản"),
    ],
)
def test_ods_that_is_something_else(tmp_path, name, data, fragment):
    p = tmp_path / name
    if name in ("zip.ods", "word.ods"):
        # A zip no reader recognises is the suffix's reader's to refuse; a Word document
        # under .ods is read by the reader its content names (pipeline.pick_reader, the
        # core docx reader) and said to be a Word document.
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("word/document.xml" if name == "word.ods" else "notes/readme.txt", "<w/>")
        data = buf.getvalue()
        if name == "zip.ods":
            fragment = "không phải bảng tính OpenDocument"
    p.write_bytes(data)
    code, out, err = cli("compute", "--spec", "2023", "--level", "xa", "--period", "2023-Q3", str(p), "-f", "json")
    assert code == 2 and fragment in err, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("Lỗi: ") and name in err


def test_xls_broken_and_doc(tmp_path):
    sys.path.insert(0, str(ROOT / "tests" / "hostile"))
    from make_catalogue import cfb

    for name, streams, fragment in (
        ("cu.xls", ["Workbook"], "Excel 97-2003 (.xls)"),
        ("bao-cao.doc", ["WordDocument", "1Table"], "Word 97-2003 (.doc)"),
        ("bao-cao.xls", ["WordDocument"], "Word 97-2003 (.doc)"),
    ):
        p = tmp_path / name
        p.write_bytes(cfb(streams))
        code, out, err = cli("compute", "--spec", "2023", "--level", "xa", "--period", "2023-Q3", str(p), "-f", "json")
        assert code == 2 and fragment in err, (name, err)
        assert len(err.strip().splitlines()) == 1 and name in err


def test_xlsx_sniffs_workbooks_and_old_office_files_only(tmp_path):
    docx = tmp_path / "bao-cao.dat"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    book = tmp_path / "bang.dat"
    book.write_bytes((GRID / "rich.xlsx").read_bytes())
    old = tmp_path / "cu.dat"
    old.write_bytes((GRID / "rich.xls").read_bytes())
    broken = tmp_path / "hong.dat"
    broken.write_bytes((GRID / "rich.xlsx").read_bytes()[:3000])
    reader = XlsxReader()
    # an .xls is the xls reader's (pipeline.pick_reader gives it there whatever its suffix)
    assert [reader.sniff(p) for p in (docx, book, old, broken)] == [False, True, False, True]
    assert XlsReader().sniff(old) and not XlsReader().sniff(book)
    assert OdsReader().sniff(GRID / "rich.ods") and not OdsReader().sniff(book)
