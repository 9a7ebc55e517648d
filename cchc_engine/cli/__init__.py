"""The `cchc` command line: ``main.py`` is the group, each ``*_cmds.py`` adds commands.

`cchc --help` imports every module here, so they import the standard library's
heavier modules (pathlib, json) and the engine's own (findings, messages) inside the
commands that use them, not at the top: tests/test_plugin_lazy.py checks it.
"""

from __future__ import annotations

from typing import Any


class PathValue:
    """``click.Path(path_type=PathValue)``: the value as a ``pathlib.Path``, with
    pathlib imported only when a path is given (it is a tenth of `cchc --help`)."""

    def __new__(cls, value: Any) -> Any:
        from pathlib import Path

        return Path(value)
