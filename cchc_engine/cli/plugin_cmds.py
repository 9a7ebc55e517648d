"""`cchc plugins`: what is installed, and what each plugin gave."""

from __future__ import annotations

import json

import click

KINDS = ("formats", "readers", "specs", "commands")


def register(cli: click.Group) -> None:
    cli.add_command(plugins_command)


@click.command(name="plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (name, version, hooks, registered) for machines.")
@click.option("--all", "show_all", is_flag=True, help="Include the built-in default plugins.")
def plugins_command(as_json: bool, show_all: bool) -> None:
    """List installed plugins: version, hooks implemented, and the formats,
    readers, specs and commands each registered.

    \b
    Liệt kê plugin đã cài: phiên bản, hook, và những gì mỗi plugin đăng ký.
    Examples:
      cchc plugins --all
      cchc plugins --json
      CCHC_LOAD_PLUGINS= cchc plugins --all     # built-ins only
    """
    from ..messages import render
    from ..plugins import DEFAULT_PLUGINS, get_plugins

    found = [p for p in get_plugins() if show_all or p["name"] not in DEFAULT_PLUGINS]
    if as_json:
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
        rows.append([p["name"], p["version"] or "", ", ".join(p["hooks"]), given])
    headers = [render(f"plugins-col-{c}", {}) for c in ("plugin", "version", "hooks", "registered")]
    click.echo(tabulate(rows, headers=headers, tablefmt="simple") if rows else "(không có plugin ngoài / no third-party plugins; --all shows the built-ins)")
