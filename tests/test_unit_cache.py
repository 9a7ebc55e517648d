"""The unit-result cache of `cchc aggregate` (unitcache.py): a re-run reads only what changed.

Each test points CCHC_CACHE_DIR at its own tmp directory. "Read" means the engine's
read_unit (reader + mapping + engine) ran for the file: the tests count its calls.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from cchc_engine.compile import collect, unitcache  # noqa: E402
from cchc_engine.spec import cache as spec_cache  # noqa: E402


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("CCHC_CACHE_DIR", str(d))
    return d


@pytest.fixture
def debug_lines(monkeypatch) -> list[str]:
    lines: list[str] = []
    monkeypatch.setattr(spec_cache, "debug_log", lines.append)
    return lines


@pytest.fixture(scope="module")
def communes_src(tmp_path_factory, spec2023) -> Path:
    from make_communes import make_communes

    folder = tmp_path_factory.mktemp("cache-communes")
    make_communes(folder, 4, seed=5, compiled=spec2023, error_rate=0.5)
    return folder


@pytest.fixture
def communes(communes_src, tmp_path) -> Path:
    import shutil

    return Path(shutil.copytree(communes_src, tmp_path / "communes"))


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """Every file the engine reads, in order."""
    seen: list[str] = []
    real = collect.read_unit

    def counting(path, *args):
        seen.append(Path(path).name)
        return real(path, *args)

    monkeypatch.setattr(collect, "read_unit", counting)
    return seen


def run(folder: Path, *extra: str) -> tuple[int, dict, str]:
    from cchc_engine.cli.main import cli

    r = CliRunner().invoke(cli, ["aggregate", "--spec", "2023", "--level", "huyen", "--unit", "huyện Thử",
                                 str(folder), "-f", "json", "-j", "1", *extra], catch_exceptions=False)
    return r.exit_code, json.loads(r.stdout), r.stderr


def test_a_second_run_reads_no_file_and_gives_the_same_result(cache_dir, communes, reads):
    code1, first, _ = run(communes)
    assert sorted(reads) == sorted(p.name for p in communes.glob("*.xlsx")) and (cache_dir / unitcache.DB_NAME).is_file()
    reads.clear()
    code2, second, err = run(communes)
    assert reads == []  # every unit from the cache: no reader, no engine
    assert code1 == code2 == 1 and second == first  # error findings come back too (half the files have one)
    assert any(u["errors"] for u in second["extra"]["aggregate"]["included"])
    assert "Đã tổng hợp 4 đơn vị" in err


def test_an_edited_file_is_the_only_one_read_again(cache_dir, communes, reads, spec2023):
    import make_communes as mc

    _, first, _ = run(communes)
    target = sorted(communes.glob("*.xlsx"))[1]
    name = next(u["unit"] for u in first["extra"]["aggregate"]["included"] if u["file"] == str(target))
    values = mc.completed(spec2023, {**mc.commune_values(spec2023, __import__("random").Random(9)), "nv_de_ra": 40, "nv_hoan_thanh": 40})
    mc.write_commune(target, name.removeprefix("xã "), "2023-Q3", mc.commune_rows(spec2023, values))
    reads.clear()
    _, second, _ = run(communes)
    assert reads == [target.name]
    col = second["extra"]["matrix"]["files"].index(str(target))
    assert second["extra"]["matrix"]["values"]["nv_de_ra"][col] == 40
    assert second["extra"]["matrix"]["values"]["nv_de_ra"] != first["extra"]["matrix"]["values"]["nv_de_ra"]


def test_no_cache_reads_everything_and_leaves_the_cache_alone(cache_dir, communes, reads):
    _, first, _ = run(communes, "--no-cache")
    assert len(reads) == 4 and not (cache_dir / unitcache.DB_NAME).exists()
    run(communes)
    reads.clear()
    _, again, _ = run(communes, "--no-cache")
    assert len(reads) == 4 and again == first


def _keys(folder: Path, compiled, lang="vi", host=None):
    c = unitcache.UnitCache.open(compiled, lang, host=host)
    assert c is not None
    try:
        return [c.key(str(p)) for p in sorted(folder.glob("*.xlsx"))]
    finally:
        c.close()


def test_another_spec_language_or_engine_misses(cache_dir, communes, spec2023, monkeypatch):
    import dataclasses

    from cchc_engine.spec.registry import resolve

    base = _keys(communes, spec2023)
    assert len(set(base)) == 4 and _keys(communes, spec2023) == base  # stable across opens
    assert set(_keys(communes, resolve("2021"))).isdisjoint(base)
    edited = dataclasses.replace(spec2023, note_of={**spec2023.note_of, "x": "y"})  # any change to the compiled spec
    assert set(_keys(communes, edited)).isdisjoint(base)
    assert set(_keys(communes, spec2023, lang="en")).isdisjoint(base)
    monkeypatch.setattr(unitcache, "_engine", "another engine")
    assert set(_keys(communes, spec2023)).isdisjoint(base)


def test_an_edited_engine_module_changes_the_fingerprint(monkeypatch):
    before = unitcache.engine_fingerprint()
    real_stat = Path.stat

    def stat(self, *a, **k):
        st = real_stat(self, *a, **k)
        if self.name == "values.py" and "cchc_engine" in str(self):
            return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, st.st_size + 1,
                                   st.st_atime, st.st_mtime, st.st_ctime))
        return st

    monkeypatch.setattr(unitcache, "_engine", None)
    monkeypatch.setattr(Path, "stat", stat)
    assert unitcache.engine_fingerprint() != before


def test_a_plugin_change_misses(cache_dir, communes, spec2023, tmp_path):
    from cchc_engine.hookspecs import hookimpl
    from cchc_engine.plugins import PluginHost

    def host(*dirs):
        return PluginHost(entry_points=False, load_only=None, plugins_dirs=list(dirs)).load()

    base = _keys(communes, spec2023, host=host())
    assert _keys(communes, spec2023, host=host()) == base
    plug_dir = tmp_path / "plugs"
    plug_dir.mkdir()
    plug = plug_dir / "extra_check.py"
    plug.write_text("from cchc_engine import hookimpl\n\n@hookimpl\ndef check_result(result, spec, lang):\n    return []\n")
    with_dir = _keys(communes, spec2023, host=host(plug_dir))
    assert set(with_dir).isdisjoint(base)
    plug.write_text(plug.read_text() + "# edited: it may now find something else\n")
    assert set(_keys(communes, spec2023, host=host(plug_dir))).isdisjoint(with_dir)

    class Registered:
        @hookimpl
        def check_result(self, result, spec, lang):
            return []

    h = host()
    h.register(Registered(), name="registered-in-a-test")
    assert set(_keys(communes, spec2023, host=h)).isdisjoint(base)
    strict = PluginHost(entry_points=False, load_only=None, strict=True).load()
    assert set(_keys(communes, spec2023, host=strict)).isdisjoint(base)


@pytest.mark.parametrize("garbage", [b"not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 200])
def test_a_corrupt_database_is_ignored_and_replaced(cache_dir, communes, reads, garbage, capsys, debug_lines):
    _, first, _ = run(communes)
    (cache_dir / unitcache.DB_NAME).write_bytes(garbage)
    reads.clear()
    code, second, err = run(communes)
    assert second == first and len(reads) == 4
    assert "bộ nhớ đệm" not in err
    assert 1 <= len(debug_lines) <= 2 and all("Bỏ qua bộ nhớ đệm kết quả từng đơn vị" in line for line in debug_lines)
    reads.clear()
    _, third, _ = run(communes)
    assert reads == [] and third == first  # replaced by a good one


def test_a_damaged_entry_is_a_miss_and_is_rewritten(cache_dir, communes, reads):
    import sqlite3

    _, first, _ = run(communes)
    with sqlite3.connect(cache_dir / unitcache.DB_NAME) as db:
        db.execute("UPDATE units SET meta = ? WHERE rowid = (SELECT min(rowid) FROM units)", ("[\"garbage\"]",))
    db.close()
    reads.clear()
    _, second, _ = run(communes)
    assert len(reads) == 1 and second == first
    reads.clear()
    run(communes)
    assert reads == []


def _read_only_dir(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        d = tmp_path / "ro"
        d.mkdir()
        d.chmod(0o555)
    else:  # permissions do not bind root; /sys is a read-only file system even for root
        d = Path("/sys/cchc-engine-unit-cache-test")
    with pytest.raises(OSError):
        d.mkdir(parents=True, exist_ok=True)
        (d / "probe").write_bytes(b"x")
    return d


def test_a_read_only_cache_directory_is_ignored(tmp_path, communes, reads, monkeypatch, debug_lines):
    monkeypatch.setenv("CCHC_CACHE_DIR", str(_read_only_dir(tmp_path)))
    code1, first, err1 = run(communes)
    code2, second, err2 = run(communes)
    assert code1 == code2 == 1 and first == second and len(reads) == 8
    assert "bộ nhớ đệm" not in err1 + err2
    assert any("Bỏ qua bộ nhớ đệm kết quả từng đơn vị" in line for line in debug_lines)


def test_the_cache_keeps_only_the_newest_entries(cache_dir, communes, monkeypatch):
    import sqlite3

    monkeypatch.setattr(unitcache, "MAX_ENTRIES", 3)
    run(communes)
    with sqlite3.connect(cache_dir / unitcache.DB_NAME) as db:
        assert db.execute("SELECT count(*) FROM units").fetchone() == (3,)
    db.close()


def test_two_workers_use_and_fill_the_cache(cache_dir, communes):
    """The parent reads and writes the cache; workers only read the files it sends them."""
    from cchc_engine.cli.main import cli

    args = ["aggregate", "--spec", "2023", "--level", "huyen", "--unit", "huyện Thử", str(communes), "-f", "json", "-j", "2"]
    cold = CliRunner().invoke(cli, args, catch_exceptions=False)
    target = sorted(communes.glob("*.xlsx"))[2]
    target.write_bytes(b"not a workbook any more")
    warm = CliRunner().invoke(cli, args, catch_exceptions=False)
    a, b = json.loads(cold.stdout), json.loads(warm.stdout)
    assert [e["file"] for e in b["extra"]["aggregate"]["excluded"]] == [str(target)]
    assert [u for u in b["extra"]["aggregate"]["included"]] == [u for u in a["extra"]["aggregate"]["included"] if u["file"] != str(target)]
