"""An HTML (or MHT) document embedded in a .docx through ``w:altChunk``, read as Word shows it.

Server-side generators (html-docx-js and its kind) put the whole report into a .docx as
one embedded HTML page, often as MHT (a MIME archive); Word renders it in place. Its
paragraphs and tables are fed to the same ``docx._Document`` handlers as Word's own XML,
so the tables are numbered, joined and laid out exactly like native ones: ``colspan``
becomes ``gridSpan`` and ``rowspan`` a vertical merge with the continuation cells HTML
leaves out. Only the standard library: ``html.parser`` (entities decoded, no network,
nothing executed) and ``email`` for MHT. Text and cells are counted by the same budget.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any, Optional

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "section", "article", "blockquote",
           "center", "pre", "ul", "ol", "dl", "dt", "dd", "title", "body", "header", "footer"}
_SKIP = {"script", "style", "head", "template", "noscript", "xml"}
_MAX_SPAN = 1000  # what any real table spans; the reader bounds spans by the grid again
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)


def html_text(data: bytes) -> Optional[str]:
    """The HTML of an embedded part: an .mht's first text/html part, or the bytes decoded by
    their BOM or meta charset (UTF-8 otherwise); None when the part holds no HTML."""
    head = data[:4096].lstrip()
    if head[:20].lower().startswith(b"mime-version") or b"multipart/related" in head.lower():
        import email
        import email.policy

        message = email.message_from_bytes(data, policy=email.policy.compat32)
        for part in message.walk():
            if part.get_content_type() == "text/html":
                body = part.get_payload(decode=True) or b""
                charset = part.get_content_charset() or _charset(body) or "utf-8"
                return _decode(body, charset)
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    if b"<" not in head:
        return None
    return _decode(data, _charset(data) or "utf-8")


def _charset(data: bytes) -> Optional[str]:
    m = _CHARSET.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


def _decode(data: bytes, charset: str) -> str:
    try:
        return data.decode(charset, "replace")
    except LookupError:  # a charset Python does not know
        return data.decode("utf-8", "replace")


def _span(attrs: list[tuple[str, Optional[str]]], name: str) -> int:
    for key, value in attrs:
        if key == name and value and value.strip().isdigit():
            return max(1, min(int(value.strip()), _MAX_SPAN))
    return 1


class _Feeder(HTMLParser):
    """HTML → the Word handlers' calls: ``p``/``t`` for text, ``tbl``/``tr``/``tc`` with
    ``gridSpan``/``vMerge`` for tables (a table inside a cell is that cell's text, as in Word)."""

    def __init__(self, doc: Any):
        super().__init__(convert_charrefs=True)
        self.doc = doc
        self.skip = 0
        self.tables = 0  # <table> depth
        self.in_cell = False
        self.para = False  # a paragraph open at depth 0
        self.row_open = False
        # per outermost table: column → rows its rowspan still covers (HTML leaves those cells out)
        self.down: list[dict[int, int]] = []
        self.col = 0
        self.span_here = 1
        self.sup = 0  # inside <sup>: a footnote mark when short, as a superscript run in Word

    # -- the Word calls --------------------------------------------------------------
    def _w(self, name: str, attrs: Optional[dict] = None) -> None:
        self.doc.start("w:" + name, attrs or {})

    def _end(self, name: str) -> None:
        self.doc.end("w:" + name)

    def _text(self, data: str) -> None:
        self._w("r")
        if self.sup:
            self._w("vertAlign", {"w:val": "superscript"})
        self._w("t")
        self.doc.chars(data)
        self._end("t")
        self._end("r")

    def _open_para(self) -> None:
        if not self.para and self.tables == 0:
            self._w("p")
            self.para = True

    def _close_para(self) -> None:
        if self.para:
            self._end("p")
            self.para = False

    # -- the HTML side ------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        if tag in _SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "sup":
            self.sup += 1
        elif tag == "table":
            self._close_para()
            self.tables += 1
            self._w("tbl")
            if self.tables == 1:
                self.down.append({})
        elif self.tables > 1:
            if tag in ("tr", "td", "th", "p", "div", "br", "li") and self.in_cell:
                self._w("p")  # a line of its own in the outer cell, as Word shows a nested table
        elif tag == "tr" and self.tables == 1:
            self._close_row()
            self._w("tr")
            self.row_open, self.col = True, 0
        elif tag in ("td", "th") and self.tables == 1:
            if not self.row_open:
                self._w("tr")
                self.row_open, self.col = True, 0
            self._close_cell()
            self._covered()
            colspan, rowspan = _span(attrs, "colspan"), _span(attrs, "rowspan")
            self._w("tc")
            if colspan > 1:
                self._w("gridSpan", {"w:val": str(colspan)})
                self._end("gridSpan")
            if rowspan > 1:
                self._w("vMerge", {"w:val": "restart"})
                self._end("vMerge")
                self.down[-1][self.col] = rowspan - 1
            self.span_here = colspan
            self.in_cell = True
        elif tag in ("br", "p", "div", "li") and self.in_cell and self.tables == 1:
            self._w("p")  # a second line in the cell
        elif tag in _BLOCKS and self.tables == 0:
            self._close_para()
        elif tag == "br" and self.tables == 0:
            self._close_para()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag == "sup":
            self.sup = max(0, self.sup - 1)
        elif tag == "table" and self.tables:
            if self.tables == 1:
                self._close_row()
                self.down.pop()
            self._end("tbl")
            self.tables -= 1
        elif tag in ("td", "th") and self.tables == 1:
            self._close_cell()
        elif tag == "tr" and self.tables == 1:
            self._close_row()
        elif tag in _BLOCKS and self.tables == 0:
            self._close_para()

    def handle_data(self, data: str) -> None:
        if self.skip or not data:
            return
        if self.tables == 0:
            if not data.strip():
                return
            self._open_para()
        elif not self.in_cell and self.tables == 1:
            return  # text between cells: not in any cell
        self._text(data)

    def close(self) -> None:
        super().close()
        self._close_para()
        while self.tables:
            self.handle_endtag("table")

    # -- rows and cells -----------------------------------------------------------------
    def _covered(self) -> None:
        """Continuation cells for the columns a rowspan above still covers, before the next cell."""
        down = self.down[-1] if self.down else {}
        while down.get(self.col, 0) > 0:
            down[self.col] -= 1
            self._w("tc")
            self._w("vMerge")
            self._end("vMerge")
            self._end("tc")
            self.col += 1

    def _close_cell(self) -> None:
        if self.in_cell:
            self._end("tc")
            self.in_cell = False
            self.col += self.span_here

    def _close_row(self) -> None:
        if not self.row_open:
            return
        self._close_cell()
        down = self.down[-1] if self.down else {}
        for col in sorted(c for c, n in down.items() if n > 0 and c >= self.col):
            while self.col < col:
                self._w("tc")
                self._end("tc")
                self.col += 1
            self._covered()
        self._end("tr")
        self.row_open = False


def feed_html(doc: Any, text: str) -> None:
    """Feed an embedded HTML page to the Word handlers ``doc`` (``docx._Document``)."""
    feeder = _Feeder(doc)
    for i in range(0, len(text), 64 * 1024):
        feeder.feed(text[i : i + 64 * 1024])
    feeder.close()
