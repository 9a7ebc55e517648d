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
from typing import Optional, Sequence

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
    seed_text: str, path: Path | str, *, repeat_headers: bool = True, letterhead: Sequence[str] = ()
) -> Path:
    """Write the report as Word would hold it; see the module docstring. Deterministic bytes.

    ``letterhead``: the cells of a borderless table put above everything (lines split on newlines).
    """
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
    if letterhead:
        head = doc.add_table(rows=1, cols=len(letterhead))
        for ci, text in enumerate(letterhead):
            cell = head.cell(0, ci)
            for li, line in enumerate(text.split("\n")):
                para = cell.paragraphs[0] if li == 0 else cell.add_paragraph()
                para.add_run(line).bold = True
        doc.add_paragraph()
    for kind, payload in blocks(seed_text):
        if kind == "para":
            text, bold = payload  # type: ignore[misc]
            doc.add_paragraph().add_run(text).bold = bold
            previous_was_table = False
        elif kind == "break":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            rows: list[list[str]] = payload  # type: ignore[assignment]
            continuation = previous_was_table
            if continuation and not repeat_headers:
                rows = [r for r in rows if not (_is_header(r) or _is_header_2(r))]
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
                    table.cell(r0, ci).merge(table.cell(r1, ci))
                table.cell(r0, 2).merge(table.cell(r0, 3))  # "Kết quả thống kê" over unit | value
            previous_was_table = True
    props = doc.core_properties
    props.author = props.last_modified_by = "cchc-engine scripts/make_format_fixtures.py"
    props.created = props.modified = dt.datetime(2024, 1, 1)
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return _write_zip_deterministic(buf.getvalue(), Path(path))


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
