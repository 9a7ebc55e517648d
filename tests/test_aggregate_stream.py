"""`cchc aggregate` as a stream: ``aggregate.Compiler`` compiles units as they arrive and
must give exactly what the list-at-once compilation gave (tests/aggregate_reference.py),
keep no unit's values in memory, and read the matrix back only when asked.
"""

from __future__ import annotations

import dataclasses
import json
import math
import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_engine import plugins
from budget import examples  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

import aggregate_reference as ref  # noqa: E402

from cchc_engine.compile.aggregate import (  # noqa: E402
    Compiler,
    ExactSum,
    MatrixValues,
    PackedValues,
    UnitResult,
    compile_units,
    value_positions,
)
from cchc_engine.flow.findings import Finding  # noqa: E402


# --- exact sums ------------------------------------------------------------------------

def _old_add(values):
    """aggregate._add before the stream (what every compiled sum was)."""
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return sum(values)
    total = math.fsum(values)
    total = round(total, 9)
    return int(total) if total.is_integer() else total


def _outcome(f, values):
    try:
        v = f(values)
    except (OverflowError, ValueError) as exc:
        return type(exc).__name__
    return type(v).__name__, repr(v)  # repr: bit for bit (and nan equals nan)


_numbers = st.one_of(
    st.integers(-(2**60), 2**60),
    st.integers(-(2**53), 2**53),
    st.floats(-1e300, 1e300),
    st.floats(-1e6, 1e6).map(lambda x: round(x, 2)),  # what officers type: 1200.5, 75.86
    st.sampled_from([0.1, 0.2, 0.3, -0.0, 5e-324, 2.0**-1022, 1e16, 2.0**53 + 2]),
)


def _exact(values):
    s = ExactSum()
    for v in values:
        s.add(v)
    return s.value()


@settings(max_examples=examples(1500), deadline=None)
@given(st.lists(_numbers, min_size=1, max_size=60))
def test_exact_sum_equals_fsum_rounded_bit_for_bit(values):
    assert _outcome(_exact, values) == _outcome(_old_add, values)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.one_of(_numbers, st.sampled_from([math.inf, -math.inf, math.nan])), min_size=1, max_size=20))
def test_exact_sum_treats_infinities_and_nan_as_fsum_does(values):
    assert _outcome(_exact, values) == _outcome(_old_add, values)


def test_exact_sum_of_many_tenths_is_exact():
    # 3,300 communes × 0.1: a naive running float sum drifts, fsum (and this) do not.
    s = ExactSum()
    for _ in range(3300):
        s.add(0.1)
    assert s.value() == _old_add([0.1] * 3300) == 330


# --- the stream equals the list-at-once compilation --------------------------------------


@pytest.fixture(scope="module")
def plain_units(tmp_path_factory, spec2023):
    from make_communes import make_communes

    from cchc_engine.compile.collect import read_unit
    from cchc_engine.session import Session

    folder = tmp_path_factory.mktemp("stream-communes")
    made = make_communes(folder, 14, seed=11, compiled=spec2023, error_rate=0.3)
    session = Session(spec=spec2023, host=plugins.PluginHost.builtins_only())
    units = [read_unit(Path(m["file"]), session) for m in made]
    assert all(u.problem is None for u in units) and any(u.errors for u in units)
    return units


def _like(u: UnitResult, **changes) -> UnitResult:
    return dataclasses.replace(u, **{"values": dict(u.values), **changes})


def _scenarios(units: list[UnitResult], spec2023) -> dict[str, tuple[list[UnitResult], dict]]:
    pos = value_positions(spec2023)
    packed = [dataclasses.replace(u, values=PackedValues.pack(u.values, pos)) for u in units]
    sum_id = next(i.id for _f, i in spec2023.spec.indicators() if i.has_value and i.aggregate_method.method == "sum" and i.applies_to("huyen") and i.id in units[0].values)
    odd = _like(units[3], file="odd.xlsx", unit="xã Lạ", values={**units[3].values, sum_id: 2**60})
    texty = _like(units[4], file="texty.xlsx", unit="xã Chữ", values={**units[4].values, sum_id: "nhiều"})
    flag = _like(units[5], file="flag.xlsx", unit="xã Cờ", values={**units[5].values, sum_id: True})
    unusable = UnitResult(file="bad.xlsx", problem=Finding.make("file-unreadable", "error", file="bad.xlsx", error="zip").to_dict())
    mixed = [
        packed[0],
        _like(units[1], period="2023-Q2"),
        unusable,
        _like(units[2], spec="2021-ha-tinh"),
        _like(units[6], level="huyen"),
        _like(units[0], file="again.xlsx"),  # the same commune again: second is out
        *packed[7:],
        odd, texty, flag,
        _like(units[8], period="2023-Q2", file="q2.xlsx"),
        _like(units[9], unit=None, file="anon.xlsx"),
        # named after their files: another folder's "anon" is another unit, a copy the same one
        _like(units[10], unit=None, file="xa-b/anon.xlsx"),
        _like(units[11], unit=None, file="anon (copy).xlsx"),
    ]
    many = [_like(u, period=f"2022-Q{1 + i % 4}" if i < 5 else "2021") for i, u in enumerate(units)]
    return {
        "plain": (units, {}),
        "packed": (packed, {}),
        "mixed": (mixed, {}),
        "mixed-skip-invalid": (mixed, {"skip_invalid": True}),
        "mixed-period-given": (mixed, {"period": "2023-Q2"}),
        "many-periods-latest-wins": (many, {}),  # 2021 wins, seen after four others: tallied from the spool
        "many-periods-given": (many, {"period": "2022-Q3"}),
        "nothing-usable": ([unusable], {}),
    }


def test_stream_equals_the_list_at_once_compilation(plain_units, spec2023):
    for name, (units, opts) in _scenarios(plain_units, spec2023).items():
        period = opts.get("period")
        kw = {k: v for k, v in opts.items() if k != "period"}
        old = ref.compile_units(spec2023, "huyen", "huyện Thử", period, units, **kw)
        new = compile_units(spec2023, "huyen", "huyện Thử", period, units, **kw)
        assert new.to_json() == old.to_json(), name
        assert new.extra["matrix"]["values"] == old.extra["matrix"]["values"], name


def test_compiled_districts_into_a_province(plain_units, spec2023):
    """Compiled units (weights, counts that add up) stream like communes do."""
    from cchc_engine.compile.collect import unit_from_result

    districts = []
    for k, part in enumerate((plain_units[:7], plain_units[7:])):
        r = compile_units(spec2023, "huyen", f"huyện {k}", None, part)
        districts.append(unit_from_result(r, f"huyen-{k}.json"))
    assert all(d.compiled and d.weights for d in districts)
    old = ref.compile_units(spec2023, "tinh", "tỉnh Thử", None, districts)
    new = compile_units(spec2023, "tinh", "tỉnh Thử", None, districts)
    assert new.to_json() == old.to_json()
    straight = compile_units(spec2023, "tinh", "tỉnh Thử", None, plain_units, units_level="xa")
    assert [(i.id, i.value, i.units) for i in new.indicators] == [(i.id, i.value, i.units) for i in straight.indicators]


# --- memory: the Compiler keeps provenance, not values -------------------------------------


def _stream(template: UnitResult, pos: dict, n: int):
    packed = PackedValues.pack(template.values, pos)
    blob = packed.to_bytes()
    for i in range(n):
        # fresh objects per unit, as units arriving from workers are
        yield UnitResult(file=f"/data/xa-{i:05d}.xlsx", unit=f"xã Số {i}", level="xa", period="2023-Q3",
                         spec=template.spec, values=PackedValues.from_bytes(pos, blob))


def test_compiler_memory_grows_only_by_provenance(plain_units, spec2023):
    pos = value_positions(spec2023)
    one_unit_values = 9 * len(pos)  # what a unit's values take packed; dicts take ~10× that
    growth = []
    for n in (300, 3000):
        c = Compiler(spec2023, "huyen", "huyện Thử")
        tracemalloc.start()
        for u in _stream(plain_units[0], pos, n):
            c.add(u)
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        growth.append(held)
        c.result()
    per_unit = (growth[1] - growth[0]) / 2700
    # provenance: the record, its file and unit strings, the name key: a few hundred bytes
    assert per_unit < 600 < one_unit_values, per_unit


def test_matrix_is_read_back_only_when_a_writer_reads_it(plain_units, spec2023, tmp_path):
    from cchc_engine.flow.output import write_result

    result = compile_units(spec2023, "huyen", "huyện Thử", None, plain_units)
    values = result.extra["matrix"]["values"]
    assert isinstance(values, MatrixValues) and values._data is None
    write_result(result, "table", tmp_path / "t.txt", {"lang": "vi", "spec": spec2023})
    write_result(result, "md", tmp_path / "t.md", {"lang": "vi", "spec": spec2023})
    assert values._data is None  # a report run never reads every unit's values back
    write_result(result, "json", tmp_path / "r.json", {"lang": "vi", "findings_only": False})
    assert values._data is not None
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    some = next(iter(data["extra"]["matrix"]["values"]))
    assert data["extra"]["matrix"]["values"][some] == [u.values.get(some) for u in plain_units]
    assert values._spool is None  # the temporary file is closed once read


def test_a_compiled_result_pickles_and_copies_with_its_matrix(plain_units, spec2023):
    import copy
    import pickle

    result = compile_units(spec2023, "huyen", "huyện Thử", None, plain_units)
    again = pickle.loads(pickle.dumps(result))
    assert type(again.extra["matrix"]["values"]) is dict and again.to_json() == result.to_json()
    assert copy.deepcopy(result).to_json() == result.to_json()


def test_compiler_is_used_once(plain_units, spec2023):
    c = Compiler(spec2023, "huyen", "huyện Thử")
    c.add(plain_units[0])
    c.result()
    with pytest.raises(RuntimeError):
        c.add(plain_units[1])
    with pytest.raises(RuntimeError):
        c.result()


# --- the worker protocol ---------------------------------------------------------------------


def test_a_worker_sends_packed_bytes_and_no_path(plain_units, spec2023):
    import pickle

    from cchc_engine.compile.collect import from_wire, to_wire

    pos = value_positions(spec2023)
    for u in plain_units:
        w = to_wire(u, pos)
        assert isinstance(w[4], bytes) and len(w[4]) == 9 * len(pos)  # values: one bytes object
        assert u.file not in w  # the parent knows which file it sent
        back = from_wire(u.file, w, pos)
        assert isinstance(back.values, PackedValues) and dict(back.values) == u.values
        assert dataclasses.replace(back, values=u.values) == u
        # plain values only: no class of ours to import and build on the way back
        data = pickle.dumps(w)
        assert b"cchc_engine" not in data and len(data) < len(pickle.dumps(u))
    odd = dataclasses.replace(plain_units[0], values={**plain_units[0].values, "x": "text"}, weights={"x": 2}, compiled=True)
    back = from_wire(odd.file, to_wire(odd, pos), pos)
    assert back == odd  # what does not pack travels as it is


def test_read_units_streams_in_file_order_with_two_workers(plain_units, spec2023):
    from cchc_engine.compile.collect import read_units
    from cchc_engine.session import Session

    files = [u.file for u in plain_units]
    two = list(read_units(files, Session(spec=spec2023, host=plugins.PluginHost.builtins_only()), jobs=2, chunk=3))
    assert [u.file for u in two] == files and all(type(u.file) is str for u in two)
    for a, b in zip(two, plain_units):
        assert dict(a.values) == b.values and a.errors == b.errors and a.unit == b.unit


def test_expand_paths_gives_strings_in_the_order_of_sorted_rglob(tmp_path):
    import os

    from cchc_engine import plugins
    from cchc_engine.compile.collect import expand_paths

    tree = ["a.xlsx", "b-c.xlsx", "b/c.xlsx", "b/.h.xlsx", "b/~$x.xlsx", "B.XLSX", "z/y/x.json", ".hid/q.xlsx",
            "n.", "m.png", "b/a/x.csv", "b/a.xlsx", "ab/c.docx", "a b/x.xlsx", "é/x.xlsx", "E/x.xlsx"]
    for rel in tree:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    os.symlink(tmp_path / "b", tmp_path / "linkdir")  # rglob does not enter a symlinked folder
    os.symlink(tmp_path / "a.xlsx", tmp_path / "link.xlsx")  # but lists a symlinked file
    host = plugins.PluginHost.builtins_only()
    suffixes = {s.lower() for r in host.readers.all() for s in getattr(r.item, "suffixes", ())}
    before = sorted(f for f in tmp_path.rglob("*") if f.is_file() and f.suffix.lower() in suffixes
                    and not f.name.startswith(("~$", ".")))
    got = expand_paths([tmp_path, tmp_path / "a.xlsx"], host)
    assert got == [str(f) for f in before] + [str(tmp_path / "a.xlsx")]
    assert all(type(f) is str for f in got) and len(got) == 14  # ab/c.docx too: the Word report is the core's


def test_the_parent_keys_unit_names_as_name_key_does_without_its_memo():
    from cchc_engine.text.textnorm import MAX_KEY_CHARS, name_key, name_key_once as _unit_key

    for name in ["xã An Bình", "XÃ  AN\u00adBÌNH", "Phường 1", "", "x" * (MAX_KEY_CHARS + 50), "xã <b>Tân</b> Phú"]:
        assert _unit_key(name) == name_key(name)


def test_a_total_beyond_the_largest_double_is_an_error_at_its_indicator_not_a_traceback(spec2023):
    from cchc_engine.compile.aggregate import UnitResult, compile_units

    ind = next(i for _f, i in spec2023.spec.indicators()
               if i.has_value and i.applies_to("xa") and i.aggregate_method.method == "sum" and i.type == "number")
    other = next(i for _f, i in spec2023.spec.indicators()
                 if i.id != ind.id and i.has_value and i.applies_to("xa") and i.aggregate_method.method == "sum")
    units = [UnitResult(file=f"x{k}.xlsx", unit=f"xã Một {k}", level="xa", period="2023-Q3", spec=spec2023.id,
                        values={ind.id: 1.7e308, other.id: 3}) for k in range(2)]
    result = compile_units(spec2023, "huyen", "huyện Thử", None, units)
    assert result.flatten(["indicator", "code", "severity"], "error") == [[ind.id, "aggregate-total-too-large", "error"]]
    assert result.value(ind.id) is None and result.value(other.id) == 6 and not result.valid
