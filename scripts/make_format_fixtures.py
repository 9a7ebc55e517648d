"""Build every seed's appendix in every format an officer sends (``tests/fixtures/formats/``).

For each seed report in ``shared/seeds``:

``seedNNN_report.docx``
    The whole report as a Word document: every prose line a paragraph (markdown
    headings and ``**bold**`` as bold runs), every tab-separated block a Word table
    with the two-row header merged as printed ("STT" and the name column merged
    down, "Kết quả thống kê" merged across "Đơn vị tính | Số liệu", "Ghi chú"
    merged down), ``<b>``/``<i>`` as bold/italic runs and footnote marks
    ``<sup>7</sup>`` as superscript runs. Where the seed breaks a table at a page
    (a blank line between two tab blocks) the document has a page break and a new
    table that repeats the header, the way the report was typed.
``seed000_report_noheaders.docx``
    The same report with the header only on the first table of each run of tables:
    the continuation tables after each page break carry data rows alone.
``seedNNN_report.txt``
    The report as pasted text (the seed itself: tab-separated tables).
    Seed 001 lost its letterhead ("UBND HUYỆN LÂM THAO", which the workbook fixtures
    carry): the .docx has it back as a borderless table at the top, the .txt as its
    first line (``LETTERHEADS``).
``seed000_pagebreaks.{txt,docx}`` and ``tests/fixtures/seed000_pagebreaks.xlsx`` (→ .xls, .ods)
    Seed 000 cut at its page breaks as real reports are (``PAGE_NOTES``): after each
    break the header repeats in another shape (its second row alone, whole, its first
    row alone then a row with only a note, without STT with column numbers, nothing),
    and a Ghi chú cut by the break goes on in the next row.
``seed000_report_widths.docx``
    The Word report whose fourth table is a 4-column continuation without its STT
    column and header, the tables after it 5 columns without header.
``seed000_report_altchunk.docx`` and ``seed000_report_altchunk_mht.docx``
    The first three tables in the document, the rest of the report embedded through
    ``w:altChunk``: as a .docx, and as an MHT page (what server-side generators write).
``seed000_report.doc``
    The Word report saved as Word 97-2003 by LibreOffice: what an officer with an
    old Word sends (the engine says how to convert it).
``<fixture>.xls`` and ``<fixture>.ods``
    Every ``tests/fixtures/*.xlsx`` workbook converted headless by LibreOffice
    (``soffice --convert-to xls|ods``); the test suite reads the committed files and
    never needs LibreOffice. The .ods zip is rewritten with fixed timestamps.

Output is deterministic (fixed document properties and zip timestamps).
The module is importable: ``write_report_docx(seed_text, path)`` builds a report
from any text in the seeds' shape (tests build variants in ``tmp_path``).

Usage: ``python scripts/make_format_fixtures.py [--seeds DIR] [--no-convert]``;
``scripts/make_fixtures.py`` calls it after writing the xlsx fixtures.
"""

from __future__ import annotations

import argparse
import html
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Callable, Optional, Sequence

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
FORMATS = FIXTURES / "formats"
DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
# The issuing body's letterhead the seed lost (the workbook fixtures carry it too);
# in a Word report it is a borderless two-column table at the top.
LETTERHEADS = {
    "001": ("UBND HUYỆN LÂM THAO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"),
}
SEED_FILES = {
    "000": "000_227a629e6e99f120.txt",
    "001": "001_51dee80d3aefd927.txt",
    "004": "004_eabd2119ffc295c2.txt",
}

_INLINE = re.compile(r"<(/?)(b|strong|i|em|sup)\b[^>]*>", re.IGNORECASE)
_OTHER_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_MD_ESCAPE = re.compile(r"\\([\\_*#\[\]()`~>|-])")
_WIDTHS_CM = (1.5, 8.5, 2.6, 2.4, 2.0)  # STT, name, unit, value, note: as the printed appendix
_RULE = re.compile(r"^\s*([-_*])(\s*\1){2,}\s*$")


def _fold(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _is_header(cells: Sequence[str]) -> bool:
    return len(cells) > 1 and _fold(_plain(cells[0])).startswith("stt") and "chi tieu" in _fold(_plain(cells[1]))


def _is_header_2(cells: Sequence[str]) -> bool:
    return len(cells) > 2 and not _plain(cells[0]) and not _plain(cells[1]) and "don vi tinh" in _fold(_plain(cells[2]))


def _plain(cell: str) -> str:
    return " ".join(html.unescape(_OTHER_TAG.sub("", cell)).split())


def runs_of(cell: str) -> list[tuple[str, bool, bool, bool]]:
    """A seed cell as Word runs: (text, bold, italic, superscript); spaces collapsed."""
    out: list[tuple[str, bool, bool, bool]] = []
    state = {"b": 0, "i": 0, "sup": 0}
    pos = 0
    for m in list(_INLINE.finditer(cell)) + [None]:
        end = m.start() if m else len(cell)
        text = html.unescape(_OTHER_TAG.sub("", cell[pos:end]))
        if text:
            out.append((text, state["b"] > 0, state["i"] > 0, state["sup"] > 0))
        if m is None:
            break
        tag = {"strong": "b", "em": "i"}.get(m.group(2).lower(), m.group(2).lower())
        state[tag] = max(0, state[tag] + (-1 if m.group(1) else 1))
        pos = m.end()
    # Collapse whitespace across run boundaries like the xlsx fixtures' clean_cell.
    collapsed: list[tuple[str, bool, bool, bool]] = []
    prev_space = True
    for text, b, i, sup in out:
        text = re.sub(r"\s+", " ", text)
        if prev_space:
            text = text.lstrip(" ")
        if text:
            prev_space = text.endswith(" ")
            collapsed.append((text, b, i, sup))
    if collapsed and collapsed[-1][0].endswith(" "):
        t, b, i, sup = collapsed[-1]
        collapsed[-1] = (t.rstrip(" "), b, i, sup)
    return [r for r in collapsed if r[0]]


def _prose(line: str) -> tuple[str, bool]:
    """A prose line without its markdown; bold when it was a heading or **bold**."""
    s = line.strip()
    bold = s.startswith("#") or "**" in s
    s = re.sub(r"^#+\s*", "", s).replace("**", "")
    s = _MD_ESCAPE.sub(r"\1", s)
    s = " ".join(html.unescape(_OTHER_TAG.sub("", re.sub(r"<sup>.*?</sup>", "", s, flags=re.I))).split())
    return s, bold


def blocks(seed_text: str) -> list[tuple[str, object]]:
    """The seed as ('para', (text, bold)), ('table', [cells per row]) and ('break', None) items."""
    items: list[tuple[str, object]] = []
    table: list[list[str]] = []
    blank_since_table = False
    for line in seed_text.splitlines():
        if "\t" in line:
            if not table and items and items[-1][0] == "table" and blank_since_table:
                items.append(("break", None))
            table.append(line.split("\t"))
            continue
        if table:
            items.append(("table", table))
            table = []
            blank_since_table = False
        if not line.strip():
            blank_since_table = True
            continue
        if _RULE.match(line):
            continue
        text, bold = _prose(line)
        if text:
            items.append(("para", (text, bold)))
    if table:
        items.append(("table", table))
    return items


def write_report_docx(
    seed_text: str, path: Path | str, *, repeat_headers: bool = True, letterhead: Sequence[str] = (),
    shape: Optional[Shape] = None,
) -> Path:
    """Write the report as Word would hold it; see the module docstring. Deterministic bytes.

    ``letterhead``: the cells of a borderless table put above everything (lines split on newlines).
    ``shape(n, rows)``: the rows the n-th table (0-based) is written with instead of its own
    (a continuation that lost its STT column, headers left out).
    """
    buf = io.BytesIO()
    report_document(blocks(seed_text), repeat_headers=repeat_headers, letterhead=letterhead, shape=shape).save(buf)
    return _write_zip_deterministic(buf.getvalue(), Path(path))


Shape = Callable[[int, list[list[str]]], list[list[str]]]


def report_document(items: list[tuple[str, object]], *, repeat_headers: bool = True, letterhead: Sequence[str] = (),
                    shape: Optional[Shape] = None):
    """A python-docx Document of ``blocks`` items (see ``write_report_docx``)."""
    import datetime as dt

    import docx
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = docx.Document()
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(13)
    previous_was_table = False
    n_table = -1
    if letterhead:
        head = doc.add_table(rows=1, cols=len(letterhead))
        for ci, text in enumerate(letterhead):
            cell = head.cell(0, ci)
            for li, line in enumerate(text.split("\n")):
                para = cell.paragraphs[0] if li == 0 else cell.add_paragraph()
                para.add_run(line).bold = True
        doc.add_paragraph()
    for kind, payload in items:
        if kind == "para":
            text, bold = payload  # type: ignore[misc]
            doc.add_paragraph().add_run(text).bold = bold
            previous_was_table = False
        elif kind == "break":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            rows: list[list[str]] = payload  # type: ignore[assignment]
            n_table += 1
            continuation = previous_was_table
            if continuation and not repeat_headers:
                rows = [r for r in rows if not (_is_header(r) or _is_header_2(r))]
            if shape is not None:
                rows = shape(n_table, rows)
            ncols = max(len(r) for r in rows)
            table = doc.add_table(rows=len(rows), cols=ncols)
            table.style = "Table Grid"
            table.autofit = False
            if ncols == len(_WIDTHS_CM):
                for ci, width in enumerate(_WIDTHS_CM):
                    table.columns[ci].width = Cm(width)
            header_rows = []
            for ri, cells in enumerate(rows):
                cells = cells + [""] * (ncols - len(cells))
                if _is_header(cells) or _is_header_2(cells):
                    header_rows.append(ri)
                for ci, text in enumerate(cells):
                    if ncols == len(_WIDTHS_CM):
                        table.cell(ri, ci).width = Cm(_WIDTHS_CM[ci])
                    para = table.cell(ri, ci).paragraphs[0]
                    for t, b, i, sup in runs_of(text):
                        run = para.add_run(t)
                        run.bold, run.italic = b or None, i or None
                        if sup:
                            run.font.superscript = True
            for ri in header_rows:
                el = OxmlElement("w:tblHeader")
                el.set(qn("w:val"), "true")
                table.rows[ri]._tr.get_or_add_trPr().append(el)
            if len(header_rows) == 2 and header_rows[1] == header_rows[0] + 1 and ncols == 5:
                r0, r1 = header_rows
                for ci in (0, 1, 4):  # STT, name, Ghi chú: merged down over the two header rows
                    if ci != 4 or not _plain(rows[r1][4] if len(rows[r1]) > 4 else ""):  # (a note going on: not merged)
                        table.cell(r0, ci).merge(table.cell(r1, ci))
                table.cell(r0, 2).merge(table.cell(r0, 3))  # "Kết quả thống kê" over unit | value
            previous_was_table = True
    props = doc.core_properties
    props.author = props.last_modified_by = "cchc-engine scripts/make_format_fixtures.py"
    props.created = props.modified = dt.datetime(2024, 1, 1)
    props.revision = 1
    return doc


def _write_zip_deterministic(data: bytes, path: Path) -> Path:
    """Re-zip with fixed timestamps; ``mimetype`` (ODF) first and stored, as the format requires."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(src.namelist(), key=lambda n: n != "mimetype")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    return path


def convert_workbooks(xlsx_files: Sequence[Path], outdir: Path, formats: Sequence[str] = ("xls", "ods")) -> list[Path]:
    """xlsx → .xls and .ods (or docx → .doc) with LibreOffice headless, in a private profile (parallel-safe)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice (LibreOffice) not found; install it or pass --no-convert")
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="cchc-lo-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        for fmt in formats:
            cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", fmt, "--outdir", tmp, *map(str, xlsx_files)]
            subprocess.run(cmd, check=True, capture_output=True, timeout=600,
                           env={**os.environ, "TZ": "UTC", "SOURCE_DATE_EPOCH": "1704067200"})
            for src in xlsx_files:
                made = Path(tmp, src.stem + "." + fmt)
                if not made.exists():
                    raise SystemExit(f"LibreOffice did not write {made.name}")
                target = outdir / made.name
                if fmt == "ods":
                    _write_zip_deterministic(_fix_ods_meta(made.read_bytes()), target)
                else:
                    shutil.copyfile(made, target)
                written.append(target)
    return written


def _fix_ods_meta(data: bytes) -> bytes:
    """Drop the thumbnail and the run-dependent meta fields (generator, edit time)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            if name.startswith("Thumbnails/"):
                continue
            body = src.read(name)
            if name == "meta.xml":
                body = re.sub(rb"<meta:editing-duration>[^<]*</meta:editing-duration>", b"", body)
            if name == "styles.xml":
                body = _sort_master_pages(body)
            if name == "META-INF/manifest.xml":
                body = re.sub(rb"<manifest:file-entry[^>]*Thumbnails/[^>]*/>", b"", body)
            dst.writestr(name, body)
    return out.getvalue()


def _sort_master_pages(body: bytes) -> bytes:
    """LibreOffice writes one master page per sheet in hash order; sort them by name."""
    pages = list(re.finditer(rb"<style:master-page .*?</style:master-page>", body, re.S))
    if len(pages) < 2:
        return body
    start, end = pages[0].start(), pages[-1].end()
    if body[start:end] != b"".join(m.group(0) for m in pages):
        return body  # not one contiguous run: leave as written
    return body[:start] + b"".join(sorted(m.group(0) for m in pages)) + body[end:]


# --- page breaks as real reports have them -------------------------------------------
# Where the Word original crossed a page, what follows the break varies from report to
# report: only the second header row ("Đơn vị tính | Số liệu", STT and name blank), the
# whole header, its first row alone, a header without STT, column numbers, or nothing.
# A Ghi chú cut by the break goes on in the next row: on the repeated header row or on
# a row holding only the note. Notes from seed 004 (no figure in them: no note_of reads them).
PAGE_NOTES = (  # (first part, on the table's last row; rest, after the break)
    ("Thống kê, đối chiếu và nêu chi tiết", "kết quả đạt được"),
    ("UBND cấp huyện tổng hợp", "báo cáo"),
    ("Sở, ban, ngành và các cơ quan", "Trung ương báo cáo"),
    None,
    ("Chỉ UBND cấp huyện", "báo cáo theo quy định"),
    None,
)
HEADER_1, HEADER_2 = 0, 1
NO_STT_HEADER = ["", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"]
COLUMN_NUMBERS = ["(1)", "(2)", "(3)", "(4)", "(5)"]


def _page_head(n: int, header: list[list[str]], rest: str) -> list[list[str]]:
    """The rows that start the n-th table after a page break (1-based), ``rest`` the note going on."""
    second = [*header[HEADER_2][:4], rest]
    return {
        1: [second],  # the second header row alone, its Ghi chú the rest of the note
        2: [header[HEADER_1], second],  # the whole header, the note going on in its second row
        3: [header[HEADER_1], ["", "", "", "", rest]],  # its first row alone, then a row with only the note
        4: [NO_STT_HEADER, COLUMN_NUMBERS],  # a header without STT, then column numbers
        5: [second],
        6: [],  # no header at all
    }[n]


def pagebreak_text(seed_text: str) -> str:
    """The seed report with its appendix cut at page breaks as ``PAGE_NOTES`` says."""
    out: list[str] = []
    n_table = -1
    carried = ""
    for line in _table_runs(seed_text):
        if isinstance(line, str):
            out.append(line)
            continue
        n_table += 1
        rows = [list(r) + [""] * (5 - len(r)) for r in line]
        header, body = rows[:2], rows[2:]
        if n_table:
            body = _page_head(n_table, header, carried) + body
        else:
            body = header + body
        note = PAGE_NOTES[n_table] if n_table < len(PAGE_NOTES) else None
        carried = ""
        if note is not None:
            body[-1] = [*body[-1][:4], note[0]]
            carried = note[1]
        out += ["\t".join(r) for r in body]
    return "\n".join(out) + "\n"


def _table_runs(text: str) -> list:
    """The text as lines, with each run of tab-separated lines as one list of cells."""
    out: list = []
    for line in text.splitlines():
        if "\t" in line:
            if out and isinstance(out[-1], list):
                out[-1].append(line.split("\t"))
            else:
                out.append([line.split("\t")])
        else:
            out.append(line)
    return out


def pagebreak_notes(seed_text: str) -> dict[str, str]:
    """Indicator name → the whole note the page-break fixture gives it (what reading must join)."""
    notes: dict[str, str] = {}
    n_table = -1
    for line in _table_runs(seed_text):
        if isinstance(line, list):
            n_table += 1
            note = PAGE_NOTES[n_table] if n_table < len(PAGE_NOTES) else None
            if note is not None:
                notes[_plain(line[-1][1])] = f"{note[0]} {note[1]}"
    return notes


def write_blocks_workbook(text: str, path: Path, title_lines: Sequence[str]) -> Path:
    """The appendix of ``text`` as one Excel sheet: titles, then every table row as typed,
    page after page (headers repeated as the text repeats them), text values."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import make_fixtures as mf
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    mf._setup_sheet(ws)
    r = 1
    for line in title_lines:
        mf._title_row(ws, r, line)
        r += 1
    r += 1
    tables = [b for kind, b in blocks(text) if kind == "table"]
    for rows in tables:
        for cells in rows:
            cells = [mf.clean_cell(c) for c in (list(cells) + [""] * 5)[:5]]
            if _is_header(cells) or _is_header_2(cells) or cells in (NO_STT_HEADER, COLUMN_NUMBERS):
                for c, value in enumerate(cells, start=1):
                    ws.cell(row=r, column=c, value=value or None).font = Font(bold=True)
                    ws.cell(row=r, column=c).border = mf._BORDER
                if _is_header(cells):
                    ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=4)
            else:
                stt, name, unit, value, note = cells
                mf._data_row(ws, r, {"stt": stt, "name": name, "unit": unit, "value": value, "note": note}, "text")
            r += 1
    return mf.save_deterministic(wb, path)


def widths_shape(n: int, rows: list[list[str]]) -> list[list[str]]:
    """The Word report whose tables change column count: the fourth table a 4-column
    continuation without STT and header, the tables after it 5 columns without header."""
    if n < 3:
        return rows
    body = [r for r in rows if not (_is_header(r) or _is_header_2(r))]
    return [r[1:] for r in body] if n == 3 else body


ALT_CHUNK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def write_altchunk_docx(seed_text: str, path: Path, *, tables_outside: int = 3, chunk: Optional[bytes] = None,
                        chunk_name: str = "afchunk.docx", chunk_type: str = DOCX_MAIN) -> Path:
    """The Word report with its appendix continued through ``w:altChunk``: the first
    ``tables_outside`` tables in the document, the rest (and what follows) in an embedded
    .docx (or ``chunk``: other bytes, e.g. an HTML page) that Word shows in place."""
    items = blocks(seed_text)
    cut = [i for i, (kind, _) in enumerate(items) if kind == "table"][tables_outside]
    outer = io.BytesIO()
    report_document(items[:cut]).save(outer)
    if chunk is None:
        inner = io.BytesIO()
        report_document(items[cut:]).save(inner)
        chunk = _write_zip_bytes(inner.getvalue())
    src = zipfile.ZipFile(io.BytesIO(outer.getvalue()))
    parts = {name: src.read(name) for name in src.namelist()}
    rid = "rIdAltChunk1"
    parts["word/" + chunk_name] = chunk
    rels = parts["word/_rels/document.xml.rels"].decode("utf-8")
    parts["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>", f'<Relationship Id="{rid}" Type="{ALT_CHUNK_TYPE}" Target="{chunk_name}"/></Relationships>'
    ).encode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    parts["[Content_Types].xml"] = types.replace(
        "</Types>", f'<Override PartName="/word/{chunk_name}" ContentType="{chunk_type}"/></Types>').encode("utf-8")
    body = parts["word/document.xml"].decode("utf-8")
    r_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    assert r_ns in body
    last = body.rindex("<w:sectPr")
    parts["word/document.xml"] = (body[:last] + f'<w:altChunk r:id="{rid}"/>' + body[last:]).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return _write_zip_deterministic(out.getvalue(), Path(path))


def html_of_items(items: list[tuple[str, object]]) -> str:
    """``blocks`` items as the HTML page a server-side generator embeds: paragraphs, and
    tables whose two-row header is merged with rowspan/colspan as Word exports it."""
    out = ['<html><head><meta charset="utf-8"><title>Báo cáo</title><style>td{border:1px solid}</style></head><body>']
    for kind, payload in items:
        if kind == "para":
            text, bold = payload  # type: ignore[misc]
            out.append(f"<p>{'<b>' if bold else ''}{html.escape(text)}{'</b>' if bold else ''}</p>")
        elif kind == "break":
            out.append('<br style="page-break-before:always">')
        else:
            rows: list[list[str]] = payload  # type: ignore[assignment]
            out.append("<table>")
            skip_next = False
            for i, cells in enumerate(rows):
                cells = (list(cells) + [""] * 5)[:5]
                if skip_next:
                    out.append(f"<tr><td>{cells[2]}</td><td>{cells[3]}</td></tr>")
                    skip_next = False
                elif _is_header(cells) and i + 1 < len(rows) and _is_header_2((list(rows[i + 1]) + [""] * 5)[:5]):
                    out.append(f'<tr><td rowspan="2">{cells[0]}</td><td rowspan="2">{cells[1]}</td>'
                               f'<td colspan="2">{cells[2]}</td><td rowspan="2">{cells[4]}</td></tr>')
                    skip_next = True
                else:
                    out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
            out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def mht_of(page: str) -> bytes:
    """An HTML page as the MHT archive (MIME multipart/related) html-docx-js embeds."""
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    archive = MIMEMultipart("related", boundary="----=cchc-fixture-boundary")
    part = MIMEText(page, "html", "utf-8")
    part["Content-Location"] = "file:///C:/fake/document.htm"
    archive.attach(part)
    return archive.as_bytes()


def _write_zip_bytes(data: bytes) -> bytes:
    """``_write_zip_deterministic`` without a file: the bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        return _write_zip_deterministic(data, Path(tmp, "x.zip")).read_bytes()


def _table_index(text: str, n: int) -> int:
    """The position in ``blocks(text)`` of its n-th table (0-based)."""
    return [i for i, (kind, _) in enumerate(blocks(text)) if kind == "table"][n]


def build_page_fixtures(seeds_dir: Path) -> list[Path]:
    """The page-break, column-count and altChunk fixtures of seed 000 (a clean commune report)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import make_fixtures as mf

    text = (seeds_dir / SEED_FILES["000"]).read_text(encoding="utf-8")
    paged = pagebreak_text(text)
    written = [
        write_blocks_workbook(paged, FIXTURES / "seed000_pagebreaks.xlsx", mf.SEEDS["000"]["workbook_title_lines"]),
        write_report_docx(paged, FORMATS / "seed000_pagebreaks.docx"),
        write_report_docx(text, FORMATS / "seed000_report_widths.docx", shape=widths_shape),
        write_altchunk_docx(text, FORMATS / "seed000_report_altchunk.docx"),
        write_altchunk_docx(text, FORMATS / "seed000_report_altchunk_mht.docx",
                            chunk=mht_of(html_of_items(blocks(text)[_table_index(text, 3):])),
                            chunk_name="afchunk.mht", chunk_type="message/rfc822"),
    ]
    txt = FORMATS / "seed000_pagebreaks.txt"
    txt.write_text(paged, encoding="utf-8", newline="\n")
    return written + [txt]


def build(seeds_dir: Path, convert: bool = True) -> list[Path]:
    FORMATS.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for key, name in SEED_FILES.items():
        text = (seeds_dir / name).read_text(encoding="utf-8")
        head = LETTERHEADS.get(key, ())
        written.append(write_report_docx(text, FORMATS / f"seed{key}_report.docx", letterhead=head))
        if head:  # pasted text: the letterhead as the first lines
            text = "\n".join(head[:1]) + "\n\n" + text
        if key == "000":
            written.append(write_report_docx(text, FORMATS / f"seed{key}_report_noheaders.docx", repeat_headers=False))
        txt = FORMATS / f"seed{key}_report.txt"
        txt.write_text(text, encoding="utf-8", newline="\n")
        written.append(txt)
    written += build_page_fixtures(seeds_dir)
    if convert:
        written += convert_workbooks(sorted(FIXTURES.glob("*.xlsx")), FORMATS)
        written += convert_workbooks([FORMATS / "seed000_report.docx"], FORMATS, formats=("doc",))
    return written


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    ap.add_argument("--no-convert", action="store_true", help="skip the LibreOffice xls/ods conversion")
    args = ap.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"seeds directory not found: {args.seeds}", file=sys.stderr)
        return 2
    for path in build(args.seeds, convert=not args.no_convert):
        print(path.relative_to(REPO))
    return 0


if __name__ == "__main__":
    sys.exit(main())
