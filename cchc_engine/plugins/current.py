"""The process's default host (the CLI's), and the module-level shortcuts to it."""

from __future__ import annotations

import contextlib
import contextvars
from typing import Any, Iterator, Optional

from .host import PluginHost

_default_host: Optional[PluginHost] = None
# A Session's host, in force only inside the context the Session runs its work in
# (session._in_context): code that still asks get_host() sees that Session's host,
# and a second Session in another thread or context sees its own.
_scoped_host: contextvars.ContextVar[Optional[PluginHost]] = contextvars.ContextVar("cchc_host", default=None)


def get_host() -> PluginHost:
    """The Session's host when called inside one; else the process's host, made on first
    use (entry points and env settings honoured)."""
    global _default_host
    scoped = _scoped_host.get()
    if scoped is not None:
        return scoped
    if _default_host is None:
        _default_host = PluginHost()
    return _default_host


@contextlib.contextmanager
def host_scope(host: PluginHost) -> Iterator[PluginHost]:
    """``host`` answers get_host() in this context only (a Session's work)."""
    token = _scoped_host.set(host)
    try:
        yield host
    finally:
        _scoped_host.reset(token)


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
