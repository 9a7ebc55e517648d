"""The plugin host: one pluggy manager, the registries plugins fill, the problem log.

Hooks are always called through ``host.pm.hook.<name>``, so hook wrappers,
``tryfirst``/``trylast`` and pluggy's call monitoring (``CCHC_TRACE_PLUGINS=1``)
work. Failure isolation is per implementation (``isolation.py``): every non-wrapper
hookimpl is guarded when the host first calls its hook, so a plugin that raises is
recorded by name and the other implementations still run.

The manager is made on first use of ``host.pm``: loading only collects the plugins
(imported, so an import error is reported at once), and ``cchc --help`` (when no
plugin adds a command) never imports pluggy. Making the manager registers what was
collected, in order, and checks it: a plugin pluggy refuses is reported then.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import threading
import types
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional, Sequence

from .. import hookspecs
from . import isolation, loading
from .defaults import BUILTIN_HOOKS, DEFAULT_PLUGINS, engine_version, is_builtin, lazy_builtin
from .isolation import Outcome
from .loading import PluginInfo
from .registry import Registry, reader_attributes, writer_attributes

if TYPE_CHECKING:
    from pathlib import Path

    import pluggy

    from ..flow.findings import Finding


def _paths(values: Sequence[os.PathLike | str]) -> list["Path"]:
    if not values:
        return []
    from pathlib import Path  # not for `cchc --help`, which has no plugins dir

    return [Path(v) for v in values]


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
        env_dirs: bool = True,
    ):
        self._pm: Optional[pluggy.PluginManager] = None
        self._pm_ready = False
        self._waiting: dict[str, Any] = {}  # loaded before the manager exists, in load order
        self._tracing = False
        self.entry_points = entry_points
        if load_only == "env":
            env = os.environ.get("CCHC_LOAD_PLUGINS")
            load_only = None if env is None else [w.strip() for w in env.split(",") if w.strip()]
        self.load_only: Optional[list[str]] = None if load_only is None else list(load_only)
        self.plugins_dirs: list[Path] = _paths(plugins_dirs)
        self.defaults = tuple(defaults)
        self.strict = strict  # plugin failures in a result are errors (--strict-plugins)
        self.trace = bool(os.environ.get("CCHC_TRACE_PLUGINS")) if trace is None else trace
        self.problems: list[Finding] = []  # shown once on stderr by the CLI
        self.errors: dict[str, list[str]] = {}  # plugin → problem messages, for `cchc plugins`
        self.info: dict[str, PluginInfo] = {}
        # plugin → why it did not load (import error, a hook that does not exist): each
        # Session result says its checks are missing (Session.check)
        self.unloaded: dict[str, str] = {}
        self.readers = Registry(self, "registry-readers", "register_readers", key=lambda r: r.name, required=reader_attributes)
        self.writers = Registry(self, "registry-writers", "register_writers", key=lambda w: w.name, required=writer_attributes)
        self.env_dirs = env_dirs  # also load CCHC_PLUGINS_DIR's files
        # Registries other modules add (the spec listing, spec/registry.py: this package
        # does not import the spec package, which imports it).
        self._more: dict[str, Registry] = {}
        self._collected: dict[str, list[tuple[str, tuple, dict]]] = {}
        self._loaded = False
        self._generation = 0  # bumped when the set of plugins changes (CLI re-adds commands)
        # Made on first use, once, even when a server's threads share this host (one Session).
        self.lock = threading.RLock()

    def settings(self) -> dict[str, Any]:
        """What makes this host, for a worker process to make the same one (spawn start)."""
        return {
            "entry_points": self.entry_points, "load_only": self.load_only,
            "plugins_dirs": [str(d) for d in self.plugins_dirs], "defaults": self.defaults,
            "strict": self.strict, "trace": self.trace, "env_dirs": self.env_dirs,
        }

    @classmethod
    def builtins_only(cls) -> "PluginHost":
        """A new host with the built-in plugins alone: no entry points, no plugins folder,
        no environment (what a library call without a host gets)."""
        return cls(entry_points=False, load_only=None, trace=False, env_dirs=False)

    # -- the manager ---------------------------------------------------------------------

    @property
    def pm(self) -> "pluggy.PluginManager":
        """The pluggy manager, made (and given the plugins loaded so far) on first use."""
        if not self._pm_ready:
            with self.lock:  # other threads wait until it is made and given its plugins
                if self._pm is None:
                    self._make_pm()
                    self._pm_ready = True
        return self._pm  # type: ignore[return-value]

    def _make_pm(self) -> None:
        import pluggy

        pm = pluggy.PluginManager("cchc")
        pm.add_hookspecs(hookspecs)
        self._pm = pm
        waiting, self._waiting = self._waiting, {}
        for name, plugin in waiting.items():
            try:
                pm.register(plugin, name=name)
            except Exception as exc:  # e.g. a hookimpl whose arguments the hook does not offer
                self.fail_load(name, exc)
        if self._loaded:
            self._settle()

    def adopt(self, plugin: Any, name: str) -> None:
        """Add a loaded plugin: registered now if the manager exists, else when it is made.
        (Loading's own step; ``register`` is the public one.)"""
        if self._pm is not None:
            self._pm.register(plugin, name=name)
        else:
            self._waiting[name] = plugin

    def has_plugin(self, name: str) -> bool:
        return name in self._waiting or (self._pm is not None and self._pm.has_plugin(name))

    def _settle(self) -> None:
        """After loading: misspelled hooks reported, tracing started (once)."""
        self._check_pending()
        if self.trace and not self._tracing:
            self._tracing = True
            self._start_trace()

    def _may_implement(self, hook: str) -> bool:
        """Whether a plugin not yet given to the manager implements ``hook``, found as pluggy
        finds it (module functions, static/class methods carrying ``cchc_impl``). A plugin
        that is not a plain module, or that makes attributes up, may: the manager decides."""
        for plugin in self._waiting.values():
            if not isinstance(plugin, types.ModuleType):
                return True
            namespace = vars(plugin)
            if "__getattr__" in namespace or "__dir__" in namespace:
                return True
            for attr, value in list(namespace.items()):
                if not isinstance(value, (types.FunctionType, types.MethodType, staticmethod, classmethod)):
                    continue
                opts = getattr(value, "cchc_impl", None)
                if opts is None:
                    opts = getattr(getattr(value, "__func__", None), "cchc_impl", None)
                if isinstance(opts, dict) and (opts.get("specname") or attr) == hook:
                    return True
        return False

    # -- the registries ---------------------------------------------------------------

    def registry(self, kind: str, make: Callable[["PluginHost"], Registry]) -> Registry:
        """This host's registry of ``kind``, made by ``make(host)`` on first use (how the
        spec package gives each host its spec listing: ``spec.registry.spec_listing``)."""
        if kind not in self._more:
            self._more[kind] = make(self)
        return self._more[kind]

    def registries(self) -> dict[str, Registry]:
        return {"formats": self.writers, "readers": self.readers, **self._more}

    def reset(self) -> None:
        """Forget what was registered; the next lookup runs the register hooks again."""
        self._collected.clear()
        self.readers.reset()
        self.writers.reset()
        for registry in self._more.values():
            registry.reset()
        self._generation += 1

    # -- loading ---------------------------------------------------------------------------

    def load(self) -> "PluginHost":
        """Register the built-ins, the entry points and the plugins-dir files, once."""
        if self._loaded:
            return self
        self._loaded = True
        for name in self.defaults:
            if not self.has_plugin(name):
                try:
                    hooks = BUILTIN_HOOKS.get(name)
                    plugin = lazy_builtin(name, hooks) if hooks is not None else importlib.import_module(name)
                    self.adopt(plugin, name)
                    self.info[name] = PluginInfo("cchc-engine", engine_version(), "builtin")
                except Exception as exc:  # a broken built-in is reported like any plugin
                    self.fail_load(name, exc)
        if self.entry_points:
            self._load_entry_points()
        dirs = list(self.plugins_dirs)
        env_dirs = os.environ.get("CCHC_PLUGINS_DIR") if self.env_dirs else None
        if env_dirs:
            dirs += _paths([d for d in env_dirs.split(os.pathsep) if d])
        for directory in dirs:
            self._load_dir(directory)
        if self._pm is not None:
            self._settle()
        return self

    def _load_entry_points(self) -> None:
        loading.load_entry_points(self)

    def _load_dir(self, directory: Path) -> None:
        """Each ``*.py`` file in ``directory`` is a plugin named after the file."""
        loading.load_dir(self, directory)

    def add_plugins_dir(self, directory: os.PathLike | str) -> None:
        """Load the single-file plugins in ``directory`` (now, or with the others)."""
        directory = _paths([directory])[0]
        if not self._loaded:
            self.plugins_dirs.append(directory)
            return
        self._load_dir(directory)
        if self._pm is not None:
            self._check_pending()
        self.reset()

    def _check_pending(self) -> None:
        """A hookimpl with a misspelled name fails loudly: reported by plugin name, plugin skipped."""
        loading.check_pending(self)

    def register(self, plugin: Any, name: Optional[str] = None) -> str:
        """Add a plugin (a module or an object with @hookimpl methods) at run time."""
        from ..flow.findings import CchcError, Finding

        self.load()
        try:
            registered = self.pm.register(plugin, name=name)
        except ValueError as exc:  # already registered / name taken
            raise CchcError(Finding.make("plugin-failed", "error", plugin=name or repr(plugin), error=isolation.error_text(exc))) from None
        self.info.setdefault(registered or name or "?", PluginInfo(None, None, "test"))
        self._check_pending()
        self.reset()
        return registered or name or "?"

    def unregister(self, name: str) -> None:
        if self._waiting.pop(name, None) is None and self._pm is not None and self._pm.get_plugin(name) is not None:
            self._pm.unregister(name=name)
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
        from ..flow.findings import Finding

        finding = Finding.make("plugin-failed", severity, plugin=plugin, error=isolation.error_text(error))  # type: ignore[arg-type]
        self.note(finding, plugin)
        return finding

    def fail_load(self, plugin: str, error: BaseException) -> Finding:
        """A plugin that could not be loaded: a problem now, and a finding in every result."""
        self.unloaded[plugin] = isolation.error_text(error)
        return self.fail(plugin, error)

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
            if not (impl.wrapper or impl.hookwrapper) and not isolation.is_wrapped(impl.function):
                impl.function = self._guard(impl.function, impl.plugin_name)
        return caller

    def _guard(self, function: Callable[..., Any], plugin: str) -> Callable[..., Any]:
        return isolation.wrap(function, plugin, self.fail)

    def call(self, name: str, **kwargs: Any) -> tuple[Any, list[Outcome]]:
        """Call a hook through the manager: (what pluggy returned, each implementation's outcome)."""
        caller = self.hook(name)
        outcomes: list[Outcome] = []
        token = isolation.outcomes.set(outcomes)
        try:
            returned = caller(**kwargs)
        except Exception as exc:  # only a hook wrapper can get here: its plugin is unknown
            self.fail(f"{name} (hook wrapper)", exc)
            returned = None
        finally:
            isolation.outcomes.reset(token)
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
        if hook in self._collected:
            return self._collected[hook]
        with self.lock:
            return self._collect(hook)

    def _collect(self, hook: str) -> list[tuple[str, tuple, dict]]:
        if hook not in self._collected:
            calls: list[list[tuple[str, tuple, dict]]] = []
            by_plugin: dict[str, list[tuple[str, tuple, dict]]] = {}

            def register(*args: Any, **kwargs: Any) -> None:
                plugin = isolation.current_plugin.get() or "?"
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
        from ..flow.findings import Finding
        from ..text.messages import get_lang

        from ..config import collecting

        with collecting() as unreadable:  # a broken cchc.toml: a finding here, the plugin checks on with defaults
            returned, outcomes = self.call("check_result", result=result, spec=spec, lang=get_lang())
        severity = "error" if self.strict else "warning"
        out: list[Finding] = [f.replace(severity=severity) for f in unreadable]
        for o in outcomes:
            if o.error is not None:
                out.append(Finding.make("plugin-failed", severity, plugin=o.plugin, error=isolation.error_text(o.error)))  # type: ignore[arg-type]
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
        from ..flow.findings import CchcError

        plugin = registry.plugin_of(item)
        try:
            yield
        except CchcError:
            raise
        except Exception as exc:
            if plugin is None or is_builtin(plugin):
                raise
            self.errors.setdefault(plugin, []).append(isolation.error_text(exc))
            raise CchcError.make(code, plugin=plugin, error=isolation.error_text(exc), **values) from exc

    def sniff(self, reader: Any, path: Path) -> bool:
        """A reader's sniff; one that raises is a warning naming its plugin, and says no."""
        from ..flow.findings import Finding

        try:
            return bool(reader.sniff(path))
        except Exception as exc:
            plugin = self.readers.plugin_of(reader) or getattr(reader, "name", "?")
            self.note(
                Finding.make("plugin-sniff-failed", "warning", plugin=plugin, reader=getattr(reader, "name", "?"),
                             file=path.name, error=isolation.error_text(exc)),
                plugin,
            )
            return False

    # -- tracing -----------------------------------------------------------------------------

    def _start_trace(self) -> None:
        from .trace import start_trace

        start_trace(self)

    def describe(self) -> list[dict[str, Any]]:
        """Every loaded plugin: name, distribution, version, hooks implemented, what it
        registered (formats, readers, specs, commands) and its problems."""
        from .listing import describe

        return describe(self)

    def _command_names(self) -> dict[str, list[str]]:
        """The commands each plugin adds, found by letting it add them to a throwaway group."""
        from .listing import command_names

        return command_names(self)

    def add_commands(self, cli: Any) -> None:
        """Let plugins add their commands to ``cli``: once per set of plugins, so a
        plugin unregistered in a test takes its commands with it. (Here, not in listing.py:
        every `cchc` run, --help included, adds them.)"""
        state = getattr(cli, "_cchc_plugin_commands", None)
        if state is not None and state[0] is self and state[1] == self._generation:
            return
        base = state[2] if state is not None else dict(cli.commands)
        cli.commands = dict(base)
        cli._cchc_plugin_commands = (self, self._generation, base)
        self.load()
        if self._pm is None and not self._may_implement("register_commands"):
            return  # no plugin adds a command: `cchc --help` needs neither the manager nor pluggy
        self.call_each("register_commands", cli=cli)
