"""Docs that cannot drift: every hook documented with its exact arguments, tested, and
its reference example run as written (the tutorials: tests/test_tutorials.py)."""

from __future__ import annotations

import inspect
import json
import re
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


# --- the hook reference's examples, run as written -------------------------------------------


def hook_example(hook: str) -> str:
    text = (DOCS / "plugin_hooks.md").read_text(encoding="utf-8")
    section = re.split(r"^## ", text, flags=re.MULTILINE)
    [body] = [s for s in section if s.startswith(f"{hook}(")]
    [code] = re.findall(r"```python\n(.*?)```", body, re.DOTALL)
    return code


def load_example(hook: str, folder: Path):
    """The example as a module file (so ``__file__`` works), imported like a plugin."""
    import importlib.util

    path = folder / f"example_{hook}.py"
    path.write_text(hook_example(hook), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"cchc_doc_example_{hook}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_hook_register_specs_example(tmp_path):
    from cchc_engine.testing import register_plugin, run_cli, run_compute

    yaml = re.search(r"<!-- tutorial-file: cchc-phu-tho/cchc_phu_tho/specs/2023-phu-tho.yaml -->\s*```yaml\n(.*?)```",
                     (DOCS / "plugins.md").read_text(encoding="utf-8"), re.DOTALL).group(1)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "2023-phu-tho.yaml").write_text(yaml, encoding="utf-8")
    with register_plugin(load_example("register_specs", tmp_path), "example-specs"):
        code, out, err = run_cli("specs", "--json")
        assert code == 0, err
        assert [(s["year"], s["plugin"]) for s in json.loads(out) if s["id"] == "2023-phu-tho"] == [(2023, "example-specs")]
        code, out, err = run_compute(ROOT / "examples" / "lam-thao-2023-q3.xlsx", spec="2023-phu-tho", fmt="json")
    assert code == 1 and '"spec": "2023-phu-tho"' in out  # the example's one ratio error


def test_hook_register_readers_example(tmp_path):
    import json

    from cchc_engine.testing import SAMPLE_SPEC, register_plugin, run_compute

    path = tmp_path / "bao-cao.pipe"
    path.write_text(
        "UBND XÃ THƯỢNG LONG\nTHỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2023\n"
        "STT | Chỉ tiêu thống kê | Đơn vị tính | Số liệu\n"
        "2.1 | Số nhiệm vụ đề ra trong kế hoạch | Nhiệm vụ | 8\n2.2 | Số nhiệm vụ đã hoàn thành | Nhiệm vụ | 6\n",
        encoding="utf-8",
    )
    with register_plugin(load_example("register_readers", tmp_path), "example-readers"):
        code, out, err = run_compute(path, spec=SAMPLE_SPEC, fmt="json")
    report = json.loads(out)
    assert code == 0, err
    assert (report["unit"], report["period"]) == ("xã Thượng Long", "2023-Q3")
    assert report["indicators"][1]["value"] == 75.0
    assert report["indicators"][2]["location"]["cell"] == "D4"


def test_hook_register_writers_example(tmp_path):
    from cchc_engine.testing import register_plugin, run_compute, write_sample_submission

    with register_plugin(load_example("register_writers", tmp_path), "example-writers"):
        code, out, err = run_compute(write_sample_submission(tmp_path), fmt="upper")
    assert code == 0, err
    assert "2\tTỶ LỆ HOÀN THÀNH KẾ HOẠCH CCHC NĂM\t75,86 *" in out.splitlines()


def test_hook_register_commands_example(tmp_path):
    from cchc_engine.testing import register_plugin, run_cli

    with register_plugin(load_example("register_commands", tmp_path), "example-commands"):
        assert run_cli("hello", "Lâm Thao") == (0, "Xin chào Lâm Thao\n", "")


def test_hook_check_result_example(tmp_path):
    import json

    from cchc_engine.testing import register_plugin, run_compute, write_sample_submission

    sample = write_sample_submission(tmp_path)
    blank = write_sample_submission(tmp_path, values={"3.1": None}, name="blank.xlsx")
    with register_plugin(load_example("check_result", tmp_path), "example-checks"):
        _, out, _ = run_compute(sample, fmt="json")
        _, out_en, _ = run_compute(sample, fmt="json", extra=["--lang", "en"])
        code, out_blank, err = run_compute(blank, fmt="json")

    def found(text):
        return [(f["indicator"], f["message"]) for f in json.loads(text)["findings"] if f["code"] == "few-survey-forms"]

    assert found(out) == [("so_phieu", "Chỉ có 50 phiếu khảo sát (tỉnh yêu cầu ít nhất 100).")]
    assert found(out_en) == [("so_phieu", "Only 50 survey forms (the province asks for 100).")]
    assert found(out_blank) == [] and "plugin-failed" not in out_blank and code == 0, err


def test_hook_choose_reader_example(tmp_path):
    import json

    from cchc_engine.testing import register_plugin, run_compute

    path = tmp_path / "export.dat"
    path.write_text(json.dumps({"level": "xa", "period": "2023", "values": {"2.1": 4, "2.2": 2}}), encoding="utf-8")
    with register_plugin(load_example("choose_reader", tmp_path), "example-chooser"):
        code, out, err = run_compute(path, fmt="json")
    assert code == 0, err
    assert json.loads(out)["indicators"][1]["value"] == 50.0


def test_ci_runs_exactly_the_readme_test_command() -> None:
    """.ci/run is what CI executes; it must be the README's quick-start test command, verbatim."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if line.endswith("python -m pytest"))
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in ci_lines


# --- the zip-based reader of docs/plugins.md, run as written ---------------------------------

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _zip_example() -> dict:
    code = re.search(r"<!-- example: zip-reader -->\s*```python\n(.*?)```",
                     (DOCS / "plugins.md").read_text(encoding="utf-8"), re.DOTALL).group(1)
    namespace: dict = {"__name__": "zip_reader_example"}
    exec(compile(code, "docs/plugins.md (zip-reader)", "exec"), namespace)
    return namespace


def _docx(path: Path, body: str, doctype: str = "") -> Path:
    import zipfile

    def tc(text: str) -> str:
        return f"<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"

    rows = "".join("<w:tr>" + "".join(tc(c) for c in row) + "</w:tr>" for row in body)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<?xml version='1.0'?>{doctype}<w:document {W_NS}><w:body>"
                                        f"<w:tbl><w:tr>{tc('Nơi nhận')}</w:tr></w:tbl><w:tbl>{rows}</w:tbl></w:body></w:document>")
    return path


def test_the_zip_reader_example_reads_the_appendix_table_and_refuses_hostile_files(tmp_path):
    from cchc_engine.api import LIMITS, CchcError, format_number
    from cchc_engine.testing import rows_from_grid

    read_tables = _zip_example()["read_tables"]
    table = [("STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu"),
             ("1", "Số văn bản chỉ đạo CCHC đã ban hành", "Văn bản", "03"), ("2", "Số cuộc kiểm tra", "Cuộc", "7")]
    grid = read_tables(_docx(tmp_path / "bao-cao.docx", table))
    assert [s.name for s in grid.sheets] == ["Bảng 2"]  # the letterhead table is not the appendix
    raw = rows_from_grid(grid)
    assert [(r.stt, r.name, r.value) for r in raw.rows] == [
        ("1", "Số văn bản chỉ đạo CCHC đã ban hành", "03"), ("2", "Số cuộc kiểm tra", "7")]
    assert raw.rows[1].location.cell == "D3"

    refused = {  # file name: (how it is made, what the one line says)
        "not-a-zip.docx": (lambda p: p.write_text("STT\tChỉ tiêu\n", encoding="utf-8"), "tệp văn bản"),
        "entities.docx": (lambda p: _docx(p, table, "<!DOCTYPE d [<!ENTITY a 'aaaa'>]>"), "DOCTYPE"),
        "no-body.docx": (lambda p: __import__("zipfile").ZipFile(p, "w").writestr("x.xml", "<x/>"), "word/document.xml"),
        "too-many-cells.docx": (lambda p: _docx(p, table[:1] + [("",)] * (LIMITS.max_cells_total + 1)),
                                format_number(LIMITS.max_cells_total)),
    }
    for name, (make, said) in refused.items():
        make(tmp_path / name)
        with pytest.raises(CchcError) as err:
            read_tables(tmp_path / name)
        assert err.value.exit_code == 2 and len(err.value.findings) == 1, name
        assert err.value.findings[0].location.file == str(tmp_path / name) and said in str(err.value), (name, str(err.value))
