"""The unit's own form as it was printed, with each finding marked at its cell.

The page shows the file's sheets (or Word tables, or pasted lines) as the reader saw
them — the rows as printed, what was typed in each cell — and marks the cell a finding
points at. The grid is read again from the stored bytes when the page is asked for
(an upload pays only the check), through the Session's own reader choice and a private
temporary file: the received name is never a path.
"""

from __future__ import annotations

import datetime as _dt
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..text.messages import MESSAGE_ONLY, fmt_number, render

MAX_ROWS = 1500  # per sheet shown; a longer sheet says how many rows were left out
MAX_COLS = 26


@dataclass
class ShownCell:
    text: str
    address: str
    marks: list[int] = field(default_factory=list)  # indexes into the page's findings
    severity: str = ""
    colspan: int = 1
    rowspan: int = 1


@dataclass
class ShownSheet:
    name: str
    columns: list[str]
    rows: list[tuple[str, list[ShownCell]]]
    hidden_rows: int = 0


def finding_key(f: dict[str, Any]) -> str:
    """A finding's stable name across renders (what an explanation is attached to)."""
    loc = f.get("location") or {}
    return "|".join(str(x or "") for x in (f.get("code"), f.get("indicator"), loc.get("sheet"), loc.get("cell"), loc.get("row")))


def finding_text(f: dict[str, Any], lang: str, spec: Any = None) -> str:
    """The finding's message in the page's language (the stored one if the catalogue cannot).

    A failed rule's text is the spec's, not the catalogue's: its values keep the rule's
    id and operands only (data), so it is said again from ``spec``'s rule (the compiled
    spec the result was made with), else the message the Session wrote is shown."""
    code = f["code"]
    values = f.get("values") or {}
    try:
        if code in MESSAGE_ONLY:
            text = _rule_text(values, lang, spec)
            return text if text is not None else str(f.get("message") or code)
        return render(code, values, lang=lang)
    except Exception:  # a plugin's own code with a template only it knew
        return str(f.get("message") or code)


def _rule_text(values: dict[str, Any], lang: str, spec: Any) -> Optional[str]:
    """A rule-failed finding's message in ``lang``, from the rule ``spec`` has under its id."""
    if spec is None:
        return None
    rule = next((c.rule for c in spec.rules if c.rule.id == values.get("rule")), None)
    if rule is None:
        return None
    template = rule.message_en if lang == "en" and rule.message_en else rule.message
    blank = render("value-blank", {}, lang=lang)
    operands = {k: (blank if v is None else v) for k, v in (values.get("operands") or {}).items()}
    return render("rule-failed", operands, lang=lang, template=template)


def read_grid(session: Any, data: bytes, filename: str) -> Optional[Any]:
    """The file's Grid, or None when its reader gives no cells (a plugin's RawSubmission)."""
    from ..flow.grid import Grid
    from ..flow.pipeline import pick_reader
    from ..session import safe_suffix

    with tempfile.TemporaryDirectory(prefix="cchc-view-") as folder:
        os.chmod(folder, 0o700)
        path = Path(folder) / f"upload{safe_suffix(filename)}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)

        def read() -> Any:
            reader = pick_reader(path, session.host)
            return reader.read(path, {})

        try:
            got = session.run(read)
        except Exception:
            return None
    return got if isinstance(got, Grid) else None


def cell_text(cell: Any, lang: str) -> str:
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        if cell.percent:
            return fmt_number(round(v * 100, 4), lang) + "%"
        return fmt_number(v, lang)
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.strftime("%d/%m/%Y")
    return str(v)


def shown_sheets(grid: Any, findings: list[dict[str, Any]], lang: str) -> list[ShownSheet]:
    """Every sheet of ``grid`` as rows of text cells, the findings' cells marked."""
    from ..flow.grid import column_letter

    at: dict[tuple[str, str], list[int]] = {}
    for i, f in enumerate(findings):
        loc = f.get("location") or {}
        if loc.get("cell"):
            at.setdefault((loc.get("sheet") or "", loc["cell"]), []).append(i)
        elif loc.get("row") is not None:
            at.setdefault((loc.get("sheet") or "", f"A{loc['row']}"), []).append(i)
    out = []
    for sheet in grid.sheets:
        width = min(MAX_COLS, max((len(r) for r in sheet.rows), default=0))
        # merged ranges print as one cell: the first carries the span, the rest are not drawn
        spans: dict[tuple[int, int], tuple[int, int]] = {}
        covered: set[tuple[int, int]] = set()
        for r1, c1, r2, c2 in sheet.merges:
            spans[(r1, c1)] = (min(r2, r1 + MAX_ROWS) - r1 + 1, min(c2, width) - c1 + 1)
            covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {(r1, c1)}
        rows = []
        for idx, row in enumerate(sheet.rows[:MAX_ROWS]):
            number = sheet.row_numbers[idx]
            cells = []
            for j in range(width):
                if (number, j + 1) in covered:
                    continue
                address = f"{column_letter(j + 1)}{number}"
                text = cell_text(row[j], lang) if j < len(row) else ""
                marks = at.get((sheet.name, address), [])
                sev = min((findings[m]["severity"] for m in marks), key=("error", "warning", "info").index, default="")
                rs, cs = spans.get((number, j + 1), (1, 1))
                cells.append(ShownCell(text, address, marks, sev, max(cs, 1), max(rs, 1)))
            _span_title_row(cells, width)
            rows.append((str(number), cells))
        out.append(ShownSheet(sheet.name, [column_letter(j + 1) for j in range(width)], rows, max(0, len(sheet.rows) - MAX_ROWS)))
    return out


def _span_title_row(cells: list[ShownCell], width: int) -> None:
    """A row with text in its first cell only (a title, "Biểu mẫu 1") spans the row, as
    it reads on paper, instead of widening the STT column."""
    if len(cells) == width and width > 1 and cells[0].text and cells[0].colspan == 1 and cells[0].rowspan == 1 \
            and not any(c.text or c.marks for c in cells[1:]):
        cells[0].colspan = width
        del cells[1:]
