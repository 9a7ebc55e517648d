"""cchc_engine.api is the documented, stable surface: docs/internals-for-plugins.md
lists every name with its fields or signature, and this test holds the two together."""

from __future__ import annotations

import dataclasses
import inspect
import re
from pathlib import Path

import pytest

from cchc_engine import api

DOC = Path(__file__).resolve().parent.parent / "docs" / "internals-for-plugins.md"
HEADING = re.compile(r"^### `([\w.]+)(\(.*\))?`$", re.MULTILINE)


def documented() -> list[tuple[str, str | None, str]]:
    """(name, signature or None, the section's text) for each ### heading."""
    text = DOC.read_text(encoding="utf-8")
    heads = list(HEADING.finditer(text))
    out = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        out.append((m.group(1), m.group(2), text[m.end():end]))
    return out


def shown_signature(obj) -> str:
    """The signature as the docs write it: names and defaults, no annotations, no self."""
    sig = inspect.signature(obj)
    params = [p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values() if p.name != "self"]
    return str(sig.replace(parameters=params, return_annotation=inspect.Signature.empty))


def lookup(dotted: str):
    obj = api
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def field_names(cls) -> list[str]:
    if dataclasses.is_dataclass(cls):
        return [f.name for f in dataclasses.fields(cls)]
    return [n for n in getattr(cls, "__annotations__", {})]


ENTRIES = documented()


def test_every_public_name_is_documented_and_nothing_else():
    top = {name for name, _sig, _ in ENTRIES if "." not in name}
    assert top == set(api.__all__)


@pytest.mark.parametrize("name,signature,section", [e for e in ENTRIES if e[1] is not None], ids=lambda v: v if isinstance(v, str) and "\n" not in v else "")
def test_documented_signatures_are_the_real_ones(name, signature, section):
    assert shown_signature(lookup(name)) == signature, name


@pytest.mark.parametrize("name,section", [(n, s) for n, sig, s in ENTRIES if sig is None and s.lstrip().startswith("Fields:")])
def test_documented_fields_are_the_real_ones(name, section):
    listed = re.findall(r"`(\w+)`", section.lstrip().split("\n")[0].split(".")[0])
    real = field_names(lookup(name))
    assert listed == [n for n in real if n in listed] and set(listed) <= set(real), (name, listed, real)
    if dataclasses.is_dataclass(lookup(name)):
        assert listed == real, f"{name}: the docs list {listed}, the class has {real}"


def test_a_listed_name_that_disappears_fails(monkeypatch):
    monkeypatch.delitem(api._LAZY, "display_value")
    monkeypatch.delattr(api, "display_value", raising=False)  # if an earlier lookup cached it
    with pytest.raises(AttributeError):
        lookup("display_value")


def test_importing_the_api_is_light_and_every_name_resolves():
    """Plugins import the api on every run (even `cchc --help`): names load on first use."""
    import subprocess
    import sys

    script = (
        "import sys, json\nimport cchc_engine.api as api\n"
        "before = sorted(m for m in sys.modules if m.startswith('cchc_engine'))\n"
        "from cchc_engine.api import hookimpl, message, open_package, column_kind, text_width_cm, clean_output\n"
        "after = sorted(m for m in sys.modules if m.startswith('cchc_engine'))\n"
        "missing = [n for n in api.__all__ if getattr(api, n, None) is None]\n"
        "print(json.dumps([before, after, missing, sorted(set(api.__all__) - set(dir(api)))]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    before, after, missing, undiscoverable = __import__("json").loads(proc.stdout)
    assert before == after == ["cchc_engine", "cchc_engine.api", "cchc_engine.hookspecs"]
    assert missing == [] and undiscoverable == []


def test_examples_on_the_page_hold():
    assert api.column_letter(27) == "AA"
    assert api.format_number(1859, "vi") == "1.859" and api.format_number(75.86, "vi") == "75,86"
    assert api.format_number(1859, "en") == "1,859"
    assert api.headers(api.APPENDIX_COLUMNS, "vi") == ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"]
    assert api.severity_label("error", "vi") == "lỗi" and api.source_label("computed", "vi") == "tính toán"
    assert api.period_label("2023-Q3", "vi") == "Quý III năm 2023" and api.period_label("2023-Q3", "en") == "2023 Q3"
    assert api.period_from_title(["THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2023"]) == "2023-Q3"
    assert api.unit_from_title(["UBND HUYỆN LÂM THAO"]) == "huyện Lâm Thao"
    assert api.level_from_unit("huyện Lâm Thao") == "huyện"
    assert api.normalise_period("2023-q3") == "2023-Q3" and api.normalise_period("soon") is None
    assert api.safe_text("=1+1") == "'=1+1" and api.safe_text(-3) == -3
    assert api.current_language() == "vi"


def test_form_titles_from_a_compiled_spec_or_writer_options(spec2023):
    titles = api.form_titles(spec2023)
    assert titles["bm1"].startswith("Biểu mẫu 1") and api.form_titles({"spec": spec2023}) == titles


def test_add_messages_renders_in_both_languages_and_refuses_a_taken_code():
    api.add_messages({"test-api-few": ("Chỉ có {n} phiếu.", "Only {n} forms.")})
    assert api.Finding.make("test-api-few", "warning", n=1859).message == "Chỉ có 1.859 phiếu."
    assert api.message("test-api-few", lang="en", n=1859) == "Only 1,859 forms."
    api.add_messages({"test-api-few": ("Chỉ có {n} phiếu.", "Only {n} forms.")})  # same text again: fine
    with pytest.raises(api.CchcError, match="test-api-few"):
        api.add_messages({"test-api-few": ("khác", "other")})
    with pytest.raises(api.CchcError):
        api.add_messages({"internal-error": ("x", "y")})
    with pytest.raises(TypeError):
        api.add_messages({"test-api-bad": "only one text"})  # type: ignore[dict-item]


def test_package_root_exports_hookimpl_and_api():
    import cchc_engine

    assert cchc_engine.hookimpl is api.hookimpl and cchc_engine.api is api
    assert {"hookimpl", "api"} <= set(cchc_engine.__all__)


def test_plugin_config_user_then_project(tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "cchc").mkdir(parents=True)
    (home / "cchc" / "cchc.toml").write_text(
        '[plugins.cchc-phu-tho]\nmin_survey_forms = 50\nregion = "Phú Thọ"\n', encoding="utf-8"
    )
    project = tmp_path / "project"
    project.mkdir()
    (project / "cchc.toml").write_text("[plugins.cchc-phu-tho]\nmin_survey_forms = 100\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.chdir(project)
    assert api.plugin_config("cchc-phu-tho") == {"min_survey_forms": 50, "region": "Phú Thọ"}  # ./cchc.toml not named
    monkeypatch.setenv("CCHC_CONFIG", "cchc.toml")
    assert api.plugin_config("cchc-phu-tho") == {"min_survey_forms": 100, "region": "Phú Thọ"}
    assert api.plugin_config("other") == {}
    (project / "cchc.toml").write_text("[plugins.cchc-phu-tho\n", encoding="utf-8")
    with pytest.raises(api.CchcError) as exc:
        api.plugin_config("cchc-phu-tho")
    assert "cchc.toml" in str(exc.value) and "không hợp lệ" in str(exc.value)


def test_plugin_config_environment_file_wins(tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "cchc").mkdir(parents=True)
    (home / "cchc" / "cchc.toml").write_text('[plugins.cchc-phu-tho]\nmin_survey_forms = 100\nregion = "Phú Thọ"\n', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.chdir(tmp_path)
    # a working folder's cchc.toml is never read unless named (main's trust boundary, issue 22)
    (tmp_path / "cchc.toml").write_text('[plugins.cchc-phu-tho]\nmin_survey_forms = 1\nextra = true\n', encoding="utf-8")
    server = tmp_path / "server.toml"
    server.write_text("[plugins.cchc-phu-tho]\nmin_survey_forms = 30\n", encoding="utf-8")
    monkeypatch.setenv("CCHC_CONFIG", str(server))
    assert api.plugin_config("cchc-phu-tho") == {"min_survey_forms": 30, "region": "Phú Thọ"}
    monkeypatch.setenv("CCHC_CONFIG", str(tmp_path / "missing.toml"))  # named but absent: said, not ignored
    with pytest.raises(api.CchcError) as exc:
        api.plugin_config("cchc-phu-tho")
    assert "missing.toml" in str(exc.value)


# --- the bundled plugins use only the public surface ----------------------------------------

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
PUBLIC = {"cchc_engine.api"}  # and, in a plugin's tests, the testing kit
PUBLIC_IN_TESTS = PUBLIC | {"cchc_engine.testing"}
ROOT_NAMES = {"api", "hookimpl", "__version__"}  # what `from cchc_engine import …` may take


def private_imports(source: str, allowed: set[str]) -> list[str]:
    """Every engine module ``source`` imports that is not in ``allowed``, as 'line: module'."""
    import ast

    out = []
    for node in ast.walk(ast.parse(source)):
        found: list[str] = []
        if isinstance(node, ast.Import):
            found = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "cchc_engine":
                found = [f"cchc_engine.{a.name}" for a in node.names if a.name not in ROOT_NAMES]
            else:
                found = [node.module]
        elif isinstance(node, ast.Call):  # importlib.import_module("cchc_engine.x"), __import__("cchc_engine.x")
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in ("import_module", "__import__"):
                found = [a.value for a in node.args[:1] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        for module in found:
            if (module == "cchc_engine" or module.startswith("cchc_engine.")) and module not in allowed and module != "cchc_engine":
                out.append(f"{node.lineno}: {module}")
    return out


def test_the_private_import_check_catches_every_form():
    source = (
        "from cchc_engine.api import Grid\nfrom cchc_engine import hookimpl, api\nimport cchc_engine\n"
        "from cchc_engine.flow.layout import header_columns\nimport cchc_engine.readers.container as C\n"
        "from cchc_engine import text\nimportlib.import_module('cchc_engine.writers.sheetprint')\n"
        "def f():\n    from cchc_engine.testing import run_cli\n"
    )
    assert private_imports(source, PUBLIC) == [
        "4: cchc_engine.flow.layout", "5: cchc_engine.readers.container", "6: cchc_engine.text",
        "7: cchc_engine.writers.sheetprint", "9: cchc_engine.testing",
    ]
    assert private_imports(source, PUBLIC_IN_TESTS)[-1] != "9: cchc_engine.testing"


def test_bundled_plugins_import_only_the_public_api():
    files = sorted(PLUGINS.glob("*/**/*.py"))
    assert len(files) >= 5, files  # both plugins, their code and their tests (the Word reader is the core's)
    bad = {}
    for path in files:
        allowed = PUBLIC_IN_TESTS if "tests" in path.relative_to(PLUGINS).parts else PUBLIC
        found = private_imports(path.read_text(encoding="utf-8"), allowed)
        if found:
            bad[str(path.relative_to(PLUGINS))] = found
    assert bad == {}, f"plugins import private engine modules (add what they need to cchc_engine.api): {bad}"


def test_the_reading_helpers_do_what_the_page_says():
    import unicodedata

    from cchc_engine.readers import container

    assert api.column_kind("Chỉ tiêu thống kê") == "name" and api.column_kind("STT") == "stt"
    assert api.column_kind("Kết quả thống kê") == "group" and api.column_kind("Số văn bản") is None
    header = [[api.Cell(t) for t in ("STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu")]]
    assert api.header_columns(header) == {"stt": 0, "name": 1, "unit": 2, "value": 3}
    assert api.header_columns([[api.Cell("1."), api.Cell("Số văn bản")]]) is None
    assert api.strip_markup("VBQPPL<sup>7</sup>") == "VBQPPL "
    nfd = unicodedata.normalize("NFD", "Huyện")
    assert nfd != "Huyện" and api.clean_cell_text(nfd + "\x07") == "Huyện"
    narrow, wide = api.text_width_cm("Chỉ tiêu"), api.text_width_cm("Chỉ tiêu thống kê")
    assert 0 < narrow < wide < api.text_width_cm("Chỉ tiêu thống kê", 11, bold=True) < api.text_width_cm("Chỉ tiêu thống kê", 14)
    assert (api.LIMITS.max_cols, api.LIMITS.max_cells_total, api.LIMITS.max_text) == (
        container.MAX_COLS, container.MAX_CELLS_TOTAL, container.MAX_TEXT)
    with pytest.raises(AttributeError):
        api.LIMITS.max_cols = 10**9  # type: ignore[misc]
    budget = api.ReadBudget()
    budget.add_cells(api.LIMITS.max_cells_total)
    with pytest.raises(api.ReadRefused):
        budget.add_cells()


def test_clean_output_copies_only_what_needs_cleaning():
    finding = api.Finding.make("test-api-clean", "warning", template="x")
    assert api.clean_output(finding) is finding
    dirty = api.Finding.make("test-api-clean", "warning", template="bad\x00text")
    cleaned = api.clean_output(dirty)
    assert cleaned is not dirty and cleaned.message == "badtext" and dirty.message == "bad\x00text"


# --- open_package: the file's problems are the file's, the plugin's are the plugin's ---------

PACKAGE_READER = '''
from cchc_engine import api
from cchc_engine.api import hookimpl


class Reader:
    name = "pkg"
    suffixes = (".pkg",)
    description = "a zip package, for the test"

    def sniff(self, path):
        return path.suffix == ".pkg"

    def read(self, path, options):
        def start(tag, attrs):
            if tag == "bug":
                {}["no-such-key"]  # the plugin's own bug, in a handler
            if tag == "refuse":
                raise api.ReadRefused("read-too-deep")

        with api.open_package(path, "tệp thử (.pkg)") as package:
            package.parse("content.xml", start)
            if "oops.xml" in package.names():
                None.attribute  # the plugin's own bug, in the block
        grid = api.Grid(file=str(path))
        grid.add_sheet("x")
        return grid


@hookimpl
def register_readers(register):
    register(Reader())
'''


@pytest.mark.parametrize("case,parts,expected", [
    ("handler bug", {"content.xml": b"<a><bug/></a>"}, "plugin:KeyError: 'no-such-key'"),
    ("block bug", {"content.xml": b"<a/>", "oops.xml": b"<a/>"}, "plugin:AttributeError"),
    ("refused", {"content.xml": b"<a><refuse/></a>"}, "file:read-too-deep"),
    ("bad xml", {"content.xml": b"<a><b></a>"}, "file:read-bad-xml"),
    ("missing part", {"other.xml": b"<a/>"}, "file:read-missing-part"),
    ("not a zip", None, "text:không phải tệp thử (.pkg)"),
])
def test_open_package_blames_the_file_only_for_the_files_problems(tmp_path, case, parts, expected):
    import zipfile

    from cchc_engine.text.messages import CATALOG
    from cchc_engine.testing import run_cli

    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "pkgreader.py").write_text(PACKAGE_READER, encoding="utf-8")
    path = tmp_path / "bao-cao.pkg"
    if parts is None:
        path.write_bytes(b"not a zip at all")
    else:
        with zipfile.ZipFile(path, "w") as zf:
            for name, data in parts.items():
                zf.writestr(name, data)
    from cchc_engine.plugins import PluginHost
    from cchc_engine.testing import using_host

    with using_host(PluginHost(entry_points=False, load_only=None)):  # the session's host keeps no test plugin
        code, _out, err = run_cli("--plugins-dir", str(plugins), "compute", "--spec", "2023", str(path))
    [line] = err.strip().splitlines()
    assert code == 2 and "Traceback" not in err
    who, what = expected.split(":", 1)
    if who == "plugin":  # named: reader, plugin and the error, not "the file is damaged"
        assert "bộ đọc 'pkg' của plugin 'pkgreader.py' bị lỗi" in line and what in line, line
        assert "bị hỏng" not in line
    else:  # the file's problem: file-unreadable with its reason, the plugin not blamed
        # the longest fixed part of the reason's text ("bị hỏng: XML không hợp lệ", ...)
        reason = what if who == "text" else max(re.split(r"\{\w+\}|[()]", CATALOG[what][0]), key=len).strip()
        assert len(reason) > 10, reason
        assert "Không đọc được tệp 'bao-cao.pkg'" in line and reason in line and "pkgreader.py" not in line, line


def test_the_library_examples_on_the_page_run(monkeypatch):
    """Every ```python block of the page runs as written, from the checkout's root (the
    library API's examples: compute, a Session in English, aggregate, the tree, periods)."""
    monkeypatch.chdir(DOC.parent.parent)
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    ran = 0
    for block in blocks:
        if "api." not in block:
            continue  # an import line shown for plugin authors
        exec(compile(block, str(DOC), "exec"), {})
        ran += 1
    assert ran >= 3
