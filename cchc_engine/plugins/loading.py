"""Where third-party plugins come from: the ``cchc`` entry points and ``--plugins-dir`` files.

``CCHC_LOAD_PLUGINS=a,b`` restricts the entry points (by name or distribution; empty
= none, an unknown name is a warning); each ``*.py`` file of a plugins directory is a
plugin named after the file. A plugin that fails to load, or implements a hook that
does not exist, is reported by name and skipped.

A plugins directory runs code as the user, so each file is looked at with ``stat``
before anything opens it: a FIFO (which would block the run), a device, a link
loop, a file another account owns (root aside) or one that another account may
change (group/other-writable, itself or its folder) is a ``plugin-file-skipped``
warning, not loaded. A file name that is not UTF-8 is shown with U+FFFD.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from pathlib import Path

    from .host import PluginHost


@dataclass
class PluginInfo:
    """Where a plugin came from, for `cchc plugins`."""

    distribution: Optional[str] = None
    version: Optional[str] = None
    source: str = "entry-point"  # "builtin", "entry-point", "plugins-dir", "test"



def load_entry_points(host: "PluginHost") -> None:
    from . import entrypoints

    try:
        try:
            eps: list[Any] = entrypoints.entry_points("cchc")  # no importlib.metadata: ~100 ms of --help
        except entrypoints.Unsupported:
            import importlib.metadata

            eps = list(importlib.metadata.entry_points(group="cchc"))
    except Exception as exc:  # a broken distribution's metadata must not stop the core
        host.fail("entry-points", exc)
        return
    wanted = host.load_only
    if wanted is not None:
        known = {ep.name for ep in eps} | {ep.dist.name for ep in eps if ep.dist is not None}
        for name in wanted:
            if name not in known:
                from ..flow.findings import Finding

                host.note(
                    Finding.make(
                        "plugin-not-installed", "warning", plugin=name,
                        installed=", ".join(sorted({ep.name for ep in eps})) or "-",
                    ),
                    name,
                )
    for ep in eps:
        dist = ep.dist.name if ep.dist is not None else None
        if wanted is not None and ep.name not in wanted and dist not in wanted:
            continue
        if host.has_plugin(ep.name):
            continue
        host.info[ep.name] = PluginInfo(dist, ep.dist.version if ep.dist is not None else None, "entry-point")
        try:
            host.adopt(ep.load(), ep.name)
        except Exception as exc:
            host.fail_load(ep.name, exc)


def load_dir(host: "PluginHost", directory: Path) -> None:
    """Each ``*.py`` file in ``directory`` is a plugin named after the file."""
    import hashlib
    import os

    from ..flow.findings import Finding

    if not directory.is_dir():
        host.note(Finding.make("plugins-dir-missing", "warning", dir=_shown(str(directory))), _shown(str(directory)))
        return
    try:
        folder_problem = _untrusted(os.stat(directory))
    except OSError:
        folder_problem = None
    for path in sorted(directory.glob("*.py")):
        name = _shown(path.name)
        if host.has_plugin(name):
            continue
        problem = folder_problem or _file_problem(path)
        if problem is not None:
            host.note(Finding.make("plugin-file-skipped", "warning", file=_shown(str(path)), reason=problem), name)
            continue
        digest = hashlib.sha1(os.fsencode(os.path.realpath(path))).hexdigest()[:8]
        stem = "".join(c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in path.stem)
        module_name = f"cchc_plugins_dir_{digest}_{stem}"
        host.info[name] = PluginInfo(None, None, "plugins-dir")
        try:
            spec = importlib.util.spec_from_file_location(module_name, path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module  # dataclasses and pickling look modules up here
            spec.loader.exec_module(module)
            host.adopt(module, name)
        except Exception as exc:
            sys.modules.pop(module_name, None)
            host.fail_load(name, exc)


def _shown(text: str) -> str:
    """A file name as it can be printed: bytes that are not UTF-8 become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _file_problem(path: "Path") -> Optional[str]:
    """Why ``path`` must not be imported (catalogue text), or None; by stat, before any open."""
    import os
    import stat

    from ..text.messages import os_error, render

    try:
        st = os.stat(path)  # follows a link the user made; a loop is ELOOP here, not in the importer
    except OSError as exc:
        return os_error(exc)
    if not stat.S_ISREG(st.st_mode):
        return render("plugin-skip-not-regular", {})
    return _untrusted(st)


def _untrusted(st: Any) -> Optional[str]:
    """Another account's file (root's aside: system folders), or one others may write."""
    import os
    import stat

    from ..text.messages import render

    if not hasattr(os, "geteuid"):
        return None
    if st.st_uid not in (os.geteuid(), 0):
        return render("plugin-skip-foreign", {})
    # A sticky folder (/tmp) lets others add files, not change ours: their files are skipped one by one.
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not (stat.S_ISDIR(st.st_mode) and st.st_mode & stat.S_ISVTX):
        return render("plugin-skip-shared", {})
    return None


def check_pending(host: "PluginHost") -> None:
    """A hookimpl with a misspelled name fails loudly: reported by plugin name, plugin skipped."""
    import pluggy

    for _ in range(len(host.pm.get_plugins()) + 1):
        try:
            host.pm.check_pending()
            return
        except pluggy.PluginValidationError as exc:
            name = host.pm.get_name(exc.plugin) or "?"
            host.fail_load(name, exc)
            if host.pm.is_registered(exc.plugin):
                host.pm.unregister(exc.plugin)
