"""A spec's indicators as a tree of plain dicts: what a script or a web page shows."""

from __future__ import annotations

from typing import Any, Optional


def indicator_tree(spec: Any, level: Optional[str] = None) -> list[dict[str, Any]]:
    """The forms of a compiled spec (or a Session's ``spec``), each with its indicators as
    nested dicts: ``{"form", "title", "indicators": [{"id", "stt", "name", "unit", "type",
    "formula", "levels", "children": [...]}]}``. With ``level`` (an id or a name), only the
    indicators reported at that level, with that level's STT and name; ``KeyError`` for a
    level the spec does not have."""
    s = getattr(spec, "spec", spec)
    level_id = None
    if level is not None:
        lv = s.level(level)
        if lv is None:
            raise KeyError(f"level {level!r} is not in spec {s.id} ({', '.join(s.level_ids())})")
        level_id = lv.id

    def node(ind: Any) -> Optional[dict[str, Any]]:
        if level_id is not None and not ind.applies_to(level_id):
            return None
        children = [n for n in (node(c) for c in ind.children) if n is not None]
        return {
            "id": ind.id,
            "stt": ind.stt_for(level_id) if level_id else ind.stt,
            "name": ind.name_for(level_id) if level_id else ind.name,
            "unit": ind.shown_unit,
            "type": ind.type,
            "formula": ind.formula,
            "levels": list(ind.levels or []),
            "children": children,
        }

    return [
        {"form": f.id, "title": f.title, "indicators": [n for n in (node(i) for i in f.indicators) if n is not None]}
        for f in s.forms
    ]
