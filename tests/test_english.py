"""`--lang en` runs of every command print no Vietnamese outside data (issue 13).

Data is what the spec and the file say: titles, form and indicator names, units,
notes, level names, choice labels, sheet names, the reporting unit. Everything
else (headers, labels, summaries, messages, prefixes) must be English.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cchc_engine.cli.main import cli as group
from cchc_engine.text.messages import FORM_TEXT

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lam-thao-2023-q3.xlsx"
VIETNAMESE = re.compile("[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.I)


def _data_strings() -> list[str]:
    from cchc_engine.plugins import PluginHost
    from cchc_engine.spec.registry import resolve, spec_listing

    out: set[str] = {"huyện Lâm Thao", "xã Thượng Long", "tỉnh Phú Thọ", *FORM_TEXT.values()}
    for reg in spec_listing(PluginHost.builtins_only()).all():
        spec = resolve(reg.name).spec
        out |= {spec.title, *spec.documents}
        out |= {lv.name for lv in spec.levels}
        for form in spec.forms:
            out |= {form.title, form.label or "", f"{form.label}: {form.title}"}
        for _, ind in spec.indicators():
            out |= {ind.name, ind.unit or "", ind.note or "", *ind.aliases, *ind.name_at.values()}
            for lv in spec.levels:
                out.add(ind.name_for(lv.id))
        for choice_set in spec.choices.values():
            out |= {str(getattr(c, "label", "")) for c in getattr(choice_set, "options", choice_set)}
    # longest first, so a name is removed before a shorter name inside it
    return sorted((s for s in out if s and VIETNAMESE.search(s)), key=len, reverse=True)


def _leftover(text: str, data: list[str]) -> list[str]:
    for s in data:
        text = text.replace(s, "").replace(s.upper(), "")  # titles print names in capitals
    return [line for line in text.splitlines() if VIETNAMESE.search(line)]


@pytest.fixture(scope="module")
def data() -> list[str]:
    return _data_strings()


COMMANDS = [
    ["compute", "--spec", "2023", str(EXAMPLE)],
    ["validate", "--spec", "2023", str(EXAMPLE)],
    ["compute", "--spec", "2023", str(EXAMPLE), "-f", "md"],
    ["specs"],
    ["spec", "show", "2023"],
    ["spec", "check", "2023"],
    ["spec", "diff", "2021", "2023"],
    ["aggregate", "--spec", "2023", "--level", "tinh", "--unit", "tỉnh Phú Thọ", str(EXAMPLE)],
    ["compare", "--spec-old", "2023", str(EXAMPLE), "--spec-new", "2023", str(EXAMPLE)],
    ["plugins", "--all"],
    ["compute", "--spec", "2023", "nope.xlsx"],
    ["compute", "--spec", "2023", str(EXAMPLE), "-o", "x.foo"],
    ["validate", "--spec", "2023", str(EXAMPLE), "-f", "xlsx"],
    ["spec", "check", "nope.yaml"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[:3]) for a in COMMANDS])
def test_english_run_has_no_vietnamese_outside_data(args, data, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(group, ["--lang", "en", *args], env={"COLUMNS": ""}, catch_exceptions=False)
    out = res.stdout + res.stderr
    assert out.strip()
    assert _leftover(out, data) == []


def test_english_output_files_and_template(tmp_path, data):
    import openpyxl

    runner = CliRunner()
    res = runner.invoke(group, ["--lang", "en", "compute", "--spec", "2023", str(EXAMPLE), "-o", str(tmp_path / "r.xlsx")])
    assert _leftover(res.stderr, data) == []
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert "Findings" in wb.sheetnames
    texts = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert _leftover("\n".join(texts), data + ["Biểu mẫu 7", "Biểu mẫu 1", "Biểu mẫu 2", "Biểu mẫu 3"]) == []
    res = runner.invoke(group, ["--lang", "en", "template", "--spec", "2023", "--level", "xa", "-o", str(tmp_path / "t.xlsx")])
    assert res.exit_code == 0 and _leftover(res.stderr, data) == []
