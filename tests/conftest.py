"""Shared fixtures: paths to the committed fixture workbooks and a CLI runner.

The workbooks in tests/fixtures/ are generated from the real reports in
../shared/seeds by scripts/make_fixtures.py (deterministic; rerun it to
regenerate). Tests build their own variants in tmp_path with the same script.
"""

from __future__ import annotations

import atexit
import csv
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# Tests that name no count draw hypothesis's default; nightly draws ten times more.
# Tests that name their full count scale it with tests/budget.py.
# No example database: a run writes nothing into the checkout or the home directory.
settings.register_profile("suite", database=None)
settings.register_profile("nightly", max_examples=1000, database=None)
_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
settings.load_profile("suite" if _PROFILE == "default" else _PROFILE)
from click.testing import CliRunner

# The plugin authors' testing kit, used here the way docs/plugins.md tells authors to.
pytest_plugins = ["cchc_engine.testing"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(ROOT / "scripts"))

# The suite never writes to the user's cache: compiled specs go to a throwaway
# directory (inherited by the CLI processes the tests start).
_CACHE_DIR = tempfile.mkdtemp(prefix="cchc-test-cache-")
os.environ["CCHC_CACHE_DIR"] = _CACHE_DIR
atexit.register(shutil.rmtree, _CACHE_DIR, True)


@pytest.fixture(autouse=True)
def _no_user_specs(tmp_path_factory, monkeypatch):
    """Tests never see the machine's spec search path or the user's spec directory."""
    monkeypatch.delenv("CCHC_SPECS_PATH", raising=False)
    monkeypatch.setenv("CCHC_USER_SPECS", str(tmp_path_factory.mktemp("user-specs")))


@pytest.fixture(scope="session")
def _core_host():
    """One host for the core tests: built-ins only, whatever is installed (the repo's own
    plugins have their tests in plugins/*/tests, which use the installed entry points)."""
    from cchc_engine.plugins import PluginHost

    return PluginHost(entry_points=False, load_only=None, trace=False)


@pytest.fixture(autouse=True)
def _no_installed_plugins(_core_host):
    """The kit's runs (run_cli, run_compute, the ``runner`` fixture) use the core host."""
    from cchc_engine.testing import using_host

    _core_host.problems.clear()
    with using_host(_core_host):
        yield _core_host
    _core_host.problems.clear()


@pytest.fixture(scope="module")
def every_format():
    """Built-ins plus the repo's own .docx and pasted-text plugins (registered by hand, not
    from entry points): a host that reads every format an officer holds. Pass it as ``host=``
    (or ``using_host`` for the kit's runs)."""
    import cchc_docx
    import cchc_tsv

    from cchc_engine.plugins import PluginHost

    host = PluginHost(entry_points=False, load_only=None, trace=False)
    host.load()
    host.pm.register(cchc_docx, name="docx")
    host.pm.register(cchc_tsv, name="tsv")
    host.reset()
    return host


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def spec2023(_core_host):
    from cchc_engine.spec.registry import resolve

    return resolve("2023", _core_host)


@pytest.fixture(scope="session")
def spec2021(_core_host):
    from cchc_engine.spec.registry import resolve

    return resolve("2021", _core_host)


class KitRunner(CliRunner):
    """click's runner giving the CLI the kit's host (``obj={"host": …}``), as run_cli does."""

    def invoke(self, cli, args=None, **kwargs):
        from cchc_engine.testing import _kit_host

        kwargs.setdefault("obj", {"host": _kit_host.get()})
        return super().invoke(cli, args, **kwargs)


@pytest.fixture
def runner() -> CliRunner:
    return KitRunner()


def seed_rows(name: str) -> list[dict]:
    """Rows extracted from a seed (tests/fixtures/seedNNN_rows.tsv)."""
    with open(FIXTURES / f"{name}_rows.tsv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def cli(*args: str):
    """Run the real CLI in-process with the kit's host; returns (exit_code, stdout, stderr)."""
    from cchc_engine.testing import run_cli

    return run_cli(*args)


@pytest.fixture(autouse=True)
def _vietnamese_by_default():
    """A CLI run with --lang en must not leave English behind for the next test."""
    from cchc_engine.text.messages import set_lang

    yield
    set_lang("vi")
