"""Failure isolation per hook implementation, and which plugin is running.

Every non-wrapper hookimpl is wrapped (``wrap``) when the host first calls its hook:
an exception is recorded as that plugin's ``Outcome`` and the other implementations
still run; ``register(...)`` callbacks read ``current_plugin`` to attribute items.
"""

from __future__ import annotations

import contextvars
import functools
from dataclasses import dataclass
from typing import Any, Callable, Optional

# Which plugin's hookimpl is running (register() callbacks attribute items by it),
# and the outcomes of the hook call in progress (host.call reads them).
current_plugin: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("cchc_current_plugin", default=None)
outcomes: contextvars.ContextVar[Optional[list["Outcome"]]] = contextvars.ContextVar("cchc_outcomes", default=None)


def error_text(error: BaseException) -> str:
    """'Type: message' on one line, whatever the exception's own text looks like."""
    return " ".join(f"{type(error).__name__}: {error}".split())[:500]


@dataclass
class Outcome:
    """What one implementation did in one hook call."""

    plugin: str
    value: Any = None
    error: Optional[BaseException] = None


def wrap(function: Callable[..., Any], plugin: str, fail: Callable[[str, BaseException], Any]) -> Callable[..., Any]:
    """``function`` guarded: its outcome goes to the call in progress (else ``fail(plugin, error)``)."""

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        token = current_plugin.set(plugin)
        record = outcomes.get()
        try:
            value = function(*args, **kwargs)
        except Exception as exc:
            if record is not None:
                record.append(Outcome(plugin, None, exc))
            else:
                fail(plugin, exc)
            return None
        finally:
            current_plugin.reset(token)
        if record is not None:
            record.append(Outcome(plugin, value))
        return value

    guarded._cchc_guarded = True  # type: ignore[attr-defined]
    return guarded


def is_wrapped(function: Callable[..., Any]) -> bool:
    return getattr(function, "_cchc_guarded", False)
