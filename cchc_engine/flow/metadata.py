"""What a document says of itself, used: the spec it follows, options that contradict it,
and the unit a file names when its title does not.

A report's title says its period ("Quý III năm 2021") and its unit ("UBND xã …", hence
its level). ``choose_spec`` picks the installed spec of that year that fits that level
when the caller names none; ``contradictions`` warns when a spec or a ``--period`` the
caller gave disagrees with the document. Both are pure over what ``layout`` found and
the spec index (``spec.registry``); the CLI (``cchc compute``/``validate`` without
``--spec``), ``pipeline.prepare`` and ``Session.for_document`` call them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional

from .findings import CchcError, Finding, Location
from ..text.messages import render, said
from .submission import RawSubmission, normalise_period

if TYPE_CHECKING:
    from .pipeline import Document
    from ..plugins.host import PluginHost
    from ..spec.runtime import CompiledSpec


@dataclass
class _Candidate:
    id: str
    compiled: Optional["CompiledSpec"]  # None: listed by id only (not of the report's year)


def report_year(period: Optional[str]) -> Optional[int]:
    """2021 from '2021-Q3'; None when there is no period."""
    return int(period[:4]) if period and period[:4].isdigit() else None


def installed_years(host: "PluginHost") -> set[int]:
    """The years of the specs ``host`` knows (their top-level ``year:`` lines)."""
    from ..spec.registry import sources

    return {s.year for s in sources(host) if s.year}


def choose_spec(doc: "Document", *, level: Optional[str] = None, period: Optional[str] = None) -> tuple["CompiledSpec", Finding]:
    """The installed spec this document follows, and the info finding that says which and why.

    The year is ``period``'s (the caller's) or the document's; the candidates are the
    installed specs of that year whose levels include the document's level (``level``
    or the one its title names). Several left (a national template and a province's
    variant of the same year): the one whose rows the document's rows match best
    (fewest rows matching nothing, then most rows matched), when one is strictly best.
    None or several: ``CchcError`` (exit 2) listing the candidates, so ``--spec`` can name one.
    The specs are those the document's host knows (its plugins' and the search path's).
    """
    from ..spec.registry import resolve

    host = doc.host
    meta = doc.metadata()
    file = str(doc.path)
    where = Location(file=file)
    if meta.spec:  # a plain JSON/YAML input that names its spec
        compiled = resolve(meta.spec, host)
        return compiled, _chosen(compiled, meta, level, where)
    canonical = normalise_period(period) if period else None
    year = report_year(canonical or meta.period)
    if year is None:
        raise CchcError.make("missing-metadata", location=where, what=said("meta-spec"), option="--spec")
    level_text = level or meta.level
    same_year = _specs_of(year, host)
    fit = [c for c in same_year if c.compiled is not None and (not level_text or c.compiled.spec.level(level_text) is not None)]
    if len(fit) > 1:
        fit = _best_matching(doc, fit, level_text)
    if len(fit) == 1 and fit[0].compiled is not None:
        return fit[0].compiled, _chosen(fit[0].compiled, meta, level_text, where)
    shown_level = level_text or render("meta-level-unsaid", {})
    if not fit:
        listed = same_year or _all_specs(host)
        raise CchcError.make(
            "spec-none-fits", location=where, year=str(year), level=shown_level, candidates=_listing(listed),
        )
    raise CchcError.make("spec-ambiguous", location=where, year=str(year), level=shown_level, candidates=_listing(fit))


def _chosen(compiled: "CompiledSpec", meta: RawSubmission, level: Optional[str], where: Location) -> Finding:
    spec = compiled.spec
    lv = spec.level(level) if level else None
    return Finding.make(
        "spec-inferred", "info", location=where, spec=spec.id, year=str(spec.year),
        level=lv.name if lv is not None else said("meta-level-unsaid"),
    )


def _specs_of(year: int, host: "PluginHost") -> list[_Candidate]:
    """The usable installed specs of ``year`` (a child spec that inherits its year is compiled to learn it)."""
    from ..spec.registry import index, load_entry

    unique, _clashes = index(host)  # a clashing id is nobody's choice: --spec names the file then
    out: list[_Candidate] = []
    for spec_id, src in sorted(unique.items()):
        if src.year not in (year, None) or (src.year is None and not src.extends):
            continue
        try:
            entry = load_entry(src, host)
        except CchcError:
            continue
        if entry.problems or entry.compiled.spec.year != year:
            continue
        out.append(_Candidate(spec_id, entry.compiled))
    return out


def _all_specs(host: "PluginHost") -> list[_Candidate]:
    from ..spec.registry import index

    unique, _ = index(host)
    return [_Candidate(k, None) for k in sorted(unique)]


def _listing(cands: list[_Candidate]) -> str:
    if not cands:
        return render("none-installed", {})
    parts = []
    for c in cands:
        if c.compiled is None:
            parts.append(c.id)
            continue
        spec = c.compiled.spec
        parts.append(f"{c.id} ({spec.year}; {', '.join(spec.level_ids())})")
    return "; ".join(parts)


def _best_matching(doc: "Document", cands: list[_Candidate], level_text: Optional[str]) -> list[_Candidate]:
    """The candidates whose mapping of the document is best; all of them when it cannot be scored."""
    from .mapping import map_submission

    scored: list[tuple[tuple[int, int], _Candidate]] = []
    for c in cands:
        if c.compiled is None:  # (candidates of the report's year are always compiled)
            continue
        spec = c.compiled.spec
        lv = spec.level(level_text) if level_text else (spec.levels[0] if len(spec.levels) == 1 else None)
        if lv is None:
            return cands  # no level to map at: nothing to compare
        try:
            sub = map_submission(doc.raw(c.compiled), c.compiled, lv.id)
        except CchcError:
            scored.append(((-(10**9), 0), c))  # not this spec's appendix at all
            continue
        unmapped = sum(1 for f in sub.findings if f.code == "unmapped-row")
        scored.append(((-unmapped, sub.coverage.matched), c))
    best = max(s for s, _ in scored)
    return [c for s, c in scored if s == best]


def contradictions(
    raw: RawSubmission,
    compiled: "CompiledSpec",
    period: Optional[str],
    *,
    dated: bool = False,
    installed_years: Optional[Callable[[], set[int]]] = None,
) -> list[Finding]:
    """Warnings for a ``--period`` or a spec that disagrees with the period the document states.

    Nothing is said when the document's period is only the date it was signed (``dated``:
    last year's report is often sent early in the next). A spec of another year is named
    when the report is older than the spec, or when a spec of the report's own year is
    installed (``installed_years``): a 2024 report checked with the 2023 spec, there being
    no 2024 one, is the usual case and says nothing.
    """
    found = raw.period
    if not found or dated:
        return []
    where = Location(file=raw.file)
    out: list[Finding] = []
    given = normalise_period(period) if period else None
    if given and _differ(given, found):
        out.append(Finding.make("period-contradicts-document", "warning", location=where, given=given, found=found))
    year, spec_year = report_year(found), compiled.spec.year
    if year and spec_year and year != spec_year:
        if year < spec_year or (installed_years is not None and year in installed_years()):
            out.append(Finding.make(
                "spec-year-mismatch", "warning", location=where, spec=compiled.spec.id, spec_year=str(spec_year),
                period=found, year=str(year),
            ))
    return out


def _differ(given: str, found: str) -> bool:
    """'2023-Q3' against '2021-Q3' or '2021-H1'; a bare year the document states is refined, not contradicted."""
    if given[:4] != found[:4]:
        return True
    return len(found) > 4 and len(given) > 4 and given != found


# What a file manager or a mail client adds to a copy's name: "x (copy)", "x - Copy (2)",
# "x (1)", "Copy of x", "Bản sao của x", "x - Bản sao". Two copies name the same unit.
_COPY_SUFFIX = re.compile(
    r"(?:(?:\s*[-_]\s*|\s+)(?:copy|bản sao|ban sao)(?:\s*\(?\d+\)?)?"
    r"|\s*\((?:copy|bản sao|ban sao)(?:\s*\d+)?\)|\s*\(\d+\))+$",
    re.IGNORECASE,
)
_COPY_PREFIX = re.compile(r"^(?:copy of|bản sao của|ban sao cua)\s+", re.IGNORECASE)


def unit_from_file_name(file: str) -> str:
    """The unit a file names when its title does not: its name without the suffix, and
    without what copying adds (``x (copy).xlsx`` and ``x.xlsx`` both give ``x``)."""
    base = file.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base[: base.rfind(".")] if base.rfind(".") > 0 else base
    name = _COPY_PREFIX.sub("", _COPY_SUFFIX.sub("", stem)).strip(" -_")
    return name or stem
