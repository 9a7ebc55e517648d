"""A finding's ``values`` are data (numbers, ids, codes), never sentences rendered in one
language (docs/json-output.md): a message said inside another is ``said(code, ...)``,
rendered where the finding's message is, and a store can say it again in another language."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from cchc_engine.flow.findings import Finding
from cchc_engine.text.messages import render, said

PACKAGE = Path(__file__).resolve().parent.parent / "cchc_engine"
RENDERERS = {"render", "fmt_number", "located"}  # what turns data into a sentence


def test_no_finding_is_made_with_a_rendered_value():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "make"):
                continue
            for kw in node.keywords:
                if kw.arg in (None, "location", "template", "lang", "indicator", "exit_code"):
                    continue
                for sub in ast.walk(kw.value):
                    name = getattr(sub.func, "id", getattr(sub.func, "attr", "")) if isinstance(sub, ast.Call) else ""
                    if name in RENDERERS:
                        found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {kw.arg}={name}(…)")
    assert found == []


def test_a_said_value_is_data_and_is_said_in_the_messages_language():
    f = Finding.make("file-unreadable", "error", file="x.json", error=said("plain-too-large", size=60))
    assert json.loads(json.dumps(f.values)) == {"file": "x.json", "error": {"code": "plain-too-large", "values": {"size": 60}}}
    assert render("plain-too-large", {"size": 60}) in f.message
    english = Finding.make("file-unreadable", "error", lang="en", **f.values)
    assert render("plain-too-large", {"size": 60}, lang="en") in english.message
