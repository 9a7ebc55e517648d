"""cchc-tsv: the statistics appendix pasted as tab-separated text (reader ``tsv``), as a grid source.

Each line of the text is one row of a single sheet (row number = line number);
tabs separate its cells. The engine's layout stage then finds the title lines,
the "Biểu mẫu N" lines, the header (the words the .xlsx path accepts, e.g.
"THỨ TỰ … Số lượng/ tỷ lệ", in one or two rows, repeated at page breaks) and the
rows, exactly as for a workbook. This module only decodes the text and drops
what a copy from Word or an e-mail adds to a cell: HTML tags, footnote marks,
entities, Markdown emphasis and heading marks.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Optional

from cchc_engine import api
from cchc_engine.api import hookimpl

if TYPE_CHECKING:
    from pathlib import Path

    from cchc_engine.api import Grid

# Other api names (CchcError, Location, message, Grid, clean_cell_text, ...) are read as
# ``api.<name>`` when a file is read: naming them here would import their modules on
# every `cchc` run (even --help).

__version__ = "0.3.1"

# This plugin's texts, added to the engine's catalogue (api.add_messages) when a file is
# read: codes prefixed with the plugin's name, (Vietnamese, English).
MESSAGES = {
    "tsv-encoding": (
        "không đọc được bảng mã (byte {byte}); hãy lưu lại dạng UTF-8",
        "unknown text encoding (byte {byte}); save it again as UTF-8",
    ),
    "tsv-too-large": ("tệp quá lớn ({size} MB > {max} MB)", "file too large ({size} MB > {max} MB)"),
}

MAX_BYTES = 20 * 1024 * 1024
MAX_CELL = 100_000  # characters kept per cell; a real cell is a sentence
MAX_CELLS = 100_000  # cells in the whole text, as for a workbook; a real appendix has ~1,500
SHEET = ""  # a sheet with no name: the layout addresses its rows by line ("dòng 412")

_MARKDOWN = re.compile(r"^[#>\s]+|\*\*|__|\\(?=[_*#])")


def clean(cell: str) -> str:
    """A cell as printed: footnote marks and HTML tags dropped, entities decoded, spaces collapsed."""
    import html  # here, not at import: every `cchc` run (even --help) imports the plugin

    text = html.unescape(api.strip_markup(cell[:MAX_CELL], footnote="", tag=""))
    return " ".join(api.clean_cell_text(text).replace("\u00a0", " ").split())


def _decode(data: bytes, path: Path) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "surrogatepass")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258")  # Vietnamese Windows
    except UnicodeDecodeError as exc:
        raise api.CchcError.make(
            "file-unreadable", location=api.Location(file=str(path)), file=path.name,
            error=api.message("tsv-encoding", byte=exc.start),
        ) from None


def _has_header(line: str) -> bool:
    kinds = {api.column_kind(clean(c)) for c in line.split("\t")[:20]}
    return "stt" in kinds and "name" in kinds


class TsvReader:
    name = "tsv"
    suffixes = (".txt", ".tsv")
    description = "Appendix pasted as text, columns separated by tabs (from e-mail, Word)"

    def sniff(self, path: Path) -> bool:
        api.add_messages(MESSAGES)  # adding the same texts again is harmless
        try:
            with open(path, "rb") as fh:
                head = fh.read(256 * 1024)
        except OSError:
            return False
        if b"\0" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return False  # binary
        try:
            text = _decode(head, path)
        except api.CchcError:
            return False
        return any(_has_header(line) for line in text.splitlines() if "\t" in line)

    def read(self, path: Path, options: Optional[dict] = None) -> Grid:
        api.add_messages(MESSAGES)
        loc = api.Location(file=str(path))
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise api.CchcError.make(
                    "file-unreadable", location=loc, file=path.name,
                    error=api.message("tsv-too-large", size=size // 2**20, max=MAX_BYTES // 2**20),
                )
            text = _decode(path.read_bytes(), path)
        except OSError as exc:
            raise api.CchcError.make("file-unreadable", location=loc, file=path.name, error=exc.strerror) from None
        grid = api.Grid(file=str(path))
        sheet = grid.add_sheet(SHEET)
        count = 0
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            if "\t" in line:
                cells = [clean(c) for c in line.split("\t")]
            else:
                cells = [clean(_MARKDOWN.sub("", line))]
            count += len(cells)
            if count > MAX_CELLS:  # 20 MB of tabs would be millions of cells: refuse, never cut silently
                raise api.CchcError.make(
                    "file-unreadable", location=api.Location(file=str(path), row=number), file=path.name,
                    error=api.message("read-too-many-cells", max=MAX_CELLS),
                )
            if any(cells):
                sheet.append(cells, number)
        return grid


@hookimpl
def register_readers(register: Callable[..., None]) -> None:
    register(TsvReader())
