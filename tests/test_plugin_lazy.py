"""`cchc --help` stays cheap: built-ins registered without importing them, entry points
found without importlib.metadata, and both give what the slow way gives."""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import pluggy

from cchc_engine.plugins import entrypoints
from cchc_engine.plugins import BUILTIN_HOOKS, DEFAULT_PLUGINS

ROOT = Path(__file__).resolve().parents[1]


def test_the_builtin_hook_table_matches_the_modules():
    assert set(BUILTIN_HOOKS) == set(DEFAULT_PLUGINS)
    for name in DEFAULT_PLUGINS:
        module = importlib.import_module(name)
        impls = sorted(
            attr for attr in dir(module)
            if callable(getattr(module, attr)) and hasattr(getattr(module, attr), "cchc_impl")
        )
        assert tuple(impls) == tuple(sorted(BUILTIN_HOOKS[name])), name
        for attr in impls:
            function = getattr(module, attr)
            # the stand-in forwards exactly `register`, with default options
            assert pluggy._hooks.varnames(function) == (("register",), ()), (name, attr)
            assert getattr(function, "cchc_impl") == getattr(
                pluggy.HookimplMarker("cchc")(lambda register: None), "cchc_impl"
            ), (name, attr)


def test_help_imports_no_reader_writer_nor_importlib_metadata():
    script = (
        "import sys, io, contextlib\n"
        "from cchc_engine.cli.main import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try: main(['--help'])\n"
        "    except SystemExit: pass\n"
        "mods = [m for m in sys.modules if m.startswith(('cchc_engine.readers', 'cchc_engine.writers'))\n"
        "        or m in ('importlib.metadata', 'zipfile', 'cchc_engine.protocols')]\n"
        "print(__import__('json').dumps({'mods': sorted(mods), 'help': out.getvalue()}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    got = json.loads(proc.stdout)
    assert got["mods"] == []
    assert "compute" in got["help"] and "aggregate" in got["help"]


def test_lazy_builtins_still_register_everything(tmp_path):
    from cchc_engine.plugins import PluginHost

    lazy = PluginHost(entry_points=False, load_only=None)
    eager = PluginHost(entry_points=False, load_only=None, defaults=())
    for name in DEFAULT_PLUGINS:
        eager.pm.register(importlib.import_module(name), name=name)
    eager._loaded = True
    assert [(r.plugin, r.name) for r in lazy.readers.all()] == [(r.plugin, r.name) for r in eager.readers.all()]
    assert [(r.plugin, r.name) for r in lazy.writers.all()] == [(r.plugin, r.name) for r in eager.writers.all()]
    assert len(lazy.readers.all()) >= 4 and len(lazy.writers.all()) >= 7


def _slow(group: str, path: list[str]) -> list[tuple[str, str, str, str]]:
    eps = importlib.metadata.distributions(path=path)
    out, seen = [], set()
    for dist in eps:
        key = dist.metadata["Name"].replace("-", "_").replace(".", "_").lower()
        if key in seen:
            continue
        seen.add(key)
        out += [(ep.name, ep.value, dist.metadata["Name"], dist.version) for ep in dist.entry_points if ep.group == group]
    return sorted(out)


def _fast(group: str, path: list[str]) -> list[tuple[str, str, str, str]]:
    return sorted((ep.name, ep.value, ep.dist.name, ep.dist.version) for ep in entrypoints.entry_points(group, path))


def test_the_scanner_finds_what_importlib_metadata_finds(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for site in (a, b):
        site.mkdir()
    for site, dist, version, body in (
        (a, "cchc-one", "1.0", "[cchc]\none = cchc_one\n[console_scripts]\nx = y:z\n"),
        (a, "cchc.two", "2.0", "# comment\n[cchc]\ntwo = cchc_two:plugin.obj [extra]\n\n"),
        (b, "cchc-one", "9.9", "[cchc]\nshadowed = cchc_one_old\n"),  # later on the path: ignored
        (b, "other", "0.1", "[console_scripts]\nq = r\n"),
    ):
        info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n\nName: body\n")
        (info / "entry_points.txt").write_text(body)
    egg = b / "cchc_egg.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.0\nName: cchc-egg\nVersion: 3.0\n")
    (egg / "entry_points.txt").write_text("[cchc]\negg = cchc_egg\n")
    path = [str(a), str(tmp_path / "missing"), str(b)]
    fast = _fast("cchc", path)
    assert fast == _slow("cchc", path)
    assert [e[0] for e in fast] == ["egg", "one", "two"]
    # and on the real environment (the installed plugins of this checkout)
    assert _fast("cchc", sys.path) == _slow("cchc", sys.path)


def test_a_zip_on_the_path_falls_back(tmp_path):
    archive = tmp_path / "x.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    try:
        entrypoints.entry_points("cchc", [str(archive)])
    except entrypoints.Unsupported:
        return
    raise AssertionError("a zip on sys.path must make the caller use importlib.metadata")


def test_entry_point_load_resolves_attributes():
    ep = entrypoints.EntryPoint("x", "cchc_engine.plugins:PluginHost.load", None)
    from cchc_engine.plugins import PluginHost

    assert ep.load() is PluginHost.load
    assert entrypoints.EntryPoint("y", "cchc_engine.entrypoints", None).load() is entrypoints


def test_the_plugins_package_keeps_every_name_of_the_old_module():
    """plugins.py became a package: what code imported from it still imports, from the same place."""
    import cchc_engine
    from cchc_engine import plugins

    old_names = (
        "DEFAULT_PLUGINS", "BUILTIN_HOOKS", "BUILTIN_PREFIX", "REGISTRY_HOOKS", "lazy_builtin", "is_builtin",
        "error_text", "Outcome", "Registered", "PluginInfo", "Registry", "PluginHost", "RegistryProxy",
        "get_host", "has_host", "set_host", "use_host", "readers", "writers", "call_each", "call_first",
        "reset_registries", "get_plugins",
    )
    assert [n for n in old_names if not hasattr(plugins, n)] == []
    host_methods = (
        "settings", "specs", "registries", "reset", "load", "add_plugins_dir", "register", "unregister", "note",
        "fail", "take_problems", "hook", "call", "call_each", "call_first", "collect", "check_result", "guard",
        "sniff", "describe", "add_commands",
    )
    assert [m for m in host_methods if not hasattr(plugins.PluginHost, m)] == []
    assert importlib.import_module("cchc_engine.entrypoints") is plugins.entrypoints
    assert cchc_engine.entrypoints is plugins.entrypoints  # `from cchc_engine import entrypoints`
    with plugins.use_host(plugins.PluginHost(entry_points=False)) as host:
        assert plugins.get_host() is host and plugins.has_host()
        assert {r.name for r in plugins.readers.all()} >= {"xlsx", "xls", "ods"}
