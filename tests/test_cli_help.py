"""`cchc … --help` in the officer's language: Vietnamese by default (helptexts.py),
the code's English under --lang en; nothing left untranslated, nothing stale."""

from __future__ import annotations

import inspect
import re

import click
import pytest
from click.testing import CliRunner

from cchc_engine.cli import Command, Group
from cchc_engine.cli.helptexts import COMMANDS, OPTIONS
from cchc_engine.cli.main import cli
from cchc_engine.text.messages import set_lang


def _ours() -> list[tuple[str, click.Command]]:
    out = []

    def walk(cmd: click.Command, path: str) -> None:
        out.append((path, cmd))
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            walk(sub, f"{path} {name}".strip())

    walk(cli, "")
    return out


_EXAMPLE = re.compile(r"^(?:(?:Example|Ví dụ):\s*)?((?:[A-Z_]+=\s*)?cchc\s.*)$")


def _examples(text: str) -> list[str]:
    """The command lines a help shows ("cchc …", "Example: cchc …"), comments left out."""
    found = (_EXAMPLE.match(line.split("#")[0].strip()) for line in text.splitlines())
    return [m.group(1).strip() for m in found if m]


def _help(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), prog_name="cchc")
    set_lang("vi")
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_command_and_option_has_its_vietnamese_and_nothing_is_stale():
    used_commands, used_options = set(), {"Show this message and exit."}
    for path, cmd in _ours():
        assert isinstance(cmd, (Command, Group)) and cmd.help_key == path, path
        assert path in COMMANDS, f"no Vietnamese help for `cchc {path}`"
        used_commands.add(path)
        english = inspect.cleandoc(cmd.__dict__.get("_english", {}).get(None) or cmd.help or "")
        # the same examples in both languages (an English example changed → its translation is stale)
        assert _examples(english) == _examples(COMMANDS[path]), path
        for p in cmd.params:
            if isinstance(p, click.Option):
                text = cmd.__dict__.get("_english", {}).get(p.name) or p.help
                assert text in OPTIONS, f"`cchc {path}` {p.opts[0]}: no Vietnamese for {text!r}"
                used_options.add(text)
    assert set(COMMANDS) == used_commands and set(OPTIONS) == used_options


def test_help_is_vietnamese_by_default_and_english_on_request():
    vi = _help("--help")
    assert vi.startswith("Cách dùng: cchc ") and "\nTùy chọn:\n" in vi and "\nLệnh:\n" in vi
    assert "In hướng dẫn này rồi thoát." in vi and "[mặc định: vi]" in vi
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "read, validate", "[default"):
        assert english not in vi, english
    en = _help("--lang", "en", "--help")
    assert en.startswith("Usage: cchc ") and "Options:" in en and "Show this message and exit." in en
    assert "Cách dùng" not in en and "Tùy chọn" not in en


@pytest.mark.parametrize("path", [p for p, _ in _ours() if p])
def test_each_commands_help_in_both_languages(path):
    words = path.split()
    vi = _help(*words, "--help")
    assert vi.startswith(f"Cách dùng: cchc {path} ") and COMMANDS[path].splitlines()[0][:40] in " ".join(vi.split())
    assert "Options:" not in vi and "[required]" not in vi
    en = _help("--lang", "en", *words, "--help")  # the group's --lang, before the command
    assert en.startswith(f"Usage: cchc {path} ") and "Cách dùng" not in en


def test_a_commands_own_lang_option_counts_before_help():
    en = _help("compute", "--lang", "en", "--help")
    assert en.startswith("Usage: cchc compute ") and "Read FILE, validate every value" in en
    assert "default: the installed spec of the year" in en  # --spec may be left out
    en = _help("aggregate", "--lang", "en", "--help")
    assert en.startswith("Usage: cchc aggregate ") and "[required]" in en
