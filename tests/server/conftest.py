"""The server tests' fixtures (the kit is serverkit.py: this folder is a package, so its
modules never shadow tests/conftest.py)."""

from __future__ import annotations

import pytest

from .serverkit import start_server, stop_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    srv = start_server(tmp_path_factory.mktemp("server"))
    yield srv
    stop_server(srv)
