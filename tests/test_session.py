"""The Session: one path from a file to a Result, with no state another Session sees."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from cchc_engine import api, hookimpl
from cchc_engine.flow.findings import Finding
from cchc_engine.text.messages import get_lang
from cchc_engine.plugins import PluginHost
from cchc_engine.session import Session, safe_suffix

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lam-thao-2023-q3.xlsx"


def _core() -> PluginHost:
    return PluginHost(entry_points=False)


def test_compute_is_what_the_cli_reports() -> None:
    result = api.compute(EXAMPLE, spec="2023")
    assert (result.valid, result.period, result.level) == (False, "2023-Q3", "huyen")
    ratio = [f for f in result.findings if f.code == "ratio-mismatch"]
    assert [str(f.location.cell) for f in ratio] == ["D35"]


class PhuThoCheck:
    """A checks plugin one Session has and the other has not."""

    @hookimpl
    def check_result(self, result, spec, lang):
        return [Finding.make("phu-tho-survey", "error", indicator="tthc_tong", template="only in the checked Session")]


def _checked() -> PluginHost:
    host = _core()
    host.register(PhuThoCheck(), "phu-tho-checks")
    return host


def test_two_sessions_side_by_side_give_what_each_gives_alone() -> None:
    vi = Session.open("2023", lang="vi", host=_checked())
    en = Session.open("2021", lang="en", host=_core())
    alone_vi = vi.compute(EXAMPLE).to_json()
    alone_en = en.compute(EXAMPLE, level="huyen").to_json()
    got: dict[str, str] = {}

    def work(name: str, session: Session, **kw: str) -> None:
        for _ in range(3):
            got[name] = session.compute(EXAMPLE, **kw).to_json()

    threads = [
        threading.Thread(target=work, args=("vi", vi)),
        threading.Thread(target=work, args=("en", en), kwargs={"level": "huyen"}),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == {"vi": alone_vi, "en": alone_en}
    assert alone_vi != alone_en
    assert get_lang() == "vi"  # the caller's language is untouched by an English Session
    # the checks plugin is in the Vietnamese Session's results only, and the plain host has no trace of it
    assert "phu-tho-survey" in alone_vi and "phu-tho-survey" not in alone_en
    assert "phu-tho-survey" not in Session.open("2023", host=_core()).compute(EXAMPLE).to_json()


GROWTH = """
import importlib, json, pkgutil, sys
import cchc_engine
mods = [importlib.import_module(m.name) for m in pkgutil.walk_packages(cchc_engine.__path__, "cchc_engine.")
        # (the store's migrations are Alembic scripts, run by Alembic only)
        if not m.name.startswith(("cchc_engine.testing", "cchc_engine.__main__", "cchc_engine.store.migrations"))]
def sizes():
    return {f"{m.__name__}.{k}": len(v) for m in mods for k, v in list(vars(m).items())
            if isinstance(v, (dict, list, set)) and not k.startswith("__")}
before = sizes()
from cchc_engine import api
api.compute(sys.argv[1], spec="2023", lang="en")
api.aggregate([sys.argv[1]], spec="2021", level="tinh", unit="tỉnh Phú Thọ")
after = sizes()
print(json.dumps(sorted(k for k in after if after[k] != before.get(k))))
"""


def test_nothing_a_session_uses_lives_at_module_level() -> None:
    """No module of the package fills a dict, list or set while Sessions compute and
    compile: what a Session needs is its own (mappers, plans), its spec's or its host's."""
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "CCHC_LOAD_PLUGINS": ""}
    proc = subprocess.run([sys.executable, "-c", GROWTH, str(EXAMPLE)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert set(json.loads(proc.stdout)) <= KEPT_MEMOS


# The one memo kept at module level because the speed targets need it (issue 23, bench
# figures in the closing note: without it a file costs ~3 ms more CPU): cleaned cell
# texts, a pure function of one text, bounded, so what one Session gets from it is what
# it would have computed itself. (The xlsx reader's memos are its own: one per host.)
# Anything else a module fills at run time fails the test above.
KEPT_MEMOS = {"cchc_engine.text.textnorm._CLEAN_MEMO"}


def test_compute_bytes_never_uses_the_received_name_as_a_path(tmp_path: Path) -> None:
    session = Session.open("2023", host=_core())
    name = "../../" + str(tmp_path / "owned") + ".xlsx"
    result = session.compute_bytes(EXAMPLE.read_bytes(), name)
    assert result.file == name
    assert all(f.location.file == name for f in result.findings if f.location and f.location.file)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "name, suffix",
    [("Báo cáo Q3.XLSX", ".xlsx"), ("a.b.docx", ".docx"), ("noext", ""), (".hidden", ""),
     ("x.xl$x", ""), ("x/y\\z.ods", ".ods"), ("x." + "a" * 9, "")],
)
def test_safe_suffix(name: str, suffix: str) -> None:
    assert safe_suffix(name) == suffix


def test_a_bad_language_is_refused() -> None:
    with pytest.raises(ValueError):
        Session.open("2023", lang="fr", host=_core())
