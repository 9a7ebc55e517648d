"""Safe output: regular files are replaced atomically, anything else is written directly.

A regular file (new or existing) is written to a temporary file beside it and
renamed over it in one step: a crash or a full disk never leaves a half-written
report. On Linux that file has no name (``O_TMPFILE``) until it is complete, so a
run killed outright (SIGKILL) leaves nothing behind either. The new file gets the mode a plain ``open()`` would give it (0666 minus
the umask), or keeps the mode of the file it replaces, so colleagues on a shared
folder can open it.

Atomic replacement is for regular files only. A character device (/dev/null,
a terminal) or a FIFO is written directly: renaming over it would destroy the
node, and a failed write to it (``/dev/full``) is the ordinary write-failed line.
A symlink is followed to its target, which is replaced (the link stays) — unless
the link sits in a sticky or group/other-writable directory and belongs neither
to this account nor to the directory's owner: another account may have planted
it there to make the report overwrite a file only the officer can write (the
rule of Linux's ``fs.protected_symlinks``), so it is refused, and nothing is
written; so is a regular file another account left there (``fs.protected_regular``).
A replaced file's mode is kept only when it is the user's own. A link loop is a write-failed line. A directory, a block device or a
socket is refused with a one-line message, and the user's input file is never
the target.

SIGINT, SIGTERM and SIGHUP during a write remove the temporary file and end the
run with one line (``stop_on_signals`` makes SIGTERM and SIGHUP what Ctrl-C is:
the CLI's "Đã dừng."); the half-written writer is freed quietly, so nothing prints
a traceback at exit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from .flow.findings import CchcError, Location
from .text.messages import os_error


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _real(path: Path) -> str:
    """``realpath`` that never raises (a link loop resolves as far as it goes)."""
    try:
        return os.path.realpath(path)
    except (OSError, RuntimeError, ValueError):
        return os.path.abspath(path)


# --- signals ------------------------------------------------------------------------------

_SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n))


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is, as Ctrl-C's KeyboardInterrupt is:
    cleanup (``finally``, the temporary file) runs, and the CLI says one line."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.exit_code = 128 + signum


def _raise_stopped(signum: int, _frame: Any) -> None:
    raise Stopped(signum)


def stop_on_signals() -> dict[int, Any]:
    """Make SIGTERM and SIGHUP raise ``Stopped`` in the main thread (as SIGINT raises
    KeyboardInterrupt), where a handler is still the default; a no-op elsewhere.
    Returns the handlers replaced (for ``restore_signals``)."""
    replaced: dict[int, Any] = {}
    for signum in _SIGNALS:
        if signum == signal.SIGINT:
            continue
        try:
            old = signal.getsignal(signum)
            if old in (signal.SIG_DFL, None):
                signal.signal(signum, _raise_stopped)
                replaced[signum] = old
        except (ValueError, OSError):  # not the main thread, or not allowed
            break
    return replaced


def restore_signals(replaced: dict[int, Any]) -> None:
    for signum, old in replaced.items():
        try:
            signal.signal(signum, old if old is not None else signal.SIG_DFL)
        except (ValueError, OSError):
            pass


def _hold_signals() -> Any:
    """Block SIGINT/SIGTERM/SIGHUP (delivered when released); the old mask, or None."""
    mask = getattr(signal, "pthread_sigmask", None)
    return mask(signal.SIG_BLOCK, _SIGNALS) if mask is not None else None


def _release_signals(old: Any) -> None:
    if old is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold the signals while a temporary file is removed: a second Ctrl-C cannot cut it short."""
    old = _hold_signals()
    try:
        yield
    finally:
        _release_signals(old)


# --- links in shared folders ---------------------------------------------------------------

_MAX_LINKS = 40  # what the kernel follows before ELOOP


def _follow(target: Path) -> Path:
    """The file a path finally names, link by link; each link checked as the kernel's
    ``fs.protected_symlinks`` checks it. Raises CchcError for a link planted by another
    account in a shared folder, or a loop."""
    import errno

    current = os.path.abspath(target)
    for hop in range(_MAX_LINKS):
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            return Path(current) if hop else target
        except OSError as exc:
            raise _write_failed(target, exc) from None
        if not stat.S_ISLNK(st.st_mode):
            return Path(current) if hop else target  # no link: messages keep the name as given
        _check_link(target, current, st)
        try:
            link = os.readlink(current)
        except OSError as exc:
            raise _write_failed(target, exc) from None
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
    raise _write_failed(target, OSError(errno.ELOOP, os.strerror(errno.ELOOP)))


def _planted(path: str, st: os.stat_result) -> bool:
    """Whether ``path`` (its lstat ``st``) sits in a sticky or group/other-writable folder and
    belongs neither to this account nor to the folder's owner: anyone who may write there
    could have made it (the rule of ``fs.protected_symlinks`` and ``fs.protected_regular``)."""
    if not hasattr(os, "geteuid") or st.st_uid == os.geteuid():
        return False
    try:
        dst = os.stat(os.path.dirname(path) or ".")
    except OSError:
        return False
    shared = dst.st_mode & (stat.S_ISVTX | stat.S_IWGRP | stat.S_IWOTH)
    return bool(shared) and st.st_uid != dst.st_uid


def _check_link(target: Path, link: str, st: os.stat_result) -> None:
    """Refuse a link another account planted in a shared folder."""
    if _planted(link, st):
        raise _refuse("output-foreign-link", target, link=link)


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
        if _same_file(target, Path(p)) or _real(target) == _real(Path(p)):
            raise _refuse("output-is-input", target)
    target = _follow(target)  # the link stays; its (checked) target is replaced
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
    if st is not None and _planted(os.path.abspath(target), st):
        # a file another account left in /tmp where the report is going: replacing it would
        # hand them its name, and copying its mode (0666) would let them read the report
        raise _refuse("output-foreign-file", target)
    own = st is not None and (not hasattr(os, "geteuid") or st.st_uid == os.geteuid())
    mode = stat.S_IMODE(st.st_mode) if own else 0o666 & ~_umask()
    directory = target.parent if str(target.parent) else Path(".")

    # SIGTERM/SIGHUP unwind through the cleanup below, for this write (an embedding program
    # that left them at their default gets them back; the CLI sets them for the whole run).
    replaced = stop_on_signals()
    try:
        yield from _write_via_temp(target, binary, mode, directory)
    finally:
        restore_signals(replaced)


def _write_via_temp(target: Path, binary: bool, mode: int, directory: Path) -> Iterator[IO]:
    """Write to a file with no name yet (Linux ``O_TMPFILE``: a run killed with SIGKILL leaves
    nothing behind), named beside the target only once complete and renamed over it at
    once; elsewhere, a named temporary file removed on any failure or signal."""
    import tempfile

    held = _hold_signals()  # a signal between making the file and the ``try`` would leave it behind
    tmp: str | None = None
    fd = _open_unnamed(directory, mode)
    if fd is None:
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
        except OSError as exc:
            _release_signals(held)
            raise _write_failed(target, exc) from None
    fh: Any = None
    try:
        _release_signals(held)  # a signal held meanwhile is raised here, inside the cleanup's reach
        os.fchmod(fd, mode)
        file_mode = "wb" if binary else "w"
        kwargs = {} if binary else {"encoding": "utf-8", "newline": ""}
        fh = os.fdopen(fd, file_mode, **kwargs)
        yield fh
        fh.flush()
        os.fsync(fh.fileno())
        with _signals_held():  # named and renamed in one stretch: no signal between the two
            if tmp is None:
                tmp = _link_unnamed(fh.fileno(), directory, target, mode)
            fh.close()
            os.replace(tmp, target)
    except BaseException as exc:
        with _signals_held():
            if fh is not None:
                with contextlib.suppress(Exception):
                    fh.close()
            elif tmp is None:
                with contextlib.suppress(OSError):
                    os.close(fd)
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            failed = exc if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError) else _io_error(exc)
            _drop_quietly(exc)  # a half-written zip would print "Exception ignored … Traceback" at exit
        if failed is not None:
            raise _write_failed(target, failed) from None
        raise


def _open_unnamed(directory: Path, mode: int) -> int | None:
    """A file in ``directory`` with no name (``O_TMPFILE``), or None where the system or the
    file system has none (then a named temporary file is used)."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(directory, flag | os.O_RDWR | getattr(os, "O_CLOEXEC", 0), mode)
    except OSError:
        return None


def _link_unnamed(fd: int, directory: Path, target: Path, mode: int) -> str:
    """Give the finished unnamed file a temporary name beside the target (a copy where
    the system will not link it: a restricted /proc)."""
    import secrets
    import tempfile

    for _ in range(10):
        name = os.path.join(directory, f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.link(f"/proc/self/fd/{fd}", name)  # linkat(AT_SYMLINK_FOLLOW): the open file itself
            return name
        except FileExistsError:
            continue
        except OSError:
            break
    out, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        os.fchmod(out, mode)
        offset = 0
        while chunk := os.pread(fd, 1 << 20, offset):
            os.write(out, chunk)
            offset += len(chunk)
        os.fsync(out)
    except BaseException:
        os.close(out)
        os.unlink(name)
        raise
    os.close(out)
    return name


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
    """A device or FIFO: open it for writing as it is (no temp file, no rename). A failed
    write (``/dev/full``: no space) is the ordinary write-failed line. Opened without
    blocking, so a FIFO nobody reads is a write-failed line (ENXIO), not a run that
    waits forever; the writes themselves then block as usual."""
    try:
        fd = os.open(target, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        os.set_blocking(fd, True)
        fh = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise _write_failed(target, exc) from None
    try:
        with fh:
            yield fh
    except BaseException as exc:
        failed = exc if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError) else _io_error(exc)
        _drop_quietly(exc)
        if failed is not None:
            raise _write_failed(target, failed) from None
        raise
