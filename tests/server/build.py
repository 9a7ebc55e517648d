"""Real commune workbooks for the server's tests, made with the bench's generator
(bench/make_communes.py: the 2023 commune template, consistent values)."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))

import make_communes as mc  # noqa: E402

SCRIPT = "<script>alert('x')</script>"


def commune(path: Path, name: str, period: str = "2023-Q3", *, seed: int = 7, changes: Optional[dict[str, Any]] = None,
            note: Optional[tuple[str, str]] = None, extra_row: bool = False) -> Path:
    """A commune's workbook; ``changes`` overrides values (a mistake), ``note`` puts a text
    in one indicator's Ghi chú cell (by indicator id); ``extra_row`` adds a row the
    template does not have (an unmapped-row warning the unit can explain)."""
    from cchc_engine.spec.registry import resolve

    compiled = resolve("2023")
    values = mc.completed(compiled, mc.commune_values(compiled, random.Random(seed)))
    values.update(changes or {})
    rows = mc.commune_rows(compiled, values)
    if note is not None:
        names = {ind.id: ind.name_for(mc.LEVEL) for ind in compiled.spec.index().values()}
        for row in rows:
            if row["name"] == names[note[0]]:
                row["note"] = note[1]
    if extra_row:
        rows.append(dict(rows[-1], stt="9", name="Số cuộc họp giao ban về cải cách hành chính", unit="Cuộc", value="3",
                         note="", bold=False))
    return mc.write_commune(path, name, period, rows)
