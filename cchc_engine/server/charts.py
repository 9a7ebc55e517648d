"""Pictures drawn on the server as SVG: an indicator across units (sorted bars) and
across periods (a line). Plain strings, no library: every text is escaped here."""

from __future__ import annotations

from html import escape
from typing import Optional, Sequence

from ..text.messages import fmt_number


def bars(items: Sequence[tuple[str, Optional[float]]], lang: str, width: int = 900, bar: int = 18) -> str:
    """Horizontal bars, largest first; units without a value are listed last with '—'."""
    have = sorted(((n, float(v)) for n, v in items if isinstance(v, (int, float))), key=lambda x: (-x[1], x[0]))
    missing = [n for n, v in items if not isinstance(v, (int, float))]
    label_w, value_w = 260, 80
    plot_w = width - label_w - value_w
    top = max((v for _, v in have), default=0.0)
    low = min((v for _, v in have), default=0.0)
    scale = max(top, 0.0) - min(low, 0.0) or 1.0
    zero_x = label_w + plot_w * (-min(low, 0.0) / scale)
    rows = have + [(n, None) for n in missing]
    height = bar * len(rows) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart bars" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img">']
    for i, (name, v) in enumerate(rows):
        y = 5 + i * bar
        out.append(f'<text x="{label_w - 6}" y="{y + bar * 0.7:.1f}" text-anchor="end">{escape(_clip(name, 38))}</text>')
        if v is None:
            out.append(f'<text x="{zero_x + 4:.1f}" y="{y + bar * 0.7:.1f}" class="none">—</text>')
            continue
        w = plot_w * abs(v) / scale
        x = zero_x if v >= 0 else zero_x - w
        out.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{max(w, 1):.1f}" height="{bar - 4}"><title>{escape(name)}: '
                   f'{escape(fmt_number(v, lang))}</title></rect>')
        out.append(f'<text x="{x + max(w, 1) + 4:.1f}" y="{y + bar * 0.7:.1f}">{escape(fmt_number(v, lang))}</text>')
    out.append("</svg>")
    return "".join(out)


def line(points: Sequence[tuple[str, Optional[float]]], lang: str, width: int = 900, height: int = 260) -> str:
    """One line through the periods in the order given; a period without a value breaks it."""
    left, right, top_pad, bottom = 70, 20, 20, 40
    vals = [v for _, v in points if isinstance(v, (int, float))]
    lo, hi = (min(vals + [0.0]), max(vals + [0.0])) if vals else (0.0, 1.0)
    span = (hi - lo) or 1.0
    n = max(len(points), 1)
    step = (width - left - right) / max(n - 1, 1)
    first = left if n > 1 else (width - right + left) / 2  # one period: in the middle

    def y_of(v: float) -> float:
        return top_pad + (height - top_pad - bottom) * (1 - (v - lo) / span)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart line" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img">']
    for tick in (lo, lo + span / 2, hi):
        y = y_of(tick)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(fmt_number(round(tick, 2), lang))}</text>')
    path, pen = [], False
    for i, (label, v) in enumerate(points):
        x = first + i * step
        out.append(f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle">{escape(label)}</text>')
        if isinstance(v, (int, float)):
            path.append(f'{"L" if pen else "M"}{x:.1f},{y_of(v):.1f}')
            out.append(f'<circle cx="{x:.1f}" cy="{y_of(v):.1f}" r="4"><title>{escape(label)}: {escape(fmt_number(v, lang))}</title></circle>')
            pen = True
        else:
            pen = False
    if path:
        out.insert(1, f'<path d="{" ".join(path)}" class="series"/>')
    out.append("</svg>")
    return "".join(out)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
