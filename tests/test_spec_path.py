"""The spec search path (CCHC_SPECS_PATH, the user directory), the id index, and
`extends:` path safety."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from cchc_engine.flow.findings import CchcError
from cchc_engine.plugins import PluginHost
from cchc_engine.spec import registry
from cchc_engine.spec.registry import compile_file, find_source, read_header, resolve, spec_chain
from tests.conftest import cli

ROOT = Path(__file__).resolve().parent.parent

SMALL = """\
# a district template of a year with no national spec
id: "{id}"
year: 2026
title: Small {id}
levels: [{{id: huyen, name: Cấp huyện}}]
forms:
  - id: f1
    title: One
    indicators:
      - {{id: a, stt: "1", name: Số nhiệm vụ đề ra, unit: Nhiệm vụ, type: count}}
      - {{id: b, stt: "2", name: Số nhiệm vụ hoàn thành, unit: Nhiệm vụ, type: count}}
      - {{id: r, stt: "3", name: Tỷ lệ hoàn thành, unit: "%", type: percent, formula: "ratio(b, a)"}}
rules:
  - {{id: b_le_a, expr: "b <= a", message: "Hoàn thành {{b}} > đề ra {{a}}"}}
"""


def drop(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    p = directory / name
    p.write_text(text, encoding="utf-8")
    return p


def plain_values(tmp_path: Path, values: dict) -> Path:
    p = tmp_path / "bao-cao.json"
    p.write_text(json.dumps({"level": "huyen", "period": "2026", "values": values}, ensure_ascii=False), encoding="utf-8")
    return p


def test_header_is_read_without_parsing_the_body(tmp_path):
    # the body is not even YAML: the index must still learn the id, year and parent
    p = drop(tmp_path, "x.yaml", 'id: "2026-x"  # note\nyear: 2026\nextends: 2023\nforms: [ {\n')
    assert read_header(p) == ("2026-x", 2026, "2023")


def test_dropped_in_spec_is_listed_and_computes_by_id(tmp_path, monkeypatch):
    d = tmp_path / "my-specs"
    drop(d, "small.yaml", SMALL.format(id="small-2026"))
    monkeypatch.setenv("CCHC_SPECS_PATH", os.pathsep.join([str(tmp_path / "missing"), str(d)]))
    code, out, _ = cli("specs", "--json")
    assert code == 0
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows["small-2026"]["origin"] == "CCHC_SPECS_PATH"
    assert rows["small-2026"]["path"] == str((d / "small.yaml").resolve())
    assert rows["2023"]["origin"] == "cchc_engine.builtin.specs"
    code, out, err = cli("compute", "--spec", "small-2026", str(plain_values(tmp_path, {"a": 4, "b": 3})), "-f", "json")
    assert code == 0, err
    result = json.loads(out)
    assert {i["id"]: i["value"] for i in result["indicators"]}["r"] == 75


def test_user_directory_is_searched(tmp_path, monkeypatch):
    user = tmp_path / "cfg"
    drop(user / "2026", "u.yaml", SMALL.format(id="user-2026"))
    monkeypatch.setenv("CCHC_USER_SPECS", str(user))
    assert find_source("user-2026", PluginHost.builtins_only()).origin == "user"
    assert resolve("user-2026").spec.title == "Small user-2026"


def test_resolving_one_id_compiles_only_that_spec(tmp_path, monkeypatch):
    d = tmp_path / "specs"
    drop(d, "broken.yaml", 'id: broken\nyear: 2026\nforms: "not a list"\n')
    drop(d, "small.yaml", SMALL.format(id="small"))
    monkeypatch.setenv("CCHC_SPECS_PATH", str(d))
    compiled_paths: list[str] = []
    real = registry.compile_file

    def spy(path, provider=None, host=None):
        compiled_paths.append(Path(path).name)
        return real(path, provider, host)

    monkeypatch.setattr(registry, "compile_file", spy)
    assert resolve("small").spec.id == "small"
    assert resolve("2023").spec.id == "2023"
    assert compiled_paths == ["small.yaml", "national.yaml"]
    # the broken one is an error only when asked for
    with pytest.raises(CchcError) as exc:
        resolve("broken")
    assert exc.value.findings[0].code == "spec-schema"


def test_clash_of_ids_names_both_files(tmp_path, monkeypatch):
    d1, d2 = tmp_path / "a", tmp_path / "b"
    f1 = drop(d1, "s.yaml", SMALL.format(id="same"))
    f2 = drop(d2, "t.yaml", SMALL.format(id="same"))
    monkeypatch.setenv("CCHC_SPECS_PATH", os.pathsep.join([str(d1), str(d2)]))
    code, _out, err = cli("compute", "--spec", "same", str(plain_values(tmp_path, {"a": 1})))
    assert code == 2
    assert str(f1.resolve()) in err and str(f2.resolve()) in err and "'same'" in err
    # a clash with a bundled id names the bundled file too
    drop(d1, "n.yaml", SMALL.format(id="2023"))
    with pytest.raises(CchcError) as exc:
        resolve("2023")
    assert "specs/2023/national.yaml" in str(exc.value).replace(os.sep, "/") and "n.yaml" in str(exc.value)


def test_child_on_the_search_path_extends_a_bundled_spec_and_vice_versa(tmp_path, monkeypatch):
    d = tmp_path / "specs"
    drop(
        d,
        "child.yaml",
        'id: "2023-tinh-x"\nextends: "2023"\ntitle: Biến thể\nreplace: [{id: bm7, with: {title: Chính quyền số}}]\n',
    )
    drop(d, "base.yaml", SMALL.format(id="base-2026"))
    # a second search-path directory holds a grandchild extending the first
    d2 = tmp_path / "more"
    drop(d2, "grand.yaml", 'id: "grand"\nextends: "2023-tinh-x"\ntitle: Cháu\n')
    monkeypatch.setenv("CCHC_SPECS_PATH", os.pathsep.join([str(d), str(d2)]))
    child = resolve("2023-tinh-x")
    assert child.spec.forms[-1].title == "Chính quyền số" and child.spec.year == 2023
    assert resolve("grand").spec.title == "Cháu"
    assert [p.name for p in spec_chain(d2 / "grand.yaml")] == ["grand.yaml", "child.yaml", "national.yaml"]
    # vice versa: a plugin-registered spec extends one that lives on the search path
    from cchc_engine import hookimpl
    from cchc_engine.testing import kit_host, register_plugin

    pkg = tmp_path / "pkg"
    drop(pkg, "p.yaml", 'id: "plugin-child"\nextends: "base-2026"\ntitle: Từ plugin\n')

    class P:
        @hookimpl
        def register_specs(self, register):
            register(pkg / "p.yaml")

    with register_plugin(P(), "test-plugin-child"):
        compiled = resolve("plugin-child", kit_host())
        assert compiled.spec.title == "Từ plugin" and compiled.spec.year == 2026


def test_check_reports_inherited_warnings_as_the_parents(tmp_path, monkeypatch):
    d = tmp_path / "specs"
    parent = drop(
        d,
        "parent.yaml",
        SMALL.format(id="p").replace(
            "      - {id: r,",
            "      - {id: t, stt: \"4\", name: Tổng, unit: Người, type: count, children: [{id: t1, name: Nam, unit: Người, type: count}]}\n      - {id: r,",
        ),
    )
    child = drop(d, "child.yaml", 'id: c\nextends: p\nchoices:\n  unused: [{code: 0, label: Không}]\n')
    monkeypatch.setenv("CCHC_SPECS_PATH", str(d))
    code, _out, err = cli("spec", "check", "c")
    assert code == 0, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    breakdown = [ln for ln in lines if "'t'" in ln]
    unused = [ln for ln in lines if "unused" in ln]
    assert breakdown and all(str(parent) in ln for ln in breakdown)
    assert unused and all(str(child) in ln for ln in unused)


@pytest.mark.parametrize("target", ["/etc/passwd", "../../../../../../etc/passwd", "../outside.yaml", "/etc/hostname.yaml"])
def test_extends_outside_the_tree_is_refused_without_reading_it(tmp_path, target):
    secret = tmp_path / "outside.yaml"
    secret.write_text("root:SECRET-HASH:0:0\nid: x\n", encoding="utf-8")
    spec_dir = tmp_path / "inner"
    child = drop(spec_dir, "child.yaml", f'id: child\nextends: "{target}"\n')
    code, _out, err = cli("spec", "check", str(child))
    assert code == 1
    assert "extends" in err and "SECRET" not in err and "root:" not in err
    assert err.count("\n") == 1


def test_extends_a_path_in_the_same_tree_still_works(tmp_path, monkeypatch):
    base = drop(tmp_path / "tree", "base.yaml", SMALL.format(id="b"))
    same_dir = drop(tmp_path / "tree", "sibling.yaml", 'id: sib\nextends: ./base.yaml\ntitle: T\n')
    assert resolve(str(same_dir)).spec.year == 2026
    child = drop(tmp_path / "tree" / "sub", "child.yaml", 'id: ch\nextends: ../base.yaml\ntitle: T\n')
    # above the child's own directory: only when that directory is on the search path
    with pytest.raises(CchcError) as exc:
        compile_file(child)
    assert exc.value.findings[0].code == "spec-extends-outside"
    monkeypatch.setenv("CCHC_SPECS_PATH", str(tmp_path / "tree"))
    assert compile_file(child)[1] == []
    assert spec_chain(child) == [child.resolve(), base.resolve()]


def test_errors_in_an_inherited_spec_point_at_the_file_and_line_that_wrote_them(tmp_path):
    tree = tmp_path / "tree"
    drop(tree, "base.yaml", SMALL.format(id="b"))
    child = drop(
        tree,
        "child.yaml",
        "id: ch\n"
        "extends: base.yaml\n"
        "add:\n"
        "  - after: b\n"
        "    indicators:\n"
        "      - {id: c, stt: \"2a\", name: Mới, unit: Người, type: count}\n"
        "      - {id: d, stt: \"2b\", name: Mới hơn, unit: \"%\", type: percent, formula: \"ratio(c, khong_co)\"}\n"
        "replace:\n"
        "  - id: r\n"
        "    with:\n"
        "      formula: \"ratio(b, cung_khong_co)\"\n",
    )
    _, problems = compile_file(child)
    got = sorted((Path(p.location.file).name, p.location.row, p.location.path, p.values.get("ref")) for p in problems)
    assert got == [
        ("child.yaml", 7, "add[0].indicators[1](d).formula", "khong_co"),
        ("child.yaml", 11, "replace[0](r).with.formula", "cung_khong_co"),
    ]
    # a problem the parent's own text causes (a rule on an indicator the child removed) points at the parent
    drop(tree, "child2.yaml", "id: ch2\nextends: base.yaml\nremove: [a]\nreplace: [{id: r, with: {formula: \"ratio(b, b)\"}}]\n")
    _, problems = compile_file(tree / "child2.yaml")
    assert [(Path(p.location.file).name, p.location.row, p.values.get("ref")) for p in problems] == [
        ("base.yaml", 14, "a")
    ]
