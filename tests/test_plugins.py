"""Plugins: every hook exercised through a throwaway plugin, discovery through the
``cchc`` entry-point group, and the promise that a broken plugin never takes the
core down."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest

from cchc_engine import hookimpl
from cchc_engine.flow.findings import CchcError, Finding
from cchc_engine.protocols import Reader, Writer
from cchc_engine.flow.submission import RawRow, RawSubmission
from cchc_engine.testing import SAMPLE_SPEC, kit_host, register_plugin, run_cli, run_compute, write_sample_submission


def get_plugins() -> list[dict]:
    """What `cchc plugins --json` lists for the kit's host (its spec listing included)."""
    from cchc_engine.spec.registry import spec_listing

    host = kit_host()
    spec_listing(host)
    return host.describe()

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sample(tmp_path) -> Path:
    return write_sample_submission(tmp_path)


# --- one test per hook (tests/test_docs.py requires them) --------------------------


class UpperWriter:
    name = "upper"
    suffix = ".up"
    binary = False
    description = "Names in capitals"

    def write(self, result, stream, options):
        for ind in result.indicators:
            stream.write(f"{ind.stt}\t{ind.name.upper()}\t{ind.value}\n")


class WritersPlugin:
    @hookimpl
    def register_writers(self, register):
        register(UpperWriter())


def test_hook_register_writers(sample):
    with register_plugin(WritersPlugin(), "test-writers"):
        assert isinstance(kit_host().writers.get("upper").item, Writer)
        assert kit_host().writers.get("upper").plugin == "test-writers"
        code, out, err = run_compute(sample, fmt="upper")
    assert code == 0, err
    assert "2\tTỶ LỆ HOÀN THÀNH KẾ HOẠCH CCHC NĂM\t75.86" in out
    assert kit_host().writers.get("upper") is None


class KeyValueReader:
    """Reads 'stt = value' lines: the smallest reader there is."""

    name = "kv"
    suffixes = (".kv",)
    description = "stt = value"

    def sniff(self, path):
        return path.suffix == ".kv"

    def read(self, path, options):
        raw = RawSubmission(file=str(path), unit="xã Mẫu", level="xa", period="2023-Q3")
        for stt, value in (line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line):
            raw.rows.append(RawRow(stt=stt.strip(), name="", unit="", value=value.strip()))
        return raw


class ReadersPlugin:
    @hookimpl
    def register_readers(self, register):
        register(KeyValueReader())


def test_hook_register_readers(tmp_path):
    path = tmp_path / "x.kv"
    path.write_text("2.1 = 4\n2.2 = 3\n", encoding="utf-8")
    with register_plugin(ReadersPlugin(), "test-readers"):
        assert isinstance(kit_host().readers.get("kv").item, Reader)
        code, out, err = run_compute(path, fmt="json")
    assert code == 0, err
    assert json.loads(out)["indicators"][1]["value"] == 75.0


class SpecsPlugin:
    @hookimpl
    def register_specs(self, register):
        register(SAMPLE_SPEC)


def test_hook_register_specs(sample):
    with register_plugin(SpecsPlugin(), "test-specs"):
        code, out, err = run_compute(sample, spec="sample")
        listed = {p["name"]: p for p in get_plugins()}
    assert code == 0, err
    assert listed["test-specs"]["registered"]["specs"] == ["sample"]


class CommandsPlugin:
    @hookimpl
    def register_commands(self, cli):
        @cli.command(name="hello")
        @click.argument("who")
        def hello(who):
            """Say hello."""
            click.echo(f"Xin chào {who}")


def test_hook_register_commands():
    with register_plugin(CommandsPlugin(), "test-commands"):
        assert run_cli("hello", "Lâm Thao") == (0, "Xin chào Lâm Thao\n", "")
        assert {p["name"]: p for p in get_plugins()}["test-commands"]["registered"]["commands"] == ["hello"]
    assert run_cli("hello", "x")[0] == 2  # gone with the plugin


class ChecksPlugin:
    @hookimpl
    def check_result(self, result, spec):
        if result.value("so_phieu") < 100:
            return [
                Finding.make(
                    "too-few-forms", "warning", indicator="so_phieu",
                    template="Chỉ có {n} phiếu khảo sát (tỉnh yêu cầu ít nhất 100).", n=result.value("so_phieu"),
                )
            ]
        return None


def test_hook_check_result(sample):
    with register_plugin(ChecksPlugin(), "test-checks"):
        code, out, err = run_compute(sample, fmt="json")
    report = json.loads(out)
    assert code == 0
    assert [(f["indicator"], f["code"], f["message"]) for f in report["findings"] if f["code"] == "too-few-forms"] == [
        ("so_phieu", "too-few-forms", "Chỉ có 50 phiếu khảo sát (tỉnh yêu cầu ít nhất 100).")
    ]


class ChooserPlugin:
    @hookimpl
    def choose_reader(self, path, readers):
        if path.endswith(".dat"):  # another system's export: JSON under a name of its own
            return next(r for r in readers if r.name == "json")
        return None


def test_hook_choose_reader(tmp_path):
    path = tmp_path / "export.dat"
    path.write_text(json.dumps({"level": "xa", "period": "2023", "values": {"2.1": 4, "2.2": 2}}), encoding="utf-8")
    with register_plugin(ChooserPlugin(), "test-chooser"):
        code, out, err = run_compute(path, fmt="json")
    assert code == 0, err
    assert json.loads(out)["indicators"][1]["value"] == 50.0
    code, _out, err = run_compute(path)  # without the plugin no reader takes it
    assert code == 2 and "no-reader" not in err and "export.dat" in err


# --- a broken plugin never takes the core down ----------------------------------------


class RaisingPlugin:
    @hookimpl
    def check_result(self, result, spec):
        raise RuntimeError("boom\nsecond line")

    @hookimpl
    def register_writers(self, register):
        raise ValueError("cannot register")

    @hookimpl
    def choose_reader(self, path, readers):
        raise KeyError(path)


def test_plugin_raising_in_hooks_is_one_line_naming_it_and_the_run_goes_on(sample):
    with register_plugin(RaisingPlugin(), "boom-plugin"):
        code, out, err = run_compute(sample, fmt="json")
    assert code == 0
    report = json.loads(out)
    assert report["indicators"][1]["value"] == 75.86
    # the failing check is in the result, where the officer looks
    assert [(f["code"], f["severity"], f["message"]) for f in report["findings"] if f["code"] == "plugin-failed"] == [
        ("plugin-failed", "warning", "Plugin 'boom-plugin' bị lỗi và đã bị bỏ qua: RuntimeError: boom second line")
    ]
    # the other two failures on stderr, one line each
    lines = err.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("Cảnh báo: Plugin 'boom-plugin' bị lỗi và đã bị bỏ qua") for line in lines)
    assert any("ValueError: cannot register" in line for line in lines) and any("KeyError" in line for line in lines)


def test_invalid_registration_is_reported_and_skipped(sample):
    class Bad:
        @hookimpl
        def register_writers(self, register):
            register(object())

    with register_plugin(Bad(), "bad-writer"):
        code, _out, err = run_compute(sample)
    assert code == 0
    assert "Plugin 'bad-writer' đăng ký Định dạng không hợp lệ" in err and "thiếu name, suffix, binary, write" in err


def test_duplicate_format_fails_only_when_used_naming_both_plugins(sample):
    class Dup:
        @hookimpl
        def register_writers(self, register):
            register(type("W", (UpperWriter,), {"name": "hello"})())
            register(type("W", (UpperWriter,), {"name": "upper"})())

    with register_plugin(WritersPlugin(), "test-writers"), register_plugin(Dup(), "dup-upper"):
        with pytest.raises(CchcError) as exc:
            kit_host().writers.get("upper")
        assert "upper" not in {r.name for r in kit_host().writers.all()} and kit_host().writers.get("hello")
        code, out, err = run_compute(sample, fmt="upper")  # the clashing name: one line naming both
        json_code, json_out, json_err = run_compute(sample, fmt="json")  # any other format works
        listed = {p["name"]: p for p in get_plugins()}
    assert [f.code for f in exc.value.findings] == ["duplicate-registration"]
    assert "'upper'" in str(exc.value) and "test-writers" in str(exc.value) and "dup-upper" in str(exc.value)
    assert code == 2 and err.count("\n") == 1 and "dup-upper" in err and "test-writers" in err
    assert json_code == 0 and json.loads(json_out)["spec"] == "sample", json_err
    assert any("'upper'" in e for e in listed["dup-upper"]["errors"])
    assert any("'upper'" in e for e in listed["test-writers"]["errors"])


def test_duplicate_spec_id_names_both_plugins():
    class Again:
        @hookimpl
        def register_specs(self, register):
            register(ROOT / "specs" / "2023" / "national.yaml")

    with register_plugin(Again(), "again-2023"):
        with pytest.raises(CchcError, match="cchc_engine.builtin.specs.*again-2023|again-2023.*cchc_engine.builtin.specs"):
            from cchc_engine.spec.registry import spec_listing

            spec_listing(kit_host()).all()
    kit_host().reset()


# --- discovery through the entry-point group `cchc` ------------------------------------


def make_dist(site: Path, dist: str, module: str, source: str, entry: str) -> None:
    """An installed distribution as importlib.metadata sees it: a module and a dist-info."""
    (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = site / f"{dist.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[cchc]\n{entry} = {module}\n", encoding="utf-8")


GOOD = """
    from cchc_engine import hookimpl

    class W:
        name = "{name}"
        suffix = ".{name}"
        binary = False
        description = "test"
        def write(self, result, stream, options):
            stream.write("{name}\\n")

    @hookimpl
    def register_writers(register):
        register(W())
"""


def cchc(site: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "CCHC_LOAD_PLUGINS"}
    environ.update(PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]), **env)
    return subprocess.run(
        [sys.executable, "-m", "cchc_engine", *args], capture_output=True, text=True, env=environ, timeout=120
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    make_dist(site, "cchc-alpha", "cchc_alpha", GOOD.replace("{name}", "alpha"), "alpha")
    make_dist(site, "cchc-beta", "cchc_beta", GOOD.replace("{name}", "beta"), "beta")
    make_dist(site, "cchc-broken", "cchc_broken", "raise ImportError('no module named lxml')\n", "broken")
    make_dist(site, "cchc-typo", "cchc_typo", "from cchc_engine import hookimpl\n@hookimpl\ndef register_writer(register): pass\n", "typo")
    return site


def test_entry_points_are_discovered_and_listed_with_versions(site):
    proc = cchc(site, "plugins", "--json", CCHC_LOAD_PLUGINS="alpha,cchc-beta")
    listed = {p["name"]: p for p in json.loads(proc.stdout)}
    assert set(listed) == {"alpha", "beta"}
    assert listed["alpha"] == {
        "name": "alpha", "distribution": "cchc-alpha", "version": "1.2.3", "source": "entry-point",
        "hooks": ["register_writers"],
        "registered": {"formats": ["alpha"], "readers": [], "specs": [], "commands": []},
        "errors": [],
    }
    assert proc.returncode == 0 and proc.stderr == ""


def test_a_typo_in_load_plugins_is_reported(site):
    proc = cchc(site, "plugins", "--json", CCHC_LOAD_PLUGINS="alpah")
    assert json.loads(proc.stdout) == []
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith(
        "Cảnh báo: CCHC_LOAD_PLUGINS nêu 'alpah' nhưng không có plugin nào tên như vậy. Các plugin đã cài: alpha, beta, broken, "
    )


def test_plugins_lists_the_distribution_and_marks_broken_plugins(site):
    proc = cchc(site, "plugins")
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["Plugin", "Gói", "cài", "đặt", "Phiên", "bản", "Hook", "Đã", "đăng", "ký", "Lỗi"]
    alpha = next(line for line in lines if line.startswith("alpha "))
    assert alpha.split()[:4] == ["alpha", "cchc-alpha", "1.2.3", "register_writers"]
    broken = next(line for line in lines if line.startswith("broken "))
    assert broken.split()[:3] == ["broken", "cchc-broken", "1.2.3"]
    assert broken.endswith("Plugin 'broken' bị lỗi và đã bị bỏ qua: ImportError: no module named lxml")
    listed = {p["name"]: p for p in json.loads(cchc(site, "plugins", "--json").stdout)}
    assert listed["typo"]["errors"] and "register_writer" in listed["typo"]["errors"][0]


def test_load_plugins_env_restricts_and_empty_means_builtins_only(site):
    only_alpha = json.loads(cchc(site, "plugins", "--json", CCHC_LOAD_PLUGINS="alpha").stdout)
    assert [p["name"] for p in only_alpha] == ["alpha"]
    assert json.loads(cchc(site, "plugins", "--json", CCHC_LOAD_PLUGINS="").stdout) == []


def test_a_plugin_that_fails_to_import_is_one_line_and_the_core_works(site, tmp_path):
    sample = write_sample_submission(tmp_path)
    proc = cchc(site, "compute", "--spec", str(SAMPLE_SPEC), str(sample), "-f", "alpha")
    assert proc.returncode == 0 and proc.stdout == "alpha\n"
    problems = proc.stderr.strip().splitlines()
    assert len(problems) == 2
    assert problems[0] == "Cảnh báo: Plugin 'broken' bị lỗi và đã bị bỏ qua: ImportError: no module named lxml"
    assert problems[1].startswith("Cảnh báo: Plugin 'typo' bị lỗi và đã bị bỏ qua: PluginValidationError")
