"""Every hook a cchc plugin can implement. These names and arguments are public API."""

from __future__ import annotations

from typing import Any, Callable, Optional

import pluggy

hookspec = pluggy.HookspecMarker("cchc")
hookimpl = pluggy.HookimplMarker("cchc")


@hookspec
def register_specs(register: Callable[..., None]) -> None:
    """Register spec files: call register(path) for each YAML spec the plugin ships."""


@hookspec
def register_readers(register: Callable[..., None]) -> None:
    """Register input readers: call register(reader) for each cchc_engine.protocols.Reader (name, suffixes, sniff(path), read(path, options))."""


@hookspec
def register_writers(register: Callable[..., None]) -> None:
    """Register output formats: call register(writer) for each cchc_engine.protocols.Writer (name, suffix, binary, write(result, stream, options))."""


@hookspec
def register_commands(cli: Any) -> None:
    """Add click commands to the `cchc` command group."""


@hookspec
def check_result(result: Any, spec: Any, lang: str) -> Optional[list[Any]]:
    """Return extra findings (cchc_engine.api.Finding.make) for a computed result in language lang; None or [] for none."""


@hookspec(firstresult=True)
def choose_reader(path: str, readers: list[Any]) -> Optional[Any]:
    """Pick the reader for a file before the built-in choice by suffix and sniffing. Stops at first non-None result."""
