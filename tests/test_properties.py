"""Property tests for what issue #7 adds: readers survive anything; expressions never run Python.

Already covered elsewhere (not repeated here): the value normaliser never raises
(tests/test_values.py::test_never_raises, 1,000 examples) and the expression parser
raises only ExprError on arbitrary text (tests/test_expr.py::test_parser_raises_only_expr_error,
1,000 examples).
"""

from __future__ import annotations

import builtins
import datetime as dt
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from budget import examples  # noqa: E402

from cchc_engine.flow import expr as ex
from cchc_engine.flow.findings import CchcError
from cchc_engine.readers.plain import CsvReader, JsonReader, YamlReader
from cchc_engine.flow.layout import layout
from cchc_engine.readers.xlsx import XlsxReader

HEADER = ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"]
_SUBHEADER = [None, None, "Đơn vị tính", "Số liệu", None]

# No control characters: openpyxl refuses them on assignment (the writer strips them).
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60)
_cell = st.one_of(
    st.none(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    _text,
    st.sampled_from(["1.1.1.", "Số nhiệm vụ đề ra trong kế hoạch", "06", "75,86%", "Biểu mẫu 2", "Trong đó", "Kết quả thống kê", "x"]),
    st.sampled_from(HEADER),
    st.builds(lambda n: "ê" * n, st.sampled_from([1000, 32_000])),  # long strings
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.booleans(),
    st.sampled_from(["=1+2", "=SUM(D1:D3)", "=HYPERLINK(\"http://evil\",\"x\")", "=1/0", "=A1"]),
)


@st.composite
def workbooks(draw) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for s in range(draw(st.integers(1, 2))):
        ws = wb.active if s == 0 else wb.create_sheet()
        if draw(st.booleans()):
            ws.title = draw(st.sampled_from(["Phụ lục", "Biểu mẫu 3", "Sheet x", "Biểu mẫu 1 (tiếp)"]))
        n_rows, n_cols = draw(st.integers(0, 8)), draw(st.integers(1, 7))
        rows = [[draw(_cell) for _ in range(n_cols)] for _ in range(n_rows)]
        if draw(st.booleans()):  # a header somewhere, one or two rows
            at = draw(st.integers(0, len(rows)))
            shift = [None] * draw(st.integers(0, 3))
            rows[at:at] = [shift + HEADER] + ([shift + _SUBHEADER] if draw(st.booleans()) else [])
        top = draw(st.integers(1, 5))
        for r, row in enumerate(rows, start=top):
            for c, v in enumerate(row, start=1):
                if v is not None:
                    ws.cell(row=r, column=c, value=v)
        if rows and draw(st.booleans()):
            r = draw(st.integers(top, top + len(rows) - 1))
            ws.merge_cells(start_row=r, start_column=3, end_row=r + draw(st.integers(0, 2)), end_column=4)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ~35 ms per generated workbook (save + read): the default run draws a fifth of these
# (tests/budget.py), the nightly profile all of them.
XLSX_EXAMPLES = 1000


@settings(max_examples=examples(XLSX_EXAMPLES), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=workbooks())
def test_xlsx_reader_returns_or_raises_cchc_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "gen.xlsx"
        p.write_bytes(data)
        try:
            raw = layout(XlsxReader().read(p))
        except CchcError as exc:
            assert all(f.code == "file-unreadable" and "gen.xlsx" in f.message for f in exc.findings)
            return
        assert raw.rows
        for row in raw.rows:
            assert row.location.sheet and row.location.cell


@settings(max_examples=examples(1000), deadline=None)
@given(
    body=st.one_of(
        st.binary(max_size=300),
        _text.map(lambda t: t.encode("utf-8")),
        st.lists(st.lists(_text, max_size=4), max_size=6).map(lambda rows: "\r\n".join(",".join(r) for r in rows).encode("utf-8")),
        st.recursive(st.one_of(st.none(), st.integers(), _text), lambda c: st.lists(c, max_size=3) | st.dictionaries(_text, c, max_size=3), max_leaves=10)
        .map(lambda v: json.dumps({"values": v}, ensure_ascii=False).encode("utf-8")),
    ),
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe"]),
    reader=st.sampled_from([CsvReader(), JsonReader(), YamlReader()]),
)
def test_plain_readers_return_or_raise_cchc_error(body: bytes, prefix: bytes, reader) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / ("gen" + reader.suffixes[0])
        p.write_bytes(prefix + body)
        try:
            reader.read(p)
        except CchcError as exc:
            assert exc.findings and all(f.code.startswith(("file-", "spec-yaml")) for f in exc.findings)


_PY = st.sampled_from(
    ["__import__('os').system('touch /tmp/pwned')", "().__class__.__bases__", "open('x')", "exec('1')", "eval('1')",
     "lambda: 1", "a.__dict__", "[x for x in a]", "a if b else c", "globals()", "sum(a, b)", "a[0]", "b'x'", "f'{a}'"]
)


@settings(max_examples=examples(1000), deadline=None)
@given(parts=st.lists(st.one_of(_PY, st.sampled_from(["a", "1", "+", "(", ")", ",", " and ", "not ", "ratio("])), min_size=1, max_size=6))
def test_expression_never_runs_python(parts: list[str]) -> None:
    """Python payloads are refused or parsed as our own grammar; nothing is imported, opened or evaluated."""
    calls: list[str] = []

    def spy(name: str, real):
        def wrapper(*a, **k):
            calls.append(name)
            return real(*a, **k)

        return wrapper

    source = "".join(parts)
    with pytest.MonkeyPatch.context() as m:
        for name in ("eval", "exec", "compile", "open", "__import__"):
            m.setattr(builtins, name, spy(name, getattr(builtins, name)))
        try:
            tree = ex.parse(source)
        except ex.ExprError:
            tree = None
        if tree is not None:
            try:
                tree.evaluate(lambda ref: 1.0)
            except (ex.ZeroDenominator, ex.Missing, ex.NotApplicable, TypeError, ex.ExprError):
                pass
    assert calls == [], calls
