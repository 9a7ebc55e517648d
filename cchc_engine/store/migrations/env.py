"""Alembic's entry point: the store passes its open connection (``config.attributes``),
so a migration runs in the store's own transaction and on any database it supports."""

from __future__ import annotations

from alembic import context

from cchc_engine.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
