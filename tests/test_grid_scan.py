"""The .xlsx scan path (one expat check, one token scan) gives exactly what the streaming path gives.

``readers/xlsx.py`` reads a small, UTF-8, well-formed sheet part by a regular-expression
scan and sends anything it does not recognise to the streaming expat path. These tests
read the same files both ways and compare everything a Grid holds (values with their
types, percent and formula flags, row numbers, merges, findings) or the error line:
every fixture, every hostile workbook of the catalogue, and generated sheet XML in the
shapes that send the scan to the stream (prefixes, rich text, phonetic runs, comments,
entities, CR/LF, cells without references, duplicates, order, limits).
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc_engine.flow.findings import CchcError
from cchc_engine.readers import container as C
from cchc_engine.readers import xlsx as X
from cchc_engine.readers import xlsx_book as B

sys.path.insert(0, str(Path(__file__).resolve().parent / "hostile"))
from make_catalogue import CASES, appendix_workbook, rezip, workbook_bytes  # noqa: E402
from make_grid_fixtures import rich_workbook  # noqa: E402 (scripts/, on the path by conftest)

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = sorted((ROOT / "tests" / "fixtures").rglob("*.xlsx")) + sorted((ROOT / "examples").glob("*.xlsx"))
SHEET = "xl/worksheets/sheet1.xml"


def _snapshot(path: Path):
    """Everything a read gives, as plain data: the Grid, or the error line."""
    try:
        g = X.XlsxReader().read(path)
    except CchcError as exc:
        return ("error", str(exc))
    return (
        [
            (
                s.name,
                [[(type(c.value).__name__, c.value, c.percent, c.formula) for c in row] for row in s.rows],
                list(s.row_numbers),
                list(s.merges),
            )
            for s in g.sheets
        ],
        [(f.code, f.severity, f.location, f.values) for f in g.findings],
        g.text_lines,
    )


class _Paths:
    """Counts which path read each sheet; ``stream_only`` turns the scan off."""

    def __init__(self, monkeypatch, stream_only: bool = False):
        self.scanned = self.streamed = 0
        scan, parse_part = X._SheetParser._scan, C.parse_part

        def counted_scan(parser, data):
            scan(parser, data)
            self.scanned += 1

        def counted_parse(zf, name, start, *rest):
            if getattr(start, "__func__", None) is X._SheetParser.start:
                self.streamed += 1
            return parse_part(zf, name, start, *rest)

        monkeypatch.setattr(X._SheetParser, "_scan", counted_scan)
        monkeypatch.setattr(C, "parse_part", counted_parse)
        if stream_only:
            monkeypatch.setattr(X, "_scan_bytes", lambda zf, part: None)


def _both(path: Path, monkeypatch):
    """(scan-enabled snapshot, stream-only snapshot, how the first read its sheets)."""
    with monkeypatch.context() as m:
        paths = _Paths(m)
        fast = _snapshot(path)
    with monkeypatch.context() as m:
        _Paths(m, stream_only=True)
        slow = _snapshot(path)
    return fast, slow, paths


@pytest.mark.parametrize("path", WORKBOOKS, ids=[p.name for p in WORKBOOKS])
def test_every_fixture_reads_the_same_both_ways(path, monkeypatch):
    fast, slow, paths = _both(path, monkeypatch)
    assert fast == slow
    assert fast[0] and paths.scanned >= 1  # not a vacuous comparison: the scan read it


def test_rich_workbook_reads_the_same_both_ways(tmp_path, monkeypatch):
    """Percent and date formats, a formula without value, a control character, merges, gaps."""
    p = rich_workbook(tmp_path / "rich.xlsx")
    fast, slow, paths = _both(p, monkeypatch)
    assert fast == slow and paths.scanned >= 2


def test_generated_communes_are_read_by_the_scan(tmp_path, monkeypatch):
    """What bench/ measures (openpyxl-written communes) takes the scan, never the stream."""
    sys.path.insert(0, str(ROOT / "bench"))
    from make_communes import make_communes

    made = make_communes(tmp_path / "communes", 2)  # one with numbers, one with text values
    for f in made:
        fast, slow, paths = _both(Path(f["file"]), monkeypatch)
        assert fast == slow
        assert (paths.scanned, paths.streamed) == (1, 0)


# Their sheet parts are far over SCAN_MAX (2.8–300 MB): the stream reads them either way, and
# building them costs seconds. The same limits inside the scan's size: the tests further down.
_STREAM_ONLY = {"rows-50000", "rows-30000-sparse", "cols-1000", "zip-bomb"}
_CASES = [c for c in CASES if c.name not in _STREAM_ONLY]


@pytest.mark.parametrize("case", _CASES, ids=[c.name for c in _CASES])
def test_every_hostile_workbook_reads_the_same_both_ways(case, tmp_path, monkeypatch):
    """Each catalogue case's zip inputs: the same Grid, or the same one-line refusal."""
    d = tmp_path / "in"
    d.mkdir()
    case.build(d)
    zips = [p for p in sorted(d.rglob("*")) if p.is_file() and p.read_bytes()[:2] == b"PK"]
    for p in zips:
        fast, slow, _ = _both(p, monkeypatch)
        assert fast == slow, p.name


# -- generated sheets: the shapes that must leave the scan, and the limits --------------------

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _base() -> bytes:
    return workbook_bytes(appendix_workbook())


_BASE = _base()


def _with_sheet(tmp_path: Path, name: str, sheet: str | bytes) -> Path:
    data = sheet.encode("utf-8") if isinstance(sheet, str) else sheet
    p = tmp_path / name
    p.write_bytes(rezip(_BASE, {SHEET: data}))
    return p


def _sheet(rows: str, prefix: str = "", extra: str = "", decl: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    x = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{NS}"' if prefix else f'xmlns="{NS}"'
    return f"{decl}<{x}worksheet {xmlns}><{x}sheetData>{rows}</{x}sheetData>{extra}</{x}worksheet>"


# One cell in many shapes; {r} is its reference, {v} a value. The first ones are what the
# scan reads itself; the others send the sheet to the stream.
SCANNED = [
    '<c r="{r}"><v>{v}</v></c>',
    '<c r="{r}" t="n"><v>{v}</v></c>',
    '<c r="{r}" s="1"><v>{v}</v></c>',
    '<c r="{r}" s="1" t="n"><v>{v}</v></c>',
    '<c r="{r}" t="inlineStr"><is><t>{v}</t></is></c>',
    '<c r="{r}" s="2" t="inlineStr"><is><t xml:space="preserve"> {v} </t></is></c>',
    '<c r="{r}" t="str"><f>A1&amp;"x"</f><v>{v}</v></c>',
    '<c r="{r}"><f>3+3</f></c>',
    '<c r="{r}"><f t="shared" si="0"/></c>',
    '<c r="{r}"><f t="shared" ref="D1:D3" si="0">1+1</f><v>2</v></c>',
    '<c r="{r}" t="b"><v>1</v></c>',
    '<c r="{r}" t="b"><v>{v}</v></c>',
    '<c r="{r}" t="d"><v>2023-09-28T10:30:00Z</v></c>',
    '<c r="{r}" t="d"><v>{v}</v></c>',
    '<c r="{r}" t="e"><v>#DIV/0!</v></c>',
    '<c r="{r}" t="str"><v>{v}</v></c>',
    '<c r="{r}" t="inlineStr"><v>{v}</v></c>',
    '<c r="{r}" t="n"><is><t>{v}</t></is></c>',
    '<c r="{r}"/>',
    '<c r="{r}" s="1"></c>',
    '<c r="{r}"><v></v></c>',
]
CELL_SHAPES = SCANNED + [
    '<c r="{r}" t="s"><v>0</v></c>',  # this workbook has no shared strings: refused, both ways
    '<c r="{r}" t="inlineStr"><is><r><t>a</t></r><r><rPr><b/></rPr><t>{v}</t></r></is></c>',
    '<c r="{r}" t="inlineStr"><is><t>{v}</t><rPh sb="0" eb="1"><t>ふり</t></rPh></is></c>',
    '<c r="{r}" t="inlineStr"><is><rPh><t>only phonetic</t></rPh></is></c>',
    '<c r="{r}"><v/></c>',
    "<c><v>{v}</v></c>",
    '<c s="1" r="{r}"><v>{v}</v></c>',
    "<c r='{r}'><v>{v}</v></c>",
    '<c r="{r}" >\n<v>{v}</v>\n</c>',
    '<c r="{r}"><v>{v}</v><extLst/></c>',
    '<c r="{r}" cm="1"><v>{v}</v></c>',
    '<c r="{r}"><!-- note --><v>{v}</v></c>',
    '<c r="{r}"><v><![CDATA[{v}]]></v></c>',
    '<c r="{r}" t="inlineStr"><t>{v}</t></c>',
    '<c r="{r}" t="inlineStr"><is><t>{v}</t></is><is><t>!</t></is></c>',
]
VALUES = ["8", "0.7674", "1e3", "-5", "12,5", "Số văn bản", "&#7889;&#195; &amp; &lt;b&gt;", "line\r\nbreak\rhere",
          "tab\there", "&#13;cr", "", " ", "9" * 40, "x\x01y".replace("\x01", "&#x1F;")]
ROW_SHAPES = ['<row r="{n}">{cells}</row>', "<row>{cells}</row>", '<row r="{n}" spans="1:5" ht="15">{cells}</row>',
              '<row spans="1:5" r="{n}">{cells}</row>', '<row r="{n}"/>', "{cells}", '<rowx r="{n}">{cells}</rowx>']


@st.composite
def sheets(draw):
    # Most examples hold only what the scan reads, so its own logic is what is compared;
    # the others add one kind of oddity (cells of other shapes, a prefix, something
    # outside <sheetData>, another encoding) to cells that are otherwise in order,
    # which is when the scan itself must notice and step aside.
    odd = draw(st.sampled_from(["none"] * 6 + ["cells", "cells", "prefix", "outside", "declaration"]))
    in_order = draw(st.integers(0, 9)) < 8  # as writers store cells
    rows = []
    n = 0
    for _ in range(draw(st.integers(1, 6))):
        n += draw(st.integers(1, 3) if in_order else st.integers(0, 3))
        cells = []
        col = 0
        for _ in range(draw(st.integers(0, 6))):
            if in_order:
                col += draw(st.sampled_from([1, 1, 2, 30]))  # past MAX_COLS now and then
                ref = f"{X.column_letter(col)}{max(n, 1)}"
            else:
                col += draw(st.integers(0, 2))  # 0: the same column again (a duplicate)
                letters = draw(st.sampled_from(["", "", "", "A", "B", "D", "BH", "BI", "ZZ"]))
                row = max(n, 1) + draw(st.sampled_from([0, 0, 0, -1, 1]))  # now and then another row's cell
                ref = f"{letters or X.column_letter(max(col, 1))}{max(row, 1)}"
            pool = CELL_SHAPES[len(SCANNED):] if odd == "cells" and draw(st.booleans()) else SCANNED
            cells.append(draw(st.sampled_from(pool)).format(r=ref, v=draw(st.sampled_from(VALUES))))
        body = "".join(cells)
        if odd == "prefix":
            body = body.replace("<c ", "<x:c ").replace("</c>", "</x:c>").replace("<c>", "<x:c>")
        row_shapes = ROW_SHAPES if odd == "cells" else ROW_SHAPES[:4]
        rows.append(draw(st.sampled_from(row_shapes)).format(n=max(n, 1), cells=body))
    extras = [
        "",
        '<mergeCells count="1"><mergeCell ref="A1:B2"/></mergeCells>',
        '<mergeCells><mergeCell ref="C3:A1"/><mergeCell ref="bad"/><mergeCell ref="A1:ZZZZ9"/></mergeCells>',
    ]
    if odd == "outside":
        extras = [
            "<mergeCells><mergeCell/></mergeCells>",
            '<mergeCells><mergeCell ref="A1:B2" extra="1"/></mergeCells>',
            '<extLst><c r="Z9"><v>7</v></c></extLst>',
            '<extLst><x:row xmlns:x="urn:x" r="3"/></extLst>',
            "<!-- <c r='Z9'><v>7</v></c> -->",
            '<!-- <mergeCell ref="A1:B2"/> -->',
            "<?pi <c r='Z9'><v>7</v></c> ?>",
            '<sheetData><row r="90"><c r="A90"><v>1</v></c></row></sheetData>',
            "<rPh><t>x</t></rPh>",
        ]
    decls = ['<?xml version="1.0" encoding="UTF-8"?>', "", '<?xml version="1.0"?>', '\ufeff<?xml version="1.0" encoding="utf-8"?>']
    if odd == "declaration":
        decls = ['<?xml version="1.0" encoding="ISO-8859-1"?>', '<?xml version="1.0" encoding="UTF-16"?>']
    return _sheet("".join(rows), "x" if odd == "prefix" else "", draw(st.sampled_from(extras)), draw(st.sampled_from(decls)))


# derandomize: the same 150 sheets every run, so the share read by the scan (checked
# below) is a fixed figure, not a draw that may fall under the bound now and then.
@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheet=sheets())
def test_generated_sheets_read_the_same_both_ways(sheet, tmp_path, monkeypatch):
    encoding = "latin-1" if "ISO-8859-1" in sheet else "utf-16" if "UTF-16" in sheet else "utf-8"
    p = _with_sheet(tmp_path, "gen.xlsx", sheet.encode(encoding, "xmlcharrefreplace"))
    fast, slow, paths = _both(p, monkeypatch)
    assert fast == slow, sheet
    _SEEN[paths.scanned] = _SEEN.get(paths.scanned, 0) + 1


_SEEN: dict[int, int] = {}


def test_generated_sheets_mostly_took_the_scan():
    """The comparison above is not vacuous: many generated sheets were read by the scan."""
    if _SEEN:  # (run alone, this test has nothing to check)
        assert _SEEN.get(1, 0) >= sum(_SEEN.values()) // 5, _SEEN


def _cells_sheet(n_rows: int, per_row: int, shape: str = '<c r="{r}"><v>1</v></c>') -> str:
    rows = "".join(
        f'<row r="{i}">' + "".join(shape.format(r=f"{X.column_letter(j)}{i}") for j in range(1, per_row + 1)) + "</row>"
        for i in range(1, n_rows + 1)
    )
    return _sheet(rows)


@pytest.mark.parametrize("name, sheet, fragment", [
    ("cells", _cells_sheet(C.MAX_CELLS // 50 + 1, 50), "ô (giới hạn đọc"),
    ("rows", _cells_sheet(C.MAX_ROWS + 1, 1, "<c r=\"{r}\"/>"), "dòng (giới hạn đọc"),
    ("duplicate", _sheet('<row r="1"><c r="A1"><v>1</v></c><c r="A1"><v>2</v></c></row>'), "A1"),
    ("bad-xml", _sheet('<row r="1"><c r="A1"><v>1</c></row>'), "XML không hợp lệ (dòng 1, cột"),
    ("doctype", '<!DOCTYPE x [<!ENTITY a "b">]>' + _sheet('<row r="1"><c r="A1"><v>&a;</v></c></row>', decl=""), "DOCTYPE"),
])
def test_limits_and_refusals_are_the_streams(name, sheet, fragment, tmp_path, monkeypatch):
    """At each limit the scan steps aside and the stream refuses with its own line."""
    p = _with_sheet(tmp_path, f"{name}.xlsx", sheet)
    fast, slow, paths = _both(p, monkeypatch)
    assert fast == slow and fast[0] == "error" and fragment in fast[1], fast
    assert paths.streamed == 1


def test_text_budget_is_the_streams(tmp_path, monkeypatch):
    """Text just over the budget in total, split over the sheet's cells: refused either way."""
    monkeypatch.setattr(C, "MAX_TEXT", 10_000)
    over = _sheet("".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{"x" * 1_000}</t></is></c></row>' for i in range(1, 12)))
    under = _sheet("".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{"x" * 1_000}</t></is></c></row>' for i in range(1, 9)))
    a, b = _with_sheet(tmp_path, "over.xlsx", over), _with_sheet(tmp_path, "under.xlsx", under)
    fast, slow, _ = _both(a, monkeypatch)
    assert fast == slow and fast[0] == "error"
    fast, slow, paths = _both(b, monkeypatch)
    assert fast == slow and fast[0] != "error" and paths.scanned == 1


def test_a_cell_beyond_the_columns_is_counted_by_the_scan(tmp_path, monkeypatch):
    sheet = _sheet('<row r="1"><c r="A1"><v>1</v></c><c r="BI1"><v>2</v></c><c r="ZZ1" t="inlineStr"><is><t>x</t></is></c></row>')
    fast, slow, paths = _both(_with_sheet(tmp_path, "wide.xlsx", sheet), monkeypatch)
    assert fast == slow and paths.scanned == 1
    assert [(f[0], f[3]["count"], f[3]["cell"]) for f in fast[1]] == [("cells-beyond-columns", 2, "BI1")]


def test_styles_are_remembered_by_their_bytes(tmp_path):
    """Two workbooks whose style 1 differs (percent, then date) each get their own formats."""
    def book(fmt: str) -> Path:
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws["A1"] = 45000.5
        ws["A1"].number_format = fmt
        p = tmp_path / f"{len(list(tmp_path.iterdir()))}.xlsx"
        wb.save(p)
        return p

    reader = X.XlsxReader()
    for _ in range(2):  # the second round comes from the memo
        pct, date = reader.read(book("0.0%")), reader.read(book("dd/mm/yyyy hh:mm"))
        assert pct.sheets[0].rows[0][0].percent and pct.sheets[0].rows[0][0].value == 45000.5
        assert not date.sheets[0].rows[0][0].percent and str(date.sheets[0].rows[0][0].value) == "2023-03-15 12:00:00"
    assert any(kind == "styles" for kind, _, _ in reader.memos.parts)  # the reader's own memo, not the module's


def test_the_readers_part_memo_is_bounded(tmp_path):
    base = zipfile.ZipFile(io.BytesIO(_BASE))
    styles = base.read("xl/styles.xml")
    reader = X.XlsxReader()
    for i in range(B._MEMO_MAX + 5):
        p = tmp_path / f"s{i}.xlsx"
        p.write_bytes(rezip(_BASE, {"xl/styles.xml": styles.replace(b"<styleSheet ", f'<styleSheet data-n="{i}" '.encode(), 1)}))
        reader.read(p)
        assert len(reader.memos.parts) <= B._MEMO_MAX
    assert X.XlsxReader().memos.parts == {}  # another reader (another host) starts empty



@pytest.mark.parametrize("extra", [
    '<!-- <mergeCell ref="A1:B2"/> -->',
    '<?note <mergeCell ref="A1:B2"/> ?>',
    '<extLst><x:mergeCell xmlns:x="urn:x" ref="A1:B2"/></extLst>',
    '<extLst><c r="C1"><v>7</v></c></extLst>',
])
def test_what_only_looks_like_a_merge_or_a_cell(extra, tmp_path, monkeypatch):
    """Text in a comment or an instruction is no element; a prefixed element is one (to the stream)."""
    sheet = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>', extra=extra)
    fast, slow, paths = _both(_with_sheet(tmp_path, "odd.xlsx", sheet), monkeypatch)
    assert fast == slow and paths.streamed == 1


@pytest.mark.parametrize("row", [
    '<c r="A1"><v>1</v></c><x:c xmlns:x="' + NS + '" r="B1"><x:v>2</x:v></x:c>',  # a prefixed cell
    '<c r="A1"><v>1</v></c><c><v>2</v></c>',  # a cell without a reference
    '<c r="A1"><v>1</v></c><c s="0" r="B1"><v>2</v></c>',  # the reference not first
    '<c r="A1"><v>1</v></c><c r="B1" t="inlineStr"><is><r><t>ri</t></r><r><t>ch</t></r></is></c>',
    '<c r="A1" t="inline&#83;tr"><is><t>x</t></is></c>',  # an attribute expat decodes
    "<c r=\"A1\" t='inlineStr'><is><t>x</t></is></c>",  # single quotes
    '<c r="A1" t="inlineStr&#10;"><is><t>x</t></is></c>',
    '<c r="A1"/><v>5</v>',  # a <v> outside any cell: not a value
])
def test_cells_the_scan_does_not_know_are_the_streams(row, tmp_path, monkeypatch):
    sheet = _sheet(f'<row r="1">{row}</row>')
    fast, slow, paths = _both(_with_sheet(tmp_path, "cells.xlsx", sheet), monkeypatch)
    assert fast == slow and paths.streamed == 1 and fast[0] != "error"
