"""What `cchc plugins` shows: every plugin, what it registered, the commands it adds, its problems."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..flow.findings import CchcError
from .isolation import outcomes
from .loading import PluginInfo

if TYPE_CHECKING:
    from .host import PluginHost


def describe(host: "PluginHost") -> list[dict[str, Any]]:
    """Every loaded plugin: name, distribution, version, hooks implemented, what it
    registered (formats, readers, specs, commands) and its problems."""
    host.load()
    given: dict[str, dict[str, list[str]]] = {}
    for kind, registry in host.registries().items():
        try:
            for reg in registry.all():
                given.setdefault(reg.plugin, {}).setdefault(kind, []).append(reg.name)
        except CchcError as exc:  # a spec id two files claim: reported, the listing still works
            for f in exc.findings:
                host.note(f, f.values.get("second"))
        for clash in getattr(registry, "clashes", {}).values():  # a name two plugins took: both show it
            for plugin in (clash.values["first"], clash.values["second"]):
                if clash.message not in host.errors.get(plugin, []):
                    host.errors.setdefault(plugin, []).append(clash.message)
    for plugin, names in command_names(host).items():
        given.setdefault(plugin, {})["commands"] = names
    order = {n: i for i, n in enumerate(host.defaults)}
    names = [host.pm.get_name(p) or "?" for p in host.pm.get_plugins()]
    names += [n for n in host.errors if n not in names and n in host.info]  # failed to load
    out = []
    for name in sorted(set(names), key=lambda n: (order.get(n, len(order)), n)):
        plugin = host.pm.get_plugin(name)
        hooks = sorted(h.name for h in (host.pm.get_hookcallers(plugin) or [])) if plugin is not None else []
        info = host.info.get(name, PluginInfo())
        out.append(
            {
                "name": name,
                "distribution": info.distribution,
                "version": info.version,
                "source": info.source,
                "hooks": hooks,
                "registered": {k: given.get(name, {}).get(k, []) for k in ("formats", "readers", "specs", "commands")},
                "errors": list(host.errors.get(name, [])),
            }
        )
    return out


def command_names(host: "PluginHost") -> dict[str, list[str]]:
    """The commands each plugin adds, found by letting it add them to a throwaway group."""
    import click

    out: dict[str, list[str]] = {}
    for impl in host.hook("register_commands").get_hookimpls():
        group = click.Group()
        token = outcomes.set([])  # failures were reported when the real CLI was built
        try:
            impl.function(cli=group)
        finally:
            outcomes.reset(token)
        out[impl.plugin_name] = sorted(group.commands)
    return out
