"""What the zip-based grid sources (.xlsx, .ods) share: a checked zip and a counted XML parse.

Every XML part is parsed by expat (in the standard library, linear time, any
encoding it declares or marks with a BOM: a UTF-16 sheet is counted like any
other), with a DOCTYPE or ENTITY refused outright, so entity expansion
("billion laughs") and external entities cannot happen. Parts are found through
the package's own references, never by name pattern, and what they cost (cells,
rows, shared strings, text) is counted by ``Budget`` while parsing, whatever the
part is called.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any, Callable, Optional
from xml.parsers import expat

from ..flow.findings import CchcError, Location
from ..text.messages import render, said

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # refuse zip bombs before parsing
MAX_MEMBERS = 5_000  # parts in the zip; a workbook has a few dozen
MAX_ROWS = 20_000  # rows per sheet; a real appendix has ~150
MAX_CELLS = 50_000  # cells per sheet; a real appendix has ~1,500
MAX_CELLS_TOTAL = 100_000  # cells per workbook
MAX_COLS = 60  # columns kept per row; cells further right are counted and reported
MAX_STRINGS = 100_000  # shared strings: no more than there may be cells to use them
MAX_TEXT = 32 * 1024 * 1024  # characters of text in all parts together
CHUNK = 256 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def vn(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def unreadable(path: Path, code: str, **values: Any) -> CchcError:
    """'file-unreadable' with its reason, the catalogue entry ``code`` (said where the message shows it)."""
    return CchcError.make("file-unreadable", location=Location(file=str(path)), file=path.name, error=said(code, **values))


class Refused(Exception):
    """Raised inside an expat handler to stop parsing; carries the catalogue code of the reason."""

    def __init__(self, code: str, **values: Any):
        super().__init__(code)
        self.code, self.values = code, values


class Budget:
    """Cells, rows and text counted across every part of one file."""

    def __init__(self) -> None:
        self.cells_total = 0
        self.text = 0

    def add_text(self, n: int) -> None:
        self.text += n
        if self.text > MAX_TEXT:
            raise Refused("read-too-much-text", max=vn(MAX_TEXT // (1024 * 1024)))


def ole_kind(path: Path) -> str:
    """'encrypted' (an .xlsx with a password), 'xls', 'doc' or '' from the OLE2 directory names.

    The directory entries carry UTF-16 names; looking for them in the first MBs is
    enough for the files Office writes, and needs no compound-file parser.
    """
    with open(path, "rb") as fh:
        data = fh.read(8 * 1024 * 1024)
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        return "encrypted"
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book\0".encode("utf-16-le") in data:
        return "xls"
    return ""


def refuse_ole(path: Path, head: bytes, xls_ok: bool = False) -> None:
    """An OLE2 file where a zip was expected: say what it is and how to convert it."""
    if not head.startswith(OLE_MAGIC[:4]):
        return
    kind = ole_kind(path)
    if kind == "xls" and xls_ok:
        return
    raise unreadable(path, {"encrypted": "read-encrypted", "xls": "read-is-xls", "doc": "read-is-doc"}.get(kind, "read-ole-unknown"))


def looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end
            return False
    return b"\0" not in head


def open_zip(path: Path, what: str) -> zipfile.ZipFile:
    """The zip behind ``path`` after the cheap checks: kind of file, part count and size, duplicate names."""
    with open(path, "rb") as fh:
        head = fh.read(512)
    if not head:
        raise unreadable(path, "read-empty", what=what)
    refuse_ole(path, head)
    if not head.startswith(b"PK"):
        raise unreadable(path, "read-is-text" if looks_like_text(head) else "read-not-zip", what=what)
    return _checked(zipfile.ZipFile(path), path)


def open_zip_bytes(data: bytes, path: Path, what: str) -> zipfile.ZipFile:
    """A zip held inside another (a Word document embedded whole in a .docx), after the same
    checks as ``open_zip``; ``path`` is the outer file, named in what the checks say."""
    import io

    if not data.startswith(b"PK"):
        raise unreadable(path, "read-not-zip", what=what)
    return _checked(zipfile.ZipFile(io.BytesIO(data)), path)


def _checked(zf: zipfile.ZipFile, path: Path) -> zipfile.ZipFile:
    """Part count, duplicate part names and inflated size of an open zip, before anything is parsed."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise unreadable(path, "read-too-many-parts", count=vn(len(infos)), max=vn(MAX_MEMBERS))
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        # zipfile silently reads the last copy: an edited part could hide behind the first one
        dup = next(n for i, n in enumerate(names) if n in names[:i])
        raise unreadable(path, "read-duplicate-part", part=dup[:200])
    total = sum(i.file_size for i in infos)  # what zipfile inflates at most (it stops there, checks the CRC)
    if total > MAX_UNCOMPRESSED:
        raise unreadable(
            path, "read-zip-bomb", size=vn(total // (1024 * 1024)), max=vn(MAX_UNCOMPRESSED // (1024 * 1024))
        )
    return zf


class Beyond:
    """Non-empty cells right of MAX_COLS on one sheet: not read, but never dropped silently."""

    def __init__(self) -> None:
        self.count, self.first = 0, ""

    def add(self, row: int, col: int, n: int = 1) -> None:
        from ..flow.grid import column_letter

        self.count += n
        self.first = self.first or f"{column_letter(col)}{row}"

    def report(self, grid: Any, sheet: str) -> None:
        if self.count:
            from ..flow.findings import Finding
            from ..flow.grid import column_letter

            grid.findings.append(Finding.make(
                "cells-beyond-columns", "warning", location=Location(file=grid.file, sheet=sheet, cell=self.first),
                count=self.count, column=column_letter(MAX_COLS), cell=self.first, max=MAX_COLS))


def _refuse_doctype(*_: Any) -> None:
    raise Refused("read-doctype")


def parse_part(
    zf: zipfile.ZipFile,
    name: str,
    start: Callable[[str, dict], None],
    end: Optional[Callable[[str], None]] = None,
    text: Optional[Callable[[str], None]] = None,
) -> None:
    """Stream one part through expat to the handlers, which get element names as written.

    Handlers strip a namespace prefix themselves (``local``): a wrapper per element
    would double the cost of a sheet. A DOCTYPE or ENTITY declaration anywhere is
    refused (``Refused('read-doctype')``).
    """
    p = expat.ParserCreate()
    p.buffer_text = True  # one text callback per run of characters, not per line
    p.StartDoctypeDeclHandler = _refuse_doctype
    p.EntityDeclHandler = _refuse_doctype
    p.ExternalEntityRefHandler = _refuse_doctype
    p.StartElementHandler = start
    if end is not None:
        p.EndElementHandler = end
    if text is not None:
        p.CharacterDataHandler = text
    with zf.open(name) as fh:
        while True:
            chunk = fh.read(CHUNK)
            if not chunk:
                break
            p.Parse(chunk, False)
    p.Parse(b"", True)


def local(tag: str) -> str:
    """'x:c' → 'c' (SpreadsheetML may be written with any prefix)."""
    return tag[tag.rindex(":") + 1 :] if ":" in tag else tag


def attr(attrs: dict, local: str, prefixed: bool = False) -> Optional[str]:
    """An attribute by local name; ``prefixed`` wants a namespaced one (``r:id``, whatever the prefix)."""
    if not prefixed and local in attrs:
        return attrs[local]
    for key, value in attrs.items():
        if ":" in key and key.rpartition(":")[2] == local:
            return value
    return None


def describe(exc: BaseException, path: Path, what: str) -> CchcError:
    """A located 'file-unreadable' for whatever reading a zip package raised."""
    import zlib

    if isinstance(exc, CchcError):
        return exc
    if isinstance(exc, Refused):
        return unreadable(path, exc.code, **exc.values)
    detail = str(exc)
    detail = detail if len(detail) <= 200 else detail[:200] + "…"
    # zipfile's and expat's own words are English and say nothing an officer can act on:
    # what is wrong, and for XML where (a technician opening the part can go there).
    if isinstance(exc, (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError)):
        return unreadable(path, "read-bad-zip", what=what)
    if isinstance(exc, expat.ExpatError):
        return unreadable(path, "read-bad-xml", what=what, line=getattr(exc, "lineno", "?"), column=getattr(exc, "offset", -1) + 1)
    if isinstance(exc, RecursionError):
        return unreadable(path, "read-too-deep")
    if isinstance(exc, MemoryError):
        return unreadable(path, "read-no-memory")
    return unreadable(path, "read-broken", what=what, detail=f"{type(exc).__name__}: {detail}")
