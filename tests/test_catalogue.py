"""One message catalogue (issue 13): every user-visible text is in messages.py with
Vietnamese and English, finding codes never disappear, docs/findings.md is generated."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from cchc_engine.text.messages import CATALOG, FINDING_SEVERITY, FORM_TEXT, render

ROOT = Path(__file__).resolve().parent.parent
VIETNAMESE = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ"
    "ÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸĐ]"
)

# Source files allowed to hold Vietnamese string literals, and why. Keep this short:
# only data that must match what officers write, never text shown to a user.
ALLOWED_FILES = {
    "cchc_engine/text/messages.py": "the catalogue itself",
    "cchc_engine/flow/layout.py": "header and section words matched in officers' files",
    "cchc_engine/flow/submission.py": "title words matched to find unit, level and period",
    "cchc_engine/flow/metadata.py": "the marks copying adds to a file's name ('Bản sao của …')",
    "cchc_engine/flow/mapping.py": "unit words and STT letters matched in officers' rows",
    "cchc_engine/flow/values.py": "answer words (Có/Không, Đạt…) matched in cells",
    "cchc_engine/text/textnorm.py": "letters and marks normalised in names",
    "cchc_engine/testing.py": "sample data for plugin authors' tests",
    "cchc_engine/scaffold.py": "source files `cchc new-plugin` generates, with sample Vietnamese data",
    "cchc_engine/writers/sheetprint.py": "glyph widths of the letters đ/Đ for print layout",
    "cchc_engine/spec/model.py": "level names and JSON-schema descriptions of spec fields (spec authors write Vietnamese)",
    "cchc_engine/cli/helptexts.py": "the command line's help in Vietnamese (the English is in the code, as gettext's msgids)",
}

# English texts may quote the official form's words (FORM_TEXT: "Ghi chú", "Trong đó"…),
# which the user sees in the template; beyond those, only these quote Vietnamese.
EN_QUOTES_VIETNAMESE = {"meta-unit-option"}  # a title as officers write it: 'UBND XÃ …'


def _without_form_words(text: str) -> str:
    for word in sorted(FORM_TEXT.values(), key=len, reverse=True):
        text = text.replace(word, "")
    return text


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _sources() -> list[Path]:
    files = list((ROOT / "cchc_engine").rglob("*.py"))
    for plugin in (ROOT / "plugins").iterdir():
        files += [p for p in plugin.rglob("*.py") if "tests" not in p.parts]
    return sorted(files)


def _plugin_catalogue_nodes(tree: ast.Module) -> set[int]:
    """The literals of a plugin's own catalogue: a module-level ``MESSAGES = {...}``,
    which the plugin adds with ``api.add_messages`` (a third party's only way)."""
    ids: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["MESSAGES"]:
            ids |= {id(n) for n in ast.walk(node.value)}
    return ids


def vietnamese_literals(path: Path) -> list[tuple[int, str]]:
    """String literals with Vietnamese letters, docstrings excluded (they are documentation),
    and a plugin's own catalogue too."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstring_nodes(tree)
    if path.resolve().is_relative_to(ROOT / "plugins"):
        skip |= _plugin_catalogue_nodes(tree)
    return [
        (n.lineno, n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip and VIETNAMESE.search(n.value)
    ]


def test_bundled_plugins_bring_their_own_messages():
    """A vendor copies cchc-docx or cchc-tsv: their texts must not live in the engine's
    catalogue, where a third party cannot put them."""
    import importlib

    for module, prefix in (("cchc_docx", "docx-"), ("cchc_tsv", "tsv-")):
        plugin = importlib.import_module(module)
        assert plugin.MESSAGES and all(code.startswith(prefix) for code in plugin.MESSAGES)
        for code, texts in plugin.MESSAGES.items():
            assert isinstance(texts, tuple) and len(texts) == 2 and texts[0] and texts[1], code
        source = (ROOT / "cchc_engine" / "text" / "messages.py").read_text(encoding="utf-8")
        assert f'"{prefix}' not in source, f"{prefix}* codes are the plugin's, not the engine's"


def test_no_vietnamese_literal_outside_the_catalogue():
    found = []
    for path in _sources():
        rel = path.relative_to(ROOT).as_posix()
        if rel in ALLOWED_FILES:
            continue
        found += [f"{rel}:{line}: {text[:70]!r}" for line, text in vietnamese_literals(path)]
    assert found == [], "Vietnamese text outside messages.py:\n" + "\n".join(found)


def test_the_scanner_sees_a_vietnamese_literal(tmp_path):
    p = tmp_path / "m.py"
    p.write_text('"""Tài liệu."""\nx = "Lỗi: {e}"\n', encoding="utf-8")
    assert [line for line, _ in vietnamese_literals(p)] == [2]


def test_every_entry_has_both_languages_and_english_is_english():
    for code, texts in CATALOG.items():
        assert len(texts) == 2 and all(t.strip() for t in texts), code
        if code not in EN_QUOTES_VIETNAMESE:
            assert not VIETNAMESE.search(_without_form_words(texts[1])), (code, texts[1])


def test_finding_codes_never_disappear():
    frozen = [
        line.strip() for line in (ROOT / "tests" / "finding_codes.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    gone = [code for code in frozen if code not in FINDING_SEVERITY or code not in CATALOG]
    assert gone == [], f"finding codes removed or renamed: {gone}"


_MAKE = re.compile(
    r"(?:Finding\.make|CchcError\.make|Issue|_rejected\([^,]+,|exclude\(\w+,|_warn\(|self\.add\()\(?\s*\"([a-z][a-z0-9-]+)\""
)


def test_every_code_the_source_uses_is_in_the_catalogue():
    used = set()
    for path in _sources():
        used |= set(_MAKE.findall(path.read_text(encoding="utf-8")))
    assert len(used) > 40  # the pattern still finds the calls
    assert sorted(c for c in used if c not in CATALOG) == []
    assert sorted(c for c in used if c not in FINDING_SEVERITY and not c.startswith("read-")) == []


def test_findings_doc_is_generated_from_the_catalogue():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_findings_doc.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    doc = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    for code, severity in FINDING_SEVERITY.items():
        assert f"| `{code}` |" in doc
    assert "| `rule-failed` | as the spec's rule says | `rule`, `expr`, `operands` |" in doc


def test_every_entry_renders_in_both_languages():
    for code in CATALOG:
        for lang in ("vi", "en"):
            assert render(code, {}, lang=lang).strip(), (code, lang)
