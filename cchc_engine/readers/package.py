"""A zip-based file read as safely as the built-in grid sources: public for plugins.

A plugin that reads a zip package (a Word report, an OpenDocument file, …) gets the
checks and limits of the built-in .xlsx/.ods sources (``readers/container.py``)
through ``cchc_engine.api``, documented in docs/internals-for-plugins.md:

    with open_package(path, "tệp Word (.docx)") as package:
        if "word/document.xml" not in package.names():
            raise ReadRefused("docx-not-docx")  # a code of the plugin's (api.add_messages)
        package.parse("word/document.xml", start, end, text)

``open_package`` checks the kind of file, the part count, the inflated size and
duplicate part names before anything is parsed; ``Package.parse`` streams a part
through expat with any DOCTYPE or ENTITY refused; ``ReadBudget`` counts text and
cells across parts. What the file causes inside the ``with`` block (a corrupt zip,
bad XML, a missing part, nesting too deep, a ``ReadRefused`` from a handler) leaves
it as one located ``file-unreadable`` line, exit 2. The plugin's own errors (a
``KeyError`` in a handler, an ``AttributeError`` in the block) are not the file's:
they go on unchanged, and the engine reports them naming the plugin
(``plugin-read-failed``), so a bug is not blamed on the officer's file.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any, Callable, Optional
from xml.parsers import expat

from ..flow.findings import CchcError
from . import container as _c

# The same class as the built-in sources raise: a handler stops the parse with a reason.
ReadRefused = _c.Refused


_LIMIT_NAMES = ("max_members", "max_uncompressed", "max_rows", "max_cells", "max_cells_total", "max_cols", "max_text")


class ReadLimits:
    """The limits of the built-in sources, read-only (a plugin keeps to the same ones):
    each attribute reads ``container``'s constant of the same name in capitals."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "ReadLimits(" + ", ".join(f"{n}={getattr(self, n)}" for n in _LIMIT_NAMES) + ")"


for _name in _LIMIT_NAMES:
    setattr(ReadLimits, _name, property(lambda self, constant=_name.upper(): getattr(_c, constant)))
del _name


LIMITS = ReadLimits()


class ReadBudget(_c.Budget):
    """Text and cells counted across every part of one file; over a limit raises ``ReadRefused``."""

    def add_cells(self, n: int = 1) -> None:
        self.cells_total += n
        if self.cells_total > _c.MAX_CELLS_TOTAL:
            raise ReadRefused("read-too-many-cells", max=_c.vn(_c.MAX_CELLS_TOTAL))


# What reading a package raises because of the file. (RecursionError and MemoryError
# too: a handler recursing on deep XML, or a part too large, is the file's doing.)
_FILE_PROBLEMS = (
    _c.Refused, zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, expat.ExpatError,
    RecursionError, MemoryError, OSError,
)


class _HandlerFailed(Exception):
    """A plugin's handler raised its own error: carried out of expat untouched."""

    def __init__(self, error: Exception):
        self.error = error


def _own(handler: Optional[Callable[..., None]]) -> Optional[Callable[..., None]]:
    """``handler``, with its own errors marked as the plugin's (not the file's)."""
    if handler is None:
        return None

    def call(*args: Any) -> None:
        try:
            handler(*args)
        except (CchcError, *_FILE_PROBLEMS):
            raise
        except Exception as exc:
            raise _HandlerFailed(exc) from None

    return call


class Package:
    """An open zip package; use it as a context manager (``open_package``)."""

    def __init__(self, path: Any, what: str):
        self.path = Path(path)
        self.what = what
        self._zip: Any = None

    def __enter__(self) -> "Package":
        try:
            self._zip = _c.open_zip(self.path, self.what)
        except Exception as exc:
            raise _c.describe(exc, self.path, self.what) from None
        return self

    def __exit__(self, exc_type: Any, exc: Optional[BaseException], tb: Any) -> bool:
        if self._zip is not None:
            self._zip.close()
            self._zip = None
        if isinstance(exc, _FILE_PROBLEMS):
            raise _c.describe(exc, self.path, self.what) from None
        return False  # a CchcError, or the plugin's own error: on, unchanged

    def names(self) -> list[str]:
        """The part names, as stored."""
        return self._zip.namelist()

    def parse(
        self,
        part: str,
        start: Callable[[str, dict], None],
        end: Optional[Callable[[str], None]] = None,
        text: Optional[Callable[[str], None]] = None,
    ) -> None:
        """Stream one part through expat: ``start(tag, attrs)``, ``end(tag)``, ``text(data)``,
        with tags as written (``w:tbl``: strip the prefix yourself). A DOCTYPE or ENTITY
        declaration is refused; a part the package does not have is the file's problem."""
        try:
            _c.parse_part(self._zip, part, _own(start), _own(end), _own(text))  # type: ignore[arg-type]
        except _HandlerFailed as failed:
            raise failed.error from None  # the plugin's: its own traceback, not the file's fault
        except KeyError:  # zipfile: no such part
            raise _c.unreadable(self.path, "read-missing-part", what=self.what, part=part) from None


def open_package(path: Any, what: str) -> Package:
    """The zip package at ``path`` after the built-in checks; ``what`` names the kind of
    file in messages ("tệp Word (.docx)")."""
    return Package(path, what)
