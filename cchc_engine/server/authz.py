"""The one authorization function: may this account do this to this unit's data?

Every page, download and API route asks ``allowed`` with the unit the object belongs
to (a submission's unit, a board's root, a compile's unit) after loading it, never in
a template. A unit account acts on its own unit; a reviewer on its subtree (the unit
it belongs to and everything below); an administrator on everything.
"""

from __future__ import annotations

from typing import Any, Optional

# What each role may do at all; where, is the subtree rule below.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "unit": frozenset({"view", "submit", "explain", "download"}),
    "reviewer": frozenset({"view", "download", "review", "board", "compile", "chart"}),
    "admin": frozenset({"view", "submit", "explain", "download", "review", "board", "compile", "chart", "admin"}),
}
ACTIONS = frozenset().union(*ROLE_ACTIONS.values())


class Forbidden(Exception):
    """The account may not do this here (403), or nobody is signed in (401)."""

    def __init__(self, status: int = 403) -> None:
        super().__init__(status)
        self.status = status


def allowed(store: Any, account: Optional[Any], action: str, unit: Optional[str] = None) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if account is None or not getattr(account, "active", True) or action not in ROLE_ACTIONS.get(account.role, frozenset()):
        return False
    if account.role == "admin":
        return True
    if action == "admin":
        return False
    if unit is None or account.unit is None:
        return False
    if account.role == "unit":
        return unit == account.unit
    from .cycle import ancestors

    return account.unit in ancestors(store, unit)  # reviewer: the unit is at or below theirs


def require(store: Any, account: Optional[Any], action: str, unit: Optional[str] = None) -> None:
    if account is None:
        raise Forbidden(401)
    if not allowed(store, account, action, unit):
        raise Forbidden(403)
