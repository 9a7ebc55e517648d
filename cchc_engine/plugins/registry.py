"""The collections plugins fill through ``register_*(register)`` hooks: readers, writers, specs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional

if TYPE_CHECKING:
    from .host import PluginHost

REGISTRY_HOOKS = {"readers": "register_readers", "writers": "register_writers", "specs": "register_specs"}


@dataclass
class Registered:
    """Something a plugin registered, remembering which plugin gave it."""

    name: str
    item: Any
    plugin: str



class Registry:
    """A collection filled by a register_* hook. Two plugins registering one name is a
    clash: that name is unusable (one clear error naming both, when it is asked for),
    the others work, and ``clashes`` lists it for `cchc plugins`."""

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
        self.clashes: dict[str, Any] = {}  # name → its duplicate-registration finding
        self._filled = False
        self._ready = False

    @property
    def required(self) -> tuple[str, ...]:
        if callable(self._required):
            self._required = self._required()
        return self._required

    def noun(self) -> str:
        from ..text.messages import render

        return render(self.kind, {})

    def fill(self) -> "Registry":
        if self._ready:
            return self
        # A server's threads share one Session's host: one fills, the others wait for it.
        with self.host.lock:
            if self._filled:
                return self  # filled, or being filled by this very thread (a hook asking again)
            self._filled = True
            self._fill()
            self._ready = True
        return self

    def _fill(self) -> None:
        from ..flow.findings import CchcError, Finding
        from ..text.messages import said
        from ..protocols import missing_attributes

        for plugin, args, kwargs in self.host.collect(self.hook):
            try:
                item = self.make(*args, **kwargs)
                missing = missing_attributes(item, self.required)
                if missing:
                    self.host.note(
                        Finding.make(
                            "plugin-bad-registration", "warning", plugin=plugin,
                            kind=said(self.kind), item=repr(item)[:80], missing=", ".join(missing),
                        ),
                        plugin,
                    )
                    continue
                name = self.key(item)
            except CchcError as exc:  # e.g. a spec file that cannot be loaded: named by its plugin
                for f in exc.findings:
                    self.host.note(
                        Finding.make(
                            "plugin-item-unusable", "warning", location=f.location, plugin=plugin, kind=said(self.kind),
                            error=said(f.code, **f.values),
                        ),
                        plugin,
                    )
                continue
            except Exception as exc:
                self.host.fail(plugin, exc)
                continue
            if name in self.items:
                if name not in self.clashes:
                    self.clashes[name] = Finding.make(
                        "duplicate-registration", "error", kind=said(self.kind), name=name,
                        first=self.items[name].plugin, second=plugin,
                    )
                continue
            self.items[name] = Registered(name, item, plugin)

    def make(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) != 1 or kwargs:
            raise TypeError(f"register() takes exactly one object ({self.hook})")
        return args[0]

    def get(self, name: str) -> Optional[Registered]:
        """The item of that name; a name two plugins registered is an error naming both."""
        self.fill()
        if name in self.clashes:
            from ..flow.findings import CchcError

            raise CchcError(self.clashes[name])
        return self.items.get(name)

    def all(self) -> list[Registered]:
        """Every usable item (a clashing name is left out: ``clashes`` has it)."""
        self.fill()
        return [r for n, r in self.items.items() if n not in self.clashes]

    def plugin_of(self, item: Any) -> Optional[str]:
        """The plugin that registered this very object."""
        for reg in self.fill().items.values():
            if reg.item is item:
                return reg.plugin
        return None

    def reset(self) -> None:
        self.items.clear()
        self.clashes.clear()
        self._filled = self._ready = False


def reader_attributes() -> tuple[str, ...]:
    from ..protocols import READER_ATTRIBUTES

    return READER_ATTRIBUTES


def writer_attributes() -> tuple[str, ...]:
    from ..protocols import WRITER_ATTRIBUTES

    return WRITER_ATTRIBUTES

