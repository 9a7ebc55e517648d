"""The compiled-spec cache (spec/cache.py) and the runtime form it stores (spec/runtime.py).

Every test points CCHC_CACHE_DIR at its own tmp directory (conftest.py already
keeps the whole suite away from the user's cache).
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cchc_engine.spec import cache, model, runtime
from cchc_engine.spec.compiler import compile_spec
from cchc_engine.spec.loader import load_spec_file
from cchc_engine.spec.registry import check_file

ROOT = Path(__file__).resolve().parent.parent
NATIONAL_2021 = ROOT / "specs" / "2021" / "national.yaml"
BUNDLED = sorted((ROOT / "specs").glob("*/*.yaml"))


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("CCHC_CACHE_DIR", str(d))
    return d


@pytest.fixture
def debug_lines(monkeypatch) -> list[str]:
    lines: list[str] = []
    monkeypatch.setattr(cache, "debug_log", lines.append)
    return lines


class Counting:
    """The real compile, counted: a hit must not call it."""

    def __init__(self, path: Path):
        self.path, self.calls = path, 0

    def __call__(self, on_read=None):
        self.calls += 1
        spec, lines = load_spec_file(self.path, on_read=on_read)  # the cache hears what was read
        return compile_spec(spec, source=str(self.path), lines=lines)


def _family(tmp_path: Path) -> tuple[Path, Path]:
    """A parent (the national 2021 spec) and a child extending it by path."""
    parent = tmp_path / "parent.yaml"
    shutil.copy(NATIONAL_2021, parent)
    child = tmp_path / "child.yaml"
    child.write_text('id: "con"\nextends: "parent.yaml"\ntitle: "Bộ con"\n', encoding="utf-8")
    return parent, child


def test_second_load_is_a_hit_and_equals_the_compile(cache_dir, tmp_path):
    path = tmp_path / "national.yaml"
    shutil.copy(NATIONAL_2021, path)
    first = Counting(path)
    compiled, problems = cache.load_or_compile(path, first)
    assert first.calls == 1 and problems == []
    assert len(list(cache_dir.glob("*.json"))) == 1
    again = Counting(path)
    hit, hit_problems = cache.load_or_compile(path, again)
    assert again.calls == 0, "a cached spec was compiled again"
    assert hit_problems == []
    assert hit.spec == compiled.spec and hit.formula_order == compiled.formula_order
    assert [r.expr for r in hit.rules] == [r.expr for r in compiled.rules]
    assert isinstance(hit.spec, runtime.Spec)


def test_editing_the_spec_misses(cache_dir, tmp_path):
    path = tmp_path / "national.yaml"
    shutil.copy(NATIONAL_2021, path)
    cache.load_or_compile(path, Counting(path))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('title: "Thống kê', 'title: "Đã sửa: Thống kê', 1), encoding="utf-8")
    again = Counting(path)
    compiled, _ = cache.load_or_compile(path, again)
    assert again.calls == 1
    assert compiled.spec.title.startswith("Đã sửa: ")


def test_editing_a_parent_misses(cache_dir, tmp_path):
    parent, child = _family(tmp_path)
    first = Counting(child)
    compiled, problems = cache.load_or_compile(child, first)
    assert problems == [] and compiled.spec.title == "Bộ con" and compiled.spec.year == 2021
    hit = Counting(child)
    cache.load_or_compile(child, hit)
    assert hit.calls == 0
    parent.write_text(parent.read_text(encoding="utf-8").replace("year: 2021", "year: 2022", 1), encoding="utf-8")
    after = Counting(child)
    compiled, _ = cache.load_or_compile(child, after)
    assert after.calls == 1, "the child's entry survived an edit of its parent"
    assert compiled.spec.year == 2022


def test_a_removed_parent_is_not_served_from_the_cache(cache_dir, tmp_path):
    from cchc_engine.flow.findings import CchcError

    parent, child = _family(tmp_path)
    cache.load_or_compile(child, Counting(child))
    parent.unlink()
    with pytest.raises(CchcError):
        cache.load_or_compile(child, Counting(child))


def test_an_engine_upgrade_misses(cache_dir, tmp_path, monkeypatch):
    import cchc_engine

    path = tmp_path / "national.yaml"
    shutil.copy(NATIONAL_2021, path)
    cache.load_or_compile(path, Counting(path))
    monkeypatch.setattr(cache, "_fingerprint", None)
    monkeypatch.setattr(cchc_engine, "__version__", cchc_engine.__version__ + ".post1")
    upgraded = Counting(path)
    cache.load_or_compile(path, upgraded)
    assert upgraded.calls == 1
    assert len(list(cache_dir.glob("*.json"))) == 2


def test_an_edited_engine_module_misses(cache_dir, tmp_path, monkeypatch):
    """Developers edit the engine without bumping the version: the fingerprint sees the files."""
    path = tmp_path / "national.yaml"
    shutil.copy(NATIONAL_2021, path)
    before = cache.engine_fingerprint()
    module = Path(cache.__file__).parent / "runtime.py"
    st = module.stat()
    try:
        os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        monkeypatch.setattr(cache, "_fingerprint", None)
        assert cache.engine_fingerprint() != before
    finally:
        os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_the_message_language_is_part_of_the_key(cache_dir, tmp_path):
    from cchc_engine.text.messages import get_lang, set_lang

    path = tmp_path / "broken.yaml"
    path.write_text(NATIONAL_2021.read_text(encoding="utf-8").replace("levels: [xa]", "levels: [khong_co]", 1), encoding="utf-8")
    _, vi = cache.load_or_compile(path, Counting(path))
    was = get_lang()
    try:
        set_lang("en")
        _, en = cache.load_or_compile(path, Counting(path))
    finally:
        set_lang(was)
    assert vi and en and vi[0].code == en[0].code == "spec-unknown-level"
    assert vi[0].message != en[0].message and "is not declared" in en[0].message


@pytest.mark.parametrize("garbage", [b"", b"not a pickle", b"\x80\x05K\x01.", None])
def test_a_corrupt_entry_is_ignored_and_replaced(cache_dir, tmp_path, capsys, garbage, monkeypatch):
    path = tmp_path / "national.yaml"
    shutil.copy(NATIONAL_2021, path)
    good, _ = cache.load_or_compile(path, Counting(path))
    (entry,) = cache_dir.glob("*.json")
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2] if garbage is None else garbage)  # None: truncated
    again = Counting(path)
    compiled, problems = cache.load_or_compile(path, again)
    assert again.calls == 1 and problems == [] and compiled.spec == good.spec
    out = capsys.readouterr()
    assert out.out == "" and out.err == "", "a corrupt cache must be silent without --debug"
    third = Counting(path)
    cache.load_or_compile(path, third)
    assert third.calls == 0, "the corrupt entry was not replaced by a good one"


def test_a_corrupt_entry_says_one_line_under_debug(cache_dir, tmp_path, debug_lines):
    path = tmp_path / "national.yaml"
    shutil.copy(NATIONAL_2021, path)
    cache.load_or_compile(path, Counting(path))
    (entry,) = cache_dir.glob("*.json")
    entry.write_bytes(b"garbage")
    cache.load_or_compile(path, Counting(path))
    assert len(debug_lines) == 1 and str(entry) in debug_lines[0] and "Bỏ qua bộ nhớ đệm" in debug_lines[0]


def _read_only_dir(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        d = tmp_path / "ro"
        d.mkdir()
        d.chmod(0o555)
    else:  # permissions do not bind root; /sys is a read-only file system even for root
        d = Path("/sys/cchc-engine-cache-test")
    with pytest.raises(OSError):
        d.mkdir(parents=True, exist_ok=True)
        (d / "probe").write_bytes(b"x")
    return d


def test_a_read_only_cache_directory_is_ignored(tmp_path, monkeypatch, capsys, debug_lines):
    d = _read_only_dir(tmp_path)
    monkeypatch.setenv("CCHC_CACHE_DIR", str(d))
    path = tmp_path / "national.yaml"
    shutil.copy(NATIONAL_2021, path)
    for _ in range(2):
        calls = Counting(path)
        compiled, problems = cache.load_or_compile(path, calls)
        assert calls.calls == 1 and problems == [] and compiled.spec.id == "2021"
    assert capsys.readouterr().err == ""
    assert len(debug_lines) == 2 and all("Bỏ qua bộ nhớ đệm" in line for line in debug_lines)


def test_the_cli_says_why_under_debug_only(tmp_path, monkeypatch):
    d = _read_only_dir(tmp_path)
    env = {**os.environ, "CCHC_CACHE_DIR": str(d)}
    example = ROOT / "examples" / "lam-thao-2023-q3.xlsx"
    cmd = [sys.executable, "-m", "cchc_engine"]
    quiet = subprocess.run(cmd + ["compute", "--spec", "2023", str(example), "-f", "json"], env=env, capture_output=True, text=True)
    loud = subprocess.run(cmd + ["--debug", "compute", "--spec", "2023", str(example), "-f", "json"], env=env, capture_output=True, text=True)
    assert quiet.returncode == loud.returncode == 1  # the example has data errors
    assert json.loads(quiet.stdout) == json.loads(loud.stdout)
    assert "bộ nhớ đệm" not in quiet.stderr
    assert "Bỏ qua bộ nhớ đệm bộ chỉ tiêu" in loud.stderr


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CCHC_CACHE_DIR", str(tmp_path / "a"))
    assert cache.cache_dir() == tmp_path / "a"
    monkeypatch.delenv("CCHC_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "cchc-engine"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "cchc-engine"


def test_a_warm_compute_imports_no_pydantic(tmp_path):
    env = {**os.environ, "CCHC_CACHE_DIR": str(tmp_path / "cache")}
    example = ROOT / "examples" / "lam-thao-2023-q3.xlsx"
    code = (
        "import sys\nfrom cchc_engine.cli.main import main\n"
        f"try:\n    main(['compute', '--spec', '2023', {str(example)!r}, '-f', 'json'])\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core', 'yaml')}), file=sys.stderr)\n"
    )
    cold = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    warm = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert cold.stdout == warm.stdout and json.loads(warm.stdout)["spec"] == "2023"
    assert "pydantic" in cold.stderr.splitlines()[-1]  # the first run compiled
    assert warm.stderr.splitlines()[-1] == "[]"


# --- the runtime form follows the models ---------------------------------------------


def _model_classes() -> list[type]:
    from pydantic import BaseModel

    return [c for _, c in inspect.getmembers(model, inspect.isclass) if issubclass(c, BaseModel) and c.__module__ == model.__name__]


def _own_public_members(cls: type) -> set[str]:
    from pydantic import BaseModel

    names: set[str] = set()
    for klass in cls.__mro__:
        if klass is BaseModel or not issubclass(klass, BaseModel):
            continue
        names |= {n for n, v in vars(klass).items() if not n.startswith("_") and (callable(v) or isinstance(v, (property, classmethod, staticmethod)))}
    return names - {"model_config", "model_fields", "model_computed_fields"} - set(getattr(cls, "model_fields", {}))


def test_every_model_method_has_a_runtime_counterpart():
    for cls in _model_classes():
        wanted = {n for n in _own_public_members(cls) if not n.startswith("model_")}
        if not wanted:
            continue
        rt = runtime.RUNTIME_CLASSES.get(cls.__name__)
        assert rt is not None, f"spec/runtime.py has no class {cls.__name__} for its methods {sorted(wanted)}"
        missing = sorted(n for n in wanted if not hasattr(rt, n))
        assert not missing, f"runtime.{cls.__name__} lacks {missing} (spec/model.py has them)"


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_runtime_form_has_every_field_and_answers_like_the_model(path):
    from cchc_engine.plugins import PluginHost
    from cchc_engine.spec.registry import path_for_id

    host = PluginHost.builtins_only()
    spec, lines = load_spec_file(path, find_by_id=lambda name: path_for_id(name, host))  # 2021-ha-tinh extends "2021"
    rt = runtime.from_model(spec)

    def same_fields(m, r):
        fields = getattr(type(m), "model_fields", None)
        if fields is not None:
            assert set(fields) <= set(vars(r)), f"{type(m).__name__}: {set(fields) - set(vars(r))} not carried"
            for name in fields:
                same_fields(getattr(m, name), getattr(r, name))
        elif isinstance(m, list):
            for a, b in zip(m, r, strict=True):
                same_fields(a, b)
        elif isinstance(m, dict):
            assert list(m) == list(r)
            for k in m:
                same_fields(m[k], r[k])
        else:
            assert m == r

    same_fields(spec, rt)
    levels = [None] + spec.level_ids()
    assert rt.level_ids() == spec.level_ids() and rt.indicator_count() == spec.indicator_count()
    assert list(rt.index()) == list(spec.index()) and {k: v.id for k, v in rt.form_of().items()} == {k: v.id for k, v in spec.form_of().items()}
    assert [r.id for r in rt.rule_list] == [r.id for r in spec.rule_list]
    for lv in spec.levels:
        for key in [lv.id, lv.name, *lv.aliases, lv.name.upper()]:
            assert rt.level(key).id == spec.level(key).id
    assert rt.level("không có cấp này") is None and spec.level("không có cấp này") is None
    for (mf, mi), (rf, ri) in zip(spec.indicators(), rt.indicators(), strict=True):
        assert (mf.id, mi.id) == (rf.id, ri.id)
        assert [c.id for c in mi.walk()] == [c.id for c in ri.walk()]
        assert (mi.has_value, mi.aggregate_method.method, mi.aggregate_method.code) == (
            ri.has_value, ri.aggregate_method.method, ri.aggregate_method.code)
        for level in levels:
            assert (mi.stt_for(level), mi.name_for(level), mi.applies_to(level)) == (
                ri.stt_for(level), ri.name_for(level), ri.applies_to(level))


def test_the_engine_gives_the_same_result_from_the_model_and_from_the_cache(cache_dir):
    from cchc_engine.session import compute_file

    example = ROOT / "examples" / "lam-thao-2023-q3.xlsx"
    path = ROOT / "specs" / "2023" / "national.yaml"
    spec, lines = load_spec_file(path)
    as_model, _ = compile_spec(spec, source=str(path), lines=lines)
    check_file(path)  # fills the cache
    from_cache, _ = check_file(path)
    assert isinstance(from_cache.spec, runtime.Spec)
    assert compute_file(as_model, example).to_json() == compute_file(from_cache, example).to_json()


def test_the_cache_keeps_only_the_newest_entries(cache_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    path = tmp_path / "national.yaml"
    text = NATIONAL_2021.read_text(encoding="utf-8")
    for n in range(5):
        path.write_text(text.replace('title: "', f'title: "{n} ', 1), encoding="utf-8")
        cache.load_or_compile(path, Counting(path))
    assert len(list(cache_dir.glob("*.json"))) == 3
    latest = Counting(path)
    cache.load_or_compile(path, latest)
    assert latest.calls == 0  # the newest survived


def test_a_parent_id_that_now_names_two_files_is_not_served_from_the_cache(cache_dir, tmp_path, monkeypatch):
    """The parent's bytes are unchanged, but its id became ambiguous: compiling must say so."""
    from cchc_engine.flow.findings import CchcError
    from cchc_engine.spec.registry import compile_file

    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    text = NATIONAL_2021.read_text(encoding="utf-8").replace('id: "2021"', 'id: "cha"', 1)
    (first / "cha.yaml").write_text(text, encoding="utf-8")
    child = first / "con.yaml"
    child.write_text('id: "con"\nextends: "cha"\ntitle: "Bộ con"\n', encoding="utf-8")
    monkeypatch.setenv("CCHC_SPECS_PATH", str(first))
    compiled, problems = compile_file(child)
    assert problems == [] and compiled.spec.title == "Bộ con"
    assert compile_file(child)[0].spec == compiled.spec  # a hit
    (second / "cha-2.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("CCHC_SPECS_PATH", os.pathsep.join([str(first), str(second)]))
    with pytest.raises(CchcError) as err:
        compile_file(child)
    assert "cha" in str(err.value)


def test_a_clashing_spec_dropped_after_a_cached_run_is_an_exit_2_clash(cache_dir, tmp_path, monkeypatch):
    """The brief's case end to end: a child spec runs (cached), then a file claiming its
    parent's id is dropped into the search path. Without a cache that is an exit-2 clash
    naming both files; a cache hit must not hide it, whether the child is named by id or
    by path, nor when the new file claims the child's own id."""
    from cchc_engine.testing import run_cli

    submission = ROOT / "tests" / "fixtures" / "seed000_numbers.xlsx"
    specs, drop = tmp_path / "specs", tmp_path / "drop"
    specs.mkdir(), drop.mkdir()
    child = specs / "con.yaml"
    child.write_text('id: "con-xa"\nextends: "2021"\ntitle: "Bộ con"\n', encoding="utf-8")
    monkeypatch.setenv("CCHC_SPECS_PATH", os.pathsep.join([str(specs), str(drop)]))

    def compute(spec: str) -> tuple[int, str]:
        code, _out, err = run_cli("compute", "--spec", spec, str(submission), "-f", "json")
        return code, err

    for spec in ("con-xa", str(child)):
        assert compute(spec)[0] in (0, 1)
    entries = sorted(cache_dir.glob("*.json"))
    assert entries, "the runs above were cached"
    assert compute("con-xa")[0] in (0, 1) and sorted(cache_dir.glob("*.json")) == entries  # a hit

    clash = drop / "cha-moi.yaml"
    clash.write_text(NATIONAL_2021.read_text(encoding="utf-8"), encoding="utf-8")  # claims id "2021" too
    for spec in ("con-xa", str(child)):
        code, err = compute(spec)
        assert code == 2 and "'2021'" in err and str(clash) in err and str(NATIONAL_2021.resolve()) in err, (spec, err)
        monkeypatch.setenv("CCHC_CACHE_DIR", str(tmp_path / "empty-cache"))
        uncached = compute(spec)  # the same answer from an empty cache: a compile
        monkeypatch.setenv("CCHC_CACHE_DIR", str(cache_dir))
        assert uncached == (code, err)

    clash.write_text('id: "con-xa"\nextends: "2021"\ntitle: "Một bộ khác cùng mã"\n', encoding="utf-8")
    code, err = compute("con-xa")
    assert code == 2 and "'con-xa'" in err and str(child) in err and str(clash) in err
