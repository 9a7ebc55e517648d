"""The `cchc` command group: exit codes, errors and plugin commands.

Exit codes are a contract: 0 valid, 1 the data (or spec) has errors, 2 the call
or the input is unusable. Errors are one Vietnamese line each and never a
traceback, unless --debug.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Optional

import click

from .. import __version__
from . import Group, PathValue, error_line, host_for, lang_now, set_help_keys

if TYPE_CHECKING:
    from pathlib import Path


class CchcGroup(Group):
    """Turns every failure into located lines and an exit code (0 valid, 1 data errors, 2 unusable)."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> Optional[click.Command]:
        _add_plugin_commands(self, ctx)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        _add_plugin_commands(self, ctx)
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        debug = bool(ctx.obj and ctx.obj.get("debug"))
        from ..atomic import restore_signals, stop_on_signals  # here, not at the top: `cchc --help` never gets here

        replaced = stop_on_signals()  # SIGTERM and SIGHUP end a run as Ctrl-C does: cleanup, one line
        try:
            return self._invoke(ctx, debug)
        finally:
            restore_signals(replaced)  # an in-process caller (tests) gets its own handlers back

    def _invoke(self, ctx: click.Context, debug: bool) -> Any:
        from ..flow.findings import CchcError

        try:
            return super().invoke(ctx)
        except click.UsageError as exc:  # an unknown command's name (its options' mistakes come said)
            from ..text.lang import get_lang
            from .usage import localize

            raise localize(exc, get_lang()) from None
        except CchcError as exc:
            show_plugin_problems(ctx)  # a plugin's warning comes before the fatal line it caused
            if debug:
                import traceback  # only with --debug: not on every run

                traceback.print_exc()
            for finding in exc.findings:
                click.echo(error_line(finding), err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            # `cchc … | head -3`: the reader has gone; stop quietly
            from ..flow.output import silence_stdout

            silence_stdout()
            sys.exit(0)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP (atomic.Stopped)
            from ..text.messages import render

            click.echo(render("cli-interrupted", {}), err=True)
            sys.exit(getattr(exc, "exit_code", 130))
        except Exception as exc:  # the last line of defence: never a traceback
            show_plugin_problems(ctx)
            if debug:
                import traceback  # only with --debug: not on every run

                traceback.print_exc()
            from ..text.messages import render

            error = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
            click.echo(render("cli-error-prefix", {"text": render("internal-error", {"error": error})}), err=True)
            sys.exit(2)


def show_plugin_problems(ctx: Optional[click.Context] = None) -> None:
    """Print, once, the plugins that failed to load or raised in a hook."""
    root = (ctx or click.get_current_context()).find_root()
    host = (root.obj or {}).get("host")
    if host is None:
        return  # no host was made: no plugin ran
    for finding in host.take_problems():
        click.echo(error_line(finding), err=True)


@click.group(cls=CchcGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="cchc", message="%(prog)s %(version)s")  # no English word
@click.option("--debug", is_flag=True, help="Show a traceback on errors (for developers).")
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default="vi",
    show_default=True,
    is_eager=True,
    callback=lang_now,
    help="Language of messages and report headers.",
)
@click.option(
    "--plugins-dir",
    "plugins_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=PathValue),
    help="Also load every *.py file in DIR as a plugin (repeatable; env CCHC_PLUGINS_DIR).",
    metavar="DIR",
)
@click.option("--strict-plugins", is_flag=True, help="A plugin that fails during a check is an error (exit 1), not a warning.")
@click.option("--wide", is_flag=True, help="Do not wrap tables to the terminal's width (one line per row).")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=PathValue),
    default=None,
    metavar="FILE",
    help="Also read plugin settings from FILE (env CCHC_CONFIG); ./cchc.toml is read only when named here.",
)
@click.pass_context
def cli(
    ctx: click.Context, debug: bool, lang: str, plugins_dirs: tuple[Path, ...], strict_plugins: bool, wide: bool,
    config_file: Optional[Path] = None,
) -> None:
    """cchc: read, validate, compute and compile CCHC statistics reports.

    \b
    Examples:
      cchc compute --spec 2023 examples/lam-thao-2023-q3.xlsx
      cchc specs
      cchc spec check 2023
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if debug:
        from ..spec import cache

        cache.debug_log = lambda line: click.echo(line, err=True)
        ctx.call_on_close(lambda: setattr(cache, "debug_log", None))  # in-process callers (tests) run on
    if config_file is not None:
        from .. import config

        token = config.use_named(str(config_file))
        ctx.call_on_close(lambda: config.reset_named(token))  # in-process callers (tests) run on
    host_for(ctx)  # this run's plugins, with --plugins-dir and --strict-plugins (--lang took effect when read)
    from ..text.termtable import set_wide

    set_wide(wide)
    ctx.call_on_close(lambda: show_plugin_problems(ctx))


def _register_commands() -> None:
    from . import aggregate_cmds, compute_cmds, spec_cmds

    spec_cmds.register(cli)
    compute_cmds.register(cli)
    aggregate_cmds.register(cli)
    from . import plugin_cmds

    plugin_cmds.register(cli)
    from . import maintain_cmds

    maintain_cmds.register(cli)
    from . import store_cmds

    store_cmds.register(cli)
    from . import serve_cmds

    serve_cmds.register(cli)
    set_help_keys(cli)


_register_commands()


def _add_plugin_commands(group: click.Group, ctx: click.Context) -> None:
    """Plugin commands are added when a command is looked up (after the global options
    such as --plugins-dir are read, so a plugins-folder file's commands are there too),
    not at import: keeps `import` fast."""
    host_for(ctx).add_commands(group)


def main(argv: Optional[list[str]] = None) -> None:
    cli.main(args=argv, prog_name="cchc")
