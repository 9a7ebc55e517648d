"""What a reader and a writer are: the objects plugins pass to ``register(...)``.

Plugin authors import these to type their classes (and tests can check
``isinstance(obj, Reader)``); nothing needs to inherit from them::

    from cchc_engine.protocols import Writer

    class HelloWriter:          # satisfies Writer
        name = "hello"
        suffix = ".txt"
        binary = False
        description = "..."
        def write(self, result, stream, options): ...
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, Optional, Protocol, runtime_checkable

from .flow.grid import Grid
from .flow.result import Result
from .flow.submission import RawSubmission


@runtime_checkable
class Reader(Protocol):
    """Reads one input file into a cell grid, or into raw rows (or raw values by key).

    ``read`` only reads. A table format returns a ``Grid`` and the engine's layout
    stage (layout.py) finds the header, forms, title lines and rows; a format that is
    not a table returns a ``RawSubmission``. Mapping rows to indicators and parsing
    Vietnamese numbers are shared by every reader (mapping.py, values.py). Raise
    ``CchcError.make("file-unreadable", ...)`` when the file cannot be used.
    """

    name: str  # short id, e.g. "xlsx", "tsv"
    suffixes: tuple[str, ...]  # lower case with the dot, e.g. (".xlsx",)
    description: str  # one line, shown by `cchc plugins`

    def sniff(self, path: Path) -> bool:
        """True when the content looks like this reader's format (checked after the suffix)."""
        ...

    def read(self, path: Path, options: Optional[dict[str, Any]]) -> "Grid | RawSubmission":
        """Everything found in the file; ``options`` may be empty."""
        ...


@runtime_checkable
class Writer(Protocol):
    """Writes a computed ``Result`` to a stream (text, or bytes when ``binary``)."""

    name: str  # the value of `cchc compute -f NAME`
    suffix: str  # chosen by `-o FILE` when -f is not given, e.g. ".docx"
    binary: bool  # False: write str to a UTF-8 text stream (newline=""); True: bytes, and -o is required
    description: str

    def write(self, result: Result, stream: IO[Any], options: dict[str, Any]) -> None:
        """Write the report. ``options``: ``lang`` ('vi'/'en'), ``findings_only`` (bool), ``spec`` (the CompiledSpec)."""
        ...


READER_ATTRIBUTES = ("name", "suffixes", "sniff", "read")
WRITER_ATTRIBUTES = ("name", "suffix", "binary", "write")


def missing_attributes(obj: Any, names: tuple[str, ...]) -> list[str]:
    """The protocol attributes ``obj`` lacks (description is optional at run time)."""
    return [n for n in names if not hasattr(obj, n)]
