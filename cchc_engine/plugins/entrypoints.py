"""The ``cchc`` entry points of the installed distributions, found without importlib.metadata.

``importlib.metadata`` costs ~100 ms to import (it pulls in the ``email`` package to
parse METADATA) before it scans anything: most of ``cchc --help``. Plugins are
declared in plain ``*.dist-info/entry_points.txt`` (or ``*.egg-info``) files next
to each other on ``sys.path``, so a directory listing and a few small reads find
them. Same rules as importlib.metadata: path order, the first distribution of a
name wins, entries in file order. A path entry that is not a directory (a zip)
makes the caller fall back to importlib.metadata (``Unsupported``).
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from typing import Any, Optional


class Unsupported(Exception):
    """A sys.path entry this scanner does not read (zip, egg file): use importlib.metadata."""


class Dist:
    # plain classes, not dataclasses: making a dataclass costs ~1 ms of `cchc --help`
    __slots__ = ("name", "version")

    def __init__(self, name: str, version: Optional[str]):
        self.name, self.version = name, version


class EntryPoint:
    __slots__ = ("name", "value", "dist")

    def __init__(self, name: str, value: str, dist: Optional[Dist]):
        self.name, self.value, self.dist = name, value, dist

    def __repr__(self) -> str:
        return f"EntryPoint({self.name!r}, {self.value!r})"

    def load(self) -> Any:
        # "module" or "module:attr.attr" (extras in brackets are ignored, as importlib does)
        module, _, attrs = self.value.partition(":")
        obj = importlib.import_module(module.strip())
        for attr in filter(None, attrs.split("[")[0].strip().split(".")):
            obj = getattr(obj, attr)
        return obj


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _headers(path: str) -> dict[str, str]:
    """Name and Version from a METADATA / PKG-INFO header (stops at the first blank line)."""
    out: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if not line.strip():
                    break
                key, sep, value = line.partition(":")
                if sep and key in ("Name", "Version") and key not in out:
                    out[key] = value.strip()
    except OSError:
        pass
    return out


def _group(text: str, group: str) -> list[tuple[str, str]]:
    """``name = value`` lines of the ``[group]`` section of an entry_points.txt."""
    out, current = [], None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            continue
        if current == group:
            name, sep, value = line.partition("=")
            if sep:
                out.append((name.strip(), value.strip()))
    return out


def entry_points(group: str, path: Optional[list[str]] = None) -> list[EntryPoint]:
    seen: set[str] = set()
    eps: list[EntryPoint] = []
    for entry in sys.path if path is None else path:
        directory = entry or "."
        try:
            names = os.listdir(directory)
        except (NotADirectoryError, FileNotFoundError, PermissionError):
            if os.path.isfile(directory):
                raise Unsupported(directory) from None
            continue  # a missing path entry holds nothing, as for importlib
        for name in sorted(names):
            lower = name.lower()
            if not (lower.endswith(".dist-info") or lower.endswith(".egg-info")):
                continue
            stem = name.rsplit(".", 1)[0]
            key = _normalize(stem.split("-", 1)[0])
            if key in seen:
                continue
            seen.add(key)
            info = os.path.join(directory, name)
            if not os.path.isdir(info):
                raise Unsupported(info)  # a single-file egg-info: leave it to importlib
            try:
                with open(os.path.join(info, "entry_points.txt"), encoding="utf-8") as fh:
                    text = fh.read()
            except FileNotFoundError:
                continue
            pairs = _group(text, group)
            if not pairs:
                continue
            meta = _headers(os.path.join(info, "METADATA" if lower.endswith(".dist-info") else "PKG-INFO"))
            dist = Dist(meta.get("Name") or stem.split("-", 1)[0], meta.get("Version"))
            eps.extend(EntryPoint(n, v, dist) for n, v in pairs)
    return eps
