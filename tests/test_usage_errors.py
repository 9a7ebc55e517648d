"""A mistake on the command line is said in Vietnamese (click says it in English):
what is wrong, the usage line, where help is; exit 2. `--lang en` keeps click's words."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from cchc_engine.cli.main import cli
from cchc_engine.cli.usage import value_problem
from cchc_engine.text.messages import set_lang

ENGLISH = re.compile(r"Usage:|Error:|Try '|Missing|No such|Invalid value|is not|does not exist|Got unexpected|requires an")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), prog_name="cchc")
    set_lang("vi")  # a `--lang en` run leaves the process's language behind
    return result.exit_code, result.stderr


CASES = [
    (("compute",), "cchc compute", "Thiếu đối số 'FILE'."),
    (("compute", "--spec", "2023", "a.xlsx", "b.xlsx"), "cchc compute", "Thừa đối số: b.xlsx."),
    (("compute", "--spek", "2023", "a.xlsx"), "cchc compute", "Không có tùy chọn '--spek'. Có phải ý bạn là: '--spec'?"),
    (("aggregate", "--spec", "2023", "--level", "huyen", "d"), "cchc aggregate", "Thiếu tùy chọn '--unit'."),
    (("aggregate", "--spec", "2023", "--level", "huyen", "--unit", "x", "-j", "0", "d"), "cchc aggregate",
     "Giá trị không hợp lệ cho '--jobs' / '-j': 0 nằm ngoài khoảng cho phép (x>=1)."),
    (("aggregate", "--spec", "2023", "--level", "huyen", "--unit", "x", "-j", "abc", "d"), "cchc aggregate",
     "Giá trị không hợp lệ cho '--jobs' / '-j': 'abc' không phải là số."),
    (("--lang", "fr", "specs"), "cchc", "Giá trị không hợp lệ cho '--lang': 'fr' không phải một trong: 'vi', 'en'."),
    (("computee",), "cchc", "Không có lệnh 'computee'. Có phải ý bạn là: 'compare', 'compute'?"),
    (("--bogus",), "cchc", "Không có tùy chọn '--bogus'."),
    (("--plugins-dir", "/no/such/dir", "specs"), "cchc", "Giá trị không hợp lệ cho '--plugins-dir': Thư mục '/no/such/dir' không tồn tại."),
]


@pytest.mark.parametrize("args, command, said", CASES, ids=[" ".join(c[0])[:40] for c in CASES])
def test_a_command_line_mistake_is_said_in_vietnamese(args, command, said):
    code, err = run(*args)
    lines = err.strip().splitlines()
    assert code == 2, err
    assert lines[0].startswith(f"Cách dùng: {command} ") and lines[1] == f"Lỗi: {said}", err
    assert lines[2] == f"Xem hướng dẫn: {command} --help" and len(lines) == 3, err
    assert not ENGLISH.search(err), err


def test_an_option_without_its_value_is_said_in_vietnamese():
    code, err = run("compute", "--spec", "2023", "--format")
    assert code == 2 and "Lỗi: Tùy chọn '--format' cần một giá trị." in err and not ENGLISH.search(err), err


@pytest.mark.parametrize("args", [
    ("--lang", "en", "computee"), ("--lang", "en", "compute"), ("--lang=en", "--bogus"),
    ("compute", "--lang", "en", "--bogus", "x.xlsx"),  # the command's own --lang counts too
])
def test_lang_en_keeps_clicks_words(args):
    code, err = run(*args)
    assert code == 2 and "Error: " in err and "Usage: cchc" in err and "Lỗi" not in err, err


@pytest.mark.parametrize("param_type, value, expected", [
    (click.INT, "abc", "'abc' không phải là số."),
    (click.FLOAT, "x1", "'x1' không phải là số."),
    (click.IntRange(min=1), "0", "0 nằm ngoài khoảng cho phép (x>=1)."),
    (click.IntRange(1, 5), "9", "9 nằm ngoài khoảng cho phép (1<=x<=5)."),
    (click.Choice(["vi", "en"]), "fr", "'fr' không phải một trong: 'vi', 'en'."),
    (click.Choice(["vi"]), "fr", "'fr' không phải một trong: 'vi'."),
    (click.Path(exists=True), "/no/such/file", "Đường dẫn '/no/such/file' không tồn tại."),
    (click.Path(exists=True, dir_okay=False), "/no/such/file", "Tệp '/no/such/file' không tồn tại."),
])
def test_clicks_own_value_messages_are_known(param_type, value, expected):
    """Made by this click's own types, so a click that rewords one fails here, not in front of an officer."""
    with pytest.raises(click.BadParameter) as raised:
        param_type.convert(value, None, None)
    assert value_problem(raised.value.message) == expected


def test_an_unknown_click_message_keeps_its_words():
    assert value_problem("something new from click.") == "something new from click."


def test_version_is_said_without_english_words():
    from cchc_engine import __version__

    result = CliRunner().invoke(cli, ["--version"], prog_name="cchc")
    assert result.exit_code == 0 and result.stdout == f"cchc {__version__}\n"
