"""The plugin host, and every failure mode of issue 14 as the officer now sees it.

Each test registers a throwaway plugin on the test's host, runs the real CLI
in-process and asserts the lines on stdout/stderr, the exit code, and the result.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cchc_engine import hookimpl
from cchc_engine.api import CchcError, Finding
from cchc_engine.plugins import PluginHost
from cchc_engine.testing import kit_host, register_plugin, run_cli, run_compute, using_host

ROOT = Path(__file__).resolve().parent.parent


# --- check_result: failures and bad returns are in the result --------------------------------


class FailingCheck:
    @hookimpl
    def check_result(self, result, spec):
        raise ZeroDivisionError("division by zero")


def test_failing_check_result_is_a_warning_in_the_result(cchc_sample):
    with register_plugin(FailingCheck(), "phu-tho-checks"):
        code, out, err = run_compute(cchc_sample, fmt="json")
    report = json.loads(out)
    assert code == 0 and report["valid"] is True and err == ""
    [f] = [f for f in report["findings"] if f["code"] == "plugin-failed"]
    assert f["severity"] == "warning"
    assert f["message"] == "Plugin 'phu-tho-checks' bị lỗi và đã bị bỏ qua: ZeroDivisionError: division by zero"
    assert report["stats"]["warnings"] >= 1


def test_strict_plugins_makes_a_failing_check_an_error_and_exit_1(cchc_sample):
    with register_plugin(FailingCheck(), "phu-tho-checks"):
        code, out, err = run_cli("--strict-plugins", "compute", "--spec", str(_sample_spec()), str(cchc_sample), "-f", "json")
    report = json.loads(out)
    assert code == 1 and report["valid"] is False
    assert [f["severity"] for f in report["findings"] if f["code"] == "plugin-failed"] == ["error"]
    code, out, _ = run_compute(cchc_sample, fmt="json")  # the flag holds for that run only
    assert code == 0


def _sample_spec():
    from cchc_engine.testing import SAMPLE_SPEC

    return SAMPLE_SPEC


class SingleFinding:
    @hookimpl
    def check_result(self, result, spec):
        return Finding.make("phu-tho-single", "error", indicator="so_phieu", template="Thiếu phiếu.")


class DictsAndText:
    @hookimpl
    def check_result(self, result, spec):
        return [{"code": "x", "severity": "error"}, "not a finding", Finding.make("ok-one", "info", template="ok")]


def test_a_single_finding_returned_is_kept_even_an_error(cchc_sample):
    with register_plugin(SingleFinding(), "single"):
        code, out, _err = run_compute(cchc_sample, fmt="json")
    report = json.loads(out)
    assert code == 1 and report["valid"] is False
    assert [(f["code"], f["severity"], f["indicator"]) for f in report["findings"] if f["code"] == "phu-tho-single"] == [
        ("phu-tho-single", "error", "so_phieu")
    ]


def test_dicts_and_strings_returned_are_named_not_dropped(cchc_sample):
    with register_plugin(DictsAndText(), "dicts"):
        code, out, _err = run_compute(cchc_sample, fmt="json")
    report = json.loads(out)
    bad = [f["message"] for f in report["findings"] if f["code"] == "plugin-bad-return"]
    assert bad == [
        "Plugin 'dicts': check_result trả về dict ({'code': 'x', 'severity': 'error'}) thay vì một danh sách Finding; phần này bị bỏ qua.",
        "Plugin 'dicts': check_result trả về str ('not a finding') thay vì một danh sách Finding; phần này bị bỏ qua.",
    ]
    assert "ok-one" in [f["code"] for f in report["findings"]]
    assert code == 0  # warnings by default


class Lang:
    @hookimpl
    def check_result(self, result, spec, lang):
        return [Finding.make("lang-seen", "info", template=f"lang={lang}")]


def test_check_result_is_told_the_language(cchc_sample):
    with register_plugin(Lang(), "lang"):
        _, out_vi, _ = run_compute(cchc_sample, fmt="json")
        _, out_en, _ = run_compute(cchc_sample, fmt="json", extra=["--lang", "en"])
    assert [f["message"] for f in json.loads(out_vi)["findings"] if f["code"] == "lang-seen"] == ["lang=vi"]
    assert [f["message"] for f in json.loads(out_en)["findings"] if f["code"] == "lang-seen"] == ["lang=en"]


# --- readers and writers: the plugin is named, exit 2, never "Lỗi nội bộ" ------------------------


class BrokenReader:
    name = "broken-ods"
    suffixes = (".ods2",)
    description = "test"

    def sniff(self, path):
        raise OSError("cannot peek")

    def read(self, path, options):
        raise ValueError("row 7 has no cells")


class BrokenReaderPlugin:
    @hookimpl
    def register_readers(self, register):
        register(BrokenReader())


def test_an_exception_in_a_plugin_reader_is_the_file_unusable_naming_the_plugin(tmp_path):
    path = tmp_path / "bao-cao.ods2"
    path.write_text("x", encoding="utf-8")
    with register_plugin(BrokenReaderPlugin(), "cchc-ods2"):
        code, out, err = run_cli("compute", "--spec", "2023", str(path))
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        f"Lỗi: {path}: Không dùng được tệp 'bao-cao.ods2': bộ đọc 'broken-ods' của plugin 'cchc-ods2' bị lỗi: "
        "ValueError: row 7 has no cells"
    ]
    assert "nội bộ" not in err


def test_a_sniff_that_raises_is_a_warning_before_the_fatal_line(tmp_path):
    path = tmp_path / "bao-cao.unknown"
    path.write_bytes(b"\x00\x01binary")
    with register_plugin(BrokenReaderPlugin(), "cchc-ods2"):
        code, _out, err = run_cli("compute", "--spec", "2023", str(path))
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 2
    assert lines[0] == (
        "Cảnh báo: Plugin 'cchc-ods2': bộ đọc 'broken-ods' bị lỗi khi nhận dạng tệp 'bao-cao.unknown' "
        "và đã bị bỏ qua: OSError: cannot peek"
    )
    assert lines[1].startswith("Lỗi: ") and "bao-cao.unknown" in lines[1]


class BrokenWriter:
    name = "html"
    suffix = ".html"
    binary = False
    description = "test"

    def write(self, result, stream, options):
        stream.write("<html>")
        raise KeyError("form_title")


class BrokenWriterPlugin:
    @hookimpl
    def register_writers(self, register):
        register(BrokenWriter())


def test_an_exception_in_a_plugin_writer_is_write_failed_naming_it_and_leaves_no_file(cchc_sample, tmp_path):
    out_file = tmp_path / "bao-cao.html"
    with register_plugin(BrokenWriterPlugin(), "cchc-html"):
        code, _out, err = run_compute(cchc_sample, extra=["-o", str(out_file)])
    assert code == 2
    assert err.strip().splitlines() == [
        f"Lỗi: Không ghi được '{out_file}': định dạng 'html' của plugin 'cchc-html' bị lỗi: KeyError: 'form_title'"
    ]
    assert not out_file.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["sample.xlsx"]


class BrokenRegistration:
    @hookimpl
    def register_writers(self, register):
        raise ImportError("No module named 'jinja2'")


def test_a_broken_register_writers_is_named_before_unknown_format(cchc_sample):
    with register_plugin(BrokenRegistration(), "cchc-html"):
        code, _out, err = run_compute(cchc_sample, fmt="html")
    lines = err.strip().splitlines()
    assert code == 2
    assert lines[0] == "Cảnh báo: Plugin 'cchc-html' bị lỗi và đã bị bỏ qua: ImportError: No module named 'jinja2'"
    assert lines[1].startswith("Lỗi: Định dạng 'html' chưa được cài.")
    assert len(lines) == 2


# --- spec plugins: a missing YAML names the plugin, once --------------------------------------


class MissingYaml:
    calls = 0

    @hookimpl
    def register_specs(self, register):
        MissingYaml.calls += 1
        register(Path("/nonexistent/cchc_phu_tho/specs/2023-phu-tho.yaml"))


def test_a_spec_plugin_without_its_yaml_is_named_once_and_other_specs_work(cchc_sample):
    MissingYaml.calls = 0
    with register_plugin(MissingYaml(), "cchc-phu-tho"):
        code, out, err = run_cli("specs")
    assert code == 0 and "2023" in out
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Cảnh báo: Plugin 'cchc-phu-tho' đăng ký Bộ chỉ tiêu không dùng được, bị bỏ qua: ")
    assert "2023-phu-tho.yaml" in lines[0]
    assert MissingYaml.calls == 1  # register hooks run in one place


# --- the host itself: through pm.hook, so wrappers, ordering and tracing work ----------------------


class Wrapper:
    """A wrapper=True hookimpl sees every other plugin's findings and can drop some."""

    @hookimpl(wrapper=True)
    def check_result(self, result, spec):
        found = yield  # one list per implementation
        return [[f for f in returned if f.code != "drop-me"] for returned in found]


class DropMe:
    @hookimpl
    def check_result(self, result, spec):
        return [Finding.make("drop-me", "error", template="x"), Finding.make("keep-me", "info", template="y")]


def test_wrapper_hookimpls_work(cchc_sample):
    with register_plugin(DropMe(), "drop"), register_plugin(Wrapper(), "wrapper"):
        code, out, _ = run_compute(cchc_sample, fmt="json")
    codes = [f["code"] for f in json.loads(out)["findings"]]
    assert code == 0 and "keep-me" in codes and "drop-me" not in codes


class First:
    @hookimpl(tryfirst=True)
    def choose_reader(self, path, readers):
        return next(r for r in readers if r.name == "json")


class Last:
    @hookimpl(trylast=True)
    def choose_reader(self, path, readers):
        raise AssertionError("a firstresult hook stops at the first answer")


def test_tryfirst_trylast_and_firstresult(tmp_path):
    path = tmp_path / "export.dat"
    path.write_text(json.dumps({"level": "xa", "period": "2023", "values": {"2.1": 4, "2.2": 2}}), encoding="utf-8")
    with register_plugin(First(), "first"), register_plugin(Last(), "last"):
        code, out, err = run_compute(path, fmt="json")
    assert code == 0 and err == "" and json.loads(out)["indicators"][1]["value"] == 50.0


def test_trace_prints_each_hook_call(cchc_sample, capsys):
    host = PluginHost(entry_points=False, load_only=None, trace=True)
    with using_host(host):
        code, _out, run_err = run_compute(cchc_sample, fmt="json")
    err = capsys.readouterr().err + run_err
    assert code == 0
    # the implementations in the order pluggy calls them (last registered first), then the result
    assert "cchc trace: register_writers(register) → cchc_engine.writers.matrix, cchc_engine.writers.xlsx, " in err
    assert "cchc_engine.builtin.specs" not in err.split("register_writers(register)")[1].split("\n")[0]
    assert "cchc trace: register_writers ← []" in err
    assert "cchc trace: check_result(result, spec, lang) → -" in err
    assert "cchc trace: choose_reader ← None" in err


def test_trace_switch_in_a_real_process(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("CCHC_LOAD_PLUGINS",)}
    env.update(CCHC_TRACE_PLUGINS="1", CCHC_LOAD_PLUGINS="")
    proc = subprocess.run([sys.executable, "-m", "cchc_engine", "plugins", "--json"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0 and json.loads(proc.stdout) == []
    assert "cchc trace: register_readers(register) → cchc_engine.readers.plain, cchc_engine.readers.docx, cchc_engine.readers.ods, " in proc.stderr
    assert "cchc trace: register_specs(register) → cchc_engine.builtin.specs\n" in proc.stderr


def test_each_host_has_its_own_plugins_and_problems():
    a = PluginHost(entry_points=False, load_only=None)
    b = PluginHost(entry_points=False, load_only=None)
    a.register(BrokenRegistration(), "only-in-a")
    a.writers.all()
    assert [f.values["plugin"] for f in a.problems] == ["only-in-a"]
    assert b.problems == [] and not b.pm.has_plugin("only-in-a")
    assert kit_host() is not a and kit_host() is not b


def test_core_tests_see_no_installed_plugins():
    host = kit_host().load()
    names = {host.pm.get_name(p) for p in host.pm.get_plugins()}
    assert names and all(n.startswith("cchc_engine.") for n in names)


# --- single-file plugins from a directory ---------------------------------------------------


HELLO = '''
from cchc_engine.api import hookimpl

class Hello:
    name = "hello-dir"
    suffix = ".hello"
    binary = False
    description = "one line"

    def write(self, result, stream, options):
        stream.write(f"hello {result.unit}\\n")

@hookimpl
def register_writers(register):
    register(Hello())
'''


def test_plugins_dir_option_and_env(tmp_path, cchc_sample):
    plugins_dir = tmp_path / "my-plugins"
    plugins_dir.mkdir()
    (plugins_dir / "hello_dir.py").write_text(textwrap.dedent(HELLO), encoding="utf-8")
    with using_host(PluginHost(entry_points=False, load_only=None)):
        code, out, err = run_cli("--plugins-dir", str(plugins_dir), "compute", "--spec", str(_sample_spec()),
                                 str(cchc_sample), "-f", "hello-dir")
        assert (code, out) == (0, "hello huyện Lâm Thao\n"), err
        listed = {p["name"]: p for p in json.loads(run_cli("plugins", "--json")[1])}
    assert listed["hello_dir.py"]["source"] == "plugins-dir"
    assert listed["hello_dir.py"]["registered"]["formats"] == ["hello-dir"]

    env = {k: v for k, v in os.environ.items() if k != "CCHC_LOAD_PLUGINS"}
    env.update(CCHC_PLUGINS_DIR=str(plugins_dir), CCHC_LOAD_PLUGINS="")
    proc = subprocess.run(
        [sys.executable, "-m", "cchc_engine", "compute", "--spec", str(_sample_spec()), str(cchc_sample), "-f", "hello-dir"],
        capture_output=True, text=True, env=env,
    )
    assert (proc.returncode, proc.stdout) == (0, "hello huyện Lâm Thao\n"), proc.stderr


def test_plugins_dir_that_does_not_exist_is_a_usage_error(tmp_path):
    code, _out, err = run_cli("--plugins-dir", str(tmp_path / "nope"), "plugins")
    assert code == 2 and "nope" in err


def test_duplicate_plugin_name_is_one_clear_error():
    host = PluginHost(entry_points=False, load_only=None)
    host.register(Wrapper(), "same")
    with pytest.raises(CchcError, match="Plugin 'same'"):
        host.register(DropMe(), "same")


def test_install_failure_is_one_line_and_exit_2(tmp_path):
    missing = tmp_path / "cchc_nothing-0.1.0-py3-none-any.whl"
    code, _out, err = run_cli("install", str(missing))
    assert code == 2
    assert err.strip().splitlines()[-1].startswith(f"Lỗi: pip không cài/gỡ được ({missing}); mã thoát ")


STRICT_CHECK = '''
from cchc_engine.api import Finding, hookimpl

@hookimpl
def check_result(result, spec):
    return [Finding.make("from-plugins-dir", "error", template="seen in the worker")]
'''

SPAWNED = '''
import multiprocessing, sys
from pathlib import Path
from cchc_engine.compile.collect import read_units
from cchc_engine.plugins import PluginHost
from cchc_engine.session import Session

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    host = PluginHost(entry_points=False, load_only=None, plugins_dirs=[sys.argv[1]])
    session = Session.open(sys.argv[2], host=host)
    units = list(read_units([Path(p) for p in sys.argv[3:]], session, jobs=2, chunk=1))
    print(sorted({e["code"] for u in units for e in u.errors}), len(units))
'''


def test_spawned_aggregate_workers_get_the_parents_plugins(tmp_path):
    plugins_dir = tmp_path / "plugins"
    plugins_dir.mkdir()
    (plugins_dir / "strict_check.py").write_text(STRICT_CHECK, encoding="utf-8")
    script = tmp_path / "spawned.py"
    script.write_text(SPAWNED, encoding="utf-8")
    from cchc_engine.testing import SAMPLE_SPEC, write_sample_submission

    files = [write_sample_submission(tmp_path, name=f"unit{i}.xlsx") for i in range(2)]
    env = {k: v for k, v in os.environ.items() if k not in ("CCHC_LOAD_PLUGINS", "CCHC_PLUGINS_DIR")}
    proc = subprocess.run([sys.executable, str(script), str(plugins_dir), str(SAMPLE_SPEC), *map(str, files)],
                          capture_output=True, text=True, env=env, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['from-plugins-dir'] 2"


BROKEN_IMPORT = '''
import cchc_engine.no_such_module  # the vendor's typo: the plugin never loads
'''

MISSPELLED = '''
from cchc_engine.api import hookimpl

@hookimpl
def check_results(result, spec):  # no such hook: the plugin is skipped
    return []
'''

COMMANDS_DIR = '''
import click
from cchc_engine.api import hookimpl

@hookimpl
def register_commands(cli):
    @cli.command(name="chao")
    @click.argument("who")
    def chao(who):
        """Say hello."""
        click.echo(f"Xin chào {who}")
'''


@pytest.mark.parametrize("source", [BROKEN_IMPORT, MISSPELLED], ids=["import-error", "misspelled-hook"])
def test_a_plugin_that_does_not_load_is_a_finding_in_every_result(tmp_path, cchc_sample, source):
    """The saved report must not say valid without the checks it was meant to get."""
    plugins_dir = tmp_path / "plugins"
    plugins_dir.mkdir()
    (plugins_dir / "phu_tho_checks.py").write_text(source, encoding="utf-8")
    args = ("--plugins-dir", str(plugins_dir), "compute", "--spec", str(_sample_spec()), str(cchc_sample), "-f", "json")
    with using_host(PluginHost(entry_points=False, load_only=None)):
        code, out, _err = run_cli(*args)
    [f] = [f for f in json.loads(out)["findings"] if f["code"] == "plugin-not-loaded"]
    assert code == 0 and f["severity"] == "warning" and f["values"]["plugin"] == "phu_tho_checks.py"
    with using_host(PluginHost(entry_points=False, load_only=None)):
        code, out, _err = run_cli("--strict-plugins", *args)
    result = json.loads(out)
    assert code == 1 and not result["valid"]
    assert [f["severity"] for f in result["findings"] if f["code"] == "plugin-not-loaded"] == ["error"]


def test_register_commands_works_from_a_plugins_dir_file(tmp_path):
    plugins_dir = tmp_path / "plugins"
    plugins_dir.mkdir()
    (plugins_dir / "chao.py").write_text(COMMANDS_DIR, encoding="utf-8")
    with using_host(PluginHost(entry_points=False, load_only=None)):
        assert run_cli("--plugins-dir", str(plugins_dir), "chao", "Lâm Thao") == (0, "Xin chào Lâm Thao\n", "")
    env = {k: v for k, v in os.environ.items() if k != "CCHC_LOAD_PLUGINS"}
    env.update(CCHC_LOAD_PLUGINS="")
    proc = subprocess.run([sys.executable, "-m", "cchc_engine", "--plugins-dir", str(plugins_dir), "chao", "x"],
                          capture_output=True, text=True, env=env)
    assert (proc.returncode, proc.stdout) == (0, "Xin chào x\n"), proc.stderr


def test_two_readers_claiming_one_suffix_are_named(tmp_path):
    from cchc_engine.flow.pipeline import pick_reader

    class Other:
        name = "xlsx-too"
        suffixes = (".xlsx",)
        description = "claims .xlsx as well"

        def sniff(self, path):
            return False

        def read(self, path, options=None):
            raise AssertionError("the first reader of the suffix reads it")

    class Plugin:
        @hookimpl
        def register_readers(self, register):
            register(Other())

    host = PluginHost(entry_points=False, load_only=None)
    host.register(Plugin(), "xlsx-too-plugin")
    path = Path(__file__).resolve().parent.parent / "examples" / "lam-thao-2023-q3.xlsx"
    assert pick_reader(path, host).name == "xlsx"
    [warning] = [f for f in host.problems if f.code == "reader-suffix-clash"]
    assert warning.values == {"suffix": ".xlsx", "first": "xlsx", "first_plugin": "cchc_engine.readers.xlsx",
                              "second": "xlsx-too", "second_plugin": "xlsx-too-plugin"}
