"""The Session: one path from a file to a Result, with no state another Session sees."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from cchc_engine import api
from cchc_engine.messages import get_lang
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


def test_two_sessions_side_by_side_give_what_each_gives_alone() -> None:
    vi = Session.open("2023", lang="vi", host=_core())
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
