"""What a cache entry was made by: the engine's version, Python, and its code files.

Both caches (compiled specs, unit results) must miss when the engine that made an
entry is not the one reading it. Hashing every module's bytes on each run would cost
more than the cache saves, so a file counts by name, size and modification time: an
upgrade, a reinstall or an edited module changes one of them.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Iterable


def files_fingerprint(tag: str, files: Iterable[Path], root: Path) -> str:
    """sha256 of ``tag``, the engine version, Python's cache tag and each file's name, size and mtime."""
    from . import __version__

    h = hashlib.sha256(f"{tag}|{__version__}|{sys.implementation.cache_tag}".encode())
    for f in files:
        name = f.relative_to(root)
        try:
            st = f.stat()
            h.update(f"|{name}:{st.st_size}:{st.st_mtime_ns}".encode())
        except OSError:
            h.update(f"|{name}:-".encode())
    return h.hexdigest()
