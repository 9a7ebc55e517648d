"""What changed between two specs, indicator by indicator (pure).

Indicators are matched in three passes, most trusted first:

1. the newer spec's crosswalk: ``previous: <old id>``;
2. the same id in both specs;
3. name similarity (``textnorm.name_key`` then the mean of a difflib ratio and a
   word-overlap score), best pairs first, above ``GUESS_MIN``: marked as a guess
   with its score, to be confirmed by writing ``previous:``.

A matched pair is then compared: name, STT, section ("moved between forms"),
unit, type, levels and formula (operands translated through the match).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

from ..text.textnorm import name_key
from .model import Form, Indicator, Spec

GUESS_MIN = 0.72
SECTION_MIN = 0.6
_IDENT = re.compile(r"[a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*")


def similarity(a: str, b: str) -> float:
    """0..1: mean of difflib's ratio and the word overlap (Dice) of two names' keys."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    wa, wb = set(ka.split()), set(kb.split())
    dice = 2 * len(wa & wb) / (len(wa) + len(wb))
    return round((difflib.SequenceMatcher(None, ka, kb).ratio() + dice) / 2, 3)


@dataclass
class Side:
    id: str
    stt: str
    name: str
    form: str
    section: str
    unit: str
    type: str
    levels: list[str]
    formula: Optional[str]


@dataclass
class Change:
    """One indicator's fate: kinds ⊆ added, removed, renamed, renumbered, moved, unit, type, levels, formula."""

    kinds: list[str]
    old: Optional[Side] = None
    new: Optional[Side] = None
    match: str = ""  # "previous", "id", "name" (a guess), "" (unmatched)
    score: Optional[float] = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def guess(self) -> bool:
        return self.match == "name"


@dataclass
class SpecDiff:
    old: str
    new: str
    changes: list[Change]
    pairs: dict[str, str]  # old id → new id

    def of_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if kind in c.kinds]

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "changes": [dict(asdict(c), guess=c.guess) for c in self.changes],
        }


def _sides(spec: Spec) -> dict[str, Side]:
    out: dict[str, Side] = {}
    all_levels = spec.level_ids()
    for form in spec.forms:
        for top in form.indicators:
            section = _section(spec, form, top)
            for ind in top.walk():
                out[ind.id] = Side(
                    id=ind.id,
                    stt=ind.stt,
                    name=ind.name,
                    form=form.id,
                    section=section,
                    unit=ind.shown_unit,  # what the value means: a re-printed unit is no change
                    type=ind.type,
                    levels=list(ind.levels) if ind.levels is not None else list(all_levels),
                    formula=ind.formula,
                )
    return out


def _section(spec: Spec, form: Form, top: Indicator) -> str:
    # One-form specs (2021) are sectioned by their top-level rows; multi-form ones by form.
    return form.title if len(spec.forms) > 1 else top.name


def match(old: Spec, new: Spec) -> tuple[dict[str, str], dict[str, tuple[str, Optional[float]]]]:
    """old id → new id, and new id → (how, score)."""
    old_idx, new_idx = old.index(), new.index()
    pairs: dict[str, str] = {}
    how: dict[str, tuple[str, Optional[float]]] = {}
    for nid, ind in new_idx.items():
        if ind.previous and ind.previous in old_idx and ind.previous not in pairs:
            pairs[ind.previous] = nid
            how[nid] = ("previous", None)
    taken = set(pairs.values())
    for nid in new_idx:
        if nid in taken or nid not in old_idx or nid in pairs:
            continue
        if (old_idx[nid].type == "group") == (new_idx[nid].type == "group"):
            pairs[nid] = nid
            how[nid] = ("id", None)
            taken.add(nid)
    # name similarity among what is left, best first; a row and a heading never match
    cands: list[tuple[float, str, str]] = []
    left_old = [o for o in old_idx if o not in pairs]
    left_new = [n for n in new_idx if n not in taken and not new_idx[n].previous]
    for o in left_old:
        oi = old_idx[o]
        for n in left_new:
            ni = new_idx[n]
            if (oi.type == "group") != (ni.type == "group"):
                continue
            s = max(similarity(a, b) for a in _names(oi) for b in _names(ni))
            if s >= GUESS_MIN:
                cands.append((s, o, n))
    for s, o, n in sorted(cands, key=lambda t: -t[0]):
        if o in pairs or n in taken:
            continue
        pairs[o] = n
        how[n] = ("name", s)
        taken.add(n)
    return pairs, how


def _names(ind: Indicator) -> tuple[str, ...]:
    return (ind.name, *ind.aliases, *ind.name_at.values())


def _levels_on(levels: list[str], common: set[str]) -> list[str]:
    return sorted(set(levels) & common) if common else sorted(levels)


def _norm_formula(f: Optional[str], rename: dict[str, str]) -> str:
    if not f:
        return ""
    return re.sub(r"\s+", "", _IDENT.sub(lambda m: rename.get(m.group(0), m.group(0)), f))


def diff_specs(old: Spec, new: Spec) -> SpecDiff:
    pairs, how = match(old, new)
    so, sn = _sides(old), _sides(new)
    # A template for one level of a multi-level system (only `huyen`) is not a level change
    # on every row: compare levels on the levels both specs declare.
    common = set(old.level_ids()) & set(new.level_ids())
    changes: list[Change] = []
    matched_new = set(pairs.values())
    order = list(sn)  # new spec's order, then removed ones in old order
    old_of = {v: k for k, v in pairs.items()}
    for nid in order:
        n = sn[nid]
        if nid not in matched_new:
            changes.append(Change(["added"], new=n, details={"computed": bool(n.formula)}))
            continue
        o = so[old_of[nid]]
        kinds: list[str] = []
        details: dict[str, Any] = {}
        if o.name != n.name:
            kinds.append("renamed")
            if name_key(o.name) == name_key(n.name):
                details["spelling_only"] = True
        if o.stt != n.stt:
            kinds.append("renumbered")
        if similarity(o.section, n.section) < SECTION_MIN:
            kinds.append("moved")
        if o.unit != n.unit and o.type != "group":
            kinds.append("unit")
        if o.type != n.type:
            kinds.append("type")
        if _levels_on(o.levels, common) != _levels_on(n.levels, common):
            kinds.append("levels")
        if _norm_formula(o.formula, pairs) != _norm_formula(n.formula, {}):
            kinds.append("formula")
            details["computed"] = bool(n.formula)
        m, score = how.get(nid, ("", None))
        changes.append(Change(kinds, old=o, new=n, match=m, score=score, details=details))
    for oid, o in so.items():
        if oid not in pairs:
            changes.append(Change(["removed"], old=o))
    return SpecDiff(old=old.id, new=new.id, changes=changes, pairs=pairs)
