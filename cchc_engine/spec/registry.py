"""Finding a spec: an index of id → file, and compiling only the one asked for.

Spec files come from three places, listed by ``cchc specs`` with their origin:

1. ``register_specs`` plugins (the bundled specs are one: ``cchc_engine.builtin.specs``);
2. the directories of ``CCHC_SPECS_PATH`` (``os.pathsep``-separated);
3. the per-user directory (``$CCHC_USER_SPECS`` or ``$XDG_CONFIG_HOME/cchc/specs``,
   default ``~/.config/cchc/specs``).

Resolving an id reads only the top-level ``id:``/``year:``/``extends:`` lines of each
file (the *index*), then loads and compiles the chosen file and its parents through
``compile_file`` — the one function that turns a spec file into a ``CompiledSpec``
(the compiled-spec cache wraps it). ``--spec`` takes an id ('2021-ha-tinh'), a year
('2023') or a path to a YAML file. Two files with the same id are one error that
names both.

An id is never a path: a name is a file only when it is written as one (a path
separator, or a ``.yaml``/``.yml`` suffix); a bare word is looked up in the index and
never opened from the working folder, which is often a folder of received files (a
file named ``2023`` there must not replace the 2023 spec, nor a ``2023`` symlink to
``/etc/shadow`` be read as one).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Union

from ..flow.findings import CchcError, Finding, Location
from ..text.messages import render, said
from ..plugins.host import PluginHost
from ..plugins.registry import Registered, Registry
from .inherit import SPEC_SUFFIXES, OutsideRoots, looks_like_path, resolve_parent
from .runtime import CompiledSpec

ENV_PATH = "CCHC_SPECS_PATH"
ENV_USER = "CCHC_USER_SPECS"
ORIGIN_ENV = ENV_PATH
ORIGIN_USER = "user"
MAX_FILES_PER_DIR = 2_000  # a search-path directory is a handful of specs, not a home directory
MAX_BYTES = 5 * 1024 * 1024  # loader.MAX_BYTES (not imported: the warm path imports no yaml/pydantic)

# A top-level key at column 0: `id: 2023`, `id: "2021-ha-tinh"  # comment`.
_HEADER = re.compile(r"^(id|year|extends)[ \t]*:[ \t]*(.*?)[ \t]*$", re.MULTILINE)


# --- the one compile function --------------------------------------------------------


def compile_file(
    path: Union[str, Path], provider: Optional[str] = None, host: Optional[PluginHost] = None
) -> tuple[CompiledSpec, list[Finding]]:
    """Load, check and compile one spec file (and its ``extends`` parents), through
    the compiled-spec cache (spec/cache.py); the result is in its runtime form
    (spec/runtime.py).

    Returns the compiled spec and its errors; raises CchcError when the file cannot
    even be loaded. Pure in the file contents: same bytes (self and parents) and
    same engine, same result — what the cache relies on. A parent named by id is
    found in ``host``'s index (without a host: the bundled specs and the search path).
    """
    from .cache import load_or_compile

    def compile_now(on_read: Any) -> tuple[CompiledSpec, list[Finding]]:
        # Only on a cache miss: a warm run never imports yaml, pydantic or the compiler.
        from .compiler import compile_spec
        from .loader import load_spec_file

        origins: dict = {}  # an inherited spec: where each piece was written, for located errors
        spec, lines = load_spec_file(
            path, origins, find_by_id=_finder(host), roots=search_roots(), on_read=on_read
        )
        return compile_spec(spec, source=str(path), lines=lines, origins=origins or None)

    compiled, problems = load_or_compile(Path(path), compile_now, lambda: spec_chain(path, host))
    compiled.provider = provider
    return compiled, problems


def _finder(host: Optional[PluginHost]) -> Any:
    """``extends: <id>`` → the file, through ``host``'s index (no host: the built-ins')."""
    host = host or PluginHost.builtins_only()
    return lambda name: path_for_id(name, host)


def spec_chain(path: Union[str, Path], host: Optional[PluginHost] = None) -> list[Path]:
    """The file and its ``extends`` parents, nearest first, from the header lines only.

    What a cache key must hash besides the engine version. Stops quietly at a
    parent that cannot be found (compiling the file then reports it).
    """
    find = _finder(host)
    chain = [Path(path).resolve()]
    roots = search_roots()
    while len(chain) < 32:
        try:
            _id, _year, extends = read_header(chain[-1])
            parent = resolve_parent(extends, chain[-1].parent, find, roots) if extends else None
        except (CchcError, OSError, OutsideRoots):
            break
        if parent is None or parent in chain:
            break
        chain.append(parent)
    return chain


# kept for callers written before the index (same function)
check_file = compile_file


# --- where spec files are -------------------------------------------------------------


def user_specs_dir() -> Path:
    """The per-user spec directory (need not exist)."""
    env = os.environ.get(ENV_USER)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path("~/.config").expanduser())
    return Path(base) / "cchc" / "specs"


def search_dirs() -> list[tuple[Path, str]]:
    """(directory, origin) of the spec search path, in priority order, existing ones only."""
    out: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for part in (os.environ.get(ENV_PATH) or "").split(os.pathsep):
        if part.strip():
            out.append((Path(part.strip()).expanduser(), ORIGIN_ENV))
    out.append((user_specs_dir(), ORIGIN_USER))
    kept = []
    for d, origin in out:
        try:
            key = d.resolve()
            if key in seen or not d.is_dir():
                continue
        except OSError:
            continue
        seen.add(key)
        kept.append((key, origin))
    return kept


def _files_in(directory: Path) -> list[Path]:
    """Spec files in a search directory and its direct sub-directories (specs/<year>/x.yaml)."""
    found: list[Path] = []
    for pattern in ("*", "*/*"):
        for suffix in SPEC_SUFFIXES:
            for p in directory.glob(pattern + suffix):
                if p.is_file():
                    found.append(p)
                    if len(found) >= MAX_FILES_PER_DIR:
                        return sorted(found)
    return sorted(found)


def _plugin_paths(host: PluginHost) -> list[tuple[Path, str]]:
    """(path, plugin name) of every file a ``register_specs`` hook registers (the host runs it once)."""
    out: list[tuple[Path, str]] = []
    for plugin, args, kwargs in host.collect("register_specs"):
        if len(args) != 1 or kwargs or not isinstance(args[0], (str, os.PathLike)):
            host.fail(plugin, TypeError("register() takes exactly one spec file path (register_specs)"))
            continue
        out.append((Path(args[0]), plugin))
    return out


def search_roots() -> list[Path]:
    """Directories an ``extends:`` path may point into besides the child's own tree."""
    from ..builtin.specs import bundled_specs_dir

    roots = [d for d, _ in search_dirs()]
    try:
        roots.append(bundled_specs_dir().resolve())
    except OSError:
        pass
    return roots


# --- the index: id → file, from the header lines only ------------------------------------


@dataclass(frozen=True)
class SpecSource:
    """One spec file known by id, where it came from, and its header."""

    path: Path
    origin: str  # plugin name, "CCHC_SPECS_PATH" or "user"
    id: Optional[str]
    year: Optional[int]
    extends: Optional[str]


def _unquote(text: str) -> str:
    text = re.sub(r"\s+#.*$", "", text).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def read_header(path: Path) -> tuple[Optional[str], Optional[int], Optional[str]]:
    """(id, year, extends) of a spec file, read from its top-level lines without parsing YAML.

    Falls back to the safe YAML loader when the file writes them otherwise (flow style).
    """
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):  # a FIFO registered as a spec would block the open below
        raise CchcError.make("file-not-regular", location=Location(file=str(path)), file=str(path))
    if st.st_size > MAX_BYTES:
        raise CchcError.make(
            "spec-yaml-too-large", location=Location(file=str(path)), what=said("yaml-too-big", max=MAX_BYTES // (1024 * 1024))
        )
    with open(path, "rb") as fh:
        text = fh.read(MAX_BYTES + 1).decode("utf-8-sig", errors="replace")
    found: dict[str, str] = {}
    for m in _HEADER.finditer(text):
        found.setdefault(m.group(1), _unquote(m.group(2)))
    if "id" not in found:
        from .loader import read_yaml

        data, _ = read_yaml(text, Location(file=str(path)))
        if isinstance(data, dict):
            for k in ("id", "year", "extends"):
                if data.get(k) is not None:
                    found[k] = str(data[k])
    spec_id = found.get("id") or None
    year_text = found.get("year", "")
    year = int(year_text) if year_text.isdigit() else None
    return (spec_id, year, found.get("extends") or None)


def sources(host: PluginHost) -> list[SpecSource]:
    """Every spec file known, plugins first, then the search path; unreadable files skipped."""
    out: list[SpecSource] = []
    seen: set[tuple[Path, str]] = set()
    candidates = _plugin_paths(host)
    for directory, origin in search_dirs():
        candidates.extend((p, origin) for p in _files_in(directory))
    for path, origin in candidates:
        try:
            resolved = path.resolve()
            if (resolved, origin) in seen:
                continue
            seen.add((resolved, origin))
            spec_id, year, extends = read_header(path)
        except (CchcError, OSError) as exc:
            if origin not in (ORIGIN_ENV, ORIGIN_USER):  # a stray file in a search directory is not a spec
                _note_unusable(host, origin, path, exc)
            continue
        out.append(SpecSource(path, origin, spec_id, year, extends))
    return out


def _note_unusable(host: PluginHost, plugin: str, path: Path, exc: Exception) -> None:
    """A file a plugin registered that cannot be read: one warning naming the plugin, once per host."""
    texts = [f.located() for f in exc.findings] if isinstance(exc, CchcError) else [f"{path}: {exc.strerror or exc}"]
    for text in texts:
        if not any(text in str(p.values.get("error", "")) for p in host.problems):
            host.note(
                Finding.make("plugin-item-unusable", "warning", plugin=plugin, kind=said("registry-specs"), error=text),
                plugin,
            )


def index(host: PluginHost) -> tuple[dict[str, SpecSource], dict[str, list[SpecSource]]]:
    """(id → its file, id → every file when two or more claim it): ``host``'s plugins'
    specs and the search path's."""
    by_id: dict[str, list[SpecSource]] = {}
    for src in sources(host):
        if src.id is not None:
            by_id.setdefault(src.id, []).append(src)
    unique = {k: v[0] for k, v in by_id.items() if len(v) == 1}
    clashes = {k: v for k, v in by_id.items() if len(v) > 1}
    return unique, clashes


def clash_error(spec_id: str, srcs: list[SpecSource]) -> CchcError:
    a, b = srcs[0], srcs[1]
    return CchcError(
        Finding.make(
            "spec-id-clash",
            "error",
            location=Location(file=str(b.path)),
            id=spec_id,
            first=str(a.path),
            first_origin=a.origin,
            second=str(b.path),
            second_origin=b.origin,
        ),
        exit_code=2,
    )


def find_source(name: str, host: PluginHost) -> SpecSource:
    """The file for an id, or a year: exact id first; then the one spec of that year,
    or among several the one whose id is the year."""
    unique, clashes = index(host)
    if name in clashes:
        raise clash_error(name, clashes[name])
    if name in unique:
        return unique[name]
    if name.isdigit():
        same_year = [s for s in unique.values() if s.year == int(name)]
        if len(same_year) > 1:
            same_year = [s for s in same_year if s.id == name]
        if len(same_year) == 1:
            return same_year[0]
    available = ", ".join(sorted(set(unique) | set(clashes))) or render("none-installed", {})
    raise CchcError(Finding.make("spec-not-found", "error", location=Location(), spec=name, available=available))


def path_for_id(name: str, host: PluginHost) -> Optional[Path]:
    """The file whose top-level id is ``name`` (for ``extends: <id>``); a clash is an error."""
    unique, clashes = index(host)
    if name in clashes:
        raise clash_error(name, clashes[name])
    src = unique.get(name)
    return src.path.resolve() if src is not None else None


# --- resolving -------------------------------------------------------------------------


@dataclass
class SpecEntry:
    path: Path
    compiled: CompiledSpec
    problems: list[Finding]
    origin: str = ""

    @property
    def id(self) -> str:
        return self.compiled.spec.id


def load_entry(src: SpecSource, host: PluginHost) -> SpecEntry:
    compiled, problems = compile_file(src.path, provider=src.origin, host=host)
    return SpecEntry(src.path, compiled, problems, src.origin)


def find_entry(name: str, host: PluginHost) -> SpecEntry:
    """The compiled entry for an id or a year; loads that spec (and its parents) only."""
    return load_entry(find_source(name, host), host)


def resolve(name: str, host: Optional[PluginHost] = None) -> CompiledSpec:
    """The compiled spec for an id, a year or a path; a spec with errors, or one that
    cannot be loaded (an ``extends`` cycle, a file that is no spec), is unusable (exit 2).

    Ids come from ``host``'s spec plugins and the search path; without a host, from
    the built-in plugins (the bundled specs) and the search path."""
    if host is None:
        host = PluginHost.builtins_only()
    try:
        if looks_like_path(name):
            compiled, problems = compile_file(Path(name), provider=render("spec-provider-file", {}), host=host)
        else:
            entry = find_entry(name, host)
            compiled, problems = entry.compiled, entry.problems
    except CchcError as exc:
        if exc.exit_code == 2:
            raise
        raise CchcError(exc.findings, exit_code=2) from None
    if problems:
        raise CchcError(problems, exit_code=2)
    return compiled


# --- the listing (``cchc specs``, ``cchc plugins``) ------------------------------------------


class SpecRegistry(Registry):
    """Every known spec, compiled: for listings only; resolution goes through the index.

    ``host.specs`` of each PluginHost. Re-indexed on every fill (the search path may
    change between calls); a file's compiled entry is remembered while it and its
    parents are unchanged. Items are ``Registered(id, SpecEntry, origin)``; the origin
    is the plugin name, ``CCHC_SPECS_PATH`` or ``user``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._memo: dict[tuple, SpecEntry] = {}

    def _entry(self, src: SpecSource) -> SpecEntry:
        try:
            key = tuple((p, p.stat().st_mtime_ns, p.stat().st_size) for p in spec_chain(src.path, self.host)) + (src.origin,)
        except OSError:
            return load_entry(src, self.host)
        if key not in self._memo:
            self._memo[key] = load_entry(src, self.host)
        return self._memo[key]

    def fill(self) -> "SpecRegistry":
        unique, clashes = index(self.host)
        if clashes:
            spec_id = sorted(clashes)[0]
            raise clash_error(spec_id, clashes[spec_id])
        items: dict[str, Registered] = {}
        for spec_id, src in unique.items():
            try:
                entry = self._entry(src)
            except CchcError as exc:  # a file that cannot be loaded: named with its origin
                for f in exc.findings:
                    self.host.note(
                        Finding.make(
                            "plugin-item-unusable", "warning", location=f.location, plugin=src.origin,
                            kind=said(self.kind), error=said(f.code, **f.values),
                        ),
                        src.origin,
                    )
                continue
            items[spec_id] = Registered(spec_id, entry, src.origin)
        self.items = items
        self._filled = True
        return self

    def get(self, name: str) -> Optional[Registered]:
        try:
            src = find_source(name, self.host)
        except CchcError:
            return None
        return Registered(src.id or name, self._entry(src), src.origin)

    def reset(self) -> None:
        super().reset()
        self._memo.clear()


def spec_listing(host: PluginHost) -> SpecRegistry:
    """``host``'s listing of every spec (``cchc specs``, the specs column of ``cchc plugins``)."""
    return host.registry("specs", lambda h: SpecRegistry(h, "registry-specs", "register_specs", key=lambda e: e.id))  # type: ignore[return-value]
