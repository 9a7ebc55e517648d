"""Where third-party plugins come from: the ``cchc`` entry points and ``--plugins-dir`` files.

``CCHC_LOAD_PLUGINS=a,b`` restricts the entry points (by name or distribution; empty
= none, an unknown name is a warning); each ``*.py`` file of a plugins directory is a
plugin named after the file. A plugin that fails to load, or implements a hook that
does not exist, is reported by name and skipped.
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
                from ..findings import Finding

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
    if not directory.is_dir():
        from ..findings import Finding

        host.note(Finding.make("plugins-dir-missing", "warning", dir=str(directory)), str(directory))
        return
    for path in sorted(directory.glob("*.py")):
        name = path.name
        if host.has_plugin(name):
            continue
        import hashlib

        digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]
        module_name = f"cchc_plugins_dir_{digest}_{path.stem}"
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
