"""Built-in writer: one CSV row per indicator, for spreadsheets and scripts.

UTF-8 with a BOM so Excel on Windows shows Vietnamese; values in machine form
(75.86, choice codes); every text cell through ``safe_text`` so nothing runs as a
formula when the file is opened. The first rows say who reports, at which level and
for which period (id ``#unit``, ``#level``, ``#period``, the value in ``value``): what
the csv reader takes from such rows, so the written report reads back as it is.
"""

from __future__ import annotations

import codecs
import csv
import re
from typing import Any, Callable, TextIO

from ..hookspecs import hookimpl
from ..flow.result import Result
from . import common as c

_THOUSANDS_LOOK = re.compile(r"-?\d{1,3}\.\d{3}")
COLUMNS = ("form", "stt", "id", "name", "unit", "value", "source", "raw", "cell", "note", "findings")
FINDING_COLUMNS = ("severity", "code", "indicator", "file", "sheet", "cell", "row", "path", "message")


class CsvWriter:
    name = "csv"
    suffix = ".csv"
    binary = False
    description = "CSV (UTF-8 with BOM, opens in Excel), one row per indicator"

    def write(self, result: Result, stream: TextIO, options: dict) -> None:
        from ..text.sanitize import clean_output

        result = clean_output(result)  # called directly too (tests, plugins): never crash on any str
        if not _encodes_bom(stream):
            stream.write("\ufeff")
        # "\n": a text stream opened without newline="" (or stdout on Windows)
        # turns it into "\r\n"; "\r\n" would become "\r\r\n" there.
        out = csv.writer(stream, lineterminator="\n")
        if (options or {}).get("findings_only"):
            out.writerow(FINDING_COLUMNS)
            for f in result.findings:
                loc = f.location
                out.writerow(
                    _safe(
                        [f.severity, f.code, f.indicator, loc.file, loc.sheet, loc.cell, loc.row, loc.path, f.message]
                    )
                )
            return
        codes = {ind_id: _unique(f.code for f in fs) for ind_id, fs in c.findings_by_indicator(result).items()}
        out.writerow(COLUMNS)
        for key, value in (("unit", result.unit), ("level", result.level), ("period", result.period)):
            if value:
                out.writerow(_safe(["", "", f"#{key}", "", "", value, "", "", "", "", ""]))
        for ind in result.indicators:
            out.writerow(
                _safe(
                    [
                        ind.form,
                        ind.stt,
                        ind.id,
                        ind.name,
                        ind.unit,
                        c.machine_value(ind.value),
                        ind.source,
                        ind.raw,
                        c.where(ind.location, result.file),
                        ind.note,
                        ";".join(codes.get(ind.id, [])),
                    ]
                )
            )


def _safe(row: list[Any]) -> list[Any]:
    out = []
    for v in row:
        if v is None:
            out.append("")
        elif isinstance(v, float):
            text = repr(v)  # 75.86, never a locale-dependent form
            if _THOUSANDS_LOOK.fullmatch(text):
                # 1.234 is one thousand two hundred thirty-four to a Vietnamese reader (and to
                # the csv reader): 1.2340 is the same float and cannot be read as a thousand
                text += "0"
            out.append(text)
        elif isinstance(v, (int, bool)):
            out.append(str(int(v)))
        else:
            # A bare CR is a line break to LibreOffice but not a reason for csv to
            # quote: as "\n" the field is quoted and stays one cell.
            text = str(v)
            if "\r" in text:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            out.append(c.safe_text(text))
    return out


def _unique(items: Any) -> list[str]:
    return list(dict.fromkeys(items))


def _encodes_bom(stream: TextIO) -> bool:
    """True when the stream's codec writes a BOM itself (utf-8-sig): do not write a second one."""
    encoding = getattr(stream, "encoding", None)
    if not isinstance(encoding, str):
        return False
    try:
        return codecs.lookup(encoding).name in ("utf-8-sig", "utf-16", "utf-32")
    except LookupError:
        return False


@hookimpl
def register_writers(register: Callable[..., None]) -> None:
    register(CsvWriter())
