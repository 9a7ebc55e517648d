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
    monkeypatch.delattr(api, "display_value")
    with pytest.raises(AttributeError):
        lookup("display_value")


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
    assert api.plugin_config("cchc-phu-tho") == {"min_survey_forms": 100, "region": "Phú Thọ"}
    assert api.plugin_config("other") == {}
    (project / "cchc.toml").write_text("[plugins.cchc-phu-tho\n", encoding="utf-8")
    with pytest.raises(api.CchcError) as exc:
        api.plugin_config("cchc-phu-tho")
    assert "cchc.toml" in str(exc.value) and "không hợp lệ" in str(exc.value)
