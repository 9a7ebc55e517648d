"""Numbers on hostile input (issue 15): bounded, footnotes never digits, linear time."""

from __future__ import annotations

import time

import pytest

from cchc_engine.spec.model import Indicator
from cchc_engine.flow.values import MAX_ABS, normalise

COUNT = Indicator(id="so_ho_so", name="Số hồ sơ", unit="Hồ sơ", type="count")
PERCENT = Indicator(id="ty_le", name="Tỷ lệ", unit="%", type="percent")
NUMBER = Indicator(id="von", name="Vốn giải ngân", unit="Triệu đồng", type="number")


def codes(n) -> list[str]:
    return [i.code for i in ((n.issue,) if n.issue else ()) + n.notes]


@pytest.mark.parametrize(
    "raw, ind, value",
    [
        ("1859¹", COUNT, 1859),  # NFKC made this 18591
        ("1.859²", COUNT, 1859),
        ("75,86²", PERCENT, 75.86),  # NFKC made this 75.862
        ("75,86 %³", PERCENT, 75.86),
        ("75,86%⁴", PERCENT, 75.86),
        ("273<sup>1</sup>", COUNT, 273),
    ],
)
def test_footnote_superscripts_are_marks_with_an_info(raw: str, ind: Indicator, value) -> None:
    n = normalise(raw, ind)
    assert n.value == value, (raw, n)
    assert codes(n) == ["footnote-mark"]
    assert n.issue.severity == "info"


def test_a_footnote_and_an_english_decimal_are_both_said() -> None:
    n = normalise("75.8²", PERCENT)
    assert n.value == 75.8 and sorted(codes(n)) == ["ambiguous-decimal", "footnote-mark"]


def test_a_superscript_inside_the_digits_is_not_guessed() -> None:
    n = normalise("1²859", COUNT)
    assert n.value is None and codes(n) == ["invalid-number"]


@pytest.mark.parametrize(
    "raw",
    [
        10**15 + 1,  # an xlsx number
        int("9" * 400),  # a 400-digit count from JSON or xlsx: OverflowError in a ratio
        "1.000.000.000.000.001",  # text
        -(10**16),
    ],
)
def test_counts_beyond_10_to_the_15_are_invalid(raw) -> None:
    n = normalise(raw, COUNT)
    assert n.value is None and codes(n) == ["invalid-number"], n
    assert normalise(10**15, COUNT).value == MAX_ABS  # the bound itself is a number


def test_4299_digits_in_a_percent_cell_are_invalid_not_a_crash() -> None:
    from cchc_engine.flow.findings import Finding

    n = normalise(int("7" * 4299), PERCENT, percent_format=True)
    assert n.value is None and codes(n) == ["invalid-number"]
    Finding.make(n.issue.code, n.issue.severity, **n.issue.values).message.encode()  # renders
    n = normalise(float("1e300"), NUMBER)
    assert n.value is None and codes(n) == ["invalid-number"]


@pytest.mark.parametrize(
    "raw",
    [
        "75,86" + " " * 10**6 + "%",
        "75,86" + " " * 10**6 + "\uff05",  # full-width percent
        "<" * 10**6,
        "<sup>" * (10**6 // 5),
        "1" + "\u00b9" * 10**6,
        "Có" + " = " * (10**6 // 3),
    ],
)
@pytest.mark.parametrize("ind", [COUNT, PERCENT, NUMBER], ids=lambda i: i.type)
def test_normalise_is_fast_on_a_million_adversarial_characters(raw: str, ind: Indicator) -> None:
    start = time.process_time()
    normalise(raw, ind)
    assert time.process_time() - start < 1.0


@pytest.mark.parametrize(
    "text, decimals",
    [("75,8%", 1), ("100", 0), ("75,86 \uff05", 2), ("75,86²", 2), ("75,86" + " " * 150_000 + "%", 2), ("x" * 10**6, 0)],
)
def test_decimals_written_is_linear(text: str, decimals: int) -> None:
    from cchc_engine.flow.values import decimals_written

    start = time.process_time()
    assert decimals_written(text) == decimals
    assert time.process_time() - start < 1.0


def test_a_percent_with_150000_spaces_and_a_fullwidth_sign_is_compared_quickly(tmp_path) -> None:
    """Through compute: seed 001's 76,74 % (5.620 / 7.725 is 72,75 %) spaced out; the mismatch is still found."""
    import json

    from conftest import cli

    sub = {"unit": "huyện Lâm Thao", "level": "huyen", "period": "2023-Q3",
           "values": {"nv_de_ra": "7.725", "nv_hoan_thanh": "5.620",
                      "ty_le_hoan_thanh_ke_hoach": "76,74" + " " * 150_000 + "\uff05"}}
    p = tmp_path / "spaces.json"
    p.write_text(json.dumps(sub), encoding="utf-8")
    start = time.process_time()
    code, out, err = cli("compute", "--spec", "2023", str(p), "-f", "json")
    assert time.process_time() - start < 5
    assert code == 1, err
    found = [(f["indicator"], f["code"]) for f in json.loads(out)["findings"]]
    assert ("ty_le_hoan_thanh_ke_hoach", "ratio-mismatch") in found
