"""Docs that cannot drift: every hook documented with its exact arguments and tested;
the plugin tutorial works as written."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from cchc_engine import hookspecs

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
HOOKS = sorted(
    name for name, fn in vars(hookspecs).items() if inspect.isfunction(fn) and hasattr(fn, "cchc_spec")
)


def documented_hooks() -> dict[str, list[str]]:
    text = (DOCS / "plugin_hooks.md").read_text(encoding="utf-8")
    return {
        m.group(1): [a.strip() for a in m.group(2).split(",") if a.strip()]
        for m in re.finditer(r"^## (\w+)\(([^)]*)\)$", text, re.MULTILINE)
    }


def test_hookspecs_found():
    assert HOOKS == ["check_result", "choose_reader", "register_commands", "register_readers", "register_specs", "register_writers"]


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_with_its_arguments(hook):
    docs = documented_hooks()
    assert hook in docs, f"docs/plugin_hooks.md has no section '## {hook}(...)'"
    assert docs[hook] == list(inspect.signature(getattr(hookspecs, hook)).parameters), hook


def test_no_documented_hook_that_does_not_exist():
    assert sorted(documented_hooks()) == HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_one_line_docstring(hook):
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
    assert doc and "\n" not in doc


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test(hook):
    pattern = re.compile(rf"^def test_hook_{hook}\b", re.MULTILINE)
    assert any(pattern.search(p.read_text(encoding="utf-8")) for p in (ROOT / "tests").rglob("test_*.py")), (
        f"no test_hook_{hook} in tests/"
    )


# --- the tutorial, followed literally ---------------------------------------------------

MARKER = re.compile(r"<!-- tutorial-file: (\S+) -->\s*```\w*\n(.*?)```", re.DOTALL)


def tutorial_files() -> dict[str, str]:
    return dict(MARKER.findall((DOCS / "plugins.md").read_text(encoding="utf-8")))


def install_like_pip(project: Path, site: Path) -> None:
    """What `pip install ./cchc-hello` leaves for importlib.metadata: the module and a
    dist-info with the entry points of pyproject.toml. (A real pip install into the
    environment is slower and would outlive the test; CCHC_TEST_PIP=1 does one into
    a --target folder instead.)"""
    meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    if os.environ.get("CCHC_TEST_PIP"):
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(project)], check=True
        )
        return
    for module in tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["py-modules"]:
        (site / f"{module}.py").write_text((project / f"{module}.py").read_text(encoding="utf-8"), encoding="utf-8")
    info = site / f"{meta['name'].replace('-', '_')}-{meta['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {meta['name']}\nVersion: {meta['version']}\n", encoding="utf-8")
    eps = "".join(f"{k} = {v}\n" for k, v in meta["entry-points"]["cchc"].items())
    (info / "entry_points.txt").write_text(f"[cchc]\n{eps}", encoding="utf-8")


def test_tutorial_works_as_written(tmp_path):
    files = tutorial_files()
    assert sorted(files) == ["cchc-hello/cchc_hello.py", "cchc-hello/pyproject.toml", "cchc-hello/tests/test_hello.py"]
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    install_like_pip(tmp_path / "cchc-hello", site)
    env = {k: v for k, v in os.environ.items() if k != "CCHC_LOAD_PLUGINS"}
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT)])

    listed = subprocess.run([sys.executable, "-m", "cchc_engine", "plugins"], capture_output=True, text=True, env=env)
    assert re.search(r"^hello\s+cchc-hello\s+0\.1\.0\s+register_writers\s+định dạng: hello\s*$", listed.stdout, re.MULTILINE), listed

    # the tutorial's own tests, run the way its reader runs them
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path / "cchc-hello"),
         str(tmp_path / "cchc-hello" / "tests")],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "2 passed" in tests.stdout

    example = ROOT / "examples" / "lam-thao-2023-q3.xlsx"
    run = subprocess.run(
        [sys.executable, "-m", "cchc_engine", "compute", "--spec", "2023", str(example), "-f", "hello"],
        capture_output=True, text=True, env=env,
    )
    assert run.returncode == 1  # the example has one error; the format still writes
    assert "6.7  Tỷ lệ hồ sơ TTHC được tiếp nhận trực tuyến mức độ 3 và 4" in run.stdout and "72,75 *" in run.stdout
