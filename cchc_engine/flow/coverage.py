"""Coverage: what became of every value in the file.

Each row (or key) that carries a value is either placed on an indicator or
dropped for a reason that is also a finding at its cell. The counts travel into
``Result.stats`` so a verdict can be checked against the file: a value that
reached no indicator is an error, and a file in which no row maps to the spec
at all is not an appendix of that spec (exit 2), whatever reader read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .findings import CchcError, Location


@dataclass
class Coverage:
    values: int = 0  # rows or keys with a value in the file
    placed: int = 0  # values placed on an indicator
    matched: int = 0  # rows recognised as an indicator or heading of the spec, valued or not
    dropped_by: dict[str, int] = field(default_factory=dict)  # finding code -> values dropped

    def drop(self, code: str) -> None:
        self.dropped_by[code] = self.dropped_by.get(code, 0) + 1

    @property
    def dropped(self) -> int:
        return sum(self.dropped_by.values())

    def merge(self, other: "Coverage") -> None:
        self.values += other.values
        self.placed += other.placed
        self.matched += other.matched
        for code, n in other.dropped_by.items():
            self.dropped_by[code] = self.dropped_by.get(code, 0) + n


def require_appendix(coverage: Coverage, file: str, spec_id: str) -> None:
    """No row of the file is an indicator of the spec: the call is unusable, not 'valid'."""
    if coverage.matched == 0:
        raise CchcError.make(
            "no-appendix", location=Location(file=file), file=file, spec=spec_id, values=coverage.values
        )
