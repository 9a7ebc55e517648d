"""The server's SVG pictures: bars sorted largest first, units without a value last;
a line that breaks where a period has no value; every label escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from cchc_engine.server import charts


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]


def test_bars_are_sorted_and_missing_units_come_last() -> None:
    svg = charts.bars([("xã A", 3), ("xã <B>", 1859.5), ("xã C", None), ("xã D", 0)], "vi")
    labels = [t for t in _texts(svg) if t.startswith("xã")]
    assert labels == ["xã <B>", "xã A", "xã D", "xã C"]
    assert "1.859,5" in _texts(svg) and "&lt;B&gt;" in svg and "<B>" not in svg
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths == sorted(widths, reverse=True) and len(widths) == 3


def test_a_line_breaks_where_a_period_has_no_value() -> None:
    svg = charts.line([("Q1", 5), ("H1", 7), ("Q3", None), ("Năm", 9)], "en")
    path = re.search(r'<path d="([^"]+)"', svg).group(1)
    assert path.count("M") == 2 and path.count("L") == 1  # Q1→H1, then Năm alone
    assert len(re.findall(r"<circle", svg)) == 3
