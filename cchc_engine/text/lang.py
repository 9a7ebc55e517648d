"""The language of this run ('vi', the default, or 'en'), as a context variable.

Its own small module so that `cchc --help` can ask for it without loading the
message catalogue; ``cchc_engine.text.messages`` re-exports both functions.
"""

from __future__ import annotations

import contextvars

LANGS = ("vi", "en")
_lang: contextvars.ContextVar[str] = contextvars.ContextVar("cchc_lang", default="vi")


def set_lang(lang: str) -> None:
    """Choose the language of messages rendered from now on ('vi' or 'en')."""
    _lang.set(lang if lang in LANGS else "vi")


def get_lang() -> str:
    return _lang.get()
