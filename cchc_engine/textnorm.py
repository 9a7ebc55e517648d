"""Text keys for matching names the way officers type them.

Names are compared without accents, case, punctuation, HTML tags or footnote
marks, so "Số TTHC cấp xã:" matches "so tthc cap xa".
"""

from __future__ import annotations

import re
import unicodedata

_TAGS = re.compile(r"<[^>]*>")
_FOOTNOTE = re.compile(r"<sup>.*?</sup>", re.IGNORECASE | re.DOTALL)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case ASCII with Vietnamese accents removed (đ → d)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.lower()


def name_key(text: str) -> str:
    """Key for comparing indicator names: folded, words only, single spaces."""
    text = _FOOTNOTE.sub(" ", str(text))
    text = _TAGS.sub(" ", text)
    return _NON_WORD.sub(" ", fold(text)).strip()


def stt_key(text: object) -> str:
    """Normalise a printed STT: '1.1.' → '1.1', ' 6.4 ' → '6.4', '<b>1.</b>' → '1'."""
    s = _TAGS.sub("", str(text or "")).strip().rstrip(".").strip()
    s = re.sub(r"\s+", "", s)
    # "1.1.1" and "1,1,1" are both seen; Roman numerals are kept as written.
    return s.replace(",", ".").lower()
