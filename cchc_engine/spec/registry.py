"""Finding a spec: installed specs come from ``register_specs`` hooks; ``--spec``
takes an id ('2021-ha-tinh'), a year ('2023') or a path to a YAML file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Union

from ..findings import CchcError, Finding, Location
from ..plugins import Registry, RegistryProxy
from .runtime import CompiledSpec


@dataclass
class SpecEntry:
    path: Path
    compiled: CompiledSpec
    problems: list[Finding]

    @property
    def id(self) -> str:
        return self.compiled.spec.id


def check_file(path: Union[str, Path], provider: Optional[str] = None) -> tuple[CompiledSpec, list[Finding]]:
    """Load, check and compile one file, through the compiled-spec cache (spec/cache.py).

    The compiled spec is in its runtime form (spec/runtime.py). Raises CchcError
    when the file cannot even be loaded."""
    from .cache import load_or_compile

    def compile_now() -> tuple[CompiledSpec, list[Finding]]:
        from .compiler import compile_spec
        from .loader import load_spec_file

        spec, lines = load_spec_file(path)
        return compile_spec(spec, source=str(path), lines=lines)

    compiled, problems = load_or_compile(Path(path), compile_now)
    compiled.provider = provider
    return compiled, problems


class SpecRegistry(Registry):
    def make(self, *args: Any, **kwargs: Any) -> SpecEntry:
        path = Path(super().make(*args, **kwargs))
        compiled, problems = check_file(path)
        return SpecEntry(path, compiled, problems)

    def fill(self) -> "SpecRegistry":
        was_filled = self._filled
        super().fill()
        if not was_filled:
            for reg in self.items.values():
                reg.item.compiled.provider = reg.plugin
        return self


# The default host's spec registry (each PluginHost owns one: host.specs).
specs = RegistryProxy("specs")


def looks_like_path(name: str) -> bool:
    return name.endswith((".yaml", ".yml")) or "/" in name or "\\" in name


def resolve(name: str) -> CompiledSpec:
    """The compiled spec for an id, a year or a path; a spec with errors is unusable (exit 2)."""
    if looks_like_path(name) or Path(name).is_file():
        compiled, problems = check_file(Path(name), provider="tệp")
    else:
        entry = find_entry(name)
        compiled, problems = entry.compiled, entry.problems
    if problems:
        raise CchcError(problems, exit_code=2)
    return compiled


def find_entry(name: str) -> SpecEntry:
    """Exact id first; then a year: the one spec of that year, or among several the one whose id is the year."""
    reg = specs.get(name)
    if reg is not None:
        return reg.item
    same_year = [r.item for r in specs.all() if name.isdigit() and r.item.compiled.spec.year == int(name)]
    if len(same_year) > 1:
        same_year = [e for e in same_year if e.id == name]
    if len(same_year) == 1:
        return same_year[0]
    available = ", ".join(sorted(r.name for r in specs.all())) or "(không có)"
    raise CchcError(Finding.make("spec-not-found", "error", location=Location(), spec=name, available=available))


_ids_by_path: dict[tuple[Path, float], Optional[str]] = {}


def path_for_id(name: str) -> Optional[Path]:
    """The registered spec file whose top-level id is ``name`` (for ``extends: <id>``).

    Reads only the ids of the registered files, not the registry itself, so a spec
    can name its parent while the registry is being filled.
    """
    from ..plugins import get_host
    from .loader import read_file

    # The same register_specs run that fills the registry (run once per host).
    paths = [Path(a[0]) for _plugin, a, _kw in get_host().collect("register_specs") if len(a) == 1 and isinstance(a[0], (str, Path))]
    by_id: dict[str, Path] = {}
    for p in paths:
        try:
            key = (p.resolve(), p.stat().st_mtime)
            if key not in _ids_by_path:
                data, _ = read_file(p)
                _ids_by_path[key] = str(data.get("id")) if isinstance(data, dict) and data.get("id") is not None else None
            spec_id = _ids_by_path[key]
        except (CchcError, OSError):
            continue
        if spec_id is not None:
            by_id.setdefault(spec_id, p.resolve())
    return by_id.get(name)
