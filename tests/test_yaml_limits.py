"""The spec loader's own limits hold whichever YAML parser refuses first.

PyYAML 6.0.4's bundled libyaml refuses nesting past 1,000 levels, and reads ahead
before it yields the events our 64-level check counts; the officer must still get
the located "nested more than 64 levels" message, with the C loader and without it.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import settings

from cchc_engine.flow.findings import CchcError, Location
from cchc_engine.spec import loader

LOADERS = [pytest.param(yaml.SafeLoader, id="pure-python")]
if hasattr(yaml, "CSafeLoader"):
    LOADERS.append(pytest.param(yaml.CSafeLoader, id="libyaml"))


def _refusal(text: str) -> CchcError:
    with pytest.raises(CchcError) as info:
        loader.read_yaml(text, Location(file="deep.yaml"))
    return info.value


@pytest.fixture(params=LOADERS)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> type:
    monkeypatch.setattr(loader, "_BaseSafe", request.param)
    return request.param


@pytest.mark.parametrize("levels", [65, 1_001, 10_000])
def test_flow_nesting_is_our_message_with_line_and_column(parser: type, levels: int) -> None:
    err = _refusal("title: x\na: " + "[" * levels + "]" * levels + "\n")
    assert err.findings[0].code == "spec-yaml-too-large"
    assert err.findings[0].location.row == 2
    # the 65th bracket opens at column 3 + 64 = 67
    assert "lồng quá 64 mức, từ cột 67" in str(err)


def test_block_nesting_names_the_line_of_the_65th_level(parser: type) -> None:
    text = "a:\n" + "".join(" " * i + "- \n" for i in range(1, 80))
    err = _refusal(text)
    assert err.findings[0].location.row == 65
    assert "lồng quá 64 mức" in str(err)


def test_64_levels_still_load(parser: type) -> None:
    data, _ = loader.read_yaml("a: " + "[" * 63 + "1" + "]" * 63 + "\n", Location(file="ok.yaml"))
    depth, cur = 0, data["a"]
    while isinstance(cur, list):
        depth, cur = depth + 1, cur[0]
    assert (depth, cur) == (63, 1)


def test_a_syntax_error_is_still_a_syntax_error(parser: type) -> None:
    err = _refusal("a: [1, 2\nb: ]]\n")
    assert err.findings[0].code == "spec-yaml-invalid"
    assert "lồng" not in str(err)


def test_yaml_input_gets_the_same_message(parser: type, tmp_path) -> None:
    """A submission given as YAML (values by key) is scanned by the same limits."""
    from conftest import cli

    data = tmp_path / "data.yaml"
    data.write_text("values:\n  a: " + "[" * 2_000 + "]" * 2_000 + "\n", encoding="utf-8")
    code, out, err = cli("compute", "--spec", "2023", str(data))
    assert code == 2, err
    assert "lồng quá 64 mức" in err and "dòng 2" in err
    assert "Traceback" not in err


def test_the_suite_keeps_no_example_database() -> None:
    """Hypothesis writes nothing into the checkout or the home directory."""
    assert settings.default.database is None
