"""User configuration in ``cchc.toml``: per user, then per project (the project wins).

    ~/.config/cchc/cchc.toml      ($XDG_CONFIG_HOME/cchc/cchc.toml when set)
    ./cchc.toml                   (the folder cchc runs in)
    $CCHC_CONFIG                  (a file named by the environment: wins over both)

Plugins read their own table with ``cchc_engine.api.plugin_config(name)``::

    [plugins.cchc-phu-tho]
    min_survey_forms = 100
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Optional

from .findings import CchcError, Location
from .messages import os_error, render

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI (a dependency on 3.10 only)
    import tomli as tomllib

FILE_NAME = "cchc.toml"
ENV_FILE = "CCHC_CONFIG"  # one more file, read after the user's and the project's
MAX_BYTES = 1024 * 1024  # a configuration file is a few lines; refuse anything absurd

# (path, mtime, size) -> parsed data: read once per process unless the file changes.
_cache: dict[tuple[str, float, int], dict[str, Any]] = {}


def config_files() -> list[Path]:
    """The configuration files that exist, user first then project."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    candidates = [Path(base) / "cchc" / FILE_NAME, Path.cwd() / FILE_NAME]
    if os.environ.get(ENV_FILE):  # a server's or a CI job's settings: read last, so they win
        candidates.append(Path(os.environ[ENV_FILE]).expanduser())
    out: list[Path] = []
    for path in candidates:
        named = path is candidates[-1] and len(candidates) == 3  # CCHC_CONFIG: read (and said) even when absent
        if (named or path.is_file()) and path.resolve() not in [p.resolve() for p in out]:
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
            raise _invalid(path, render("config-too-large", {"max": MAX_BYTES // 2**20}))
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _invalid(path, os_error(exc)) from None
    except UnicodeDecodeError as exc:
        raise _invalid(path, render("yaml-not-utf8", {"byte": exc.start})) from None  # "không phải UTF-8 (byte N)"
    except tomllib.TOMLDecodeError as exc:
        from .inputerrors import toml_problem

        problem, line = toml_problem(exc)
        raise _invalid(path, problem, line) from None
    _cache[key] = data
    return data


def _invalid(path: Path, error: Any, line: Optional[int] = None) -> CchcError:
    """A broken configuration file: one located line in the user's language (exit 2).
    ``error`` is a text, or a catalogue message as data (``messages.said``)."""
    shown = " ".join(error.split())[:300] if isinstance(error, str) else error
    return CchcError.make(
        "plugin-config-invalid", location=Location(file=str(path), row=line), file=str(path), error=shown
    )


def plugin_config(name: str) -> dict[str, Any]:
    """The ``[plugins.NAME]`` table, user file overlaid by the project file; {} when absent."""
    merged: dict[str, Any] = {}
    for path in config_files():
        table = read_config(path).get("plugins", {})
        section = table.get(name) if isinstance(table, dict) else None
        if isinstance(section, dict):
            merged.update(section)
    return merged
