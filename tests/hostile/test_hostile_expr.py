"""The expression language at its limits (issue 15): no RecursionError, no OverflowError, ever."""

from __future__ import annotations

import sys

import pytest

from cchc_engine.flow import expr as ex
def test_a_chain_of_995_terms_is_a_located_error_not_a_recursion_error() -> None:
    with pytest.raises(ex.ExprError, match="chuỗi phép tính quá dài"):
        ex.parse("+".join(["1"] * 995))


def test_a_1997_character_a_plus_a_formula_is_refused() -> None:
    src = "+".join(["a"] * 999)
    assert len(src) == 1997
    with pytest.raises(ex.ExprError, match="chuỗi phép tính quá dài"):
        ex.parse(src)


def test_chains_within_the_limit_parse_type_and_evaluate_even_near_the_recursion_limit() -> None:
    src = "+".join(["a"] * (ex.MAX_TREE_DEPTH - 1))
    e = ex.parse(src)
    assert e.refs == ("a",)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(ex.MAX_TREE_DEPTH + 150)  # what is left after click, pytest and the engine
    try:
        assert e.kind(lambda _: "num") == "num"
        assert e.evaluate(lambda _: 2) == 2 * (ex.MAX_TREE_DEPTH - 1)
    finally:
        sys.setrecursionlimit(limit)


@pytest.mark.parametrize("const", ["9" * 400, "9" * 400 + ".5", "1" + "0" * 16, "0" * 300 + "1" + "0" * 16])
def test_a_constant_beyond_10_to_the_15_is_an_error(const: str) -> None:
    with pytest.raises(ex.ExprError, match="hằng số quá lớn"):
        ex.parse(f"a * {const}")
    assert ex.parse("a * " + "0" * 300 + "7").evaluate(lambda _: 3) == 21  # leading zeros are not size


def test_overflow_is_value_too_large_never_overflow_error() -> None:
    big = 10**15
    product = ex.parse("*".join(["x"] * 25))  # 10^375: an int no float holds
    with pytest.raises(ex.ValueTooLarge):
        product.evaluate(lambda _: big)
    with pytest.raises(ex.ValueTooLarge):  # int / int → OverflowError inside
        ex.parse("ratio(" + "*".join(["x"] * 25) + ", 3)").evaluate(lambda _: big)
    with pytest.raises(ex.ValueTooLarge):  # floats go to inf
        ex.parse("*".join(["x"] * 25)).evaluate(lambda _: 1e15)
    assert ex.parse("x * x < 0").evaluate(lambda _: big) is False  # huge intermediates in a comparison are fine


def test_value_too_large_reaches_the_report_as_a_finding(tmp_path) -> None:
    import json

    from conftest import cli

    spec = tmp_path / "tran.yaml"
    formula = "*".join(["kh_nhiem_vu_de_ra"] * 22)
    spec.write_text(
        'id: "2021-tran"\nextends: "2021"\ntitle: "Tràn số"\nadd:\n  - after: tthc_md34_tich_hop_dvcqg\n    indicators:\n'
        f'      - {{id: tran_so, stt: "3.9.9", name: "Tràn", unit: "Nhiệm vụ", type: number, formula: "{formula}"}}\n',
        encoding="utf-8",
    )
    src = tmp_path / "so-lieu.json"
    src.write_text('{"values": {"kh_nhiem_vu_de_ra": "900.000.000.000.000", "kh_nhiem_vu_hoan_thanh": "6"}}', encoding="utf-8")
    code, out, err = cli("compute", "--spec", str(spec), "--level", "xa", "--period", "2021-Q3", str(src), "-f", "json")
    assert code == 1, err
    found = [(f["indicator"], f["code"]) for f in json.loads(out)["findings"]]
    assert ("tran_so", "value-too-large") in found
