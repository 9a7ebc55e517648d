"""Text handling on hostile input (issue 15): linear time, sanitised at the boundary.

Each pattern gets 10^6 adversarial characters and must finish well under a second;
the old patterns (``<[^>]*>``, ``<sup>.*?</sup>``) took minutes on the same inputs.
"""

from __future__ import annotations

import time
import unicodedata

import pytest

from cchc_engine.text.textnorm import clean_cell_text, legacy_font, name_key, stt_key, strip_markup

N = 10**6
FAST = 1.0  # CPU seconds (not wall: other load must not fail it); the linear code takes a few hundredths


def _timed(func, *args):
    start = time.process_time()
    out = func(*args)
    return out, time.process_time() - start


ADVERSARIAL = {
    "lt-run": "<" * N,  # the old <[^>]*> scanned to the end from every "<"
    "open-sup": "<sup>" * (N // 5),  # the old <sup>.*?</sup> did the same from every <sup>
    "open-sup-x": "<sup>x" * (N // 6),
    "lt-a-space": "<a " * (N // 3),
    "lt-then-gt": "<" * (N - 1) + ">",
    "controls": "\x00\x1b[31m\x7f\x85" * (N // 8),
    "surrogates": "\ud800x" * (N // 2),
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
@pytest.mark.parametrize("func", [name_key, stt_key, strip_markup, clean_cell_text], ids=lambda f: f.__name__)
def test_text_functions_are_linear_on_a_million_adversarial_characters(func, name: str) -> None:
    text = ADVERSARIAL[name]
    assert len(text) >= N - 6
    _, elapsed = _timed(func, text)
    assert elapsed < FAST, f"{func.__name__}({name}) took {elapsed:.2f} s"


def test_name_key_of_a_json_key_of_lt_characters() -> None:
    # issue 15: a JSON key of 300,000 "<" took 51 s in stt_key
    key, elapsed = _timed(stt_key, "<" * 300_000 + "1.1.")
    assert elapsed < FAST
    assert set(key) == {"<"}  # no tag closes: the "<" are text (the key is cut at MAX_KEY_CHARS)
    assert stt_key("<" * 1000 + "<b>1.1.</b>") == "<" * 1000 + "1.1"


def test_strip_markup_keeps_the_old_meaning() -> None:
    assert strip_markup("Số TTHC<sup>7</sup> cấp xã") == "Số TTHC  cấp xã"
    assert strip_markup("<b>1.</b>", footnote="", tag="") == "1."
    assert strip_markup("a <SUP class='x'>12</SUP> b < c") == "a   b < c"
    assert strip_markup("x<sup>1") == "x 1"  # unclosed footnote: the tag goes, the text stays
    assert stt_key("<b>1.1.</b>") == "1.1"
    assert name_key("Số TTHC<sup>7</sup> cấp xã:") == "so tthc cap xa"


def test_clean_cell_text_replaces_lone_surrogates_and_joins_pairs() -> None:
    assert clean_cell_text("ghi\ud800chú") == "ghi\ufffdchú"
    assert clean_cell_text("\udfff") == "\ufffd"
    assert clean_cell_text("\ud83d\ude00") == "\U0001f600"  # a valid pair is one character
    clean_cell_text("x\ud800").encode("utf-8")  # encodable: no writer can fail on it


def test_clean_cell_text_drops_controls_and_noncharacters_keeps_tab_newline() -> None:
    assert clean_cell_text("a\x00b\x07c\x1b[31md\x7f\x85e\x9b") == "abc[31mde"
    assert clean_cell_text("a\tb\nc") == "a\tb\nc"
    assert clean_cell_text("a\r\nb\rc") == "a\nb\nc"
    assert clean_cell_text("x\ufffey\uffffz") == "xyz"
    plain = "Số nhiệm vụ đề ra"
    assert clean_cell_text(plain) is plain or clean_cell_text(plain) == plain


def test_clean_cell_text_is_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "UBND HUYỆN LÂM THAO")
    assert nfd != "UBND HUYỆN LÂM THAO"
    assert clean_cell_text(nfd) == "UBND HUYỆN LÂM THAO"


def test_invisible_characters_inside_a_name_do_not_split_its_words() -> None:
    plain = name_key("Số nhiệm vụ đề ra trong kế hoạch")
    assert name_key("Số nhi\u200bệm vụ đề ra trong kế hoạch") == plain  # zero-width space
    assert name_key("Số nhi\u00adệm vụ đề ra trong kế\u00ad hoạch") == plain  # soft hyphens
    assert name_key("\ufeffSố nhiệm\u2060 vụ đề ra trong kế hoạch") == plain
    assert stt_key("1.\u200b1.") == "1.1"


def test_legacy_fonts_are_named() -> None:
    tcvn3 = ["Sè nhiÖm vô ®Ò ra trong kÕ ho¹ch", "Sè nhiÖm vô ®· hoµn thµnh"]
    vni = ["Soá nhieäm vuï ñeà ra trong keá hoaïch", "Soá nhieäm vuï ñaõ hoaøn thaønh"]
    unicode = ["Số nhiệm vụ đề ra trong kế hoạch", "Số nhiệm vụ đã hoàn thành", "Ghi chú «trích dẫn» · mục ©"]
    assert legacy_font(tcvn3) == "TCVN3"
    assert legacy_font(vni) == "VNI"
    assert legacy_font(unicode) is None
    assert legacy_font(["Plain ASCII only"] * 5) is None


@pytest.mark.parametrize("name", ["lt-run", "open-sup", "lt-then-gt"])
def test_the_tsv_plugin_cleans_cells_in_linear_time(name: str) -> None:
    from cchc_tsv import clean

    _, elapsed = _timed(clean, ADVERSARIAL[name])
    assert elapsed < FAST, f"cchc_tsv.clean({name}) took {elapsed:.2f} s"
    assert clean("1859<sup>1</sup>&#27;[31m\ud800") == "1859[31m\ufffd"
