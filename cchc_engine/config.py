"""User configuration in ``cchc.toml``: the user's own file, and one the user names.

    ~/.config/cchc/cchc.toml      ($XDG_CONFIG_HOME/cchc/cchc.toml when set): always
    --config FILE                 (or $CCHC_CONFIG): only when named; its keys win

A ``cchc.toml`` in the working folder is **not** read unless named (``--config
cchc.toml``): an officer runs cchc inside folders of received files, and a file
someone sent must not change how the plugins check (switch a check off, lower a
minimum). What the user names is trusted like the user's own file.

Plugins read their own table with ``cchc_engine.api.plugin_config(name)``::

    [plugins.cchc-phu-tho]
    min_survey_forms = 100

A file that cannot be read (not TOML, not UTF-8, nested past the parser's depth,
unreadable) does not stop a plugin's check: inside ``check_result`` it is a
located ``plugin-config-invalid`` warning in the result (an error under
``--strict-plugins``) and the plugin gets the other file's table, or ``{}`` — its
defaults; called elsewhere it raises that finding (exit 2).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import stat
import sys
from pathlib import Path
from typing import Any, Iterator, Optional

from .flow.findings import CchcError, Finding, Location
from .text.messages import os_error, render

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI (a dependency on 3.10 only)
    import tomli as tomllib

FILE_NAME = "cchc.toml"
ENV_CONFIG = "CCHC_CONFIG"
MAX_BYTES = 1024 * 1024  # a configuration file is a few lines; refuse anything absurd

# The file named with --config (the CLI sets it for its run; None: $CCHC_CONFIG, if set).
_named: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("cchc_named_config", default=None)
# While plugins check a result: where unreadable configuration becomes findings, not exceptions.
_collector: contextvars.ContextVar[Optional[list[Finding]]] = contextvars.ContextVar("cchc_config_problems", default=None)

# (path, mtime, size) -> parsed data: read once per process unless the file changes.
_cache: dict[tuple[str, int, int], dict[str, Any]] = {}


def use_named(path: Optional[str]) -> contextvars.Token:
    """Name a configuration file for this run (``--config``); reset with ``reset_named(token)``."""
    return _named.set(os.path.abspath(path) if path else None)


def reset_named(token: contextvars.Token) -> None:
    _named.reset(token)


def user_config() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "cchc" / FILE_NAME


def named_config() -> Optional[Path]:
    """The file the user named (``--config``, else ``$CCHC_CONFIG``), or None."""
    named = _named.get() or os.environ.get(ENV_CONFIG) or None
    return Path(named).expanduser() if named else None


def config_files() -> list[Path]:
    """The configuration files to read, the user's first, then the named one.

    The user's file counts when it exists; a named file always counts (a name that
    does not exist is said as a broken configuration, not ignored)."""
    out: list[Path] = []
    user = user_config()
    if user.is_file():
        out.append(user)
    named = named_config()
    if named is not None and not (out and _same(named, out[0])):
        out.append(named)
    return out


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def read_config(path: Path) -> dict[str, Any]:
    """One file's data; a broken file is one located line (exit 2)."""
    try:
        st = os.stat(path)  # before any open: a FIFO named as the config never blocks
        if not stat.S_ISREG(st.st_mode):
            raise _invalid(path, render("file-not-regular", {"file": str(path)}))
        key = (os.path.realpath(path), st.st_mtime_ns, st.st_size)
        if key in _cache:
            return _cache[key]
        if st.st_size > MAX_BYTES:
            raise _invalid(path, render("config-too-large", {"max": MAX_BYTES // 2**20}))
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise _invalid(path, render("config-too-large", {"max": MAX_BYTES // 2**20}))
        data = tomllib.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise _invalid(path, os_error(exc)) from None
    except UnicodeDecodeError as exc:
        raise _invalid(path, render("yaml-not-utf8", {"byte": exc.start})) from None  # "không phải UTF-8 (byte N)"
    except RecursionError:  # `a = [[[[…]]]]` 5,000 deep: the parser's own limit
        raise _invalid(path, render("config-too-deep", {})) from None
    except tomllib.TOMLDecodeError as exc:
        from .text.inputerrors import toml_problem

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
    """The ``[plugins.NAME]`` table, the user's file overlaid by the named one; {} when absent.

    Inside ``collecting()`` (plugins checking a result) a file that cannot be read is
    a finding there and is skipped; elsewhere it raises."""
    merged: dict[str, Any] = {}
    for path in config_files():
        try:
            data = read_config(path)
        except CchcError as exc:
            found = _collector.get()
            if found is None:
                raise
            for f in exc.findings:
                if not any(f.located() == seen.located() for seen in found):
                    found.append(f)
            continue
        table = data.get("plugins", {})
        section = table.get(name) if isinstance(table, dict) else None
        if isinstance(section, dict):
            merged.update(section)
    return merged


@contextlib.contextmanager
def collecting() -> Iterator[list[Finding]]:
    """While plugins check a result: configuration that cannot be read is listed here
    (each file once) instead of failing the plugin that asked for it."""
    found: list[Finding] = []
    token = _collector.set(found)
    try:
        yield found
    finally:
        _collector.reset(token)
