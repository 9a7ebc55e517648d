"""Atomic output: write to a temporary file beside the target, then rename.

A crash or a full disk never leaves a half-written report, and the user's
input file is never the target.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator, Iterable

from .findings import CchcError, Location


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


@contextlib.contextmanager
def atomic_write(target: Path, binary: bool, protect: Iterable[Path] = ()) -> Iterator[IO]:
    """Yield a stream; on success the target is replaced in one rename, else left untouched."""
    target = Path(target)
    for p in protect:
        if _same_file(target, Path(p)) or target.resolve() == Path(p).resolve():
            raise CchcError.make("output-is-input", location=Location(file=str(target)), file=str(target))
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise CchcError.make("write-failed", location=Location(file=str(target)), file=str(target), error=exc.strerror) from None
    try:
        mode = "wb" if binary else "w"
        kwargs = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
