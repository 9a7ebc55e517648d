"""Load a spec file: safe YAML within limits, then the pydantic model.

YAML is never loaded with a loader that can build Python objects. Before the
document is composed, its event stream is scanned (the parser is iterative, the
composer is not) so that an anchor bomb or a 10,000-deep nesting is refused in
milliseconds with a message, instead of eating memory or the recursion limit.
Every error names the file, the YAML path and, where known, the line.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any, Callable, Optional, Union

import yaml
from pydantic import ValidationError

from ..flow.findings import CchcError, Finding, Location
from ..text.inputerrors import schema_message as _schema_msg
from ..text.messages import os_error, render, said
from .inherit import load_merged
from .model import Spec
from .yamlpath import nearest_line as _nearest_line, yaml_path  # noqa: F401  (their old home)

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000  # after alias expansion
MAX_EXPANDED_CHARS = 2 * MAX_BYTES  # scalar text after alias expansion


# libyaml (C) when available: ~10x faster to parse; both refuse Python tags.
_BaseSafe = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SafeLoader(_BaseSafe):  # type: ignore[misc, valid-type]
    """SafeLoader that refuses duplicate mapping keys (a silent overwrite in a spec is a bug)."""


class _DuplicateKey(yaml.constructor.ConstructorError):
    """Our own refusal: its problem is catalogue text already."""


def _construct_mapping(loader: _SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise _DuplicateKey(
                None, None, render("yaml-duplicate-key", {"key": str(key), "line": str(seen[key].start_mark.line + 1)}),
                key_node.start_mark,
            )
        seen[key] = key_node
    return loader.construct_mapping(node, deep=deep)


_SafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _TextLoader(_SafeLoader):
    """For submissions: every plain scalar but null stays the text the officer typed.

    YAML 1.1 would read ``268.358`` as a float, ``017`` as octal 15 and ``1:30`` as
    90 (sexagesimal) before the Vietnamese number parser ever saw them.
    """


_TextLoader.yaml_implicit_resolvers = {
    first: kept
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
    if (kept := [(tag, rx) for tag, rx in resolvers if tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:merge")])
}


def _scan_limits(text: str, loc: Location) -> None:
    """Refuse deep nesting, recursive aliases and alias expansion beyond the limits, from events only.

    Each anchor's expanded cost (nodes and scalar characters) is known when it
    closes; an alias adds that cost, so 200 aliases of a 4 MB scalar count as
    800 MB, and an alias inside its own anchor (``a: &a [*a]``) is refused
    before anything walks the cycle.

    libyaml (the C parser) has limits of its own (PyYAML 6.0.4's bundled libyaml
    refuses nesting past 1,000 levels) and may read ahead before it yields the
    events that would reach ours. Whatever it refuses is scanned again with the
    pure-Python parser, which stops at our own limits first: the officer gets
    the same located message whichever libyaml a wheel ships.
    """
    try:
        _scan_events(text, loc, _BaseSafe)
    except _CParserRefused as refused:
        if _BaseSafe is not yaml.SafeLoader:
            try:
                _scan_events(text, loc, yaml.SafeLoader)  # raises our limit, located, if it is one
            except _CParserRefused:
                pass  # both parsers refuse the text itself: libyaml's word, located
        raise refused.as_error(loc) from None


class _CParserRefused(Exception):
    def __init__(self, exc: yaml.YAMLError) -> None:
        super().__init__(str(exc))
        self.exc = exc

    def as_error(self, loc: Location) -> CchcError:
        return CchcError.make("spec-yaml-invalid", location=_mark_loc(loc, self.exc), error=_yaml_problem(self.exc))


def _scan_events(text: str, loc: Location, loader: type) -> None:
    depth = 0
    total = 0
    chars = 0
    sizes: dict[str, tuple[int, int]] = {}
    open_anchors: list[tuple[Optional[str], int, int]] = []
    still_open: set[str] = set()
    try:
        for event in yaml.parse(text, Loader=loader):
            total += 1
            if isinstance(event, yaml.AliasEvent):
                if event.anchor in still_open:
                    raise CchcError.make(
                        "spec-yaml-too-large", location=_at(loc, event), what=said("yaml-alias-cycle", anchor=event.anchor)
                    )
                nodes, size = sizes.get(event.anchor, (1, 0))
                total += nodes
                chars += size
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise CchcError.make(
                        "spec-yaml-too-large",
                        location=_at(loc, event),
                        what=said("yaml-too-deep", max=MAX_DEPTH, column=event.start_mark.column + 1),
                    )
                open_anchors.append((event.anchor, total, chars))
                if event.anchor:
                    still_open.add(event.anchor)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
                anchor, start, start_chars = open_anchors.pop()
                if anchor:
                    still_open.discard(anchor)
                    sizes[anchor] = (total - start + 1, chars - start_chars)
            elif isinstance(event, yaml.ScalarEvent):
                chars += len(event.value)
                if event.anchor:
                    sizes[event.anchor] = (1, len(event.value))
            if total > MAX_NODES:
                raise CchcError.make(
                    "spec-yaml-too-large", location=_at(loc, event), what=said("yaml-too-many-nodes", max=MAX_NODES)
                )
            if chars > MAX_EXPANDED_CHARS:
                raise CchcError.make(
                    "spec-yaml-too-large",
                    location=_at(loc, event),
                    what=said("yaml-too-much-text", max=MAX_EXPANDED_CHARS // (1024 * 1024)),
                )
    except yaml.YAMLError as exc:
        raise _CParserRefused(exc) from None


def _at(loc: Location, event: yaml.Event) -> Location:
    return loc.model_copy(update={"row": event.start_mark.line + 1})


def _mark_loc(loc: Location, exc: yaml.YAMLError) -> Location:
    mark = getattr(exc, "problem_mark", None)
    return loc.model_copy(update={"row": mark.line + 1}) if mark is not None else loc


def _yaml_problem(exc: yaml.YAMLError) -> str:
    if isinstance(exc, _DuplicateKey):
        return str(exc.problem)
    from ..text.inputerrors import yaml_problem  # PyYAML's English, in the catalogue's words

    return yaml_problem(exc, with_line=False)  # the location names the line (_mark_loc)


def _line_map(node: yaml.Node, path: tuple = (), out: Optional[dict] = None) -> dict[tuple, int]:
    """YAML path (as pydantic reports it) → 1-based line, iteratively.

    Each node is walked once: an alias shares its anchor's node, so a cyclic
    graph (``a: &a [*a]``) or a fan of aliases costs no more than the text.
    """
    out = {} if out is None else out
    stack = [(node, path)]
    visited: set[int] = set()
    while stack:
        cur, p = stack.pop()
        out.setdefault(p, cur.start_mark.line + 1)
        if id(cur) in visited:
            continue
        visited.add(id(cur))
        if isinstance(cur, yaml.MappingNode):
            for k, v in cur.value:
                if isinstance(k, yaml.ScalarNode):
                    out.setdefault(p + (k.value,), k.start_mark.line + 1)
                    stack.append((v, p + (k.value,)))
        elif isinstance(cur, yaml.SequenceNode):
            for i, v in enumerate(cur.value):
                stack.append((v, p + (i,)))
    return out


def read_yaml(text: str, loc: Location, *, text_scalars: bool = False) -> tuple[Any, dict[tuple, int]]:
    """Parse YAML text safely; returns the data and a path → line map.

    ``text_scalars``: plain scalars stay strings (only null is typed), for
    submissions whose numbers the Vietnamese parser must read.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise CchcError.make("spec-yaml-too-large", location=loc, what=said("yaml-too-big", max=MAX_BYTES // (1024 * 1024)))
    _scan_limits(text, loc)
    loader = (_TextLoader if text_scalars else _SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise CchcError.make("spec-yaml-invalid", location=loc, error=said("plain-empty"))
        lines = _line_map(node)
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise CchcError.make("spec-yaml-invalid", location=_mark_loc(loc, exc), error=_yaml_problem(exc)) from None
    finally:
        loader.dispose()
    return data, lines


def read_text(path: Path, on_read: Optional[Callable[[Path, bytes], None]] = None) -> str:
    """The spec file's text, read with a bound: /dev/zero or a FIFO never reaches memory.
    ``on_read(path, bytes)`` is told what was read (the compiled-spec cache checks these
    files are unchanged)."""
    try:
        # stat before open: opening a FIFO blocks until someone writes to it
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise CchcError.make("file-not-regular", location=Location(file=str(path)), file=str(path))
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise CchcError.make("spec-file-missing", location=Location(file=str(path)), error=os_error(exc)) from None
    if on_read is not None:
        on_read(path, raw)
    if len(raw) > MAX_BYTES:
        raise CchcError.make(
            "spec-yaml-too-large", location=Location(file=str(path)), what=said("yaml-too-big", max=MAX_BYTES // (1024 * 1024))
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CchcError.make(
            "spec-yaml-invalid", location=Location(file=str(path)), error=said("yaml-not-utf8", byte=exc.start)
        ) from None


def validate_data(data: Any, lines: dict[tuple, int], loc: Location) -> Spec:
    """Turn loaded YAML into a Spec, with every schema error located."""
    if not isinstance(data, dict):
        raise CchcError.make("spec-schema", location=loc, error=said("spec-not-mapping"))
    try:
        return Spec.model_validate(data)
    except ValidationError as exc:
        findings = []
        for err in exc.errors(include_url=False):
            path = tuple(
                p
                for i, p in enumerate(err["loc"])
                if not (isinstance(p, str) and p.startswith("function-"))
                and not (i == 1 and err["loc"][0] == "rules" and p in ("list", "patch"))  # union tags
            )
            line = _nearest_line(lines, path)
            findings.append(
                Finding.make(
                    "spec-schema",
                    "error",
                    location=loc.model_copy(update={"path": yaml_path(path, data), "row": line}),
                    error=_schema_msg(err),
                )
            )
        raise CchcError(findings, exit_code=1) from None


# A spec says what it is on a top-level line: `id: 2023` or `extends: 2023`.
_SPEC_KEY = re.compile(r"^(?:id|extends)[ \t]*:", re.MULTILINE)


def read_file(path: Path, on_read: Optional[Callable[[Path, bytes], None]] = None) -> tuple[Any, dict[tuple, int]]:
    """Read one YAML file safely: (data, path → line).

    A file that is no spec (no top-level ``id`` or ``extends``: a received file, a
    symlink to /etc/shadow) is refused in one line that quotes nothing of it: its
    keys, lines and YAML errors are never echoed."""
    text = read_text(path, on_read)
    loc = Location(file=str(path))
    try:
        data, lines = read_yaml(text, loc)
    except CchcError as exc:
        if exc.findings and exc.findings[0].code == "spec-yaml-invalid" and not _SPEC_KEY.search(text):
            raise _not_a_spec(path) from None
        raise
    if not (isinstance(data, dict) and ("id" in data or "extends" in data)):
        raise _not_a_spec(path)
    return data, lines


def _not_a_spec(path: Path) -> CchcError:
    return CchcError.make("spec-not-a-spec", location=Location(file=str(path)), exit_code=2, file=str(path))


def load_spec_file(
    path: Union[str, Path],
    origins: Optional[dict] = None,
    *,
    find_by_id: Optional[Callable[[str], Optional[Path]]] = None,
    roots: Optional[list[Path]] = None,
    on_read: Optional[Callable[[Path, bytes], None]] = None,
) -> tuple[Spec, dict[tuple, int]]:
    """Read and validate one spec file (no semantic checks; see spec.compiler).

    A spec that ``extends`` another is merged with its parent first (spec/inherit.py);
    its line map is then empty, since the merged data is not the file's text, and
    ``origins`` (when given) says which file and line wrote each piece.

    The collaborators are given, not imported: ``find_by_id`` finds a parent named by
    id (the registry's index; without it only a path names a parent), ``roots`` are the
    folders a parent path may be in besides the child's own, and ``on_read(path, bytes)``
    is told of every file read (the compiled-spec cache keys its entry on them).
    """
    def read(p: Path) -> tuple[Any, dict[tuple, int]]:
        return read_file(p, on_read)

    path = Path(path)
    loc = Location(file=str(path))
    data, lines = read(path)
    if isinstance(data, dict) and data.get("extends") is not None:
        try:
            data = load_merged(
                data, lines, path, read, find_by_id or _no_ids, roots=roots, origins=origins, validate=validate_data
            )
        except CchcError as exc:
            if any(f.code == "spec-extends-cycle" for f in exc.findings):
                raise CchcError(exc.findings, exit_code=2) from None  # no spec to use: an unusable call
            raise
        lines = {}
    return validate_data(data, lines, loc), lines


def _no_ids(name: str) -> Optional[Path]:
    return None
