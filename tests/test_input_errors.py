"""What the json module and pydantic say about a bad input reaches the officer in the
catalogue's words: Vietnamese, English under --lang en, with the line and column of a
JSON syntax error and the path of each bad field of a result JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cchc_engine.cli.main import cli as group
from cchc_engine.text.inputerrors import _JSON_MSG, json_syntax, schema_message
from cchc_engine.text.messages import CATALOG, render
from cchc_engine.session import compute_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lam-thao-2023-q3.xlsx"

# The library's own English, which must not reach a Vietnamese line.
ENGLISH = re.compile(r"Expecting|Unterminated|Invalid|Extra data|Input should|Field required|validation error|pydantic|Unexpected")

# One mistake per json module message, each on line 3 of a real submission.
BROKEN = {
    "json-expecting-value": '{\n  "unit": "xã A",\n  "values": {"1.1.1": }\n}',
    "json-expecting-property": '{\n  "unit": "xã A",\n  "values": {"1.1.1": 6,}\n}',
    "json-expecting-colon": '{\n  "unit": "xã A",\n  "values": {"1.1.1" 6}\n}',
    "json-expecting-comma": '{\n  "unit": "xã A",\n  "values": {"1.1.1": 6 "1.1.2": 5}\n}',
    "json-unterminated-string": '{\n  "unit": "xã A",\n  "values": {"1.1.1": "6}}',
    "json-control-character": '{\n  "unit": "xã A",\n  "values": {"1.1.1": "6\t"}\n}',
    "json-invalid-escape": '{\n  "unit": "xã A",\n  "values": {"1.1.1": "6\\q"}\n}',
    "json-invalid-unicode-escape": '{\n  "unit": "xã A",\n  "values": {"1.1.1": "\\u12"}\n}',
    "json-extra-data": '{\n  "unit": "xã A",\n  "values": {"1.1.1": 6}} ]\n',
}


def run(*args: str):
    res = CliRunner().invoke(group, list(args), catch_exceptions=False)
    return res.exit_code, res.stdout, res.stderr


@pytest.mark.parametrize("key", sorted(BROKEN))
def test_a_json_syntax_error_is_said_in_vietnamese_at_its_line_and_column(tmp_path, key):
    path = tmp_path / "bao-cao.json"
    path.write_text(BROKEN[key], encoding="utf-8")
    try:
        json.loads(BROKEN[key])
    except json.JSONDecodeError as exc:
        where = (exc.lineno, exc.colno)
        assert next(k for prefix, k in _JSON_MSG if exc.msg.startswith(prefix)) == key
    assert where[0] == 3

    code, _out, err = run("compute", "--spec", "2023", str(path))
    assert code == 2 and len(err.strip().splitlines()) == 1
    # the line once, in the location; the column after the problem
    assert render(key, {}, lang="vi") in err and f": dòng {where[0]}: " in err and len(re.findall(r"dòng \d", err)) == 1
    assert err.rstrip().endswith(f"(cột {where[1]})")
    assert not ENGLISH.search(err), err

    code, _out, err = run("--lang", "en", "compute", "--spec", "2023", str(path))
    assert code == 2 and render(key, {}, lang="en") in err and f": row {where[0]}: " in err
    assert err.rstrip().endswith(f"(column {where[1]})") and " line " not in err


def test_every_json_message_has_its_entry_and_an_unknown_one_is_not_english_in_vietnamese():
    for _prefix, key in _JSON_MSG:
        vi, en = CATALOG[key]
        assert vi and en and vi != en
    # a future Python's message this module does not know yet
    exc = json.JSONDecodeError("Some new complaint", '{"a": 1}', 3)
    assert json_syntax(exc) == "nội dung không hợp lệ (dòng 1, cột 4)"
    from cchc_engine.text.messages import set_lang

    set_lang("en")
    assert json_syntax(exc) == "Some new complaint (line 1, column 4)"


def _result_json(tmp_path: Path, spec2023) -> dict:
    return compute_file(spec2023, EXAMPLE).to_dict()


def test_a_result_json_with_bad_fields_names_each_field_in_vietnamese(tmp_path, spec2023):
    data = _result_json(tmp_path, spec2023)
    data["indicators"][0]["value"] = [1]  # a union (number, string, null): one problem, not three
    data["indicators"][1]["source"] = "guess"
    del data["indicators"][2]["stt"]
    data["extra_key"] = 1
    first = data["indicators"][0]["id"]
    folder = tmp_path / "units"
    folder.mkdir()
    (folder / "ket-qua.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    code, _out, err = run("aggregate", "--spec", "2023", "--level", "tinh", "--unit", "tỉnh Phú Thọ", str(folder))
    assert code == 2
    line = next(ln for ln in err.splitlines() if "ket-qua.json" in ln)
    assert "không phải tệp kết quả JSON hợp lệ của cchc" in line
    assert not ENGLISH.search(line), line
    # the first three problems, by path, then how many more (4 fields are wrong)
    assert f"indicators[0]({first}).value: giá trị không thuộc kiểu nào được phép" in line
    assert "indicators[1](" in line and ").source: giá trị không hợp lệ; cho phép: 'reported', 'computed', 'missing', 'not-applicable'" in line
    assert "indicators[2](" in line and ").stt: thiếu trường bắt buộc" in line
    assert line.endswith("(và 1 lỗi khác)")

    code, _out, err = run("--lang", "en", "aggregate", "--spec", "2023", "--level", "tinh", "--unit", "tỉnh Phú Thọ", str(folder))
    line = next(ln for ln in err.splitlines() if "ket-qua.json" in ln)
    assert "not a valid cchc result JSON" in line and ").stt: required field missing" in line and line.endswith("(and 1 more)")


def test_a_good_result_json_still_compiles(tmp_path, spec2023):
    folder = tmp_path / "units"
    folder.mkdir()
    (folder / "ket-qua.json").write_text(json.dumps(_result_json(tmp_path, spec2023), ensure_ascii=False), encoding="utf-8")
    code, out, err = run("aggregate", "--spec", "2023", "--level", "tinh", "--unit", "tỉnh Phú Thọ", str(folder), "-f", "json")
    assert code in (0, 1), err
    assert json.loads(out)["extra"]["aggregate"]


@pytest.mark.parametrize(
    "line, fixed, vi",
    [
        ("year: 2026", "year: 2026.5", "phải là số nguyên"),  # int_from_float
        ("      - {id: kh, stt: \"1\",", "      - {id: kh, stt: \"1\", min: nhieu,", "phải là một số"),  # float_parsing
        ("      - {id: dv_kt, stt: \"3\",", "      - {id: dv_kt, stt: \"3\", stt_repeats: maybe,", "phải là true hoặc false"),
    ],
)
def test_spec_schema_errors_that_were_english_are_vietnamese(tmp_path, line, fixed, vi):
    from test_spec_constructs import SPEC

    assert line in SPEC
    path = tmp_path / "s.yaml"
    path.write_text(SPEC.replace(line, fixed, 1), encoding="utf-8")
    code, _out, err = run("spec", "check", str(path))
    assert code == 1 and vi in err and not ENGLISH.search(err), err


def test_schema_message_keeps_our_own_validators_text():
    assert schema_message({"type": "value_error", "msg": "Value error, chỉ tiêu 'x' sai"}) == "chỉ tiêu 'x' sai"


# One mistake per PyYAML problem (libyaml and pure-Python wordings differ; both are mapped).
YAML_BROKEN = {
    "yaml-indentation": "unit: xã A\nvalues:\n  1.1.1: 6\n 1.1.2: 5\n",
    "yaml-unexpected-end": 'unit: xã A\nvalues:\n  1.1.1: "6\n',
    "yaml-bad-character": "unit: xã A\nvalues:\n\t1.1.1: 6\n",
    "yaml-flow-sequence": "unit: xã A\nvalues: [1, 2\nperiod: 2021\n",
    "yaml-undefined-alias": "unit: xã A\nvalues: *chua_co\n",
    "yaml-colon-here": "unit: xã A: B\nvalues: {}\n",
    "yaml-expected-dash": "- xã A\nvalues: 1\n",
    "yaml-one-document": "unit: xã A\n---\nvalues: {}\n",
    "yaml-tag": "unit: !!python/object:os.system xã A\n",
    "yaml-escape": 'unit: "xã \\q A"\n',
    "yaml-expected-colon": "unit: xã A\nvalues\nperiod: 2021\n",
}


def _yaml_loaders() -> list[str]:
    import yaml

    return [name for name in ("SafeLoader", "CSafeLoader") if hasattr(yaml, name)]  # libyaml when installed


@pytest.mark.parametrize("key", sorted(YAML_BROKEN))
@pytest.mark.parametrize("loader", _yaml_loaders())
def test_a_yaml_syntax_error_is_said_in_vietnamese_at_its_line_and_column(tmp_path, key, loader):
    import yaml

    from cchc_engine.text.inputerrors import yaml_problem

    try:
        yaml.load(YAML_BROKEN[key], Loader=getattr(yaml, loader))
    except yaml.YAMLError as exc:
        said = yaml_problem(exc)
        mark = exc.problem_mark
    assert said == render("json-at", {"problem": render(key, {}), "line": str(mark.line + 1), "column": str(mark.column + 1)})
    assert not ENGLISH.search(said) and "found" not in said and "expected" not in said


def test_a_broken_yaml_input_and_spec_are_one_vietnamese_line(tmp_path):
    path = tmp_path / "bao-cao.yaml"
    path.write_text(YAML_BROKEN["yaml-indentation"], encoding="utf-8")
    code, _out, err = run("compute", "--spec", "2023", str(path))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert render("yaml-indentation", {}) in err and "while" not in err
    assert ": dòng 4: " in err and len(re.findall(r"dòng \d", err)) == 1 and err.rstrip().endswith("(cột 2)")
    code, _out, err = run("--lang", "en", "compute", "--spec", "2023", str(path))
    assert render("yaml-indentation", {}, lang="en") in err and ": row 4: " in err and err.rstrip().endswith("(column 2)")
    from test_spec_constructs import SPEC

    spec = tmp_path / "s.yaml"
    spec.write_text(SPEC.replace("    title: Tổ chức bộ máy\n", "    title: Tổ chức: bộ máy\n"), encoding="utf-8")
    code, _out, err = run("spec", "check", str(spec))
    assert code in (1, 2) and render("yaml-colon-here", {}) in err and "mapping values" not in err, err


def test_the_spec_models_own_checks_speak_both_languages(tmp_path):
    # a pydantic validator of ours (spec/model.py): Vietnamese, and English under --lang en
    from test_spec_constructs import SPEC

    # (a count or number may name the coded words its printed unit gives; a percent may not)
    bad = SPEC.replace("{id: kh_ty_le, name:", "{id: kh_ty_le, choices: co_khong, name:", 1)
    assert bad != SPEC
    path = tmp_path / "s.yaml"
    path.write_text(bad, encoding="utf-8")
    code, _out, err = run("spec", "check", str(path))
    assert code == 1 and "chỉ tiêu 'kh_ty_le' không phải kiểu choice, count hay number nhưng có 'choices'" in err
    code, _out, err = run("--lang", "en", "spec", "check", str(path))
    assert code == 1 and "indicator 'kh_ty_le' is not of type choice, count or number but has 'choices'" in err
    assert "chỉ tiêu" not in err


def test_a_csv_field_over_the_limit_is_said_in_vietnamese(tmp_path):
    import csv

    limit = csv.field_size_limit()
    path = tmp_path / "bao-cao.csv"
    path.write_text('key,value\n1.1.1,"' + "x" * (limit + 1) + '"\n', encoding="utf-8")
    code, _out, err = run("compute", "--spec", "2023", str(path))
    assert code == 2 and render("csv-field-too-long", {"limit": limit}, lang="vi") in err
    assert "field larger" not in err
    code, _out, err = run("--lang", "en", "compute", "--spec", "2023", str(path))
    assert render("csv-field-too-long", {"limit": limit}, lang="en") in err


# --- cchc.toml -------------------------------------------------------------------------------

# each broken configuration: (text, the catalogue key it must be said with)
TOML_BROKEN = {
    "table-bracket": ("[plugins.cchc-phu-tho\nmin = 1\n", "toml-table-bracket"),
    "value-twice": ("[plugins.x]\nmin = 1\nmin = 2\n", "toml-value-twice"),
    "table-twice": ("[plugins.x]\na = 1\n[plugins.x]\n", "toml-table-twice"),
    "expected-equals": ("[plugins.x]\nmin 80\n", "toml-expected-equals"),
    "invalid-value": ('[plugins.x]\nregion = Phú Thọ\n', "toml-invalid-value"),
    "statement": ("[plugins.x]\na = 1 b = 2\n", "toml-invalid-statement"),
    "open-string": ('[plugins.x]\nregion = "Phú Thọ\n', "toml-illegal-character"),
    "escape": ('[plugins.x]\npath = "C:\\du-lieu"\n', "toml-bad-escape"),
    "unclosed": ("[plugins.x]\nforms = [1, 2\n", "toml-unclosed"),
}


@pytest.mark.parametrize("name", sorted(TOML_BROKEN))
def test_a_broken_cchc_toml_is_said_in_vietnamese_at_its_line(tmp_path, monkeypatch, name):
    import tomllib

    from cchc_engine import api
    from cchc_engine.text.inputerrors import _TOML_MSG
    from cchc_engine.text.messages import set_lang

    text, key = TOML_BROKEN[name]
    with pytest.raises(tomllib.TOMLDecodeError) as raised:
        tomllib.loads(text)
    english = str(raised.value)
    assert next(k for prefix, k in _TOML_MSG if english.startswith(prefix)) == key  # the case tests its key
    at = re.search(r"\(at line (\d+), column (\d+)\)$", english)  # where tomllib says it is
    (tmp_path / "cchc.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-user-config"))
    monkeypatch.setenv("CCHC_CONFIG", "cchc.toml")
    for lang, row, column in (("vi", "dòng", "cột"), ("en", "row", "column")):
        set_lang(lang)
        try:
            with pytest.raises(api.CchcError) as exc:
                api.plugin_config("x")
            [finding] = exc.value.findings
            said = finding.located()
        finally:
            set_lang("vi")
        assert render(key, {}, lang=lang) in said and "cchc.toml" in said
        if at is None:  # "(at end of document)"
            assert finding.location.row is None and said.endswith(render("toml-at-end", {"problem": ""}, lang=lang).strip())
        else:
            assert finding.location.row == int(at.group(1)) and f"{row} {at.group(1)}: " in said
            assert said.endswith(f"({column} {at.group(2)})")
        if lang == "vi":
            assert not ENGLISH.search(said) and "Expected" not in said and "Cannot" not in said, said


def test_every_toml_message_has_its_entry_and_a_broken_file_is_one_line_from_the_cli(tmp_path, monkeypatch):
    from cchc_engine.text.inputerrors import _TOML_MSG

    for _prefix, key in _TOML_MSG:
        vi, en = CATALOG[key]
        assert vi and en and vi != en
    # through a plugin that reads its configuration in check_result: its failure is a
    # plugin-failed finding in the report (an error under --strict-plugins), in Vietnamese
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "needs_config.py").write_text(
        "from cchc_engine import api\nfrom cchc_engine.api import hookimpl\n\n"
        "@hookimpl\ndef check_result(result, spec, lang):\n    api.plugin_config('x')\n",
        encoding="utf-8",
    )
    (tmp_path / "cchc.toml").write_text("[plugins.x]\nmin 80\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCHC_CONFIG", "cchc.toml")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-user-config"))
    from cchc_engine.plugins import PluginHost
    from cchc_engine.testing import using_host

    with using_host(PluginHost(entry_points=False, load_only=None)):  # the session's host keeps no test plugin
        code, out, err = run("--plugins-dir", str(plugins), "--strict-plugins", "compute", "--spec", "2023", str(EXAMPLE))
    [line] = [x for x in out.splitlines() if "plugin-config-invalid" in x]
    assert code == 1 and line.split()[0] == "lỗi" and "cchc.toml" in line
    assert not [x for x in out.splitlines() if "plugin-failed" in x]  # the plugin checked on, with its defaults
    assert render("toml-expected-equals", {}) in line and "cchc.toml: dòng 2" in line and line.endswith("(cột 5)"), line
    assert "Expected" not in out + err and "Traceback" not in out + err
