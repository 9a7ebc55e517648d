"""`cchc --help` stays cheap: built-ins registered without importing them, entry points
found without importlib.metadata, and both give what the slow way gives."""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pluggy
import pytest

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


# What `cchc --help` must not import (each was a measurable part of it; issue 12): the
# readers and writers, importlib.metadata, pluggy (no plugin adds a command), pathlib,
# json, shutil (click's terminal width), and the engine's findings and messages.
HELP_MUST_NOT_IMPORT = (
    "importlib.metadata", "zipfile", "cchc_engine.protocols", "pluggy", "pathlib", "json", "shutil",
    "cchc_engine.flow.findings", "cchc_engine.text.messages",
)


def test_help_imports_no_reader_writer_pluggy_nor_heavy_stdlib():
    # Only what `cchc --help` itself imports counts: the interpreter's start-up (a .pth
    # file, an editable install's finder) may import pathlib before we run.
    script = (
        "import sys, io, contextlib\n"
        "before = set(sys.modules)\n"
        "from cchc_engine.cli.main import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try: main(['--help'])\n"
        "    except SystemExit: pass\n"
        f"banned = {HELP_MUST_NOT_IMPORT!r}\n"
        "mods = [m for m in set(sys.modules) - before if m.startswith(('cchc_engine.readers', 'cchc_engine.writers'))\n"
        "        or m.split('.')[0] in banned or m in banned]\n"
        "import json\n"
        "print(json.dumps({'mods': sorted(mods), 'help': out.getvalue()}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    got = json.loads(proc.stdout)
    assert got["mods"] == []
    assert "compute" in got["help"] and "aggregate" in got["help"]
    # the width click would have found with shutil: COLUMNS, here 80 → lines of at most 78
    assert max(len(line) for line in got["help"].splitlines()) <= 78


@pytest.mark.parametrize("columns,widest", [("60", 58), ("200", 78), ("0", 78), ("x", 78)])
def test_help_width_is_clicks(columns, widest, monkeypatch):
    """Our formatter's width without shutil is click's: min(COLUMNS, 80) - 2, at least 50;
    an unusable COLUMNS falls back to the terminal, here none: 80."""
    import click.formatting
    from click.testing import CliRunner

    from cchc_engine.cli import Context
    from cchc_engine.cli.main import cli

    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setattr(click.formatting, "FORCED_WIDTH", None)
    ctx = Context(cli)
    assert ctx.make_formatter().width == widest
    monkeypatch.setattr(click.formatting, "FORCED_WIDTH", 120)  # CliRunner's, kept
    assert ctx.make_formatter().width == 120
    assert CliRunner().invoke(cli, ["--help"]).exit_code == 0


_IMPL_OPTIONS = [
    {}, {"tryfirst": True}, {"trylast": True}, {"wrapper": True}, {"hookwrapper": True},
    {"optionalhook": True}, {"specname": "register_commands"}, {"tryfirst": True, "specname": "x", "optionalhook": True},
]


@pytest.mark.parametrize("options", _IMPL_OPTIONS)
def test_our_hookimpl_marks_a_function_as_pluggys_marker_does(options):
    from cchc_engine import hookimpl

    def ours(register):
        pass

    def theirs(register):
        pass

    marked = hookimpl(**options)(ours) if options else hookimpl(ours)
    assert marked is ours
    expected = pluggy.HookimplMarker("cchc")(**options)(theirs) if options else pluggy.HookimplMarker("cchc")(theirs)
    assert ours.cchc_impl == expected.cchc_impl
    # and pluggy reads it: the same hook implementation options on a manager
    pm = pluggy.PluginManager("cchc")
    assert pm.parse_hookimpl_opts(type("P", (), {"f": staticmethod(ours)}), "f") == expected.cchc_impl


@pytest.mark.parametrize("options", [{}, {"firstresult": True}, {"historic": True}])
def test_our_hookspec_marks_as_pluggys_and_the_manager_accepts_the_specs(options):
    from cchc_engine import hookspecs

    def ours(register):
        pass

    def theirs(register):
        pass

    (hookspecs.hookspec(**options) if options else hookspecs.hookspec)(ours)
    (pluggy.HookspecMarker("cchc")(**options) if options else pluggy.HookspecMarker("cchc"))(theirs)
    assert ours.cchc_spec == theirs.cchc_spec
    with pytest.raises(ValueError):
        hookspecs.hookspec(firstresult=True, historic=True)
    pm = pluggy.PluginManager("cchc")
    pm.add_hookspecs(hookspecs)
    assert sorted(h for h in dir(pm.hook) if not h.startswith("_")) == [
        "check_result", "choose_reader", "register_commands", "register_readers", "register_specs", "register_writers",
    ]
    assert pm.hook.choose_reader.spec.opts["firstresult"] is True


def _plugins_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    d = tmp_path / "plugins"
    d.mkdir()
    for name, body in files.items():
        (d / name).write_text(textwrap.dedent(body), encoding="utf-8")
    return d


def test_no_manager_for_help_when_no_plugin_adds_a_command(tmp_path):
    """The manager (and pluggy) is made only when a loaded plugin may add a command."""
    import click

    from cchc_engine.plugins import PluginHost

    d = _plugins_dir(tmp_path, {"writer.py": """
        from cchc_engine.api import hookimpl

        @hookimpl
        def register_writers(register):
            pass
        """})
    host = PluginHost(entry_points=False, load_only=None, plugins_dirs=[d])
    group = click.Group()
    host.add_commands(group)
    assert host._pm is None and set(group.commands) == set()
    # made on first use, with every plugin loaded so far, in order
    assert [name for name, _ in host.pm.list_name_plugin()] == [*DEFAULT_PLUGINS, "writer.py"]
    assert {r.plugin for r in host.writers.all()} >= {"cchc_engine.writers.table"}


@pytest.mark.parametrize("body", [
    # a command hook by its name, by specname; another hook only; a module that makes
    # attributes up (no command, but only the manager can say so)
    ("@hookimpl\ndef register_commands(cli):\n    cli.add_command(click.Command('hello'))\n", True),
    ("@hookimpl(specname='register_commands')\ndef mine(cli):\n    cli.add_command(click.Command('hello'))\n", True),
    ("@hookimpl\ndef register_writers(register):\n    pass\n", False),
    ("def __getattr__(name):\n    raise AttributeError(name)\n", False),
])
def test_a_plugin_command_is_found_without_the_manager_knowing_first(tmp_path, body):
    import click

    from cchc_engine.plugins import PluginHost

    code, adds = body
    d = _plugins_dir(tmp_path, {"cmds.py": "import click\nfrom cchc_engine.api import hookimpl\n\n" + code})
    host = PluginHost(entry_points=False, load_only=None, plugins_dirs=[d])
    group = click.Group()
    host.add_commands(group)
    assert ("hello" in group.commands) is adds
    # a possible command means the manager was asked; a module that makes names up is asked too
    assert (host._pm is not None) is (adds or "__getattr__" in code)


def test_an_object_plugin_asks_the_manager(tmp_path):
    import click

    from cchc_engine.plugins import PluginHost

    class Commands:
        @staticmethod
        def helper():  # not a hook: the manager is asked anyway, an object's attributes are its to say
            pass

    host = PluginHost(entry_points=False, load_only=None)
    host.load()
    host.adopt(Commands(), "object-plugin")
    host.add_commands(click.Group())
    assert host._pm is not None and host.pm.get_plugin("object-plugin") is not None


def test_a_plugin_pluggy_refuses_is_reported_when_the_manager_is_made(tmp_path):
    """Registration waits for the manager; its refusal is still a plugin-failed problem naming the file."""
    from cchc_engine.plugins import PluginHost

    d = _plugins_dir(tmp_path, {"bad.py": """
        from cchc_engine.api import hookimpl

        @hookimpl
        def register_writers(register, not_an_argument):
            pass
        """, "typo.py": """
        from cchc_engine.api import hookimpl

        @hookimpl
        def register_writer(register):
            pass
        """})
    host = PluginHost(entry_points=False, load_only=None, plugins_dirs=[d])
    host.load()
    assert host._pm is None and host.problems == []
    host.writers.all()  # the first hook call makes the manager
    messages = [f.message for f in host.take_problems()]
    assert any("'bad.py'" in m and "not_an_argument" in m for m in messages), messages
    assert any("'typo.py'" in m and "register_writer" in m for m in messages), messages
    assert not host.pm.has_plugin("typo.py") and host.pm.get_plugin("bad.py") is None


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
    assert entrypoints.EntryPoint("y", "cchc_engine.plugins.entrypoints", None).load() is entrypoints


def test_the_plugins_package_keeps_every_name_of_the_old_module():
    """plugins.py became a package: what code imported from it still imports, from the same place."""
    from cchc_engine import plugins

    old_names = (
        "DEFAULT_PLUGINS", "BUILTIN_HOOKS", "BUILTIN_PREFIX", "REGISTRY_HOOKS", "lazy_builtin", "is_builtin",
        "error_text", "Outcome", "Registered", "PluginInfo", "Registry", "PluginHost",
    )  # (the process-wide host and its shortcuts are gone: a host is made and passed down)
    assert [n for n in old_names if not hasattr(plugins, n)] == []
    host_methods = (
        "settings", "registry", "registries", "reset", "load", "add_plugins_dir", "register", "unregister", "note",
        "fail", "take_problems", "hook", "call", "call_each", "call_first", "collect", "check_result", "guard",
        "sniff", "describe", "add_commands",
    )
    assert [m for m in host_methods if not hasattr(plugins.PluginHost, m)] == []
    assert {r.name for r in plugins.PluginHost(entry_points=False).readers.all()} >= {"xlsx", "xls", "ods"}
