"""Safe output: regular files are replaced atomically, anything else is written directly.

A regular file (new or existing) is written to a temporary file beside it and
renamed over it in one step: a crash or a full disk never leaves a half-written
report. The new file gets the mode a plain ``open()`` would give it (0666 minus
the umask), or keeps the mode of the file it replaces, so colleagues on a shared
folder can open it.

Atomic replacement is for regular files only. A character device (/dev/null,
a terminal) or a FIFO is written directly: renaming over it would destroy the
node. A symlink is followed to its target, which is replaced (the link stays).
A directory, a block device or a socket is refused with a one-line message, and
the user's input file is never the target.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path
from typing import IO, Iterable, Iterator

from .findings import CchcError, Location
from .messages import os_error


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _umask() -> int:
    # os.umask can only be read by setting it; restore it at once.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _refuse(code: str, target: Path, **values: str) -> CchcError:
    return CchcError.make(code, location=Location(file=str(target)), file=str(target), **values)


def _write_failed(target: Path, exc: OSError) -> CchcError:
    return _refuse("write-failed", target, error=os_error(exc))


def _stdout(binary: bool) -> IO:
    return sys.stdout.buffer if binary else sys.stdout


@contextlib.contextmanager
def atomic_write(target: Path, binary: bool, protect: Iterable[Path] = ()) -> Iterator[IO]:
    """Yield a stream for ``target``; see the module docstring for what happens to it."""
    if str(target) == "-":
        yield _stdout(binary)
        return
    text = os.fspath(target)
    target = Path(target)
    if text.endswith(os.sep) or (os.altsep and text.endswith(os.altsep)) or target.is_dir():
        raise _refuse("output-is-directory", target)
    for p in protect:
        if _same_file(target, Path(p)) or target.resolve() == Path(p).resolve():
            raise _refuse("output-is-input", target)
    if target.is_symlink():
        # Follow the link (the target may not exist yet); the link itself stays.
        target = Path(os.path.realpath(target))
        if target.is_dir():
            raise _refuse("output-is-directory", target)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _write_failed(target, exc) from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
            with _direct(target, binary) as fh:
                yield fh
            return
        raise _refuse("output-not-regular", target)
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
    directory = target.parent if str(target.parent) else Path(".")
    import tempfile  # here: printing to the terminal never needs it

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise _write_failed(target, exc) from None
    try:
        os.chmod(tmp, mode)
        file_mode = "wb" if binary else "w"
        kwargs = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, file_mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        failed = exc if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError) else _io_error(exc)
        if failed is not None:
            _drop_quietly(exc)
            raise _write_failed(target, failed) from None
        raise


def _io_error(exc: BaseException) -> OSError | None:
    """lxml (openpyxl's writer) reports a full disk as SerialisationError('IO_ENOSPC'): an OSError in disguise."""
    import errno

    text = str(exc)
    if type(exc).__name__ == "SerialisationError" and text.startswith("IO_E"):
        code = getattr(errno, text[3:], None)
        return OSError(code, os.strerror(code) if code else text)
    return None


def _drop_quietly(exc: BaseException) -> None:
    """Free the half-written writer now: a zip left open in the failed frames would
    print "Exception ignored … Traceback" at exit when it tries to finish its file."""
    import gc
    import traceback

    hook = sys.unraisablehook
    sys.unraisablehook = lambda *_: None
    try:
        traceback.clear_frames(exc.__traceback__)
        for chained in (exc.__context__, exc.__cause__):
            if chained is not None:
                traceback.clear_frames(chained.__traceback__)
        gc.collect()
    finally:
        sys.unraisablehook = hook


@contextlib.contextmanager
def _direct(target: Path, binary: bool) -> Iterator[IO]:
    """A device or FIFO: open it for writing as it is (no temp file, no rename)."""
    try:
        fh = open(target, "wb") if binary else open(target, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise _write_failed(target, exc) from None
    with fh:
        yield fh
