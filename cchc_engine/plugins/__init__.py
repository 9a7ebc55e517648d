"""Plugins: one pluggy manager per host, the registries plugins fill, the problem log.

Built-ins (bundled specs, the xlsx and plain readers, the writers) are default
plugins registered through the same hooks a third party uses. Third-party
plugins come from the ``cchc`` entry-point group (``CCHC_LOAD_PLUGINS=a,b``
restricts them, empty = none) and from single files in ``--plugins-dir`` /
``CCHC_PLUGINS_DIR``.

One host is made per process by the CLI (``get_host()``) and passed down; tests
make their own (``PluginHost(entry_points=False)``) and install it with
``use_host``. Nothing about plugins lives in module globals but that default.

The package, module by module:

- ``host.py``: ``PluginHost`` (manager, registries, problems, calling hooks);
- ``isolation.py``: failure isolation per hook implementation, which plugin runs;
- ``registry.py``: ``Registry`` and ``Registered`` (readers, writers; specs in spec/registry.py);
- ``defaults.py``: the built-in plugins, registered as lazy stand-ins;
- ``loading.py``: entry points and ``--plugins-dir`` files; ``entrypoints.py`` reads
  the installed distributions' entry points without importlib.metadata;
- ``trace.py``: ``CCHC_TRACE_PLUGINS``; ``listing.py``: what ``cchc plugins`` shows;
- ``current.py``: the process's host and the shortcuts below (``plugins.readers`` …).
"""

from __future__ import annotations

from .current import (
    RegistryProxy,
    call_each,
    call_first,
    get_host,
    get_plugins,
    has_host,
    readers,
    reset_registries,
    set_host,
    use_host,
    writers,
)
from .defaults import BUILTIN_HOOKS, BUILTIN_PREFIX, DEFAULT_PLUGINS, is_builtin, lazy_builtin
from .host import PluginHost
from .isolation import Outcome, error_text
from .loading import PluginInfo
from .registry import REGISTRY_HOOKS, Registered, Registry

__all__ = [
    "PluginHost", "Registry", "Registered", "RegistryProxy", "PluginInfo", "Outcome",
    "get_host", "has_host", "set_host", "use_host", "readers", "writers",
    "call_each", "call_first", "reset_registries", "get_plugins",
    "DEFAULT_PLUGINS", "BUILTIN_HOOKS", "BUILTIN_PREFIX", "REGISTRY_HOOKS",
    "is_builtin", "lazy_builtin", "error_text",
]
