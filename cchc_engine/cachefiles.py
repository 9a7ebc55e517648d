"""The cache directory and its files, trusted only when they are the user's own.

Both caches (compiled specs, unit results) live in one directory that
``$CCHC_CACHE_DIR`` may point anywhere, a shared folder included. What is read
from it decides results, so nothing there is believed unless this account made
it and no other account could have changed it:

- the directory is created 0700; an existing one is used only when it is a
  directory owned by the current user that neither group nor others may write
  (else another account could put entries in it, or swap ours);
- an entry is opened without following a link (``O_NOFOLLOW``), without
  blocking (a FIFO put there cannot hang a run), and used only when ``fstat``
  says it is a regular file owned by the current user, not group/other-writable;
- files are created 0600 (the cached values are the officer's data), by a
  temporary name and an atomic rename.

Anything else is a miss: the run reads and computes as with no cache, and says
why in one line under ``--debug``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Optional


class Untrusted(OSError):
    """A cache directory or entry this account did not make, or one others may change."""


def _uid() -> int:
    return os.geteuid() if hasattr(os, "geteuid") else -1


def check_owned(st: os.stat_result, what: str) -> None:
    """Raise Untrusted unless ``st`` is owned by the current user and not group/other-writable."""
    uid = _uid()
    if uid != -1 and st.st_uid != uid:
        raise Untrusted(f"{what} belongs to another account (uid {st.st_uid})")
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise Untrusted(f"{what} may be written by other accounts (mode {stat.S_IMODE(st.st_mode):o})")


def ensure_dir(path: Path) -> Path:
    """The cache directory, created 0700 when missing; Untrusted/OSError when it cannot be trusted."""
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
    except FileExistsError:
        pass  # a file or a dangling link in its place: said by the stat below
    st = os.stat(path)  # the directory itself may be a link the user made (~/.cache → elsewhere)
    if not stat.S_ISDIR(st.st_mode):
        raise NotADirectoryError(f"{path} is not a directory")
    check_owned(st, str(path))
    return path


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read_entry(path: Path, max_bytes: int) -> Optional[bytes]:
    """An entry's bytes; None when it does not exist. Untrusted when it is not this
    account's regular file (a link, a FIFO, another account's file); OSError when unreadable."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if os.path.islink(path):
            raise Untrusted(f"{path} is a symbolic link") from None
        raise exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Untrusted(f"{path} is not a regular file")
        check_owned(st, str(path))
        if st.st_size > max_bytes:
            raise Untrusted(f"{path} is larger than any entry ({st.st_size} bytes)")
        chunks = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise Untrusted(f"{path} grew while it was read")
    return data


def check_entry(path: Path) -> bool:
    """Whether ``path`` is absent (False) or this account's regular file (True), by lstat:
    a link or another account's file raises Untrusted. For files opened by a library
    (SQLite) that cannot be told not to follow links."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(st.st_mode):
        raise Untrusted(f"{path} is a symbolic link")
    if not stat.S_ISREG(st.st_mode):
        raise Untrusted(f"{path} is not a regular file")
    check_owned(st, str(path))
    if stat.S_IMODE(st.st_mode) & 0o077:
        os.chmod(path, 0o600)  # an older engine made it 0644: the values are the officer's
    return True


def create_private(path: Path) -> None:
    """Create ``path`` empty, 0600, failing if anything (a link included) is already there."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o600)
    os.close(fd)


def write_entry(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, 0600 (mkstemp's mode), never through a link."""
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)  # replaces a link itself, never its target
        tmp = ""
    finally:
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass
