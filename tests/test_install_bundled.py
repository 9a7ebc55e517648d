"""`cchc install NAME` for a plugin bundled in the repository works without the network."""

from __future__ import annotations

import os
import subprocess
import sysconfig
from pathlib import Path

from cchc_engine.cli.plugin_cmds import BUNDLED_PLUGINS, bundled_folder, offline_args
from test_tutorials import make_venv

REPO = Path(__file__).resolve().parent.parent


def test_every_bundled_plugin_is_found_in_the_repository():
    assert {p.name for p in (REPO / "plugins").iterdir() if (p / "pyproject.toml").is_file()} == set(BUNDLED_PLUGINS)
    for name in BUNDLED_PLUGINS:
        assert bundled_folder(name) == REPO / "plugins" / name
    assert bundled_folder("cchc_tsv") == REPO / "plugins" / "cchc-tsv"  # pip's spelling too
    assert bundled_folder("requests") is None and bundled_folder("./plugins/cchc-tsv") is None
    assert offline_args(REPO / "plugins" / "cchc-tsv", False)[:1] == ["--no-index"]


def test_install_a_bundled_plugin_offline(tmp_path):
    python = make_venv(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if k not in ("CCHC_LOAD_PLUGINS", "CCHC_PLUGINS_DIR", "PYTHONPATH")}
    env.update(PIP_INDEX_URL="http://127.0.0.1:9/simple", PIP_NO_INDEX="1", PIP_RETRIES="0",
               PIP_DISABLE_PIP_VERSION_CHECK="1")  # no index anywhere: what an office PC offline has
    proc = subprocess.run([str(python), "-m", "cchc_engine", "install", "cchc-tsv"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # from the repository's plugins/ (an editable install) or the wheel's bundled/ copy
    assert "không cần mạng" in proc.stderr and "cchc-tsv" in proc.stderr, proc.stderr
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert site != sysconfig.get_paths()["purelib"]
    assert list(Path(site).glob("cchc_tsv-*.dist-info"))  # installed into the environment cchc runs in
