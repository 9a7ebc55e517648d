"""`cchc serve`: the web pages and the JSON API for a province (the ``server`` extra)."""

from __future__ import annotations

import os
import secrets
from typing import Optional

import click

from . import Command, lang_option


def register(cli: click.Group) -> None:
    cli.add_command(serve)


@click.command(cls=Command)
@click.option("--db", "db_url", default=None, help="Database URL (sqlite:///path); default $CCHC_DB, else a file in the user's data folder.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (put a reverse proxy with TLS in front).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--spec", "spec_name", default="2023", show_default=True, help="Spec the reports are checked against.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Server processes (one per CPU core for many uploads).")
@click.option("--max-upload-mb", type=click.IntRange(min=1), default=20, show_default=True, help="Largest accepted request body, in MB.")
@click.option("--secure-cookies", is_flag=True, help="Send the sign-in cookie over HTTPS only (behind a TLS proxy).")
@click.option("--create-admin", "admin", default=None, help="Create this administrator account (password from $CCHC_ADMIN_PASSWORD or asked) and stop.")
@lang_option
def serve(db_url: Optional[str], host: str, port: int, spec_name: str, workers: int, max_upload_mb: int,
          secure_cookies: bool, admin: Optional[str]) -> None:
    """Serve the pages and the JSON API: units upload and explain, reviewers review and compile.

    \b
    Example: cchc serve --db sqlite:///srv/cchc/cchc.sqlite3 --port 8000
    """
    try:
        import jinja2  # noqa: F401
        import sqlalchemy  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        from ..flow.findings import CchcError

        raise CchcError.make("server-extra-missing") from None
    from ..store import Store
    from ..store.db import resolve_url

    url = resolve_url(db_url)
    store = Store.open(url)  # migrated before the first worker starts
    if admin:
        from ..text.messages import render
        from ..server.auth import hash_password

        password = os.environ.get("CCHC_ADMIN_PASSWORD") or click.prompt(render("page-password", {}), hide_input=True,
                                                                         confirmation_prompt=True)
        store.create_account(admin, "admin", password_hash=hash_password(password), by="cli")
        return
    store.close()
    # Every worker signs cookies with the same secret: made once here unless given.
    os.environ.setdefault("CCHC_SECRET", secrets.token_hex(32))
    os.environ.update(CCHC_DB=url, CCHC_SERVER_SPEC=spec_name, CCHC_SERVER_MAX_UPLOAD=str(max_upload_mb * 1024 * 1024),
                      CCHC_SERVER_SECURE=str(int(secure_cookies)))
    import uvicorn

    uvicorn.run("cchc_engine.server.asgi:app", factory=True, host=host, port=port, workers=workers,
                proxy_headers=True, log_level="info")
