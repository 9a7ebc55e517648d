"""The words of the web pages: entries ``page-*`` of the one catalogue (messages.py).

Templates call ``t("key")``; the text is ``CATALOG["page-key"]`` in the page's language,
rendered by ``messages.render`` (numbers the Vietnamese way). Finding texts are the
engine's own codes. ``tests/server`` pins that every key a template or route uses exists.
"""

from __future__ import annotations

from typing import Any

from ..text.messages import CATALOG, render


_ROMAN = {"Q1": "I", "Q2": "II", "Q3": "III", "Q4": "IV"}
_PARTS = {"H1": "period-h1", "H2": "period-h2", "9M": "period-9m"}


def period_name(period: str, lang: str) -> str:
    """'2023-Q3' → 'Quý III năm 2023'; '2023-H1' → '6 tháng đầu năm 2023'; '2023' → 'Năm 2023'."""
    year, _, part = str(period).partition("-")
    if not part:
        return t("period-year", lang, year=year)
    if part in _ROMAN:
        return t("period-quarter", lang, year=year, roman=_ROMAN[part], n=part[1])
    if part in _PARTS:
        return t(_PARTS[part], lang, year=year)
    return str(period)


def t(key: str, lang: str, **values: Any) -> str:
    """The page text ``key`` (catalogue code ``page-<key>``) in ``lang``."""
    if key == "period-name":
        return period_name(str(values.get("period", "")), lang)
    code = "page-" + key
    if code not in CATALOG:
        raise KeyError(f"no page text {key!r}")
    return render(code, values, lang=lang)
