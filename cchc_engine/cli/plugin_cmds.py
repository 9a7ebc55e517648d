"""`cchc plugins`, `cchc install`, `cchc uninstall`: what is installed, and changing it."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from . import Command, PathValue

if TYPE_CHECKING:
    from pathlib import Path

KINDS = ("formats", "readers", "specs", "commands")


def register(cli: click.Group) -> None:
    cli.add_command(plugins_command)
    cli.add_command(install_command)
    cli.add_command(uninstall_command)
    cli.add_command(new_plugin_command)


@click.command("plugins", cls=Command)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (name, distribution, version, hooks, registered, errors).")
@click.option("--all", "show_all", is_flag=True, help="Include the built-in default plugins.")
def plugins_command(as_json: bool, show_all: bool) -> None:
    """List installed plugins: distribution and version (what `cchc uninstall`
    takes), hooks implemented, what each registered, and its errors.

    \b
    Examples:
      cchc plugins --all
      cchc plugins --json
      CCHC_LOAD_PLUGINS= cchc plugins --all     # built-ins only
    """
    from ..text.messages import render
    from ..spec.registry import spec_listing
    from . import host_for

    host = host_for()
    spec_listing(host)  # the specs column lists what each plugin's specs are
    found = [p for p in host.describe() if show_all or p["source"] != "builtin"]
    if as_json:
        import json

        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    from tabulate import tabulate

    rows = []
    for p in found:
        given = "; ".join(
            f"{render('plugins-kind-' + kind, {})}: {', '.join(p['registered'][kind])}"
            for kind in KINDS
            if p["registered"][kind]
        )
        rows.append([p["name"], p["distribution"] or "", p["version"] or "", ", ".join(p["hooks"]), given, " | ".join(p["errors"])])
    columns = ("plugin", "distribution", "version", "hooks", "registered", "errors")
    headers = [render(f"plugins-col-{c}", {}) for c in columns]
    click.echo(tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True) if rows else render("plugins-none", {}))


def _pip(args: list[str], packages: tuple[str, ...]) -> None:
    """pip of the interpreter running cchc, so plugins land where cchc finds them."""
    from ..flow.findings import CchcError

    import subprocess

    code = subprocess.run([sys.executable, "-m", "pip", *args]).returncode
    if code != 0:
        raise CchcError.make("plugin-install-failed", packages=" ".join(packages), status=code)


# The plugins that come with the cchc-engine repository (plugins/NAME): `cchc install NAME`
# installs them from there, without the network, when cchc runs from a copy of the repository.
BUNDLED_PLUGINS = ("cchc-docx", "cchc-tsv")


def bundled_folder(name: str) -> "Path | None":
    """The project folder of a bundled plugin: the repository's plugins/ when cchc runs from a
    copy of the repository, else the copy the wheel carries (cchc_engine/bundled/)."""
    from pathlib import Path

    plugin = name.lower().replace("_", "-")
    if plugin not in BUNDLED_PLUGINS:
        return None
    package = Path(__file__).resolve().parents[1]
    for folder in (package.parent / "plugins" / plugin, package / "bundled" / plugin):
        if (folder / "pyproject.toml").is_file():
            return folder
    return None


def offline_args(folder: "Path", editable: bool) -> list[str]:
    """pip's arguments that install a plugin folder with no network: no index, and the build
    backend from this environment when it has one (pip otherwise fetches it to build)."""
    import importlib.util

    isolation = ["--no-build-isolation"] if importlib.util.find_spec("hatchling") else []
    return ["--no-index", *isolation, *(["-e"] if editable else []), str(folder)]


@click.command("install", cls=Command)
@click.argument("packages", nargs=-1, required=True)
@click.option("-U", "--upgrade", is_flag=True, help="Upgrade the packages to their newest version.")
@click.option("-e", "--editable", is_flag=True, help="Install a project folder in editable mode (while developing a plugin).")
def install_command(packages: tuple[str, ...], upgrade: bool, editable: bool) -> None:
    """Install plugins (PyPI names, wheels or folders) into the environment cchc runs in.

    A plugin bundled with cchc-engine (cchc-docx, cchc-tsv) is installed from the
    repository's plugins/ folder, without the network, when cchc runs from a copy
    of the repository.

    \b
    Examples:
      cchc install cchc-docx
      cchc install ./cchc-ods               # a plugin project folder
      cchc install -e ./cchc-ods            # while developing it
    """
    import subprocess

    from ..flow.findings import CchcError
    from ..text.messages import render

    rest: list[str] = []
    for package in packages:
        folder = bundled_folder(package)
        if folder is None:
            rest.append(package)
            continue
        args = [sys.executable, "-m", "pip", "install", "-q", *(["--upgrade"] if upgrade else []), *offline_args(folder, editable)]
        if subprocess.run(args, capture_output=True, text=True).returncode == 0:
            click.echo(render("plugin-installed-bundled", {"package": package, "folder": str(folder)}), err=True)
            continue
        rest.append(str(folder))  # its dependencies are not here: pip fetches them (network)
    if not rest:
        return
    args = ["install"]
    if upgrade:
        args.append("--upgrade")
    for package in rest:
        args += ["-e", package] if editable else [package]
    try:
        _pip(args, tuple(rest))
    except CchcError as exc:
        bundled = [p for p in rest if p.lower().replace("_", "-") in BUNDLED_PLUGINS]
        if not bundled:
            raise
        # installed from a wheel, cchc has no plugins/ folder: say where the bundled plugin is
        first = exc.findings[0]
        hint = render("plugin-install-bundled-hint", {"package": bundled[0].lower().replace("_", "-")})
        raise CchcError(first.replace(message=f"{first.message} {hint}"), exit_code=exc.exit_code) from None


@click.command("uninstall", cls=Command)
@click.argument("packages", nargs=-1, required=True)
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def uninstall_command(packages: tuple[str, ...], yes: bool) -> None:
    """Uninstall plugins by distribution name (the 'distribution' column of `cchc plugins`).

    \b
    Example: cchc uninstall cchc-docx -y
    """
    _pip(["uninstall", *(["-y"] if yes else []), *packages], packages)


@click.command("new-plugin", cls=Command)
@click.argument("folder", type=click.Path(path_type=PathValue))
@click.option("--kind", type=click.Choice(["writer", "reader", "checks", "spec"]), default="writer", show_default=True,
              help="What the plugin adds: an output format, an input reader, a province's checks or a province's spec.")
def new_plugin_command(folder: Path, kind: str) -> None:
    """Start a plugin project in FOLDER (named like cchc-NAME) that installs, runs and
    passes its tests as written.

    \b
    Example:
      cchc new-plugin cchc-html --kind writer && cchc install -e ./cchc-html
    """
    from ..flow.findings import CchcError
    from ..text.messages import render
    from ..scaffold import valid_name, write_project

    if not valid_name(folder.name):
        raise CchcError.make("scaffold-bad-name", name=folder.name)
    if folder.exists():
        raise CchcError.make("scaffold-exists", folder=str(folder))
    files = write_project(folder, kind)
    click.echo(render("scaffold-written", {"folder": str(folder), "files": len(files), "kind": kind}), err=True)
