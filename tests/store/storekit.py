"""Helpers of the store's tests: the organisation and plain JSON submissions with the
values a test wants (docs/plain-input.md)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

SPEC_KY = Path(__file__).resolve().parent / "specs" / "2023-ky.yaml"

# --- submissions as plain JSON (values exactly as a test wants them) ------------------

UNITS = [
    {"code": "T", "name": "tỉnh Phú Thọ", "level": "tinh", "parent": ""},
    {"code": "H1", "name": "huyện Lâm Thao", "level": "huyen", "parent": "T"},
    {"code": "X1", "name": "xã Cao Xá", "level": "xa", "parent": "H1"},
    {"code": "X2", "name": "xã Sơn Vi", "level": "xa", "parent": "H1"},
    {"code": "X3", "name": "xã Tứ Mỹ", "level": "xa", "parent": "H1"},
]

CLEAN = {"van_ban_chi_dao": 5, "nv_de_ra": 10, "nv_hoan_thanh": 4, "tthc_tong": 100, "tthc_cap_xa": 100, "bc_co_mat": 20,
         "nv_giao_tong": 6, "nv_giao_dung_han": 3, "nv_giao_hoan_thanh_qua_han": 1, "nv_giao_qua_han_chua_hoan_thanh": 0,
         "hs_xa_giai_quyet_xong": 200, "hs_xa_dung_han": 190}


def report(unit: str, period: str, level: str = "xa", **values: Any) -> bytes:
    """A plain JSON submission (docs/plain-input.md) of ``CLEAN`` with ``values`` changed."""
    merged = {**CLEAN, **values}
    merged = {k: v for k, v in merged.items() if v is not None}
    return json.dumps({"unit": unit, "level": level, "period": period, "values": merged}, ensure_ascii=False).encode()


def wait_for(path: Path, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > end:
            raise TimeoutError(path)
        time.sleep(0.02)
