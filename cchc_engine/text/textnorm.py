"""Text at the edges: cleaning what readers hand over, keys for matching names.

* :func:`clean_cell_text` is what every reader (grid sources and the plain
  JSON/YAML/CSV readers) applies to each text it reads, and what the writers
  apply to each text they write: lone surrogates, control characters and
  non-characters cannot reach (or crash) anything downstream.
* :func:`name_key` / :func:`stt_key` compare names and printed STTs the way
  officers type them: without accents, case, punctuation, HTML tags, footnote
  marks or invisible characters, so "Số TTHC cấp xã:" matches "so tthc cap xa".
* :func:`legacy_font` names text typed in the pre-Unicode TCVN3 / VNI fonts.

Every function here runs in linear time on any input: the regular expressions
use classes that cannot backtrack over the same characters twice (``<[^<>]*>``),
and footnotes are found by forward searches, never by ``.*?`` across the text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Iterable, Optional

__all__ = ["BIDI_CONTROLS", "clean_cell_text", "drop_footnotes", "fold", "legacy_font", "name_key", "stt_key", "strip_markup", "MAX_KEY_CHARS"]

# Bidi controls: LRM/RLM, the Arabic letter mark, embeddings/overrides (U+202A–U+202E)
# and isolates (U+2066–U+2069). No Vietnamese text needs them, and one in a cell reorders
# what the officer sees (U+202E prints "Số hồ sơ" backwards) and keeps "\u200e1.859"
# from reading as a number.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# C0 controls but tab and newline (CR is turned into a newline first), DEL, C1
# controls, the BMP non-characters U+FFFE/U+FFFF (XML and Word refuse them), and bidi controls.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff" + BIDI_CONTROLS + "]")
_CR = re.compile("\r\n?")
_SURROGATE = re.compile("[\ud800-\udfff]")

# A tag cannot contain "<": the class stops at the next "<", so a run of "<<<…"
# costs one step per character instead of one scan to the end per "<".
_TAGS = re.compile(r"<[^<>]*>")
_SUP_OPEN = re.compile(r"<sup\b[^<>]*>", re.IGNORECASE)
_SUP_CLOSE = re.compile(r"</sup\s*>", re.IGNORECASE)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")

# Invisible format characters that split words when they sit inside a name:
# zero-width space/joiners, word joiner, BOM, soft hyphen, LRM/RLM and bidi marks.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)

# Names and STTs longer than this are not names: the key is taken from the head
# (a key is for comparing, never shown, so nothing the user wrote is lost).
MAX_KEY_CHARS = 4000


def clean_cell_text(s: str) -> str:
    """A text as a reader hands it on (and as a writer may write it).

    Lone surrogates become U+FFFD (a valid pair is joined), CR/CRLF become
    newlines, C0/C1 controls other than tab and newline, U+FFFE/U+FFFF and bidi
    controls (``BIDI_CONTROLS``) are removed, and the result is NFC (so an NFD "Huyện" matches the spec's).
    Linear time; returns ``s`` itself when there is nothing to change.
    """
    if not isinstance(s, str):
        s = str(s)
    if s.isascii():
        if s.isprintable():
            return s
    elif s.__class__ is str and len(s) <= _CLEAN_MEMO_CHARS:
        got = _CLEAN_MEMO.get(s)
        if got is None:
            got = _clean_unicode(s)
            if len(_CLEAN_MEMO) >= _CLEAN_MEMO_MAX:
                _CLEAN_MEMO.clear()
            _CLEAN_MEMO[s] = got
        return s if got is _UNCHANGED else got  # type: ignore[return-value]
    return _clean(s)


# Every workbook of a template holds the same names: a reader cleans each once per worker,
# not once per file. Bounded: at most _CLEAN_MEMO_MAX texts of at most _CLEAN_MEMO_CHARS
# characters (emptied when full); the answer depends on the text alone. A text with nothing
# to change is remembered as _UNCHANGED, so the caller still gets ``s`` itself back.
_CLEAN_MEMO: dict[str, object] = {}
_CLEAN_MEMO_MAX, _CLEAN_MEMO_CHARS = 2048, 300
_UNCHANGED = object()


def _clean_unicode(s: str) -> object:
    """clean_cell_text of a non-ASCII text, or _UNCHANGED."""
    if s.isprintable():
        # no surrogate, control, CR, non-character or bidi control (all non-printable): only NFC can change it
        return _UNCHANGED if unicodedata.is_normalized("NFC", s) else unicodedata.normalize("NFC", s)
    out = _clean(s)
    return _UNCHANGED if out == s else out


def _clean(s: str) -> str:
    if not s.isascii() and _SURROGATE.search(s):
        # surrogatepass keeps what is there; decoding joins valid pairs and
        # replaces every lone half with U+FFFD.
        s = s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if "\r" in s:
        s = _CR.sub("\n", s)
    s = _CONTROLS.sub("", s)
    if not s.isascii() and not unicodedata.is_normalized("NFC", s):
        s = unicodedata.normalize("NFC", s)
    return s


def strip_markup(text: str, footnote: str = " ", tag: str = " ") -> str:
    """Drop ``<sup>…</sup>`` footnote marks (replaced by ``footnote``) and any other tag (by ``tag``).

    Linear: footnotes are matched by forward searches (an unclosed ``<sup>`` ends
    the search), tags by a class that stops at the next ``<``.
    """
    if "<" not in text:
        return text
    text = drop_footnotes(text, footnote)
    return _TAGS.sub(tag, text) if "<" in text else text


def drop_footnotes(text: str, footnote: str = " ") -> str:
    """Replace each ``<sup>…</sup>`` by ``footnote``, in linear time."""
    if "<" not in text:
        return text
    out: list[str] = []
    pos = 0
    while True:
        m = _SUP_OPEN.search(text, pos)
        if m is None:
            break
        end = _SUP_CLOSE.search(text, m.end())
        if end is None:
            break  # no closing tag after this one, so none after any later opening either
        out.append(text[pos : m.start()])
        out.append(footnote)
        pos = end.end()
    if pos:
        out.append(text[pos:])
        text = "".join(out)
    return text


def fold(text: str) -> str:
    """Lower-case ASCII with Vietnamese accents removed (đ → d)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.lower()


def name_key(text: str) -> str:
    """Key for comparing indicator names: folded, words only, single spaces.

    Invisible characters (zero-width space, soft hyphen, …) are deleted, not
    turned into spaces: Word leaves them inside words ("nhi\u00adệm" is "nhiem").
    """
    return _name_key(str(text)[:MAX_KEY_CHARS])


def name_key_once(text: str) -> str:
    """``name_key`` without its memo, for a text keyed once (a unit's name in the parent of
    `cchc aggregate`: thousands of names would only fill the memo)."""
    return _key(str(text)[:MAX_KEY_CHARS])


def _key(text: str) -> str:
    text = text.translate(_INVISIBLE)
    text = strip_markup(text)
    return _NON_WORD.sub(" ", fold(text)).strip()


# Every workbook of a year prints the same names: `cchc aggregate` keys them once per
# worker, not once per file (bounded: 2,048 keys of at most MAX_KEY_CHARS characters).
_name_key = functools.lru_cache(maxsize=2048)(_key)


def stt_key(text: object) -> str:
    """Normalise a printed STT: '1.1.' → '1.1', ' 6.4 ' → '6.4', '<b>1.</b>' → '1'."""
    return _stt_key(str(text or "")[:MAX_KEY_CHARS])


# Like _name_key: the STTs of a template repeat in every file (bounded: 2,048 keys).
@functools.lru_cache(maxsize=2048)
def _stt_key(s: str) -> str:
    s = s.translate(_INVISIBLE)
    s = strip_markup(s, footnote="", tag="").strip().rstrip(".").strip()
    s = _SPACES.sub("", s)
    # "1.1.1" and "1,1,1" are both seen; Roman numerals are kept as written.
    return s.replace(",", ".").lower()


# --- legacy Vietnamese fonts ---------------------------------------------------------------

# Text typed in the old 8-bit fonts (.VnTime = TCVN3/ABC, VNI-Times = VNI) reads in
# Unicode as Latin-1 letters no Vietnamese word has: "Sè nhiÖm vô ®· hoµn thµnh"
# (TCVN3) and "Soá nhieäm vuï ñaõ hoaøn thaønh" (VNI) for "Số nhiệm vụ đã hoàn thành".
# VNI writes a vowel then its tone/hat as a second character, đ as ñ; TCVN3 puts
# each precomposed letter on one Latin-1 code. Marks only TCVN3 produces:
_TCVN3_ONLY = frozenset("¨©ª«¬\u00ad®µ¶·¸¹»¼½¾ÇÎÏÐ×Þßçîþ")
# Marks both produce (VNI: ø huyền, û hỏi, ï nặng, ä/å/ë/ü hats, ö ư, ñ đ, æ ỉ):
_SHARED = frozenset("øûïåäëüöñæÙØÛÏÅÄËÜÖÑÆ")
_TCVN3_ONLY_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(_TCVN3_ONLY)) + "]")
_ANY_MARK_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(_TCVN3_ONLY | _SHARED)) + "]")
_SHARED_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(_SHARED - _TCVN3_ONLY)) + "]")  # Ï counts as TCVN3
_LEGACY_MIN_MARKS = 3
_LEGACY_SCAN_CHARS = 200_000


def legacy_font(texts: Iterable[str]) -> Optional[str]:
    """'TCVN3' or 'VNI' when the texts read like a legacy-font document, else None.

    Counts the Latin-1 characters no Vietnamese word uses; the texts are legacy
    when there are at least three and they are a third of the non-ASCII
    characters. Linear; reads at most 200,000 characters.
    """
    seen = 0
    chunks = []
    for text in texts:
        if not isinstance(text, str) or text.isascii():
            continue
        chunks.append(text[:_LEGACY_SCAN_CHARS])
        seen += len(text)
        if seen > _LEGACY_SCAN_CHARS:
            break
    # Counted by C loops over all the texts at once (joined by an ASCII newline, which is
    # neither a mark nor accented), not a Python loop per character: this runs on every file.
    joined = "\n".join(chunks)
    if _ANY_MARK_RE.search(joined) is None:  # most files have none: one scan, not three
        return None
    tcvn = len(_TCVN3_ONLY_RE.findall(joined))
    shared = len(_SHARED_RE.findall(joined))
    marks = tcvn + shared
    accented = len(joined) - len(joined.encode("ascii", "ignore"))
    # Real Vietnamese has many accented letters and at most a stray « » or ·.
    if marks < _LEGACY_MIN_MARKS or marks * 3 < accented:
        return None
    return "TCVN3" if tcvn * 5 >= marks else "VNI"
