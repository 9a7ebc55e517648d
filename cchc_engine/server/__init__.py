"""The web server: pages for units, reviewers and administrators, and a JSON API.

Needs the ``server`` extra (``pip install 'cchc-engine[server]'``): Starlette,
Jinja2, uvicorn, python-multipart. ``create_app(store_url)`` makes the ASGI app;
``cchc serve`` runs it. Design: docs/architecture.md ("The store and the server").
"""

from __future__ import annotations

from typing import Any


def create_app(store_url: Any, **options: Any) -> Any:
    """The Starlette app over the store at ``store_url`` (see ``app.create_app``), with
    its JSON API (``api.routes()``)."""
    from . import api
    from .app import create_app as make

    return make(store_url, more_routes=api.routes(), **options)


__all__ = ["create_app"]
