"""The plugin host: one pluggy manager, the registries plugins fill, the problem log.

Built-ins (bundled specs, the xlsx and plain readers, the writers) are default
plugins registered through the same hooks a third party uses. Third-party
plugins come from the ``cchc`` entry-point group (``CCHC_LOAD_PLUGINS=a,b``
restricts them, empty = none) and from single files in ``--plugins-dir`` /
``CCHC_PLUGINS_DIR``.

Hooks are always called through ``host.pm.hook.<name>``, so hook wrappers,
``tryfirst``/``trylast`` and pluggy's call monitoring (``CCHC_TRACE_PLUGINS=1``)
work. Failure isolation is per implementation: every non-wrapper hookimpl is
guarded when the host first calls its hook, so a plugin that raises is recorded
by name and the other implementations still run.

One host is made per process by the CLI (``get_host()``) and passed down; tests
make their own (``PluginHost(entry_points=False)``) and install it with
``use_host``. Nothing about plugins lives in module globals but that default.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import importlib
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Sequence

import pluggy

from . import hookspecs
from .findings import CchcError, Finding

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
# The hooks each built-in implements, so that it can be registered without importing it:
# `cchc --help` needs only register_commands, and importing every reader and writer (zipfile,
# csv, the result model, ...) was a third of its time. Each is a `register_*(register)` hook;
# tests/test_plugin_lazy.py checks this table against the modules themselves.
BUILTIN_HOOKS: dict[str, tuple[str, ...]] = {
    "cchc_engine.builtin.specs": ("register_specs",),
    "cchc_engine.readers.xlsx": ("register_readers",),
    "cchc_engine.readers.xls": ("register_readers",),
    "cchc_engine.readers.ods": ("register_readers",),
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
REGISTRY_HOOKS = {"readers": "register_readers", "writers": "register_writers", "specs": "register_specs"}

# Which plugin's hookimpl is running (register() callbacks attribute items by it),
# and the outcomes of the hook call in progress (host.call reads them).
_current_plugin: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("cchc_current_plugin", default=None)
_outcomes: contextvars.ContextVar[Optional[list["Outcome"]]] = contextvars.ContextVar("cchc_outcomes", default=None)


def is_builtin(plugin: str) -> bool:
    return plugin.startswith(BUILTIN_PREFIX)


def error_text(error: BaseException) -> str:
    """'Type: message' on one line, whatever the exception's own text looks like."""
    return " ".join(f"{type(error).__name__}: {error}".split())[:500]


@dataclass
class Outcome:
    """What one implementation did in one hook call."""

    plugin: str
    value: Any = None
    error: Optional[BaseException] = None


@dataclass
class Registered:
    """Something a plugin registered, remembering which plugin gave it."""

    name: str
    item: Any
    plugin: str


@dataclass
class PluginInfo:
    """Where a plugin came from, for `cchc plugins`."""

    distribution: Optional[str] = None
    version: Optional[str] = None
    source: str = "entry-point"  # "builtin", "entry-point", "plugins-dir", "test"


class Registry:
    """A collection filled by a register_* hook; duplicate names are one clear error."""

    def __init__(
        self,
        host: "PluginHost",
        kind: str,
        hook: str,
        key: Callable[[Any], str],
        required: tuple[str, ...] | Callable[[], tuple[str, ...]] = (),
    ):
        self.host = host
        self.kind = kind  # catalogue code of the noun, e.g. "registry-writers" → "Định dạng"
        self.hook = hook
        self.key = key
        # attributes of the protocol (cchc_engine.protocols); a callable is asked when first
        # needed, so that a host made for `cchc --help` does not import the protocols' models
        self._required = required
        self.items: dict[str, Registered] = {}
        self._filled = False

    @property
    def required(self) -> tuple[str, ...]:
        if callable(self._required):
            self._required = self._required()
        return self._required

    def noun(self) -> str:
        from .messages import render

        return render(self.kind, {})

    def fill(self) -> "Registry":
        if self._filled:
            return self
        self._filled = True
        from .protocols import missing_attributes

        duplicates: list[Finding] = []
        for plugin, args, kwargs in self.host.collect(self.hook):
            try:
                item = self.make(*args, **kwargs)
                missing = missing_attributes(item, self.required)
                if missing:
                    self.host.note(
                        Finding.make(
                            "plugin-bad-registration", "warning", plugin=plugin,
                            kind=self.noun(), item=repr(item)[:80], missing=", ".join(missing),
                        ),
                        plugin,
                    )
                    continue
                name = self.key(item)
            except CchcError as exc:  # e.g. a spec file that cannot be loaded: named by its plugin
                for f in exc.findings:
                    self.host.note(
                        Finding.make("plugin-item-unusable", "warning", plugin=plugin, kind=self.noun(), error=f.located()),
                        plugin,
                    )
                continue
            except Exception as exc:
                self.host.fail(plugin, exc)
                continue
            if name in self.items:
                duplicates.append(
                    Finding.make(
                        "duplicate-registration", "error", kind=self.noun(), name=name,
                        first=self.items[name].plugin, second=plugin,
                    )
                )
                continue
            self.items[name] = Registered(name, item, plugin)
        if duplicates:
            self.reset()
            raise CchcError(duplicates)
        return self

    def make(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) != 1 or kwargs:
            raise TypeError(f"register() takes exactly one object ({self.hook})")
        return args[0]

    def get(self, name: str) -> Optional[Registered]:
        return self.fill().items.get(name)

    def all(self) -> list[Registered]:
        return list(self.fill().items.values())

    def plugin_of(self, item: Any) -> Optional[str]:
        """The plugin that registered this very object."""
        for reg in self.fill().items.values():
            if reg.item is item:
                return reg.plugin
        return None

    def reset(self) -> None:
        self.items.clear()
        self._filled = False


class PluginHost:
    """The plugin manager, the registries it fills and the problems met on the way."""

    def __init__(
        self,
        *,
        entry_points: bool = True,
        load_only: Optional[Sequence[str]] | str = "env",
        plugins_dirs: Sequence[os.PathLike | str] = (),
        defaults: Sequence[str] = DEFAULT_PLUGINS,
        strict: bool = False,
        trace: Optional[bool] = None,
    ):
        self.pm = pluggy.PluginManager("cchc")
        self.pm.add_hookspecs(hookspecs)
        self.entry_points = entry_points
        if load_only == "env":
            env = os.environ.get("CCHC_LOAD_PLUGINS")
            load_only = None if env is None else [w.strip() for w in env.split(",") if w.strip()]
        self.load_only: Optional[list[str]] = None if load_only is None else list(load_only)
        self.plugins_dirs: list[Path] = [Path(d) for d in plugins_dirs]
        self.defaults = tuple(defaults)
        self.strict = strict  # plugin failures in a result are errors (--strict-plugins)
        self.trace = bool(os.environ.get("CCHC_TRACE_PLUGINS")) if trace is None else trace
        self.problems: list[Finding] = []  # shown once on stderr by the CLI
        self.errors: dict[str, list[str]] = {}  # plugin → problem messages, for `cchc plugins`
        self.info: dict[str, PluginInfo] = {}
        self.readers = Registry(self, "registry-readers", "register_readers", key=lambda r: r.name, required=_reader_attrs)
        self.writers = Registry(self, "registry-writers", "register_writers", key=lambda w: w.name, required=_writer_attrs)
        self._specs: Optional[Registry] = None
        self._collected: dict[str, list[tuple[str, tuple, dict]]] = {}
        self._loaded = False
        self._generation = 0  # bumped when the set of plugins changes (CLI re-adds commands)

    def settings(self) -> dict[str, Any]:
        """What makes this host, for a worker process to make the same one (spawn start)."""
        return {
            "entry_points": self.entry_points, "load_only": self.load_only,
            "plugins_dirs": [str(d) for d in self.plugins_dirs], "defaults": self.defaults,
            "strict": self.strict, "trace": self.trace,
        }

    # -- the registries ---------------------------------------------------------------

    @property
    def specs(self) -> Registry:
        if self._specs is None:
            from .spec.registry import SpecRegistry

            self._specs = SpecRegistry(self, "registry-specs", "register_specs", key=lambda e: e.id)
        return self._specs

    def registries(self) -> dict[str, Registry]:
        return {"formats": self.writers, "readers": self.readers, "specs": self.specs}

    def reset(self) -> None:
        """Forget what was registered; the next lookup runs the register hooks again."""
        self._collected.clear()
        self.readers.reset()
        self.writers.reset()
        if self._specs is not None:
            self._specs.reset()
        self._generation += 1

    # -- loading ---------------------------------------------------------------------------

    def load(self) -> "PluginHost":
        """Register the built-ins, the entry points and the plugins-dir files, once."""
        if self._loaded:
            return self
        self._loaded = True
        for name in self.defaults:
            if self.pm.get_plugin(name) is None:
                try:
                    hooks = BUILTIN_HOOKS.get(name)
                    plugin = lazy_builtin(name, hooks) if hooks is not None else importlib.import_module(name)
                    self.pm.register(plugin, name=name)
                    self.info[name] = PluginInfo("cchc-engine", _engine_version(), "builtin")
                except Exception as exc:  # a broken built-in is reported like any plugin
                    self.fail(name, exc)
        if self.entry_points:
            self._load_entry_points()
        dirs = list(self.plugins_dirs)
        env_dirs = os.environ.get("CCHC_PLUGINS_DIR")
        if env_dirs:
            dirs += [Path(d) for d in env_dirs.split(os.pathsep) if d]
        for directory in dirs:
            self._load_dir(directory)
        self._check_pending()
        if self.trace:
            self._start_trace()
        return self

    def _load_entry_points(self) -> None:
        from . import entrypoints

        try:
            try:
                eps: list[Any] = entrypoints.entry_points("cchc")  # no importlib.metadata: ~100 ms of --help
            except entrypoints.Unsupported:
                import importlib.metadata

                eps = list(importlib.metadata.entry_points(group="cchc"))
        except Exception as exc:  # a broken distribution's metadata must not stop the core
            self.fail("entry-points", exc)
            return
        wanted = self.load_only
        if wanted is not None:
            known = {ep.name for ep in eps} | {ep.dist.name for ep in eps if ep.dist is not None}
            for name in wanted:
                if name not in known:
                    self.note(
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
            if self.pm.get_plugin(ep.name) is not None or self.pm.has_plugin(ep.name):
                continue
            self.info[ep.name] = PluginInfo(dist, ep.dist.version if ep.dist is not None else None, "entry-point")
            try:
                self.pm.register(ep.load(), name=ep.name)
            except Exception as exc:
                self.fail(ep.name, exc)

    def _load_dir(self, directory: Path) -> None:
        """Each ``*.py`` file in ``directory`` is a plugin named after the file."""
        if not directory.is_dir():
            self.note(Finding.make("plugins-dir-missing", "warning", dir=str(directory)), str(directory))
            return
        for path in sorted(directory.glob("*.py")):
            name = path.name
            if self.pm.has_plugin(name):
                continue
            import hashlib

            digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]
            module_name = f"cchc_plugins_dir_{digest}_{path.stem}"
            self.info[name] = PluginInfo(None, None, "plugins-dir")
            try:
                spec = importlib.util.spec_from_file_location(module_name, path)
                assert spec is not None and spec.loader is not None
                module = importlib.util.module_from_spec(spec)
                sys.modules[module_name] = module  # dataclasses and pickling look modules up here
                spec.loader.exec_module(module)
                self.pm.register(module, name=name)
            except Exception as exc:
                sys.modules.pop(module_name, None)
                self.fail(name, exc)

    def add_plugins_dir(self, directory: os.PathLike | str) -> None:
        """Load the single-file plugins in ``directory`` (now, or with the others)."""
        directory = Path(directory)
        if not self._loaded:
            self.plugins_dirs.append(directory)
            return
        self._load_dir(directory)
        self._check_pending()
        self.reset()

    def _check_pending(self) -> None:
        """A hookimpl with a misspelled name fails loudly: reported by plugin name, plugin skipped."""
        for _ in range(len(self.pm.get_plugins()) + 1):
            try:
                self.pm.check_pending()
                return
            except pluggy.PluginValidationError as exc:
                name = self.pm.get_name(exc.plugin) or "?"
                self.fail(name, exc)
                if self.pm.is_registered(exc.plugin):
                    self.pm.unregister(exc.plugin)

    def register(self, plugin: Any, name: Optional[str] = None) -> str:
        """Add a plugin (a module or an object with @hookimpl methods) at run time."""
        self.load()
        try:
            registered = self.pm.register(plugin, name=name)
        except ValueError as exc:  # already registered / name taken
            raise CchcError(Finding.make("plugin-failed", "error", plugin=name or repr(plugin), error=error_text(exc))) from None
        self.info.setdefault(registered or name or "?", PluginInfo(None, None, "test"))
        self._check_pending()
        self.reset()
        return registered or name or "?"

    def unregister(self, name: str) -> None:
        if self.pm.get_plugin(name) is not None:
            self.pm.unregister(name=name)
        self.reset()

    # -- problems ---------------------------------------------------------------------

    def note(self, finding: Finding, plugin: Optional[str] = None) -> None:
        """Remember a problem once (the same message twice is one problem)."""
        if any(f.message == finding.message for f in self.problems):
            return
        self.problems.append(finding)
        if plugin is not None:
            self.errors.setdefault(plugin, []).append(finding.message)

    def fail(self, plugin: str, error: BaseException, severity: str = "warning") -> Finding:
        finding = Finding.make("plugin-failed", severity, plugin=plugin, error=error_text(error))  # type: ignore[arg-type]
        self.note(finding, plugin)
        return finding

    def take_problems(self) -> list[Finding]:
        """The problems not shown yet (the CLI prints them before any fatal line)."""
        out, self.problems[:] = list(self.problems), []
        return out

    # -- calling hooks --------------------------------------------------------------------

    def hook(self, name: str) -> Any:
        """``pm.hook.<name>`` with every implementation guarded."""
        self.load()
        caller = getattr(self.pm.hook, name)
        for impl in caller.get_hookimpls():
            if not (impl.wrapper or impl.hookwrapper) and not getattr(impl.function, "_cchc_guarded", False):
                impl.function = self._guard(impl.function, impl.plugin_name)
        return caller

    def _guard(self, function: Callable[..., Any], plugin: str) -> Callable[..., Any]:
        @functools.wraps(function)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            token = _current_plugin.set(plugin)
            record = _outcomes.get()
            try:
                value = function(*args, **kwargs)
            except Exception as exc:
                if record is not None:
                    record.append(Outcome(plugin, None, exc))
                else:
                    self.fail(plugin, exc)
                return None
            finally:
                _current_plugin.reset(token)
            if record is not None:
                record.append(Outcome(plugin, value))
            return value

        guarded._cchc_guarded = True  # type: ignore[attr-defined]
        return guarded

    def call(self, name: str, **kwargs: Any) -> tuple[Any, list[Outcome]]:
        """Call a hook through the manager: (what pluggy returned, each implementation's outcome)."""
        caller = self.hook(name)
        outcomes: list[Outcome] = []
        token = _outcomes.set(outcomes)
        try:
            returned = caller(**kwargs)
        except Exception as exc:  # only a hook wrapper can get here: its plugin is unknown
            self.fail(f"{name} (hook wrapper)", exc)
            returned = None
        finally:
            _outcomes.reset(token)
        return returned, outcomes

    def call_each(self, name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Every implementation's (plugin, return value); failures are noted as problems."""
        _returned, outcomes = self.call(name, **kwargs)
        for o in outcomes:
            if o.error is not None:
                self.fail(o.plugin, o.error)
        return [(o.plugin, o.value) for o in outcomes if o.error is None]

    def call_first(self, name: str, **kwargs: Any) -> Any:
        """A firstresult hook: the first non-None result; failing implementations are skipped."""
        returned, outcomes = self.call(name, **kwargs)
        for o in outcomes:
            if o.error is not None:
                self.fail(o.plugin, o.error)
        return returned

    def collect(self, hook: str) -> list[tuple[str, tuple, dict]]:
        """Run a register_* hook once: (plugin, args, kwargs) of every register() call,
        in registration order (built-ins first)."""
        if hook not in self._collected:
            calls: list[list[tuple[str, tuple, dict]]] = []
            by_plugin: dict[str, list[tuple[str, tuple, dict]]] = {}

            def register(*args: Any, **kwargs: Any) -> None:
                plugin = _current_plugin.get() or "?"
                if plugin not in by_plugin:
                    by_plugin[plugin] = []
                    calls.append(by_plugin[plugin])
                by_plugin[plugin].append((plugin, args, kwargs))

            self.call_each(hook, register=register)
            # pluggy calls the last registered first; registries list built-ins first.
            self._collected[hook] = [c for group in reversed(calls) for c in group]
        return self._collected[hook]

    def check_result(self, result: Any, spec: Any) -> list[Finding]:
        """The findings plugins add to a result; a failure or a bad return is a
        ``plugin-failed`` finding in the result (an error under --strict-plugins)."""
        from .messages import get_lang

        returned, outcomes = self.call("check_result", result=result, spec=spec, lang=get_lang())
        severity = "error" if self.strict else "warning"
        out: list[Finding] = []
        for o in outcomes:
            if o.error is not None:
                out.append(Finding.make("plugin-failed", severity, plugin=o.plugin, error=error_text(o.error)))  # type: ignore[arg-type]
        owners = {id(o.value): o.plugin for o in outcomes if o.value is not None}
        for value in returned or []:
            plugin = owners.get(id(value), "check_result (hook wrapper)")
            items = [value] if isinstance(value, Finding) else value
            if not isinstance(items, (list, tuple)):
                items = [items]
            for item in items:
                if isinstance(item, Finding):
                    out.append(item)
                else:
                    out.append(
                        Finding.make(
                            "plugin-bad-return", severity, plugin=plugin, hook="check_result",  # type: ignore[arg-type]
                            got=type(item).__name__, item=repr(item)[:80],
                        )
                    )
        return out

    # -- readers and writers -------------------------------------------------------------

    @contextlib.contextmanager
    def guard(self, item: Any, registry: Registry, code: str, **values: Any) -> Iterator[None]:
        """Run a plugin's reader/writer method: an exception names the plugin and is the
        file's problem (exit 2), not an engine bug. Built-ins' exceptions stay bugs."""
        plugin = registry.plugin_of(item)
        try:
            yield
        except CchcError:
            raise
        except Exception as exc:
            if plugin is None or is_builtin(plugin):
                raise
            self.errors.setdefault(plugin, []).append(error_text(exc))
            raise CchcError.make(code, plugin=plugin, error=error_text(exc), **values) from exc

    def sniff(self, reader: Any, path: Path) -> bool:
        """A reader's sniff; one that raises is a warning naming its plugin, and says no."""
        try:
            return bool(reader.sniff(path))
        except Exception as exc:
            plugin = self.readers.plugin_of(reader) or getattr(reader, "name", "?")
            self.note(
                Finding.make("plugin-sniff-failed", "warning", plugin=plugin, reader=getattr(reader, "name", "?"),
                             file=path.name, error=error_text(exc)),
                plugin,
            )
            return False

    # -- tracing -----------------------------------------------------------------------------

    def _start_trace(self) -> None:
        from .messages import render

        def before(hook_name: str, impls: Sequence[Any], kwargs: dict[str, Any]) -> None:
            print(render("plugin-trace-call", {"hook": hook_name, "args": ", ".join(kwargs),
                                               "plugins": ", ".join(i.plugin_name for i in reversed(impls)) or "-"}),
                  file=sys.stderr)

        def after(outcome: Any, hook_name: str, impls: Sequence[Any], kwargs: dict[str, Any]) -> None:
            error = outcome.exception
            shown = error_text(error) if error is not None else repr(outcome.get_result())[:200]
            print(render("plugin-trace-result", {"hook": hook_name, "result": shown}), file=sys.stderr)

        self.pm.add_hookcall_monitoring(before, after)

    # -- what is installed ---------------------------------------------------------------------

    def describe(self) -> list[dict[str, Any]]:
        """Every loaded plugin: name, distribution, version, hooks implemented, what it
        registered (formats, readers, specs, commands) and its problems."""
        self.load()
        given: dict[str, dict[str, list[str]]] = {}
        for kind, registry in self.registries().items():
            try:
                for reg in registry.all():
                    given.setdefault(reg.plugin, {}).setdefault(kind, []).append(reg.name)
            except CchcError as exc:  # a duplicate: reported, the listing still works
                for f in exc.findings:
                    self.note(f, f.values.get("second"))
        for plugin, names in self._command_names().items():
            given.setdefault(plugin, {})["commands"] = names
        order = {n: i for i, n in enumerate(self.defaults)}
        names = [self.pm.get_name(p) or "?" for p in self.pm.get_plugins()]
        names += [n for n in self.errors if n not in names and n in self.info]  # failed to load
        out = []
        for name in sorted(set(names), key=lambda n: (order.get(n, len(order)), n)):
            plugin = self.pm.get_plugin(name)
            hooks = sorted(h.name for h in (self.pm.get_hookcallers(plugin) or [])) if plugin is not None else []
            info = self.info.get(name, PluginInfo())
            out.append(
                {
                    "name": name,
                    "distribution": info.distribution,
                    "version": info.version,
                    "source": info.source,
                    "hooks": hooks,
                    "registered": {k: given.get(name, {}).get(k, []) for k in ("formats", "readers", "specs", "commands")},
                    "errors": list(self.errors.get(name, [])),
                }
            )
        return out

    def _command_names(self) -> dict[str, list[str]]:
        """The commands each plugin adds, found by letting it add them to a throwaway group."""
        import click

        out: dict[str, list[str]] = {}
        for impl in self.hook("register_commands").get_hookimpls():
            group = click.Group()
            token = _outcomes.set([])  # failures were reported when the real CLI was built
            try:
                impl.function(cli=group)
            finally:
                _outcomes.reset(token)
            out[impl.plugin_name] = sorted(group.commands)
        return out

    def add_commands(self, cli: Any) -> None:
        """Let plugins add their commands to ``cli``: once per set of plugins, so a
        plugin unregistered in a test takes its commands with it."""
        state = getattr(cli, "_cchc_plugin_commands", None)
        if state is not None and state[0] is self and state[1] == self._generation:
            return
        base = state[2] if state is not None else dict(cli.commands)
        cli.commands = dict(base)
        cli._cchc_plugin_commands = (self, self._generation, base)
        self.call_each("register_commands", cli=cli)


def _reader_attrs() -> tuple[str, ...]:
    from .protocols import READER_ATTRIBUTES

    return READER_ATTRIBUTES


def _writer_attrs() -> tuple[str, ...]:
    from .protocols import WRITER_ATTRIBUTES

    return WRITER_ATTRIBUTES


def _engine_version() -> str:
    from . import __version__

    return __version__


# -- the process's default host (the CLI's) ----------------------------------------------

_default_host: Optional[PluginHost] = None


def get_host() -> PluginHost:
    """The process's host, made on first use (entry points and env settings honoured)."""
    global _default_host
    if _default_host is None:
        _default_host = PluginHost()
    return _default_host


def has_host() -> bool:
    """Whether this process already has its host (a forked worker inherits the parent's)."""
    return _default_host is not None


def set_host(host: Optional[PluginHost]) -> Optional[PluginHost]:
    """Make ``host`` the process's host; returns the previous one."""
    global _default_host
    previous, _default_host = _default_host, host
    return previous


@contextlib.contextmanager
def use_host(host: PluginHost) -> Iterator[PluginHost]:
    """``host`` is the process's host for the block (tests)."""
    previous = set_host(host)
    try:
        yield host
    finally:
        set_host(previous)


class RegistryProxy:
    """``plugins.readers`` etc.: the default host's registry, looked up on each use."""

    def __init__(self, attribute: str):
        self._attribute = attribute

    def __getattr__(self, name: str) -> Any:
        return getattr(getattr(get_host(), self._attribute), name)


readers = RegistryProxy("readers")
writers = RegistryProxy("writers")


def call_each(hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
    return get_host().call_each(hook_name, **kwargs)


def call_first(hook_name: str, **kwargs: Any) -> Any:
    return get_host().call_first(hook_name, **kwargs)


def reset_registries() -> None:
    """Forget what was registered (after registering or unregistering a plugin by hand)."""
    get_host().reset()


def get_plugins() -> list[dict[str, Any]]:
    return get_host().describe()
