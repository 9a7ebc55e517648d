"""``CCHC_TRACE_PLUGINS=1``: each hook call and its result on stderr, through pluggy's call monitoring."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Sequence

from .isolation import error_text

if TYPE_CHECKING:
    from .host import PluginHost


def start_trace(host: "PluginHost") -> None:
    from ..text.messages import render

    def before(hook_name: str, impls: Sequence[Any], kwargs: dict[str, Any]) -> None:
        print(render("plugin-trace-call", {"hook": hook_name, "args": ", ".join(kwargs),
                                           "plugins": ", ".join(i.plugin_name for i in reversed(impls)) or "-"}),
              file=sys.stderr)

    def after(outcome: Any, hook_name: str, impls: Sequence[Any], kwargs: dict[str, Any]) -> None:
        error = outcome.exception
        shown = error_text(error) if error is not None else repr(outcome.get_result())[:200]
        print(render("plugin-trace-result", {"hook": hook_name, "result": shown}), file=sys.stderr)

    host.pm.add_hookcall_monitoring(before, after)
