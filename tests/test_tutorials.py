"""The three tutorials of docs/plugins.md, followed literally: their files are written
out, built into real wheels, installed with `cchc install` into a fresh virtual
environment, listed, run by their own tests and used from the command line.

One venv for all three (created without pip; it sees the engine, pip and hatchling of
the running environment through a .pth file, so nothing is downloaded).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLE = ROOT / "examples" / "lam-thao-2023-q3.xlsx"
# The example saved by LibreOffice as flat ODF: soffice --headless --convert-to fods lam-thao-2023-q3.xlsx
FODS = ROOT / "tests" / "fixtures" / "tutorials" / "lam-thao-2023-q3.fods"
MARKER = re.compile(r"<!-- tutorial-file: (\S+) -->\s*```\w*\n(.*?)```", re.DOTALL)
PACKAGES = ("cchc-html", "cchc-fods", "cchc-phu-tho")
SCAFFOLDS = {"cchc-demo-writer": "writer", "cchc-demo-reader": "reader", "cchc-demo-checks": "checks", "cchc-demo-spec": "spec"}


def tutorial_files() -> dict[str, str]:
    return dict(MARKER.findall((DOCS / "plugins.md").read_text(encoding="utf-8")))


def make_venv(where: Path) -> Path:
    """A venv whose site-packages chains to the running environment's (engine, pip, hatchling)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    outer = sysconfig.get_paths()["purelib"]
    # addsitedir also runs the outer .pth files (the editable install of the engine).
    Path(site, "_outer_env.pth").write_text(f"import site; site.addsitedir({outer!r})\n", encoding="utf-8")
    return python


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The tutorial projects, their wheels, and a venv with the wheels installed by `cchc install`."""
    work = tmp_path_factory.mktemp("tutorials")
    for rel, text in tutorial_files().items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_text(text, encoding="utf-8")
    # the .fods tutorial's test data: an appendix and the same one saved as .fods
    shutil.copy(EXAMPLE, work / "cchc-fods" / "tests" / EXAMPLE.name)
    shutil.copy(FODS, work / "cchc-fods" / "tests" / FODS.name)

    # and the projects `cchc new-plugin` starts, one per kind
    for name, kind in SCAFFOLDS.items():
        subprocess.run([sys.executable, "-m", "cchc_engine", "new-plugin", str(work / name), "--kind", kind],
                       check=True, capture_output=True, text=True)

    dist = work / "dist"
    # hatchling comes with the test extra (offline build); an environment installed before
    # it was added builds in pip's usual isolated environment (hatchling from PyPI) instead.
    isolation = ["--no-build-isolation"] if importlib.util.find_spec("hatchling") else []
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", *isolation, "-w", str(dist),
         *(str(work / p) for p in (*PACKAGES, *SCAFFOLDS))],
        check=True, capture_output=True, text=True,
    )
    python = make_venv(work / "venv")
    env = {k: v for k, v in os.environ.items() if k not in ("CCHC_LOAD_PLUGINS", "CCHC_PLUGINS_DIR", "PYTHONPATH")}
    env["XDG_CONFIG_HOME"] = str(work / "config")  # no user cchc.toml
    wheels = sorted(str(w) for w in dist.glob("*.whl"))
    proc = subprocess.run([str(python), "-m", "cchc_engine", "install", *wheels],
                          capture_output=True, text=True, env=env, cwd=work)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {"work": work, "dist": dist, "python": python, "env": env}


def cchc(installed, *args, cwd=None):
    return subprocess.run(
        [str(installed["python"]), "-m", "cchc_engine", *args],
        capture_output=True, text=True, env=installed["env"], cwd=cwd or installed["work"], timeout=120,
    )


def test_the_docs_hold_the_three_tutorials():
    assert sorted(tutorial_files()) == [
        "cchc-fods/cchc_fods/__init__.py", "cchc-fods/pyproject.toml", "cchc-fods/tests/test_fods.py",
        "cchc-html/cchc_html.py", "cchc-html/pyproject.toml", "cchc-html/tests/test_html.py",
        "cchc-phu-tho/cchc_phu_tho/__init__.py", "cchc-phu-tho/cchc_phu_tho/specs/2023-phu-tho.yaml",
        "cchc-phu-tho/pyproject.toml", "cchc-phu-tho/tests/test_phu_tho.py",
    ]


@pytest.mark.parametrize("rel", [r for r in sorted(tutorial_files()) if r.endswith(".py") and "/tests/" not in r])
def test_each_plugin_is_small_and_uses_only_the_public_api(rel):
    text = tutorial_files()[rel]
    assert len(text.splitlines()) <= 120, rel
    engine_imports = re.findall(r"^\s*(?:from|import) (cchc_engine[\w.]*)", text, re.MULTILINE)
    assert engine_imports and set(engine_imports) == {"cchc_engine.api"}, (rel, engine_imports)


def test_the_spec_yaml_ships_in_the_wheel(installed):
    [wheel] = installed["dist"].glob("cchc_phu_tho-*.whl")
    assert "cchc_phu_tho/specs/2023-phu-tho.yaml" in zipfile.ZipFile(wheel).namelist()


def test_installed_plugins_are_listed_with_their_distribution(installed):
    proc = cchc(installed, "plugins", "--json")
    assert proc.returncode == 0, proc.stderr
    listed = {p["distribution"]: p for p in json.loads(proc.stdout)}
    assert listed["cchc-html"]["registered"]["formats"] == ["html"]
    assert listed["cchc-fods"]["registered"]["readers"] == ["fods"]
    assert listed["cchc-phu-tho"]["registered"]["specs"] == ["2023-phu-tho"]
    assert listed["cchc-phu-tho"]["hooks"] == ["check_result", "register_specs"]
    assert all(listed[p]["version"] == "0.1.0" and listed[p]["errors"] == [] for p in PACKAGES)


def test_the_tutorials_own_tests_pass(installed):
    work = installed["work"]
    proc = subprocess.run(
        [str(installed["python"]), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(work),
         *(str(work / p / "tests") for p in PACKAGES)],
        capture_output=True, text=True, env=installed["env"], cwd=work, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "7 passed" in proc.stdout


def test_fods_in_html_out_from_the_command_line(installed):
    out = installed["work"] / "bao-cao.html"
    proc = cchc(installed, "compute", "--spec", "2023", str(installed["work"] / "cchc-fods" / "tests" / FODS.name),
                "-o", str(out))
    assert proc.returncode == 1, proc.stderr  # the example has one ratio error, and says so
    page = out.read_text(encoding="utf-8")
    assert "<p>Đơn vị: huyện Lâm Thao · Cấp: Cấp huyện · Kỳ báo cáo: Quý III năm 2023" in page
    assert "<td class='value computed'>72,75 *</td>" in page
    assert '<tr class="error"><td>6.7</td>' in page


def test_province_spec_and_check_from_the_command_line(installed, tmp_path):
    (tmp_path / "cchc.toml").write_text("[plugins.cchc-phu-tho]\nmin_survey_forms = 80\n", encoding="utf-8")
    proc = cchc(installed, "--config", "cchc.toml", "compute", "--spec", "2023-phu-tho", str(EXAMPLE), "-f", "json", cwd=tmp_path)
    report = json.loads(proc.stdout)
    assert report["spec"] == "2023-phu-tho"
    [found] = [f for f in report["findings"] if f["code"] == "phu-tho-few-survey-forms"]
    assert found["message"] == "Chỉ có 50 phiếu khảo sát sự hài lòng; tỉnh Phú Thọ yêu cầu ít nhất 80 phiếu."
    assert (found["location"]["sheet"], found["location"]["cell"]) == ("Biểu mẫu 1", "D28")
    english = cchc(installed, "--lang", "en", "--config", "cchc.toml", "compute", "--spec", "2023-phu-tho", str(EXAMPLE), "-f", "json",
                   cwd=tmp_path)
    assert "Only 50 satisfaction survey forms; Phú Thọ asks for at least 80." in english.stdout


def test_uninstall_by_distribution_name(installed):
    proc = cchc(installed, "uninstall", "-y", "cchc-html")
    assert proc.returncode == 0, proc.stderr
    listed = {p["distribution"] for p in json.loads(cchc(installed, "plugins", "--json").stdout)}
    assert "cchc-html" not in listed and "cchc-fods" in listed


def test_new_plugin_projects_install_and_pass_their_own_tests(installed):
    work = installed["work"]
    listed = {p["distribution"]: p for p in json.loads(cchc(installed, "plugins", "--json").stdout)}
    assert listed["cchc-demo-writer"]["registered"]["formats"] == ["demo-writer"]
    assert listed["cchc-demo-reader"]["registered"]["readers"] == ["demo-reader"]
    assert listed["cchc-demo-checks"]["hooks"] == ["check_result"]
    assert listed["cchc-demo-spec"]["registered"]["specs"] == ["2023-demo-spec"]
    for name in SCAFFOLDS:
        module = (work / name / name.replace("-", "_") / "__init__.py").read_text(encoding="utf-8")
        # only the api, and its names taken where used (the module is imported by every run, even --help)
        engine_imports = re.findall(r"^(?:from|import) (cchc_engine[\w.]*.*)$", module, re.MULTILINE)
        wanted = ["cchc_engine.api import hookimpl"] if SCAFFOLDS[name] == "spec" else ["cchc_engine import api", "cchc_engine.api import hookimpl"]
        assert sorted(engine_imports) == wanted
    proc = subprocess.run(
        [str(installed["python"]), "-m", "pytest", "-q", "-p", "no:cacheprovider",
         *(str(work / name / "tests") for name in SCAFFOLDS)],
        capture_output=True, text=True, env=installed["env"], cwd=work, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "5 passed" in proc.stdout


def test_new_plugin_refuses_a_bad_name_or_an_existing_folder(installed):
    bad = cchc(installed, "new-plugin", str(installed["work"] / "Bad_Name"))
    assert bad.returncode == 2 and "Bad_Name" in bad.stderr and not (installed["work"] / "Bad_Name").exists()
    again = cchc(installed, "new-plugin", str(installed["work"] / "cchc-demo-writer"))
    assert again.returncode == 2 and again.stderr.startswith("Lỗi: ") and "đã tồn tại" in again.stderr
