"""Where in a YAML document: a path of keys and indexes, said for people, and its nearest line.

Its own module because the loader, the inheritance merge, the compiler and the
schema messages all locate with it, and none of them should import another for it.
"""

from __future__ import annotations

from typing import Any, Optional


def yaml_path(loc: tuple, data: Any = None) -> str:
    """('forms', 0, 'indicators', 2, 'type') → 'forms[0](bm1).indicators[2](nv_de_ra).type'."""
    out = ""
    cur = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            try:
                cur = cur[part]
                if isinstance(cur, dict) and isinstance(cur.get("id"), (str, int)):
                    out += f"({cur['id']})"
            except (IndexError, KeyError, TypeError):
                cur = None
        else:
            out += ("." if out else "") + str(part)
            try:
                cur = cur[part] if isinstance(cur, dict) else None
            except (KeyError, TypeError):
                cur = None
    return out


def nearest_line(lines: dict[tuple, int], path: tuple) -> Optional[int]:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())
