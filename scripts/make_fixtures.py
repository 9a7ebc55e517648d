"""Build the test fixtures and the README example from the seed reports.

The seeds (``shared/seeds/*.txt``) are real CCHC reports as text; their statistics
appendix is a tab-separated table (STT, name, unit, value, note) with the two-row
header repeated at every page break, HTML tags in cells, "Trong đó" rows without an
STT and, in seed 004, rows broken across a page break. This script turns them into:

``tests/fixtures/seedNNN_rows.tsv``
    The appendix rows as text, so tests do not need the seeds. Columns: form, stt,
    name, unit, value, note (a header line first). Cells are exactly as printed with
    HTML tags removed (footnote marks ``<sup>7</sup>`` dropped, as ``textnorm`` does)
    and whitespace collapsed; header rows dropped; continuation rows merged into the
    row above. ``form`` is "1".."7" for the 2023 template ("Biểu mẫu N"), else "".
``tests/fixtures/seedNNN_meta.json``
    Title lines as printed, the lines the workbooks carry, unit, level, period,
    form titles and where the seed's page breaks fall (row indices into the TSV).
``tests/fixtures/*.xlsx``
    Workbooks in the official layout (title rows, blank row, two-row header,
    data in A:E): seed000_text, seed000_numbers, seed001_text_onesheet,
    seed001_numbers_sheets, seed004_blank.
``examples/lam-thao-2023-q3.xlsx`` and ``examples/README.md``
    The workbook the README runs (same as seed001_numbers_sheets).
``tests/fixtures/formats/``
    Every seed in every other format (the Word report, pasted text, and these
    workbooks as .xls/.ods converted by LibreOffice): ``make_format_fixtures.py``.

Output is deterministic: fixed workbook properties and fixed zip timestamps, so a
re-run produces byte-identical files.

The module is importable so tests and the bench can build variants::

    from make_fixtures import extract_rows, write_workbook
    rows = extract_rows(seed_path)          # or load_rows("tests/fixtures/seed001_rows.tsv")
    write_workbook(rows, out, layout="one_sheet", values="text",
                   title_lines=[...], repeat_headers=False)

Usage: ``python scripts/make_fixtures.py [--seeds DIR]`` (default: ../shared/seeds
relative to the repo root).
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import html
import io
import json
import re
import sys
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable, Literal, Optional, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
EXAMPLES = REPO / "examples"
DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"

FIXED_TIME = _dt.datetime(2024, 1, 1, 0, 0, 0)
COLUMNS = ("form", "stt", "name", "unit", "value", "note")

HEADER_NAME = "Chỉ tiêu thống kê (Sử dụng trong kỳ báo cáo hàng quý, 6 tháng, năm)"
HEADER_ROW_1 = ("STT", HEADER_NAME, "Kết quả thống kê", None, "Ghi chú")
HEADER_ROW_2 = (None, None, "Đơn vị tính", "Số liệu", None)

# What the seeds are; the workbook titles are the appendix titles a reader sees.
SEEDS = {
    "000": {
        "file": "000_227a629e6e99f120.txt",
        "unit": "xã Thượng Long",
        "level": "xa",
        "period": "2021-Q3",
        "workbook_title_lines": [
            "Phụ lục",
            "THỐNG KÊ SỐ LIỆU VỀ KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH",
            "QUÝ III NĂM 2021 CỦA UBND XÃ THƯỢNG LONG",
            "(Ban hành kèm theo Báo cáo số: /BC-UBND ngày /9/2021 của UBND xã)",
        ],
    },
    "001": {
        "file": "001_51dee80d3aefd927.txt",
        "unit": "huyện Lâm Thao",
        "level": "huyen",
        "period": "2023-Q3",
        # The seed lost the issuing-body header and misspells "THỐNG" as "THÔNG".
        "workbook_title_lines": [
            "UBND HUYỆN LÂM THAO",
            "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2023",
            "(Kèm theo Báo cáo số _____ /BC-UBND ngày _____ / 9/2023 của UBND huyện)",
        ],
    },
    "004": {
        "file": "004_eabd2119ffc295c2.txt",
        "unit": "huyện Cẩm Xuyên",
        "level": "huyen",
        "period": "2021-H1",
        # The printed title wraps mid-phrase; the workbook carries whole lines.
        "workbook_title_lines": [
            "Phụ lục II",
            "THỐNG KÊ SỐ LIỆU VỀ KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH UBND HUYỆN CẨM XUYÊN",
            "(Ban hành kèm theo Công văn số 1649 /UBND-NV ngày 10/6/2021 của UBND huyện)",
        ],
    },
}

# --------------------------------------------------------------------------- text

_SUP = re.compile(r"<sup>.*?</sup>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_WS = re.compile(r"\s+")
_FORM_HEADING = re.compile(r"^Biểu mẫu\s+(\d+)\s*(.*)$")
_MD_ESCAPE = re.compile(r"\\([\\_*#\[\]()`~>|-])")


def clean_cell(text: str) -> str:
    """A table cell as printed: footnote marks dropped, tags removed, spaces collapsed."""
    text = _SUP.sub("", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    return _WS.sub(" ", text).strip()


def clean_line(text: str) -> str:
    """A prose line without its markdown: headings, bold marks, escapes."""
    text = text.strip()
    text = re.sub(r"^#+\s*", "", text)
    text = text.replace("**", "")
    text = _MD_ESCAPE.sub(r"\1", text)
    return clean_cell(text)


def _is_bold(text: str) -> bool:
    return "<b>" in text.lower()


def _is_upper_line(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _is_header(cells: Sequence[str]) -> bool:
    return cells[0] == "STT" and cells[1].startswith("Chỉ tiêu")


def _is_header_2(cells: Sequence[str]) -> bool:
    return not cells[0] and not cells[1] and cells[2] == "Đơn vị tính"


# ------------------------------------------------------------------------ extract


def _parse(seed_path: Path) -> dict:
    """Rows, title lines, form titles and page breaks of one seed's appendix."""
    lines = Path(seed_path).read_text(encoding="utf-8").splitlines()
    first_tab = next(i for i, line in enumerate(lines) if "\t" in line)

    # Title lines: walk back from the table (or the first form heading) over
    # upper-case lines, "Phụ lục", and the "(Ban hành kèm theo ...)" paragraph.
    start = first_tab
    for i in range(first_tab - 1, -1, -1):
        if lines[i].strip():
            if _FORM_HEADING.match(clean_line(lines[i])):
                start = i
            break
    title: list[str] = []
    for i in range(start - 1, -1, -1):
        line = clean_line(lines[i])
        if not line:
            continue
        if (_is_upper_line(line) or line.startswith("(") or line.endswith(")")
                or line.lower().startswith("phụ lục")):
            title.append(line)
            continue
        break
    title.reverse()

    rows: list[dict] = []
    forms: dict[str, str] = {}
    page_breaks: list[int] = []
    form = ""
    page = -1
    after_header = False  # the row just after a repeated header may be a continuation
    pending_form_title = False
    for raw in lines[start:]:
        if "\t" not in raw:
            line = clean_line(raw)
            if not line:
                continue
            m = _FORM_HEADING.match(line)
            if m:
                form = m.group(1)
                forms[form] = m.group(2).strip()
                pending_form_title = not forms[form]
            elif pending_form_title:
                forms[form] = line
                pending_form_title = False
            continue
        raw_cells = (raw.split("\t") + [""] * 5)[:5]
        cells = [clean_cell(c) for c in raw_cells]
        if _is_header(cells):
            page += 1
            after_header = True
            continue
        if _is_header_2(cells):
            continue
        stt, name, unit, value, note = cells
        continuation = (
            after_header and not stt and rows and rows[-1]["form"] == form
            and (not name or name[:1].islower())
        )
        after_header = False
        if continuation:
            # A row broken by a page break: join its pieces to the row above.
            prev = rows[-1]
            for key, part in (("name", name), ("unit", unit), ("value", value), ("note", note)):
                if part:
                    prev[key] = f"{prev[key]} {part}".strip()
            continue
        if rows and page != rows[-1]["page"] and form == rows[-1]["form"]:
            page_breaks.append(len(rows))
        rows.append({
            "form": form,
            "stt": stt,
            "name": name,
            "unit": unit,
            "value": value,
            "note": note,
            "page": page,
            "bold": _is_bold(raw_cells[1]) or _is_bold(raw_cells[0]),
            "italic": raw_cells[1].strip().lower().startswith("<i>"),
        })
    return {"rows": rows, "title_lines": title, "forms": forms, "page_breaks": page_breaks}


def extract_rows(seed_path: Path | str) -> list[dict]:
    """The appendix rows of a seed, one dict per row.

    Keys: form, stt, name, unit, value, note (all str, as printed without tags), plus
    ``page`` (which printed page the row is on, for repeated headers) and ``bold`` /
    ``italic`` (how the name was printed).
    """
    return _parse(Path(seed_path))["rows"]


def load_rows(tsv_path: Path | str) -> list[dict]:
    """Rows read back from a ``seedNNN_rows.tsv`` fixture (no page/style info)."""
    with open(tsv_path, encoding="utf-8", newline="") as fh:
        return [dict(r) for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]


def write_rows_tsv(rows: Iterable[dict], path: Path) -> None:
    out = io.StringIO()
    out.write("\t".join(COLUMNS) + "\n")
    for r in rows:
        out.write("\t".join(str(r.get(c, "") or "") for c in COLUMNS) + "\n")
    path.write_text(out.getvalue(), encoding="utf-8", newline="\n")


# ------------------------------------------------------------------------ numbers

_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def _decimal(text: str) -> Optional[Decimal]:
    s = text.replace(" ", "")
    if _THOUSANDS.match(s):
        s = s.replace(".", "")
    s = s.replace(",", ".")
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def _plain(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(str(d.normalize()))


def to_excel_value(value: str, unit: str) -> tuple[object, Optional[str]]:
    """Turn a printed value into what an Excel user would have typed.

    Returns (cell value, number_format or None). "2.967" → 2967, "6,89" → 6.89,
    percents ("75,8%", or any number when the unit is %) → fractions with a percent
    format, choice codes → int. Anything unparsable stays text.
    """
    v = value.strip()
    if not v:
        return None, None
    percent = v.endswith("%") or unit.strip() == "%"
    d = _decimal(v.rstrip("%").strip())
    if d is None:
        return v, None
    if percent:
        frac = d / Decimal(100)
        fmt = "0%" if d == d.to_integral_value() else "0.00%"
        return _plain(frac), fmt
    return _plain(d), None


# ----------------------------------------------------------------------- workbook

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WIDTHS = {"A": 10, "B": 70, "C": 24, "D": 12, "E": 30}


def _title_row(ws, r: int, text: str) -> None:
    ws.cell(row=r, column=1, value=text).font = Font(bold=True)
    ws.cell(row=r, column=1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)


def _header(ws, r: int) -> int:
    """Write the two-row header at row r; return the next free row."""
    for c, text in enumerate(HEADER_ROW_1, start=1):
        ws.cell(row=r, column=c, value=text)
    for c, text in enumerate(HEADER_ROW_2, start=1):
        ws.cell(row=r + 1, column=c, value=text)
    for rr in (r, r + 1):
        for c in range(1, 6):
            cell = ws.cell(row=rr, column=c)
            cell.font = Font(bold=True)
            cell.border = _BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=r, start_column=1, end_row=r + 1, end_column=1)
    ws.merge_cells(start_row=r, start_column=2, end_row=r + 1, end_column=2)
    ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=4)
    ws.merge_cells(start_row=r, start_column=5, end_row=r + 1, end_column=5)
    return r + 2


def _data_row(ws, r: int, row: dict, values: str) -> None:
    bold = str(row.get("bold", "")).lower() in ("true", "1")
    italic = str(row.get("italic", "")).lower() in ("true", "1")
    ws.cell(row=r, column=1, value=row.get("stt") or None).number_format = "@"
    name = ws.cell(row=r, column=2, value=row.get("name") or None)
    if bold or italic:
        name.font = Font(bold=bold, italic=italic)
    ws.cell(row=r, column=3, value=row.get("unit") or None)
    raw = row.get("value") or ""
    vcell = ws.cell(row=r, column=4)
    if values == "text":
        vcell.value = raw or None
        vcell.number_format = "@"
    else:
        val, fmt = to_excel_value(raw, row.get("unit") or "")
        vcell.value = val
        if fmt:
            vcell.number_format = fmt
    ws.cell(row=r, column=5, value=row.get("note") or None)
    for c in range(1, 6):
        cell = ws.cell(row=r, column=c)
        cell.border = _BORDER
        cell.alignment = Alignment(vertical="center", wrap_text=c in (2, 3, 5),
                                   horizontal="center" if c in (1, 4) else None)


def _setup_sheet(ws) -> None:
    for col, width in _WIDTHS.items():
        ws.column_dimensions[col].width = width


def _write_block(ws, r: int, rows: list[dict], values: str, repeat_headers: bool) -> int:
    """Header then rows; the header is repeated where the row's page changes."""
    r = _header(ws, r)
    prev_page = rows[0].get("page") if rows else None
    for row in rows:
        page = row.get("page")
        if repeat_headers and page is not None and page != prev_page:
            r = _header(ws, r)
        prev_page = page
        _data_row(ws, r, row, values)
        r += 1
    return r


def _group_by_form(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: list[tuple[str, list[dict]]] = []
    for row in rows:
        form = str(row.get("form") or "")
        if not groups or groups[-1][0] != form:
            groups.append((form, []))
        groups[-1][1].append(row)
    return groups


def write_workbook(
    rows: list[dict],
    path: Path | str,
    *,
    layout: Literal["one_sheet", "sheet_per_form"] = "one_sheet",
    values: Literal["text", "numbers"] = "text",
    title_lines: Sequence[str] = (),
    repeat_headers: bool = False,
    form_titles: Optional[dict[str, str]] = None,
    sheet_name: str = "Phụ lục",
) -> Path:
    """Write rows as an appendix workbook in the official layout.

    ``one_sheet``: one sheet ``sheet_name``; when rows carry forms, each form gets a
    "Biểu mẫu N" row, its title row and its own header. ``sheet_per_form``: sheets
    "Biểu mẫu 1".."Biểu mẫu N", each with the title lines, "Biểu mẫu N", the form
    title, header and rows. ``values="text"`` keeps the printed strings;
    ``"numbers"`` stores real numbers and percent fractions. ``repeat_headers``
    repeats the header where the seed's page changes (rows need a ``page`` key).
    Returns the path written. Output bytes are deterministic.
    """
    form_titles = dict(form_titles or {})
    wb = Workbook()
    wb.remove(wb.active)
    groups = _group_by_form(list(rows))

    if layout == "one_sheet":
        ws = wb.create_sheet(sheet_name)
        _setup_sheet(ws)
        r = 1
        for line in title_lines:
            _title_row(ws, r, line)
            r += 1
        r += 1  # blank row after the titles
        for i, (form, frows) in enumerate(groups):
            if form:
                if i:
                    r += 1
                _title_row(ws, r, f"Biểu mẫu {form}")
                r += 1
                if form_titles.get(form):
                    _title_row(ws, r, form_titles[form])
                    r += 1
            r = _write_block(ws, r, frows, values, repeat_headers)
    elif layout == "sheet_per_form":
        for form, frows in groups:
            ws = wb.create_sheet(f"Biểu mẫu {form}" if form else sheet_name)
            _setup_sheet(ws)
            r = 1
            for line in title_lines:
                _title_row(ws, r, line)
                r += 1
            if form:
                _title_row(ws, r, f"Biểu mẫu {form}")
                r += 1
                if form_titles.get(form):
                    _title_row(ws, r, form_titles[form])
                    r += 1
            r += 1
            _write_block(ws, r, frows, values, repeat_headers)
    else:
        raise ValueError(f"unknown layout {layout!r}")

    return save_deterministic(wb, path)


def save_deterministic(wb: Workbook, path: Path | str) -> Path:
    """Save with fixed document properties and zip timestamps (byte-identical reruns)."""
    from openpyxl.writer.excel import ExcelWriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.properties.creator = "cchc-engine scripts/make_fixtures.py"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.lastModifiedBy = None
    buf = io.BytesIO()
    archive = zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    # ExcelWriter directly: save_workbook() would stamp "modified" with now().
    ExcelWriter(wb, archive).save()
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    path.write_bytes(out.getvalue())
    return path


# --------------------------------------------------------------------------- main

EXAMPLE_README = """\
# Ví dụ / Example

`lam-thao-2023-q3.xlsx` — Phụ lục thống kê số liệu CCHC quý III năm 2023 của UBND
huyện Lâm Thao (tỉnh Phú Thọ), mẫu năm 2023: bảy "Biểu mẫu", mỗi biểu một sheet,
số liệu là số thật (tỷ lệ lưu dạng phần trăm của Excel, ví dụ 76,74 % = 0,7674).

The CCHC statistics appendix of Lâm Thao district, Q3 2023, on the 2023 template:
seven forms, one sheet each, values as real Excel numbers (percent cells store
fractions). Its numbers are the ones printed in the real report, including its
inconsistencies (e.g. Biểu mẫu 7, 6.7 reports 76,74 % while 5.620 / 7.725 = 72,75 %).

Tệp này được tạo lại bằng / This file is regenerated by:

    python scripts/make_fixtures.py

Đừng sửa tay / Do not edit by hand.
"""


def build(seeds_dir: Path) -> dict[str, int]:
    """Write every fixture and example; return {file: data row count}."""
    FIXTURES.mkdir(parents=True, exist_ok=True)
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    parsed = {}
    for key, cfg in SEEDS.items():
        p = _parse(seeds_dir / cfg["file"])
        parsed[key] = p
        rows = p["rows"]
        write_rows_tsv(rows, FIXTURES / f"seed{key}_rows.tsv")
        meta = {
            "seed": cfg["file"],
            "title_lines": p["title_lines"],
            "workbook_title_lines": cfg["workbook_title_lines"],
            "unit": cfg["unit"],
            "level": cfg["level"],
            "period": cfg["period"],
            "rows": len(rows),
            "forms": p["forms"],
            "page_breaks": p["page_breaks"],
        }
        (FIXTURES / f"seed{key}_meta.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        counts[f"seed{key}_rows.tsv"] = len(rows)

    def wb(key: str, name: Path, **kw) -> None:
        p = parsed[key]
        write_workbook(p["rows"], name, title_lines=SEEDS[key]["workbook_title_lines"],
                       form_titles=p["forms"], **kw)
        counts[str(name.relative_to(REPO))] = len(p["rows"])

    wb("000", FIXTURES / "seed000_text.xlsx", layout="one_sheet", values="text", repeat_headers=True)
    wb("000", FIXTURES / "seed000_numbers.xlsx", layout="one_sheet", values="numbers", repeat_headers=True)
    wb("001", FIXTURES / "seed001_text_onesheet.xlsx", layout="one_sheet", values="text", repeat_headers=True)
    wb("001", FIXTURES / "seed001_numbers_sheets.xlsx", layout="sheet_per_form", values="numbers",
       repeat_headers=False)
    wb("004", FIXTURES / "seed004_blank.xlsx", layout="one_sheet", values="text", repeat_headers=False)
    wb("001", EXAMPLES / "lam-thao-2023-q3.xlsx", layout="sheet_per_form", values="numbers",
       repeat_headers=False)
    (EXAMPLES / "README.md").write_text(EXAMPLE_README, encoding="utf-8")
    return counts


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS,
                    help=f"directory with the seed reports (default: {DEFAULT_SEEDS})")
    ap.add_argument("--no-convert", action="store_true",
                    help="skip the LibreOffice .xls/.ods conversion in tests/fixtures/formats/")
    args = ap.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"seeds directory not found: {args.seeds}", file=sys.stderr)
        return 2
    for name, n in build(args.seeds).items():
        print(f"{name}\t{n} rows")
    # Every format an officer sends (docx report, pasted text, .xls/.ods from these workbooks).
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import make_format_fixtures

    for path in make_format_fixtures.build(args.seeds, convert=not args.no_convert):
        print(path.relative_to(REPO))
    return 0


if __name__ == "__main__":
    sys.exit(main())
