"""What a library says is wrong with a user's input, in the catalogue's words.

The json module and pydantic explain a bad input in English ("Expecting value: line 1
column 1", "Input should be a valid integer"). An officer reads Vietnamese, so each
known message becomes a catalogue entry (messages.py, with English under ``--lang en``)
and keeps its place: line and column for JSON syntax, the data path for a field.
A message this module does not know is said generically in Vietnamese and as the
library wrote it in English.
"""

from __future__ import annotations

import re
from typing import Any

from .messages import get_lang, render

__all__ = ["csv_problem", "json_syntax", "schema_message", "toml_problem", "validation_summary", "yaml_problem"]

# json.JSONDecodeError.msg (CPython's C scanner and pure-Python decoder; 3.13 adds the
# trailing-comma ones) → catalogue key. Matched on the start: the Python decoder
# appends details ("Invalid \\escape: 'q'").
_JSON_MSG = (
    ("Expecting value", "json-expecting-value"),
    ("Expecting property name enclosed in double quotes", "json-expecting-property"),
    ("Expecting ':' delimiter", "json-expecting-colon"),
    ("Expecting ',' delimiter", "json-expecting-comma"),
    ("Unterminated string starting at", "json-unterminated-string"),
    ("Invalid control character", "json-control-character"),
    ("Invalid \\uXXXX escape", "json-invalid-unicode-escape"),
    ("Invalid \\escape", "json-invalid-escape"),
    ("Extra data", "json-extra-data"),
    ("Illegal trailing comma", "json-trailing-comma"),
)


def json_syntax(exc: Any, with_line: bool = True) -> str:
    """A ``json.JSONDecodeError`` as one catalogue line: the problem, then its line and
    column (only the column when the caller's location already names the line)."""
    msg = str(getattr(exc, "msg", exc))
    key = next((k for prefix, k in _JSON_MSG if msg.startswith(prefix)), None)
    problem = render(key, {}) if key else _unknown(msg)
    line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if line is None or column is None:
        return problem
    return _at(problem, line, column, with_line)


def _at(problem: str, line: int, column: int, with_line: bool) -> str:
    if not with_line:
        return render("json-at-column", {"problem": problem, "column": str(column)})
    return render("json-at", {"problem": problem, "line": str(line), "column": str(column)})


# tomllib's messages (Python 3.11–3.13) → catalogue key, matched on the start; the
# message ends "(at line L, column C)" or "(at end of document)".
_TOML_MSG = (
    ("Cannot overwrite a value", "toml-value-twice"),
    ("Duplicate inline table key", "toml-value-twice"),
    ("Cannot declare", "toml-table-twice"),
    ("Cannot redefine namespace", "toml-table-twice"),
    ("Cannot mutate immutable namespace", "toml-table-twice"),
    ("Unterminated string", "toml-unterminated-string"),
    ("Unclosed array", "toml-unclosed"),
    ("Unclosed inline table", "toml-unclosed"),
    ("Expected ']' at the end of a table declaration", "toml-table-bracket"),
    ("Expected ']]' at the end of an array declaration", "toml-table-bracket"),
    ("Expected '=' after a key", "toml-expected-equals"),
    ("Invalid initial character for a key part", "toml-invalid-key"),
    ("Invalid value", "toml-invalid-value"),
    ("Invalid statement", "toml-invalid-statement"),
    ("Expected newline or end of document", "toml-invalid-statement"),
    ("Invalid date or datetime", "toml-invalid-date"),
    ("Illegal character", "toml-illegal-character"),
    ("Found invalid character", "toml-illegal-character"),
    ("Unescaped '\\'", "toml-bad-escape"),
    ("Invalid hex value", "toml-bad-escape"),
    ("Escaped character is not a Unicode scalar value", "toml-bad-escape"),
)
_TOML_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def toml_problem(exc: Any) -> tuple[str, int | None]:
    """A ``tomllib.TOMLDecodeError`` as (one catalogue line ending with its column, its line);
    the line goes in the caller's location."""
    said = str(getattr(exc, "msg", None) or exc)
    at = _TOML_AT.search(said)
    msg = said[: at.start()] if at else said
    key = next((k for prefix, k in _TOML_MSG if msg.startswith(prefix)), None)
    problem = render(key, {}) if key else _unknown(msg)
    if at is None:
        return problem, None
    if at.group(1) is None:
        return render("toml-at-end", {"problem": problem}), None
    return _at(problem, int(at.group(1)), int(at.group(2)), with_line=False), int(at.group(1))


_CSV_FIELD_LIMIT = re.compile(r"field larger than field limit \((\d+)\)")


def csv_problem(exc: Any) -> str:
    """A ``csv.Error`` in the catalogue's words."""
    msg = str(exc)
    m = _CSV_FIELD_LIMIT.search(msg)
    if m:
        return render("csv-field-too-long", {"limit": int(m.group(1))})
    if "line contains NUL" in msg:
        return render("csv-nul", {})
    return _unknown(msg)


# PyYAML's problems (pure-Python and libyaml wordings) → catalogue key, matched as
# substrings of "context: problem" (a duplicate anchor is said by the context).
_YAML_MSG = (
    ("mapping values are not allowed", "yaml-colon-here"),
    ("did not find expected key", "yaml-indentation"),
    ("while parsing a block collection: expected <block end>", "yaml-expected-dash"),
    ("expected <block end>", "yaml-indentation"),
    ("did not find expected '-' indicator", "yaml-expected-dash"),
    ("that cannot start any token", "yaml-bad-character"),  # pure Python names the character
    ("found a tab character", "yaml-bad-character"),
    ("found unexpected end of stream", "yaml-unexpected-end"),
    ("expected ',' or ']'", "yaml-flow-sequence"),
    ("expected ',' or '}'", "yaml-flow-mapping"),
    ("found undefined alias", "yaml-undefined-alias"),
    ("found duplicate anchor", "yaml-duplicate-anchor"),
    ("but found another document", "yaml-one-document"),
    ("could not determine a constructor for the tag", "yaml-tag"),
    ("found unknown escape character", "yaml-escape"),
    ("could not find expected ':'", "yaml-expected-colon"),
)


def yaml_problem(exc: Any, with_line: bool = True) -> str:
    """A ``yaml.YAMLError`` as one catalogue line: the problem, then its line and column
    (only the column when the caller's location already names the line)."""
    problem = str(getattr(exc, "problem", None) or exc)
    context = getattr(exc, "context", None)
    said = f"{context}: {problem}" if context else problem
    key = next((k for part, k in _YAML_MSG if part in said), None)
    text = render(key, {}) if key else _unknown(said)
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return text
    return _at(text, mark.line + 1, mark.column + 1, with_line)


# pydantic error type → catalogue key (spec files and JSON inputs alike)
_SCHEMA_MSG = {
    "missing": "schema-missing",
    "extra_forbidden": "schema-extra",
    "unexpected_keyword_argument": "schema-extra",  # what a dataclass says for an unknown field
    "literal_error": "schema-literal",
    "string_pattern_mismatch": "schema-id-pattern",
    "string_type": "schema-string",
    "int_parsing": "schema-int",
    "int_type": "schema-int",
    "int_from_float": "schema-int",
    "float_type": "schema-number",
    "float_parsing": "schema-number",
    "bool_type": "schema-bool",
    "bool_parsing": "schema-bool",
    "list_type": "schema-list",
    "dict_type": "schema-mapping",
    "dataclass_type": "schema-mapping",
    "model_type": "schema-mapping",
    "too_short": "schema-empty",
}


def schema_message(err: dict) -> str:
    """One pydantic error (an item of ``ValidationError.errors()``) in the catalogue's words."""
    ctx = err.get("ctx") or {}
    msg = str(err.get("msg", "")).removeprefix("Value error, ")
    if err.get("type") == "value_error":
        return msg  # our own validators' text (spec/model.py)
    key = _SCHEMA_MSG.get(str(err.get("type")))
    if key is None:
        return _unknown(msg)
    # pydantic lists the allowed values in English ("'a', 'b' or 'c'"): a plain list reads in both languages
    expected = _OR.sub(", ", str(ctx.get("expected", "")))
    return render(key, {"expected": expected, "msg": msg})


_OR = re.compile(r"(?<=['\d]) or (?=['\d-])")


def _unknown(msg: str) -> str:
    # English readers get the library's own words; Vietnamese ones a Vietnamese line
    return msg if get_lang() == "en" else render("input-invalid-other", {})


def validation_summary(exc: Any, data: Any, limit: int = 3) -> str:
    """A ``pydantic.ValidationError`` on a JSON input as one line: the first ``limit``
    problems as ``path: message``, then how many more.

    A union field reports one error per member type (``value`` as int, float, str);
    those become one problem at the field's path.
    """
    from ..spec.yamlpath import yaml_path  # only when a schema error is said

    problems: dict[str, list[dict]] = {}
    for err in exc.errors(include_url=False):
        loc = _data_loc(tuple(err.get("loc", ())), data, keep_last=err.get("type") == "missing")
        problems.setdefault(yaml_path(loc, data) or "$", []).append(err)
    shown = []
    for path, errs in list(problems.items())[:limit]:
        text = schema_message(errs[0]) if len(errs) == 1 else render("schema-union", {})
        shown.append(f"{path}: {text}")
    line = "; ".join(shown)
    if len(problems) > limit:
        line += " " + render("input-more-problems", {"n": len(problems) - limit})
    return line


def _data_loc(loc: tuple, data: Any, keep_last: bool) -> tuple:
    """The part of a pydantic ``loc`` that names places in ``data`` (union member tags dropped)."""
    cur = data
    for i, part in enumerate(loc):
        try:
            cur = cur[part]
        except (KeyError, IndexError, TypeError):
            return loc[: i + 1] if keep_last and i == len(loc) - 1 else loc[:i]
    return loc
