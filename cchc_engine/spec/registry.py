"""Finding a spec: installed specs come from ``register_specs`` hooks; ``--spec``
takes an id ('2021-ha-tinh'), a year ('2023') or a path to a YAML file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Union

from ..findings import CchcError, Finding, Location
from ..plugins import Registry
from .compiler import CompiledSpec, compile_spec
from .loader import load_spec_file


@dataclass
class SpecEntry:
    path: Path
    compiled: CompiledSpec
    problems: list[Finding]

    @property
    def id(self) -> str:
        return self.compiled.spec.id


def check_file(path: Union[str, Path], provider: Optional[str] = None) -> tuple[CompiledSpec, list[Finding]]:
    """Load, check and compile one file. Raises CchcError when it cannot even be loaded."""
    spec, lines = load_spec_file(path)
    return compile_spec(spec, source=str(path), lines=lines, provider=provider)


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


specs = SpecRegistry("Bộ chỉ tiêu", "register_specs", key=lambda e: e.id)


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
    reg = specs.get(name)
    if reg is not None:
        return reg.item
    same_year = [r.item for r in specs.all() if name.isdigit() and r.item.compiled.spec.year == int(name)]
    if len(same_year) == 1:
        return same_year[0]
    available = ", ".join(sorted(r.name for r in specs.all())) or "(không có)"
    raise CchcError(Finding.make("spec-not-found", "error", location=Location(), spec=name, available=available))
