"""Text made safe for every writer, in one place before any writer runs.

A result carries text from everywhere: cells, notes, spec names, command-line
options (``--unit``), plugin findings. Any of it may hold a lone surrogate (no
UTF-8 stream can write it), a control character (xlsx and docx refuse them, a
terminal obeys ESC sequences) or U+FFFE/U+FFFF (not XML). :func:`clean_output`
returns a copy of the result whose every string went through
:func:`textnorm.clean_cell_text`, so no writer — built-in or a plugin — can crash
on, or pass on, such a character. Numbers and structure are untouched.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .textnorm import clean_cell_text

__all__ = ["clean_output", "clean_text"]

_MAX_DEPTH = 64  # results are a few levels deep; a deeper object is returned as is


def clean_text(text: str) -> str:
    """One string as a writer may write it (see textnorm.clean_cell_text)."""
    return clean_cell_text(text)


def clean_output(obj: Any) -> Any:
    """A copy of ``obj`` (dataclasses, pydantic models, lists, tuples, dicts) with every string cleaned.

    Objects whose strings are already clean are returned as they are, not copied.
    """
    return _clean(obj, {}, 0)


def _clean(obj: Any, memo: dict[int, Any], depth: int) -> Any:
    if isinstance(obj, str):
        return clean_cell_text(obj)
    if obj is None or isinstance(obj, (bool, int, float, bytes)):
        return obj
    key = id(obj)
    if key in memo:
        return memo[key]
    if depth > _MAX_DEPTH:
        return obj
    memo[key] = obj  # a cycle back to this object keeps the original
    out = _copy(obj, memo, depth + 1)
    memo[key] = out
    return out


def _copy(obj: Any, memo: dict[int, Any], depth: int) -> Any:
    if isinstance(obj, list):
        items = [_clean(v, memo, depth) for v in obj]
        return obj if all(a is b for a, b in zip(items, obj)) else items
    if isinstance(obj, tuple) and not hasattr(obj, "_fields"):
        items = tuple(_clean(v, memo, depth) for v in obj)
        return obj if all(a is b for a, b in zip(items, obj)) else items
    if isinstance(obj, dict):
        pairs = [(_clean(k, memo, depth), _clean(v, memo, depth)) for k, v in obj.items()]
        if all(a is k and b is v for (a, b), (k, v) in zip(pairs, obj.items())):
            return obj
        out = type(obj)() if type(obj) is not dict and _default_constructible(obj) else {}
        out.update(pairs)
        return out
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {}
        for f in dataclasses.fields(obj):
            if not f.init:
                continue
            old = getattr(obj, f.name)
            new = _clean(old, memo, depth)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(obj, **changes) if changes else obj
    fields = getattr(type(obj), "model_fields", None)
    if isinstance(fields, dict) and hasattr(obj, "model_copy"):  # a pydantic model
        changes = {}
        for name in fields:
            old = getattr(obj, name, None)
            new = _clean(old, memo, depth)
            if new is not old:
                changes[name] = new
        return obj.model_copy(update=changes) if changes else obj
    return obj


def _default_constructible(obj: Any) -> bool:
    try:
        type(obj)()
        return True
    except Exception:
        return False
