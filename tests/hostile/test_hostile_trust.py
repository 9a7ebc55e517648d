"""Trust boundaries (issue 22): nothing from a received folder, a shared cache or another
account runs code, reads a file or changes a result.

Families: an id is never a path (``--spec``); caches hold data only, the user's own,
keyed by the bytes parsed; writing into shared folders (links, devices, signals);
configuration only from the user or a file the user names; readers bounded by what
they expand, silent libraries, no ``open`` before ``stat``.

"Another account" is the ``nobody`` user: the suite runs as root in CI, which can
make files owned by it (``os.chown``); without root the same checks run on files
that another account could write (group/other-writable), which the same rule refuses.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "lam-thao-2023-q3.xlsx"
FORMATS = ROOT / "tests" / "fixtures" / "formats"
META_2021 = ("--spec", "2021", "--level", "xa", "--period", "2021-Q3")
SECRET = "root:$6$SECRETHASHSECRET:19000:0:99999:7:::"
ROOT_USER = os.geteuid() == 0
NOBODY = pwd.getpwnam("nobody").pw_uid if ROOT_USER else None


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 60, env: dict | None = None,
            **popen) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "cchc_engine", *args], capture_output=True, text=True,
                          timeout=timeout, env=full, cwd=cwd, **popen)


def clean(proc: subprocess.CompletedProcess) -> None:
    """No internal error, no traceback, whatever the exit."""
    assert "Traceback" not in proc.stderr and "Lỗi nội bộ" not in proc.stderr, proc.stderr[-2000:]


def one_line(proc: subprocess.CompletedProcess, code: int = 2) -> str:
    clean(proc)
    assert proc.returncode == code, (proc.returncode, proc.stderr[-2000:])
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def foreign(path: Path) -> None:
    """Make ``path`` another account's (root) or writable by others (otherwise)."""
    if ROOT_USER:
        os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    else:
        os.chmod(path, 0o666)


def values_of(report: dict) -> dict:
    return {i["id"]: i["value"] for i in report["indicators"]}


# --- 1. an id is never a path ---------------------------------------------------------------


def test_a_bare_spec_name_never_opens_a_file_of_the_working_folder(tmp_path: Path) -> None:
    received = tmp_path / "received"
    received.mkdir()
    # a doctored "2023" that would drop every rule, and a "2021" that is a link to a secret file
    doctored = "id: '2023'\nextends: '2023'\nrules: []\n"
    (received / "2023").write_text(doctored, encoding="utf-8")
    secret = tmp_path / "shadow"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    (received / "2021").symlink_to(secret)
    reference = run_cli("compute", "--spec", "2023", str(EXAMPLE), "-f", "json", cwd=tmp_path)
    inside = run_cli("compute", "--spec", "2023", str(EXAMPLE), "-f", "json", cwd=received)
    clean(inside)
    assert inside.returncode == reference.returncode == 1
    assert json.loads(inside.stdout)["findings"] == json.loads(reference.stdout)["findings"]  # the real error stays
    for command in (("compute", "--spec", "2021", *META_2021[2:], str(FORMATS / "seed000_numbers.xls"), "-f", "json"),
                    ("aggregate", "--spec", "2021", "--level", "huyen", "--unit", "huyện X",
                     str(FORMATS / "seed000_numbers.xls"), "-f", "json")):
        proc = run_cli(*command, cwd=received)
        clean(proc)
        assert proc.returncode in (0, 1) and json.loads(proc.stdout)["spec"] == "2021"
        assert "SECRET" not in proc.stdout + proc.stderr


def test_a_bare_name_that_is_no_id_says_how_to_name_a_file(tmp_path: Path) -> None:
    (tmp_path / "myspec").write_text("id: myspec\n", encoding="utf-8")
    line = one_line(run_cli("compute", "--spec", "myspec", str(EXAMPLE), cwd=tmp_path))
    assert "Không tìm thấy bộ chỉ tiêu 'myspec'" in line and "./myspec.yaml" in line


@pytest.mark.parametrize("content", [
    SECRET + "\ndaemon:*:19000:0:99999:7:::\n",  # parses as a mapping of unknown keys
    "password: SECRET-VALUE\nuser: x\n",  # a mapping, no id
    "- SECRET item\n- another\n",  # a list
    "SECRET: [unclosed\n",  # a YAML error
    "\tSECRET\x00binary",  # a tab, a NUL
])
def test_a_file_that_is_no_spec_is_never_echoed(tmp_path: Path, content: str) -> None:
    secret = tmp_path / "private.txt"
    secret.write_text(content, encoding="utf-8")
    (tmp_path / "spec.yaml").symlink_to(secret)
    for command in (("compute", "--spec", "./spec.yaml", str(EXAMPLE)), ("spec", "check", "./spec.yaml"),
                    ("spec", "show", "./spec.yaml")):
        proc = run_cli(*command, cwd=tmp_path)
        line = one_line(proc)
        assert "SECRET" not in proc.stdout + proc.stderr and "daemon" not in proc.stderr
        assert "không phải tệp bộ chỉ tiêu" in line or "phải là một ánh xạ" in line, line


def test_names_that_are_not_utf8_are_cached_and_said(tmp_path: Path, communes: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / os.fsdecode(b"n\xff.yaml")).write_text("id: zz\nextends: '2023'\n", encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sorted(communes.glob("*.xlsx"))[0], folder / os.fsdecode(b"x\xfe.xlsx"))
    cache = tmp_path / "cache"
    env = {"CCHC_SPECS_PATH": str(specs), "CCHC_CACHE_DIR": str(cache)}
    for _ in range(2):  # the second run from both caches
        proc = run_cli("aggregate", "--spec", "zz", "--level", "huyen", "--unit", "huyện X", str(folder), "-f", "json", env=env)
        clean(proc)
        assert proc.returncode == 0 and json.loads(proc.stdout)["spec"] == "zz"
    assert len(_entries(cache)) == 1
    with sqlite3.connect(cache / "units.sqlite3") as con:
        assert con.execute("SELECT count(*) FROM units").fetchone() == (1,)
    con.close()


def test_an_extends_cycle_is_an_unusable_spec_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("id: a\nextends: ./b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("id: b\nextends: ./a.yaml\n", encoding="utf-8")
    line = one_line(run_cli("compute", "--spec", str(tmp_path / "a.yaml"), str(EXAMPLE)))
    assert "vòng tròn" in line


# --- 2. caches that cannot run code or lie ------------------------------------------------------


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.json"))


def test_the_spec_cache_is_private_json(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    proc = run_cli("compute", "--spec", "2023", str(EXAMPLE), "-f", "json", env={"CCHC_CACHE_DIR": str(cache)})
    clean(proc)
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    [entry] = _entries(cache)
    assert oct(entry.stat().st_mode & 0o777) == "0o600"
    data = entry.read_bytes()
    magic, digest, payload = data.split(b"\n", 2)
    assert magic == b"cchc-spec-cache" and hashlib.sha256(payload).hexdigest().encode() == digest
    json.loads(payload)  # data, not a pickle
    assert not list(cache.glob("*.pickle"))


def _forge(entry: Path, old: bytes, new: bytes) -> None:
    """Edit an entry and make its checksum right again: what an attacker who can write it does."""
    magic, _, payload = entry.read_bytes().split(b"\n", 2)
    assert old in payload
    payload = payload.replace(old, new)
    entry.write_bytes(magic + b"\n" + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)


@pytest.mark.parametrize("how", ["other-account", "writable-by-others", "symlink"])
def test_an_edited_spec_cache_entry_of_another_account_changes_nothing(tmp_path: Path, how: str) -> None:
    cache = tmp_path / "cache"
    env = {"CCHC_CACHE_DIR": str(cache)}
    first = run_cli("compute", "--spec", "2023", str(EXAMPLE), "-f", "json", env=env)
    [entry] = _entries(cache)
    _forge(entry, b'"title":"', b'"title":"FORGED ')  # what the report says it was checked against
    if how == "other-account":
        foreign(entry)
    elif how == "writable-by-others":
        os.chmod(entry, 0o666)
    else:
        moved = tmp_path / "elsewhere.json"
        entry.rename(moved)
        entry.symlink_to(moved)
    again = run_cli("compute", "--spec", "2023", str(EXAMPLE), "-f", "json", env=env)
    clean(again)
    assert again.returncode == first.returncode == 1 and again.stdout == first.stdout and "FORGED" not in again.stdout


def test_a_cache_directory_another_account_may_write_is_not_used(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    env = {"CCHC_CACHE_DIR": str(shared)}
    proc = run_cli("compute", "--spec", "2023", str(EXAMPLE), "-f", "json", env=env)
    clean(proc)
    assert proc.returncode == 1 and list(shared.iterdir()) == []  # nothing written where others can swap it
    proc = run_cli("aggregate", "--spec", "2023", "--level", "tinh", "--unit", "tỉnh X", str(EXAMPLE), "-f", "json", env=env)
    clean(proc)
    assert list(shared.iterdir()) == []


def test_a_pickle_in_the_cache_is_never_loaded(tmp_path: Path) -> None:
    import pickle

    cache = tmp_path / "cache"
    env = {"CCHC_CACHE_DIR": str(cache)}
    run_cli("compute", "--spec", "2023", str(EXAMPLE), "-f", "json", env=env)
    [entry] = _entries(cache)
    marker = tmp_path / "ran"

    class Boom:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    for name in (entry.with_suffix(".pickle"), entry):  # beside it, and in its place
        name.write_bytes(pickle.dumps(Boom()))
        os.chmod(name, 0o600)
    proc = run_cli("compute", "--spec", "2023", str(EXAMPLE), "-f", "json", env=env)
    clean(proc)
    assert proc.returncode == 1 and not marker.exists()
    proc = run_cli("aggregate", "--spec", "2023", "--level", "tinh", "--unit", "tỉnh X", str(EXAMPLE), "-f", "json", env=env)
    clean(proc)
    assert not marker.exists()


def _aggregate(folder: Path, cache: Path, *extra: str) -> subprocess.CompletedProcess:
    return run_cli("aggregate", "--spec", "2023", "--level", "huyen", "--unit", "huyện X", str(folder), "-f", "json",
                   "-j", "1", *extra, env={"CCHC_CACHE_DIR": str(cache)})


@pytest.fixture(scope="module")
def communes(tmp_path_factory) -> Path:
    """Four generated 2023 communes with different totals."""
    sys.path.insert(0, str(ROOT / "bench"))
    from make_communes import make_communes

    from cchc_engine.spec.registry import resolve

    folder = tmp_path_factory.mktemp("trust-communes")
    make_communes(folder, 4, seed=11, compiled=resolve("2023"), error_rate=0.0)
    return folder


def test_the_unit_cache_is_private_plain_values(tmp_path: Path, communes: Path) -> None:
    cache = tmp_path / "cache"
    first = _aggregate(communes, cache)
    clean(first)
    db = cache / "units.sqlite3"
    assert oct(db.stat().st_mode & 0o777) == "0o600" and oct(cache.stat().st_mode & 0o777) == "0o700"
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT meta, packed FROM units").fetchall()
    con.close()
    assert len(rows) == 4 and all(isinstance(json.loads(meta), list) for meta, _ in rows)
    assert all(not (packed or b"").startswith(b"\x80") for _, packed in rows)  # no pickle protocol header


def test_a_new_process_finds_what_the_last_one_cached(tmp_path: Path, communes: Path) -> None:
    """The key holds the compiled spec's JSON, the same bytes in every process whatever its hash seed."""
    cache = tmp_path / "cache"
    for seed in ("1", "2"):
        proc = run_cli("aggregate", "--spec", "2023", "--level", "huyen", "--unit", "huyện X", str(communes), "-f", "json",
                       "-j", "1", env={"CCHC_CACHE_DIR": str(cache), "PYTHONHASHSEED": seed})
        clean(proc)
    with sqlite3.connect(cache / "units.sqlite3") as con:
        assert con.execute("SELECT count(*) FROM units").fetchone() == (4,)  # not 8: the second run was served
    con.close()


def _forge_units(db: Path, total: float) -> None:
    """Every row's values replaced by ``total`` (a valid entry, checksum and all)."""
    from cchc_engine.compile.unitcache import _check

    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT key, meta, packed FROM units").fetchall()
        for key, meta, packed in rows:
            forged = bytes(packed[: len(packed) // 9]) + b"".join(
                __import__("struct").pack("<d", total) for _ in range(len(packed) // 9)) if packed else packed
            con.execute("UPDATE units SET packed = ?, checksum = ? WHERE key = ?", (forged, _check(meta, forged), key))
    con.close()


@pytest.mark.parametrize("how", ["other-account", "writable-by-others", "symlink"])
def test_a_forged_unit_cache_of_another_account_changes_nothing(tmp_path: Path, communes: Path, how: str) -> None:
    cache = tmp_path / "cache"
    first = _aggregate(communes, cache)
    db = cache / "units.sqlite3"
    _forge_units(db, 3000.0)
    if how == "other-account":
        foreign(db)
    elif how == "writable-by-others":
        os.chmod(db, 0o666)
    else:
        moved = tmp_path / "elsewhere.sqlite3"
        db.rename(moved)
        db.symlink_to(moved)
    again = _aggregate(communes, cache)
    clean(again)
    assert again.returncode == first.returncode and values_of(json.loads(again.stdout)) == values_of(json.loads(first.stdout))


def test_a_unit_cache_link_to_a_missing_file_is_not_followed(tmp_path: Path, communes: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    target = tmp_path / "planted" / "db.sqlite3"
    target.parent.mkdir()
    (cache / "units.sqlite3").symlink_to(target)
    proc = _aggregate(communes, cache)
    clean(proc)
    assert proc.returncode == 0 and not target.exists()


def test_a_damaged_row_is_a_miss(tmp_path: Path, communes: Path) -> None:
    cache = tmp_path / "cache"
    first = _aggregate(communes, cache)
    with sqlite3.connect(cache / "units.sqlite3") as con:  # edited without the checksum: the user's own disk going bad
        con.execute("UPDATE units SET meta = replace(meta, 'tỉnh', 'xxxx')")
        con.execute("UPDATE units SET packed = substr(packed, 1, 9)")
    con.close()
    again = _aggregate(communes, cache)
    clean(again)
    assert values_of(json.loads(again.stdout)) == values_of(json.loads(first.stdout))


def test_a_file_that_changes_while_it_is_read_never_poisons_the_cache(tmp_path: Path, communes: Path, monkeypatch) -> None:
    """The parent looks a file up by its bytes A; while the file is read it becomes B. Whatever
    was parsed is filed under the bytes that were parsed: once the file is A again, the cached
    run gives A's total, not B's."""
    from click.testing import CliRunner

    from cchc_engine.compile import collect
    from cchc_engine.cli.main import cli

    folder = tmp_path / "folder"
    folder.mkdir()
    files = sorted(communes.glob("*.xlsx"))
    target = folder / "commune.xlsx"
    a_bytes, b_bytes = files[0].read_bytes(), files[1].read_bytes()
    target.write_bytes(a_bytes)
    monkeypatch.setenv("CCHC_CACHE_DIR", str(tmp_path / "cache"))
    real = collect.read_unit
    changes = {"left": 1}

    def read_while_it_changes(path, *args):
        if changes["left"]:  # a colleague saves another version just as the worker starts reading
            changes["left"] -= 1
            target.write_bytes(b_bytes)
        return real(path, *args)

    def run(*extra: str) -> dict:
        args = ["aggregate", "--spec", "2023", "--level", "huyen", "--unit", "huyện X", str(folder), "-f", "json", "-j", "1", *extra]
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        return values_of(json.loads(result.stdout))

    monkeypatch.setattr(collect, "read_unit", read_while_it_changes)
    run()  # A was looked up, B written meanwhile
    monkeypatch.setattr(collect, "read_unit", real)
    target.write_bytes(a_bytes)
    truth_a = run("--no-cache")
    assert run() == truth_a
    target.write_bytes(b_bytes)
    assert run() == run("--no-cache")


@pytest.mark.parametrize("where", ["input", "cache"])
def test_a_fifo_as_an_aggregate_input_or_in_the_cache_never_blocks(tmp_path: Path, where: str) -> None:
    fifo = tmp_path / "bao-cao.xlsx"
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    os.mkfifo(fifo if where == "input" else cache / "units.sqlite3")
    inputs = [str(fifo), str(EXAMPLE)] if where == "input" else [str(EXAMPLE)]
    proc = run_cli("aggregate", "--spec", "2023", "--level", "tinh", "--unit", "tỉnh X", *inputs,
                   "-f", "json", env={"CCHC_CACHE_DIR": str(cache)}, timeout=60)
    clean(proc)
    excluded = json.loads(proc.stdout)["extra"]["aggregate"]["excluded"]
    assert [e["file"] for e in excluded] == ([str(fifo)] if where == "input" else [])


# --- 3. writing into shared folders --------------------------------------------------------------


def _sticky(tmp_path: Path) -> Path:
    d = tmp_path / "shared"
    d.mkdir()
    os.chmod(d, 0o1777)
    return d


def test_a_link_another_account_planted_in_a_sticky_folder_is_not_followed(tmp_path: Path) -> None:
    shared = _sticky(tmp_path)
    precious = tmp_path / "precious"
    precious.write_text("only mine\n", encoding="utf-8")
    os.chmod(precious, 0o600)
    link = shared / "bao-cao.json"
    link.symlink_to(precious)
    if ROOT_USER:
        foreign(link)
        line = one_line(run_cli("compute", "--spec", "2023", str(EXAMPLE), "-o", str(link)))
        assert "liên kết (symlink) của tài khoản khác" in line
    else:  # the same rule, on the stat of a link another account made
        from cchc_engine.atomic import _check_link
        from cchc_engine.flow.findings import CchcError

        st = os.lstat(link)
        other = os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, os.geteuid() + 1, st.st_gid, st.st_size,
                                st.st_atime, st.st_mtime, st.st_ctime))
        with pytest.raises(CchcError):
            _check_link(link, str(link), other)
    assert precious.read_text(encoding="utf-8") == "only mine\n" and link.is_symlink()
    assert sorted(p.name for p in shared.iterdir()) == ["bao-cao.json"]  # no temporary file left


def test_a_file_another_account_left_in_a_sticky_folder_is_not_replaced(tmp_path: Path) -> None:
    shared = _sticky(tmp_path)
    planted = shared / "bao-cao.json"
    planted.write_text("theirs\n", encoding="utf-8")
    os.chmod(planted, 0o666)  # were it replaced keeping its mode, they could read the report
    if ROOT_USER:
        foreign(planted)
        line = one_line(run_cli("compute", "--spec", "2023", str(EXAMPLE), "-f", "json", "-o", str(planted)))
        assert "tài khoản khác" in line
        assert planted.read_text(encoding="utf-8") == "theirs\n" and planted.stat().st_uid == NOBODY
    else:
        from cchc_engine.atomic import _planted

        st = os.lstat(planted)
        other = os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, os.geteuid() + 1, st.st_gid, st.st_size,
                                st.st_atime, st.st_mtime, st.st_ctime))
        assert _planted(str(planted), other) and not _planted(str(planted), st)
    assert sorted(p.name for p in shared.iterdir()) == ["bao-cao.json"]


def test_my_own_link_in_a_sticky_folder_is_followed(tmp_path: Path) -> None:
    shared = _sticky(tmp_path)
    mine = tmp_path / "report.json"
    (shared / "bao-cao.json").symlink_to(mine)
    proc = run_cli("compute", "--spec", "2023", str(EXAMPLE), "-f", "json", "-o", str(shared / "bao-cao.json"))
    clean(proc)
    assert proc.returncode == 1 and json.loads(mine.read_text(encoding="utf-8"))["spec"] == "2023"
    assert (shared / "bao-cao.json").is_symlink()


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_a_full_device_is_the_write_failed_line(fmt: str) -> None:
    line = one_line(run_cli("compute", "--spec", "2023", str(EXAMPLE), "-f", fmt, "-o", "/dev/full"))
    assert line.startswith("Lỗi: /dev/full: Không ghi được tệp") and "hết chỗ trống" in line


def test_a_fifo_nobody_reads_as_output_is_a_line_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "bao-cao.json"
    os.mkfifo(fifo)
    line = one_line(run_cli("compute", "--spec", "2023", str(EXAMPLE), "-f", "json", "-o", str(fifo), timeout=60))
    assert "Không ghi được tệp" in line and "FIFO" in line


def test_link_loops_as_output_or_input_are_located_lines(tmp_path: Path) -> None:
    loop = tmp_path / "loop.xlsx"
    loop.symlink_to(loop)
    line = one_line(run_cli("compute", "--spec", "2023", str(EXAMPLE), "-o", str(loop)))
    assert "loop.xlsx" in line and "vòng quanh" in line
    proc = run_cli("aggregate", "--spec", "2023", "--level", "tinh", "--unit", "tỉnh X", str(loop), str(EXAMPLE),
                   "-o", str(tmp_path / "out.json"))
    clean(proc)
    assert proc.returncode == 1 and (tmp_path / "out.json").is_file()


SLOW_WRITER = '''
import sys, time
from cchc_engine.api import hookimpl


class Slow:
    name = "slow"
    suffix = ".slow"
    binary = True
    description = "writes, then waits"

    def write(self, result, stream, options):
        import os
        stream.write(b"half a report")
        stream.flush()
        open(os.environ["SLOW_MARK"], "w").close()  # the test knows the write is under way
        time.sleep(60)


@hookimpl
def register_writers(register):
    register(Slow())
'''


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM", "SIGHUP", "SIGKILL"])
def test_a_signal_during_a_write_leaves_no_temporary_file_and_says_one_line(tmp_path: Path, signame: str) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "slow_writer.py").write_text(SLOW_WRITER, encoding="utf-8")
    out = tmp_path / "out" / "bao-cao.slow"
    out.parent.mkdir()
    (out.parent / "bao-cao.slow").write_bytes(b"last quarter's report")
    mark = tmp_path / "writing"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT), "SLOW_MARK": str(mark)}
    proc = subprocess.Popen([sys.executable, "-m", "cchc_engine", "--plugins-dir", str(plugins), "compute", "--spec", "2023",
                             str(EXAMPLE), "-f", "slow", "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 60
    while not mark.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mark.exists(), "the writer never started"
    proc.send_signal(getattr(signal, signame))
    _, err = proc.communicate(timeout=30)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    if signame != "SIGKILL":  # SIGKILL cannot be answered: only what it leaves is checked
        assert [ln for ln in err.splitlines() if ln.strip()] == ["Đã dừng."], err
        assert proc.returncode == 128 + getattr(signal, signame) or (signame == "SIGINT" and proc.returncode == 130)
    assert [p.name for p in out.parent.iterdir()] == ["bao-cao.slow"]  # no temporary file, even after SIGKILL
    assert out.read_bytes() == b"last quarter's report"  # the old report kept


# --- 4. configuration ---------------------------------------------------------------------------

CHECKER = '''
from cchc_engine import api
from cchc_engine.api import hookimpl, Finding


@hookimpl
def check_result(result, spec, lang):
    minimum = api.plugin_config("trust-check").get("minimum", 100)
    return [Finding.make("plugin-failed", "warning", plugin="trust-check", error=f"checked with minimum {minimum}")]
'''


def _checker(tmp_path: Path) -> Path:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "trust_check.py").write_text(CHECKER, encoding="utf-8")
    return plugins


def test_a_received_cchc_toml_is_read_only_when_named(tmp_path: Path) -> None:
    plugins = _checker(tmp_path)
    received = tmp_path / "received"
    received.mkdir()
    (received / "cchc.toml").write_text("[plugins.trust-check]\nminimum = 1\n", encoding="utf-8")
    env = {"XDG_CONFIG_HOME": str(tmp_path / "user-config")}
    base = ("--plugins-dir", str(plugins))
    tail = ("compute", "--spec", "2023", str(EXAMPLE), "-f", "json")
    default = run_cli(*base, *tail, cwd=received, env=env)
    clean(default)
    assert "checked with minimum 100" in default.stdout
    named = run_cli(*base, "--config", "cchc.toml", *tail, cwd=received, env=env)
    assert "checked with minimum 1" in named.stdout
    by_env = run_cli(*base, *tail, cwd=received, env={**env, "CCHC_CONFIG": str(received / "cchc.toml")})
    assert "checked with minimum 1" in by_env.stdout


@pytest.mark.parametrize("text", ["[plugins.trust-check]\nminimum = " + "[" * 5000 + "]" * 5000 + "\n",
                                  "[plugins.trust-check]\nminimum 80\n", "\xff\xfe not utf-8"])
def test_a_broken_config_is_a_located_warning_and_the_plugin_still_checks(tmp_path: Path, text: str) -> None:
    plugins = _checker(tmp_path)
    config = tmp_path / "cchc.toml"
    config.write_bytes(text.encode("latin-1") if text.startswith("\xff") else text.encode("utf-8"))
    proc = run_cli("--plugins-dir", str(plugins), "--config", str(config), "compute", "--spec", "2023", str(EXAMPLE),
                   "-f", "json")
    clean(proc)
    report = json.loads(proc.stdout)
    [warning] = [f for f in report["findings"] if f["code"] == "plugin-config-invalid"]
    assert warning["severity"] == "warning" and warning["location"]["file"] == str(config)
    assert any("checked with minimum 100" in f["message"] for f in report["findings"])  # the check ran, with defaults


# --- 5. readers bounded by what they expand ---------------------------------------------------------

_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def _ods(path: Path, rows_xml: str) -> Path:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS} office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="S">{rows_xml}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
    return path


@pytest.mark.parametrize("shape", ["one-cell", "repeated-columns", "repeated-rows"])
def test_ods_spaces_count_as_they_expand(tmp_path: Path, shape: str) -> None:
    spaces = '<text:s text:c="1000"/>' * 2000  # 2 M spaces written in ~46 KB
    if shape == "one-cell":
        rows = ('<table:table-row><table:table-cell office:value-type="string"><text:p>' + spaces * 20
                + "</text:p></table:table-cell></table:table-row>")
    elif shape == "repeated-columns":
        rows = ('<table:table-row><table:table-cell office:value-type="string" table:number-columns-repeated="50">'
                f"<text:p>{spaces}</text:p></table:table-cell></table:table-row>")
    else:
        rows = ('<table:table-row table:number-rows-repeated="50"><table:table-cell office:value-type="string">'
                f"<text:p>{spaces}</text:p></table:table-cell></table:table-row>")
    src = _ods(tmp_path / "spaces.ods", rows)
    assert src.stat().st_size < 200_000
    start = time.perf_counter()
    line = one_line(run_cli("compute", *META_2021, str(src), timeout=60))
    assert "spaces.ods" in line and "32 MB" in line.replace(".", "") or "quá nhiều chữ" in line or "ký tự" in line, line
    assert time.perf_counter() - start < 30


def test_a_table_inside_an_ods_cell_keeps_the_sheet_going(tmp_path: Path) -> None:
    original = FORMATS / "seed000_numbers.ods"
    nested = tmp_path / "nested.ods"
    with zipfile.ZipFile(original) as zin, zipfile.ZipFile(nested, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "content.xml":
                inner = ('<table:table table:name="inner"><table:table-row><table:table-cell office:value-type="string">'
                         "<text:p>bảng lồng</text:p></table:table-cell></table:table-row></table:table>")
                data = data.replace("<text:p>Phụ lục</text:p>".encode(), ("<text:p>Phụ lục</text:p>" + inner).encode(), 1)
                assert inner.encode() in data
            zout.writestr(info, data)
    plain = run_cli("compute", *META_2021, str(original), "-f", "json")
    proc = run_cli("compute", *META_2021, str(nested), "-f", "json")
    clean(proc)
    assert proc.returncode == plain.returncode
    got, want = json.loads(proc.stdout), json.loads(plain.stdout)
    assert values_of(got) == values_of(want) and sum(v is not None for v in values_of(got).values()) > 18
    [warning] = [f for f in got["findings"] if f["code"] == "cell-nested-table"]
    assert warning["location"]["cell"] == "A1"


def test_malformed_xls_files_keep_json_output_json(tmp_path: Path) -> None:
    files = []
    for name in ("seed000_numbers.xls", "seed000_text.xls"):
        bad = tmp_path / name
        bad.write_bytes((FORMATS / name).read_bytes() + b"\x00" * 100)  # not a whole number of sectors: xlrd warns
        files.append(bad)
    for f in files:
        proc = run_cli("compute", *META_2021, str(f), "-f", "json")
        clean(proc)
        json.loads(proc.stdout)
        assert "WARNING" not in proc.stdout + proc.stderr
    proc = run_cli("aggregate", "--spec", "2021", "--level", "huyen", "--unit", "huyện X", *map(str, files), "-f", "json")
    clean(proc)
    json.loads(proc.stdout)


def test_the_plugins_folder_is_looked_at_before_it_runs_anything(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    os.mkfifo(plugins / "x.py")  # would block the importer forever
    (plugins / "loop.py").symlink_to(plugins / "loop.py")
    (plugins / os.fsdecode(b"b\xffd.py")).write_text("X = 1\n", encoding="utf-8")
    (plugins / "good.py").write_text("X = 1\n", encoding="utf-8")
    shared = tmp_path / "shared.py"
    shared.write_text("raise SystemExit('ran')\n", encoding="utf-8")
    os.chmod(shared, 0o666)
    (plugins / "shared.py").symlink_to(shared)
    proc = run_cli("--plugins-dir", str(plugins), "compute", "--spec", "2023", str(EXAMPLE), "-f", "json", timeout=60)
    clean(proc)
    assert proc.returncode == 1 and json.loads(proc.stdout)["spec"] == "2023"
    warned = [ln for ln in proc.stderr.splitlines() if "không được nạp" in ln]
    assert len(warned) == 3 and any("x.py" in ln for ln in warned) and any("loop.py" in ln for ln in warned)
    assert any("shared.py" in ln for ln in warned)
    listing = run_cli("--plugins-dir", str(plugins), "plugins", timeout=60)
    clean(listing)
    assert "b\ufffdd.py" in listing.stdout and "good.py" in listing.stdout


def test_a_foreign_plugin_file_is_not_run(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    marker = tmp_path / "ran"
    plugin = plugins / "planted.py"
    plugin.write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    foreign(plugin)
    proc = run_cli("--plugins-dir", str(plugins), "compute", "--spec", "2023", str(EXAMPLE), "-f", "json")
    clean(proc)
    assert not marker.exists() and "planted.py" in proc.stderr
