"""Built-in reader for plain submissions other systems send: JSON, YAML or CSV.

JSON / YAML::

    {"unit": "xã Thượng Long", "level": "xa", "period": "2021-Q3",
     "values": {"kh_nhiem_vu_de_ra": 6, "1.1.2": "06", "bm3/3.1.1": "2.967"}}

``values`` keys are indicator ids, STTs (single-form specs) or ``form/STT``;
a value may also be ``{"value": ..., "note": "..."}``. CSV has a header with
``key,value[,note]`` (``id`` or ``stt`` accepted for ``key``); metadata rows
use the keys ``#unit``, ``#level``, ``#period``.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from pathlib import Path
from typing import Any, Callable, Optional

_Reader = Any

from ..flow.findings import CchcError, Finding, Location
from ..hookspecs import hookimpl
from ..text.messages import os_error, render, said
from ..flow.submission import RawSubmission, RawValue
from ..text.textnorm import clean_cell_text

MAX_BYTES = 20 * 1024 * 1024
MAX_VALUES = 50_000


def _decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258 (Vietnamese legacy).

    The text is returned in NFC: Windows-1258 writes most tones as combining marks.
    """
    if data.startswith((b"\xd0\xcf\x11\xe0", b"PK\x03\x04")):
        raise _unreadable(path, render("plain-is-workbook", {}))
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and b"\0" in data[:65536]:
        raise _unreadable(path, render("plain-binary", {}))
    try:
        if utf16:
            text = data.decode("utf-16")
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise _unreadable(path, render("plain-encoding", {"byte": str(exc.start)})) from None
    if "\0" in text:
        raise _unreadable(path, render("plain-binary", {}))
    return unicodedata.normalize("NFC", text)


def _unreadable(path: Path, error: str, **where) -> CchcError:
    return CchcError.make("file-unreadable", location=Location(file=str(path), **where), file=path.name, error=error)


def _guarded(read: Callable[["_Reader", Path, Optional[dict]], RawSubmission]):
    """Every failure of a plain reader, whatever raised it, becomes a located 'file-unreadable'."""

    def wrapper(self, path: Path, options: Optional[dict] = None) -> RawSubmission:
        try:
            return read(self, path, options)
        except CchcError:
            raise
        except RecursionError:
            raise _unreadable(path, render("plain-too-deep", {})) from None
        except MemoryError:
            raise _unreadable(path, render("read-no-memory", {})) from None
        except csv.Error as exc:
            from ..text.inputerrors import csv_problem

            raise _unreadable(path, render("plain-csv-invalid", {"detail": csv_problem(exc)})) from None
        except Exception as exc:
            detail = str(exc)[:200]
            raise _unreadable(path, render("plain-unreadable", {"detail": f"{type(exc).__name__}: {detail}"})) from None

    wrapper.__name__ = read.__name__
    wrapper.__doc__ = read.__doc__
    return wrapper


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CchcError.make(
                "file-unreadable", location=Location(file=str(path)), file=path.name,
                error=said("plain-too-large", size=size // (1024 * 1024)),
            )
        data = path.read_bytes()
    except OSError as exc:
        raise CchcError.make("file-unreadable", location=Location(file=str(path)), file=path.name, error=os_error(exc)) from None
    if not data.strip():
        raise CchcError.make("file-unreadable", location=Location(file=str(path)), file=path.name, error=said("plain-empty"))
    return _decode(data, path)


def _meta(raw: RawSubmission, data: dict) -> None:
    for key in ("unit", "level", "period", "spec"):
        v = data.get(key)
        if v is not None:
            setattr(raw, key, clean_cell_text(str(v)))


def _values_from_mapping(raw: RawSubmission, values: Any, path: Path, base: str) -> None:
    if not isinstance(values, dict):
        raise CchcError.make(
            "file-unreadable", location=Location(file=str(path), path=base), file=path.name,
            error=said("plain-values-not-mapping"),
        )
    for i, (key, v) in enumerate(values.items()):
        if i >= MAX_VALUES:
            raw.findings.append(
                Finding.make(
                    "values-truncated", "error", location=Location(file=str(path), path=f"{base}.{clean_cell_text(str(key))}"),
                    limit=MAX_VALUES, at=i + 1,
                )
            )
            break
        note = ""
        if isinstance(v, dict):
            note = clean_cell_text(str(v.get("note") or ""))
            v = v.get("value")
        if isinstance(v, (list, dict)):
            v = json.dumps(v, ensure_ascii=False)
        if isinstance(v, str):
            v = clean_cell_text(v)
        key = clean_cell_text(str(key))
        raw.values.append(RawValue(key, v, note=note, location=Location(file=str(path), path=f"{base}.{key}")))


class JsonReader:
    name = "json"
    suffixes = (".json",)
    description = "Values as JSON {indicator id or STT: value}"

    def sniff(self, path: Path) -> bool:
        return path.suffix.lower() in self.suffixes

    @_guarded
    def read(self, path: Path, options: Optional[dict] = None) -> RawSubmission:
        text = _read_text(path)
        duplicates: list[tuple[str, Any]] = []

        def pairs(items: list[tuple[str, Any]]) -> dict:
            out: dict = {}
            for k, v in items:
                if k in out:
                    duplicates.append((k, v))
                out[k] = v
            return out

        try:
            # Numbers stay text: the Vietnamese parser decides (268.358 is 268358).
            data = json.loads(text, object_pairs_hook=pairs, parse_int=str, parse_float=str, parse_constant=str)
        except json.JSONDecodeError as exc:
            from ..text.inputerrors import json_syntax

            raise CchcError.make(
                "file-unreadable", location=Location(file=str(path), row=exc.lineno), file=path.name,
                error=said("plain-json-invalid", detail=json_syntax(exc, with_line=False)),  # the location has the line
            ) from None
        raw = _from_data(data, path)
        for key, value in duplicates[:100]:  # one finding per key is plenty; a flood says no more
            # json keeps the last; which one the officer meant cannot be told
            raw.findings.append(
                Finding.make(
                    "duplicate-key", "error", location=Location(file=str(path), path=clean_cell_text(key)),
                    key=clean_cell_text(key)[:120], value=clean_cell_text(str(value))[:120],
                )
            )
        return raw


class YamlReader:
    name = "yaml"
    suffixes = (".yaml", ".yml")
    description = "Values as YAML {indicator id or STT: value}"

    def sniff(self, path: Path) -> bool:
        return path.suffix.lower() in self.suffixes

    @_guarded
    def read(self, path: Path, options: Optional[dict] = None) -> RawSubmission:
        from ..spec.loader import read_yaml

        # Scalars stay text (017, 268.358, 1:30): the Vietnamese parser decides, not YAML 1.1.
        data, _ = read_yaml(_read_text(path), Location(file=str(path)), text_scalars=True)
        return _from_data(data, path)


def _from_data(data: Any, path: Path) -> RawSubmission:
    raw = RawSubmission(file=str(path))
    if not isinstance(data, dict):
        raise CchcError.make(
            "file-unreadable", location=Location(file=str(path)), file=path.name,
            error=said("plain-not-mapping"),
        )
    _meta(raw, data)
    values = data.get("values", {k: v for k, v in data.items() if k not in ("unit", "level", "period", "spec")})
    _values_from_mapping(raw, values, path, "values")
    return raw


class CsvReader:
    name = "csv"
    suffixes = (".csv",)
    description = "Values as CSV: key,value[,note]"

    def sniff(self, path: Path) -> bool:
        return path.suffix.lower() in self.suffixes

    @_guarded
    def read(self, path: Path, options: Optional[dict] = None) -> RawSubmission:
        text = _read_text(path)
        raw = RawSubmission(file=str(path))
        sample = text[:4096]
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(io.StringIO(text, newline=""), dialect)
        header = [h.strip().lower() for h in next(reader, [])]
        key_i = next((header.index(k) for k in ("key", "id", "stt", "ma") if k in header), 0)
        val_i = next((header.index(k) for k in ("value", "gia tri", "so lieu") if k in header), 1)
        note_i = header.index("note") if "note" in header else None
        for line_no, row in enumerate(reader, start=2):
            if line_no > MAX_VALUES:
                raw.findings.append(
                    Finding.make("values-truncated", "error", location=Location(file=str(path), row=line_no), limit=MAX_VALUES, at=line_no)
                )
                break
            if not row or not any(c.strip() for c in row):
                continue
            key = clean_cell_text(row[key_i]).strip() if key_i < len(row) else ""
            value = clean_cell_text(row[val_i]) if val_i < len(row) else None
            note = clean_cell_text(row[note_i]) if note_i is not None and note_i < len(row) else ""
            if key.startswith("#"):
                _meta(raw, {key[1:]: value})
                continue
            raw.values.append(RawValue(key, value, note=note, location=Location(file=str(path), row=line_no)))
        return raw


@hookimpl
def register_readers(register: Callable[..., None]) -> None:
    register(JsonReader())
    register(YamlReader())
    register(CsvReader())
