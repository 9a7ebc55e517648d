"""`cchc new-plugin`: a plugin project that installs, runs and passes its tests as written.

Like datasette's cookiecutter template, but with nothing to install: one folder with
pyproject.toml (the ``cchc`` entry point), the module, and tests that use the testing
kit. Four kinds: a writer, a grid reader, a province's checks, a province's spec.
"""

from __future__ import annotations

import re
from pathlib import Path

KINDS = ("writer", "reader", "checks", "spec")

PYPROJECT = """[build-system]
requires = ["hatchling>=1.18"]
build-backend = "hatchling.build"

[project]
name = "{dist}"
version = "0.1.0"
description = "cchc-engine plugin: {what}"
dependencies = ["cchc-engine>=0.2"]

[project.optional-dependencies]
test = ["pytest"]

[project.entry-points.cchc]
{short} = "{module}"

[tool.hatch.build.targets.wheel]
packages = ["{module}"]
"""

MODULES = {
    "spec": '''"""{dist}: {what}. The YAML files in specs/ are package data: the wheel carries them."""

from pathlib import Path

from cchc_engine.api import hookimpl


@hookimpl
def register_specs(register):
    for path in sorted((Path(__file__).parent / "specs").glob("*.yaml")):
        register(path)
''',
    "writer": '''"""{dist}: {what}."""

from cchc_engine import api
from cchc_engine.api import hookimpl

# Every `cchc` run imports this module, even `cchc --help`: other api names are taken
# where they are used (api.<name>), so their engine modules load only then.


class Writer:
    name = "{short}"
    suffix = ".{short}.txt"
    binary = False
    description = "{what}"

    def write(self, result, stream, options):
        lang = api.lang_of(options)
        for ind in result.indicators:
            stream.write(f"{{ind.stt}}\\t{{ind.name}}\\t{{api.display_value(ind, lang)}}\\n")


@hookimpl
def register_writers(register):
    register(Writer())
''',
    "reader": '''"""{dist}: {what}."""

from cchc_engine import api
from cchc_engine.api import hookimpl

# Every `cchc` run imports this module, even `cchc --help`: other api names are taken
# where they are used (api.<name>), so their engine modules load only then.


class Reader:
    """Lines of 'STT | name | unit | value', title lines above; the engine finds the table."""

    name = "{short}"
    suffixes = (".{short}",)
    description = "{what}"

    def sniff(self, path):
        return path.suffix == ".{short}"

    def read(self, path, options):
        grid = api.Grid(file=str(path))
        sheet = grid.add_sheet("Phụ lục")
        for line in path.read_text(encoding="utf-8").splitlines():
            # every text as the built-in readers hand it on (no control characters, NFC)
            sheet.append([api.clean_cell_text(cell).strip() or None for cell in line.split("|")])
        return grid


@hookimpl
def register_readers(register):
    register(Reader())
''',
    "checks": '''"""{dist}: {what}."""

from cchc_engine import api
from cchc_engine.api import hookimpl

# Every `cchc` run imports this module, even `cchc --help`: other api names are taken
# where they are used (api.<name>), so their engine modules load only then.

MESSAGES = {{
    "{short}-few-survey-forms": (
        "Chỉ có {{n}} phiếu khảo sát; yêu cầu ít nhất {{min}} phiếu.",
        "Only {{n}} survey forms; at least {{min}} are required.",
    ),
}}


@hookimpl
def check_result(result, spec, lang):
    api.add_messages(MESSAGES)  # adding the same texts again is harmless
    forms = next((i for i in result.indicators if i.id in ("so_phieu_khao_sat", "so_phieu")), None)
    if forms is None or forms.value is None:
        return None  # not in this spec, or blank: nothing to compare
    minimum = api.plugin_config("{dist}").get("min_survey_forms", 100)
    if forms.value >= minimum:
        return None
    return [api.Finding.make("{short}-few-survey-forms", "warning", indicator=forms.id,
                         location=forms.location, n=forms.value, min=minimum)]
''',
}

TESTS = {
    "spec": '''import json

from cchc_engine.testing import run_cli, run_compute, write_submission


def test_the_spec_is_registered_and_sound():
    code, out, err = run_cli("spec", "check", "2023-{short}")
    assert code == 0, err


def test_its_own_rule_is_checked(tmp_path):
    path = write_submission("2023-{short}", "huyen", {{"so_phieu_khao_sat": 12}}, directory=tmp_path)
    code, out, err = run_compute(path, spec="2023-{short}", fmt="json")
    rules = [f["values"]["rule"] for f in json.loads(out)["findings"] if f["code"] == "rule-failed"]
    assert "{module}_du_phieu_khao_sat" in rules, err
''',
    "writer": '''from cchc_engine.testing import run_compute


def test_writes_one_line_per_indicator(cchc_sample):
    code, out, err = run_compute(cchc_sample, fmt="{short}")
    assert code == 0, err
    assert "2\\tTỷ lệ hoàn thành Kế hoạch CCHC năm\\t75,86 *" in out.splitlines()
''',
    "reader": '''import json

from cchc_engine.testing import run_compute

REPORT = """UBND XÃ THƯỢNG LONG
THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2023
STT | Chỉ tiêu thống kê | Đơn vị tính | Số liệu
2.1 | Số nhiệm vụ đề ra trong kế hoạch | Nhiệm vụ | 8
2.2 | Số nhiệm vụ đã hoàn thành | Nhiệm vụ | 6
"""


def test_reads_the_table(tmp_path):
    path = tmp_path / "bao-cao.{short}"
    path.write_text(REPORT, encoding="utf-8")
    code, out, err = run_compute(path, fmt="json")
    report = json.loads(out)
    assert code == 0, err
    assert report["unit"] == "xã Thượng Long" and report["indicators"][1]["value"] == 75.0
''',
    "checks": '''import json

from cchc_engine.testing import run_compute


def test_too_few_survey_forms(cchc_sample, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no cchc.toml: the default minimum
    code, out, err = run_compute(cchc_sample, fmt="json")
    found = [f["message"] for f in json.loads(out)["findings"] if f["code"] == "{short}-few-survey-forms"]
    assert found == ["Chỉ có 50 phiếu khảo sát; yêu cầu ít nhất 100 phiếu."], err
''',
}

SPEC_YAML = """# A province's variant of the 2023 national spec, written as operations on it
# (docs/new-year.md of cchc-engine): say what differs, keep the rest.
id: "2023-{short}"
extends: "2023"
title: "Thống kê số liệu báo cáo cải cách hành chính ({short})"

rules:
  add:
    - id: {module}_du_phieu_khao_sat
      expr: "so_phieu_khao_sat == 0 or so_phieu_khao_sat >= 30"
      severity: warning
      indicator: so_phieu_khao_sat
      message: "Chỉ có {{so_phieu_khao_sat}} phiếu khảo sát; tỉnh yêu cầu ít nhất 30 phiếu."
      message_en: "Only {{so_phieu_khao_sat}} survey forms; the province asks for at least 30."
"""

WHAT = {
    "spec": "bộ chỉ tiêu riêng của địa phương",
    "writer": "một định dạng xuất báo cáo",
    "reader": "một định dạng đọc phụ lục",
    "checks": "các kiểm tra riêng của địa phương",
}

_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def valid_name(dist: str) -> bool:
    return bool(_NAME.match(dist))


def project_files(dist: str, kind: str) -> dict[str, str]:
    """Relative path → text of every file of a new plugin project named ``dist``."""
    module = dist.replace("-", "_")
    short = dist[len("cchc-"):] if dist.startswith("cchc-") and len(dist) > 5 else dist
    values = {"dist": dist, "module": module, "short": short, "what": WHAT[kind]}
    extra = {f"{module}/specs/2023-{short}.yaml": SPEC_YAML.format(**values)} if kind == "spec" else {}
    return {
        **extra,
        "pyproject.toml": PYPROJECT.format(**values),
        f"{module}/__init__.py": MODULES[kind].format(**values),
        "tests/conftest.py": 'pytest_plugins = ["cchc_engine.testing"]\n',
        f"tests/test_{module}.py": TESTS[kind].format(**values),
        "README.md": (
            f"# {dist}\n\n{WHAT[kind].capitalize()} cho cchc-engine.\n\n"
            f"    cchc install -e .          # while developing\n"
            f"    python -m pytest tests\n\n"
            "Docs: docs/plugins.md and docs/internals-for-plugins.md of cchc-engine.\n"
        ),
    }


def write_project(folder: Path, kind: str) -> list[Path]:
    """Write the project into ``folder`` (which must not exist); the files written."""
    files = project_files(folder.name, kind)
    folder.mkdir(parents=True)
    written = []
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
