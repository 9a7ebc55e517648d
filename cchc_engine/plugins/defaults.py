"""The built-in plugins: registered through the same hooks a third party uses, without importing them.

`cchc --help` needs only register_commands, and importing every reader and writer
(zipfile, csv, the result model, ...) was a third of its time: each built-in is
registered as a stand-in whose hooks import the module on first call.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Sequence

from .. import hookspecs

DEFAULT_PLUGINS = (
    "cchc_engine.builtin.specs",
    "cchc_engine.readers.xlsx",
    "cchc_engine.readers.xls",
    "cchc_engine.readers.ods",
    "cchc_engine.readers.docx",
    "cchc_engine.readers.plain",
    "cchc_engine.writers.table",
    "cchc_engine.writers.json",
    "cchc_engine.writers.csv",
    "cchc_engine.writers.md",
    "cchc_engine.writers.xlsx",
    "cchc_engine.writers.matrix",
)
# The hooks each built-in implements (each a `register_*(register)` hook);
# tests/test_plugin_lazy.py checks this table against the modules themselves.
BUILTIN_HOOKS: dict[str, tuple[str, ...]] = {
    "cchc_engine.builtin.specs": ("register_specs",),
    "cchc_engine.readers.xlsx": ("register_readers",),
    "cchc_engine.readers.xls": ("register_readers",),
    "cchc_engine.readers.ods": ("register_readers",),
    "cchc_engine.readers.docx": ("register_readers",),
    "cchc_engine.readers.plain": ("register_readers",),
    "cchc_engine.writers.table": ("register_writers",),
    "cchc_engine.writers.json": ("register_writers",),
    "cchc_engine.writers.csv": ("register_writers",),
    "cchc_engine.writers.md": ("register_writers",),
    "cchc_engine.writers.xlsx": ("register_writers",),
    "cchc_engine.writers.matrix": ("register_writers",),
}
BUILTIN_PREFIX = "cchc_engine."


def lazy_builtin(module: str, hooks: Sequence[str]) -> Any:
    """Stands in for a built-in plugin module: its hooks import the module on first call.

    A bare module object, so pluggy's scan of its attributes at registration sees
    only the hooks (an instance would show it every dunder of its class)."""
    import types

    stand_in = types.ModuleType(module, "lazy stand-in for a built-in plugin")
    for hook in hooks:
        setattr(stand_in, hook, hookspecs.hookimpl(_forward(module, hook)))
    return stand_in


def _forward(module: str, hook: str) -> Callable[..., Any]:
    def impl(register: Callable[..., None]) -> Any:
        return getattr(importlib.import_module(module), hook)(register)

    impl.__name__ = impl.__qualname__ = hook
    return impl


def is_builtin(plugin: str) -> bool:
    return plugin.startswith(BUILTIN_PREFIX)


def engine_version() -> str:
    from .. import __version__

    return __version__
