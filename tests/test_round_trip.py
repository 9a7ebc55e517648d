"""The printed report reads back: for every bundled spec and level, a generated submission
computed, written by each report writer that is also a reader input (xlsx, the Word report,
csv) and read again gives the same values and no finding the first reading did not give.

This is what lets an officer send the tool's own report up the chain, or check it again
after editing it: the printed form is the form of its level (no other level's rows, whose
duplicated STT would drop a value), a computed value is written as the number it is (no
mark in the cell), a 0/0 ratio left blank stays blank, and the signature block and the
findings sheet or section read as nothing.

Each (spec, level) draws a few submissions by default and many more nightly
(HYPOTHESIS_PROFILE=nightly): a draw writes and reads three files.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest
from budget import NIGHTLY
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from cchc_engine.session import Session
from cchc_engine.spec.registry import resolve
from cchc_engine.testing import write_submission

BUNDLED = ("2021", "2021-ha-tinh", "2023")
WRITERS = ("xlsx", "docx", "csv")  # the report writers whose output a reader takes
SPEC_LEVELS = [(spec, level) for spec in BUNDLED for level in resolve(spec).spec.level_ids()]
_TEXTS = ("Đã triển khai", "Có kế hoạch riêng", "Hoàn thành tốt", "Đang thực hiện")


def _inputs(compiled: Any, level: str) -> list[Any]:
    """The indicators an officer fills in at ``level``: printed rows with a value, not computed."""
    return [
        ind for ind in compiled.spec.index().values()
        if ind.applies_to(level) and ind.printed and ind.type != "group" and not ind.formula
    ]


def _value(compiled: Any, ind: Any) -> st.SearchStrategy:
    blank = st.none()
    if ind.type == "count":
        lo = int(ind.min) if ind.min is not None else 0
        hi = int(ind.max) if ind.max is not None else 50_000
        return st.one_of(blank, st.integers(lo, hi))
    if ind.type in ("percent", "number"):
        hi = 100 if ind.type == "percent" else 1_000_000
        cents = st.integers(0, hi * 100).map(lambda n: n / 100 if n % 100 else n // 100)
        return st.one_of(blank, cents)
    if ind.type == "choice":
        return st.one_of(blank, st.sampled_from([c.code for c in compiled.choice_set(ind)]))
    return st.one_of(blank, st.sampled_from(_TEXTS))


_RATIO = re.compile(r"^ratio\((\w+),\s*(\w+)\)$")


def _submissions(compiled: Any, level: str) -> st.SearchStrategy:
    """Values for every input; a ratio's numerator no larger than its denominator, as in a
    report that can be signed (a larger one is an error either way, and reading a
    computed 74 800 % back adds its range error to the rule's)."""
    pairs = [m.groups() for ind in compiled.spec.index().values() if ind.formula and (m := _RATIO.match(ind.formula))]

    def consistent(values: dict[str, Any]) -> dict[str, Any]:
        for num, den in pairs:
            a, b = values.get(num), values.get(den)
            if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a > b:
                values[num], values[den] = b, a
        return values

    return st.fixed_dictionaries({ind.id: _value(compiled, ind) for ind in _inputs(compiled, level)}).map(consistent)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _finding_keys(result: Any) -> set[tuple[str, str, str]]:
    return {(f.severity, f.code, f.indicator or "") for f in result.findings}


@pytest.mark.parametrize(("spec", "level"), SPEC_LEVELS)
def test_report_written_and_read_back_gives_the_same_values_and_no_new_finding(spec, level, every_format, tmp_path_factory):
    from cchc_engine.flow.output import write_result

    host = every_format
    compiled = resolve(spec)
    session = Session.open(compiled, host=host)

    @settings(
        max_examples=40 if NIGHTLY else 3, deadline=None, database=None,
        phases=(Phase.explicit, Phase.generate),  # a draw is three files: shrinking would take minutes
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(values=_submissions(compiled, level))
    def check(values: dict[str, Any]) -> None:
        folder = Path(tmp_path_factory.mktemp("round"))
        given_values = {k: v for k, v in values.items() if v is not None}
        assume(len(given_values) >= 3)  # an appendix without values is not a report (exit 2)
        first = session.compute(write_submission(compiled, level, given_values, "json", directory=folder), level=level)
        # Written in Vietnamese by every writer, and in English as a workbook (its numbers are
        # cells, not text: an English Word report writes 2,967 for two thousand nine hundred
        # sixty-seven, which a reader of Vietnamese reports takes for 2,967 — left open).
        for lang, fmt in [("vi", w) for w in WRITERS] + [("en", "xlsx")]:
            options = {"lang": lang, "spec": compiled, "findings": True, "findings_only": False}
            out = folder / f"report-{lang}.{fmt}"
            session.run(lambda: write_result(first, fmt, out, options, host=host))
            again = session.compute(out, level=level)
            for ind in first.indicators:
                if not ind.applicable or ind.type == "group":
                    continue
                back = again.get(ind.id)
                assert _same(ind.value, back.value), (fmt, ind.id, ind.stt, ind.value, back.value)
            new = _finding_keys(again) - _finding_keys(first)
            if fmt == "csv":
                # The csv report writes numbers as machines do (75.86); the csv reader, made for
                # what officers type, reads them right and says it read an English decimal.
                new = {k for k in new if k[:2] != ("info", "ambiguous-decimal")}
            assert not new, (fmt, sorted(new), [f.message for f in again.findings][:5])
            assert again.stats.rows_dropped == 0, (fmt, again.stats.dropped_by)

    check()
