"""click's command-line errors in the officer's language.

click says what is wrong with a command line in English ("Missing argument 'FILE'.",
"No such option '--spek'.", "Invalid value for '--jobs': 0 is not in the range
x>=1."). The `cchc` group catches them where they arise (its own options in
``make_context``; the command name and a command's options in ``invoke``) and says
them from the catalogue, with the usage line and where to find help; exit 2 as click.
Under ``--lang en`` click's own text is kept. A message this module does not know
keeps click's words inside the Vietnamese frame.
"""

from __future__ import annotations

import re
import sys
from typing import IO, Any, Optional, Sequence

import click
from click import exceptions as ce


class LocalizedUsageError(click.UsageError):
    """A usage error said from the catalogue; shown as click shows one, in Vietnamese."""

    def __init__(self, original: click.UsageError, text: str):
        super().__init__(text, original.ctx)
        self.exit_code = original.exit_code

    def show(self, file: Optional[IO[Any]] = None) -> None:
        from ..text.messages import render

        ctx = self.ctx
        lines = []
        if ctx is not None:
            pieces = " ".join(ctx.command.collect_usage_pieces(ctx))
            lines.append(render("cli-usage", {"usage": f"{ctx.command_path} {pieces}".rstrip()}))
        lines.append(render("cli-error-prefix", {"text": self.message}))
        if ctx is not None and ctx.command.get_help_option(ctx) is not None:
            lines.append(render("cli-usage-help", {"command": f"{ctx.command_path} --help"}))
        click.echo("\n".join(lines), file=file or sys.stderr)


def asks_english(args: Sequence[str]) -> bool:
    """Whether the command line asks for English (``--lang en`` / ``--lang=en``)."""
    args = list(args)
    return "--lang=en" in args or any(a == "--lang" and b == "en" for a, b in zip(args, args[1:]))


def localize(exc: click.UsageError, lang: str) -> click.UsageError:
    """``exc`` said in ``lang``: a LocalizedUsageError in Vietnamese, ``exc`` itself in English."""
    if lang == "en" or isinstance(exc, LocalizedUsageError):
        return exc
    return LocalizedUsageError(exc, said(exc))


def said(exc: click.UsageError) -> str:
    """What is wrong, in the catalogue's (Vietnamese) words."""
    from ..text.messages import render

    if isinstance(exc, ce.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "parameter")
        return render("cli-missing-option" if kind == "option" else "cli-missing-argument", {"name": _hint(exc)})
    if isinstance(exc, ce.NoSuchOption):
        text = render("cli-no-such-option", {"name": exc.option_name})
        return _did_you_mean(text, exc.possibilities)
    if isinstance(exc, ce.BadOptionUsage) and "requires an argument" in exc.message:
        return render("cli-option-needs-value", {"name": exc.option_name})
    if isinstance(exc, ce.BadParameter):
        return render("cli-bad-value", {"name": _hint(exc), "problem": value_problem(exc.message)})
    no_such_command = getattr(ce, "NoSuchCommand", None)  # click >= 8.2; 8.1 says it in the message
    m = _NO_SUCH_COMMAND.match(exc.message)
    if (no_such_command is not None and isinstance(exc, no_such_command)) or m:
        name = getattr(exc, "command_name", None) or (m.group(1) if m else "?")
        return _did_you_mean(render("cli-no-such-command", {"name": name}), getattr(exc, "possibilities", None))
    m = _EXTRA.match(exc.message)
    if m:
        return render("cli-extra-arguments", {"args": m.group(1)})
    return exc.message  # unknown to this module: click's words, in the Vietnamese frame


_NO_SUCH_COMMAND = re.compile(r"^No such command '(.+?)'\.")
_EXTRA = re.compile(r"^Got unexpected extra arguments? \((.*)\)$")

# click's ParamType messages (click 8.1–8.3) → catalogue key and the groups it takes.
_VALUE_PROBLEMS = (
    (re.compile(r"^'?(.*?)'? is not a valid (?:integer|float|integer range|float range)\.$"), "cli-value-not-number"),
    (re.compile(r"^(.+) is not in the range (.+)\.$"), "cli-value-out-of-range"),
    (re.compile(r"^'(.*)' is not (?:one of )?(.+)\.$"), "cli-value-not-choice"),
    (re.compile(r"^(File|Directory|Path) '(.+)' does not exist\.$"), "cli-path-missing"),
)


def value_problem(english: str) -> str:
    from ..text.messages import render

    for pattern, key in _VALUE_PROBLEMS:
        m = pattern.match(english)
        if m is None:
            continue
        if key == "cli-value-not-number":
            return render(key, {"value": m.group(1)})
        if key == "cli-value-out-of-range":
            return render(key, {"value": m.group(1), "range": m.group(2)})
        if key == "cli-value-not-choice":
            return render(key, {"value": m.group(1), "choices": m.group(2).replace(" or ", ", ")})
        kind = render(f"cli-kind-{m.group(1).lower()}", {})
        return render(key, {"kind": kind, "path": m.group(2)})
    return english


def _hint(exc: click.UsageError) -> str:
    hint: Any = getattr(exc, "param_hint", None)
    param = getattr(exc, "param", None)
    if hint is None and param is not None:
        hint = param.get_error_hint(exc.ctx)
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(f"'{h}'" for h in hint)
    return str(hint or "")


def _did_you_mean(text: str, possibilities: Optional[Sequence[str]]) -> str:
    from ..text.messages import render

    if not possibilities:
        return text
    return text + " " + render("cli-did-you-mean", {"names": ", ".join(f"'{p}'" for p in sorted(possibilities))})
