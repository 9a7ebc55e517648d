"""cchc-tsv: the statistics appendix pasted as tab-separated text (reader ``tsv``)."""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path
from typing import Callable, Optional

from cchc_engine import hookimpl
from cchc_engine.findings import CchcError, Location
from cchc_engine.textnorm import clean_cell_text, strip_markup
from cchc_engine.submission import RawRow, RawSubmission, level_from_unit, period_from_title, unit_from_title

__version__ = "0.1.0"

MAX_BYTES = 20 * 1024 * 1024
TITLE_LINES_BEFORE_TABLE = 6  # the title block; the narrative report above it is ignored
HEAD_LINES = 5  # the letterhead at the top of a pasted report ("UBND HUYỆN …")

_MARKDOWN = re.compile(r"^[#>\s]+|\*\*|__|\\(?=[_*#])")


def clean(cell: str) -> str:
    """A cell as printed: footnote marks and HTML tags dropped, entities decoded, spaces collapsed."""
    # textnorm's linear-time markup stripper: "<" * 300,000 must not take minutes.
    text = clean_cell_text(html.unescape(strip_markup(cell, footnote="", tag="")))
    return " ".join(text.replace("\u00a0", " ").split())


def fold(text: str) -> str:
    """Lower case without accents: 'Biểu mẫu' → 'bieu mau'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


_FORM = re.compile(r"^bieu mau\s+(\d+)\b")


def form_of(line: str) -> Optional[str]:
    """'### Biểu mẫu 1 Công tác …' or '**Biểu mẫu 2**' → '1'."""
    m = _FORM.match(fold(clean(_MARKDOWN.sub("", line)).strip()))
    return m.group(1) if m else None


def is_header(cells: list[str]) -> bool:
    return len(cells) >= 2 and fold(cells[0]).startswith("stt") and "chi tieu" in fold(cells[1])


def is_subheader(cells: list[str]) -> bool:
    """The second header row: '\t\tĐơn vị tính\tSố liệu\t'."""
    return not cells[0] and not (cells[1] if len(cells) > 1 else "") and any("don vi tinh" in fold(c) for c in cells)


def _decode(data: bytes, path: Path) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258")  # Vietnamese Windows
    except UnicodeDecodeError as exc:
        raise CchcError.make(
            "file-unreadable", location=Location(file=str(path)), file=path.name,
            error=f"không đọc được bảng mã (byte {exc.start}); hãy lưu lại dạng UTF-8",
        ) from None


class TsvReader:
    name = "tsv"
    suffixes = (".txt", ".tsv")
    description = "Phụ lục dán dạng văn bản, các cột cách nhau bằng Tab (từ e-mail, Word)"

    def sniff(self, path: Path) -> bool:
        try:
            with open(path, "rb") as fh:
                head = fh.read(256 * 1024)
        except OSError:
            return False
        if b"\0" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return False  # binary
        try:
            text = _decode(head, path)
        except CchcError:
            return False
        return any(is_header([clean(c) for c in line.split("\t")]) for line in text.splitlines() if "\t" in line)

    def read(self, path: Path, options: Optional[dict] = None) -> RawSubmission:
        loc = Location(file=str(path))
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise CchcError.make("file-unreadable", location=loc, file=path.name, error=f"tệp quá lớn ({size // 2**20} MB)")
            text = _decode(path.read_bytes(), path)
        except OSError as exc:
            raise CchcError.make("file-unreadable", location=loc, file=path.name, error=exc.strerror) from None
        raw = RawSubmission(file=str(path))
        lines = text.splitlines()
        form: Optional[str] = None
        in_table = False
        before_table: list[str] = []
        for number, line in enumerate(lines, start=1):
            if "\t" not in line:
                found = form_of(line) if line.strip() else None
                if found:
                    form = found
                elif line.strip() and not raw.rows and not in_table:
                    before_table.append(clean(_MARKDOWN.sub("", line)))
                if line.strip():
                    in_table = False if not found else in_table
                continue
            cells = [clean(c) for c in line.split("\t")]
            if is_header(cells):
                in_table = True
                continue
            if not in_table or is_subheader(cells) or not any(cells):
                continue
            cells += [""] * (5 - len(cells))
            stt, name, unit, value, note = cells[:5]
            raw.rows.append(
                RawRow(stt=stt, name=name, unit=unit, value=value or None, note=note, form=form,
                       location=Location(file=str(path), row=number))
            )
        if not raw.rows:
            raise CchcError.make(
                "file-unreadable", location=loc, file=path.name,
                error="không tìm thấy bảng phụ lục (dòng tiêu đề STT<Tab>Chỉ tiêu thống kê … cách nhau bằng Tab)",
            )
        head = [clean(_MARKDOWN.sub("", ln)) for ln in lines if ln.strip() and "\t" not in ln][:HEAD_LINES]
        raw.title_lines = before_table[-TITLE_LINES_BEFORE_TABLE:] + [h for h in head if len(h) < 120]
        raw.unit = unit_from_title(raw.title_lines)
        raw.period = period_from_title(raw.title_lines)
        raw.level = level_from_unit(raw.unit)
        return raw


@hookimpl
def register_readers(register: Callable[..., None]) -> None:
    register(TsvReader())
