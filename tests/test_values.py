"""values.normalise: one raw cell read by its indicator's type, Vietnamese conventions first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from budget import examples  # noqa: E402

from cchc_engine.flow import values
from cchc_engine.text.messages import CATALOG, fmt_number, render
from cchc_engine.spec.model import Choice, Indicator
from cchc_engine.flow.values import Issue, Normalised, normalise, parse_vn_number

COUNT = Indicator(id="count", name="Số TTHC", type="count", unit="Thủ tục")
NUMBER = Indicator(id="number", name="Vốn giải ngân", type="number", unit="Triệu đồng")
PERCENT = Indicator(id="percent", name="Tỷ lệ hồ sơ đúng hạn", type="percent", unit="%")
CHOICE = Indicator(id="choice", name="Ban hành kế hoạch", type="choice", choices="co_khong")
MEETING = Indicator(id="meeting", name="Hệ thống họp trực tuyến", type="choice", choices="hop")
TEXT = Indicator(id="text", name="Ghi chú", type="text")
GROUP = Indicator(id="group", name="Công tác chỉ đạo", type="group")
NON_NEGATIVE = Indicator(id="non_negative", name="Tồn quỹ", type="number", min=0)
AT_MOST_10 = Indicator(id="at_most_10", name="Số cuộc", type="count", max=10)
FROM_5 = Indicator(id="from_5", name="Điểm", type="number", min=5, max=20)

YES_NO = [Choice(code=0, label="Không"), Choice(code=1, label="Có")]
MEETING_CHOICES = [
    Choice(code=0, label="Chưa có"),
    Choice(code=1, label="2 cấp", aliases=["liên thông 2 cấp"]),
    Choice(code=2, label="3 cấp"),
]
ALL = [COUNT, NUMBER, PERCENT, CHOICE, MEETING, TEXT, GROUP, NON_NEGATIVE, AT_MOST_10, FROM_5]


def choices_of(ind: Indicator) -> Optional[list[Choice]]:
    return {"co_khong": YES_NO, "hop": MEETING_CHOICES}.get(ind.choices or "")


def check(raw: Any, ind: Indicator, value: Any, code: Optional[str] = None, *, percent_format: bool = False) -> Normalised:
    """Normalise and assert the value, the issue code, and the Vietnamese message."""
    got = normalise(raw, ind, choices_of(ind), percent_format=percent_format)
    assert got.value == value and type(got.value) is type(value), (raw, got)
    assert (got.issue.code if got.issue else None) == code, (raw, got)
    if got.issue:
        assert got.issue.code in CATALOG
        assert got.issue.values["raw"] == got.raw
        message = render(got.issue.code, got.issue.values, lang="vi")
        assert "{" not in message, message  # every placeholder was filled
        if got.issue.code == "out-of-range":  # that template quotes the value, not the text
            assert fmt_number(got.issue.values["value"], "vi") in message
        else:
            assert got.raw in message, message
        assert got.issue.severity == ("info" if got.issue.code in ("ambiguous-decimal", "footnote-mark", "unit-in-value", "choice-with-detail", "none-as-zero", "none-as-blank") else "error")
    return got


# --- blanks ----------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, "", "   ", "\u00a0", " \t\n", "-", "–", "—", " - ", "<b></b>", "<i>-</i>"])
@pytest.mark.parametrize("ind", [COUNT, NUMBER, PERCENT, CHOICE, TEXT, GROUP], ids=lambda i: i.type)
def test_blank_is_missing_without_issue(raw: Any, ind: Indicator) -> None:
    got = check(raw, ind, None)
    assert got.raw == ("" if raw is None else raw.strip())


def test_x_is_not_blank() -> None:
    check("x", COUNT, None, "invalid-number")


# --- count -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1.859", 1859),  # dot groups thousands
        ("2.967", 2967),
        ("1.312", 1312),
        ("1.234.567", 1234567),
        ("06", 6),  # leading zero
        ("0", 0),
        ("<b>0</b>", 0),  # HTML leftovers
        ("<i>273</i>", 273),
        ("  12\u00a0", 12),  # non-breaking space around
        ("1 312", 1312),  # space groups thousands
        ("1\u00a0312", 1312),
        ("1.859,00", 1859),
        ("5,0", 5),
        ("+7", 7),
        ("-0", 0),
        ("１２", 12),  # full-width digits
        ("12&nbsp;", 12),
    ],
)
def test_count_reads_vietnamese_integers(raw: str, expected: int) -> None:
    check(raw, COUNT, expected)


def test_count_footnote_tag_is_a_mark_not_digits() -> None:
    check("273<sup>1</sup>", COUNT, 273, "footnote-mark")  # an info: the value is kept


@pytest.mark.parametrize("raw, expected", [
    ("5 thủ tục", 5), ("1.859 Thủ tục", 1859), ("12 (thủ tục)", 12), ("7THỦ TỤC", 7), ("3 thu tuc", 3),
])
def test_the_rows_own_unit_typed_after_the_number_is_read_with_an_info(raw: str, expected: int) -> None:
    got = check(raw, COUNT, expected, "unit-in-value")
    assert got.issue.values["unit"] == "Thủ tục" and "Thủ tục" in render("unit-in-value", got.issue.values, lang="vi")


@pytest.mark.parametrize("raw, code", [
    ("5 hồ sơ", "invalid-number"),  # another unit than the row's: not guessed
    ("khoảng 5 thủ tục", "invalid-number"),
    ("-5 thủ tục", "negative-value"),  # read, then judged as any number
    ("2,5 thủ tục", "not-integer"),
])
def test_a_unit_that_is_not_the_rows_or_a_bad_number_stays_an_error(raw: str, code: str) -> None:
    check(raw, COUNT, None, code)


def test_a_footnote_and_the_unit_together_are_both_said() -> None:
    got = normalise("273<sup>1</sup> thủ tục", COUNT, None)
    assert got.value == 273 and [got.issue.code, *(n.code for n in got.notes)] == ["footnote-mark", "unit-in-value"]


def test_count_real_int() -> None:
    assert check(53, COUNT, 53).raw == "53"


def test_count_real_whole_float() -> None:
    assert check(53.0, COUNT, 53).raw == "53"


def test_count_decimal() -> None:
    check(Decimal("12"), COUNT, 12)
    check(Decimal("12.50"), COUNT, None, "not-integer")


def test_count_comma_is_a_decimal_mark() -> None:
    check("1,312", COUNT, None, "not-integer")


def test_count_comma_before_three_zeros_is_ambiguous() -> None:
    # 1,000 is one (Vietnamese) or a thousand (English): the officer must say.
    check("1,000", COUNT, None, "not-integer")


def test_count_real_fraction() -> None:
    assert check(2.5, COUNT, None, "not-integer").raw == "2.5"


def test_count_english_decimal_point() -> None:
    check("2.5", COUNT, None, "not-integer")
    check("5.0", COUNT, 5, "ambiguous-decimal")


def test_count_english_grouping() -> None:
    check("1,234,567", COUNT, 1234567, "ambiguous-decimal")


@pytest.mark.parametrize("raw", ["-5", -5, -5.0, "−5", "- 5"])
def test_count_negative(raw: Any) -> None:
    check(raw, COUNT, None, "negative-value")


def test_count_fraction() -> None:
    check("101/119", COUNT, None, "fraction-in-count")
    check("273 / 273", COUNT, None, "fraction-in-count")


@pytest.mark.parametrize("raw", ["75,8%", "75%", "100 %", "<b>75,8%</b>"])
def test_count_percent(raw: str) -> None:
    got = check(raw, COUNT, None, "percent-in-count")
    assert got.issue and got.issue.values["unit"] == "Thủ tục"


def test_count_percent_formatted_cell() -> None:
    check(0.53, COUNT, None, "percent-in-count", percent_format=True)


@pytest.mark.parametrize("raw", ["abc", "1.2.3", "5 người", "1e5", "100.", "12,5,6", "1.23,4", "(5)"])
def test_count_not_a_number(raw: str) -> None:
    got = check(raw, COUNT, None, "invalid-number")
    assert got.issue and got.issue.values["type"] == "count"


def test_count_range() -> None:
    check("10", AT_MOST_10, 10)
    got = check("11", AT_MOST_10, None, "out-of-range")
    assert got.issue and got.issue.values["max"] == 10 and got.issue.values["value"] == 11


# --- number ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("268.358", 268358),
        ("92,59", 92.59),
        ("1.234,5", 1234.5),
        ("1 234,5", 1234.5),
        ("-3,5", -3.5),
        (",5", 0.5),
        ("1,312", 1.312),  # Vietnamese first: a decimal comma
        (238526, 238526),
        (60.2, 60.2),
    ],
)
def test_number_reads_vietnamese(raw: Any, expected: float) -> None:
    check(raw, NUMBER, expected)


@pytest.mark.parametrize("raw, expected", [("1,234.5", 1234.5), ("60.2", 60.2), ("0.859", 0.859)])
def test_number_english_is_kept_with_info(raw: str, expected: float) -> None:
    got = check(raw, NUMBER, expected, "ambiguous-decimal")
    assert got.issue and got.issue.values["value"] == expected


def test_number_negative_refused_by_min() -> None:
    check("-3", NON_NEGATIVE, None, "negative-value")
    check("0", NON_NEGATIVE, 0)


def test_number_range() -> None:
    check("5", FROM_5, 5)
    check("3", FROM_5, None, "out-of-range")
    check("21", FROM_5, None, "out-of-range")


def test_number_percent_sign_contradicts_unit() -> None:
    check("75%", NUMBER, None, "percent-in-count")


def test_number_with_percent_unit_takes_percent() -> None:
    score = Indicator(id="score", name="Tỷ lệ", type="number", unit="%")
    check("75,8%", score, 75.8)
    check(0.758, score, 75.8, percent_format=True)


def test_number_fraction_is_invalid() -> None:
    check("101/119", NUMBER, None, "invalid-number")


# --- percent -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("75,8%", 75.8),
        ("75,8 %", 75.8),
        ("92,59", 92.59),
        ("100%", 100),
        ("<b>100%</b>", 100),
        ("6,89", 6.89),
        ("10,5", 10.5),
        ("0", 0),
        ("99%", 99),
        ("100,00%", 100),
        (76.74, 76.74),  # a real number without percent format: as is
        (0.7674, 0.7674),
        (100, 100),
    ],
)
def test_percent_reads_vietnamese(raw: Any, expected: float) -> None:
    check(raw, PERCENT, expected)


def test_percent_formatted_cell_is_scaled() -> None:
    got = check(0.7674, PERCENT, 76.74, percent_format=True)  # not 76.74000000000001
    assert got.raw == "0.7674"
    check(1, PERCENT, 100, percent_format=True)
    check(0.758, PERCENT, 75.8, percent_format=True)


def test_percent_english_decimal_point() -> None:
    got = check("75.8", PERCENT, 75.8, "ambiguous-decimal")
    assert got.issue and got.issue.values["value"] == 75.8
    check("75.8%", PERCENT, 75.8, "ambiguous-decimal")


def test_percent_dot_before_three_digits_is_a_decimal() -> None:
    # As thousands it would be 1859 %, which cannot be.
    check("1.859", PERCENT, 1.859, "ambiguous-decimal")
    check("100.000", PERCENT, 100, "ambiguous-decimal")


@pytest.mark.parametrize("raw", ["101", "-1", "100,01%", "1.234.567", 150.5, -0.5])
def test_percent_out_of_range(raw: Any) -> None:
    check(raw, PERCENT, None, "percent-out-of-range")


def test_percent_out_of_range_after_scaling() -> None:
    check(1.5, PERCENT, None, "percent-out-of-range", percent_format=True)


def test_percent_fraction_is_invalid() -> None:
    check("101/119", PERCENT, None, "invalid-number")


# --- choice ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, code",
    [
        (1, 1),
        ("1", 1),
        (1.0, 1),
        ("01", 1),
        (0, 0),
        ("Có", 1),
        ("co", 1),
        ("CÓ", 1),
        (" có ", 1),
        ("<b>Có</b>", 1),
        ("Không", 0),
        ("khong", 0),
        ("Có = 1", 1),
        ("1 = Có", 1),
        ("Không = 0", 0),
        ("1 (Có)", 1),  # how the unknown-choice message lists them
        ("Có (1)", 1),
    ],
)
def test_choice_by_code_or_label(raw: Any, code: int) -> None:
    check(raw, CHOICE, code)


def test_choice_label_that_starts_with_a_digit() -> None:
    check("2 cấp", MEETING, 1)
    check("2", MEETING, 2)
    check("Liên thông 2 cấp", MEETING, 1)
    check("Chưa có = 0", MEETING, 0)


@pytest.mark.parametrize("raw", ["2", 2, 1.5, "maybe", "Có = 0", "0 = Có", "100%", "Không = 0, Có = 1"])
def test_choice_unknown(raw: Any) -> None:
    got = check(raw, CHOICE, None, "unknown-choice")
    assert got.issue and got.issue.values["allowed"] == "0 (Không), 1 (Có)"


def test_choice_bool_and_date() -> None:
    check(True, CHOICE, None, "invalid-number")
    check(dt.date(2023, 1, 1), CHOICE, None, "date-not-number")


# --- text and group ----------------------------------------------------------------------------


def test_text_is_stripped() -> None:
    assert check("  Đã thực hiện \u00a0", TEXT, "Đã thực hiện").raw == "Đã thực hiện"
    check("<i>Chỉ UBND cấp huyện báo cáo</i>", TEXT, "Chỉ UBND cấp huyện báo cáo")
    check(53, TEXT, "53")


@pytest.mark.parametrize("raw", ["5", 5, "Có", 0.5, dt.date(2023, 1, 1), True])
def test_group_never_has_a_value(raw: Any) -> None:
    check(raw, GROUP, None)


# --- dates, booleans, special floats ------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, shown",
    [
        (dt.datetime(2023, 9, 1), "01/09/2023"),
        (dt.datetime(2023, 9, 1, 8, 30), "01/09/2023 08:30:00"),
        (dt.date(2023, 9, 15), "15/09/2023"),
        (dt.time(8, 30), "08:30:00"),
        ("15/09/2023", "15/09/2023"),
        ("1-9-23", "1-9-23"),
        ("2023-09-15", "2023-09-15"),
    ],
)
@pytest.mark.parametrize("ind", [COUNT, NUMBER, PERCENT], ids=lambda i: i.type)
def test_date_where_a_number_belongs(raw: Any, shown: str, ind: Indicator) -> None:
    assert check(raw, ind, None, "date-not-number").raw == shown


@pytest.mark.parametrize("raw", [True, False, float("nan"), float("inf"), Decimal("NaN"), Decimal("sNaN"), Decimal("-Infinity")])
@pytest.mark.parametrize("ind", [COUNT, NUMBER, PERCENT], ids=lambda i: i.type)
def test_not_a_number(raw: Any, ind: Indicator) -> None:
    check(raw, ind, None, "invalid-number")


def test_long_raw_is_shortened_in_the_message_only() -> None:
    raw = "không có số liệu " * 20
    got = normalise(raw, COUNT)
    assert got.value is None and got.raw == raw.strip()
    assert got.issue and got.issue.code == "invalid-number"
    assert len(got.issue.values["raw"]) == 120 and got.issue.values["raw"].endswith("…")


# --- parse_vn_number ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1.859", 1859.0),
        ("92,59", 92.59),
        ("1.234,5", 1234.5),
        ("75,8%", 75.8),
        ("06", 6.0),
        ("75.8", 75.8),
        ("1,234.5", 1234.5),
        ("-3,5", -3.5),
        ("101/119", None),
        ("abc", None),
        ("", None),
    ],
)
def test_parse_vn_number(text: str, expected: Optional[float]) -> None:
    assert parse_vn_number(text) == expected


# --- properties ---------------------------------------------------------------------------------

NUMBERISH = st.from_regex(r"[-+ ]?[0-9., %/]{0,14}", fullmatch=True)
RAWS = st.one_of(
    st.none(),
    st.text(),
    NUMBERISH,
    st.sampled_from(["Có", "co", "Không = 0", "1 (Có)", "2 cấp", "<b>1.859</b>", "75,8%", "1,000", "15/09/2023"]),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.decimals(),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.binary(max_size=20),
)


def _sound(got: Normalised, ind: Indicator) -> None:
    """What every answer must satisfy, whatever came in."""
    assert isinstance(got, Normalised) and isinstance(got.raw, str)
    issue = got.issue
    if issue is not None:
        assert isinstance(issue, Issue) and issue.code in CATALOG and "raw" in issue.values
        assert issue.severity in ("error", "info")
        if issue.severity == "error":
            assert got.value is None
        render(issue.code, issue.values, lang="vi")
        render(issue.code, issue.values, lang="en")
    if got.value is None:
        return
    if ind.type == "count":
        assert type(got.value) is int and got.value >= 0
    elif ind.type == "percent":
        assert 0 <= got.value <= 100
    elif ind.type == "choice":
        assert got.value in {c.code for c in choices_of(ind) or ()}
    elif ind.type == "text":
        assert isinstance(got.value, str)
    elif ind.type == "group":
        raise AssertionError("a group has no value")
    if ind.min is not None:
        assert got.value >= ind.min
    if ind.max is not None:
        assert got.value <= ind.max


@settings(max_examples=examples(1000), deadline=None)
@given(raw=RAWS, ind=st.sampled_from(ALL), percent_format=st.booleans())
def test_never_raises(raw: Any, ind: Indicator, percent_format: bool) -> None:
    # The unguarded core: the safety net in normalise() must never be what saves us.
    _sound(values._normalise(raw, ind, choices_of(ind), percent_format), ind)
    _sound(normalise(raw, ind, choices_of(ind), percent_format=percent_format), ind)


@settings(max_examples=examples(300), deadline=None)
@given(st.text())
def test_parse_vn_number_never_raises(text: str) -> None:
    got = parse_vn_number(text)
    assert got is None or isinstance(got, float)


@settings(max_examples=examples(300), deadline=None)
@given(st.integers(min_value=0, max_value=10**15))
def test_round_trip_count_with_dot_thousands(n: int) -> None:
    text = f"{n:,}".replace(",", ".")  # 1859 → "1.859"
    got = normalise(text, COUNT)
    assert got.value == n and got.issue is None
    assert parse_vn_number(text) == float(n)


@settings(max_examples=examples(300), deadline=None)
@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_round_trip_decimal_comma(d: Decimal) -> None:
    plain = f"{d:.2f}".replace(".", ",")  # 92.59 → "92,59"
    grouped = f"{d:,.2f}".replace(",", "\0").replace(".", ",").replace("\0", ".")  # "1.234,56"
    for text in (plain, grouped):
        got = normalise(text, NUMBER)
        assert got.issue is None, text
        assert got.value == float(d), text


@settings(max_examples=examples(300), deadline=None)
@given(st.decimals(min_value=0, max_value=100, places=2))
def test_round_trip_percent_with_sign(d: Decimal) -> None:
    got = normalise(f"{d:.2f}".replace(".", ",") + "%", PERCENT)
    assert got.issue is None and got.value == float(d)


def test_a_unit_typed_in_a_real_appendix_is_read_at_its_cell(tmp_path) -> None:
    """The example appendix with '7.725 hồ sơ' typed for 'Tổng số hồ sơ' (unit Hồ sơ): the
    figure is read, the info names the cell, and the rates computed from it are unchanged."""
    from pathlib import Path

    import openpyxl

    from cchc_engine.session import compute_file
    from cchc_engine.spec.registry import resolve

    example = Path(__file__).resolve().parents[1] / "examples" / "lam-thao-2023-q3.xlsx"
    wb = openpyxl.load_workbook(example)
    assert wb["Biểu mẫu 7"]["D36"].value in (7725, "7.725")
    wb["Biểu mẫu 7"]["D36"].value = "7.725 hồ sơ"
    typed = tmp_path / "typed.xlsx"
    wb.save(typed)
    compiled = resolve("2023")
    before, after = compute_file(compiled, example), compute_file(compiled, typed)
    [info] = [f for f in after.findings if f.code == "unit-in-value"]
    assert info.severity == "info" and info.location.sheet == "Biểu mẫu 7" and info.location.cell == "D36"
    assert {i.id: i.value for i in after.indicators} == {i.id: i.value for i in before.indicators}
    assert sorted(f.code for f in after.findings) == sorted([*(f.code for f in before.findings), "unit-in-value"])


@pytest.mark.parametrize("raw, ind, code", [
    ("Có (01 kế hoạch)", CHOICE, 1),
    ("Có, đã ban hành", CHOICE, 1),
    ("Không - chưa ban hành", CHOICE, 0),
    ("3 cấp (tỉnh, huyện, xã)", MEETING, 2),
    ("Liên thông 2 cấp: tỉnh và huyện", MEETING, 1),  # an alias, then the detail
])
def test_an_answer_followed_by_its_detail_is_read_with_an_info(raw: str, ind: Indicator, code: int) -> None:
    got = check(raw, ind, code, "choice-with-detail")
    label = next(c.label for c in choices_of(ind) if c.code == code)
    assert got.issue.values["label"] == label and label in render("choice-with-detail", got.issue.values, lang="vi")


@pytest.mark.parametrize("raw, ind", [
    ("Có nhưng không đầy đủ", CHOICE),  # names the other answer too: not guessed
    ("Chưa có, sắp có 2 cấp", MEETING),
    ("Cóc", CHOICE),  # not a word boundary
])
def test_an_answer_the_detail_contradicts_stays_an_error(raw: str, ind: Indicator) -> None:
    check(raw, ind, None, "unknown-choice")


@pytest.mark.parametrize("raw, ind, code", [
    ("1 - Có", CHOICE, 1), ("1. Có", CHOICE, 1), ("0 – Không", CHOICE, 0), ("1) Có", CHOICE, 1),
    ("2 - 3 cấp", MEETING, 2), ("1. 2 cấp", MEETING, 1),
])
def test_the_code_first_as_a_list_numbers_it(raw: str, ind: Indicator, code: int) -> None:
    check(raw, ind, code)


@pytest.mark.parametrize("raw", ["0 - Có", "5 - Có"])
def test_a_code_first_that_the_label_contradicts_or_no_answer_has_is_an_error(raw: str) -> None:
    check(raw, CHOICE, None, "unknown-choice")


@pytest.mark.parametrize("raw", ["Không", "không có", "Không phát sinh", "Chưa phát sinh", "KPS", "Không."])
def test_none_in_words_is_zero_in_a_count_or_number_row(raw: str) -> None:
    check(raw, COUNT, 0, "none-as-zero")
    check(raw, NUMBER, 0, "none-as-zero")
    check(raw, FROM_5, None, "out-of-range")  # 0 is still judged against the row's bounds


@pytest.mark.parametrize("raw", ["không có", "Không phát sinh", "KPS"])
def test_none_in_words_is_a_blank_rate(raw: str) -> None:
    got = normalise(raw, PERCENT, None)
    assert got.value is None and got.issue is not None and got.issue.code == "none-as-blank"
    assert got.issue.severity == "info" and raw in render("none-as-blank", got.issue.values, lang="vi")
    check("Không", PERCENT, None, "invalid-number")  # a bare "no" in a rate row says nothing about the rate


@pytest.mark.parametrize("raw", ["--", "...", "……", "- -", "."])
def test_a_placeholder_left_as_it_was_is_a_blank(raw: str) -> None:
    for ind in (COUNT, NUMBER, PERCENT):
        check(raw, ind, None)


def test_none_in_words_in_a_real_appendix(tmp_path) -> None:
    """'Không phát sinh' in a rate whose denominator is 0 and 'Không' in a count: no error, an info each."""
    from pathlib import Path

    import openpyxl

    from cchc_engine.session import compute_file
    from cchc_engine.spec.registry import resolve

    example = Path(__file__).resolve().parents[1] / "examples" / "lam-thao-2023-q3.xlsx"
    compiled = resolve("2023")
    before = compute_file(compiled, example)
    rate = next(i for i in before.indicators if i.id == "ty_le_giai_quyet_pakn")
    count = next(i for i in before.indicators if i.source == "reported" and i.type == "count" and i.value == 0)
    wb = openpyxl.load_workbook(example)
    for ind, text in ((rate, "Không phát sinh"), (count, "Không")):
        wb[ind.location.sheet][ind.location.cell].value = text
    typed = tmp_path / "words.xlsx"
    wb.save(typed)
    after = compute_file(compiled, typed)
    assert {i.id: i.value for i in after.indicators} == {i.id: i.value for i in before.indicators}
    new = sorted((f.code, f.location.cell) for f in after.findings if f.code.startswith("none-as-"))
    assert new == sorted([("none-as-blank", rate.location.cell), ("none-as-zero", count.location.cell)])
    assert sum(f.severity == "error" for f in after.findings) == sum(f.severity == "error" for f in before.findings)
