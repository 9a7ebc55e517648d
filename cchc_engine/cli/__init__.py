"""The `cchc` command line: ``main.py`` is the group, each ``*_cmds.py`` adds commands.

`cchc --help` imports every module here, so they import the standard library's
heavier modules (pathlib, json) and the engine's own (findings, messages) inside the
commands that use them, not at the top: tests/test_plugin_lazy.py checks it.

Help is shown in the officer's language: the English is in the code (docstrings,
``help=``), the Vietnamese in ``helptexts.py``; our commands are ``Command`` /
``Group``, which put the right one in place when help is asked for, and their
context's ``HelpFormatter`` says click's own words (Usage, Options, default) too.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Optional, Sequence

import click


class PathValue:
    """``click.Path(path_type=PathValue)``: the value as a ``pathlib.Path``, with
    pathlib imported only when a path is given (it is a tenth of `cchc --help`)."""

    def __new__(cls, value: Any) -> Any:
        from pathlib import Path

        return Path(value)


def lang_now(ctx: click.Context, param: click.Parameter, value: Optional[str]) -> Optional[str]:
    """``--lang`` takes effect as soon as it is read: eager, like ``--help``, so
    `cchc compute --lang en --help` is in English."""
    if value:
        from ..text.lang import set_lang

        set_lang(value)
    return value


def lang_option(f: Callable) -> Callable:
    """``--lang`` on a command: eager (set when read, see ``lang_now``) and not passed to
    the command function, which has nothing to do with it."""
    return click.option("--lang", type=click.Choice(["vi", "en"]), default=None, is_eager=True, expose_value=False,
                        callback=lang_now, help="Language of messages and headers.")(f)


def error_line(finding) -> str:
    """'Lỗi: where: message' for errors, 'Cảnh báo: …' for warnings, the plain line for infos."""
    from ..text.messages import render
    from ..text.textnorm import clean_cell_text

    prefix = {"error": "cli-error-prefix", "warning": "cli-warning-prefix"}.get(finding.severity)
    line = render(prefix, {"text": finding.located()}) if prefix else finding.located()
    # A file name or cell text may carry ESC sequences or line breaks: one plain line, always.
    return clean_cell_text(line).replace("\n", " ").replace("\t", " ")


def host_for(ctx: Optional[click.Context] = None) -> Any:
    """This invocation's plugin host: made once per `cchc` run from its global options
    (``--plugins-dir``, ``--strict-plugins``) and kept in the root context's ``obj``. A
    caller running the CLI in-process may give its own: ``cli.main(obj={"host": host})``."""
    root = (ctx or click.get_current_context()).find_root()
    root.ensure_object(dict)
    params = root.params
    host = root.obj.get("host")
    if host is None:
        from ..plugins.host import PluginHost  # not at import: `cchc --help` may need no host

        host = root.obj["host"] = PluginHost()
    # The global options, once read (a command is looked up after them: a plugins-folder
    # file's commands are found), applied once to whichever host this run has.
    if "plugins_dirs" in params and not root.obj.get("host_options"):
        root.obj["host_options"] = True
        host.strict = bool(params.get("strict_plugins"))
        for directory in params.get("plugins_dirs") or ():
            if directory not in host.plugins_dirs:
                host.add_plugins_dir(directory)
    return host


def session_for(spec_name: str) -> Any:
    """A Session for this invocation: the spec resolved with its host, in its language."""
    from ..text.lang import get_lang
    from ..session import Session  # not at import: `cchc --help` never reads a report

    return Session.open(spec_name, lang=get_lang(), host=host_for())


def _vietnamese() -> bool:
    from ..text.lang import get_lang

    return get_lang() == "vi"


class HelpFormatter(click.HelpFormatter):
    """click's formatter in the officer's language, its width found without shutil
    (which imports bz2, lzma and zlib: a tenth of `cchc --help`)."""

    def __init__(self, indent_increment: int = 2, width: Optional[int] = None, max_width: Optional[int] = None):
        if width is None and click.formatting.FORCED_WIDTH is None:
            width = max(min(_columns(), max_width or 80) - 2, 50)  # click's rule, with os for shutil
        super().__init__(indent_increment, width, max_width)

    def write_usage(self, prog: str, args: str = "", prefix: Optional[str] = None) -> None:
        if prefix is None and _vietnamese():
            from .helptexts import USAGE

            prefix = USAGE
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        if _vietnamese():
            from .helptexts import HEADINGS

            heading = HEADINGS.get(heading, heading)
        super().write_heading(heading)

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        if _vietnamese():
            rows = [(term, _extras(text)) for term, text in rows]
        super().write_dl(rows, col_max, col_spacing)


def _extras(text: str) -> str:
    """'…  [default: vi; required]' → '…  [mặc định: vi; bắt buộc]'."""
    from .helptexts import EXTRAS

    head, sep, tail = text.rpartition("  [")
    if not sep or not tail.endswith("]"):
        return text
    for english, vietnamese in EXTRAS:
        tail = tail.replace(english, vietnamese)
    return head + sep + tail


def _columns() -> int:
    """shutil.get_terminal_size().columns: COLUMNS, else the terminal's, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


class Context(click.Context):
    formatter_class = HelpFormatter


class _Localized:
    """Help in the run's language, put in place when help is asked for."""

    context_class = Context
    help: Optional[str]
    params: list[click.Parameter]

    def make_context(self, info_name: Optional[str], args: list[str], parent: Optional[click.Context] = None,
                     **extra: Any) -> click.Context:
        given = list(args)  # click's parser consumes ``args``
        try:
            return super().make_context(info_name, args, parent=parent, **extra)  # type: ignore[misc]
        except click.UsageError as exc:
            # The line did not parse, so the eager --lang had no turn: read it from the line
            # (`cchc compute --lang en --bogus`); a top-level mistake without it is Vietnamese.
            from ..text.lang import get_lang, set_lang
            from .usage import asks_english, localize

            if asks_english(given):
                set_lang("en")
            elif parent is None:
                set_lang("vi")
            raise localize(exc, get_lang()) from None

    def get_help(self, ctx: click.Context) -> str:
        self._localize()
        return super().get_help(ctx)  # type: ignore[misc]

    def get_short_help_str(self, limit: int = 45) -> str:
        self._localize()
        return super().get_short_help_str(limit)  # type: ignore[misc]

    def get_help_option(self, ctx: click.Context) -> Optional[click.Option]:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            from ..text.lang import get_lang
            from .helptexts import OPTIONS

            english = "Show this message and exit."  # click's (made anew per call in click 8.1)
            option.help = OPTIONS[english] if get_lang() == "vi" else english
        return option

    def _localize(self) -> None:
        from ..text.lang import get_lang
        from .helptexts import COMMANDS, OPTIONS

        lang = get_lang()
        english = self.__dict__.setdefault("_english", {})
        if not english:  # first time: keep the code's English
            english[None] = self.help
            english.update({p.name: getattr(p, "help", None) for p in self.params})
        key = getattr(self, "help_key", None)
        self.help = COMMANDS.get(key, english[None]) if lang == "vi" and key is not None else english[None]
        for p in self.params:
            if isinstance(p, click.Option) and english.get(p.name):
                p.help = OPTIONS.get(english[p.name], english[p.name]) if lang == "vi" else english[p.name]


class Command(_Localized, click.Command):
    """A `cchc` command; ``help_key`` is its path (``"spec show"``) in helptexts.COMMANDS."""

    help_key: Optional[str] = None


class Group(_Localized, click.Group):
    command_class = Command
    help_key: Optional[str] = None


def set_help_keys(group: click.Group, path: str = "") -> None:
    """Give each of our commands its path, the key of its Vietnamese help."""
    if isinstance(group, _Localized):
        group.help_key = path  # type: ignore[attr-defined]
    for name, command in group.commands.items():
        sub = f"{path} {name}".strip()
        if isinstance(command, click.Group):
            set_help_keys(command, sub)
        elif isinstance(command, _Localized):
            command.help_key = sub  # type: ignore[attr-defined]
