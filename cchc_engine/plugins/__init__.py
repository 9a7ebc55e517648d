"""Plugins: one pluggy manager per host, the registries plugins fill, the problem log.

Built-ins (bundled specs, the xlsx and plain readers, the writers) are default
plugins registered through the same hooks a third party uses. Third-party
plugins come from the ``cchc`` entry-point group (``CCHC_LOAD_PLUGINS=a,b``
restricts them, empty = none) and from single files in ``--plugins-dir`` /
``CCHC_PLUGINS_DIR``.

A host is made by whoever runs something (the CLI per invocation, a Session, a
test: ``PluginHost(entry_points=False)``) and passed down; there is no process-wide
host and nothing about plugins lives in module globals.

The package, module by module:

- ``host.py``: ``PluginHost`` (manager, registries, problems, calling hooks);
- ``isolation.py``: failure isolation per hook implementation, which plugin runs;
- ``registry.py``: ``Registry`` and ``Registered`` (readers, writers; specs in spec/registry.py);
- ``defaults.py``: the built-in plugins, registered as lazy stand-ins;
- ``loading.py``: entry points and ``--plugins-dir`` files; ``entrypoints.py`` reads
  the installed distributions' entry points without importlib.metadata;
- ``trace.py``: ``CCHC_TRACE_PLUGINS``; ``listing.py``: what ``cchc plugins`` shows;
"""

from __future__ import annotations

from .defaults import BUILTIN_HOOKS, BUILTIN_PREFIX, DEFAULT_PLUGINS, is_builtin, lazy_builtin
from .host import PluginHost
from .isolation import Outcome, error_text
from .loading import PluginInfo
from .registry import REGISTRY_HOOKS, Registered, Registry

__all__ = [
    "PluginHost", "Registry", "Registered", "PluginInfo", "Outcome",
    "DEFAULT_PLUGINS", "BUILTIN_HOOKS", "BUILTIN_PREFIX", "REGISTRY_HOOKS",
    "is_builtin", "lazy_builtin", "error_text",
]
