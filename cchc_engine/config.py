"""User configuration in ``cchc.toml``: per user, then per project (the project wins).

    ~/.config/cchc/cchc.toml      ($XDG_CONFIG_HOME/cchc/cchc.toml when set)
    ./cchc.toml                   (the folder cchc runs in)

Plugins read their own table with ``cchc_engine.api.plugin_config(name)``::

    [plugins.cchc-phu-tho]
    min_survey_forms = 100
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from .findings import CchcError, Location

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI (a dependency on 3.10 only)
    import tomli as tomllib

FILE_NAME = "cchc.toml"
MAX_BYTES = 1024 * 1024  # a configuration file is a few lines; refuse anything absurd

# (path, mtime, size) -> parsed data: read once per process unless the file changes.
_cache: dict[tuple[str, float, int], dict[str, Any]] = {}


def config_files() -> list[Path]:
    """The configuration files that exist, user first then project."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    candidates = [Path(base) / "cchc" / FILE_NAME, Path.cwd() / FILE_NAME]
    out: list[Path] = []
    for path in candidates:
        if path.is_file() and path.resolve() not in [p.resolve() for p in out]:
            out.append(path)
    return out


def read_config(path: Path) -> dict[str, Any]:
    """One file's data; a broken file is one located line (exit 2)."""
    try:
        st = path.stat()
        key = (str(path.resolve()), st.st_mtime, st.st_size)
        if key in _cache:
            return _cache[key]
        if st.st_size > MAX_BYTES:
            raise ValueError(f"> {MAX_BYTES} bytes")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # TOMLDecodeError is a ValueError
        error = " ".join(str(exc).split())[:300]
        raise CchcError.make("plugin-config-invalid", location=Location(file=str(path)), file=str(path), error=error) from None
    _cache[key] = data
    return data


def plugin_config(name: str) -> dict[str, Any]:
    """The ``[plugins.NAME]`` table, user file overlaid by the project file; {} when absent."""
    merged: dict[str, Any] = {}
    for path in config_files():
        table = read_config(path).get("plugins", {})
        section = table.get(name) if isinstance(table, dict) else None
        if isinstance(section, dict):
            merged.update(section)
    return merged
