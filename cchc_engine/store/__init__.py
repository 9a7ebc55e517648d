"""The store: every submission kept (units, versions, explanations, reviews, accounts, audit).

``Store`` is the Python API the CLI commands (`cchc submit`, `board`, `history`,
`explain`, `review`, `aggregate --db`, `units import`, `db upgrade`) and the web
server call; docs/store.md says what each guarantees. SQLAlchemy, Alembic and
psycopg come with the ``store`` extra (``pip install 'cchc-engine[store]'``), so
this package imports them only when a store is opened. The checks across periods
the engine runs against a store's earlier reports are ``cchc_engine.flow.periods`` (outside
this package, which imports the engine).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "Store", "Unit", "Submission", "Submitted", "Explanation", "Review", "Account", "BoardRow", "AuditEntry",
    "STATES", "ROLES", "DECISIONS", "finding_key",
]


def __getattr__(name: str) -> Any:
    # sqlalchemy is imported by store.store: only when the store is used
    if name in __all__:
        from . import store

        return getattr(store, name)
    raise AttributeError(name)
