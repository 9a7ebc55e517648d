"""The app as uvicorn's factory, configured from the environment `cchc serve` sets
(each worker process builds its own app; they share the database and the secret)."""

from __future__ import annotations

import os
from typing import Any


def app() -> Any:
    from . import create_app

    return create_app(
        os.environ["CCHC_DB"],
        spec=os.environ.get("CCHC_SERVER_SPEC", "2023"),
        max_upload=int(os.environ.get("CCHC_SERVER_MAX_UPLOAD", str(20 * 1024 * 1024))),
        secure_cookies=os.environ.get("CCHC_SERVER_SECURE") == "1",
    )
