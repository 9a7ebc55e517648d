"""The one plugin manager, and the registries plugins fill.

Built-ins (bundled specs, the xlsx and plain readers, the writers) are default
plugins registered through the same hooks a third party uses. Third-party
plugins are found through the ``cchc`` entry-point group; ``CCHC_LOAD_PLUGINS``
restricts which are loaded (a comma list of names; empty = built-ins only).
A plugin that fails to import or raises inside a hook is reported by name and
skipped; it never takes the core down.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

import pluggy

from . import hookspecs
from .findings import CchcError, Finding
from .protocols import READER_ATTRIBUTES, WRITER_ATTRIBUTES, missing_attributes

DEFAULT_PLUGINS = (
    "cchc_engine.builtin.specs",
    "cchc_engine.readers.xlsx",
    "cchc_engine.readers.xls",
    "cchc_engine.readers.ods",
    "cchc_engine.readers.plain",
    "cchc_engine.writers.table",
    "cchc_engine.writers.json",
    "cchc_engine.writers.csv",
    "cchc_engine.writers.md",
    "cchc_engine.writers.xlsx",
    "cchc_engine.writers.matrix",
)

pm = pluggy.PluginManager("cchc")
pm.add_hookspecs(hookspecs)

_loaded = False
# plugin name -> distribution version, for `cchc plugins`
_versions: dict[str, Optional[str]] = {}
# Problems met while loading or calling plugins: shown once on stderr by the CLI.
plugin_problems: list[Finding] = []


def _note_problem(plugin: str, error: BaseException) -> None:
    # One line on stderr, whatever the exception's own text looks like.
    text = " ".join(f"{type(error).__name__}: {error}".split())
    plugin_problems.append(Finding.make("plugin-failed", "warning", plugin=plugin, error=text))


def load_plugins() -> None:
    """Register the built-ins and discovered plugins once (idempotent)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for name in DEFAULT_PLUGINS:
        if pm.get_plugin(name) is None:
            try:
                pm.register(importlib.import_module(name), name=name)
            except Exception as exc:  # a broken built-in is reported like any plugin
                _note_problem(name, exc)
    _load_entry_points()
    _check_pending()


def _check_pending() -> None:
    """A hookimpl with a misspelled name fails loudly: reported by plugin name, plugin skipped."""
    for _ in range(len(pm.get_plugins()) + 1):
        try:
            pm.check_pending()
            return
        except pluggy.PluginValidationError as exc:
            name = pm.get_name(exc.plugin) or "?"
            _note_problem(name, exc)
            if pm.is_registered(exc.plugin):
                pm.unregister(exc.plugin)


def _load_entry_points() -> None:
    wanted_env = os.environ.get("CCHC_LOAD_PLUGINS")
    wanted = None if wanted_env is None else {w.strip() for w in wanted_env.split(",") if w.strip()}
    try:
        eps = importlib.metadata.entry_points(group="cchc")
    except Exception as exc:  # a broken distribution's metadata must not stop the core
        _note_problem("entry-points", exc)
        return
    for ep in eps:
        if wanted is not None and ep.name not in wanted and (ep.dist is None or ep.dist.name not in wanted):
            continue
        if pm.get_plugin(ep.name) is not None:
            continue
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
            _versions[ep.name] = ep.dist.version if ep.dist is not None else None
        except Exception as exc:
            _note_problem(ep.name, exc)


def plugin_name(plugin: Any) -> str:
    return pm.get_name(plugin) or getattr(plugin, "__name__", repr(plugin))


def call_each(hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call every implementation of a hook separately, so one failing plugin is skipped, not fatal."""
    return list(_iter_calls(hook_name, kwargs))


def call_first(hook_name: str, **kwargs: Any) -> Any:
    """A firstresult hook, called one implementation at a time so a failing plugin is skipped."""
    for plugin, result in _iter_calls(hook_name, kwargs):
        if result is not None:
            return result
    return None


def _iter_calls(hook_name: str, kwargs: dict[str, Any]) -> Iterable[tuple[str, Any]]:
    load_plugins()
    for impl in reversed(getattr(pm.hook, hook_name).get_hookimpls()):
        try:
            yield impl.plugin_name, impl.function(**{k: kwargs[k] for k in impl.argnames})
        except CchcError:
            raise
        except Exception as exc:
            _note_problem(impl.plugin_name, exc)


@dataclass
class Registered:
    """Something a plugin registered, remembering which plugin gave it."""

    name: str
    item: Any
    plugin: str


@dataclass
class Registry:
    """A collection filled by a register_* hook; duplicate names are one clear error."""

    kind: str  # Vietnamese noun for messages, e.g. "Định dạng"
    hook: str
    key: Callable[[Any], str]
    required: tuple[str, ...] = ()  # attributes of the protocol (cchc_engine.protocols)
    items: dict[str, Registered] = field(default_factory=dict)
    _filled: bool = False

    def fill(self) -> "Registry":
        if self._filled:
            return self
        self._filled = True
        load_plugins()
        duplicates: list[Finding] = []
        for impl in reversed(getattr(pm.hook, self.hook).get_hookimpls()):
            registered: list[Any] = []
            try:
                impl.function(register=lambda *a, **kw: registered.append((a, kw)))
            except Exception as exc:
                _note_problem(impl.plugin_name, exc)
                continue
            for args, kwargs in registered:
                try:
                    item = self.make(*args, **kwargs)
                    missing = missing_attributes(item, self.required)
                    if missing:
                        plugin_problems.append(
                            Finding.make(
                                "plugin-bad-registration", "warning", plugin=impl.plugin_name,
                                kind=self.kind, item=repr(item)[:80], missing=", ".join(missing),
                            )
                        )
                        continue
                    name = self.key(item)
                except CchcError as exc:
                    plugin_problems.extend(exc.findings)
                    continue
                except Exception as exc:
                    _note_problem(impl.plugin_name, exc)
                    continue
                if name in self.items:
                    duplicates.append(
                        Finding.make(
                            "duplicate-registration",
                            "error",
                            kind=self.kind,
                            name=name,
                            first=self.items[name].plugin,
                            second=impl.plugin_name,
                        )
                    )
                    continue
                self.items[name] = Registered(name, item, impl.plugin_name)
        if duplicates:
            self._filled = False
            self.items.clear()
            raise CchcError(duplicates)
        return self

    def make(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) != 1 or kwargs:
            raise TypeError(f"register() nhận đúng một đối tượng ({self.kind})")
        return args[0]

    def get(self, name: str) -> Optional[Registered]:
        return self.fill().items.get(name)

    def all(self) -> list[Registered]:
        return list(self.fill().items.values())

    def reset(self) -> None:
        self.items.clear()
        self._filled = False


readers = Registry("Bộ đọc", "register_readers", key=lambda r: r.name, required=READER_ATTRIBUTES)
writers = Registry("Định dạng", "register_writers", key=lambda w: w.name, required=WRITER_ATTRIBUTES)


def reset_registries() -> None:
    """Forget what was registered (after registering or unregistering a plugin in a test)."""
    from .spec import registry as spec_registry

    readers.reset()
    writers.reset()
    spec_registry.specs.reset()


def get_plugins() -> list[dict[str, Any]]:
    """Every loaded plugin: name, version, hooks implemented, and what it registered
    (formats, readers, specs, commands), in registration order."""
    load_plugins()
    from .spec import registry as spec_registry

    given: dict[str, dict[str, list[str]]] = {}

    def note(plugin: str, kind: str, name: str) -> None:
        given.setdefault(plugin, {}).setdefault(kind, []).append(name)

    for kind, registry in (("formats", writers), ("readers", readers), ("specs", spec_registry.specs)):
        try:
            for reg in registry.all():
                note(reg.plugin, kind, reg.name)
        except CchcError as exc:  # a duplicate: reported, the listing still works
            plugin_problems.extend(exc.findings)
    for plugin, names in _command_names().items():
        for name in names:
            note(plugin, "commands", name)

    out = []
    order = {n: i for i, n in enumerate(DEFAULT_PLUGINS)}
    for plugin in sorted(pm.get_plugins(), key=lambda p: (order.get(pm.get_name(p) or "", len(order)), pm.get_name(p) or "")):
        name = pm.get_name(plugin) or "?"
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        version = _versions.get(name)
        if version is None and name.startswith("cchc_engine."):
            from . import __version__

            version = __version__
        registered = {k: given.get(name, {}).get(k, []) for k in ("formats", "readers", "specs", "commands")}
        out.append({"name": name, "version": version, "hooks": hooks, "registered": registered})
    return out


def _command_names() -> dict[str, list[str]]:
    """The commands each plugin adds, found by letting it add them to a throwaway group."""
    import click

    out: dict[str, list[str]] = {}
    for impl in reversed(pm.hook.register_commands.get_hookimpls()):
        group = click.Group()
        try:
            impl.function(cli=group)
        except Exception:  # already reported when the real CLI was built
            continue
        out[impl.plugin_name] = sorted(group.commands)
    return out

