"""Findings and results are plain dataclasses; their JSON is still the pydantic contract.

``Result.to_json`` writes with the json module (no pydantic import on the hot
path); these tests pin that it writes exactly what pydantic's serialiser writes
for the same object, including the floats where the two differ in spelling.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st
from budget import examples  # noqa: E402
from pydantic import TypeAdapter

from cchc_engine.flow.findings import Finding, Location
from cchc_engine.flow.result import IndicatorResult, Result

TRICKY_FLOATS = [75.86, 0.1 + 0.2, 1e-7, 1.5e16, 1e300, -0.0, math.inf, -math.inf, math.nan, 123456789.0]


def _result(values: list, text: str = "Đơn vị tính \"x\" \n\t\x01 / \u2028") -> Result:
    inds = [
        IndicatorResult(id=f"i{n}", stt=str(n), form="bm1", name=text, unit="%", type="percent", value=v, reported=v)
        for n, v in enumerate(values)
    ]
    findings = [
        Finding.make("ratio-mismatch", "error", indicator="i0", location=Location(file="a.xlsx", sheet="Phụ lục", cell="D14"),
                     reported=values[0] if values else 1, computed=2, numerator=1, denominator=3, id="i0")
    ]
    return Result(spec="2023", level="xa", unit=text, indicators=inds, findings=findings,
                  extra={"nested": {"floats": values, "tuple": (1, "a")}}).finish()


def _pydantic_json(result: Result, indent):
    return TypeAdapter(Result).dump_json(result, indent=indent).decode("utf-8")


def test_to_json_is_pydantics_json_for_tricky_floats_and_text():
    result = _result(TRICKY_FLOATS)
    for indent in (2, None, 4):
        assert result.to_json(indent=indent) == _pydantic_json(result, indent)


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(st.one_of(st.floats(), st.integers(min_value=-(2**63), max_value=2**63 - 1), st.none(), st.text(max_size=20)), max_size=8),
    st.text(max_size=30),
)
def test_to_json_matches_pydantic_on_any_values(values, text):
    result = _result(values, text.replace("\ud800", ""))
    assert result.to_json() == _pydantic_json(result, 2)


def test_json_round_trip_through_validation_gives_the_same_objects():
    result = _result([75.86, 3, "Có", None])
    again = Result.from_dict(json.loads(result.to_json()))
    assert again.indicators == result.indicators and again.findings == result.findings
    assert again.to_json() == result.to_json()
    assert isinstance(again.findings[0].location, Location)
    assert again.findings[0].location.cell == "D14"


def test_unknown_field_in_a_json_result_is_refused():
    import pytest
    from pydantic import ValidationError

    data = json.loads(_result([1]).to_json())
    data["indicators"][0]["surprise"] = 1
    with pytest.raises(ValidationError):
        Result.from_dict(data)


def test_pydantic_era_names_still_work():
    f = Finding.make("invalid-number", "error", location=Location(file="a.xlsx"), raw="x", id="a")
    assert f.model_dump() == f.to_dict()
    assert f.model_dump()["location"] == {"file": "a.xlsx", "sheet": None, "cell": None, "row": None, "path": None, "table": None}
    moved = f.model_copy(update={"message": "m"})
    assert moved.message == "m" and f.message != "m" and moved.location is f.location
    assert Finding.model_validate(f.to_dict()) == f


def test_findings_and_results_do_not_import_pydantic():
    code = (
        "import sys; import cchc_engine.flow.findings, cchc_engine.flow.result, cchc_engine.flow.submission; "
        "r = __import__('cchc_engine.flow.result', fromlist=['Result']).Result(spec='x', level='xa'); r.finish(); r.to_json(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
