"""Compile (tổng hợp) the reports of many units into the level above. Pure: no I/O.

Each unit arrives as a small ``UnitResult`` (metadata, ``{indicator: value}`` packed,
and its error findings as dicts) made by ``collect.py`` from what a worker process
sent, so the parent never holds a workbook. ``Compiler`` takes them one by one as
they arrive (``compile_units`` is the same over a list) and

1. chooses the units: unreadable files, another spec, the wrong level, another
   period, a second report of the same unit, and (with ``skip_invalid``) reports
   with errors are left out — each with a finding, never silently;
2. compiles every indicator by its ``aggregate_method``: ``sum`` adds the values
   given (blanks are not zeros and are not counted), ``min``/``max``,
   ``count:<code>`` counts units answering ``code``, ``none`` stays blank;
3. runs the engine on the compiled values at the target level, so ``formula``
   indicators (ratios) are recomputed from the compiled operands — never an
   average of percentages — and the higher level's rules run on the totals.

A unit may itself be a compiled Result (a district compiled from its communes):
its values are totals, its ``count`` values already counts (they add up), and
``IndicatorResult.units`` says how many reporting units stand behind each value,
so communes → districts → province gives what communes → province gives.
"""

from __future__ import annotations

import math
import struct
import sys
from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Iterator, Optional

from ..flow.findings import Finding, Location
from ..flow.metadata import unit_from_file_name
from ..text.messages import render
from ..flow.result import Result
from ..spec.runtime import CompiledSpec
from ..flow.submission import Cell, Submission
from ..text.textnorm import name_key_once


@dataclass
class UnitResult:
    """One unit's report as the parent sees it (the worker sends a compact tuple:
    ``collect.to_wire``); ``Compiler.add`` keeps only its provenance and errors."""

    file: str
    unit: Optional[str] = None
    level: Optional[str] = None  # a level id of the spec
    period: Optional[str] = None
    spec: Optional[str] = None
    values: Mapping[str, Any] = field(default_factory=dict)  # a dict, or PackedValues in the parent
    # Compiled inputs: how many reporting units stand behind each value (default 1).
    weights: dict[str, int] = field(default_factory=dict)
    compiled: bool = False  # a compiled Result: count values are counts, not codes
    errors: list[dict] = field(default_factory=list)  # error findings (Finding.to_dict())
    warnings: int = 0
    problem: Optional[dict] = None  # why the file is unusable (a finding dict)
    read_seconds: float = 0.0
    compute_seconds: float = 0.0

    @property
    def name(self) -> str:
        return self.unit or render("aggregate-unknown-unit", {})


_MAX_EXACT = 2**53  # a larger int does not survive a double: such a unit keeps its dict


class PackedValues(Mapping):
    """A unit's ``{indicator: number}`` in 9 bytes a value instead of ~60.

    The parent of ``cchc aggregate`` holds every unit's values until it compiles
    them (a country is ~3,300 communes × ~120 values), so they are kept as one
    array of doubles plus one kind byte (absent / int / float) per indicator of
    the spec, in the spec's order (``positions``, shared by every unit). Reads give
    back exactly what was packed: ints as ints, floats as floats.
    """

    __slots__ = ("_pos", "_nums", "_kinds")

    def __init__(self, positions: dict[str, int], nums: array, kinds: bytearray):
        self._pos, self._nums, self._kinds = positions, nums, kinds

    @classmethod
    def pack(cls, values: Mapping[str, Any], positions: dict[str, int]) -> Mapping[str, Any]:
        """Packed when every key is the spec's and every value a number; else ``values`` as given."""
        if isinstance(values, PackedValues):
            return values
        nums = array("d", bytes(8 * len(positions)))
        kinds = bytearray(len(positions))
        for key, v in values.items():
            i = positions.get(key)
            if i is None or isinstance(v, bool):
                return values
            if isinstance(v, int) and -_MAX_EXACT <= v <= _MAX_EXACT:
                nums[i], kinds[i] = v, 1
            elif isinstance(v, float):
                nums[i], kinds[i] = v, 2
            else:
                return values
        return cls(positions, nums, kinds)

    def to_bytes(self) -> bytes:
        """The kind bytes then the doubles: what a worker sends and the spool keeps."""
        return bytes(self._kinds) + self._nums.tobytes()

    @classmethod
    def from_bytes(cls, positions: dict[str, int], data: bytes) -> "PackedValues":
        n = len(positions)
        if len(data) != 9 * n:
            raise ValueError(f"packed values for {len(data) // 9} indicators, the spec has {n}")
        nums = array("d")
        nums.frombytes(data[n:])
        return cls(positions, nums, bytearray(data[:n]))

    def __getitem__(self, key: str) -> Any:
        i = self._pos[key]
        kind = self._kinds[i]
        if kind == 0:
            raise KeyError(key)
        return int(self._nums[i]) if kind == 1 else self._nums[i]

    def get(self, key: str, default: Any = None) -> Any:
        i = self._pos.get(key)
        if i is None or not self._kinds[i]:
            return default
        return int(self._nums[i]) if self._kinds[i] == 1 else self._nums[i]

    def __contains__(self, key: object) -> bool:
        i = self._pos.get(key)  # type: ignore[call-overload]
        return i is not None and bool(self._kinds[i])

    def __iter__(self) -> Iterator[str]:
        return (k for k, i in self._pos.items() if self._kinds[i])

    def __len__(self) -> int:
        return len(self._kinds) - self._kinds.count(0)


def _folder(file: str) -> str:
    """The folder part of a path as given ('' for a bare name), either separator."""
    cut = max(file.rfind("/"), file.rfind("\\"))
    return file[:cut] if cut >= 0 else ""


def value_positions(compiled: CompiledSpec) -> dict[str, int]:
    """The shared key order for PackedValues: every indicator of the spec."""
    return {ind.id: i for i, (_form, ind) in enumerate(compiled.spec.indicators())}


def below(compiled: CompiledSpec, level: str) -> Optional[str]:
    """The level just below ``level`` in the spec's order (tỉnh → huyện → xã), if any."""
    ids = compiled.spec.level_ids()
    i = ids.index(level)
    return ids[i + 1] if i + 1 < len(ids) else None


def choose_period(periods: Iterable[Optional[str]]) -> Optional[str]:
    """The most common period; a tie goes to the latest (deterministic)."""
    return _majority(Counter(p for p in periods if p))


def _majority(counts: Mapping[str, int]) -> Optional[str]:
    if not counts:
        return None
    return max(counts, key=lambda p: (counts[p], p))


def compile_units(
    compiled: CompiledSpec,
    level: str,
    unit_name: str,
    period: Optional[str],
    unit_results: Iterable[UnitResult],
    *,
    units_level: Optional[str] = None,
    skip_invalid: bool = False,
) -> Result:
    """One Result for ``unit_name`` at ``level`` from the units' results.

    ``units_level`` is the level the units must be (default: the level just
    below ``level``); ``period`` None takes the units' majority period.
    ``Result.extra`` holds the provenance (``aggregate``) and the per-unit
    values (``matrix``) for the matrix writers. A thin wrapper over ``Compiler``.
    """
    compiler = Compiler(compiled, level, unit_name, period, units_level=units_level, skip_invalid=skip_invalid)
    for u in unit_results:
        compiler.add(u)
    return compiler.result()


class ExactSum:
    """A running sum equal, bit for bit, to ``math.fsum`` of every float given
    (ints as ``fsum`` takes them), and to ``sum`` when only ints were given.

    Every finite double is an integer multiple of 2**-1074, so floats are kept as one
    exact Python int in those units; the total is rounded once, at the end, by int
    true division (correctly rounded, as ``fsum``'s result is). Constant memory
    whatever the number of values, and no order dependence.
    """

    __slots__ = ("n", "small", "big", "scaled", "floats", "special")

    def __init__(self) -> None:
        self.n = 0  # how many numbers were added
        self.small = 0  # ints that a double holds exactly (|v| <= 2**53)
        self.big: Optional[list[int]] = None  # larger ints: fsum rounds them to a double first
        self.scaled = 0  # the floats' exact sum, in units of 2**-1074
        self.floats = False
        self.special: Optional[list[float]] = None  # inf / nan, as fsum treats them

    def add(self, v: Any) -> None:
        """Add an int or a float (never a bool: callers keep those out)."""
        self.n += 1
        if isinstance(v, int):
            if -_MAX_EXACT <= v <= _MAX_EXACT:
                self.small += v
            else:
                (self.big if self.big is not None else self._big()).append(v)
            return
        self.floats = True
        if v - v == 0.0:  # finite
            n, d = v.as_integer_ratio()
            self.scaled += n << (_SCALE_BITS + 1 - d.bit_length())
        else:
            if self.special is None:
                self.special = []
            self.special.append(v)

    def _big(self) -> list[int]:
        self.big = []
        return self.big

    def value(self) -> Any:
        """The exact int sum when all were ints; else the correctly rounded sum, rounded to 9 decimals, an int if whole."""
        big = self.big or ()
        if not self.floats:
            return self.small + sum(big)
        num = self.scaled + (self.small << _SCALE_BITS)
        for b in big:
            n, d = float(b).as_integer_ratio()  # OverflowError past 1e308, as fsum raises
            num += n << (_SCALE_BITS + 1 - d.bit_length())
        total = num / _SCALE  # OverflowError past the largest double, as fsum raises
        if self.special:
            total = math.fsum([*self.special, total])
        # Drop binary noise (0.1 + 0.2) so the compiled figure prints as officers added it.
        total = round(total, 9)
        return int(total) if total.is_integer() else total


_SCALE_BITS = 1074  # the smallest double is 2**-1074
_SCALE = 1 << _SCALE_BITS


class _Tally:
    """One period's running compilation: per indicator of the plan, the summed
    weight (reporting units behind it) and the method's running value."""

    __slots__ = ("weight", "acc")

    def __init__(self, plan: list[tuple[int, str, str, Any]]) -> None:
        self.weight = [0] * len(plan)
        self.acc: list[Any] = [ExactSum() if method == "sum" else None for _p, _id, method, _c in plan]

    def add(self, plan: list[tuple[int, str, str, Any]], values: Mapping[str, Any], weights: Mapping[str, int], was_compiled: bool) -> None:
        weight, acc = self.weight, self.acc
        if isinstance(values, PackedValues) and not weights and not was_compiled:
            # The common case (a commune's workbook): read the packed arrays directly.
            nums, kinds = values._nums, values._kinds
            for k, (pos, _id, method, code) in enumerate(plan):
                kind = kinds[pos]
                if not kind:
                    continue
                v = int(nums[pos]) if kind == 1 else nums[pos]
                weight[k] += 1
                if method == "sum":
                    acc[k].add(v)
                elif method == "min":
                    if acc[k] is None or v < acc[k]:
                        acc[k] = v
                elif method == "max":
                    if acc[k] is None or v > acc[k]:
                        acc[k] = v
                elif method == "count":
                    acc[k] = (acc[k] or 0) + int(v == code)
            return
        for k, (_pos, ind_id, method, code) in enumerate(plan):
            v = values.get(ind_id)
            if v is None:
                continue
            weight[k] += weights.get(ind_id, 1)
            number = isinstance(v, (int, float)) and not isinstance(v, bool)
            if method == "sum":
                if number:
                    acc[k].add(v)
            elif method in ("min", "max"):
                # Running comparisons keep the first of equal values, as min()/max() do.
                if number and (acc[k] is None or (v < acc[k] if method == "min" else v > acc[k])):
                    acc[k] = v
            elif method == "count" and isinstance(v, (int, float)):
                acc[k] = (acc[k] or 0) + (v if was_compiled else int(v == code))


class _Period:
    """Candidates of one period: who came first per unit name, and (while live) the tally."""

    __slots__ = ("count", "first", "tally")

    def __init__(self) -> None:
        self.count = 0
        self.first: dict[str, str] = {}  # name_key -> the first report's file
        self.tally: Optional[_Tally] = None


# Periods whose units are tallied as they arrive; a run with more distinct periods than
# this (a mixed-up folder) tallies the others at the end, from the spool, if one wins.
_LIVE_PERIODS = 4

_IN, _DUPLICATE, _SKIPPED = 0, 1, 2  # a candidate's fate within its period


class Compiler:
    """``compile_units`` as a stream: ``add(unit)`` as units arrive, ``result()`` once at the end.

    The same choices and findings as compiling the whole list at once, but the
    Compiler keeps per unit only its provenance (the very dict the Result lists it
    with) and its error findings: values are tallied as they arrive (per period; the
    majority period is chosen at the end) and appended, packed, to an anonymous
    temporary file, from which ``Result.extra["matrix"]["values"]`` is read back only
    when something reads it.
    """

    def __init__(
        self,
        compiled: CompiledSpec,
        level: str,
        unit_name: str,
        period: Optional[str] = None,
        *,
        units_level: Optional[str] = None,
        skip_invalid: bool = False,
    ) -> None:
        self.compiled, self.level, self.unit_name, self.period = compiled, level, unit_name, period
        self.expected = units_level or below(compiled, level)
        self.skip_invalid = skip_invalid
        self.positions = value_positions(compiled)
        self.plan: list[tuple[int, str, str, Any]] = [
            (self.positions[ind.id], ind.id, ind.aggregate_method.method, ind.aggregate_method.code)
            for _form, ind in compiled.spec.indicators()
            if ind.has_value and ind.applies_to(level)
        ]
        self._findings: list[Finding] = []  # exclusions decided on arrival (unusable, spec, level)
        self._excluded: list[dict] = []
        # Candidates, in arrival order: provenance (unit, file, level, period, errors),
        # fate, where the values are in the spool.
        self._prov: list[tuple] = []
        self._fate = bytearray()
        self._offsets = array("q")
        self._errors: dict[int, list[dict]] = {}  # only the candidates that have errors
        self._firsts: dict[int, str] = {}  # duplicates: the first report's file
        self._periods: dict[Optional[str], _Period] = {}
        self._spool: Optional[_Spool] = None
        self._done = False

    def add(self, u: UnitResult) -> None:
        """Take one unit's report (in the order the units are listed)."""
        if self._done:
            raise RuntimeError("Compiler.add after result()")
        # one string per distinct period/level, not one per unit: the parent keeps them all
        u.period = sys.intern(u.period) if isinstance(u.period, str) else u.period
        u.level = sys.intern(u.level) if isinstance(u.level, str) else u.level
        if u.problem is not None:
            self._exclude(u, "aggregate-file-unusable", "error", reason=u.problem.get("message", ""))
            return
        folder = None
        if not u.unit:  # no title names the unit: the file's name does (a copy's name is its original's)
            u = replace(u, unit=unit_from_file_name(u.file))  # the caller's UnitResult stays as given
            folder = _folder(u.file)
            self._findings.append(Finding.make("aggregate-unit-from-file", "info", location=Location(file=u.file),
                                               file=u.file, unit=u.unit))
        if u.spec and u.spec != self.compiled.id:
            self._exclude(u, "aggregate-mixed-spec", "error", found=u.spec, spec=self.compiled.id)
            return
        if u.level != self.expected:
            c = self.compiled  # level names, never ids, in what the officer reads
            self._exclude(u, "aggregate-wrong-level", "error", found=_level_name(c, u.level),
                          expected=_level_name(c, self.expected), level=_level_name(c, self.level))
            return
        values = u.values
        if isinstance(values, PackedValues) and values._pos is not self.positions and values._pos != self.positions:
            values = dict(values)  # packed in another key order: read as a mapping
        if self._spool is None:
            self._spool = _Spool(self.positions)
        index = len(self._prov)
        self._prov.append((u.unit, u.file, u.level, u.period, len(u.errors)))
        self._offsets.append(self._spool.append(values, u.weights, u.compiled))
        if u.errors:
            self._errors[index] = u.errors
        state = self._periods.get(u.period)
        if state is None:
            state = self._periods[u.period] = _Period()
            if (self.period is None and len(self._periods) <= _LIVE_PERIODS) or u.period == self.period:
                state.tally = _Tally(self.plan)
        state.count += 1
        key = name_key_once(u.name)
        if folder is not None:
            # named after its file: "bao-cao.xlsx" in two communes' folders is two units, and
            # "x.xlsx" beside "x (copy).xlsx" one
            key = f"{key}\x00{folder}"
        first = state.first.get(key)
        if first is not None:
            self._fate.append(_DUPLICATE)
            self._firsts[index] = first
            return
        state.first[key] = u.file
        if u.errors and self.skip_invalid:
            self._fate.append(_SKIPPED)
            return
        self._fate.append(_IN)
        if state.tally is not None:
            state.tally.add(self.plan, values, u.weights, u.compiled)

    def _exclude(self, u: UnitResult, code: str, severity: str, **values: Any) -> None:
        f = Finding.make(code, severity, location=Location(file=u.file), file=u.file, unit=u.name, **values)
        self._findings.append(f)
        self._excluded.append(_provenance(u) | {"reason": code, "message": f.message})

    def result(self) -> Result:
        """The compiled Result (once: the spool's values now belong to it)."""
        if self._done:
            raise RuntimeError("Compiler.result called twice")
        self._done = True
        findings, excluded = list(self._findings), list(self._excluded)
        counts = {p: s.count for p, s in self._periods.items()}
        seen_periods = sorted(p for p in counts if p)
        target = self.period or _majority({p: n for p, n in counts.items() if p})
        if len(seen_periods) > 1:
            findings.append(Finding.make("aggregate-mixed-periods", "warning", periods=", ".join(seen_periods), period=target))
        included: list[int] = []
        unknown = render("aggregate-unknown-unit", {})
        for i, prov in enumerate(self._prov):
            unit, file, _level, unit_period, errors = prov
            name, fate = unit or unknown, self._fate[i]
            loc = Location(file=file)
            if unit_period != target:
                f = Finding.make("aggregate-other-period", "warning", location=loc, file=file, unit=name,
                                 found=unit_period, period=target)
            elif fate == _DUPLICATE:
                f = Finding.make("aggregate-duplicate-unit", "warning", location=loc, file=file, unit=name,
                                 first=self._firsts[i], period=unit_period)
            elif fate == _SKIPPED:
                f = Finding.make("aggregate-unit-skipped", "warning", location=loc, file=file, unit=name,
                                 errors=errors)
            else:
                if errors:
                    findings.append(Finding.make("aggregate-unit-invalid", "warning", location=loc, unit=name,
                                                 errors=errors))
                    findings.extend(_carried(name, file, d) for d in self._errors[i])
                included.append(i)
                continue
            findings.append(f)
            excluded.append(dict(zip(_PROV_KEYS, prov)) | {"reason": f.code, "message": f.message})

        state = self._periods.get(target)
        tally = state.tally if state is not None else None
        spool = self._spool
        if tally is None:  # not tallied on arrival (one of many periods): from the spool now
            tally = _Tally(self.plan)
            for i in included:
                values, weights, was_compiled = spool.read(self._offsets[i])  # type: ignore[union-attr]
                tally.add(self.plan, values, weights, was_compiled)
        result = _compile_values(self.compiled, self.level, self.unit_name, target, self.plan, tally)
        result.findings = findings + result.findings
        prov = self._prov
        result.extra["aggregate"] = {
            "level": self.level,
            "units_level": self.expected,
            "period": target,
            "included": ProvenanceList([prov[i] for i in included]),
            "excluded": excluded,
        }
        ids = [ind.id for ind in result.indicators if ind.type != "group"]
        result.extra["matrix"] = {
            "units": [prov[i][0] or unknown for i in included],
            "files": [prov[i][1] for i in included],
            "values": MatrixValues(spool, [self._offsets[i] for i in included], ids),
        }
        self._prov, self._fate, self._offsets, self._errors, self._firsts = [], bytearray(), array("q"), {}, {}
        self._periods, self._spool = {}, None
        return result.finish()


class _Spool:
    """Each candidate unit's values, appended to an anonymous temporary file (deleted
    when closed or when the process ends): packed (a kind byte and a double per
    indicator of the spec) when they are plain numbers, else pickled with their weights."""

    _HEAD = struct.Struct("<BI")  # kind (1 packed, 2 pickled), length

    def __init__(self, positions: dict[str, int]) -> None:
        import tempfile

        self.positions = positions
        self.file = tempfile.TemporaryFile(prefix="cchc-aggregate-")
        self.end = 0
        self.writing = True

    def append(self, values: Mapping[str, Any], weights: Mapping[str, int], was_compiled: bool) -> int:
        packed = values if weights or was_compiled else PackedValues.pack(values, self.positions)
        if isinstance(packed, PackedValues) and not weights and not was_compiled:
            kind, data = 1, packed.to_bytes()
        else:
            import pickle

            kind, data = 2, pickle.dumps((dict(values), dict(weights), was_compiled), protocol=pickle.HIGHEST_PROTOCOL)
        if not self.writing:
            self.file.seek(0, 2)
            self.writing = True
        offset = self.end
        self.file.write(self._HEAD.pack(kind, len(data)))
        self.file.write(data)
        self.end += self._HEAD.size + len(data)
        return offset

    def read(self, offset: int) -> tuple[Mapping[str, Any], Mapping[str, int], bool]:
        if self.writing:
            self.file.flush()
            self.writing = False
        self.file.seek(offset)
        kind, size = self._HEAD.unpack(self.file.read(self._HEAD.size))
        data = self.file.read(size)
        if kind == 1:
            return PackedValues.from_bytes(self.positions, data), {}, False
        import pickle

        return pickle.loads(data)  # written by this process, a moment ago: not untrusted input


class MatrixValues(Mapping):
    """``{indicator: [value per included unit]}`` read back from the spool the first
    time anything reads it (a matrix writer, JSON output), so a run that writes a
    table or a report never holds every unit's values. Text comes back cleaned for
    output (sanitize.clean_output leaves this object as it is)."""

    def __init__(self, spool: Optional[_Spool], offsets: list[int], ids: list[str]) -> None:
        self._spool, self._offsets, self._ids = spool, array("q", offsets), ids
        self._data: Optional[dict[str, list[Any]]] = None

    def _load(self) -> dict[str, list[Any]]:
        if self._data is None:
            from ..text.textnorm import clean_cell_text

            columns: dict[str, list[Any]] = {i: [] for i in self._ids}
            for offset in self._offsets:
                values, _w, _c = self._spool.read(offset)  # type: ignore[union-attr]
                for i, column in columns.items():
                    v = values.get(i)
                    column.append(clean_cell_text(v) if isinstance(v, str) else v)
            self._data = columns
            if self._spool is not None:
                self._spool.file.close()
                self._spool = None
        return self._data

    def __getitem__(self, key: str) -> list[Any]:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, key: object) -> bool:
        return key in self._ids

    def __eq__(self, other: object) -> bool:
        return dict(self.items()) == other if isinstance(other, Mapping) else NotImplemented

    def __repr__(self) -> str:
        return f"MatrixValues({len(self._offsets)} units × {len(self._ids)} indicators)"

    def __reduce__(self) -> Any:
        # Pickled (a Result sent to another process, copy.deepcopy) as the plain dict it stands for.
        return (dict, (dict(self._load()),))


_PROV_KEYS = ("unit", "file", "level", "period", "errors")


def _provenance(u: UnitResult) -> dict:
    return {"unit": u.unit, "file": u.file, "level": u.level, "period": u.period, "errors": len(u.errors)}


class ProvenanceList(Sequence):
    """``extra["aggregate"]["included"]``: a dict per compiled unit (unit, file, level,
    period, errors), made when read. The Compiler keeps each unit's provenance as a
    tuple (a third of a dict), and a run that never writes JSON never builds the dicts.
    Text comes back cleaned for output (sanitize.clean_output leaves this as it is)."""

    def __init__(self, rows: list[tuple]) -> None:
        self._rows = rows

    def _dict(self, row: tuple) -> dict:
        from ..text.textnorm import clean_cell_text

        return {k: clean_cell_text(v) if isinstance(v, str) else v for k, v in zip(_PROV_KEYS, row)}

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self._dict(r) for r in self._rows[i]]
        return self._dict(self._rows[i])

    def __len__(self) -> int:
        return len(self._rows)

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (list, tuple, ProvenanceList)) else NotImplemented

    def __reduce__(self) -> Any:
        return (list, (list(self),))  # pickled and copied as the list of dicts it stands for

    def __repr__(self) -> str:
        return repr(list(self))


def _carried(name: str, file: str, data: dict) -> Finding:
    """A unit's own finding, carried up: the unit's name in the message, its file in the location."""
    f = Finding.from_plain(data)
    loc = f.location.replace(file=f.location.file or file)
    message = render("aggregate-unit-finding", {"unit": name, "message": f.message})
    return f.replace(location=loc, message=message, values={**f.values, "unit": name})


def _compile_values(
    compiled: CompiledSpec, level: str, unit_name: str, period: Optional[str],
    plan: list[tuple[int, str, str, Any]], tally: _Tally,
) -> Result:
    from ..flow.engine import run

    by_id = {ind.id: ind for _form, ind in compiled.spec.indicators()}
    cells: dict[str, Cell] = {}
    counts: dict[str, tuple[int, int, str]] = {}  # indicator -> (count, units, label)
    weights: dict[str, int] = {}
    too_large: list[str] = []
    for k, (_pos, ind_id, method, code) in enumerate(plan):
        if not tally.weight[k]:
            continue  # no unit gave a value: blank, not zero
        weights[ind_id] = tally.weight[k]
        acc = tally.acc[k]
        value: Any = None
        if method == "sum" and acc.n:
            try:
                value = acc.value()
            except OverflowError:  # beyond the largest double: said at the indicator, left blank
                too_large.append(ind_id)
                continue
        elif method in ("min", "max"):
            value = acc
        elif method == "count":
            label = next((c.label for c in compiled.choice_set(by_id[ind_id]) if c.code == code), str(code))
            counts[ind_id] = (int(acc or 0), weights[ind_id], label)
            continue
        if value is not None:
            cells[ind_id] = Cell(indicator=ind_id, value=value, raw_text=str(value), location=Location())
    sub = Submission(file="", unit=unit_name, level=level, period=period, cells=cells)
    result = run(compiled, sub, compilation=True)
    result.file = None
    result.findings.extend(
        Finding.make("aggregate-total-too-large", "error", indicator=i, units=weights[i]) for i in too_large
    )
    for row in result.indicators:
        if row.id in counts:
            n, w, label = counts[row.id]
            row.value, row.units, row.source = n, w, "computed"
            row.label = render("aggregate-count-label", {"label": label})
            continue
        if row.location is not None and not any(row.location.to_dict().values()):
            row.location = None
        if row.id in weights and (row.value is not None or row.source == "computed"):
            row.units = weights[row.id]
        if row.source == "reported":  # compiled from the units, not reported by anyone at this level
            row.source = "computed"
            row.raw = None
    return result


def _level_name(compiled: CompiledSpec, level_id: Optional[str]) -> str:
    if not level_id:
        return "-"
    lv = compiled.spec.level(level_id)
    return lv.name if lv is not None and lv.name else level_id
